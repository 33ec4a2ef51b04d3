"""Worst-case cost of ``--capture``: hostile worlds at the read caps.

Run by hand (not a test):  python benchmarks/bench_capture.py [--runs 3]

Each world is the test suite's large environment (300 variables, several of
256 KiB; an ancestry with a 256 KiB argument and 4,000 arguments) with an
os-release at the read cap in one of the costly shapes, plus two worlds
without one: the plain large environment, and 20,000 variables.  For each,
the best of ``--runs`` captures is printed: the wall time, the detections run
(at most ``MAX_REPLAYS`` + 1), the time spent in them, and the time spent by
the minimiser itself.  The source tree is measured, not an installed copy.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import envdetect._engine  # noqa: E402
from envdetect._capture import MAX_REPLAYS, capture  # noqa: E402
from envdetect._fixture import FixtureContext  # noqa: E402
from tests.test_capture import HOSTILE_OS_RELEASES, REAL_OS_RELEASE, large_world  # noqa: E402


def worlds() -> dict[str, dict[str, Any]]:
    found = {
        f"os-release {shape}": large_world(text) for shape, text in HOSTILE_OS_RELEASES.items()
    }
    found["large environment"] = large_world(REAL_OS_RELEASE)
    crowded = large_world(REAL_OS_RELEASE)
    crowded["environ"].update({f"V{index}": str(index) for index in range(20_000)})
    found["20,000 variables"] = crowded
    return found


def measure(world: dict[str, Any]) -> tuple[float, int, float, int]:
    """(wall seconds, detections, seconds in detection, capture bytes)."""
    real_detect = envdetect._engine.detect
    calls = 0
    inside = 0.0

    def counting(*args: Any, **kwargs: Any) -> Any:
        nonlocal calls, inside
        calls += 1
        start = time.perf_counter()
        try:
            return real_detect(*args, **kwargs)
        finally:
            inside += time.perf_counter() - start

    envdetect._engine.detect = counting  # type: ignore[assignment]
    try:
        start = time.perf_counter()
        captured = capture(FixtureContext(world))
        wall = time.perf_counter() - start
    finally:
        envdetect._engine.detect = real_detect
    return wall, calls, inside, len(json.dumps(captured))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs
    print(f"Python {sys.version.split()[0]}; MAX_REPLAYS = {MAX_REPLAYS}; best of {runs}")
    print(
        f"{'world':32} {'wall s':>7} {'detections':>10} {'in them s':>9} {'own s':>6} {'bytes':>6}"
    )
    for name, world in worlds().items():
        wall, calls, inside, size = min(measure(world) for _ in range(runs))
        print(f"{name:32} {wall:7.3f} {calls:10} {inside:9.3f} {wall - inside:6.3f} {size:6}")


if __name__ == "__main__":
    main()
