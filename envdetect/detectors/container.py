"""The ``container`` facet: which container runtime, if any, we run under.

Ids: ``docker``, ``podman``, ``kubernetes``, ``ecs``, ``lxc``,
``systemd_nspawn``, ``openvz``, ``other``.  An orchestrator wins over the
engine below it: a pod is ``kubernetes`` whether containerd, CRI-O or Docker
runs it, an ECS task is ``ecs`` although the EC2 launch type uses Docker.

Cheapest signals first, and each one only when the previous did not decide:

1. The environment (no system call): the ECS metadata URI variables, the
   Kubernetes service variables.  Both are used by presence only (their
   values are a task URL and a cluster IP).
2. systemd's container interface: ``/run/host/container-manager`` (written by
   the manager, nspawn) and ``/run/systemd/container`` (written at boot by a
   systemd running inside the container, from the manager's ``$container``),
   then PID 1's own ``$container`` in ``/proc/1/environ`` where it may be read
   (root, or our own PID namespace's init run by us): an LXC container whose
   init is not systemd, seen from a shell whose environment was reset (sudo,
   ``env -i``).  systemd-detect-virt falls back to it the same way.
3. The engines' marker files: ``/run/.containerenv`` (Podman, and CRI-O since
   1.23), ``/.dockerenv`` (Docker).  ``.containerenv`` without
   ``container=podman`` gets one more look, at the kubelet's mounts: CRI-O
   writes the file too, and a pod whose environment was scrubbed (sudo,
   ``env -i``) is still a pod.  ``/.dockerenv`` counts only with a witness
   (below).
4. ``$container`` in our own environment (Podman sets ``container=podman``,
   Flatpak ``container=flatpak``; images sometimes bake one in, hence late).
5. OpenVZ's ``/proc/vz`` without the host-only ``/proc/bc``.
6. proot (Termux's proot-distro and friends), which namespaces nothing: it
   traces us (``TracerPid`` in ``/proc/self/status``) and its process name
   starts with "proot", as systemd checks.  A debugger or strace is a tracer
   too, and is no container.
7. ``/proc/self/cgroup``: cgroup v1 paths name the engine (``/docker/<id>``,
   ``/kubepods/...``, ``/ecs/...``, ``/lxc/...``).  On cgroup v2 a container
   has its own cgroup namespace and sees only ``0::/``: the "docker" string
   test is dead there.  A host process sits in a named cgroup
   (``0::/user.slice/...``) and the walk stops.  Only when every path is the
   root do we read ``/proc/self/mountinfo``, where the engine's bind mounts
   of ``/etc/hostname``, ``/etc/hosts`` and ``/etc/resolv.conf`` name it
   (``/docker/containers/<id>/hostname``, ``/var/lib/kubelet/pods/<uid>/etc-hosts``,
   ``.../overlay-containers/<id>/userdata/hosts``), as do LXCFS mounts over
   ``/proc``.

The order follows ``systemd-detect-virt`` (src/basic/virt.c) except for
WSL: systemd calls WSL a container (and writes ``wsl`` to
``/run/systemd/container`` on WSL with systemd enabled); here it is a
property of the OS (``os.wsl``), never a container.

A lone ``/.dockerenv`` is not a container.  Docker creates it empty in every
container, but it also survives into root file systems built from a Docker
image and booted as virtual machines (Firecracker microVMs, images converted
to disks), where systemd-detect-virt still answers "docker".  Docker always
bind-mounts ``/etc/hostname``, ``/etc/hosts`` and ``/etc/resolv.conf`` from
its per-container directory (even with ``--network host``) and its root is an
overlay, so ``/.dockerenv`` counts when ``/proc/self/mountinfo`` shows such a
bind mount or an overlay-type root, or cannot be read at all (then, as
before, the file alone decides).  A VM has neither: its root is a block
device, nothing is mounted over ``/etc/hosts``, and the walk goes on (to the
cgroup paths, which then say nothing).

Privacy: container ids, pod uids, names and cluster IPs are never read out
of the lines they sit in; only the shape of a path is matched.  The
service-account token is never touched.
"""

