"""envdetect's agent facet against three npm agent detectors, on every agent fixture.

The peers: ``@vercel/detect-agent``, ``am-i-vibing`` and ``std-env`` (its
``agent``), pinned in :data:`PEERS`.  A session fixture installs them once per run
with :mod:`tests.differential.npm` (next to ci-info, shared by every tox
environment, retrying a failed install with backoff) and runs
``agent_peers_probe.js`` once per fixture in a node process whose environment
is exactly the fixture's ``environ``; the fixture's ancestry is am-i-vibing's
``processAncestry`` and its files answer @vercel/detect-agent's ``/opt/.devin``
check.  A peer's answer is mapped to envdetect's ids (:func:`peer_id`).

Every peer must give envdetect's answer on every fixture, except the pairs in
:data:`DISAGREEMENTS`, each with the reason envdetect differs; a listed pair
that stops disagreeing fails too.  :func:`test_score_table` prints the docs'
score table (cases each tool gets right, against the fixtures' ``expect``).

Skipped where node or npm is missing or npm cannot install (failed instead
where ``ENVDETECT_REQUIRE_CI_INFO=1``, as in ``.ci/run``: the variable means
"node is here, the npm differential tests must run").
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

import envdetect
from envdetect.detectors import agent
from tests.conftest import fixture_id, fixture_paths, load
from tests.differential import npm

PEERS = {"@vercel/detect-agent": "1.2.7", "am-i-vibing": "0.5.0", "std-env": "4.3.0"}
PROBE = Path(__file__).resolve().parent / "agent_peers_probe.js"
AGENT_FIXTURES = fixture_paths("agent")
TOOLS = ("envdetect", "@vercel/detect-agent", "am-i-vibing", "std-env")

INSTALL_TIMEOUT = 180.0  # seconds per npm attempt: three packages and their dependencies

#: Peer names that :func:`envdetect.detectors.agent.from_ai_agent` does not
#: already map; any other unknown name is ``other``.
PEER_NAMES = {
    "gemini-agent": "gemini_cli",
    "replit-assistant": "replit_agent",
    "vscode-copilot-agent": "github_copilot",
}

V, A, S = "@vercel/detect-agent", "am-i-vibing", "std-env"
_NO_ANCESTRY = "{peer} reads no process ancestry; {what} is recognised by its ancestor only"
_SCRUBBED = (
    "the command runs with an environment of its own (a sandbox, a hook, an MCP "
    "server), so no agent variable is left; {peer} {why}, envdetect reads the "
    "ancestry (issue 15)"
)

#: (peer, fixture under fixtures/) -> why envdetect deliberately differs.
DISAGREEMENTS: dict[tuple[str, str], str] = {
    # -- agents a peer does not know ----------------------------------------------------
    (A, "agent/ai-agent-unknown-value-is-other.json"): (
        "am-i-vibing 0.5.0 ignores AI_AGENT unless it names a provider it knows; the "
        "cross-vendor AI_AGENT convention says an agent is running whatever its name"
    ),
    **{
        (peer, "agent/amazon-q-cli-execute-bash-macos.json"): (
            f"{peer} does not know the Amazon Q Developer CLI, which appends "
            "'AmazonQ-For-CLI Version/<v>' to AWS_EXECUTION_ENV on the commands it runs"
        )
        for peer in (V, A, S)
    },
    **{
        (peer, "agent/amazon-q-cli-in-cloudshell-appended-token.json"): (
            "as agent/amazon-q-cli-execute-bash-macos.json"
        )
        for peer in (V, A, S)
    },
    **{
        (peer, "agent/kiro-cli-shell-tool-linux.json"): (
            f"{peer} does not read KIRO_SESSION_ID, which the Kiro CLI sets on every child"
        )
        for peer in (V, A, S)
    },
    (V, "agent/goose-shell-session-linux.json"): (
        "@vercel/detect-agent does not know Goose (GOOSE_TERMINAL=1 on its shell session)"
    ),
    (A, "agent/goose-shell-session-linux.json"): (
        "am-i-vibing 0.5.0 has no Goose provider; GOOSE_TERMINAL=1 marks Goose's shell"
    ),
    (S, "agent/antigravity-agent-command-macos.json"): (
        "std-env does not know Antigravity (ANTIGRAVITY_AGENT on its agent's commands)"
    ),
    (A, "agent/cursor-agent-cli-gnome-terminal.json"): (
        "am-i-vibing keys Cursor's agent on CURSOR_TRACE_ID with PAGER='head -n 10000 | cat' "
        "(the IDE); the cursor-agent CLI sets CURSOR_AGENT=1 outside the IDE"
    ),
    (V, "agent/github-copilot-cli-macos.json"): (
        "@vercel/detect-agent reads COPILOT_MODEL, COPILOT_ALLOW_ALL and COPILOT_GITHUB_TOKEN "
        "(settings); Copilot CLI marks its shell tool's commands with COPILOT_CLI=1"
    ),
    (A, "agent/github-copilot-cli-macos.json"): (
        "am-i-vibing 0.5.0 does not read COPILOT_CLI, Copilot CLI's shell-tool marker"
    ),
    (V, "agent/github-copilot-cloud-agent-actions-runner.json"): (
        "@vercel/detect-agent does not read COPILOT_AGENT_SESSION_ID (Copilot's cloud agent)"
    ),
    (A, "agent/github-copilot-cloud-agent-actions-runner.json"): (
        "am-i-vibing 0.5.0 does not read COPILOT_AGENT_SESSION_ID (Copilot's cloud agent)"
    ),
    (V, "agent/github-copilot-vscode-1.121-copilot-agent-only-windows.json"): (
        "@vercel/detect-agent does not read COPILOT_AGENT, which VS Code 1.121 sets on the "
        "agent's terminals (microsoft/vscode#316267)"
    ),
    **{
        (peer, "agent/crush-older-build-agent-variable-only-macos.json"): (
            f"{peer} has no rule for AGENT=crush, Crush's marker before it added AI_AGENT"
        )
        for peer in (V, S)
    },
    **{
        (peer, "agent/qwen-code-session-variables-linux.json"): (
            f"{peer} reads QWEN_CODE=1 at most; Qwen Code's getShellContextEnvVars() gives every "
            "subprocess QWEN_CODE_SESSION_ID"
        )
        for peer in (V, A, S)
    },
    **{
        (peer, "agent/warp-agent-run-oz-linux.json"): (
            f"{peer} does not know Warp's agent runs (OZ_RUN_ID, from Warp's own CLI)"
        )
        for peer in (V, S)
    },
    **{
        (peer, "agent/jules-vm-linux.json"): (
            f"{peer} does not know Google Jules' VM (user swebot, HOME=/home/jules; am-i-vibing "
            "does)"
        )
        for peer in (V, S)
    },
    # -- the process ancestry -------------------------------------------------------------
    **{
        (peer, f"agent/{name}.json"): _NO_ANCESTRY.format(peer=peer, what=what)
        for peer in (V, S)
        for name, what in (
            ("aider-auto-test-scripted-linux", "Aider (it sets no variable)"),
            ("aider-python-process-macos", "Aider (it sets no variable)"),
            (
                "codex-early-linux-build-found-by-ancestry",
                "an early Codex build (no CODEX_* variable on Linux)",
            ),
            ("devin-cli-by-ancestry-linux", "Devin's CLI"),
            ("factory-droid-exec-macos", "Factory's droid"),
            ("octofriend-node-linux", "Octofriend"),
        )
    },
    (S, "agent/devin-machine-opt-marker.json"): (
        "std-env reads no file; Devin's machines carry /opt/.devin (@vercel/detect-agent "
        "reads it too)"
    ),
    (A, "agent/devin-machine-opt-marker.json"): (
        "am-i-vibing looks for a 'devin' process, not /opt/.devin, the marker Devin's "
        "machines carry (@vercel/detect-agent reads it)"
    ),
    **{
        (peer, f"agent/{name}.json"): _SCRUBBED.format(peer=peer, why=why)
        for name in (
            "claude-code-scrubbed-hook-linux",
            "claude-code-native-versioned-process-macos",
            "opencode-scrubbed-mcp-server-linux",
            "copilot-cli-scrubbed-env-macos",
            "gemini-cli-scrubbed-sandbox-linux",
        )
        for peer, why in ((V, "reads no ancestry"), (S, "reads no ancestry"))
    },
    **{
        (A, f"agent/{name}.json"): _SCRUBBED.format(
            peer=A,
            why="looks for no such process (its process checks are gemini, codex, aider, "
            "crush, octofriend, devin, droid)",
        )
        for name in (
            "claude-code-scrubbed-hook-linux",
            "claude-code-native-versioned-process-macos",
            "opencode-scrubbed-mcp-server-linux",
            "copilot-cli-scrubbed-env-macos",
        )
    },
    # -- precedence -----------------------------------------------------------------------
    **{
        (peer, "agent/amp-also-sets-claudecode.json"): (
            f"Amp sets CLAUDECODE=1 next to AGENT=amp and AMP_CURRENT_THREAD_ID; {peer} tests "
            "CLAUDECODE first and reports Claude Code"
        )
        for peer in (V, A, S)
    },
    **{
        (peer, "agent/kilo-code-cli-opencode-fork-is-other.json"): (
            f"Kilo Code's CLI is an OpenCode fork that keeps OPENCODE=1 and adds KILO_PID; {peer} "
            "reports OpenCode, envdetect an agent it cannot name"
        )
        for peer in (V, A, S)
    },
    (A, "agent/codex-launched-by-copilot-in-vscode.json"): (
        "AI_AGENT names the agent that runs the command (VS Code's Copilot, "
        "github_copilot_vscode_agent); am-i-vibing's table tests Codex's CODEX_THREAD_ID first"
    ),
    # -- people, not agents -----------------------------------------------------------------
    (V, "agent/not-cursor-ide-human-terminal.json"): (
        "@vercel/detect-agent takes CURSOR_TRACE_ID for an agent; it is in every Cursor "
        "terminal, a person's too (am-i-vibing calls it interactive)"
    ),
    (S, "agent/not-goose-provider-setting-in-terminal.json"): (
        "std-env takes GOOSE_PROVIDER, a user's Goose setting exported in their shell, for Goose"
    ),
    (S, "agent/not-kiro-ide-terminal-piped.json"): (
        "std-env takes TERM_PROGRAM=kiro without a tty for Kiro's agent; Kiro's IDE terminal "
        "says so for a person piping output too (kirodotdev/Kiro#177)"
    ),
    (S, "agent/not-kiro-ide-terminal-with-tty.json"): (
        "std-env's no-tty test looks at its own stdout, a pipe in this probe; the fixture is "
        "a person at Kiro's IDE terminal (stdin and stdout terminals)"
    ),
    **{
        (peer, "agent/not-opencode-embedded-terminal-piped-linux.json"): (
            f"{peer} takes OPENCODE=1 for OpenCode's agent; OpenCode's embedded terminals inherit "
            "it and add OPENCODE_TERMINAL=1 (packages/opencode/src/pty): a person's shell"
        )
        for peer in (V, A, S)
    },
    **{
        (peer, "agent/not-replit-workspace-shell.json"): (
            f"{peer} takes REPL_ID for Replit's agent; it is in every Replit workspace shell "
            "(am-i-vibing's own replit-assistant row needs REPLIT_MODE=assistant)"
        )
        for peer in (V, A, S)
    },
    (A, "agent/not-warp-human-terminal-piped-macos.json"): (
        "am-i-vibing 0.5.0 calls every Warp window (TERM_PROGRAM=WarpTerminal) a hybrid "
        "agent environment; later releases key Warp's agent on OZ_RUN_ID as envdetect does"
    ),
}


def peer_id(name: str | None) -> str | None:
    """envdetect's id for a peer's agent name (``None``: no agent)."""
    if not name:
        return None
    return PEER_NAMES.get(name) or agent.from_ai_agent(name)


def verdicts(answer: dict[str, Any]) -> dict[str, str | None]:
    """Each peer's verdict as an envdetect id; am-i-vibing's ``interactive``
    providers (an IDE, not its agent) are no agent, as its ``isAgent`` says."""
    vibing = answer["amIVibing"]
    return {
        V: peer_id(answer["vercel"]["agent"]),
        A: peer_id(vibing["id"]) if vibing["type"] in ("agent", "hybrid") else None,
        S: peer_id(answer["stdEnv"]["agent"]),
    }


@pytest.fixture(scope="session")
def peers(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The peers' node_modules (one install per run, reused after)."""
    return npm.installed_or_unavailable(
        request,
        tmp_path_factory,
        PEERS,
        needed_by="agent-peer differential test",
        prefix="agent-peers-",
        timeout=INSTALL_TIMEOUT,
    )


