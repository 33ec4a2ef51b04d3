"""The os facet's Windows half (envdetect.detectors._windows)."""

from __future__ import annotations

from typing import Any

import pytest

import envdetect
from envdetect.detectors._windows import windows_name
from envdetect.detectors.os import MAX_TEXT
from tests.detectors.test_os import os_facet

# -- Windows -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("release", "version", "expected"),
    [
        ("10", "10.0.19045", "Windows 10"),
        ("10", "10.0.10240", "Windows 10"),
        ("10", "10.0.21999", "Windows 10"),
        ("10", "10.0.22000", "Windows 11"),  # the first Windows 11 build, release still "10"
        ("10", "10.0.22631", "Windows 11"),
        ("11", "10.0.26100", "Windows 11"),
        ("2016Server", "10.0.14393", "Windows Server 2016"),
        ("2019Server", "10.0.17763", "Windows Server 2019"),
        ("2022Server", "10.0.20348", "Windows Server 2022"),
        ("Server", "10.0.20348", "Windows Server 2022"),
        ("2025Server", "10.0.26100", "Windows Server 2025"),
        ("Server", "10.0.26100", "Windows Server 2025"),  # a Server build is never "Windows 11"
        ("Server", "10.0.25398", "Windows Server"),  # a build with no marketing year
        ("2012ServerR2", "6.3.9600", "Windows Server"),
        ("8.1", "6.3.9600", "Windows 8.1"),
        ("8", "6.2.9200", "Windows 8"),
        ("7", "6.1.7601", "Windows 7"),
        ("Vista", "6.0.6002", None),
        ("10", None, None),
        ("10", "10.0", None),
        ("10", "10.0.x", None),
        ("", "", None),
    ],
)
def test_windows_name(release: str, version: str | None, expected: str | None) -> None:
    assert windows_name(release, version) == expected


@pytest.mark.parametrize(
    ("platform", "name", "version"),
    [
        (
            {"system": "Windows", "release": "10", "version": "10.0.22000", "machine": "AMD64"},
            "Windows 11",
            "10.0.22000",
        ),
        (
            {
                "system": "Windows",
                "release": "2019Server",
                "version": "10.0.17763",
                "machine": "AMD64",
            },
            "Windows Server 2019",
            "10.0.17763",
        ),
        (
            {"system": "Windows", "release": "7", "version": "6.1.7601", "machine": "x86"},
            "Windows 7",
            "6.1.7601",
        ),
    ],
)
def test_windows_facet(platform: dict[str, str], name: str, version: str) -> None:
    facet = os_facet(platform)
    assert facet["type"] == "windows"
    assert facet["name"] == name
    assert facet["version"] == version
    assert facet["wsl"] is False


@pytest.mark.parametrize(
    "system", ["CYGWIN_NT-10.0-19045", "MSYS_NT-10.0-22631", "MINGW64_NT-10.0-19045"]
)
def test_posix_layers_on_windows_are_windows(system: str) -> None:
    assert (
        os_facet(
            {"system": system, "release": "3.5.4-1.x86_64", "version": "2024-08-25 16:52 UTC"}
        )["type"]
        == "windows"
    )


def test_cygwin_version_is_not_a_year() -> None:
    facet = os_facet(
        {
            "system": "CYGWIN_NT-10.0-19045",
            "release": "3.5.4-1.x86_64",
            "version": "2024-08-25 16:52 UTC",
            "machine": "x86_64",
        }
    )
    assert facet["version"] == "10.0.19045"
    assert facet["name"] == "Windows 10"


@pytest.mark.parametrize("version", ["10.0." + "9" * 10_000, "10.0.22631." + "9" * 250_000])
def test_windows_junk_versions_are_short_and_never_raise(version: str) -> None:
    env = envdetect.detect(
        envdetect.load_fixture(
            {"platform": {"system": "Windows", "release": "10", "version": version}}
        ),
        plugins=False,
    )
    assert env.explanation["os"]["error"] is None
    facet = env.to_dict()["os"]
    assert facet["version"] is not None
    assert len(facet["version"]) <= MAX_TEXT


# -- the machine under emulation, WOW64 and Cygwin ----------------------------------------

