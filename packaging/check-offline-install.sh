#!/usr/bin/env bash
# Follow docs/install.md, "Install on a machine with no network", step by step, on a
# minimal Debian 12 (debootstrap's minbase: less than a minimal install has) that is
# cut off from the network, and start the installed app there: offscreen, and on a
# real X server (the xcb libraries the package's Depends must bring).
#
#   sudo packaging/check-offline-install.sh dist/hrher2-aid_<version>_amd64.deb [WORK_DIR]
#
# Needs root, a Debian 12 (bookworm) build machine with its apt sources reachable, and:
#   apt-get install -y --no-install-recommends debootstrap xvfb
# The "offline machine" is a chroot in WORK_DIR (default build/offline-install), run in
# a network namespace of its own (unshare -n: no interface but a loopback that is down).
# Not part of CI: it downloads a Debian system (about 60 MB, then about 57 MB of
# packages) and mounts into the chroot.
set -euo pipefail
DEB="$(readlink -f "$1")"
WORK="$(readlink -f "${2:-build/offline-install}")"
MIRROR="${MIRROR:-http://deb.debian.org/debian}"
DISPLAY_NO=:96
log() { printf '[offline-install] %s\n' "$*" >&2; }
[[ $EUID -eq 0 ]] || { log "run as root"; exit 2; }
for tool in debootstrap Xvfb unshare; do
    command -v "$tool" >/dev/null || { log "missing: $tool"; exit 2; }
done
TARGET="$WORK/target"
# A run that was killed may have left the host's /proc or X socket folder mounted in
# the chroot: never delete through a mount (review 21, M4).
if [[ -d "$WORK" ]] && findmnt -rn -o TARGET | grep -q "^$WORK/"; then
    log "something is still mounted under $WORK (findmnt): unmount it first"; exit 2
fi
rm -rf --one-file-system "$WORK" && mkdir -p "$WORK"
cleanup() {
    umount "$TARGET/tmp/.X11-unix" 2>/dev/null || true
    umount "$TARGET/proc" 2>/dev/null || true
    [[ -n "${XVFB_PID:-}" ]] && kill "$XVFB_PID" 2>/dev/null || true
}
trap cleanup EXIT

log "a minimal Debian 12 in $TARGET"
debootstrap --variant=minbase bookworm "$TARGET" "$MIRROR" > "$WORK/debootstrap.log" 2>&1 ||
    { tail -20 "$WORK/debootstrap.log" >&2; exit 1; }
offline() {  # a command on the "offline machine"
    unshare -n chroot "$TARGET" /usr/bin/env -i HOME=/root LANG=C.UTF-8 PATH=/usr/sbin:/usr/bin:/sbin:/bin \
        "$@"
}
# The chroot must fail to reach the mirror that the same probe reaches without the
# network namespace: a probe that fails either way proves nothing.
mirror_host="${MIRROR#*://}"; mirror_host="${mirror_host%%/*}"
probe=(/usr/bin/perl -MIO::Socket::INET -e
       'exit(IO::Socket::INET->new(PeerAddr => "$ARGV[0]:80", Timeout => 3) ? 0 : 1)'
       "$mirror_host")
chroot "$TARGET" "${probe[@]}" ||
    { log "the probe cannot reach $mirror_host even with the network: check it"; exit 1; }
if offline "${probe[@]}" 2>/dev/null; then
    log "the chroot reaches $mirror_host: not an offline machine"; exit 1
fi

# The recipe, as docs/install.md gives it.
log "step 1: the offline machine's list of installed packages"
cp "$TARGET/var/lib/dpkg/status" "$WORK/target-status"
log "step 2: on the connected machine, download what it lacks"
cp "$DEB" "$WORK/"
(cd "$WORK" && mkdir -p debs/partial &&
    apt-get -y -o Dir::State::status="$PWD/target-status" \
        -o Dir::Cache::archives="$PWD/debs" --no-install-recommends \
        --download-only install "./$(basename "$DEB")" > apt-download.log 2>&1) ||
    { tail -20 "$WORK/apt-download.log" >&2; exit 1; }
count=$(find "$WORK/debs" -maxdepth 1 -name '*.deb' | wc -l)
log "  $count packages, $(du -sh "$WORK/debs" | cut -f1)"
log "step 3: carry them over, install them offline"
mkdir -p "$TARGET/root/usb"
cp -r "$WORK/debs" "$DEB" "$TARGET/root/usb/"
mount -t proc proc "$TARGET/proc"
offline /bin/sh -c 'cd /root/usb && dpkg -i debs/*.deb' > "$WORK/dpkg-debs.log" 2>&1 ||
    { tail -20 "$WORK/dpkg-debs.log" >&2; exit 1; }
offline /bin/sh -c "cd /root/usb && dpkg -i $(basename "$DEB")" > "$WORK/dpkg-app.log" 2>&1 ||
    { tail -20 "$WORK/dpkg-app.log" >&2; exit 1; }

log "verify, as docs/install.md says"
offline hrher2-aid --version
offline dpkg --verify hrher2-aid
offline hrher2-aid evidence verify > "$WORK/evidence-verify.txt"
offline /usr/bin/env QT_QPA_PLATFORM=offscreen hrher2-aid --self-test
Xvfb "$DISPLAY_NO" -screen 0 1280x900x24 -nolisten tcp > "$WORK/xvfb.log" 2>&1 &
XVFB_PID=$!
for _ in $(seq 50); do [[ -S "/tmp/.X11-unix/X${DISPLAY_NO#:}" ]] && break; sleep 0.1; done
mkdir -p "$TARGET/tmp/.X11-unix"
mount --bind /tmp/.X11-unix "$TARGET/tmp/.X11-unix"
log "on an X server (xcb):"
offline /usr/bin/env DISPLAY="$DISPLAY_NO" hrher2-aid --self-test
log "OK: the offline recipe installs $count packages and the app starts, offscreen and on X"
