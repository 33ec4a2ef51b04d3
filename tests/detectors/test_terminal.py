"""The terminal facet: interactive, and the innermost terminal program."""

from __future__ import annotations

from typing import Any

import pytest

import envdetect
from envdetect._fixture import FixtureContext
from envdetect.detectors import _ancestry, terminal
from tests.conftest import CountingContext, fixture_paths, load


def world(
    environ: dict[str, str],
    processes: list[dict[str, Any]] | None = None,
    tty: dict[str, bool] | None = None,
) -> dict[str, Any]:
    return {
        "environ": environ,
        "processes": processes or [],
        "platform": {"system": "Linux", "machine": "x86_64"},
        "tty": {"stdin": True, "stdout": True} if tty is None else tty,
    }


def terminal_of(document: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = envdetect.detect(FixtureContext(document), plugins=False).to_dict()[
        "terminal"
    ]
    return result


def program(environ: dict[str, str], processes: list[dict[str, Any]] | None = None) -> Any:
    return terminal_of(world(environ, processes))["program"]


# -- interactive ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stdin", "stdout", "expected"),
    [
        (True, True, True),
        (True, False, False),
        (False, True, False),
        (False, False, False),
    ],
)
def test_interactive_means_stdin_and_stdout_are_terminals(
    stdin: bool, stdout: bool, expected: bool
) -> None:
    document = world({}, tty={"stdin": stdin, "stdout": stdout})
    assert terminal_of(document)["interactive"] is expected


def test_term_dumb_is_still_a_terminal() -> None:
    env = envdetect.detect(FixtureContext(world({"TERM": "dumb"})), plugins=False)
    assert env.terminal.interactive is True
    assert env.runtime.kind == "terminal"


def test_unknown_tty_state_is_null() -> None:
    class Unknown(FixtureContext):
        def isatty(self, stream: str) -> bool | None:
            return None

    env = envdetect.detect(Unknown(world({})), plugins=False)
    assert env.terminal.interactive is None


# -- the program table ------------------------------------------------------------------


def test_every_program_id_is_exported_and_has_a_fixture() -> None:
    seen = set()
    for path in fixture_paths():
        expected = load(path).get("expect", {}).get("terminal")
        if isinstance(expected, dict) and expected.get("program"):
            seen.add(expected["program"])
    assert set(terminal.PROGRAMS) == set(terminal.TERMINAL_PROGRAM_IDS)
    assert seen <= set(terminal.PROGRAMS)
    required = {
        "apple_terminal",
        "iterm2",
        "wezterm",
        "ghostty",
        "warp",
        "kitty",
        "alacritty",
        "windows_terminal",
        "conemu",
        "vte",
        "konsole",
        "xterm",
        "mintty",
        "tmux",
        "screen",
        "zellij",
        "hyper",
        "tabby",
        "rio",
        "vscode",
        "jetbrains",
    }
    assert required <= seen


def test_program_ids_are_what_the_tables_produce() -> None:
    # TERMINAL_PROGRAM_IDS is a literal (free to import): it must stay the
    # set of programs the tables, the JetBrains terminal and the editors
    # hosting a terminal can name, sorted and without repeats.
    produced = {*terminal.TERM_PROGRAMS.values(), *terminal.TERM_VALUES.values(), "jetbrains"}
    produced |= {program for _, program in terminal.EDITOR_TERMINALS}
    produced |= {program for _, program in terminal.MULTIPLEXERS}
    produced |= {program for _, _, program in terminal.EMULATOR_VARIABLES}
    produced |= {program for program in _ancestry.TERMINAL_PROCESSES.values() if program}
    produced |= set(_ancestry.TERMINAL_HOSTS.values())
    assert tuple(sorted(produced)) == terminal.TERMINAL_PROGRAM_IDS


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (value, expected)
        for value, expected in terminal.TERM_PROGRAMS.items()
        if value not in terminal.IDE_TERM_PROGRAMS
    ],
)
def test_term_program_values(value: str, expected: str) -> None:
    assert program({"TERM_PROGRAM": value}) == expected


def test_an_unknown_term_program_is_null_and_never_echoed() -> None:
    value = "Sntl-Terminal-7c1d"
    env = envdetect.detect(FixtureContext(world({"TERM_PROGRAM": value})), plugins=False)
    assert env.terminal.program is None
    assert value not in env.to_json() + repr(env.explanation)


