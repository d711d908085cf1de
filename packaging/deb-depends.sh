#!/usr/bin/env bash
# The system libraries a PyInstaller bundle links to but does not carry, and the Debian
# packages that provide them.
#
#   packaging/deb-depends.sh check BUNDLE_DIR     # CI: every such library is mapped in
#                                                 # packaging/deb/depends.txt (exit 1 if not)
#   packaging/deb-depends.sh generate BUNDLE_DIR  # maintainer: print a fresh mapping found
#                                                 # with dpkg -S (needs the libraries installed)
#   packaging/deb-depends.sh control              # the Depends: value for DEBIAN/control
#
# Only direct DT_NEEDED entries of the bundled files count (apt pulls the rest). Libraries
# Qt loads with dlopen are not in DT_NEEDED: the xcb plugin links everything it needs in
# Qt 6.5+, which QT_DEBUG_PLUGINS=1 confirms (see docs/install.md).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
MAP="$HERE/deb/depends.txt"

needed_outside() {  # sonames needed by bundled ELF files and not present in the bundle
    local bundle="$1"
    local inside
    inside="$(find "$bundle" \( -type f -o -type l \) -printf '%f\n' | sort -u)"
    find "$bundle" -type f \( -name '*.so*' -o -perm -u+x \) -print0 |
        xargs -0 objdump -p 2>/dev/null | awk '/^ *NEEDED/ {print $2}' | sort -u |
        comm -23 - <(printf '%s\n' "$inside")
}

case "${1:-}" in
check)
    missing=0
    while read -r soname; do
        if ! grep -qE "^${soname//+/\\+}[[:space:]]" "$MAP"; then
            echo "deb-depends: $soname is needed by the bundle but not mapped in $MAP" >&2
            missing=1
        fi
    done < <(needed_outside "$2")
    exit "$missing"
    ;;
generate)
    cache="$(/sbin/ldconfig -p)"
    while read -r soname; do
        path="$(awk -v s="$soname" '$1 == s && /x86-64/ {print $NF}' <<<"$cache" | head -n1)"
        pkg="?"
        if [[ -n "$path" ]]; then
            pkg="$(dpkg -S "$(readlink -f "$path")" 2>/dev/null || dpkg -S "$path" 2>/dev/null ||
                   true)"
            pkg="${pkg%%:*}"
        fi
        printf '%-28s %s\n' "$soname" "${pkg:-?}"
    done < <(needed_outside "$2")
    ;;
control)
    # Column 2 is the package (alternatives written as "a|b"); "!" lines add a package
    # that no soname names (e.g. a minimum libc version).
    { awk '!/^#/ && NF >= 2 && $1 != "!" {print $2}' "$MAP"
      awk '$1 == "!" {$1 = ""; sub(/^ /, ""); print}' "$MAP"; } |
        sort -u |
        awk '{ line[NR] = $0; split($0, w, " "); if ($0 ~ / \(/) versioned[w[1]] = 1 }
             END { for (i = 1; i <= NR; i++) if (!(line[i] in versioned)) print line[i] }' |
        sed 's/|/ | /g' | paste -sd, - | sed 's/,/, /g'
    ;;
*)
    sed -n '2,13p' "$0" >&2
    exit 2
    ;;
esac
