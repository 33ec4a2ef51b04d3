"""The ``agent`` facet: the AI coding agent that runs us, if any.

In order, first answer wins:

1. ``AI_AGENT``, the cross-vendor convention: the agent names itself.  Known
   values map to an id, any other non-blank value is ``other`` (never echoed).
2. The variables agents set on the processes they spawn for their tools
   (:data:`ENV_RULES`).
3. Devin's machines: the file ``/opt/.devin`` (Linux).
4. The process ancestry, only where no variable tells (Aider, Devin's CLI,
   Factory's droid and Octofriend set none; a hook, a sandbox or an MCP server
   may have scrubbed Claude Code's, Gemini CLI's, OpenCode's or Copilot CLI's)
   and only when the environment did not already decide the run: not under an IDE
   toolkit, not in CI, not in a managed cloud workload, and not a person at a
   terminal (stdin and stdout both terminals).  Names and command lines
   classify an ancestor; they are never copied out.  The agents' process
   table lives with the other ancestry tables in :mod:`~envdetect.detectors._ancestry`,
   which the detector registry consults before importing this module.

"No tty" is never an agent test: GitHub Copilot's and Kiro's IDE agents run
their commands in real terminals, and people pipe output all the time.  A
terminal only bounds the cost of step 4: reading the chain means importing
psutil on macOS and Windows (about 17 ms), too much for every interactive run
to look for one agent; the IDE detector skips the chain there for the same
reason.  The price: Aider's ``/run`` and ``/test`` commands, which it runs in a
pseudo-terminal when it is itself interactive, are not recognised.

The agent table below is plain data.  Every row of :data:`ENV_RULES` names a
variable that an agent sets on the processes it spawns for its tools (shell
commands, hooks, MCP servers).  Variables that merely mark a person's IDE
terminal or hold a user's configuration are left out on purpose:

- ``CURSOR_TRACE_ID`` is in every Cursor terminal, human or not (the IDE);
  ``CURSOR_AGENT`` is the agent.
- ``REPL_ID`` is in every Replit workspace shell (the platform).
- ``TERM_PROGRAM=kiro`` is every Kiro IDE terminal; the Kiro IDE agent runs
  its commands in a real terminal too (kirodotdev/Kiro#177, #10887), so no
  tty test can tell them apart either.
- ``Q_TERM``/``QTERM_SESSION_ID`` mean the Amazon Q / Kiro terminal
  integration is installed, in every shell of that user.
- ``CODEX_HOME``, ``GOOSE_PROVIDER``, ``COPILOT_MODEL``, ``AIDER_*``,
  ``OPENCODE_CLIENT``, ``GEMINI_CLI_HOME`` are settings.
- ``CLAUDE_CODE_SSE_PORT``, ``ENABLE_IDE_INTEGRATION``, ``GEMINI_CLI_IDE_*``,
  ``ANTIGRAVITY_CLI_ALIAS``, ``CODEIUM_EDITOR_APP_ROOT`` are exported into
  human IDE terminals by editor integrations.
- ``PAGER=cat``/``GIT_PAGER=cat`` are set by notebooks and agents alike.
- ``TERM_PROGRAM=WarpTerminal``, ``WARP_CLI_AGENT_PROTOCOL_VERSION`` are in
  every Warp window; ``OPENCODE_TERMINAL`` marks OpenCode's embedded terminal,
  where a person types (it cancels the ``OPENCODE=1`` it inherits).

Values are only compared, never returned: the detector reports an id from
:data:`AGENTS` and the *name* of the variable that decided it.
"""

from envdetect.detectors import _ancestry, on_managed_platform
from envdetect.detectors._rules import holds

TYPE_CHECKING = False
if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Callable
    from typing import Any

    from envdetect._context import Context

facet = "agent"

# == The agent table: plain data =============================================

