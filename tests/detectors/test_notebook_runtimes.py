"""The real notebook runtimes: scripts/real_runtimes/notebooks.py, when they are installed.

ipykernel, jupyter_client and marimo are not envdetect dependencies and tox
does not install them: this module is skipped unless the interpreter running
the tests can import all three (see the script's docstring for a venv).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT

for _package in ("ipykernel", "jupyter_client", "marimo", "websockets"):
    pytest.importorskip(_package, reason=f"{_package} is not installed")

SCRIPT = ROOT / "scripts" / "real_runtimes" / "notebooks.py"


def test_every_real_notebook_runtime_reports_itself() -> None:
    environ = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, str(SCRIPT)],
        capture_output=True,
        text=True,
        timeout=600,
        env=environ,
        check=False,
    )
    cases = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert {case["runtime"] for case in cases} == {
        "jupyter_client",
        "ipykernel_direct_mplbackend_set",
        "marimo_export",
        "marimo_run",
    }
    assert all(case["ok"] for case in cases), cases
    assert result.returncode == 0
