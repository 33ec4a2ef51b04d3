"""The ``python`` facet: implementation, version and build of this interpreter."""

TYPE_CHECKING = False
if TYPE_CHECKING:  # pragma: no cover
    from typing import Any

    from envdetect._context import Context

facet = "python"

IMPLEMENTATIONS = frozenset({"cpython", "pypy", "graalpy", "ironpython", "jython",
                             "micropython"})
#: platform.python_implementation() says "GraalVM" for GraalPy.
_ALIASES = {"graalvm": "graalpy"}


def detect(ctx: "Context") -> "dict[str, Any] | None":
    plat = ctx.platform
    impl = plat.python_implementation.strip().lower()
    impl = _ALIASES.get(impl, impl)
    extra = plat.extra
    bits = extra.get("python_bits")
    abiflags = extra.get("python_abiflags")
    free_threaded: bool | None = None
    if isinstance(abiflags, str):
        free_threaded = "t" in abiflags
    elif isinstance(extra.get("python_free_threaded"), bool):
        free_threaded = bool(extra["python_free_threaded"])
    environment: str | None = None
    if extra.get("python_conda") is True:
        environment = "conda"
    elif extra.get("python_venv") is True:
        environment = "venv"
    elif extra.get("python_venv") is False:
        environment = "system"
    ctx.because("platform python_implementation", "platform python_version")
    return {
        "implementation": impl if impl in IMPLEMENTATIONS else None,
        "version": python_version(plat.python_version),
        "bits": bits if bits in (32, 64) else None,
        "free_threaded": free_threaded,
        "environment": environment,
    }


def python_version(text: str) -> "str | None":
    """A strict version: 3.12.3, 3.14.0rc1, 3.13.0a2 (anything else is dropped)."""
    text = text.strip()
    if not text or len(text) > 16:
        return None
    numbers, suffix = text, ""
    for marker in ("rc", "a", "b"):
        head, sep, tail = text.partition(marker)
        if sep:
            numbers, suffix = head, marker + tail
            if not tail.isdigit() or not tail.isascii():
                return None
            break
    parts = numbers.split(".")
    if not 2 <= len(parts) <= 3 or not all(p.isdigit() and p.isascii() for p in parts):
        return None
    return numbers + suffix
