"""--capture: a redacted fixture that replays to the same document."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import envdetect
import envdetect._capture
import envdetect._engine
from envdetect._capture import MAX_REPLAYS, RecordingContext, _needed, _split_words, capture
from envdetect._context import MAX_FILE_BYTES
from envdetect._fixture import FixtureContext
from tests.conftest import ROOT, fixture_id, fixture_paths, load


def _replay(document: dict[str, Any]) -> dict[str, Any]:
    return envdetect.detect(FixtureContext(document), plugins=False).to_dict()


def _without_one(document: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """The document less one entry, ancestor, argument or exe, for each of them."""
    for section in ("environ", "files", "platform", "tty"):
        for key in document.get(section, {}):
            smaller = copy.deepcopy(document)
            del smaller[section][key]
            yield f"{section}[{key!r}]", smaller
    for index, process in enumerate(document.get("processes", [])):
        smaller = copy.deepcopy(document)
        del smaller["processes"][index]
        yield f"processes[{index}]", smaller
        for position in range(len(process.get("cmdline", []))):
            smaller = copy.deepcopy(document)
            del smaller["processes"][index]["cmdline"][position]
            yield f"processes[{index}].cmdline[{position}]", smaller
        if "exe" in process:
            smaller = copy.deepcopy(document)
            del smaller["processes"][index]["exe"]
            yield f"processes[{index}].exe", smaller


@pytest.mark.parametrize("path", fixture_paths(), ids=fixture_id)
def test_capture_of_every_fixture_replays_identically_from_needed_entries_only(path: Path) -> None:
    document = load(path)
    expected = _replay(document)
    captured = capture(FixtureContext(document))
    assert _replay(captured) == expected
    # Missing reads as empty (a section) or false (a terminal flag): never written.
    assert all(captured[section] for section in captured)
    assert all(captured.get("tty", {}).values())
    for what, smaller in _without_one(captured):
        assert _replay(smaller) != expected, f"{what} is not needed"


def test_capture_drops_an_ancestry_the_answer_does_not_need() -> None:
    # The ancestry is read (no variable says who runs us) but decides nothing.
    document = {
        "environ": {"TERM": "xterm-256color", "HOME": "/home/dana"},
        "processes": [
            {"name": "bash", "exe": "/usr/bin/bash", "cmdline": ["bash"]},
            {"name": "sshd", "exe": "/usr/sbin/sshd", "cmdline": ["sshd: dana@pts/3"]},
            {
                "name": "sshd",
                "exe": "/usr/sbin/sshd",
                "cmdline": ["sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups"],
            },
            {
                "name": "systemd",
                "exe": "/usr/lib/systemd/systemd",
                "cmdline": ["/sbin/init", "splash"],
            },
        ],
        "platform": {
            "system": "Linux",
            "python_implementation": "CPython",
            "python_version": "3.12.3",
        },
        "tty": {"stdin": False, "stdout": False},  # piped: the ancestry is walked
    }
    recorder = RecordingContext(FixtureContext(document))
    envdetect.detect(recorder, plugins=False)
    assert recorder.used_processes
    captured = capture(FixtureContext(document))
    assert "processes" not in captured
    assert _replay(captured) == _replay(document)


def test_capture_keeps_the_ancestor_and_arguments_the_answer_rests_on() -> None:
    python = {
        "name": "python",
        "exe": "/home/dana/.venv/bin/python3.12",
        "cmdline": [
            "/home/dana/.venv/bin/python",
            "-Xfrozen_modules=off",
            "-m",
            "ipykernel_launcher",
            "--f=/home/dana/kernel-v3.json",
        ],
    }
    shell = {"name": "sh", "exe": "/usr/bin/dash", "cmdline": ["/bin/sh", "-c", "make"]}
    document = {
        "processes": [
            shell,
            python,
            {"name": "systemd", "cmdline": ["/lib/systemd/systemd", "--user"]},
        ],
        "platform": {"system": "Linux"},
    }
    assert _replay(document)["notebook"]["id"] == "jupyter"
    captured = capture(FixtureContext(document))
    assert _replay(captured) == _replay(document)
    (kept,) = captured["processes"]  # the shell and systemd go; python moves up
    assert "ipykernel_launcher" in kept["cmdline"]
    assert len(kept["cmdline"]) < len(python["cmdline"])
    assert "dana" not in json.dumps(captured)


def test_capture_keeps_only_what_matters() -> None:
    document = {
        "environ": {"HOME": "/home/dana", "SECRET_TOKEN": "hunter2", "LANG": "C.UTF-8"},
        "files": {
            "/etc/os-release": 'NAME="Ubuntu"\nID=ubuntu\nVERSION_ID="24.04"\n'
            'HOME_URL="https://www.ubuntu.com/"\n',
            "/etc/hostname": "dana-laptop\n",
        },
        "platform": {
            "system": "Linux",
            "release": "6.8.0-45-generic",
            "version": "#45-Ubuntu SMP PREEMPT_DYNAMIC Fri Aug 30 12:02:04 UTC 2024",
            "machine": "x86_64",
            "python_implementation": "CPython",
            "python_version": "3.12.3",
        },
        "tty": {"stdin": True, "stdout": True},
    }
    captured = capture(FixtureContext(document))
    text = json.dumps(captured)
    for secret in ("dana", "hunter2", "SECRET_TOKEN", "HOME", "ubuntu.com", "Aug 30"):
        assert secret not in text
    assert "environ" not in captured  # no variable mattered: the section goes
    assert "/etc/hostname" not in captured["files"]
    assert "ID=ubuntu" in captured["files"]["/etc/os-release"]
    assert _replay(captured) == _replay(document)


def test_recording_context_notes_what_was_consulted() -> None:
    inner = FixtureContext({"environ": {"A": "1"}, "files": {"/etc/os-release": "ID=x\n"}})
    recorder = RecordingContext(inner)
    assert recorder.env("A") == "1"
    assert recorder.read("/etc/os-release") == "ID=x\n"
    assert not recorder.exists("/.dockerenv")
    assert recorder.processes() == ()
    assert recorder.env_names == {"A"}
    assert recorder.paths == {"/etc/os-release", "/.dockerenv"}
    assert recorder.used_processes


def test_split_words_round_trips() -> None:
    text = "/home/dana/.vscode-server/bin/abc123/node --max-old-space=4096"
    words = _split_words(text)
    assert "".join(words) == text
    assert "dana" in words
    assert "abc123" in words


def test_cli_capture_round_trips_live(tmp_path: Path) -> None:
    target = tmp_path / "capture.json"
    env = {key: value for key, value in os.environ.items() if key != "ENVDETECT_PLUGINS"}
    done = subprocess.run(
        [sys.executable, "-m", "envdetect", "--capture", str(target)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    live = subprocess.run(
        [sys.executable, "-m", "envdetect", "--json", "--no-plugins"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        check=True,
    )
    replayed = subprocess.run(
        [sys.executable, "-m", "envdetect", "--json", "--no-plugins", "--fixture", str(target)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        check=True,
    )
    assert json.loads(replayed.stdout) == json.loads(live.stdout)


def test_cli_capture_to_unwritable_path_is_exit_2(tmp_path: Path) -> None:
    target = tmp_path / "missing-dir" / "capture.json"
    done = subprocess.run(
        [sys.executable, "-m", "envdetect", "--capture", str(target)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.startswith("envdetect: error: cannot write capture")


# -- cost: a bounded number of replays, whatever the input ------------------------
#: A word planted in every junk value: none of it may come out.
FILLER = "Sntlfiller"
REAL_OS_RELEASE = 'NAME="Ubuntu"\nVERSION_ID="24.04"\nID=ubuntu\n'


def _fill(unit: str, size: int) -> str:
    return (unit * (size // len(unit) + 1))[:size]


def _many_lines() -> str:
    """Valid ``KEY=value`` lines up to the cap, the real ones first, midway and last."""
    lines: list[str] = []
    size = len(REAL_OS_RELEASE)
    while size + 30 < MAX_FILE_BYTES:
        lines.append(f"KEY_{len(lines)}={FILLER}{len(lines)}")
        size += len(lines[-1]) + 1
    first, middle, last = REAL_OS_RELEASE.splitlines()
    lines.insert(0, first)
    lines.insert(len(lines) // 2, middle)
    lines.append(last)
    return "\n".join(lines)


#: os-release files at the read cap, in the shapes that cost the most.
HOSTILE_OS_RELEASES = {
    "many-lines": _many_lines(),
    "unterminated-quote": REAL_OS_RELEASE
    + 'PRETTY_NAME="'
    + _fill(f"{FILLER} word ", MAX_FILE_BYTES - len(REAL_OS_RELEASE) - 13),
    "one-long-line": REAL_OS_RELEASE
    + 'PRETTY_NAME="'
    + _fill(f"{FILLER} word ", MAX_FILE_BYTES - len(REAL_OS_RELEASE) - 14)
    + '"',
    "nul-bytes": "\0" * MAX_FILE_BYTES,
    # The answer itself holds the long name: no small capture can replay.
    "answer-is-long": 'ID=ubuntu\nVERSION_ID="24.04"\nNAME="'
    + _fill(f"{FILLER} word ", MAX_FILE_BYTES - 40)
    + '"\n',
}


def large_world(os_release: str) -> dict[str, Any]:
    """A notebook in VS Code on a machine with a large environment and long command lines."""
    environ = {f"APP_SETTING_{index}": f"{FILLER}-{index}" for index in range(290)}
    environ.update(
        {
            "HOME": f"/home/{FILLER}",
            "TERM": "xterm-color",
            "VSCODE_PID": "21455",
            "PATH": _fill(f"/home/{FILLER}/bin:", MAX_FILE_BYTES),
            "LS_COLORS": _fill("di=01;34:ln=01;36:", MAX_FILE_BYTES),
            "VSCODE_NLS_CONFIG": _fill(f"{FILLER} ", MAX_FILE_BYTES),
            "HUGE_SECRET": _fill(FILLER, MAX_FILE_BYTES),
        }
    )
    processes = [
        {
            "name": "sh",
            "exe": "/usr/bin/dash",
            "cmdline": ["/bin/sh", "-c", _fill(f"{FILLER} ", MAX_FILE_BYTES)],
        },
        {
            "name": "python",
            "exe": f"/home/{FILLER}/.venv/bin/python3.12",
            "cmdline": [
                f"/home/{FILLER}/.venv/bin/python",
                "-m",
                "ipykernel_launcher",
                f"--f=/home/{FILLER}/kernel.json",
            ],
        },
        {
            "name": "code",
            "exe": "/usr/share/code/code",
            "cmdline": [
                "/usr/share/code/code",
                "--type=utility",
                *(f"--{FILLER}-{index}" for index in range(4000)),
            ],
        },
        {"name": "code", "exe": "/usr/share/code/code", "cmdline": ["/usr/share/code/code"]},
        {
            "name": "systemd",
            "exe": "/usr/lib/systemd/systemd",
            "cmdline": ["/usr/lib/systemd/systemd", "--user"],
        },
        {"name": "init", "exe": "/sbin/init", "cmdline": ["/sbin/init"]},
    ]
    return {
        "environ": environ,
        "files": {"/etc/os-release": os_release},
        "processes": processes,
        "platform": {
            "system": "Linux",
            "release": "6.8.0-45-generic",
            "version": f"#45-Ubuntu SMP {FILLER}",
            "machine": "x86_64",
            "python_implementation": "CPython",
            "python_version": "3.12.3",
        },
        "tty": {"stdin": False, "stdout": False},
    }


class _CountingDetect:
    """Counts the detections a capture runs and the time they take."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls = 0
        self.seconds = 0.0
        self._detect = envdetect._engine.detect
        monkeypatch.setattr(envdetect._engine, "detect", self)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.calls += 1
        start = time.perf_counter()
        try:
            return self._detect(*args, **kwargs)
        finally:
            self.seconds += time.perf_counter() - start


