"""The recording API in-process: what each call records, what it refuses, and that
nothing raises into the host.  The sender is replaced by a recorder here; the
real one is exercised against real servers in test_faults.py."""

from __future__ import annotations

import math
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

import envdetect.telemetry._queue
from envdetect.telemetry import Telemetry
from tests.telemetry.conftest import Recorder, record_senders

ENDPOINT = "http://127.0.0.1:9/ingest"


@pytest.fixture(autouse=True)
def recorder(monkeypatch: pytest.MonkeyPatch) -> list[Recorder]:
    return record_senders(monkeypatch)


@pytest.fixture(autouse=True)
def told_earlier(tmp_path) -> None:
    """The user saw the notice on an earlier run (the notice itself: test_notice.py)."""
    (tmp_path / "telemetry.conf").write_text("notice_shown = true\n")


def make(tmp_path, **options: Any) -> Telemetry:
    return Telemetry("hostapp", "1.0", ENDPOINT, config_dir=str(tmp_path), **options)


def attributes(t: Telemetry) -> list[dict[str, Any]]:
    sender = t._sender
    assert isinstance(sender, Recorder)
    return [event[2] for event in sender.events]


# -- track --------------------------------------------------------------------------------
def test_track_success(tmp_path) -> None:
    t = make(tmp_path)
    with t.track("build", "all"):
        pass
    (event,) = t._sender.events  # type: ignore[union-attr]
    assert event[0] == "command"
    assert isinstance(event[1], int)
    recorded = event[2]
    assert recorded.pop("duration_ms") >= 0
    assert recorded == {
        "command": "build",
        "subcommand": "all",
        "status": "success",
        "exit_code": 0,
    }


def test_exception_propagates_unchanged_and_only_its_class_name_is_kept(tmp_path) -> None:
    t = make(tmp_path)
    error = ValueError("a message with /home/someone/secret")
    with pytest.raises(ValueError, match="secret") as caught, t.track("build"):
        raise error
    assert caught.value is error
    assert caught.value.args == ("a message with /home/someone/secret",)
    assert (
        caught.traceback[-1].name == "test_exception_propagates_unchanged_and_only_its_"
        "class_name_is_kept"
    )
    (recorded,) = attributes(t)
    assert recorded["error_type"] == "ValueError"
    assert recorded["status"] == "failure"
    assert recorded["exit_code"] == 1
    assert "secret" not in repr(t._sender.events)  # type: ignore[union-attr]


EXIT_CODES = [None, 0, 3, "a message", True, 256, -1, 2**40, 2**70, 300, -300]


def _real_exit_status(code: object) -> int:
    """What the operating system reports for a program ending with sys.exit(code)."""
    done = subprocess.run(
        [sys.executable, "-c", f"import sys; sys.exit({code!r})"],
        capture_output=True,
        timeout=30,
        check=False,
    )
    return done.returncode % 2**32 if sys.platform == "win32" else done.returncode


@pytest.fixture(scope="module")
def real_statuses() -> dict[str, int]:
    with ThreadPoolExecutor(4) as pool:
        return dict(zip(map(repr, EXIT_CODES), pool.map(_real_exit_status, EXIT_CODES)))


@pytest.mark.parametrize("code", EXIT_CODES, ids=repr)
def test_system_exit_records_the_status_the_process_really_ends_with(
    tmp_path, code: object, real_statuses: dict[str, int]
) -> None:
    t = make(tmp_path)
    with pytest.raises(SystemExit) as caught, t.track("build"):
        sys.exit(code)
    assert caught.value.code == code
    (recorded,) = attributes(t)
    expected = real_statuses[repr(code)]
    assert recorded["exit_code"] == expected
    assert recorded["status"] == ("success" if expected == 0 else "failure")
    assert "error_type" not in recorded


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX keeps the low 8 bits")
@pytest.mark.parametrize(("code", "expected"), [(256, 0), (-1, 255), (300, 44), (2**70, 255)])
def test_out_of_range_exit_codes_are_what_posix_reports(tmp_path, code: int, expected: int) -> None:
    t = make(tmp_path)
    t.record_command("build", duration_ms=1.0, exit_code=code)
    with pytest.raises(SystemExit), t.track("build"):
        sys.exit(code)
    assert [a["exit_code"] for a in attributes(t)] == [expected, expected]


