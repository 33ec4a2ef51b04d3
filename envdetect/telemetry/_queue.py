"""The queue and the worker: a bounded queue, one lazy daemon thread, no wait at exit.

Recording only appends to a list under a lock (at most :data:`QUEUE_SIZE`
events; more are dropped and counted).  The worker thread starts with the
first ``track()`` or event and detects the environment off the host's path;
when the queue fills it sends that batch (one POST, see
:mod:`envdetect.telemetry._transport`) and spools it if the send fails.  At
interpreter exit one callback for all senders puts what is unsent (the last
batch, and one still in flight) into the spool and, if the spool holds
anything, starts one detached flush process (:mod:`envdetect.telemetry._spool`);
the host never waits on the network.  Nothing here raises, writes to stdout or
installs a signal handler (the one audit hook, added at exit while a worker
exists and refusing only that worker, is explained at ``_fence``); a forked
child sends and spools nothing (the pid is checked before any state is touched,
so a lock copied mid-use cannot deadlock it).
"""

import _thread
import atexit
import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:  # pragma: no cover
    import threading
    from collections.abc import Mapping
    from typing import Any

    from envdetect.telemetry._payload import Event

    Facts = tuple[dict[str, Any], dict[str, Any]]

QUEUE_SIZE = 64

#: Every sender of this process.  One atexit callback closes them all and starts
#: at most one flush process per spool.
_senders: "list[Sender]" = []


def _at_exit() -> None:
    interrupted = _ended_by_interrupt()
    try:
        _fence({sender.thread.ident for sender in _senders if sender.thread is not None})
        spools = {path for sender in _senders for path in sender.spool_unsent()}
        from envdetect.telemetry._spool import flush_needed, start_flush

        needed = [directory for directory in sorted(spools) if flush_needed(directory)]
        if needed:  # one process for all of them, never one per folder
            start_flush(*needed)
    except BaseException:  # noqa: BLE001 - Ctrl-C during it just ends it
        return
    finally:
        if interrupted:
            _reassert_interrupt()


# -- the worker at exit ----------------------------------------------------------------
# At exit a worker still detecting (or sending) is of no more use: what it has not
# sent is spooled, and the flush process detects if it must.  Left running, it
# would share the interpreter lock with the host's exit and stretch it.  So from
# the exit on, an audit hook refuses the workers every audited operation (an
# import, an open, a socket call, "exec"): the next one raises, and the worker
# unwinds (releasing any import lock it held) and ends.  Parking it instead would
# keep a half-imported module locked for the host's own exit handlers.
#
# Ctrl-C too: a program ended by an unhandled KeyboardInterrupt dies by SIGINT
# (status 130 in a shell), because CPython notes the fact in one process-wide flag
# when the main module fails with it, and checks the flag after finalisation.  But
# every evaluation of a source string, exec() or eval() of a str in any thread,
# clears that flag first; namedtuple() and dataclasses do it, so importing many
# modules does.  "exec" is audited before the flag is touched, so the refused
# worker cannot clear it; and the flag is set again the only way Python code can:
# a KeyboardInterrupt escaping an evaluated string.


def _ended_by_interrupt() -> bool:
    """Whether the main module is ending on an unhandled KeyboardInterrupt.

    The interpreter's final report of it (``sys.last_exc``/``last_value``) must
    come from the main program (a script, ``-c`` or ``-m``), not from an earlier
    interactive console's report.
    """
    error = getattr(sys, "last_exc", None) or getattr(sys, "last_value", None)
    if type(error) is not KeyboardInterrupt or error.__traceback__ is None:
        return False
    return error.__traceback__.tb_frame.f_globals.get("__name__") in ("__main__", "runpy")


def _fence(workers: "set[int | None]") -> None:
    if not workers:
        return

    def refuse(event: str, args: "tuple[object, ...]") -> None:
        if _thread.get_ident() in workers:
            raise RuntimeError("the host is exiting: this worker does nothing more")

    try:  # noqa: SIM105 - nothing more to import at exit
        sys.addaudithook(refuse)
    except Exception:  # noqa: BLE001 - a host's hook may refuse hooks; the flag is reset below
        pass


