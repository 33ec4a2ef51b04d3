"""Detection never touches the network: every fixture and a live run, sockets blocked.

OpenTelemetry's resource detectors call metadata endpoints (EC2 IMDS, ECS task
metadata, the GCP metadata server, Azure IMDS); envdetect answers the same
questions from variables and small files.  Any attempt to create a socket or
resolve a name during detection fails here - and is recorded even if a
detector swallowed the error.
"""

from __future__ import annotations

import _socket
import http.client
import socket
import urllib.request
from pathlib import Path
from typing import Any

import pytest

import envdetect
from tests.conftest import ROOT, fixture_id, fixture_paths, load

ALL = fixture_paths()


class NetworkAttempt(AssertionError):
    pass


@pytest.fixture
def attempts(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    tried: list[str] = []

    def blocked(name: str) -> Any:
        def refuse(*args: object, **kwargs: object) -> Any:
            tried.append(name)
            raise NetworkAttempt(f"detection tried {name}")

        return refuse

    def blocked_class(base: type, name: str) -> type:
        # Still a class, so that code subclassing socket.socket keeps importing.
        def __init__(self: object, *args: object, **kwargs: object) -> None:
            tried.append(name)
            raise NetworkAttempt(f"detection tried {name}")

        return type(f"Blocked_{base.__name__}", (base,), {"__init__": __init__})

    monkeypatch.setattr(socket, "socket", blocked_class(socket.socket, "socket"))
    monkeypatch.setattr(_socket, "socket", blocked_class(_socket.socket, "_socket.socket"))
    for name in (
        "create_connection",
        "create_server",
        "getaddrinfo",
        "gethostbyname",
        "gethostbyname_ex",
        "gethostbyaddr",
        "socketpair",
        "fromfd",
    ):
        if hasattr(socket, name):
            monkeypatch.setattr(socket, name, blocked(name))
    for name in ("getaddrinfo", "gethostbyname", "socketpair"):
        if hasattr(_socket, name):
            monkeypatch.setattr(_socket, name, blocked(f"_socket.{name}"))
    monkeypatch.setattr(http.client.HTTPConnection, "connect", blocked("HTTPConnection.connect"))
    monkeypatch.setattr(urllib.request, "urlopen", blocked("urlopen"))
    return tried


def test_the_block_works(attempts: list[str]) -> None:
    with pytest.raises(NetworkAttempt):
        socket.socket()
    with pytest.raises(NetworkAttempt):
        socket.create_connection(("169.254.169.254", 80), timeout=0.01)
    assert attempts == ["socket", "create_connection"]


@pytest.mark.parametrize("path", ALL, ids=fixture_id)
def test_fixture_detection_opens_no_socket(path: Path, attempts: list[str]) -> None:
    env = envdetect.detect(envdetect.load_fixture(load(path)), plugins=False)
    assert attempts == []
    assert not [facet for facet, info in env.explanation.items() if info.get("error")]


def test_cloud_and_container_fixtures_are_all_covered() -> None:
    areas = {path.relative_to(ROOT / "fixtures").parts[0] for path in ALL}
    assert {"cloud", "container", "wsl"} <= areas
    assert len(fixture_paths("cloud")) >= 60


def test_live_detection_opens_no_socket(attempts: list[str]) -> None:
    env = envdetect.detect(plugins=False)
    assert attempts == []
    assert env.explanation.get("engine") is None
    assert not [facet for facet, info in env.explanation.items() if info.get("error")]
