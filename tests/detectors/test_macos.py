"""The os facet's macOS half (envdetect.detectors._macos)."""

from __future__ import annotations

import pytest

import envdetect
from envdetect.detectors._macos import macos_version
from envdetect.detectors.os import MAX_TEXT
from tests.detectors.test_os import os_facet

# -- macOS -------------------------------------------------------------------------------

@pytest.mark.parametrize(("mac_ver", "darwin", "expected"), [
    ("14.5", "23.5.0", "14.5"),            # mac_ver is the answer when it is real
    ("13.6.3", "22.6.0", "13.6.3"),
    ("10.15.7", "19.6.0", "10.15.7"),
    (" 15.6 ", "24.6.0", "15.6"),
    ("11.7.10", "20.6.0", "11.7.10"),
    # SYSTEM_VERSION_COMPAT=1 (or an old binary) says 10.16 on macOS 11 and later.
    ("10.16", "23.5.0", "14.5"),
    ("10.16", "24.6.0", "15.6"),
    ("10.16", "25.1.0", "26.1"),           # Darwin 25 is macOS 26, not 16
    # No mac_ver at all: the kernel decides.
    ("", "23.0.0", "14.0"),
    ("", "23.6.0", "14.6"),
    ("", "24.0.0", "15.0"),
    ("", "24.6.0", "15.6"),
    ("", "25.0.0", "26.0"),
    ("", "25.1.0", "26.1"),
    ("", "26.0.0", "27.0"),                # the year-numbered scheme goes on
    ("", "19.6.0", "10.15"),
    ("", "8.11.1", "10.4"),
    ("", "5.0", "10.1"),
    ("", "4.9", None),                     # older than any Mac OS X
    ("", "", None),
    ("", "Darwin", None),
    ("garbage", "", None),
])
def test_macos_version(mac_ver: str, darwin: str, expected: str | None) -> None:
    assert macos_version(mac_ver, darwin) == expected


@pytest.mark.parametrize(("darwin", "major"), [
    ("20.0.0", "11"), ("21.0.1", "12"), ("22.6.0", "13"), ("23.1.0", "14"), ("24.3.0", "15"),
    ("25.0.0", "26"),
])
def test_macos_major_from_darwin_20_to_25(darwin: str, major: str) -> None:
    for mac_ver in ("", "10.16"):
        version = macos_version(mac_ver, darwin)
        assert version is not None
        assert version.split(".")[0] == major


@pytest.mark.parametrize(("darwin", "expected"), [
    ("20.1.0", "11.0"), ("20.2.0", "11.1"), ("21.2.0", "12.1"), ("21.5.0", "12.4"),
    ("22.1.0", "13.0"), ("22.4.0", "13.3"),
])
def test_macos_minor_from_darwin_20_to_22(darwin: str, expected: str) -> None:
    assert macos_version("", darwin) == expected


def test_macos_facet() -> None:
    facet = os_facet({"system": "Darwin", "release": "25.1.0", "mac_ver": "10.16",
                      "machine": "arm64"})
    assert facet == {"type": "darwin", "name": "macOS", "version": "26.1", "kernel": "25.1.0",
                     "wsl": False, "distro": None}


@pytest.mark.parametrize(("mac_ver", "darwin"), [
    ("9" * 250_000, "23.5.0"),
    ("14.5", "9" * 10_000 + ".1"),      # int() of 10,000 digits raises on Python 3.11+
    ("", "23." + "9" * 10_000),
    ("", "9" * 10_000),
])
def test_macos_junk_versions_are_short_and_never_raise(mac_ver: str, darwin: str) -> None:
    document = {"platform": {"system": "Darwin", "release": darwin, "mac_ver": mac_ver}}
    env = envdetect.detect(envdetect.load_fixture(document), plugins=False)
    assert env.explanation["os"]["error"] is None
    facet = env.to_dict()["os"]
    assert facet["type"] == "darwin"
    for key in ("version", "kernel"):
        assert facet[key] is None or len(facet[key]) <= MAX_TEXT
