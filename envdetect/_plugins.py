"""Third-party detectors: entry-point discovery, and running them so that no
plugin can break, stall or rewrite a detection.

Discovery scans every installed distribution's metadata (tens of
milliseconds, more than a whole detection), so it runs only when asked:
``detect(plugins=True)``, ``ENVDETECT_PLUGINS=1``, and always in
``python -m envdetect``.  This module is imported only when there are
plugins to run, and imports :mod:`importlib.metadata` only to discover them.

Plugins run in one daemon worker thread, in order, under one time budget
(:data:`BUDGET`): the caller waits at most that long and then abandons the
worker.  Everything that touches a plugin object happens in the worker:
discovery, loading, reading ``facet``, ``__module__`` and ``detect``,
calling it, and copying its result.  Each plugin sees its own view of the
context (a copy of the built-in facets, its own evidence, a read-only
environment), and what it hands back is copied into plain JSON values, so a
plugin that keeps running after it was abandoned cannot reach the returned
document.
"""

from types import CoroutineType

from envdetect._context import Context
from envdetect._context import plain_copy as _copy
from envdetect.detectors import FACETS

TYPE_CHECKING = False
if TYPE_CHECKING:  # pragma: no cover
    from _thread import LockType
    from collections.abc import Mapping, Sequence
    from importlib.metadata import EntryPoint
    from typing import Any

    from envdetect._context import Platform, Process

    #: (label, facet, result, because, error) of one plugin.
    Outcome = tuple[str, "str | None", "dict[str, Any] | None", list[str], "str | None"]

ENTRY_POINT_GROUP = "envdetect.detectors"

#: Wall-clock seconds all third-party work of one ``detect()`` may take:
#: discovery, imports, ``detect()`` calls and checking the results.  A
#: well-behaved plugin reads a few variables in microseconds; a quarter of a
#: second is what a CLI can lose at start without a person noticing, and one
#: budget for all plugins (not one each) is what bounds the host's delay
#: however many are installed.
BUDGET = 0.25

#: How long the caller sleeps between looks at the worker: a Ctrl-C reaches
#: it within this time even where a lock wait cannot be interrupted (Windows).
_SLICE = 0.05

#: Limits of what a plugin may return: containers nested at most this deep
#: (the result itself is level 1), this many values in all, strings (and
#: keys) this long, integers within 64 bits (what JSON readers commonly
#: hold; Python itself refuses to print an int of over 4,300 digits).
MAX_DEPTH = 8
MAX_VALUES = 256
MAX_STRING = 4096
MAX_INT = 2**63

#: A facet name is a JSON key of the document; the evidence a plugin gives
#: is a short list of short signal names.
MAX_NAME = 64
MAX_SIGNALS = 32
MAX_SIGNAL = 256

#: The document's own keys: a plugin cannot take them, so the built-in facets
#: always stay as detected and every plugin result sits under ``extensions``.
RESERVED = frozenset((*FACETS, "schema", "runtime", "extensions"))

# type.__name__ read through type's own descriptor: a metaclass can replace
# __name__ on its classes with a property that raises or lies.
_TYPE_NAME = type.__dict__["__name__"]


def entry_points_in_group() -> "list[EntryPoint]":
    """The group's entry points, sorted by name (nothing is imported yet)."""
    from importlib.metadata import entry_points

    try:
        selected = entry_points(group=ENTRY_POINT_GROUP)  # type: ignore[call-arg,unused-ignore]
    except TypeError:  # Python 3.9: entry_points() takes no arguments
        selected = entry_points().get(ENTRY_POINT_GROUP, ())  # type: ignore[attr-defined,arg-type,unused-ignore]
    return sorted(selected, key=lambda item: item.name)


# == Running them ================================================================


