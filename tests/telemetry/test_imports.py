"""Importing envdetect.telemetry and constructing it stay cheap: the sender, the
payload code, json, urllib, http, socket and threading load only when an event
is recorded."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT, run_fresh

HEAVY = {
    "json",
    "urllib",
    "urllib.request",
    "urllib.parse",
    "http",
    "http.client",
    "threading",
    "socket",
    "ssl",
    "re",
    "subprocess",
    "logging",
    "envdetect.telemetry._queue",
    "envdetect.telemetry._payload",
    "envdetect.telemetry._spool",
    "envdetect.telemetry._transport",
    "envdetect._engine",
    "envdetect._fingerprint",
}

PROBE = """
before = set(sys.modules)
import envdetect.telemetry
after_import = set(sys.modules)
t = envdetect.telemetry.Telemetry("hostapp", "1.0", "http://127.0.0.1:9/",
                                  opt_out_env="HOSTAPP_TELEMETRY", config_dir={root!r})
after_init = set(sys.modules)
print(repr({{"import": sorted(after_import - before), "init": sorted(after_init - before),
             "enabled": t.enabled}}))
"""


def new_modules(env: dict[str, str]) -> dict[str, object]:
    output = run_fresh(PROBE.format(root=str(ROOT)), env=env)
    import ast

    result: dict[str, object] = ast.literal_eval(output.strip().splitlines()[-1])
    return result


def startup_modules() -> set[str]:
    """What a normal interpreter start (with site) has loaded anyway: os among them."""
    done = subprocess.run(
        [sys.executable, "-E", "-c", "import sys; print(list(sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    import ast

    return set(ast.literal_eval(done.stdout))


def test_import_loads_only_the_module() -> None:
    loaded = set(new_modules({})["import"]) - startup_modules()  # type: ignore[call-overload]
    assert loaded <= {
        "__future__",
        "envdetect",
        "envdetect.telemetry",
        "envdetect.telemetry._consent",
    }, sorted(loaded)


@pytest.mark.parametrize("env", [{}, {"DO_NOT_TRACK": "1"}, {"HOSTAPP_TELEMETRY": "0"}])
def test_construction_loads_nothing_heavy(env: dict[str, str]) -> None:
    result = new_modules(env)
    loaded = set(result["init"])  # type: ignore[call-overload]
    assert loaded.isdisjoint(HEAVY), sorted(loaded & HEAVY)
    if env:  # opted out: nothing beyond the import
        assert result["enabled"] is False
        assert result["init"] == result["import"]
    else:
        assert result["enabled"] is True
        assert loaded - set(result["import"]) <= {"envdetect.telemetry._consent", "ntpath"}  # type: ignore[call-overload]


def test_probe_is_json_free() -> None:
    assert "json" not in PROBE  # the probe itself must not import what it looks for
    json.dumps(0)  # (this test module may)
