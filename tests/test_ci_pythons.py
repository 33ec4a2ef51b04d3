""".ci/pythons.sh, sourced by .ci/run: CI requires Python 3.9-3.13 and reports 3.14.

tox.ini skips missing interpreters so that a plain ``tox`` works on any machine; these
tests pin that CI still fails, naming the missing ones, instead of skipping them.  Each
runs the real script in bash with a PATH holding only stand-in ``pythonX.Y`` commands.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / ".ci" / "pythons.sh"
BASH = shutil.which("bash")

pytestmark = pytest.mark.skipif(
    os.name == "nt" or BASH is None, reason=".ci/run is a bash script for POSIX machines"
)


def _stand_ins(tmp_path: Path, versions: list[str]) -> Path:
    """A directory of ``pythonX.Y`` commands that run and succeed, one per version."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for version in versions:
        stand_in = bin_dir / f"python{version}"
        stand_in.write_text("#!/bin/sh\nexit 0\n", encoding="utf-8")
        stand_in.chmod(0o755)
    return bin_dir


def _run_check(bin_dir: Path) -> subprocess.CompletedProcess[str]:
    """Source the script as .ci/run does, with only *bin_dir* on PATH (so no pyenv)."""
    assert BASH is not None
    return subprocess.run(
        [
            BASH,
            "-c",
            'set -euo pipefail; . "$0"; expose_pyenv_pythons; require_pythons; '
            'echo "skip-missing=${TOX_SKIP_MISSING_INTERPRETERS-config}"',
            str(SCRIPT),
        ],
        env={"PATH": str(bin_dir), "HOME": str(bin_dir.parent)},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


def test_missing_required_pythons_fail_and_are_named(tmp_path: Path) -> None:
    result = _run_check(_stand_ins(tmp_path, ["3.9", "3.10", "3.13", "3.14"]))
    assert result.returncode == 1
    assert "not found: 3.11 3.12." in result.stderr
    assert "skip-missing=" not in result.stdout  # stopped before tox


def test_a_python_of_another_version_under_the_name_does_not_count(tmp_path: Path) -> None:
    required = ["3.9", "3.10", "3.11", "3.12", "3.13"]
    running = f"{sys.version_info.major}.{sys.version_info.minor}"
    impostor = next(version for version in required if version != running)
    bin_dir = _stand_ins(tmp_path, [version for version in required if version != impostor])
    (bin_dir / f"python{impostor}").symlink_to(sys.executable)  # a real, other Python
    result = _run_check(bin_dir)
    assert result.returncode == 1
    assert f"not found: {impostor}." in result.stderr


def test_missing_current_release_is_reported_and_skipped(tmp_path: Path) -> None:
    result = _run_check(_stand_ins(tmp_path, ["3.9", "3.10", "3.11", "3.12", "3.13"]))
    assert result.returncode == 0, result.stderr
    assert "Python 3.14 is not installed: tox skips py314." in result.stdout
    assert "skip-missing=config" in result.stdout  # tox.ini's skip_missing_interpreters


def test_with_every_python_nothing_may_be_skipped(tmp_path: Path) -> None:
    result = _run_check(_stand_ins(tmp_path, ["3.9", "3.10", "3.11", "3.12", "3.13", "3.14"]))
    assert result.returncode == 0, result.stderr
    assert "Python 3.14 found: tox runs py314 too." in result.stdout
    assert "skip-missing=false" in result.stdout