#: id -> display name.  ``other`` (an agent we cannot name) has no name.
AGENTS: "dict[str, str | None]" = {
    "claude_code": "Claude Code",
    "amp": "Amp",
    "codex": "Codex",
    "gemini_cli": "Gemini CLI",
    "github_copilot": "GitHub Copilot",
    "cursor": "Cursor Agent",
    "amazon_q_cli": "Amazon Q Developer CLI",
    "kiro": "Kiro",
    "opencode": "OpenCode",
    "augment": "Augment",
    "antigravity": "Antigravity",
    "goose": "Goose",
    "replit_agent": "Replit Agent",
    "devin": "Devin",
    "aider": "Aider",
    "warp": "Warp Agent",
    "crush": "Crush",
    "qwen_code": "Qwen Code",
    "jules": "Jules",
    "factory_droid": "Factory Droid",
    "octofriend": "Octofriend",
    "other": None,
}

#: Jules' home directory in its VM.
JULES_HOME = "/home/jules"

#: ``(agent id, rule)``; the first row whose rule holds wins.  Each rule is a
#: rule of the detectors' one rule language (:mod:`envdetect.detectors._rules`)
#: on one variable: ``("flag", VAR)`` - set to anything but an empty or
#: false-looking value; ``("eq", VAR, value)`` - equal to ``value`` (trimmed,
#: case-insensitive); ``("word", VAR, token)`` - ``token`` is one of the
#: value's whitespace-separated words (exact case), never a substring of the
#: whole value.  The evidence is the variable's name.
#:
#: Order matters where agents share a variable or nest: Amp and Goose first
#: (Amp also sets CLAUDECODE), Kilo Code before OpenCode (Kilo is an OpenCode
#: fork that sets OPENCODE=1), the Kiro CLI before the Amazon Q CLI (Kiro CLI
#: is the renamed Q CLI and keeps its AWS_EXECUTION_ENV token).  Between
#: unrelated agents nested in one another the order follows the AWS SAM CLI's
#: agent table (Claude Code, Codex, Cursor, Gemini CLI, Kiro, OpenCode, Copilot).
ENV_RULES: "tuple[tuple[str, tuple[Any, ...]], ...]" = (
    # Amp: "AMP_CURRENT_THREAD_ID, AGENT_THREAD_ID, plus AGENT=amp" on shell-tool
    # children, and CLAUDECODE too.
    ("amp", ("flag", "AMP_CURRENT_THREAD_ID")),
    ("amp", ("eq", "AGENT", "amp")),
    # Goose: GOOSE_TERMINAL=1 from its shell session, and AGENT=goose.
    ("goose", ("flag", "GOOSE_TERMINAL")),
    ("goose", ("eq", "AGENT", "goose")),
    # Crush (charmbracelet/crush internal/shell): CRUSH=1, AGENT=crush and
    # AI_AGENT=crush on every command; builds before AI_AGENT set AGENT only.
    ("crush", ("eq", "AGENT", "crush")),
    ("crush", ("flag", "CRUSH")),
    # Kilo Code CLI (OpenCode fork): KILO_PID next to OPENCODE=1.
    ("other", ("flag", "KILO_PID")),
    # Claude Code: CLAUDECODE=1 on Bash-tool, hook, status-line and MCP children.
    ("claude_code", ("flag", "CLAUDECODE")),
    ("claude_code", ("flag", "CLAUDE_CODE_CHILD_SESSION")),
    # Codex CLI (codex-rs spawn.rs; newer builds add CODEX_THREAD_ID, CODEX_CI);
    # the npm/bun launcher marks the native binary's environment.
    ("codex", ("flag", "CODEX_THREAD_ID")),
    ("codex", ("flag", "CODEX_CI")),
    ("codex", ("flag", "CODEX_SANDBOX")),
    ("codex", ("flag", "CODEX_SANDBOX_NETWORK_DISABLED")),
    ("codex", ("flag", "CODEX_MANAGED_BY_NPM")),
    ("codex", ("flag", "CODEX_MANAGED_BY_BUN")),
    # Cursor agent (cursor-agent CLI and agent-run commands in the IDE).
    ("cursor", ("flag", "CURSOR_AGENT")),
    ("cursor", ("eq", "CURSOR_EXTENSION_HOST_ROLE", "agent-exec")),
    # Gemini CLI shell tool: {...process.env, GEMINI_CLI: '1'} (exact name).
    ("gemini_cli", ("flag", "GEMINI_CLI")),
    # Kiro CLI: KIRO_SESSION_ID on every child; AGENT_CONTEXT_OUT (interactive).
    ("kiro", ("flag", "KIRO_SESSION_ID")),
    ("kiro", ("flag", "AGENT_CONTEXT_OUT")),
    # Amazon Q Developer CLI appends "AmazonQ-For-CLI Version/<v>" to
    # AWS_EXECUTION_ENV, after whatever was there ("CloudShell ...").
    ("amazon_q_cli", ("word", "AWS_EXECUTION_ENV", "AmazonQ-For-CLI")),
    # OpenCode's root middleware: OPENCODE=1 (and AGENT=1, a bare flag).  Its
    # embedded terminals inherit both and add OPENCODE_TERMINAL=1
    # (packages/opencode/src/pty): a person types there, not the agent.
    ("opencode", ("all", ("flag", "OPENCODE"), ("not", "OPENCODE_TERMINAL"))),
    # GitHub Copilot: cloud agent, Copilot CLI shell tool, VS Code agent terminals
    # (microsoft/vscode#316267, VS Code 1.121).
    ("github_copilot", ("flag", "COPILOT_AGENT_SESSION_ID")),
    ("github_copilot", ("flag", "COPILOT_CLI")),
    ("github_copilot", ("flag", "COPILOT_AGENT")),
    # Augment's Auggie CLI: AUGMENT_AGENT=1 on every shell tool execution.
    ("augment", ("flag", "AUGMENT_AGENT")),
    # Antigravity agent commands (its IDE terminal has ANTIGRAVITY_CLI_ALIAS instead).
    ("antigravity", ("flag", "ANTIGRAVITY_AGENT")),
    # Replit's AI in a workspace; REPL_ID alone is every Replit shell.
    ("replit_agent", ("eq", "REPLIT_MODE", "assistant")),
    # Devin's machine images (Cognition) source this from their bashrc.
    ("devin", ("flag", "__COG_BASHRC_SOURCED")),
    # Warp's agent runs: its CLI crate defines OZ_RUN_ID (and OZ_PARENT_RUN_ID
    # for child runs) for the harness it launches.  TERM_PROGRAM=WarpTerminal
    # and WARP_CLI_AGENT_PROTOCOL_VERSION are in every Warp window.
    ("warp", ("flag", "OZ_RUN_ID")),
    # Qwen Code (a Gemini CLI fork): QWEN_CODE=1 from its shell tool, and
    # getShellContextEnvVars() adds QWEN_CODE_SESSION_ID to every subprocess.
    ("qwen_code", ("flag", "QWEN_CODE")),
    ("qwen_code", ("flag", "QWEN_CODE_SESSION_ID")),
    # Agents without an id of their own, each by its own tool-child marker.
    ("other", ("flag", "CLINE_ACTIVE")),
    ("other", ("flag", "OPENCLAW_SHELL")),
    ("other", ("flag", "GROK_SESSION_ID")),
    ("other", ("flag", "PI_CODING_AGENT")),
    ("other", ("flag", "WINDSURF_CASCADE_TERMINAL")),
    # Google Jules' VM: the user swebot with its home at /home/jules, both
    # together and the directory there (the registry's gate opens on it).
    # Last: the detector checks the directory after the rule holds.
    ("jules", ("all", ("is", "HOME", JULES_HOME), ("is", "USER", "swebot"))),
)

