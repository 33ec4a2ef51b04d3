"""Real servers and faults: a host program using the sender, in a subprocess, per case.

Each case asserts the host exits within MARGIN (measured from the end of its
main code: interpreter finalisation, nothing waits on the network), with its
own exit code, nothing on stdout, no signal handler changed, no process
started but one flush process at exit, and the requests the loopback server
recorded.  Guarantees 3, 4 and 5 of issue 7; the exit of issue 14.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.telemetry.conftest import (
    MARGIN,
    assert_well_behaved,
    closed_port,
    host_env,
    run_host,
    self_signed_cert,
    settled,
    spool_files,
)

STEPS = [["track", "build", None, "ok"], ["event", "cache", {"hit": True, "entries": 3}]]


def spec(
    endpoint: str,
    exit_code: object = 3,
    steps: list | None = None,  # type: ignore[type-arg]
    **options: object,
) -> dict[str, object]:
    telemetry = {
        "app": "hostapp",
        "version": "1.0",
        "endpoint": endpoint,
        "opt_out_env": "HOSTAPP_TELEMETRY",
        **options,
    }
    return {"telemetry": telemetry, "steps": STEPS if steps is None else steps, "exit": exit_code}


def test_normal_delivery_is_one_batched_post_from_the_flush_process(server, tmp_path: Path) -> None:
    srv = server("normal")
    run = run_host(spec(srv.url()), host_env(tmp_path))
    assert_well_behaved(run, 3)
    assert run.flushes == [str(tmp_path / "cache" / "hostapp" / "telemetry-spool")]
    requests = srv.requests()
    assert len(requests) == 1  # one batched POST, after the host exited
    assert requests[0]["line"] == "POST /ingest HTTP/1.1"
    assert requests[0]["headers"]["content-type"] == "application/json"
    body = srv.bodies()[0]
    assert [event["name"] for event in body["events"]] == ["command", "cache"]
    assert body["events"][0]["attributes"]["command"] == "build"
    assert requests[0]["headers"]["idempotency-key"] == body["batch_id"]
    assert spool_files(Path(run.flushes[0])) == []  # acknowledged: gone from the spool
    # The host's own process sent nothing: no socket before the flush was handed over.
    assert not [trip for trip in run.trips if trip.startswith("socket")]


DNS_HOOK = str(Path(__file__).resolve().parent / "dns_hook")


def network(kind: str, server, tmp_path: Path) -> tuple[str, dict[str, str]]:
    """An endpoint in the given state, and the host's environment for it."""
    env: dict[str, str] = {}
    if kind in ("normal", "error", "blackhole"):
        url = server(kind).url()
    elif kind == "slow":
        url = server("slow", delay=8.0).url()
    elif kind == "refused":
        url = f"http://127.0.0.1:{closed_port()}/ingest"
    elif kind in ("unresolvable", "dns-hangs"):
        url = "https://telemetry.invalid/ingest"
        env["TEST_DNS"] = "fail" if kind == "unresolvable" else "hang"
    else:  # untrusted TLS: a self-signed certificate the client was never told to trust
        pem = self_signed_cert(tmp_path)
        if pem is None:
            pytest.skip("no certificate: neither the cryptography package nor openssl is here")
        url = server("normal", cert=pem).url(scheme="https")
    env["PYTHONPATH"] = os.pathsep.join([DNS_HOOK, str(ROOT)])
    return url, host_env(tmp_path, **env)


@pytest.mark.parametrize(
    "kind",
    [
        "normal",
        "error",
        "refused",
        "blackhole",
        "slow",
        "unresolvable",
        "dns-hangs",
        "untrusted-tls",
    ],
)
def test_the_exit_never_waits_on_the_network(server, tmp_path: Path, kind: str) -> None:
    url, env = network(kind, server, tmp_path)
    run = run_host(spec(url), env, settle=False)
    assert_well_behaved(run, 3)
    (spool,) = run.flushes  # whatever the network, the batch went to a flush process
    assert "socket.connect" not in run.trips
    assert "socket.getaddrinfo" not in run.trips
    if kind == "normal":
        assert settled(Path(spool))
    else:  # not delivered: kept for a later attempt (or being attempted)
        time.sleep(0.5)
        assert len(spool_files(Path(spool))) == 1


