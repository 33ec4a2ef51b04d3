"""Fixture replay: a recorded world, and nothing of the host machine.

Loaded only when a fixture is replayed (``--fixture``, tests, ``--capture``):
the live path never imports it.
"""

import os
import sys

from envdetect._context import PLATFORM_KEYS, Context, Platform, Process

TYPE_CHECKING = False
if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Iterable, Mapping


class FixtureError(ValueError):
    """A fixture document could not be read or does not have the fixture shape."""


class FixtureContext(Context):
    """A recorded world: a fixture document and nothing of the host machine.

    Missing sections mean an empty world; unknown keys are ignored so that
    fixtures written for later versions still load.
    """

    def __init__(self, document: object) -> None:
        super().__init__()
        if not isinstance(document, dict):
            raise FixtureError("a fixture must be a JSON object")
        self.document: dict[str, object] = document
        self._environ = _string_map(document.get("environ"), "environ")
        self._files = _string_map(document.get("files"), "files")
        self._ancestry = _process_list(document.get("processes"))
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
        names = {name[len(prefix):].split("/", 1)[0] for name in self._files
                 if name.startswith(prefix)}
        return sorted(names) if names else None

    def _read_processes(self) -> "Iterable[Process]":
        return self._ancestry

    @property
    def platform(self) -> "Platform":
        return self._platform

    def isatty(self, stream: str) -> "bool | None":
        return self._tty.get(stream, False)


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
            extra[key] = item
    return Platform(extra=extra, **known)


def _tty(value: object) -> "dict[str, bool]":
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(isinstance(v, bool) for v in value.values()):
        raise FixtureError("fixture section 'tty' must map stdin/stdout to booleans")
    return dict(value)


def load_fixture(source: object) -> "FixtureContext":
    """A :class:`FixtureContext` from a path, ``"-"`` (stdin), an open file or a dict.

    Raises :class:`FixtureError` with a one-line reason when the fixture cannot
    be read or is not shaped like a fixture.
    """
    if isinstance(source, (dict, list)):
        return FixtureContext(source)
    import json

    try:
        if source == "-":
            text = sys.stdin.read()
            where = "<stdin>"
        elif isinstance(source, (str, os.PathLike)):
            where = os.fspath(source)
            with open(where, encoding="utf-8") as handle:
                text = handle.read()
        elif hasattr(source, "read"):
            text = source.read()
            where = getattr(source, "name", "<file>")
        else:
            raise FixtureError(f"cannot read a fixture from {type(source).__name__}")
    except OSError as error:
        raise FixtureError(f"cannot read fixture: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise FixtureError("fixture is not UTF-8 text") from None
    try:
        document = json.loads(text)
    except ValueError as error:
        raise FixtureError(f"{where}: not valid JSON ({error})") from None
    try:
        return FixtureContext(document)
    except FixtureError as error:
        raise FixtureError(f"{where}: {error}") from None
