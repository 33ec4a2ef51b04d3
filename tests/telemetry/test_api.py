"""The recording API in-process: what each call records, what it refuses, and that
nothing raises into the host.  The sender is replaced by a recorder here; the
real one is exercised against real servers in test_faults.py."""

from __future__ import annotations

import math
import sys
from typing import Any, ClassVar

import pytest

import envdetect._send
from envdetect.telemetry import Telemetry

ENDPOINT = "http://127.0.0.1:9/ingest"


class Recorder:
    made: ClassVar[list[Recorder]] = []

    def __init__(self, config: envdetect._send.Config) -> None:
        self.config = config
        self.events: list[tuple[str, int, dict[str, Any]]] = []
        self.dropped_total = 0
        self.cancelled = False
        Recorder.made.append(self)

    def add(self, event: tuple[str, int, dict[str, Any]]) -> None:
        self.events.append(event)

    def start(self) -> None:
        pass

    def cancel(self) -> None:
        self.cancelled = True


@pytest.fixture(autouse=True)
def recorder(monkeypatch: pytest.MonkeyPatch):
    for name in ("DO_NOT_TRACK", "HOSTAPP_TELEMETRY", "ENVDETECT_TELEMETRY_DEBUG", "CI"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(envdetect._send, "Sender", Recorder)
    Recorder.made.clear()
    return Recorder.made


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
    assert recorded == {"command": "build", "subcommand": "all", "status": "success",
                        "exit_code": 0}


def test_exception_propagates_unchanged_and_only_its_class_name_is_kept(tmp_path) -> None:
    t = make(tmp_path)
    error = ValueError("a message with /home/someone/secret")
    with pytest.raises(ValueError, match="secret") as caught, t.track("build"):
        raise error
    assert caught.value is error
    assert caught.value.args == ("a message with /home/someone/secret",)
    assert caught.traceback[-1].name == "test_exception_propagates_unchanged_and_only_its_" \
        "class_name_is_kept"
    (recorded,) = attributes(t)
    assert recorded["error_type"] == "ValueError"
    assert recorded["status"] == "failure"
    assert recorded["exit_code"] == 1
    assert "secret" not in repr(t._sender.events)  # type: ignore[union-attr]


@pytest.mark.parametrize(("code", "status", "expected"), [
    (None, "success", 0), (0, "success", 0), (3, "failure", 3), ("a message", "failure", 1),
    (True, "failure", 1), (2**40, "failure", 2**31 - 1)])
def test_system_exit_counts_with_its_code(tmp_path, code: object, status: str,
                                          expected: int) -> None:
    t = make(tmp_path)
    with pytest.raises(SystemExit) as caught, t.track("build"):
        sys.exit(code)
    assert caught.value.code == code
    (recorded,) = attributes(t)
    assert (recorded["status"], recorded["exit_code"]) == (status, expected)
    assert "error_type" not in recorded


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
        ("deploy", "success"), ("divide", "failure")]


def test_decorator_when_off_returns_the_function_itself(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("DO_NOT_TRACK", "1")
    t = make(tmp_path)

    def f() -> None:
        pass

    assert t.track("x")(f) is f


def test_plain_call_for_hosts_that_time_things_themselves(tmp_path) -> None:
    t = make(tmp_path)
    t.record_command("deploy", "stack", duration_ms=12.3456789, exit_code=2,
                     error=KeyError("key that is a secret"))
    t.record_command("deploy", duration_ms=1.0, error=OSError)
    t.record_command("deploy", duration_ms=float("nan"), error="a message string")  # type: ignore[arg-type]
    first, second, third = attributes(t)
    assert first == {"command": "deploy", "subcommand": "stack", "status": "failure",
                     "exit_code": 2, "error_type": "KeyError", "duration_ms": 12.346}
    assert second["error_type"] == "OSError"
    assert second["status"] == "failure"
    assert "error_type" not in third  # a string may be a message: never sent
    assert "duration_ms" not in third


@pytest.mark.parametrize("value", [
    "/home/alice/project/file.txt", "https://example.com/x", "a b", "x" * 65, "", "ünï",
    "--password=hunter2", "alice@example.com", 42, None])
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
    t.event("export", {
        "ok": True, "count": 3, "ratio": 0.5, "format": "yaml", "region": "us",
        "path": "/home/alice", "nan": math.nan, "inf": math.inf, "huge": 2**64,
        "Bad-Key": 1, "nested": {"a": 1}, "list": [1], "none": None, "bytes": b"x"})
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
@pytest.mark.parametrize(("options", "problem"), [
    ({"wire": "xml"}, "wire"), ({"exit_wait": -1}, "exit_wait"), ({"exit_wait": "1"}, "exit_wait"),
    ({"exit_wait": math.nan}, "exit_wait"), ({"exit_wait": True}, "exit_wait"),
    ({"opt_out_env": "MY VAR"}, "opt_out_env"), ({"headers": {"X-Key": "a\r\nb"}}, "headers"),
    ({"headers": {"Bad Name": "x"}}, "headers"),
    ({"allowed_values": {"k": "abc"}}, "allowed_values"),
])
def test_invalid_arguments_turn_it_off_without_raising(tmp_path, options, problem) -> None:
    t = make(tmp_path, **options)
    assert not t.enabled
    assert t.reason == f"invalid argument: {problem}"
    with t.track("x"):
        t.event("y")


@pytest.mark.parametrize(("app", "version", "endpoint"), [
    ("my tool", "1.0", ENDPOINT), ("../etc", "1.0", ENDPOINT), ("", "1.0", ENDPOINT),
    ("app", "1.0 beta", ENDPOINT), ("app", None, ENDPOINT), ("app", "1.0", "ftp://x/"),
    ("app", "1.0", b"http://x/"), (None, "1.0", ENDPOINT)])
def test_invalid_names_turn_it_off(tmp_path, app, version, endpoint) -> None:
    t = Telemetry(app, version, endpoint, config_dir=str(tmp_path))
    assert not t.enabled
    assert t.reason.startswith("invalid argument")


def test_exit_wait_is_clamped(tmp_path) -> None:
    t = make(tmp_path, exit_wait=30)
    t.event("x")
    assert t._sender.config.exit_wait == 1.0  # type: ignore[union-attr]
    t = make(tmp_path, exit_wait=0)
    t.event("x")
    assert t._sender.config.exit_wait == 0.0  # type: ignore[union-attr]


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
    monkeypatch.setattr(envdetect._send, "Sender", broken)
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
@pytest.mark.parametrize(("setup", "reason"), [
    ({"HOSTAPP_TELEMETRY": "1"}, "enabled by HOSTAPP_TELEMETRY=1"),
    ({"HOSTAPP_TELEMETRY": " On "}, "enabled by HOSTAPP_TELEMETRY=on"),
    ("enabled = true", "enabled by the stored setting"),
    ("notice_shown = true", "enabled by default (the notice was shown on an earlier run)"),
    ("", "enabled by default once the notice has been shown and recorded "
         "(due at the first command; outside CI that run sends nothing)"),
])
def test_reason_says_what_enabled_it(monkeypatch, tmp_path, setup: Any, reason: str) -> None:
    folder = tmp_path / "fresh"
    folder.mkdir()
    if isinstance(setup, dict):
        for key, value in setup.items():
            monkeypatch.setenv(key, value)
    elif setup:
        (folder / "telemetry.conf").write_text(setup + "\n")
    t = Telemetry("hostapp", "1.0", ENDPOINT, opt_out_env="HOSTAPP_TELEMETRY",
                  config_dir=str(folder))
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
