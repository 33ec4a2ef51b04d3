"""``--capture``: a redacted fixture of the live machine, for bug reports.

The capture holds only what the detectors consulted, and of that only what
changes the answer.  It is built by replay: starting from everything consulted,
each variable, file, ancestor, argument, platform fact and terminal flag is
dropped, and each line of what is left dropped and each word blanked, whenever
the fixture still replays to the same document.  What survives is exactly the
evidence the answer rests on — a user name in a path, a container id in
mountinfo or a token in a variable cannot survive, because no detector's
answer depends on it.

Runs of parts are dropped whole, and only runs that cannot go are split
(:func:`_needed`), so the replays grow with the parts that matter, not with the
size of the input; a budget of :data:`MAX_REPLAYS` bounds them whatever the input.
"""

from collections.abc import Mapping as MappingABC
from functools import partial
from itertools import chain

from envdetect._context import PLATFORM_KEYS, Context, Process

TYPE_CHECKING = False
if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Callable, Iterable, Iterator, Mapping
    from typing import Any

    from envdetect._context import Platform

#: What replaces a word that does not matter.
PLACEHOLDER = "x"

#: Most detections one capture's minimisation runs, the check that the raw
#: capture replays and the final check included.  A replay costs about 0.1 ms
#: on an ordinary machine (whose capture needs about a hundred) and a few ms
#: with a file at the read cap, so a capture stays under a second.
MAX_REPLAYS = 200

#: Text longer than this is shrunk before the entries are dropped.
LARGE_TEXT = 4096


class RecordingContext(Context):
    """Delegates to another context and remembers every signal consulted."""

    def __init__(self, inner: "Context") -> None:
        super().__init__()
        self.inner = inner
        self.env_names: set[str] = set()
        self.paths: set[str] = set()
        self.listed: set[str] = set()
        self.used_processes = False
        self.used_command_line = False
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

    def _read_command_line(self) -> "Iterable[str]":
        self.used_command_line = True
        return self.inner.command_line()

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
    environ = {
        name: inner.environ[name] for name in sorted(recorder.env_names) if name in inner.environ
    }
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
            {"name": p.name, "exe": p.exe, "cmdline": list(p.cmdline)}
            if p.exe
            else {"name": p.name, "cmdline": list(p.cmdline)}
            for p in inner.processes()
        ]
    if recorder.used_command_line:
        fixture["command_line"] = list(inner.command_line())
    if recorder.used_platform:
        plat = inner.platform
        platform: dict[str, Any] = {key: getattr(plat, key) for key in PLATFORM_KEYS}
        platform.update(plat.extra)
        fixture["platform"] = platform
    fixture["tty"] = {stream: bool(inner.isatty(stream)) for stream in ("stdin", "stdout")}
    return fixture


def minimise(fixture: "dict[str, Any]", target: "dict[str, Any]") -> "dict[str, Any]":
    """Drop or blank everything in ``fixture`` that ``target`` does not depend on.

    ``fixture`` itself is left as it was.  At most :data:`MAX_REPLAYS`
    detections run; the result replays to ``target``, or is ``{}``.
    """
    import copy

    replayer = _Replayer(target, MAX_REPLAYS - 1)  # one kept for the final check
    if not replayer.same(fixture):
        # Detection depends on something a fixture cannot hold; a redacted but
        # non-replaying capture would mislead, so return the empty world.
        return {}
    replayer.fixture = copy.deepcopy(fixture)
    # Large values first, files (which detectors parse, where variables are
    # mostly looked up) before the rest, largest first: until one is shrunk
    # every replay pays for it (an os-release at the read cap is parsed each time).
    large = sorted(
        (text for text in _texts(replayer.fixture) if len(text.value) > LARGE_TEXT),
        key=lambda text: (not text.lines, -len(text.value)),
    )
    for text in large:
        _shrink_text(replayer, text)
    _drop_entries(replayer)
    # Then smallest first: should a pathological value still exhaust the
    # budget, everything else has been minimised already.
    done = {text.key for text in large}
    for _, step in sorted(_shrink_steps(replayer, done), key=lambda step: step[0]):
        step()
    # An entry needed beside one since dropped may no longer be (a directory
    # listed beside the file that made it matter): one more look at each.
    _drop_entries(replayer, one_by_one=True)
    result = replayer.fixture
    if replayer.exhausted and not replayer.same(result, budgeted=False):
        return {}
    return result


