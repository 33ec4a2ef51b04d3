"""The agent facet: explicit AI_AGENT, the agents' own variables, then the ancestry."""

from __future__ import annotations

from typing import Any

import pytest

from envdetect import load_fixture
from envdetect._context import Process
from envdetect._fixture import FixtureContext
from envdetect.detectors import _ancestry, agent
from envdetect.detectors._rules import variables
from tests.conftest import fixture_paths, load

ISSUE_IDS = (
    "claude_code",
    "amp",
    "codex",
    "gemini_cli",
    "github_copilot",
    "cursor",
    "amazon_q_cli",
    "kiro",
    "opencode",
    "augment",
    "antigravity",
    "goose",
    "replit_agent",
    "devin",
    "aider",
    "warp",
    "crush",
    "qwen_code",
    "jules",
    "factory_droid",
    "octofriend",
    "other",
)
TTY = {"stdin": True, "stdout": True}


def _agent(replay: Any, environ: dict[str, str], **extra: Any) -> Any:
    return replay({"environ": environ, **extra}).agent


def _id(replay: Any, environ: dict[str, str], **extra: Any) -> str | None:
    found = _agent(replay, environ, **extra)
    return None if found is None else str(found.id)


def test_ids_are_the_issue_list() -> None:
    assert agent.IDS == ISSUE_IDS
    assert all(isinstance(agent.AGENTS[i], str) for i in ISSUE_IDS if i != "other")
    assert agent.AGENTS["other"] is None


def test_agent_fixtures_cover_every_id() -> None:
    seen = set()
    for path in fixture_paths("agent") + fixture_paths("toolkit"):
        expected = load(path)["expect"].get("agent")
        if expected:
            seen.add(expected["id"])
    assert seen == set(ISSUE_IDS)


# -- AI_AGENT ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("claude-code_2-1-263_agent", "claude_code"),
        ("claude-code_2-1-292_agent", "claude_code"),
        ("claude-code", "claude_code"),
        ("github_copilot_vscode_agent", "github_copilot"),
        ("github_copilot_cloud_agent", "github_copilot"),
        ("github_copilot_app_agent", "github_copilot"),
        ("github-copilot", "github_copilot"),
        ("github-copilot-cli", "github_copilot"),
        ("devin_2026_agent", "devin"),
        ("devin@1", "devin"),
        ("Codex", "codex"),
        ("gemini-cli", "gemini_cli"),
        ("cursor-cli", "cursor"),
        ("amazon_q_cli", "amazon_q_cli"),
        ("kiro", "kiro"),
        ("opencode", "opencode"),
        ("augment-cli", "augment"),
        ("antigravity", "antigravity"),
        ("goose", "goose"),
        ("replit", "replit_agent"),
        ("aider", "aider"),
        ("amp", "amp"),
        ("  claude-code  ", "claude_code"),
        ("v0", "other"),
        ("openhands", "other"),
        ("custom-agent@2.0", "other"),
        ("my-internal-bot v2", "other"),
        ("1", "other"),
        ("vscode", "other"),
        ("claude-code_latest_agent", "other"),
        ("x" * 500, "other"),
        ("cl\u0430ude-code", "other"),
    ],
)
def test_ai_agent_values(replay: Any, value: str, expected: str) -> None:
    assert agent.from_ai_agent(value) == expected
    env = replay({"environ": {"AI_AGENT": value}})
    assert env.agent.id == expected
    assert env.runtime.kind == "agent"
    assert env.explanation["agent"]["because"] == ["env AI_AGENT"]


@pytest.mark.parametrize("value", ["", " ", "\t\n"])
def test_blank_ai_agent_is_absent(replay: Any, value: str) -> None:
    assert _agent(replay, {"AI_AGENT": value}, tty=TTY) is None


def test_ai_agent_names_the_agent_over_other_markers(replay: Any) -> None:
    env = {"AI_AGENT": "github_copilot_vscode_agent", "CODEX_THREAD_ID": "019a", "CLAUDECODE": "1"}
    assert _id(replay, env) == "github_copilot"


