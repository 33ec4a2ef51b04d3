"""Linux distribution facts: envdetect against the ``distro`` package itself.

The differential test writes each Linux fixture's files into a directory tree
and asks ``distro.LinuxDistribution(root_dir=...)`` (no subprocesses) for
``id``, ``version``, ``like`` and ``name``; envdetect must give the same
answers from the fixture alone.  Where distro raises on a garbled file,
envdetect must not: it treats that file as absent, so its answer is distro's
answer for the tree without the file (for a machine with nothing else to go
on: unknown).

A fixture holds text as a context reads it: a byte that is not UTF-8 became
U+FFFD.  Written back to disk, each U+FFFD becomes such a byte again (0xFF),
so distro meets the file as it was on the machine.
"""

from __future__ import annotations

import ast
import io
import random
import re
import shlex
from pathlib import Path
from typing import Any

import distro
import pytest

import envdetect
from envdetect._fixture import FixtureContext
from envdetect.detectors import _release_files
from envdetect.detectors import os as os_detector
from tests.conftest import FIXTURES, fixture_id, fixture_paths, load, run_fresh

LINUX_DIR = FIXTURES / "linux"
FACTS = ("id", "version", "like", "name")


def _is_linux(path: Path) -> bool:
    if LINUX_DIR in path.parents:
        return True
    platform = load(path).get("platform") or {}
    return isinstance(platform, dict) and platform.get("system") == "Linux"


LINUX_FIXTURES = [path for path in fixture_paths() if _is_linux(path)]


def encode(text: str) -> bytes:
    """The bytes a file held, given the text a context made of it."""
    return text.encode("utf-8").replace("\ufffd".encode(), b"\xff")


