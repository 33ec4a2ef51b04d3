"""Contexts: fixture loading, its errors, and that a fixture sees nothing of the host."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import envdetect
from envdetect._context import LiveContext
from envdetect._fixture import FixtureContext, load_fixture
from tests.conftest import ROOT

WINDOWS = {
    "environ": {"COMPUTERNAME": "DESKTOP-1", "PROCESSOR_ARCHITECTURE": "AMD64"},
    "platform": {
        "system": "Windows",
        "release": "10",
        "version": "10.0.22631",
        "machine": "AMD64",
        "python_implementation": "CPython",
        "python_version": "3.9.13",
    },
}


def test_fixture_answers_only_from_its_document() -> None:
    ctx = FixtureContext(
        {
            "environ": {"A": "1", "EMPTY": ""},
            "files": {"/etc/os-release": "ID=x\n", "/proc/1/cgroup": "0::/\n"},
        }
    )
    assert ctx.env("A") == "1"
    assert ctx.env("EMPTY") is None  # empty counts as absent
    assert not ctx.has("EMPTY")
    assert ctx.env("HOME") is None
    assert ctx.read("/etc/os-release") == "ID=x\n"
    assert ctx.read("/etc/hostname") is None
    assert ctx.exists("/proc/1")  # a directory exists when a file below it does
    assert not ctx.exists("/.dockerenv")
    assert ctx.listdir("/etc") == ["os-release"]
    assert ctx.listdir("/nonexistent") is None
    assert ctx.processes() == ()
    assert ctx.isatty("stdin") is False
    assert ctx.platform.system == ""


def test_fixture_processes_keep_order_and_fields() -> None:
    ctx = FixtureContext(
        {
            "processes": [
                {"name": "zsh", "exe": "/bin/zsh", "cmdline": ["-zsh"]},
                {"name": "Code Helper"},
            ]
        }
    )
    names = [(p.name, p.exe, p.cmdline) for p in ctx.processes()]
    assert names == [("zsh", "/bin/zsh", ("-zsh",)), ("Code Helper", None, ())]


def test_fixture_ignores_unknown_keys() -> None:
    ctx = load_fixture({"environ": {}, "future_section": {"x": 1}, "expect": {}})
    assert ctx.env("x") is None


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ([], "must be a JSON object"),
        ({"environ": ["A=1"]}, "'environ' must be an object"),
        ({"environ": {"A": 1}}, "environ['A'] must be a string"),
        ({"files": {"/x": None}}, "files['/x'] must be a string"),
        ({"processes": {"name": "x"}}, "'processes' must be a list"),
        ({"processes": [{"exe": "/bin/sh"}]}, "processes[0] needs a string 'name'"),
        ({"processes": [{"name": "sh", "cmdline": "sh -c"}]}, "cmdline must be a list"),
        ({"platform": {"system": 3}}, "platform.system must be a string"),
        ({"tty": {"stdin": "yes"}}, "'tty' must map"),
    ],
)
def test_malformed_fixture_says_what_is_wrong(document: object, message: str) -> None:
    with pytest.raises(envdetect.FixtureError, match=r".*") as info:
        load_fixture(document)
    assert message in str(info.value)


def test_fixture_from_path_file_and_stdin(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "f.json"
    path.write_text(json.dumps(WINDOWS), encoding="utf-8")
    assert load_fixture(str(path)).platform.system == "Windows"
    assert load_fixture(path).platform.system == "Windows"
    with path.open(encoding="utf-8") as handle:
        assert load_fixture(handle).platform.system == "Windows"
    monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps(WINDOWS)))
    assert load_fixture("-").platform.system == "Windows"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"{not json", "not valid JSON"),
        (b"\xff\xfe\x00garbage", "not UTF-8"),
        (b"[1, 2]", "must be a JSON object"),
    ],
)
def test_unreadable_fixture_files(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    with pytest.raises(envdetect.FixtureError) as info:
        load_fixture(path)
    assert message in str(info.value)


def test_missing_fixture_file(tmp_path: Path) -> None:
    with pytest.raises(envdetect.FixtureError, match="cannot read fixture"):
        load_fixture(tmp_path / "absent.json")


def test_windows_fixture_on_any_host(replay) -> None:
    env = replay(WINDOWS)
    assert env.os.type == "windows"
    assert env.os.name == "Windows 11"
    assert env.python.version == "3.9.13"
    assert env.os.distro is None


PLANTED = {
    "CI": "true",
    "GITHUB_ACTIONS": "true",
    "TERM_PROGRAM": "vscode",
    "CLAUDECODE": "1",
    "AWS_LAMBDA_FUNCTION_NAME": "fn",
    "AWS_LAMBDA_RUNTIME_API": "127.0.0.1:9001",
    "JPY_PARENT_PID": "1",
    "KUBERNETES_SERVICE_HOST": "10.0.0.1",
    "WSL_DISTRO_NAME": "Ubuntu",
    "AWS_TOOLING_USER_AGENT": "AWS-Toolkit-For-VSCode/3.30.0",
    "ENVDETECT_PLUGINS": "0",
}


def _cli_json(fixture: Path, extra_env: dict[str, str]) -> str:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "SYSTEMROOT": os.environ.get("SYSTEMROOT", ""),
        **extra_env,
    }
    result = subprocess.run(
        [sys.executable, "-m", "envdetect", "--json", "--no-plugins", "--fixture", str(fixture)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=True,
    )
    return result.stdout


def test_fixture_mode_leaks_nothing_of_the_host(tmp_path: Path) -> None:
    """The same fixture gives the same document whatever the host's environment."""
    fixture = tmp_path / "empty.json"
    fixture.write_text("{}", encoding="utf-8")
    quiet = _cli_json(fixture, {})
    noisy = _cli_json(fixture, PLANTED)
    assert quiet == noisy
    doc = json.loads(quiet)
    assert doc["os"]["type"] is None
    assert doc["python"]["version"] is None  # not the host interpreter's
    assert doc["host"]["arch"] is None
    assert doc["runtime"]["kind"] == "script"