def test_unknown_ai_agent_is_never_echoed(replay: Any) -> None:
    sentinel = "Sntl0a1b2c3d4e"
    env = replay({"environ": {"AI_AGENT": sentinel, "AGENT": sentinel}})
    assert env.agent.id == "other"
    assert env.agent.name is None
    text = env.to_json() + repr(env.explanation)
    assert sentinel not in text
    assert sentinel.lower() not in text


# -- the agents' own variables --------------------------------------------------
def _environ_for(rule: tuple[Any, ...]) -> dict[str, str]:
    """The smallest environment in which ``rule`` holds."""
    if rule[0] == "flag":
        return {rule[1]: "1"}
    if rule[0] in ("eq", "is"):
        return {rule[1]: rule[2]}
    if rule[0] == "not":
        return {}
    if rule[0] == "all":
        environ: dict[str, str] = {}
        for part in rule[1:]:
            environ.update(_environ_for(part))
        return environ
    assert rule[0] == "word", rule
    return {rule[1]: f"CloudShell {rule[2]} Version/1.16.2"}


@pytest.mark.parametrize("row", agent.ENV_RULES, ids=lambda row: f"{row[1][1]}->{row[0]}")
def test_every_rule_alone(replay: Any, row: tuple[str, tuple[Any, ...]]) -> None:
    agent_id, rule = row
    environ = _environ_for(rule)
    # Jules' row is gated by its home directory, which its VM has.
    files = {f"{environ['HOME']}/.bashrc": ""} if "HOME" in environ else {}
    env = replay({"environ": environ, "files": files})
    assert env.agent.id == agent_id
    assert env.explanation["agent"]["because"] == [f"env {name}" for name in environ]


@pytest.mark.parametrize("value", ["0", "false", "False", "no", "off", " 0 "])
def test_false_looking_flags_are_off(replay: Any, value: str) -> None:
    assert _agent(replay, {"CLAUDECODE": value, "GEMINI_CLI": value}) is None


def test_amp_also_sets_claudecode(replay: Any) -> None:
    assert _id(replay, {"CLAUDECODE": "1", "AGENT": "amp"}) == "amp"
    assert _id(replay, {"CLAUDECODE": "1", "AMP_CURRENT_THREAD_ID": "T-5b0e"}) == "amp"
    assert _id(replay, {"CLAUDECODE": "1"}) == "claude_code"


def test_agent_variable_only_counts_with_a_known_name(replay: Any) -> None:
    assert _id(replay, {"AGENT": "goose"}) == "goose"
    assert _id(replay, {"AGENT": " AMP "}) == "amp"
    for value in ("1", "true", "build-agent-07", "crushed"):
        assert _agent(replay, {"AGENT": value}) is None


def test_crush_announces_itself_through_agent(replay: Any) -> None:
    # charmbracelet/crush internal/shell/shell.go appends CRUSH=1, AGENT=crush
    # and AI_AGENT=crush; each alone is enough.
    assert _id(replay, {"AGENT": "crush"}) == "crush"
    assert _id(replay, {"CRUSH": "1"}) == "crush"
    assert _id(replay, {"AI_AGENT": "crush"}) == "crush"
    assert _id(replay, {"CRUSH": "0"}) is None


def test_kilo_is_an_opencode_fork(replay: Any) -> None:
    assert _id(replay, {"OPENCODE": "1", "AGENT": "1"}) == "opencode"
    assert _id(replay, {"OPENCODE": "1", "AGENT": "1", "KILO_PID": "51877"}) == "other"


def test_kiro_cli_keeps_the_amazon_q_token(replay: Any) -> None:
    env = {"AWS_EXECUTION_ENV": "AmazonQ-For-CLI Version/2.6.1"}
    assert _id(replay, env) == "amazon_q_cli"
    assert _id(replay, {**env, "KIRO_SESSION_ID": "a3f1c9e2"}) == "kiro"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("AmazonQ-For-CLI Version/1.16.2", "amazon_q_cli"),
        ("CloudShell AmazonQ-For-CLI Version/1.16.2", "amazon_q_cli"),
        ("AmazonQ-For-CLI Version/1.19.0 acp-client/VisualStudioCode", "amazon_q_cli"),
        ("  CloudShell\tAmazonQ-For-CLI  Version/1.16.2 ", "amazon_q_cli"),
        ("CloudShell", None),
        ("AWS_Lambda_python3.12", None),
        ("AWS_ECS_FARGATE", None),
        ("AWS_Glue", None),
        ("amazonq-for-cli Version/1.16.2", None),
        ("AmazonQ-For-CLIx Version/1.16.2", None),
        ("CloudShell-AmazonQ-For-CLI", None),
        ("MyAmazonQ-For-CLI", None),
    ],
)
def test_aws_execution_env_matches_a_token_never_the_whole_value(
    replay: Any, value: str, expected: str | None
) -> None:
    assert _id(replay, {"AWS_EXECUTION_ENV": value}) == expected