def write_tree(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        target = root / name.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(encode(text))


def distro_facts_of(root: Path) -> dict[str, str | None]:
    """distro's answer for the tree at ``root``; raises where distro raises."""
    dist = distro.LinuxDistribution(
        root_dir=str(root), include_lsb=False, include_uname=False, include_oslevel=False
    )
    answer = {"id": dist.id(), "version": dist.version(), "like": dist.like(), "name": dist.name()}
    return {key: value or None for key, value in answer.items()}


def distro_cannot_read(path: Path, name: str) -> bool:
    """Whether distro raises on this file, read the way distro reads it."""
    try:
        if name in os_detector.OS_RELEASE_PATHS:
            with open(path, encoding="utf-8") as handle:
                distro.LinuxDistribution._parse_os_release_content(handle)
        elif name == "/etc/debian_version":
            with open(path, encoding="ascii") as handle:
                handle.readline()
        elif name.startswith("/etc/") and name.count("/") == 2:
            with open(path, encoding="utf-8") as handle:
                handle.readline()
    except (UnicodeError, ValueError):
        return True
    return False


def reference(root: Path, files: dict[str, str]) -> tuple[dict[str, str | None], list[str]]:
    """distro's facts, and the files distro raised on (removed to get the facts)."""
    write_tree(root, files)
    try:
        return distro_facts_of(root), []
    except (UnicodeError, ValueError):
        pass
    garbled = [name for name in sorted(files) if distro_cannot_read(root / name.lstrip("/"), name)]
    assert garbled, "distro raised, yet no single file explains it"
    for name in garbled:
        (root / name.lstrip("/")).unlink()
    return distro_facts_of(root), garbled


def test_there_are_many_linux_fixtures() -> None:
    own = [path for path in LINUX_FIXTURES if LINUX_DIR in path.parents]
    assert len(own) >= 32
    ids = {
        load(path)["expect"]["os"]["distro"]["id"]
        for path in own
        if load(path)["expect"]["os"]["distro"]
    }
    for wanted in (
        "ubuntu",
        "debian",
        "fedora",
        "rhel",
        "centos",
        "rocky",
        "almalinux",
        "oracle",
        "amzn",
        "opensuse",
        "opensuse-tumbleweed",
        "sles",
        "arch",
        "manjaro",
        "alpine",
        "gentoo",
        "void",
        "nixos",
        "linuxmint",
        "pop",
        "elementary",
        "kali",
        "raspbian",
        "clear-linux-os",
        "photon",
        "mageia",
        "slackware",
        "cloudlinux",
        "scientific",
        "wolfi",
    ):
        assert wanted in ids, wanted


@pytest.mark.parametrize("path", LINUX_FIXTURES, ids=fixture_id)
def test_fixture_agrees_with_distro(path: Path, tmp_path: Path) -> None:
    document = load(path)
    files: dict[str, str] = document.get("files") or {}
    expected, garbled = reference(tmp_path, files)

    facts = os_detector.distro_facts(FixtureContext(document))
    assert facts == expected, f"distro read past {garbled}" if garbled else None

    env = envdetect.detect(envdetect.load_fixture(document), plugins=False)
    assert env.explanation["os"]["error"] is None
    os_facet = env.to_dict()["os"]
    assert os_facet["type"] == "linux"
    assert os_facet["name"] == expected["name"]
    assert os_facet["version"] == expected["version"]
    if expected["id"] is None:
        assert os_facet["distro"] is None
    else:
        assert os_facet["distro"] == {key: expected[key] for key in ("id", "version", "like")}


@pytest.mark.parametrize("path", sorted(LINUX_DIR.glob("garbled-*.json")), ids=fixture_id)
def test_garbled_fixture_breaks_distro_but_not_envdetect(path: Path, tmp_path: Path) -> None:
    document = load(path)
    write_tree(tmp_path, document["files"])
    with pytest.raises((UnicodeError, ValueError)):
        distro_facts_of(tmp_path)
    facts = os_detector.distro_facts(FixtureContext(document))
    assert facts == dict.fromkeys(FACTS)
    os_facet = envdetect.detect(envdetect.load_fixture(document), plugins=False).os
    assert os_facet.name is None
    assert os_facet.version is None
    assert os_facet.distro is None
    assert os_facet.kernel is not None  # the rest of the facet still stands


# -- parse_os_release against distro's own parser ------------------------------------


def distro_parse(tmp_path: Path, data: bytes) -> dict[str, str]:
    """distro's os-release fields for a file holding ``data`` (raises where it raises)."""
    path = tmp_path / "os-release"
    path.write_bytes(data)
    dist = distro.LinuxDistribution(
        os_release_file=str(path),
        distro_release_file=str(tmp_path / "absent"),
        include_lsb=False,
        include_uname=False,
        include_oslevel=False,
    )
    return _without_codename(dist.os_release_info())


def _without_codename(props: dict[str, str]) -> dict[str, str]:
    # distro derives these two from VERSION / VERSION_CODENAME; envdetect has no use for them.
    return {
        key: value for key, value in props.items() if key not in ("codename", "release_codename")
    }


def envdetect_parse(data: bytes) -> dict[str, str]:
    return _without_codename(os_detector.parse_os_release(data.decode("utf-8", "replace")))


EDGE_CASES = {
    "comments and blank lines": (
        b"# written by the installer\n\n   # indented comment\nID=fedora\n\n\nNAME=Fedora\n#END\n",
        {"id": "fedora", "name": "Fedora"},
    ),
    "comment after a value": (
        b"ID=fedora # the id\nVERSION_ID=40#x\n",
        {"id": "fedora", "version_id": "40"},
    ),
    "hash inside quotes": (b"NAME=\"a # b\"\nID='x#y'\n", {"name": "a # b", "id": "x#y"}),
    "single and double quotes": (
        b"NAME='Gentoo Linux'\nID=\"gentoo\"\nVERSION_ID='2.18'\n",
        {"name": "Gentoo Linux", "id": "gentoo", "version_id": "2.18"},
    ),
    "empty values": (
        b"VERSION_CODENAME=\"\"\nIMAGE_ID=\nBUILD_ID=''\n",
        {"version_codename": "", "image_id": "", "build_id": ""},
    ),
    "escaped characters": (
        b'NAME="Foo \\"Bar\\" \\\\ baz \\$HOME"\nID=a\\ b\nX=\'c\\d\'\n',
        {"name": 'Foo "Bar" \\ baz \\$HOME', "id": "a b", "x": "c\\d"},
    ),
    "unquoted value with spaces": (
        b"NAME=Fedora Linux\nID=fedora\n",
        {"name": "Fedora", "id": "fedora"},
    ),
    "spaces around": (b'  ID=fedora  \t\n\tNAME="Fedora"\t\n', {"id": "fedora", "name": "Fedora"}),
    "CRLF line endings": (
        b'NAME="Ubuntu"\r\nID=ubuntu\r\nVERSION_ID="24.04"\r\n',
        {"name": "Ubuntu", "id": "ubuntu", "version_id": "24.04"},
    ),
    "CR line endings": (
        b"ID=alpine\rVERSION_ID=3.19.1\r",
        {"id": "alpine", "version_id": "3.19.1"},
    ),
    "NUL bytes": (b'ID=fed\x00ora\nNAME="x\x00y"\n', {"id": "fed\x00ora", "name": "x\x00y"}),
    "no trailing newline": (
        b'ID=debian\nPRETTY_NAME="Debian GNU/Linux stretch/sid"',
        {"id": "debian", "pretty_name": "Debian GNU/Linux stretch/sid"},
    ),
    "mixed-case keys, last one wins": (b"Id=first\nID=second\n", {"id": "second"}),
    "equals sign in value": (
        b'OPTS=a=b\nURL="https://x/?q=1"\n',
        {"opts": "a=b", "url": "https://x/?q=1"},
    ),
    "export prefix": (b"export ID=fedora\n", {"id": "fedora"}),
    "form feed is no line break": (b"ID=fedora\x0cNAME=x\n", {"id": "fedora\x0cNAME=x"}),
    "no-break space is no whitespace": ("ID=fedora\xa0\n".encode(), {"id": "fedora\xa0"}),
    "byte order mark": ("\ufeffID=fedora\nNAME=F\n".encode(), {"\ufeffid": "fedora", "name": "F"}),
    "non-ASCII value": (
        'NAME="Überlinux ✓"\nID=uber\n'.encode(),
        {"name": "Überlinux ✓", "id": "uber"},
    ),
    "a word that is no assignment": (b"ID=x\nnonsense\nNAME=y\n", {"id": "x", "name": "y"}),
}


@pytest.mark.parametrize("data", [case[0] for case in EDGE_CASES.values()], ids=list(EDGE_CASES))
def test_parse_os_release_matches_distro(data: bytes, tmp_path: Path) -> None:
    assert envdetect_parse(data) == distro_parse(tmp_path, data)


@pytest.mark.parametrize(("data", "expected"), list(EDGE_CASES.values()), ids=list(EDGE_CASES))
def test_parse_os_release_values(data: bytes, expected: dict[str, str]) -> None:
    assert envdetect_parse(data) == expected


#: A value carried over a line break, which os-release(5) rules out: distro's
#: shlex joins the lines; the line-based reading finds a line that does not
#: parse on its own, and the file is garbled (absent), as where distro raises.
ACROSS_LINES = {
    "CR inside quotes": (b'NAME="two\rlines"\nID=x\n', {"name": "two\nlines", "id": "x"}),
    "multi-line quoted value": (
        b'NAME="Line one\nline two"\nID=x\n',
        {"name": "Line one\nline two", "id": "x"},
    ),
    "line continuation": (b"NAME=foo\\\nbar\nID=x\n", {"name": "foo\nbar", "id": "x"}),
    "escaped quote then a newline": (b'NAME="a\\"\nb"\nID=x\n', {"name": 'a"\nb', "id": "x"}),
}


@pytest.mark.parametrize(("data", "joined"), list(ACROSS_LINES.values()), ids=list(ACROSS_LINES))
def test_value_across_lines_is_garbled_where_distro_joins_lines(
    data: bytes, joined: dict[str, str], tmp_path: Path
) -> None:
    assert distro_parse(tmp_path, data) == joined
    text = data.decode()
    assert os_detector._parse(text) is None
    assert os_detector.parse_os_release(text) == {}
    ctx = FixtureContext(
        {
            "files": {
                "/etc/os-release": text,
                "/usr/lib/os-release": "ID=fedora\nNAME=F\nVERSION_ID=40\n",
            }
        }
    )
    assert os_detector.os_release(ctx) == (
        "/usr/lib/os-release",
        {"id": "fedora", "name": "F", "version_id": "40"},
    )


@pytest.mark.parametrize(
    "data",
    [
        b'NAME="Fedora Linux\nID=fedora\n',  # unterminated double quote
        b"ID=fedora\nNAME='Gentoo\n",  # unterminated single quote
        b'PRETTY_NAME="Fedora Linux 40 (Works',  # truncated mid-value
        b"ID=fedora\nNAME=x\\",  # backslash at the very end
    ],
    ids=["double", "single", "truncated", "trailing-backslash"],
)
def test_unparseable_os_release_raises_in_distro_and_is_empty_here(
    data: bytes, tmp_path: Path
) -> None:
    with pytest.raises(ValueError, match=r"No closing quotation|No escaped character"):
        distro_parse(tmp_path, data)
    assert os_detector.parse_os_release(data.decode()) == {}
    ctx = FixtureContext({"files": {"/etc/os-release": data.decode()}})
    assert os_detector.os_release(ctx) == (None, {})
    assert os_detector.distro_facts(ctx) == dict.fromkeys(FACTS)


def test_huge_os_release(tmp_path: Path) -> None:
    lines = []
    for index in range(6000):
        lines.append(f"# comment line {index} with some padding to make the file larger")
        lines.append(f'KEY_{index}="value number {index}"')
    lines += ["ID=bigdistro", 'NAME="Big Distro"', "VERSION_ID=1.0"]
    data = ("\n".join(lines) + "\n").encode()
    assert len(data) > 500_000
    parsed = envdetect_parse(data)
    assert parsed == distro_parse(tmp_path, data)
    assert parsed["id"] == "bigdistro"
    assert parsed["key_5999"] == "value number 5999"


#: What /etc/os-release held on broken machines: /dev/zero or a sparse file
#: (256 KiB of NULs after the read cap), one quote that never closes.
JUNK = {
    "dev-zero": ("\x00" * 262_144, {}),
    "one open quote": ('NAME="' + "a" * 240_000, None),
    "open quote, then lines": ('NAME="' + "a" * 240_000 + "\nID=x\n", None),
    "one open single quote": ("NAME='" + "a" * 240_000, None),
    "blank lines": ("\n" * 262_144, {}),
    "escaped quote, then no close": ('NAME="' + "a" * 240_000 + '\\"', None),
    # Floods of well-formed shell, past the bounds no real os-release nears.
    "assignment lines": ("a=b\n" * 65_536, None),
    "words on one line": ("a=b " * 65_536, None),
    "quoted words on one line": ('a="" ' * 52_000, None),
    "escapes in one quote": ('NAME="' + "\\a" * 120_000 + '"', None),
    "lines needing the quoting rules": ('A="\\"x"\n' * 30_000, None),
    "long unquoted value": ("NAME=" + "a" * 240_000, {"name": "a" * 240_000}),
}


@pytest.mark.parametrize(
    ("text", "parses"),
    [
        ("A=1\n" * os_detector.MAX_ASSIGNMENT_LINES, True),
        ("A=1\n" * (os_detector.MAX_ASSIGNMENT_LINES + 1), False),
        ("A=1\n" + "\n" * (os_detector.MAX_LINES - 2), True),
        ("A=1\n" + "\n" * (os_detector.MAX_LINES - 1), False),
        ('A="\\"x"\n' * os_detector.MAX_QUOTED_LINES, True),
        ('A="\\"x"\n' * (os_detector.MAX_QUOTED_LINES + 1), False),
        ("A=1 " * os_detector.MAX_PIECES, True),
        ("A=1 " * (os_detector.MAX_PIECES + 1) + "x" * 300, False),
        ("A='1' " * (os_detector.MAX_PIECES // 2), True),
        ("A='1' " * os_detector.MAX_PIECES, False),
    ],
)
def test_bounds_past_which_an_os_release_is_junk(text: str, parses: bool) -> None:
    assert (os_detector._parse(text) is not None) is parses


@pytest.mark.parametrize(("text", "expected"), list(JUNK.values()), ids=list(JUNK))
def test_junk_os_release_is_read_in_linear_time(text: str, expected: dict[str, str] | None) -> None:
    import time

    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        parsed = os_detector._parse(text)
        best = min(best, time.perf_counter() - start)
    assert parsed == expected
    # shlex took 0.6-1.6 s over each of these; the line-based reading a
    # fraction of a millisecond.  The bound leaves room for a loaded machine.
    assert best < 0.02, f"{best * 1000:.1f} ms"


def test_junk_os_release_costs_detect_no_more_than_a_few_ms() -> None:
    import time

    normal = load(LINUX_DIR / "ubuntu-24.04.json")
    for text, _ in JUNK.values():
        document = {**normal, "files": {"/etc/os-release": text}}
        env = envdetect.detect(envdetect.load_fixture(document), plugins=False)
        assert env.explanation["os"]["error"] is None
        assert env.os.distro is None
        start = time.perf_counter()
        envdetect.detect(envdetect.load_fixture(document), plugins=False)
        assert time.perf_counter() - start < 0.05


def test_machine_strings_reach_the_document_cleaned_and_capped() -> None:
    files = {
        "/etc/os-release": 'NAME="Alice\x00 \x1b[2J Workstation"\nID="acme-alice\x07"\n'
        'ID_LIKE="rhel\tfedora"\nPRETTY_NAME="Alice ' + "9" * 200 + '"\n'
    }
    facts = os_detector.distro_facts(FixtureContext({"files": files}))
    assert facts["version"] == "9" * 200  # distro's semantics, unchanged underneath
    facet = envdetect.detect(
        envdetect.load_fixture({"platform": {"system": "Linux"}, "files": files}), plugins=False
    ).os
    assert facet.name == "Alice\ufffd \ufffd[2J Workstation"
    assert facet.version == "9" * 63 + "\u2026"
    assert facet.distro is not None
    assert facet.distro.id == "acme-alice\ufffd"
    assert facet.distro.version == facet.version
    assert facet.distro.like == "rhel fedora"


def test_huge_pretty_name_is_no_version() -> None:
    # distro runs its pattern over all 250 KB and calls the digits a version;
    # a release line past 256 characters is junk here.
    pretty = "9" * 250_000
    assert len(distro.LinuxDistribution._parse_distro_release_content(pretty)["version_id"]) > 1000
    assert _release_files.parse_release_line(pretty) == {}
    files = {"/etc/os-release": f'ID=ubuntu\nNAME="Ubuntu"\nPRETTY_NAME="{pretty}"\n'}
    assert os_detector.distro_facts(FixtureContext({"files": files}))["version"] is None
    facet = envdetect.detect(
        envdetect.load_fixture({"platform": {"system": "Linux"}, "files": files}), plugins=False
    ).os
    assert facet.version is None
    assert facet.name == "Ubuntu"


def test_long_release_file_line_is_junk() -> None:
    line = "CentOS release 6." + "1" * 300 + " (Final)\n"
    world = {"/etc/centos-release": line, "/etc/redhat-release": "CentOS release 6.10 (Final)\n"}
    assert os_detector.distro_facts(FixtureContext({"files": world}))["version"] == "6.10"


def test_undecodable_os_release_breaks_distro_and_counts_as_absent(tmp_path: Path) -> None:
    data = b'ID=ubuntu\nNAME="Ubuntu"\nVERSION_ID="24.04"\n\xff\xfe\x00junk\n'
    with pytest.raises(UnicodeDecodeError):
        distro_parse(tmp_path, data)
    ctx = FixtureContext({"files": {"/etc/os-release": data.decode("utf-8", "replace")}})
    assert os_detector.os_release(ctx) == (None, {})
    assert os_detector.distro_facts(ctx) == dict.fromkeys(FACTS)


def test_garbled_etc_os_release_falls_back_to_usr_lib(tmp_path: Path) -> None:
    good = 'NAME="Fedora Linux"\nID=fedora\nVERSION_ID=40\n'
    files = {"/etc/os-release": 'NAME="Fedora Linux\nID=fedora\n', "/usr/lib/os-release": good}
    expected, garbled = reference(tmp_path, files)
    assert garbled == ["/etc/os-release"]
    assert expected == {"id": "fedora", "version": "40", "like": None, "name": "Fedora Linux"}
    assert os_detector.distro_facts(FixtureContext({"files": files})) == expected


def test_etc_os_release_wins_over_usr_lib(tmp_path: Path) -> None:
    files = {
        "/etc/os-release": "ID=admin-edited\nNAME=Edited\nVERSION_ID=1\n",
        "/usr/lib/os-release": "ID=vendor\nNAME=Vendor\nVERSION_ID=2\n",
    }
    expected, _ = reference(tmp_path, files)
    assert expected["id"] == "admin-edited"
    assert os_detector.distro_facts(FixtureContext({"files": files})) == expected


# -- legacy release files and debian_version ------------------------------------------

LEGACY_WORLDS = {
    "centos 5": {"/etc/redhat-release": "CentOS release 5.11 (Final)\n"},
    "rhel 6 workstation": {
        "/etc/redhat-release": "Red Hat Enterprise Linux Workstation release 6.10 (Santiago)\n"
    },
    "oracle 6": {
        "/etc/oracle-release": "Oracle Linux Server release 6.10\n",
        "/etc/redhat-release": "Red Hat Enterprise Linux Server release 6.10 (Santiago)\n",
    },
    "sles 11 multi-line": {
        "/etc/SuSE-release": "SUSE Linux Enterprise Server 11 (x86_64)\n"
        "VERSION = 11\nPATCHLEVEL = 4\n"
    },
    "slackware 14.2": {"/etc/slackware-version": "Slackware 14.2\n"},
    "gentoo without os-release": {"/etc/gentoo-release": "Gentoo Base System release 2.7\n"},
    "alpine without os-release": {"/etc/alpine-release": "3.19.1\n"},
    "arch: empty arch-release": {"/etc/arch-release": ""},
    "a release file holding one newline": {"/etc/arch-release": "\n"},
    "mageia 5": {"/etc/mageia-release": "Mageia release 5 (Official) for x86_64\n"},
    "ubuntu LTS line": {"/etc/foo-release": "Ubuntu 14.04.6 LTS\n"},
    "CRLF release file": {"/etc/centos-release": "CentOS Linux release 7.9.2009 (Core)\r\n"},
    "CR release file": {"/etc/centos-release": "CentOS Linux release 7.9.2009 (Core)\rjunk\r"},
    "no digit at all": {"/etc/exotic-release": "Exotic Linux\n"},
    "non-ASCII digits": {"/etc/exotic-release": "Exotic release \u0663.\u0661\n"},
    "ignored names only": {
        "/etc/lsb-release": "DISTRIB_ID=Ubuntu\n",
        "/etc/system-release": "X 1\n",
        "/etc/os-release/ignored": "ID=dir\n",
    },
    "underscore version file": {"/etc/my_version": "MyOS 2.0\n"},
    "names that do not match": {
        "/etc/release": "Mageia release 9\n",
        "/etc/version": "9 1\n",
        "/etc/foo-Release": "Foo 1\n",
        "/etc/foo.release": "Foo 2\n",
        "/etc/-release": "Dash 3\n",
    },
    "first in sort order wins": {
        "/etc/zeta-release": "Zeta 9\n",
        "/etc/Alpha-release": "Alpha 1\n",
        "/etc/beta_version": "Beta 2\n",
    },
    "os-release without version": {
        "/etc/os-release": 'ID=centos\nNAME="CentOS"\n',
        "/etc/centos-release": "CentOS Linux release 8.5.2111\n",
    },
    "os-release without id": {
        "/etc/os-release": 'NAME="Something"\nVERSION_ID=3\n',
        "/etc/redhat-release": "Red Hat Enterprise Linux release 8.10 (Ootpa)\n",
    },
    "cloudlinux 7 via redhat-release": {
        "/etc/redhat-release": "CloudLinux release 7.9 (Boris Yegorov)\n"
    },
    "debian with an empty VERSION_ID": {
        "/etc/os-release": "ID=debian\nVERSION_ID=\nNAME=Debian\n",
        "/etc/debian_version": "12.7\n",
    },
    "like debian, CR in debian_version": {
        "/etc/os-release": "ID=mydeb\nID_LIKE=debian\nNAME=My\n",
        "/etc/debian_version": "11.0\rsecond line\n",
    },
    "not like debian: debian_version ignored": {
        "/etc/os-release": 'ID=other\nID_LIKE="debianish ubuntu"\nNAME=Other\n',
        "/etc/debian_version": "12.7\n",
    },
    "pretty name carries the version": {
        "/etc/os-release": 'ID=thing\nNAME="Thing"\nPRETTY_NAME="Thing 2.5 LTS (Wolf)"\n'
    },
    "ID with spaces and capitals": {"/etc/os-release": 'ID="Open SUSE"\nNAME=x\nVERSION_ID=1\n'},
    "ID ol": {"/etc/os-release": 'ID="ol"\nNAME="Oracle Linux Server"\nVERSION_ID="9.4"\n'},
    "release file garbled, next one used": {
        "/etc/centos-release": "CentOS \ufffd\ufffd release 6\n",
        "/etc/redhat-release": "CentOS release 6.10 (Final)\n",
    },
    "debian_version not ASCII": {
        "/etc/os-release": "ID=debian\nNAME=Debian\n",
        "/etc/debian_version": "trixie/sid \u2013 dev\n",
    },
}


@pytest.mark.parametrize("files", list(LEGACY_WORLDS.values()), ids=list(LEGACY_WORLDS))
def test_legacy_world_agrees_with_distro(files: dict[str, str], tmp_path: Path) -> None:
    expected, _ = reference(tmp_path, files)
    assert os_detector.distro_facts(FixtureContext({"files": files})) == expected


def test_legacy_answers() -> None:
    def facts(files: dict[str, str]) -> dict[str, str | None]:
        return os_detector.distro_facts(FixtureContext({"files": files}))

    assert facts(LEGACY_WORLDS["centos 5"]) == {
        "id": "rhel",
        "version": "5.11",
        "like": None,
        "name": "CentOS",
    }
    assert facts(LEGACY_WORLDS["oracle 6"])["id"] == "oracle"
    assert facts(LEGACY_WORLDS["sles 11 multi-line"]) == {
        "id": "suse",
        "version": "11",
        "like": None,
        "name": "SUSE Linux Enterprise Server",
    }
    assert facts(LEGACY_WORLDS["cloudlinux 7 via redhat-release"])["id"] == "cloudlinux"
    assert facts(LEGACY_WORLDS["first in sort order wins"])["id"] == "alpha"
    assert facts(LEGACY_WORLDS["a release file holding one newline"]) == {
        "id": "arch",
        "version": None,
        "like": None,
        "name": None,
    }
    assert facts(LEGACY_WORLDS["arch: empty arch-release"]) == dict.fromkeys(FACTS)
    assert facts(LEGACY_WORLDS["like debian, CR in debian_version"])["version"] == "11.0"
    assert facts(LEGACY_WORLDS["pretty name carries the version"])["version"] == "2.5"
    assert facts(LEGACY_WORLDS["ID with spaces and capitals"])["id"] == "open_suse"
    assert facts(LEGACY_WORLDS["ID ol"])["id"] == "oracle"
    assert facts(LEGACY_WORLDS["release file garbled, next one used"])["version"] == "6.10"
    assert facts(LEGACY_WORLDS["debian_version not ASCII"])["version"] is None


class _UnlistableEtc(FixtureContext):
    def listdir(self, path: str) -> list[str] | None:
        return None


def test_unlistable_etc_falls_back_to_known_names() -> None:
    # distro tries a fixed list of names when /etc cannot be listed; so do we.
    ctx = _UnlistableEtc(
        {
            "files": {
                "/etc/redhat-release": "CentOS release 6.10 (Final)\n",
                "/etc/centos-release": "CentOS release 6.10 (Final)\n",
                "/etc/unknown-release": "Unknown 1\n",
            }
        }
    )
    assert os_detector.distro_facts(ctx) == {
        "id": "centos",
        "version": "6.10",
        "like": None,
        "name": "CentOS",
    }


def test_release_file_prefix_matches_distros_pattern() -> None:
    pattern = re.compile(r"(\w+)[-_](release|version)$")
    names = [
        "SuSE-release",
        "redhat-release",
        "slackware-version",
        "debian_version",
        "os-release",
        "a_b-release",
        "a-b-release",
        "-release",
        "_release",
        "__release",
        "x_release",
        "release",
        "centos-release-upstream",
        "foo-release\n",
        "foo-release\n\n",
        "f\u00f6\u00f6-release",
        "\u0663-release",
        "foo bar-release",
        "foo-RELEASE",
        "lsb-release",
        "x-version",
        "x.version",
        "x-versions",
        "\u00b2-release",
    ]
    rng = random.Random(1234)
    alphabet = ["a", "Z", "_", "-", ".", "1", " ", "\u00e9", "\u0663", "\u00b2", "\n"]
    for _ in range(3000):
        stem = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 5)))
        names.append(
            stem
            + rng.choice(["-", "_", ".", ""])
            + rng.choice(["release", "version", "releases", "Release", "release\n"])
        )
    for name in names:
        match = pattern.match(name)
        expected = match.group(1) if match else None
        assert _release_files.release_file_prefix(name) == expected, repr(name)