def test_live_context_reads_the_machine(tmp_path: Path) -> None:
    ctx = LiveContext({"X": "1"})
    assert ctx.env("X") == "1"
    assert ctx.env("PATH") is None  # the mapping given replaces os.environ
    target = tmp_path / "file"
    target.write_bytes(b"caf\xc3\xa9 \xff")
    assert ctx.read(str(target)) == "caf\u00e9 \ufffd"
    assert ctx.read(str(tmp_path / "nope")) is None
    assert ctx.read(str(tmp_path)) is None  # a directory is not a file
    assert ctx.read("bad\0path") is None
    assert ctx.exists(str(target))
    assert not ctx.exists("bad\0path")
    assert ctx.listdir(str(tmp_path)) == ["file"]
    assert ctx.listdir(str(target)) is None
    assert ctx.platform.python_version.startswith(f"{sys.version_info[0]}.{sys.version_info[1]}")


def test_live_tty_with_replaced_streams(monkeypatch) -> None:
    ctx = LiveContext()
    monkeypatch.setattr(sys, "stdin", None)
    assert ctx.isatty("stdin") is False
    monkeypatch.setattr(sys, "stdout", io.StringIO())
    assert ctx.isatty("stdout") is False


def test_live_environment_snapshot_matches_os_environ(monkeypatch) -> None:
    if os.name == "nt":
        pytest.skip("Windows uses os.environ itself")
    monkeypatch.setitem(os.environb, b"ENVDETECT_ODD_BYTES", b"caf\xe9\xff\x01")
    monkeypatch.setenv("ENVDETECT_PLAIN", "value")
    ctx = LiveContext()
    assert dict(ctx.environ) == dict(os.environ)
    assert ctx.env("ENVDETECT_ODD_BYTES") == os.environ["ENVDETECT_ODD_BYTES"]
    env = envdetect.detect(ctx, plugins=False)
    assert not [info for info in env.explanation.values() if info["error"]]


def test_live_read_never_blocks_on_a_fifo(tmp_path: Path) -> None:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs on this OS")
    fifo = tmp_path / "os-release"
    os.mkfifo(fifo)
    assert LiveContext({}).read(str(fifo)) in (None, "")


def test_live_read_is_capped(tmp_path: Path) -> None:
    from envdetect._context import MAX_FILE_BYTES

    big = tmp_path / "big"
    big.write_bytes(b"a" * (MAX_FILE_BYTES + 100))
    text = LiveContext({}).read(str(big))
    assert text is not None
    assert len(text) == MAX_FILE_BYTES


def test_live_context_reads_each_file_once(tmp_path: Path) -> None:
    # A detection is one snapshot: a file consulted twice (a gate, then its
    # detector) is read once, and a change in between is not seen.
    target = tmp_path / "sys_vendor"
    target.write_text("Google\n")
    ctx = LiveContext({})
    assert ctx.read(str(target)) == "Google\n"
    target.write_text("Amazon EC2\n")
    assert ctx.read(str(target)) == "Google\n"
    assert LiveContext({}).read(str(target)) == "Amazon EC2\n"
    missing = str(tmp_path / "later")
    assert ctx.read(missing) is None
    Path(missing).write_text("x")
    assert ctx.read(missing) is None


@pytest.mark.parametrize(
    ("tty", "expected"),
    [
        ({"stdin": True, "stdout": True}, True),
        ({"stdin": True, "stdout": False}, False),
        ({"stdin": False, "stdout": True}, False),
        ({}, False),
    ],
)
def test_interactive_means_both_streams_are_terminals(tty: dict[str, bool], expected: bool) -> None:
    assert envdetect.load_fixture({"tty": tty}).interactive() is expected


def test_the_sender_keeps_the_same_switch_words() -> None:
    # envdetect.telemetry keeps its own copy so that importing it loads no
    # detection module; the copy must not drift.
    from envdetect import _context, telemetry

    assert set(telemetry._ON) == _context.ON_WORDS
    assert set(telemetry._OFF) == _context.OFF_WORDS
    assert _context.is_on(" Yes\n")
    assert not _context.is_on("enabled")


