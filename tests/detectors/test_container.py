"""The container facet: its signals, their order, and what it never reads."""

from __future__ import annotations

import pytest

from envdetect.detectors import container
from envdetect.detectors.container import manager_id, parse_cgroup, parse_mountinfo
from tests.conftest import Recording

CID = "be522444b60caf2d3934b8b24b916a8a314f4b68d4595aa419874657e8d103f2"
POD = "6bcf846c-5fe3-45cb-995f-5d34aa16e4c3"
LINUX = {"system": "Linux", "release": "6.8.0-49-generic"}


def run(
    environ: dict[str, str] | None = None,
    files: dict[str, str] | None = None,
    platform: dict[str, str] | None = None,
) -> tuple[str | None, Recording]:
    ctx = Recording(
        {
            "environ": environ or {},
            "files": files or {},
            "platform": LINUX if platform is None else platform,
        }
    )
    result = container.detect(ctx)
    return (result["id"] if result else None), ctx


def mount(source: str, point: str, fstype: str = "ext4 /dev/vda1 rw") -> str:
    return f"472 456 254:1 {source} {point} rw,relatime - {fstype}\n"


# -- /proc/self/cgroup ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0::/\n", (None, True)),  # cgroup v2, private namespace: a container or a bare init
        ("0::/user.slice/user-1000.slice/session-2.scope\n", (None, False)),
        ("0::/init.scope\n", (None, False)),
        (f"12:memory:/docker/{CID}\n1:name=systemd:/docker/{CID}\n0::/\n", ("docker", False)),
        (f"0::/system.slice/docker-{CID}.scope\n", ("docker", False)),
        (f"11:memory:/kubepods/burstable/pod{POD}/{CID}\n0::/\n", ("kubernetes", False)),
        (
            "9:perf_event:/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod"
            f"{POD.replace('-', '_')}.slice/cri-containerd-{CID}.scope\n",
            ("kubernetes", False),
        ),
        (f"9:perf_event:/ecs/orders-prod/5a0d5ceddf6c44c1928d367a815d890f/{CID}\n", ("ecs", False)),
        (
            f"0::/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-{CID}.scope\n",
            ("podman", False),
        ),
        ("0::/lxc.payload.web1/init.scope\n", ("lxc", False)),
        ("4:memory:/lxc/web1\n", ("lxc", False)),
        # cgroup v1 host: some controllers at the root, others not: not namespaced.
        (
            "3:cpuset:/\n2:memory:/user.slice\n1:name=systemd:/user.slice/session-1.scope\n",
            (None, False),
        ),
        ("", (None, False)),
        ("garbage\n", (None, False)),
    ],
)
def test_parse_cgroup(text: str, expected: tuple[str | None, bool]) -> None:
    assert parse_cgroup(text) == expected


# -- /proc/self/mountinfo ----------------------------------------------------------


def test_mountinfo_names_docker_by_its_bind_mounts() -> None:
    for prefix in ("/var/lib/docker/containers", "/docker/containers"):
        text = mount(f"{prefix}/{CID}/hostname", "/etc/hostname")
        assert parse_mountinfo(text) == "docker"


def test_mountinfo_pod_beats_its_engine() -> None:
    dockershim = mount(f"/var/lib/docker/containers/{CID}/hostname", "/etc/hostname") + mount(
        f"/var/lib/kubelet/pods/{POD}/etc-hosts", "/etc/hosts"
    )
    assert parse_mountinfo(dockershim) == "kubernetes"
    cri_o = mount(
        f"/containers/storage/overlay-containers/{CID}/userdata/hostname",
        "/etc/hostname",
        "tmpfs tmpfs rw",
    ) + mount(f"/ostree/deploy/rhcos/var/lib/kubelet/pods/{POD}/etc-hosts", "/etc/hosts")
    assert parse_mountinfo(cri_o) == "kubernetes"


def test_mountinfo_podman_storage() -> None:
    text = mount(
        f"/containers/overlay-containers/{CID}/userdata/hosts",
        "/etc/hosts",
        "tmpfs tmpfs rw,size=783888k",
    )
    assert parse_mountinfo(text) == "podman"


def test_mountinfo_of_a_docker_host_is_not_a_container() -> None:
    # The host lists container paths as mount *points*, never as the source
    # of its own /etc/hosts.
    text = (
        mount("/", "/", "ext4 /dev/nvme0n1p2 rw")
        + mount("/", f"/var/lib/docker/containers/{CID}/mounts/shm", "tmpfs shm rw")
        + mount(
            "/", f"/var/lib/kubelet/pods/{POD}/volumes/kubernetes.io~projected/x", "tmpfs tmpfs rw"
        )
        + mount(
            f"/var/lib/kubelet/pods/{POD}/volumes/cfg/app.yaml",
            f"/var/lib/kubelet/pods/{POD}/volume-subpaths/cfg/app/0",
            "ext4 /dev/sda1 rw",
        )
    )
    assert parse_mountinfo(text) is None
    assert parse_mountinfo(text, namespaced=True) is None