RELEASE_LINES = [
    "CentOS release 6.10 (Final)",
    "CentOS Linux release 7.9.2009 (Core)",
    "Red Hat Enterprise Linux Server release 7.7 (Maipo)",
    "Fedora release 40 (Forty)",
    "Oracle Linux Server release 8.10",
    "Amazon Linux release 2 (Karoo)",
    "Amazon Linux release 2023.5.20240916 (Amazon Linux)",
    "Gentoo Base System release 2.18",
    "Slackware 15.0",
    "Mageia release 9 (Official) for x86_64",
    "3.19.8",
    "Ubuntu 14.04.6 LTS",
    "Debian GNU/Linux trixie/sid",
    "Arch Linux",
    "",
    "   ",
    "\n",
    "Exotic release \u0663.\u0661",
    "Thing 2.5 LTS (Wolf)",
    "CloudLinux Server release 6.8 (Oleg Makarov)",
    "SUSE Linux Enterprise Server 11 (x86_64)",
    "Foo (bar) 1.0 (baz) qux",
    "(1)",
    "1",
    "a1",
    "VMware Photon OS/Linux",
    "Kali GNU/Linux Rolling",
    "  CentOS release 5.11 (Final)  \n",
]


def test_parse_release_line_matches_distro() -> None:
    rng = random.Random(99)
    alphabet = [*"ab (). 1-+LTS esaeler\u0663\t", "release", "LTS", " (", ") "]
    lines = list(RELEASE_LINES)
    for _ in range(3000):
        lines.append("".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12))))
    for line in lines:
        expected = distro.LinuxDistribution._parse_distro_release_content(line)
        assert _release_files.parse_release_line(line) == expected, repr(line)


