"""track() in a real typer program (tests/telemetry/cli_app.py), run as a process.

As test_click.py, for typer, which from 0.2x on ships its own copy of click
(``typer._click``) and its own ``Exit``/``Abort``, prints errors and tracebacks
its own way, and ends a Ctrl-C'd command with ``Exit(130)``.
"""

from __future__ import annotations

import pytest

from tests.telemetry.conftest import (
    CliCase,
    check_cli_case,
    host_env,
    ran_cli_cases,
    run_cli,
)

typer = pytest.importorskip("typer")

SECRET = "argument-value-that-is-never-sent"

CASES = [
    CliCase("ok", ["act", "ok", SECRET]),
    CliCase("exit0", ["act", "exit0"]),
    CliCase("exit5", ["act", "exit5"]),
    CliCase("exit3", ["act", "exit3"]),  # typer.Exit(3)
    CliCase("usage", ["act", "usage"], "UsageError"),
    CliCase("failed", ["act", "failed"], "ClickException"),
    CliCase("abort", ["act", "abort"], "Abort"),  # typer.Abort
    CliCase("raise", ["act", "raise"], "ValueError"),
    CliCase("sysexit4", ["act", "sysexit4"]),
    CliCase("sigint", ["act", "sleep"], "KeyboardInterrupt", interrupt=True),
    CliCase("nested", ["stack", "deploy", "ok"]),
    CliCase("nested-allowed", ["stack", "deploy", "ok"], HOSTAPP_ALLOW="1"),
    CliCase("named", ["named", "exit5"]),
]


@pytest.fixture(scope="module")
def cases(tmp_path_factory: pytest.TempPathFactory) -> dict[str, CliCase]:
    return ran_cli_cases("typer", CASES, tmp_path_factory)


@pytest.mark.parametrize("name", [case.name for case in CASES])
def test_outcome_recorded_as_the_process_ends_and_nothing_else_changes(cases, name: str) -> None:
    case = cases[name]
    recorded = check_cli_case(case)
    if not name.startswith(("nested", "named")):
        assert recorded["command"] == case.args[0]
        assert "subcommand" not in recorded


def test_the_exit_statuses_are_typers(cases) -> None:
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
    }
    # Ctrl-C: typer 0.13 and later end with Exit(130); older ones with Abort, status 1.
    version = tuple(int(part) for part in typer.__version__.split(".")[:2])
    assert cases["sigint"].off.returncode == (130 if version >= (0, 13) else 1)


def test_command_path_from_the_tree_never_argument_values(cases) -> None:
    nested = check_cli_case(cases["nested"])
    assert (nested["command"], nested["subcommand"]) == ("stack", "deploy")
    allowed = check_cli_case(cases["nested-allowed"])
    assert (allowed["command"], allowed["subcommand"]) == ("stack", "other")
    assert check_cli_case(cases["named"])["command"] == "build"
    assert all(SECRET not in request["body"] for case in CASES for request in case.requests)


def test_track_above_app_command_is_reported_in_debug_mode(tmp_path) -> None:
    """typer registers the function itself, so a wrapper made above @app.command() is
    never called: nothing can be tracked, and debug mode says so, once, at start."""
    env = host_env(tmp_path, HOSTAPP_ENDPOINT="http://127.0.0.1:9/", ENVDETECT_TELEMETRY_DEBUG="1")
    done = run_cli("typer", ["act-above", "ok"], env)
    assert done.returncode == 0
    said = [line for line in done.stderr.splitlines() if line.startswith("envdetect")]
    assert said == [
        "envdetect.telemetry: track() above @app.command(): typer calls the "
        "function it registered, not this wrapper, so nothing is tracked; put "
        "@telemetry.track() below @app.command()"
    ]