def run_plugins(
    ctx: "Context",
    found: "Mapping[str, Any]",
    detectors: "Sequence[object]",
    entry_points: bool,
    explanation: "dict[str, dict[str, Any]]",
) -> "dict[str, Any]":
    """Run the plugins within :data:`BUDGET`; return the ``extensions`` object.

    Adds one ``explanation`` entry per plugin: its evidence and, if it
    failed, timed out, was refused or its result dropped, why.  Never raises
    except ``KeyboardInterrupt`` (a Ctrl-C while waiting).
    """
    # _thread, not threading: a Thread's start() waits for the new thread to
    # report in, a round trip that doubled the cost of a trivial plugin.
    # Threads of _thread are daemons: a hung plugin never delays the exit.
    import _thread
    from time import monotonic

    pending = [f"detectors[{index}] (plugin)" for index in range(len(detectors))]
    if entry_points:
        pending.append(DISCOVERY)
        # The standard library's part of discovery (15 ms to import, cold)
        # is no plugin's doing, so it does not eat into the budget.
        import importlib.metadata  # noqa: F401
    if _thread.get_ident() in _WORKERS:
        # A plugin calling detect() would start a worker that runs it again,
        # and so on: a chain of threads that outlives every budget.
        for label in pending:
            explanation[label] = {"because": [], "error": "not run: detect() called by a plugin"}
        return {}
    run = _Run(_thread.allocate_lock(), _thread.allocate_lock(), pending)
    run.done.acquire()  # released by the worker when it is through
    # A snapshot of the built-in facets: each plugin gets a copy of it, and
    # the document keeps its own objects out of the worker's reach.
    worker = _Worker(run, ctx, _copy(found))
    deadline = monotonic() + BUDGET
    why_first = f"timed out after {BUDGET:g} s"
    why_rest = "not run: the plugins' time budget was spent"
    try:
        _thread.start_new_thread(worker.run_all, (detectors, entry_points))
        while not run.done.acquire(True, max(0.0, min(_SLICE, deadline - monotonic()))):
            if monotonic() >= deadline:
                break
    except Exception as exc:  # noqa: BLE001 - no thread to be had (at exit, say): none runs
        why_first = why_rest = f"not run: no thread ({type(exc).__name__})"
    finally:
        with run.lock:  # from here on the worker publishes nothing
            run.over = True
            outcomes, pending = run.outcomes, run.pending
    extensions: dict[str, Any] = {}
    for label, facet, result, because, error in outcomes:
        explanation[label] = {"because": because, "error": error}
        if facet is not None and result is not None:
            extensions[facet] = result
    for position, label in enumerate(pending):
        explanation[label] = {"because": [], "error": why_rest if position else why_first}
    return extensions


#: Idents of the threads running plugins now.
_WORKERS: "set[int]" = set()


#: The explanation's label for entry-point discovery, should it fail or hang.
DISCOVERY = "entry points (plugin discovery)"


class _Run:
    """What the worker and the waiting caller share.

    ``pending`` lists the labels of what has not finished, the one running
    first; the worker moves each finished plugin from there to ``outcomes``,
    under the lock and only while the caller still waits (not ``over``).
    """

    __slots__ = ("done", "lock", "outcomes", "over", "pending")

    def __init__(self, lock: "LockType", done: "LockType", pending: "list[str]") -> None:
        self.lock = lock
        self.done = done
        self.pending = pending
        self.outcomes: list[Outcome] = []
        self.over = False

    def rename(self, labels: "list[str]") -> None:
        """Replace the running entry's label by its real one(s)."""
        with self.lock:
            if not self.over:
                self.pending[0:1] = labels

    def publish(self, outcome: "Outcome") -> None:
        with self.lock:
            if not self.over:
                del self.pending[0]
                self.outcomes.append(outcome)


