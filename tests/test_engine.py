"""The engine: detector isolation, what plugins may change, the runtime.kind precedence."""

from __future__ import annotations

from typing import Any

import pytest

import envdetect
from envdetect._engine import FACETS, runtime_kind
from envdetect.detectors import BUILTIN as BUILTIN_DETECTORS
from tests.conftest import LINUX, Fixed


class Raising:
    def __init__(self, facet: str, error: Exception) -> None:
        self.facet = facet
        self.error = error

    def detect(self, ctx: envdetect.Context) -> dict[str, Any] | None:
        raise self.error


def test_builtin_detector_that_raises_leaves_the_others(monkeypatch, replay) -> None:
    from envdetect.detectors import os as os_detectors

    def boom(ctx: envdetect.Context) -> None:
        raise KeyError("oops")

    monkeypatch.setattr(os_detectors, "detect_host", boom)
    env = replay(LINUX)
    assert env.host is None
    assert env.explanation["host"]["error"] == "KeyError"
    assert env.os.distro.id == "debian"
    assert env.python.version == "3.11.2"
    assert env.runtime.kind == "terminal"


def test_plugin_that_raises_is_isolated_and_visible(replay) -> None:
    env = replay(
        LINUX, detectors=[Raising("seats", ZeroDivisionError()), Fixed("license", {"tier": "pro"})]
    )
    assert env.os.name == "Debian GNU/Linux"
    assert env.to_dict()["extensions"] == {"license": {"tier": "pro"}}
    errors = {label: info["error"] for label, info in env.explanation.items() if info["error"]}
    assert errors == {"seats (plugin tests.test_engine)": "ZeroDivisionError"}


def test_detector_returning_a_non_dict_is_a_failure(replay) -> None:
    env = replay(LINUX, detectors=[Fixed("license", "pro")])  # type: ignore[arg-type]
    assert "extensions" not in env.to_dict()
    assert any("not a dict" in (info["error"] or "") for info in env.explanation.values())


def test_detector_without_facet_name_is_reported(replay) -> None:
    class Nameless:
        def detect(self, ctx: envdetect.Context) -> dict[str, Any]:
            return {"x": 1}

    env = replay(LINUX, detectors=[Nameless()])  # type: ignore[list-item]
    assert "extensions" not in env.to_dict()
    assert any(info["error"] == "missing facet name" for info in env.explanation.values())


def test_detector_without_detect_is_reported_and_the_rest_still_comes_out(replay) -> None:
    class Inert:
        facet = "license"
        detect = None

    env = replay(LINUX, detectors=[Inert()])  # type: ignore[list-item]
    assert "extensions" not in env.to_dict()
    assert env.os.distro.id == "debian"
    assert [info["error"] for info in env.explanation.values() if info["error"]] == [
        "missing detect()"
    ]


@pytest.mark.parametrize("name", [*FACETS, "schema", "runtime", "extensions"])
def test_plugin_cannot_take_a_key_of_the_document(replay, name: str) -> None:
    # Built-in facets stay as detected: a plugin named like one is refused,
    # not merged over it, and runs no code at all.
    alone = replay(LINUX).to_dict()
    impostor = Fixed(name, {"id": "acme_ci", "name": "Debian (custom spin)", "kind": "ci"})
    env = replay(LINUX, detectors=[impostor])
    assert env.to_dict() == alone
    assert env.runtime.kind == "terminal"
    assert env.explanation[f"{name} (plugin tests.conftest)"] == {
        "because": [],
        "error": f"refused: {name!r} is a built-in facet; a plugin adds a facet of its own",
    }


class Meddling:
    """A plugin that rewrites what it can reach of the built-in facets."""

    facet = "meddler"

    def detect(self, ctx: envdetect.Context) -> dict[str, Any]:
        seen = {name: value for name, value in ctx.found.items() if value is not None}
        ctx.found["os"]["name"] = "Windows 11"  # type: ignore[index]
        ctx.found["ci"] = {"id": "acme_ci", "name": "ACME CI", "is_pr": False}
        ctx.found.pop("terminal")
        return {"saw": sorted(seen)}


def test_plugin_mutating_found_changes_no_builtin_facet(replay) -> None:
    alone = replay(LINUX).to_dict()
    env = replay(LINUX, detectors=[Meddling(), Meddling()])
    document = env.to_dict()
    assert document.pop("extensions") == {"meddler": {"saw": ["host", "os", "python", "terminal"]}}
    assert document == alone
    assert env.runtime.kind == "terminal"


def test_engine_failure_still_returns_a_document(monkeypatch) -> None:
    from envdetect import _engine

    def broken(*args: Any) -> None:
        raise MemoryError

    monkeypatch.setattr(_engine, "_run", broken)
    env = envdetect.detect(plugins=False)
    assert env.runtime.kind == "script"
    assert env.os is None
    assert env.explanation["engine"]["error"] == "MemoryError"


def test_empty_world_is_all_unknown(replay) -> None:
    doc = replay({}).to_dict()
    assert doc["schema"] == 1
    assert doc["runtime"] == {"kind": "script"}
    assert doc["os"]["type"] is None
    assert doc["host"] == {"arch": None}
    assert doc["python"]["implementation"] is None
    assert doc["terminal"] == {"interactive": False, "program": None}
    for facet in ("ci", "toolkit", "ide", "agent", "notebook", "cloud", "container"):
        assert doc[facet] is None


def test_document_keys_are_the_schema() -> None:
    doc = envdetect.detect(plugins=False).to_dict()
    assert list(doc) == [
        "schema",
        "runtime",
        "ci",
        "toolkit",
        "ide",
        "agent",
        "notebook",
        "cloud",
        "container",
        "terminal",
        "os",
        "host",
        "python",
    ]


