"""The README's argparse integration, as a runnable tool (see cli_click.py for the knobs)."""

from __future__ import annotations

import argparse
import os
import sys

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


def main(argv: list[str]) -> int:
    if argv[:1] == ["telemetry"]:  # before argparse: the command parses its own arguments
        return telemetry.command(argv[1:])
    parser = argparse.ArgumentParser(prog="mytool")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("deploy").add_argument("--fail", action="store_true")
    commands.add_parser("telemetry", help="status, enable, disable or show")
    args = parser.parse_args(argv)
    with telemetry.track("deploy"):
        if args.fail:
            raise ValueError("the deploy failed")
        print("deployed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
