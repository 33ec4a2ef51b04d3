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

from envdetect.telemetry import _queue, _transport
from tests.telemetry.conftest import closed_port


@pytest.fixture(autouse=True)
def no_proxy_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "http_proxy",
        "https_proxy",
        "all_proxy",
        "no_proxy",
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "NO_PROXY",
    ):
        monkeypatch.delenv(name, raising=False)


def timed(url: str) -> tuple[str, float]:
    start = time.monotonic()
    outcome = _transport.post(url, b'{"x":1}')
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
    assert _transport.CONNECT_TIMEOUT - 0.05 <= took <= _transport.CONNECT_TIMEOUT + 0.5


@pytest.mark.parametrize("mode", ["blackhole", "slow"])
def test_whole_send_is_bounded_to_three_seconds(server, mode: str) -> None:
    srv = server(mode, delay=6.0)
    outcome, took = timed(srv.url())
    assert outcome == "timeout"
    assert _transport.SEND_TIMEOUT - 0.05 <= took <= _transport.SEND_TIMEOUT + 0.5
    assert len(srv.requests()) == 1  # it was sent once, never retried


def test_refused_is_immediate() -> None:
    outcome, took = timed(f"http://127.0.0.1:{closed_port()}/x")
    assert outcome == "refused"
    assert took < 0.5


@pytest.mark.parametrize(
    "url",
    [
        "http://",
        "http:///path",
        "ftp://127.0.0.1/",
        "http://127.0.0.1:99999/",
        "http://127.0.0.1:port/",
        "http://127.0.0.1/a b",
        "http://127.0.0.1/\r\nX: y",
        "//127.0.0.1/",
        "",
        "http://[::1/",
    ],
)
def test_malformed_endpoint_sends_nothing(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_socket(*args: object) -> None:
        raise AssertionError("a socket for a malformed endpoint")

    monkeypatch.setattr(socket, "socket", no_socket)
    assert _transport.post(url, b"{}") == "malformed-endpoint"


@pytest.mark.parametrize(
    "proxy",
    [
        "http://",
        "http://:8080",
        "https://127.0.0.1:9",
        "socks5://127.0.0.1:9",
        "http://127.0.0.1:bad",
    ],
)
def test_malformed_or_unsupported_proxy_sends_nothing(
    proxy: str, server, monkeypatch: pytest.MonkeyPatch
) -> None:
    srv = server("normal")
    monkeypatch.setenv("HTTP_PROXY", proxy)
    assert _transport.post(srv.url(), b"{}") == "malformed-proxy"
    assert srv.entries() == []


def test_https_through_a_proxy_is_tunnelled(server, monkeypatch: pytest.MonkeyPatch) -> None:
    proxy = server("normal")  # answers CONNECT with 200, then closes: the TLS fails
    monkeypatch.setenv("HTTPS_PROXY", f"127.0.0.1:{proxy.port}")  # scheme-less, as urllib takes
    outcome = _transport.post("https://telemetry.invalid/v1/logs", b"{}")
    assert outcome != "malformed-proxy"
    (request,) = proxy.requests()
    # http.client says HTTP/1.0 before Python 3.12
    assert request["line"] in (
        "CONNECT telemetry.invalid:443 HTTP/1.1",
        "CONNECT telemetry.invalid:443 HTTP/1.0",
    )
    assert request["body"] == ""  # nothing but the CONNECT went to the proxy in clear


def test_a_full_batch_that_fails_goes_to_the_spool_once(
    server, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The worker sends a full queue mid-run once; a 500 keeps it, under its batch id,
    for the flush process (which retries), instead of losing it."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    srv = server("error")
    sender = _queue.Sender(
        _queue.Config(
            "hostapp",
            "1.0",
            srv.url(),
            wire="json",
            headers={"X-Api-Key": "k"},
            debug=False,
        )
    )
    _queue._senders.remove(sender)  # this test closes nothing at the process's exit
    for number in range(_queue.QUEUE_SIZE):
        sender.add(("tick", 1, {"n": number}))
    assert sender.thread is not None
    spool = tmp_path / "cache" / "hostapp" / "telemetry-spool"
    deadline = time.monotonic() + 10
    while not (spool.is_dir() and list(spool.glob("*.batch"))) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert sender.requests == 1
    assert sender.outcomes == ["http-500"]
    (request,) = srv.requests()
    assert request["headers"]["x-api-key"] == "k"
    (kept,) = spool.glob("*.batch")
    _, batch, events = kept.stem.split("-")
    assert (batch, int(events)) == (request["headers"]["idempotency-key"], _queue.QUEUE_SIZE)
    assert kept.stat().st_mode & 0o077 == 0  # the host's API key is in it: this user's alone


def test_unresolvable_name(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_dns(*args: object, **kwargs: object) -> None:  # never query real DNS here
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known (test)")

    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    assert timed("https://telemetry.invalid/v1/logs")[0] == "unresolved"
