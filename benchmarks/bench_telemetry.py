"""What envdetect.telemetry costs its host.

Run by hand (not a test):  python benchmarks/bench_telemetry.py [--events 10000] [--runs 15]

1. Recording: N events in a loop (``with t.track(...)`` and ``t.event(...)``),
   telemetry off and on; the cost per event, and the tracemalloc peak for N and
   N/10 events (bounded memory: the queue holds 64 events, the rest are dropped
   and counted).  "On" sends to a black hole: a loopback listener that never
   accepts, so the first batch stays in flight — the worst case.
2. Exit (issue 14): fresh host processes that record one command and exit,
   interleaved, medians of wall time: ``python -c pass``, telemetry off, and on
   in eight network states (collector up, HTTP 500, refused, black hole, slow
   trickle, unresolvable name, DNS that never answers, TLS with an untrusted
   certificate); the host's CPU (``getrusage`` of the waited child, so the
   detached flush process is not in it) as a ratio to ``python -c pass``.
3. The flush process alone: its CPU and wall time delivering one spooled batch.
4. Delivery: 10 runs with the collector down, then up and one more run (all 11
   batches at the collector, each once?); 20 runs of about 50 ms against a
   collector that answers after 300 ms (seconds from the last run to the last
   batch).

Everything runs on 127.0.0.1; name lookups fail or hang through a
``sitecustomize`` this script writes, never through real DNS.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from envdetect.telemetry import Telemetry  # noqa: E402

# The explicit opt-in: "on" means on from the first record, with no notice run
# (a fresh home would show the notice and send nothing) and no file written.
OPT_IN = "BENCHAPP_TELEMETRY"
os.environ[OPT_IN] = "1"


def black_hole() -> tuple[socket.socket, str]:
    """A listener that never accepts: connects succeed, nothing ever answers."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(128)
    return listener, f"http://127.0.0.1:{listener.getsockname()[1]}/ingest"


class Collector(ThreadingHTTPServer):
    """A loopback collector: answers ``status`` after ``delay`` seconds and keeps each
    body's batch id (the repeats too)."""

    def __init__(self, port: int = 0, status: int = 200, delay: float = 0.0) -> None:
        self.allow_reuse_address = True
        super().__init__(("127.0.0.1", port), Handler)
        self.status, self.delay = status, delay
        self.batches: list[str] = []
        self.arrived: list[float] = []
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/ingest"


