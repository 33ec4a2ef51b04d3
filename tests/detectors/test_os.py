"""The os facet: version strings, other systems, WSL (macOS and Windows: test_macos,
test_windows)."""

from __future__ import annotations

from typing import Any

import pytest

import envdetect
from envdetect._fixture import FixtureContext
from envdetect.detectors.os import MAX_TEXT, display_text, is_wsl, numeric_prefix, release_version


def os_facet(platform: dict[str, str], files: dict[str, str] | None = None) -> dict[str, Any]:
    document = {"platform": platform, "files": files or {}}
    facet: dict[str, Any] = envdetect.detect(
        envdetect.load_fixture(document), plugins=False
    ).to_dict()["os"]
    return facet


# -- numeric_prefix / release_version ----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("6.8.0-45-generic", "6.8.0"),
        ("5.15.0-113-generic", "5.15.0"),
        ("4.18.0-553.el8_10.x86_64", "4.18.0"),
        ("6.1.0-21-amd64", "6.1.0"),
        ("5.15.167.4-microsoft-standard-WSL2", "5.15.167.4"),
        ("4.4.0-19041-Microsoft", "4.4.0"),
        ("6.6.52_1", "6.6.52"),
        ("6.12.43+deb13-amd64", "6.12.43"),
        ("6.1.21-v7+", "6.1.21"),
        ("6.6.52", "6.6.52"),
        ("23.5.0", "23.5.0"),
        ("14.1-RELEASE-p5", "14.1"),
        ("10.0.22631", "10.0.22631"),
        ("6.", "6"),
        ("", None),
        ("generic", None),
        ("-6.8.0", None),
        ("#45-Ubuntu SMP", None),
        ("2024-08-25 16:52 UTC", "2024"),
    ],
)
def test_numeric_prefix(text: str, expected: str | None) -> None:
    assert numeric_prefix(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("14.1-RELEASE-p5", "14.1-RELEASE-p5"),
        ("13.2-RELEASE", "13.2-RELEASE"),
        ("7.5", "7.5"),
        ("  10.0_1  ", "10.0_1"),
        ("5.11", "5.11"),
        ("", None),
        ("   ", None),
        ("RELEASE-14", None),  # must start with a digit
        ("14.1 RELEASE", None),  # no spaces
        ("14.1-RELEASE/p5", None),  # no slashes
        ("14.1-r\u00e9lease", None),  # ASCII only
        ("1" + "0" * 31, "1" + "0" * 31),  # 32 characters is the longest kept
        ("1" + "0" * 32, None),
    ],
)
def test_release_version(text: str, expected: str | None) -> None:
    assert release_version(text) == expected


# -- display_text: machine strings as the local document shows them ----------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Ubuntu", "Ubuntu"),
        ("Red Hat Enterprise Linux", "Red Hat Enterprise Linux"),
        ("\u00dcberlinux \u2713", "\u00dcberlinux \u2713"),
        ("  Alice \t Workstation\n", "Alice Workstation"),  # whitespace collapsed
        ("a\u00a0\u2028b", "a b"),  # any kind of whitespace
        ("fed\x00ora", "fed\ufffdora"),  # NUL shows as junk
        ("x\x1b[31my", "x\ufffd[31my"),  # no terminal escapes
        ("abc\u202edcba", "abc\ufffddcba"),  # no bidirectional override
        ("\udc80\udcff1.0", "\ufffd\ufffd1.0"),  # lone surrogates
        ("", None),
        ("   ", None),
        ("\n\t", None),
        (None, None),
        ("x" * 64, "x" * 64),
        ("x" * 65, "x" * 63 + "\u2026"),
        ("9" * 250_000, "9" * 63 + "\u2026"),
        ("\x00" * 300_000, "\ufffd" * 63 + "\u2026"),
    ],
)
def test_display_text(value: str | None, expected: str | None) -> None:
    assert display_text(value) == expected


