"""The ``ci`` facet: which CI system runs us, and whether it builds a pull request.

``{"id", "name", "is_pr"}``, or ``None`` outside CI.  In order:

1. The vendor table (:data:`envdetect.detectors._ci_vendors.VENDORS`), walked
   once over the environment; first match wins, so the table order is the
   precedence (look-alikes before what they imitate, tools that run inside
   another CI after every real CI).
2. Only when no variable named a vendor: the vendors that set no variable at
   all, from the process ancestry (Buildbot) and two small files (Concourse).
3. Generic CI: ``CI`` or ``CONTINUOUS_INTEGRATION`` set to a true-ish value
   gives ``{"id": null, "name": null, "is_pr": null}``.  ``CI`` set to
   false/0/no/off (any case) turns generic detection off; a vendor's own
   variables still win over it (people set ``CI=false`` inside real CI jobs to
   stop tools from treating warnings as errors).  ``BUILD_ID``,
   ``BUILD_NUMBER`` and ``RUN_ID`` alone are never CI.

A variable set to the empty string counts as unset.  Only the vendor id, its
display name and ``is_pr`` leave this module: no value is ever copied out.
"""

from __future__ import annotations

import sys

from envdetect.detectors._ci_vendors import FALSE_VALUES, GENERIC, MIXED_CASE, NAMES, VENDORS

TYPE_CHECKING = False
if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Callable
    from typing import Any

    from envdetect._context import Context, Process

    Env = Callable[[str], "str | None"]

facet = "ci"


def detect(ctx: Context) -> dict[str, Any] | None:
    values = _snapshot(ctx)
    env = values.get
    if values:
        for vendor in VENDORS:
            rule = vendor[2]
            # Fast rejection on the rule's first variable: most entries are a
            # bare name, a flag, or an "all" that starts with one.
            first = rule[1] if rule.__class__ is tuple and rule[0] == "all" else rule
            if first.__class__ is str:
                if first not in values:
                    continue
            elif first[0] == "flag" and first[1] not in values:
                continue
            if holds(env, rule):
                ctx.because(*_signals(env, rule))
                return _answer(ctx, env, vendor)
    for vendor in VENDORS:
        rule = vendor[2]
        if rule.__class__ is tuple and rule[0] == "probe":
            signal = PROBES[rule[1]](ctx)
            if signal is not None:
                ctx.because(signal)
                return _answer(ctx, env, vendor)
    flag = env("CI")
    if flag is not None and flag.strip().lower() in FALSE_VALUES:
        ctx.because("env CI")
        return None
    for name in GENERIC:
        value = env(name)
        if value is not None and value.strip().lower() not in FALSE_VALUES:
            ctx.because(f"env {name}")
            return {"id": None, "name": None, "is_pr": None}
    return None


def _snapshot(ctx: Context) -> dict[str, str]:
    """``ctx.env`` restricted to the variables the table consults, as a dict lookup.

    One pass over the environment's names finds which of :data:`NAMES` are
    set; only those are read.  ``os.environ.get`` of a missing name costs a
    caught ``KeyError``, and the table consults about 150 names.
    """
    values: dict[str, str] = {}
    for name in NAMES.intersection(ctx.environ):
        value = ctx.env(name)
        if value is not None:
            values[name] = value
    if sys.platform == "win32":
        for name in MIXED_CASE:
            value = ctx.env(name)
            if value is not None:
                values[name] = value
    return values


def _answer(ctx: Context, env: Env, vendor: tuple[str, str, Any, Any]) -> dict[str, Any]:
    pr_rule = vendor[3]
    is_pr: bool | None = None
    if pr_rule is not None:
        is_pr = holds(env, pr_rule)
        ctx.because(*_signals(env, pr_rule))
    return {"id": vendor[0], "name": vendor[1], "is_pr": is_pr}


def holds(env: Env, rule: Any) -> bool:
    """Whether a rule of the vendor table holds (see :mod:`._ci_vendors`)."""
    if rule.__class__ is str:
        return env(rule) is not None
    op = rule[0]
    if op == "flag":
        value = env(rule[1])
        return value is not None and value.strip().lower() not in FALSE_VALUES
    if op == "eq":
        value = env(rule[1])
        return value is not None and value.strip().lower() == rule[2].lower()
    if op == "in":
        value = env(rule[1])
        return value is not None and value.strip().lower() in rule[2]
    if op == "prefix":
        value = env(rule[1])
        return value is not None and value.startswith(rule[2])
    # Plain loops: a generator in all()/any() costs more than the rule itself.
    if op == "all":
        for part in rule[1:]:  # noqa: SIM110
            if not holds(env, part):
                return False
        return True
    if op == "any":
        for part in rule[1:]:  # noqa: SIM110
            if holds(env, part):
                return True
        return False
    if op == "not":
        return not holds(env, rule[1])
    return False  # "probe": not an environment rule


