"""The only window detectors have on the world.

A :class:`Context` answers five kinds of question: environment variables,
files, the process ancestry, platform facts and whether stdin/stdout are
terminals.  :class:`LiveContext` asks the running machine; :class:`FixtureContext`
answers from a recorded fixture document and from nothing else, so a fixture
replays identically on any host.

Performance matters here: this module is imported on every ``detect()`` call,
so it imports nothing beyond ``os`` and ``sys`` (both already loaded by the
interpreter) and the detector registry (plain data, loaded by every
detection anyway), and defers everything costly until a detector actually
asks.
"""

import os
import sys

from envdetect.detectors import AGENT_PROCESSES, ANCESTRY_SCREEN, PROCESS_IDES

TYPE_CHECKING = False
if TYPE_CHECKING:  # pragma: no cover - typing only
    from collections.abc import Iterable, Iterator, Mapping
    from typing import Any

#: Largest file a detector may read.  Every file detectors need (os-release,
#: cgroup, mountinfo, DMI strings) is far smaller; the cap protects against a
#: pathological /proc entry or a FIFO planted at a well-known path.
MAX_FILE_BYTES = 256 * 1024

#: How many ancestors the process walk visits at most: enough to get from a
#: script through a shell, a task runner and a terminal to the IDE or agent.
MAX_ANCESTRY = 6

PLATFORM_KEYS = (
    "system",
    "release",
    "version",
    "machine",
    "python_implementation",
    "python_version",
    "mac_ver",
)


#: What a flag variable set to "no" looks like (``CI=false``, ``CLAUDECODE=0``).
OFF_WORDS = frozenset({"0", "false", "no", "off"})


#: What a switch variable set to "yes" looks like (``ENVDETECT_PLUGINS=1``).
ON_WORDS = frozenset({"1", "true", "yes", "on"})


def is_off(value: str) -> bool:
    """Whether a variable's value switches its flag off (any case, blanks ignored)."""
    return value.strip().lower() in OFF_WORDS


def is_on(value: str) -> bool:
    """Whether a variable's value switches its switch on (any case, blanks ignored)."""
    return value.strip().lower() in ON_WORDS


def plain_copy(value: "Any") -> "Any":
    """A deep copy of document data (dicts, lists, scalars): what the engine
    hands out and what plugins see, so that nobody's edits reach anybody else."""
    if isinstance(value, dict):
        return {key: plain_copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain_copy(item) for item in value]
    return value


# -- text the document shows ---------------------------------------------------
#
# Shared by the os detector, its lazily loaded platform halves and the toolkit
# detector; here, below all of them, so that no helper imports its parent.

#: Longest machine string the document shows; a longer one is cut and ends in "…".
MAX_TEXT = 64

#: What a context makes of a byte that is not UTF-8.  distro reads strictly
#: and raises on such a file; the os detector treats the file as absent.
UNDECODABLE = "\ufffd"

_VERSION_CHARS = frozenset("0123456789.")


def display_text(value: "str | None") -> "str | None":
    """A string from the machine as the local document shows it, or None when empty.

    Every run of whitespace (any kind: tabs, newlines, no-break spaces) becomes
    one space, trimmed at both ends; every other character that prints nothing
    (NUL and other controls, format characters such as bidirectional
    overrides, lone surrogates) becomes U+FFFD, one for one, so that junk shows
    as junk rather than vanishing; past 64 characters the text is cut to 63
    and "…".  The work is C-speed splitting plus at most 65 characters in
    Python, whatever the input's length.
    """
    if not value:
        return None
    text = " ".join(value.split())
    if len(text) <= MAX_TEXT and text.isprintable():
        return text or None
    head = "".join(char if char.isprintable() else "\ufffd" for char in text[: MAX_TEXT + 1])
    if len(head) > MAX_TEXT:
        head = head[: MAX_TEXT - 1] + "\u2026"
    return head or None


def numeric_prefix(text: str) -> "str | None":
    """The leading dotted number of a release string: "6.8.0-45-generic" -> "6.8.0"."""
    end = 0
    while end < len(text) and text[end] in _VERSION_CHARS:
        end += 1
    value = text[:end].strip(".")
    return value if value and value[0].isdigit() else None


def normalize_id(distro_id: str, table: "dict[str, str]") -> str:
    """A distribution id lowercased, blanks as underscores, then mapped by ``table``."""
    distro_id = distro_id.lower().replace(" ", "_")
    return table.get(distro_id, distro_id)


