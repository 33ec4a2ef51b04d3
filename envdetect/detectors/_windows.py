"""The ``os`` facet on Windows: "Windows 10" or "Windows 11" (or Server) and
``10.0.<build>``.

Loaded by :mod:`envdetect.detectors.os` only where the platform says
Windows (or Cygwin/MSYS2), so a Linux run never pays for it.
"""

from envdetect._context import display_text, numeric_prefix

TYPE_CHECKING = False
if TYPE_CHECKING:  # pragma: no cover
    from typing import Any

    from envdetect._context import Context


#: Windows Server builds -> marketing year.
WINDOWS_SERVER_YEARS = {14393: "2016", 17763: "2019", 20348: "2022", 26100: "2025"}

#: First build of Windows 11: platform.release() says "10" on it before 3.12.
WINDOWS_11_BUILD = 22000


def describe(ctx: "Context", result: "dict[str, Any]") -> None:
    plat = ctx.platform
    version = numeric_prefix(plat.version)
    # Cygwin and MSYS2 put a build date in version(); the Windows version is
    # in the system name instead: "CYGWIN_NT-10.0-19045".
    _, sep, nt_version = plat.system.partition("_NT-")
    if sep:
        version = numeric_prefix(nt_version.replace("-", ".", 1))
    result["version"] = display_text(version)
    result["name"] = windows_name(plat.release, version)
    if version:
        ctx.because("platform version")


def windows_name(release: str, version: "str | None") -> "str | None":
    parts = (version or "").split(".")
    # int() of thousands of digits raises (Python 3.11+): no real part is that long.
    if len(parts) < 3 or not all(part.isdigit() and len(part) <= 9 for part in parts[:3]):
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
