"""Fixture replay: a recorded world, and nothing of the host machine.

Loaded only when a fixture is replayed (``--fixture``, tests, ``--capture``):
the live path never imports it.
"""

import os
import stat
import sys

from envdetect._context import PLATFORM_KEYS, Context, Platform, Process

TYPE_CHECKING = False
if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Callable, Iterable, Mapping
    from typing import AnyStr

#: Largest fixture accepted, in bytes (characters for a text stream).  Recorded
#: fixtures are a few KB; the cap keeps /dev/zero, an endless pipe or the wrong
#: file from exhausting memory.
MAX_FIXTURE_BYTES = 4 * 1024 * 1024

#: Deepest nesting accepted, the document itself being level 1.  Fixtures nest
#: four levels (expect -> os -> distro -> id); the bound keeps whatever walks a
#: document (the suite's expectations, a capture's JSON dump) far from the
#: recursion limit.
MAX_FIXTURE_DEPTH = 32

#: Read size for streams: a fixture arrives in one or two reads, and an endless
#: stream is dropped one chunk past the cap.
READ_CHUNK = 64 * 1024

#: Never block in open(): a FIFO nobody writes to would hang it.  O_NOCTTY: a
#: terminal device given by mistake must not become our controlling terminal.
_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)


class FixtureError(ValueError):
    """A fixture document could not be read or does not have the fixture shape."""


class _Unreadable(Exception):
    """Why a fixture source gave no text, said after the source's name."""


class FixtureContext(Context):
    """A recorded world: a fixture document and nothing of the host machine.

    Missing sections mean an empty world; unknown keys are ignored so that
    fixtures written for later versions still load.
    """

    def __init__(self, document: object) -> None:
        super().__init__()
        # Depth first: a 5,000-deep list is "too deep" whichever Python parsed it
        # (3.13's decoder no longer runs out of recursion before we look).
        _check_depth(document)
        if not isinstance(document, dict):
            raise FixtureError("a fixture must be a JSON object")
        self.document: dict[str, object] = document
        self._environ = _string_map(document.get("environ"), "environ")
        self._files = _string_map(document.get("files"), "files")
        self._ancestry = _process_list(document.get("processes"))
        self._own_command = _command_line(document.get("command_line"))
        self._platform = _platform_facts(document.get("platform"))
        self._tty = _tty(document.get("tty"))

    @property
    def environ(self) -> "Mapping[str, str]":
        return self._environ

    def read(self, path: str) -> "str | None":
        return self._files.get(path)

    def exists(self, path: str) -> bool:
        if path in self._files:
            return True
        prefix = path.rstrip("/") + "/"
        return any(name.startswith(prefix) for name in self._files)

    def listdir(self, path: str) -> "list[str] | None":
        prefix = path.rstrip("/") + "/"
        names = {
            name[len(prefix) :].split("/", 1)[0] for name in self._files if name.startswith(prefix)
        }
        return sorted(names) if names else None

    def _read_processes(self) -> "Iterable[Process]":
        return self._ancestry

    def _read_command_line(self) -> "Iterable[str]":
        return self._own_command

    @property
    def platform(self) -> "Platform":
        return self._platform

    def isatty(self, stream: str) -> "bool | None":
        return self._tty.get(stream, False)


def _check_depth(document: object) -> None:
    # Iterative, so that the check itself cannot overflow the stack; a cyclic
    # dict handed in by a caller counts as too deep.
    pending: list[tuple[object, int]] = [(document, 1)]
    while pending:
        value, depth = pending.pop()
        if depth > MAX_FIXTURE_DEPTH:
            raise FixtureError(f"fixture nested deeper than {MAX_FIXTURE_DEPTH} levels")
        if not isinstance(value, (dict, list)):
            continue
        children = value.values() if isinstance(value, dict) else value
        pending.extend((item, depth + 1) for item in children if isinstance(item, (dict, list)))


def _string_map(value: object, section: str) -> "dict[str, str]":
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise FixtureError(f"fixture section {section!r} must be an object of strings")
    for key, item in value.items():
        if not isinstance(item, str):
            raise FixtureError(f"fixture {section}[{key!r}] must be a string")
    return dict(value)


def _process_list(value: object) -> "tuple[Process, ...]":
    if value is None:
        return ()
    if not isinstance(value, list):
        raise FixtureError("fixture section 'processes' must be a list")
    result = []
    for index, item in enumerate(value):
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            raise FixtureError(f"fixture processes[{index}] needs a string 'name'")
        exe = item.get("exe")
        cmdline = item.get("cmdline") or []
        if exe is not None and not isinstance(exe, str):
            raise FixtureError(f"fixture processes[{index}].exe must be a string")
        if not isinstance(cmdline, list) or not all(isinstance(a, str) for a in cmdline):
            raise FixtureError(f"fixture processes[{index}].cmdline must be a list of strings")
        result.append(Process(item["name"], exe, tuple(cmdline)))
    return tuple(result)


def _command_line(value: object) -> "tuple[str, ...]":
    """The recorded process's own command line (``command_line``), if any."""
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(arg, str) for arg in value):
        raise FixtureError("fixture section 'command_line' must be a list of strings")
    return tuple(value)


