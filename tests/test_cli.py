"""``python -m envdetect``: the report, --json, --fixture, --explain, --version, errors."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import pytest

import envdetect
from envdetect._cli import main
from tests.conftest import FIXTURES, ROOT

MAC = FIXTURES / "os" / "macos-14-arm64.json"


def run_cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "envdetect", *args],
        capture_output=True,
        text=True,
        input=stdin,
        cwd=ROOT,
        check=False,
        timeout=60,
    )


def test_report_is_readable_and_aligned() -> None:
    result = run_cli("--fixture", str(MAC))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"envdetect {envdetect.__version__}   runtime: terminal"
    rows = {line[:11].strip(): line[12:] for line in lines[2:] if line[:11].strip()}
    assert list(rows) == [
        "CI",
        "Toolkit",
        "IDE",
        "Agent",
        "Notebook",
        "Cloud",
        "Container",
        "Terminal",
        "OS",
        "Host",
        "Python",
    ]
    assert "name: macOS" in rows["OS"]
    assert "version: 14.5" in rows["OS"]
    assert rows["Host"] == "arch: arm64"
    assert rows["CI"] == "-"


def test_json_is_the_document() -> None:
    result = run_cli("--json", "--fixture", str(MAC))
    assert result.returncode == 0
    doc = json.loads(result.stdout)
    expected = envdetect.detect(envdetect.load_fixture(MAC), plugins=True).to_dict()
    assert doc == expected
    assert doc["os"]["version"] == "14.5"


def test_fixture_from_stdin() -> None:
    result = run_cli("--json", "--fixture", "-", stdin=MAC.read_text(encoding="utf-8"))
    assert result.returncode == 0
    assert json.loads(result.stdout)["host"]["arch"] == "arm64"


def test_explain_names_signals_never_values() -> None:
    document = json.loads(MAC.read_text(encoding="utf-8"))
    result = run_cli("--explain", "--fixture", str(MAC))
    assert result.returncode == 0
    assert "why: platform system" in result.stdout
    assert "because: facet terminal" in result.stdout
    for value in document["environ"].values():
        assert value not in result.stdout
    assert document["platform"]["version"] not in result.stdout


def test_explain_json_carries_the_explanation() -> None:
    result = run_cli("--json", "--explain", "--fixture", str(MAC))
    payload = json.loads(result.stdout)
    assert set(payload) == {"environment", "explanation"}
    assert payload["explanation"]["os"]["because"][0] == "platform system"


def test_version() -> None:
    result = run_cli("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"envdetect {envdetect.__version__}"


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["--bogus"], None, "unrecognized arguments: --bogus"),
        (["--fixture"], None, "expected one argument"),
        (
            ["--fixture", "/nonexistent/fixture.json"],
            None,
            "/nonexistent/fixture.json: cannot read fixture",
        ),
        (["--fixture", "-"], "{broken", "not valid JSON"),
        (["--fixture", "-"], '{"environ": []}', "'environ' must be an object"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(args: list[str], stdin: str | None, message: str) -> None:
    result = run_cli(*args, stdin=stdin)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("envdetect: error: ")
    assert message in lines[0]
    assert "Traceback" not in result.stderr


def test_live_run_succeeds_in_process(capsys) -> None:
    assert main(["--json", "--no-plugins"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["schema"] == 1
    assert doc["python"]["version"].startswith(f"{sys.version_info[0]}.{sys.version_info[1]}.")


def test_console_script_is_installed() -> None:
    scripts = Path(sys.executable).parent
    candidates = [scripts / "envdetect", scripts / "envdetect.exe"]
    found = [path for path in candidates if path.exists()]
    if not found:
        pytest.skip("envdetect is not installed as a distribution in this interpreter")
    result = subprocess.run(
        [str(found[0]), "--version"], capture_output=True, text=True, check=False
    )
    assert result.stdout.strip() == f"envdetect {envdetect.__version__}"


# -- hostile input: every mode ends at once, with one line and no traceback -------------

posix_only = pytest.mark.skipif(os.name != "posix", reason="FIFOs, /dev and wait4 are POSIX")

MODES = {
    "report": [],
    "json": ["--json"],
    "explain": ["--explain"],
    "fingerprint": ["--fingerprint"],
    "payload": ["--payload"],
    "capture": ["--capture", "-"],
}

#: A hang is killed after this long; the CPU a case may burn is held to 2 s below,
#: which a loaded machine cannot stretch the way it stretches wall time.
HANG_SECONDS = 10
CPU_SECONDS = 2.0
MEMORY_BYTES = 200 * 1024 * 1024
#: ``python -m envdetect`` under an address-space limit, so that a regression
#: fails fast instead of eating the machine's memory.
BOUNDED_CLI = (
    "import resource, runpy, sys\n"
    "resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))\n"
    "runpy.run_module('envdetect', run_name='__main__', alter_sys=True)\n"
)


class Measured:
    def __init__(
        self, returncode: int, stdout: bytes, stderr: str, max_rss: int, cpu_seconds: float
    ) -> None:
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr
        self.max_rss = max_rss
        self.cpu_seconds = cpu_seconds


def run_measured(args: list[str], *, endless_stdin: bool = False) -> Measured:
    """Run the CLI, killing it if it hangs, and report its peak memory and CPU time."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(
            [sys.executable, "-c", BOUNDED_CLI, *args],
            cwd=ROOT,
            stdout=out,
            stderr=err,
            stdin=subprocess.PIPE if endless_stdin else subprocess.DEVNULL,
        )
        feeder = None
        if endless_stdin:  # `yes '{}' | envdetect --fixture -`
            pipe = proc.stdin
            assert pipe is not None

            def feed() -> None:
                try:
                    while True:
                        pipe.write(b"{}\n" * 20000)
                except (OSError, ValueError):
                    return

            feeder = threading.Thread(target=feed, daemon=True)
            feeder.start()
        killer = threading.Timer(HANG_SECONDS, proc.kill)
        killer.start()
        _, status, usage = os.wait4(proc.pid, 0)
        killer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.stdin is not None:
            with contextlib.suppress(OSError):
                proc.stdin.close()
        if feeder is not None:
            feeder.join()
        out.seek(0)
        err.seek(0)
        rss_unit = 1 if sys.platform == "darwin" else 1024
        return Measured(
            proc.returncode,
            out.read(),
            err.read().decode("utf-8", "replace"),
            usage.ru_maxrss * rss_unit,
            usage.ru_utime + usage.ru_stime,
        )


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    from envdetect._fixture import MAX_FIXTURE_BYTES

    where = tmp_path_factory.mktemp("hostile")
    paths = {
        name: where / f"{name}.json"
        for name in (
            "deep",
            "zero",
            "urandom",
            "fifo",
            "oversized",
            "latin1",
            "broken",
            "bad-extra",
        )
    }
    paths["deep"].write_text("[" * 5000 + "]" * 5000, encoding="utf-8")
    paths["zero"].symlink_to("/dev/zero")
    paths["urandom"].symlink_to("/dev/urandom")
    os.mkfifo(paths["fifo"])
    paths["oversized"].write_bytes(b" " * MAX_FIXTURE_BYTES + b"{}")
    paths["latin1"].write_bytes('{"environ": {"A": "caf\u00e9"}}'.encode("latin-1"))
    paths["broken"].write_text('{"environ": ', encoding="utf-8")
    paths["bad-extra"].write_text(
        json.dumps({"platform": {"python_bits": "sixty"}}), encoding="utf-8"
    )
    paths["newline"] = where / "two\nlines.json"
    paths["absent"] = where / "absent.json"
    return paths


