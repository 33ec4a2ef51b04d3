"""The ide facet: environment first, the process chain only where it must."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

import envdetect
from envdetect._context import Process, normalize_name
from envdetect._fixture import FixtureContext
from envdetect.detectors import _ancestry, _jetbrains, ide, notebook
from tests.conftest import FIXTURES, CountingContext, fixture_id, fixture_paths, load

IDE_IDS = set(ide.IDE_NAMES)


def world(
    environ: dict[str, str], processes: list[dict[str, Any]] | None = None, tty: bool = True
) -> dict[str, Any]:
    return {
        "environ": environ,
        "processes": processes or [],
        "platform": {"system": "Linux", "machine": "x86_64"},
        "tty": {"stdin": tty, "stdout": tty},
    }


def detect(document: dict[str, Any]) -> envdetect.Environment:
    return envdetect.detect(FixtureContext(document), plugins=False)


def ide_of(document: dict[str, Any]) -> dict[str, Any] | None:
    result: dict[str, Any] | None = detect(document).to_dict()["ide"]
    return result


def ide_id(document: dict[str, Any]) -> str | None:
    result = ide_of(document)
    return None if result is None else str(result["id"])


# -- coverage of the fixtures --------------------------------------------------


def expected_ides() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in fixture_paths():
        expected = load(path).get("expect", {}).get("ide")
        if isinstance(expected, dict):
            found.setdefault(expected["id"], []).append(fixture_id(path))
    return found


def test_every_ide_id_has_a_fixture() -> None:
    assert set(expected_ides()) >= IDE_IDS


def test_ids_and_products_are_exported_for_the_fingerprint() -> None:
    assert set(ide.IDS) == IDE_IDS
    assert set(ide.PRODUCTS) == set(ide.JETBRAINS_PRODUCTS)
    produced = {value[0] for value in _ancestry.PROCESS_IDES.values()}
    produced |= {value[0] for value in ide.BUNDLE_IDS.values()}
    produced |= {value[0] for value in _ancestry.DISTINCTIVE_DIRS.values()}
    assert produced <= IDE_IDS
    products = {value[1] for value in _ancestry.PROCESS_IDES.values()} | {
        value[1] for value in ide.BUNDLE_IDS.values()
    }
    products |= set(_jetbrains.SELECTORS.values()) | set(_jetbrains.PREFIXES.values())
    assert products - {None} <= set(ide.JETBRAINS_PRODUCTS)


CHAIN_FIXTURES = [path for path in fixture_paths() if "by-chain" in path.name]


def test_the_chain_only_cases_have_fixtures() -> None:
    names = {path.name for path in CHAIN_FIXTURES}
    for needed in (
        "vscodium-linux-terminal-by-chain.json",
        "jetbrains-pycharm-shell-run-config-by-chain-linux.json",
        "sublime-build-linux-by-chain.json",
        "idle-by-chain-ubuntu.json",
        "idle-by-chain-windows.json",
        "vim-shell-command-by-chain.json",
    ):
        assert needed in names


@pytest.mark.parametrize("path", CHAIN_FIXTURES, ids=fixture_id)
def test_chain_fixtures_are_decided_by_the_chain(path: Path) -> None:
    """Each names a process as evidence, and without the ancestry it is not detected."""
    document = load(path)
    env = detect(document)
    evidence = [
        signal
        for facet in ("ide", "notebook", "terminal")
        for signal in env.explanation[facet]["because"]
    ]
    assert any(signal.startswith("process ") for signal in evidence), evidence
    orphan = {**document, "processes": []}
    blind = detect(orphan).to_dict()
    expected = document["expect"]
    changed = [
        facet
        for facet in ("ide", "notebook", "terminal")
        if facet in expected and blind[facet] != expected[facet]
    ]
    assert changed, "the fixture replays the same without its ancestry"


# -- privacy -------------------------------------------------------------------

PROCESS_TOKENS = (
    set(_ancestry.PROCESS_IDES)
    | set(_ancestry.TERMINAL_PROCESSES)
    | {
        "emacs",
        "idle",
        "tmux",
        "sshd",
        "executable",
        "command line",
        "java (intellij platform)",
        "python (ipykernel)",
        "python (spyder)",
        "python (idlelib)",
        "python (idle)",
    }
    | {f"marimo ({command})" for command in _ancestry.MARIMO_RUNS}
)
#: Evidence from this process's own command line (notebook kernels).
OWN_COMMAND_LINE = {"command line (ipykernel)", "command line (marimo)"}
FILES = set(notebook.SAGEMAKER_FILES) | set(notebook.DATABRICKS_FILES)


@pytest.mark.parametrize("path", fixture_paths(), ids=fixture_id)
def test_evidence_names_signals_never_values(path: Path) -> None:
    document = load(path)
    env = detect(document)
    environ = document.get("environ", {})
    for facet in ("ide", "notebook", "terminal"):
        for signal in env.explanation[facet]["because"]:
            kind, _, name = signal.partition(" ")
            if kind == "env":
                assert name in environ, signal
            elif kind == "process":
                assert name in PROCESS_TOKENS, signal
            elif kind == "file":
                assert name in FILES, signal
            elif kind == "command":
                assert signal in OWN_COMMAND_LINE, signal
            else:
                assert signal.startswith(("stdin ", "stdout ")), signal


def test_nothing_from_the_ancestry_leaves_the_detector() -> None:
    secret = "Sntl5e3c2e7a9b"
    document = world(
        {"TERM_PROGRAM": "vscode"},
        [
            {"name": "bash", "exe": f"/home/{secret}/bin/bash", "cmdline": ["bash", f"--{secret}"]},
            {
                "name": "codium",
                "exe": f"/home/{secret}/.local/codium/codium",
                "cmdline": [f"/home/{secret}/.local/codium/codium", f"--token={secret}"],
            },
        ],
    )
    env = detect(document)
    assert env.ide.id == "vscodium"
    text = env.to_json() + json.dumps(dict(env.explanation))
    assert secret not in text
    assert secret.lower() not in text


# -- the environment decides; the chain is read only when it must ------------------


def run_these_detectors(ctx: FixtureContext) -> dict[str, Any]:
    """ide, notebook and terminal alone, in engine order (other detectors may
    read the ancestry for their own reasons)."""
    from envdetect.detectors import notebook, terminal

    for module in (ide, notebook, terminal):
        ctx.found[module.facet] = module.detect(ctx)
    return ctx.found


def test_decided_by_environment_reads_no_ancestry() -> None:
    ctx = CountingContext(load(FIXTURES / "ide" / "vscode-terminal-linux-bash.json"))
    assert run_these_detectors(ctx)["ide"]["id"] == "vscode"
    assert ctx.ancestry_reads == 0


@pytest.mark.parametrize(
    "name",
    [
        "terminal/iterm2-macos.json",
        "terminal/ssh-session-from-iterm2-lc-terminal.json",
        "terminal/gnome-terminal-vte.json",
        "terminal/windows-terminal-pwsh.json",
        "terminal/ssh-session-is-a-terminal-not-an-ide.json",
        "terminal/linux-console-no-emulator.json",
    ],
)
def test_a_person_at_a_terminal_reads_no_ancestry(name: str) -> None:
    ctx = CountingContext(load(FIXTURES / name))
    found = run_these_detectors(ctx)
    assert found["ide"] is None
    assert ctx.ancestry_reads == 0


@pytest.mark.parametrize(
    ("facet", "value"),
    [
        ("ci", {"id": "github_actions"}),
        ("agent", {"id": "claude_code"}),
        ("cloud", {"provider": "aws", "platform": "aws_lambda"}),
    ],
)
def test_ci_agent_or_managed_cloud_found_reads_no_ancestry(facet: str, value: Any) -> None:
    ctx = CountingContext(world({}, [{"name": "pycharm"}], tty=False))
    ctx.found[facet] = value
    assert ide.detect(ctx) is None
    assert ctx.ancestry_reads == 0


def test_a_virtual_machine_is_no_reason_to_skip_the_chain() -> None:
    ctx = CountingContext(world({}, [{"name": "pycharm"}], tty=False))
    ctx.found["cloud"] = {"provider": "aws", "platform": "aws_ec2"}
    assert ide.detect(ctx) == {"id": "jetbrains", "name": "PyCharm", "product": "pycharm"}


def test_a_script_with_no_terminal_consults_the_chain_once() -> None:
    ctx = CountingContext(world({}, [{"name": "sh"}, {"name": "pycharm"}], tty=False))
    assert run_these_detectors(ctx)["ide"]["product"] == "pycharm"
    assert ctx.ancestry_reads == 1


def test_vim_hints_make_an_interactive_terminal_worth_a_look() -> None:
    document = world(
        {"TERM_PROGRAM": "iTerm.app", "VIMRUNTIME": "/usr/share/vim/vim91"},
        [{"name": "sh"}, {"name": "vim"}],
    )
    assert ide_of(document) == {"id": "vim", "name": "Vim", "product": None}
    document["environ"].pop("VIMRUNTIME")
    assert ide_of(document) is None


# -- VS Code and its forks ---------------------------------------------------------


def test_term_program_vscode_alone_is_not_vscode() -> None:
    assert ide_of(world({"TERM_PROGRAM": "vscode", "TERM_PROGRAM_VERSION": "1.96.2"})) is None


def test_term_program_vscode_is_confirmed_by_the_chain() -> None:
    document = world(
        {"TERM_PROGRAM": "vscode"},
        [{"name": "bash"}, {"name": "code", "exe": "/usr/share/code/code"}],
    )
    assert ide_of(document) == {"id": "vscode", "name": "Visual Studio Code", "product": None}


def test_term_program_vscode_with_another_ide_in_the_chain_names_that_ide() -> None:
    document = world({"TERM_PROGRAM": "vscode"}, [{"name": "sh"}, {"name": "pycharm"}], tty=False)
    assert ide_of(document) == {"id": "jetbrains", "name": "PyCharm", "product": "pycharm"}


def test_term_program_vscode_is_confirmed_by_a_bundle_id() -> None:
    document = world(
        {"TERM_PROGRAM": "vscode", "__CFBundleIdentifier": "com.todesktop.230313mzl4w4u92"}
    )
    assert ide_of(document) == {"id": "cursor", "name": "Cursor", "product": None}


@pytest.mark.parametrize("marker", ide.VSCODE_EXTENSION_MARKERS)
def test_extension_spawned_children_are_vscode(marker: str) -> None:
    assert ide_id(world({marker: "x"}, tty=False)) == "vscode"


def test_vscode_fork_path_beats_an_inherited_fork_marker() -> None:
    """VS Code started from a Cursor terminal keeps CURSOR_TRACE_ID; its git helper is VS Code's."""
    document = world(
        {
            "TERM_PROGRAM": "vscode",
            "CURSOR_TRACE_ID": "9f2c1e0b",
            "VSCODE_GIT_ASKPASS_NODE": "/usr/share/code/code",
        }
    )
    assert ide_id(document) == "vscode"


