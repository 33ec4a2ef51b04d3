"""Ctrl-C ends a host the same way with telemetry on as off: by SIGINT.

A program whose main module fails with KeyboardInterrupt dies by SIGINT
(``returncode == -SIGINT``; 130 in a shell).  CPython keeps that fact in one
process-wide flag that any thread evaluating a source string clears, so a worker
still detecting (early Ctrl-C), or importing ssl to send at exit (https), used to
turn it into exit status 1.  Real hosts, real loopback servers (http, and https
with a certificate made here), SIGINT from the test at ten early moments (while
the worker detects) and ten late ones (the worker idle, the command nearly done).
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from tests.conftest import ROOT
from tests.telemetry.conftest import HOST, HostRun, Server, host_env, self_signed_cert

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")

RUNS = 10
EARLY = [0.005 * n for n in range(RUNS)]  # 0-45 ms after the tracked command began
LATE = [0.6] * RUNS  # of a 0.8 s command


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("sigint")
    pem = self_signed_cert(folder)
    started = {"http": Server("normal", folder / "http.jsonl", lifetime=300)}
    if pem is not None:
        started["https"] = Server("normal", folder / "https.jsonl", lifetime=300, cert=pem)
    yield started, pem
    for each in started.values():
        each.stop()


def interrupted(spec: dict[str, Any], env: dict[str, str], delay: float) -> HostRun:
    """Run the host, send SIGINT ``delay`` seconds after its command began."""
    process = subprocess.Popen(
        [sys.executable, str(HOST), json.dumps(spec)],
        env=env,
        cwd=str(ROOT),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stderr is not None
    ready = process.stderr.readline()
    assert ready.startswith(b"@ready "), ready
    time.sleep(delay)
    process.send_signal(signal.SIGINT)  # only the process this test started
    stdout, stderr = process.communicate(timeout=60)
    ended = time.time()
    done = subprocess.CompletedProcess(process.args, process.returncode, stdout, ready + stderr)
    return HostRun(done, ended, process.pid)


@pytest.fixture(scope="module")
def runs(servers, tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[HostRun]]:
    started, pem = servers
    home = tmp_path_factory.mktemp("home")
    env = host_env(home, **({"SSL_CERT_FILE": str(pem)} if pem else {}))
    jobs = []
    for scheme, srv in started.items():
        for timing, delays in (("early", EARLY), ("late", LATE)):
            for number, delay in enumerate(delays):
                spec = {
                    "telemetry": {
                        "app": "hostapp",
                        "version": "1.0",
                        "exit_wait": 1.0,
                        "endpoint": srv.url(f"/{timing}-{number}", scheme),
                    },
                    "steps": [["track", "build", None, "sleep:0.8"]],
                }
                jobs.append((f"{scheme}-{timing}", spec, env, delay))
    off = {**env, "DO_NOT_TRACK": "1"}
    jobs += [("off-early", jobs[0][1], off, EARLY[0]), ("off-late", jobs[0][1], off, LATE[0])]
    results: dict[str, list[HostRun]] = {}
    with ThreadPoolExecutor(4) as pool:
        done = pool.map(lambda job: (job[0], interrupted(*job[1:])), jobs)
        for key, run in done:
            results.setdefault(key, []).append(run)
    return results


def test_without_telemetry_ctrl_c_ends_the_host_by_sigint(runs) -> None:
    assert [run.returncode for run in runs["off-early"] + runs["off-late"]] == [-signal.SIGINT] * 2


@pytest.mark.parametrize("timing", ["early", "late"])
@pytest.mark.parametrize("scheme", ["http", "https"])
def test_with_telemetry_ctrl_c_still_ends_the_host_by_sigint(
    runs, servers, scheme: str, timing: str
) -> None:
    if scheme not in servers[0]:
        pytest.skip("no certificate: neither the cryptography package nor openssl is here")
    mine = runs[f"{scheme}-{timing}"]
    assert [run.returncode for run in mine] == [-signal.SIGINT] * RUNS, [run.stderr for run in mine]
    for run in mine:
        assert run.stdout == b""
        assert run.report["signals_changed"] == []
        assert run.noise[-1] == "KeyboardInterrupt"  # the host's own traceback, as without
        assert not [line for line in run.noise if "envdetect" in line]


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_a_late_ctrl_c_is_still_reported(runs, servers, scheme: str) -> None:
    """A worker that had finished detecting sends the interrupted command at exit
    (nothing on its way to the server loads code).  One still detecting when the
    host is interrupted sends nothing, which on a loaded machine can happen even
    0.6 s in: half the runs must arrive."""
    if scheme not in servers[0]:
        pytest.skip("no certificate: neither the cryptography package nor openssl is here")
    srv = servers[0][scheme]
    assert len(runs[f"{scheme}-late"]) == RUNS
    requests = [r for r in srv.wait_for(RUNS, timeout=2) if r["line"].startswith("POST /late-")]
    assert len(requests) >= RUNS // 2
    for request in requests:
        (event,) = json.loads(request["body"])["events"]
        assert event["attributes"]["exit_code"] == 130
        assert event["attributes"]["error_type"] == "KeyboardInterrupt"
