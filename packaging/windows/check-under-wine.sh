#!/usr/bin/env bash
# CI (called by .ci/run): the Windows installer, installed and run under Wine.
#
#   packaging/windows/check-under-wine.sh          # build (signed with a throwaway
#                                                  # certificate) + check
#   packaging/windows/check-under-wine.sh X.msi    # check an existing MSI only
#
# In a fresh Wine prefix (64-bit, null display driver, the test-only icuuc.dll
# stand-in in its system32: see wine-env.sh and wine/icuuc-stub.c):
#   1. the MSI's tables (msiinfo): per-machine, Program Files, major upgrade, shortcut,
#      Add/Remove Programs properties; its Authenticode signature when signed;
#   2. msiexec /i /qn; the installed files, Start-menu shortcut and uninstall entry;
#   3. the installed hrher2-aid-cli.exe: --version, evidence verify, the bundle check
#      (every module imports), recommend on a set of cases (the same JSON as the
#      checkout's Linux run, apart from path fields), report (both PDFs: the same pages
#      and text as on Linux, fonts embedded), --self-test with QT_QPA_PLATFORM=offscreen;
#   4. start-up of the installed app against a minimal PySide6 window bundled with the
#      same spec (when build-msi.sh made one: HRHER2_WIN_BASELINE=1);
#   5. upgrade: a newer package replaces it, so does a rebuild of the same version, an
#      older one is refused (when the bundle
#      is at hand to repack);
#   6. msiexec /x /qn leaves no installed file, shortcut or registry entry behind; each
#      user's data folder is untouched.
# Any failure stops the run loudly. Each step is timed.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
APP=hrher2-aid
# has PATTERN...: grep that reads all its input (grep -q would close the pipe early and,
# under pipefail, fail the writer with SIGPIPE).
has() { grep "$@" >/dev/null; }
log() { printf '[wine-check] %s\n' "$*" >&2; }
fail() { printf '\n[wine-check] FAILED: %s\n\n' "$*" >&2; exit 1; }
STEP_START=$SECONDS
step() { log "-- $1 ($((SECONDS - STEP_START)) s)"; STEP_START=$SECONDS; }
CHECK_START=$SECONDS
cd "$ROOT"
VERSION="$(python3 -c 'import core; print(core.__version__)')"
PY="${HOST_PYTHON:-$ROOT/.venv/bin/python}"
"$PY" -c 'import pypdf' 2>/dev/null || fail "$PY lacks pypdf (pip install -e '.[test]')"

TMP="$(mktemp -d /tmp/hrher2-wine-check.XXXXXX)"
# The Linux runs compared with Windows use the bundled pack, never one installed on this
# machine (/var/lib/hrher2-aid/evidence); wrun's bare environment does not pass this on.
export HRHER2_AID_EVIDENCE_DIR="$TMP/no-installed-packs"
cleanup() { WINEPREFIX="$TMP/prefix" wineserver -k 2>/dev/null || true; [[ -n "${HRHER2_KEEP_TMP:-}" ]] || rm -rf "$TMP"; }
trap cleanup EXIT