#: Each hostile input and what its one line must say.
HOSTILE = {
    "deep": "nested deeper than",
    "zero": "not a regular file or a pipe",
    "urandom": "not a regular file or a pipe",
    "fifo": "fixture is empty",
    "oversized": "fixture larger than",
    "latin1": "not UTF-8",
    "broken": "not valid JSON",
    "bad-extra": "platform.python_bits must be 32 or 64",
    "newline": "cannot read fixture: No such file or directory",
    "absent": "cannot read fixture: No such file or directory",
    "stdin": "<stdin>: fixture larger than",
}


@posix_only
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("case", HOSTILE)
def test_hostile_fixture_in_every_mode(hostile: dict[str, Path], mode: str, case: str) -> None:
    source = "-" if case == "stdin" else str(hostile[case])
    result = run_measured([*MODES[mode], "--fixture", source], endless_stdin=case == "stdin")
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert result.stdout == b""
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    shown = "<stdin>" if source == "-" else (source if source.isprintable() else repr(source))
    assert lines[0].startswith(f"envdetect: error: {shown}: "), lines[0]
    assert HOSTILE[case] in lines[0]
    assert result.max_rss < MEMORY_BYTES
    assert result.cpu_seconds < CPU_SECONDS


# -- output: broken pipes, closed stdout, unencodable text ------------------------------

EVERY_OUTPUT = [*MODES.values(), ["--json", "--explain"], ["--version"], ["--help"]]