def normalize_name(name: str) -> str:
    """A process name as the ancestry tables key it: ``Code Helper (Plugin).app``
    -> ``code``; ``pycharm64.exe`` -> ``pycharm64``."""
    value = name.strip().lower()
    for suffix in (".exe", ".app"):
        if value.endswith(suffix):
            value = value[: -len(suffix)]
    helper = value.find(" helper")
    if helper > 0:
        value = value[:helper]
    return value


class Process:
    """One ancestor: its name and, where the OS lets us see them, exe and cmdline.

    These values can identify a person (a home directory in ``exe``, secrets
    in ``cmdline``); detectors use them to classify and never copy them out.
    """

    __slots__ = ("cmdline", "exe", "name")

    def __init__(
        self, name: str, exe: "str | None" = None, cmdline: "tuple[str, ...]" = ()
    ) -> None:
        self.name = name
        self.exe = exe
        self.cmdline = cmdline

    def __repr__(self) -> str:
        return f"Process(name={self.name!r})"


class Platform:
    """Platform facts, mirroring the :mod:`platform` functions of the same names.

    ``system``, ``release``, ``version`` and ``machine`` are ``platform.uname()``
    fields, ``mac_ver`` is ``platform.mac_ver()[0]``.  Extra facts that have no
    :mod:`platform` twin live in ``extra`` (fixture keys beyond the seven
    standard ones), so later detectors can grow without changing this class.
    """

    __slots__ = (
        "extra",
        "mac_ver",
        "machine",
        "python_implementation",
        "python_version",
        "release",
        "system",
        "version",
    )

    def __init__(
        self,
        *,
        system: str = "",
        release: str = "",
        version: str = "",
        machine: str = "",
        python_implementation: str = "",
        python_version: str = "",
        mac_ver: str = "",
        extra: "dict[str, object] | None" = None,
    ) -> None:
        self.system = system
        self.release = release
        self.version = version
        self.machine = machine
        self.python_implementation = python_implementation
        self.python_version = python_version
        self.mac_ver = mac_ver
        self.extra: dict[str, object] = extra if extra is not None else {}


class Context:
    """What a detector may look at.  Subclasses supply the raw answers.

    Detectors should use the accessors (:meth:`env`, :meth:`read`,
    :meth:`exists`, :meth:`processes` ...) rather than the raw attributes so
    that a recording context (``--capture``) sees every signal consulted.
    """

    #: Facets decided so far, in detector order.  A detector may read the
    #: facets of detectors that ran before it (the container facet, say, is
    #: known when the OS detector decides WSL).
    found: "dict[str, object]"

    def __init__(self) -> None:
        self.found = {}
        self._evidence: list[str] = []
        self._processes: tuple[Process, ...] | None = None
        self._command_line: tuple[str, ...] | None = None

    # -- environment -----------------------------------------------------
    @property
    def environ(self) -> "Mapping[str, str]":
        raise NotImplementedError

    def env(self, name: str) -> "str | None":
        """The variable's value, or ``None`` when it is unset *or empty*.

        An empty variable counts as absent everywhere: shells and CI systems
        routinely export ``FOO=`` to mean "not set".
        """
        value = self.environ.get(name)
        return value if value else None

    def has(self, name: str) -> bool:
        """True when the variable is set to a non-empty value."""
        return bool(self.environ.get(name))

    # -- files -----------------------------------------------------------
    def read(self, path: str) -> "str | None":
        """The file's text (undecodable bytes replaced), or ``None``."""
        raise NotImplementedError

    def exists(self, path: str) -> bool:
        raise NotImplementedError

    def listdir(self, path: str) -> "list[str] | None":
        """Names in a directory, sorted, or ``None`` when it cannot be listed."""
        raise NotImplementedError

    # -- processes, platform, terminals -----------------------------------
    def processes(self) -> "tuple[Process, ...]":
        """The ancestry, nearest parent first, at most :data:`MAX_ANCESTRY` long.

        Read lazily and once: most runs are decided by the environment alone.
        """
        if self._processes is None:
            try:
                self._processes = tuple(self._read_processes())[:MAX_ANCESTRY]
            except Exception:  # noqa: BLE001 - an unreadable ancestry is an empty one
                self._processes = ()
        return self._processes

    def _read_processes(self) -> "Iterable[Process]":
        raise NotImplementedError

    def command_line(self) -> "tuple[str, ...]":
        """This process's own command line, interpreter and options included
        (``python -m ipykernel_launcher -f …``); ``()`` when unknown.

        :meth:`processes` starts at the parent; a detector that must know what
        this process itself runs (a notebook kernel launched with no variable
        to say so) asks here.  Read lazily and once, like the ancestry, and
        used like it: to classify, never copied out.
        """
        if self._command_line is None:
            try:
                self._command_line = tuple(self._read_command_line())
            except Exception:  # noqa: BLE001 - an unreadable command line is an empty one
                self._command_line = ()
        return self._command_line

    def _read_command_line(self) -> "Iterable[str]":
        return ()

    @property
    def platform(self) -> "Platform":
        raise NotImplementedError

    def isatty(self, stream: str) -> "bool | None":
        """Whether ``"stdin"`` or ``"stdout"`` is a terminal; ``None`` if unknown."""
        raise NotImplementedError

    def interactive(self) -> bool:
        """Whether stdin and stdout are both terminals: a person typing."""
        return bool(self.isatty("stdin") and self.isatty("stdout"))

    # -- evidence --------------------------------------------------------
    def because(self, *signals: str) -> None:
        """Record the signals that decided the current facet (for ``--explain``).

        Signals are names, never values: ``"env GITHUB_ACTIONS"``,
        ``"file /etc/os-release"``, ``"process pycharm"``.
        """
        self._evidence.extend(signals)

    def _take_evidence(self) -> "list[str]":
        evidence, self._evidence = self._evidence, []
        return evidence


