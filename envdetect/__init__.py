"""envdetect: where is this program running? Said without identifying anyone.

>>> import envdetect
>>> env = envdetect.detect()
>>> env.runtime.kind in {"ide", "agent", "ci", "notebook", "cloud", "terminal", "script"}
True

``detect()`` never raises (a Ctrl-C still interrupts it), never touches the
network and spawns no process.
Importing this package is cheap: the detectors load when ``detect()`` runs.
"""

__version__ = "0.1.0"

__all__ = [
    "Context",
    "Environment",
    "FixtureError",
    "__version__",
    "detect",
    "load_fixture",
]

TYPE_CHECKING = False
if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Sequence

    from envdetect._context import Context
    from envdetect._engine import Detector, Environment
    from envdetect._fixture import FixtureContext, FixtureError


def detect(
    context: "Context | None" = None,
    *,
    plugins: "bool | None" = None,
    detectors: "Sequence[Detector]" = (),
) -> "Environment":
    """Detect the environment this process runs in.

    ``context`` replaces the live machine (see :func:`load_fixture`).
    ``plugins`` loads third-party detectors from the ``envdetect.detectors``
    entry-point group; ``None`` means "only if ENVDETECT_PLUGINS=1".
    ``detectors`` adds detector objects directly (see docs/guides/plugins.md).
    Never raises; a Ctrl-C (KeyboardInterrupt) still propagates.
    """
    from envdetect._engine import detect as _detect

    return _detect(context, plugins=plugins, detectors=detectors)


def load_fixture(source: object) -> "FixtureContext":
    """A context replaying a fixture: a path, ``"-"`` for stdin, a file or a dict.

    Raises :class:`FixtureError` saying what is wrong with the fixture.
    """
    from envdetect._fixture import load_fixture as _load

    return _load(source)


def __getattr__(name: str) -> object:
    # Lazy public names: importing envdetect stays nearly free.
    if name in ("Context", "LiveContext"):
        from envdetect import _context

        return getattr(_context, name)
    if name in ("FixtureError", "FixtureContext"):
        from envdetect import _fixture

        return getattr(_fixture, name)
    if name == "Environment":
        from envdetect._engine import Environment

        return Environment
    raise AttributeError(f"module 'envdetect' has no attribute {name!r}")
