"""A real click or typer command line using track(), for the telemetry tests.

    python cli_app.py click|typer COMMAND... OUTCOME [VALUE]

Commands: ``act OUTCOME [VALUE]`` (``@telemetry.track()`` below the command
decorator), ``act-above OUTCOME`` (above it: click tracks it, typer cannot),
``stack deploy
OUTCOME`` (a nested group) and ``named OUTCOME`` (``track("build")``).  OUTCOME:
``ok``, ``exit0``/``exit5`` (``ctx.exit``), ``exit3`` (the framework's ``Exit(3)``),
``usage`` (``UsageError``), ``failed`` (``ClickException``), ``abort``,
``raise`` (a ValueError escapes), ``sysexit4``, ``sleep`` (writes ``@ready`` on
stderr and sleeps: the test interrupts it).  VALUE: an argument value that must
never be sent.  Telemetry posts to ``$HOSTAPP_ENDPOINT``; ``DO_NOT_TRACK=1``
turns it off; ``HOSTAPP_ALLOW=1`` declares allowed_values for the command
names.  The program writes nothing but what the framework writes.
"""

from __future__ import annotations

import os
import sys
import time

from envdetect.telemetry import Telemetry

FRAMEWORK = sys.argv.pop(1)
telemetry = Telemetry(
    "hostapp",
    "1.0",
    os.environ.get("HOSTAPP_ENDPOINT"),
    exit_wait=1.0,
    allowed_values={"command": ["act", "stack"], "subcommand": ["other"]}
    if os.environ.get("HOSTAPP_ALLOW")
    else None,
)

if FRAMEWORK == "click":
    import click

    def context_exit(code: int) -> None:
        click.get_current_context().exit(code)

    EXIT, ABORT = click.exceptions.Exit, click.Abort
    USAGE, FAILED = click.UsageError, click.ClickException
else:
    import typer

    try:
        from typer import _click  # typer's own copy of click (0.2x on)
    except ImportError:  # an older typer, on click itself
        import click as _click  # type: ignore[no-redef]

    def context_exit(code: int) -> None:
        _click.globals.get_current_context().exit(code)

    EXIT, ABORT = typer.Exit, typer.Abort
    USAGE, FAILED = _click.exceptions.UsageError, _click.exceptions.ClickException


def act(outcome: str) -> None:
    if outcome in ("exit0", "exit5"):
        context_exit(int(outcome[4:]))
    elif outcome == "exit3":
        raise EXIT(3)
    elif outcome == "usage":
        raise USAGE("no such thing")
    elif outcome == "failed":
        raise FAILED("it failed")
    elif outcome == "abort":
        raise ABORT()
    elif outcome == "raise":
        raise ValueError("escapes: a message that is never sent")
    elif outcome == "sysexit4":
        sys.exit(4)
    elif outcome == "sleep":
        sys.stderr.write("@ready\n")
        sys.stderr.flush()
        time.sleep(10)


if FRAMEWORK == "click":

    @click.group()
    def cli() -> None:
        pass

    @cli.command(name="act")
    @click.argument("outcome")
    @click.argument("value", required=False)
    @telemetry.track()
    def act_below(outcome: str, value: str | None) -> None:
        act(outcome)

    @telemetry.track()
    @cli.command(name="act-above")
    @click.argument("outcome")
    def act_above(outcome: str) -> None:
        act(outcome)

    @cli.command()
    @click.argument("outcome")
    @telemetry.track("build")
    def named(outcome: str) -> None:
        act(outcome)

    @cli.group()
    def stack() -> None:
        pass

    @stack.command()
    @click.argument("outcome")
    @telemetry.track()
    def deploy(outcome: str) -> None:
        act(outcome)

    cli()
else:
    # Older typers print each frame's locals in a traceback by default: object
    # addresses, which differ from run to run with or without telemetry.
    app = typer.Typer(add_completion=False, pretty_exceptions_show_locals=False)
    stack_app = typer.Typer(pretty_exceptions_show_locals=False)
    app.add_typer(stack_app, name="stack")

    @app.command(name="act")
    @telemetry.track()
    def act_below(outcome: str, value: str = typer.Argument("")) -> None:
        act(outcome)

    @app.command()
    @telemetry.track("build")
    def named(outcome: str) -> None:
        act(outcome)

    @telemetry.track()  # the wrong order for typer: debug mode says so
    @app.command(name="act-above")
    def act_above_typer(outcome: str) -> None:
        act(outcome)

    @stack_app.command()
    @telemetry.track()
    def deploy(outcome: str) -> None:
        act(outcome)

    app()