# -- live Python facts at their edges ----------------------------------------------------


def test_live_old_virtualenv_is_a_venv(monkeypatch) -> None:
    # virtualenv < 20: no pyvenv.cfg, so base_prefix is the environment itself;
    # its site.py leaves sys.real_prefix.
    monkeypatch.setattr(sys, "base_prefix", sys.prefix)
    monkeypatch.setattr(sys, "real_prefix", "/usr", raising=False)
    ctx = LiveContext({})
    assert ctx.platform.extra["python_venv"] is True
    assert envdetect.detect(ctx, plugins=False).to_dict()["python"]["environment"] == "venv"


def test_live_system_python_without_real_prefix(monkeypatch) -> None:
    monkeypatch.setattr(sys, "base_prefix", sys.prefix)
    monkeypatch.delattr(sys, "real_prefix", raising=False)
    assert LiveContext({}).platform.extra["python_venv"] is False


@pytest.mark.parametrize(
    ("suffixes", "free_threaded"),
    [
        (([".cp313t-win_amd64.pyd", ".pyd"]), True),  # python3.13t.exe
        (([".cp313-win_amd64.pyd", ".pyd"]), False),  # python.exe of the same install
        (([".cp313t-win_arm64.pyd", ".pyd"]), True),
    ],
)
def test_live_free_threaded_without_abiflags(
    monkeypatch, suffixes: list[str], free_threaded: bool
) -> None:
    import _imp

    monkeypatch.delattr(sys, "abiflags", raising=False)  # as on Windows before 3.14
    monkeypatch.setattr(sys, "version_info", (3, 13, 1, "final", 0))
    monkeypatch.setattr(_imp, "extension_suffixes", lambda: suffixes)
    ctx = LiveContext({})
    assert ctx.platform.extra["python_abiflags"] is None
    assert ctx.platform.extra["python_free_threaded"] is free_threaded
    assert (
        envdetect.detect(ctx, plugins=False).to_dict()["python"]["free_threaded"] is free_threaded
    )


def test_live_abiflags_decide_where_they_exist(monkeypatch) -> None:
    import _imp

    def no_call() -> list[str]:
        raise AssertionError("extension suffixes read although sys.abiflags exists")

    monkeypatch.setattr(sys, "abiflags", "t", raising=False)
    monkeypatch.setattr(_imp, "extension_suffixes", no_call)
    ctx = LiveContext({})
    assert "python_free_threaded" not in ctx.platform.extra
    assert envdetect.detect(ctx, plugins=False).to_dict()["python"]["free_threaded"] is True


@pytest.mark.parametrize(
    ("suffixes", "expected"),
    [
        ([".cp313t-win_amd64.pyd", ".pyd"], True),
        (["_d.cp313t-win_amd64.pyd", "_d.pyd"], True),  # a debug build
        ([".cpython-313t-x86_64-linux-gnu.so", ".abi3.so", ".so"], True),
        ([".cpython-313-x86_64-linux-gnu.so", ".abi3.so", ".so"], False),
        ([".cp313-win_amd64.pyd", ".pyd"], False),
        ([".cp312t-win_amd64.pyd"], False),  # another version's tag
        ([".cp3131t-win_amd64.pyd"], False),
        ([], False),
    ],
)
def test_free_threaded_suffixes(suffixes: list[str], expected: bool) -> None:
    from envdetect._context import free_threaded_suffixes

    assert free_threaded_suffixes(suffixes, 3, 13) is expected


# -- this process's own command line --------------------------------------------------
def test_live_command_line_is_the_interpreters_own_record() -> None:
    expected = getattr(sys, "orig_argv", None) or [sys.executable, *sys.argv]
    assert LiveContext({}).command_line() == tuple(expected)


def test_live_command_line_before_3_10_is_the_interpreter_and_argv(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delattr(sys, "orig_argv", raising=False)
    monkeypatch.setattr(sys, "argv", ["/lab/ipykernel_launcher.py", "-f", "k.json"])
    assert LiveContext({}).command_line() == (
        sys.executable,
        "/lab/ipykernel_launcher.py",
        "-f",
        "k.json",
    )


def test_a_failing_command_line_is_an_empty_one() -> None:
    class Broken(LiveContext):
        def _read_command_line(self) -> list[str]:
            raise RuntimeError("no argv here")

    ctx = Broken({})
    assert ctx.command_line() == ()
    assert ctx.command_line() == ()  # read once


def test_a_fixture_carries_its_command_line() -> None:
    ctx = load_fixture({"command_line": ["python", "-m", "ipykernel_launcher"]})
    assert ctx.command_line() == ("python", "-m", "ipykernel_launcher")
    assert load_fixture({}).command_line() == ()


@pytest.mark.parametrize("bad", ["python -m x", [1, 2], {"a": "b"}, ["ok", None]])
def test_a_bad_command_line_section_is_refused(bad: object) -> None:
    with pytest.raises(envdetect.FixtureError, match="command_line"):
        load_fixture({"command_line": bad})
