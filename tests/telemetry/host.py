"""A host program using the sender, for the telemetry tests: ``python host.py SPEC``.

SPEC is JSON::

    {"telemetry": [{Telemetry keyword arguments}, ...],   # one instance or several
     "steps": [["track", "build", null, "ok"], ["event", "cache", {"hit": true}], ...],
     "exit": 3,               # or "raise": a ValueError escapes the program
     "no_dns": true,          # socket.getaddrinfo raises gaierror (no real DNS here)
     "message": "...",        # the message of every exception raised (default below)
     "told": false}           # leave the notice unrecorded (default: shown on an earlier run)

Steps: ``track CMD SUB OUTCOME`` (OUTCOME ``ok``, ``raise`` (ValueError escapes),
``catch`` (ValueError caught outside), ``exit:N`` (SystemExit inside), ``sleep:S``
(writes ``@ready <pid>`` on stderr, then sleeps S seconds: a test may interrupt it)),
``decorated CMD [raise]`` (a ValueError escapes the decorated function),
``record CMD``, ``event NAME ATTRS``, ``many N`` (N events in a loop),
``notice``, ``fork`` (the child records and exits 7), ``sleep S``.

The program writes nothing to stdout.  On stderr: ``@end <pid> <time>`` when its
main code is done (with its pid), then ``@host {report}`` from an atexit callback registered
before the sender's, so it runs after the sender's exit wait: the tripwire
log (audit events: file writes, sockets, name lookups, threads, processes),
whether signal handlers changed, which envdetect modules were loaded.
"""

from __future__ import annotations

import atexit
import json
import os
import signal
import sys
import threading
import time

SPEC = json.loads(sys.argv[1])
REPORT: dict[str, object] = {"trips": [], "results": []}
TRIPS: list[str] = REPORT["trips"]  # type: ignore[assignment]
ARMED = [False]
WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC
SIGNALS = [s for s in signal.Signals if s not in (signal.SIGKILL, signal.SIGSTOP)]
HANDLERS = {s: signal.getsignal(s) for s in SIGNALS}


def audit(event: str, args: tuple[object, ...]) -> None:
    if not ARMED[0]:
        return
    if event == "open":
        mode, flags = args[1], args[2]
        writes = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
            isinstance(flags, int) and flags & WRITE_FLAGS
        )
        if writes:
            TRIPS.append(f"file write {args[0]}")
    elif event == "os.posix_spawn" and "envdetect.telemetry._spool" in str(args[1]):
        TRIPS.append(f"flush {args[1][-1]}")  # the detached flush process, and its spool
    elif event.startswith(
        ("socket.__new__", "socket.connect", "socket.getaddrinfo", "_thread.start")
    ) or event in (
        "subprocess.Popen",
        "os.fork",
        "os.forkpty",
        "os.posix_spawn",
        "os.system",
        "os.exec",
        "os.spawn",
    ):
        TRIPS.append(event)


sys.addaudithook(audit)
_start = threading.Thread.start


def tripwire_start(self: threading.Thread) -> None:
    if ARMED[0]:
        TRIPS.append(f"threading.Thread.start {self.name}")
    _start(self)


threading.Thread.start = tripwire_start  # type: ignore[method-assign]

if SPEC.get("no_dns"):
    import ipaddress
    import socket

    real_getaddrinfo = socket.getaddrinfo

    # No network exists here except package registries, so never query real DNS:
    # resolving a name fails the way it does for an unknown name.  Numeric
    # addresses (the loopback servers) involve no lookup and pass through.
    def no_dns(host: object, *args: object, **kwargs: object) -> object:
        try:
            ipaddress.ip_address(str(host))
        except ValueError:
            REPORT.setdefault("lookups", []).append(str(host))  # type: ignore[attr-defined]
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known (test)") from None
        return real_getaddrinfo(host, *args, **kwargs)  # type: ignore[arg-type]

    socket.getaddrinfo = no_dns  # type: ignore[assignment]