def test_builtin_detectors_exist() -> None:
    from importlib import import_module

    assert list(BUILTIN_DETECTORS) == [
        "container",
        "os",
        "host",
        "python",
        "cloud",
        "ci",
        "toolkit",
        "agent",
        "ide",
        "notebook",
        "terminal",
    ]
    for facet, where in BUILTIN_DETECTORS.items():
        module_name, _, function = where.partition(":")
        module = import_module(f"envdetect.detectors.{module_name}")
        assert callable(getattr(module, function or "detect"))
        if not function:  # a module of its own says which facet it fills
            assert module.facet == facet


TOOLKIT = {"id": "aws_toolkit_vscode", "name": "AWS Toolkit for VS Code", "version": "3.30.0"}
AGENT = {"id": "claude_code", "name": "Claude Code"}
CI = {"id": "github_actions", "name": "GitHub Actions", "is_pr": False}
NOTEBOOK = {"id": "jupyter", "name": "Jupyter"}
IDE = {"id": "vscode", "name": "Visual Studio Code"}
LAMBDA = {"provider": "aws", "platform": "aws_lambda"}
EC2 = {"provider": "aws", "platform": "aws_ec2"}
CODESPACES = {"provider": "github", "platform": "github_codespaces"}
TTY = {"interactive": True, "program": None}
PIPE = {"interactive": False, "program": None}


@pytest.mark.parametrize(
    ("facets", "kind"),
    [
        ({"toolkit": TOOLKIT, "agent": AGENT, "ci": CI, "ide": IDE, "terminal": TTY}, "ide"),
        ({"agent": AGENT, "ci": CI, "notebook": NOTEBOOK, "ide": IDE}, "agent"),
        ({"ci": CI, "notebook": NOTEBOOK, "ide": IDE, "cloud": LAMBDA, "terminal": TTY}, "ci"),
        ({"notebook": NOTEBOOK, "ide": IDE, "terminal": TTY}, "notebook"),
        ({"ide": IDE, "cloud": LAMBDA, "terminal": TTY}, "ide"),
        ({"cloud": LAMBDA, "terminal": TTY}, "cloud"),
        ({"cloud": EC2, "terminal": TTY}, "terminal"),
        ({"cloud": CODESPACES, "terminal": PIPE}, "script"),
        ({"cloud": EC2, "terminal": PIPE}, "script"),
        ({"terminal": TTY}, "terminal"),
        ({"terminal": PIPE}, "script"),
        ({}, "script"),
    ],
)
def test_runtime_kind_precedence(facets: dict[str, Any], kind: str) -> None:
    assert runtime_kind(facets) == kind


@pytest.mark.parametrize(
    ("facets", "kind"),
    [
        ({"toolkit": TOOLKIT, "agent": AGENT}, "ide"),
        ({"agent": AGENT, "ci": CI}, "agent"),
        ({"ci": CI, "notebook": NOTEBOOK}, "ci"),
        ({"notebook": NOTEBOOK, "ide": IDE}, "notebook"),
        ({"ide": IDE, "cloud": LAMBDA}, "ide"),
        ({"cloud": LAMBDA}, "cloud"),
        ({"cloud": CODESPACES}, "terminal"),
    ],
)
def test_runtime_kind_end_to_end_from_fixture(
    monkeypatch, replay, facets: dict[str, Any], kind: str
) -> None:
    # The built-in detectors of these facets report the values given, the
    # others run as usual; no gate stands in the way.
    from envdetect import _engine

    builtin = _engine._builtin
    facet_of = {where: facet for facet, where in BUILTIN_DETECTORS.items()}

    def reporting(where: str) -> Any:
        facet = facet_of[where]
        return (lambda ctx: facets[facet]) if facet in facets else builtin(where)

    monkeypatch.setattr(_engine, "_builtin", reporting)
    monkeypatch.setattr(_engine, "GATES", {})
    env = replay(LINUX)
    assert {facet: env[facet] for facet in facets} == facets
    assert env.runtime.kind == kind


def test_result_views_are_read_only(replay) -> None:
    env = replay(LINUX)
    with pytest.raises(AttributeError):
        env.os = None  # type: ignore[misc]
    with pytest.raises(AttributeError):
        env.os.nonexistent  # noqa: B018
    env.to_dict()["os"]["name"] = "changed"
    assert env.os.name == "Debian GNU/Linux"


def test_typed_views_name_exactly_the_keys_the_detectors_emit() -> None:
    from envdetect import _views
    from tests.conftest import fixture_paths, load

    views = {
        "runtime": _views.Runtime,
        "ci": _views.CI,
        "toolkit": _views.Toolkit,
        "ide": _views.IDE,
        "agent": _views.Named,
        "notebook": _views.Named,
        "cloud": _views.Cloud,
        "container": _views.Container,
        "terminal": _views.Terminal,
        "os": _views.OS,
        "host": _views.Host,
        "python": _views.Python,
    }

    def annotated(view: type) -> set[str]:
        names: set[str] = set()
        for klass in view.__mro__:
            names.update(getattr(klass, "__annotations__", {}))
        return names - {"_data"}

    seen = set()
    for path in fixture_paths():
        document = envdetect.detect(envdetect.load_fixture(load(path)), plugins=False).to_dict()
        for facet, view in views.items():
            if document[facet] is not None:
                assert set(document[facet]) == annotated(view), (path.name, facet)
                seen.add(facet)
        if document["os"]["distro"] is not None:
            assert set(document["os"]["distro"]) == annotated(_views.Distro), path.name
    assert seen == set(views)