class LiveContext(Context):
    """The running machine, read cheaply: no subprocess, no network."""

    def __init__(self, environ: "Mapping[str, str] | None" = None) -> None:
        super().__init__()
        self._environ: Mapping[str, str] = _environ_snapshot() if environ is None else environ
        self._platform: Platform | None = None
        self._texts: dict[str, str | None] = {}

    @property
    def environ(self) -> "Mapping[str, str]":
        return self._environ

    def read(self, path: str) -> "str | None":
        # One look per path: a file that a gate and its detector both consult
        # (the firmware vendor) is read once, and both see the same text.
        if path in self._texts:
            return self._texts[path]
        data = read_bytes(path)
        text = None if data is None else data.decode("utf-8", "replace")
        self._texts[path] = text
        return text

    def exists(self, path: str) -> bool:
        try:
            return os.path.exists(path)
        except (OSError, ValueError):
            return False

    def listdir(self, path: str) -> "list[str] | None":
        try:
            return sorted(os.listdir(path))
        except (OSError, ValueError):
            return None

    def _read_processes(self) -> "Iterable[Process]":
        return live_ancestry(MAX_ANCESTRY)

    def _read_command_line(self) -> "Iterable[str]":
        # The interpreter's own record, no I/O: sys.orig_argv (3.10+) keeps
        # "-m module"; before 3.10 sys.argv[0] is the module's file, which
        # the classifier recognises by its name.
        original = getattr(sys, "orig_argv", None)
        if original:
            return [arg for arg in original if isinstance(arg, str)]
        return [sys.executable or "python", *(arg for arg in sys.argv if isinstance(arg, str))]

    @property
    def platform(self) -> "Platform":
        if self._platform is None:
            self._platform = _live_platform(self._environ)
        return self._platform

    def isatty(self, stream: str) -> "bool | None":
        handle = sys.stdin if stream == "stdin" else sys.stdout
        try:
            if handle is None:
                return False
            return os.isatty(handle.fileno())
        except (AttributeError, OSError, ValueError):
            # Closed, detached or replaced by an object with no fd (pytest's
            # capture, an embedding host): not a terminal.
            return False


#: Chunk size for file reads: most files detectors read fit in one chunk.
_CHUNK = 16 * 1024
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)