def test_cursor_ide_is_not_the_cursor_agent(replay: Any) -> None:
    ide = {"CURSOR_TRACE_ID": "b94c5bd67f9f4b1a", "TERM_PROGRAM": "vscode"}
    assert _agent(replay, ide, tty=TTY) is None
    assert _id(replay, {**ide, "CURSOR_AGENT": "1"}, tty=TTY) == "cursor"
    assert _id(replay, {**ide, "CURSOR_EXTENSION_HOST_ROLE": "agent-exec"}) == "cursor"
    assert _agent(replay, {**ide, "CURSOR_EXTENSION_HOST_ROLE": "user"}) is None


def test_replit_platform_is_not_its_agent(replay: Any) -> None:
    shell = {"REPL_ID": "5c8e1b2a", "REPL_OWNER": "dana", "REPLIT_USER": "dana"}
    assert _agent(replay, shell, tty=TTY) is None
    assert _agent(replay, {**shell, "REPLIT_MODE": "workflow"}) is None
    assert _id(replay, {**shell, "REPLIT_MODE": "assistant"}) == "replit_agent"


@pytest.mark.parametrize(
    "tty", [TTY, {"stdin": False, "stdout": False}, {"stdin": True, "stdout": False}]
)
def test_kiro_term_program_is_the_ide_with_or_without_a_tty(replay: Any, tty: Any) -> None:
    assert (
        _agent(replay, {"TERM_PROGRAM": "kiro", "TERM_PROGRAM_VERSION": "1.0.309"}, tty=tty) is None
    )


def test_no_tty_is_never_an_agent_test(replay: Any) -> None:
    assert _agent(replay, {"TERM": "dumb"}, tty={"stdin": False, "stdout": False}) is None
    # ...and a real terminal does not rule an agent out (Copilot in VS Code).
    assert _id(replay, {"COPILOT_AGENT": "1", "TERM_PROGRAM": "vscode"}, tty=TTY) == (
        "github_copilot"
    )


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("CODEX_HOME", "/Users/dana/.codex"),
        ("GOOSE_PROVIDER", "anthropic"),
        ("GOOSE_MODEL", "claude-sonnet-4-5"),
        ("COPILOT_MODEL", "gpt-5"),
        ("COPILOT_ALLOW_ALL", "true"),
        ("COPILOT_GITHUB_TOKEN", "ghp_fake"),
        ("AIDER_MODEL", "sonnet"),
        ("AIDER_API_KEY", "sk-fake"),
        ("OPENCODE_CLIENT", "cli"),
        ("GEMINI_CLI_HOME", "/home/lee/.gemini"),
        ("GEMINI_CLI_NO_RELAUNCH", "true"),
        ("GEMINI_CLI_IDE_SERVER_PORT", "40213"),
        ("CLAUDE_CODE_SSE_PORT", "40214"),
        ("ENABLE_IDE_INTEGRATION", "true"),
        ("ANTIGRAVITY_CLI_ALIAS", "agy"),
        ("CODEIUM_EDITOR_APP_ROOT", "/Applications/Windsurf.app/Contents/Resources/app"),
        ("Q_TERM", "1.3.2"),
        ("QTERM_SESSION_ID", "9f468c3a41a2418988d401906ca48147"),
        ("PAGER", "cat"),
        ("GIT_PAGER", "cat"),
        ("CURSOR_TRACE_ID", "b94c5bd67f9f4b1a"),
        ("REPL_ID", "5c8e1b2a"),
        ("TERM_PROGRAM", "kiro"),
        ("KIRO", "1"),
        ("VSCODE_AGENT_FOLDER", "/home/lee/.vscode-server"),
    ],
)
def test_settings_and_ide_markers_are_not_agents(replay: Any, name: str, value: str) -> None:
    assert _agent(replay, {name: value}, tty=TTY) is None


