"""Installs the npm packages a differential test compares envdetect with.

One install per set of pinned versions, in a directory keyed by them under
``$ENVDETECT_CI_INFO_CACHE`` (tox points it at its work dir, so every environment
shares one install; else the pytest cache, else a temporary directory).  A failed
install is retried with a doubling delay: npm fails mostly for a moment (a registry
or proxy hiccup such as "self-signed certificate in certificate chain", fine a
minute later).  Where node, npm or the install is missing the test is skipped with
the reason, or failed where ``ENVDETECT_REQUIRE_CI_INFO=1`` (``.ci/run``: "node is
here, the npm differential tests must run").
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import tempfile
import time
import warnings
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import NoReturn

import pytest

INSTALL_ATTEMPTS = 4
FIRST_RETRY_DELAY = 5.0  # seconds, doubled after each failure: 5, 10, 20
INSTALL_TIMEOUT = 120.0  # seconds per attempt


class NpmInstallError(Exception):
    """npm could not install the packages, on any attempt."""


def unavailable(reason: str) -> NoReturn:
    """Skip on a developer machine without node; fail where CI promises it (.ci/run)."""
    if os.environ.get("ENVDETECT_REQUIRE_CI_INFO") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


def run_node_probe(
    probe: Path, modules: Path, environ: Mapping[str, str], input: str | None = None
) -> str:
    """``node probe modules`` in exactly the environment *environ* (plus, on Windows,
    the SYSTEMROOT and WINDIR node itself needs) with *input* on stdin (None: stdin
    inherited); its stdout.  Raises where node fails or takes over 60 s."""
    node = shutil.which("node")
    assert node is not None
    env = dict(environ)
    if os.name == "nt":  # node itself needs these on Windows; the probes read neither
        for name in ("SYSTEMROOT", "WINDIR"):
            env.setdefault(name, os.environ.get(name, ""))
    result = subprocess.run(
        [node, str(probe), str(modules)],
        input=input,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout


def installed_version(package: Path) -> str | None:
    """The version in *package*'s package.json, None when it has none."""
    try:
        version = json.loads((package / "package.json").read_text(encoding="utf-8"))["version"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return version if isinstance(version, str) else None


def missing(packages: Mapping[str, str], directory: Path) -> list[str]:
    """The ``name@version`` of each of *packages* not installed under *directory*."""
    return [
        f"{name}@{version}"
        for name, version in packages.items()
        if installed_version(directory / "node_modules" / name) != version
    ]


def install(
    npm: Sequence[str],
    packages: Mapping[str, str],
    directory: Path,
    *,
    attempts: int = INSTALL_ATTEMPTS,
    first_delay: float = FIRST_RETRY_DELAY,
    timeout: float = INSTALL_TIMEOUT,
    sleep: Callable[[float], object] = time.sleep,
) -> Path:
    """The node_modules under *directory* holding *packages*, installed by ``npm`` unless
    already there.

    Each attempt installs into a fresh staging directory that is renamed into place
    only when complete, so an interrupted or concurrent install (``tox -p``) never
    leaves a half-installed package that a later run would trust.
    """
    modules = directory / "node_modules"
    if not missing(packages, directory):
        return modules
    directory.parent.mkdir(parents=True, exist_ok=True)
    specs = [f"{name}@{version}" for name, version in packages.items()]
    failures: list[str] = []
    delay = first_delay
    for attempt in range(1, attempts + 1):
        staging = Path(tempfile.mkdtemp(prefix=f"{directory.name}.", dir=directory.parent))
        try:
            failure = _npm_install(npm, specs, staging, timeout)
            if failure is None:
                failure = _publish(packages, staging, directory)
            if failure is None:
                if failures:  # keep transient registry trouble visible in the summary
                    warnings.warn(
                        f"{' '.join(specs)} installed on attempt {attempt} after: "
                        + "; ".join(failures),
                        stacklevel=2,
                    )
                return modules
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        failures.append(f"attempt {attempt}: {failure}")
        if attempt < attempts:
            sleep(delay)
            delay *= 2
    raise NpmInstallError(
        f"npm could not install {' '.join(specs)} in {attempts} attempts: " + "; ".join(failures)
    )


def _npm_install(
    npm: Sequence[str], specs: Sequence[str], prefix: Path, timeout: float
) -> str | None:
    """None when npm exited successfully, else why not (npm's last lines)."""
    try:
        result = subprocess.run(
            [
                *npm,
                "install",
                "--no-save",
                "--no-audit",
                "--no-fund",
                "--prefix",
                str(prefix),
                *specs,
            ],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return str(error)
    if result.returncode == 0:
        return None
    tail = (result.stderr or result.stdout).strip().splitlines()[-3:]
    return f"exit {result.returncode}: {' | '.join(tail)}"


def _publish(packages: Mapping[str, str], staging: Path, directory: Path) -> str | None:
    """Move a finished install into place (a concurrent run that got there first wins);
    None when *directory* then holds every package, else what is missing."""
    absent = missing(packages, staging)
    if absent:
        return f"npm succeeded but did not install {', '.join(absent)}"
    if directory.exists() and missing(packages, directory):
        shutil.rmtree(directory, ignore_errors=True)  # a stale or broken earlier install
    with contextlib.suppress(OSError):  # already there: what is installed is checked next
        staging.rename(directory)
    absent = missing(packages, directory)
    return f"{', '.join(absent)} missing from {directory} after the install" if absent else None


def cache_directory(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    packages: Mapping[str, str],
    prefix: str = "",
) -> Path:
    """The directory for *packages*, named after their versions so a new pin installs anew."""
    configured = os.environ.get("ENVDETECT_CI_INFO_CACHE")
    if configured:
        root = Path(configured)
    elif getattr(request.config, "cache", None) is not None:
        root = Path(request.config.cache.mkdir("npm"))
    else:
        root = tmp_path_factory.mktemp("npm")
    key = "-".join(f"{name.replace('/', '+')}-{version}" for name, version in packages.items())
    return root / f"{prefix}{key}"


def installed_or_unavailable(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    packages: Mapping[str, str],
    *,
    needed_by: str,
    prefix: str = "",
    timeout: float = INSTALL_TIMEOUT,
) -> Path:
    """node_modules holding *packages* for a session fixture, or the test skipped (failed
    under ``ENVDETECT_REQUIRE_CI_INFO=1``) with the reason."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        unavailable(f"the {needed_by} needs node and npm on PATH")
    directory = cache_directory(request, tmp_path_factory, packages, prefix)
    try:
        return install([npm], packages, directory, timeout=timeout)
    except NpmInstallError as error:
        unavailable(str(error))