QUALCOMM = "ARMv8 (64-bit) Family 8 Model D4B Revision   0, Qualcomm Technologies Inc"


def host(platform: dict[str, str], environ: dict[str, str] | None = None) -> dict[str, Any]:
    env = envdetect.detect(
        envdetect.load_fixture({"platform": platform, "environ": environ or {}}), plugins=False
    )
    return {"arch": env.to_dict()["host"]["arch"], "because": env.explanation["host"]["because"]}


@pytest.mark.parametrize(
    ("machine", "identifier", "arch"),
    [
        ("AMD64", QUALCOMM, "arm64"),  # x64 Python under Prism
        ("x86", QUALCOMM, "arm64"),  # x86 Python, should PROCESSOR_ARCHITEW6432 be missing
        ("ARM64", QUALCOMM, "arm64"),
        ("AMD64", "Intel64 Family 6 Model 154 Stepping 3, GenuineIntel", "amd64"),
        ("AMD64", "AMD64 Family 25 Model 80 Stepping 0, AuthenticAMD", "amd64"),
        ("AMD64", "ARMv7 Family 7 Model C09 Revision 1, Qualcomm", "amd64"),  # not a 64-bit ARM
        ("AMD64", "Unknown processor ARMv8 (64-bit)", "amd64"),  # ARM must come first
        ("AMD64", "", "amd64"),
        ("AMD64", None, "amd64"),
    ],
)
def test_windows_on_arm_seen_from_an_emulated_process(
    machine: str, identifier: str | None, arch: str
) -> None:
    environ = {"PROCESSOR_ARCHITECTURE": machine}
    if identifier is not None:
        environ["PROCESSOR_IDENTIFIER"] = identifier
    found = host(
        {"system": "Windows", "release": "10", "version": "10.0.26100", "machine": machine}, environ
    )
    assert found["arch"] == arch
    assert ("env PROCESSOR_IDENTIFIER" in found["because"]) == (arch != ARCH_OF[machine])


ARCH_OF = {"AMD64": "amd64", "x86": "x86", "ARM64": "arm64"}


def test_processor_identifier_counts_only_on_windows() -> None:
    # A Linux x86_64 machine with a Windows variable copied in (a CI image, a dotfile).
    found = host(
        {"system": "Linux", "release": "6.8.0-49-generic", "machine": "x86_64"},
        {"PROCESSOR_IDENTIFIER": QUALCOMM},
    )
    assert found["arch"] == "amd64"


@pytest.mark.parametrize(
    ("system", "machine", "arch"),
    [
        ("CYGWIN_NT-10.0-19045-WOW64", "i686", "amd64"),  # 32-bit Cygwin on x64 Windows
        ("CYGWIN_NT-6.1-7601-WOW64", "i686", "amd64"),
        ("CYGWIN_NT-10.0-26100-ARM64", "x86_64", "arm64"),  # x64 Cygwin emulated on ARM
        ("MSYS_NT-10.0-26100-ARM64", "x86_64", "arm64"),
        ("MINGW64_NT-10.0-22631-x64", "i686", "amd64"),
        ("CYGWIN_NT-10.0-19045", "x86_64", "amd64"),  # native: the machine says it
        ("CYGWIN_NT-10.0-19045", "i686", "x86"),  # 32-bit Windows, no suffix
        ("CYGWIN_NT-10.0-19045-XYZ", "x86_64", "amd64"),  # an unknown suffix changes nothing
    ],
)
def test_posix_layers_name_the_windows_machine(system: str, machine: str, arch: str) -> None:
    found = host(
        {
            "system": system,
            "release": "3.5.4-1.x86_64",
            "version": "2024-08-25 16:52 UTC",
            "machine": machine,
        }
    )
    assert found["arch"] == arch


def test_wow64_cygwin_keeps_its_windows_version() -> None:
    facet = os_facet(
        {
            "system": "CYGWIN_NT-10.0-19045-WOW64",
            "release": "3.3.6-341.i686",
            "version": "2022-09-05 11:15 UTC",
            "machine": "i686",
        }
    )
    assert facet["version"] == "10.0.19045"
    assert facet["name"] == "Windows 10"