# -- Devin's machines ------------------------------------------------------------
def test_devin_marker_file_on_linux(replay: Any) -> None:
    files = {"/opt/.devin": ""}
    env = replay({"environ": {}, "files": files, "platform": {"system": "Linux"}})
    assert env.agent.id == "devin"
    assert env.explanation["agent"]["because"] == ["file /opt/.devin"]
    # Only Linux machines are looked at.
    assert replay({"environ": {}, "files": files, "platform": {"system": "Darwin"}}).agent is None
    assert _id(replay, {"__COG_BASHRC_SOURCED": "1"}) == "devin"


# -- the process ancestry ----------------------------------------------------------
@pytest.mark.parametrize(
    ("process", "expected"),
    [
        ({"name": "aider"}, "aider"),
        ({"name": "aider.exe", "exe": "C:\\Users\\dana\\.local\\bin\\aider.exe"}, "aider"),
        (
            {"name": "python3", "cmdline": ["/usr/bin/python3", "-m", "aider", "--model", "x"]},
            "aider",
        ),
        (
            {
                "name": "Python",
                "cmdline": ["/opt/homebrew/bin/python3.12", "/Users/d/.local/bin/aider"],
            },
            "aider",
        ),
        (
            {
                "name": "python.exe",
                "cmdline": ["C:\\Python312\\python.exe", "C:\\Python312\\Scripts\\aider-script.py"],
            },
            "aider",
        ),
        ({"name": "python3.12", "cmdline": ["python3.12", "-u", "-m", "aider.main"]}, "aider"),
        ({"name": "codex"}, "codex"),
        ({"name": "codex-linux-sandbox"}, "codex"),
        ({"name": "codex-x86_64-unknown-linux-musl"}, "codex"),
        ({"name": "codex.exe"}, "codex"),
        ({"name": "cursor-agent"}, "cursor"),
        ({"name": "qchat"}, "amazon_q_cli"),
        ({"name": "kiro-cli"}, "kiro"),
        ({"name": "kiro-cli-chat"}, "kiro"),
        ({"name": "Codex"}, None),
        ({"name": "Claude"}, None),
        ({"name": "qterm"}, None),
        ({"name": "q"}, None),
        ({"name": "python3", "cmdline": ["python3", "-m", "pytest"]}, None),
        ({"name": "python3", "cmdline": ["python3"]}, None),
        ({"name": "python3", "cmdline": ["python3", "-m"]}, None),
        ({"name": "node", "cmdline": ["node", "/usr/lib/node_modules/aider/index.js"]}, None),
        ({"name": "Kiro"}, None),
        ({"name": "Cursor"}, None),
    ],
)
def test_ancestors(replay: Any, process: dict[str, Any], expected: str | None) -> None:
    processes = [{"name": "bash", "cmdline": ["bash", "-c", "pytest"]}, process]
    env = replay({"environ": {}, "processes": processes})
    assert (env.agent.id if env.agent else None) == expected
    if expected:
        assert env.explanation["agent"]["because"][0].startswith("process ")


def test_ancestry_is_bounded(replay: Any) -> None:
    shells = [{"name": "bash"}] * 5
    assert replay({"processes": [*shells, {"name": "aider"}]}).agent.id == "aider"
    assert replay({"processes": [*shells, {"name": "bash"}, {"name": "aider"}]}).agent is None


def test_ancestry_values_never_come_out(replay: Any) -> None:
    sentinel = "Sntl9e8d7c6b5a"
    processes = [
        {
            "name": "bash",
            "exe": f"/home/{sentinel}/bin/bash",
            "cmdline": ["bash", "-c", f"echo {sentinel}"],
        },
        {
            "name": "python3",
            "exe": f"/home/{sentinel}/.venv/bin/python3",
            "cmdline": ["python3", f"/home/{sentinel}/.local/bin/aider"],
        },
    ]
    env = replay({"processes": processes})
    assert env.agent.id == "aider"
    text = env.to_json() + repr(env.explanation)
    assert sentinel not in text
    assert sentinel.lower() not in text