def test_mountinfo_lxcfs_only_over_proc() -> None:
    inside = mount("/proc/meminfo", "/proc/meminfo", "fuse.lxcfs lxcfs rw,user_id=0")
    host = mount("/", "/var/lib/lxcfs", "fuse.lxcfs lxcfs rw,user_id=0")
    assert parse_mountinfo(inside) == "lxc"
    assert parse_mountinfo(host) is None


def test_mountinfo_overlay_root_counts_only_in_a_cgroup_namespace() -> None:
    text = mount("/", "/", "overlay overlay rw,lowerdir=/a,upperdir=/b,workdir=/c")
    assert parse_mountinfo(text) is None  # a live CD's root is overlay too
    assert parse_mountinfo(text, namespaced=True) == "other"


def test_mountinfo_skips_malformed_lines() -> None:
    assert parse_mountinfo("no separator here\n1 2 - ext4\n\n") is None


# -- manager names (systemd's container interface, $container) -------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("docker\n", "docker"),
        ("podman", "podman"),
        ("LXC\n", "lxc"),
        ("lxc-libvirt", "lxc"),
        ("systemd-nspawn\n", "systemd_nspawn"),
        ("openvz\n", "openvz"),
        ("wsl\n", None),
        ("", None),
        ("  \n", None),
        ("oci\n", ""),
        ("flatpak", "other"),
        ("container-other\n", "other"),
        ("proot", "proot"),
    ],
)
def test_manager_id(text: str, expected: str | None) -> None:
    assert manager_id(text) == expected


# -- order and cost -----------------------------------------------------------------


def test_orchestrator_variables_win_and_cost_no_file_access() -> None:
    files = {"/.dockerenv": "", "/run/.containerenv": ""}
    cid, ctx = run({"ECS_CONTAINER_METADATA_URI_V4": "http://169.254.170.2/v4/x"}, files)
    assert cid == "ecs"
    cid, ctx2 = run({"KUBERNETES_SERVICE_HOST": "10.96.0.1"}, files)
    assert cid == "kubernetes"
    assert ctx.reads == ctx.checks == ctx2.reads == ctx2.checks == []


def test_empty_kubernetes_variable_is_unset() -> None:
    assert run({"KUBERNETES_SERVICE_HOST": ""})[0] is None


def test_not_linux_reads_no_file() -> None:
    mac = {"system": "Darwin", "release": "24.1.0"}
    cid, ctx = run({}, {"/.dockerenv": "", "/proc/self/cgroup": "0::/\n"}, mac)
    assert cid is None
    assert ctx.reads == ctx.checks == []


def test_a_plain_host_never_reads_mountinfo() -> None:
    cid, ctx = run(
        {},
        {
            "/proc/self/cgroup": "0::/user.slice/user-1000.slice/session-2.scope\n",
            "/proc/self/mountinfo": mount(f"/docker/containers/{CID}/hosts", "/etc/hosts"),
        },
    )
    assert cid is None
    assert "/proc/self/mountinfo" not in ctx.reads


def test_docker_marker_decides_when_mountinfo_cannot_be_read() -> None:
    cid, ctx = run({}, {"/.dockerenv": "", "/proc/self/cgroup": "0::/\n"})
    assert cid == "docker"
    assert "/proc/self/cgroup" not in ctx.reads


#: This machine: a Firecracker microVM booted from a Docker image's file system
#: (an empty /.dockerenv, PID 1 not a container init, every cgroup at /, root
#: on a block device, nothing mounted over /etc/hosts).
VM_FROM_IMAGE = {
    "/.dockerenv": "",
    "/proc/self/cgroup": "9:name=systemd:/\n8:pids:/\n4:memory:/\n1:cpu:/\n0::/\n",
    "/proc/self/mountinfo": (
        mount("/", "/proc", "proc proc rw")
        + mount("/", "/dev", "devtmpfs devtmpfs rw,size=12334760k")
        + "27 1 254:0 / / rw,relatime - ext4 /dev/vda rw,discard\n"
        + mount("/", "/sys/fs/cgroup/cpu", "cgroup cgroup rw,cpu")
    ),
}


def test_a_lone_dockerenv_is_not_a_container() -> None:
    cid, ctx = run({}, VM_FROM_IMAGE)
    assert cid is None
    assert ctx._take_evidence() == []


