"""``python -m envdetect``: a diagnostic report of where this program runs."""

import argparse
import contextlib
import os
import sys

import envdetect

TYPE_CHECKING = False
if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Mapping, Sequence
    from typing import Any, NoReturn, TextIO

    from envdetect._engine import Environment

#: Report rows: facet, label.  Order: the headline first, then who is driving,
#: where it runs, and the machine.
ROWS = (
    ("ci", "CI"),
    ("toolkit", "Toolkit"),
    ("ide", "IDE"),
    ("agent", "Agent"),
    ("notebook", "Notebook"),
    ("cloud", "Cloud"),
    ("container", "Container"),
    ("terminal", "Terminal"),
    ("os", "OS"),
    ("host", "Host"),
    ("python", "Python"),
)
LABEL_WIDTH = 11


#: Exit status when our output cannot be written: stdout closed, its reader gone
#: (``envdetect --json | head -c1``), the disk full.
OUTPUT_FAILED = 1

#: Exit status for bad arguments or a fixture that cannot be used.
BAD_INPUT = 2


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> "NoReturn":
        # One line, no usage dump: scripts parse stderr too.
        raise UsageError(message)


def build_parser() -> "argparse.ArgumentParser":
    parser = _Parser(
        prog="envdetect",
        add_help=False,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Report where this program runs: CI, IDE, agent, notebook, cloud,\n"
        "container, terminal, OS and Python. Nothing identifying is printed.",
        epilog="One output at a time: --json, --fingerprint, --payload and --capture\n"
        "exclude each other; --explain goes with the report or with --json.\n"
        "--fixture and --no-plugins go with any of them.",
    )
    # --help and --version are plain flags: main() writes their text like any
    # other output, so a closed pipe or stdout is handled the same way.
    parser.add_argument("-h", "--help", action="store_true", help="show this help and exit")
    output = parser.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="print the JSON document (schema 1)")
    parser.add_argument(
        "--fixture", metavar="PATH", help="detect from a recorded fixture file ('-' reads stdin)"
    )
    parser.add_argument(
        "--explain",
        action="store_true",
        help="show which signals (names, never values) decided each facet",
    )
    output.add_argument(
        "--fingerprint",
        action="store_true",
        help="print the non-identifying fingerprint meant for sending, and "
        "its OpenTelemetry resource attributes",
    )
    # -- telemetry (issue 7): show exactly what envdetect.telemetry would send --
    output.add_argument(
        "--payload",
        action="store_true",
        help="print the exact bodies envdetect.telemetry would send for a "
        "sample command event, in both wire formats (json and otlp)",
    )
    output.add_argument(
        "--capture",
        metavar="PATH",
        help="write a redacted fixture of this machine for a bug report ('-' writes to stdout)",
    )
    parser.add_argument(
        "--no-plugins",
        action="store_true",
        help="skip detectors registered under the envdetect.detectors entry point",
    )
    parser.add_argument("--version", action="store_true", help="show the version and exit")
    return parser


def main(argv: "Sequence[str] | None" = None) -> int:
    """Run the command; the exit status.  Never raises, never prints a traceback."""
    stdout = sys.stdout
    # Detectors and plugins may print; only our own output may reach stdout
    # (a stray line breaks --json for whoever parses it).
    sys.stdout = sys.stderr
    try:
        status, output = _run(argv)
        if output is not None:
            status = _write(stdout, output) or status
        return status
    except KeyboardInterrupt:
        return 130  # 128 + SIGINT, as a shell reports it; the user knows why
    finally:
        # Called in-process (argv given), leave the caller's stdout as it was.
        # Run as the program, keep it on stderr until exit: a plugin's thread
        # printing after our output must not land behind it.
        if argv is not None:
            sys.stdout = stdout


