"""The fingerprint: closed values, coarse versions, a stable digest, OpenTelemetry names."""

from __future__ import annotations

import copy
from typing import Any

import pytest

import envdetect
from envdetect._fingerprint import (
    FIELDS,
    coarse_version,
    digest,
    fingerprint,
    linux_version,
    macos_version,
    major_minor,
    release_version,
    resource_attributes,
    toolkit_version,
    windows_version,
)

UBUNTU: dict[str, Any] = {
    "files": {
        "/etc/os-release": 'NAME="Ubuntu"\nID=ubuntu\nID_LIKE=debian\n'
        'VERSION_ID="22.04"\nVERSION="22.04.4 LTS (Jammy Jellyfish)"\n'
    },
    "platform": {
        "system": "Linux",
        "release": "5.15.0-113-generic",
        "machine": "x86_64",
        "version": "#123-Ubuntu SMP Mon Jun 10 08:16:17 UTC 2024",
        "python_implementation": "CPython",
        "python_version": "3.12.3",
        "python_bits": 64,
        "python_abiflags": "",
        "python_venv": True,
    },
    "tty": {"stdin": True, "stdout": True},
}


def fp(document: dict[str, Any]) -> dict[str, Any]:
    return envdetect.detect(envdetect.load_fixture(document), plugins=False).fingerprint()


def test_fields_in_order_with_digest() -> None:
    result = fp(UBUNTU)
    assert list(result) == [*FIELDS, "digest"]
    assert result["os.type"] == "linux"
    assert result["os.name"] == "Ubuntu"
    assert result["os.version"] == "22.04"
    assert result["os.distro.id"] == "ubuntu"
    assert result["python.version"] == "3.12.3"
    assert result["runtime.kind"] == "terminal"
    assert result["terminal.interactive"] is True


def test_same_class_same_digest_different_class_different_digest() -> None:
    other_machine = copy.deepcopy(UBUNTU)
    other_machine["environ"] = {"USER": "someone", "HOME": "/home/someone"}
    other_machine["platform"]["version"] = "#200-Ubuntu SMP Tue Jul 2 2024"  # other build
    assert fp(other_machine)["digest"] == fp(UBUNTU)["digest"]

    piped = copy.deepcopy(UBUNTU)
    piped["tty"] = {"stdin": False, "stdout": False}
    assert fp(piped)["digest"] != fp(UBUNTU)["digest"]


def test_digest_is_stable_across_releases_of_this_code() -> None:
    # A pinned value: changing the canonical form silently would split every
    # environment class in the data already collected.
    fields = dict.fromkeys(FIELDS)
    fields.update({"schema": 1, "runtime.kind": "script", "ci.detected": False})
    assert digest(fields) == digest(dict(fields))
    assert digest(fields) == "725d6239ef364604"


def test_unknown_distribution_and_free_text_names_are_dropped() -> None:
    custom = copy.deepcopy(UBUNTU)
    custom["files"] = {
        "/etc/os-release": 'NAME="Dana\'s Homelab OS"\nID=danahomelab\nVERSION_ID="7.3.1"\n'
    }
    result = fp(custom)
    assert result["os.distro.id"] is None
    assert result["os.name"] == "Linux"
    assert result["os.distro.version"] is None
    # Without a known distribution the version means nothing, and may be the
    # image builder's own number: it stays home too.
    assert result["os.version"] is None


def test_values_outside_the_tables_become_null() -> None:
    document = {
        "schema": 1,
        "runtime": {"kind": "hacker"},
        "ci": {"id": "my-secret-ci", "name": "x", "is_pr": "yes"},
        "cloud": {"provider": "aws", "platform": "account-1234"},
        "os": {
            "type": "linux",
            "name": "x",
            "version": "x",
            "distro": {"id": "ubuntu", "version": "22.04.4"},
        },
        "host": {"arch": "x86_64"},
        "python": {"implementation": "cpython", "version": "3.12.3 (main, dana)", "bits": True},
        "terminal": {"interactive": "maybe", "program": "secret-term"},
    }
    result = fingerprint(document)
    assert result["runtime.kind"] is None
    assert result["ci.detected"] is True
    assert result["ci.id"] is None
    assert result["ci.is_pr"] is None
    assert result["cloud.platform"] is None
    assert result["host.arch"] is None  # only host.arch values, not raw machine names
    assert result["python.version"] is None
    assert result["python.bits"] is None
    assert result["terminal.interactive"] is None
    assert result["terminal.program"] is None
    assert result["os.distro.version"] == "22.04"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("22.04", "22.04"),
        ("9.4", "9.4"),
        ("2023.5.20240805", "2023.5"),
        ("12", "12"),
        ("14.1-RELEASE-p5", "14.1"),
        ("7.9.2009", "7.9"),
        ("sid", None),
        ("", None),
        ("\u0661\u0662.1", None),
        ("1.2.3.4.5", "1.2"),
        (None, None),
        ("1234567.1", None),
    ],
)
def test_major_minor(value: Any, expected: str | None) -> None:
    assert major_minor(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("10.0.22631", "10.0.22631"),
        ("10.0.22631.4169", "10.0.22631"),
        ("10.0", None),
        ("2024", None),
        (None, None),
        ("10.0.19045", "10.0.19045"),
        ("10.0.26100", "10.0.26100"),
        ("10.0.17763", "10.0.17763"),
        ("6.1.7601", "6.1.7601"),
        ("6.3.9600", "6.3.9600"),
        # Sentinels: a build no Windows has, a long number, an odd kernel pair.
        ("10.0.918273645501", None),
        ("10.0.918273", None),
        ("10.0.123", None),
        ("10.0.02263", None),
        ("10.7.22631", None),
        ("918273.645501.22631", None),
        ("10.0.2263\u0661", None),
    ],
)
def test_windows_version(value: Any, expected: str | None) -> None:
    assert windows_version(value) == expected