def test_kiro_term_program_wins_over_paths() -> None:
    document = world(
        {
            "TERM_PROGRAM": "kiro",
            "VSCODE_GIT_IPC_HANDLE": "/run/user/1000/x.sock",
            "VSCODE_GIT_ASKPASS_NODE": "/usr/share/cursor/cursor",
        }
    )
    assert ide_id(document) == "kiro"


def test_cursor_agent_alone_is_not_the_cursor_ide() -> None:
    assert ide_of(world({"CURSOR_AGENT": "1", "TERM_PROGRAM": "iTerm.app"})) is None


def test_cursor_trace_id_is_the_cursor_ide() -> None:
    assert ide_id(world({"CURSOR_TRACE_ID": "9f2c1e0b", "TERM_PROGRAM": "vscode"})) == "cursor"


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("TERM_PRODUCT", "Trae", "trae"),
        ("POSITRON", "1", "positron"),
        ("ANTIGRAVITY_CLI_ALIAS", "agy", "antigravity"),
        ("WINDSURF_CASCADE_TERMINAL_KIND", "user", "windsurf"),
    ],
)
def test_fork_markers(variable: str, value: str, expected: str) -> None:
    assert ide_id(world({"TERM_PROGRAM": "vscode", variable: value})) == expected


def test_positron_needs_its_flag_value() -> None:
    assert ide_of(world({"TERM_PROGRAM": "vscode", "POSITRON": "0"})) is None


