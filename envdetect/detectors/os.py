"""The ``os`` facet: type, name, version, kernel, WSL and the Linux distribution."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:  # pragma: no cover
    from typing import Any

    from envdetect._context import Context

facet = "os"

#: platform.system() -> OpenTelemetry os.type.
OS_TYPES = {
    "linux": "linux",
    "darwin": "darwin",
    "windows": "windows",
    "freebsd": "freebsd",
    "netbsd": "netbsd",
    "openbsd": "openbsd",
    "dragonfly": "dragonflybsd",
    "sunos": "solaris",
    "aix": "aix",
    "hp-ux": "hpux",
    "os/390": "z_os",
    "zos": "z_os",
}

#: Windows Server builds -> marketing year.
WINDOWS_SERVER_YEARS = {14393: "2016", 17763: "2019", 20348: "2022", 26100: "2025"}

#: First build of Windows 11: platform.release() says "10" on it before 3.12.
WINDOWS_11_BUILD = 22000

_VERSION_CHARS = frozenset("0123456789.")


def detect(ctx: Context) -> dict[str, Any] | None:
    plat = ctx.platform
    system = plat.system.strip().lower()
    if system.startswith(("cygwin", "msys", "mingw")):
        system = "windows"
    os_type = OS_TYPES.get(system)
    if os_type is None:
        return {"type": None, "name": None, "version": None, "kernel": None,
                "wsl": None, "distro": None}
    ctx.because("platform system")
    result: dict[str, Any] = {"type": os_type, "name": None, "version": None,
                              "kernel": None, "wsl": False, "distro": None}
    if os_type == "linux":
        _linux(ctx, result)
    elif os_type == "darwin":
        _macos(ctx, result)
    elif os_type == "windows":
        _windows(ctx, result)
    else:
        result["name"] = plat.system.strip() or None
        result["version"] = release_version(plat.release)
        result["kernel"] = numeric_prefix(plat.release)
    return result


def numeric_prefix(text: str) -> str | None:
    """The leading dotted number of a release string: "6.8.0-45-generic" -> "6.8.0"."""
    end = 0
    while end < len(text) and text[end] in _VERSION_CHARS:
        end += 1
    value = text[:end].strip(".")
    return value if value and value[0].isdigit() else None


def release_version(text: str) -> str | None:
    """A BSD-style release ("14.1-RELEASE-p3") when it only holds version characters."""
    text = text.strip()
    if 0 < len(text) <= 32 and text[0].isdigit() and all(
        ch.isascii() and (ch.isalnum() or ch in ".-_") for ch in text
    ):
        return text
    return None


def _linux(ctx: Context, result: dict[str, Any]) -> None:
    from envdetect.detectors._linux import distro_facts

    release = ctx.platform.release
    result["kernel"] = numeric_prefix(release)
    facts = distro_facts(ctx)
    result["name"] = facts.pop("name")
    result["version"] = facts["version"]
    result["distro"] = facts if facts["id"] else None
    result["wsl"] = is_wsl(ctx)


def is_wsl(ctx: Context) -> bool:
    """WSL 1 ("4.4.0-19041-Microsoft") or WSL 2 ("5.15.x-microsoft-standard-WSL2").

    The kernel is the witness, case-insensitively: WSL 1 says "Microsoft",
    WSL 2 "microsoft-standard" (older 4.19 kernels had no "-WSL2" suffix).
    /proc/version is read only when the release is unknown.  Not evidence:

    - ``WSL_DISTRO_NAME`` and friends: they leak through ``docker -e`` and
      dotfiles copied from a WSL machine.
    - Azure's kernels ("6.5.0-1025-azure"), Hyper-V DMI strings, or
      "Microsoft Hv" - an Azure VM is not WSL.

    Docker Desktop runs its containers on the WSL 2 kernel: inside a container
    the kernel says nothing about where the shell is, so a container (the
    container facet runs first) is never WSL.
    """
    if ctx.found.get("container"):
        return False
    release = ctx.platform.release
    if release:
        if _wsl_kernel(release):
            ctx.because("platform release")
            return True
        return False
    text = ctx.read("/proc/version")
    if text is not None and _wsl_kernel(text):
        ctx.because("file /proc/version")
        return True
    return False


def _wsl_kernel(text: str) -> bool:
    # "microsoft" as systemd-detect-virt does it, lowercased so that a
    # rebuilt "...-microsoft-standard" kernel without the WSL2 suffix counts.
    return "microsoft" in text.lower()


def _macos(ctx: Context, result: dict[str, Any]) -> None:
    release = ctx.platform.release
    result["name"] = "macOS"
    result["kernel"] = numeric_prefix(release)
    result["version"] = macos_version(ctx.platform.mac_ver, release)
    if ctx.platform.mac_ver:
        ctx.because("platform mac_ver")


def macos_version(mac_ver: str, darwin_release: str) -> str | None:
    """The product version; the kernel release answers when mac_ver cannot.

    With SYSTEM_VERSION_COMPAT=1 (or an old binary) macOS 11+ reports 10.16,
    which is no real release.  Darwin 20-24 are macOS 11-15; Darwin 25 is
    macOS 26 (Apple aligned versions with the year).
    """
    kernel = numeric_prefix(darwin_release) or ""
    parts = kernel.split(".")
    darwin_major = int(parts[0]) if parts and parts[0].isdigit() else 0
    mac = numeric_prefix(mac_ver.strip())
    if mac and not (mac.startswith("10.16") and darwin_major >= 20):
        return mac
    if darwin_major >= 20:
        major = darwin_major - 9 if darwin_major < 25 else darwin_major + 1
        minor = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0
        # macOS 11-13 shipped x.0 with Darwin N.1 (Darwin 22.1 is macOS 13.0);
        # from Darwin 23 the minors line up (23.5 is macOS 14.5).
        if darwin_major <= 22:
            minor = max(minor - 1, 0)
        return f"{major}.{minor}"
    if darwin_major >= 5:
        return f"10.{darwin_major - 4}"
    return None


def _windows(ctx: Context, result: dict[str, Any]) -> None:
    plat = ctx.platform
    version = numeric_prefix(plat.version)
    # Cygwin and MSYS2 put a build date in version(); the Windows version is
    # in the system name instead: "CYGWIN_NT-10.0-19045".
    _, sep, nt_version = plat.system.partition("_NT-")
    if sep:
        version = numeric_prefix(nt_version.replace("-", ".", 1))
    result["version"] = version
    result["name"] = windows_name(plat.release, version)
    if version:
        ctx.because("platform version")


def windows_name(release: str, version: str | None) -> str | None:
    parts = (version or "").split(".")
    if len(parts) < 3 or not all(part.isdigit() for part in parts[:3]):
        return None
    major, minor, build = int(parts[0]), int(parts[1]), int(parts[2])
    if "server" in release.lower():
        year = WINDOWS_SERVER_YEARS.get(build)
        return f"Windows Server {year}" if year else "Windows Server"
    if major == 10:
        return "Windows 11" if build >= WINDOWS_11_BUILD else "Windows 10"
    if (major, minor) == (6, 3):
        return "Windows 8.1"
    if (major, minor) == (6, 2):
        return "Windows 8"
    if (major, minor) == (6, 1):
        return "Windows 7"
    return None
