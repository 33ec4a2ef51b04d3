"""The ``terminal`` facet: whether a person could be typing, and in which emulator.

``interactive`` is true when stdin and stdout are both terminals (a pipe on
either side is not; ``TERM=dumb`` still is).  ``program`` is the terminal
program the session belongs to, from a closed table, or ``None``.

Terminals nest: a multiplexer runs inside an emulator, an editor's own
terminal inside either, and every layer's variables are inherited by the
layers it starts.  The innermost layer wins:

1. an editor's built-in terminal (``NVIM``, ``VIM_TERMINAL``,
   ``INSIDE_EMACS``, Sublime's Terminus);
2. a ``TERM`` only one emulator uses (``xterm-kitty``, ``xterm-ghostty``...):
   ``TERM`` is rewritten by whichever layer is innermost;
3. a JetBrains terminal (``TERMINAL_EMULATOR=JetBrains-JediTerm``): JetBrains
   leaves an inherited ``TERM_PROGRAM`` alone, so it goes before it;
4. ``TERM_PROGRAM``; the values an IDE's integrated terminal writes
   (``vscode``, ``kiro``, ``zed``) count only when the ide facet found that
   IDE, so a ``TERM_PROGRAM=vscode`` copied into a container means nothing;
5. an emulator's own variables (``KITTY_WINDOW_ID``, ``WT_SESSION``...).

A multiplexer (``TERM_PROGRAM=tmux``, ``TMUX``, ``STY``, ``ZELLIJ``) sits
between the program and the emulator that shows it, and the emulator
variables inside it are those of whichever terminal started its server,
possibly long closed: the multiplexer is the program.  Only when one of the
layers 1-4 also claims the session (an IDE started from inside tmux passes
``TMUX`` on to its own terminals) does the process chain decide: the nearer
of the two wins, and the multiplexer when the chain cannot tell.  Two
multiplexers (screen in tmux, tmux in screen) are told apart the same way,
then by ``TERM``, which only the inner one writes.
"""

TYPE_CHECKING = False
if TYPE_CHECKING:  # pragma: no cover
    from typing import Any

    from envdetect._context import Context

facet = "terminal"

#: ``TERM_PROGRAM`` values an editor's integrated terminal writes.  Copied
#: into a container or an SSH session they prove nothing, so they count only
#: together with another marker of the same editor (env or process chain).
IDE_TERM_PROGRAMS = {"vscode": "vscode", "kiro": "kiro", "zed": "zed"}

#: Exact ``TERM_PROGRAM`` values -> terminal program id.  ``vscode``, ``kiro``
#: and ``zed`` count only when the ide facet found that editor.
TERM_PROGRAMS = {
    "Apple_Terminal": "apple_terminal",
    "iTerm.app": "iterm2",
    "WezTerm": "wezterm",
    "ghostty": "ghostty",
    "WarpTerminal": "warp",
    "Hyper": "hyper",
    "Tabby": "tabby",
    "rio": "rio",
    "mintty": "mintty",
    "waveterm": "wave",
    "kitty": "kitty",
    "tmux": "tmux",
    "vscode": "vscode",
    "kiro": "vscode",
    "zed": "zed",
    # JetBrains Fleet's terminal (no TERMINAL_EMULATOR there).
    "Jetbrains.Fleet": "jetbrains",
    # Terminus (Sublime Text) since 0.2.27, next to TERMINUS_SUBLIME=1
    # (terminus/commands.py).
    "Terminus-Sublime": "terminus",
    # foot itself sets only TERM and COLORTERM (foot(1), ENVIRONMENT); this
    # is the value foot.ini's [environment] section is given for it.
    "foot": "foot",
}

#: ``TERM`` values only one emulator uses; ``TERM`` is written by the
#: innermost emulator, so these win over an inherited ``TERM_PROGRAM``.
TERM_VALUES = {
    "xterm-kitty": "kitty",
    "xterm-ghostty": "ghostty",
    "alacritty": "alacritty",
    "alacritty-direct": "alacritty",
    "foot": "foot",
    "foot-direct": "foot",
    "rio": "rio",
    "wezterm": "wezterm",
}

