"""The host's ``telemetry`` command: ``status``, ``enable``, ``disable``, ``show``.

One implementation, framework-free (:meth:`Telemetry.command`), and the same
as a click group (:meth:`Telemetry.click_command`).  Output goes to stdout;
bad usage is one line on stderr and status 2.  Running it turns this
process's telemetry off first thing: the command is never measured, and what
``show`` builds is printed, never queued.
"""

import sys

from envdetect.telemetry._consent import DEBUG, SEND
from envdetect.telemetry._consent import ON as _ON
from envdetect.telemetry._consent import env_flag as _env_flag

TYPE_CHECKING = False
if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Sequence
    from typing import Any

    from envdetect.telemetry import Telemetry

SUBCOMMANDS = {
    "status": "Say whether telemetry is on, why, and where the choice is stored.",
    "enable": "Turn telemetry on for later runs (stored in the choice file).",
    "disable": "Turn telemetry off for later runs (stored in the choice file).",
    "show": "Print exactly what would be sent from here, in both wire formats; nothing is sent.",
}
HELP = "Anonymous usage telemetry: see it, turn it on or off."
NOT_MEASURED = "this process runs the telemetry command, which is never measured"
#: The representative command event ``show`` builds (its duration, in ms).
SAMPLE_DURATION = 1234.5


def spelling(telemetry: "Telemetry") -> str:
    # An invalid (empty) spelling turned telemetry off; status still names one.
    return telemetry._telemetry_command or f"{telemetry._app} telemetry"


def complain(telemetry: "Telemetry", message: str, status: int = 2) -> int:
    """One line on stderr; the status to exit with."""
    try:
        sys.stderr.write(f"{spelling(telemetry)}: {message}\n")
        sys.stderr.flush()
    except Exception:  # noqa: BLE001 - stderr gone: the status still says it
        pass
    return status


def run(telemetry: "Telemetry", argv: "Sequence[str]") -> int:
    if isinstance(argv, str) or not all(isinstance(arg, str) for arg in argv):
        return complain(telemetry, "expects a list of argument strings")
    args = list(argv)
    if telemetry._before_command is None:
        telemetry._before_command = (_state(telemetry), telemetry._reason)
    state, reason = telemetry._before_command
    telemetry._off(NOT_MEASURED)
    if args in ([], ["status"]):
        return _print(status(telemetry, state, reason))
    if args in (["-h"], ["--help"], ["help"]):
        return _print(usage(telemetry))
    if args in (["enable"], ["disable"]):
        return _store(telemetry, args[0] == "enable")
    if args == ["show"]:
        if reason.startswith("invalid argument"):
            return complain(telemetry, f"telemetry is misconfigured ({reason})", 1)
        return _print(show(telemetry))
    shown = " ".join(args)
    shown = shown if len(shown) <= 40 and shown.isprintable() else "that"
    return complain(
        telemetry, f"unknown subcommand {shown!r} (expected status, enable, disable or show)"
    )


def _print(text: str) -> int:
    sys.stdout.write(text.rstrip("\n") + "\n")
    sys.stdout.flush()
    return 0


def usage(telemetry: "Telemetry") -> str:
    lines = [f"usage: {spelling(telemetry)} [status|enable|disable|show]", "", HELP, ""]
    lines.extend(f"  {name:<8}{text}" for name, text in SUBCOMMANDS.items())
    return "\n".join(lines)


def _state(telemetry: "Telemetry") -> str:
    """On or off for the user, before the command turns this process off."""
    mode = telemetry._mode
    if mode == SEND:
        return "on"
    if mode == DEBUG:
        return "debug mode (bodies printed to stderr, never sent)"
    if telemetry._shown_now:
        return "on from the next run (this run showed the notice and sends nothing)"
    return "off"


def endpoint_host(endpoint: "str | None") -> str:
    """The endpoint's host name alone: never its path, query, port or credentials."""
    if endpoint is None:
        return "none (nothing is ever sent)"
    from urllib.parse import urlsplit

    try:
        host = urlsplit(endpoint).hostname
    except ValueError:
        host = None
    return host or "(malformed endpoint: nothing is sent)"