def test_term_program_is_case_sensitive() -> None:
    assert program({"TERM_PROGRAM": "iterm.app"}) is None
    assert program({"TERM_PROGRAM": " ghostty "}) == "ghostty"


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [(name, value or "x", expected) for name, value, expected in terminal.EMULATOR_VARIABLES],
)
def test_emulator_variables(name: str, value: str, expected: str) -> None:
    assert program({name: value}) == expected


def test_lc_terminal_must_be_iterm2() -> None:
    assert program({"LC_TERMINAL": "SomethingElse"}) is None


@pytest.mark.parametrize(("term", "expected"), sorted(terminal.TERM_VALUES.items()))
def test_term_values_only_one_emulator_uses(term: str, expected: str) -> None:
    assert program({"TERM": term}) == expected


def test_generic_term_values_name_nothing() -> None:
    for term in ("xterm-256color", "xterm", "screen-256color", "tmux-256color", "linux", "dumb"):
        assert program({"TERM": term}) is None


def test_leaky_variables_lose_to_specific_ones() -> None:
    assert program({"VTE_VERSION": "7600", "KONSOLE_VERSION": "240802"}) == "konsole"
    assert program({"WT_SESSION": "0f1b", "KITTY_WINDOW_ID": "1"}) == "kitty"
    assert program({"TERM_PROGRAM": "iTerm.app", "TERM": "xterm-kitty"}) == "kitty"


def test_jetbrains_terminal_wins_over_an_inherited_term_program() -> None:
    assert (
        program({"TERMINAL_EMULATOR": "JetBrains-JediTerm", "TERM_PROGRAM": "iTerm.app"})
        == "jetbrains"
    )


def test_editor_terminals_are_innermost() -> None:
    assert program({"NVIM": "/run/user/1000/nvim.1.0", "TERM_PROGRAM": "iTerm.app"}) == "neovim"
    assert program({"VIM_TERMINAL": "901", "VTE_VERSION": "7600"}) == "vim"
    assert program({"INSIDE_EMACS": "29.1,term:0.96", "TERM": "eterm-color"}) == "emacs"


# -- IDE terminals need the ide facet --------------------------------------------------


def test_vscode_term_program_counts_only_with_vscode_found() -> None:
    assert program({"TERM_PROGRAM": "vscode"}) is None
    assert program({"TERM_PROGRAM": "vscode", "VSCODE_GIT_IPC_HANDLE": "/run/x.sock"}) == "vscode"
    assert program({"TERM_PROGRAM": "kiro", "VSCODE_INJECTION": "1"}) == "vscode"
    assert program({"TERM_PROGRAM": "zed"}) is None
    assert program({"TERM_PROGRAM": "zed", "ZED_TERM": "true"}) == "zed"


def test_vscode_term_program_in_a_container_falls_back_to_nothing() -> None:
    assert program({"TERM_PROGRAM": "vscode", "TERM": "xterm"}, [{"name": "bash"}]) is None


# -- multiplexers ----------------------------------------------------------------------


def test_tmux_overwrites_term_program() -> None:
    assert (
        program(
            {
                "TERM_PROGRAM": "tmux",
                "TMUX": "/tmp/tmux-1000/default,1,0",
                "ITERM_SESSION_ID": "w0t0p0:abc",
                "LC_TERMINAL": "iTerm2",
            }
        )
        == "tmux"
    )


def test_multiplexer_variables() -> None:
    assert program({"STY": "1234.pts-0.host", "TERM": "screen"}) == "screen"
    assert program({"ZELLIJ": "0", "TERM_PROGRAM": "WezTerm"}) == "zellij"
    assert program({"ZELLIJ_SESSION_NAME": "eager-otter"}) == "zellij"


def test_multiplexer_without_conflict_reads_no_ancestry() -> None:
    ctx = CountingContext(
        world(
            {"TERM_PROGRAM": "tmux", "TMUX": "/tmp/t,1,0", "KITTY_WINDOW_ID": "1"},
            [{"name": "tmux: server"}],
        )
    )
    assert terminal.detect(ctx) == {"interactive": True, "program": "tmux"}
    assert ctx.ancestry_reads == 0