@pytest.fixture(scope="session")
def answers(peers: Path) -> dict[str, dict[str, str | None]]:
    """Every peer's verdict on every agent fixture, one node process per fixture."""

    def ask(path: Path) -> tuple[str, dict[str, str | None]]:
        document = load(path)
        world = {
            "processes": document.get("processes") or [],
            "files": sorted(document.get("files") or {}),
        }
        output = npm.run_node_probe(
            PROBE, peers, document.get("environ") or {}, input=json.dumps(world)
        )
        return fixture_id(path), verdicts(json.loads(output))

    with ThreadPoolExecutor(max_workers=4) as pool:
        return dict(pool.map(ask, AGENT_FIXTURES))


def _ours(path: Path) -> str | None:
    found = envdetect.detect(envdetect.load_fixture(load(path)), plugins=False).to_dict()["agent"]
    return None if found is None else str(found["id"])


def _expected(path: Path) -> str | None:
    found = load(path)["expect"].get("agent")
    return None if not found else str(found["id"])


def test_there_are_agent_fixtures() -> None:
    assert len(AGENT_FIXTURES) >= 50


def test_every_disagreement_names_a_peer_and_a_fixture() -> None:
    known = {fixture_id(path) for path in AGENT_FIXTURES}
    assert {peer for peer, _ in DISAGREEMENTS} <= set(PEERS)
    assert sorted({name for _, name in DISAGREEMENTS} - known) == []


