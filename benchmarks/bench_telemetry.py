"""What envdetect.telemetry costs its host.

Run by hand (not a test):  python benchmarks/bench_telemetry.py [--events 10000] [--runs 15]

1. Recording: N events in a loop (``with t.track(...)`` and ``t.event(...)``),
   telemetry off and on; the cost per event, and the tracemalloc peak for N and
   N/10 events (bounded memory: the queue holds 64 events, the rest are dropped
   and counted).  "On" sends to a black hole: a loopback listener that never
   accepts, so the first batch stays in flight — the worst case.
2. Exit: fresh host processes that record one command and exit, interleaved,
   medians: telemetry off, on against a server that answers, on against a
   black hole (the host waits ``exit_wait``, 0.25 s, then abandons the send).

Everything runs on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import gc
import os
import socket
import statistics
import subprocess
import sys
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


class Ok(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def answering_server() -> tuple[ThreadingHTTPServer, str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Ok)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/ingest"


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

    print(f"recording {events:,} events in a loop (Python {sys.version.split()[0]}, "
          f"{sys.platform}, {os.cpu_count()} CPUs)")
    print(f"{'':<34}{'per event':>11}{'peak memory':>14}{'at N/10':>10}{'dropped':>9}")
    for label, make in (("off (DO_NOT_TRACK=1)", off), ("on, endpoint a black hole", on)):
        for kind in ("track", "event"):
            t = make()
            record(t, 1, kind)
            time.sleep(0.5)  # the worker has detected: measure the host's path alone
            best = min(record(t, events, kind) for _ in range(3)) / events
            dropped = t.dropped
            top, small = peak(make, events, kind), peak(make, events // 10, kind)
            print(f"{label + ': ' + kind:<34}{best * 1e6:>8.2f} µs{top / 1024:>11.1f} KiB"
                  f"{small / 1024:>7.1f} KiB{dropped:>9,}")


HOST = """
import sys
from envdetect.telemetry import Telemetry
t = Telemetry("benchapp", "1.0", sys.argv[1], opt_out_env="BENCHAPP_TELEMETRY")
with t.track("build"):
    pass
"""


def bench_exit(runs: int, answering: str, hole: str) -> None:
    env = {key: value for key, value in os.environ.items()
           if not key.lower().endswith("_proxy") and key != "DO_NOT_TRACK"}
    env["PYTHONPATH"] = str(ROOT)
    cases = {
        "python -c pass": ([sys.executable, "-c", "pass"], env),
        "telemetry off (DO_NOT_TRACK=1)": ([sys.executable, "-c", HOST, answering],
                                           {**env, "DO_NOT_TRACK": "1"}),
        "on, server answers 200": ([sys.executable, "-c", HOST, answering], env),
        "on, black hole (exit_wait 0.25 s)": ([sys.executable, "-c", HOST, hole], env),
    }
    samples: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(runs):
        for name, (command, case_env) in cases.items():
            start = time.perf_counter()
            subprocess.run(command, env=case_env, check=True)
            samples[name].append(time.perf_counter() - start)
    off = statistics.median(samples["telemetry off (DO_NOT_TRACK=1)"])
    print(f"\nhost process, record one command and exit: {runs} fresh processes each, "
          "interleaved, medians")
    print(f"{'':<36}{'wall':>10}{'vs off':>12}{'max':>10}")
    for name, values in samples.items():
        median = statistics.median(values)
        print(f"{name:<36}{median * 1000:>7.1f} ms{(median - off) * 1000:>+9.1f} ms"
              f"{max(values) * 1000:>7.1f} ms")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    hole_socket, hole = black_hole()
    server, answering = answering_server()
    try:
        bench_recording(args.events, hole)
        bench_exit(args.runs, answering, hole)
    finally:
        server.shutdown()
        hole_socket.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
