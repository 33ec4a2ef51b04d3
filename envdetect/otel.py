"""envdetect as an OpenTelemetry resource detector (``pip install envdetect[otel]``).

Switch it on in any service the OpenTelemetry SDK instruments::

    OTEL_EXPERIMENTAL_RESOURCE_DETECTORS=envdetect

or in code, ``get_aggregated_resources([EnvdetectResourceDetector()])``.  The
Resource then carries ``Environment.resource_attributes()``: standard names
(``os.type``, ``host.arch``, ``process.runtime.name``, ``cloud.*`` ...) where
the semantic conventions have one, ``envdetect.*`` otherwise, and
:data:`SCHEMA_URL`.

The SDK's contract, kept: detection reads local files and variables only (no
network, no process), runs without plugins, returns within :data:`BUDGET`
seconds (the SDK waits 5 s per detector and then still joins its thread), and
never raises unless the SDK's ``raise_on_error`` asks; otherwise a failure is
an empty Resource and one DEBUG record on the ``envdetect.otel`` logger, so
the host's stderr stays as it was.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING, Any

from opentelemetry.sdk.resources import Resource, ResourceDetector

from envdetect._fingerprint import SCHEMA_URL

if TYPE_CHECKING:  # pragma: no cover
    from envdetect._context import Context

__all__ = ["BUDGET", "SCHEMA_URL", "EnvdetectResourceDetector"]

logger = logging.getLogger(__name__)

#: Seconds a detection may take before the detector gives up: far inside the
#: SDK's 5 s, and a hundred times what detection takes on a quiet machine.
BUDGET = 2.0


class EnvdetectResourceDetector(ResourceDetector):
    """A Resource of where this process runs, said without identifying anyone.

    ``context`` replaces the live machine (``envdetect.load_fixture(...)``);
    ``budget`` bounds the wait for detection, in seconds.
    """

    def __init__(
        self,
        raise_on_error: bool = False,
        *,
        context: Context | None = None,
        budget: float = BUDGET,
    ) -> None:
        super().__init__(raise_on_error=raise_on_error)
        self.context = context
        self.budget = budget

    def detect(self) -> Resource:
        outcome: dict[str, Any] = {}

        def run() -> None:
            try:
                outcome["attributes"] = resource_attributes(self.context)
            except BaseException as error:  # noqa: BLE001 - handed to the SDK's thread below
                outcome["error"] = error

        # Our own daemon thread: a detection stuck in a read cannot hold the
        # SDK's worker, whose pool Resource.create() joins before returning.
        worker = threading.Thread(target=run, name="envdetect-otel", daemon=True)
        worker.start()
        worker.join(self.budget)
        if "attributes" in outcome:
            return Resource(outcome["attributes"], SCHEMA_URL)
        error: BaseException = outcome.get("error") or TimeoutError(
            f"envdetect: detection took longer than {self.budget:g} s"
        )
        if self.raise_on_error:
            raise error
        logger.debug("envdetect resource detection failed: %s", type(error).__name__)
        return Resource.get_empty()


def resource_attributes(context: Context | None = None) -> dict[str, Any]:
    """The attributes the detector adds: ``detect(context, plugins=False)``'s
    resource attributes.  Plugins never run here: third-party code has no
    place in another program's telemetry, nor time in its start-up."""
    import envdetect

    return envdetect.detect(context, plugins=False).resource_attributes()
