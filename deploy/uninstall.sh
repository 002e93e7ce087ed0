#!/bin/sh
# Removes what deploy/install.sh installed: the files in $PREFIX/install-manifest (the program, the
# wrapper, the unit), after stopping and disabling the service. Keeps /etc/linewatch (your config)
# and /var/lib/linewatch (outbox, snapshots, event log) and the linewatch user unless --purge.
#
#   sudo deploy/uninstall.sh [--purge]
#   DESTDIR=/tmp/root deploy/uninstall.sh [--purge]   only remove files under /tmp/root
#
# Environment: PREFIX (/opt/linewatch) and DESTDIR, as given to install.sh.
set -eu

die() { echo "uninstall.sh: error: $*" >&2; exit 1; }

purge=no
for arg in "$@"; do
    case "$arg" in
        --purge) purge=yes ;;
        -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
        *) echo "usage: $0 [--purge]" >&2; exit 2 ;;
    esac
done

DESTDIR=${DESTDIR:-}
PREFIX=${PREFIX:-/opt/linewatch}
manifest=$DESTDIR$PREFIX/install-manifest
[ -f "$manifest" ] || die "$manifest: no such file (nothing installed under PREFIX=$PREFIX?)"
if [ -z "$DESTDIR" ] && [ "$(id -u)" -ne 0 ]; then
    die "run as root (or set DESTDIR)"
fi

if [ -z "$DESTDIR" ] && [ -d /run/systemd/system ]; then
    systemctl disable --now linewatch 2>/dev/null || true
fi

# Each listed file, then the folders under PREFIX once they are empty (never /usr/bin and the like).
while IFS= read -r f; do
    case "$f" in /*) ;; *) die "$manifest: not an absolute path: '$f'" ;; esac
    rm -f "$DESTDIR$f"
done < "$manifest"
while IFS= read -r f; do
    d=$(dirname "$f")
    while case "$d" in "$PREFIX"/*) true ;; *) false ;; esac && rmdir "$DESTDIR$d" 2>/dev/null; do
        d=$(dirname "$d")
    done
done < "$manifest"
rm -f "$manifest"
rmdir "$DESTDIR$PREFIX" 2>/dev/null || true

if [ "$purge" = yes ]; then
    rm -rf "$DESTDIR/etc/linewatch" "$DESTDIR/var/lib/linewatch"
    if [ -z "$DESTDIR" ] && getent passwd linewatch >/dev/null; then
        userdel linewatch
    fi
    echo "uninstall.sh: removed linewatch, its config, its state and its user"
else
    echo "uninstall.sh: removed linewatch; kept $DESTDIR/etc/linewatch and $DESTDIR/var/lib/linewatch (--purge removes them)"
fi
[ -z "$DESTDIR" ] && [ -d /run/systemd/system ] && systemctl daemon-reload
exit 0
