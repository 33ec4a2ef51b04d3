"""envdetect.otel with the real OpenTelemetry SDK: the entry point, the Resource,
the semantic conventions, merging with cloud detectors and hostile machines."""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("opentelemetry.sdk.resources", reason="install envdetect[otel] (tox does)")

from opentelemetry.sdk.resources import (
    Resource,
    ResourceDetector,
    get_aggregated_resources,
)
from opentelemetry.util._importlib_metadata import entry_points

import envdetect
from envdetect import _fingerprint
from envdetect._fingerprint import (
    OTEL_NAMES,
    OTEL_SPELLINGS,
    OTEL_VALUES,
    SCHEMA_URL,
    closed_tables,
)
from envdetect._fixture import FixtureContext
from envdetect.otel import EnvdetectResourceDetector
from tests.conftest import FIXTURES, ROOT, load
from tests.test_capture import (
    FILLER,
    HOSTILE_OS_RELEASES,
    REAL_OS_RELEASE,
    large_world,
)

GROUP = "opentelemetry_resource_detector"
#: The SDK's wait for each detector (get_aggregated_resources' default).
SDK_TIMEOUT = 5.0


def declared_entry_point() -> str:
    """What pyproject.toml declares for ``envdetect`` in the SDK's group."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    found = re.search(
        rf'^\[project\.entry-points\.{GROUP}\]\nenvdetect = "([^"]+)"$', text, re.MULTILINE
    )
    assert found, "pyproject.toml declares no envdetect resource detector"
    return found.group(1)


@pytest.fixture
def detector_path(tmp_path: Path) -> list[str]:
    """Directories to put first on sys.path so that the SDK finds the entry point.

    tox installs the wheel, whose metadata holds it.  A run from a source tree
    has no installed envdetect: then a ``.dist-info`` declares what
    pyproject.toml does, as an installation would.
    """
    installed = list(entry_points(group=GROUP, name="envdetect"))
    if installed:
        assert installed[0].value == declared_entry_point()
        return []
    info = tmp_path / f"envdetect-{envdetect.__version__}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: envdetect\nVersion: {envdetect.__version__}\n"
    )
    (info / "entry_points.txt").write_text(f"[{GROUP}]\nenvdetect = {declared_entry_point()}\n")
    return [str(tmp_path)]


def run_python(code: str, path: list[str], **environ: str) -> subprocess.CompletedProcess[str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("OTEL_", "ENVDETECT_"))
    }
    env.update(environ)
    env["PYTHONPATH"] = os.pathsep.join([*path, str(ROOT)])
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=60,
        check=False,
    )


CREATE = """
import json, time
start = time.perf_counter()
from opentelemetry.sdk.resources import Resource
resource = Resource.create()
print(json.dumps({"seconds": time.perf_counter() - start, "schema_url": resource.schema_url,
                  "attributes": dict(resource.attributes)}))