def _reassert_interrupt() -> None:
    try:  # noqa: SIM105 - nothing more to import at exit
        exec("raise interrupted", {"interrupted": KeyboardInterrupt})
    except BaseException:  # noqa: BLE001 - the KeyboardInterrupt raised on purpose
        pass


class Config:
    """What the sender needs from :class:`envdetect.telemetry.Telemetry`."""

    __slots__ = ("app", "debug", "endpoint", "headers", "version", "wire")

    def __init__(
        self,
        app: str,
        version: str,
        endpoint: "str | None",
        *,
        wire: str,
        headers: "Mapping[str, str]",
        debug: bool,
    ) -> None:
        self.app = app
        self.version = version
        self.endpoint = endpoint
        self.wire = wire
        self.headers = dict(headers)
        self.debug = debug


class Sender:
    """The queue and the worker.  ``add`` is the only method on the host's hot path."""

    def __init__(self, config: "Config") -> None:
        self.config = config
        self.pid = os.getpid()
        self.lock = _thread.allocate_lock()
        self.pending: list[Event] = []
        self.dropped = 0  # since the last batch was taken
        self.dropped_total = 0
        self.requests = 0  # attempted POSTs
        self.outcomes: list[str] = []  # one word per attempt, for debugging and tests
        self.closing = False
        self.cancelled = False
        #: The batch the worker is sending: (batch id, events, dropped).
        self.inflight: tuple[str, list[Event], int] | None = None
        #: The environment, once the worker has detected it.
        self.facts: Facts | None = None
        self.thread: threading.Thread | None = None
        self.wake: threading.Event | None = None
        # What the exit needs, loaded now while the host works: the exit then
        # imports nothing (a worker may hold an import's lock when it is refused).
        import envdetect.telemetry._payload
        import envdetect.telemetry._spool  # noqa: F401

        if not _senders:
            atexit.register(_at_exit)
        _senders.append(self)

    # -- host side -----------------------------------------------------------------
    def add(self, event: "Event") -> None:
        if os.getpid() != self.pid:  # a forked child: never the parent's queue
            return
        with self.lock:
            if self.cancelled or self.closing:
                return
            if len(self.pending) >= QUEUE_SIZE:
                self.dropped += 1
                self.dropped_total += 1
                return
            self.pending.append(event)
            full = len(self.pending) >= QUEUE_SIZE
        if self.thread is None:
            self.start()
        if full:
            if self.config.debug:
                self._debug_flush()
            elif self.wake is not None:
                self.wake.set()

    def start(self) -> None:
        """Start the worker (once).  Debug mode has none: it prints synchronously."""
        if self.config.debug or os.getpid() != self.pid:
            return
        with self.lock:
            if self.thread is not None or self.cancelled:
                return
            try:
                import threading

                self.wake = threading.Event()
                self.thread = threading.Thread(
                    target=self._run, daemon=True, name="envdetect-telemetry"
                )
            except Exception:  # noqa: BLE001 - no thread, no telemetry
                self.cancelled = True
                return
        try:
            self.thread.start()
        except Exception:  # noqa: BLE001 - e.g. "can't create new thread at shutdown"
            self.cancelled = True

    def cancel(self) -> None:
        """Send nothing more (the notice was shown, or the user opted out meanwhile)."""
        if os.getpid() != self.pid:
            return
        with self.lock:
            self.cancelled = True
            self.pending = []
        if self.wake is not None:
            self.wake.set()

    def spool_unsent(self) -> "list[str]":
        """Close: put the unsent batches into the spool; the spool folders to look
        at (none when cancelled, in debug mode or in a forked child)."""
        if os.getpid() != self.pid:  # a forked child spools nothing
            return []
        if self.config.debug:
            self._debug_flush()
            return []
        with self.lock:
            if self.closing or self.cancelled:
                return []
            self.closing = True
            batch, self.pending = self.pending, []
            dropped, self.dropped = self.dropped, 0
            inflight = self.inflight
        if self.wake is not None:
            self.wake.set()
        from envdetect.telemetry._payload import batch_id
        from envdetect.telemetry._spool import spool_dirs

        directories = spool_dirs(self.config.app)
        if inflight is not None:  # it may not arrive: kept under the same batch id
            self._spool(directories, *inflight)
        if batch or dropped:
            self._spool(directories, batch_id(), batch, dropped)
        return directories

    def _spool(
        self, directories: "list[str]", batch: str, events: "list[Event]", dropped: int
    ) -> "str | None":
        from envdetect.telemetry._payload import host_view, run_id
        from envdetect.telemetry._spool import put

        config = self.config
        if config.endpoint is None:
            return None
        facts = self.facts
        return put(
            directories,
            {
                "batch": batch,
                "run": run_id(),
                "app": config.app,
                "version": config.version,
                "wire": config.wire,
                "endpoint": config.endpoint,
                "headers": config.headers,
                "dropped": dropped,
                "facts": list(facts) if facts is not None else None,
                "host": host_view() if facts is None else None,
                "events": [
                    [name, time_ns, dict(attributes)] for name, time_ns, attributes in events
                ],
            },
        )

    # -- worker side ---------------------------------------------------------------
    def _run(self) -> None:
        try:
            # While the host works: detect.  The transport loads only for a batch
            # sent mid-run (most runs send nothing from here: the flush process
            # sends what the host leaves at exit).
            try:
                from envdetect.telemetry._payload import environment

                self.facts = environment()
            except Exception:  # noqa: BLE001 - the flush process detects instead
                pass
            route: Any = None
            from envdetect.telemetry._payload import batch_id

            assert self.wake is not None
            while True:
                batch = batch_id()
                self.wake.wait()
                with self.lock:
                    self.wake.clear()
                    if self.closing or self.cancelled:
                        return
                    if len(self.pending) < QUEUE_SIZE:
                        continue
                    # (nothing audited under the lock: see _fence)
                    inflight = self.inflight = (batch, self.pending, self.dropped)
                    self.pending, self.dropped = [], 0
                if route is None:
                    route = self._route()
                if self.facts is None or isinstance(route, str):
                    outcome = "no-route"
                else:
                    outcome = self._deliver(self.facts, route, *inflight)
                with self.lock:
                    self.inflight = None
                    spooled_at_exit = self.closing
                from envdetect.telemetry._spool import spool_dirs, verdict

                if verdict(outcome) == "retry" and not spooled_at_exit:
                    self._spool(spool_dirs(self.config.app), *inflight)
        except BaseException:  # noqa: BLE001 - never a traceback from the worker
            pass

    def _route(self) -> "Any":
        try:
            from envdetect.telemetry._payload import target_url
            from envdetect.telemetry._transport import prepare

            assert self.config.endpoint is not None
            return prepare(target_url(self.config.endpoint, self.config.wire))
        except Exception:  # noqa: BLE001
            return "error"

    def _deliver(
        self, facts: "Facts", route: "Any", batch: str, events: "list[Event]", dropped: int
    ) -> str:
        from envdetect.telemetry._payload import body
        from envdetect.telemetry._transport import send

        config = self.config
        data = body(
            config.wire, config.app, config.version, facts, events, dropped=dropped, batch=batch
        )
        self.requests += 1
        outcome = send(route, data, {**config.headers, "Idempotency-Key": batch})
        self.outcomes.append(outcome)
        del self.outcomes[:-16]
        return outcome

    def _debug_flush(self) -> None:
        """Debug mode: print the exact body to stderr, send nothing."""
        with self.lock:
            batch, self.pending = self.pending, []
            dropped, self.dropped = self.dropped, 0
        if not batch:
            return
        try:
            from envdetect.telemetry._payload import body, environment, target_url
            from envdetect.telemetry._transport import redact, route

            config = self.config
            data = body(
                config.wire, config.app, config.version, environment(), batch, dropped=dropped
            )
            if config.endpoint is None:
                where = "no endpoint is set, so nothing would be sent"
            else:
                url = target_url(config.endpoint, config.wire)
                where = f"would POST to {redact(url)} {route(url)}"
            log(f"debug mode, nothing is sent; {len(data)} bytes, {where}:")
            sys.stderr.write(data.decode("ascii") + "\n")
            sys.stderr.flush()
        except Exception:  # noqa: BLE001 - debug output is best effort
            pass


def log(message: str) -> None:
    try:
        sys.stderr.write(f"envdetect.telemetry: {message}\n")
        sys.stderr.flush()
    except Exception:  # noqa: BLE001
        pass
