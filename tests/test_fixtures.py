"""Every fixture under fixtures/ replays to the answer it expects."""

from __future__ import annotations

from pathlib import Path

import pytest

import envdetect
from tests.conftest import fixture_id, fixture_paths, load, mismatches

ALL = fixture_paths()


def test_there_are_fixtures() -> None:
    assert len(ALL) >= 30


@pytest.mark.parametrize("path", ALL, ids=fixture_id)
def test_fixture_replays_to_its_expectation(path: Path) -> None:
    document = load(path)
    assert "expect" in document, "every fixture states the answer it expects"
    env = envdetect.detect(envdetect.load_fixture(document), plugins=False)
    problems = mismatches(document["expect"], env.to_dict())
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", ALL, ids=fixture_id)
def test_fixture_detectors_do_not_fail(path: Path) -> None:
    env = envdetect.detect(envdetect.load_fixture(load(path)), plugins=False)
    failures = {
        facet: info["error"] for facet, info in env.explanation.items() if info.get("error")
    }
    assert failures == {}
