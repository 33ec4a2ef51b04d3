#!/bin/sh
# Build (once) the minimal Debian root the container scripts share, with the
# Python and the three runtime dependencies envdetect needs.
# Needs root and debootstrap (apt-get install debootstrap).
# Usage: scripts/real_runtimes/rootfs.sh [DIR]   (default /var/tmp/envdetect-rr/bookworm)
set -eu
DIR=${1:-${ENVDETECT_RR_ROOTFS:-/var/tmp/envdetect-rr/bookworm}}
if [ -x "$DIR/usr/bin/python3" ]; then echo "$DIR"; exit 0; fi
mkdir -p "$(dirname "$DIR")"
debootstrap --variant=minbase \
    --include=python3,python3-psutil,python3-distro,python3-packaging,procps \
    bookworm "$DIR" http://deb.debian.org/debian >&2
echo "$DIR"
