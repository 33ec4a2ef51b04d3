"""The ready ``telemetry`` command: ``status``, ``enable``, ``disable``, ``show``.

Framework-free in-process (``Telemetry.command``), then the README's click,
typer and argparse tools (cli_*.py) as real programs; ``show`` is checked
against what the sender actually POSTs from the same environment.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from envdetect.telemetry import Telemetry, _command
from tests.conftest import ROOT
from tests.telemetry.conftest import Recorder, record_senders, tool, tool_env

ENDPOINT = "http://127.0.0.1:9/ingest"


@pytest.fixture(autouse=True)
def clean(monkeypatch: pytest.MonkeyPatch) -> list[Recorder]:
    return record_senders(monkeypatch)


def told(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "telemetry.conf").write_text("notice_shown = true\n")
    return folder


def make(folder: Path, endpoint: str | None = ENDPOINT, **options: Any) -> Telemetry:
    return Telemetry(
        "hostapp",
        "1.0",
        endpoint,
        opt_out_env="HOSTAPP_TELEMETRY",
        config_dir=str(folder),
        **options,
    )


# -- status ---------------------------------------------------------------------------------------
def test_status_says_on_why_where_and_the_endpoints_host_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    t = make(
        told(tmp_path), "https://alice:s3cret@telemetry.example.com:8443/v1/ingest?key=abc123#frag"
    )
    assert t.command(["status"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    lines = out.splitlines()
    assert lines[0] == "hostapp telemetry: on"
    assert lines[1] == "why: enabled by default (the notice was shown on an earlier run)"
    assert lines[2] == f"choice file: {tmp_path / 'telemetry.conf'} (stored choice: none)"
    assert lines[3] == "sends to: telemetry.example.com (json wire)"
    for secret in ("alice", "s3cret", "8443", "/v1/ingest", "key", "abc123", "frag"):
        assert secret not in out
    assert "`hostapp telemetry disable`" in out
    assert "HOSTAPP_TELEMETRY=0 or DO_NOT_TRACK=1" in out
    assert "`hostapp telemetry show`" in out
    assert t.command([]) == 0  # no subcommand: status
    assert capsys.readouterr().out == out


@pytest.mark.parametrize(
    ("setup", "first", "why"),
    [
        ({"HOSTAPP_TELEMETRY": "yes"}, "on", "enabled by HOSTAPP_TELEMETRY=yes"),
        ({"HOSTAPP_TELEMETRY": "0"}, "off", "HOSTAPP_TELEMETRY turns it off"),
        ({"DO_NOT_TRACK": "1"}, "off", "DO_NOT_TRACK is set"),
        ("enabled = true", "on", "enabled by the stored setting"),
        ("enabled = false", "off", "disabled by the stored setting"),
        (
            "",
            "on",
            "enabled by default once the notice has been shown and recorded (due at the first "
            "command; outside CI that run sends nothing)",
        ),
    ],
)
def test_status_says_what_decided(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    *,
    setup: Any,
    first: str,
    why: str,
) -> None:
    if isinstance(setup, dict):
        for key, value in setup.items():
            monkeypatch.setenv(key, value)
    elif setup:
        (tmp_path / "telemetry.conf").write_text(setup + "\n")
    assert make(tmp_path).command(["status"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[:2] == [f"hostapp telemetry: {first}", f"why: {why}"]


def test_status_on_the_run_that_showed_the_notice(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from envdetect.telemetry import _consent

    monkeypatch.setattr(_consent, "in_ci", lambda: False)
    t = make(tmp_path)
    assert t.first_run_notice() is True
    assert t.command(["status"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == (
        "hostapp telemetry: on from the next run (this run showed the notice and sends nothing)"
    )


def test_status_without_endpoint_or_home(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("HOME", raising=False)
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    t = Telemetry("hostapp", "1.0")
    assert t.command(["status"]) == 0
    out = capsys.readouterr().out
    assert "sends to: none (nothing is ever sent)" in out
    assert "choice file: nowhere (no home or config folder)" in out


# -- enable, disable ------------------------------------------------------------------------------
def test_enable_and_disable_store_the_choice(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    conf = tmp_path / "telemetry.conf"
    assert make(tmp_path).command(["disable"]) == 0
    assert capsys.readouterr() == (f"hostapp telemetry is now off (stored in {conf}).\n", "")
    assert "enabled = false" in conf.read_text()
    assert not make(tmp_path).enabled
    assert make(tmp_path).command(["enable"]) == 0
    assert capsys.readouterr().out == f"hostapp telemetry is now on (stored in {conf}).\n"
    again = make(tmp_path)
    assert again.enabled
    assert again.reason == "enabled by the stored setting"


@pytest.mark.parametrize(
    ("variable", "value", "word", "note"),
    [
        ("DO_NOT_TRACK", "1", "enable", "DO_NOT_TRACK is set"),
        ("HOSTAPP_TELEMETRY", "off", "enable", "HOSTAPP_TELEMETRY is 'off'"),
        ("HOSTAPP_TELEMETRY", "1", "disable", "HOSTAPP_TELEMETRY is '1'"),
    ],
)
def test_a_variable_that_still_decides_is_pointed_out(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    *,
    variable: str,
    value: str,
    word: str,
    note: str,
) -> None:
    monkeypatch.setenv(variable, value)
    assert make(tmp_path).command([word]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[1] == f"Note: {note} in this environment, and it decides first."


def test_a_choice_that_cannot_be_stored_is_one_line_and_status_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    assert make(blocker / "config").command(["disable"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (
        f"hostapp telemetry: cannot store the choice "
        f"({blocker / 'config' / 'telemetry.conf'} is not writable)\n"
    )


# -- usage ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "argv",
    [
        ["bogus"],
        ["status", "extra"],
        ["--json"],
        ["enable", "x"],
        "status",
        [1],
        [None],
        ["x" * 500],
        ["\x1b[31m"],
    ],
)
def test_bad_usage_is_one_line_on_stderr_and_status_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: Any
) -> None:
    t = make(told(tmp_path))
    assert t.command(argv) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("hostapp telemetry: ")
    assert "\x1b" not in err
    assert len(err) < 200
    assert (tmp_path / "telemetry.conf").read_text() == "notice_shown = true\n"  # untouched


@pytest.mark.parametrize("flag", ["--help", "-h", "help"])
def test_help(tmp_path: Path, capsys: pytest.CaptureFixture[str], flag: str) -> None:
    assert make(tmp_path, telemetry_command="my-tool config telemetry").command([flag]) == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: my-tool config telemetry [status|enable|disable|show]\n")
    for word in ("status", "enable", "disable", "show"):
        assert f"\n  {word} " in out


def test_an_internal_failure_is_one_line_never_a_traceback(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(*args: object) -> str:
        raise RuntimeError("internal")

    monkeypatch.setattr(_command, "status", broken)
    assert make(tmp_path).command(["status"]) == 1
    assert capsys.readouterr() == ("", "hostapp telemetry: internal error\n")


def test_an_invalid_telemetry_command_spelling_turns_it_off(tmp_path: Path) -> None:
    for spelling in ("", "x" * 129, "tool\ntelemetry", 42):
        t = make(tmp_path, telemetry_command=spelling)
        assert t.reason == "invalid argument: telemetry_command"


# -- never measured -------------------------------------------------------------------------------
def test_the_command_itself_is_never_recorded_or_sent(
    tmp_path: Path, clean: list[Recorder], capsys: pytest.CaptureFixture[str]
) -> None:
    t = make(told(tmp_path))
    t.event("before", {"n": 1})  # queued earlier in this process: dropped too
    with t.track("telemetry", "status"):  # a host that tracks every command
        assert t.command(["status"]) == 0
    t.event("after", {"n": 2})
    (recorder,) = clean
    assert recorder.cancelled
    assert recorder.events == []
    assert not t.enabled
    assert capsys.readouterr().out.startswith("hostapp telemetry: on\n")  # as it was


def test_show_queues_nothing(
    tmp_path: Path, clean: list[Recorder], capsys: pytest.CaptureFixture[str]
) -> None:
    t = make(told(tmp_path), allowed_values={"command": ["sync", "build"]})
    assert t.command(["show"]) == 0
    assert all(recorder.events == [] for recorder in clean)
    out = capsys.readouterr().out
    body = json.loads(
        out.splitlines()[
            out.splitlines().index(
                '# wire="json": POST to the endpoint, Content-Type: application/json'
            )
            + 1
        ]
    )
    (event,) = body["events"]
    assert event["attributes"]["command"] == "build"  # the host's own vocabulary


# -- the tools: click, typer, argparse
@pytest.mark.parametrize("name", ["click", "typer", "argparse"])
def test_the_command_in_each_framework(server, tmp_path: Path, name: str) -> None:
    srv = server("normal")
    env = tool_env(tmp_path, srv.url())
    told(tmp_path / "config" / "mytool")
    status = tool(name, ["telemetry"], env)
    assert (status.returncode, status.stderr) == (0, "")
    assert status.stdout.splitlines()[:2] == [
        "mytool telemetry: on",
        "why: enabled by default (the notice was shown on an earlier run)",
    ]
    assert "sends to: 127.0.0.1 (json wire)" in status.stdout
    assert tool(name, ["telemetry", "disable"], env).returncode == 0
    assert tool(name, ["deploy"], env).stdout == "deployed\n"
    assert tool(name, ["telemetry", "status"], env).stdout.splitlines()[1] == (
        "why: disabled by the stored setting"
    )
    assert tool(name, ["telemetry", "enable"], env).returncode == 0
    assert tool(name, ["telemetry", "show"], env).returncode == 0
    assert srv.entries() == []  # no telemetry command run sent anything
    assert tool(name, ["deploy"], env).stdout == "deployed\n"
    (body,) = [json.loads(r["body"]) for r in srv.wait_for(1)]
    assert [e["attributes"]["command"] for e in body["events"]] == ["deploy"]
    bad = tool(name, ["telemetry", "bogus"], env)
    assert bad.returncode == 2
    assert bad.stdout == ""
    assert "bogus" in bad.stderr
    if name != "click":  # click words its own usage errors
        assert bad.stderr == (
            "mytool telemetry: unknown subcommand 'bogus' "
            "(expected status, enable, disable or show)\n"
        )


def normalised_json(body: dict[str, Any]) -> dict[str, Any]:
    for key in ("run_id", "batch_id"):  # random, one per run and one per batch
        value = body.pop(key)
        assert len(value) == 32
        int(value, 16)
    for event in body["events"]:
        assert event.pop("time_unix_ms") > 0
        assert event["attributes"].pop("duration_ms") >= 0
    return body


def normalised_otlp(body: dict[str, Any]) -> tuple[dict[str, Any], str]:
    (resource_logs,) = body["resourceLogs"]
    attributes = resource_logs["resource"]["attributes"]
    (instance,) = [pair for pair in attributes if pair["key"] == "service.instance.id"]
    attributes.remove(instance)
    for scope in resource_logs["scopeLogs"]:
        (batch,) = [
            pair
            for pair in scope["scope"]["attributes"]
            if pair["key"] == "envdetect.telemetry.batch_id"
        ]
        scope["scope"]["attributes"].remove(batch)
        for record in scope["logRecords"]:
            assert record.pop("timeUnixNano") == record.pop("observedTimeUnixNano")
            (duration,) = [
                pair for pair in record["attributes"] if pair["key"] == "mytool.duration_ms"
            ]
            record["attributes"].remove(duration)
    return body, instance["value"]["stringValue"]


def test_show_prints_exactly_what_the_sender_posts(server, tmp_path: Path) -> None:
    srv = server("normal")
    env = tool_env(tmp_path, srv.url())
    told(tmp_path / "config" / "mytool")
    shown = tool("click", ["telemetry", "show"], env)
    assert (shown.returncode, shown.stderr) == (0, "")
    lines = shown.stdout.splitlines()
    json_line = lines[
        lines.index('# wire="json": POST to the endpoint, Content-Type: application/json') + 1
    ]
    otlp_line = lines[
        next(i for i, line in enumerate(lines) if line.startswith('# wire="otlp"')) + 1
    ]
    assert "# This host uses wire='json' and sends to 127.0.0.1." in lines
    shown_json, shown_otlp = json.loads(json_line), json.loads(otlp_line)
    assert srv.entries() == []  # show sends nothing

    for wire in ("json", "otlp"):
        ran = tool("click", ["deploy"], {**env, "MYTOOL_WIRE": wire})
        assert (ran.returncode, ran.stdout, ran.stderr) == (0, "deployed\n", "")
    sent = {request["line"].split()[1]: json.loads(request["body"]) for request in srv.wait_for(2)}
    assert set(sent) == {"/ingest", "/ingest/v1/logs"}

    shown_run = shown_json["run_id"]
    assert normalised_json(shown_json) == normalised_json(sent["/ingest"])
    body, shown_instance = normalised_otlp(shown_otlp)
    sent_body, sent_instance = normalised_otlp(sent["/ingest/v1/logs"])
    assert body == sent_body
    assert shown_instance == shown_run  # one process, one run id on both wires
    assert sent_instance != shown_run


def test_click_is_imported_only_for_the_click_command() -> None:
    code = (
        "import sys\n"
        "from envdetect.telemetry import Telemetry\n"
        "t = Telemetry('hostapp', '1.0', 'http://127.0.0.1:9/')\n"
        "t.command(['--help'])\n"
        "before = 'click' in sys.modules\n"
        "group = t.click_command('tele')\n"
        "print(before, 'click' in sys.modules, group.name, sorted(group.commands))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert done.stdout.splitlines()[-1] == (
        "False True tele ['disable', 'enable', 'show', 'status']"
    )
