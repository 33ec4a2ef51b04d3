"""What switching on envdetect's OpenTelemetry resource detector costs a service.

Run by hand (not a test):  python benchmarks/bench_otel.py [--runs 30]

Fresh interpreters, interleaved in a new random order every round so that
machine drift hits every command alike; medians, and ratios within this one
run:

- ``python -c pass``;
- the SDK's own ``Resource.create()`` (its default detectors only);
- ``Resource.create()`` with ``OTEL_EXPERIMENTAL_RESOURCE_DETECTORS=envdetect``
  (entry-point discovery, importing envdetect, one detection);
- the same with the SDK's ``os,process`` detectors instead, for scale;
- ``import envdetect; envdetect.detect()`` alone.

Then, in-process and warm, one ``EnvdetectResourceDetector().detect()``
against the SDK's ``OsResourceDetector().detect()``.

The children import envdetect from this source tree.  When envdetect is not
installed, a scratch ``.dist-info`` declares the entry point pyproject.toml
declares, as an installation would.  Needs ``pip install envdetect[otel]``
(or opentelemetry-sdk).
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
import timeit
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GROUP = "opentelemetry_resource_detector"
CREATE = "from opentelemetry.sdk.resources import Resource; Resource.create()"

#: name -> (code, OTEL_EXPERIMENTAL_RESOURCE_DETECTORS or None).
COMMANDS: dict[str, tuple[str, str | None]] = {
    "python -c pass": ("pass", None),
    "SDK Resource.create()": (CREATE, None),
    "Resource.create() + envdetect": (CREATE, "envdetect"),
    "Resource.create() + os,process": (CREATE, "os,process"),
    "import envdetect; detect()": ("import envdetect; envdetect.detect()", None),
}
SDK, OURS = "SDK Resource.create()", "Resource.create() + envdetect"


def entry_point_path(scratch: Path) -> list[str]:
    """Where the children find the ``envdetect`` entry point."""
    from opentelemetry.util._importlib_metadata import entry_points

    if list(entry_points(group=GROUP, name="envdetect")):
        return []
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    found = re.search(
        rf'^\[project\.entry-points\.{GROUP}\]\nenvdetect = "([^"]+)"$', text, re.MULTILINE
    )
    if not found:
        raise SystemExit("pyproject.toml declares no envdetect resource detector")
    info = scratch / "envdetect-0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: envdetect\nVersion: 0\n")
    (info / "entry_points.txt").write_text(f"[{GROUP}]\nenvdetect = {found.group(1)}\n")
    return [str(scratch)]


def run(code: str, detectors: str | None, env: dict[str, str], cwd: str) -> float:
    child = dict(env)
    if detectors is not None:
        child["OTEL_EXPERIMENTAL_RESOURCE_DETECTORS"] = detectors
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", code],
        env=child,
        cwd=cwd,
        check=True,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - start


def fresh_processes(runs: int) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("OTEL_", "ENVDETECT_"))
        }
        env["PYTHONPATH"] = os.pathsep.join([*entry_point_path(Path(scratch)), str(ROOT)])
        for code, detectors in COMMANDS.values():  # warm the disk cache and bytecode
            run(code, detectors, env, scratch)
        samples: dict[str, list[float]] = {name: [] for name in COMMANDS}
        for _ in range(runs):
            names = list(COMMANDS)
            random.shuffle(names)
            for name in names:
                samples[name].append(run(*COMMANDS[name], env, scratch))
    base = statistics.median(samples["python -c pass"])
    sdk = statistics.median(samples[SDK])
    print(f"Fresh processes, {runs} rounds, Python {sys.version.split()[0]}:")
    print(f"  {'command':<34} {'median ms':>9} {'vs pass':>8} {'vs SDK create':>13}")
    for name, values in samples.items():
        median = statistics.median(values)
        print(f"  {name:<34} {median * 1000:>9.2f} {median / base:>7.2f}x {median / sdk:>12.2f}x")
    ours = statistics.median(samples[OURS])
    print(f"  envdetect over the SDK's Resource.create(): {(ours - sdk) * 1000:+.2f} ms")


def warm(number: int) -> None:
    sys.path.insert(0, str(ROOT))
    from opentelemetry.sdk.resources import OsResourceDetector

    from envdetect.otel import EnvdetectResourceDetector

    ours, theirs = EnvdetectResourceDetector(), OsResourceDetector()
    ours.detect()
    times = {
        "EnvdetectResourceDetector().detect()": min(
            timeit.repeat(ours.detect, number=number, repeat=5)
        )
        / number,
        "OsResourceDetector().detect()": min(timeit.repeat(theirs.detect, number=number, repeat=5))
        / number,
    }
    print(f"In-process, warm (best of 5 x {number}):")
    for name, seconds in times.items():
        print(f"  {name:<38} {seconds * 1e6:>9.1f} us")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="fresh processes per command")
    parser.add_argument("--number", type=int, default=200, help="warm calls per timing")
    options = parser.parse_args()
    fresh_processes(options.runs)
    warm(options.number)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