@pytest.mark.parametrize(
    ("processes", "expected"),
    [
        ([{"name": "zsh"}, {"name": "tmux: server"}], "tmux"),
        ([{"name": "zsh"}, {"name": "nvim"}, {"name": "zsh"}, {"name": "tmux: server"}], "neovim"),
        ([{"name": "zsh"}, {"name": "tmux: server"}, {"name": "nvim"}], "tmux"),
        ([], "tmux"),
        ([{"name": "zsh"}, {"name": "sshd", "cmdline": ["sshd: ana@pts/0"]}], "tmux"),
    ],
)
def test_multiplexer_against_an_inner_layer_the_chain_decides(
    processes: list[dict[str, Any]], expected: str
) -> None:
    environ = {
        "TERM_PROGRAM": "tmux",
        "TMUX": "/tmp/tmux-1000/default,1,0",
        "NVIM": "/run/user/1000/nvim.4242.0",
    }
    assert program(environ, processes) == expected


def test_an_ide_started_from_a_tmux_pane_keeps_its_own_terminal() -> None:
    environ = {
        "TERM_PROGRAM": "vscode",
        "VSCODE_GIT_IPC_HANDLE": "/run/user/1000/v.sock",
        "TMUX": "/tmp/tmux-1000/default,1,0",
        "TMUX_PANE": "%2",
    }
    chain = [
        {"name": "bash"},
        {"name": "code", "exe": "/usr/share/code/code"},
        {"name": "bash"},
        {"name": "tmux: server"},
    ]
    assert program(environ, chain) == "vscode"
    assert program(environ) == "tmux"


def test_old_tmux_keeps_the_outer_term_program() -> None:
    environ = {"TERM_PROGRAM": "WezTerm", "TMUX": "/tmp/tmux-1000/default,1,0"}
    assert program(environ, [{"name": "bash"}, {"name": "tmux: server"}]) == "tmux"


def test_ssh_session_is_a_terminal_and_never_shows_its_addresses() -> None:
    environ = {
        "SSH_CONNECTION": "198.51.100.73 53122 10.0.0.5 22",
        "SSH_CLIENT": "198.51.100.73 53122 22",
        "SSH_TTY": "/dev/pts/1",
        "TERM": "xterm-256color",
    }
    env = envdetect.detect(
        FixtureContext(world(environ, [{"name": "bash"}, {"name": "sshd"}])), plugins=False
    )
    assert env.runtime.kind == "terminal"
    assert env.ide is None
    assert env.terminal.program is None
    assert "198.51.100.73" not in env.to_json() + repr(env.explanation)


# -- one multiplexer inside another ---------------------------------------------------
#
# What tmux 3.3a and screen 4.09 set, run here (scripts/real_runtimes/multiplexers.sh):
# the inner one adds its own variables and TERM and keeps the outer one's.

SCREEN_IN_TMUX = {
    "TMUX": "/tmp/tmux-0/p15,1878,0",
    "TMUX_PANE": "%0",
    "TERM_PROGRAM": "tmux",
    "TERM_PROGRAM_VERSION": "3.3a",
    "STY": "1879.inner",
    "WINDOW": "0",
    "TERM": "screen",
}
TMUX_IN_SCREEN = {
    "STY": "2022.outer",
    "WINDOW": "0",
    "TMUX": "/tmp/tmux-0/p15b,2028,0",
    "TMUX_PANE": "%0",
    "TERM_PROGRAM": "tmux",
    "TERM_PROGRAM_VERSION": "3.3a",
    "TERM": "tmux-256color",
}
SCREEN = {"name": "screen", "exe": "/usr/bin/screen"}
TMUX = {"name": "tmux: server", "exe": "/usr/bin/tmux"}


