"""The ``host`` facet: the machine's architecture in OpenTelemetry ``host.arch`` terms."""

TYPE_CHECKING = False
if TYPE_CHECKING:  # pragma: no cover
    from typing import Any

    from envdetect._context import Context

facet = "host"

#: platform.machine() spellings (lowercased) -> host.arch.  Closed: an
#: unknown spelling becomes null rather than being echoed.
ARCHES = {
    "x86_64": "amd64", "amd64": "amd64", "x64": "amd64", "em64t": "amd64",
    "aarch64": "arm64", "arm64": "arm64", "arm64e": "arm64", "aarch64_be": "arm64",
    "armv6l": "arm32", "armv7l": "arm32", "armv7": "arm32", "armv8l": "arm32", "arm": "arm32",
    "i386": "x86", "i486": "x86", "i586": "x86", "i686": "x86", "x86": "x86", "i86pc": "x86",
    "ppc64le": "ppc64", "ppc64": "ppc64", "ppc": "ppc32", "powerpc": "ppc32",
    "s390x": "s390x", "ia64": "ia64",
    "riscv64": "riscv64", "loongarch64": "loongarch64", "mips64": "mips64",
    "sparc64": "sparc64",
}


def detect(ctx: "Context") -> "dict[str, Any] | None":
    plat = ctx.platform
    arch = ARCHES.get(plat.machine.strip().lower())
    if arch is not None:
        ctx.because("platform machine")
    # Under Rosetta 2 the process sees x86_64, but the Darwin kernel build
    # string still names the ARM kernel it runs on.
    if arch == "amd64" and plat.system == "Darwin" and "RELEASE_ARM64" in plat.version:
        ctx.because("platform version")
        arch = "arm64"
    return {"arch": arch}