def test_peer_names_map_to_envdetect_ids() -> None:
    assert peer_id(None) is None
    assert peer_id("claude") == "claude_code"
    assert peer_id("cursor-cli") == "cursor"
    assert peer_id("gemini-agent") == "gemini_cli"
    assert peer_id("droid") == "factory_droid"
    assert peer_id("bolt-agent") == "other"
    answer = {
        "vercel": {"agent": None},
        "amIVibing": {"id": "cursor", "type": "interactive"},
        "stdEnv": {"agent": "qwen-code"},
    }
    assert verdicts(answer) == {V: None, A: None, S: "qwen_code"}


@pytest.mark.parametrize("path", AGENT_FIXTURES, ids=fixture_id)
@pytest.mark.parametrize("peer", list(PEERS))
def test_matches_each_peer_or_says_why(
    path: Path, peer: str, answers: dict[str, dict[str, str | None]]
) -> None:
    name = fixture_id(path)
    ours, theirs = _ours(path), answers[name][peer]
    if (peer, name) in DISAGREEMENTS:
        assert ours != theirs, f"{name}: {peer} now agrees ({ours}); remove it from DISAGREEMENTS"
    else:
        assert ours == theirs, (
            f"{name}: envdetect says {ours}, {peer} {PEERS[peer]} says {theirs}; fix the "
            "detector or record the disagreement in DISAGREEMENTS"
        )


