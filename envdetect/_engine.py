"""Run the detectors, isolate their failures, gather their results into the
document, and hand it out as an :class:`Environment`.

A detector is any object with a ``facet`` name and a ``detect(ctx)`` callable
returning a dict (the facet's fields) or ``None`` (not detected).  Built-in
detectors are plain modules under :mod:`envdetect.detectors`; third-party ones
come from the ``envdetect.detectors`` entry-point group or are passed in code;
:mod:`envdetect._plugins` runs those, and they only ever add ``extensions``.

The document (``Environment.to_dict()``) is the public contract (schema 1, in
docs/usage/schema.md).  :class:`View` gives it read-only attribute access; the typed
facet views exist for editors and mypy only; the data stays one plain dict so
that plugins can add keys and serialising never loses anything.  The result
types live here, with the engine that fills them, because every ``detect()``
needs both (docs/development/index.md, "The import budget").
"""

import os
import sys

from envdetect._context import Context, LiveContext, is_on, may_be_recognised, plain_copy
from envdetect.detectors import (
    BUILTIN,
    FACETS,
    GATES,
    SCHEMA,
    on_managed_platform,
)

TYPE_CHECKING = False
if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Callable, Iterator, Mapping, Sequence
    from typing import Any, Protocol

    class Detector(Protocol):
        facet: str

        def detect(self, ctx: Context) -> dict[str, Any] | None: ...


# == The result ==================================================================

# SCHEMA, FACETS and on_managed_platform live in the registry
# (envdetect.detectors), below every module that reads them.
__all__ = [
    "FACETS",
    "SCHEMA",
    "Environment",
    "View",
    "detect",
    "on_managed_platform",
    "runtime_kind",
]


