"""Third-party detectors: discovery, the time budget, containment and what
their results may hold.

Most plugins here are passed in code (``detect(detectors=[...])``); the
entry-point tests install small distributions (a ``.dist-info`` directory on
``sys.path``) next to the real one in tests/plugin.
"""

from __future__ import annotations

import _thread
import enum
import gc
import json
import os
import subprocess
import sys
import threading
import time
import warnings
from collections import OrderedDict
from collections.abc import Iterator
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path
from typing import Any

import pytest

import envdetect
from envdetect import _plugins
from envdetect._cli import render
from tests.conftest import LINUX, ROOT, Fixed, run_fresh

try:
    distribution("envdetect-testplugin")
    HAVE_TESTPLUGIN = True
except PackageNotFoundError:  # pragma: no cover - tox always installs it
    HAVE_TESTPLUGIN = False
needs_testplugin = pytest.mark.skipif(
    not HAVE_TESTPLUGIN, reason="install tests/plugin (tox does) to run this test"
)

FARM = {"environ": {"ACME_BUILD_FARM": "1", "ACME_LARGE_POOL": "yes"}}
#: The budget the docs document (docs/guides/plugins.md), as explanations word it.
TIMED_OUT = "timed out after 0.25 s"
NOT_RUN = "not run: the plugins' time budget was spent"


# -- helpers ---------------------------------------------------------------------


class Waiting:
    """A plugin that hangs until the test releases it, then runs ``then``."""

    facet = "waiting"

    def __init__(self, then: Any = None) -> None:
        self.release = threading.Event()
        self.finished = threading.Event()
        self.then = then

    def detect(self, ctx: envdetect.Context) -> Any:
        self.release.wait(10)
        try:
            return self.then(ctx) if self.then else {"late": True}
        finally:
            self.finished.set()


@pytest.fixture
def waiting() -> Iterator[list[Waiting]]:
    """Hung plugins, all released when the test ends (no thread outlives it long)."""
    plugins: list[Waiting] = []
    yield plugins
    for plugin in plugins:
        plugin.release.set()


def run(*detectors: object, plugins: bool = False) -> envdetect.Environment:
    return envdetect.detect(envdetect.load_fixture(LINUX), plugins=plugins, detectors=detectors)  # type: ignore[arg-type]


def builtins_of(env: envdetect.Environment) -> dict[str, Any]:
    document = env.to_dict()
    document.pop("extensions", None)
    return document


def errors_of(env: envdetect.Environment) -> dict[str, Any]:
    return {label: info["error"] for label, info in env.explanation.items() if info["error"]}


def assert_usable(env: envdetect.Environment) -> None:
    """Everything a host or the CLI does with a result works on this one."""
    json.loads(env.to_json())
    json.dumps({"environment": env.to_dict(), "explanation": env.explanation}, ensure_ascii=True)
    render(env, explain=True).encode("utf-8")


ALONE = envdetect.detect(envdetect.load_fixture(LINUX), plugins=False).to_dict()


# -- entry points (the real distribution in tests/plugin) --------------------------


@needs_testplugin
def test_entry_points_are_discovered() -> None:
    names = [entry.name for entry in _plugins.entry_points_in_group()]
    assert names == ["build_farm", "exploding"]


@needs_testplugin
def test_plugins_run_only_when_asked(monkeypatch) -> None:
    monkeypatch.delenv("ENVDETECT_PLUGINS", raising=False)
    ctx_doc = envdetect.detect(envdetect.load_fixture(FARM)).to_dict()
    assert "extensions" not in ctx_doc

    asked = envdetect.detect(envdetect.load_fixture(FARM), plugins=True)
    assert asked.to_dict()["extensions"] == {"build_farm": {"id": "acme", "pool": "linux-large"}}

    monkeypatch.setenv("ENVDETECT_PLUGINS", "1")
    by_env = envdetect.detect(envdetect.load_fixture(FARM))
    assert by_env.to_dict()["extensions"]["build_farm"]["id"] == "acme"


@needs_testplugin
def test_failing_plugin_leaves_everything_else() -> None:
    env = envdetect.detect(envdetect.load_fixture(FARM), plugins=True)
    assert errors_of(env) == {"exploding (plugin envdetect_testplugin)": "RuntimeError"}
    assert env.explanation["build_farm (plugin envdetect_testplugin.build_farm)"] == {
        "because": ["env ACME_BUILD_FARM"],
        "error": None,
    }
    assert env.terminal.interactive is False
    assert env.os is not None


