"""``python -m envdetect``: the report, --json, --fixture, --explain, --version, errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import envdetect
from envdetect._cli import main
from tests.conftest import FIXTURES, ROOT

MAC = FIXTURES / "os" / "macos-14-arm64.json"


def run_cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "envdetect", *args], capture_output=True,
                          text=True, input=stdin, cwd=ROOT, check=False, timeout=60)


def test_report_is_readable_and_aligned() -> None:
    result = run_cli("--fixture", str(MAC))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"envdetect {envdetect.__version__}   runtime: terminal"
    rows = {line[:11].strip(): line[12:] for line in lines[2:] if line[:11].strip()}
    assert list(rows) == ["CI", "Toolkit", "IDE", "Agent", "Notebook", "Cloud", "Container",
                          "Terminal", "OS", "Host", "Python"]
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
        (["--fixture", "/nonexistent/fixture.json"], None, "cannot read fixture"),
        (["--fixture", "-"], "{broken", "not valid JSON"),
        (["--fixture", "-"], '{"environ": []}', "'environ' must be an object"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(args: list[str], stdin: str | None,
                                          message: str) -> None:
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
    result = subprocess.run([str(found[0]), "--version"], capture_output=True, text=True,
                            check=False)
    assert result.stdout.strip() == f"envdetect {envdetect.__version__}"