def status(telemetry: "Telemetry", state: str, reason: str) -> str:
    from envdetect.telemetry._consent import UNREADABLE, stored_choice

    path = telemetry.config_file
    stored = stored_choice(path) if path else None
    choice = {True: "on", False: "off", None: "none", UNREADABLE: "unreadable, counts as off"}[
        stored
    ]
    where = path if path else "nowhere (no home or config folder)"
    command = spelling(telemetry)
    off = f"{telemetry._opt_out_env}=0 or " if telemetry._opt_out_env else ""
    off += "DO_NOT_TRACK=1 turn it off for a run"
    return "\n".join(
        [
            f"{telemetry._app} telemetry: {state}",
            f"why: {reason}",
            f"choice file: {where} (stored choice: {choice})",
            f"sends to: {endpoint_host(telemetry._endpoint)} ({telemetry._wire} wire)",
            f"change it: `{command} disable` / `{command} enable`; {off}",
            f"see what is sent: `{command} show`",
        ]
    )


def _store(telemetry: "Telemetry", enabled: bool) -> int:
    word = "on" if enabled else "off"
    if not telemetry.set_enabled(enabled):
        where = telemetry.config_file or "no home or config folder"
        return complain(telemetry, f"cannot store the choice ({where} is not writable)", 1)
    telemetry._off(NOT_MEASURED)
    lines = [f"{telemetry._app} telemetry is now {word} (stored in {telemetry.config_file})."]
    override = _override(telemetry, enabled)
    if override:
        lines.append(f"Note: {override} in this environment, and it decides first.")
    return _print("\n".join(lines))


def _override(telemetry: "Telemetry", enabled: bool) -> "str | None":
    """An environment variable that outranks the stored choice, as it is set now."""
    if enabled and _env_flag("DO_NOT_TRACK") not in ("", "0"):
        return "DO_NOT_TRACK is set"
    variable = telemetry._opt_out_env
    value = _env_flag(variable)
    if variable and value and (value in _ON) != enabled:
        return f"{variable} is {value!r}"
    return None


def show(telemetry: "Telemetry") -> str:
    """What this host sends, exactly: real bodies, this machine's fingerprint."""
    from envdetect.telemetry._payload import body, environment

    facts = environment()
    events = _sample_events(telemetry)
    app, version = telemetry._app, telemetry._version
    command = events[0][2]["command"]
    used = telemetry._wire
    target = endpoint_host(telemetry._endpoint)
    lines = [
        f"# What {app} {version} sends for one command (`with telemetry.track({command!r}):`"
        " that succeeded),",
        "# with this machine's real fingerprint. Nothing was sent. Exact bytes, one line "
        "each; only run_id",
        "# (random, new in every process), the times and duration_ms differ from run to run.",
        f"# This host uses wire={used!r} and sends to {target}.",
        "",
        '# wire="json": POST to the endpoint, Content-Type: application/json',
        body("json", app, version, facts, events).decode("ascii"),
        "",
        '# wire="otlp": POST to {endpoint}/v1/logs, Content-Type: application/json '
        "(OTLP/HTTP JSON)",
        body("otlp", app, version, facts, events).decode("ascii"),
    ]
    return "\n".join(lines)


def _sample_events(telemetry: "Telemetry") -> "list[Any]":
    """A command event made by the same code ``track()`` uses, never queued."""
    import time

    allowed = sorted(telemetry._allowed.get("command", ()))
    command = allowed[0] if allowed else "example"
    attributes = telemetry._command_attributes(command, None, SAMPLE_DURATION, 0, None)
    return [("command", time.time_ns(), attributes)]


def click_group(telemetry: "Telemetry", name: str) -> "Any":
    import click

    @click.group(name=name, help=HELP, invoke_without_command=True)
    @click.pass_context
    def group(context: "click.Context") -> None:
        if context.invoked_subcommand is None:
            context.exit(run(telemetry, []))

    def subcommand(word: str) -> None:
        @group.command(name=word, help=SUBCOMMANDS[word])
        def handler() -> None:
            code = run(telemetry, [word])
            if code:
                click.get_current_context().exit(code)

    for word in SUBCOMMANDS:
        subcommand(word)
    return group