def test_cloud9_extension_host() -> None:
    document = world(
        {"VSCODE_AMD_ENTRYPOINT": "vs/workbench/services/extensions/c9/extensionHostProcess"},
        tty=False,
    )
    assert ide_id(document) == "cloud9"


def test_normalize() -> None:
    assert normalize_name("Code - Insiders Helper (Plugin).app") == "code - insiders"
    assert normalize_name("pycharm64.exe") == "pycharm64"
    assert normalize_name("  Cursor  ") == "cursor"


# -- JetBrains -------------------------------------------------------------------


@pytest.mark.parametrize(
    "variable", ["PYCHARM_HOSTED", "JETBRAINS_REMOTE_RUN", "IDEA_INITIAL_DIRECTORY"]
)
def test_jetbrains_variables(variable: str) -> None:
    result = ide_of(world({variable: "1"}, tty=False))
    assert result == {"id": "jetbrains", "name": "JetBrains IDE", "product": None}


def test_vscode_opened_from_a_jetbrains_ide_is_vscode() -> None:
    """IDEA_INITIAL_DIRECTORY reaches everything the IDE starts, VS Code included."""
    document = world(
        {
            "IDEA_INITIAL_DIRECTORY": "/home/ana",
            "TERM_PROGRAM": "vscode",
            "VSCODE_GIT_IPC_HANDLE": "/run/user/1000/vscode-git-1b.sock",
        }
    )
    assert ide_id(document) == "vscode"