#: Versions as the fixtures' machines report them, and what leaves the machine.
REAL_LINUX_VERSIONS = [
    ("12", "12"),
    ("24.04", "24.04"),
    ("9.4", "9.4"),
    ("9.6", "9.6"),
    ("2023", "2023"),
    ("2023.5.20240805", "2023.5"),
    ("15.6", "15.6"),
    ("3.20.3", "3.20"),
    ("3.19.8", "3.19"),
    ("41", "41"),
    ("7.9.2009", "7.9"),
    ("6.10", "6.10"),
    ("2024.3", "2024.3"),
    ("2.18", "2.18"),
    ("24.05", "24.05"),
    ("15.0", "15.0"),
    ("5.0", "5.0"),
    ("2", "2"),
    ("8.10", "8.10"),
    # Rolling releases: the snapshot date, coarsened to year.month.
    ("20241208", "2024.12"),
    ("20230304", "2023.03"),
    ("20230201", "2023.02"),
]
PLANTED_LINUX_VERSIONS = [
    "918273.645501-alice",
    "918273.645501",
    "918273645501",
    "24.918273",
    "24.645",
    "12345.1",
    "trixie/sid",
    "TEMPLATE_VERSION_ID",
    "39150",
    "20241399",
    "19991208",
    "2024120899",
    "\u0661\u0662.04",
    "24.04" + "0" * 70,
    "",
    " ",
    "alice",
    "1.2e3",
]


@pytest.mark.parametrize(("value", "expected"), REAL_LINUX_VERSIONS)
def test_linux_version_keeps_real_releases(value: str, expected: str) -> None:
    assert linux_version(value) == expected
    assert linux_version(expected) == expected  # what is sent is itself a real shape


@pytest.mark.parametrize("value", PLANTED_LINUX_VERSIONS)
def test_linux_version_drops_anything_else(value: str) -> None:
    assert linux_version(value) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("14.5", "14.5"),
        ("14.6.1", "14.6"),
        ("15.1", "15.1"),
        ("26.1", "26.1"),
        ("10.15.7", "10.15"),
        ("13.6.3", "13.6"),
        ("11", "11"),
        ("918273.645501", None),
        ("14.918273", None),
        ("9.6", None),
        ("100.1", None),
        ("50.1", None),
        ("14.123", None),
        ("alice", None),
        (None, None),
    ],
)
def test_macos_version(value: Any, expected: str | None) -> None:
    assert macos_version(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("14.1-RELEASE-p5", "14.1"),
        ("13.2-RELEASE", "13.2"),
        ("7.5", "7.5"),
        ("5.11", "5.11"),
        ("6.4-RELEASE", "6.4"),
        ("10.0_1", "10.0"),
        ("918273.6-RELEASE", None),
        ("14.918273-RELEASE", None),
        ("123.1", None),
        ("B.11.31", None),
        ("", None),
        (None, None),
    ],
)
def test_release_version(value: Any, expected: str | None) -> None:
    assert release_version(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("3.30.0", "3.30"),
        ("1.62.0", "1.62"),
        ("3.40-243", "3.40"),
        ("1.60-223", "1.60"),
        ("4.7-SNAPSHOT", "4.7"),
        ("3.31.0-SNAPSHOT", "3.31"),
        ("1.65.0", "1.65"),
        ("1.100.0", "1.100"),
        # The suffix never leaves the machine; a long number never does either.
        ("3.30.0-aliceLaptop42", "3.30"),
        ("918273.645501", None),
        ("3.918273", None),
        ("918273", None),
        ("100.1", None),
        (None, None),
    ],
)
def test_toolkit_version(value: Any, expected: str | None) -> None:
    assert toolkit_version(value) == expected


