"""The ``terminal`` facet: whether a person could be typing, and in which emulator."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:  # pragma: no cover
    from typing import Any

    from envdetect._context import Context

facet = "terminal"


def detect(ctx: Context) -> dict[str, Any] | None:
    stdin, stdout = ctx.isatty("stdin"), ctx.isatty("stdout")
    interactive = None if stdin is None or stdout is None else bool(stdin and stdout)
    ctx.because("tty stdin", "tty stdout")
    return {"interactive": interactive, "program": None}
