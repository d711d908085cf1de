#!/usr/bin/env bash
# Install the .deb for real, start it from its desktop entry under Xvfb, take a
# screenshot, then remove and purge it and show that nothing is left behind.
#
#   sudo packaging/verify-install.sh dist/hrher2-aid_<version>_amd64.deb [OUT_DIR]
#
# Needs root, and: apt-get install -y xvfb imagemagick xdotool x11-utils
# Writes OUT_DIR (default build/verify-install): the file lists before/after, the dpkg
# logs, the QT_DEBUG_PLUGINS log and screenshot.png (copy it to docs/screenshots/).
# Not part of CI: it changes the machine (installs and removes a package).
set -euo pipefail
DEB="$(readlink -f "$1")"
OUT="$(readlink -f "${2:-build/verify-install}")"
APP=hrher2-aid
DISPLAY_NO=:97
mkdir -p "$OUT"
log() { printf '[verify-install] %s\n' "$*" >&2; }
[[ $EUID -eq 0 ]] || { log "run as root"; exit 2; }
dpkg -s "$APP" >/dev/null 2>&1 && { log "$APP is already installed; remove it first"; exit 2; }

snapshot() {  # every path on the root file system except volatile and scratch places
    find / -xdev \( -path /proc -o -path /sys -o -path /dev -o -path /run -o -path /tmp \
        -o -path /var/tmp -o -path /work -o -path /var/cache/apt -o -path /var/lib/apt/lists \
        -o -path /var/log \) -prune -o -print 2>/dev/null | sort > "$1"
}

snapshot "$OUT/1-before.txt"
dpkg -i "$DEB" > "$OUT/dpkg-i.log" 2>&1 || { cat "$OUT/dpkg-i.log" >&2; exit 1; }
snapshot "$OUT/2-installed.txt"
log "installed: $(comm -13 "$OUT/1-before.txt" "$OUT/2-installed.txt" | wc -l) new paths"

# --- start it as the menu would: the desktop entry's Exec line, under Xvfb -------------
Xvfb "$DISPLAY_NO" -screen 0 1280x800x24 -nolisten tcp > "$OUT/xvfb.log" 2>&1 &
XVFB_PID=$!
trap 'kill "$XVFB_PID" 2>/dev/null || true' EXIT
sleep 1
EXEC="$(sed -n 's/^Exec=//p' "/usr/share/applications/$APP.desktop")"
log "Exec=$EXEC"
mkdir -p "$OUT/home"
(cd / && exec env -i PATH=/usr/bin:/bin HOME="$OUT/home" LANG=C.UTF-8 DISPLAY="$DISPLAY_NO" \
    QT_DEBUG_PLUGINS=1 $EXEC > "$OUT/app.out" 2> "$OUT/app.err") &
APP_PID=$!
WID=""
for _ in $(seq 50); do
    WID="$(DISPLAY=$DISPLAY_NO xdotool search --name 'decision aid' 2>/dev/null | head -n1 || true)"
    [[ -n "$WID" ]] && break
    sleep 0.2
done
[[ -n "$WID" ]] || { log "no window appeared"; cat "$OUT/app.err" >&2; exit 1; }
sleep 1.5  # let it finish painting
DISPLAY=$DISPLAY_NO xprop -id "$WID" WM_CLASS _NET_WM_NAME | tee "$OUT/window.txt" >&2
DISPLAY=$DISPLAY_NO import -window "$WID" "$OUT/screenshot.png"
if grep -qiE 'cannot load|could not load|failed' "$OUT/app.err"; then
    log "Qt reported a loading problem:"; grep -iE 'cannot load|could not load|failed' "$OUT/app.err" >&2
    exit 1
fi
kill "$APP_PID"
wait "$APP_PID" 2>/dev/null || true
DISPLAY=$DISPLAY_NO "/usr/bin/$APP" --self-test | tee "$OUT/self-test-xcb.txt" >&2
snapshot "$OUT/3-after-run.txt"

# --- remove, purge, compare ------------------------------------------------------------
dpkg -r "$APP" > "$OUT/dpkg-r.log" 2>&1
snapshot "$OUT/4-after-remove.txt"
dpkg -P "$APP" > "$OUT/dpkg-P.log" 2>&1
snapshot "$OUT/5-after-purge.txt"
{
    echo "== paths the package added (dpkg -i):"
    comm -13 "$OUT/1-before.txt" "$OUT/2-installed.txt" | grep -v "^/opt/$APP/" || true
    echo "   + $(comm -13 "$OUT/1-before.txt" "$OUT/2-installed.txt" | grep -c "^/opt/$APP/") paths under /opt/$APP/"
    echo "== paths running the app added (start from the menu entry + --self-test as root):"
    diff "$OUT/2-installed.txt" "$OUT/3-after-run.txt" || true
    echo "== files the app wrote in the user's home (per-user data, kept on removal by design):"
    (cd "$OUT/home" 2>/dev/null && find . -type f) || true
    echo "== after dpkg -r, compared with before installing:"
    diff "$OUT/1-before.txt" "$OUT/4-after-remove.txt" || true
    echo "== after dpkg -P, compared with before installing:"
    if diff "$OUT/1-before.txt" "$OUT/5-after-purge.txt"; then echo "identical"; fi
} | tee "$OUT/summary.txt"
diff -q "$OUT/1-before.txt" "$OUT/5-after-purge.txt" >/dev/null || { log "FAILED: left behind"; exit 1; }
log "OK: nothing left behind; screenshot in $OUT/screenshot.png"
