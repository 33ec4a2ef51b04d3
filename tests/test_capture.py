"""--capture: a redacted fixture that replays to the same document."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import envdetect
from envdetect._capture import RecordingContext, _split_words, capture
from envdetect._fixture import FixtureContext
from tests.conftest import ROOT, fixture_id, fixture_paths, load


def _replay(document: dict) -> dict:
    return envdetect.detect(FixtureContext(document), plugins=False).to_dict()


@pytest.mark.parametrize("path", fixture_paths(), ids=fixture_id)
def test_capture_of_every_fixture_replays_identically(path: Path) -> None:
    document = load(path)
    expected = _replay(document)
    captured = capture(FixtureContext(document))
    assert _replay(captured) == expected


def test_capture_keeps_only_what_matters() -> None:
    document = {
        "environ": {"HOME": "/home/dana", "SECRET_TOKEN": "hunter2", "LANG": "C.UTF-8"},
        "files": {"/etc/os-release": 'NAME="Ubuntu"\nID=ubuntu\nVERSION_ID="24.04"\n'
                                     'HOME_URL="https://www.ubuntu.com/"\n',
                  "/etc/hostname": "dana-laptop\n"},
        "platform": {"system": "Linux", "release": "6.8.0-45-generic",
                     "version": "#45-Ubuntu SMP PREEMPT_DYNAMIC Fri Aug 30 12:02:04 UTC 2024",
                     "machine": "x86_64", "python_implementation": "CPython",
                     "python_version": "3.12.3"},
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
    done = subprocess.run([sys.executable, "-m", "envdetect", "--capture", str(target)],
                          capture_output=True, text=True, cwd=ROOT, env=env, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    live = subprocess.run([sys.executable, "-m", "envdetect", "--json", "--no-plugins"],
                          capture_output=True, text=True, cwd=ROOT, env=env, check=True)
    replayed = subprocess.run(
        [sys.executable, "-m", "envdetect", "--json", "--no-plugins", "--fixture", str(target)],
        capture_output=True, text=True, cwd=ROOT, env=env, check=True)
    assert json.loads(replayed.stdout) == json.loads(live.stdout)


def test_cli_capture_to_unwritable_path_is_exit_2(tmp_path: Path) -> None:
    target = tmp_path / "missing-dir" / "capture.json"
    done = subprocess.run([sys.executable, "-m", "envdetect", "--capture", str(target)],
                          capture_output=True, text=True, cwd=ROOT, check=False)
    assert done.returncode == 2
    assert done.stderr.startswith("envdetect: error: cannot write capture")
