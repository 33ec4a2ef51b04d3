"""track() in a real click program (tests/telemetry/cli_app.py), run as a process.

Every outcome is run with telemetry on and off: the exit status, stdout and
stderr (tracebacks included) must be identical, and the recorded ``exit_code``
must be the status the process really ended with, ``status`` follow from it, and
``error_type`` name the exception click mapped (none for ``Exit`` and
``SystemExit``).  Command names come from click's command tree, never from
argument values.
"""

from __future__ import annotations

import signal
import sys
from pathlib import Path

import pytest

from tests.telemetry.conftest import CliCase, check_cli_case, ran_cli_cases

pytest.importorskip("click")

SECRET = "argument-value-that-is-never-sent"

CASES = [
    CliCase("ok", ["act", "ok", SECRET]),
    CliCase("exit0", ["act", "exit0"]),
    CliCase("exit5", ["act", "exit5"]),
    CliCase("exit3", ["act", "exit3"]),
    CliCase("usage", ["act", "usage"], "UsageError"),
    CliCase("failed", ["act", "failed"], "ClickException"),
    CliCase("abort", ["act", "abort"], "Abort"),
    CliCase("raise", ["act", "raise"], "ValueError"),
    CliCase("sysexit4", ["act", "sysexit4"]),
    # click turns Ctrl-C into Abort: "Aborted!", status 1.
    CliCase("sigint", ["act", "sleep"], "KeyboardInterrupt", interrupt=True),
    # @telemetry.track() above @cli.command(): the command object's invoke is tracked.
    CliCase("above-ok", ["act-above", "ok"]),
    CliCase("above-exit5", ["act-above", "exit5"]),
    CliCase("above-raise", ["act-above", "raise"], "ValueError"),
    CliCase("nested", ["stack", "deploy", "ok"]),
    CliCase("nested-allowed", ["stack", "deploy", "ok"], HOSTAPP_ALLOW="1"),
    CliCase("named", ["named", "usage"], "UsageError"),
]


@pytest.fixture(scope="module")
def cases(tmp_path_factory: pytest.TempPathFactory) -> dict[str, CliCase]:
    return ran_cli_cases("click", CASES, tmp_path_factory)


@pytest.mark.parametrize("name", [case.name for case in CASES])
def test_outcome_recorded_as_the_process_ends_and_nothing_else_changes(cases, name: str) -> None:
    case = cases[name]
    recorded = check_cli_case(case)
    if not name.startswith(("nested", "named")):
        assert recorded["command"] == case.args[0]
        assert "subcommand" not in recorded


def test_the_exit_statuses_are_clicks(cases) -> None:
    """The statuses above are click's own mapping, so the comparison means something."""
    statuses = {
        name: cases[name].off.returncode
        for name in (
            "ok",
            "exit0",
            "exit5",
            "exit3",
            "usage",
            "failed",
            "abort",
            "raise",
            "sysexit4",
            "sigint",
        )
    }
    assert statuses == {
        "ok": 0,
        "exit0": 0,
        "exit5": 5,
        "exit3": 3,
        "usage": 2,
        "failed": 1,
        "abort": 1,
        "raise": 1,
        "sysexit4": 4,
        "sigint": 1,
    }
    assert cases["sigint"].off.stderr.endswith("Aborted!\n")
    assert cases["raise"].off.stderr.startswith("Traceback (most recent call last):")
    assert -signal.SIGINT not in statuses.values()


def test_command_path_from_the_tree_never_argument_values(cases) -> None:
    nested = check_cli_case(cases["nested"])
    assert (nested["command"], nested["subcommand"]) == ("stack", "deploy")
    allowed = check_cli_case(cases["nested-allowed"])  # subcommand not in allowed_values
    assert (allowed["command"], allowed["subcommand"]) == ("stack", "other")
    assert check_cli_case(cases["named"])["command"] == "build"
    assert all(SECRET not in request["body"] for case in CASES for request in case.requests)


def test_click_is_not_imported_by_telemetry(tmp_path: Path) -> None:
    """The outcome mapping looks click up in sys.modules; a host without it never loads it."""
    import subprocess

    from tests.conftest import ROOT

    code = (
        "import sys\nfrom envdetect.telemetry import Telemetry\n"
        "t = Telemetry('hostapp', '1.0', 'http://127.0.0.1:9/', config_dir=sys.argv[1])\n"
        "try:\n    with t.track():\n        raise KeyboardInterrupt\n"
        "except KeyboardInterrupt:\n    pass\n"
        "t.track()(lambda: None)()\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('click', 'typer')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)],
        cwd=str(ROOT),
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    assert done.stdout == "[]\n"