@pytest.mark.parametrize(
    "witness",
    [
        mount(f"/var/lib/docker/containers/{CID}/hostname", "/etc/hostname"),
        # /var/lib/docker on a file system of its own: the source is relative to it.
        mount(f"/containers/{CID}/resolv.conf", "/etc/resolv.conf"),
        mount("/", "/", "overlay overlay rw,lowerdir=/var/lib/docker/overlay2/l/A:/l/B"),
        mount("/", "/", "fuse-overlayfs fuse-overlayfs rw,user_id=0"),
    ],
)
def test_dockerenv_with_a_witness_is_docker(witness: str) -> None:
    files = dict(
        VM_FROM_IMAGE, **{"/proc/self/mountinfo": VM_FROM_IMAGE["/proc/self/mountinfo"] + witness}
    )
    cid, ctx = run({}, files)
    assert cid == "docker"
    assert ctx._take_evidence() == ["file /proc/self/mountinfo", "file /.dockerenv"]


def test_docker_cgroup_v2_without_marker_falls_back_to_mountinfo() -> None:
    cid, ctx = run(
        {},
        {
            "/proc/self/cgroup": "0::/\n",
            "/proc/self/mountinfo": mount(
                f"/var/lib/docker/containers/{CID}/hostname", "/etc/hostname"
            ),
        },
    )
    assert cid == "docker"
    assert ctx.reads[-1] == "/proc/self/mountinfo"


def test_docker_marker_costs_one_proc_read() -> None:
    # Docker under a scrubbed orchestrator stays Docker: the witness is
    # mountinfo, and the cgroup file is not read.
    cgroup = f"11:memory:/kubepods/besteffort/pod{POD}/{CID}\n"
    hosts = mount(f"/docker/containers/{CID}/hosts", "/etc/hosts")
    cid, ctx = run(
        {}, {"/.dockerenv": "", "/proc/self/cgroup": cgroup, "/proc/self/mountinfo": hosts}
    )
    assert cid == "docker"
    assert [path for path in ctx.reads if path.startswith("/proc/self")] == ["/proc/self/mountinfo"]


# -- PID 1's environment (LXC seen from a reset environment) ----------------------

#: An LXC container whose init is not systemd (Alpine's OpenRC): lxc-start
#: gives PID 1 container=lxc (lxc's src/lxc/start.c), and ``sudo -i`` or
#: ``env -i`` leave our own environment without it.
LXC_PID1 = (
    "\0".join(
        [
            "container=lxc",
            "HOME=/",
            "TERM=linux",
            "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            "container_ttys=pts/0 pts/1 pts/2 pts/3",
        ]
    )
    + "\0"
)


def test_pid1_environment_names_the_manager() -> None:
    cid, ctx = run({}, {"/proc/1/environ": LXC_PID1, "/proc/self/cgroup": "0::/\n"})
    assert cid == "lxc"
    assert ctx._take_evidence() == ["file /proc/1/environ"]
    assert "/proc/self/cgroup" not in ctx.reads


def test_pid1_environment_comes_after_systemd_files() -> None:
    files = {"/proc/1/environ": LXC_PID1, "/run/systemd/container": "systemd-nspawn\n"}
    cid, ctx = run({}, files)
    assert cid == "systemd_nspawn"
    assert "/proc/1/environ" not in ctx.reads


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ("PATH=/usr/bin\0HOME=/\0", None),  # a host's init: no $container
        ("container=\0HOME=/\0", None),  # empty: no container
        ("container=wsl\0", None),
        ("container=oci\0HOME=/\0", "other"),  # some container, engine unknown
        ("xcontainer=lxc\0", None),  # only the exact name counts
        ("HOME=/\0container=lxc-libvirt", "lxc"),
        ("", None),
    ],
)
def test_pid1_environment_values(environ: str, expected: str | None) -> None:
    assert run({}, {"/proc/1/environ": environ})[0] == expected


def test_pid1_environment_beats_a_dockerenv_left_in_the_image() -> None:
    # An LXC container made from a Docker image (lxc-create -t oci) keeps /.dockerenv.
    files = {
        "/proc/1/environ": LXC_PID1,
        "/.dockerenv": "",
        "/proc/self/mountinfo": mount("/", "/", "overlay overlay rw"),
    }
    assert run({}, files)[0] == "lxc"


def test_pid1_environment_evidence_holds_no_value() -> None:
    ctx = Recording(
        {"files": {"/proc/1/environ": "SECRET_TOKEN=hunter2\0container=lxc\0"}, "platform": LINUX}
    )
    container.detect(ctx)
    assert not any("hunter2" in signal or "SECRET" in signal for signal in ctx._take_evidence())


# -- proot (a ptrace sandbox: no namespaces, no marker) -----------------------------


def status(tracer: int) -> str:
    return (
        f"Name:\tpython3\nUmask:\t0077\nState:\tR (running)\nTgid:\t4242\nPid:\t4242\n"
        f"PPid:\t4200\nTracerPid:\t{tracer}\nUid:\t10245\t10245\t10245\t10245\n"
    )


