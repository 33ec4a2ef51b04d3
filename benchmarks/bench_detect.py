"""Start-up cost of envdetect against doing nothing, the naive approach, and peers.

Run by hand (not a test):  python benchmarks/bench_detect.py [--runs 40]

Every command runs in a fresh interpreter, as it would at the start of a CLI;
commands are interleaved round-robin so that machine drift hits all of them
alike, and medians are compared.  The in-process cost of ``detect()`` (warm
imports) is timed separately with :mod:`timeit`.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import subprocess
import sys
import time
import timeit

BASELINE = "pass"
ENVDETECT = "import envdetect; envdetect.detect()"

#: name -> (code, modules it needs).  The naive composition is what a CLI
#: author writes with the usual libraries; the peers are published detectors.
CANDIDATES: dict[str, tuple[str, tuple[str, ...]]] = {
    "envdetect.detect()": (ENVDETECT, ()),
    "naive: distro.info + psutil parents + platform.platform": (
        "import distro, psutil, platform; distro.info(); psutil.Process().parents(); "
        "platform.platform()",
        ("distro", "psutil"),
    ),
    "platform.platform() alone": ("import platform; platform.platform()", ()),
    "distro.info() alone": ("import distro; distro.info()", ("distro",)),
    "peer: ci-info (PyPI) is_ci": ("import ci_info; ci_info.is_ci()", ("ci_info",)),
}


def time_command(code: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=40, help="fresh processes per command")
    args = parser.parse_args()

    commands = {"python -c pass (baseline)": BASELINE}
    skipped = []
    for name, (code, needs) in CANDIDATES.items():
        if all(importlib.util.find_spec(module) for module in needs):
            commands[name] = code
        else:
            skipped.append(f"{name} (pip install {' '.join(needs)})")

    for code in commands.values():  # warm the OS file cache and bytecode caches
        time_command(code)
    samples: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(args.runs):
        for name, code in commands.items():
            samples[name].append(time_command(code))

    base = statistics.median(samples["python -c pass (baseline)"])
    print(f"Python {sys.version.split()[0]} on {sys.platform}, {args.runs} fresh processes "
          "each, interleaved")
    print(f"{'command':<58} {'median ms':>9} {'vs pass':>8} {'vs envdetect':>12}")
    ours = statistics.median(samples["envdetect.detect()"])
    for name, values in samples.items():
        median = statistics.median(values)
        print(f"{name:<58} {median * 1000:>9.2f} {median / base:>7.2f}x "
              f"{median / ours:>11.2f}x")
    for name in skipped:
        print(f"skipped: {name}")

    import envdetect

    envdetect.detect(plugins=False)
    number = 200
    per_call = min(timeit.repeat(lambda: envdetect.detect(plugins=False), number=number,
                                 repeat=5)) / number
    print(f"in-process envdetect.detect() with warm imports: {per_call * 1e6:.0f} µs per call")
    return 0


if __name__ == "__main__":
    sys.exit(main())