class _CountingContext(FixtureContext):
    def __init__(self, document: dict[str, Any]) -> None:
        super().__init__(document)
        self.walks = 0

    def processes(self) -> tuple[Process, ...]:
        self.walks += 1
        return super().processes()


AIDER_WORLD = {"processes": [{"name": "bash"}, {"name": "aider"}]}


def test_ancestry_walked_when_nothing_else_tells() -> None:
    ctx = _CountingContext(AIDER_WORLD)
    assert agent.detect(ctx) == {"id": "aider", "name": "Aider"}
    assert ctx.walks == 1


@pytest.mark.parametrize(
    "found",
    [
        {
            "toolkit": {
                "id": "aws_toolkit_vscode",
                "name": "AWS Toolkit for VS Code",
                "version": "3.30.0",
            }
        },
        {"ci": {"id": "github_actions", "name": "GitHub Actions", "is_pr": False}},
        {"ci": {"id": None, "name": None, "is_pr": None}},
        {"cloud": {"provider": "aws", "platform": "aws_lambda"}},
    ],
)
def test_ancestry_not_walked_when_the_environment_decided(found: dict[str, Any]) -> None:
    ctx = _CountingContext(AIDER_WORLD)
    ctx.found.update(found)
    assert agent.detect(ctx) is None
    assert ctx.walks == 0


def test_ancestry_not_walked_for_a_person_at_a_terminal() -> None:
    # A cost bound, not an agent test: variables still decide with a terminal.
    ctx = _CountingContext({**AIDER_WORLD, "tty": TTY})
    assert agent.detect(ctx) is None
    assert ctx.walks == 0
    ctx = _CountingContext({**AIDER_WORLD, "tty": {"stdin": False, "stdout": True}})
    assert agent.detect(ctx) == {"id": "aider", "name": "Aider"}


def test_ancestry_walked_on_a_virtual_machine() -> None:
    ctx = _CountingContext(AIDER_WORLD)
    ctx.found["cloud"] = {"provider": "aws", "platform": "aws_ec2"}
    assert agent.detect(ctx) == {"id": "aider", "name": "Aider"}


def test_ancestry_not_walked_when_a_variable_tells() -> None:
    ctx = _CountingContext({"environ": {"CLAUDECODE": "1"}, **AIDER_WORLD})
    assert agent.detect(ctx) == {"id": "claude_code", "name": "Claude Code"}
    assert ctx.walks == 0


def test_because_names_signals_only() -> None:
    allowed_prefixes = ("env ", "file ", "process ")
    names = {name for row in agent.ENV_RULES for name in variables(row[1], negated=False)}
    names.add("AI_AGENT")
    node_keys = {key for _, _, key in _ancestry.NODE_AGENT_PACKAGES}
    for path in fixture_paths("agent") + fixture_paths("toolkit"):
        ctx = load_fixture(load(path))
        from envdetect import detect

        env = detect(ctx, plugins=False)
        for signal in env.explanation["agent"]["because"]:
            assert signal.startswith(allowed_prefixes)
            kind, _, what = signal.partition(" ")
            if kind == "env":
                assert what in names
            elif kind == "process":
                assert (
                    what in _ancestry.AGENT_PROCESSES
                    or what in _ancestry.AGENT_SCRIPTS
                    or what in _ancestry.NODE_AGENT_SCRIPTS
                    or what in node_keys
                )
            else:
                assert what == agent.DEVIN_MARKER


# -- issue 15: Warp, Qwen Code, Jules, scrubbed environments, OpenCode terminals -----------
def test_warp_agent_runs_not_warp_windows(replay: Any) -> None:
    assert _id(replay, {"OZ_RUN_ID": "c6f1e2a4", "TERM_PROGRAM": "WarpTerminal"}) == "warp"
    assert (
        _agent(replay, {"TERM_PROGRAM": "WarpTerminal", "WARP_CLI_AGENT_PROTOCOL_VERSION": "1"})
        is None
    )


def test_qwen_code_session_variables(replay: Any) -> None:
    assert (
        _id(replay, {"QWEN_CODE_SESSION_ID": "3f9c2b7e", "QWEN_CODE_AGENT_ID": ""}) == "qwen_code"
    )
    assert _id(replay, {"QWEN_CODE": "1"}) == "qwen_code"
    assert _agent(replay, {"QWEN_CODE_SESSION_ID": ""}) is None


