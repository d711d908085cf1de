# shellcheck shell=bash
# Shared by build-msi.sh and check-under-wine.sh (sourced, not run): Wine 8 (Debian 12)
# set up so that Windows CPython, PyInstaller and Qt run in it headless.
# Why each setting is needed: docs/install.md, "Windows .msi". None of it is shipped.

export WINEDEBUG="${WINEDEBUG:--all}"
export WINEARCH=win64
# No Mono/Gecko installers (they would be fetched from the internet), and no
# winemenubuilder: it would copy the installed shortcut into the real $HOME as a Linux
# menu entry and icons (pointing at a prefix that is deleted after the check).
export WINEDLLOVERRIDES="mscoree,mshtml=;winemenubuilder.exe=d"
unset DISPLAY WAYLAND_DISPLAY  # Qt with a real display reaches mscms.WcsCreateIccProfile (unimplemented)

WIN_HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

# wine_run CMD...: Wine's standard streams must be pipes (redirected straight to a file,
# CPython stops with "init_sys_streams: Invalid handle"). Output goes to our stdout
# through cat; the command's exit status is returned.
wine_run() {
    local status
    set +e
    wine "$@" </dev/null 2>&1 | cat
    status=${PIPESTATUS[0]}
    set -e
    return "$status"
}

# wine_run_retrying LOG TRIES CMD...: wine_run CMD with its output in LOG, tried again
# (up to TRIES times in all) only while it fails because Wine could not start a Windows
# process: CreateProcess's "[WinError 1359] Internal error" (ERROR_INTERNAL_ERROR), which
# Wine 8 returns when a new process dies before it has started. PyInstaller starts dozens
# of helper Pythons; one of them failed so once in about 40 builds (2026-12-02), and the
# same commit built at the next try. Any other failure is returned at once. A failed
# attempt's output is kept as LOG.N.
wine_run_retrying() {
    local log="$1" tries="$2" attempt=1 status
    shift 2
    while :; do
        wine_run "$@" > "$log" && return 0
        status=$?
        if (( attempt >= tries )) || ! grep -q "WinError 1359" "$log"; then
            return "$status"
        fi
        cp "$log" "$log.$attempt"
        echo "Wine could not start a Windows process ([WinError 1359], see $log.$attempt):" \
            "attempt $attempt of $tries failed, trying again" >&2
        wineserver -k 2>/dev/null || true
        attempt=$((attempt + 1))
    done
}

# wine_prefix_init DIR: a new (or existing) 64-bit prefix with the null display driver
# (a frozen app creates a hidden window at start; without a driver it dies, c0000409)
# and the test-only icuuc.dll stand-in in system32 (see wine/icuuc-stub.c).
wine_prefix_init() {
    export WINEPREFIX="$1"
    if [[ ! -f "$WINEPREFIX/.hrher2-ready" ]]; then
        mkdir -p "$WINEPREFIX"
        wineboot -i </dev/null 2>&1 | cat >/dev/null
        wine_run reg add 'HKCU\Software\Wine\Drivers' /v Graphics /d null /f >/dev/null
        wineserver -w
        touch "$WINEPREFIX/.hrher2-ready"
    fi
    local stub="$WINEPREFIX/drive_c/windows/system32/icuuc.dll"
    if [[ ! -f "$stub" ]]; then
        x86_64-w64-mingw32-gcc -shared -O2 -s -o "$stub" "$WIN_HERE/wine/icuuc-stub.c"
    fi
}

# winpath PATH: the Windows form of a Linux path (Z: maps to /).
winpath() { winepath -w "$1" 2>/dev/null; }