def score_table(answers: dict[str, dict[str, str | None]]) -> str:
    """The docs' table: per tool, the fixtures whose expected agent (or none) it gives."""
    right = dict.fromkeys(TOOLS, 0)
    agent_or_not = dict.fromkeys(TOOLS, 0)
    for path in AGENT_FIXTURES:
        expected = _expected(path)
        said = {"envdetect": _ours(path), **answers[fixture_id(path)]}
        for tool in TOOLS:
            right[tool] += said[tool] == expected
            agent_or_not[tool] += (said[tool] is None) == (expected is None)
    total = len(AGENT_FIXTURES)
    lines = [
        "| Tool | Version | Agent and id right | Agent or not right |",
        "| --- | --- | --- | --- |",
    ]
    for tool in TOOLS:
        version = envdetect.__version__ if tool == "envdetect" else PEERS[tool]
        lines.append(
            f"| {tool} | {version} | {right[tool]}/{total} "
            f"({100 * right[tool] // total}%) | {agent_or_not[tool]}/{total} |"
        )
    return "\n".join(lines)


def test_score_table(
    answers: dict[str, dict[str, str | None]], capsys: pytest.CaptureFixture[str]
) -> None:
    table = score_table(answers)
    with capsys.disabled():
        print("\n" + table)
    assert f"| envdetect | {envdetect.__version__} | {len(AGENT_FIXTURES)}/" in table