class _Worker:
    """The plugins' thread: runs each in turn while the caller still waits."""

    __slots__ = ("ctx", "found", "labels", "run", "taken")

    def __init__(self, run: _Run, ctx: "Context", found: "dict[str, Any]") -> None:
        self.run = run
        self.ctx = ctx
        self.found = found
        self.taken: set[str] = set()  # facets given out, first come first served
        self.labels: set[str] = set()

    def run_all(self, detectors: "Sequence[object]", entry_points: bool) -> None:
        import _thread

        run = self.run
        ident = _thread.get_ident()
        _WORKERS.add(ident)
        try:
            for index, detector in enumerate(detectors):
                if run.over:
                    return
                run.publish(self.attempt(detector, f"detectors[{index}] (plugin)"))
            if entry_points and not run.over:
                self.run_entry_points()
        except BaseException as exc:  # noqa: BLE001 - a daemon thread must never print a traceback
            with run.lock:
                if not run.over and run.pending:
                    run.outcomes.append((run.pending.pop(0), None, None, [], _type_name(exc)))
        finally:
            _WORKERS.discard(ident)
            run.done.release()

    def run_entry_points(self) -> None:
        run = self.run
        try:
            entries = entry_points_in_group()
        except BaseException as exc:  # noqa: BLE001 - discovery runs third-party finders too
            run.publish((DISCOVERY, None, None, [], _type_name(exc)))
            return
        run.rename([_entry_label(entry.name) for entry in entries])
        for entry in entries:
            if run.over:
                return
            placeholder = _entry_label(entry.name)
            try:
                detector = entry.load()
            except BaseException as exc:  # noqa: BLE001 - even SystemExit at import
                run.publish((self.unique(placeholder), None, None, [], _type_name(exc)))
                continue
            run.publish(self.attempt(detector, placeholder))

    def attempt(self, detector: object, placeholder: str) -> "Outcome":
        """One plugin, start to finish; whatever it does, an outcome comes back.

        Every exception is contained, ``KeyboardInterrupt`` too: in this
        thread it can only be the plugin's own ``raise`` (Python delivers
        Ctrl-C to the main thread, which is waiting in :func:`run_plugins`).
        """
        label = placeholder
        view: PluginContext | None = None
        try:
            # Exact copies before any test: a str subclass's __eq__, __hash__
            # or __len__ would run plugin code wherever the engine compared it.
            raw = getattr(detector, "facet", None)
            facet = _name(raw, MAX_NAME)
            if not facet:
                self.labels.add(label)
                return (
                    label,
                    None,
                    None,
                    [],
                    (
                        f"unusable facet name (over {MAX_NAME} characters or not printable)"
                        if facet is None and issubclass(type(raw), str)
                        else "missing facet name"
                    ),
                )
            label = self.unique(_label(detector, facet))
            self.run.rename([label])
            if facet in RESERVED:
                return (
                    label,
                    None,
                    None,
                    [],
                    (f"refused: {facet!r} is a built-in facet; a plugin adds a facet of its own"),
                )
            if facet in self.taken:
                return label, None, None, [], f"refused: an earlier plugin has facet {facet!r}"
            self.taken.add(facet)
            detect = getattr(detector, "detect", None)
            if not callable(detect):
                return label, None, None, [], "missing detect()"
            view = PluginContext(self.ctx, _copy(self.found), self.run)
            result = detect(view)
            because = _signals(view)
            if result is None:
                return label, facet, None, because, None
            if not issubclass(type(result), dict):
                if issubclass(type(result), CoroutineType):
                    result.close()  # an async detect(): no "never awaited" warning on stderr
                return label, None, None, because, f"returned {_type_name(result)}, not a dict"
            try:
                return label, facet, _json_safe(result, "", 1, [0]), because, None
            except _Unsafe as problem:
                return label, None, None, because, f"result dropped: {problem.args[0]}"
        except BaseException as exc:  # noqa: BLE001 - SystemExit, GeneratorExit ... stay in here
            return label, None, None, _signals(view), _type_name(exc)

    def unique(self, label: str) -> str:
        candidate, number = label, 1
        while candidate in self.labels:
            number += 1
            candidate = f"{label} #{number}"
        self.labels.add(candidate)
        return candidate


def _entry_label(name: str) -> str:
    return f"{name} (plugin entry point {name})"


def _label(detector: object, facet: str) -> str:
    """``facet (plugin module)``; the module is left out when it cannot be had."""
    for attribute in ("__module__", "__name__"):  # __name__: a module plugin
        try:
            module = _name(getattr(detector, attribute, None), 200)
        except Exception:  # noqa: BLE001 - a label is no reason to fail the plugin
            module = None
        if module:
            return f"{facet} (plugin {module})"
    return f"{facet} (plugin)"


def _plain(text: object, limit: int) -> "str | None":
    """An exact ``str`` copy of ``text`` (a subclass's overrides never run),
    or ``None`` when it is no string, longer than ``limit`` or not valid
    Unicode (a lone surrogate would break printing the report)."""
    if not issubclass(type(text), str):
        return None
    value = str.__str__(text)
    if len(value) > limit:
        return None
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return None
    return value


def _name(text: object, limit: int) -> "str | None":
    """Like :func:`_plain`, for what appears in explanations and reports:
    printable, so that a control character cannot garble a report line."""
    value = _plain(text, limit)
    return value if value is not None and value.isprintable() else None


def _type_name(value: object) -> str:
    try:
        name = _name(_TYPE_NAME.__get__(type(value), type), MAX_NAME)
    except Exception:  # noqa: BLE001 - a name that cannot be read is no reason to fail
        name = None
    return name or "object"


def _signals(view: "PluginContext | None") -> "list[str]":
    """The plugin's evidence, as plain strings; anything else is left out."""
    signals: list[str] = []
    try:
        evidence = object.__getattribute__(view, "__dict__").get("_evidence")
        if issubclass(type(evidence), list):
            for signal in list.__iter__(evidence):
                text = _name(signal, MAX_SIGNAL)
                if text:
                    signals.append(text)
                    if len(signals) == MAX_SIGNALS:
                        break
    except Exception:  # noqa: BLE001 - evidence is a courtesy, never a failure
        pass
    return signals


