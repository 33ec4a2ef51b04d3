"""The ``agent`` facet: the AI coding agent that runs us, if any.

In order, first answer wins:

1. ``AI_AGENT``, the cross-vendor convention: the agent names itself.  Known
   values map to an id, any other non-blank value is ``other`` (never echoed).
2. The variables agents set on the processes they spawn for their tools
   (:data:`envdetect.detectors._agents.ENV_RULES`).
3. Devin's machines: the file ``/opt/.devin`` (Linux).
4. The process ancestry, only where no variable tells (Aider sets none) and
   only when the environment did not already decide the run: not under an IDE
   toolkit, not in CI, not in a managed cloud workload, and not a person at a
   terminal (stdin and stdout both terminals).  Names and command lines
   classify an ancestor; they are never copied out.

"No tty" is never an agent test: GitHub Copilot's and Kiro's IDE agents run
their commands in real terminals, and people pipe output all the time.  A
terminal only bounds the cost of step 4: reading the chain means importing
psutil on macOS and Windows (about 17 ms), too much for every interactive run
to look for one agent; the IDE detector skips the chain there for the same
reason.  The price: Aider's ``/run`` and ``/test`` commands, which it runs in a
pseudo-terminal when it is itself interactive, are not recognised.
"""

from __future__ import annotations

from envdetect._engine import MANAGED_PLATFORMS
from envdetect.detectors import _agents

TYPE_CHECKING = False
if TYPE_CHECKING:  # pragma: no cover
    from typing import Any

    from envdetect._context import Context

facet = "agent"

IDS = tuple(_agents.AGENTS)

#: Present on the machines Devin works on (@vercel/detect-agent, detect-agent,
#: ai-agent-detector all check it).
DEVIN_MARKER = "/opt/.devin"


def detect(ctx: Context) -> dict[str, Any] | None:
    found = _decide(ctx)
    if found is None:
        return None
    agent, signal = found
    ctx.because(signal)
    return {"id": agent, "name": _agents.AGENTS[agent]}


def _decide(ctx: Context) -> tuple[str, str] | None:
    explicit = ctx.env("AI_AGENT")
    if explicit is not None and explicit.strip():
        return _agents.from_ai_agent(explicit), "env AI_AGENT"
    match = _agents.from_environment(ctx.env)
    if match is not None:
        return match[0], f"env {match[1]}"
    if ctx.platform.system == "Linux" and ctx.exists(DEVIN_MARKER):
        return "devin", f"file {DEVIN_MARKER}"
    if not _environment_decided(ctx):
        for process in ctx.processes():
            match = _agents.from_process(process.name, process.cmdline)
            if match is not None:
                return match[0], f"process {match[1]}"
    return None


def _environment_decided(ctx: Context) -> bool:
    """True when the run is already explained: no ancestry walk then."""
    found = ctx.found
    if found.get("toolkit") or found.get("ci"):
        return True
    cloud = found.get("cloud")
    if isinstance(cloud, dict) and cloud.get("platform") in MANAGED_PLATFORMS:
        return True
    return bool(ctx.isatty("stdin") and ctx.isatty("stdout"))
