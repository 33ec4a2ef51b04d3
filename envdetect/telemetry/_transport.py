"""The transport: one POST with the standard library's ``http.client``.

Every socket operation has a timeout: the connection is made within
:data:`CONNECT_TIMEOUT` and each later read or write gets what is left of
:data:`SEND_TIMEOUT` (a server trickling a byte at a time is bounded by the
caller instead: the host never waits on a send, and the flush process has a
lifetime).  Name resolution is the one step the standard library cannot
interrupt.  Proxies come from the standard library's environment handling
(``urllib.request.getproxies`` / ``proxy_bypass``); https goes through a
proxy in a CONNECT tunnel (``set_tunnel``).  A proxy or endpoint that does not
parse means no send.  Nothing here raises, retries or writes anywhere.
"""

import os
import sys
import time

TYPE_CHECKING = False
if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Mapping

CONNECT_TIMEOUT = 1.0
SEND_TIMEOUT = 3.0


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
        name.lower().endswith("_proxy") for name in os.environ
    ):
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
        shown += "?" + "&".join(
            f"{key}=..." if equals else "..." if key else "" for key, equals, _ in fields
        )
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
    # _queue._fence).  socket encodes every host name with the idna codec, itself
    # loaded on first use.
    import codecs
    import http.client  # noqa: F401

    codecs.lookup("idna")
    if resolved[0].tls:
        import ssl  # noqa: F401
    return Route(*resolved)


def send(route: "Route | str", data: bytes, headers: "Mapping[str, str] | None" = None) -> str:
    """POST once, within the time bounds.  Returns one word for the outcome
    (``http-200``, ``timeout``, ``refused``, ``unresolved``...); never raises."""
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


def _remaining(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError("send deadline passed")
    return left


def _exchange(
    target: "Target",
    proxy: "Target | None",
    data: bytes,
    headers: "Mapping[str, str]",
    deadline: float,
) -> int:
    import http.client

    hop = proxy or target
    connect_within = min(CONNECT_TIMEOUT, _remaining(deadline))
    connection: http.client.HTTPConnection
    if target.tls:
        import ssl

        connection = http.client.HTTPSConnection(
            hop.host, hop.port, timeout=connect_within, context=ssl.create_default_context()
        )
    else:
        connection = http.client.HTTPConnection(hop.host, hop.port, timeout=connect_within)
    request_target = target.path
    fields = {"Host": target.authority}
    if proxy is not None and target.tls:  # CONNECT, then TLS end to end
        connection.set_tunnel(
            target.host,
            target.port,
            headers=({"Proxy-Authorization": proxy.auth} if proxy.auth else None),
        )
    elif proxy is not None:  # plain http through the proxy: the absolute URI
        request_target = target.url
        if proxy.auth:
            fields["Proxy-Authorization"] = proxy.auth
    if target.auth:
        fields["Authorization"] = target.auth
    from envdetect import __version__

    fields.update(
        {
            "User-Agent": f"envdetect-telemetry/{__version__}",
            "Content-Type": "application/json",
            "Connection": "close",
        }
    )
    fields.update(headers)
    try:
        # With a proxy, connect() also tunnels and shakes hands: each of its
        # socket operations has the connect bound.
        connection.connect()
        sock = connection.sock
        if sock is not None:
            sock.settimeout(_remaining(deadline))
        connection.request("POST", request_target, body=data, headers=fields)
        if sock is not None:
            sock.settimeout(_remaining(deadline))
        response = connection.getresponse()
        return response.status
    except http.client.HTTPException as error:
        raise ValueError(f"not an HTTP response: {type(error).__name__}") from None
    finally:
        connection.close()
