#!/usr/bin/env bash
# CI (called by .ci/run after the test suite): build the .deb, unpack it into a temporary
# root and run the installed files there, headless. Any failure stops the run loudly.
#
#   packaging/ci-deb.sh            # build + check
#   packaging/ci-deb.sh DEB        # check an existing .deb only
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
APP=hrher2-aid
fail() { printf '\n[ci-deb] FAILED: %s\n\n' "$*" >&2; exit 1; }
log() { printf '[ci-deb] %s\n' "$*" >&2; }

if [[ $# -ge 1 ]]; then
    DEB="$1"
else
    DEB="$("$ROOT/packaging/build-deb.sh" | tail -n1)" || fail "build-deb.sh"
fi
[[ -f "$DEB" ]] || fail "no package at $DEB"

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
UNPACKED="$TMP/root"
dpkg-deb -x "$DEB" "$UNPACKED" || fail "dpkg-deb -x"

# --- package metadata and layout -------------------------------------------------------
dpkg-deb -I "$DEB" >/dev/null || fail "dpkg-deb -I"
for field in Package Version Architecture Depends; do
    [[ -n "$(dpkg-deb -f "$DEB" "$field")" ]] || fail "control field $field is empty"
done
depends="$(dpkg-deb -f "$DEB" Depends)"
for lib in libxcb-icccm4 libxcb-keysyms1 libxcb-cursor0 libxkbcommon-x11-0; do
    [[ "$depends" == *"$lib"* ]] || fail "Depends lacks $lib"
done
[[ "$(readlink "$UNPACKED/usr/bin/$APP")" == "/opt/$APP/$APP" ]] || fail "/usr/bin/$APP link"
for path in "usr/share/applications/$APP.desktop" "usr/share/icons/hicolor/48x48/apps/$APP.png" \
            "usr/share/icons/hicolor/scalable/apps/$APP.svg" "opt/$APP/$APP" \
            "opt/$APP/_internal/resources/guide/install.md"; do  # messages point IT to it
    [[ -e "$UNPACKED/$path" ]] || fail "missing /$path"
done
grep -q "^Exec=/usr/bin/$APP\$" "$UNPACKED/usr/share/applications/$APP.desktop" ||
    fail "desktop entry Exec"
if find "$UNPACKED" -name '__pycache__' -o -name '*.py' | grep -q .; then
    fail "the package carries Python sources or bytecode caches"
fi
# Nothing in the bundle links to a library that was trimmed away (or that the system
# lacks): ldd every ELF file with the bundle's own library folders on the search path.
BUNDLE_DIR="$UNPACKED/opt/$APP/_internal"
missing="$(find "$UNPACKED/opt/$APP" -type f \( -name '*.so*' -o -perm -u+x \) -print0 |
    LD_LIBRARY_PATH="$BUNDLE_DIR:$BUNDLE_DIR/PySide6/Qt/lib" xargs -0 -n1 ldd 2>/dev/null |
    grep 'not found' | sort -u || true)"
[[ -z "$missing" ]] || fail "libraries not found:
$missing"
before="$(cd "$UNPACKED" && find . | sort)"

# --- run the unpacked files, in a bare environment, outside the checkout ---------------
BIN="$UNPACKED/opt/$APP/$APP"
HOMEDIR="$TMP/home"
mkdir -p "$HOMEDIR"
# (and no machine-wide evidence: packs installed on this machine in
# /var/lib/hrher2-aid/evidence would stand in for the bundled pack this checks)
run() {  # no PYTHONPATH, no checkout on the path, a fresh HOME
    (cd "$TMP" && env -i PATH=/usr/bin:/bin HOME="$HOMEDIR" LANG=C.UTF-8 \
        HRHER2_AID_EVIDENCE_DIR="$TMP/no-installed-packs" QT_QPA_PLATFORM=offscreen ${HRHER2_BUNDLE_CHECK:+HRHER2_BUNDLE_CHECK=1} "$BIN" "$@")
}

# Every module of core/ and desktop/ imports inside the bundle (lazy imports included).
check="$(HRHER2_BUNDLE_CHECK=1 run 2>&1)" || fail "bundle check: $check"
log "$check"

out="$(run --self-test 2>"$TMP/self-test.err")" || {
    cat "$TMP/self-test.err" >&2; fail "--self-test exited $? ($out)"; }
[[ "$out" == "self-test OK:"* ]] || fail "--self-test said: $out"
log "$out"

verify="$(run evidence verify)" || fail "evidence verify"
grep -q "^path: $UNPACKED/opt/$APP/" <<<"$verify" ||
    fail "evidence verify did not use the bundled store: $verify"
version="$(awk '/^version:/ {print $2}' <<<"$verify")"
log "evidence verify: store $version inside the package"

run recommend - < "$ROOT/packaging/sample-case.json" > "$TMP/result.json" ||
    fail "recommend exited non-zero"
python3 - "$TMP/result.json" "$version" <<'EOF' || fail "recommend gave an unexpected result"
import json, sys
result = json.load(open(sys.argv[1], encoding="utf-8"))
assert result["format"] == "hrher2-aid.result/1", result["format"]
assert result["in_scope"] is True
assert result["options"], "no options"
assert all(o["citations"] for o in result["options"]), "an option without citations"
assert result["evidence"]["version"] == sys.argv[2], result["evidence"]
print(f"[ci-deb] recommend: {len(result['options'])} option(s), "
      f"{len(result['cautions'])} caution(s)", file=sys.stderr)
EOF

grep -q "^signer key: " <<<"$verify" || fail "evidence verify shows no signed pack: $verify"
log "evidence verify: $(grep '^signer key: ' <<<"$verify")"

# An altered store must be refused (exit 3), not trusted: the frozen app's signature
# and whole-file checks must be live. A copy of the bundled signed pack, one row changed.
mkdir -p "$TMP/bad"
cp "$UNPACKED/opt/$APP/_internal/resources/"evidence.{sqlite,manifest.json,manifest.json.minisig} \
    "$TMP/bad/"
python3 -c 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]);
c.execute("UPDATE statements SET text = text || \x27 (altered)\x27 WHERE rowid = 1");
c.commit()' "$TMP/bad/evidence.sqlite"
set +e
run evidence verify --evidence "$TMP/bad" >/dev/null 2>&1
code=$?
set -e
[[ $code -eq 3 ]] || fail "an altered evidence store gave exit $code, expected 3"

# The PDF report once the report command exists (core/report).
if run --help 2>/dev/null | grep -qw report; then
    run report "$ROOT/packaging/sample-case.json" -o "$TMP/report.pdf" ||
        fail "report exited non-zero"
    [[ "$(head -c5 "$TMP/report.pdf")" == "%PDF-" ]] || fail "report did not write a PDF"
    log "report: $(stat -c %s "$TMP/report.pdf") bytes of PDF"
fi

after="$(cd "$UNPACKED" && find . | sort)"
[[ "$before" == "$after" ]] || fail "running the app changed files under the package:
$(diff <(echo "$before") <(echo "$after") || true)"

log "OK: $(basename "$DEB") $(($(stat -c %s "$DEB") / 1024)) KiB," \
    "unpacked $(du -sm "$UNPACKED" | cut -f1) MiB"