def _signals(env: Env, rule: Any) -> list[str]:
    """The set variables a rule looked at, as ``env NAME`` (names, never values)."""
    if rule.__class__ is str:
        return [f"env {rule}"] if env(rule) is not None else []
    op = rule[0]
    if op in ("all", "any"):
        names: list[str] = []
        for part in rule[1:]:
            for name in _signals(env, part):
                if name not in names:
                    names.append(name)
        return names
    if op in ("not", "probe"):
        return []
    return [f"env {rule[1]}"] if env(rule[1]) is not None else []


# -- vendors without variables -------------------------------------------------

#: The init process Concourse puts at PID 1 of its Linux containers: the
#: containerd runtime bind-mounts its init as /tmp/gdn-init
#: (concourse/concourse worker/runtime/spec), Guardian as /tmp/garden-init.
CONCOURSE_INITS = ("/tmp/gdn-init", "/tmp/garden-init")

#: Where Concourse mounts a step's inputs and outputs: /tmp/build/<handle>,
#: the handle being 8 hex digits (a hash of the step) or, in old versions, a UUID.
CONCOURSE_BUILD_ROOT = "/tmp/build"

#: Script names of Buildbot's daemons (``buildbot-worker start``, the old
#: ``buildslave start``, the master's ``buildbot start``).
BUILDBOT_SCRIPTS = ("buildbot-worker", "buildslave", "buildbot")


def _concourse(ctx: Context) -> str | None:
    """A Concourse step: /tmp/build/<handle> plus Concourse's init as PID 1.

    Task steps get no build metadata at all, by design; the container itself
    is the only witness.  On macOS and Windows workers (Houdini: no
    container) a step is a plain child process of ``concourse worker``
    (without a terminal, like every step not hijacked with ``fly``).
    """
    if ctx.platform.system == "Linux":
        names = ctx.listdir(CONCOURSE_BUILD_ROOT)
        if names and any(_is_handle(name) for name in names):
            init = ctx.read("/proc/1/cmdline")
            if init is not None and init.split("\0", 1)[0].strip() in CONCOURSE_INITS:
                return "file /proc/1/cmdline"
        return None
    if _interactive(ctx):
        return None
    for process in ctx.processes():
        if _stem(process.name) == "concourse" and "worker" in process.cmdline[1:3]:
            return "process concourse"
    return None


def _is_handle(name: str) -> bool:
    digits = name.replace("-", "")
    return len(digits) in (8, 32) and all(c in "0123456789abcdef" for c in digits)


def _buildbot(ctx: Context) -> str | None:
    """A Buildbot step: a child of the worker's (or master's) twistd process.

    The worker runs ``twistd ... buildbot.tac`` (the Docker image) or
    ``buildbot-worker start``, which runs twistd in-process; neither exports a
    variable of its own to the steps.  Steps run without a terminal unless
    the step asks for one (``usePTY``); a person at a terminal is not a step,
    and skipping the ancestry then saves a walk no other facet needs.
    """
    if _interactive(ctx):
        return None
    for process in ctx.processes():
        if _is_buildbot(process):
            return "process twistd (buildbot)"
    return None


def _is_buildbot(process: Process) -> bool:
    args = process.cmdline
    text = "\0".join(args) + "\0" + process.name
    if "buildbot" not in text and "buildslave" not in text:
        return False  # the common case, decided by one substring search
    for arg in args:
        if _stem(arg) == "buildbot.tac" or arg.endswith("=buildbot.tac"):
            return True
    script = _stem(process.name) in BUILDBOT_SCRIPTS or any(
        _stem(arg) in BUILDBOT_SCRIPTS for arg in args[:2])
    return script and ("start" in args or "restart" in args)


def _interactive(ctx: Context) -> bool:
    return bool(ctx.isatty("stdin") and ctx.isatty("stdout"))


def _stem(path: str) -> str:
    """The lowercased file name of a path, without a Windows ``.exe``."""
    name = path.replace("\\", "/").rsplit("/", 1)[-1].lower()
    return name[:-4] if name.endswith(".exe") else name


#: ``("probe", name)`` rules of the vendor table -> the function deciding them;
#: each returns the signal (a name, never a value) or ``None``.
PROBES: dict[str, Callable[[Context], str | None]] = {
    "concourse": _concourse,
    "buildbot": _buildbot,
}
