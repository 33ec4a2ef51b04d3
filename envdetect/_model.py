"""The detection result: a JSON document with typed attribute views over it.

The document (``Environment.to_dict()``) is the public contract (schema 1, in
the README).  View gives it read-only attribute access; the typed facet views
below exist for editors and mypy only; the data stays one plain dict so that plugins can add keys
and serialising never loses anything.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Iterator, Mapping
    from typing import Any

SCHEMA = 1

#: Top-level keys of the document, in output order.
FACETS = ("ci", "toolkit", "ide", "agent", "notebook", "cloud", "container",
          "terminal", "os", "host", "python")


class View:
    """Read-only attribute access to one object of the document."""

    __slots__ = ("_data",)

    def __init__(self, data: Mapping[str, Any]) -> None:
        object.__setattr__(self, "_data", data)

    def __getattr__(self, name: str) -> Any:
        try:
            value = self._data[name]
        except KeyError:
            raise AttributeError(f"{type(self).__name__} has no field {name!r}") from None
        if isinstance(value, dict):
            return View(value)
        return value

    def __getitem__(self, name: str) -> Any:
        return self._data[name]

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("detection results are read-only")

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, View):
            return bool(self._data == other._data)
        return bool(self._data == other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        fields = ", ".join(f"{key}={value!r}" for key, value in self._data.items())
        return f"{type(self).__name__}({fields})"

    def to_dict(self) -> dict[str, Any]:
        copied: dict[str, Any] = _copy(self._data)
        return copied


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copy(item) for item in value]
    return value


# The facet views exist for type checkers only: at run time every nested
# object is a plain View (one class instead of fourteen on the import path).
if TYPE_CHECKING:  # pragma: no cover

    class Runtime(View):
        kind: str  # ide | agent | ci | notebook | cloud | terminal | script

    class CI(View):
        id: str | None
        name: str | None
        is_pr: bool | None

    class Toolkit(View):
        id: str
        name: str
        version: str | None

    class Named(View):
        """IDE, agent and notebook facets: a stable ``id`` and a display ``name``."""

        id: str
        name: str

    class IDE(Named):
        product: str | None  # the JetBrains product (pycharm, goland...), else None

    class Cloud(View):
        provider: str | None
        platform: str | None

    class Container(View):
        id: str

    class Terminal(View):
        interactive: bool | None
        program: str | None

    class Distro(View):
        id: str | None
        version: str | None
        like: str | None

    class OS(View):
        type: str | None
        name: str | None
        version: str | None
        kernel: str | None
        wsl: bool | None
        distro: Distro | None

    class Host(View):
        arch: str | None

    class Python(View):
        implementation: str | None
        version: str | None
        bits: int | None
        free_threaded: bool | None
        environment: str | None


class Environment(View):
    """Where the program runs, as ``envdetect.detect()`` found it."""

    schema: int
    runtime: Runtime
    ci: CI | None
    toolkit: Toolkit | None
    ide: IDE | None
    agent: Named | None
    notebook: Named | None
    cloud: Cloud | None
    container: Container | None
    terminal: Terminal
    os: OS
    host: Host
    python: Python

    __slots__ = ("explanation",)

    def __init__(self, data: Mapping[str, Any],
                 explanation: Mapping[str, Mapping[str, Any]] | None = None) -> None:
        super().__init__(data)
        object.__setattr__(self, "explanation", explanation or {})

    explanation: Mapping[str, Mapping[str, Any]]
    """Per facet: the signals that decided it and, if its detector failed, why."""

    def fingerprint(self) -> dict[str, Any]:
        """The non-identifying summary meant for sending, with a stable ``digest``.

        Every value is an id from a closed table, a coarse version or a
        boolean; see the README for each field and the values it can take.
        """
        from envdetect._fingerprint import fingerprint

        return fingerprint(self._data)

    def resource_attributes(self) -> dict[str, Any]:
        """The fingerprint as OpenTelemetry resource attributes (nulls omitted)."""
        from envdetect._fingerprint import fingerprint, resource_attributes

        return resource_attributes(fingerprint(self._data))

    def to_json(self, indent: int | None = 2) -> str:
        import json

        return json.dumps(self._data, indent=indent, ensure_ascii=True)
