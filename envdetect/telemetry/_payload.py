"""The bodies telemetry sends: envdetect's JSON (schema 1) and OTLP/HTTP JSON logs.

Both carry the environment fingerprint, the recorded events, the run id of
the process that recorded them (:func:`run_id`) and a batch id
(:func:`batch_id`): a batch delivered later from the spool keeps its run id,
and a collector can drop a repeated batch by its id.  An event is ``(name, time in ns,
attributes)``; its attributes were already reduced by
:mod:`envdetect.telemetry` to booleans, numbers and allowlisted or
host-vocabulary strings.
"""

import os
import sys

from envdetect import __version__

TYPE_CHECKING = False
if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Iterable, Mapping, Sequence
    from typing import Any, Union

    Value = Union[bool, int, float, str]
    Event = tuple[str, int, Mapping[str, Value]]

SCHEMA = "envdetect-telemetry/1"
SCOPE = "envdetect.telemetry"

#: Command-event attributes that have an OpenTelemetry semantic-convention name.
OTEL_COMMAND = {"exit_code": "process.exit.code", "error_type": "error.type"}
SEVERITY_INFO, SEVERITY_ERROR = 9, 17


#: pid -> run id.  Keyed by pid so a forked child makes its own; dict.setdefault
#: is atomic, so senders on several threads agree on one id without a lock.
_runs: "dict[int, str]" = {}


def run_id() -> str:
    """This process's run id: 128 random bits in hex, made on first use, never stored.

    A collector joins one run's batches and drops duplicates by it.  It is not
    derived from the machine, the user or the time, and the next process gets
    another: it identifies one run, never an installation or a person.
    """
    pid = os.getpid()
    return _runs.get(pid) or _runs.setdefault(pid, os.urandom(16).hex())


def batch_id() -> str:
    """A new batch id: 128 random bits in hex, one per body ever built from a batch."""
    return os.urandom(16).hex()


def namespace(app: str) -> str:
    """The attribute namespace for ``app``: ``my-tool`` -> ``my_tool``."""
    return "".join(c if c.isalnum() else "_" for c in app.lower())


def environment(
    host: "Mapping[str, Any] | None" = None,
) -> "tuple[dict[str, Any], dict[str, Any]]":
    """Detect (no plugins) and return the fingerprint and its resource attributes.

    ``host``: what :func:`host_view` noted of a host that exited before its worker
    had detected; the flush process then detects as that host would have.
    """
    import envdetect
    from envdetect._fingerprint import resource_attributes

    context = _host_context(host) if host else None
    fingerprint = envdetect.detect(context, plugins=False).fingerprint()
    return fingerprint, resource_attributes(fingerprint)


def host_view() -> "dict[str, Any]":
    """What the flush process cannot see for itself of the host (its own streams are
    the null device, its parent the host or init): whether the host's stdin and
    stdout are terminals, and the host's parent process, where its ancestry starts.
    Kept in the spool only, never sent."""
    view: dict[str, Any] = {"parent": os.getppid()}
    for name, stream in (("stdin", sys.stdin), ("stdout", sys.stdout)):
        try:
            view[name] = stream is not None and os.isatty(stream.fileno())
        except (AttributeError, OSError, ValueError):
            view[name] = False
    return view


def _host_context(host: "Mapping[str, Any]") -> "Any":
    from envdetect import _context

    class HostContext(_context.LiveContext):
        """The live machine, with the host's terminals and the host's ancestry."""

        def isatty(self, stream: str) -> "bool | None":
            return bool(host.get(stream))

        def _read_processes(self) -> "Iterable[_context.Process]":
            parent = host.get("parent")
            # Where /proc exists the walk starts at the host's parent, which usually
            # outlives the host (a shell, an IDE, an agent); elsewhere it is the
            # flush process's own (psutil walks from the current process only).
            if isinstance(parent, int) and parent > 1 and os.path.isdir("/proc/self"):
                return list(_context.proc_ancestry(parent, _context.MAX_ANCESTRY))
            return super()._read_processes()

    return HostContext()


def _dumps(document: "Any") -> bytes:
    import json

    return json.dumps(document, separators=(",", ":"), ensure_ascii=True, allow_nan=False).encode(
        "ascii"
    )


