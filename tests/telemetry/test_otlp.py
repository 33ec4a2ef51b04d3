"""The OTLP wire: real sent bodies parse as OTLP/HTTP JSON ``ExportLogsServiceRequest``.

Parsed with the OpenTelemetry project's own protobuf definitions
(``opentelemetry-proto``, a test-only dependency) through
``google.protobuf.json_format.Parse``, which rejects unknown fields and
wrongly typed values — what a Collector's otlphttp receiver accepts.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from google.protobuf.json_format import Parse
from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import ExportLogsServiceRequest

import envdetect
from envdetect.telemetry import _payload
from tests.conftest import ROOT
from tests.telemetry.conftest import assert_well_behaved, host_env, run_host

STEPS = [
    ["track", "deploy", "stack", "ok"],
    ["track", "deploy", None, "catch"],
    ["track", "build", None, "exit:4"],
]


def parse(body: str | bytes) -> Any:
    return Parse(body, ExportLogsServiceRequest())


def value(any_value: Any) -> Any:
    kind = any_value.WhichOneof("value")
    return getattr(any_value, kind)


def attributes(pairs: Any) -> dict[str, Any]:
    return {pair.key: value(pair.value) for pair in pairs}


def test_sent_otlp_bodies_parse_as_export_logs_service_request(server, tmp_path: Path) -> None:
    srv = server("normal")
    spec = {
        "telemetry": {
            "app": "host-app",
            "version": "2.1.0",
            "endpoint": srv.url("/otlp"),
            "wire": "otlp",
            "exit_wait": 1.0,
        },
        "steps": STEPS,
        "exit": 0,
    }
    env = host_env(tmp_path)
    run = run_host(spec, env)
    assert_well_behaved(run, 4)
    (request,) = srv.requests()
    assert request["line"] == "POST /otlp/v1/logs HTTP/1.1"
    assert request["headers"]["content-type"] == "application/json"
    message = parse(request["body"])

    (resource_logs,) = message.resource_logs
    resource = attributes(resource_logs.resource.attributes)
    assert resource["service.name"] == "host-app"
    assert resource["service.version"] == "2.1.0"
    assert resource["telemetry.sdk.name"] == "envdetect"
    # The fingerprint's OpenTelemetry form, as the same environment detects it.
    expected = subprocess.run(
        [
            sys.executable,
            "-c",
            "import envdetect, json; print(json.dumps("
            "envdetect.detect(plugins=False).resource_attributes()))",
        ],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for key, item in json.loads(expected).items():
        assert resource[key] == item, key
    assert resource["os.type"] == envdetect.detect(plugins=False).os.type

    # The attribute names follow the semantic conventions this URL names,
    # the same as the resource detector's (envdetect.otel).
    from envdetect._fingerprint import SCHEMA_URL

    assert resource_logs.schema_url == SCHEMA_URL
    assert SCHEMA_URL.startswith("https://opentelemetry.io/schemas/")
    (scope_logs,) = resource_logs.scope_logs
    assert scope_logs.schema_url == SCHEMA_URL
    assert scope_logs.scope.name == "envdetect.telemetry"
    assert scope_logs.scope.version == envdetect.__version__
    ok, caught, exited = scope_logs.log_records
    for record in (ok, caught, exited):
        assert record.event_name == "host_app.command"
        assert record.time_unix_nano > 0
    ok_attrs, caught_attrs, exit_attrs = (attributes(r.attributes) for r in (ok, caught, exited))
    assert ok_attrs["event.name"] == "host_app.command"
    assert ok_attrs["host_app.command"] == "deploy"
    assert ok_attrs["host_app.subcommand"] == "stack"
    assert ok_attrs["host_app.status"] == "success"
    assert ok_attrs["process.exit.code"] == 0
    assert isinstance(ok_attrs["host_app.duration_ms"], float)
    assert "error.type" not in ok_attrs
    assert ok.severity_text == "INFO"
    assert ok.severity_number == 9
    assert caught_attrs["error.type"] == "ValueError"
    assert caught_attrs["process.exit.code"] == 1
    assert caught.severity_text == "ERROR"
    assert caught.severity_number == 17
    assert exit_attrs["process.exit.code"] == 4
    assert "host_app.subcommand" not in exit_attrs
    assert "never sent" not in request["body"]


def test_other_events_and_dropped_counts(server, tmp_path: Path) -> None:
    srv = server("normal")
    spec = {
        "telemetry": {
            "app": "hostapp",
            "version": "1.0",
            "endpoint": srv.url(),
            "wire": "otlp",
            "exit_wait": 1.0,
            "allowed_values": {"format": ["yaml"]},
        },
        "steps": [
            ["event", "export", {"format": "yaml", "ok": True, "n": 3, "r": 0.25}],
            ["many", 200],
        ],
        "exit": 0,
    }
    run_host(spec, host_env(tmp_path))
    records, dropped = [], 0
    for request in srv.requests():
        (resource_logs,) = parse(request["body"]).resource_logs
        (scope_logs,) = resource_logs.scope_logs
        records.extend(scope_logs.log_records)
        dropped += attributes(scope_logs.scope.attributes).get(
            "envdetect.telemetry.dropped_events", 0
        )
    assert len(records) + dropped == 201
    export = attributes(records[0].attributes)
    assert export == {
        "event.name": "hostapp.export",
        "hostapp.format": "yaml",
        "hostapp.ok": True,
        "hostapp.n": 3,
        "hostapp.r": 0.25,
    }


def test_payload_module_bodies_parse() -> None:
    facts = _payload.environment()
    events = [
        (
            "command",
            1_700_000_000_000_000_000,
            {
                "command": "x",
                "status": "failure",
                "exit_code": 2,
                "error_type": "OSError",
                "duration_ms": 1.5,
            },
        ),
        ("custom.name", 1_700_000_000_000_000_001, {"flag": False, "big": 2**62}),
    ]
    message = parse(_payload.otlp_body("app", "1", facts[1], events, dropped=3))
    records = message.resource_logs[0].scope_logs[0].log_records
    assert [r.event_name for r in records] == ["app.command", "app.custom.name"]
    assert attributes(records[1].attributes)["app.big"] == 2**62
    assert records[0].time_unix_nano == 1_700_000_000_000_000_000


def test_cli_payload_prints_both_bodies() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "envdetect", "--payload"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    lines = done.stdout.splitlines()
    json_at = lines.index('# wire="json": POST to the endpoint, Content-Type: application/json')
    otlp_at = next(i for i, line in enumerate(lines) if line.startswith('# wire="otlp"'))
    document = json.loads(lines[json_at + 1])
    assert document["schema"] == "envdetect-telemetry/1"
    live = envdetect.detect(plugins=False).fingerprint()
    for key in ("terminal.interactive", "digest"):  # our stdio differs from the child's
        live.pop(key)
        document["fingerprint"].pop(key)
    assert document["fingerprint"] == live
    (event,) = document["events"]
    assert event["attributes"]["command"] == "deploy"
    records = parse(lines[otlp_at + 1]).resource_logs[0].scope_logs[0].log_records
    assert records[0].event_name == "mytool.command"
    assert done.stderr == ""


def test_every_batch_of_a_run_carries_the_same_run_id(server, tmp_path: Path) -> None:
    """service.instance.id: one random id per process, on every batch, new next run."""
    srv = server("normal")
    spec = {
        "telemetry": {
            "app": "hostapp",
            "version": "1.0",
            "endpoint": srv.url(),
            "wire": "otlp",
            "exit_wait": 1.0,
        },
        "steps": [["many", 64], ["sleep", 0.5], ["many", 3]],
        "exit": 0,
    }
    env = host_env(tmp_path)
    run_host(spec, env)
    first = len(srv.wait_for(2))
    assert first == 2  # a full queue sends mid-run, the rest goes at exit
    run_host(spec, env)
    ids = []
    for request in srv.wait_for(first + 1):
        (resource_logs,) = parse(request["body"]).resource_logs
        ids.append(attributes(resource_logs.resource.attributes)["service.instance.id"])
    assert len(set(ids[:first])) == 1
    assert ids[first] != ids[0]
    for run_id in ids:
        assert len(run_id) == 32
        assert set(run_id) <= set("0123456789abcdef")


def test_run_id_is_made_lazily_per_process_and_never_stored(tmp_path: Path) -> None:
    code = (
        "import os, sys\n"
        "from envdetect.telemetry import _payload\n"
        "assert not _payload._runs\n"  # nothing made at import
        "first = _payload.run_id()\n"
        "assert _payload.run_id() == first\n"
        "read, write = os.pipe()\n"
        "pid = os.fork()\n"
        "if pid == 0:\n"
        "    os.write(write, _payload.run_id().encode()); os._exit(0)\n"
        "os.waitpid(pid, 0)\n"
        "child = os.read(read, 64).decode()\n"
        "print(first, child, 'secrets' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=host_env(tmp_path),
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    first, child, secrets = done.stdout.split()
    assert first != child  # a forked child is another run
    assert secrets == "False"
