"""``--capture``: a redacted fixture of the live machine, for bug reports.

The capture holds only what the detectors consulted, and of that only what
changes the answer.  It is built by replay: starting from everything consulted,
each variable, file line, process field and platform string is dropped or has
its words replaced by a placeholder whenever the fixture still replays to the
same document.  What survives is exactly the evidence the answer rests on —
a user name in a path, a container id in mountinfo or a token in a variable
cannot survive, because no detector's answer depends on it.
"""

from collections.abc import Mapping as MappingABC

from envdetect._context import PLATFORM_KEYS, Context, Process

TYPE_CHECKING = False
if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Callable, Iterable, Iterator, Mapping
    from typing import Any

    from envdetect._context import Platform

#: What replaces a word that does not matter.
PLACEHOLDER = "x"


class RecordingContext(Context):
    """Delegates to another context and remembers every signal consulted."""

    def __init__(self, inner: "Context") -> None:
        super().__init__()
        self.inner = inner
        self.env_names: set[str] = set()
        self.paths: set[str] = set()
        self.listed: set[str] = set()
        self.used_processes = False
        self.used_platform = False
        self.ttys: set[str] = set()

    @property
    def environ(self) -> "Mapping[str, str]":
        return _RecordingMapping(self.inner.environ, self.env_names)

    def read(self, path: str) -> "str | None":
        self.paths.add(path)
        return self.inner.read(path)

    def exists(self, path: str) -> bool:
        self.paths.add(path)
        return self.inner.exists(path)

    def listdir(self, path: str) -> "list[str] | None":
        self.listed.add(path)
        return self.inner.listdir(path)

    def _read_processes(self) -> "Iterable[Process]":
        self.used_processes = True
        return self.inner.processes()

    @property
    def platform(self) -> "Platform":
        self.used_platform = True
        return self.inner.platform

    def isatty(self, stream: str) -> "bool | None":
        self.ttys.add(stream)
        return self.inner.isatty(stream)


class _RecordingMapping(MappingABC[str, str]):
    """A view of the environment that records the names looked up."""

    def __init__(self, environ: "Mapping[str, str]", names: "set[str]") -> None:
        self._environ = environ
        self._names = names

    def __getitem__(self, name: str) -> str:
        self._names.add(name)
        return self._environ[name]

    def __iter__(self) -> "Iterator[str]":
        # A detector that scans every variable consults all of them.
        names = list(self._environ)
        self._names.update(names)
        return iter(names)

    def __len__(self) -> int:
        return len(self._environ)


def capture(inner: "Context | None" = None) -> "dict[str, Any]":
    """A fixture document of ``inner`` (the live machine by default), redacted."""
    from envdetect._context import LiveContext
    from envdetect._engine import detect

    recorder = RecordingContext(inner if inner is not None else LiveContext())
    target = detect(recorder, plugins=False).to_dict()
    fixture = _raw_fixture(recorder)
    return minimise(fixture, target)


def _raw_fixture(recorder: "RecordingContext") -> "dict[str, Any]":
    inner = recorder.inner
    environ = {name: inner.environ[name] for name in sorted(recorder.env_names)
               if name in inner.environ}
    files: dict[str, str] = {}
    for path in sorted(recorder.paths):
        text = inner.read(path)
        if text is not None:
            files[path] = text
        elif inner.exists(path):
            files[path] = ""  # exists but unreadable (a directory, a denied file)
    for directory in sorted(recorder.listed):
        for name in inner.listdir(directory) or []:
            files.setdefault(f"{directory.rstrip('/')}/{name}", "")
    fixture: dict[str, Any] = {"environ": environ, "files": files}
    if recorder.used_processes:
        fixture["processes"] = [
            {"name": p.name, "exe": p.exe, "cmdline": list(p.cmdline)} if p.exe else
            {"name": p.name, "cmdline": list(p.cmdline)}
            for p in inner.processes()
        ]
    if recorder.used_platform:
        plat = inner.platform
        platform: dict[str, Any] = {key: getattr(plat, key) for key in PLATFORM_KEYS}
        platform.update(plat.extra)
        fixture["platform"] = platform
    fixture["tty"] = {stream: bool(inner.isatty(stream)) for stream in ("stdin", "stdout")}
    return fixture


def minimise(fixture: "dict[str, Any]", target: "dict[str, Any]") -> "dict[str, Any]":
    """Drop or blank everything in ``fixture`` that ``target`` does not depend on."""
    from envdetect._engine import detect
    from envdetect._fixture import FixtureContext

    def same(candidate: "dict[str, Any]") -> bool:
        return detect(FixtureContext(candidate), plugins=False).to_dict() == target

    if not same(fixture):
        # Detection depends on something a fixture cannot hold; a redacted but
        # non-replaying capture would mislead, so return the empty world.
        return {}

    environ: dict[str, str] = fixture["environ"]
    for name in list(environ):
        _shrink_text(_dict_slot(environ, name), environ[name], same, fixture)

    files: dict[str, str] = fixture["files"]
    for path in list(files):
        _shrink_text(_dict_slot(files, path), files[path], same, fixture, lines=True)

    for process in fixture.get("processes", []):
        if "exe" in process:
            _shrink_text(_dict_slot(process, "exe"), process["exe"], same, fixture)
        cmdline: list[str] = process.get("cmdline", [])
        for index in range(len(cmdline)):
            _shrink_text(_list_slot(cmdline, index), cmdline[index], same, fixture)
        _shrink_text(_dict_slot(process, "name", required=True), process["name"], same,
                     fixture)

    platform = fixture.get("platform", {})
    for key in ("release", "version", "machine", "mac_ver"):
        if isinstance(platform.get(key), str):
            _shrink_text(_dict_slot(platform, key, required=True), platform[key], same,
                         fixture)
    return fixture


def _dict_slot(mapping: "dict[str, Any]", key: str, *,
               required: bool = False) -> "Callable[[str | None], None]":
    """A setter for one value; ``None`` removes it (or blanks a required field)."""

    def put(value: "str | None") -> None:
        if value is not None:
            mapping[key] = value
        elif required:
            mapping[key] = ""
        else:
            mapping.pop(key, None)

    return put


def _list_slot(items: "list[str]", index: int) -> "Callable[[str | None], None]":
    def put(value: "str | None") -> None:
        items[index] = PLACEHOLDER if value is None else value

    return put


def _shrink_text(put: "Callable[[str | None], None]", value: str,
                 same: "Callable[[Any], bool]", fixture: "dict[str, Any]",
                 *, lines: bool = False) -> None:
    """Remove the value, else blank it, else keep only the words that matter."""
    put(None)
    if same(fixture):
        return
    put(PLACEHOLDER)
    if same(fixture):
        return
    if lines and "\n" in value:
        kept = value.split("\n")
        for index in range(len(kept)):
            original = kept[index]
            kept[index] = ""
            put("\n".join(kept))
            if not same(fixture):
                kept[index] = original
        value = "\n".join(line for line in kept if line)
        put(value)
        if not same(fixture):  # a blank line mattered after all: keep the layout
            value = "\n".join(kept)
    words = _split_words(value)
    for index, word in enumerate(words):
        if not word.isalnum() or word == PLACEHOLDER:
            continue
        words[index] = PLACEHOLDER
        put("".join(words))
        if not same(fixture):
            words[index] = word
    put("".join(words))


def _split_words(text: str) -> "list[str]":
    """Alternating runs of letters/digits and of everything else."""
    words: list[str] = []
    current = ""
    for char in text:
        if current and char.isalnum() != current[-1].isalnum():
            words.append(current)
            current = ""
        current += char
    if current:
        words.append(current)
    return words