@pytest.mark.parametrize(
    "text",
    ["", "one", "one\n", "one\ntwo\n", "one\r\ntwo", "one\rtwo", "\n", "\r", "\r\n\n", "a\tb \n"],
)
def test_first_line_is_what_distro_readline_returns(text: str, tmp_path: Path) -> None:
    path = tmp_path / "file"
    path.write_bytes(text.encode())
    with open(path, encoding="utf-8") as handle:
        assert _release_files.first_line(text) == handle.readline()


# -- fuzzing the os-release parser ----------------------------------------------------

_FUZZ_PIECES = [
    "ID",
    "NAME",
    "=",
    "=",
    "fedora",
    "Fedora Linux",
    '"',
    "'",
    "\\",
    "#",
    " ",
    "\t",
    "\n",
    "\n",
    "\r",
    "\r\n",
    "\x0c",
    "\xa0",
    "\x00",
    "é",
    "$",
    "`",
    "x=y",
    '"a b"',
    "'c d'",
    "VERSION_ID=40\n",
    "# c\n",
]


def distro_line_by_line(text: str) -> dict[str, str] | None:
    """distro's parser run on each line on its own: the line-based reading's
    definition (None when any line makes it raise)."""
    props: dict[str, str] = {}
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        try:
            props.update(distro.LinuxDistribution._parse_os_release_content(io.StringIO(line)))
        except ValueError:
            return None
    return _without_codename(props)