class _Replayer:
    """Replays candidates against the target answer, within a budget of detections.

    Once the budget is spent every further change is taken unproven: what has
    not been shown to matter is dropped, and the final check decides between
    that and the empty world.  Unminimised text is never kept for lack of time.
    """

    def __init__(self, target: "dict[str, Any]", budget: int) -> None:
        self.target = target
        self.left = budget
        #: The candidate: changed in place by the steps, replayed by :meth:`passes`.
        self.fixture: dict[str, Any] = {}

    @property
    def exhausted(self) -> bool:
        return self.left <= 0

    def same(self, candidate: "dict[str, Any]", *, budgeted: bool = True) -> bool:
        from envdetect._engine import detect
        from envdetect._fixture import FixtureContext

        if budgeted:
            self.left -= 1
        return detect(FixtureContext(candidate), plugins=False).to_dict() == self.target

    def passes(self, change: "Callable[[], None]") -> bool:
        """Whether the answer holds after ``change``; true, unproven, once spent.

        The caller undoes a change that fails and applies, itself, one that
        passes: once the budget is spent, ``change`` is not even run.
        """
        if self.exhausted:
            return True
        change()
        return self.same(self.fixture)


def _needed(count: int, passes: "Callable[[list[bool], int, int], bool]") -> "list[bool]":
    """Which of ``count`` parts to keep: each part kept was needed when tried.

    Drops runs of parts whole and splits only the runs that cannot go: k
    needed parts among n cost about 2·k·log2(n/k) replays rather than n.  Both
    halves of a run are tried before either is looked into, so that the
    candidates shrink as the search goes deeper.
    ``passes(keep, start, stop)`` applies the keep-mask and says whether the
    answer held; only ``keep[start:stop]`` changed since the previous call, and
    whatever the previous call changed, the previous call's run.
    """
    keep = [True] * count

    def drop(start: int, stop: int) -> bool:
        keep[start:stop] = [False] * (stop - start)
        if passes(keep, start, stop):
            return True
        keep[start:stop] = [True] * (stop - start)
        return False

    def split(start: int, stop: int) -> None:
        """Look inside the run [start, stop), which cannot go whole."""
        if stop - start == 1:
            return
        middle = (start + stop) // 2
        if drop(start, middle):
            split(middle, stop)  # what is left of the run cannot go whole
            return
        second_gone = drop(middle, stop)
        split(start, middle)
        if not second_gone:
            split(middle, stop)

    if count and not drop(0, count):
        split(0, count)
    return keep


class _Text:
    """One text value in a fixture: a variable, a file, a platform string, a process field."""

    __slots__ = ("container", "index", "key", "lines")

    def __init__(
        self,
        container: "Any",
        index: "str | int",
        key: "tuple[object, ...]",
        *,
        lines: bool = False,
    ) -> None:
        self.container = container
        self.index = index
        #: Names the value across :func:`_drop_entries`, which rebuilds sections.
        self.key = key
        #: Whether the value is a file, whose lines are dropped before its words.
        self.lines = lines

    @property
    def value(self) -> str:
        text: str = self.container[self.index]
        return text

    def put(self, value: str) -> None:
        self.container[self.index] = value


