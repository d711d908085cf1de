#!/usr/bin/env bash
# Build dist/hrher2-aid_<version>_amd64.deb from a clean checkout.
#
# Needs: python3 (3.11+, with venv), dpkg-deb, objdump (binutils), xz; nothing else from
# the system. Python packages come from the configured pip index into build/venv (the
# global environment is never touched).
#
#   packaging/build-deb.sh                 # venv + PyInstaller + .deb
#   HRHER2_REUSE_VENV=1 packaging/build-deb.sh   # skip pip if build/venv already works
#
# Layout of the package: the one-folder bundle in /opt/hrher2-aid, /usr/bin/hrher2-aid
# (symlink), /usr/share/applications/hrher2-aid.desktop, hicolor icons, a copyright file.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
PYTHON="${PYTHON:-python3}"
BUILD="$ROOT/build"
VENV="$BUILD/venv"
STAGE="$BUILD/deb-root"
APP=hrher2-aid
# Set the real contact before shipping (lintian flags the placeholder's mail host).
MAINTAINER="${DEB_MAINTAINER:-hrher2-aid maintainers <hrher2-aid@localhost>}"
HOMEPAGE="${DEB_HOMEPAGE:-https://localhost/hrher2-aid}"  # (the real one, likewise)

VERSION="$("$PYTHON" -c 'import core; print(core.__version__)')"  # the one version source
DEB="$ROOT/dist/${APP}_${VERSION}_amd64.deb"
log() { printf '[build-deb] %s\n' "$*" >&2; }

# --- 1. build environment ------------------------------------------------------------
if [[ -n "${HRHER2_REUSE_VENV:-}" && -x "$VENV/bin/pyinstaller" ]]; then
    log "reusing $VENV"
else
    log "creating $VENV"
    rm -rf "$VENV"
    "$PYTHON" -m venv "$VENV"
    # (grep drops this machine's pip-config noise about absent local index folders)
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check ".[package]" \
        2> >(grep -v "^WARNING: Location 'file:" >&2)
fi

# --- 2. the bundle -----------------------------------------------------------------------
log "PyInstaller (one folder)"
rm -rf "$BUILD/pyi-dist"
PYTHONDONTWRITEBYTECODE=1 "$VENV/bin/pyinstaller" --noconfirm --clean \
    --log-level WARN --distpath "$BUILD/pyi-dist" --workpath "$BUILD/pyi-work" \
    "$ROOT/packaging/hrher2-aid.spec"
BUNDLE="$BUILD/pyi-dist/$APP"
# The bundle must hold no bytecode caches or build leftovers of the checkout.
find "$BUNDLE" -name __pycache__ -prune -exec rm -rf {} +
"$ROOT/packaging/deb-depends.sh" check "$BUNDLE"

# --- 3. the package tree -----------------------------------------------------------------
log "staging $STAGE"
rm -rf "$STAGE"
install -d "$STAGE/DEBIAN" "$STAGE/opt" "$STAGE/usr/bin" "$STAGE/usr/share/applications" \
    "$STAGE/usr/share/doc/$APP"
cp -a "$BUNDLE" "$STAGE/opt/$APP"
ln -s "/opt/$APP/$APP" "$STAGE/usr/bin/$APP"
install -m 0644 packaging/deb/hrher2-aid.desktop "$STAGE/usr/share/applications/$APP.desktop"
for png in resources/icons/$APP-*.png; do
    size="${png##*-}"; size="${size%.png}"
    install -D -m 0644 "$png" "$STAGE/usr/share/icons/hicolor/${size}x${size}/apps/$APP.png"
done
install -D -m 0644 "resources/icons/$APP.svg" "$STAGE/usr/share/icons/hicolor/scalable/apps/$APP.svg"
install -m 0644 packaging/deb/copyright "$STAGE/usr/share/doc/$APP/copyright"
install -m 0755 packaging/deb/postinst packaging/deb/postrm "$STAGE/DEBIAN/"

CHANGED="$(date -R -d "@$(git log -1 --format=%ct 2>/dev/null || date +%s)")"
printf '%s (%s) stable; urgency=medium\n\n  * Release %s.\n\n -- %s  %s\n' \
    "$APP" "$VERSION" "$VERSION" "$MAINTAINER" "$CHANGED" |
    gzip -9n > "$STAGE/usr/share/doc/$APP/changelog.gz"

# Normalise modes: root-owned (--root-owner-group), world-readable, no group/other write,
# shared libraries not executable (only the program and maintainer scripts are).
chmod -R u+rwX,go+rX,go-w "$STAGE"
find "$STAGE/opt/$APP" -type f -name '*.so*' -exec chmod 0644 {} +

(cd "$STAGE" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' |
    LC_ALL=C sort -z | xargs -0 md5sum) > "$BUILD/md5sums"
install -m 0644 "$BUILD/md5sums" "$STAGE/DEBIAN/md5sums"

INSTALLED_KB="$(du -sk --exclude=DEBIAN "$STAGE" | cut -f1)"
cat > "$STAGE/DEBIAN/control" <<EOF
Package: $APP
Version: $VERSION
Architecture: amd64
Maintainer: $MAINTAINER
Installed-Size: $INSTALLED_KB
Depends: $("$ROOT/packaging/deb-depends.sh" control)
Section: science
Priority: optional
Homepage: $HOMEPAGE
Description: offline decision aid for HR+/HER2+ metastatic breast cancer
 Clinician decision support for hormone-receptor-positive, HER2-positive
 metastatic breast cancer: the options the source supports, sequencing, cautions
 and what the source does not cover, each with its citation. Works offline;
 makes no network connection. Includes the command line (hrher2-aid recommend,
 hrher2-aid evidence verify). Check an installation with: hrher2-aid --self-test
EOF

# --- 4. the .deb -------------------------------------------------------------------------
mkdir -p "$ROOT/dist"
rm -f "$DEB"
log "dpkg-deb (xz -9)"
dpkg-deb --root-owner-group -Zxz -z9 -Sextreme --build "$STAGE" "$DEB" >/dev/null
size="$(stat -c %s "$DEB")"
log "$(basename "$DEB"): $((size / 1024)) KiB, installed $((INSTALLED_KB / 1024)) MiB"
limit=$((35 * 1024 * 1024))
if ((size > limit)); then
    log "FAILED: the .deb is larger than 35 MiB"
    exit 1
fi
echo "$DEB"
