"""Delivery: a bounded queue, one lazy daemon thread, one request at a time.

Recording only appends to a list under a lock (at most :data:`QUEUE_SIZE`
events; more are dropped and counted).  The worker thread starts with the
first ``track()`` or event, detects the environment off the host's path, and
sends one batched POST when the queue fills or at interpreter exit, where one
callback for all senders waits at most ``exit_wait`` seconds in total and then
abandons the send.  Nothing here
raises, writes to stdout, retries, spawns a process or installs a signal
handler (the one audit hook, added only at an exit on Ctrl-C, is explained at
``_fence``); a forked child sends nothing (the pid is checked before any state is
touched, so a lock copied mid-use cannot deadlock it).

HTTP is spoken directly over a socket so that every phase has a deadline:
connect within :data:`CONNECT_TIMEOUT`, the whole exchange within
:data:`SEND_TIMEOUT` (name resolution is the one step the standard library
cannot interrupt; the host never waits on it beyond ``exit_wait``).  Proxies
come from the standard library's environment handling
(``urllib.request.getproxies`` / ``proxy_bypass``); a proxy or endpoint that
does not parse means no send.
"""

import _thread
import atexit
import os
import sys
import time

TYPE_CHECKING = False
if TYPE_CHECKING:  # pragma: no cover
    import socket
    import threading
    from collections.abc import Mapping
    from typing import Any

    from envdetect._payload import Event

QUEUE_SIZE = 64
CONNECT_TIMEOUT = 1.0
SEND_TIMEOUT = 3.0
_MAX_HEAD = 16384

#: Every sender of this process.  One atexit callback closes them all: it wakes
#: every worker first, then waits once, so several Telemetry objects together
#: still keep the host at most one exit_wait.
_senders: "list[Sender]" = []


def _at_exit() -> None:
    interrupted = _ended_by_interrupt()
    try:
        if interrupted:
            _fence({sender.thread.ident for sender in _senders if sender.thread is not None})
        closing = [sender for sender in _senders if sender.begin_close()]
        if not closing:
            return
        deadline = time.monotonic() + max(sender.config.exit_wait for sender in closing)
        for sender in closing:
            left = deadline - time.monotonic()
            if left <= 0 or sender.done is None:
                return
            sender.done.wait(left)
    except BaseException:  # noqa: BLE001 - Ctrl-C during the wait just ends it
        return
    finally:
        if interrupted:
            _reassert_interrupt()