class View:
    """Read-only attribute access to one object of the document."""

    __slots__ = ("_data",)

    def __init__(self, data: "Mapping[str, Any]") -> None:
        object.__setattr__(self, "_data", data)

    def __getattr__(self, name: str) -> "Any":
        try:
            value = self._data[name]
        except KeyError:
            raise AttributeError(f"{type(self).__name__} has no field {name!r}") from None
        if isinstance(value, dict):
            return View(value)
        return value

    def __getitem__(self, name: str) -> "Any":
        return self._data[name]

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("detection results are read-only")

    def __iter__(self) -> "Iterator[str]":
        return iter(self._data)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, View):
            return bool(self._data == other._data)
        return bool(self._data == other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        fields = ", ".join(f"{key}={value!r}" for key, value in self._data.items())
        return f"{type(self).__name__}({fields})"

    def to_dict(self) -> "dict[str, Any]":
        copied: dict[str, Any] = plain_copy(self._data)
        return copied


# The facet views (:mod:`envdetect._views`) exist for type checkers only: at
# run time every nested object is a plain View.
if TYPE_CHECKING:  # pragma: no cover
    from envdetect._views import (
        CI,
        IDE,
        OS,
        Cloud,
        Container,
        Host,
        Named,
        Python,
        Runtime,
        Terminal,
        Toolkit,
    )


class Environment(View):
    """Where the program runs, as ``envdetect.detect()`` found it."""

    schema: int
    runtime: "Runtime"
    ci: "CI | None"
    toolkit: "Toolkit | None"
    ide: "IDE | None"
    agent: "Named | None"
    notebook: "Named | None"
    cloud: "Cloud | None"
    container: "Container | None"
    terminal: "Terminal"
    os: "OS"
    host: "Host"
    python: "Python"

    __slots__ = ("explanation",)

    def __init__(
        self,
        data: "Mapping[str, Any]",
        explanation: "Mapping[str, Mapping[str, Any]] | None" = None,
    ) -> None:
        super().__init__(data)
        object.__setattr__(self, "explanation", explanation or {})

    explanation: "Mapping[str, Mapping[str, Any]]"
    """Per facet: the signals that decided it and, if its detector failed, why."""

    def fingerprint(self) -> "dict[str, Any]":
        """The non-identifying summary meant for sending, with a stable ``digest``.

        Every value is an id from a closed table, a coarse version or a
        boolean; see docs/fingerprint.md for each field and the values it can take.
        """
        from envdetect._fingerprint import fingerprint

        return fingerprint(self._data)

    def resource_attributes(self) -> "dict[str, Any]":
        """The fingerprint as OpenTelemetry resource attributes (nulls omitted)."""
        from envdetect._fingerprint import fingerprint, resource_attributes

        return resource_attributes(fingerprint(self._data))

    def to_json(self, indent: "int | None" = 2) -> str:
        import json

        return json.dumps(self._data, indent=indent, ensure_ascii=True)


# == The engine ==================================================================


def detect(
    context: "Context | None" = None,
    *,
    plugins: "bool | None" = None,
    detectors: "Sequence[Detector]" = (),
) -> "Environment":
    ctx = context if context is not None else LiveContext()
    try:
        if plugins is None:
            plugins = is_on(os.environ.get("ENVDETECT_PLUGINS") or "")
        return _run(ctx, list(detectors), plugins)
    except Exception as error:  # noqa: BLE001 - the public promise: detect() never raises
        # Only a bug in the engine itself can get here; every detector is
        # already isolated.  Return the empty world rather than break the host.
        document = _document("script", {})
        explanation = {"engine": {"because": [], "error": type(error).__name__}}
        return Environment(document, explanation)


def _document(kind: str, found: "Mapping[str, Any]") -> "dict[str, Any]":
    """The JSON document: every facet present, null where nothing was found."""
    document: dict[str, Any] = {"schema": SCHEMA, "runtime": {"kind": kind}}
    for facet in FACETS:
        document[facet] = found.get(facet)
    if document["terminal"] is None:
        document["terminal"] = {"interactive": None, "program": None}
    return document


def _run(ctx: "Context", extra: "Sequence[Detector]", entry_points: bool) -> "Environment":
    explanation: dict[str, dict[str, Any]] = {}
    found = ctx.found
    shared: dict[str, Any] = {}
    for name, where in BUILTIN.items():
        gate = GATES.get(name)
        if gate is not None and not _gate_open(ctx, gate, shared):
            found[name] = None
            explanation[name] = {"because": [], "error": None}
            continue
        found[name] = _run_one(ctx, name, _builtin(where), explanation)

    extensions: dict[str, Any] = {}
    if extra or entry_points:
        # Third-party code runs in a worker under a time budget and sees
        # copies only: the built-in facets stay as detected (_plugins).
        from envdetect._plugins import run_plugins

        extensions = run_plugins(ctx, found, extra, entry_points, explanation)

    kind, reason = _kind_and_reason(found)
    document = _document(kind, found)
    if extensions:
        document["extensions"] = extensions
    explanation["runtime"] = {"because": [reason], "error": None}
    return Environment(document, explanation)


def _builtin(where: str) -> "Callable[[Context], Any]":
    """The ``detect`` function a registry entry (``module`` or ``module:function``) names."""
    module_name, _, function = where.partition(":")
    # importlib.import_module would import importlib (and warnings) first:
    # hundreds of microseconds on every start, for nothing __import__ lacks.
    qualified = f"envdetect.detectors.{module_name}"
    module = sys.modules.get(qualified)
    if module is None:
        __import__(qualified)
        module = sys.modules[qualified]
    detect: Callable[[Context], Any] = getattr(module, function or "detect")
    return detect


#: Arguments of the own command line a ``command_line`` gate looks at: the
#: interpreter (or a launcher such as ``marimo.exe``), its options, ``-m`` and
#: the module, or the script and its command.
COMMAND_LINE_ARGS = 5


def _gate_open(ctx: "Context", gate: "dict[str, Any]", shared: "dict[str, Any]") -> bool:
    """Whether a gated detector may answer (see :data:`envdetect.detectors.GATES`).

    ``shared`` keeps what every gate of one detection would otherwise work out
    again: the upper-cased variable names (Windows) and whether the ancestry
    matters.
    """
    variables = gate.get("variables", frozenset())
    environ = ctx.environ
    if environ.__class__ is dict:
        if not variables.isdisjoint(environ):
            return True
    elif sys.platform == "win32":
        # os.environ there lists its names upper-cased and ignores case on lookup.
        names = shared.get("names")
        if names is None:
            names = shared["names"] = {name.upper() for name in environ}
        if any(name.upper() in names for name in variables):
            return True
    elif any(ctx.has(name) for name in variables):  # a recording context sees each name
        return True
    if any(ctx.exists(path) for path in gate.get("paths", ())):
        return True
    for path, values in gate.get("contents", ()):
        text = ctx.read(path)
        if text is not None and text.strip() in values:
            return True
    for facet, ids in gate.get("facets", ()):
        found = ctx.found.get(facet)
        if isinstance(found, dict) and found.get("id") in ids:
            return True
    words = gate.get("command_line")
    if words:
        for arg in ctx.command_line()[:COMMAND_LINE_ARGS]:
            lowered = arg.lower()
            if any(word in lowered for word in words):
                return True
    if not gate.get("ancestry") or ctx.interactive():
        return False
    if "ancestry" not in shared:
        shared["ancestry"] = _ancestry_matters(ctx)
    return bool(shared["ancestry"])


def _ancestry_matters(ctx: "Context") -> bool:
    if not any(may_be_recognised(process) for process in ctx.processes()):
        return False  # the common case: the classifier is not even imported
    from envdetect.detectors import _ancestry

    return _ancestry.ancestry_matters(ctx)


def _run_one(
    ctx: "Context",
    label: str,
    detect: "Callable[[Context], Any]",
    explanation: "dict[str, dict[str, Any]]",
) -> "Any":
    ctx._take_evidence()
    error: str | None = None
    result: Any = None
    try:
        result = detect(ctx)
        if result is not None and not isinstance(result, dict):
            error = f"returned {type(result).__name__}, not a dict"
            result = None
    except Exception as exc:  # noqa: BLE001 - one detector's failure never breaks the rest
        error = type(exc).__name__
        result = None
    explanation[label] = {"because": ctx._take_evidence(), "error": error}
    return result


def runtime_kind(found: "dict[str, Any]") -> str:
    """The headline, from the facets; first match wins (docs/usage/schema.md)."""
    return _kind_and_reason(found)[0]


def _kind_and_reason(found: "dict[str, Any]") -> "tuple[str, str]":
    if found.get("toolkit"):
        return "ide", "facet toolkit"
    if found.get("agent"):
        return "agent", "facet agent"
    if found.get("ci"):
        return "ci", "facet ci"
    if found.get("notebook"):
        return "notebook", "facet notebook"
    if found.get("ide"):
        return "ide", "facet ide"
    if on_managed_platform(found):
        return "cloud", "facet cloud (managed platform)"
    terminal = found.get("terminal")
    if isinstance(terminal, dict) and terminal.get("interactive"):
        return "terminal", "facet terminal (stdin and stdout are terminals)"
    return "script", "no facet above applies"
