"""The spool and the detached flush process (issue 14): nothing lost within bounds,
each batch delivered once, whatever the spool looks like.

The unit cases call the spool in-process; the delivery cases run real hosts
(tests/telemetry/host.py) against loopback collectors, several at a time, and
wait for the flush processes those hosts started at exit.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from envdetect.telemetry import _spool
from tests.conftest import ROOT
from tests.telemetry.conftest import (
    assert_well_behaved,
    closed_port,
    host_env,
    run_host,
    settled,
    spool_files,
)

STEPS = [["track", "build", None, "ok"], ["event", "cache", {"hit": True}]]


def spec(endpoint: str, steps: list[Any] | None = None) -> dict[str, Any]:
    return {
        "telemetry": {
            "app": "hostapp",
            "version": "1.0",
            "endpoint": endpoint,
            "opt_out_env": "HOSTAPP_TELEMETRY",
        },
        "steps": STEPS if steps is None else steps,
        "exit": 0,
    }


def record(
    batch: str = "", events: int = 1, endpoint: str = "http://127.0.0.1:9/"
) -> dict[str, Any]:
    return {
        "batch": batch or os.urandom(16).hex(),
        "run": os.urandom(16).hex(),
        "app": "a",
        "version": "1",
        "wire": "json",
        "endpoint": endpoint,
        "headers": {},
        "dropped": 0,
        "facts": [{"os.type": "linux"}, {"os.type": "linux"}],
        "events": [["tick", 1, {"n": n}] for n in range(events)],
    }


def batch_ids(bodies: list[dict[str, Any]]) -> list[str]:
    return [body["batch_id"] for body in bodies]


# -- bounds and hostile spools (in-process) ----------------------------------------------
def test_bounds_in_events_bytes_and_age_are_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spool = str(tmp_path / "cache" / "a" / "telemetry-spool")
    monkeypatch.setattr(_spool, "MAX_EVENTS", 100)
    for _ in range(7):  # 7 x 30 events into room for 100: the oldest make way
        assert _spool.put([spool], record(events=30)) == spool
    kept = _spool.entries(spool)
    assert sum(entry.events for entry in kept) == 90
    monkeypatch.setattr(_spool, "MAX_BYTES", 3 * kept[0].size + 10)
    assert _spool.put([spool], record(events=30)) == spool
    assert sum(entry.size for entry in _spool.entries(spool)) <= _spool.MAX_BYTES
    # An expired batch is dropped at the next write.
    old = _spool.entries(spool)[0]
    stale = f"{time.time_ns() - (_spool.MAX_AGE + 60) * 10**9:020d}-{'0' * 32}-1.batch"
    os.rename(os.path.join(spool, old.name), os.path.join(spool, stale))
    assert _spool.put([spool], record()) == spool
    assert stale not in {entry.name for entry in _spool.entries(spool)}
    # One batch larger than the whole spool is refused, not allowed to empty it.
    before = len(_spool.entries(spool))
    assert _spool.put([spool], record(events=101)) is None
    assert len(_spool.entries(spool)) == before


def test_an_unwritable_or_missing_home_falls_back_or_keeps_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker / "cache"))  # under a file: unwritable
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    directories = _spool.spool_dirs("a")
    used = _spool.put(directories, record())
    assert used == str(tmp_path / "tmp" / f"envdetect-telemetry-{os.getuid()}" / "a")
    assert (Path(used).parent.stat().st_mode & 0o777) == 0o700
    # A folder of that name someone else could use (here: group-writable) is refused.
    os.chmod(Path(used).parent, 0o770)
    assert _spool.put(directories, record()) is None
    monkeypatch.setenv("TMPDIR", str(blocker))
    assert _spool.put(_spool.spool_dirs("a"), record()) is None  # nowhere: kept nowhere


@pytest.mark.skipif(
    os.name != "posix" or os.geteuid() == 0, reason="a read-only folder does not stop root"
)
def test_a_read_only_spool_is_never_sent_from(tmp_path: Path, server) -> None:
    srv = server("normal")
    spool = tmp_path / "spool"
    assert _spool.put([str(spool)], record(endpoint=srv.url()))
    spool.chmod(0o500)  # readable, but a batch could not be marked as sent
    try:
        _spool.flush(str(spool), time.monotonic() + 5)
        assert srv.entries() == []
        assert len(spool_files(spool)) == 1
    finally:
        spool.chmod(0o700)


def test_corrupt_and_planted_files_are_dropped_quietly(tmp_path: Path, server) -> None:
    srv = server("normal")
    spool = tmp_path / "spool"
    good = record(endpoint=srv.url())
    assert _spool.put([str(spool)], good)
    now = time.time_ns()
    (spool / f"{now:020d}-{'1' * 32}-1.batch").write_bytes(b"\x00{not json")
    (spool / f"{now:020d}-{'2' * 32}-1.batch").write_text(json.dumps({"batch": 1}))
    (spool / f"{now:020d}-{'3' * 32}-1.batch").write_bytes(b"[" * 300_000)  # too big
    (spool / f"{now:020d}-{'4' * 32}-1.batch").symlink_to("/etc/hostname")
    (spool / "notes.txt").write_text("not a batch: left alone")
    _spool.flush(str(spool), time.monotonic() + 10)
    assert batch_ids([json.loads(r["body"]) for r in srv.requests()]) == [good["batch"]]
    assert spool_files(spool) == []
    assert (spool / "notes.txt").exists()


def test_a_batch_without_the_hosts_fingerprint_is_detected_as_the_host(
    tmp_path: Path, server
) -> None:
    """A host that exits before its worker detected leaves its terminals and parent;
    the flush process detects with them, not with its own null streams."""
    srv = server("normal")
    spool = tmp_path / "spool"
    for terminal in (True, False):
        kept = {
            **record(endpoint=srv.url()),
            "facts": None,
            "host": {"stdin": terminal, "stdout": terminal, "parent": os.getppid()},
        }
        assert _spool.put([str(spool)], kept)
    _spool.flush(str(spool), time.monotonic() + 20)
    seen = sorted(
        json.loads(r["body"])["fingerprint"]["terminal.interactive"] for r in srv.requests()
    )
    assert seen == [False, True]


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="the ancestry from /proc")
def test_the_host_context_walks_from_the_hosts_parent() -> None:
    from envdetect.telemetry import _payload

    context = _payload._host_context({"parent": os.getpid()})
    comm = Path("/proc/self/comm").read_text().strip()
    assert context.processes()[0].name == comm  # this process plays the host's parent


def test_verdicts() -> None:
    assert [
        _spool.verdict(outcome)
        for outcome in (
            "http-200",
            "http-204",
            "http-400",
            "http-413",
            "malformed-endpoint",
            "http-500",
            "http-503",
            "http-429",
            "http-408",
            "timeout",
            "refused",
            "unresolved",
            "SSLCertVerificationError",
        )
    ] == ["done"] * 5 + ["retry"] * 8


def test_the_flush_process_is_bounded_and_silent(tmp_path: Path, server) -> None:
    srv = server("blackhole")
    spool = tmp_path / "spool"
    assert _spool.put([str(spool)], record(endpoint=srv.url()))
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); from envdetect.telemetry import "
        "_spool; _spool.main(sys.argv[2], lifetime=1.0)"
    )
    start = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", code, str(ROOT), str(spool)],
        capture_output=True,
        timeout=30,
        check=False,
    )
    assert time.monotonic() - start < 1.0 + 2.0  # the lifetime, and start-up
    assert (done.returncode, done.stdout, done.stderr) == (0, b"", b"")
    assert len(srv.wait_for(1)) == 1
    assert len(spool_files(spool)) == 1  # not acknowledged: kept (as .sending, reclaimed
    # by the next flusher, which holds the lock, so none is sending it)


def test_a_folder_made_meanwhile_by_another_run_is_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two runs exiting together both see no spool folder; the second mkdir fails
    # with FileExistsError. The batch must still go to the cache spool, not to
    # the fallback.
    spool = tmp_path / "cache" / "hostapp" / "telemetry-spool"
    real_mkdir = os.mkdir

    def racing_mkdir(path: Any, mode: int = 0o777) -> None:
        real_mkdir(path, mode)  # the other run
        real_mkdir(path, mode)  # ours: FileExistsError

    monkeypatch.setattr(os, "mkdir", racing_mkdir)
    fallback = tmp_path / "fallback"
    assert _spool.put([str(spool), str(fallback)], record(endpoint="http://127.0.0.1:9/")) == str(
        spool
    )
    assert len(spool_files(spool)) == 1


def test_one_flush_process_delivers_every_spool_it_is_given(tmp_path: Path, server) -> None:
    # A host whose batches went partly to the cache spool and partly to the
    # temporary fallback (a full or unwritable cache under concurrency) starts
    # one flush process for both, never one per folder.
    srv = server("normal")
    spools = [tmp_path / "cache-spool", tmp_path / "fallback-spool"]
    for spool in spools:
        assert _spool.put([str(spool)], record(endpoint=srv.url()))
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); from envdetect.telemetry import "
        "_spool; _spool.main(*sys.argv[2:], lifetime=10.0)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(ROOT), *map(str, spools)],
        capture_output=True,
        timeout=30,
        check=False,
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, b"", b"")
    assert len(srv.wait_for(2)) == 2
    assert [spool_files(spool) for spool in spools] == [[], []]
    assert _spool.start_flush() is False  # nothing to flush: no process


# -- delivery by real hosts ---------------------------------------------------------------
def test_collector_down_for_ten_runs_then_up_every_batch_arrives_once(
    server, tmp_path: Path
) -> None:
    port = closed_port()
    url = f"http://127.0.0.1:{port}/ingest"
    env = host_env(tmp_path)
    spool = tmp_path / "cache" / "hostapp" / "telemetry-spool"
    with ThreadPoolExecutor(4) as pool:
        down = list(pool.map(lambda _: run_host(spec(url), env, settle=False), range(10)))
    for run in down:
        assert_well_behaved(run, 0)
    srv = server("normal", port=port)
    up = run_host(spec(url), env, settle=False)
    assert_well_behaved(up, 0)
    last = time.monotonic()
    bodies = [json.loads(r["body"]) for r in srv.wait_for(11, timeout=15)]
    assert time.monotonic() - last < 15
    assert len(bodies) == 11
    assert len(set(batch_ids(bodies))) == 11  # each once
    assert len({body["run_id"] for body in bodies}) == 11  # each run's own id kept
    assert settled(spool)
    assert len(srv.requests()) == 11  # and nothing sent again afterwards


def test_twenty_quick_runs_against_a_slow_collector(server, tmp_path: Path) -> None:
    srv = server("slow", delay=0.3)
    env = host_env(tmp_path)
    steps = [["track", "build", None, "sleep:0.05"]]
    runs = [run_host(spec(srv.url(), steps), env, settle=False) for _ in range(20)]
    last = time.monotonic()
    for run in runs:
        assert run.returncode == 0
    bodies = [json.loads(r["body"]) for r in srv.wait_for(20, timeout=15)]
    assert time.monotonic() - last < 15
    assert len(set(batch_ids(bodies))) == len(bodies) == 20


def test_ten_concurrent_runs_share_one_spool(server, tmp_path: Path) -> None:
    port = closed_port()
    url = f"http://127.0.0.1:{port}/ingest"
    env = host_env(tmp_path)
    spool = tmp_path / "cache" / "hostapp" / "telemetry-spool"
    with ThreadPoolExecutor(10) as pool:
        runs = list(pool.map(lambda _: run_host(spec(url), env, settle=False), range(10)))
    for run in runs:  # (ten at once on a small machine: no exit timing asserted here)
        assert (run.returncode, run.stdout, run.noise) == (0, b"", [])
        assert len(run.flushes) <= 1  # none while another run's flusher holds the spool
    assert any(run.flushes for run in runs)
    assert len(spool_files(spool)) == 10
    srv = server("normal", port=port)
    assert_well_behaved(run_host(spec(url), env, settle=False), 0)
    bodies = [json.loads(r["body"]) for r in srv.wait_for(11, timeout=15)]
    assert len(set(batch_ids(bodies))) == len(bodies) == 11
    assert settled(spool)


def test_no_second_flush_process_while_one_holds_the_spool(tmp_path: Path, server) -> None:
    import fcntl

    srv = server("normal")
    spool = tmp_path / "cache" / "hostapp" / "telemetry-spool"
    spool.mkdir(parents=True)
    descriptor = os.open(spool / "flush.lock", os.O_RDWR | os.O_CREAT)
    fcntl.flock(descriptor, fcntl.LOCK_EX)  # this test plays the running flusher
    try:
        run = run_host(spec(srv.url()), host_env(tmp_path), settle=False)
        assert_well_behaved(run, 0)
        assert run.flushes == []  # the holder looks again when it lets go
        assert len(spool_files(spool)) == 1
    finally:
        os.close(descriptor)
    _spool.flush(str(spool), time.monotonic() + 10)
    assert len(srv.requests()) == 1


def test_the_hosts_working_directory_is_not_on_the_flushers_path(tmp_path: Path, server) -> None:
    """A sitecustomize.py or json.py where the host runs is never loaded by the flush
    process (it would run with the user's rights, from wherever the tool was run)."""
    srv = server("normal")
    workdir = tmp_path / "work"
    workdir.mkdir()
    planted = tmp_path / "planted"
    for name in ("sitecustomize.py", "json.py", "ast.py"):
        (workdir / name).write_text(f"open({str(planted)!r}, 'a').write({name!r})\n")
    spool = tmp_path / "spool"
    assert _spool.put([str(spool)], record(endpoint=srv.url()))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    code = (
        "import os, sys; sys.path.insert(0, sys.argv[1]); os.chdir(sys.argv[2]); "
        "from envdetect.telemetry import _spool; _spool.start_flush(sys.argv[3])"
    )
    subprocess.run(
        [sys.executable, "-c", code, str(ROOT), str(workdir), str(spool)],
        cwd=workdir,
        env=env,
        check=True,
        timeout=30,
    )
    assert len(srv.wait_for(1, timeout=15)) == 1
    assert not planted.exists()


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="reads /proc")
def test_the_flush_process_is_detached_quiet_and_low_priority(tmp_path: Path, server) -> None:
    srv = server("blackhole")  # it stays busy sending, long enough to be looked at
    spool = tmp_path / "spool"
    assert _spool.put([str(spool)], record(endpoint=srv.url()))
    assert _spool.start_flush(str(spool))
    srv.wait_for(1, timeout=15)
    (pid,) = [
        int(entry.name)
        for entry in Path("/proc").iterdir()
        if entry.name.isdigit()
        and str(spool).encode() in _read(entry / "cmdline")
        and b"-S" in _read(entry / "cmdline")
    ]
    fields = _read(Path(f"/proc/{pid}/stat")).rsplit(b")", 1)[1].split()
    session, nice = int(fields[3]), int(fields[16])
    assert session == pid != os.getsid(0)  # a session of its own: no Ctrl-C from ours
    assert nice == min(os.nice(0) + _spool.NICENESS, 19)  # lower than its starter's
    for descriptor in (0, 1, 2):
        assert os.readlink(f"/proc/{pid}/fd/{descriptor}") == os.devnull
    os.kill(pid, 15)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""


def test_a_notice_run_and_debug_mode_touch_no_spool(tmp_path: Path, server) -> None:
    srv = server("normal")
    told_nothing = run_host({**spec(srv.url()), "told": False}, host_env(tmp_path))
    debug = run_host(spec(srv.url()), host_env(tmp_path, ENVDETECT_TELEMETRY_DEBUG="1"))
    for run in (told_nothing, debug):
        assert run.returncode == 0
        assert run.flushes == []
        assert not [trip for trip in run.trips if "cache" in trip or "envdetect-tele" in trip]
    assert not (tmp_path / "cache").exists()
    assert srv.entries() == []