def output_id(args: list[str]) -> str:
    return " ".join(args) or "report"


def command_for(args: list[str]) -> list[str]:
    """The CLI with ``args``, replaying a fixture where the output depends on one."""
    command = [sys.executable, "-m", "envdetect", *args]
    if not {"--version", "--help"} & set(args):
        command += ["--fixture", str(MAC)]
    return command


@posix_only
@pytest.mark.parametrize("args", EVERY_OUTPUT, ids=output_id)
def test_a_reader_gone_before_the_write_is_quiet(args: list[str]) -> None:
    # `python -m envdetect --json | true`: the read end is closed before we write.
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        result = subprocess.run(
            command_for(args),
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            timeout=HANG_SECONDS,
            check=False,
        )
    finally:
        os.close(write_end)
    assert result.stderr == ""
    assert result.returncode == 1


@posix_only
@pytest.mark.parametrize("args", EVERY_OUTPUT, ids=output_id)
def test_a_closed_stdout_is_one_line_and_a_failure(args: list[str]) -> None:
    # `python -m envdetect --capture - >&-`
    result = subprocess.run(
        ["sh", "-c", 'exec "$@" >&-', "sh", *command_for(args)],
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        timeout=HANG_SECONDS,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr == "envdetect: error: stdout is closed\n"


def _os_release_fixture(tmp_path: Path, name: str) -> Path:
    path = tmp_path / "odd-name.json"
    document = {
        "platform": {"system": "Linux"},
        "files": {"/etc/os-release": f'NAME="{name}"\nID=odd\n'},
    }
    path.write_text(json.dumps(document), encoding="ascii")
    return path


@pytest.mark.parametrize(
    ("name", "encoding", "shown"),
    [
        # A lone surrogate never reaches the report: the os detector shows it as U+FFFD.
        ("Odd\udcffOS", "utf-8", "Odd\ufffdOS"),
        ("Odd\udcffOS", "ascii", "Odd\\ufffdOS"),
        ("Ubunt\u00fc", "ascii", "Ubunt\\xfc"),
        ("Ubunt\u00fc", "utf-8", "Ubunt\u00fc"),
    ],
)
def test_a_report_the_terminal_cannot_encode_is_escaped(
    tmp_path: Path, name: str, encoding: str, shown: str
) -> None:
    env = {**os.environ, "PYTHONIOENCODING": encoding}
    result = subprocess.run(
        [sys.executable, "-m", "envdetect", "--fixture", str(_os_release_fixture(tmp_path, name))],
        capture_output=True,
        cwd=ROOT,
        env=env,
        timeout=HANG_SECONDS,
        check=False,
    )
    assert result.stderr == b""
    assert result.returncode == 0
    assert f"name: {shown}   ".encode() in result.stdout


# -- which flags combine ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--json", "--capture", "-"], "argument --capture: not allowed with argument --json"),
        (
            ["--fingerprint", "--payload"],
            "argument --payload: not allowed with argument --fingerprint",
        ),
        (
            ["--capture", "-", "--fingerprint"],
            "argument --fingerprint: not allowed with argument --capture",
        ),
        (["--json", "--fingerprint"], "argument --fingerprint: not allowed with argument --json"),
        (["--payload", "--json"], "argument --json: not allowed with argument --payload"),
        (
            ["--explain", "--fingerprint"],
            "argument --explain: not allowed with argument --fingerprint",
        ),
        (["--payload", "--explain"], "argument --explain: not allowed with argument --payload"),
        (
            ["--explain", "--capture", "x.json"],
            "argument --explain: not allowed with argument --capture",
        ),
    ],
)
def test_conflicting_outputs_are_refused(args: list[str], message: str, capsys) -> None:
    assert main([*args, "--fixture", str(MAC)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == f"envdetect: error: {message}\n"


@pytest.mark.parametrize(
    "args",
    [
        ["--json", "--explain"],
        ["--explain"],
        ["--json", "--no-plugins"],
        ["--fingerprint", "--no-plugins"],
        ["--payload", "--no-plugins"],
        ["--capture", "-", "--no-plugins"],
        ["--explain", "--no-plugins"],
    ],
)
def test_combinations_that_mean_something_still_run(args: list[str], capsys) -> None:
    assert main([*args, "--fixture", str(MAC)]) == 0
    captured = capsys.readouterr()
    assert captured.out
    assert captured.err == ""


def test_one_line_even_for_an_argument_with_a_newline(capsys) -> None:
    assert main(["--bogus\nsecond"]) == 2
    assert capsys.readouterr().err == "envdetect: error: unrecognized arguments: --bogus\\nsecond\n"


# -- --explain says what it found -------------------------------------------------------


@pytest.mark.parametrize(
    ("tty", "why"),
    [
        (True, "why: stdin terminal, stdout terminal"),
        (False, "why: stdin not a terminal, stdout not a terminal"),
    ],
)
def test_explain_says_whether_the_streams_are_terminals(
    tmp_path: Path, tty: bool, why: str, capsys
) -> None:
    path = tmp_path / "tty.json"
    path.write_text(json.dumps({"tty": {"stdin": tty, "stdout": tty}}), encoding="utf-8")
    assert main(["--explain", "--fixture", str(path)]) == 0
    rows = capsys.readouterr().out.splitlines()
    terminal = rows.index(next(row for row in rows if row.startswith("Terminal")))
    assert rows[terminal + 1].strip() == why


# -- stdout carries only our output ------------------------------------------------------


class FakeEntryPoint:
    """What discovery yields: a name and a load() giving the detector."""

    def __init__(self, name: str, detector: object) -> None:
        self.name, self.detector = name, detector

    def load(self) -> object:
        return self.detector


class ChattyDetector:
    facet = "chatty"

    def detect(self, ctx: envdetect.Context) -> dict[str, bool]:
        print("plugin chatter")
        sys.stdout.write("more chatter\n")
        return {"loud": True}


@pytest.mark.parametrize(
    "args", [["--json"], [], ["--json", "--explain"], ["--fingerprint"]], ids=output_id
)
def test_a_plugin_printing_cannot_corrupt_stdout(args: list[str], monkeypatch, capsys) -> None:
    from envdetect import _plugins

    monkeypatch.setattr(
        _plugins, "entry_points_in_group", lambda: [FakeEntryPoint("chatty", ChattyDetector())]
    )
    real_stdout = sys.stdout
    assert main([*args, "--fixture", str(MAC)]) == 0
    assert sys.stdout is real_stdout
    captured = capsys.readouterr()
    assert "chatter" not in captured.out
    assert captured.err == "plugin chatter\nmore chatter\n"
    if "--json" in args:
        document = json.loads(captured.out)
        extensions = document.get("environment", document)["extensions"]
        assert extensions == {"chatty": {"loud": True}}


LATE_PLUGIN = """
import sys, threading
import envdetect._plugins

main_returned = threading.Event()

class Late:
    facet = "late"

    def detect(self, ctx):
        def chatter():
            main_returned.wait()
            print("late chatter", flush=True)
        # Explicitly not a daemon: one started from the plugins' worker would
        # inherit daemon=True and die silently at exit.
        threading.Thread(target=chatter, daemon=False).start()
        return {"ok": True}

class Entry:
    name = "late"

    def load(self):
        return Late()

envdetect._plugins.entry_points_in_group = lambda: [Entry()]
from envdetect._cli import main

sys.argv[1:] = ["--json", "--fixture", sys.argv[1]]
status = main()
main_returned.set()
sys.exit(status)
"""


def test_a_plugin_thread_printing_after_the_output_goes_to_stderr() -> None:
    result = subprocess.run(
        [sys.executable, "-c", LATE_PLUGIN, str(MAC)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=HANG_SECONDS,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["extensions"] == {"late": {"ok": True}}
    assert result.stderr == "late chatter\n"


def test_help_is_our_output_and_says_which_flags_combine(capsys) -> None:
    assert main(["--help"]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    assert captured.out.startswith("usage: envdetect")
    assert "--explain goes with the report or with --json" in captured.out


def test_ctrl_c_exits_130_without_a_traceback(monkeypatch, capsys) -> None:
    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(envdetect, "detect", interrupted)
    real_stdout = sys.stdout
    assert main(["--json", "--fixture", str(MAC)]) == 130
    assert sys.stdout is real_stdout
    assert capsys.readouterr() == ("", "")


class EscapingDetector:
    facet = "painter"

    def detect(self, ctx: envdetect.Context) -> dict[str, str]:
        return {"title": "\x1b]0;owned\x07red\x1b[31m"}


def test_the_report_shows_a_plugins_terminal_escapes_without_obeying_them(
    monkeypatch, capsys
) -> None:
    from envdetect import _plugins

    monkeypatch.setattr(
        _plugins, "entry_points_in_group", lambda: [FakeEntryPoint("painter", EscapingDetector())]
    )
    assert main(["--fixture", str(MAC)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out
    assert "\x07" not in out
    assert "title: \\x1b]0;owned\\x07red\\x1b[31m" in out
