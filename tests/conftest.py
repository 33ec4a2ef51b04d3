"""Shared helpers: fixture discovery and partial matching of expectations."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

import envdetect
from envdetect._context import Process
from envdetect._fixture import FixtureContext

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"

#: A plain Debian machine with a terminal, for tests that need some OS facts.
LINUX = {
    "files": {"/etc/os-release": 'NAME="Debian GNU/Linux"\nID=debian\nVERSION_ID="12"\n'},
    "platform": {
        "system": "Linux",
        "release": "6.1.0-21-amd64",
        "machine": "x86_64",
        "python_implementation": "CPython",
        "python_version": "3.11.2",
    },
    "tty": {"stdin": True, "stdout": True},
}


class Fixed:
    """A well-behaved detector or plugin: a fixed facet value and one signal."""

    def __init__(self, facet: str, value: Any) -> None:
        self.facet = facet
        self.value = value

    def detect(self, ctx: envdetect.Context) -> Any:
        ctx.because("env FIXED")
        return self.value


def run_fresh(code: str, *, env: dict[str, str] | None = None, stdin: int | None = None) -> str:
    """Run ``code`` in a fresh interpreter importing envdetect from ROOT; its stdout.

    -S: no site, so site-packages .pth hooks cannot pre-import what a probe looks
    for; -E: ignore PYTHON* variables.  PYTHONPATH would be ignored, so the code
    is prefixed with a line putting the root on sys.path.  ``stdin`` and ``env``
    go to :func:`subprocess.run` as given (None: inherit).
    """
    result = subprocess.run(
        [
            sys.executable,
            "-S",
            "-E",
            "-c",
            f"import sys; sys.path.insert(0, {str(ROOT)!r})\n" + code,
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env=env,
        stdin=stdin,
    )
    return result.stdout


def fixture_paths(area: str | None = None) -> list[Path]:
    base = FIXTURES / area if area else FIXTURES
    return sorted(base.rglob("*.json"))


def fixture_id(path: Path) -> str:
    return str(path.relative_to(FIXTURES))


def load(path: Path) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return document


def mismatches(expected: Any, actual: Any, where: str = "") -> list[str]:
    """Differences between an ``expect`` block and a document, keys of expect only."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        problems: list[str] = []
        for key, value in expected.items():
            if key not in actual:
                problems.append(f"{where}.{key}: missing")
            else:
                problems.extend(mismatches(value, actual[key], f"{where}.{key}"))
        return problems
    if expected != actual:
        return [f"{where}: expected {expected!r}, got {actual!r}"]
    return []


class Recording(FixtureContext):
    """A fixture context that remembers every path a detector looked at:
    files read, paths checked for existence, directories listed."""

    def __init__(self, document: dict[str, Any]) -> None:
        super().__init__(document)
        self.reads: list[str] = []
        self.checks: list[str] = []
        self.listings: list[str] = []

    def read(self, path: str) -> str | None:
        self.reads.append(path)
        return super().read(path)

    def exists(self, path: str) -> bool:
        self.checks.append(path)
        return super().exists(path)

    def listdir(self, path: str) -> list[str] | None:
        self.listings.append(path)
        return super().listdir(path)

    @property
    def paths(self) -> set[str]:
        return {*self.reads, *self.checks, *self.listings}


class CountingContext(FixtureContext):
    """A fixture context that counts ancestry reads and records existence checks."""

    def __init__(self, document: dict[str, Any]) -> None:
        super().__init__(document)
        self.ancestry_reads = 0
        self.paths_checked: list[str] = []

    def _read_processes(self) -> Iterable[Process]:
        self.ancestry_reads += 1
        return super()._read_processes()

    def exists(self, path: str) -> bool:
        self.paths_checked.append(path)
        return super().exists(path)


class WindowsEnviron(dict):  # type: ignore[type-arg]
    """Like os.environ on Windows: lists upper-case names, looks up ignoring case."""

    def __iter__(self) -> Any:
        return iter([name.upper() for name in dict.keys(self)])

    def get(self, name: str, default: Any = None) -> Any:
        for key, value in self.items():
            if key.upper() == name.upper():
                return value
        return default


class WindowsContext(FixtureContext):
    """A fixture whose environment behaves like Windows' (see :class:`WindowsEnviron`)."""

    @property
    def environ(self) -> Any:
        return WindowsEnviron(self._environ)


@pytest.fixture
def replay():
    """Detect from an in-memory fixture document."""

    def run(document: dict[str, Any], **kwargs: Any) -> envdetect.Environment:
        return envdetect.detect(envdetect.load_fixture(document), plugins=False, **kwargs)

    return run