TYPE_CHECKING = False
if TYPE_CHECKING:  # pragma: no cover
    from typing import Any

    from envdetect._context import Context

facet = "container"

IDS = ("docker", "podman", "kubernetes", "ecs", "lxc", "systemd_nspawn", "openvz", "proot", "other")

#: ECS sets these in every task container (Fargate and EC2 launch types).
ECS_VARIABLES = ("ECS_CONTAINER_METADATA_URI_V4", "ECS_CONTAINER_METADATA_URI")

#: The kubelet injects the ``kubernetes`` service's variables into every pod
#: (even with ``enableServiceLinks: false``); the host is an IP: presence only.
KUBERNETES_VARIABLE = "KUBERNETES_SERVICE_HOST"

#: Names used by systemd's container interface and ``$container``, lowercased.
#: ``None``: not a container here (WSL is ``os.wsl``).  ``""``: a container,
#: runtime unknown ("oci" names the image format, not the engine) - the marker
#: files may still tell.  Any other name is ``other``.
MANAGER_NAMES: "dict[str, str | None]" = {
    "docker": "docker",
    "podman": "podman",
    "lxc": "lxc",
    "lxc-libvirt": "lxc",
    "systemd-nspawn": "systemd_nspawn",
    "openvz": "openvz",
    "proot": "proot",
    "wsl": None,
    "oci": "",
}

SYSTEMD_FILES = ("/run/host/container-manager", "/run/systemd/container")

#: PID 1's environment, NUL-separated; readable by root and by PID 1's owner.
PID1_ENVIRON = "/proc/1/environ"

#: Root file system types of container engines' image layers: a root of one of
#: these corroborates ``/.dockerenv`` (a VM boots from a block device).
LAYERED_ROOTS = frozenset({"overlay", "fuse-overlayfs", "aufs"})

#: Paths inside a cgroup v1 (or cgroupns=host) hierarchy that name the engine,
#: in priority order: the orchestrator before the engine it drives.
CGROUP_MARKERS = (
    ("/kubepods", "kubernetes"),
    ("/ecs/", "ecs"),
    ("/docker/", "docker"),
    ("/docker-", "docker"),  # systemd cgroup driver: docker-<id>.scope
    ("/libpod-", "podman"),  # podman with cgroupns=host: libpod-<id>.scope
    ("/lxc/", "lxc"),
    ("/lxc.payload", "lxc"),
)

#: Files every engine bind-mounts into its containers.  Their source path
#: (mountinfo's 4th field) is the engine's per-container directory.
ENGINE_MOUNTPOINTS = frozenset(
    {
        "/etc/hostname",
        "/etc/hosts",
        "/etc/resolv.conf",
        "/dev/termination-log",
        "/run/.containerenv",
    }
)

#: Substrings of those source paths, in priority order.
MOUNT_MARKERS = (
    ("/kubelet/pods/", "kubernetes"),  # /var/lib/kubelet/pods/<uid>/etc-hosts
    ("/overlay-containers/", "podman"),  # containers/storage: Podman (CRI-O is a pod)
    ("/docker/containers/", "docker"),  # /var/lib/docker/containers/<id>/hostname
    ("/io.containerd.", "other"),  # containerd without Kubernetes (nerdctl)
)


def detect(ctx: "Context") -> "dict[str, Any] | None":
    cid = from_environment(ctx)
    if cid is None and _linux(ctx):
        cid = from_files(ctx)
    return {"id": cid} if cid is not None else None


def _linux(ctx: "Context") -> bool:
    system = ctx.platform.system
    return not system or system == "Linux"


def from_environment(ctx: "Context") -> "str | None":
    for name in ECS_VARIABLES:
        if ctx.has(name):
            ctx.because(f"env {name}")
            return "ecs"
    if ctx.has(KUBERNETES_VARIABLE):
        ctx.because(f"env {KUBERNETES_VARIABLE}")
        return "kubernetes"
    return None