def test_keyboard_interrupt(tmp_path) -> None:
    t = make(tmp_path)
    with pytest.raises(KeyboardInterrupt), t.track("build"):
        raise KeyboardInterrupt
    (recorded,) = attributes(t)
    assert (recorded["exit_code"], recorded["error_type"]) == (130, "KeyboardInterrupt")


def test_decorator(tmp_path) -> None:
    t = make(tmp_path)

    @t.track("deploy", "stack")
    def deploy(x: int, *, y: int) -> int:
        """Deploys."""
        return x + y

    assert deploy(1, y=2) == 3
    assert deploy.__name__ == "deploy"
    assert deploy.__doc__ == "Deploys."
    with pytest.raises(ZeroDivisionError):
        t.track("divide")(lambda: 1 / 0)()
    assert [(a["command"], a["status"]) for a in attributes(t)] == [
        ("deploy", "success"),
        ("divide", "failure"),
    ]


def test_decorator_wraps_the_same_way_on_and_off(tmp_path, monkeypatch, recorder) -> None:
    """One wrapper whether on or off, so a traceback through it is the same."""

    def f() -> int:
        return 7

    on = make(tmp_path).track("x")(f)
    monkeypatch.setenv("DO_NOT_TRACK", "1")
    off = make(tmp_path).track("x")(f)
    assert off.__code__ is on.__code__  # type: ignore[attr-defined]
    assert off.__wrapped__ is f  # type: ignore[attr-defined]
    assert off() == 7
    assert recorder == []  # off: nothing made, nothing recorded


def test_track_without_a_name(tmp_path) -> None:
    t = make(tmp_path)

    @t.track()
    def deploy() -> None:
        pass

    deploy()
    with t.track():
        pass
    assert [a["command"] for a in attributes(t)] == ["deploy", "other"]


def test_plain_call_for_hosts_that_time_things_themselves(tmp_path) -> None:
    t = make(tmp_path)
    t.record_command(
        "deploy",
        "stack",
        duration_ms=12.3456789,
        exit_code=2,
        error=KeyError("key that is a secret"),
    )
    t.record_command("deploy", duration_ms=1.0, error=OSError)
    t.record_command("deploy", duration_ms=float("nan"), error="a message string")  # type: ignore[arg-type]
    first, second, third = attributes(t)
    assert first == {
        "command": "deploy",
        "subcommand": "stack",
        "status": "failure",
        "exit_code": 2,
        "error_type": "KeyError",
        "duration_ms": 12.346,
    }
    assert second["error_type"] == "OSError"
    assert second["status"] == "failure"
    assert "error_type" not in third  # a string may be a message: never sent
    assert "duration_ms" not in third


@pytest.mark.parametrize(
    "value",
    [
        "/home/alice/project/file.txt",
        "https://example.com/x",
        "a b",
        "x" * 65,
        "",
        "ünï",
        "--password=hunter2",
        "alice@example.com",
        42,
        None,
    ],
)
def test_command_names_outside_a_vocabulary_shape_become_other(tmp_path, value: Any) -> None:
    t = make(tmp_path)
    with t.track(value, value):
        pass
    (recorded,) = attributes(t)
    assert recorded["command"] == "other"
    assert recorded.get("subcommand", "other") == "other"


def test_allowed_values_restrict_commands(tmp_path) -> None:
    t = make(tmp_path, allowed_values={"command": ["build", "deploy"]})
    for name in ("build", "deploy", "rm-rf"):
        with t.track(name):
            pass
    assert [a["command"] for a in attributes(t)] == ["build", "deploy", "other"]


