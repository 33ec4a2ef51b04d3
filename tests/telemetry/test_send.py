"""Guarantee 4 at the wire: connect within 1 s, the whole send within 3 s, no retry;
proxies from the environment, tunnelled for https; malformed settings send nothing.

These call the sender's one POST directly (in-process, against loopback
servers) and time it.  Loopback only: a listener with a full backlog drops
SYNs, which is a real connect that never completes.
"""

from __future__ import annotations

import socket
import time

import pytest

from envdetect import _send
from tests.telemetry.conftest import closed_port


@pytest.fixture(autouse=True)
def no_proxy_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("http_proxy", "https_proxy", "all_proxy", "no_proxy", "HTTP_PROXY",
                 "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)


def timed(url: str) -> tuple[str, float]:
    start = time.monotonic()
    outcome = _send.post(url, b'{"x":1}')
    return outcome, time.monotonic() - start


def test_delivery_and_status(server) -> None:
    assert timed(server("normal").url())[0] == "http-200"
    assert timed(server("error").url())[0] == "http-500"


def test_connect_is_bounded_to_one_second() -> None:
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    filler = socket.create_connection(("127.0.0.1", port), timeout=1)  # fills the backlog
    try:
        outcome, took = timed(f"http://127.0.0.1:{port}/x")
    finally:
        filler.close()
        listener.close()
    assert outcome == "timeout"
    assert _send.CONNECT_TIMEOUT - 0.05 <= took <= _send.CONNECT_TIMEOUT + 0.5


@pytest.mark.parametrize("mode", ["blackhole", "slow"])
def test_whole_send_is_bounded_to_three_seconds(server, mode: str) -> None:
    srv = server(mode, delay=6.0)
    outcome, took = timed(srv.url())
    assert outcome == "timeout"
    assert _send.SEND_TIMEOUT - 0.05 <= took <= _send.SEND_TIMEOUT + 0.5
    assert len(srv.requests()) == 1  # it was sent once, never retried


def test_refused_is_immediate() -> None:
    outcome, took = timed(f"http://127.0.0.1:{closed_port()}/x")
    assert outcome == "refused"
    assert took < 0.5


@pytest.mark.parametrize("url", [
    "http://", "http:///path", "ftp://127.0.0.1/", "http://127.0.0.1:99999/",
    "http://127.0.0.1:port/", "http://127.0.0.1/a b", "http://127.0.0.1/\r\nX: y",
    "//127.0.0.1/", "", "http://[::1/"])
def test_malformed_endpoint_sends_nothing(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_socket(*args: object) -> None:
        raise AssertionError("a socket for a malformed endpoint")

    monkeypatch.setattr(socket, "socket", no_socket)
    assert _send.post(url, b"{}") == "malformed-endpoint"


@pytest.mark.parametrize("proxy", ["http://", "http://:8080", "https://127.0.0.1:9",
                                   "socks5://127.0.0.1:9", "http://127.0.0.1:bad"])
def test_malformed_or_unsupported_proxy_sends_nothing(proxy: str, server,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    srv = server("normal")
    monkeypatch.setenv("HTTP_PROXY", proxy)
    assert _send.post(srv.url(), b"{}") == "malformed-proxy"
    assert srv.entries() == []


def test_https_through_a_proxy_is_tunnelled(server, monkeypatch: pytest.MonkeyPatch) -> None:
    proxy = server("normal")  # answers CONNECT with 200, then closes: the TLS fails
    monkeypatch.setenv("HTTPS_PROXY", f"127.0.0.1:{proxy.port}")  # scheme-less, as urllib takes
    outcome = _send.post("https://telemetry.invalid/v1/logs", b"{}")
    assert outcome != "malformed-proxy"
    (request,) = proxy.requests()
    assert request["line"] == "CONNECT telemetry.invalid:443 HTTP/1.1"
    assert request["body"] == ""  # nothing but the CONNECT went to the proxy in clear


def test_no_retry_after_failure(server) -> None:
    srv = server("error")
    sender = _send.Sender(_send.Config("hostapp", "1.0", srv.url(), wire="json",
                                       exit_wait=1.0, headers={"X-Api-Key": "k"},
                                       debug=False))
    for number in range(3):
        sender.add(("tick", 1, {"n": number}))
    sender.close()
    _send._senders.remove(sender)  # closed: nothing for this process's exit to do
    assert sender.requests == 1
    assert sender.outcomes == ["http-500"]
    (request,) = srv.requests()
    assert request["headers"]["x-api-key"] == "k"


def test_unresolvable_name(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_dns(*args: object, **kwargs: object) -> None:  # never query real DNS here
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known (test)")

    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    assert timed("https://telemetry.invalid/v1/logs")[0] == "unresolved"
