"""Third-party detectors from the ``envdetect.detectors`` entry-point group.

Discovery scans every installed distribution's metadata (tens of
milliseconds, more than a whole detection), so it runs only when asked:
``detect(plugins=True)``, ``ENVDETECT_PLUGINS=1``, and always in
``python -m envdetect``.  This module is imported only then.
"""

from importlib.metadata import entry_points

TYPE_CHECKING = False
if TYPE_CHECKING:  # pragma: no cover
    from typing import Any

    from envdetect._context import Context
    from envdetect._engine import Detector

ENTRY_POINT_GROUP = "envdetect.detectors"


class BrokenPlugin:
    """Stands in for a plugin whose import failed, so the failure shows in --explain."""

    def __init__(self, name: str, error: "Exception") -> None:
        self.facet = name
        self.__module__ = f"entry point {name}"
        self._error = error

    def detect(self, ctx: "Context") -> "dict[str, Any] | None":
        raise self._error


def load_entry_point_detectors() -> "list[Detector]":
    """Detectors registered under the entry-point group, sorted by name.

    A plugin that fails to load is reported as a detector that raised.
    """
    try:
        selected = entry_points(group=ENTRY_POINT_GROUP)  # type: ignore[call-arg,unused-ignore]
    except TypeError:  # Python 3.9: entry_points() takes no arguments
        selected = entry_points().get(ENTRY_POINT_GROUP, ())  # type: ignore[attr-defined,arg-type,unused-ignore]
    loaded: list[Detector] = []
    for entry in sorted(selected, key=lambda item: item.name):
        try:
            loaded.append(entry.load())
        except Exception as exc:  # noqa: BLE001 - a broken plugin is reported, not raised
            loaded.append(BrokenPlugin(entry.name, exc))
    return loaded