def read_bytes(path: str, limit: int = MAX_FILE_BYTES) -> "bytes | None":
    """A file's first ``limit`` bytes, or ``None``; never blocks.

    O_NONBLOCK makes a FIFO planted at a well-known path read as empty instead
    of hanging the host program; reading in chunks avoids allocating the whole
    limit for every small /proc or /sys file.
    """
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except (OSError, ValueError):
        return None
    try:
        chunks = []
        size = 0
        while size < limit:
            chunk = os.read(fd, min(_CHUNK, limit - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError:
        # EISDIR for a directory, EAGAIN for an empty FIFO: not a readable file.
        return None
    finally:
        os.close(fd)
    return b"".join(chunks)


def _environ_snapshot() -> "Mapping[str, str]":
    """A plain-dict copy of the environment, for fast repeated lookups.

    Detectors look up a few hundred names, most of them absent; on POSIX each
    ``os.environ.get`` encodes the key and raises KeyError internally (about
    1.5 µs), while a dict lookup costs 50 ns.  Decoding the raw bytes table
    directly is about 6x faster than ``dict(os.environ)``.  Windows keeps
    ``os.environ`` itself, whose case-insensitive keys a dict would lose.
    """
    if os.name == "nt":
        return os.environ
    data = getattr(os.environ, "_data", None)
    if isinstance(data, dict) and sys.getfilesystemencoding() == "utf-8":
        try:
            return {
                key.decode("utf-8", "surrogateescape"): value.decode("utf-8", "surrogateescape")
                for key, value in data.items()
            }
        except (AttributeError, UnicodeDecodeError):
            pass
    return dict(os.environ)


def _live_platform(environ: "Mapping[str, str]") -> "Platform":
    """Platform facts without the :mod:`platform` module.

    ``platform`` imports ``re`` and, depending on the OS and Python version,
    spawns ``uname -p`` or queries WMI; everything needed here is available
    from ``os.uname()``, ``sys.getwindowsversion()`` and small files.
    """
    impl = sys.implementation.name
    python_impl = {
        "cpython": "CPython",
        "pypy": "PyPy",
        "graalpy": "GraalVM",
        "ironpython": "IronPython",
    }.get(impl, impl)
    info = sys.version_info
    python_version = f"{info[0]}.{info[1]}.{info[2]}"
    if info[3] != "final":
        python_version += {"alpha": "a", "beta": "b", "candidate": "rc"}.get(info[3], "") + str(
            info[4]
        )
    abiflags = getattr(sys, "abiflags", None)
    extra: dict[str, object] = {
        "python_bits": 64 if sys.maxsize > 2**32 else 32,
        "python_abiflags": abiflags,
        # virtualenv before 20 copied the interpreter without a pyvenv.cfg:
        # base_prefix is the environment itself, and its own site.py marks
        # it with sys.real_prefix instead.
        "python_venv": sys.prefix != getattr(sys, "base_prefix", sys.prefix)
        or hasattr(sys, "real_prefix"),
        "python_conda": os.path.isdir(os.path.join(sys.prefix, "conda-meta")),
    }
    if abiflags is None:
        # Windows before 3.14 has no sys.abiflags.  The import system's own
        # extension suffixes carry the build's ABI tag (".cp313t-win_amd64.pyd"),
        # for the cost of one C call on a module loaded at start-up.
        import _imp

        extra["python_free_threaded"] = free_threaded_suffixes(
            _imp.extension_suffixes(), info[0], info[1]
        )
    if sys.platform == "win32":
        return _windows_platform(environ, python_impl, python_version, extra)
    try:
        uname = os.uname()
    except (AttributeError, OSError):
        return Platform(
            python_implementation=python_impl, python_version=python_version, extra=extra
        )
    mac_ver = ""
    if uname.sysname == "Darwin":
        mac_ver = _mac_product_version()
    return Platform(
        system=uname.sysname,
        release=uname.release,
        version=uname.version,
        machine=uname.machine,
        python_implementation=python_impl,
        python_version=python_version,
        mac_ver=mac_ver,
        extra=extra,
    )


def free_threaded_suffixes(suffixes: "Iterable[str]", major: int, minor: int) -> bool:
    """Whether extension module suffixes carry the free-threaded ABI tag: ``t``
    after the version, as in ``.cp313t-win_amd64.pyd`` (Windows, also
    ``_d.cp313t-…`` for a debug build) or ``.cpython-313t-x86_64-linux-gnu.so``."""
    tags = (f".cp{major}{minor}t-", f".cpython-{major}{minor}t-")
    return any(tag in suffix for suffix in suffixes for tag in tags)


def _windows_platform(
    environ: "Mapping[str, str]",
    python_impl: str,
    python_version: str,
    extra: "dict[str, object]",
) -> "Platform":
    winver = sys.getwindowsversion()  # type: ignore[attr-defined,unused-ignore]
    # WOW64 (32-bit Python on 64-bit Windows) hides the real architecture in
    # PROCESSOR_ARCHITEW6432; platform.machine() makes the same choice.
    machine = environ.get("PROCESSOR_ARCHITEW6432") or environ.get("PROCESSOR_ARCHITECTURE", "")
    build = winver.platform_version[2] if hasattr(winver, "platform_version") else winver.build
    release = "10" if winver.major == 10 else str(winver.major)
    if getattr(winver, "product_type", 1) != 1:
        release = "Server"
    return Platform(
        system="Windows",
        release=release,
        version=f"{winver.major}.{winver.minor}.{build}",
        machine=machine,
        python_implementation=python_impl,
        python_version=python_version,
        extra=extra,
    )


def _mac_product_version() -> str:
    """ProductVersion from SystemVersion.plist, without importing plistlib."""
    data = read_bytes("/System/Library/CoreServices/SystemVersion.plist")
    if data is None:
        return ""
    text = data.decode("utf-8", "replace")
    key = text.find("<key>ProductVersion</key>")
    if key < 0:
        return ""
    start = text.find("<string>", key)
    end = text.find("</string>", start)
    if start < 0 or end < 0:
        return ""
    return text[start + len("<string>") : end].strip()


# -- the process ancestry: the live walk and the screen ---------------------------
#
# Everything about the ancestry before classifying it lives here: reading it
# (below) and screening it (may_be_recognised).  The classifier itself,
# the biggest module a piped run could need, is envdetect.detectors._ancestry,
# loaded only for an ancestor that passes the screen.  The walk and the screen
# stay in this module because every run loads it anyway: a module of their
# own would add one to every piped run, and the walk builds this module's
# Process and reads with read_bytes, so a lower module could not hold it and
# a higher one would be imported back from LiveContext (a cycle).


def may_be_recognised(process: "Process") -> bool:
    """Whether the ancestry classifier could take this ancestor for anything
    but a terminal: a necessary condition, from names and substrings alone.

    Each check below stands for the rules of :mod:`envdetect.detectors._ancestry`
    (the classifier)
    that need what it looks for; whatever passes none of them, the classifier
    would not recognise either.  The tests hold the screen to every rule, over
    every fixture, every table entry and a fuzzed world.
    """
    name = normalize_name(process.name)
    if (
        name in PROCESS_IDES
        or name in AGENT_PROCESSES
        or name in ANCESTRY_SCREEN["names"]
        or name.startswith(ANCESTRY_SCREEN["prefixes"])
    ):
        return True
    args = process.cmdline
    markers = ANCESTRY_SCREEN["path_markers"]
    exe = (process.exe or "").replace("\\", "/").lower()
    paths = [exe, (args[0] if args else "").replace("\\", "/").lower()]
    for path in paths:  # the executable and argv[0]: its file name, its directories
        base = normalize_name(path.rstrip("/").rpartition("/")[2])
        if (
            base in PROCESS_IDES
            or base in AGENT_PROCESSES
            or any(marker in path for marker in markers)
        ):
            return True
    if len(args) > 1 and any(marker in args[1].replace("\\", "/").lower() for marker in markers):
        return True  # a remote server's script as argv[1]
    python = ANCESTRY_SCREEN["python"]
    if (
        name.startswith(python["prefix"])
        or name in python["names"]
        or exe.rpartition("/")[2].startswith(python["prefix"])
    ):
        for arg in args[1 : python["args"] + 1]:
            lowered = arg.lower()
            if any(word in lowered for word in python["words"]):
                return True
    node = ANCESTRY_SCREEN["node"]
    if name in node["names"]:
        for arg in args[1 : node["args"] + 1]:
            lowered = arg.lower()
            if any(word in lowered for word in node["words"]):
                return True
    text = ("\0".join(args) + "\0" + process.name).lower()
    return any(word in text for word in ANCESTRY_SCREEN["ci_words"])


# -- the live process ancestry --------------------------------------------------
#
# Where /proc exists it is read directly: about 10 µs per ancestor, where
# psutil.Process().parents() costs hundreds of microseconds plus a 17 ms
# import.  Elsewhere (macOS, Windows, the BSDs) psutil does the walk.  Any
# ancestor may vanish, turn into a zombie or deny access while we look: each
# of those ends the walk quietly with what was read so far.
#
# exe and cmdline are read with the ancestor, not on first use: the consumers
# ask for both on nearly every ancestor, so lazy reads saved a few readlink
# calls and cost more than that in machinery.  The walk lives in this module
# because only the live context uses it; in a module of its own it cost the
# import machinery more than the walk itself.


def live_ancestry(limit: int, proc_root: str = "/proc") -> "list[Process]":
    if os.path.isdir(os.path.join(proc_root, "self")):
        return list(proc_ancestry(os.getppid(), limit, proc_root))
    if sys.platform.startswith("linux"):
        # Linux without /proc (a chroot, proot without -b /proc): psutil reads
        # /proc too, and psutil 5.9 prints a traceback on stderr when it
        # cannot at import.  No walk is possible; say nothing.
        return []
    return psutil_ancestry(limit)


def proc_ancestry(pid: int, limit: int, proc_root: str = "/proc") -> "Iterator[Process]":
    """Ancestors starting at ``pid``, read from a /proc tree (real or a test copy)."""
    seen: set[int] = set()
    while pid > 0 and len(seen) < limit and pid not in seen:
        seen.add(pid)
        base = f"{proc_root}/{pid}"
        stat = _read_proc(f"{base}/stat")
        if stat is None:
            return
        # The command name sits in parentheses and may itself hold spaces or
        # parentheses, so split on the last ')'.
        open_paren, close_paren = stat.find("("), stat.rfind(")")
        if open_paren < 0 or close_paren < open_paren:
            return
        # Only the state and the parent's pid are wanted, not all 50 fields.
        fields = stat[close_paren + 2 :].split(None, 2)
        if len(fields) < 2 or fields[0] == "Z":
            return
        comm = stat[open_paren + 1 : close_paren]
        raw_cmdline = _read_proc(f"{base}/cmdline")
        cmdline = tuple(raw_cmdline.split("\0")[:-1]) if raw_cmdline else ()
        try:
            exe: str | None = os.readlink(f"{base}/exe")
        except (OSError, ValueError):
            exe = None
        yield Process(_process_name(comm, exe, cmdline), exe, cmdline)
        try:
            pid = int(fields[1])
        except ValueError:
            return


def _process_name(comm: str, exe: "str | None", cmdline: "tuple[str, ...]") -> str:
    # /proc/<pid>/stat truncates names to 15 bytes ("jetbrains-toolb"); the
    # executable's basename is the full name when we are allowed to see it.
    if len(comm) >= 15:
        for path in (exe, cmdline[0] if cmdline else None):
            if path:
                base = path.replace("\\", "/").rsplit("/", 1)[-1]
                if base.startswith(comm):
                    return base
    return comm


#: Enough for every ``stat`` and for all but the longest command lines.
_FIRST_READ = 16 * 1024


def _read_proc(path: str) -> "str | None":
    """A /proc/<pid> file's text, in one read where it fits.

    The kernel generates ``stat`` and ``cmdline`` whole on every read, so a
    read that comes back shorter than asked is the whole file: the extra
    read :func:`read_bytes` makes to see the end is
    saved.  A command line that fills the first read is read again whole, by
    :func:`read_bytes`, up to its cap.
    """
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except (OSError, ValueError):
        return None
    try:
        data = os.read(fd, _FIRST_READ)
    except OSError:
        return None
    finally:
        os.close(fd)
    if len(data) == _FIRST_READ:  # a long command line: read it whole
        whole = read_bytes(path)
        return None if whole is None else whole.decode("utf-8", "replace")
    return data.decode("utf-8", "replace")


def psutil_ancestry(limit: int) -> "list[Process]":
    try:
        import psutil
    except ImportError:
        return []
    result: list[Process] = []
    try:
        current = psutil.Process().parent()
        while current is not None and len(result) < limit:
            with current.oneshot():
                name = current.name()
                exe: str | None
                try:
                    exe = current.exe() or None
                except (psutil.AccessDenied, OSError):
                    exe = None
                try:
                    cmdline = tuple(current.cmdline())
                except (psutil.AccessDenied, OSError):
                    cmdline = ()
            result.append(Process(name, exe, cmdline))
            current = current.parent()
    except (psutil.Error, OSError, ValueError):
        # NoSuchProcess, ZombieProcess and AccessDenied all derive from
        # psutil.Error: the walk ends with what it has.
        pass
    return result