class Handler(BaseHTTPRequestHandler):
    server: Collector

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        time.sleep(self.server.delay)
        try:
            self.server.batches.append(json.loads(body).get("batch_id", "?"))
        except ValueError:
            self.server.batches.append("?")
        self.server.arrived.append(time.monotonic())
        self.send_response(self.server.status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def answering_server() -> tuple[Collector, str]:
    server = Collector()
    return server, server.url


def record(t: Telemetry, events: int, kind: str) -> float:
    """Seconds for ``events`` recordings."""
    attributes = {"hit": True, "entries": 3}
    start = time.perf_counter()
    if kind == "track":
        for _ in range(events):
            with t.track("build", "all"):
                pass
    else:
        for _ in range(events):
            t.event("cache", attributes)
    return time.perf_counter() - start


def peak(make: object, events: int, kind: str) -> int:
    gc.collect()
    t = make()  # type: ignore[operator]
    record(t, 1, kind)  # the sender and its thread exist before measuring
    time.sleep(0.5)  # ...and the worker has detected and sent its first batch
    tracemalloc.start()
    record(t, events, kind)
    _, top = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return top


def bench_recording(events: int, endpoint: str) -> None:
    os.environ.pop("DO_NOT_TRACK", None)

    def on() -> Telemetry:
        return Telemetry("benchapp", "1.0", endpoint, exit_wait=0, opt_out_env=OPT_IN)

    def off() -> Telemetry:
        os.environ["DO_NOT_TRACK"] = "1"
        try:
            return Telemetry("benchapp", "1.0", endpoint)
        finally:
            del os.environ["DO_NOT_TRACK"]

    print(
        f"recording {events:,} events in a loop (Python {sys.version.split()[0]}, "
        f"{sys.platform}, {os.cpu_count()} CPUs)"
    )
    print(f"{'':<34}{'per event':>11}{'peak memory':>14}{'at N/10':>10}{'dropped':>9}")
    for label, make in (("off (DO_NOT_TRACK=1)", off), ("on, endpoint a black hole", on)):
        for kind in ("track", "event"):
            t = make()
            record(t, 1, kind)
            time.sleep(0.5)  # the worker has detected: measure the host's path alone
            best = min(record(t, events, kind) for _ in range(3)) / events
            dropped = t.dropped
            top, small = peak(make, events, kind), peak(make, events // 10, kind)
            print(
                f"{label + ': ' + kind:<34}{best * 1e6:>8.2f} µs{top / 1024:>11.1f} KiB"
                f"{small / 1024:>7.1f} KiB{dropped:>9,}"
            )


HOST = """
import sys, time
from envdetect.telemetry import Telemetry
t = Telemetry("benchapp", "1.0", sys.argv[1], opt_out_env="BENCHAPP_TELEMETRY")
with t.track("build"):
    pass
sys.stderr.write(f"{time.time()}\\n")
"""

#: Name lookups in the host and its flush process, by TEST_DNS: fail, or never answer.
#: Loaded by every case (python -c pass and telemetry off too), so that its own
#: imports weigh the same everywhere.
DNS_HOOK = """
import os, socket, time
mode = os.environ.get("TEST_DNS")
real = socket.getaddrinfo
def lookup(host, *args, **kwargs):
    if mode and not str(host).replace(".", "").isdigit():
        if mode == "hang":
            time.sleep(3600)
        raise socket.gaierror(socket.EAI_NONAME, "unknown name (benchmark)")
    return real(host, *args, **kwargs)
socket.getaddrinfo = lookup
"""


def trickle_server() -> tuple[socket.socket, str]:
    """Answers every request one byte a second: a status line that never ends in time."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)

    def drip(conn: socket.socket) -> None:
        try:
            conn.settimeout(60)
            conn.recv(65536)
            for byte in b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n":
                conn.sendall(bytes([byte]))
                time.sleep(1.0)
        except OSError:
            pass
        finally:
            conn.close()

    def accept() -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            threading.Thread(target=drip, args=(conn,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    return listener, f"http://127.0.0.1:{listener.getsockname()[1]}/ingest"


def untrusted_tls_server(folder: Path) -> tuple[socket.socket, str] | None:
    """A TLS listener with a self-signed certificate (made by ``openssl``), or None."""
    import ssl

    openssl = shutil.which("openssl")
    if openssl is None:
        return None
    key, cert = folder / "key.pem", folder / "cert.pem"
    made = subprocess.run(
        [
            openssl,
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        capture_output=True,
        check=False,
    )
    if made.returncode != 0:
        return None
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)

    def accept() -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            try:
                conn.settimeout(5)
                context.wrap_socket(conn, server_side=True).close()
            except (OSError, ssl.SSLError):
                conn.close()

    threading.Thread(target=accept, daemon=True).start()
    return listener, f"https://127.0.0.1:{listener.getsockname()[1]}/ingest"


def closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def base_env(folder: Path) -> dict[str, str]:
    """No proxies, no opt-out; envdetect and the DNS hook importable; its own cache."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.lower().endswith("_proxy") and key != "DO_NOT_TRACK"
    }
    env["PYTHONPATH"] = os.pathsep.join([str(folder / "hook"), str(ROOT)])
    env["XDG_CACHE_HOME"] = str(folder / "cache")
    return env


def timed(command: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """Wall seconds, the process's own CPU seconds (not its detached children's), and
    its exit: from the end of its main code (the time it wrote last on stderr) to
    having exited (NaN when it wrote none)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        command, env=env, check=True, stdin=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    ended = time.time()
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    lines = done.stderr.split()
    exit_phase = ended - float(lines[-1]) if lines else float("nan")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, exit_phase


def serve(kind: str, folder: str) -> None:
    """``--serve KIND FOLDER``: one collector in this process, its URL on stdout, until
    killed.  The exit measurements use these, so that no server thread of the
    measuring process competes with its clock."""
    url: str | None
    if kind == "ok":
        url = Collector().url
    elif kind == "error":
        url = Collector(status=500).url
    elif kind == "trickle":
        url = trickle_server()[1]
    elif kind == "hole":
        url = black_hole()[1]
    else:
        made = untrusted_tls_server(Path(folder))
        url = made[1] if made is not None else None
    print(url or "", flush=True)
    while True:
        time.sleep(3600)


def bench_exit(runs: int, folder: Path) -> None:
    (folder / "hook").mkdir()
    (folder / "hook" / "sitecustomize.py").write_text(DNS_HOOK)
    env = base_env(folder)
    servers: list[subprocess.Popen[str]] = []

    def started(kind: str) -> str:
        process = subprocess.Popen(
            [sys.executable, __file__, "--serve", kind, str(folder)],
            stdout=subprocess.PIPE,
            text=True,
        )
        servers.append(process)
        assert process.stdout is not None
        return process.stdout.readline().strip()

    host = [sys.executable, "-c", HOST]
    answering = started("ok")
    states = {
        "collector up (200)": (answering, {}),
        "HTTP 500": (started("error"), {}),
        "refused": (f"http://127.0.0.1:{closed_port()}/ingest", {}),
        "black hole": (started("hole"), {}),
        "slow trickle": (started("trickle"), {}),
        "unresolvable name": ("https://telemetry.invalid/ingest", {"TEST_DNS": "fail"}),
        "DNS never answers": ("https://telemetry.invalid/ingest", {"TEST_DNS": "hang"}),
    }
    tls = started("tls")
    if tls:
        states["TLS, untrusted certificate"] = (tls, {})
    cases: dict[str, tuple[list[str], dict[str, str]]] = {
        "python -c pass": ([sys.executable, "-c", "pass"], env),
        "telemetry off (DO_NOT_TRACK=1)": ([*host, answering], {**env, "DO_NOT_TRACK": "1"}),
    }
    for number, (name, (url, extra)) in enumerate(states.items()):
        # Each state its own cache, so that one state's spool is not another's.
        cases[f"on, {name}"] = (
            [*host, url],
            {**env, **extra, "XDG_CACHE_HOME": str(folder / f"cache-{number}")},
        )
    walls: dict[str, list[float]] = {name: [] for name in cases}
    cpus: dict[str, list[float]] = {name: [] for name in cases}
    exits: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(runs):
        for name, (command, case_env) in cases.items():
            wall, cpu, exit_phase = timed(command, case_env)
            walls[name].append(wall)
            cpus[name].append(cpu)
            exits[name].append(exit_phase)
    off_name = "telemetry off (DO_NOT_TRACK=1)"
    off = statistics.median(walls[off_name])
    off_exit = statistics.median(exits[off_name])
    bare = statistics.median(cpus["python -c pass"])
    print(
        f"\nhost process, record one command and exit: {runs} fresh processes each, "
        "interleaved, medians; exit: from the end of the main code to the process gone"
    )
    print(
        f"{'':<34}{'wall':>9}{'vs off':>10}{'exit':>9}{'vs off':>10}{'host CPU':>10}{'vs pass':>8}"
    )
    for name in cases:
        wall, cpu = statistics.median(walls[name]), statistics.median(cpus[name])
        ended = statistics.median(exits[name])
        exit_text = (
            f"{ended * 1000:>6.1f} ms{(ended - off_exit) * 1000:>+7.1f} ms"
            if not math.isnan(ended)
            else f"{'-':>9}{'-':>10}"
        )
        print(
            f"{name:<34}{wall * 1000:>6.1f} ms{(wall - off) * 1000:>+7.1f} ms{exit_text}"
            f"{cpu * 1000:>7.1f} ms{cpu / bare:>7.2f}x"
        )
    for process in servers:
        process.kill()
        process.wait()


def bench_flush_process(runs: int, folder: Path, answering: str) -> None:
    """The detached process's cost: one spooled batch, with and without the host's
    fingerprint in it (without: the host exited before its worker had detected)."""
    sys.path.insert(0, str(ROOT))
    from envdetect.telemetry import _payload, _spool

    facts = _payload.environment()
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); "
        "from envdetect.telemetry._spool import main; main(sys.argv[2])"
    )
    print(
        f"\nthe flush process delivering one batch to a collector that answers: {runs} runs,"
        " medians"
    )
    for label, with_facts in (
        ("fingerprint spooled by the host", True),
        ("fingerprint detected by the flush process", False),
    ):
        walls, cpus = [], []
        for number in range(runs):
            spool = folder / f"flush-{with_facts}-{number}"
            _spool.put(
                [str(spool)],
                {
                    "batch": _payload.batch_id(),
                    "run": _payload.run_id(),
                    "app": "benchapp",
                    "version": "1.0",
                    "wire": "json",
                    "endpoint": answering,
                    "headers": {},
                    "dropped": 0,
                    "facts": list(facts) if with_facts else None,
                    "events": [["command", time.time_ns(), {"command": "build"}]],
                },
            )
            wall, cpu, _ = timed(
                [sys.executable, "-c", code, str(ROOT), str(spool)], base_env(folder)
            )
            walls.append(wall)
            cpus.append(cpu)
        print(
            f"{label:<44}{statistics.median(walls) * 1000:>7.1f} ms wall"
            f"{statistics.median(cpus) * 1000:>8.1f} ms CPU"
        )


def wait_for(collector: Collector, count: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while len(collector.batches) < count and time.monotonic() < deadline:
        time.sleep(0.05)


def bench_delivery(folder: Path) -> None:
    host = [sys.executable, "-c", HOST]
    quick = [sys.executable, "-c", HOST.replace("pass", "__import__('time').sleep(0.05)")]
    print("\ndelivery after the host exits")
    # 10 runs while the collector is down, then it comes up, then one more run.
    env = {**base_env(folder), "XDG_CACHE_HOME": str(folder / "cache-down-up")}
    port = closed_port()
    url = f"http://127.0.0.1:{port}/ingest"
    for _ in range(10):
        subprocess.run([*host, url], env=env, check=True, stderr=subprocess.DEVNULL)
    collector = Collector(port=port)
    subprocess.run([*host, url], env=env, check=True, stderr=subprocess.DEVNULL)
    last = time.monotonic()
    wait_for(collector, 11, 30)
    took = (collector.arrived[-1] - last) if collector.arrived else float("nan")
    time.sleep(2)  # any repeat would come now
    print(
        f"10 runs down, then up + 1 run: {len(set(collector.batches))} of 11 batches, "
        f"{len(collector.batches) - len(set(collector.batches))} repeats, "
        f"the last {took:.1f} s after the last run"
    )
    collector.shutdown()
    # 20 runs of about 50 ms against a collector that takes 300 ms to answer.
    slow = Collector(delay=0.3)
    env = {**base_env(folder), "XDG_CACHE_HOME": str(folder / "cache-slow")}
    for _ in range(20):
        subprocess.run([*quick, slow.url], env=env, check=True, stderr=subprocess.DEVNULL)
    last = time.monotonic()
    wait_for(slow, 20, 30)
    took = (slow.arrived[-1] - last) if slow.arrived else float("nan")
    print(
        f"20 runs of ~50 ms, collector answering in 300 ms: {len(set(slow.batches))} of 20 "
        f"batches, {len(slow.batches) - len(set(slow.batches))} repeats, the last "
        f"{took:.1f} s after the last run"
    )
    slow.shutdown()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--skip-recording", action="store_true")
    parser.add_argument("--serve", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(*args.serve)
    hole_socket, hole = black_hole()
    server, answering = answering_server()
    folder = Path(tempfile.mkdtemp(prefix="bench-telemetry-"))
    # As installed: bytecode cached (with PYTHONDONTWRITEBYTECODE set, every run
    # would compile the modules it loads first).
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(ROOT / "envdetect")],
        check=False,
        stdout=subprocess.DEVNULL,
    )
    try:
        if not args.skip_recording:
            bench_recording(args.events, hole)
        bench_exit(args.runs, folder)
        bench_flush_process(max(3, args.runs // 3), folder, answering)
        bench_delivery(folder)
    finally:
        server.shutdown()
        hole_socket.close()
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