#: Terminal editors' own terminals, innermost of all: (variable, program).
EDITOR_TERMINALS = (
    ("NVIM", "neovim"),
    ("VIM_TERMINAL", "vim"),
    ("INSIDE_EMACS", "emacs"),
    ("TERMINUS_SUBLIME", "terminus"),
)

#: Multiplexers: (variable, program).  ``TERM_PROGRAM=tmux`` counts too.
MULTIPLEXERS = (
    ("TMUX", "tmux"),
    ("STY", "screen"),
    ("ZELLIJ", "zellij"),
    ("ZELLIJ_SESSION_NAME", "zellij"),
)

#: ``TERM`` prefixes a multiplexer writes for what runs inside it: screen's
#: ``screen`` / ``screen.<outer TERM>`` (its ``term`` setting), tmux's
#: ``default-terminal`` (``tmux-256color``, or ``screen*`` in older setups).
TERM_MULTIPLEXERS = (("tmux", "tmux"), ("screen", "screen"))

#: Emulators' own variables, most specific first.  ``VTE_VERSION`` and
#: ``WT_SESSION`` come last: they leak into whatever is started from those
#: terminals, other terminal emulators included.  ``LC_TERMINAL`` is iTerm2's
#: and survives SSH (``AcceptEnv LC_*``).
EMULATOR_VARIABLES = (
    ("KITTY_WINDOW_ID", None, "kitty"),
    ("ALACRITTY_WINDOW_ID", None, "alacritty"),
    ("ALACRITTY_SOCKET", None, "alacritty"),
    ("ALACRITTY_LOG", None, "alacritty"),
    ("WEZTERM_PANE", None, "wezterm"),
    ("WEZTERM_EXECUTABLE", None, "wezterm"),
    ("GHOSTTY_RESOURCES_DIR", None, "ghostty"),
    ("WARP_IS_LOCAL_SHELL_SESSION", None, "warp"),
    ("ITERM_SESSION_ID", None, "iterm2"),
    ("KONSOLE_VERSION", None, "konsole"),
    ("KONSOLE_DBUS_SESSION", None, "konsole"),
    ("XTERM_VERSION", None, "xterm"),
    ("ConEmuPID", None, "conemu"),
    ("ConEmuANSI", None, "conemu"),
    ("TILIX_ID", None, "vte"),
    ("TERMINATOR_UUID", None, "vte"),
    ("GNOME_TERMINAL_SCREEN", None, "vte"),
    ("VTE_VERSION", None, "vte"),
    ("WT_SESSION", None, "windows_terminal"),
    ("LC_TERMINAL", "iterm2", "iterm2"),
)

# <generated: programs>
# fmt: off
#: Every terminal program id the tables above and the ancestry's
#: (``_ancestry.TERMINAL_PROCESSES``, ``TERMINAL_HOSTS``) can
#: produce, plus ``jetbrains`` (JetBrains' terminal names itself in
#: ``TERMINAL_EMULATOR``).
TERMINAL_PROGRAM_IDS = (
    "alacritty", "apple_terminal", "conemu", "emacs", "foot", "ghostty", "hyper", "iterm2",
    "jetbrains", "kitty", "konsole", "mintty", "neovim", "rio", "screen", "tabby", "terminus",
    "tmux", "vim", "vscode", "vte", "warp", "wave", "wezterm", "windows_terminal", "xterm", "zed",
    "zellij",
)
# fmt: on
# </generated>

#: Every program id this facet can report.
PROGRAMS = TERMINAL_PROGRAM_IDS


def detect(ctx: "Context") -> "dict[str, Any] | None":
    stdin, stdout = ctx.isatty("stdin"), ctx.isatty("stdout")
    interactive = None if stdin is None or stdout is None else bool(stdin and stdout)
    ctx.because(_tty_signal("stdin", stdin), _tty_signal("stdout", stdout))
    ide = ctx.found.get("ide")
    ide_id = ide.get("id") if isinstance(ide, dict) else None
    program, signals = program_from(ctx, ide_id)
    ctx.because(*signals)
    return {"interactive": interactive, "program": program}


def _tty_signal(stream: str, is_terminal: "bool | None") -> str:
    # What was found, not only what was looked at: "tty stdin" read as a yes.
    if is_terminal is None:
        return f"{stream} terminal unknown"
    return f"{stream} terminal" if is_terminal else f"{stream} not a terminal"