def _texts(fixture: "dict[str, Any]", *, processes: bool = True) -> "Iterator[_Text]":
    for section in ("environ", "files"):
        values = fixture.get(section, {})
        for key in values:
            yield _Text(values, key, (section, key), lines=section == "files")
    platform = fixture.get("platform", {})
    for key in ("release", "version", "machine", "mac_ver"):
        if isinstance(platform.get(key), str):
            yield _Text(platform, key, ("platform", key))
    for process in fixture.get("processes", []) if processes else []:
        for field in ("name", "exe"):
            if isinstance(process.get(field), str):
                yield _Text(process, field, (id(process), field))
        cmdline = process.get("cmdline") or []
        for index in range(len(cmdline)):
            yield _Text(cmdline, index, (id(process), index))
    # The own command line is no ancestor: its words are blanked in every pass.
    # Keyed by the argument itself, not its place: dropping arguments shifts places.
    own = fixture.get("command_line") or []
    for index in range(len(own)):
        yield _Text(own, index, ("command_line", id(own[index])))


#: The sections whose entries (variables, files, ancestors, platform facts,
#: terminal flags) are dropped whole when the answer does not need them.  A
#: missing entry reads as absent, and a missing section as empty.
_SECTIONS = ("processes", "command_line", "environ", "files", "platform", "tty")


def _drop_entries(replayer: "_Replayer", *, one_by_one: bool = False) -> None:
    """Keep only the entries the answer needs, in their order.

    Dropping an ancestor moves the next one up to its place, which can change
    the answer: such an entry stays (its fields are blanked later).
    ``one_by_one`` tries each entry alone rather than runs of them, for when
    nearly all are known to be needed.
    """
    original = replayer.fixture
    entries = [(section, key) for section in _SECTIONS for key in _keys(original.get(section))]

    def fixture_of(chosen: "Iterable[tuple[str, Any]]") -> "dict[str, Any]":
        result = {name: value for name, value in original.items() if name not in _SECTIONS}
        for section, key in chosen:
            if isinstance(key, int):
                result.setdefault(section, []).append(original[section][key])
            else:
                result.setdefault(section, {})[key] = original[section][key]
        return result

    chosen = _listed(entries)

    def passes(keep: "list[bool]", start: int, stop: int) -> bool:
        def change() -> None:
            replayer.fixture = fixture_of(chain.from_iterable(chosen.kept(keep, start, stop)))

        return replayer.passes(change)

    if one_by_one:
        keep = [True] * len(entries)
        for index in range(len(entries)):
            keep[index] = False
            keep[index] = not passes(keep, index, index + 1)
    else:
        keep = _needed(len(entries), passes)
    replayer.fixture = fixture_of(entry for entry, wanted in zip(entries, keep) if wanted)


def _keys(section: object) -> "list[Any]":
    if isinstance(section, dict):
        return list(section)
    if isinstance(section, list):
        return list(range(len(section)))
    return []


def _shrink_steps(
    replayer: "_Replayer",
    done: "set[tuple[object, ...]]",
) -> "Iterator[tuple[int, Callable[[], None]]]":
    """(size, step) for each entry left: a step blanks what its entry does not need."""
    fixture = replayer.fixture
    for text in _texts(fixture, processes=False):
        if text.key not in done:
            yield len(text.value), partial(_shrink_text, replayer, text)
    for process in fixture.get("processes", []):
        size = sum(len(text.value) for text in _texts({"processes": [process]}))
        yield size, partial(_shrink_process, replayer, process, done)


def _shrink_process(
    replayer: "_Replayer", process: "dict[str, Any]", done: "set[tuple[object, ...]]"
) -> None:
    """Drop the arguments and the exe the answer does not need, then blank words."""
    arguments: list[str] = list(process.get("cmdline") or [])
    chosen = _listed(arguments)

    def passes(keep: "list[bool]", start: int, stop: int) -> bool:
        def change() -> None:
            process["cmdline"] = list(chain.from_iterable(chosen.kept(keep, start, stop)))

        return replayer.passes(change)

    keep = _needed(len(arguments), passes)
    survivors = [index for index, wanted in enumerate(keep) if wanted]
    cmdline = process["cmdline"] = [arguments[index] for index in survivors]
    for position, index in enumerate(survivors):
        if (id(process), index) not in done:
            _shrink_text(replayer, _Text(cmdline, position, ()))
    if not cmdline:
        del process["cmdline"]  # a missing command line reads as an empty one
    if "exe" in process:
        exe = process["exe"]
        if replayer.passes(partial(process.pop, "exe")):
            process.pop("exe", None)
        else:
            process["exe"] = exe
            if (id(process), "exe") not in done:
                _shrink_text(replayer, _Text(process, "exe", ()))
    if (id(process), "name") not in done:
        _shrink_text(replayer, _Text(process, "name", ()))