# -- Ctrl-C -------------------------------------------------------------------------------
# A program ended by an unhandled KeyboardInterrupt dies by SIGINT (status 130 in
# a shell), because CPython notes the fact in one process-wide flag when the main
# module fails with it, and checks the flag after finalisation.  But every
# evaluation of a source string, exec() or eval() of a str in any thread, clears
# that flag first; namedtuple() and dataclasses do it, so importing many modules
# does.  A worker still detecting when the host is interrupted, or importing ssl
# to send at exit, turned death by SIGINT into exit status 1.  At exit, then, the
# workers may start no new code (an audit hook refuses them "exec", which is
# audited before the flag is touched), and the flag is set again the only way
# Python code can: a KeyboardInterrupt escaping an evaluated string.

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
    def refuse(event: str, args: "tuple[object, ...]") -> None:
        if event == "exec" and _thread.get_ident() in workers:
            raise RuntimeError("the host is exiting on Ctrl-C: no new code in this thread")

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

    __slots__ = ("app", "debug", "endpoint", "exit_wait", "headers", "version", "wire")

    def __init__(self, app: str, version: str, endpoint: "str | None", *, wire: str,
                 exit_wait: float, headers: "Mapping[str, str]", debug: bool) -> None:
        self.app = app
        self.version = version
        self.endpoint = endpoint
        self.wire = wire
        self.exit_wait = exit_wait
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
        self.inflight = False
        self.thread: threading.Thread | None = None
        self.wake: threading.Event | None = None
        self.done: threading.Event | None = None
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
                self.done = threading.Event()
                self.thread = threading.Thread(target=self._run, daemon=True,
                                               name="envdetect-telemetry")
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

    def begin_close(self) -> bool:
        """Hand the final batch to the worker; True if there is a send to wait for."""
        if os.getpid() != self.pid:  # a forked child sends nothing, waits for nothing
            return False
        if self.config.debug:
            self._debug_flush()
            return False
        with self.lock:
            if self.closing:
                return False
            self.closing = True
            idle = not self.pending and not self.inflight
        if idle or self.cancelled or self.wake is None or self.done is None:
            return False
        self.wake.set()
        return True

    def close(self, wait: "float | None" = None) -> None:
        """Close this sender alone, waiting at most ``wait`` (default ``exit_wait``)."""
        try:
            if self.begin_close() and self.done is not None:
                self.done.wait(self.config.exit_wait if wait is None else wait)
        except BaseException:  # noqa: BLE001
            return

    # -- worker side ---------------------------------------------------------------
    def _run(self) -> None:
        try:
            # While the host works: detect, and settle where the bodies go.
            try:
                from envdetect._payload import environment, target_url

                facts = environment()
                assert self.config.endpoint is not None
                route: Route | str = prepare(target_url(self.config.endpoint,
                                                        self.config.wire))
            except Exception:  # noqa: BLE001 - no fingerprint, nothing to send
                facts, route = None, "error"
            assert self.wake is not None
            while True:
                self.wake.wait()
                with self.lock:
                    self.wake.clear()
                    final = self.closing or self.cancelled
                    if not final and len(self.pending) < QUEUE_SIZE:
                        continue
                    batch, self.pending = self.pending, []
                    dropped, self.dropped = self.dropped, 0
                    self.inflight = bool(batch) and facts is not None and not self.cancelled
                if self.inflight and facts is not None:
                    self._deliver(facts, route, batch, dropped)
                with self.lock:
                    self.inflight = False
                if final:
                    return
        except BaseException:  # noqa: BLE001 - never a traceback from the worker
            pass
        finally:
            if self.done is not None:
                self.done.set()

    def _deliver(self, facts: "tuple[dict[str, Any], dict[str, Any]]", route: "Route | str",
                 batch: "list[Event]", dropped: int) -> None:
        from envdetect._payload import body

        config = self.config
        data = body(config.wire, config.app, config.version, facts, batch, dropped=dropped)
        self.requests += 1
        self.outcomes.append(send(route, data, config.headers))
        del self.outcomes[:-16]

    def _debug_flush(self) -> None:
        """Debug mode: print the exact body to stderr, send nothing."""
        with self.lock:
            batch, self.pending = self.pending, []
            dropped, self.dropped = self.dropped, 0
        if not batch:
            return
        try:
            from envdetect._payload import body, environment, target_url

            config = self.config
            data = body(config.wire, config.app, config.version, environment(), batch,
                        dropped=dropped)
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


# -- HTTP ------------------------------------------------------------------------------
class Target:
    """A parsed http(s) URL: where to connect and what to ask for."""

    __slots__ = ("auth", "authority", "host", "hostport", "path", "port", "tls", "url")

    def __init__(self, url: str) -> None:
        from urllib.parse import urlsplit

        if any(c in url for c in "\r\n\t \x00"):
            raise ValueError("whitespace in URL")
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("not an http(s) URL with a host")
        self.tls = scheme == "https"
        default = 443 if self.tls else 80
        self.port = parts.port or default  # .port raises ValueError when malformed
        host = parts.hostname
        if not host.isascii():
            host = host.encode("idna").decode("ascii")
        self.host = host
        bracketed = f"[{host}]" if ":" in host else host
        self.hostport = f"{bracketed}:{self.port}"  # CONNECT's authority-form needs the port
        self.authority = bracketed if self.port == default else self.hostport
        self.path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        self.url = f"{scheme}://{self.authority}{self.path}"
        self.auth = _basic(parts.username, parts.password)