def program_from(
    ctx: "Context",
    ide_id: "str | None",
    *,
    use_chain: bool = True,
) -> "tuple[str | None, list[str]]":
    """The terminal program and the signals that named it.

    With ``use_chain=False`` the environment alone answers.
    """
    inner, inner_signal = _inner_layer(ctx, ide_id)
    mux, mux_signals = _multiplexer(ctx, use_chain)
    if mux is not None:
        if inner is None or not use_chain:
            return mux, mux_signals
        from envdetect.detectors import _ancestry

        layer = _ancestry.nearest_terminal_layer(ctx)
        if layer is not None and layer[0] == inner:
            return inner, [inner_signal, layer[1]]
        if layer is None or layer[1] in mux_signals:
            return mux, mux_signals
        return mux, [*mux_signals, layer[1]]
    if inner is not None:
        return inner, [inner_signal]
    for name, value, program in EMULATOR_VARIABLES:
        found = ctx.env(name)
        if found is not None and (value is None or found.strip().lower() == value):
            return program, [f"env {name}"]
    return None, []


def _inner_layer(ctx: "Context", ide_id: "str | None") -> "tuple[str | None, str]":
    for name, program in EDITOR_TERMINALS:
        if ctx.has(name):
            return program, f"env {name}"
    term = ctx.env("TERM")
    if term is not None and term in TERM_VALUES:
        return TERM_VALUES[term], "env TERM"
    emulator = ctx.env("TERMINAL_EMULATOR")
    if emulator is not None and "jetbrains" in emulator.lower():
        return "jetbrains", "env TERMINAL_EMULATOR"
    value = (ctx.env("TERM_PROGRAM") or "").strip()
    named = TERM_PROGRAMS.get(value)
    if named is not None and named != "tmux" and _hosted_by(value, ide_id):
        return named, "env TERM_PROGRAM"
    return None, ""


def _hosted_by(term_program: str, ide_id: "str | None") -> bool:
    """An IDE's own TERM_PROGRAM value counts only where that IDE was found."""
    expected = IDE_TERM_PROGRAMS.get(term_program)
    if expected is None:
        return True
    if expected == "zed":
        return ide_id == "zed"
    from envdetect.detectors import _ancestry

    return ide_id in _ancestry.VSCODE_FAMILY


def _multiplexer(ctx: "Context", use_chain: bool = True) -> "tuple[str | None, list[str]]":
    found: list[tuple[str, str]] = []
    if (ctx.env("TERM_PROGRAM") or "").strip() == "tmux":
        found.append(("tmux", "env TERM_PROGRAM"))
    for name, program in MULTIPLEXERS:
        if ctx.has(name) and all(program != seen for seen, _ in found):
            found.append((program, f"env {name}"))
    if not found:
        return None, []
    if len(found) == 1:
        return found[0][0], [found[0][1]]
    return _innermost_multiplexer(ctx, found, use_chain)


def _innermost_multiplexer(
    ctx: "Context",
    found: "list[tuple[str, str]]",
    use_chain: bool,
) -> "tuple[str, list[str]]":
    """One multiplexer inside another: each keeps the outer one's variables
    (screen leaves ``TERM_PROGRAM=tmux`` and ``TMUX`` alone, tmux leaves
    ``STY``), so their markers cannot tell which is inside.  The nearer of
    them in the process chain can; failing that, ``TERM``, which only the
    innermost one writes (``screen*`` from screen, ``tmux*`` from tmux; a
    tmux whose ``default-terminal`` is ``screen`` reads as screen there)."""
    signals = dict(found)
    if use_chain:
        from envdetect.detectors import _ancestry

        layer = _ancestry.nearest_terminal_layer(ctx)
        if layer is not None and layer[0] in signals:
            return layer[0], [signals[layer[0]], layer[1]]
    term = (ctx.env("TERM") or "").strip()
    for prefix, program in TERM_MULTIPLEXERS:
        if term.startswith(prefix) and program in signals:
            return program, [signals[program], "env TERM"]
    return found[0][0], [found[0][1]]
