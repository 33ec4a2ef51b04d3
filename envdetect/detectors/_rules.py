"""The one rule language of the detector tables (CI vendors, cloud platforms, agents).

A rule is plain data; :func:`holds` evaluates it against ``env``, a lookup
that answers ``None`` (or an empty string) for an unset variable.  A
variable set to the empty string counts as unset everywhere.  Comparisons
ignore the blanks around a value.

``"VAR"``
    VAR is set.
``("flag", "VAR")``
    VAR is set to something other than false/0/no/off (any case).
``("eq", "VAR", "value")``
    VAR equals the value, ignoring case.
``("in", "VAR", ("a", "b"))``
    VAR equals one of the (lower-case) values, ignoring case.
``("is", "VAR", "value")``
    VAR equals the value exactly (case counts).
``("prefix", "VAR", "text")``
    VAR starts with the text (case counts).
``("word", "VAR", "token")``
    the token is one of VAR's whitespace-separated words (case counts);
    never a substring of the whole value.
``("lword", "VAR", "token")``
    the same, ignoring case (``token`` is written in lower case).
``("all", rule, ...)`` / ``("any", rule, ...)`` / ``("not", rule)``
    combinations.
``("probe", "name")``
    not a variable: the table's probe (the process ancestry, a file) decides,
    only when no variable did; :func:`holds` never holds it.

Evidence is names, never values, in one of two readings: :func:`holds` fills
``signals`` with the variables *why* the rule held (the branch of an
``any`` that held, every part of an ``all``); :func:`mentioned` lists every
set variable a rule *looked at*, held or not (a pull-request rule whose
answer is "no" still says which variable said so).  :func:`variables` and
:func:`needed` read a rule's names for the generator (scripts/generate.py),
which writes the registry's gates from the tables.

The detector registry does not import this module: it is loaded with the
first detector whose gate opened.
"""

from envdetect._context import OFF_WORDS

TYPE_CHECKING = False
if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Callable
    from typing import Any

    Env = Callable[[str], "str | None"]


def holds(env: "Env", rule: "Any", signals: "list[str] | None" = None) -> bool:
    """Whether ``rule`` holds; appends ``env NAME`` for each variable that made it hold."""
    if rule.__class__ is str:
        if env(rule):
            if signals is not None:
                signals.append(f"env {rule}")
            return True
        return False
    op = rule[0]
    # Plain loops: a generator in all()/any() costs more than the rule itself.
    if op == "all":
        for part in rule[1:]:  # noqa: SIM110
            if not holds(env, part, signals):
                return False
        return True
    if op == "any":
        for part in rule[1:]:
            if signals is None:
                if holds(env, part):
                    return True
                continue
            branch: list[str] = []  # a branch that fails half-way leaves no evidence
            if holds(env, part, branch):
                signals.extend(branch)
                return True
        return False
    if op == "not":
        return not holds(env, rule[1])
    if op == "probe":
        return False
    name = rule[1]
    value = env(name)
    if not value:
        return False
    if op == "flag":
        ok = value.strip().lower() not in OFF_WORDS
    elif op == "eq":
        ok = value.strip().lower() == rule[2].lower()
    elif op == "in":
        ok = value.strip().lower() in rule[2]
    elif op == "is":
        ok = value.strip() == rule[2]
    elif op == "prefix":
        ok = value.strip().startswith(rule[2])
    elif op == "word":
        ok = rule[2] in value.split()
    elif op == "lword":
        ok = rule[2] in value.lower().split()
    else:
        raise ValueError(f"unknown rule operator {op!r}")
    if ok and signals is not None:
        signals.append(f"env {name}")
    return ok


def mentioned(env: "Env", rule: "Any") -> "list[str]":
    """Every set variable ``rule`` looks at, as ``env NAME``, once each, in rule
    order (none under ``not``: what must be absent is not evidence)."""
    names: list[str] = []
    for name in variables(rule, negated=False):
        signal = f"env {name}"
        if env(name) and signal not in names:
            names.append(signal)
    return names


def variables(rule: "Any", negated: bool = True) -> "list[str]":
    """Every variable name in ``rule``, in order (with those under ``not``
    unless ``negated`` is false)."""
    if rule.__class__ is str:
        return [rule]
    op = rule[0]
    if op in ("all", "any"):
        return [name for part in rule[1:] for name in variables(part, negated)]
    if op == "not":
        return variables(rule[1], negated) if negated else []
    if op == "probe":
        return []
    return [rule[1]]


def needed(rule: "Any") -> "frozenset[str] | None":
    """Variables one of which ``rule`` cannot hold without; ``None`` when
    there is no such set (a ``not`` alone, a probe)."""
    if rule.__class__ is str:
        return frozenset((rule,))
    op = rule[0]
    if op == "all":
        for part in rule[1:]:
            found = needed(part)
            if found is not None:
                return found
        return None
    if op == "any":
        union: set[str] = set()
        for part in rule[1:]:
            found = needed(part)
            if found is None:
                return None
            union |= found
        return frozenset(union)
    if op in ("not", "probe"):
        return None
    return frozenset((rule[1],))
