"""The npm installer of the differential tests, against a fake npm (no node, no network)."""

from __future__ import annotations

import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from tests.differential import npm

PACKAGES = {"@scope/peer": "1.2.7", "ci-info": "4.5.0"}

#: A stand-in for npm: fails its first FAILURES calls like a registry hiccup, then writes
#: a package.json for each requested name@version under --prefix except those named in
#: SKIPPED (an install that claims success but is incomplete).  It counts its calls in "calls".
FAKE_NPM = """\
import json, pathlib, sys
calls = pathlib.Path(__file__).with_name("calls")
count = int(calls.read_text()) + 1 if calls.exists() else 1
calls.write_text(str(count))
if count <= {failures}:
    print("npm error code SELF_SIGNED_CERT_IN_CHAIN", file=sys.stderr)
    print("npm error self-signed certificate in certificate chain", file=sys.stderr)
    sys.exit(1)
prefix = pathlib.Path(sys.argv[sys.argv.index("--prefix") + 1])
for spec in sys.argv[sys.argv.index("--prefix") + 2:]:
    name, _, version = spec.rpartition("@")
    if name in {skipped!r}:
        continue
    package = prefix / "node_modules" / name
    package.mkdir(parents=True)
    (package / "package.json").write_text(json.dumps({{"name": name, "version": version}}))
"""


def _fake_npm(directory: Path, failures: int, skipped: tuple[str, ...] = ()) -> list[str]:
    """The command that runs a fake npm failing *failures* times (calls in ``calls``)."""
    script = directory / "npm.py"
    script.write_text(FAKE_NPM.format(failures=failures, skipped=skipped), encoding="utf-8")
    return [sys.executable, str(script)]


def _calls(directory: Path) -> int:
    return int((directory / "calls").read_text())


def _must_not_wait(seconds: float) -> None:
    pytest.fail(f"waited {seconds} s for a retry that should not happen")


def test_install_retries_transient_failures_with_backoff(tmp_path: Path) -> None:
    fake = _fake_npm(tmp_path, failures=2)
    slept: list[float] = []
    target = tmp_path / "cache" / "packages"
    with pytest.warns(UserWarning, match="installed on attempt 3 after: attempt 1: exit 1") as seen:
        modules = npm.install(fake, PACKAGES, target, first_delay=1.5, sleep=slept.append)
    assert "self-signed certificate" in str(seen[0].message)
    assert modules == target / "node_modules"
    assert npm.installed_version(modules / "@scope" / "peer") == "1.2.7"
    assert npm.installed_version(modules / "ci-info") == "4.5.0"
    assert _calls(tmp_path) == 3
    assert slept == [1.5, 3.0]
    # the failed attempts' staging directories are gone: only the finished install is left
    assert [path.name for path in target.parent.iterdir()] == [target.name]


def test_install_gives_up_after_the_last_attempt_with_npm_errors(tmp_path: Path) -> None:
    fake = _fake_npm(tmp_path, failures=99)
    slept: list[float] = []
    target = tmp_path / "cache" / "packages"
    with pytest.raises(npm.NpmInstallError) as raised:
        npm.install(fake, PACKAGES, target, attempts=3, first_delay=1.0, sleep=slept.append)
    assert _calls(tmp_path) == 3
    assert slept == [1.0, 2.0]  # no pointless wait after the last attempt
    message = str(raised.value)
    assert "install @scope/peer@1.2.7 ci-info@4.5.0 in 3 attempts" in message
    assert message.count("self-signed certificate in certificate chain") == 3
    assert not target.exists()
    assert list(target.parent.iterdir()) == []


def test_an_incomplete_install_is_retried_and_never_published(tmp_path: Path) -> None:
    fake = _fake_npm(tmp_path, failures=0, skipped=("@scope/peer",))
    target = tmp_path / "cache" / "packages"
    with pytest.raises(npm.NpmInstallError) as raised:
        npm.install(fake, PACKAGES, target, attempts=2, sleep=lambda _: None)
    assert str(raised.value).count("npm succeeded but did not install @scope/peer@1.2.7") == 2
    assert _calls(tmp_path) == 2
    assert list(target.parent.iterdir()) == []


def test_install_happens_once_then_is_reused(tmp_path: Path) -> None:
    fake = _fake_npm(tmp_path, failures=0)
    target = tmp_path / "cache" / "packages"
    first = npm.install(fake, PACKAGES, target, sleep=_must_not_wait)
    second = npm.install(fake, PACKAGES, target, sleep=_must_not_wait)
    assert first == second
    assert _calls(tmp_path) == 1


def test_install_replaces_a_broken_earlier_install(tmp_path: Path) -> None:
    fake = _fake_npm(tmp_path, failures=0)
    target = tmp_path / "cache" / "packages"
    stale = target / "node_modules" / "ci-info"
    stale.mkdir(parents=True)
    (stale / "package.json").write_text('{"version": "3.9.0"}', encoding="utf-8")
    modules = npm.install(fake, PACKAGES, target, sleep=_must_not_wait)
    assert npm.installed_version(modules / "ci-info") == "4.5.0"
    assert _calls(tmp_path) == 1


def test_the_directory_is_keyed_by_every_version_under_the_shared_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ENVDETECT_CI_INFO_CACHE", str(tmp_path))
    request: Any = SimpleNamespace(config=SimpleNamespace(cache=None))
    factory: Any = None  # not consulted: the variable wins
    assert npm.cache_directory(request, factory, PACKAGES, "peers-") == (
        tmp_path / "peers-@scope+peer-1.2.7-ci-info-4.5.0"
    )
    assert npm.cache_directory(request, factory, {"ci-info": "4.5.0"}) == (
        tmp_path / "ci-info-4.5.0"
    )


def test_unavailable_skips_unless_the_npm_tests_are_required(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("ENVDETECT_REQUIRE_CI_INFO", raising=False)
    with pytest.raises(pytest.skip.Exception, match="no npm here"):
        npm.unavailable("no npm here")
    monkeypatch.setenv("ENVDETECT_REQUIRE_CI_INFO", "1")
    with pytest.raises(pytest.fail.Exception, match="no npm here"):
        npm.unavailable("no npm here")