#: Normalised ``AI_AGENT`` values -> id (see :func:`from_ai_agent`).
AI_AGENT_NAMES = {
    "claude-code": "claude_code",
    "claude": "claude_code",
    "claudecode": "claude_code",
    "cowork": "claude_code",
    "claude-cowork": "claude_code",
    "amp": "amp",
    "ampcode": "amp",
    "codex": "codex",
    "codex-cli": "codex",
    "openai-codex": "codex",
    "gemini": "gemini_cli",
    "gemini-cli": "gemini_cli",
    "copilot": "github_copilot",
    "copilot-cli": "github_copilot",
    "github-copilot": "github_copilot",
    "github-copilot-cli": "github_copilot",
    "cursor": "cursor",
    "cursor-cli": "cursor",
    "cursor-agent": "cursor",
    "amazon-q": "amazon_q_cli",
    "amazon-q-cli": "amazon_q_cli",
    "amazonq": "amazon_q_cli",
    "q-cli": "amazon_q_cli",
    "amazon-q-developer-cli": "amazon_q_cli",
    "kiro": "kiro",
    "kiro-cli": "kiro",
    "opencode": "opencode",
    "open-code": "opencode",
    "augment": "augment",
    "augment-cli": "augment",
    "auggie": "augment",
    "antigravity": "antigravity",
    "goose": "goose",
    "replit": "replit_agent",
    "replit-agent": "replit_agent",
    "devin": "devin",
    "aider": "aider",
    "warp": "warp",
    "oz": "warp",
    "crush": "crush",
    "qwen": "qwen_code",
    "qwen-code": "qwen_code",
    "jules": "jules",
    "droid": "factory_droid",
    "factory": "factory_droid",
    "factory-droid": "factory_droid",
    "octofriend": "octofriend",
}

