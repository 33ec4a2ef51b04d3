"""The ``ide``  facet (placeholder until its detection lands)."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:  # pragma: no cover
    from typing import Any

    from envdetect._context import Context

facet = "ide"


def detect(ctx: Context) -> dict[str, Any] | None:
    return None