def _platform_facts(value: object) -> "Platform":
    if value is None:
        return Platform()
    if not isinstance(value, dict):
        raise FixtureError("fixture section 'platform' must be an object")
    known: dict[str, str] = {}
    extra: dict[str, object] = {}
    for key, item in value.items():
        if key in PLATFORM_KEYS:
            if not isinstance(item, str):
                raise FixtureError(f"fixture platform.{key} must be a string")
            known[key] = item
        else:
            _check_extra(key, item)
            extra[key] = item
    return Platform(extra=extra, **known)


def _check_extra(key: str, value: object) -> None:
    """The extras the python detector reads hold what LiveContext records, or the
    fixture is refused: a wrong type would silently null the whole facet."""
    if key == "python_bits":
        valid, wanted = type(value) is int and value in (32, 64), "32 or 64"
    elif key == "python_abiflags":
        valid, wanted = value is None or isinstance(value, str), "a string or null"
    elif key in ("python_free_threaded", "python_venv", "python_conda"):
        valid, wanted = isinstance(value, bool), "a boolean"
    else:
        return  # a fact for a later version: kept as it is
    if not valid:
        raise FixtureError(f"fixture platform.{key} must be {wanted}")


def _tty(value: object) -> "dict[str, bool]":
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(isinstance(v, bool) for v in value.values()):
        raise FixtureError("fixture section 'tty' must map stdin/stdout to booleans")
    return dict(value)


def load_fixture(source: object) -> "FixtureContext":
    """A :class:`FixtureContext` from a path, ``"-"`` (stdin), an open file or a dict.

    Raises :class:`FixtureError` with a one-line reason, after the source's
    name, when the fixture cannot be read or is not shaped like a fixture.
    Reads stop at :data:`MAX_FIXTURE_BYTES`; opening never blocks.
    """
    if isinstance(source, (dict, list)):
        return FixtureContext(source)
    import json

    where = _name_of(source)
    try:
        text = _read_text(source)
        if not text.strip():
            raise _Unreadable("fixture is empty")
        document = json.loads(text)
    except _Unreadable as error:
        raise FixtureError(f"{where}: {error}") from None
    except ValueError as error:
        raise FixtureError(f"{where}: not valid JSON ({error})") from None
    except RecursionError:
        raise FixtureError(
            f"{where}: fixture nested deeper than {MAX_FIXTURE_DEPTH} levels"
        ) from None
    try:
        return FixtureContext(document)
    except FixtureError as error:
        raise FixtureError(f"{where}: {error}") from None


def _name_of(source: object) -> str:
    """The source as an error names it: on one line, escaped where need be."""
    if source == "-":
        return "<stdin>"
    if isinstance(source, (str, os.PathLike)):
        name = os.fsdecode(os.fspath(source))
    else:
        name = str(getattr(source, "name", "<file>"))
    return name if name.isprintable() else repr(name)


def _read_text(source: object) -> str:
    try:
        if source == "-":
            stdin = sys.stdin
            if stdin is None:
                raise _Unreadable("cannot read fixture: stdin is closed")
            data: str | bytes = _read_limited(getattr(stdin, "buffer", stdin).read)
        elif isinstance(source, (str, os.PathLike)):
            data = _read_path(os.fspath(source))
        elif hasattr(source, "read"):
            data = _read_limited(source.read)
        else:
            raise _Unreadable(f"cannot read a fixture from {type(source).__name__}")
    except OSError as error:
        raise _Unreadable(f"cannot read fixture: {error.strerror or error}") from None
    except ValueError as error:  # a NUL in the path, a closed file
        raise _Unreadable(f"cannot read fixture: {error}") from None
    if isinstance(data, str):
        return data
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise _Unreadable("fixture is not UTF-8 text") from None


def _read_path(path: "str | bytes") -> bytes:
    if (isinstance(path, str) and "\0" in path) or (isinstance(path, bytes) and b"\0" in path):
        # Said here, in our words: each Python words the OS refusal differently.
        raise _Unreadable("cannot read fixture: embedded null byte")
    fd = os.open(path, _OPEN_FLAGS)
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise _Unreadable("cannot read fixture: is a directory")
        if stat.S_ISFIFO(mode):
            # A FIFO without a writer has already given its answer (end of file);
            # one with a writer, like --fixture <(command), is read as stdin is.
            os.set_blocking(fd, True)
        elif not stat.S_ISREG(mode):
            raise _Unreadable("cannot read fixture: not a regular file or a pipe")
        return _read_limited(lambda size: os.read(fd, size))
    finally:
        os.close(fd)


def _read_limited(read: "Callable[[int], AnyStr]") -> "AnyStr":
    """Everything ``read`` gives, in chunks, refused once past the size cap."""
    chunks: list[AnyStr] = []
    size = 0
    while True:
        chunk = read(READ_CHUNK)
        if not isinstance(chunk, (str, bytes)):
            # None from a non-blocking stream with nothing in it yet.
            raise _Unreadable("cannot read fixture: no data ready to read")
        if not chunk:
            return chunk.join(chunks)  # the empty chunk: b"" or "", as read gives
        chunks.append(chunk)
        size += len(chunk)
        if size > MAX_FIXTURE_BYTES:
            raise _Unreadable(f"fixture larger than {MAX_FIXTURE_BYTES} bytes")
