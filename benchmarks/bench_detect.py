"""Start-up cost of envdetect against doing nothing, the naive approach, and peers.

Run by hand (not a test):  python benchmarks/bench_detect.py [--runs 40]

Every command runs in a fresh interpreter, as it would at the start of a CLI;
commands are interleaved, in a fresh random order every round, so that machine
drift hits all of them alike, and medians are compared.  The headline,
``import envdetect; envdetect.detect()`` against ``python -c pass``, is
measured in a block of its own, in two cases, each against its own
``python -c pass``:

- piped: stdin from /dev/null, stdout and stderr into pipes, as under a
  script, a pipeline or a CI runner.  envdetect then reads the process
  ancestry (no variable told it who runs the program).
- interactive: stdin, stdout and stderr on a pseudo-terminal, as for a person
  at a terminal, the common CLI case.  No ancestry walk.  Needs :mod:`pty`
  (not on Windows).

A second block interleaves the naive approach and the peers with the same
two commands: those heavy commands leave cold caches behind them, which
costs the light commands that follow more than it costs them in real use.

The children run in a scratch directory, so the ``envdetect`` measured is the
one the interpreter has installed, not a source tree in the current
directory.  The in-process cost of ``detect()`` (warm imports) is timed
separately with :mod:`timeit`.

``--junk`` measures something else, in-process and in one run: ``detect()``
with a normal /etc/os-release against the same call where the file is junk
that broken machines hold (/dev/zero, a 1 GB sparse file, 240 KB of one
unquoted quote) and floods of well-formed shell past the parser's bounds.
Each file is served through the live reader (a :class:`LiveContext` whose
os-release paths point at the junk), so the 256 KiB read cap applies as on
a real machine; the calls are interleaved and the medians compared.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import timeit

try:
    import pty
except ImportError:  # Windows
    pty = None  # type: ignore[assignment]

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

#: Which envdetect a child imports, and whether its modules load from cached
#: bytecode that matches their source (without it every start compiles them,
#: which dwarfs the rest: PYTHONDONTWRITEBYTECODE over a changed source tree).
WHERE = """
import importlib.util, os, sys, envdetect
envdetect.detect()

def cached(source):
    try:
        with open(importlib.util.cache_from_source(source), "rb") as pyc:
            head = pyc.read(16)
        stat = os.stat(source)
    except OSError:
        return False
    if head[:4] != importlib.util.MAGIC_NUMBER:
        return False
    if int.from_bytes(head[4:8], "little") & 1:  # hash-based
        return True
    return (int.from_bytes(head[8:12], "little") == int(stat.st_mtime) & 0xFFFFFFFF
            and int.from_bytes(head[12:16], "little") == stat.st_size & 0xFFFFFFFF)

files = [m.__file__ for name, m in sys.modules.items()
         if name.startswith("envdetect") and getattr(m, "__file__", None)]
