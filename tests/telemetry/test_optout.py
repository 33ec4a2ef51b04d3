"""Guarantee 1: the opt-out is checked before any work.

With the app's variable at 0/false/off/no (or any unrecognised value),
DO_NOT_TRACK set to anything but empty or 0, or the stored setting off: no
detection, no thread, no socket, no file write — and no atexit callback, no
process, no import of the sender.  Tripwires in-process (monkeypatched) and
in a real host program (audit hooks, which nothing can bypass).
"""

from __future__ import annotations

import atexit
import builtins
import io
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from envdetect.telemetry import Telemetry
from tests.telemetry.conftest import assert_well_behaved, host_env, run_host

APP = "hostapp"
WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC

OPT_OUTS = [
    *[{"DO_NOT_TRACK": value} for value in ("1", "true", "yes", "false", "no", " 1 ")],
    *[{"HOSTAPP_TELEMETRY": value} for value in ("0", "false", "off", "no", "FALSE", " Off ")],
    # A garbage value of the app's own variable counts as off.
    *[{"HOSTAPP_TELEMETRY": value} for value in ("2", "maybe", "enable", "-1", "0n")],
]


def opt_out_id(env: dict[str, str]) -> str:
    return ",".join(f"{key}={value!r}" for key, value in env.items())


class TTY(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def arm(monkeypatch: pytest.MonkeyPatch):
    """``trips = arm()``: from now on every way to do work records (and refuses) the
    attempt.  Called in the test body, after its own set-up wrote what it needed."""

    def install() -> list[str]:
        trips: list[str] = []

        def wire(name: str):
            def tripped(*args: object, **kwargs: object) -> None:
                trips.append(name)
                raise AssertionError(f"tripwire: {name}")

            return tripped

        real_open, real_os_open = builtins.open, os.open

        def guarded_open(file, mode="r", *args, **kwargs):  # type: ignore[no-untyped-def]
            if any(c in mode for c in "wax+"):
                trips.append(f"open({file!r}, {mode!r})")
                raise AssertionError("tripwire: file write")
            return real_open(file, mode, *args, **kwargs)

        def guarded_os_open(path, flags, *args, **kwargs):  # type: ignore[no-untyped-def]
            if flags & WRITE_FLAGS:
                trips.append(f"os.open({path!r})")
                raise AssertionError("tripwire: file write")
            return real_os_open(path, flags, *args, **kwargs)

        monkeypatch.setattr(builtins, "open", guarded_open)
        monkeypatch.setattr(io, "open", guarded_open)
        monkeypatch.setattr(os, "open", guarded_os_open)
        for name in ("mkdir", "makedirs", "replace", "rename", "remove"):
            monkeypatch.setattr(os, name, wire(f"os.{name}"))
        for name in ("socket", "create_connection", "getaddrinfo"):
            monkeypatch.setattr(socket, name, wire(f"socket.{name}"))
        monkeypatch.setattr(threading.Thread, "start", wire("threading.Thread.start"))
        import _thread

        for name in ("start_new_thread", "start_joinable_thread"):
            if hasattr(_thread, name):
                monkeypatch.setattr(_thread, name, wire(f"_thread.{name}"))
        monkeypatch.setattr(subprocess, "Popen", wire("subprocess.Popen"))
        monkeypatch.setattr(os, "fork", wire("os.fork"))
        monkeypatch.setattr(atexit, "register", wire("atexit.register"))
        import envdetect._engine

        monkeypatch.setattr(envdetect._engine, "detect", wire("detection"))
        monkeypatch.setattr(envdetect, "detect", wire("detection"))
        monkeypatch.setattr(sys, "stderr", TTY())  # the notice would be due on a terminal
        return trips

    for name in ("DO_NOT_TRACK", "HOSTAPP_TELEMETRY", "ENVDETECT_TELEMETRY_DEBUG", "CI"):
        monkeypatch.delenv(name, raising=False)
    return install


def exercise(config_dir: Path) -> Telemetry:
    """Everything a host does with telemetry on a normal run."""
    t = Telemetry(
        APP,
        "1.0",
        "http://127.0.0.1:9/ingest",
        opt_out_env="HOSTAPP_TELEMETRY",
        config_dir=str(config_dir),
    )
    assert t.first_run_notice() is False
    with t.track("build", "all"):
        pass
    with pytest.raises(KeyError), t.track("build"):
        raise KeyError("x")
    t.track("decorated")(lambda: None)()
    t.record_command("deploy", duration_ms=3.0, exit_code=1, error=ValueError)
    t.event("cache", {"hit": True})
    for _ in range(200):
        t.event("tick", {"n": 1})
    assert t.dropped == 0
    return t


@pytest.mark.parametrize("env", OPT_OUTS, ids=opt_out_id)
def test_opt_out_does_no_work(
    arm, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, env: dict[str, str]
) -> None:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    tripwires = arm()
    modules = set(sys.modules)
    t = exercise(tmp_path / "config")
    assert tripwires == []
    assert t.enabled is False
    assert t.debug is False
    assert "off" in t.reason or "DO_NOT_TRACK" in t.reason
    assert {m for m in set(sys.modules) - modules if m.startswith("envdetect")} == set()
    assert sys.stderr.getvalue() == ""  # type: ignore[attr-defined]


def test_stored_setting_off_does_no_work(arm, tmp_path: Path) -> None:
    config = tmp_path / "config"
    config.mkdir()
    (config / "telemetry.conf").write_text("# stored earlier\nenabled = false\n")
    tripwires = arm()
    t = exercise(config)
    assert tripwires == []  # reading the setting is the only thing it did
    assert t.enabled is False
    assert t.reason == "disabled by the stored setting"


def test_debug_mode_does_not_override_an_opt_out(
    arm, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DO_NOT_TRACK", "1")
    monkeypatch.setenv("ENVDETECT_TELEMETRY_DEBUG", "1")
    tripwires = arm()
    t = exercise(tmp_path)
    assert tripwires == []
    assert not t.debug


def test_tripwires_do_fire_when_telemetry_is_on(arm, tmp_path: Path) -> None:
    """The control: the same calls with telemetry on do reach the wires."""
    (tmp_path / "telemetry.conf").write_text("notice_shown = true\n")  # told on a past run
    tripwires = arm()
    Telemetry(APP, "1.0", "http://127.0.0.1:9/ingest", config_dir=str(tmp_path)).event("x")
    # (atexit.register only for the process's first sender; the thread start always.)
    assert {"atexit.register", "threading.Thread.start"} & set(tripwires)
    # ...and a refusal there is swallowed, as every internal failure is.


@pytest.mark.parametrize("value", ["", "0", " 0 "])
def test_do_not_track_empty_or_zero_is_not_an_opt_out(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("DO_NOT_TRACK", value)
    assert Telemetry(APP, "1.0", "http://127.0.0.1:9/").enabled


@pytest.mark.parametrize("value", ["1", "true", "yes", "on", "TRUE"])
def test_app_variable_on_overrides_the_stored_setting(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, value: str
) -> None:
    (tmp_path / "telemetry.conf").write_text("enabled = false\n")
    monkeypatch.delenv("DO_NOT_TRACK", raising=False)
    monkeypatch.setenv("HOSTAPP_TELEMETRY", value)
    t = Telemetry(
        APP, "1.0", "http://127.0.0.1:9/", opt_out_env="HOSTAPP_TELEMETRY", config_dir=str(tmp_path)
    )
    assert t.enabled
    monkeypatch.setenv("DO_NOT_TRACK", "1")  # ...but DO_NOT_TRACK beats everything
    assert not Telemetry(
        APP, "1.0", "http://127.0.0.1:9/", opt_out_env="HOSTAPP_TELEMETRY", config_dir=str(tmp_path)
    ).enabled


def test_no_endpoint_means_nothing_is_ever_sent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ENVDETECT_TELEMETRY_DEBUG", raising=False)
    t = Telemetry(APP, "1.0")
    assert not t.enabled
    assert t.reason == "no endpoint"


# -- the same in a real host program, with audit hooks -----------------------------------
@pytest.mark.parametrize(
    "env",
    [{"DO_NOT_TRACK": "1"}, {"HOSTAPP_TELEMETRY": "0"}, {"HOSTAPP_TELEMETRY": "garbage"}, "stored"],
    ids=["DO_NOT_TRACK", "app-variable", "app-garbage", "stored"],
)
def test_opted_out_host_program_does_nothing(
    server, tmp_path: Path, env: dict[str, str] | str
) -> None:
    srv = server("normal")
    config = tmp_path / "config" / APP
    if env == "stored":
        config.mkdir(parents=True)
        (config / "telemetry.conf").write_text("enabled = false\n")
        env = {}
    assert isinstance(env, dict)
    spec = {
        "telemetry": {
            "app": APP,
            "version": "1.0",
            "endpoint": srv.url(),
            "opt_out_env": "HOSTAPP_TELEMETRY",
        },
        "steps": [
            ["notice"],
            ["track", "build", None, "ok"],
            ["decorated", "x"],
            ["record", "deploy"],
            ["event", "cache", {"hit": True}],
            ["many", 100],
        ],
        "exit": 5,
    }
    run = run_host(spec, host_env(tmp_path, **env))
    assert_well_behaved(run, 5)
    assert run.trips == []  # no file write, socket, name lookup, thread or process
    # The consent module holds the on/off words, so it loads with the package;
    # the tripwire above shows it read no file.
    assert run.report["modules"] == [
        "envdetect",
        "envdetect.telemetry",
        "envdetect.telemetry._consent",
    ]
    assert run.report["threads"] == ["MainThread"]
    assert run.report["enabled"] == [False]
    assert srv.entries() == []  # not even a connection
    assert run.exit_overhead < 0.1  # nothing to wait for at exit