def test_jetbrains_product_from_the_chain_when_the_environment_has_none() -> None:
    document = world({"PYCHARM_HOSTED": "1"}, [{"name": "idea64.exe"}], tty=False)
    assert ide_of(document) == {"id": "jetbrains", "name": "IntelliJ IDEA", "product": "idea"}


def test_windows_pycharm_path_variable_and_term_session_id_are_not_jetbrains() -> None:
    document = world(
        {
            "PYCHARM": "C:\\Program Files\\JetBrains\\PyCharm 2024.3\\bin;",
            "TERM_SESSION_ID": "5e0c4a3f-2b6d-4e43-9a8e-1f6f3c2d7b90",
            "WT_SESSION": "0f1b2c3d",
        }
    )
    assert ide_of(document) is None


# -- the chain ---------------------------------------------------------------------


def test_the_chain_stops_at_a_terminal() -> None:
    """kitty started from a VS Code terminal: the person types in kitty."""
    document = world(
        {},
        [
            {"name": "zsh"},
            {"name": "kitty"},
            {"name": "zsh"},
            {"name": "code", "exe": "/usr/share/code/code"},
        ],
        tty=False,
    )
    assert ide_of(document) is None


def test_plain_ssh_is_not_an_ide_but_remote_ssh_is() -> None:
    ssh = world(
        {"SSH_CONNECTION": "198.51.100.23 53122 192.0.2.10 22"},
        [{"name": "bash"}, {"name": "sshd", "cmdline": ["sshd: ana@pts/0"]}],
        tty=False,
    )
    assert ide_of(ssh) is None
    remote = world(
        {"SSH_CONNECTION": "198.51.100.23 53122 192.0.2.10 22"},
        [
            {"name": "bash"},
            {"name": "node", "exe": "/home/ana/.vscode-server/cli/servers/Stable-abc/server/node"},
            {"name": "sshd", "cmdline": ["sshd: ana@notty"]},
        ],
        tty=False,
    )
    assert ide_id(remote) == "vscode"


def test_an_unreadable_ancestry_is_an_empty_one() -> None:
    class Broken(FixtureContext):
        def _read_processes(self) -> Iterable[Process]:
            raise PermissionError("denied")

    env = envdetect.detect(Broken(world({"TERM_PROGRAM": "vscode"})), plugins=False)
    assert env.ide is None
    assert env.explanation["ide"]["error"] is None


def test_result_shape() -> None:
    result = ide_of(world({"ZED_TERM": "true", "TERM_PROGRAM": "zed"}))
    assert result == {"id": "zed", "name": "Zed", "product": None}
    assert detect(world({"ZED_TERM": "true"})).runtime.kind == "ide"


# -- remote development at its edges -------------------------------------------------------

DEVCONTAINER_IPC = "/tmp/vscode-remote-containers-ipc-6f1c2a8e-3b7d-4e59-a0c4-9d2e8b1f7a63.sock"


@pytest.mark.parametrize("tty", [True, False])
def test_dev_containers_lifecycle_hook_is_vscode(tty: bool) -> None:
    document = world(
        {"REMOTE_CONTAINERS": "true", "REMOTE_CONTAINERS_IPC": DEVCONTAINER_IPC}, tty=tty
    )
    assert ide_id(document) == "vscode"
    assert detect(document).explanation["ide"]["because"] == ["env REMOTE_CONTAINERS_IPC"]