@pytest.mark.parametrize(
    ("environ", "chain", "expected"),
    [
        (SCREEN_IN_TMUX, [{"name": "bash"}, SCREEN, {"name": "bash"}, TMUX], "screen"),
        (SCREEN_IN_TMUX, [], "screen"),  # TERM alone
        (TMUX_IN_SCREEN, [{"name": "bash"}, TMUX, {"name": "bash"}, SCREEN], "tmux"),
        (TMUX_IN_SCREEN, [], "tmux"),
        # A tmux whose default-terminal is "screen", inside screen: TERM cannot
        # tell, the chain can; without it, TERM's reading (screen) stands.
        ({**TMUX_IN_SCREEN, "TERM": "screen"}, [{"name": "bash"}, TMUX, SCREEN], "tmux"),
        ({**TMUX_IN_SCREEN, "TERM": "screen"}, [], "screen"),
        # screen's "term" set to xterm-256color and no chain: the first marker.
        ({**SCREEN_IN_TMUX, "TERM": "xterm-256color"}, [], "tmux"),
        ({**SCREEN_IN_TMUX, "TERM": "screen.xterm-256color"}, [], "screen"),
    ],
)
def test_the_innermost_multiplexer_is_the_program(
    environ: dict[str, str], chain: list[dict[str, Any]], expected: str
) -> None:
    assert program(environ, chain) == expected


def test_nested_multiplexers_evidence() -> None:
    env = envdetect.detect(FixtureContext(world(SCREEN_IN_TMUX)), plugins=False)
    assert env.explanation["terminal"]["because"][-2:] == ["env STY", "env TERM"]
    chain = [{"name": "bash"}, SCREEN, TMUX]
    env = envdetect.detect(FixtureContext(world(SCREEN_IN_TMUX, chain)), plugins=False)
    assert env.explanation["terminal"]["because"][-2:] == ["env STY", "process screen"]


def test_a_lone_multiplexer_still_reads_no_ancestry() -> None:
    ctx = CountingContext(
        world(
            {"STY": "1879.inner", "WINDOW": "0", "TERM": "screen", "COLORTERM": "truecolor"},
            [SCREEN],
        )
    )
    assert terminal.detect(ctx) == {"interactive": True, "program": "screen"}
    assert ctx.ancestry_reads == 0


def test_zellij_inside_tmux_by_the_chain() -> None:
    environ = {
        "TMUX": "/tmp/tmux-1000/default,1,0",
        "TERM_PROGRAM": "tmux",
        "ZELLIJ": "0",
        "ZELLIJ_SESSION_NAME": "eager-otter",
        "TERM": "tmux-256color",
    }
    assert program(environ, [{"name": "bash"}, {"name": "zellij"}, TMUX]) == "zellij"
    assert program(environ) == "tmux"  # zellij keeps TERM: only the chain tells


# -- Terminus (Sublime Text) and foot ---------------------------------------------------

TERMINUS = {"TERM_PROGRAM": "Terminus-Sublime", "TERM": "linux", "LANG": "en_US.UTF-8"}


def test_terminus_by_its_term_program() -> None:
    # Inside WSL only what WSLENV shares crosses over: TERM_PROGRAM, not TERMINUS_SUBLIME.
    assert program(TERMINUS) == "terminus"
    assert program({**TERMINUS, "TERMINUS_SUBLIME": "1"}) == "terminus"


def test_terminus_in_sublime_started_from_tmux_is_terminus() -> None:
    environ = {**TERMINUS, "TERMINUS_SUBLIME": "1", "TMUX": "/tmp/tmux-1000/default,1,0"}
    chain = [
        {"name": "bash"},
        {"name": "plugin_host-3.8"},
        {"name": "sublime_text"},
        {"name": "bash"},
        TMUX,
    ]
    assert program(environ, chain) == "terminus"
    # Sublime started elsewhere, then tmux run inside Terminus: tmux is inner.
    inner_tmux = [{"name": "bash"}, TMUX, {"name": "bash"}, {"name": "plugin_host-3.8"}]
    assert program({**environ, "TERM_PROGRAM": "tmux"}, inner_tmux) == "tmux"


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"TERM": "foot", "COLORTERM": "truecolor"}, "foot"),
        ({"TERM": "foot-direct", "COLORTERM": "truecolor"}, "foot"),
        ({"TERM_PROGRAM": "foot", "TERM": "xterm-256color", "COLORTERM": "truecolor"}, "foot"),
        # term=xterm-256color in foot.ini and nothing else: no variable of foot's own is left.
        ({"TERM": "xterm-256color", "COLORTERM": "truecolor"}, None),
    ],
)
def test_foot(environ: dict[str, str], expected: str | None) -> None:
    assert program(environ) == expected