def _basic(user: "str | None", password: "str | None") -> "str | None":
    if user is None:
        return None
    import base64
    from urllib.parse import unquote

    token = f"{unquote(user)}:{unquote(password or '')}".encode()
    return "Basic " + base64.b64encode(token).decode("ascii")


def find_proxy(target: "Target") -> "Target | None":
    """The proxy for ``target`` per the standard library, or None.  Raises ValueError
    when one is configured but malformed (``HTTPS_PROXY=http://``) or unsupported."""
    if sys.platform not in ("darwin", "win32") and not any(
            name.lower().endswith("_proxy") for name in os.environ):
        return None  # nothing to find: skip importing urllib.request (tens of ms)
    import urllib.request

    value = urllib.request.getproxies().get("https" if target.tls else "http")
    if not value or urllib.request.proxy_bypass(target.authority):
        return None
    proxy = Target(value if "://" in value else f"http://{value}")
    if proxy.tls:
        raise ValueError("only http:// proxies are supported")
    return proxy


def redact(url: str) -> str:
    """A URL for display: credentials and query values removed (an API key is
    often passed as ``?api_key=...``); the query's keys stay, to tell them apart."""
    try:
        shown, sep, query = Target(url).url.partition("?")
    except Exception:  # noqa: BLE001
        return "(malformed endpoint)"
    if sep:
        fields = (field.partition("=") for field in query.split("&"))
        shown += "?" + "&".join(f"{key}=..." if equals else "..." if key else ""
                                for key, equals, _ in fields)
    return shown


def route(url: str) -> str:
    """Debug wording: how a body for ``url`` would travel, or why it would not."""
    resolved = _resolve(url)
    if isinstance(resolved, str):
        what = "endpoint" if resolved == "malformed-endpoint" else "proxy setting"
        return f"(malformed {what}: it would not be sent)"
    _, proxy = resolved
    return f"(via proxy {proxy.authority})" if proxy else "(direct, no proxy)"


def _resolve(url: str) -> "tuple[Target, Target | None] | str":
    """The target and its proxy, or why there is none (``"malformed-endpoint"``...)."""
    try:
        target = Target(url)
    except Exception:  # noqa: BLE001
        return "malformed-endpoint"
    try:
        return target, find_proxy(target)
    except Exception:  # noqa: BLE001
        return "malformed-proxy"


class Route:
    """Where a POST goes: the target and the proxy, if any."""

    __slots__ = ("proxy", "target")

    def __init__(self, target: "Target", proxy: "Target | None") -> None:
        self.target, self.proxy = target, proxy


def prepare(url: str) -> "Route | str":
    """The route for ``url``, or why there is none (``"malformed-endpoint"``...)."""
    resolved = _resolve(url)
    if isinstance(resolved, str):
        return resolved
    # Loaded now, while the host works: at exit a worker may run no new code (see
    # _fence), and importing there would cost the host its exit wait.  socket
    # encodes every host name with the idna codec, itself loaded on first use.
    import codecs
    import socket  # noqa: F401

    codecs.lookup("idna")
    if resolved[0].tls:
        import ssl  # noqa: F401
    return Route(*resolved)


def send(route: "Route | str", data: bytes, headers: "Mapping[str, str] | None" = None) -> str:
    """POST once, within the time bounds.  Returns one word for the outcome; never raises."""
    if isinstance(route, str):
        return route  # silent no-send: malformed endpoint or proxy
    deadline = time.monotonic() + SEND_TIMEOUT
    try:
        status = _exchange(route.target, route.proxy, data, headers or {}, deadline)
    except Exception as error:  # noqa: BLE001
        return _outcome(error)
    return f"http-{status}"


