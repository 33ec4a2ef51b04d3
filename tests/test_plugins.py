"""Third-party detectors from a real installed distribution (tests/plugin)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib.metadata import PackageNotFoundError, distribution

import pytest

import envdetect
from envdetect._plugins import load_entry_point_detectors
from tests.conftest import ROOT

try:
    distribution("envdetect-testplugin")
except PackageNotFoundError:  # pragma: no cover - tox always installs it
    pytest.skip("install tests/plugin (tox does) to run the plugin tests",
                allow_module_level=True)

FARM = {"environ": {"ACME_BUILD_FARM": "1", "ACME_LARGE_POOL": "yes"}}


def test_entry_points_are_discovered() -> None:
    facets = sorted(detector.facet for detector in load_entry_point_detectors())
    assert facets == ["build_farm", "exploding"]


def test_plugins_run_only_when_asked(monkeypatch) -> None:
    monkeypatch.delenv("ENVDETECT_PLUGINS", raising=False)
    ctx_doc = envdetect.detect(envdetect.load_fixture(FARM)).to_dict()
    assert "extensions" not in ctx_doc

    asked = envdetect.detect(envdetect.load_fixture(FARM), plugins=True)
    assert asked.to_dict()["extensions"] == {"build_farm": {"id": "acme", "pool": "linux-large"}}

    monkeypatch.setenv("ENVDETECT_PLUGINS", "1")
    by_env = envdetect.detect(envdetect.load_fixture(FARM))
    assert by_env.to_dict()["extensions"]["build_farm"]["id"] == "acme"


def test_failing_plugin_leaves_everything_else() -> None:
    env = envdetect.detect(envdetect.load_fixture(FARM), plugins=True)
    errors = {label: info["error"] for label, info in env.explanation.items() if info["error"]}
    assert errors == {"exploding (plugin envdetect_testplugin)": "RuntimeError"}
    assert env.terminal.interactive is False
    assert env.os is not None


def test_default_detect_does_not_scan_entry_points() -> None:
    code = ("import sys, envdetect; envdetect.detect(); "
            "print('importlib.metadata' in sys.modules)")
    env = {key: value for key, value in os.environ.items() if key != "ENVDETECT_PLUGINS"}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env=env, cwd=ROOT, check=True)
    assert result.stdout.strip() == "False"


def test_cli_always_loads_plugins() -> None:
    env = dict(os.environ, ACME_BUILD_FARM="1")
    result = subprocess.run([sys.executable, "-m", "envdetect", "--json"], capture_output=True,
                            text=True, env=env, cwd=ROOT, check=True)
    assert json.loads(result.stdout)["extensions"]["build_farm"]["pool"] == "default"
    explained = subprocess.run([sys.executable, "-m", "envdetect", "--explain"],
                               capture_output=True, text=True, env=env, cwd=ROOT, check=True)
    assert "exploding (plugin envdetect_testplugin): detector failed (RuntimeError)" in (
        explained.stdout)