@pytest.mark.parametrize(
    ("comm", "expected"),
    [
        ("proot\n", "proot"),
        ("proot-userland\n", "proot"),  # UserLAnd's build, as systemd's prefix test allows
        ("strace\n", None),  # being traced by a debugger is no container
        ("gdb\n", None),
        (None, None),  # the tracer is gone, or outside our PID namespace
    ],
)
def test_proot_is_recognised_by_its_tracer(comm: str | None, expected: str | None) -> None:
    files = {"/proc/self/status": status(4100), "/proc/self/cgroup": "0::/\n"}
    if comm is not None:
        files["/proc/4100/comm"] = comm
    cid, ctx = run({}, files)
    assert cid == expected
    assert ctx._take_evidence() == (["file /proc/self/status"] if expected else [])


def test_untraced_process_reads_no_tracer_comm() -> None:
    cid, ctx = run(
        {},
        {
            "/proc/self/status": status(0),
            "/proc/self/cgroup": "0::/user.slice/user-1000.slice/session-2.scope\n",
        },
    )
    assert cid is None
    assert not [path for path in ctx.reads if path.endswith("/comm")]


@pytest.mark.parametrize(
    "junk",
    ["TracerPid:\t-1\n", "TracerPid:\tproot\n", "Name:\tx\n", "TracerPid:\t\n", "\x00\x01garbage"],
)
def test_malformed_status_is_no_container(junk: str) -> None:
    assert run({}, {"/proc/self/status": junk, "/proc/-1/comm": "proot\n"})[0] is None


def test_containerenv_is_podman_unless_the_kubelet_mounted_it() -> None:
    cid, ctx = run({"container": "podman"}, {"/run/.containerenv": ""})
    assert cid == "podman"
    assert "/proc/self/mountinfo" not in ctx.reads
    kubelet = mount(f"/var/lib/kubelet/pods/{POD}/etc-hosts", "/etc/hosts")
    assert run({}, {"/run/.containerenv": "", "/proc/self/mountinfo": kubelet})[0] == "kubernetes"
    assert run({}, {"/run/.containerenv": ""})[0] == "podman"


def test_marker_files_beat_a_container_variable_baked_into_the_image() -> None:
    # centos:7 bakes container=docker into its image; run under Podman.
    assert run({"container": "docker"}, {"/run/.containerenv": ""})[0] == "podman"


def test_systemd_container_file() -> None:
    assert run({}, {"/run/systemd/container": "lxc\n"})[0] == "lxc"
    assert run({}, {"/run/host/container-manager": "systemd-nspawn\n"})[0] == "systemd_nspawn"


def test_wsl_with_systemd_is_not_a_container() -> None:
    cid, _ = run(
        {},
        {
            "/run/systemd/container": "wsl\n",
            "/proc/self/cgroup": "0::/user.slice/user-1000.slice/session-1.scope\n",
        },
    )
    assert cid is None


def test_oci_means_some_container() -> None:
    assert run({}, {"/run/systemd/container": "oci\n"})[0] == "other"
    assert run({"container": "oci"}, {})[0] == "other"
    assert run({"container": "oci"}, {"/.dockerenv": ""})[0] == "docker"


def test_openvz_needs_the_host_only_directory_absent() -> None:
    assert run({}, {"/proc/vz/veinfo": ""})[0] == "openvz"
    assert run({}, {"/proc/vz/veinfo": "", "/proc/bc/resources": ""})[0] is None


def test_evidence_names_files_never_their_contents() -> None:
    ctx = Recording(
        {
            "files": {
                "/proc/self/cgroup": "0::/\n",
                "/proc/self/mountinfo": mount(f"/docker/containers/{CID}/hosts", "/etc/hosts"),
            },
            "platform": LINUX,
        }
    )
    container.detect(ctx)
    evidence = ctx._take_evidence()
    assert evidence == ["file /proc/self/mountinfo", "file /proc/self/cgroup"]
    assert not any(CID in signal for signal in evidence)


def test_no_evidence_when_no_container() -> None:
    ctx = Recording(
        {
            "files": {
                "/proc/self/cgroup": "0::/\n",
                "/proc/self/mountinfo": mount("/", "/", "ext4 /dev/sdc rw"),
            },
            "platform": LINUX,
        }
    )
    assert container.detect(ctx) is None
    assert ctx._take_evidence() == []


def test_ids_are_the_documented_ones() -> None:
    assert container.IDS == (
        "docker",
        "podman",
        "kubernetes",
        "ecs",
        "lxc",
        "systemd_nspawn",
        "openvz",
        "proot",
        "other",
    )
    produced = {cid for _m, cid in container.CGROUP_MARKERS}
    produced |= {cid for _m, cid in container.MOUNT_MARKERS}
    produced |= {cid for cid in container.MANAGER_NAMES.values() if cid}
    assert produced <= set(container.IDS)