def test_parse_os_release_fuzz_matches_distro(tmp_path: Path) -> None:
    rng = random.Random(20240917)
    answered = garbled = 0
    for _ in range(1500):
        text = "".join(rng.choice(_FUZZ_PIECES) for _ in range(rng.randint(0, 14)))
        got = os_detector._parse(text)
        if got is not None:
            got = _without_codename(got)
        assert got == distro_line_by_line(text), repr(text)
        if got is not None:
            # Wherever the line-based reading answers, it is distro's answer.
            assert got == distro_parse(tmp_path, text.encode()), repr(text)
            answered += 1
        else:
            garbled += 1
    assert answered > 500
    assert garbled > 100


def test_line_words_matches_shlex_on_quoting_heavy_lines() -> None:
    rng = random.Random(7)
    pieces = ['"', "'", "\\", "#", " ", "\t", "a", "=", "b c", '\\"', "\\\\", "$", "\x00", "é"]
    for _ in range(3000):
        line = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 16)))
        lexer = shlex.shlex(line, posix=True)
        lexer.whitespace_split = True
        try:
            expected: list[str] | None = list(lexer)
        except ValueError:
            expected = None
        assert os_detector.line_words(line) == expected, repr(line)


# -- cost --------------------------------------------------------------------------------

PROBE = """
from envdetect._fixture import FixtureContext
from envdetect.detectors.os import distro_facts
documents = {documents!r}
before = set(sys.modules)
for document in documents:
    distro_facts(FixtureContext(document))
print(sorted(set(sys.modules) - before))
print("re" in before, "shlex" in before)
"""


