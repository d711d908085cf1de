#!/usr/bin/env bash
# Build the macOS app and disk image: dist/hrher2-aid-<version>-macos-<arch>.dmg
#
# Run on macOS 12+ from the repository root:  packaging/macos/build-macos.sh
# Needs: Python 3.11+ from python.org (or Homebrew) and the Xcode command line tools
# (iconutil, codesign, hdiutil come with macOS). Python packages go into build/venv.
# The app is built for the machine's architecture (arm64 on Apple silicon, x86_64 on
# Intel); build once on each to support both.
#
# Optional signing for distribution outside the clinic's own machines:
#   CODESIGN_IDENTITY="Developer ID Application: ..." packaging/macos/build-macos.sh
# then notarise the .dmg (xcrun notarytool submit ... --wait; xcrun stapler staple).
# Without it the app is ad-hoc signed and Gatekeeper asks once (right-click > Open).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
PYTHON="${PYTHON:-python3}"
VERSION="$("$PYTHON" -c 'import core; print(core.__version__)')"  # the one version source
ARCH="$(uname -m)"
APP_DIR="build/pyi-dist/hrher2-aid.app"
DMG="dist/hrher2-aid-$VERSION-macos-$ARCH.dmg"

[[ -x build/venv/bin/python ]] || "$PYTHON" -m venv build/venv
build/venv/bin/python -m pip install -q --disable-pip-version-check ".[package]"

# Icon: an .iconset rendered from resources/icons/hrher2-aid.svg, then .icns.
build/venv/bin/python packaging/make_icons.py --iconset build/icons/hrher2-aid.iconset
iconutil -c icns build/icons/hrher2-aid.iconset -o build/icons/hrher2-aid.icns

# The same spec as Linux; on darwin it adds a BUNDLE step (hrher2-aid.app).
HRHER2_VERSION="$VERSION" PYTHONDONTWRITEBYTECODE=1 build/venv/bin/pyinstaller \
    --noconfirm --clean --distpath build/pyi-dist --workpath build/pyi-work \
    packaging/hrher2-aid.spec

if [[ -n "${CODESIGN_IDENTITY:-}" ]]; then
    # Hardened runtime (needed for notarisation) with the entitlements an embedded
    # Python needs; library validation is off because the bundle's libraries are
    # signed by us, not by Apple or the Qt Company.
    codesign --force --deep --options runtime --timestamp \
        --entitlements packaging/macos/entitlements.plist \
        --sign "$CODESIGN_IDENTITY" "$APP_DIR"
else
    codesign --force --deep --sign - "$APP_DIR"  # ad-hoc: runs locally, not notarisable
fi
codesign --verify --deep --strict "$APP_DIR"

# Smoke test of the bundle before packing it.
BIN="$APP_DIR/Contents/MacOS/hrher2-aid"
QT_QPA_PLATFORM=offscreen "$BIN" --self-test
"$BIN" evidence verify
"$BIN" recommend packaging/sample-case.json > /dev/null

# Disk image: the app and a link to /Applications to drag it onto.
STAGE="build/dmg-root"
rm -rf "$STAGE" && mkdir -p "$STAGE" dist
cp -R "$APP_DIR" "$STAGE/"
ln -s /Applications "$STAGE/Applications"
rm -f "$DMG"
hdiutil create -volname "hrher2-aid $VERSION" -srcfolder "$STAGE" -fs HFS+ \
    -format ULFO -ov "$DMG"
hdiutil verify "$DMG"
echo "$DMG"
