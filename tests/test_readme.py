"""The README is a contract: its commands and id lists must match the code."""

from __future__ import annotations

import re

from envdetect._fingerprint import FIELDS, closed_tables
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
TEST_COMMAND = "python -m pip install tox && tox"
RUN_COMMAND = "python -m pip install . && python -m envdetect"


def test_the_two_commands_are_in_the_readme_and_ci_runs_the_test_one() -> None:
    blocks = re.findall(r"```\n(.*?)\n```", README, flags=re.S)
    assert RUN_COMMAND in blocks
    assert TEST_COMMAND in blocks
    ci_lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert TEST_COMMAND in [line.strip() for line in ci_lines]


def test_every_fingerprint_field_and_value_is_documented() -> None:
    for field in (*FIELDS, "digest"):
        assert f"| `{field}` |" in README, field
    for key, values in closed_tables().items():
        for value in values:
            assert f"`{value}`" in README, (key, value)


def test_every_ci_vendor_is_in_the_vendor_table() -> None:
    from envdetect.detectors import ci

    for vendor_id in ci.IDS:
        assert re.search(rf"^\| `{re.escape(vendor_id)}` \|", README, flags=re.M), vendor_id