def test_common_distributions_need_neither_re_nor_shlex() -> None:
    # Well-formed os-release files, rolling releases without VERSION_ID and a
    # Debian testing that falls back to debian_version: no regex, no shlex.
    # (No json in the probe: json imports re.)
    names = [
        "ubuntu-24.04",
        "debian-12",
        "fedora-39-workstation",
        "rhel-9.6",
        "arch",
        "manjaro",
        "void",
        "debian-testing-trixie-sid",
        "alpine-3.19-python-image",
        "gentoo",
        "opensuse-tumbleweed",
        "no-release-files-scratch-container",
    ]
    documents = [load(LINUX_DIR / f"{name}.json") for name in names]
    code = PROBE.format(documents=documents)
    output = run_fresh(code)
    loaded_line, preloaded_line = output.splitlines()[-2:]
    assert preloaded_line == "False False", "the probe itself must not load re or shlex"
    loaded = set(ast.literal_eval(loaded_line))
    assert loaded.isdisjoint({"re", "shlex", "distro"}), sorted(loaded)


def test_unusual_files_load_re_and_never_shlex() -> None:
    # The probe can see an import: legacy release lines and odd quoting load re;
    # nothing loads shlex, whose reading of a line is redone here in linear time.
    documents = [
        load(LINUX_DIR / "centos-6.10-legacy.json"),
        {"files": {"/etc/os-release": "NAME=Fedora\\ Linux\n"}},
        {"files": {"/etc/os-release": 'NAME="Fedora\nID=x\n'}},
        {"files": {"/etc/os-release": "\x00" * 1000}},
    ]
    code = PROBE.format(documents=documents)
    output = run_fresh(code)
    loaded = set(ast.literal_eval(output.splitlines()[-2]))
    assert "re" in loaded
    assert "shlex" not in loaded


