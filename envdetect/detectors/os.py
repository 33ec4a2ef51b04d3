"""The platform facets: ``os`` (type, name, version, kernel, WSL and the Linux
distribution), ``host`` (the architecture) and ``python`` (the interpreter).

All three read the context's platform facts; ``host`` and ``python`` are a
few lines each, and a module of their own would cost more in import
machinery than their code (docs/development/index.md, "The import budget").
The macOS and Windows halves of the ``os`` facet live in :mod:`._macos` and
:mod:`._windows`, loaded only there; Linux, the BSDs and the rest are here.

The second half of this module gives Linux distribution facts with the
``distro`` package's semantics, cheaply: from os-release here, and from the
legacy release files in :mod:`._release_files` where os-release leaves an
id, a version or a name empty, without importing ``distro`` (which spawns
``lsb_release`` and ``uname``; the figures: docs/performance.md).
:func:`distro_facts` gives the same ``id``, ``version``, ``name`` and
``like`` as
``distro.LinuxDistribution(include_lsb=False, include_uname=False)`` for the
files present, reading only through the context; the differential test over
every Linux fixture holds it to that.

Where ``distro`` raises instead of answering -- an os-release with an
unterminated quote, a release file that is not UTF-8, a ``debian_version``
that is not ASCII -- the offending file counts as absent here: ``detect()``
never raises, and a garbled file says nothing about the distribution.  An
os-release is read line by line (see :func:`parse_os_release`), in linear
time: junk costs no more than a real file.

The common case (a well-formed os-release carrying ``ID``, ``VERSION_ID`` and
``NAME``) imports nothing more: :mod:`re` is loaded only for unusual quoting
and for legacy release lines that hold a version number; :mod:`shlex` never.

The strings this facet copies from the machine (names, versions, the
distribution's id) go through :func:`display_text` on their way into the
document: printable, one line, at most 64 characters.
"""

from envdetect._context import (  # noqa: F401 - re-exported: the os facet's helpers
    MAX_TEXT,
    UNDECODABLE,
    display_text,
    normalize_id,
    numeric_prefix,
)
from envdetect.detectors import NORMALIZED_OS_ID

TYPE_CHECKING = False
if TYPE_CHECKING:  # pragma: no cover
    import re
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


def detect(ctx: "Context") -> "dict[str, Any] | None":
    plat = ctx.platform
    system = plat.system.strip().lower()
    if system.startswith(("cygwin", "msys", "mingw")):
        system = "windows"
    os_type = OS_TYPES.get(system)
    if os_type is None:
        return {
            "type": None,
            "name": None,
            "version": None,
            "kernel": None,
            "wsl": None,
            "distro": None,
        }
    ctx.because("platform system")
    result: dict[str, Any] = {
        "type": os_type,
        "name": None,
        "version": None,
        "kernel": None,
        "wsl": False,
        "distro": None,
    }
    if os_type == "linux":
        _linux(ctx, result)
    elif os_type == "darwin":
        from envdetect.detectors import _macos

        _macos.describe(ctx, result)
    elif os_type == "windows":
        from envdetect.detectors import _windows

        _windows.describe(ctx, result)
    else:
        result["name"] = display_text(plat.system)
        result["version"] = display_text(release_version(plat.release))
        result["kernel"] = display_text(numeric_prefix(plat.release))
    return result


def release_version(text: str) -> "str | None":
    """A BSD-style release ("14.1-RELEASE-p3") when it only holds version characters."""
    text = text.strip()
    if (
        0 < len(text) <= 32
        and text[0].isdigit()
        and all(ch.isascii() and (ch.isalnum() or ch in ".-_") for ch in text)
    ):
        return text
    return None


