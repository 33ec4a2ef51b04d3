"""The README's typer integration, as a runnable tool (see cli_click.py for the knobs)."""

from __future__ import annotations

import os

import typer

from envdetect.telemetry import Telemetry

telemetry = Telemetry(
    "mytool",
    "1.4.2",
    os.environ.get("MYTOOL_ENDPOINT"),
    opt_out_env="MYTOOL_TELEMETRY",
    wire=os.environ.get("MYTOOL_WIRE", "json"),
    exit_wait=1.0,
    allowed_values={"command": ["deploy"]},
)
app = typer.Typer()


@app.command()
def deploy(fail: bool = False) -> None:
    with telemetry.track("deploy"):
        if fail:
            raise ValueError("the deploy failed")
        typer.echo("deployed")


@app.command(
    "telemetry",
    add_help_option=False,
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
)
def telemetry_command(ctx: typer.Context) -> None:
    """Anonymous usage telemetry: status, enable, disable, show."""
    raise typer.Exit(telemetry.command(ctx.args))


if __name__ == "__main__":
    app(prog_name="mytool")
