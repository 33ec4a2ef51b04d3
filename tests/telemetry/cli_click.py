"""The README's click integration, as a runnable tool: ``python cli_click.py deploy``.

The tests point it at a loopback server with MYTOOL_ENDPOINT and pick the wire
with MYTOOL_WIRE (knobs of this example only); ``deploy --fail`` raises.
"""

from __future__ import annotations

import os

import click

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


@click.group()
def cli() -> None:
    """mytool: deploys things."""


@cli.command()
@click.option("--fail", is_flag=True)
@telemetry.track("deploy")
def deploy(fail: bool) -> None:
    if fail:
        raise ValueError("the deploy failed")
    click.echo("deployed")


cli.add_command(telemetry.click_command())

if __name__ == "__main__":
    cli(prog_name="mytool")
