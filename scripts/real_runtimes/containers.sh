#!/bin/sh
# Run envdetect inside real containers and print what it reports, as started
# and with the environment reset (env -i): systemd-nspawn, Podman (runc) and
# LXC (lxc-start, a non-systemd init), proot (ptrace, no namespace; with and
# without /proc bound), all on one debootstrapped root (rootfs.sh).  Needs
# root, debootstrap, systemd-container, podman, runc, lxc, proot.
# A runtime that cannot start here says so and the others still run.  Not
# part of the test suite: results are in docs/reference/cloud-containers-wsl.md.
# Usage: scripts/real_runtimes/containers.sh [nspawn|podman|lxc|proot ...]
# ENVDETECT_TREE picks the envdetect checkout to mount (default: this one),
# e.g. an older commit unpacked with `git archive`, to compare.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
TREE=${ENVDETECT_TREE:-$ROOT}
ROOTFS=$("$HERE/rootfs.sh") || { echo "no root file system (debootstrap failed)"; exit 1; }
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
# in_container.sh comes from this checkout even when TREE is another one.
SCRIPTS="$ROOT/scripts/real_runtimes"

show() {  # runtime label; prints the reports in $OUT/<label>
    for report in "$OUT/$1"/*; do
        [ -s "$report" ] || continue
        printf '%-8s %-10s %s\n' "$1" "$(basename "$report"):" "$(cat "$report")"
    done
    ls "$OUT/$1"/* >/dev/null 2>&1 || printf '%-8s could not run here (see above)\n' "$1"
}

nspawn() {
    mkdir -p "$OUT/nspawn"
    # --register=no/--keep-unit: no systemd as PID 1 on every host.
    timeout 120 systemd-nspawn -q --register=no --keep-unit -D "$ROOTFS" \
        --bind-ro="$TREE:/envdetect" --bind-ro="$SCRIPTS:/rr" --bind="$OUT/nspawn:/out" \
        /bin/sh /rr/in_container.sh /out </dev/null 2>&1 | grep -v "^Attempted to remove" >&2
    show nspawn
}

podman_() {
    mkdir -p "$OUT/podman"
    timeout 180 podman run --rm --runtime runc --ulimit nofile=1024:1024 \
        --ulimit nproc=4096:4096 --network none \
        -v "$TREE:/envdetect:ro" -v "$SCRIPTS:/rr:ro" -v "$OUT/podman:/out" \
        --rootfs "$ROOTFS" /bin/sh /rr/in_container.sh /out </dev/null >&2
    # --rootfs writes /run/.containerenv into the shared root (no tmpfs on
    # /run there): left behind, it would name Podman to the next runtime.
    rm -f "$ROOTFS/run/.containerenv"
    show podman
}

lxc() {
    mkdir -p "$OUT/lxc"
    cat > "$OUT/lxc.conf" <<CONF
lxc.uts.name = envdetect-rr
lxc.rootfs.path = dir:$ROOTFS
lxc.mount.auto = proc:mixed sys:ro cgroup:mixed
lxc.mount.entry = $TREE envdetect none bind,ro,create=dir 0 0
lxc.mount.entry = $SCRIPTS rr none bind,ro,create=dir 0 0
lxc.mount.entry = $OUT/lxc out none bind,create=dir 0 0
lxc.net.0.type = empty
lxc.init.cmd = /rr/in_container.sh /out
CONF
    # PID 1 is our script, not systemd: nothing writes /run/systemd/container,
    # and lxc-start gives PID 1 container=lxc.
    timeout 120 lxc-start -F -P "$OUT" -n envdetect-rr -f "$OUT/lxc.conf" </dev/null >&2
    show lxc
}

proot_() {
    # proot-distro binds /proc, /dev and /sys; a bare `proot -r` has no /proc.
    mkdir -p "$OUT/proot" "$OUT/proot-no-proc"
    timeout 120 proot -w / -r "$ROOTFS" -b /proc -b /dev -b /sys -b "$TREE:/envdetect" \
        -b "$SCRIPTS:/rr" -b "$OUT/proot:/out" /bin/sh /rr/in_container.sh /out </dev/null >&2
    show proot
    timeout 120 proot -w / -r "$ROOTFS" -b "$TREE:/envdetect" -b "$SCRIPTS:/rr" \
        -b "$OUT/proot-no-proc:/out" /bin/sh /rr/in_container.sh /out </dev/null
    show proot-no-proc
}

echo "$(uname -sr), $(date -u +%F), envdetect tree: $TREE"
for runtime in ${@:-nspawn podman lxc proot}; do
    case $runtime in
        nspawn) nspawn ;;
        podman) podman_ ;;
        lxc) lxc ;;
        proot) proot_ ;;
        *) echo "unknown runtime: $runtime" >&2; exit 2 ;;
    esac
done