def test_jules_needs_its_user_its_home_and_the_directory(replay: Any) -> None:
    home = {"/home/jules/.bashrc": ""}
    jules = {"HOME": "/home/jules", "USER": "swebot"}
    assert _id(replay, jules, files=home) == "jules"
    assert _agent(replay, jules) is None  # the variables alone: anyone can set them
    assert _agent(replay, {"HOME": "/home/jules", "USER": "jules"}, files=home) is None
    assert _agent(replay, {"HOME": "/home/swebot", "USER": "swebot"}, files=home) is None


def test_opencode_terminal_is_a_person(replay: Any) -> None:
    inherited = {"OPENCODE": "1", "AGENT": "1"}
    assert _id(replay, inherited) == "opencode"
    assert _agent(replay, {**inherited, "OPENCODE_TERMINAL": "1"}) is None
    opencode = [{"name": "bash"}, {"name": "opencode", "cmdline": ["opencode"]}]
    assert _id(replay, {}, processes=opencode) == "opencode"
    assert _agent(replay, {"OPENCODE_TERMINAL": "1"}, processes=opencode) is None
    # An agent started from an OpenCode terminal is still that agent.
    claude = [{"name": "bash"}, {"name": "claude", "cmdline": ["claude"]}, *opencode]
    assert _id(replay, {"OPENCODE_TERMINAL": "1"}, processes=claude) == "claude_code"
    assert _id(replay, {"OPENCODE_TERMINAL": "1", "CLAUDECODE": "1", **inherited}) == "claude_code"


@pytest.mark.parametrize(
    ("process", "expected"),
    [
        ({"name": "claude", "cmdline": ["claude"]}, "claude_code"),
        ({"name": "2.0.14", "cmdline": ["claude", "--resume"]}, "claude_code"),
        ({"name": "opencode"}, "opencode"),
        ({"name": "copilot"}, "github_copilot"),
        ({"name": "crush"}, "crush"),
        ({"name": "droid", "cmdline": ["droid", "exec"]}, "factory_droid"),
        ({"name": "devin"}, "devin"),
        ({"name": "octofriend"}, "octofriend"),
        ({"name": "node", "cmdline": ["node", "/usr/local/bin/gemini"]}, "gemini_cli"),
        (
            {
                "name": "node",
                "cmdline": [
                    "node",
                    "--max-old-space-size=8192",
                    "/usr/lib/node_modules/@google/gemini-cli/dist/index.js",
                ],
            },
            "gemini_cli",
        ),
        (
            {
                "name": "node.exe",
                "cmdline": ["node.exe", "C:\\npm\\node_modules\\@github\\copilot\\index.js"],
            },
            "github_copilot",
        ),
        ({"name": "bun", "cmdline": ["bun", "/home/a/.bun/bin/claude"]}, "claude_code"),
        ({"name": "node", "cmdline": ["node", "/home/a/.npm-global/bin/qwen"]}, "qwen_code"),
        ({"name": "node", "cmdline": ["node", "/home/a/.npm-global/bin/octofriend"]}, "octofriend"),
    ],
)
def test_scrubbed_agents_are_found_in_the_ancestry(
    replay: Any, process: dict[str, Any], expected: str
) -> None:
    processes = [{"name": "bash", "cmdline": ["bash", "-c", "make"]}, process]
    assert _id(replay, {"PATH": "/usr/bin:/bin"}, processes=processes) == expected


@pytest.mark.parametrize(
    "process",
    [
        {"name": "Claude", "cmdline": ["/Applications/Claude.app/Contents/MacOS/Claude"]},
        {
            "name": "claude.exe",
            "cmdline": ["C:\\Users\\r\\AppData\\Local\\AnthropicClaude\\app-0.13.64\\claude.exe"],
        },
        {"name": "node", "cmdline": ["node", "server.js"]},
        {"name": "node", "cmdline": ["node", "/srv/app/claude-proxy.js"]},
        {"name": "2.0.14", "cmdline": ["python3"]},
    ],
)
def test_lookalikes_are_not_agents(replay: Any, process: dict[str, Any]) -> None:
    assert _agent(replay, {}, processes=[{"name": "bash"}, process]) is None