def test_several_instances_share_one_flush_process(server, tmp_path: Path) -> None:
    srv = server("normal")
    one = spec(srv.url())["telemetry"]
    run = run_host(
        {**spec(srv.url()), "telemetry": [one, one, {**one, "wire": "otlp"}]}, host_env(tmp_path)
    )
    assert_well_behaved(run, 3)  # one flush for the one spool
    assert len(srv.wait_for(3)) == 3


@pytest.mark.parametrize(
    ("variable", "scheme"),
    [("HTTPS_PROXY", "https"), ("https_proxy", "https"), ("HTTP_PROXY", "http")],
)
def test_malformed_proxy_is_a_silent_no_send(
    server, tmp_path: Path, variable: str, scheme: str
) -> None:
    srv = server("normal")  # the endpoint works; only the proxy setting is broken
    run = run_host(spec(srv.url(scheme=scheme)), host_env(tmp_path, **{variable: "http://"}))
    assert_well_behaved(run, 3)
    assert srv.entries() == []  # no connection at all
    assert "Traceback" not in run.stderr
    assert spool_files(Path(run.flushes[0])) == []  # never sendable: dropped, not retried


def test_proxy_on_a_closed_port(server, tmp_path: Path) -> None:
    srv = server("normal")
    proxy = f"http://127.0.0.1:{closed_port()}"
    run = run_host(spec(srv.url()), host_env(tmp_path, HTTP_PROXY=proxy), settle=False)
    assert_well_behaved(run, 3)
    time.sleep(0.5)
    assert srv.entries() == []  # went to the (refusing) proxy, not around it


def test_proxy_from_the_environment_is_used(server, tmp_path: Path) -> None:
    # The recording server plays the proxy: the request arrives with an absolute URI,
    # and the target's name is never resolved locally (the DNS hook fails any lookup).
    proxy = server("normal")
    env = host_env(
        tmp_path,
        http_proxy=f"http://user:pw@127.0.0.1:{proxy.port}",
        TEST_DNS="fail",
        PYTHONPATH=os.pathsep.join([DNS_HOOK, str(ROOT)]),
    )
    run = run_host(spec("http://telemetry.invalid:8080/ingest"), env)
    assert_well_behaved(run, 3)
    requests = proxy.requests()
    assert [r["line"] for r in requests] == ["POST http://telemetry.invalid:8080/ingest HTTP/1.1"]
    assert requests[0]["headers"]["proxy-authorization"] == "Basic dXNlcjpwdw=="
    assert requests[0]["headers"]["host"] == "telemetry.invalid:8080"


def test_no_proxy_bypasses_the_proxy(server, tmp_path: Path) -> None:
    srv = server("normal")
    env = host_env(tmp_path, HTTP_PROXY=f"http://127.0.0.1:{closed_port()}", NO_PROXY="127.0.0.1")
    run = run_host(spec(srv.url()), env)
    assert_well_behaved(run, 3)
    assert len(srv.requests()) == 1


# -- the host's exit code and exceptions -------------------------------------------------
def test_exception_escaping_the_program_keeps_status_and_traceback(server, tmp_path: Path) -> None:
    srv = server("normal")
    run = run_host(
        spec(srv.url(), exit_code=0, steps=[["track", "deploy", "stack", "raise"]]),
        host_env(tmp_path),
    )
    assert_well_behaved(run, 1)
    assert "ValueError: escapes: a message that is never sent" in run.stderr
    (event,) = srv.bodies()[0]["events"]
    assert event["attributes"] == {
        "command": "deploy",
        "subcommand": "stack",
        "status": "failure",
        "exit_code": 1,
        "error_type": "ValueError",
        "duration_ms": event["attributes"]["duration_ms"],
    }
    assert "never sent" not in srv.requests()[0]["body"]