def test_distro_is_never_imported_by_detection() -> None:
    code = (
        "import sys, json\n"
        "import envdetect\n"
        f"doc = json.load(open({str(LINUX_DIR / 'centos-6.10-legacy.json')!r}))\n"
        "envdetect.detect(envdetect.load_fixture(doc), plugins=False)\n"
        "print('distro' in sys.modules)\n"
    )
    output = run_fresh(code)
    assert output.strip() == "False"


def test_evidence_names_the_files_used() -> None:
    document: dict[str, Any] = load(LINUX_DIR / "debian-testing-trixie-sid.json")
    ctx = FixtureContext(document)
    os_detector.distro_facts(ctx)
    assert ctx._take_evidence() == ["file /etc/os-release", "file /etc/debian_version"]
    legacy = FixtureContext(load(LINUX_DIR / "centos-6.10-legacy.json"))
    os_detector.distro_facts(legacy)
    assert legacy._take_evidence() == ["file /etc/*-release"]


def test_parse_os_release_accepts_a_stream_like_distro() -> None:
    # distro's parser takes a stream; ours a string: the same text gives the same fields.
    text = 'NAME="Ubuntu"\nID=ubuntu\n'
    assert os_detector.parse_os_release(text) == _without_codename(
        distro.LinuxDistribution._parse_os_release_content(io.StringIO(text))
    )