def final() -> None:
    ARMED[0] = False
    REPORT["signals_changed"] = [s.name for s in SIGNALS if signal.getsignal(s) != HANDLERS[s]]
    REPORT["modules"] = sorted(m for m in sys.modules if m.startswith("envdetect"))
    REPORT["threads"] = [t.name for t in threading.enumerate()]
    REPORT["final_at"] = time.time()
    REPORT["pid"] = os.getpid()
    sys.stderr.write("@host " + json.dumps(REPORT) + "\n")
    sys.stderr.flush()


def told_earlier(config: dict[str, object]) -> None:
    """Record the notice as shown on an earlier run, where the sender will look for it
    (``envdetect.telemetry._consent.choice_file`` on Linux and macOS, not imported here: the
    tests check which envdetect modules a run loads)."""
    app = str(config.get("app"))
    folder = config.get("config_dir")
    if not isinstance(folder, str):
        home = os.environ.get("HOME", "")
        xdg = os.environ.get("XDG_CONFIG_HOME", "")
        base = (
            os.path.join(home, "Library", "Application Support")
            if sys.platform == "darwin"
            else xdg
            if os.path.isabs(xdg)
            else os.path.join(home, ".config")
        )
        folder = os.path.join(base, app)
    try:
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, "telemetry.conf"), "a", encoding="utf-8") as handle:
            handle.write("\nnotice_shown = true\n")
    except OSError:  # an unwritable home stays as the test made it
        pass


if SPEC.get("told", True):
    for each in SPEC["telemetry"] if isinstance(SPEC["telemetry"], list) else [SPEC["telemetry"]]:
        told_earlier(each)
atexit.register(final)  # before the sender registers its own: runs after it
ARMED[0] = True

from envdetect.telemetry import Telemetry  # noqa: E402 - after the tripwires

MESSAGE = SPEC.get("message", "a message that is never sent")
configs = SPEC["telemetry"]
instances = [
    Telemetry(**config) for config in (configs if isinstance(configs, list) else [configs])
]
REPORT["enabled"] = [t.enabled for t in instances]
REPORT["reasons"] = [t.reason for t in instances]


def step(t: Telemetry, action: list) -> None:  # type: ignore[type-arg]
    kind = action[0]
    if kind == "track":
        _, command, subcommand, outcome = action
        if outcome == "catch":
            try:
                with t.track(command, subcommand):
                    raise ValueError(f"caught: {MESSAGE}")
            except ValueError:
                pass
            return
        with t.track(command, subcommand):
            if outcome == "raise":
                raise ValueError(f"escapes: {MESSAGE}")
            if outcome.startswith("exit:"):
                sys.exit(int(outcome[5:]))
            if outcome.startswith("sleep:"):
                sys.stderr.write(f"@ready {os.getpid()}\n")
                sys.stderr.flush()
                time.sleep(float(outcome[6:]))
    elif kind == "decorated":

        def command() -> None:
            if action[2:] == ["raise"]:
                raise ValueError(f"escapes: {MESSAGE}")

        t.track(action[1])(command)()
    elif kind == "record":
        t.record_command(action[1], duration_ms=12.5, exit_code=2, error=KeyError)
    elif kind == "event":
        t.event(action[1], action[2])
    elif kind == "many":
        for number in range(action[1]):
            t.event("tick", {"n": number})
    elif kind == "notice":
        REPORT["results"].append(t.first_run_notice())  # type: ignore[attr-defined]
    elif kind == "sleep":
        time.sleep(action[1])
    elif kind == "fork":
        pid = os.fork()
        if pid == 0:
            t.event("child", {"forked": True})
            sys.exit(7)  # runs atexit in the child: it must send nothing
        _, status = os.waitpid(pid, 0)
        REPORT["child_status"] = (
            os.waitstatus_to_exitcode(status)
            if hasattr(os, "waitstatus_to_exitcode")
            else status >> 8
        )


try:
    for action in SPEC.get("steps", []):
        for telemetry in instances:
            step(telemetry, action)
finally:
    sys.stderr.write(f"@end {os.getpid()} {time.time()}\n")
    sys.stderr.flush()
if SPEC.get("exit") == "raise":
    raise ValueError(f"escapes: {MESSAGE}")
sys.exit(SPEC.get("exit", 0))