def test_fixture_versions_are_sent_or_documented_as_dropped() -> None:
    """Every version a fixture machine reports reaches the fingerprint in its
    release's shape, except the documented few that no rule admits."""
    from tests.conftest import fixture_paths, load

    dropped = set()
    for path in fixture_paths():
        env = envdetect.detect(envdetect.load_fixture(load(path)), plugins=False)
        document, result = env.to_dict(), env.fingerprint()
        local = (document["os"]["distro"] or {}).get("version") or document["os"]["version"]
        if local is not None and result["os.version"] is None:
            dropped.add(local)
        if document["toolkit"] and document["toolkit"]["version"]:
            assert result["toolkit.version"] is not None, path.name
    # Debian testing's codename, an unfilled template and a Clear Linux build number.
    assert dropped == {"trixie/sid", "TEMPLATE_VERSION_ID", "39150"}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("3.30.0", "3.30"),
        ("1.60-223", "1.60"),
        ("4.7-SNAPSHOT", "4.7"),
        ("3.40-243", "3.40"),
        ("2", "2"),
        ("not a version", None),
        ("1" * 40, None),
        (None, None),
    ],
)
def test_toolkit_version_is_coarsened_with_packaging(value: Any, expected: str | None) -> None:
    assert coarse_version(value) == expected


def test_resource_attributes_use_opentelemetry_names() -> None:
    env = envdetect.detect(envdetect.load_fixture(UBUNTU), plugins=False)
    attributes = env.resource_attributes()
    assert attributes["os.type"] == "linux"
    assert attributes["os.name"] == "Ubuntu"
    assert attributes["os.version"] == "22.04"
    assert attributes["host.arch"] == "amd64"
    assert attributes["process.runtime.name"] == "cpython"
    assert attributes["process.runtime.version"] == "3.12.3"
    assert attributes["envdetect.runtime.kind"] == "terminal"
    assert attributes["envdetect.digest"] == env.fingerprint()["digest"]
    assert None not in attributes.values()
    assert attributes["process.interactive"] is True
    assert all(
        key.startswith(
            (
                "os.",
                "host.",
                "process.runtime.",
                "process.interactive",
                "cloud.",
                "container.runtime.",
                "envdetect.",
            )
        )
        for key in attributes
    )
    # Never the SDK's process/host detector attributes: paths, command lines, names.
    for forbidden in (
        "host.name",
        "process.executable.path",
        "process.command_line",
        "process.command_args",
        "process.owner",
        "host.id",
    ):
        assert forbidden not in attributes


def test_resource_attributes_from_a_fingerprint_dict() -> None:
    fields = fp(UBUNTU)
    assert resource_attributes(fields)["envdetect.python.bits"] == 64


def test_fingerprint_is_not_computed_by_detect() -> None:
    import subprocess
    import sys

    code = (
        "import sys, envdetect; envdetect.detect(); "
        "print(sorted(m for m in ('packaging', 'hashlib', 'envdetect._fingerprint') "
        "if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-S", "-c", f"import sys; sys.path[:0] = {sys.path!r}\n" + code],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert out.strip() == "[]"


PAIRS = (
    ("ci.id", ("ci", "id")),
    ("toolkit.id", ("toolkit", "id")),
    ("ide.id", ("ide", "id")),
    ("ide.product", ("ide", "product")),
    ("agent.id", ("agent", "id")),
    ("notebook.id", ("notebook", "id")),
    ("cloud.provider", ("cloud", "provider")),
    ("cloud.platform", ("cloud", "platform")),
    ("container.id", ("container", "id")),
    ("terminal.program", ("terminal", "program")),
    ("host.arch", ("host", "arch")),
    ("os.type", ("os", "type")),
    ("runtime.kind", ("runtime", "kind")),
)


def test_every_detected_id_survives_into_the_fingerprint() -> None:
    """The closed tables know every id a detector emits (a missing table entry
    would silently turn a real answer into null in the telemetry)."""
    from tests.conftest import fixture_paths, load

    seen: dict[str, set[str]] = {key: set() for key, _ in PAIRS}
    for path in fixture_paths():
        env = envdetect.detect(envdetect.load_fixture(load(path)), plugins=False)
        document, result = env.to_dict(), env.fingerprint()
        for key, (facet, field) in PAIRS:
            value = (document.get(facet) or {}).get(field)
            if value:
                seen[key].add(value)
                assert result[key] == value, (path.name, key, value)
    assert all(seen.values()), {key: len(values) for key, values in seen.items()}


def test_closed_tables_are_the_detectors_tables() -> None:
    from envdetect._fingerprint import closed_tables

    tables = closed_tables()
    assert all(tables.values()), [key for key, values in tables.items() if not values]
    assert {"github_actions", "gitlab", "codebuild", "jenkins"} <= tables["ci.id"]
    assert {"aws_lambda", "gcp_cloud_run", "azure.functions"} <= tables["cloud.platform"]
    assert {"aws", "gcp", "azure"} <= tables["cloud.provider"]