@pytest.mark.parametrize(
    "step", [["decorated", "deploy", "raise"], ["track", "deploy", None, "raise"]]
)
def test_the_traceback_is_the_same_with_telemetry_on_and_off(
    server, tmp_path: Path, step: list
) -> None:  # type: ignore[type-arg]
    srv = server("normal")
    on = run_host(spec(srv.url(), exit_code=0, steps=[step]), host_env(tmp_path))
    off = run_host(
        spec(srv.url(), exit_code=0, steps=[step]), host_env(tmp_path, HOSTAPP_TELEMETRY="0")
    )
    assert on.report["enabled"] == [True]
    assert off.report["enabled"] == [False]
    assert (on.returncode, off.returncode) == (1, 1)
    assert on.noise == off.noise
    assert on.noise[0] == "Traceback (most recent call last):"
    assert len(srv.requests()) == 1  # from the run with telemetry on


def test_system_exit_inside_track_counts_with_its_code(server, tmp_path: Path) -> None:
    srv = server("normal")
    run = run_host(
        spec(srv.url(), exit_code=0, steps=[["track", "deploy", None, "exit:4"]]),
        host_env(tmp_path),
    )
    assert_well_behaved(run, 4)
    (event,) = srv.bodies()[0]["events"]
    assert event["attributes"]["exit_code"] == 4
    assert event["attributes"]["status"] == "failure"
    assert "error_type" not in event["attributes"]


# -- the queue and the worker ------------------------------------------------------------
def test_many_events_are_batched_bounded_and_counted(server, tmp_path: Path) -> None:
    srv = server("normal")
    run = run_host(spec(srv.url(), steps=[["many", 300]]), host_env(tmp_path))
    assert_well_behaved(run, 3)
    bodies = srv.bodies()
    assert all(len(body["events"]) <= 64 for body in bodies)
    assert sum(len(b["events"]) + b["dropped"] for b in bodies) == 300  # none lost uncounted
    assert max(entry["open"] for entry in srv.entries("connect")) == 1  # one at a time
    # One daemon thread, started lazily, whatever the number of events and batches.
    threads = [trip for trip in run.trips if trip.startswith("threading.Thread.start")]
    assert threads == ["threading.Thread.start envdetect-telemetry"]


def test_a_batch_in_flight_at_exit_is_spooled_under_its_id(server, tmp_path: Path) -> None:
    # 64 events fill the queue: that batch goes out mid-run to a server that answers
    # only after 8 s.  Meanwhile 64 more fill the queue again and 36 are dropped.  At
    # exit the host does not wait: both batches go to the spool, the one in flight
    # under the id it was sent with (a collector drops the repeat if the first
    # attempt did arrive).
    srv = server("slow", delay=8.0)
    steps = [["many", 64], ["sleep", 0.5], ["many", 100]]
    run = run_host(spec(srv.url(), steps=steps), host_env(tmp_path), settle=False)
    assert_well_behaved(run, 3)
    first = srv.wait_for(1)[0]
    assert max(entry["open"] for entry in srv.entries("connect")) == 1  # one at a time
    import json

    sent_id = json.loads(first["body"])["batch_id"]
    spool = Path(run.flushes[0])
    names = spool_files(spool)
    assert len(names) == 2
    assert sum(name.split("-")[1] == sent_id for name in names) == 1
    assert sorted(int(name.split("-")[2].split(".")[0]) for name in names) == [64, 64]


def test_forked_child_sends_nothing(server, tmp_path: Path) -> None:
    srv = server("normal")
    steps = [["event", "parent_before", {}], ["fork"], ["event", "parent_after", {}]]
    run = run_host(spec(srv.url(), steps=steps), host_env(tmp_path))
    assert run.returncode == 3
    assert run.stdout == b""
    assert run.exit_overhead <= 1.0 + MARGIN
    assert run.report["child_status"] == 7  # the child's own exit code, untouched
    (child,) = run.other_reports
    assert child["signals_changed"] == []
    # The child inherited a started sender with a queued event and ran atexit: it
    # neither sent nor touched a socket (its tripwires stay quiet after the fork).
    after_fork = child["trips"][child["trips"].index("os.fork") + 1 :]
    assert not [trip for trip in after_fork if trip.startswith("socket")], after_fork
    # Nor spooled the parent's events or started a flush process of its own.
    assert not [trip for trip in after_fork if trip.startswith(("file write", "flush"))]
    bodies = srv.bodies()
    assert len(bodies) == 1
    assert [event["name"] for event in bodies[0]["events"]] == ["parent_before", "parent_after"]