print(os.path.dirname(envdetect.__file__), len(files), len([f for f in files if not cached(f)]))
"""


class Runner:
    """Runs ``python -c code`` in a fresh interpreter, piped or on a pseudo-terminal."""

    def __init__(self, cwd: str) -> None:
        self.cwd = cwd
        self.terminal: tuple[int, int] | None = pty.openpty() if pty is not None else None

    def time(self, code: str, interactive: bool) -> float:
        command = [sys.executable, "-c", code]
        if interactive:
            assert self.terminal is not None
            primary, secondary = self.terminal
            start = time.perf_counter()
            process = subprocess.Popen(
                command, stdin=secondary, stdout=secondary, stderr=secondary, cwd=self.cwd
            )
            # The commands write nothing; a failing one writes a traceback, which
            # fits the terminal's buffer.  The watchdog is a safety net: wait()
            # with a timeout would poll, and round every time up to its naps.
            watchdog = threading.Timer(60, process.kill)
            watchdog.start()
            returncode = process.wait()
            elapsed = time.perf_counter() - start
            watchdog.cancel()
            output = self._drain(primary)
        else:
            start = time.perf_counter()
            process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                cwd=self.cwd,
            )
            out, err = process.communicate()
            returncode = process.returncode
            elapsed = time.perf_counter() - start
            output = out + err
        if returncode != 0:
            raise SystemExit(f"{code!r} failed:\n{output.decode(errors='replace')}")
        return elapsed

    @staticmethod
    def _drain(primary: int) -> bytes:
        """What the child wrote to the terminal (nothing, unless it failed)."""
        os.set_blocking(primary, False)
        chunks = []
        try:
            while True:
                chunk = os.read(primary, 65536)
                if not chunk:
                    break
                chunks.append(chunk)
        except OSError:  # EAGAIN: nothing (more) to read
            pass
        return b"".join(chunks)


def measure(
    runner: Runner, cases: list[tuple[str, str, bool]], runs: int
) -> dict[tuple[str, bool], list[float]]:
    """Times every case ``runs`` times, in a fresh random order each round."""
    for _, code, tty in cases:  # warm the OS file cache and bytecode caches
        runner.time(code, tty)
    samples: dict[tuple[str, bool], list[float]] = {(name, tty): [] for name, _, tty in cases}
    shuffler = random.Random(0)
    order = list(cases)
    for _ in range(runs):
        shuffler.shuffle(order)
        for name, code, tty in order:
            samples[name, tty].append(runner.time(code, tty))
    return samples


def report(title: str, samples: dict[str, list[float]], baseline: str, ours: str) -> None:
    base = statistics.median(samples[baseline])
    mine = statistics.median(samples[ours])
    # The fastest run of each command is the one least disturbed by the rest
    # of the machine: its ratio is the steadier of the two on a busy host.
    fastest = min(samples[baseline])
    print(title)
    print(
        f"  {'command':<58} {'median ms':>9} {'vs pass':>8} {'vs envdetect':>12} "
        f"{'min vs pass':>11}"
    )
    for name, values in samples.items():
        median = statistics.median(values)
        print(
            f"  {name:<58} {median * 1000:>9.2f} {median / base:>7.2f}x "
            f"{median / mine:>11.2f}x {min(values) / fastest:>10.2f}x"
        )
    print(
        f"  envdetect over pass: {(mine - base) * 1000:+.2f} ms (median), "
        f"{(min(samples[ours]) - fastest) * 1000:+.2f} ms (fastest runs)"
    )


def instructions(code: str, cwd: str, terminal: int | None = None) -> int | None:
    """Instructions ``python -c code`` executes (valgrind's cachegrind): piped,
    or with stdin and stdout on the pseudo-terminal ``terminal``."""
    stream = subprocess.DEVNULL if terminal is None else terminal
    result = subprocess.run(
        [
            "valgrind",
            "--tool=cachegrind",
            "--cache-sim=no",
            "--cachegrind-out-file=/dev/null",
            sys.executable,
            "-c",
            code,
        ],
        stdin=stream,
        stdout=stream,
        stderr=subprocess.PIPE,
        text=True,
        cwd=cwd,
        check=False,
    )
    for line in result.stderr.splitlines():
        if "I" in line and "refs:" in line:
            return int(line.split("refs:")[1].replace(",", "").strip())
    return None


def count_instructions(runner: Runner) -> None:
    """Wall-clock medians move with whatever else the machine does; instruction
    counts do not, so they show the ratio the medians scatter around."""
    if shutil.which("valgrind") is None:
        print("instructions: skipped (valgrind is not installed)")
        return
    cases = [("piped", None)]
    if runner.terminal is not None:
        cases.append(("interactive", runner.terminal[1]))
    with tempfile.TemporaryDirectory() as scratch:
        for label, terminal in cases:
            base = instructions(BASELINE, scratch, terminal)
            mine = instructions(ENVDETECT, scratch, terminal)
            if not base or not mine:
                print(f"instructions ({label}): valgrind gave no count")
                continue
            print(
                f"instructions ({label}, valgrind): python -c pass {base / 1e6:.1f} M, "
                f"envdetect.detect() {mine / 1e6:.1f} M: {mine / base:.3f}x"
            )


#: A normal os-release (Ubuntu 24.04's).
NORMAL_OS_RELEASE = (
    'PRETTY_NAME="Ubuntu 24.04.3 LTS"\nNAME="Ubuntu"\nVERSION_ID="24.04"\n'
    'VERSION="24.04.3 LTS (Noble Numbat)"\nVERSION_CODENAME=noble\nID=ubuntu\nID_LIKE=debian\n'
    'HOME_URL="https://www.ubuntu.com/"\nSUPPORT_URL="https://help.ubuntu.com/"\n'
    'BUG_REPORT_URL="https://bugs.launchpad.net/ubuntu/"\n'
    'PRIVACY_POLICY_URL="https://www.ubuntu.com/legal/terms-and-policies/privacy-policy"\n'
    "UBUNTU_CODENAME=noble\nLOGO=ubuntu-logo\n"
)

#: name -> file content; None: a path made otherwise (see junk_files).
JUNK_SHAPES: dict[str, str | None] = {
    "/dev/zero": None,
    "1 GB sparse file": None,
    "240 KB of one open quote": 'NAME="' + "a" * 240_000,
    "flood: 64k assignment lines": "a=b\n" * 65_536,
    "flood: 8k assignment lines (the bound)": "a=b\n" * 8_192,
    "flood: 64k words on one line": "a=b " * 65_536,
    "flood: 30k lines of escaped quotes": 'A="\\"x"\n' * 30_000,
    "a 250 KB PRETTY_NAME of digits": 'ID=x\nNAME=x\nPRETTY_NAME="' + "9" * 250_000 + '"\n',
}


def junk_files(scratch: str) -> dict[str, str]:
    """name -> path of a file holding that shape, the normal one first."""
    paths = {}
    for name, content in {"normal os-release": NORMAL_OS_RELEASE, **JUNK_SHAPES}.items():
        path = os.path.join(scratch, f"os-release-{len(paths)}")
        if name == "/dev/zero":
            if not os.path.exists("/dev/zero"):
                continue
            path = "/dev/zero"
        elif name == "1 GB sparse file":
            with open(path, "wb") as handle:
                handle.truncate(1 << 30)
        else:
            with open(path, "w", encoding="utf-8") as handle:
                handle.write(content or "")
        paths[name] = path
    return paths


def measure_junk(rounds: int) -> None:
    """Median in-process detect() per os-release shape, interleaved, as ratios."""
    import envdetect
    from envdetect._context import LiveContext

    class ServedOsRelease(LiveContext):
        def __init__(self, path: str) -> None:
            super().__init__()
            self.os_release = path

        def read(self, path: str) -> str | None:
            # The junk in /etc; no /usr/lib/os-release to fall back on.
            if path == "/usr/lib/os-release":
                return None
            return super().read(self.os_release if path == "/etc/os-release" else path)

    with tempfile.TemporaryDirectory() as scratch:
        paths = junk_files(scratch)
        samples: dict[str, list[float]] = {name: [] for name in paths}
        order = list(paths.items())
        shuffler = random.Random(0)
        for path in paths.values():  # warm imports and caches
            envdetect.detect(ServedOsRelease(path), plugins=False)
        for _ in range(rounds):
            shuffler.shuffle(order)
            for name, path in order:
                start = time.perf_counter()
                envdetect.detect(ServedOsRelease(path), plugins=False)
                samples[name].append(time.perf_counter() - start)
    base = statistics.median(samples["normal os-release"])
    print(
        f"Python {sys.version.split()[0]} on {sys.platform}: in-process envdetect.detect() "
        f"per /etc/os-release shape, {rounds} interleaved calls each; envdetect from "
        f"{os.path.dirname(envdetect.__file__)}"
    )
    print(f"  {'os-release':<40} {'median ms':>9} {'vs normal':>9}")
    for name, values in samples.items():
        median = statistics.median(values)
        print(f"  {name:<40} {median * 1000:>9.3f} {median / base:>8.2f}x")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=40, help="fresh processes per command")
    parser.add_argument(
        "--instructions",
        action="store_true",
        help="also count instructions under valgrind (steady on a busy machine)",
    )
    parser.add_argument(
        "--junk",
        action="store_true",
        help="only: in-process detect() on a normal os-release against junk "
        "ones (--runs interleaved calls per shape, times 10)",
    )
    args = parser.parse_args()
    if args.junk:
        measure_junk(args.runs * 10)
        return 0

    baseline, ours = "python -c pass (baseline)", "envdetect.detect()"
    headline = {baseline: BASELINE, ours: ENVDETECT}
    others = {}
    skipped = []
    for name, (code, needs) in CANDIDATES.items():
        if name == ours:
            continue
        if all(importlib.util.find_spec(module) for module in needs):
            others[name] = code
        else:
            skipped.append(f"{name} (pip install {' '.join(needs)})")

    with tempfile.TemporaryDirectory() as scratch:
        runner = Runner(scratch)
        where = subprocess.run(
            [sys.executable, "-c", WHERE], cwd=scratch, check=True, capture_output=True, text=True
        ).stdout.split()
        # Two blocks.  The heavy commands (tens of milliseconds, subprocesses
        # of their own) leave caches cold for whatever runs next, which no
        # CLI start meets; the headline ratio is measured without them.
        first = [(name, code, False) for name, code in headline.items()]
        if runner.terminal is not None:
            first += [(name, code, True) for name, code in headline.items()]
        second = [(name, code, False) for name, code in {**headline, **others}.items()]
        clean = measure(runner, first, args.runs)
        mixed = measure(runner, second, args.runs) if others else {}

    print(
        f"Python {sys.version.split()[0]} on {sys.platform}, {args.runs} fresh processes "
        f"per command, interleaved; envdetect from {where[0]}"
    )
    if where[2] != "0":
        print(
            f"  warning: {where[2]} of {where[1]} envdetect modules have no up-to-date cached "
            "bytecode and compile on every start"
        )
    report(
        "piped (stdout is a pipe: the process ancestry is read)",
        {name: values for (name, tty), values in clean.items() if not tty},
        baseline,
        ours,
    )
    if runner.terminal is not None:
        report(
            "interactive (stdin and stdout on a pseudo-terminal: no ancestry walk)",
            {name: values for (name, tty), values in clean.items() if tty},
            baseline,
            ours,
        )
    else:
        print("interactive: skipped (no pty module on this platform)")
    if mixed:
        report(
            "against the naive approach and peers (piped, all interleaved)",
            {name: values for (name, _), values in mixed.items()},
            baseline,
            ours,
        )
    for name in skipped:
        print(f"skipped: {name}")

    if args.instructions:
        count_instructions(runner)

    import envdetect

    envdetect.detect(plugins=False)
    number = 200
    per_call = (
        min(timeit.repeat(lambda: envdetect.detect(plugins=False), number=number, repeat=5))
        / number
    )
    here = "terminals" if sys.stdin.isatty() and sys.stdout.isatty() else "not both terminals"
    print(
        f"in-process envdetect.detect() with warm imports (stdin/stdout here: {here}): "
        f"{per_call * 1e6:.0f} µs per call"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
