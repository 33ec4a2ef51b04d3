"""The os facet's Windows half (envdetect.detectors._windows)."""

from __future__ import annotations

import pytest

import envdetect
from envdetect.detectors._windows import windows_name
from envdetect.detectors.os import MAX_TEXT
from tests.detectors.test_os import os_facet

# -- Windows -----------------------------------------------------------------------------

@pytest.mark.parametrize(("release", "version", "expected"), [
    ("10", "10.0.19045", "Windows 10"),
    ("10", "10.0.10240", "Windows 10"),
    ("10", "10.0.21999", "Windows 10"),
    ("10", "10.0.22000", "Windows 11"),    # the first Windows 11 build, release still "10"
    ("10", "10.0.22631", "Windows 11"),
    ("11", "10.0.26100", "Windows 11"),
    ("2016Server", "10.0.14393", "Windows Server 2016"),
    ("2019Server", "10.0.17763", "Windows Server 2019"),
    ("2022Server", "10.0.20348", "Windows Server 2022"),
    ("Server", "10.0.20348", "Windows Server 2022"),
    ("2025Server", "10.0.26100", "Windows Server 2025"),
    ("Server", "10.0.26100", "Windows Server 2025"),  # a Server build is never "Windows 11"
    ("Server", "10.0.25398", "Windows Server"),        # a build with no marketing year
    ("2012ServerR2", "6.3.9600", "Windows Server"),
    ("8.1", "6.3.9600", "Windows 8.1"),
    ("8", "6.2.9200", "Windows 8"),
    ("7", "6.1.7601", "Windows 7"),
    ("Vista", "6.0.6002", None),
    ("10", None, None),
    ("10", "10.0", None),
    ("10", "10.0.x", None),
    ("", "", None),
])
def test_windows_name(release: str, version: str | None, expected: str | None) -> None:
    assert windows_name(release, version) == expected


@pytest.mark.parametrize(("platform", "name", "version"), [
    ({"system": "Windows", "release": "10", "version": "10.0.22000", "machine": "AMD64"},
     "Windows 11", "10.0.22000"),
    ({"system": "Windows", "release": "2019Server", "version": "10.0.17763", "machine": "AMD64"},
     "Windows Server 2019", "10.0.17763"),
    ({"system": "Windows", "release": "7", "version": "6.1.7601", "machine": "x86"},
     "Windows 7", "6.1.7601"),
])
def test_windows_facet(platform: dict[str, str], name: str, version: str) -> None:
    facet = os_facet(platform)
    assert facet["type"] == "windows"
    assert facet["name"] == name
    assert facet["version"] == version
    assert facet["wsl"] is False


@pytest.mark.parametrize("system", ["CYGWIN_NT-10.0-19045", "MSYS_NT-10.0-22631",
                                    "MINGW64_NT-10.0-19045"])
def test_posix_layers_on_windows_are_windows(system: str) -> None:
    assert os_facet({"system": system, "release": "3.5.4-1.x86_64",
                     "version": "2024-08-25 16:52 UTC"})["type"] == "windows"


def test_cygwin_version_is_not_a_year() -> None:
    facet = os_facet({"system": "CYGWIN_NT-10.0-19045", "release": "3.5.4-1.x86_64",
                      "version": "2024-08-25 16:52 UTC", "machine": "x86_64"})
    assert facet["version"] == "10.0.19045"
    assert facet["name"] == "Windows 10"


@pytest.mark.parametrize("version", ["10.0." + "9" * 10_000, "10.0.22631." + "9" * 250_000])
def test_windows_junk_versions_are_short_and_never_raise(version: str) -> None:
    env = envdetect.detect(envdetect.load_fixture(
        {"platform": {"system": "Windows", "release": "10", "version": version}}), plugins=False)
    assert env.explanation["os"]["error"] is None
    facet = env.to_dict()["os"]
    assert facet["version"] is not None
    assert len(facet["version"]) <= MAX_TEXT