# --- 0. the MSI: given, or built and signed here -------------------------------------
SIGNED=""
if [[ $# -ge 1 ]]; then
    MSI="$(readlink -f "$1")"
else
    # A throwaway self-signed code-signing certificate: proves the signing path works,
    # not who built it.
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=hrher2-aid CI throwaway" \
        -addext "extendedKeyUsage=codeSigning" -keyout "$TMP/sign.key" -out "$TMP/sign.pem" \
        2>/dev/null
    MSI="$(HRHER2_WIN_BASELINE=1 HRHER2_SIGN_CERT="$TMP/sign.pem" HRHER2_SIGN_KEY="$TMP/sign.key" \
        "$HERE/build-msi.sh" | tail -n1)" || fail "build-msi.sh"
    SIGNED=1
    step "built $(basename "$MSI")"
fi
[[ -f "$MSI" ]] || fail "no MSI at $MSI"
BUNDLE="$ROOT/build/win/dist/$APP"
BASELINE="$ROOT/build/win/dist/hrher2-minimal"
DEB="$(ls "$ROOT"/dist/${APP}_*_amd64.deb 2>/dev/null | tail -n1 || true)"
log "MSI: $(basename "$MSI") $(stat -c %s "$MSI") bytes ($(awk "BEGIN {printf \"%.1f\", $(stat -c %s "$MSI") / 1048576}") MiB)"
[[ -n "$DEB" ]] && log ".deb beside it: $(basename "$DEB") $(awk "BEGIN {printf \"%.1f\", $(stat -c %s "$DEB") / 1048576}") MiB"

# --- 1. the tables -------------------------------------------------------------------
msiinfo export "$MSI" Property > "$TMP/Property.idt"
prop() { awk -F'\t' -v k="$1" '$1 == k {print $2}' "$TMP/Property.idt" | tr -d '\r'; }
log "msiinfo tables: $(msiinfo tables "$MSI" | sort | tr '\n' ' ')"
log "msiinfo suminfo:"; msiinfo suminfo "$MSI" | sed 's/^/    /' >&2
log "Property (excerpt):"
grep -E '^(ALLUSERS|ARP[A-Z]+|Manufacturer|ProductCode|ProductName|ProductVersion|UpgradeCode)\b' \
    "$TMP/Property.idt" | sed 's/^/    /' >&2
for table in Upgrade Shortcut LaunchCondition; do
    log "$table:"; msiinfo export "$MSI" "$table" | tail -n +4 | sed 's/^/    /' >&2
done
log "Directory (top):"
msiinfo export "$MSI" Directory | grep -E 'TARGETDIR|ProgramFiles64Folder|ProgramMenuFolder|INSTALLDIR' |
    sed 's/^/    /' >&2
[[ "$(prop ALLUSERS)" == 1 ]] || fail "ALLUSERS is not 1 (not per-machine)"
[[ "$(prop ProductVersion)" == "${HRHER2_EXPECT_VERSION:-$VERSION}" ]] || fail "ProductVersion $(prop ProductVersion)"
[[ "$(prop UpgradeCode)" == "{5B0E3F5C-8C1D-4A8E-9F4B-6D2A7C1E0B93}" ]] || fail "UpgradeCode $(prop UpgradeCode)"
for key in ARPPRODUCTICON ARPHELPLINK Manufacturer; do [[ -n "$(prop $key)" ]] || fail "no $key"; done
msiinfo export "$MSI" Directory | has $'\tProgramFiles64Folder\t' || fail "INSTALLDIR is not under ProgramFiles64Folder"
msiinfo export "$MSI" Upgrade | has -F "$(prop UpgradeCode)" || fail "no Upgrade rows (major upgrade)"
msiinfo export "$MSI" Shortcut | has 'ProgramMenuFolder' || fail "no Start-menu shortcut"
msiinfo suminfo "$MSI" | has 'x64;1033' || fail "the package is not x64"
PRODUCT_CODE="$(prop ProductCode)"
if [[ -n "$SIGNED" ]]; then
    osslsigncode verify -CAfile "$TMP/sign.pem" -in "$MSI" > "$TMP/verify.txt" 2>&1 ||
        { cat "$TMP/verify.txt" >&2; fail "the MSI's signature does not verify"; }
    log "Authenticode: $(grep -E '^(Signer|Message digest algorithm|Signature verification)' "$TMP/verify.txt" | tr '\n' ' ' | head -c 300)"
    # A changed byte must break it.
    cp "$MSI" "$TMP/tampered.msi"
    printf 'X' | dd of="$TMP/tampered.msi" bs=1 seek=$(( $(stat -c %s "$MSI") / 2 )) conv=notrunc 2>/dev/null
    if osslsigncode verify -CAfile "$TMP/sign.pem" -in "$TMP/tampered.msi" >/dev/null 2>&1; then
        fail "a tampered MSI still verifies"
    fi
fi
step "1. tables checked"

# --- a fresh prefix ------------------------------------------------------------------
# shellcheck source=packaging/windows/wine-env.sh
source "$HERE/wine-env.sh"
wine_prefix_init "$TMP/prefix"
wineserver -p  # keep one wineserver for the whole check
C="$WINEPREFIX/drive_c"
PF="$C/Program Files/$APP"
MENU="$C/ProgramData/Microsoft/Windows/Start Menu/Programs"
# Wine 8's msi resolves ProgramMenuFolder to the installing user's Start menu even when
# ALLUSERS=1 ("FIXME: set to AllUsers profile path if ALLUSERS is set", dlls/msi/package.c);
# Windows uses the all-users one (C:\ProgramData\...). Either is accepted here.
USER_MENU="$C/users/$(id -un)/AppData/Roaming/Microsoft/Windows/Start Menu/Programs"
LNK="HR+ HER2+ decision aid.lnk"
snapshot() { (cd "$C" && find . -path ./windows -prune -o -path './users/*/Temp' -prune \
    -o -path './users/*/AppData/Local/Temp' -prune -o -print | LC_ALL=C sort) > "$1"; }
snapshot "$TMP/before.txt"
step "fresh Wine prefix (wine $(wine --version 2>/dev/null))"

# wrun CMD...: a Windows program in a bare environment (no PYTHONPATH, no checkout).
wrun() {
    env -i PATH=/usr/bin:/bin HOME="$HOME" LANG=C.UTF-8 WINEPREFIX="$WINEPREFIX" \
        WINEDEBUG="$WINEDEBUG" WINEARCH="$WINEARCH" WINEDLLOVERRIDES="$WINEDLLOVERRIDES" \
        QT_QPA_PLATFORM=offscreen ${HRHER2_BUNDLE_CHECK:+HRHER2_BUNDLE_CHECK=1} \
        wine "$@" </dev/null 2> >(cat > "$TMP/stderr.txt") | cat  # pipes, not files
    return "${PIPESTATUS[0]}"
}
CLI='C:\Program Files\hrher2-aid\hrher2-aid-cli.exe'
uninstall_entry() {  # the entry's values, or nothing when there is no such key
    local out
    out="$(wrun reg query "HKLM\\Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\$1")" || return 0
    tr -d '\r' <<<"$out"
}

# --- 2. install ----------------------------------------------------------------------
msiexec_run() {  # msiexec_run LOGNAME ARGS...: exit status of msiexec
    local name="$1"; shift
    local status=0
    wrun msiexec "$@" /qn /l*v "$(winpath "$TMP/$name.log")" >/dev/null || status=$?
    return "$status"
}
msiexec_run install /i "$(winpath "$MSI")" || fail "msiexec /i exited $? (log: $(tail -n 20 "$TMP/install.log" | iconv -f utf-16 -t utf-8 2>/dev/null))"
[[ -f "$PF/$APP.exe" && -f "$PF/$APP-cli.exe" ]] || fail "not installed under C:\\Program Files\\$APP"
if [[ -f "$MENU/$LNK" ]]; then
    shortcut="$MENU/$LNK"
elif [[ -f "$USER_MENU/$LNK" ]]; then
    shortcut="$USER_MENU/$LNK"
    log "shortcut: in the user's Start menu (Wine's msi ignores ALLUSERS there; Windows puts it in ProgramData)"
else
    fail "no Start-menu shortcut '$LNK' in $MENU or $USER_MENU"
fi
entry="$(uninstall_entry "$PRODUCT_CODE")"
log "Add/Remove Programs entry:"; grep -E 'DisplayName|DisplayVersion|Publisher|HelpLink|DisplayIcon|URLInfoAbout|InstallLocation' <<<"$entry" | sed 's/^/    /' >&2 || true
for field in DisplayName DisplayVersion Publisher HelpLink InstallLocation.*hrher2-aid; do
    grep -q "$field" <<<"$entry" || fail "uninstall entry lacks $field"
done
# Apps & features shows an MSI product's icon from its registration (ProductIcon, from
# ARPPRODUCTICON), not from a DisplayIcon value.
[[ -f "$C/windows/Installer/$PRODUCT_CODE/hrher2_aid.ico" ]] || fail "the product icon is not registered"
log "    ProductIcon: C:\\windows\\Installer\\$PRODUCT_CODE\\hrher2_aid.ico"
if [[ -n "$SIGNED" ]]; then
    for exe in "$APP.exe" "$APP-cli.exe"; do
        osslsigncode verify -CAfile "$TMP/sign.pem" -in "$PF/$exe" >/dev/null 2>&1 ||
            fail "the installed $exe's signature does not verify"
    done
    log "Authenticode: the installed $APP.exe and $APP-cli.exe verify"
fi
installed_files="$(cd "$PF" && find . -type f | wc -l)"
step "2. msiexec /i /qn: $installed_files files in C:\\Program Files\\$APP, shortcut ${shortcut#"$C"/}"

# --- 3. the installed program ----------------------------------------------------------
out="$(wrun "$CLI" --version)" || fail "--version exited $?: $(cat "$TMP/stderr.txt")"
log "--version: $out"
grep -q "$VERSION" <<<"$out" || fail "--version does not say $VERSION"

verify="$(wrun "$CLI" evidence verify | tr -d '\r')" || fail "evidence verify exited $?: $verify"
grep -q '^path: C:\\Program Files\\hrher2-aid\\' <<<"$verify" ||
    fail "evidence verify did not use the installed store: $verify"
linux_verify="$("$PY" -m core.cli evidence verify)"
not_paths() { grep -v -E '^[^:]+: (/|[A-Za-z]:\\)' <<<"$1" || true; }  # "path: ...", "pack folder: ..."
[[ "$(not_paths "$verify")" == "$(not_paths "$linux_verify")" ]] ||
    fail "evidence verify differs from Linux:
$verify
$linux_verify"
log "evidence verify: $(grep -E '^(version|sha256):' <<<"$verify" | tr '\n' ' ')"

check="$(HRHER2_BUNDLE_CHECK=1 wrun "$C/Program Files/$APP/$APP-cli.exe")" ||
    fail "bundle check: $check $(cat "$TMP/stderr.txt")"
log "$check"

# recommend: single cases (files and stdin) and a batch of many, against Linux.
mkdir -p "$TMP/cases"
cp packaging/sample-case.json docs/samples/*.json "$TMP/cases/" 2>/dev/null || true
"$PY" - "$TMP/cases/batch.jsonl" <<'EOF'
import json, sys
from tests.core.report_support import all_cases
cases = list(all_cases())
with open(sys.argv[1], "w", encoding="utf-8") as out:
    for case in cases[::25]:   # a spread over every main field, some hundreds
        out.write(json.dumps(case.to_dict()) + "\n")
EOF
n_single=0
for case in "$TMP"/cases/*.json; do
    name="$(basename "$case" .json)"
    "$PY" -m core.cli recommend "$case" > "$TMP/$name.linux.json"
    wrun "$CLI" recommend "$(winpath "$case")" > "$TMP/$name.win.json" ||
        fail "recommend $name exited $?: $(cat "$TMP/stderr.txt")"
    "$PY" "$HERE/wine_compare.py" json "$TMP/$name.linux.json" "$TMP/$name.win.json" ||
        fail "recommend $name: Windows JSON differs from Linux"
    n_single=$((n_single + 1))
done
"$PY" -m core.cli recommend --batch "$TMP/cases/batch.jsonl" > "$TMP/batch.linux.jsonl"
wrun "$CLI" recommend --batch "$(winpath "$TMP/cases/batch.jsonl")" > "$TMP/batch.win.jsonl" ||
    fail "recommend --batch exited $?: $(cat "$TMP/stderr.txt")"
"$PY" "$HERE/wine_compare.py" jsonl "$TMP/batch.linux.jsonl" "$TMP/batch.win.jsonl" ||
    fail "recommend --batch: Windows JSON differs from Linux"
log "recommend: $n_single case files and a batch of $(wc -l < "$TMP/batch.win.jsonl") cases: the same JSON as on Linux"

# report: both documents, for each sample case, against Linux.
n_pdf=0
for case in "$TMP"/cases/*.json; do
    name="$(basename "$case" .json)"
    "$PY" -m core.cli report "$case" -o "$TMP/$name.linux.pdf" --handout "$TMP/$name.linux-handout.pdf" \
        --clinician "Dr. Zoë Ñúñez" --institution "Clinique – Nord" >/dev/null
    wrun "$CLI" report "$(winpath "$case")" -o "$(winpath "$TMP/$name.win.pdf")" \
        --handout "$(winpath "$TMP/$name.win-handout.pdf")" \
        --clinician "Dr. Zoë Ñúñez" --institution "Clinique – Nord" >/dev/null ||
        fail "report $name exited $?: $(cat "$TMP/stderr.txt")"
    for doc in "" "-handout"; do
        "$PY" "$HERE/wine_compare.py" pdf "$TMP/$name.linux$doc.pdf" "$TMP/$name.win$doc.pdf" ||
            fail "report $name$doc: the Windows PDF differs from Linux's"
        n_pdf=$((n_pdf + 1))
    done
done
log "report: $n_pdf PDFs (summary + handout for $n_single cases): same pages and text as on Linux, fonts embedded"

out="$(wrun "$CLI" --self-test | tr -d '\r')" || fail "--self-test exited $?: $out $(cat "$TMP/stderr.txt")"
[[ "$out" == "self-test OK:"* ]] || fail "--self-test said: $out"
log "--self-test (offscreen, under Wine): $out"
step "3. installed CLI"

# --- 4. start-up against the minimal window --------------------------------------------
if [[ -f "$BASELINE/hrher2-minimal-cli.exe" ]]; then
    cp -r "$BASELINE" "$C/Program Files/hrher2-minimal"
    log "start-up under Wine, offscreen (installed app --self-test vs minimal PySide6 window, same spec):"
    (export QT_QPA_PLATFORM=offscreen
     "$PY" "$HERE/wine_compare.py" startup "${HRHER2_STARTUP_RUNS:-7}" \
        app=wine "$C/Program Files/$APP/$APP-cli.exe" --self-test -- \
        minimal=wine "$C/Program Files/hrher2-minimal/hrher2-minimal-cli.exe") >&2 ||
        fail "start-up timing"
    rm -rf "$C/Program Files/hrher2-minimal"
    step "4. start-up timed"
else
    log "4. no baseline bundle ($BASELINE): start-up not compared"
fi

# --- 5. upgrade and downgrade ------------------------------------------------------------
repack() {  # repack VERSION OUT.msi: the same bundle as another version; prints its ProductCode
    HRHER2_MSI_VERSION="$1" HRHER2_MSI_OUT="$2" "$HERE/build-msi.sh" >/dev/null 2>"$TMP/repack.log" ||
        { cat "$TMP/repack.log" >&2; return 1; }
    msiinfo export "$2" Property | awk -F'\t' '$1 == "ProductCode" {print $2}' | tr -d '\r'
}
if [[ -f "$BUNDLE/$APP-cli.exe" && -z "${HRHER2_SKIP_UPGRADE:-}" ]]; then
    IFS=. read -r major minor patch <<<"$VERSION"
    NEWER="$major.$minor.$((patch + 1))"
    NEWER_CODE="$(repack "$NEWER" "$TMP/newer.msi")" || fail "repacking as $NEWER"
    msiexec_run upgrade /i "$(winpath "$TMP/newer.msi")" || fail "installing $NEWER over $VERSION exited $?"
    [[ -z "$(uninstall_entry "$PRODUCT_CODE")" ]] || fail "$VERSION is still registered after the upgrade"
    uninstall_entry "$NEWER_CODE" | has "DisplayVersion.*$NEWER" || fail "$NEWER is not registered"
    log "upgrade: $NEWER replaced $VERSION (old product code gone, one entry)"
    # A rebuild of the same version (a new ProductCode) replaces it too, not beside it.
    REBUILT_CODE="$(repack "$NEWER" "$TMP/rebuilt.msi")" || fail "repacking $NEWER again"
    msiexec_run rebuilt /i "$(winpath "$TMP/rebuilt.msi")" || fail "installing a rebuild of $NEWER exited $?"
    [[ -z "$(uninstall_entry "$NEWER_CODE")" ]] || fail "the first $NEWER build is still registered beside its rebuild"
    uninstall_entry "$REBUILT_CODE" | has "DisplayVersion.*$NEWER" || fail "the rebuild of $NEWER is not registered"
    log "same version: a rebuild of $NEWER (new product code) replaced the first build (one entry)"
    NEWER_CODE="$REBUILT_CODE"
    status=0; msiexec_run downgrade /i "$(winpath "$MSI")" || status=$?
    [[ $status -ne 0 ]] || fail "installing $VERSION over $NEWER was not refused"
    uninstall_entry "$NEWER_CODE" | has "DisplayVersion.*$NEWER" || fail "$NEWER is gone after the refused downgrade"
    [[ -z "$(uninstall_entry "$PRODUCT_CODE")" ]] || fail "the refused $VERSION got registered"
    log "downgrade: $VERSION over $NEWER refused (msiexec exit $status: Wine passes on the low byte of 1603 = 67), LaunchConditions: $(grep -a 'Action ended.*LaunchConditions' "$TMP/downgrade.log" | tr -d '\r' | sed 's/.*LaunchConditions. //'), $NEWER stays"
    out="$(wrun "$CLI" --self-test | tr -d '\r')" || fail "--self-test after the upgrade: $out"
    PRODUCT_CODE="$NEWER_CODE"
    step "5. upgrade/downgrade"
else
    log "5. no bundle at $BUNDLE to repack: upgrade not checked"
fi

# --- 6. uninstall --------------------------------------------------------------------------
# A user's own data (cases, settings) must survive: plant some where the app keeps it.
USERDATA="$C/users/$(id -un)/AppData/Local/$APP"
mkdir -p "$USERDATA" && echo keep > "$USERDATA/cases.sqlite"
msiexec_run uninstall /x "$PRODUCT_CODE" || fail "msiexec /x exited $?"
[[ ! -e "$PF" ]] || fail "left behind in C:\\Program Files\\$APP: $(cd "$PF" && find . | head)"
[[ ! -e "$MENU/$LNK" && ! -e "$USER_MENU/$LNK" ]] || fail "the Start-menu shortcut is left"
[[ -z "$(uninstall_entry "$PRODUCT_CODE")" ]] || fail "the uninstall entry is left"
wrun reg query 'HKLM\Software\hrher2-aid' >/dev/null 2>&1 && fail "HKLM\\Software\\hrher2-aid is left"
[[ "$(cat "$USERDATA/cases.sqlite")" == keep ]] || fail "the user's data was touched"
rm -rf "$USERDATA"
snapshot "$TMP/after.txt"
left="$(comm -13 "$TMP/before.txt" "$TMP/after.txt" | grep -v -E '^\./users/[^/]+/AppData/(Local|Roaming)/?$|/Temp|/INetCache|^\./ProgramData/Microsoft/Windows/Start Menu' || true)"
[[ -z "$left" ]] || { log "paths under drive_c new since before the install:"; sed 's/^/    /' <<<"$left" >&2; }
grep -q "Program Files/$APP" <<<"$left" && fail "installed files left behind"
step "6. msiexec /x /qn: nothing left under Program Files, no shortcut, no registry entry; user data kept"
log "OK: the Windows installer under Wine, $((SECONDS - CHECK_START)) s"