def test_a_fork_running_dev_containers_is_named_by_its_paths() -> None:
    document = world(
        {
            "REMOTE_CONTAINERS_IPC": DEVCONTAINER_IPC,
            "BROWSER": "/home/vscode/.cursor-server/bin/0a1b2c/bin/helpers/browser.sh",
        }
    )
    assert ide_id(document) == "cursor"


@pytest.mark.parametrize(
    "environ",
    [
        {"REMOTE_CONTAINERS": "true"},  # DevPod, dev-container imitations
        {"REMOTE_CONTAINERS": "true", "DEVPOD": "true"},
        {"REMOTE_CONTAINERS_IPC": ""},
        {"REMOTE_CONTAINERS_SOCKETS": '["/tmp/.X11-unix/X0"]'},
    ],
)
def test_remote_containers_without_the_extensions_socket_is_no_ide(environ: dict[str, str]) -> None:
    assert ide_of(world(environ, tty=False)) is None


OVS = "/home/dana/openvscode-server-v1.96.4-linux-x64"


@pytest.mark.parametrize(
    "process",
    [
        {
            "name": "node",
            "exe": f"{OVS}/node",
            "cmdline": [f"{OVS}/node", f"{OVS}/out/server-main.js"],
        },
        {"name": "node", "cmdline": ["node", f"{OVS}/out/server-main.js", "--port", "3000"]},
        {"name": "node", "cmdline": [f"{OVS}/node", f"{OVS}/out/bootstrap-fork", "--type=ptyHost"]},
        {"name": "node", "exe": "/opt/openvscode-server-v1.95.3-linux-arm64/node"},
        {"name": "node", "exe": "/opt/openvscode-server-v1.96.4-linux-armhf/node"},
    ],
)
def test_openvscode_server_from_its_release_tarball(process: dict[str, Any]) -> None:
    document = world({}, [{"name": "bash", "cmdline": ["bash"]}, process], tty=False)
    assert ide_id(document) == "vscode"


@pytest.mark.parametrize(
    "path",
    [
        "/home/dana/src/openvscode-server/out/server-main.js",  # a checkout
        "/home/dana/openvscode-server-vnext/node",  # no version
        "/home/dana/openvscode-server.bak/node",
        "/srv/my-openvscode-server-v1.96.4/node",  # not the release's own name
    ],
)
def test_openvscode_server_lookalikes(path: str) -> None:
    document = world({}, [{"name": "node", "exe": path, "cmdline": ["node", path]}], tty=False)
    assert ide_of(document) is None


def test_the_screen_passes_release_directories() -> None:
    from envdetect._context import may_be_recognised

    path = f"{OVS}/node"
    for process in (
        Process("node", path),
        Process("node", None, (path,)),
        Process("node", None, ("node", f"{OVS}/out/server-main.js")),
    ):
        assert _ancestry.classify(process) is not None
        assert may_be_recognised(process)


def test_fleet_terminal() -> None:
    document = world({"TERM_PROGRAM": "Jetbrains.Fleet", "TERM_PROGRAM_VERSION": "1.44.148"})
    assert ide_of(document) == {"id": "jetbrains", "name": "Fleet", "product": "fleet"}
    env = detect(document)
    assert env.explanation["ide"]["because"] == ["env TERM_PROGRAM"]
    assert env.to_dict()["terminal"]["program"] == "jetbrains"


@pytest.mark.parametrize("value", ["jetbrains.fleet", "Fleet", "JetBrains-JediTerm"])
def test_fleet_needs_its_exact_term_program(value: str) -> None:
    assert ide_of(world({"TERM_PROGRAM": value})) is None


def test_an_intellij_terminal_inside_fleet_is_the_intellij_ide() -> None:
    document = world(
        {
            "TERM_PROGRAM": "Jetbrains.Fleet",
            "TERMINAL_EMULATOR": "JetBrains-JediTerm",
            "__INTELLIJ_COMMAND_HISTFILE__": (
                "/home/dana/.config/JetBrains/PyCharm2024.3/terminal/history/x-history1"
            ),
        }
    )
    assert ide_of(document) == {"id": "jetbrains", "name": "PyCharm", "product": "pycharm"}
