"""The one rule language every detector table speaks (envdetect.detectors._rules)."""

from __future__ import annotations

from typing import Any

import pytest

from envdetect.detectors import _rules, agent, ci, cloud

ENV = {
    "A": "1",
    "B": " Yes ",
    "OFF": "false",
    "EMPTY": "",
    "WORDS": "CloudShell Tool/1 x",
    "TAG": " jenkins-job-7",
}


def _holds(rule: Any) -> bool:
    return _rules.holds(ENV.get, rule)


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ("A", True),
        ("EMPTY", False),
        ("MISSING", False),
        (("flag", "A"), True),
        (("flag", "OFF"), False),
        (("flag", "EMPTY"), False),
        (("eq", "B", "yes"), True),
        (("eq", "B", "YES"), True),
        (("eq", "B", "no"), False),
        (("in", "B", ("no", "yes")), True),
        (("in", "B", ("no",)), False),
        (("is", "B", "Yes"), True),
        (("is", "B", "yes"), False),
        (("prefix", "TAG", "jenkins-"), True),
        (("prefix", "TAG", "Jenkins-"), False),
        (("word", "WORDS", "Tool/1"), True),
        (("word", "WORDS", "tool/1"), False),
        (("word", "WORDS", "Cloud"), False),
        (("lword", "WORDS", "cloudshell"), True),
        (("lword", "WORDS", "cloud"), False),
        (("all", "A", ("flag", "B")), True),
        (("all", "A", "MISSING"), False),
        (("any", "MISSING", "A"), True),
        (("any", "MISSING", "EMPTY"), False),
        (("not", "MISSING"), True),
        (("not", "A"), False),
        (("probe", "anything"), False),
    ],
)
def test_each_operator(rule: Any, expected: bool) -> None:
    assert _holds(rule) is expected


def test_an_unknown_operator_is_an_error_not_a_silent_no() -> None:
    with pytest.raises(ValueError, match="unknown rule operator"):
        _holds(("regex", "A", ".*"))


def test_holds_gives_the_variables_that_made_the_rule_hold() -> None:
    signals: list[str] = []
    rule = ("any", ("all", "A", "MISSING"), ("all", ("flag", "B"), ("not", "OFFX")), "A")
    assert _rules.holds(ENV.get, rule, signals)
    # The first branch held half-way and left nothing; negations are no evidence.
    assert signals == ["env B"]


def test_mentioned_gives_every_set_variable_looked_at() -> None:
    rule = ("any", ("eq", "B", "no"), ("all", "A", ("not", "WORDS")), "EMPTY", "A")
    assert _rules.mentioned(ENV.get, rule) == ["env B", "env A"]


def test_variables_and_needed_read_the_names() -> None:
    rule = ("all", ("not", "X"), ("any", "A", ("eq", "B", "y")), "C")
    assert _rules.variables(rule) == ["X", "A", "B", "C"]
    assert _rules.variables(rule, negated=False) == ["A", "B", "C"]
    assert _rules.needed(rule) == {"A", "B"}
    assert _rules.needed(("any", "A", ("not", "B"))) is None
    assert _rules.needed(("probe", "x")) is None


def _operators(rule: Any) -> set[str]:
    if isinstance(rule, str):
        return {"set"}
    if rule[0] in ("all", "any", "not"):
        return {rule[0]}.union(*(_operators(part) for part in rule[1:]))
    return {rule[0]}


KNOWN = {"set", "flag", "eq", "in", "is", "prefix", "word", "lword", "all", "any", "not", "probe"}


def test_every_table_speaks_the_one_language() -> None:
    used = set()
    for vendor in ci.VENDORS:
        used |= _operators(vendor[2]) | (_operators(vendor[3]) if vendor[3] else set())
    for row in cloud.RULES:
        used |= set().union(*(_operators(condition) for condition in row[2]))
    for _, rule in agent.ENV_RULES:
        used |= _operators(rule)
    assert used <= KNOWN
    for name in used - {"set", "all", "any", "not", "probe"}:
        _holds((name, "A", ("1",) if name == "in" else "1"))  # each one evaluates
