"""Every derived literal is what scripts/generate.py writes from the tables.

The gates, the CI name index, the cloud's and the terminal's ids and the
fingerprint's closed tables are generated between ``# <generated: NAME>``
markers; ``--check`` fails on a block that differs from its tables, and on a
table that was renamed (no silent empty literal).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from envdetect import _fingerprint
from envdetect.detectors import CLOSED_TABLES
from tests.conftest import ROOT

SCRIPT = ROOT / "scripts" / "generate.py"


def _generate(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    # -S -E: the copy's package, not an installed one, whatever the environment says.
    return subprocess.run(
        [sys.executable, "-S", "-E", str(SCRIPT), "--root", str(root), *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=root,
    )


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    shutil.copytree(
        ROOT / "envdetect", tmp_path / "envdetect", ignore=shutil.ignore_patterns("__pycache__")
    )
    return tmp_path


def test_every_generated_block_is_up_to_date() -> None:
    result = _generate(ROOT, "--check")
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("path", "old", "new"),
    [
        ("envdetect/detectors/__init__.py", '"GITHUB_ACTIONS", ', ""),
        ("envdetect/detectors/ci.py", '"TRAVIS", ', '"TRAVIS", "TRAVIS_X", '),
        ("envdetect/detectors/terminal.py", '"kitty", ', ""),
        ("envdetect/_fingerprint.py", '"gitlab", ', '"gitlab", "gitlub", '),
    ],
)
def test_check_fails_on_a_block_edited_by_hand(copy: Path, path: str, old: str, new: str) -> None:
    target = copy / path
    text = target.read_text()
    assert old in text
    target.write_text(text.replace(old, new, 1))
    result = _generate(copy, "--check")
    assert result.returncode == 1
    assert path in result.stderr
    assert target.read_text() != text  # --check wrote nothing
    # Without --check the block is rewritten, and the check then passes.
    assert _generate(copy).returncode == 0
    assert target.read_text() == text
    assert _generate(copy, "--check").returncode == 0


def test_check_fails_when_a_table_changes_and_nobody_regenerates(copy: Path) -> None:
    agent = copy / "envdetect/detectors/agent.py"
    text = agent.read_text()
    row = '("other", ("flag", "CLINE_ACTIVE")),'
    assert row in text
    agent.write_text(text.replace(row, f'{row}\n    ("other", ("flag", "NEW_AGENT")),'))
    result = _generate(copy, "--check")
    assert result.returncode == 1
    assert "envdetect/detectors/__init__.py: <generated: gates>" in result.stderr


def test_a_renamed_table_is_an_error_not_an_empty_field(copy: Path) -> None:
    terminal = copy / "envdetect/detectors/terminal.py"
    terminal.write_text(
        terminal.read_text().replace(
            "PROGRAMS = TERMINAL_PROGRAM_IDS", "PROGRAM_IDS = TERMINAL_PROGRAM_IDS"
        )
    )
    result = _generate(copy, "--check")
    assert result.returncode == 2
    assert "terminal:PROGRAMS" in result.stderr


def test_a_missing_marker_is_an_error(copy: Path) -> None:
    ci = copy / "envdetect/detectors/ci.py"
    ci.write_text(ci.read_text().replace("# <generated: names>", "# names"))
    result = _generate(copy, "--check")
    assert result.returncode == 2
    assert "markers missing" in result.stderr


def test_the_fingerprint_reads_every_indexed_table() -> None:
    tables = _fingerprint.closed_tables()
    for field in CLOSED_TABLES:
        assert tables[field], field
    assert set(CLOSED_TABLES) == set(_fingerprint.DETECTOR_IDS)