@pytest.mark.parametrize("shape", sorted(HOSTILE_OS_RELEASES))
def test_capture_of_a_hostile_world_is_bounded_and_leaves_no_junk(
    shape: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = large_world(HOSTILE_OS_RELEASES[shape])
    assert all(len(text) <= MAX_FILE_BYTES for text in world["files"].values())
    expected = _replay(world)
    detections = _CountingDetect(monkeypatch)
    start = time.perf_counter()
    captured = capture(FixtureContext(world))
    elapsed = time.perf_counter() - start
    # The target, then at most MAX_REPLAYS replays: whatever a replay costs
    # (the os-release parser's business), the capture runs that many.
    assert detections.calls <= MAX_REPLAYS + 1
    # What is not replaying is the minimiser's own work: linear in the input.
    # (The precise figures: benchmarks/bench_capture.py.)
    assert elapsed - detections.seconds < 5
    text = json.dumps(captured)
    # The planted word survives only where the answer shows it: the os name
    # the document displays (its first 63 characters) in the answer-is-long world.
    assert text.count(FILLER) <= json.dumps(expected).count(FILLER)
    if shape == "answer-is-long":  # a capture that cannot be made small enough is {}
        assert captured == {} or _replay(captured) == expected
    else:
        assert _replay(captured) == expected
        assert len(text) < 1000
        assert captured["processes"][0]["cmdline"][-1] == "ipykernel_launcher"


def _secret_world() -> dict[str, Any]:
    """A notebook in VS Code, with the planted word everywhere the answer does not look."""
    document = large_world(REAL_OS_RELEASE + f'HOME_URL="https://{FILLER}.example/"\n')
    for name, value in list(document["environ"].items()):
        if len(value) > 100:
            document["environ"][name] = f"{FILLER}:{name}"  # small: many budgets, quickly
    document["processes"][0]["cmdline"][-1] = f"make {FILLER}"
    del document["processes"][2]["cmdline"][2:]
    return document


@pytest.mark.parametrize("budget", [2, 3, 10, 30, 60, 90, 120, 150])
def test_capture_out_of_budget_replays_or_is_the_empty_world(
    budget: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = _secret_world()
    monkeypatch.setattr(envdetect._capture, "MAX_REPLAYS", budget)
    detections = _CountingDetect(monkeypatch)
    captured = capture(FixtureContext(world))
    assert detections.calls <= budget + 1
    # Nothing unproven survives a spent budget: the planted word never does.
    assert FILLER not in json.dumps(captured)
    if captured:
        assert _replay(captured) == _replay(world)


@pytest.mark.parametrize("path", fixture_paths()[::23], ids=fixture_id)
def test_capture_out_of_budget_of_fixtures_replays_or_is_the_empty_world(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    document = load(path)
    for budget in (2, 20, 60):
        monkeypatch.setattr(envdetect._capture, "MAX_REPLAYS", budget)
        captured = capture(FixtureContext(document))
        assert captured == {} or _replay(captured) == _replay(document)


def test_needed_costs_replays_per_needed_part_not_per_part() -> None:
    count, needed = 2**16, {5, 40_000, 2**16 - 1}
    calls: list[int] = []

    def passes(keep: list[bool], start: int, stop: int) -> bool:
        calls.append(sum(keep))
        return all(keep[index] for index in needed)

    keep = _needed(count, passes)
    assert {index for index, wanted in enumerate(keep) if wanted} == needed
    assert len(calls) <= 2 * len(needed) * 16 + 1  # log2(count) = 16


def test_needed_drops_both_halves_before_looking_inside_either() -> None:
    # One needed part at the start: each candidate is half the one before, so
    # all the replays together parse the input about twice, not 16 times.
    count = 2**16
    sizes: list[int] = []

    def passes(keep: list[bool], start: int, stop: int) -> bool:
        sizes.append(sum(keep))
        return keep[0]

    keep = _needed(count, passes)
    assert [index for index, wanted in enumerate(keep) if wanted] == [0]
    assert sum(sizes) <= 2 * count


def test_capture_records_the_command_line_when_a_detector_reads_it() -> None:
    world = {
        "environ": {"MPLBACKEND": "Agg", "HOME": "/home/ana"},
        "command_line": [
            "/home/ana/lab/bin/python",
            "-m",
            "ipykernel_launcher",
            "-f",
            "/home/ana/.local/share/jupyter/runtime/kernel-1.json",
        ],
        "platform": {"system": "Linux"},
        "tty": {"stdin": False, "stdout": False},
    }
    fixture = capture(FixtureContext(world))
    assert fixture["command_line"][1:3] == ["-m", "ipykernel_launcher"]
    assert "ana" not in json.dumps(fixture)  # the home in the interpreter's path is gone
    replayed = envdetect.detect(FixtureContext(fixture), plugins=False).to_dict()
    assert replayed["notebook"]["id"] == "jupyter"
    quiet = capture(FixtureContext({**world, "command_line": ["python", "tool.py"], "environ": {}}))
    assert "command_line" not in quiet or quiet["command_line"] != world["command_line"]