def _run(argv: "Sequence[str] | None") -> "tuple[int, str | None]":
    """The exit status and the text for stdout, if any."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if args.help:
            return 0, parser.format_help().rstrip("\n")
        if args.version:
            return 0, f"envdetect {envdetect.__version__}"
        for flag, used in (
            ("--fingerprint", args.fingerprint),
            ("--payload", args.payload),
            ("--capture", args.capture is not None),
        ):
            if args.explain and used:
                parser.error(f"argument --explain: not allowed with argument {flag}")
        context = envdetect.load_fixture(args.fixture) if args.fixture is not None else None
    except (UsageError, envdetect.FixtureError) as error:
        return _fail(str(error)), None
    if args.capture is not None:
        return _capture(args.capture, context)
    if args.payload:  # telemetry (issue 7): the sender detects without plugins
        from envdetect.telemetry._payload import sample

        return 0, sample(_summary(envdetect.detect(context, plugins=False)))
    env = envdetect.detect(context, plugins=not args.no_plugins)
    payload: Any
    if args.fingerprint:
        import json

        fields, attributes = _summary(env)
        payload = {"fingerprint": fields, "resource_attributes": attributes}
        return 0, json.dumps(payload, indent=2, ensure_ascii=True)
    if args.json:
        import json

        if args.explain:
            payload = {"environment": env.to_dict(), "explanation": env.explanation}
        else:
            payload = env.to_dict()
        return 0, json.dumps(payload, indent=2, ensure_ascii=True)
    return 0, render(env, explain=args.explain)


def _write(stream: "TextIO | None", text: str) -> int:
    """Write ``text`` and a newline to ``stream``; 0, or the status of a failure."""
    if stream is None or getattr(stream, "closed", False):
        # Started with stdout closed (``envdetect >&-``): Python gave us None.
        return _fail("stdout is closed", OUTPUT_FAILED)
    encoding = getattr(stream, "encoding", None)
    if encoding:
        # A report can carry any text a machine holds (a lone surrogate from a
        # non-UTF-8 os-release, é on an ASCII terminal): escape what the
        # stream cannot encode instead of failing on it.
        try:
            text = text.encode(encoding, "backslashreplace").decode(encoding)
        except (LookupError, UnicodeError):
            text = text.encode("ascii", "backslashreplace").decode("ascii")
    try:
        stream.write(text + "\n")
        stream.flush()
    except BrokenPipeError:
        # The reader is gone (``| head``): nothing left to tell anyone.
        _discard_output(stream)
        return OUTPUT_FAILED
    except (OSError, ValueError) as error:
        _discard_output(stream)
        reason = getattr(error, "strerror", None) or error
        return _fail(f"cannot write output: {reason}", OUTPUT_FAILED)
    return 0


def _discard_output(stream: "TextIO") -> None:
    """Point the stream's descriptor at the null device, so that the flush at
    exit does not fail again and print "Exception ignored" (the recipe of the
    Python docs for SIGPIPE)."""
    try:
        fd = stream.fileno()
        devnull = os.open(os.devnull, os.O_WRONLY)
    except (AttributeError, OSError, ValueError):
        return  # not a real descriptor: nothing will be flushed at exit
    try:
        os.dup2(devnull, fd)
    except OSError:
        pass
    finally:
        os.close(devnull)


def _fail(message: str, status: int = BAD_INPUT) -> int:
    """Say what is wrong on one line of stderr; the exit status."""
    with contextlib.suppress(AttributeError, OSError, ValueError):  # stderr gone too
        print(f"envdetect: error: {_escaped(message)}", file=sys.stderr)
    return status


def _escaped(text: str) -> str:
    """``text`` with every unprintable character spelled as an escape: shown on
    one line, never obeyed by the terminal (a plugin's escape sequences)."""
    if text.isprintable():
        return text
    return "".join(char if char.isprintable() else repr(char)[1:-1] for char in text)


def _summary(env: "Environment") -> "tuple[dict[str, Any], dict[str, Any]]":
    """The fingerprint and its OpenTelemetry form, computing the fingerprint once."""
    from envdetect._fingerprint import resource_attributes

    fields = env.fingerprint()
    return fields, resource_attributes(fields)


def _capture(target: str, context: "envdetect.Context | None") -> "tuple[int, str | None]":
    import json

    from envdetect._capture import capture

    document = {"captured_by": f"envdetect {envdetect.__version__}", **capture(context)}
    text = json.dumps(document, indent=2, ensure_ascii=True, sort_keys=True)
    if target == "-":
        return 0, text
    shown = target if target.isprintable() else repr(target)
    try:
        with open(target, "w", encoding="utf-8") as handle:
            handle.write(text + "\n")
    except (OSError, ValueError) as error:
        reason = getattr(error, "strerror", None) or error
        return _fail(f"cannot write capture to {shown}: {reason}"), None
    with contextlib.suppress(AttributeError, OSError, ValueError):
        print(f"envdetect: wrote {shown}; attach it to your bug report", file=sys.stderr)
    return 0, None


def render(env: "Environment", *, explain: bool = False) -> str:
    doc = env.to_dict()
    lines = [f"envdetect {envdetect.__version__}   runtime: {doc['runtime']['kind']}", ""]
    facets = list(ROWS)
    facets.extend((name, name) for name in doc.get("extensions", {}))
    for facet, label in facets:
        value = doc.get(facet, doc.get("extensions", {}).get(facet))
        lines.extend(_rows(label, value))
        if explain:
            lines.extend(_explain_rows(env.explanation, facet))
    if explain:
        lines.append("")
        lines.extend(
            _rows(
                "Runtime",
                {"because": ", ".join(env.explanation.get("runtime", {}).get("because", []))},
            )
        )
        for label, info in env.explanation.items():
            if "(plugin" in label or label == "engine":
                lines.append(f"{'':<{LABEL_WIDTH}} {label}: " + _reason(info))
    return "\n".join(lines)


def _rows(label: str, value: "Any") -> "list[str]":
    if value is None:
        return [f"{label:<{LABEL_WIDTH}} -"]
    if not isinstance(value, dict):
        return [f"{label:<{LABEL_WIDTH}} {_text(value)}"]
    simple = [f"{key}: {_text(item)}" for key, item in value.items() if not isinstance(item, dict)]
    lines = [f"{label:<{LABEL_WIDTH}} " + "   ".join(simple)]
    for key, item in value.items():
        if isinstance(item, dict):
            inner = "   ".join(f"{k}: {_text(v)}" for k, v in item.items())
            lines.append(f"{'':<{LABEL_WIDTH}} {key} -> {inner}")
    return lines


def _explain_rows(explanation: "Mapping[str, Mapping[str, Any]]", facet: str) -> "list[str]":
    info = explanation.get(facet)
    if info is None:
        return []
    return [f"{'':<{LABEL_WIDTH}} why: " + _reason(info)]


def _reason(info: "Mapping[str, Any]") -> str:
    because = ", ".join(info.get("because") or []) or "no signal"
    if info.get("error"):
        return f"detector failed ({info['error']}); facet unknown"
    return because


def _text(value: "Any") -> str:
    if value is None:
        return "-"
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return _escaped(str(value))