class _Unsafe(Exception):
    """Why a plugin's result is not kept (the message names the place)."""


def _json_safe(value: object, where: str, depth: int, count: "list[int]") -> "Any":
    """A copy of ``value`` made of plain JSON values, or :class:`_Unsafe`.

    Exact types are made from subclasses through the base type's own methods
    (an ``IntEnum`` becomes its int, an ``OrderedDict`` a dict), so no code
    of the plugin's runs here.
    """
    count[0] += 1
    if count[0] > MAX_VALUES:
        raise _Unsafe(f"more than {MAX_VALUES} values")
    kind = type(value)
    data: Any = value
    if data is None or kind is bool:
        return data
    if issubclass(kind, str):
        text = _plain(data, MAX_STRING)
        if text is None:
            raise _Unsafe(f"string over {MAX_STRING} characters or not Unicode at {_at(where)}")
        return text
    if issubclass(kind, int):
        number = int.__index__(data)
        if not -MAX_INT <= number < MAX_INT:
            raise _Unsafe(f"integer beyond 64 bits at {_at(where)}")
        return number
    if issubclass(kind, float):
        real = float.__float__(data)
        if real - real != 0.0:  # inf and nan; JSON has neither
            raise _Unsafe(f"not JSON-safe ({real} at {_at(where)})")
        return real
    if issubclass(kind, (list, tuple, dict)) and depth > MAX_DEPTH:
        raise _Unsafe(f"nested deeper than {MAX_DEPTH} levels at {_at(where)}")
    if issubclass(kind, (list, tuple)):
        items = list.__iter__(data) if issubclass(kind, list) else tuple.__iter__(data)
        return [
            _json_safe(item, f"{where}[{index}]", depth + 1, count)
            for index, item in enumerate(items)
        ]
    if issubclass(kind, dict):
        copied: dict[str, Any] = {}
        for key, item in dict.items(data):
            name = _plain(key, MAX_STRING)
            if name is None:
                if issubclass(type(key), str):
                    raise _Unsafe(
                        f"key over {MAX_STRING} characters or not Unicode at {_at(where)}"
                    )
                raise _Unsafe(f"not JSON-safe ({_type_name(key)} key at {_at(where)})")
            inner = where + (
                f".{name}" if name.isidentifier() and len(name) <= 40 else f"[{name[:40]!r}]"
            )
            if name in copied:
                raise _Unsafe(f"duplicate key at {_at(inner)}")
            copied[name] = _json_safe(item, inner, depth + 1, count)
        return copied
    raise _Unsafe(f"not JSON-safe ({_type_name(value)} at {_at(where)})")


def _at(where: str) -> str:
    return where or "the top"


class PluginContext(Context):
    """What one plugin sees: the caller's context for reading the world, its
    own copy of the built-in facets (``found``) and its own evidence.

    Once the caller stops waiting, every look at the world raises: an
    abandoned plugin cannot touch the caller's context any more.
    """

    def __init__(self, inner: "Context", found: "dict[str, Any]", run: _Run) -> None:
        super().__init__()
        self.found = found
        self._inner = inner
        self._run = run

    def _source(self) -> "Context":
        if self._run.over:
            raise RuntimeError("envdetect: this detection is over")
        return self._inner

    @property
    def environ(self) -> "Mapping[str, str]":
        from types import MappingProxyType

        environ = self._source().environ
        # The caller's snapshot, read-only: a plugin cannot plant variables
        # in a context its host may use again.
        return MappingProxyType(environ) if isinstance(environ, dict) else environ

    def env(self, name: str) -> "str | None":
        return self._source().env(name)

    def has(self, name: str) -> bool:
        return self._source().has(name)

    def read(self, path: str) -> "str | None":
        return self._source().read(path)

    def exists(self, path: str) -> bool:
        return self._source().exists(path)

    def listdir(self, path: str) -> "list[str] | None":
        return self._source().listdir(path)

    def processes(self) -> "tuple[Process, ...]":
        return self._source().processes()

    def command_line(self) -> "tuple[str, ...]":
        return self._source().command_line()

    @property
    def platform(self) -> "Platform":
        return self._source().platform

    def isatty(self, stream: str) -> "bool | None":
        return self._source().isatty(stream)
