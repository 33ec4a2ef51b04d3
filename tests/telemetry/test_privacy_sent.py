"""Guarantee 6: the payload carries only the fingerprint and the events.

The sentinel privacy suite (tests/contract/test_privacy.py: its planted environment,
scenarios and leak search, imported unchanged) run over the bodies a real
host program actually sent to a loopback server — both wire formats, every
scenario — with sentinels also planted where a careless host would pass them:
the interpreter's path, the home directory, argv-like command names,
exception messages and event attributes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.contract.test_privacy import (
    ALL_SECRETS,
    BASE_ENV,
    SCENARIOS,
    T,
    _machine_secrets,
    forms,
    leaks,
)
from tests.telemetry.conftest import HOST


def planted_host(tmp_path: Path, name: str) -> tuple[str, dict[str, str]]:
    """An interpreter under a planted home and the scenario's planted environment."""
    home = tmp_path / T["Home"]
    bindir = home / "bin"
    bindir.mkdir(parents=True)
    python = bindir / "python3"
    python.symlink_to(sys.executable)
    env = {
        **BASE_ENV,
        **SCENARIOS[name],
        "HOME": str(home),
        "PWD": str(home),
        "PATH": os.environ.get("PATH", ""),
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONPATH": os.pathsep.join([str(ROOT), *(p for p in sys.path if p)]),
    }
    return str(python), env


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_no_sentinel_in_any_sent_body(server, tmp_path: Path, name: str) -> None:
    srv = server("normal")
    python, env = planted_host(tmp_path, name)
    common = {"app": "hostapp", "version": "1.0", "exit_wait": 1.0}
    # Without an allowlist of commands, argv-shaped values (paths, flags, URLs) become
    # "other"; a bare word cannot be told from a command name, so a host that wants
    # that guaranteed too declares its commands (the second instance): then even a
    # word-shaped sentinel passed as a command becomes "other".
    declared = {"command": ["deploy", "build"], "subcommand": ["stack"], "format": ["yaml"]}
    spec = {
        "telemetry": [
            {**common, "endpoint": srv.url("/json"), "allowed_values": {"format": ["yaml"]}},
            {**common, "endpoint": srv.url("/otlp"), "wire": "otlp", "allowed_values": declared},
        ],
        "steps": [
            ["track", "deploy", "stack", "ok"],
            ["track", f"/home/{T['Home']}/{T['ProjectPath']}", f"--token={T['GhToken']}", "catch"],
            [
                "event",
                "export",
                {
                    "format": "yaml",
                    "path": f"/work/{T['Pwd']}",
                    "user": T["User"],
                    "host": T["Host"],
                    "count": 2,
                },
            ],
            ["record", f"https://{T['BuildUrl']}.example/{T['Branch']}"],
        ],
        "message": f"failed for {T['User']} in /home/{T['Home']} with {T['AwsSecret']}",
        "exit": 0,
    }
    done = subprocess.run(
        [python, str(HOST), json.dumps(spec)],
        env=env,
        cwd=str(tmp_path),
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout == b""
    requests = srv.wait_for(2, timeout=10)  # from the flush process, after the host exited
    assert sorted(request["line"] for request in requests) == [
        "POST /json HTTP/1.1",
        "POST /otlp/v1/logs HTTP/1.1",
    ]  # not vacuous: both were sent
    secrets = ALL_SECRETS | _machine_secrets()
    for request in requests:
        text = json.dumps(request)  # request line, headers and body
        assert leaks(text, secrets) == [], f"{name}: {request['line']} leaks"
    body = json.loads(next(r["body"] for r in requests if r["line"].startswith("POST /json")))
    commands = [event["attributes"].get("command") for event in body["events"]]
    assert commands == ["deploy", "other", None, "other"]
    assert body["events"][2]["attributes"] == {"format": "yaml", "count": 2}
    assert set(body) == {
        "schema",
        "run_id",
        "batch_id",
        "app",
        "sender",
        "fingerprint",
        "dropped",
        "events",
    }
    assert_random_run_id(body["run_id"], secrets)
    assert_random_run_id(body["batch_id"], secrets)
    otlp = json.loads(next(r["body"] for r in requests if r["line"].startswith("POST /otlp")))
    resource = {
        pair["key"]: pair["value"] for pair in otlp["resourceLogs"][0]["resource"]["attributes"]
    }
    assert resource["service.instance.id"] == {"stringValue": body["run_id"]}  # one process


def assert_random_run_id(run_id: str, secrets: set[str]) -> None:
    """The one id on the wire: 128 bits of hex, and no form (not even a truncated hash)
    of anything planted or of the machine's own names."""
    assert len(run_id) == 32
    assert set(run_id) <= set("0123456789abcdef")
    for secret in secrets:
        for form in forms(secret):
            assert run_id not in form.lower(), secret


def test_run_ids_differ_between_runs_of_one_machine(server, tmp_path: Path) -> None:
    """Not derived from the machine, the user or the environment: the same planted
    machine gets a new id on every run."""
    srv = server("normal")
    python, env = planted_host(tmp_path, "laptop")
    spec = {
        "telemetry": {"app": "hostapp", "version": "1.0", "exit_wait": 1.0, "endpoint": srv.url()},
        "steps": [["track", "deploy", None, "ok"]],
        "exit": 0,
    }
    for _ in range(2):
        done = subprocess.run(
            [python, str(HOST), json.dumps(spec)],
            env=env,
            cwd=str(tmp_path),
            capture_output=True,
            timeout=60,
            check=False,
        )
        assert done.returncode == 0, done.stderr.decode()
    srv.wait_for(2, timeout=10)
    first, second = (body["run_id"] for body in srv.bodies())
    assert first != second
    for run_id in (first, second):
        assert_random_run_id(run_id, ALL_SECRETS | _machine_secrets())


def test_declared_commands_refuse_even_word_shaped_values(server, tmp_path: Path) -> None:
    srv = server("normal")
    python, env = planted_host(tmp_path, "laptop")
    spec = {
        "telemetry": {
            "app": "hostapp",
            "version": "1.0",
            "exit_wait": 1.0,
            "endpoint": srv.url(),
            "allowed_values": {"command": ["deploy"], "subcommand": ["all"]},
        },
        "steps": [["track", T["Cmdline"], T["User"], "ok"], ["record", T["Repo"]]],
        "exit": 0,
    }
    done = subprocess.run(
        [python, str(HOST), json.dumps(spec)],
        env=env,
        cwd=str(tmp_path),
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()
    (request,) = srv.wait_for(1, timeout=10)
    assert leaks(json.dumps(request)) == []
    events = json.loads(request["body"])["events"]
    assert [event["attributes"]["command"] for event in events] == ["other", "other"]