def test_display_text_is_always_printable_one_line_and_short() -> None:
    import random

    rng = random.Random(5)
    alphabet = [
        "a",
        " ",
        "\t",
        "\n",
        "\r",
        "\x00",
        "\x7f",
        "\x85",
        "\u00a0",
        "\u200b",
        "\u202e",
        "\udc80",
        "\ufeff",
        "\U0001f600",
        "\ue000",
        "9",
        ".",
    ]
    for _ in range(3000):
        value = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 90)))
        shown = display_text(value)
        if shown is None:
            continue
        assert shown.isprintable(), repr(value)
        assert len(shown) <= MAX_TEXT
        assert shown == shown.strip()
        assert "  " not in shown
        assert display_text(shown) == shown  # cleaning twice changes nothing


# -- other systems -----------------------------------------------------------------------


def test_bsd_and_solaris() -> None:
    assert os_facet({"system": "FreeBSD", "release": "14.1-RELEASE-p5"}) == {
        "type": "freebsd",
        "name": "FreeBSD",
        "version": "14.1-RELEASE-p5",
        "kernel": "14.1",
        "wsl": False,
        "distro": None,
    }
    assert os_facet({"system": "SunOS", "release": "5.11"})["type"] == "solaris"
    assert os_facet({"system": "DragonFly", "release": "6.4-RELEASE"})["type"] == "dragonflybsd"


def test_other_system_strings_are_cleaned() -> None:
    facet = os_facet({"system": "FreeBSD", "release": "1" + "4" * 100 + ".1-RELEASE"})
    assert facet["version"] is None  # release_version keeps 32 characters at most
    assert facet["kernel"] == ("1" + "4" * 100)[:63] + "\u2026"
    facet = os_facet({"system": "FreeBSD\x00\x1b", "release": "14.1-RELEASE"})
    assert facet["type"] is None  # not a known system: nothing is echoed


def test_unknown_system_is_all_unknown() -> None:
    assert os_facet({"system": "Haiku", "release": "1"}) == {
        "type": None,
        "name": None,
        "version": None,
        "kernel": None,
        "wsl": None,
        "distro": None,
    }
    assert os_facet({})["type"] is None


def test_linux_without_release_files() -> None:
    assert os_facet({"system": "Linux", "release": "6.8.0-45-generic"}) == {
        "type": "linux",
        "name": None,
        "version": None,
        "kernel": "6.8.0",
        "wsl": False,
        "distro": None,
    }


# -- WSL ---------------------------------------------------------------------------------

WSL2_PROC_VERSION = (
    "Linux version 5.15.167.4-microsoft-standard-WSL2 (root@f9c826d3017f) "
    "(gcc (GCC) 11.2.0, GNU ld (GNU Binutils) 2.37) #1 SMP Tue Nov 5 00:21:55 "
    "UTC 2024\n"
)
AZURE_PROC_VERSION = (
    "Linux version 6.5.0-1025-azure (buildd@lcy02-amd64-023) "
    "(x86_64-linux-gnu-gcc-12 (Ubuntu 12.3.0-1ubuntu1~22.04) 12.3.0) "
    "#26~22.04.1-Ubuntu SMP Thu Jul 11 22:33:04 UTC 2024\n"
)


def linux(release: str, files: dict[str, str] | None = None) -> FixtureContext:
    return FixtureContext(
        {"platform": {"system": "Linux", "release": release}, "files": files or {}}
    )


@pytest.mark.parametrize(
    ("release", "files", "wsl", "evidence"),
    [
        ("4.4.0-19041-Microsoft", {}, True, ["platform release"]),
        ("4.4.0-22621-Microsoft", {}, True, ["platform release"]),
        ("5.15.167.4-microsoft-standard-WSL2", {}, True, ["platform release"]),
        (
            "5.10.16.3-microsoft-standard-WSL2",
            {"/proc/version": WSL2_PROC_VERSION},
            True,
            ["platform release"],
        ),
        ("6.5.0-1025-azure", {"/proc/version": AZURE_PROC_VERSION}, False, []),
        ("6.8.0-45-generic", {}, False, []),
        # The release is the authority when there is one, even over /proc/version.
        ("6.8.0-45-generic", {"/proc/version": WSL2_PROC_VERSION}, False, []),
        # An empty release: /proc/version decides.
        ("", {"/proc/version": WSL2_PROC_VERSION}, True, ["file /proc/version"]),
        ("", {"/proc/version": AZURE_PROC_VERSION}, False, []),
        ("", {}, False, []),
    ],
)
def test_is_wsl(release: str, files: dict[str, str], wsl: bool, evidence: list[str]) -> None:
    ctx = linux(release, files)
    assert is_wsl(ctx) is wsl
    assert ctx._take_evidence() == evidence


