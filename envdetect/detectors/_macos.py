"""The ``os`` facet on macOS: the product version, from ``platform.mac_ver()``
or, failing that, the Darwin kernel release.

Loaded by :mod:`envdetect.detectors.os` only where the platform says
Darwin, so a Linux run never pays for it.
"""

from envdetect._context import display_text, numeric_prefix

TYPE_CHECKING = False
if TYPE_CHECKING:  # pragma: no cover
    from typing import Any

    from envdetect._context import Context


def describe(ctx: "Context", result: "dict[str, Any]") -> None:
    release = ctx.platform.release
    result["name"] = "macOS"
    result["kernel"] = display_text(numeric_prefix(release))
    result["version"] = display_text(macos_version(ctx.platform.mac_ver, release))
    if ctx.platform.mac_ver:
        ctx.because("platform mac_ver")


def macos_version(mac_ver: str, darwin_release: str) -> "str | None":
    """The product version; the kernel release answers when mac_ver cannot.

    With SYSTEM_VERSION_COMPAT=1 (or an old binary) macOS 11+ reports 10.16,
    which is no real release.  Darwin 20-24 are macOS 11-15; Darwin 25 is
    macOS 26 (Apple aligned versions with the year).  The same shim tells a
    binary built against a pre-26 SDK (python.org and Homebrew Pythons built
    on macOS 15) that macOS 26 is 16.0, another release that never existed:
    it serves SystemVersionCompat.plist in place of SystemVersion.plist, so
    the plist read here and ``platform.mac_ver()`` both say it.  The kernel
    answers then too.
    """
    kernel = numeric_prefix(darwin_release) or ""
    parts = kernel.split(".")
    # Real Darwin majors have two digits; int() of thousands raises (Python 3.11+).
    darwin_major = int(parts[0]) if parts[0].isdigit() and len(parts[0]) <= 3 else 0
    mac = numeric_prefix(mac_ver.strip())
    if mac and not _compat_version(mac, darwin_major):
        return mac
    if darwin_major >= 20:
        major = darwin_major - 9 if darwin_major < 25 else darwin_major + 1
        minor = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() and len(parts[1]) <= 3 else 0
        # macOS 11-13 shipped x.0 with Darwin N.1 (Darwin 22.1 is macOS 13.0);
        # from Darwin 23 the minors line up (23.5 is macOS 14.5).
        if darwin_major <= 22:
            minor = max(minor - 1, 0)
        return f"{major}.{minor}"
    if darwin_major >= 5:
        return f"10.{darwin_major - 4}"
    return None


def _compat_version(mac: str, darwin_major: int) -> bool:
    """Whether ``mac`` is what the compatibility shim says instead of the
    real version: 10.16 from Darwin 20 on, 16.x from Darwin 25 (macOS 26) on."""
    major, _, rest = mac.partition(".")
    if major == "10":
        return rest.partition(".")[0] == "16" and darwin_major >= 20
    return major == "16" and darwin_major >= 25