def _shrink_text(replayer: "_Replayer", text: "_Text") -> None:
    """Blank the value, else drop the lines, then blank the words it does not need.

    A word (a run of letters and digits) becomes the placeholder; a run of
    other characters loses its repeats (a kilobyte of NULs or blanks becomes
    one).  Both are tried a run of words at a time (see :func:`_needed`).
    """
    value = text.value
    if text.lines and "\n" in value:
        lines = [line + "\n" for line in value.split("\n")]
        lines[-1] = lines[-1][:-1]  # the text after the last newline, often none
        value = _shrink_pieces(replayer, text, lines, [""] * len(lines))
        text.put(value)
        if not value:
            return
    else:
        for blank in ("", PLACEHOLDER):
            if value == blank:
                return
            if replayer.passes(partial(text.put, blank)):
                text.put(blank)
                return
        text.put(value)
    words = _split_words(value)
    reduced = [_reduced(word) for word in words]
    changeable = [index for index, word in enumerate(words) if reduced[index] != word]
    if changeable:
        # Runs of words that cannot change travel with the word before them.
        bounds = [0, *changeable[1:], len(words)]
        kept = ["".join(words[start:stop]) for start, stop in zip(bounds, bounds[1:])]
        dropped = [
            reduced[index] + "".join(words[index + 1 : stop])
            for index, stop in zip(changeable, bounds[1:])
        ]
        dropped[0] = "".join(words[: changeable[0]]) + dropped[0]
        text.put(_shrink_pieces(replayer, text, kept, dropped))


class _Pieces:
    """Parts of a candidate, each kept or dropped, tracked as the runs change.

    A candidate of a 256 KiB value has about 100,000 parts, an environment
    can have thousands of variables: only the runs that changed since the
    last candidate are rewritten, so a candidate costs its join, in C.
    """

    def __init__(self, parts: "list[Any]", dropped: "list[Any]") -> None:
        self.parts = parts
        #: What each part becomes when dropped.
        self.dropped = dropped
        self.current = list(parts)
        self.last = (0, 0)

    def kept(self, keep: "list[bool]", start: int, stop: int) -> "list[Any]":
        """The candidate's parts, after ``keep[start:stop]`` changed (see :func:`_needed`)."""
        for first, end in (self.last, (start, stop)):
            for index in range(first, end):
                self.current[index] = self.parts[index] if keep[index] else self.dropped[index]
        self.last = (start, stop)
        return self.current


def _listed(items: "list[Any]") -> "_Pieces":
    """Pieces of a list: each item, or nothing."""
    return _Pieces([(item,) for item in items], [()] * len(items))


def _shrink_pieces(
    replayer: "_Replayer", text: "_Text", kept: "list[str]", dropped: "list[str]"
) -> str:
    """``text`` made of pieces, each dropped where the answer holds without it."""
    pieces = _Pieces(kept, dropped)

    def passes(keep: "list[bool]", start: int, stop: int) -> bool:
        return replayer.passes(lambda: text.put("".join(pieces.kept(keep, start, stop))))

    keep = _needed(len(kept), passes)
    return "".join(piece if wanted else gone for piece, gone, wanted in zip(kept, dropped, keep))


def _reduced(word: str) -> str:
    """What a word becomes when it does not matter."""
    if word.isalnum():
        return PLACEHOLDER
    return "".join(dict.fromkeys(word))


def _split_words(text: str) -> "list[str]":
    """Alternating runs of letters/digits and of everything else."""
    import re

    # \w is what str.isalnum() accepts, and the underscore.
    return re.findall(r"[^\W_]+|[\W_]+", text)