"""


def detect_with(context: Any = None, **options: Any) -> Resource:
    return get_aggregated_resources(
        [EnvdetectResourceDetector(context=context, **options)], Resource.get_empty()
    )


def fixture(area: str) -> FixtureContext:
    return envdetect.load_fixture(FIXTURES / area)


# -- the entry point and Resource.create() -------------------------------------------


def test_the_entry_point_resolves_by_name(detector_path: list[str]) -> None:
    # The SDK's own lookup, as _build_resource_detectors() does it.
    code = (
        "from opentelemetry.util._importlib_metadata import entry_points; "
        f"(ep,) = entry_points(group={GROUP!r}, name='envdetect'); "
        "print(ep.load().__module__, ep.load().__name__)"
    )
    done = run_python(code, detector_path)
    assert done.stdout.split() == ["envdetect.otel", "EnvdetectResourceDetector"], done.stderr


def test_resource_create_under_the_variable_carries_envdetect(detector_path: list[str]) -> None:
    done = run_python(CREATE, detector_path, OTEL_EXPERIMENTAL_RESOURCE_DETECTORS="envdetect")
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    resource = json.loads(done.stdout)
    attributes = resource["attributes"]
    live = envdetect.detect(plugins=False)
    assert attributes["host.arch"] == live.host.arch
    assert attributes["os.type"] == live.os.type
    assert attributes["envdetect.runtime.kind"] == live.runtime.kind
    assert resource["schema_url"] == SCHEMA_URL
    # The SDK's own attributes are still there, and envdetect set no service identity.
    assert attributes["telemetry.sdk.name"] == "opentelemetry"
    assert attributes["service.name"].startswith("unknown_service")


def test_without_the_variable_envdetect_adds_nothing(detector_path: list[str]) -> None:
    done = run_python(CREATE, detector_path)
    resource = json.loads(done.stdout)
    assert not [key for key in resource["attributes"] if key.startswith(("envdetect.", "host."))]
    assert resource["schema_url"] == ""


# -- what the Resource says ------------------------------------------------------------


@pytest.mark.parametrize(
    ("area", "expected"),
    [
        (
            "ci/github_actions/push.json",
            {"envdetect.ci.id": ("ci", "id"), "envdetect.runtime.kind": ("runtime", "kind")},
        ),
        ("container/docker-cgroup-v1.json", {"container.runtime.name": ("container", "id")}),
        ("container/podman-rootless.json", {"container.runtime.name": ("container", "id")}),
        (
            "cloud/aws/lambda-python312.json",
            {
                "cloud.provider": ("cloud", "provider"),
                "cloud.platform": ("cloud", "platform"),
                "envdetect.runtime.kind": ("runtime", "kind"),
            },
        ),
        (
            "cloud/gcp/cloud-run-service-gen1.json",
            {"cloud.provider": ("cloud", "provider"), "cloud.platform": ("cloud", "platform")},
        ),
    ],
)
def test_a_fixture_shows_up_in_the_resource(
    area: str,
    expected: dict[str, tuple[str, str]],
) -> None:
    expect = load(FIXTURES / area)["expect"]
    resource = detect_with(fixture(area))
    assert resource.schema_url == SCHEMA_URL
    for attribute, (facet, key) in expected.items():
        assert resource.attributes[attribute] == expect[facet][key], attribute
    assert "container.id" not in resource.attributes


def test_an_orchestrator_is_no_container_runtime() -> None:
    attributes = detect_with(fixture("container/kubernetes-containerd-cgroup-v2.json")).attributes
    assert attributes["envdetect.container.id"] == "kubernetes"
    assert not [key for key in attributes if key.startswith("container.")]


def test_a_cloud_pair_outside_the_conventions_keeps_envdetect_names() -> None:
    attributes = detect_with(fixture("cloud/aws/cloudshell.json")).attributes
    assert (attributes["envdetect.cloud.provider"], attributes["envdetect.cloud.platform"]) == (
        "aws",
        "aws_cloudshell",
    )
    assert not [key for key in attributes if key.startswith("cloud.")]


def test_z_os_takes_the_current_spelling() -> None:
    attributes = _fingerprint.resource_attributes({"os.type": "z_os"})
    assert attributes == {"os.type": "zos"}


def test_the_resource_holds_nothing_planted() -> None:
    world = large_world(REAL_OS_RELEASE)
    world["environ"].update(
        {
            "HOSTNAME": f"{FILLER}-host",
            "USER": f"{FILLER}-user",
            "AWS_LAMBDA_FUNCTION_NAME": f"{FILLER}-function",
            "AWS_REGION": "eu-west-1",
            "OTEL_SERVICE_NAME": FILLER,
        }
    )
    resource = detect_with(envdetect.load_fixture(world))
    assert resource.attributes["os.name"] == "Ubuntu"
    assert FILLER not in resource.to_json()
    names = {
        *OTEL_NAMES.values(),
        *(f"envdetect.{field}" for field in _fingerprint.FIELDS),
        "envdetect.digest",
    }
    assert set(resource.attributes) <= names


# -- the semantic conventions ------------------------------------------------------------


def semconv_attributes() -> dict[str, str]:
    """Every attribute the installed conventions define -> its docstring."""
    import opentelemetry.semconv

    base = Path(opentelemetry.semconv.__file__).parent
    found: dict[str, str] = {}
    for source in [*base.glob("attributes/*.py"), *base.glob("_incubating/attributes/*.py")]:
        body = ast.parse(source.read_text(encoding="utf-8")).body
        for statement, following in zip(body, [*body[1:], None]):
            if (
                isinstance(statement, ast.AnnAssign)
                and isinstance(statement.value, ast.Constant)
                and isinstance(statement.value.value, str)
            ):
                doc = (
                    following.value.value
                    if isinstance(following, ast.Expr) and isinstance(following.value, ast.Constant)
                    else ""
                )
                found[statement.value.value] = str(doc).strip()
    return found


@pytest.fixture(scope="module")
def semconv() -> dict[str, str]:
    from opentelemetry.semconv.schemas import Schemas

    if SCHEMA_URL not in {schema.value for schema in Schemas}:
        pytest.skip(f"the installed conventions predate {SCHEMA_URL}")
    return semconv_attributes()


def test_every_standard_name_is_current(semconv: dict[str, str]) -> None:
    for field, name in OTEL_NAMES.items():
        assert name in semconv, (field, name)
        assert not semconv[name].startswith("Deprecated"), (name, semconv[name])
    # And no field left in envdetect.* has a current standard name of its own.
    assert not {
        f"{field}"
        for field in _fingerprint.FIELDS
        if field not in OTEL_NAMES
        and field in semconv
        and not semconv[field].startswith("Deprecated")
    }


def test_well_known_values_are_the_conventions(semconv: dict[str, str]) -> None:
    from opentelemetry.semconv._incubating.attributes.cloud_attributes import (
        CloudPlatformValues,
        CloudProviderValues,
    )
    from opentelemetry.semconv._incubating.attributes.os_attributes import OsTypeValues

    tables = closed_tables()
    for field, values in (
        ("cloud.provider", CloudProviderValues),
        ("cloud.platform", CloudPlatformValues),
    ):
        assert OTEL_VALUES[field] == tables[field] & {value.value for value in values}, field
    current_os_types = {value.value for value in OsTypeValues if value.name != "Z_OS"}
    assert {
        OTEL_SPELLINGS.get(("os.type", value), value) for value in tables["os.type"]
    } <= current_os_types


# -- precedence with the cloud detectors -------------------------------------------------


class MetadataDetector(ResourceDetector):
    """What a metadata-endpoint cloud detector (aws_ec2, gcp, azure_vm) returns."""

    def __init__(self, attributes: dict[str, Any], schema_url: str = "") -> None:
        super().__init__()
        self.attributes = attributes
        self.schema_url = schema_url

    def detect(self) -> Resource:
        return Resource(self.attributes, self.schema_url)


LAMBDA_ENVIRON = {
    "AWS_REGION": "eu-west-1",
    "AWS_LAMBDA_FUNCTION_NAME": "orders",
    "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
    "AWS_LAMBDA_LOG_STREAM_NAME": "2026/12/08/[$LATEST]abc",
    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "512",
}


def test_with_the_aws_lambda_detector_cloud_is_one_story(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    lambda_module = pytest.importorskip(
        "opentelemetry.sdk.extension.aws.resource._lambda",
        reason="install opentelemetry-sdk-extension-aws (tox does)",
    )
    for key, value in LAMBDA_ENVIRON.items():
        monkeypatch.setenv(key, value)
    envdetect_first = [
        EnvdetectResourceDetector(context=fixture("cloud/aws/lambda-python312.json")),
        lambda_module.AwsLambdaResourceDetector(),
    ]
    for detectors in (envdetect_first, envdetect_first[::-1]):
        resource = get_aggregated_resources(detectors, Resource.get_empty())
        attributes = resource.attributes
        assert (
            attributes["cloud.provider"],
            attributes["cloud.platform"],
            attributes["cloud.region"],
        ) == ("aws", "aws_lambda", "eu-west-1")
        assert attributes["faas.max_memory"] == 512
        assert attributes["envdetect.runtime.kind"] == "cloud"
        assert resource.schema_url == SCHEMA_URL


@pytest.mark.parametrize(
    "area", ["cloud/gcp/cloud-run-service-gen1.json", "cloud/gcp/cloud-shell.json"]
)
def test_the_later_detector_wins_the_whole_cloud_pair(area: str) -> None:
    metadata = {
        "cloud.provider": "gcp",
        "cloud.platform": "gcp_kubernetes_engine",
        "cloud.region": "europe-west1",
    }
    ours = EnvdetectResourceDetector(context=fixture(area))
    alone = detect_with(fixture(area)).attributes
    envdetect_pair = (alone.get("cloud.provider"), alone.get("cloud.platform"))
    first = get_aggregated_resources([ours, MetadataDetector(metadata)], Resource.get_empty())
    last = get_aggregated_resources([MetadataDetector(metadata), ours], Resource.get_empty())
    assert (first.attributes["cloud.provider"], first.attributes["cloud.platform"]) == (
        "gcp",
        "gcp_kubernetes_engine",
    )
    expected_last = (
        envdetect_pair if envdetect_pair != (None, None) else ("gcp", "gcp_kubernetes_engine")
    )
    assert (last.attributes["cloud.provider"], last.attributes["cloud.platform"]) == expected_last
    assert last.attributes["cloud.region"] == "europe-west1"


def test_a_detector_with_another_schema_url_is_dropped_by_the_sdk() -> None:
    other = MetadataDetector(
        {"cloud.region": "westeurope"}, "https://opentelemetry.io/schemas/1.11.0"
    )
    ours = EnvdetectResourceDetector(context=fixture("cloud/aws/lambda-python312.json"))
    later = get_aggregated_resources([ours, other], Resource.get_empty())
    assert "cloud.region" not in later.attributes
    assert later.schema_url == SCHEMA_URL
    earlier = get_aggregated_resources([other, ours], Resource.get_empty())
    assert "host.arch" not in earlier.attributes


# -- a hostile machine: never raises, never blocks ----------------------------------------


class Stuck(FixtureContext):
    """A machine where reading a file never returns (a FIFO, a hung network mount)."""

    def __init__(self, release: threading.Event) -> None:
        super().__init__({})
        self.release = release

    def read(self, path: str) -> str | None:
        self.release.wait(30)
        return None


@pytest.fixture
def stuck() -> Iterator[Stuck]:
    release = threading.Event()
    yield Stuck(release)
    release.set()


def test_a_stuck_machine_returns_an_empty_resource_in_time(stuck: Stuck) -> None:
    start = time.perf_counter()
    resource = detect_with(stuck, budget=0.2)
    elapsed = time.perf_counter() - start
    assert resource.attributes == {}
    assert elapsed < 1.0 < SDK_TIMEOUT


def test_a_stuck_machine_raises_only_when_asked(stuck: Stuck) -> None:
    with pytest.raises(TimeoutError, match=r"0\.2 s"):
        detect_with(stuck, budget=0.2, raise_on_error=True)


def test_a_failing_detection_is_an_empty_resource(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise MemoryError

    monkeypatch.setattr(envdetect, "detect", broken)
    assert detect_with().attributes == {}
    with pytest.raises(MemoryError):
        detect_with(raise_on_error=True)


@pytest.mark.parametrize("shape", sorted(HOSTILE_OS_RELEASES))
def test_junk_os_release_neither_raises_nor_leaks(shape: str) -> None:
    start = time.perf_counter()
    resource = detect_with(envdetect.load_fixture(large_world(HOSTILE_OS_RELEASES[shape])))
    assert time.perf_counter() - start < SDK_TIMEOUT
    assert resource.attributes["os.type"] == "linux"
    assert FILLER not in resource.to_json()


HANGING_PLUGIN = """
import pathlib, time
pathlib.Path({marker!r}).write_text("imported")

class Hangs:
    facet = "hangs"

    def detect(self, ctx):
        time.sleep(60)
"""


def test_plugins_never_run_inside_the_sdk(tmp_path: Path, detector_path: list[str]) -> None:
    marker = tmp_path / "plugin-was-imported"
    plugins = tmp_path / "plugins"
    info = plugins / "envdetect_hangs-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: envdetect-hangs\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[envdetect.detectors]\nhangs = hangs_plugin:Hangs\n")
    (plugins / "hangs_plugin.py").write_text(HANGING_PLUGIN.format(marker=str(marker)))
    done = run_python(
        CREATE,
        [*detector_path, str(plugins)],
        ENVDETECT_PLUGINS="1",
        OTEL_EXPERIMENTAL_RESOURCE_DETECTORS="envdetect",
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    resource = json.loads(done.stdout)
    assert resource["attributes"]["os.type"] == envdetect.detect(plugins=False).os.type
    assert not marker.exists()
    assert resource["seconds"] < SDK_TIMEOUT