def from_files(ctx: "Context") -> "str | None":
    unknown_runtime = False
    for path in SYSTEMD_FILES:
        text = ctx.read(path)
        if text is None:
            continue
        cid = manager_id(text)
        if cid is None:
            # Written, but not a container (WSL with systemd): look no further
            # in this file; the marker files below still get their say.
            continue
        ctx.because(f"file {path}")
        if cid:
            return cid
        unknown_runtime = True
        break
    else:
        cid = pid1_container(ctx)
        if cid:
            return cid
        unknown_runtime = cid == ""

    if ctx.exists("/run/.containerenv"):
        ctx.because("file /run/.containerenv")
        # CRI-O writes the same file: a pod whose environment was scrubbed
        # (sudo, env -i) is still a pod.  Podman says so in $container.
        if (ctx.env("container") or "").strip().lower() == "podman":
            ctx.because("env container")
            return "podman"
        if mountinfo_id(ctx) == "kubernetes":
            return "kubernetes"
        return "podman"
    if ctx.exists("/.dockerenv") and docker_witnessed(ctx):
        # Docker under an orchestrator whose variables were scrubbed (sudo,
        # env -i) is reported as Docker.
        ctx.because("file /.dockerenv")
        return "docker"

    value = ctx.env("container")
    if value is not None:
        cid = manager_id(value)
        if cid:
            ctx.because("env container")
            return cid
        if cid == "":
            ctx.because("env container")
            unknown_runtime = True

    if ctx.exists("/proc/vz") and not ctx.exists("/proc/bc"):
        ctx.because("file /proc/vz")
        return "openvz"

    if traced_by_proot(ctx):
        return "proot"

    cid = cgroup_id(ctx)
    if cid is None and unknown_runtime:
        return "other"
    return cid


def manager_id(text: str) -> "str | None":
    """The container id for a manager name ("docker", "lxc", "oci", ...).

    ``None`` when the name says "not a container" (empty, ``wsl``); ``""``
    when it says "a container, engine unknown"; ``"other"`` for names this
    library has no id for (flatpak, rkt, proot, pouch ...).
    """
    name = text.strip().split("\n", 1)[0].strip().lower()
    if not name:
        return None
    return MANAGER_NAMES.get(name, "other")


def pid1_container(ctx: "Context") -> "str | None":
    """PID 1's ``$container``, as :func:`manager_id` maps it, or ``None``.

    Only the one variable is looked at, and only its value's meaning leaves
    this function.  Unreadable (another user's init: the common case) is
    ``None``.
    """
    text = ctx.read(PID1_ENVIRON)
    if not text:
        return None
    for entry in text.split("\0"):
        if entry.startswith("container="):
            cid = manager_id(entry[len("container=") :])
            if cid is not None:
                ctx.because(f"file {PID1_ENVIRON}")
            return cid
    return None


def docker_witnessed(ctx: "Context") -> bool:
    """Whether something besides ``/.dockerenv`` says an engine runs us.

    ``True`` when ``/proc/self/mountinfo`` shows an engine's bind mount over
    ``/etc/hosts`` and friends or an overlay root, or cannot be read (then
    the file alone decides, as systemd-detect-virt's does).
    """
    text = ctx.read("/proc/self/mountinfo")
    if text is None:
        return True
    # Most tables have neither: two substring scans instead of a line parse.
    if not (
        any(f" {point} " in text for point in ENGINE_MOUNTPOINTS)
        or any(f" - {fstype} " in text for fstype in LAYERED_ROOTS)
    ):
        return False
    for line in text.splitlines():
        head, sep, tail = line.partition(" - ")
        fields = head.split(" ")
        if not sep or len(fields) < 5:
            continue
        point = fields[4]
        if point in ENGINE_MOUNTPOINTS and fields[3] != "/":
            ctx.because("file /proc/self/mountinfo")
            return True
        if point == "/" and tail.split(" ", 1)[0] in LAYERED_ROOTS:
            ctx.because("file /proc/self/mountinfo")
            return True
    return False