def _linux(ctx: "Context", result: "dict[str, Any]") -> None:
    release = ctx.platform.release
    result["kernel"] = display_text(numeric_prefix(release))
    facts = distro_facts(ctx)
    result["name"] = display_text(facts["name"])
    result["version"] = display_text(facts["version"])
    distro_id = display_text(facts["id"])
    result["distro"] = (
        {"id": distro_id, "version": result["version"], "like": display_text(facts["like"])}
        if distro_id
        else None
    )
    result["wsl"] = is_wsl(ctx)


def is_wsl(ctx: "Context") -> bool:
    """WSL 1 ("4.4.0-19041-Microsoft") or WSL 2 ("5.15.x-microsoft-standard-WSL2").

    The kernel is the witness, case-insensitively: WSL 1 says "Microsoft",
    WSL 2 "microsoft-standard" (older 4.19 kernels had no "-WSL2" suffix).
    /proc/version is read only when the release is unknown.  A kernel that
    says neither (a custom build) leaves :data:`WSL_PATHS`.  Not evidence:

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
    else:
        text = ctx.read("/proc/version")
        if text is not None and _wsl_kernel(text):
            ctx.because("file /proc/version")
            return True
    # A custom WSL 2 kernel (.wslconfig's "kernel=") need not say "microsoft";
    # WSL's own init still registers its interop handler and creates /run/WSL
    # (is-wsl 3.1's fallback).  Both are absent on every other Linux.
    for path in WSL_PATHS:
        if ctx.exists(path):
            ctx.because(f"file {path}")
            return True
    return False


#: What WSL's init leaves whatever the kernel: the binfmt_misc handler that
#: runs Windows programs (absent only when interop is turned off in
#: /etc/wsl.conf) and its runtime directory.
WSL_PATHS = ("/proc/sys/fs/binfmt_misc/WSLInterop", "/run/WSL")


def _wsl_kernel(text: str) -> bool:
    # "microsoft" as systemd-detect-virt does it, lowercased so that a
    # rebuilt "...-microsoft-standard" kernel without the WSL2 suffix counts.
    return "microsoft" in text.lower()


# =============================================================================
# The host facet: the machine's architecture in OpenTelemetry ``host.arch`` terms
# =============================================================================

#: platform.machine() spellings (lowercased) -> host.arch.  Closed: an
#: unknown spelling becomes null rather than being echoed.
ARCHES = {
    "x86_64": "amd64",
    "amd64": "amd64",
    "x64": "amd64",
    "em64t": "amd64",
    "aarch64": "arm64",
    "arm64": "arm64",
    "arm64e": "arm64",
    "aarch64_be": "arm64",
    "armv6l": "arm32",
    "armv7l": "arm32",
    "armv7": "arm32",
    "armv8l": "arm32",
    "arm": "arm32",
    "i386": "x86",
    "i486": "x86",
    "i586": "x86",
    "i686": "x86",
    "x86": "x86",
    "i86pc": "x86",
    "ppc64le": "ppc64",
    "ppc64": "ppc64",
    "ppc": "ppc32",
    "powerpc": "ppc32",
    "s390x": "s390x",
    "ia64": "ia64",
    "riscv64": "riscv64",
    "loongarch64": "loongarch64",
    "mips64": "mips64",
    "sparc64": "sparc64",
}


#: The suffix Cygwin (and MSYS2, built from it) puts on its system name when
#: the Windows machine is not the one it was built for (winsup/cygwin
#: uname.cc): "CYGWIN_NT-10.0-19045-WOW64" is 32-bit Cygwin on x64 Windows,
#: "MSYS_NT-10.0-26100-ARM64" x64 MSYS2 emulated on Windows on ARM.
POSIX_LAYER_HOSTS = {
    "wow64": "amd64",
    "x64": "amd64",
    "x86": "x86",
    "arm": "arm32",
    "arm64": "arm64",
}


def detect_host(ctx: "Context") -> "dict[str, Any] | None":
    """The machine's architecture, which an emulated or 32-bit process does
    not see as its own (see docs/reference/os-host-python.md)."""
    plat = ctx.platform
    arch = ARCHES.get(plat.machine.strip().lower())
    if arch is not None:
        ctx.because("platform machine")
    system = plat.system
    # Under Rosetta 2 the process sees x86_64, but the Darwin kernel build
    # string still names the ARM kernel it runs on.
    if arch == "amd64" and system == "Darwin" and "RELEASE_ARM64" in plat.version:
        ctx.because("platform version")
        arch = "arm64"
    elif "_NT-" in system:
        host = POSIX_LAYER_HOSTS.get(system.rpartition("-")[2].lower())
        if host is not None:
            ctx.because("platform system")
            return {"arch": host}
    if (
        arch in ("amd64", "x86")
        and (system == "Windows" or "_NT-" in system)
        and _arm_processor(ctx.env("PROCESSOR_IDENTIFIER"))
    ):
        # An x64 or x86 process emulated on Windows on ARM (Prism) is told
        # PROCESSOR_ARCHITECTURE=AMD64 and gets no PROCESSOR_ARCHITEW6432
        # (that is for WOW64 only); the processor's own description is not
        # rewritten.  Python 3.12+ asks WMI instead, which costs a COM call.
        ctx.because("env PROCESSOR_IDENTIFIER")
        arch = "arm64"
    return {"arch": arch}


def _arm_processor(identifier: "str | None") -> bool:
    """Whether Windows describes a 64-bit ARM processor: "ARMv8 (64-bit) Family 8
    Model D4B Revision   0, Qualcomm Technologies Inc" (an x64 processor starts
    "Intel64" or "AMD64")."""
    if identifier is None:
        return False
    text = identifier.strip().upper()
    return text.startswith("ARMV") and "(64-BIT)" in text[:24]


# =============================================================================
# The python facet: implementation, version and build of this interpreter
# =============================================================================

IMPLEMENTATIONS = frozenset({"cpython", "pypy", "graalpy", "ironpython", "jython", "micropython"})
#: platform.python_implementation() says "GraalVM" for GraalPy.
_ALIASES = {"graalvm": "graalpy"}


def detect_python(ctx: "Context") -> "dict[str, Any] | None":
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
    version = python_version(plat.python_version)
    if impl == "graalpy" and version is not None:
        # GraalPy gives the CPython version it implements with releaselevel
        # "alpha", serial 0 (oracle/graalpython#487): "3.11.7a0" is no
        # pre-release of anything.  The language version is the answer.
        version = numeric_prefix(version)
    return {
        "implementation": impl if impl in IMPLEMENTATIONS else None,
        "version": version,
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


# =============================================================================
# Linux distribution facts, with the ``distro`` package's semantics
# =============================================================================

OS_RELEASE_PATHS = ("/etc/os-release", "/usr/lib/os-release")

# Characters that are themselves to shlex wherever they stand.  ``not
# text.strip(_SAFE_UNQUOTED)`` tests "only these characters" at C speed.
_SAFE_UNQUOTED = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-+:/,@%"


def distro_facts(ctx: "Context") -> "dict[str, str | None]":
    """``id``, ``version``, ``like`` and ``name`` as distro computes them (``None``: unknown)."""
    path, osr = os_release(ctx)
    if path and osr:
        ctx.because(f"file {path}")
    if not (osr.get("id") and osr.get("version_id") and osr.get("name")):
        # distro fills what os-release leaves empty from the legacy release
        # files; most distributions leave nothing empty and never get there.
        from envdetect.detectors import _release_files

        return _release_files.distro_facts(ctx, osr)
    return {
        "id": normalize_id(osr["id"], NORMALIZED_OS_ID),
        "version": osr["version_id"],
        "like": osr.get("id_like") or None,
        "name": osr["name"],
    }


# -- os-release -----------------------------------------------------------------


def os_release(ctx: "Context") -> "tuple[str | None, dict[str, str]]":
    """(path read, parsed fields with lowercase keys): /etc first, as distro does.

    A garbled file (undecodable bytes, an unterminated quote) counts as
    absent, so a good /usr/lib/os-release still answers behind a broken
    /etc/os-release.
    """
    for path in OS_RELEASE_PATHS:
        text = ctx.read(path)
        if text is None or UNDECODABLE in text:
            continue
        props = _parse(text)
        if props is not None:
            return path, props
    return None, {}


def parse_os_release(text: str) -> "dict[str, str]":
    """os-release fields with lowercase keys, read line by line.

    os-release(5) is one ``KEY=value`` assignment per line, the value quoted
    with shell quoting, never spanning lines.  Each line is read here exactly
    as distro's POSIX :class:`shlex.shlex` (whitespace-split) reads that line
    on its own, and every ``key=value`` word is kept: for every real file that
    is distro's answer (the differential tests hold it to that).  They part
    ways only on junk, where this reading gives ``{}`` (a garbled file, which
    counts as absent) and distro reads on:

    - a quote or a trailing backslash carrying a value over a line break
      (distro joins the lines; a quote that never closes makes it raise);
    - more than the bounds below: no real os-release comes near them, and
      they keep the cost a few milliseconds whatever 256 KiB hold.

    shlex is never used: it took over a second on 256 KiB of junk.  This is
    linear, at C speed over everything but the quoting.  distro's derived
    ``codename`` keys are not added.
    """
    props = _parse(text)
    return {} if props is None else props


#: Bounds past which an os-release is junk (read as garbled, so absent).  Real
#: files have a few dozen lines, each under 200 characters.
MAX_LINES = 32_768
#: Lines holding ``=``, a quote or a backslash (the only ones that can assign or fail).
MAX_ASSIGNMENT_LINES = 8_192
#: Lines that need the full quoting rules (:func:`line_words`), and the words
#: and pieces one such line may hold.
MAX_QUOTED_LINES = 64
MAX_PIECES = 128
#: Longest line the quick path reads; a longer one takes the full reading,
#: whose regular expression runs at C speed.
_QUICK_LINE = 256
#: Lines split off at a time, so that a file found to be junk early is not
#: split whole first.
_SPLIT_CHUNK = 4_096


def _parse(text: str) -> "dict[str, str] | None":
    """The fields, or None for a garbled file (a line shlex cannot read on its
    own, or more than the bounds above)."""
    props: dict[str, str] = {}
    if "=" not in text and not _has_quoting(text):
        # No assignment, and nothing that could fail: a few C-speed scans
        # settle /dev/zero, a sparse file or a blank one.
        return props
    if "\r" in text:
        # distro opens the file in text mode: "\r\n" and "\r" end lines too.
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.count("\n") >= MAX_LINES:
        return None
    assignment_lines = quoted_lines = 0
    rest: str | None = text
    while rest is not None:
        chunk = rest.split("\n", _SPLIT_CHUNK)
        rest = chunk.pop() if len(chunk) > _SPLIT_CHUNK else None
        for raw_line in chunk:
            # " \t" is all shlex skips within a line.
            line = raw_line.strip(" \t")
            if not line or line[0] == "#" or ("=" not in line and not _has_quoting(line)):
                continue  # no assignment, and nothing in it that could fail to parse
            assignment_lines += 1
            if assignment_lines > MAX_ASSIGNMENT_LINES:
                return None
            if len(line) <= _QUICK_LINE:
                key, sep, value = line.partition("=")
                if sep and key and not key.strip(_SAFE_UNQUOTED):
                    simple = _simple_value(value)
                    if simple is not None:
                        props[key.lower()] = simple
                        continue
            quoted_lines += 1
            if quoted_lines > MAX_QUOTED_LINES:
                return None
            # The raw line: a backslash before trailing blanks escapes one of them.
            words = line_words(raw_line)
            if words is None:
                return None
            for word in words:
                key, sep, value = word.partition("=")
                if sep:
                    props[key.lower()] = value
    return props


def _simple_value(value: str) -> "str | None":
    """The value as shlex reads it, or None when more than trivial rules apply."""
    if value[:1] in ('"', "'"):
        if len(value) < 2 or value[-1] != value[0]:
            return None
        inner = value[1:-1]
        # A quote or a backslash inside means more than itself: the full reading.
        if '"' in inner or "'" in inner or "\\" in inner:
            return None
        return inner
    if not value.strip(_SAFE_UNQUOTED):
        return value
    return None


def _has_quoting(line: str) -> bool:
    return '"' in line or "'" in line or "\\" in line


def line_words(line: str) -> "list[str] | None":
    """The words POSIX shlex (whitespace-split) makes of one line; None where it
    raises, or where the line holds more than :data:`MAX_PIECES` words and
    quoted or escaped pieces.

    Outside quotes a backslash escapes the next character and ``#`` starts a
    comment, even inside a word; within single quotes nothing is special;
    within double quotes a backslash escapes only ``"`` and ``\\`` (before
    anything else it stays).  A quote left open or a backslash ending the
    line fails, as shlex fails at the end of its input.  Runs of ordinary
    characters and quoted text are taken whole, with :meth:`str.find` and one
    regular expression, so the cost is linear with a small constant.
    """
    if not _has_quoting(line):
        comment = line.find("#")
        if comment >= 0:
            line = line[:comment]
        if len(line) <= _QUICK_LINE:
            # split(" "), not split(): shlex splits at spaces and tabs only.
            return [word for word in line.replace("\t", " ").split(" ") if word]
        plain: list[str] = []
        for run_match in _run_pattern().finditer(line):
            if run_match.group()[0] not in " \t":
                plain.append(run_match.group())
                if len(plain) > MAX_PIECES:
                    return None
        return plain
    run = _run_pattern()
    words: list[str] = []
    pieces: list[str] = []
    in_word = False
    position, end = 0, len(line)
    while position < end:
        if len(words) + len(pieces) > MAX_PIECES:
            return None
        char = line[position]
        if char == "#":
            break
        if char == "\\":
            if position + 1 == end:
                return None
            pieces.append(line[position + 1])
            position += 2
        elif char == "'":
            close = line.find("'", position + 1)
            if close < 0:
                return None
            pieces.append(line[position + 1 : close])
            position = close + 1
        elif char == '"':
            position = _double_quoted(line, position + 1, pieces)
            if position < 0:
                return None
        else:
            match = run.match(line, position)
            assert match is not None  # the pattern matches every other character
            if char in " \t":
                if in_word:
                    words.append("".join(pieces))
                    pieces = []
                    in_word = False
                position = match.end()
                continue
            pieces.append(match.group())
            position = match.end()
        in_word = True
    if in_word:
        words.append("".join(pieces))
    return words


def _double_quoted(line: str, position: int, pieces: "list[str]") -> int:
    """Reads a double-quoted text from ``position`` (after the quote) into
    ``pieces``; returns the position after the closing quote, or -1 when the
    quote does not close (or holds more than :data:`MAX_PIECES` escapes)."""
    close = line.find('"', position)
    while close >= 0 and len(pieces) <= MAX_PIECES:
        escape = line.find("\\", position, close)
        if escape < 0:
            pieces.append(line[position:close])
            return close + 1
        pieces.append(line[position:escape])
        escaped = line[escape + 1]  # escape < close: there is a next character
        pieces.append(escaped if escaped in '"\\' else "\\" + escaped)
        position = escape + 2
        if position > close:
            close = line.find('"', position)
    return -1


def _run_pattern() -> "re.Pattern[str]":
    """Runs of ordinary characters, or of spaces and tabs.

    :mod:`re` loads only here, and keeps the compiled pattern in its cache.
    """
    import re

    return re.compile(r"[^ \t\"'\\#]+|[ \t]+")
