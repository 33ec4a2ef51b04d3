"""The notice policy: no one is reported on before the notice was printed to them.

A real click tool (cli_click.py, wired exactly as the README shows, with no
call to ``first_run_notice()``) run at a terminal (a pseudo-terminal), through
pipes, in CI, with a read-only home and with an explicit opt-in, against a
loopback server; then the same invariant in-process for the odd cases (no
stderr, a failing stderr, debug mode).
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from envdetect.telemetry import Telemetry, _consent
from tests.conftest import ROOT
from tests.telemetry.conftest import (
    HERE,
    Recorder,
    read_terminal,
    record_senders,
    tool,
    tool_env,
)

TOOL = HERE / "cli_click.py"
NOTICE = "mytool collects anonymous usage data"
FIRST_RUN = "Nothing is sent on this run."
IN_CI = "In CI this notice goes to the job's log and usage is sent."


class Ran:
    def __init__(self, code: int, stdout: str, stderr: str) -> None:
        self.code, self.stdout, self.stderr = code, stdout, stderr


def run_tool(args: list[str], env: dict[str, str], terminal: bool = False) -> Ran:
    """The tool with stdout on a pipe and stderr on a pipe or a pseudo-terminal."""
    if not terminal:
        done = tool("click", args, env)
        return Ran(done.returncode, done.stdout, done.stderr)
    master, replica = os.openpty()
    process = subprocess.Popen(
        [sys.executable, str(TOOL), *args],
        env=env,
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=replica,
        text=True,
    )
    os.close(replica)
    terminal = read_terminal(master, 60)
    stdout, _ = process.communicate(timeout=60)
    return Ran(process.returncode, stdout, terminal)


def choice_text(tmp_path: Path) -> str:
    path = tmp_path / "config" / "mytool" / "telemetry.conf"
    return path.read_text() if path.exists() else ""


def sent_commands(srv: Any, count: int) -> list[str]:
    return [
        event["attributes"]["command"]
        for body in [json.loads(r["body"]) for r in srv.wait_for(count)]
        for event in body["events"]
    ]


# -- a person: told once, on stderr, whatever stderr is ------------------------------------------
@pytest.mark.parametrize(
    "terminal",
    [
        pytest.param(
            True,
            id="terminal",
            marks=pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal"),
        ),
        pytest.param(False, id="pipe"),
    ],
)
def test_told_once_then_measured(server, tmp_path: Path, terminal: bool) -> None:
    srv = server("normal")
    env = tool_env(tmp_path, srv.url(), tmpdir=True)
    first = run_tool(["deploy"], env, terminal)
    assert (first.code, first.stdout) == (0, "deployed\n")  # stdout is the tool's alone
    assert NOTICE in first.stderr
    assert FIRST_RUN in first.stderr
    assert "To see exactly what is sent: mytool telemetry show" in first.stderr
    assert "`mytool telemetry disable` or set MYTOOL_TELEMETRY=0 or DO_NOT_TRACK=1" in (
        first.stderr
    )
    assert srv.entries() == []  # the run that tells sends nothing, not even a connection
    assert "notice_shown = true" in choice_text(tmp_path)

    second = run_tool(["deploy"], env, terminal)
    assert (second.code, second.stdout) == (0, "deployed\n")
    assert NOTICE not in second.stderr
    if not terminal:
        assert second.stderr == ""  # nothing else on stderr either
    assert sent_commands(srv, 1) == ["deploy"]


def test_a_failing_first_run_is_told_and_not_sent(server, tmp_path: Path) -> None:
    srv = server("normal")
    ran = run_tool(["deploy", "--fail"], tool_env(tmp_path, srv.url(), tmpdir=True))
    assert ran.code == 1
    assert ran.stderr.index(NOTICE) < ran.stderr.index("Traceback")  # told before the error
    assert "ValueError: the deploy failed" in ran.stderr
    assert srv.entries() == []


# -- CI: the job's log is told, and the run is measured
@pytest.mark.parametrize("ci", [{"CI": "true"}, {"GITHUB_ACTIONS": "true"}], ids=["CI", "GHA"])
def test_ci_prints_the_notice_to_the_log_and_sends(
    server, tmp_path: Path, ci: dict[str, str]
) -> None:
    srv = server("normal")
    env = tool_env(tmp_path, srv.url(), tmpdir=True, **ci)
    first = run_tool(["deploy"], env)
    assert first.stdout == "deployed\n"
    assert NOTICE in first.stderr
    assert IN_CI in first.stderr
    assert FIRST_RUN not in first.stderr
    assert sent_commands(srv, 1) == ["deploy"]  # measured on the run that tells
    (body,) = srv.bodies()
    assert body["fingerprint"]["ci.detected"] is True
    # A home that outlives one run (one job's steps): told once per job.
    second = run_tool(["deploy"], env)
    assert second.stderr == ""
    assert sent_commands(srv, 2) == ["deploy", "deploy"]


def test_ci_with_a_read_only_home_tells_every_run(server, tmp_path: Path) -> None:
    srv = server("normal")
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    env = tool_env(
        tmp_path,
        srv.url(),
        tmpdir=True,
        CI="true",
        HOME=str(blocker / "home"),
        XDG_CONFIG_HOME=str(blocker / "config"),
    )
    for runs in (1, 2):
        ran = run_tool(["deploy"], env)
        assert ran.stdout == "deployed\n"
        assert IN_CI in ran.stderr  # it cannot be recorded: every run's log carries it
        assert sent_commands(srv, runs) == ["deploy"] * runs


# -- nowhere to record it, outside CI: neither nag nor send
@pytest.mark.parametrize("kind", ["under-a-file", "proc"])
def test_read_only_home_outside_ci_is_neither_told_nor_measured(
    server, tmp_path: Path, kind: str
) -> None:
    srv = server("normal")
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    home = str(blocker / "home") if kind == "under-a-file" else "/proc/self/fdinfo"
    env = tool_env(tmp_path, srv.url(), tmpdir=True, HOME=home)
    del env["XDG_CONFIG_HOME"]
    for _ in range(2):
        ran = run_tool(["deploy"], env)
        assert (ran.code, ran.stdout, ran.stderr) == (0, "deployed\n", "")
    time.sleep(0.2)
    assert srv.entries() == []


# -- told already: the user turned it on -----------------------------------------------------------
def test_explicit_opt_in_counts_as_told(server, tmp_path: Path) -> None:
    srv = server("normal")
    ran = run_tool(["deploy"], tool_env(tmp_path, srv.url(), tmpdir=True, MYTOOL_TELEMETRY="1"))
    assert (ran.stdout, ran.stderr) == ("deployed\n", "")
    assert sent_commands(srv, 1) == ["deploy"]
    assert not (tmp_path / "config").exists()  # nothing recorded: nothing needed


def test_enable_counts_as_told(server, tmp_path: Path) -> None:
    srv = server("normal")
    env = tool_env(tmp_path, srv.url(), tmpdir=True)
    enabled = run_tool(["telemetry", "enable"], env)
    assert enabled.code == 0
    assert enabled.stderr == ""
    assert "enabled = true" in choice_text(tmp_path)
    ran = run_tool(["deploy"], env)
    assert (ran.stdout, ran.stderr) == ("deployed\n", "")
    assert sent_commands(srv, 1) == ["deploy"]  # the enable run itself sent nothing


# -- in-process: the invariant's odd corners


@pytest.fixture
def recorded(monkeypatch: pytest.MonkeyPatch) -> list[Recorder]:
    made = record_senders(monkeypatch)
    monkeypatch.setattr(_consent, "in_ci", lambda: False)
    return made


def queued(made: list[Recorder]) -> list[object]:
    return [event for recorder in made for event in recorder.events]


def test_the_first_record_tells_when_the_host_never_asked(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, recorded: list[Recorder]
) -> None:
    stderr = io.StringIO()  # not a terminal: told all the same
    monkeypatch.setattr(sys, "stderr", stderr)
    t = Telemetry("hostapp", "1.0", "http://127.0.0.1:9/", config_dir=str(tmp_path))
    assert t.enabled
    assert t.reason.startswith("enabled by default once the notice has been shown and recorded")
    with t.track("build"):
        pass
    t.event("cache", {"hit": True})
    assert stderr.getvalue().count("hostapp collects anonymous usage data") == 1
    assert recorded == []  # no sender was ever made, so nothing queued
    assert not t.enabled
    assert t.reason == (
        "not this run: the notice was shown now; enabled by default from the next run"
    )
    assert t.first_run_notice() is False  # once per process
    later = Telemetry("hostapp", "1.0", "http://127.0.0.1:9/", config_dir=str(tmp_path))
    later.event("cache", {"hit": True})
    assert len(queued(recorded)) == 1
    assert later.reason == "enabled by default (the notice was shown on an earlier run)"


def test_an_explicit_notice_then_a_command_tells_once(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, recorded: list[Recorder]
) -> None:
    stderr = io.StringIO()
    monkeypatch.setattr(sys, "stderr", stderr)
    t = Telemetry("hostapp", "1.0", "http://127.0.0.1:9/", config_dir=str(tmp_path))
    assert t.first_run_notice() is True
    with t.track("build"):
        pass
    assert stderr.getvalue().count("collects anonymous usage data") == 1
    assert queued(recorded) == []


def test_no_stderr_means_not_told_and_nothing_sent(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, recorded: list[Recorder]
) -> None:
    monkeypatch.setattr(sys, "stderr", None)  # pythonw, or a closed descriptor
    t = Telemetry("hostapp", "1.0", "http://127.0.0.1:9/", config_dir=str(tmp_path))
    t.event("x")
    assert queued(recorded) == []
    assert not t.enabled
    assert "no stderr" in t.reason
    assert not (tmp_path / "telemetry.conf").exists()  # not recorded as told


@pytest.mark.parametrize("earlier", [None, "# kept\nenabled_by = nobody\n"])
def test_a_failing_stderr_takes_the_record_back(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, recorded: list[Recorder], earlier: str | None
) -> None:
    class Broken(io.StringIO):
        def write(self, text: str) -> int:
            raise OSError("stderr is gone")

    monkeypatch.setattr(sys, "stderr", Broken())
    conf = tmp_path / "telemetry.conf"
    if earlier is not None:
        conf.write_text(earlier)
    t = Telemetry("hostapp", "1.0", "http://127.0.0.1:9/", config_dir=str(tmp_path))
    t.event("x")
    assert queued(recorded) == []
    assert not t.enabled
    if earlier is None:
        assert not conf.exists()
    else:
        assert "notice_shown" not in conf.read_text()
        assert "enabled_by = nobody" in conf.read_text()


def test_debug_mode_shows_no_notice(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, recorded: list[Recorder]
) -> None:
    monkeypatch.setenv("ENVDETECT_TELEMETRY_DEBUG", "1")
    stderr = io.StringIO()
    monkeypatch.setattr(sys, "stderr", stderr)
    t = Telemetry("hostapp", "1.0", "http://127.0.0.1:9/", config_dir=str(tmp_path))
    assert t.first_run_notice() is False
    t.event("x")
    assert "collects anonymous usage data" not in stderr.getvalue()
    assert len(queued(recorded)) == 1  # printed by the sender in debug mode, never sent
    assert not (tmp_path / "telemetry.conf").exists()


def test_in_ci_the_record_is_measured_and_the_reason_says_so(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, recorded: list[Recorder]
) -> None:
    monkeypatch.setattr(_consent, "in_ci", lambda: True)
    stderr = io.StringIO()
    monkeypatch.setattr(sys, "stderr", stderr)
    t = Telemetry("hostapp", "1.0", "http://127.0.0.1:9/", config_dir=str(tmp_path))
    t.event("x")
    assert "In CI this notice goes to the job's log" in stderr.getvalue()
    assert len(queued(recorded)) == 1
    assert t.reason == "enabled in CI (the notice was printed to the job's log)"