def traced_by_proot(ctx: "Context") -> bool:
    """proot's ptrace-based sandbox: our tracer's name starts with "proot"."""
    status = ctx.read("/proc/self/status")
    if not status:
        return False
    for line in status.splitlines():
        if line.startswith("TracerPid:"):
            pid = line[len("TracerPid:") :].strip()
            break
    else:
        return False
    if not pid.isdigit() or pid == "0":
        return False
    comm = ctx.read(f"/proc/{int(pid)}/comm")
    if comm is None or not comm.startswith("proot"):
        return False
    ctx.because("file /proc/self/status")
    return True


def cgroup_id(ctx: "Context") -> "str | None":
    text = ctx.read("/proc/self/cgroup")
    if text is None:
        return None
    cid, namespaced = parse_cgroup(text)
    if cid is not None:
        ctx.because("file /proc/self/cgroup")
        return cid
    if not namespaced:
        return None
    cid = mountinfo_id(ctx, namespaced=True)
    if cid is not None:
        ctx.because("file /proc/self/cgroup")
    return cid


def parse_cgroup(text: str) -> "tuple[str | None, bool]":
    """``(id, namespaced)`` from /proc/self/cgroup.

    ``id`` when a path names an engine; ``namespaced`` when every path is the
    root ``/``, as in a private cgroup namespace (a container on cgroup v2) -
    or on a host without a cgroup manager, which is why that alone decides
    nothing.
    """
    paths = []
    for line in text.splitlines():
        parts = line.split(":", 2)
        if len(parts) == 3:
            paths.append(parts[2].strip())
    if not paths:
        return None, False
    for marker, cid in CGROUP_MARKERS:
        for path in paths:
            if marker in path:
                return cid, False
    return None, all(path == "/" for path in paths)


def mountinfo_id(ctx: "Context", namespaced: bool = False) -> "str | None":
    text = ctx.read("/proc/self/mountinfo")
    if text is None:
        return None
    cid = parse_mountinfo(text, namespaced)
    if cid is not None:
        ctx.because("file /proc/self/mountinfo")
    return cid


def parse_mountinfo(text: str, namespaced: bool = False) -> "str | None":
    """The engine named by /proc/self/mountinfo, or ``None``.

    Lines look like ``472 456 254:1 /docker/containers/<id>/hosts /etc/hosts
    rw,relatime - ext4 /dev/vda1 rw``: the 4th field is the source path
    within its filesystem, the 5th the mount point.  Only the engine's own
    bind mounts over a handful of mount points count, so a host that merely
    runs Docker or a kubelet (whose mount table is full of such paths as
    mount *points*) is not mistaken for a container.  With ``namespaced``
    (every cgroup path is ``/``) an overlay root file system is taken as
    an unnamed engine: ``other``.
    """
    found: set[str] = set()
    overlay_root = False
    for line in text.splitlines():
        head, sep, tail = line.partition(" - ")
        if not sep:
            continue
        fields = head.split(" ")
        if len(fields) < 5:
            continue
        source, point = fields[3], fields[4]
        fstype = tail.split(" ", 1)[0]
        if point in ENGINE_MOUNTPOINTS:
            for marker, cid in MOUNT_MARKERS:
                if marker in source:
                    found.add(cid)
                    break
        elif fstype == "fuse.lxcfs" and point.startswith(("/proc/", "/sys/")):
            found.add("lxc")
        elif point == "/" and fstype in ("overlay", "fuse-overlayfs"):
            overlay_root = True
    for _marker, cid in MOUNT_MARKERS:
        if cid in found:
            return cid
    if "lxc" in found:
        return "lxc"
    if namespaced and overlay_root:
        return "other"
    return None
