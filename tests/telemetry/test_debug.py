"""Guarantee 2: debug mode prints the exact payload to stderr and sends nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.telemetry.conftest import assert_well_behaved, host_env, run_host

STEPS = [["track", "build", "all", "ok"], ["event", "cache", {"hit": True}]]


def spec(endpoint: str | None, **options: Any) -> dict[str, Any]:
    return {
        "telemetry": {
            "app": "hostapp",
            "version": "1.0",
            "endpoint": endpoint,
            "debug_env": "HOSTAPP_DEBUG",
            **options,
        },
        "steps": STEPS,
        "exit": 3,
    }


def printed(stderr: str) -> list[tuple[str, Any]]:
    """(announcement, parsed body) pairs from debug output."""
    lines = stderr.splitlines()
    return [
        (line, json.loads(lines[i + 1]))
        for i, line in enumerate(lines)
        if line.startswith("envdetect.telemetry: debug mode")
    ]


@pytest.mark.parametrize("variable", ["ENVDETECT_TELEMETRY_DEBUG", "HOSTAPP_DEBUG"])
def test_debug_prints_the_body_and_sends_nothing(server, tmp_path: Path, variable: str) -> None:
    srv = server("normal")
    run = run_host(spec(srv.url()), host_env(tmp_path, **{variable: "1"}))
    assert_well_behaved(run, 3, debug=True)
    assert srv.entries() == []  # not even a connection
    assert not [t for t in run.trips if t.startswith(("socket", "threading", "_thread"))]
    ((announcement, body),) = printed(run.stderr)
    assert f"would POST to {srv.url()} (direct, no proxy)" in announcement
    assert body["schema"] == "envdetect-telemetry/1"
    assert [event["name"] for event in body["events"]] == ["command", "cache"]
    assert set(body["fingerprint"]) >= {"os.type", "python.version", "digest"}


def test_debug_body_is_exactly_what_would_be_sent(server, tmp_path: Path) -> None:
    srv = server("normal")
    debug = printed(
        run_host(spec(srv.url()), host_env(tmp_path, ENVDETECT_TELEMETRY_DEBUG="1")).stderr
    )[0][1]
    run_host(spec(srv.url(), exit_wait=1.0), host_env(tmp_path))
    (sent,) = srv.bodies()
    assert debug["run_id"] != sent["run_id"]  # two processes, two runs
    for body in (debug, sent):  # only the ids and the event times differ
        del body["run_id"], body["batch_id"]
        for event in body["events"]:
            event.pop("time_unix_ms")
            event["attributes"].pop("duration_ms", None)
    assert debug == sent


def test_debug_otlp_and_a_full_queue(tmp_path: Path) -> None:
    run = run_host(
        {**spec("http://127.0.0.1:9/", wire="otlp"), "steps": [["many", 70]]},
        host_env(tmp_path, ENVDETECT_TELEMETRY_DEBUG="1"),
    )
    bodies = printed(run.stderr)
    assert "would POST to http://127.0.0.1:9/v1/logs" in bodies[0][0]
    counts = [len(body["resourceLogs"][0]["scopeLogs"][0]["logRecords"]) for _, body in bodies]
    assert counts == [64, 6]  # printed when the queue fills, and at exit


@pytest.mark.parametrize(
    ("endpoint", "env", "says"),
    [
        (None, {}, "no endpoint is set, so nothing would be sent"),
        (
            "http://127.0.0.1:9/",
            {"HTTP_PROXY": "http://"},
            "(malformed proxy setting: it would not be sent)",
        ),
        ("http://127.0.0.1:notaport/", {}, "(malformed endpoint: it would not be sent)"),
        (
            "http://127.0.0.1:9/",
            {"HTTP_PROXY": "http://127.0.0.1:3128"},
            "(via proxy 127.0.0.1:3128)",
        ),
        ("https://user:secret@127.0.0.1:9/x", {}, "would POST to https://127.0.0.1:9/x (direct"),
        (
            "https://127.0.0.1:9/x?api_key=secret-key&region=eu&secret",
            {},
            "would POST to https://127.0.0.1:9/x?api_key=...&region=...&... (direct",
        ),
    ],
)
def test_debug_says_where_it_would_go(
    tmp_path: Path, endpoint: str | None, env: dict[str, str], says: str
) -> None:
    run = run_host(spec(endpoint), host_env(tmp_path, ENVDETECT_TELEMETRY_DEBUG="1", **env))
    assert_well_behaved(run, 3, debug=True)
    ((announcement, _),) = printed(run.stderr)
    assert says in announcement
    assert "secret" not in run.stderr
    assert "socket.connect" not in run.trips


@pytest.mark.parametrize("value", ["0", "", "no", "garbage"])
def test_debug_needs_a_true_value(server, tmp_path: Path, value: str) -> None:
    srv = server("normal")
    run = run_host(
        spec(srv.url(), exit_wait=1.0), host_env(tmp_path, ENVDETECT_TELEMETRY_DEBUG=value)
    )
    assert printed(run.stderr) == []
    assert len(srv.requests()) == 1