def _outcome(error: "Exception") -> str:
    import socket

    # (socket.timeout is TimeoutError only from Python 3.10 on.)
    if isinstance(error, (TimeoutError, socket.timeout)):
        return "timeout"
    if isinstance(error, ConnectionRefusedError):
        return "refused"
    if isinstance(error, socket.gaierror):
        return "unresolved"
    return type(error).__name__


def post(url: str, data: bytes, headers: "Mapping[str, str] | None" = None) -> str:
    """:func:`prepare` and :func:`send` in one go."""
    return send(prepare(url), data, headers)


def _exchange(target: "Target", proxy: "Target | None", data: bytes,
              headers: "Mapping[str, str]", deadline: float) -> int:
    hop = proxy or target
    sock = _connect(hop.host, hop.port, min(time.monotonic() + CONNECT_TIMEOUT, deadline))
    try:
        request_target = target.path
        lines = [f"Host: {target.authority}"]
        if proxy is not None and target.tls:  # tunnel: CONNECT, then TLS end to end
            head = [f"CONNECT {target.hostport} HTTP/1.1", f"Host: {target.hostport}"]
            if proxy.auth:
                head.append(f"Proxy-Authorization: {proxy.auth}")
            _send(sock, ("\r\n".join(head) + "\r\n\r\n").encode("latin-1"), deadline)
            status = _read_status(sock, deadline, whole_head=True)
            if status != 200:
                return status
        elif proxy is not None:  # plain http through the proxy: absolute URI
            request_target = target.url
            if proxy.auth:
                lines.append(f"Proxy-Authorization: {proxy.auth}")
        if target.tls:
            import ssl

            sock.settimeout(_remaining(deadline))
            sock = ssl.create_default_context().wrap_socket(sock,
                                                            server_hostname=target.host)
        if target.auth:
            lines.append(f"Authorization: {target.auth}")
        from envdetect import __version__

        lines.extend([f"User-Agent: envdetect-telemetry/{__version__}",
                      "Content-Type: application/json", f"Content-Length: {len(data)}",
                      "Connection: close"])
        lines.extend(f"{name}: {value}" for name, value in headers.items())
        head_text = f"POST {request_target} HTTP/1.1\r\n" + "\r\n".join(lines) + "\r\n\r\n"
        _send(sock, head_text.encode("latin-1") + data, deadline)
        return _read_status(sock, deadline)
    finally:
        sock.close()


def _remaining(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError("send deadline passed")
    return left


def _connect(host: str, port: int, deadline: float) -> "socket.socket":
    import socket

    error: Exception = TimeoutError("connect deadline passed")
    for family, kind, proto, _, address in socket.getaddrinfo(host, port, 0,
                                                              socket.SOCK_STREAM):
        if deadline - time.monotonic() <= 0:
            break
        sock = socket.socket(family, kind, proto)
        try:
            sock.settimeout(_remaining(deadline))
            sock.connect(address)
            return sock
        except Exception as exc:  # noqa: BLE001 - try the next address
            sock.close()
            error = exc
    raise error


def _send(sock: "socket.socket", data: bytes, deadline: float) -> None:
    sock.settimeout(_remaining(deadline))  # sendall: the timeout bounds the whole call
    sock.sendall(data)


def _read_status(sock: "socket.socket", deadline: float, whole_head: bool = False) -> int:
    """The status code of the response; reads the status line (or the whole head)."""
    buffer = b""
    end = b"\r\n\r\n" if whole_head else b"\r\n"
    while end not in buffer:
        if len(buffer) > _MAX_HEAD:
            raise ValueError("response head too long")
        sock.settimeout(_remaining(deadline))
        chunk = sock.recv(4096)
        if not chunk:
            break
        buffer += chunk
    parts = buffer.split(b"\r\n", 1)[0].split()
    if len(parts) < 2 or not parts[0].startswith(b"HTTP/") or not parts[1].isdigit():
        raise ValueError("no HTTP status line")
    return int(parts[1])
