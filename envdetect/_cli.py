"""``python -m envdetect``: a diagnostic report of where this program runs."""

import argparse
import sys

import envdetect

TYPE_CHECKING = False
if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Mapping, Sequence
    from typing import Any, NoReturn

    from envdetect._engine import Environment

#: Report rows: facet, label.  Order: the headline first, then who is driving,
#: where it runs, and the machine.
ROWS = (
    ("ci", "CI"), ("toolkit", "Toolkit"), ("ide", "IDE"), ("agent", "Agent"),
    ("notebook", "Notebook"), ("cloud", "Cloud"), ("container", "Container"),
    ("terminal", "Terminal"), ("os", "OS"), ("host", "Host"), ("python", "Python"),
)
LABEL_WIDTH = 11


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> "NoReturn":
        # One line, no usage dump: scripts parse stderr too.
        raise UsageError(message)


def build_parser() -> "argparse.ArgumentParser":
    parser = _Parser(
        prog="envdetect",
        description="Report where this program runs: CI, IDE, agent, notebook, cloud, "
        "container, terminal, OS and Python. Nothing identifying is printed.",
    )
    parser.add_argument("--json", action="store_true", help="print the JSON document (schema 1)")
    parser.add_argument("--fixture", metavar="PATH",
                        help="detect from a recorded fixture file ('-' reads stdin)")
    parser.add_argument("--explain", action="store_true",
                        help="show which signals (names, never values) decided each facet")
    parser.add_argument("--fingerprint", action="store_true",
                        help="print the non-identifying fingerprint meant for sending, and "
                        "its OpenTelemetry resource attributes")
    # -- telemetry (issue 7): show exactly what envdetect.telemetry would send --
    parser.add_argument("--payload", action="store_true",
                        help="print the exact bodies envdetect.telemetry would send for a "
                        "sample command event, in both wire formats (json and otlp)")
    parser.add_argument("--capture", metavar="PATH",
                        help="write a redacted fixture of this machine for a bug report "
                        "('-' writes to stdout)")
    parser.add_argument("--no-plugins", action="store_true",
                        help="skip detectors registered under the envdetect.detectors "
                        "entry point")
    parser.add_argument("--version", action="version",
                        version=f"envdetect {envdetect.__version__}")
    return parser


def main(argv: "Sequence[str] | None" = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        context = envdetect.load_fixture(args.fixture) if args.fixture is not None else None
    except (UsageError, envdetect.FixtureError) as error:
        print(f"envdetect: error: {error}", file=sys.stderr)
        return 2
    if args.capture is not None:
        return _capture(args.capture, context)
    if args.payload:  # telemetry (issue 7): the sender detects without plugins
        from envdetect._payload import sample

        print(sample(_summary(envdetect.detect(context, plugins=False))))
        return 0
    env = envdetect.detect(context, plugins=not args.no_plugins)
    payload: Any
    if args.fingerprint:
        import json

        fields, attributes = _summary(env)
        payload = {"fingerprint": fields, "resource_attributes": attributes}
        print(json.dumps(payload, indent=2, ensure_ascii=True))
        return 0
    if args.json:
        import json

        if args.explain:
            payload = {"environment": env.to_dict(), "explanation": env.explanation}
        else:
            payload = env.to_dict()
        print(json.dumps(payload, indent=2, ensure_ascii=True))
    else:
        print(render(env, explain=args.explain))
    return 0


def _summary(env: "Environment") -> "tuple[dict[str, Any], dict[str, Any]]":
    """The fingerprint and its OpenTelemetry form, computing the fingerprint once."""
    from envdetect._fingerprint import resource_attributes

    fields = env.fingerprint()
    return fields, resource_attributes(fields)


def _capture(target: str, context: "envdetect.Context | None") -> int:
    import json

    from envdetect._capture import capture

    document = {"captured_by": f"envdetect {envdetect.__version__}", **capture(context)}
    text = json.dumps(document, indent=2, ensure_ascii=True, sort_keys=True) + "\n"
    if target == "-":
        sys.stdout.write(text)
        return 0
    try:
        with open(target, "w", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as error:
        print(f"envdetect: error: cannot write capture: {error.strerror or error}",
              file=sys.stderr)
        return 2
    print(f"envdetect: wrote {target}; attach it to your bug report", file=sys.stderr)
    return 0


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
        lines.extend(_rows("Runtime", {"because": ", ".join(
            env.explanation.get("runtime", {}).get("because", []))}))
        for label, info in env.explanation.items():
            if "(plugin" in label or label == "engine":
                lines.append(f"{'':<{LABEL_WIDTH}} {label}: " + _reason(info))
    return "\n".join(lines)


def _rows(label: str, value: "Any") -> "list[str]":
    if value is None:
        return [f"{label:<{LABEL_WIDTH}} -"]
    if not isinstance(value, dict):
        return [f"{label:<{LABEL_WIDTH}} {_text(value)}"]
    simple = [f"{key}: {_text(item)}" for key, item in value.items()
              if not isinstance(item, dict)]
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
    return str(value)