#: Longest ``AI_AGENT`` value worth normalising; anything longer is "other".
MAX_AI_AGENT = 64

IDS = tuple(AGENTS)

#: Variables set in every session: a rule that needs them is gated by a path
#: in the registry instead (scripts/generate.py leaves them out of the gate).
UBIQUITOUS = frozenset({"HOME", "USER"})

#: Present on the machines Devin works on (@vercel/detect-agent, detect-agent,
#: ai-agent-detector all check it).
DEVIN_MARKER = "/opt/.devin"

# == Detection ================================================================


def detect(ctx: "Context") -> "dict[str, Any] | None":
    found = _decide(ctx)
    if found is None:
        return None
    agent, signals = found
    ctx.because(*signals)
    return {"id": agent, "name": AGENTS[agent]}


def _decide(ctx: "Context") -> "tuple[str, tuple[str, ...]] | None":
    explicit = ctx.env("AI_AGENT")
    if explicit is not None and explicit.strip():
        return from_ai_agent(explicit), ("env AI_AGENT",)
    match = from_environment(ctx.env)
    if match is not None and match[0] == "jules" and not ctx.exists(JULES_HOME):
        match = None  # HOME and USER alone are anyone's to set
    if match is not None:
        return match[0], match[1:]
    if ctx.platform.system == "Linux" and ctx.exists(DEVIN_MARKER):
        return "devin", (f"file {DEVIN_MARKER}",)
    if not _environment_decided(ctx):
        for process in ctx.processes():
            match = _ancestry.agent_process(process.name, process.cmdline)
            if match is not None:
                # An OpenCode terminal's shell is OpenCode's child, used by a person.
                if match[0] == "opencode" and ctx.has("OPENCODE_TERMINAL"):
                    continue
                return match[0], (f"process {match[1]}",)
    return None


def _environment_decided(ctx: "Context") -> bool:
    """True when the run is already explained: no ancestry walk then."""
    found = ctx.found
    if found.get("toolkit") or found.get("ci") or on_managed_platform(found):
        return True
    return ctx.interactive()


# == Reading the table ========================================================


def from_environment(env: "Callable[[str], str | None]") -> "tuple[str, ...] | None":
    """``(id, evidence, ...)`` of the first :data:`ENV_RULES` row that
    matches: the evidence names the variables that made it hold
    (``"env CLAUDECODE"``)."""
    for agent, rule in ENV_RULES:
        signals: list[str] = []
        if holds(env, rule, signals):
            return (agent, *signals)
    return None


def from_ai_agent(value: str) -> str:
    """The id an ``AI_AGENT`` value names; ``other`` for any value we do not know.

    Values seen: ``claude-code_2-1-263_agent`` (name, version with dashes,
    ``_agent``), ``github_copilot_vscode_agent`` and every other
    ``github_copilot_<surface>`` Copilot sets (microsoft/vscode#320129, #327433),
    ``github-copilot-cli``, ``devin_2026_agent``, ``custom-agent@2.0`` (Vercel's
    convention: ``@`` before a version).
    """
    text = value.strip().lower()
    if len(text) > MAX_AI_AGENT:
        return "other"
    text = text.partition("@")[0].partition("/")[0]
    if text.startswith(("github_copilot", "github-copilot")):
        return "github_copilot"
    if text.endswith("_agent"):
        name, _, version = text[:-6].rpartition("_")
        if name and version and all(char in "0123456789-." for char in version):
            text = name
    return AI_AGENT_NAMES.get(text.replace("_", "-"), "other")