def test_default_path_starts_no_thread_and_loads_no_plugin_machinery() -> None:
    # Plugins cost a thread and this module only when there are some; and
    # plugins passed in code do not pay for entry-point discovery.
    code = (
        "import envdetect\n"
        "envdetect.detect()\n"
        "print('threading' in sys.modules, 'envdetect._plugins' in sys.modules)\n"
        "class Trivial:\n"
        "    facet = 'trivial'\n"
        "    def detect(self, ctx): return {'ok': True}\n"
        "env = envdetect.detect(detectors=[Trivial()])\n"
        "print(env.to_dict()['extensions'], 'importlib.metadata' in sys.modules)\n"
    )
    environ = {key: value for key, value in os.environ.items() if key != "ENVDETECT_PLUGINS"}
    assert run_fresh(code, env=environ).splitlines() == [
        "False False",
        "{'trivial': {'ok': True}} False",
    ]


@needs_testplugin
def test_cli_always_loads_plugins() -> None:
    env = dict(os.environ, ACME_BUILD_FARM="1")
    result = subprocess.run(
        [sys.executable, "-m", "envdetect", "--json"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=True,
    )
    assert json.loads(result.stdout)["extensions"]["build_farm"]["pool"] == "default"
    explained = subprocess.run(
        [sys.executable, "-m", "envdetect", "--explain"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=True,
    )
    assert "exploding (plugin envdetect_testplugin): detector failed (RuntimeError)" in (
        explained.stdout
    )


# -- the time budget ---------------------------------------------------------------


def test_a_hung_plugin_is_abandoned_within_the_budget(waiting) -> None:
    hung = Waiting()
    waiting.append(hung)
    started = time.monotonic()
    env = run(Fixed("license", {"tier": "pro"}), hung, Fixed("seats", {"used": 3}))
    elapsed = time.monotonic() - started
    assert 0.25 <= elapsed < 1.0
    assert builtins_of(env) == ALONE
    assert env.to_dict()["extensions"] == {"license": {"tier": "pro"}}
    assert errors_of(env) == {
        "waiting (plugin tests.test_plugins)": TIMED_OUT,
        "detectors[2] (plugin)": NOT_RUN,
    }
    assert_usable(env)


def test_an_abandoned_plugin_cannot_reach_the_result(waiting) -> None:
    kept = {"tier": "pro", "features": ["sso"]}
    attempts: list[str] = []

    def meddle(ctx: envdetect.Context) -> dict[str, Any]:
        for attempt in (
            lambda: ctx.found["os"].update(name="Windows 11"),  # type: ignore[attr-defined]
            ctx.found.clear,
            lambda: ctx.because("env LATE"),
            lambda: kept["features"].append("audit"),  # type: ignore[attr-defined]
            lambda: ctx.env("ACME_BUILD_FARM"),
        ):
            try:
                attempt()
                attempts.append("done")
            except Exception as error:  # noqa: BLE001 - recorded for the assertion
                attempts.append(type(error).__name__)
        return {"late": True}

    late = Waiting(then=meddle)
    waiting.append(late)
    context = envdetect.load_fixture(LINUX)
    env = envdetect.detect(context, plugins=False, detectors=[Fixed("license", kept), late])  # type: ignore[list-item]
    document, explanation = env.to_dict(), json.loads(json.dumps(env.explanation))
    late.release.set()
    assert late.finished.wait(5)
    # Its own copies changed, the world was closed to it, nothing else moved.
    assert attempts == ["done", "done", "done", "done", "RuntimeError"]
    assert env.to_dict() == document
    assert json.loads(json.dumps(env.explanation)) == explanation
    assert document["extensions"] == {"license": {"tier": "pro", "features": ["sso"]}}
    assert context.found["os"]["name"] == "Debian GNU/Linux"  # type: ignore[index]


def test_ctrl_c_while_waiting_propagates_from_detect(waiting) -> None:
    interrupting = Waiting()
    waiting.append(interrupting)

    def interrupt_then_hang(ctx: envdetect.Context) -> None:
        _thread.interrupt_main()  # what Ctrl-C does, delivered to the waiting main thread
        interrupting.release.wait(10)

    interrupting.detect = interrupt_then_hang  # type: ignore[method-assign]
    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        run(interrupting)
    assert time.monotonic() - started < 1.0


def test_entry_point_loading_is_inside_the_budget(tmp_path: Path, monkeypatch) -> None:
    flag = tmp_path / "release"
    hangs = (
        "import os, time\n"
        "deadline = time.monotonic() + 10\n"
        f"while not os.path.exists({str(flag)!r}) and time.monotonic() < deadline:\n"
        "    time.sleep(0.01)\n"
    )
    _distribution(
        tmp_path,
        "envdetect-hostile",
        {
            "hostile_exits_at_import": "raise SystemExit(3)\n",
            "hostile_hangs_at_import": hangs,
            "hostile_after": "facet = 'c_after'\ndef detect(ctx):\n    return {'ok': True}\n",
        },
        {
            "a_exits": "hostile_exits_at_import:detector",
            "b_hangs": "hostile_hangs_at_import:detector",
            "c_after": "hostile_after",
        },
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        started = time.monotonic()
        env = run(plugins=True)
        assert time.monotonic() - started < 1.0
    finally:
        flag.touch()
    errors = errors_of(env)
    assert errors["a_exits (plugin entry point a_exits)"] == "SystemExit"
    assert errors["b_hangs (plugin entry point b_hangs)"] == TIMED_OUT
    assert errors["c_after (plugin entry point c_after)"] == NOT_RUN
    assert builtins_of(env) == ALONE
    assert_usable(env)


def _distribution(root: Path, name: str, modules: dict[str, str], entries: dict[str, str]) -> None:
    """An installed distribution as importlib.metadata finds one on sys.path."""
    info = root / f"{name.replace('-', '_')}-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(
        "[envdetect.detectors]\n" + "".join(f"{key} = {value}\n" for key, value in entries.items())
    )
    for module, source in modules.items():
        (root / f"{module}.py").write_text(source)


# -- containment -------------------------------------------------------------------


class Custom(BaseException):
    """Not an Exception: the catch-all of ordinary code lets it through."""


@pytest.mark.parametrize(
    "error",
    [SystemExit(3), SystemExit, GeneratorExit(), KeyboardInterrupt(), Custom()],
    ids=["SystemExit(3)", "SystemExit", "GeneratorExit", "KeyboardInterrupt", "BaseException"],
)
def test_base_exceptions_from_a_plugin_are_contained(error: Any) -> None:
    class Raising:
        facet = "raising"

        def detect(self, ctx: envdetect.Context) -> None:
            ctx.because("env BEFORE")
            raise error

    env = run(Raising(), Fixed("license", {"tier": "pro"}))
    name = error.__name__ if isinstance(error, type) else type(error).__name__
    assert env.explanation["raising (plugin tests.test_plugins)"] == {
        "because": ["env BEFORE"],
        "error": name,
    }
    assert env.to_dict()["extensions"] == {"license": {"tier": "pro"}}
    assert builtins_of(env) == ALONE


class Odd(str):
    """A facet name whose comparisons and hash raise."""

    def __eq__(self, other: object) -> bool:
        raise RuntimeError("compared")

    def __hash__(self) -> int:
        raise RuntimeError("hashed")

    def __len__(self) -> int:
        raise RuntimeError("measured")


class Impostor:
    """Claims to be a str through __class__."""

    @property  # type: ignore[misc]
    def __class__(self) -> type:
        return str


def _raises(*args: object) -> Any:
    raise RuntimeError("hostile")


def _exits(*args: object) -> Any:
    raise SystemExit(4)


def _plugin(**attributes: Any) -> object:
    return type("Hostile", (), attributes)()


#: (plugin, its explanation error or None, its extension or None).
HOSTILE = {
    "facet raises": (_plugin(facet=property(_raises)), "RuntimeError", None),
    "facet exits": (_plugin(facet=property(_exits)), "SystemExit", None),
    "detect raises": (_plugin(facet="acme", detect=property(_raises)), "RuntimeError", None),
    "everything raises": (
        _plugin(__getattr__=_raises, __getattribute__=_raises),
        "RuntimeError",
        None,
    ),
    "no facet, repr raises": (
        _plugin(__repr__=_raises, detect=lambda self, ctx: {}),
        "missing facet name",
        None,
    ),
    "facet not a str": (
        _plugin(facet=Impostor(), detect=lambda self, ctx: {}),
        "missing facet name",
        None,
    ),
    "facet too long": (
        _plugin(facet="x" * 65, detect=lambda self, ctx: {}),
        "unusable facet name (over 64 characters or not printable)",
        None,
    ),
    "facet not printable": (
        _plugin(facet="acme\nCI", detect=lambda self, ctx: {}),
        "unusable facet name (over 64 characters or not printable)",
        None,
    ),
    "detect not callable": (_plugin(facet="acme", detect=3), "missing detect()", None),
    "__module__ raises": (
        _plugin(facet="acme", __module__=property(_raises), detect=lambda self, ctx: {"ok": True}),
        None,
        {"ok": True},
    ),
    "odd facet str": (
        _plugin(facet=Odd("acme"), detect=lambda self, ctx: {"ok": True}),
        None,
        {"ok": True},
    ),
    "__eq__ and __hash__ raise": (
        _plugin(
            facet="acme", __eq__=_raises, __hash__=_raises, detect=lambda self, ctx: {"ok": True}
        ),
        None,
        {"ok": True},
    ),
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_a_hostile_plugin_object_fails_alone(case: str) -> None:
    plugin, error, extension = HOSTILE[case]
    env = run(plugin, Fixed("license", {"tier": "pro"}))
    assert builtins_of(env) == ALONE
    expected = {"license": {"tier": "pro"}}
    if extension is not None:
        expected["acme"] = extension
    assert env.to_dict()["extensions"] == expected
    assert list(errors_of(env).values()) == ([error] if error else [])
    assert env.explanation["license (plugin tests.conftest)"]["error"] is None
    assert_usable(env)


def test_a_plugin_cannot_change_the_callers_context() -> None:
    class Planting:
        facet = "planting"

        def detect(self, ctx: envdetect.Context) -> dict[str, Any]:
            ctx.because("env PLANTED")
            ctx.environ["CI"] = "true"  # type: ignore[index]
            return {"planted": True}

    context = envdetect.load_fixture(LINUX)
    env = envdetect.detect(context, plugins=False, detectors=[Planting()])  # type: ignore[list-item]
    assert env.explanation["planting (plugin tests.test_plugins)"] == {
        "because": ["env PLANTED"],
        "error": "TypeError",
    }
    assert "CI" not in context.environ
    assert envdetect.detect(context, plugins=False).to_dict() == ALONE


def test_detect_inside_a_plugin_runs_no_plugins(monkeypatch) -> None:
    # With ENVDETECT_PLUGINS=1 a plugin asking detect() for the built-in
    # facets would otherwise start a worker running itself, without end.
    monkeypatch.setenv("ENVDETECT_PLUGINS", "1")
    inner: list[envdetect.Environment] = []

    class Asking:
        facet = "asking"

        def detect(self, ctx: envdetect.Context) -> dict[str, Any]:
            inner.append(envdetect.detect(envdetect.load_fixture(LINUX), detectors=[self]))
            return {"kind": inner[-1].runtime.kind}

    env = envdetect.detect(envdetect.load_fixture(LINUX), detectors=[Asking()])
    assert env.to_dict()["extensions"]["asking"] == {"kind": "terminal"}
    assert len(inner) == 1
    assert set(errors_of(inner[0]).values()) == {"not run: detect() called by a plugin"}
    assert errors_of(inner[0])["detectors[0] (plugin)"] == "not run: detect() called by a plugin"


def test_without_a_thread_plugins_do_not_run(monkeypatch) -> None:
    import _thread

    def refuse(*args: object) -> None:
        raise RuntimeError("can't create new thread at interpreter shutdown")

    monkeypatch.setattr(_thread, "start_new_thread", refuse)
    env = run(Fixed("license", {"tier": "pro"}), Fixed("seats", {"used": 3}))
    assert builtins_of(env) == ALONE
    assert errors_of(env) == {
        "detectors[0] (plugin)": "not run: no thread (RuntimeError)",
        "detectors[1] (plugin)": "not run: no thread (RuntimeError)",
    }


def test_an_async_detect_fails_without_a_warning() -> None:
    class Async:
        facet = "async"

        async def detect(self, ctx: envdetect.Context) -> dict[str, Any]:
            return {"ok": True}

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        env = run(Async())
        gc.collect()
    assert errors_of(env) == {"async (plugin tests.test_plugins)": "returned coroutine, not a dict"}
    assert [str(warning.message) for warning in caught] == []


def test_plugin_labels_stay_distinct() -> None:
    env = run(Fixed("license", {"tier": "pro"}), Fixed("license", {"tier": "free"}))
    assert env.to_dict()["extensions"] == {"license": {"tier": "pro"}}  # the first one wins
    assert env.explanation["license (plugin tests.conftest) #2"]["error"] == (
        "refused: an earlier plugin has facet 'license'"
    )


# -- results -----------------------------------------------------------------------


class Named(type):
    """A metaclass that hides its classes' names."""

    @property
    def __name__(cls) -> str:  # type: ignore[override]
        raise RuntimeError("no name")


class Anonymous(metaclass=Named):
    pass


class ItemsRaise(dict):  # type: ignore[type-arg]
    def items(self) -> Any:
        raise RuntimeError("items")

    def __iter__(self) -> Any:
        raise RuntimeError("iter")


def _nested(depth: int) -> dict[str, Any]:
    value: dict[str, Any] = {}
    for _ in range(depth - 1):
        value = {"d": value}
    return value


def _cyclic() -> dict[str, Any]:
    value: dict[str, Any] = {}
    value["self"] = value
    return value


DROPPED = {
    "set": ({"x": {1, 2}}, "not JSON-safe (set at .x)"),
    "bytes": ({"blob": b"\0"}, "not JSON-safe (bytes at .blob)"),
    "object": ({"tags": [1, object()]}, "not JSON-safe (object at .tags[1])"),
    "nameless class": ({"x": Anonymous()}, "not JSON-safe (Anonymous at .x)"),
    "tuple key": ({(1, 2): "pair"}, "not JSON-safe (tuple key at the top)"),
    "int key": ({"a": {1: "one"}}, "not JSON-safe (int key at .a)"),
    "cyclic": (_cyclic(), "nested deeper than 8 levels at " + ".self" * 8),
    "5,000 deep": (_nested(5000), "nested deeper than 8 levels at " + ".d" * 8),
    "nan": ({"ratio": float("nan")}, "not JSON-safe (nan at .ratio)"),
    "infinity": ({"ratio": float("-inf")}, "not JSON-safe (-inf at .ratio)"),
    "huge int": ({"big": 10**5000}, "integer beyond 64 bits at .big"),
    "long string": ({"text": "x" * 4097}, "string over 4096 characters or not Unicode at .text"),
    "lone surrogate": ({"text": "\ud800"}, "string over 4096 characters or not Unicode at .text"),
    "odd key": ({"a b": {"k" * 4097: 1}}, "key over 4096 characters or not Unicode at ['a b']"),
    "too many values": ({"many": list(range(300))}, "more than 256 values"),
}


@pytest.mark.parametrize("case", list(DROPPED))
def test_a_result_that_is_not_plain_json_is_dropped_with_the_reason(case: str) -> None:
    result, reason = DROPPED[case]
    env = run(Fixed("acme", result), Fixed("license", {"tier": "pro"}))
    assert env.to_dict()["extensions"] == {"license": {"tier": "pro"}}
    assert env.explanation["acme (plugin tests.conftest)"] == {
        "because": ["env FIXED"],
        "error": f"result dropped: {reason}",
    }
    assert builtins_of(env) == ALONE
    assert_usable(env)


class Level(enum.IntEnum):
    HIGH = 3


class Tier(str, enum.Enum):
    PRO = "pro"


def test_a_result_within_the_limits_is_kept_as_plain_json() -> None:
    odd = ItemsRaise(inner=Tier.PRO)
    # At the limits: 8 levels with the result itself, 256 values in all
    # (22 besides the list of numbers), 4,096 characters, 64 bits.
    result = {
        "deep": _nested(7),
        "level": Level.HIGH,
        "tier": Tier.PRO,
        "pair": ("a", 1.5),
        "ordered": OrderedDict(b=True, a=None),
        "odd": odd,
        "max": 2**63 - 1,
        "min": -(2**63),
        "text": "é" * 4096,
        "values": list(range(256 - 22)),
    }
    env = run(Fixed("acme", result))
    assert errors_of(env) == {}
    kept = env.to_dict()["extensions"]["acme"]
    assert kept == {
        "deep": _nested(7),
        "level": 3,
        "tier": "pro",
        "pair": ["a", 1.5],
        "ordered": {"b": True, "a": None},
        "odd": {"inner": "pro"},
        "max": 2**63 - 1,
        "min": -(2**63),
        "text": "é" * 4096,
        "values": list(range(256 - 22)),
    }
    assert (type(kept["level"]), type(kept["tier"]), type(kept["odd"]["inner"])) == (int, str, str)
    assert_usable(env)
    one_more = dict(result, values=list(range(256 - 21)))
    one_deeper = dict(result, deep=_nested(8))
    too_deep = "result dropped: nested deeper than 8 levels at .deep" + ".d" * 7
    assert [errors_of(run(Fixed("acme", bigger))) for bigger in (one_more, one_deeper)] == [
        {"acme (plugin tests.conftest)": "result dropped: more than 256 values"},
        {"acme (plugin tests.conftest)": too_deep},
    ]


def test_a_kept_result_is_a_copy() -> None:
    result: dict[str, Any] = {"tier": "pro", "features": ["sso"], "limits": {"seats": 5}}
    env = run(Fixed("acme", result))
    result["tier"] = "free"
    result["features"].append("audit")
    result["limits"]["seats"] = 0
    assert env.to_dict()["extensions"] == {
        "acme": {"tier": "pro", "features": ["sso"], "limits": {"seats": 5}}
    }


def test_only_plain_signals_reach_the_explanation() -> None:
    class Noisy:
        facet = "noisy"

        def detect(self, ctx: envdetect.Context) -> dict[str, Any]:
            ctx.because(
                "env ACME",
                b"bytes",
                42,
                "x" * 257,
                "\ud800",  # type: ignore[arg-type]
                "\x1b[2J",
            )
            return {"ok": True}

    env = run(Noisy())
    assert env.explanation["noisy (plugin tests.test_plugins)"] == {
        "because": ["env ACME"],
        "error": None,
    }
    assert_usable(env)


# -- the command line --------------------------------------------------------------


def test_cli_outlives_hostile_plugins(tmp_path: Path) -> None:
    _distribution(
        tmp_path,
        "envdetect-hostile-cli",
        {
            "hostile_cli": (
                "import time\n"
                "class Exits:\n"
                "    facet = 'a_exits'\n"
                "    def detect(self, ctx):\n"
                "        raise SystemExit(3)\n"
                "class Sets:\n"
                "    facet = 'b_sets'\n"
                "    def detect(self, ctx):\n"
                "        return {'x': {1, 2}}\n"
                "class Sleeps:\n"
                "    facet = 'z_sleeps'\n"
                "    def detect(self, ctx):\n"
                "        time.sleep(10)\n"
                "exits, sets, sleeps = Exits(), Sets(), Sleeps()\n"
            )
        },
        {
            "a_exits": "hostile_cli:exits",
            "b_sets": "hostile_cli:sets",
            "z_sleeps": "hostile_cli:sleeps",
        },
    )
    environ = dict(os.environ, PYTHONPATH=str(tmp_path))
    started = time.monotonic()
    as_json = subprocess.run(
        [sys.executable, "-m", "envdetect", "--json", "--explain"],
        capture_output=True,
        text=True,
        env=environ,
        cwd=ROOT,
        timeout=30,
        check=False,
    )
    report = subprocess.run(
        [sys.executable, "-m", "envdetect", "--explain"],
        capture_output=True,
        text=True,
        env=environ,
        cwd=ROOT,
        timeout=30,
        check=False,
    )
    assert time.monotonic() - started < 8  # two runs; a sleeping plugin would cost 20 s
    assert (as_json.returncode, as_json.stderr, report.returncode, report.stderr) == (0, "", 0, "")
    explanation = json.loads(as_json.stdout)["explanation"]
    assert explanation["a_exits (plugin hostile_cli)"]["error"] == "SystemExit"
    assert explanation["b_sets (plugin hostile_cli)"]["error"] == (
        "result dropped: not JSON-safe (set at .x)"
    )
    assert explanation["z_sleeps (plugin hostile_cli)"]["error"] == TIMED_OUT
    assert f"z_sleeps (plugin hostile_cli): detector failed ({TIMED_OUT})" in report.stdout


def test_budget_is_the_documented_one() -> None:
    page = (ROOT / "docs" / "guides" / "plugins.md").read_text(encoding="utf-8")
    assert _plugins.BUDGET == 0.25
    assert "0.25 s" in page


class SeesTheCommandLine:
    facet = "kernel"

    def detect(self, ctx: envdetect.Context) -> dict[str, Any]:
        return {"args": list(ctx.command_line())}


def test_a_plugin_sees_every_accessor_of_the_context_it_was_given() -> None:
    # Each Context accessor reaches the plugin through its view: the own command
    # line too (which notebook detection reads), not an empty default.
    world = {
        "command_line": ["python", "-m", "ipykernel_launcher"],
        "platform": {"system": "Linux"},
    }
    env = envdetect.detect(
        envdetect.load_fixture(world), plugins=False, detectors=[SeesTheCommandLine()]
    )
    assert env.to_dict()["extensions"] == {"kernel": {"args": world["command_line"]}}
    public = {name for name in vars(envdetect.Context) if not name.startswith("_")}
    forwarded = set(vars(_plugins.PluginContext))
    assert public - {"because", "interactive", "found"} <= forwarded