# -- other events ---------------------------------------------------------------------------
def test_event_attributes_are_booleans_numbers_and_allowlisted_strings(tmp_path) -> None:
    t = make(tmp_path, allowed_values={"format": ["yaml", "json"], "region": ("eu",)})
    t.event(
        "export",
        {
            "ok": True,
            "count": 3,
            "ratio": 0.5,
            "format": "yaml",
            "region": "us",
            "path": "/home/alice",
            "nan": math.nan,
            "inf": math.inf,
            "huge": 2**64,
            "Bad-Key": 1,
            "nested": {"a": 1},
            "list": [1],
            "none": None,
            "bytes": b"x",
        },
    )
    (recorded,) = attributes(t)
    assert recorded == {"ok": True, "count": 3, "ratio": 0.5, "format": "yaml"}


def test_event_limits(tmp_path) -> None:
    t = make(tmp_path)
    t.event("many", {f"k{i}": i for i in range(100)})
    t.event("x" * 65, {})
    t.event("Bad Name", {})
    t.event("command", {"exit_code": 0})  # reserved for track()
    t.event("ok.name_1")
    events = t._sender.events  # type: ignore[union-attr]
    assert [event[0] for event in events] == ["many", "ok.name_1"]
    assert len(events[0][2]) == 32


# -- configuration ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("options", "problem"),
    [
        ({"wire": "xml"}, "wire"),
        ({"exit_wait": -1}, "exit_wait"),
        ({"exit_wait": "1"}, "exit_wait"),
        ({"exit_wait": math.nan}, "exit_wait"),
        ({"exit_wait": True}, "exit_wait"),
        ({"opt_out_env": "MY VAR"}, "opt_out_env"),
        ({"headers": {"X-Key": "a\r\nb"}}, "headers"),
        ({"headers": {"Bad Name": "x"}}, "headers"),
        ({"allowed_values": {"k": "abc"}}, "allowed_values"),
    ],
)
def test_invalid_arguments_turn_it_off_without_raising(tmp_path, options, problem) -> None:
    t = make(tmp_path, **options)
    assert not t.enabled
    assert t.reason == f"invalid argument: {problem}"
    with t.track("x"):
        t.event("y")


@pytest.mark.parametrize(
    ("app", "version", "endpoint"),
    [
        ("my tool", "1.0", ENDPOINT),
        ("../etc", "1.0", ENDPOINT),
        ("", "1.0", ENDPOINT),
        ("app", "1.0 beta", ENDPOINT),
        ("app", None, ENDPOINT),
        ("app", "1.0", "ftp://x/"),
        ("app", "1.0", b"http://x/"),
        (None, "1.0", ENDPOINT),
    ],
)
def test_invalid_names_turn_it_off(tmp_path, app, version, endpoint) -> None:
    t = Telemetry(app, version, endpoint, config_dir=str(tmp_path))
    assert not t.enabled
    assert t.reason.startswith("invalid argument")


def test_nothing_raises_into_the_host(tmp_path, monkeypatch) -> None:
    def broken(*args: object) -> None:
        raise RuntimeError("internal failure")

    monkeypatch.setattr(Recorder, "add", broken)
    t = make(tmp_path)
    with t.track("build"):
        pass
    t.track("build")(lambda: None)()
    t.event("x", {"a": 1})
    t.record_command("x", duration_ms=1)
    monkeypatch.setattr(envdetect.telemetry._queue, "Sender", broken)
    t = make(tmp_path)
    t.event("x")
    assert not t.enabled
    assert t.reason == "internal error"


def test_sender_is_made_lazily_once(tmp_path, recorder) -> None:
    t = make(tmp_path)
    assert recorder == []
    with t.track("a"):
        assert len(recorder) == 1  # made at the first track(): detection overlaps the command
    t.event("b")
    assert len(recorder) == 1


