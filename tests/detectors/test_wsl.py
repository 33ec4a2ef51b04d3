"""os.wsl: the kernel is the witness, never a variable, never inside a container."""

from __future__ import annotations

import pytest

import envdetect
from envdetect.detectors import BUILTIN as BUILTIN_DETECTORS
from envdetect.detectors.os import WSL_PATHS, is_wsl
from tests.conftest import Recording

WSL1_VERSION = (
    "Linux version 4.4.0-19041-Microsoft (Microsoft@Microsoft.com) (gcc version 5.4.0 "
    "(GCC) ) #1237-Microsoft Sat Sep 11 14:32:00 PST 2021\n"
)
WSL2_VERSION = (
    "Linux version 5.15.167.4-microsoft-standard-WSL2 (root@f9c826d3017f) (gcc (GCC) "
    "11.2.0, GNU ld (GNU Binutils) 2.37) #1 SMP Tue Nov 5 00:21:55 UTC 2024\n"
)
AZURE_VERSION = (
    "Linux version 6.5.0-1025-azure (buildd@lcy02-amd64-056) (x86_64-linux-gnu-gcc-12 "
    "(Ubuntu 12.3.0-1ubuntu1~22.04) 12.3.0) #26~22.04.1-Ubuntu SMP\n"
)
WSL_VARIABLES = {
    "WSL_DISTRO_NAME": "Ubuntu-24.04",
    "WSL_INTEROP": "/run/WSL/410_interop",
    "WSLENV": "WT_SESSION:",
}


def ctx_for(
    release: str = "",
    files: dict[str, str] | None = None,
    environ: dict[str, str] | None = None,
    container: str | None = None,
) -> Recording:
    ctx = Recording(
        {
            "platform": {"system": "Linux", "release": release},
            "files": files or {},
            "environ": environ or {},
        }
    )
    ctx.found["container"] = {"id": container} if container else None
    return ctx


@pytest.mark.parametrize(
    ("release", "expected"),
    [
        ("4.4.0-19041-Microsoft", True),  # WSL 1
        ("4.4.0-22621-Microsoft", True),
        ("5.15.167.4-microsoft-standard-WSL2", True),  # WSL 2
        ("6.6.36.6-microsoft-standard-WSL2+", True),  # a rebuilt WSL 2 kernel
        ("4.19.104-microsoft-standard", True),  # early WSL 2, no suffix
        ("6.5.0-1025-azure", False),  # an Azure VM
        ("5.15.0-1073-azure", False),
        ("5.15.173.1-1.cm2", False),  # Azure Linux (CBL-Mariner)
        ("6.8.0-49-generic", False),
        ("6.10.14-linuxkit", False),  # Docker Desktop's VM
    ],
)
def test_kernel_release(release: str, expected: bool) -> None:
    ctx = ctx_for(release)
    assert is_wsl(ctx) is expected
    assert ctx.reads == []  # a known release is enough: /proc/version is not read
    assert ctx.checks == ([] if expected else list(WSL_PATHS))
    assert ctx._take_evidence() == (["platform release"] if expected else [])


def test_wsl_variables_alone_are_not_wsl() -> None:
    assert is_wsl(ctx_for("6.8.0-49-generic", environ=WSL_VARIABLES)) is False
    assert is_wsl(ctx_for("", environ=WSL_VARIABLES)) is False


def test_proc_version_when_the_release_is_unknown() -> None:
    assert is_wsl(ctx_for("", {"/proc/version": WSL1_VERSION})) is True
    assert is_wsl(ctx_for("", {"/proc/version": WSL2_VERSION})) is True
    assert is_wsl(ctx_for("", {"/proc/version": AZURE_VERSION})) is False
    assert is_wsl(ctx_for("")) is False


def test_a_container_on_the_wsl_kernel_is_not_wsl() -> None:
    for engine in ("docker", "podman", "kubernetes"):
        assert is_wsl(ctx_for("5.15.153.1-microsoft-standard-WSL2", container=engine)) is False


def test_container_facet_is_decided_before_the_os() -> None:
    order = list(BUILTIN_DETECTORS)
    assert order.index("container") < order.index("os")


def test_docker_desktop_container_end_to_end() -> None:
    document = {
        "environ": {"WSL_DISTRO_NAME": "Ubuntu-24.04"},
        "files": {"/.dockerenv": "", "/proc/self/cgroup": "0::/\n", "/proc/version": WSL2_VERSION},
        "platform": {"system": "Linux", "release": "5.15.153.1-microsoft-standard-WSL2"},
    }
    result = envdetect.detect(envdetect.load_fixture(document), plugins=False).to_dict()
    assert result["os"]["wsl"] is False
    assert result["container"] == {"id": "docker"}
    del document["files"]["/.dockerenv"]
    del document["files"]["/proc/self/cgroup"]
    result = envdetect.detect(envdetect.load_fixture(document), plugins=False).to_dict()
    assert result["os"]["wsl"] is True
    assert result["container"] is None


def test_wsl_with_systemd_end_to_end() -> None:
    document = {
        "files": {
            "/run/systemd/container": "wsl\n",
            "/proc/self/cgroup": "0::/user.slice/user-1000.slice/session-1.scope\n",
        },
        "platform": {"system": "Linux", "release": "5.15.167.4-microsoft-standard-WSL2"},
    }
    result = envdetect.detect(envdetect.load_fixture(document), plugins=False).to_dict()
    assert result["container"] is None
    assert result["os"]["wsl"] is True


# -- custom kernels: WSL's own paths (is-wsl 3.1's fallback) -------------------------

INTEROP = "enabled\ninterpreter /init\nflags: PF\noffset 0\nmagic 4d5a\n"


@pytest.mark.parametrize(
    "files",
    [
        {"/proc/sys/fs/binfmt_misc/WSLInterop": INTEROP},
        {"/run/WSL/410_interop": ""},  # interop turned off in /etc/wsl.conf: /run/WSL stays
        {"/proc/sys/fs/binfmt_misc/WSLInterop": INTEROP, "/run/WSL/8_interop": ""},
    ],
)
def test_custom_kernel_falls_back_to_wsl_paths(files: dict[str, str]) -> None:
    ctx = ctx_for("6.6.87.2-custom-zen+", files)
    assert is_wsl(ctx) is True
    evidence = ctx._take_evidence()
    assert len(evidence) == 1
    assert evidence[0].startswith("file ")


def test_custom_kernel_with_unknown_release_reads_proc_version_then_paths() -> None:
    ctx = ctx_for(
        "",
        {
            "/proc/version": "Linux version 6.12.1-custom (me@box) #1 SMP\n",
            "/run/WSL/8_interop": "",
        },
    )
    assert is_wsl(ctx) is True
    assert ctx.reads == ["/proc/version"]


def test_custom_kernel_without_wsl_paths_is_not_wsl() -> None:
    # WSL variables are no witness, even with a kernel that could be a custom WSL one.
    assert is_wsl(ctx_for("6.6.87.2-custom-zen+", environ=WSL_VARIABLES)) is False


def test_container_on_a_custom_wsl_kernel_is_not_wsl() -> None:
    files = {"/proc/sys/fs/binfmt_misc/WSLInterop": INTEROP}
    assert is_wsl(ctx_for("6.6.87.2-custom-zen+", files, container="docker")) is False
