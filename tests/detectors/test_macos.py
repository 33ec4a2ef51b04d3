"""The os facet's macOS half (envdetect.detectors._macos)."""

from __future__ import annotations

import pytest

import envdetect
from envdetect.detectors._macos import macos_version
from envdetect.detectors.os import MAX_TEXT
from tests.detectors.test_os import os_facet

# -- macOS -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mac_ver", "darwin", "expected"),
    [
        ("14.5", "23.5.0", "14.5"),  # mac_ver is the answer when it is real
        ("13.6.3", "22.6.0", "13.6.3"),
        ("10.15.7", "19.6.0", "10.15.7"),
        (" 15.6 ", "24.6.0", "15.6"),
        ("11.7.10", "20.6.0", "11.7.10"),
        # SYSTEM_VERSION_COMPAT=1 (or an old binary) says 10.16 on macOS 11 and later.
        ("10.16", "23.5.0", "14.5"),
        ("10.16", "24.6.0", "15.6"),
        ("10.16", "25.1.0", "26.1"),  # Darwin 25 is macOS 26, not 16
        # A binary built against a pre-26 SDK is told macOS 26 is 16.0.
        ("16.0", "25.0.0", "26.0"),
        ("16.0", "25.1.0", "26.1"),
        ("16.0", "25.2.0", "26.2"),
        ("16.1", "26.3.0", "27.3"),  # whatever the shim says past 26
        ("26.1", "25.1.0", "26.1"),  # the real version from the 26 SDK stays
        ("26.0.1", "25.0.0", "26.0.1"),
        ("16.0", "24.6.0", "16.0"),  # no Darwin before 25 is macOS 26: not the shim
        ("10.16", "19.6.0", "10.16"),  # nor any Darwin before 20 macOS 11
        # No mac_ver at all: the kernel decides.
        ("", "23.0.0", "14.0"),
        ("", "23.6.0", "14.6"),
        ("", "24.0.0", "15.0"),
        ("", "24.6.0", "15.6"),
        ("", "25.0.0", "26.0"),
        ("", "25.1.0", "26.1"),
        ("", "26.0.0", "27.0"),  # the year-numbered scheme goes on
        ("", "19.6.0", "10.15"),
        ("", "8.11.1", "10.4"),
        ("", "5.0", "10.1"),
        ("", "4.9", None),  # older than any Mac OS X
        ("", "", None),
        ("", "Darwin", None),
        ("garbage", "", None),
    ],
)
def test_macos_version(mac_ver: str, darwin: str, expected: str | None) -> None:
    assert macos_version(mac_ver, darwin) == expected


@pytest.mark.parametrize(
    ("darwin", "major"),
    [
        ("20.0.0", "11"),
        ("21.0.1", "12"),
        ("22.6.0", "13"),
        ("23.1.0", "14"),
        ("24.3.0", "15"),
        ("25.0.0", "26"),
    ],
)
def test_macos_major_from_darwin_20_to_25(darwin: str, major: str) -> None:
    for mac_ver in ("", "10.16"):
        version = macos_version(mac_ver, darwin)
        assert version is not None
        assert version.split(".")[0] == major


@pytest.mark.parametrize(
    ("darwin", "expected"),
    [
        ("20.1.0", "11.0"),
        ("20.2.0", "11.1"),
        ("21.2.0", "12.1"),
        ("21.5.0", "12.4"),
        ("22.1.0", "13.0"),
        ("22.4.0", "13.3"),
    ],
)
def test_macos_minor_from_darwin_20_to_22(darwin: str, expected: str) -> None:
    assert macos_version("", darwin) == expected


def test_macos_facet() -> None:
    facet = os_facet(
        {"system": "Darwin", "release": "25.1.0", "mac_ver": "10.16", "machine": "arm64"}
    )
    assert facet == {
        "type": "darwin",
        "name": "macOS",
        "version": "26.1",
        "kernel": "25.1.0",
        "wsl": False,
        "distro": None,
    }


@pytest.mark.parametrize(
    ("mac_ver", "darwin"),
    [
        ("9" * 250_000, "23.5.0"),
        ("14.5", "9" * 10_000 + ".1"),  # int() of 10,000 digits raises on Python 3.11+
        ("", "23." + "9" * 10_000),
        ("", "9" * 10_000),
    ],
)
def test_macos_junk_versions_are_short_and_never_raise(mac_ver: str, darwin: str) -> None:
    document = {"platform": {"system": "Darwin", "release": darwin, "mac_ver": mac_ver}}
    env = envdetect.detect(envdetect.load_fixture(document), plugins=False)
    assert env.explanation["os"]["error"] is None
    facet = env.to_dict()["os"]
    assert facet["type"] == "darwin"
    for key in ("version", "kernel"):
        assert facet[key] is None or len(facet[key]) <= MAX_TEXT


#: What an old-SDK binary reads at /System/Library/CoreServices/SystemVersion.plist
#: on macOS 26.1: the shim serves SystemVersionCompat.plist instead.
COMPAT_PLIST = b"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
	<key>BuildID</key>
	<string>6A3E8B9C-4F2D-11F0-9C1B-2E7D4A6F8B35</string>
	<key>ProductBuildVersion</key>
	<string>25B78</string>
	<key>ProductCopyright</key>
	<string>1983-2025 Apple Inc.</string>
	<key>ProductName</key>
	<string>macOS</string>
	<key>ProductUserVisibleVersion</key>
	<string>16.0</string>
	<key>ProductVersion</key>
	<string>16.0</string>
	<key>iOSSupportVersion</key>
	<string>26.1</string>
</dict>
</plist>
"""


def test_live_macos_26_under_the_compat_plist(monkeypatch: pytest.MonkeyPatch) -> None:
    import os
    import sys

    from envdetect import _context

    if sys.platform == "win32":
        pytest.skip("the live path reads os.uname(), which Windows lacks")
    uname = os.uname_result(
        (
            "Darwin",
            "mac",
            "25.1.0",
            "Darwin Kernel Version 25.1.0: "
            "Mon Oct 20 19:34:05 PDT 2025; root:xnu-12377.41.6~2/"
            "RELEASE_ARM64_T8132",
            "arm64",
        )
    )
    monkeypatch.setattr(os, "uname", lambda: uname)
    read = _context.read_bytes
    monkeypatch.setattr(
        _context,
        "read_bytes",
        lambda path, limit=_context.MAX_FILE_BYTES: (
            COMPAT_PLIST if path.endswith("SystemVersion.plist") else read(path, limit)
        ),
    )
    ctx = _context.LiveContext({})
    assert ctx.platform.mac_ver == "16.0"  # the plist's own word, kept raw
    facet = envdetect.detect(ctx, plugins=False).to_dict()["os"]
    assert facet["version"] == "26.1"
    assert facet["kernel"] == "25.1.0"
