"""Privacy as a tested invariant: planted sentinels never come out.

A unique token is planted for every category of identifying data — in
environment variables (arbitrary ones and the ones detectors read), files,
the process ancestry and platform facts — and every output is searched for
the token, its lowercase form, its SHA-256 hex and its UUIDv5s.  Each scenario
also triggers the detector that reads those values, so the test exercises the
code paths that could leak, not just quiet ones.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest

import envdetect
from envdetect._capture import capture
from envdetect._cli import render
from envdetect._fixture import FixtureContext
from tests.conftest import ROOT, fixture_id, fixture_paths, load

NAMESPACES = (uuid.NAMESPACE_DNS, uuid.NAMESPACE_URL, uuid.NAMESPACE_OID, uuid.NAMESPACE_X500)


def token(category: str) -> str:
    return f"Sntl{category}{hashlib.sha256(category.encode()).hexdigest()[:10]}"


def forms(value: str) -> set[str]:
    found = {value, value.lower(), hashlib.sha256(value.encode()).hexdigest()}
    found.update(str(uuid.uuid5(ns, value)) for ns in NAMESPACES)
    return found


# -- planted values -----------------------------------------------------------
T = {
    name: token(name)
    for name in (
        "Arbitrary",
        "TermVersion",
        "AiAgent",
        "UserAgentExtra",
        "Host",
        "User",
        "Home",
        "Venv",
        "Conda",
        "Pyenv",
        "Shell",
        "Pwd",
        "Lambda",
        "GcpProject",
        "AzureSub",
        "Codespace",
        "Repo",
        "Branch",
        "Commit",
        "BuildUrl",
        "GhToken",
        "AwsSecret",
        "TermSession",
        "ItermSession",
        "WtSession",
        "Tmux",
        "MachineId",
        "DmiUuid",
        "Container",
        "Exe",
        "Cmdline",
        "Kernel",
        "HostFile",
        "ProjectPath",
        "RunId",
        "Workspace",
        "Service",
        "AppName",
        "Cluster",
        "Tenant",
    )
}
IP_CLIENT = "198.51.100.73"
IP_SERVICE = "203.0.113.91"
ACCOUNT = "918273645501"
HEX_CONTAINER = hashlib.sha256(b"container").hexdigest()  # 64 hex, like a container id
NUMERIC = {
    "account": ACCOUNT,
    "ip_client": IP_CLIENT,
    "ip_service": IP_SERVICE,
    "container_hex": HEX_CONTAINER,
}
ALL_SECRETS = {*T.values(), *NUMERIC.values()}

BASE_ENV = {
    "MY_APP_SETTING": T["Arbitrary"],
    "TERM_PROGRAM": "vscode",
    "TERM_PROGRAM_VERSION": T["TermVersion"],
    "AWS_TOOLING_USER_AGENT": f"AWS-Toolkit-For-VSCode/3.30.0 {T['UserAgentExtra']}",
    "HOSTNAME": T["Host"],
    "COMPUTERNAME": T["Host"],
    "USER": T["User"],
    "LOGNAME": T["User"],
    "USERNAME": T["User"],
    "HOME": f"/home/{T['Home']}",
    "USERPROFILE": f"C:\\Users\\{T['Home']}",
    "VIRTUAL_ENV": f"/home/{T['Home']}/{T['Venv']}/.venv",
    "CONDA_PREFIX": f"/opt/{T['Conda']}/envs/base",
    "PYENV_DIR": f"/srv/{T['Pyenv']}",
    "SHELL": f"/home/{T['Home']}/bin/{T['Shell']}",
    "PWD": f"/work/{T['Pwd']}",
    "SSH_CONNECTION": f"{IP_CLIENT} 53122 10.0.0.5 22",
    "SSH_CLIENT": f"{IP_CLIENT} 53122 22",
    "KUBERNETES_SERVICE_HOST": IP_SERVICE,
    "KUBERNETES_SERVICE_PORT": "443",
    "GITHUB_TOKEN": T["GhToken"],
    "AWS_SECRET_ACCESS_KEY": T["AwsSecret"],
    "TERM_SESSION_ID": T["TermSession"],
    "ITERM_SESSION_ID": f"w0t0p0:{T['ItermSession']}",
    "WT_SESSION": T["WtSession"],
    "TMUX": f"/tmp/tmux-1000/{T['Tmux']},2381,0",
    "LANG": "en_US.UTF-8",
    "TERM": "xterm-256color",
}

SCENARIOS: dict[str, dict[str, str]] = {
    "laptop": {},
    "github_actions": {
        "CI": "true",
        "GITHUB_ACTIONS": "true",
        "GITHUB_EVENT_NAME": "pull_request",
        "GITHUB_REPOSITORY": f"{T['Repo']}/{T['ProjectPath']}",
        "GITHUB_REF_NAME": T["Branch"],
        "GITHUB_SHA": T["Commit"],
        "GITHUB_RUN_ID": T["RunId"],
        "GITHUB_SERVER_URL": f"https://{T['BuildUrl']}.example",
        "GITHUB_WORKSPACE": f"/home/runner/work/{T['Workspace']}",
    },
    "gitlab": {
        "CI": "true",
        "GITLAB_CI": "true",
        "CI_PROJECT_PATH": f"{T['Repo']}/{T['ProjectPath']}",
        "CI_COMMIT_REF_NAME": T["Branch"],
        "CI_COMMIT_SHA": T["Commit"],
        "CI_MERGE_REQUEST_ID": "4412",
        "CI_PIPELINE_URL": f"https://{T['BuildUrl']}.example/p/1",
    },
    "jenkins": {
        "JENKINS_URL": f"https://{T['BuildUrl']}.example/",
        "BUILD_TAG": f"jenkins-{T['Repo']}-7",
        "BUILD_URL": f"https://{T['BuildUrl']}.example/job/{T['ProjectPath']}/7/",
        "GIT_BRANCH": T["Branch"],
        "GIT_COMMIT": T["Commit"],
        "CHANGE_ID": "12",
    },
    "codebuild": {
        "CODEBUILD_BUILD_ARN": f"arn:aws:codebuild:us-east-1:{ACCOUNT}:build/"
        f"{T['ProjectPath']}:0d1e2f3a-4b5c-6d7e-8f90-a1b2c3d4e5f6",
        "CODEBUILD_BUILD_ID": f"{T['ProjectPath']}:0d1e2f3a-4b5c-6d7e-8f90-a1b2c3d4e5f6",
        "CODEBUILD_WEBHOOK_EVENT": "PULL_REQUEST_UPDATED",
        "CODEBUILD_SOURCE_VERSION": "pr/9",
        "CODEBUILD_RESOLVED_SOURCE_VERSION": T["Commit"],
    },
    "lambda": {
        "AWS_LAMBDA_FUNCTION_NAME": T["Lambda"],
        "AWS_LAMBDA_RUNTIME_API": "127.0.0.1:9001",
        "AWS_EXECUTION_ENV": "AWS_Lambda_python3.12",
        "AWS_REGION": "us-east-1",
        "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{T['Lambda']}",
    },
    "gcp_cloud_run": {
        "K_SERVICE": T["Service"],
        "K_REVISION": f"{T['Service']}-00002-xyz",
        "K_CONFIGURATION": T["Service"],
        "GOOGLE_CLOUD_PROJECT": T["GcpProject"],
    },
    "azure_functions": {
        "FUNCTIONS_WORKER_RUNTIME": "python",
        "WEBSITE_INSTANCE_ID": T["AppName"],
        "WEBSITE_SITE_NAME": T["AppName"],
        "AZURE_SUBSCRIPTION_ID": T["AzureSub"],
        "AZURE_TENANT_ID": T["Tenant"],
        "CONTAINER_NAME": T["Container"],
    },
    "codespaces": {
        "CODESPACES": "true",
        "CODESPACE_NAME": T["Codespace"],
        "GITHUB_REPOSITORY": f"{T['Repo']}/{T['ProjectPath']}",
        "GITHUB_USER": T["User"],
    },
    "agent": {"CLAUDECODE": "1", "CLAUDE_CODE_ENTRYPOINT": "cli", "CURSOR_TRACE_ID": T["RunId"]},
    "agent_named": {"AI_AGENT": T["AiAgent"]},
    "notebook": {"JPY_PARENT_PID": "4242", "JPY_SESSION_NAME": f"/home/{T['Home']}/nb.ipynb"},
    "kubernetes": {"KUBERNETES_PORT": f"tcp://{IP_SERVICE}:443", "HOSTNAME": T["Cluster"]},
}

FILES = {
    "/etc/os-release": 'NAME="Ubuntu"\nID=ubuntu\nID_LIKE=debian\nVERSION_ID="24.04"\n',
    "/etc/hostname": f"{T['HostFile']}\n",
    "/etc/machine-id": f"{T['MachineId']}\n",
    "/sys/class/dmi/id/product_uuid": f"{T['DmiUuid']}\n",
    "/sys/class/dmi/id/sys_vendor": "Amazon EC2\n",
    "/sys/class/dmi/id/product_name": "m7i.large\n",
    "/sys/class/dmi/id/board_asset_tag": f"i-{T['DmiUuid']}\n",
    "/.dockerenv": "",
    "/proc/self/cgroup": f"12:pids:/docker/{HEX_CONTAINER}\n0::/docker/{HEX_CONTAINER}\n",
    "/proc/self/mountinfo": (
        f"612 590 0:52 / / rw,relatime - overlay overlay rw,lowerdir=/var/lib/docker/overlay2/"
        f"l/{T['Container']}:/var/lib/docker/overlay2/l/ABC\n"
        f"631 612 259:1 /var/lib/docker/containers/{HEX_CONTAINER}/hostname /etc/hostname "
        f"rw,relatime - ext4 /dev/nvme0n1p1 rw\n"
    ),
    "/proc/version": f"Linux version 6.8.0-1015-aws (buildd@{T['Kernel']}) #16-Ubuntu SMP\n",
}

PROCESSES = [
    {
        "name": "python3",
        "exe": f"/home/{T['Home']}/.pyenv/versions/3.12.3/bin/python3.12",
        "cmdline": ["python3", "-m", "tool", f"--password={T['Cmdline']}"],
    },
    {"name": "bash", "exe": "/usr/bin/bash", "cmdline": ["-bash"]},
    {
        "name": "code",
        "exe": f"/home/{T['Exe']}/.vscode-server/bin/abc/node",
        "cmdline": [f"/home/{T['Exe']}/.vscode-server/bin/abc/node", "--max-old-space-size=3072"],
    },
    {"name": "sshd", "cmdline": [f"sshd: {T['User']}@pts/0"]},
]

PLATFORM = {
    "system": "Linux",
    "release": "6.8.0-1015-aws",
    "version": f"#16-Ubuntu SMP {T['Kernel']} Sat Sep 14 00:12:13 UTC 2024",
    "machine": "x86_64",
    "python_implementation": "CPython",
    "python_version": "3.12.3",
    "python_bits": 64,
    "python_venv": True,
}


def scenario_fixture(name: str) -> dict[str, Any]:
    return {
        "environ": {**BASE_ENV, **SCENARIOS[name]},
        "files": FILES,
        "processes": PROCESSES,
        "platform": PLATFORM,
        "tty": {"stdin": True, "stdout": True},
    }


def leaks(text: str, secrets: set[str] = ALL_SECRETS) -> list[str]:
    found = []
    for secret in secrets:
        for form in forms(secret):
            if form in text:
                found.append(f"{secret} (as {form})")
    return found


def outputs(env: envdetect.Environment, ctx: FixtureContext | None = None) -> dict[str, str]:
    result = {
        "json": env.to_json(),
        "explain": json.dumps(dict(env.explanation)),
        "report": render(env, explain=True),
        "fingerprint": json.dumps(env.fingerprint()),
        "otel": json.dumps(env.resource_attributes()),
    }
    if ctx is not None:
        result["capture"] = json.dumps(capture(ctx))
    return result


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_no_sentinel_leaves_fixture_detection(name: str) -> None:
    document = scenario_fixture(name)
    env = envdetect.detect(FixtureContext(document), plugins=False)
    for output, text in outputs(env, FixtureContext(document)).items():
        assert leaks(text) == [], f"{name}: {output} leaks"


def test_scenarios_really_exercise_the_detectors() -> None:
    """Sanity: the planted environments are detected, so the values were read."""
    detected = {
        name: envdetect.detect(FixtureContext(scenario_fixture(name)), plugins=False)
        for name in SCENARIOS
    }
    assert detected["laptop"].os.distro.id == "ubuntu"
    assert detected["laptop"].runtime.kind in {"ide", "terminal", "agent"}
    kinds = {env.runtime.kind for env in detected.values()}
    assert "terminal" in kinds or "ide" in kinds


@pytest.mark.parametrize("path", fixture_paths(), ids=fixture_id)
def test_fingerprint_allowlist_over_every_fixture(path: Path) -> None:
    from envdetect._fingerprint import FIELDS, closed_tables

    env = envdetect.detect(FixtureContext(load(path)), plugins=False)
    fingerprint = env.fingerprint()
    assert list(fingerprint) == [*FIELDS, "digest"]
    tables = closed_tables()
    for key, value in fingerprint.items():
        if value is None or isinstance(value, bool):
            continue
        if key in tables:
            assert value in tables[key], (key, value)
        elif key in {"schema", "python.bits"}:
            assert isinstance(value, int)
        elif key == "digest":
            assert len(value) == 16
            assert all(c in "0123456789abcdef" for c in value)
        else:  # versions: each in the shape its rule admits, which it keeps as it is
            assert all(part.isascii() and part[:1].isdigit() for part in value.split(".")), (
                key,
                value,
            )
            assert len(value) <= 16
            assert version_shape(key, fingerprint["os.type"])(value) == value, (key, value)


def version_shape(key: str, os_type: str | None) -> Any:
    from envdetect import _fingerprint as shapes

    if key == "os.version":
        if os_type == "linux":
            return shapes.linux_version
        return shapes.OS_VERSION_SHAPES.get(os_type or "", shapes.release_version)
    return {
        "os.distro.version": shapes.linux_version,
        "toolkit.version": shapes.toolkit_version,
        "python.version": shapes.python_version,
    }[key]


def _live(args: list[str], env: dict[str, str], python: str) -> str:
    done = subprocess.run(
        [python, *args], capture_output=True, text=True, env=env, cwd=ROOT, check=True, timeout=120
    )
    return done.stdout + done.stderr


def test_no_sentinel_leaves_live_detection(tmp_path: Path) -> None:
    """Live, in a subprocess whose environment and interpreter path are planted."""
    home = tmp_path / T["Home"]
    bindir = home / "bin"
    bindir.mkdir(parents=True)
    python = bindir / "python3"
    python.symlink_to(sys.executable)
    env = {
        **BASE_ENV,
        **SCENARIOS["github_actions"],
        "HOME": str(home),
        "PATH": os.environ.get("PATH", ""),
        "PWD": str(home),
        "PYTHONPATH": os.pathsep.join(p for p in sys.path if p),
    }
    env.pop("ENVDETECT_PLUGINS", None)
    texts = {
        "json": _live(["-m", "envdetect", "--json"], env, str(python)),
        "explain": _live(["-m", "envdetect", "--explain"], env, str(python)),
        "explain-json": _live(["-m", "envdetect", "--json", "--explain"], env, str(python)),
        "fingerprint": _live(["-m", "envdetect", "--fingerprint"], env, str(python)),
        "capture": _live(["-m", "envdetect", "--capture", "-"], env, str(python)),
    }
    secrets = ALL_SECRETS | _machine_secrets()
    for name, text in texts.items():
        assert leaks(text, secrets) == [], f"live {name} leaks"
    assert json.loads(texts["json"])["runtime"]["kind"] in {"ci", "ide", "agent"}


def _machine_secrets() -> set[str]:
    """Identifying values of the real machine running the test."""
    import socket

    found = {socket.gethostname()}
    for path in ("/etc/machine-id", "/etc/hostname"):
        try:
            text = Path(path).read_text().strip()
        except OSError:
            continue
        if len(text) >= 6:
            found.add(text)
    return {value for value in found if len(value) >= 6}


# -- sentinels inside versions ---------------------------------------------------------
#
# The local document shows the machine's own strings (cleaned, capped); what
# leaves the machine must not carry them, not even a number planted in a
# version field: only the shapes real releases use are sent.

N1, N2 = "730514", "286193"  # numbers no real release has
SUFFIX = "Sntl" + hashlib.sha256(b"suffix").hexdigest()[:8]  # fits a toolkit suffix
VERSION_SECRETS = {N1, N2, SUFFIX, T["Host"], T["User"]}


def _linux(os_release: str) -> dict[str, Any]:
    return {
        "files": {"/etc/os-release": os_release},
        "tty": {"stdin": True, "stdout": True},
        "platform": {
            "system": "Linux",
            "release": "6.8.0-45-generic",
            "machine": "x86_64",
            "python_implementation": "CPython",
            "python_version": "3.12.3",
        },
    }


def _platform(**platform: str) -> dict[str, Any]:
    return {
        "platform": {
            "machine": "x86_64",
            "python_implementation": "CPython",
            "python_version": "3.12.3",
            **platform,
        }
    }


def _toolkit(value: str) -> dict[str, Any]:
    return {
        **_linux('ID=ubuntu\nNAME="Ubuntu"\nVERSION_ID="24.04"\n'),
        "environ": {"AWS_TOOLING_USER_AGENT": value},
    }


VERSION_SCENARIOS: dict[str, dict[str, Any]] = {
    "VERSION_ID with a suffix": _linux(
        f'ID=ubuntu\nNAME="Ubuntu"\nVERSION_ID="{N1}.{N2}-{SUFFIX}"\n'
    ),
    "VERSION_ID one number": _linux(f"ID=debian\nNAME=Debian\nVERSION_ID={N1}{N2}\n"),
    "VERSION_ID long minor": _linux(f'ID=rhel\nNAME="RHEL"\nVERSION_ID="9.{N1}"\n'),
    "VERSION_ID long third part": _linux(f'ID=rhel\nNAME="RHEL"\nVERSION_ID="9.4.{N1}{N2}"\n'),
    "VERSION_ID a date-like number": _linux(f"ID=opensuse-tumbleweed\nNAME=x\nVERSION_ID={N1}99\n"),
    "long numeric PRETTY_NAME": _linux(f'ID=ubuntu\nNAME="Ubuntu"\nPRETTY_NAME="{N1 * 40_000}"\n'),
    "numeric PRETTY_NAME": _linux(f'ID=ubuntu\nNAME="Ubuntu"\nPRETTY_NAME="{N1 * 30}"\n'),
    "names and ids of a custom image": _linux(
        f'ID="{T["Host"]}"\nNAME="{T["User"]} Workstation\x00\x1b[2J"\n'
        f'ID_LIKE="{T["Host"]} rhel"\nVERSION_ID="7.3"\n'
    ),
    "toolkit version suffix": _toolkit(f"AWS-Toolkit-For-VSCode/3.30.0-{SUFFIX}"),
    "toolkit version numbers": _toolkit(f"AWS-Toolkit-For-VSCode/{N1}.{N2}"),
    "toolkit version long minor": _toolkit(f"AWS Toolkit For JetBrains/3.{N1}-{N2}"),
    "macOS product version": _platform(system="Darwin", release="23.5.0", mac_ver=f"{N1}.{N2}"),
    "macOS long minor": _platform(system="Darwin", release="23.5.0", mac_ver=f"14.{N1}"),
    "macOS Darwin release": _platform(system="Darwin", release=f"{N1}.{N2}.0"),
    "Windows build": _platform(system="Windows", release="10", version=f"10.0.{N1}{N2}"),
    "Windows kernel pair": _platform(system="Windows", release="10", version=f"{N1}.{N2}.22631"),
    "Cygwin system name": _platform(system=f"CYGWIN_NT-10.0-{N1}", release="3.5.4-1.x86_64"),
    "FreeBSD release": _platform(system="FreeBSD", release=f"{N1}.{N2}-RELEASE-p5"),
}


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for item in value.values() for text in _strings(item)]
    if isinstance(value, list):
        return [text for item in value for text in _strings(item)]
    return []


@pytest.mark.parametrize("document", list(VERSION_SCENARIOS.values()), ids=list(VERSION_SCENARIOS))
def test_no_sentinel_inside_a_version_leaves_the_machine(document: dict[str, Any]) -> None:
    env = envdetect.detect(FixtureContext(document), plugins=False)
    fingerprint = env.fingerprint()
    for name, text in {
        "fingerprint": json.dumps(fingerprint),
        "otel": json.dumps(env.resource_attributes()),
    }.items():
        assert leaks(text, VERSION_SECRETS) == [], f"{name} leaks"
    # The local document shows the machine's strings, but only cleaned and capped.
    for text in _strings(env.to_dict()):
        assert text.isprintable(), repr(text)
        assert len(text) <= 64, repr(text)
        assert text == " ".join(text.split()), repr(text)


def test_version_scenarios_really_plant_into_the_document() -> None:
    """Sanity: the sentinels do reach the local document (so the fingerprint had
    something to drop), and real versions beside them still leave the machine."""

    def detected(name: str) -> envdetect.Environment:
        return envdetect.detect(FixtureContext(VERSION_SCENARIOS[name]), plugins=False)

    env = detected("VERSION_ID with a suffix")
    assert env.os.version == f"{N1}.{N2}-{SUFFIX}"
    assert env.fingerprint()["os.distro.id"] == "ubuntu"
    assert env.fingerprint()["os.version"] is None
    assert detected("VERSION_ID long third part").fingerprint()["os.version"] == "9.4"
    toolkit = detected("toolkit version suffix")
    assert toolkit.toolkit.version == f"3.30.0-{SUFFIX}"
    assert toolkit.fingerprint()["toolkit.version"] == "3.30"
    assert detected("toolkit version numbers").toolkit.version == f"{N1}.{N2}"
    assert detected("macOS product version").os.version == f"{N1}.{N2}"
    assert detected("Windows build").os.version == f"10.0.{N1}{N2}"
    assert detected("FreeBSD release").os.version == f"{N1}.{N2}-RELEASE-p5"
    custom = detected("names and ids of a custom image")
    assert custom.os.name == f"{T['User']} Workstation\ufffd\ufffd[2J"
    assert custom.os.distro is not None
    assert custom.os.distro.id == T["Host"].lower()
    assert detected("long numeric PRETTY_NAME").os.version is None  # junk: no version
    shown = detected("numeric PRETTY_NAME").os.version
    assert shown is not None
    assert len(shown) == 64
    assert shown.endswith("\u2026")