# -- what turned it on ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("setup", "reason"),
    [
        ({"HOSTAPP_TELEMETRY": "1"}, "enabled by HOSTAPP_TELEMETRY=1"),
        ({"HOSTAPP_TELEMETRY": " On "}, "enabled by HOSTAPP_TELEMETRY=on"),
        ("enabled = true", "enabled by the stored setting"),
        ("notice_shown = true", "enabled by default (the notice was shown on an earlier run)"),
        (
            "",
            "enabled by default once the notice has been shown and recorded "
            "(due at the first command; outside CI that run sends nothing)",
        ),
    ],
)
def test_reason_says_what_enabled_it(monkeypatch, tmp_path, setup: Any, reason: str) -> None:
    folder = tmp_path / "fresh"
    folder.mkdir()
    if isinstance(setup, dict):
        for key, value in setup.items():
            monkeypatch.setenv(key, value)
    elif setup:
        (folder / "telemetry.conf").write_text(setup + "\n")
    t = Telemetry(
        "hostapp", "1.0", ENDPOINT, opt_out_env="HOSTAPP_TELEMETRY", config_dir=str(folder)
    )
    assert t.enabled
    assert t.reason == reason


def test_set_enabled_true_counts_as_told(monkeypatch, tmp_path, recorder) -> None:
    folder = tmp_path / "fresh"
    stderr = __import__("io").StringIO()
    monkeypatch.setattr(sys, "stderr", stderr)
    t = Telemetry("hostapp", "1.0", ENDPOINT, config_dir=str(folder))
    assert t.set_enabled(True)
    assert t.reason == "enabled by the stored setting"
    t.event("x")
    assert stderr.getvalue() == ""  # the user turned it on: no notice needed
    assert len(recorder[0].events) == 1


# -- debug mode says what it leaves out ------------------------------------------------------
def said(capsys: pytest.CaptureFixture[str]) -> list[str]:
    lines = capsys.readouterr().err.splitlines()
    assert all(line.startswith("envdetect.telemetry: ") for line in lines), lines
    return [line[len("envdetect.telemetry: ") :] for line in lines]


def test_debug_mode_says_what_it_drops_and_why_but_never_a_value(
    tmp_path, monkeypatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ENVDETECT_TELEMETRY_DEBUG", "1")
    t = make(tmp_path, allowed_values={"format": ["yaml"], "command": ["build"]})
    t.event("Build.Output", {"a": 1})
    t.event("command")
    t.event("/home/alice/secret-path")
    t.event(
        "export",
        {
            "format": "hunter2-secret",
            "nan": math.nan,
            "Bad-Key": 1,
            "nested": {"a": "secret"},
            "ok": True,
            "huge": 2**64,
        },
    )
    t.event("wide", {f"k{i}": i for i in range(40)})
    t.record_command("deploy-secret", duration_ms=-1, exit_code=300, error="secret message")
    lines = said(capsys)
    assert (
        lines
        == [
            "event 'Build.Output' dropped: a name is lowercase letters, digits, _ and . (up to 64)",
            "event 'command' dropped: reserved for track()",
            "event (not a word, 23 characters) dropped: a name is lowercase letters, digits, _ "
            "and . (up to 64)",
            "event export: attribute format left out: a string not in allowed_values for it",
            "event export: attribute nan left out: not a finite number",
            "event export: attribute 'Bad-Key' left out: a name is lowercase letters, digits, _ "
            "and . (up to 64)",
            "event export: attribute nested left out: a dict is not a boolean, number or string",
            "event export: attribute huge left out: an integer outside 64 bits",
            "event wide: 8 attributes left out: at most 32",
            "record_command: error left out: not an exception or exception class (a string "
            "could be a message)",
            "command: a value not in allowed_values['command'] is sent as 'other'",
            "exit_code 300 recorded as 44, the status the operating system reports for it",
            "duration_ms left out: not a finite, non-negative number",
        ]
        if sys.platform != "win32"
        else lines
    )
    assert "secret" not in "\n".join(lines)
    assert "hunter2" not in "\n".join(lines)
    assert [e[0] for e in t._sender.events] == ["export", "wide", "command"]  # type: ignore[union-attr]


def test_drops_are_silent_outside_debug_mode(tmp_path, capsys: pytest.CaptureFixture[str]) -> None:
    t = make(tmp_path)
    t.event("Build.Output")
    t.record_command("x", duration_ms=1, exit_code=300)
    assert capsys.readouterr() == ("", "")