def json_body(
    app: str,
    version: str,
    fingerprint: "Mapping[str, Any]",
    events: "Iterable[Event]",
    dropped: int = 0,
    *,
    run: "str | None" = None,
    batch: "str | None" = None,
) -> bytes:
    """Schema 1: ``{schema, run_id, batch_id, app, sender, fingerprint, dropped, events}``."""
    return _dumps(
        {
            "schema": SCHEMA,
            "run_id": run or run_id(),
            "batch_id": batch or batch_id(),
            "app": {"name": app, "version": version},
            "sender": {"name": "envdetect", "version": __version__},
            "fingerprint": dict(fingerprint),
            "dropped": dropped,
            "events": [
                {"name": name, "time_unix_ms": time_ns // 1_000_000, "attributes": dict(attributes)}
                for name, time_ns, attributes in events
            ],
        }
    )


def any_value(value: "Value") -> "dict[str, Any]":
    """An OTLP ``AnyValue`` (JSON mapping: 64-bit integers as strings)."""
    if isinstance(value, bool):
        return {"boolValue": value}
    if isinstance(value, int):
        return {"intValue": str(value)}
    if isinstance(value, float):
        return {"doubleValue": value}
    return {"stringValue": str(value)}


def _attributes(pairs: "Iterable[tuple[str, Value]]") -> "list[dict[str, Any]]":
    return [{"key": key, "value": any_value(value)} for key, value in pairs]


def log_record(ns: str, event: "Event") -> "dict[str, Any]":
    name, time_ns, attributes = event
    full_name = f"{ns}.{name}"
    pairs: list[tuple[str, Value]] = [("event.name", full_name)]
    severity = SEVERITY_INFO
    for key, value in attributes.items():
        if name == "command" and key in OTEL_COMMAND:
            pairs.append((OTEL_COMMAND[key], value))
        else:
            pairs.append((f"{ns}.{key}", value))
        if name == "command" and key == "status" and value != "success":
            severity = SEVERITY_ERROR
    return {
        "timeUnixNano": str(time_ns),
        "observedTimeUnixNano": str(time_ns),
        "severityNumber": severity,
        "severityText": "ERROR" if severity == SEVERITY_ERROR else "INFO",
        "eventName": full_name,
        "body": {"stringValue": full_name},
        "attributes": _attributes(pairs),
    }


def otlp_body(
    app: str,
    version: str,
    resource: "Mapping[str, Any]",
    events: "Iterable[Event]",
    dropped: int = 0,
    *,
    run: "str | None" = None,
    batch: "str | None" = None,
) -> bytes:
    """An OTLP/HTTP JSON ``ExportLogsServiceRequest``: one log record per event; the
    batch id is a scope attribute, the run id ``service.instance.id``."""
    ns = namespace(app)
    scope_pairs: list[tuple[str, Value]] = [("envdetect.telemetry.batch_id", batch or batch_id())]
    if dropped:
        scope_pairs.append(("envdetect.telemetry.dropped_events", dropped))
    scope: dict[str, Any] = {
        "name": SCOPE,
        "version": __version__,
        "attributes": _attributes(scope_pairs),
    }
    resource_pairs: list[tuple[str, Value]] = [
        ("service.name", app),
        ("service.version", version),
        ("service.instance.id", run or run_id()),
        ("telemetry.sdk.name", "envdetect"),
        ("telemetry.sdk.language", "python"),
        ("telemetry.sdk.version", __version__),
    ]
    resource_pairs.extend(resource.items())
    from envdetect._fingerprint import SCHEMA_URL  # the conventions the names follow

    return _dumps(
        {
            "resourceLogs": [
                {
                    "resource": {"attributes": _attributes(resource_pairs)},
                    "schemaUrl": SCHEMA_URL,
                    "scopeLogs": [
                        {
                            "scope": scope,
                            "schemaUrl": SCHEMA_URL,
                            "logRecords": [log_record(ns, event) for event in events],
                        }
                    ],
                }
            ]
        }
    )


def body(
    wire: str,
    app: str,
    version: str,
    environment: "tuple[dict[str, Any], dict[str, Any]]",
    events: "Sequence[Event]",
    *,
    dropped: int = 0,
    run: "str | None" = None,
    batch: "str | None" = None,
) -> bytes:
    fingerprint, resource = environment
    if wire == "otlp":
        return otlp_body(app, version, resource, events, dropped, run=run, batch=batch)
    return json_body(app, version, fingerprint, events, dropped, run=run, batch=batch)


def target_url(endpoint: str, wire: str) -> str:
    """Where a body goes: the endpoint itself, or ``{endpoint}/v1/logs`` for OTLP."""
    if wire != "otlp" or endpoint.rstrip("/").endswith("/v1/logs"):
        return endpoint
    return endpoint.rstrip("/") + "/v1/logs"


def sample(environment: "tuple[dict[str, Any], dict[str, Any]]") -> str:
    """``python -m envdetect --payload``: both bodies for one sample command event."""
    import time

    event: Event = (
        "command",
        time.time_ns(),
        {
            "command": "deploy",
            "subcommand": "stack",
            "status": "failure",
            "exit_code": 1,
            "error_type": "ValueError",
            "duration_ms": 1234.5,
        },
    )
    lines = [
        "# What envdetect telemetry sends for one command event of a tool called 'mytool' 1.4.2",
        '# (`with telemetry.track("deploy", "stack"):` that raised ValueError), '
        "using this machine's fingerprint.",
        "# Exact bytes, one line each. Nothing else is sent: no arguments, no messages, "
        "and no id but run_id (random, new in every process).",
        "",
        '# wire="json": POST to the endpoint, Content-Type: application/json',
        body("json", "mytool", "1.4.2", environment, [event]).decode("ascii"),
        "",
        '# wire="otlp": POST to {endpoint}/v1/logs, Content-Type: application/json '
        "(OTLP/HTTP JSON)",
        body("otlp", "mytool", "1.4.2", environment, [event]).decode("ascii"),
    ]
    return "\n".join(lines)