def test_inside_a_container_the_kernel_says_nothing_about_wsl() -> None:
    # Docker Desktop runs its containers on the WSL 2 kernel.
    ctx = linux("5.15.153.1-microsoft-standard-WSL2")
    ctx.found["container"] = {"id": "docker"}
    assert is_wsl(ctx) is False


@pytest.mark.parametrize(
    ("release", "kernel"),
    [
        ("4.4.0-19041-Microsoft", "4.4.0"),
        ("5.15.167.4-microsoft-standard-WSL2", "5.15.167.4"),
    ],
)
def test_wsl_facet(release: str, kernel: str) -> None:
    facet = os_facet(
        {"system": "Linux", "release": release, "machine": "x86_64"},
        {"/etc/os-release": 'NAME="Ubuntu"\nID=ubuntu\nID_LIKE=debian\nVERSION_ID="22.04"\n'},
    )
    assert facet == {
        "type": "linux",
        "name": "Ubuntu",
        "version": "22.04",
        "kernel": kernel,
        "wsl": True,
        "distro": {"id": "ubuntu", "version": "22.04", "like": "debian"},
    }


def test_wsl_from_proc_version_in_the_facet() -> None:
    document = {
        "platform": {"system": "Linux", "release": ""},
        "files": {"/proc/version": WSL2_PROC_VERSION},
    }
    env = envdetect.detect(envdetect.load_fixture(document), plugins=False)
    assert env.to_dict()["os"]["wsl"] is True
    assert "file /proc/version" in env.explanation["os"]["because"]


# -- the python facet at its edges -------------------------------------------------------


def python_facet(platform: dict[str, Any]) -> dict[str, Any]:
    facet: dict[str, Any] = envdetect.detect(
        envdetect.load_fixture({"platform": platform}), plugins=False
    ).to_dict()["python"]
    return facet


@pytest.mark.parametrize(
    ("implementation", "version", "expected"),
    [
        ("GraalVM", "3.11.7a0", "3.11.7"),  # GraalPy 24: the language version, releaselevel alpha
        ("GraalVM", "3.10.8a0", "3.10.8"),
        ("GraalVM", "3.12.8", "3.12.8"),
        ("GraalVM", "3.11.7a0x", None),  # junk stays junk
        ("CPython", "3.14.0a0", "3.14.0a0"),  # a CPython main-branch build is a pre-release
        ("CPython", "3.13.0rc2", "3.13.0rc2"),
        ("PyPy", "3.10.14", "3.10.14"),
    ],
)
def test_python_version(implementation: str, version: str, expected: str | None) -> None:
    facet = python_facet({"python_implementation": implementation, "python_version": version})
    assert facet["version"] == expected


@pytest.mark.parametrize(
    ("extra", "free_threaded"),
    [
        ({"python_abiflags": "t"}, True),
        ({"python_abiflags": "td"}, True),
        ({"python_abiflags": ""}, False),
        ({"python_free_threaded": True}, True),  # Windows before 3.14: from the suffixes
        ({"python_free_threaded": False}, False),
        ({"python_abiflags": "", "python_free_threaded": True}, False),  # abiflags win
        ({}, None),
    ],
)
def test_python_free_threaded(extra: dict[str, Any], free_threaded: bool | None) -> None:
    facet = python_facet({"python_implementation": "CPython", "python_version": "3.13.1", **extra})
    assert facet["free_threaded"] is free_threaded
