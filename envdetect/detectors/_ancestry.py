"""Who started us: classifying the process ancestry for every facet that reads it.

The ``ide``, ``notebook``, ``terminal``, ``agent`` and ``ci`` detectors all
look at the same ancestors; this module holds the classifier they share and
the tables only it needs, and nothing they read from the environment (each
detector keeps those tables itself).  Before importing the ``ci``,
``agent``, ``ide`` or ``notebook`` detector the engine asks it whether any
ancestor is something one of them looks for (:func:`ancestry_matters`), and
before importing this module it screens the ancestors with the registry's
:data:`~envdetect.detectors.ANCESTRY_SCREEN`: a person typing at a terminal,
and most piped runs, never load it.  The two name tables the screen needs
too (:data:`~envdetect.detectors.PROCESS_IDES`,
:data:`~envdetect.detectors.AGENT_PROCESSES`) live in the registry.

The tables come first, as plain data.  Every table is closed: a value that
is not listed here is never echoed, it simply does not match.  Process names
are compared case-insensitively.  The sources behind the entries are listed
in docs/reference/ides-notebooks-terminals.md.

Then the ancestry: which ancestors are IDEs, terminals, notebook kernels,
agents or CI workers.  Names, executables and command lines are used to
classify and for nothing else: a classification is a table entry, never a
piece of the process.  The evidence strings returned name the table entry
that matched ("process pycharm", "process java (idea.platform.prefix)"), not
the ancestor.

Every ancestor may lack ``exe`` and ``cmdline`` (another user's process, a
sandbox, psutil denied access): the name alone must then do.
"""

from envdetect._context import normalize_name
from envdetect.detectors import (
    AGENT_PROCESSES,
    ANCESTRY_SCREEN,
    PROCESS_IDES,
    on_managed_platform,
)

TYPE_CHECKING = False
if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Sequence

    from envdetect._context import Context, Process

    #: (kind, id, product, evidence); kind is "ide", "terminal" or "kernel".
    Hit = tuple[str, "str | None", "str | None", str]

# =============================================================================
# The tables: plain data
# =============================================================================

# -- IDEs --------------------------------------------------------------------

#: VS Code and the editors built from it: they share VS Code's terminal,
#: its ``VSCODE_*`` variables and ``TERM_PROGRAM=vscode`` (Kiro: ``kiro``).
VSCODE_FAMILY = frozenset(
    {
        "vscode",
        "vscodium",
        "cursor",
        "windsurf",
        "positron",
        "trae",
        "kiro",
        "antigravity",
    }
)

#: Directory names distinctive enough to classify wherever they appear in a
#: path: the per-user servers of remote VS Code (Remote-SSH, WSL, Dev
#: Containers) and its forks, Gitpod's openvscode-server, the Cloud9 runtime.
#: Only dot-directories: an undotted name such as ``code-server`` may just
#: as well be someone's checkout of that project.
DISTINCTIVE_DIRS = {
    ".vscode-server": ("vscode", None),
    ".vscode-server-insiders": ("vscode", None),
    ".openvscode-server": ("vscode", None),
    ".vscodium-server": ("vscodium", None),
    ".cursor-server": ("cursor", None),
    ".windsurf-server": ("windsurf", None),
    ".positron-server": ("positron", None),
    ".trae-server": ("trae", None),
    ".kiro-server": ("kiro", None),
    ".antigravity-server": ("antigravity", None),
    ".c9": ("cloud9", None),
}

#: Directories editor servers unpack to from their release archives, by name
#: prefix, a version number following: gitpod-io/openvscode-server's
#: ``openvscode-server-v1.96.4-linux-x64`` holds ``node`` and
#: ``out/server-main.js``.  The version keeps a checkout of the project
#: (plain ``openvscode-server``) out.
RELEASE_DIR_PREFIXES = (("openvscode-server-v", ("vscode", None)),)


def release_dir(part: str) -> "tuple[str, str | None] | None":
    """The editor an unpacked release directory (lowercased) belongs to."""
    for prefix, hit in RELEASE_DIR_PREFIXES:
        if part.startswith(prefix) and part[len(prefix) : len(prefix) + 1].isdigit():
            return hit
    return None


# -- terminals ---------------------------------------------------------------

#: Normalised names of terminal emulator, multiplexer and remote-login
#: processes -> terminal program (``None``: a transport such as sshd).  In
#: the process chain they end the search for an IDE: whatever started the
#: terminal is not where the person types.
TERMINAL_PROCESSES = {
    "terminal": "apple_terminal",
    "iterm2": "iterm2",
    "wezterm-gui": "wezterm",
    "wezterm": "wezterm",
    "wezterm-mux-server": "wezterm",
    "ghostty": "ghostty",
    "kitty": "kitty",
    "alacritty": "alacritty",
    "warp": "warp",
    "warp-terminal": "warp",
    "windowsterminal": "windows_terminal",
    "mintty": "mintty",
    "conemu": "conemu",
    "conemu64": "conemu",
    "conemuc": "conemu",
    "conemuc64": "conemu",
    "gnome-terminal-server": "vte",
    "gnome-terminal-": "vte",
    "gnome-terminal": "vte",
    "tilix": "vte",
    "terminator": "vte",
    "xfce4-terminal": "vte",
    "mate-terminal": "vte",
    "lxterminal": "vte",
    "ptyxis": "vte",
    "ptyxis-agent": "vte",
    "kgx": "vte",
    "guake": "vte",
    "tilda": "vte",
    "konsole": "konsole",
    "yakuake": "konsole",
    "xterm": "xterm",
    "uxterm": "xterm",
    "foot": "foot",
    "footclient": "foot",
    "rio": "rio",
    "hyper": "hyper",
    "tabby": "tabby",
    "tmux": "tmux",
    "screen": "screen",
    "zellij": "zellij",
    "sshd": None,
    "mosh-server": None,
}


# =============================================================================
# Classifying the ancestry
# =============================================================================

# -- agents and CI workers seen among the ancestors ---------------------------

#: Name prefixes -> (id, key): Codex's Linux sandbox helper
#: (``codex-linux-sandbox``) and the early npm builds' per-target binaries
#: (``codex-x86_64-unknown-linux-musl``, ``codex-aarch64-apple-darwin``).
AGENT_PROCESS_PREFIXES = (("codex-", "codex", "codex"),)
#: Scripts and modules run by a Python interpreter (``python …/bin/aider``,
#: ``python -m aider``) -> id, for systems that name the process after the
#: interpreter.
AGENT_SCRIPTS = {"aider": "aider"}

#: Agents shipped as npm packages run as ``node <bin script>``: the script's
#: name (npm links a package's ``bin`` under that name) or the package's
#: directory in the script's path -> id.  Gemini CLI (``gemini``), Copilot CLI
#: (``copilot``, package ``@github/copilot``), Claude Code's npm build
#: (``claude``), Qwen Code (``qwen``), Octofriend (``octofriend``, ``octo``).
NODE_AGENT_SCRIPTS = {
    "gemini": "gemini_cli",
    "copilot": "github_copilot",
    "claude": "claude_code",
    "qwen": "qwen_code",
    "octofriend": "octofriend",
    "octo": "octofriend",
}
NODE_AGENT_PACKAGES = (
    ("/@google/gemini-cli/", "gemini_cli", "gemini"),
    ("/@github/copilot/", "github_copilot", "copilot"),
    ("/@anthropic-ai/claude-code/", "claude_code", "claude"),
    ("/@qwen-code/qwen-code/", "qwen_code", "qwen"),
    ("/octofriend/", "octofriend", "octofriend"),
)
#: How a JavaScript runtime's process is named (Bun runs the same scripts).
NODE_NAMES: "tuple[str, ...]" = ANCESTRY_SCREEN["node"]["names"]

#: Script names of Buildbot's daemons (``buildbot-worker start``, the old
#: ``buildslave start``, the master's ``buildbot start``).
BUILDBOT_SCRIPTS = ("buildbot-worker", "buildslave", "buildbot")

#: Command-line arguments looked at for a Python process (the engine's
#: screen reads as many).
MAX_PYTHON_ARGS: int = ANCESTRY_SCREEN["python"]["args"]
MAX_NODE_ARGS: int = ANCESTRY_SCREEN["node"]["args"]

_KERNEL_MODULES = ("ipykernel_launcher", "ipykernel", "colab_kernel_launcher")
#: IDLE launchers: ``idle3.12``, Debian/Ubuntu's ``idle-python3.12``.
_IDLE_PREFIXES = ("idle3.", "idle-python")


def classify_path(
    path: str,
    table: "dict[str, tuple[str, str | None]]",
) -> "tuple[str, str | None] | None":
    """The editor a path belongs to, from the parts of it that name one.

    Only the parts an installation or an editor's own data directory
    controls are looked at, nearest the end first: the file name, a macOS
    bundle that holds it (``X.app/Contents/MacOS|Resources``), the directory
    holding ``resources/app`` (Linux, Windows installs), the directory
    holding ``CachedData`` or under ``Application Support``, and the
    distinctive server directories (``.vscode-server``, ``.cursor-server``).
    A user's own directory names (``~/code/project``) are never consulted.
    """
    lowered = path.replace("\\", "/").lower()
    hit = table.get(normalize_name(lowered.rstrip("/").rpartition("/")[2]))
    if hit is not None:
        return hit
    for marker in _PATH_MARKERS:
        if marker in lowered:
            break
    else:
        return None  # the common case: nothing below can match
    parts = [part for part in lowered.split("/") if part]
    count = len(parts)
    for index in range(count - 2, -1, -1):
        part = parts[index]
        following = parts[index + 1]
        after = parts[index + 2] if index + 2 < count else ""
        names_editor = (
            (
                part.endswith(".app")
                and following == "contents"
                and after in ("macos", "resources")
            )  # a macOS bundle
            or (following == "resources" and after == "app")  # an install directory
            or following == "cacheddata"  # the editor's data directory
            or (index > 0 and parts[index - 1] == "application support")
        )
        if names_editor:
            hit = table.get(normalize_name(part))
            if hit is not None:
                return hit
        hit = DISTINCTIVE_DIRS.get(part) or release_dir(part)
        if hit is not None:
            return hit
    return None


#: Substrings without which :func:`classify_path` can only match the file name
#: (the engine screens ancestors with the same list).
_PATH_MARKERS = ANCESTRY_SCREEN["path_markers"]


def _basename(arg: str) -> str:
    return arg.replace("\\", "/").rsplit("/", 1)[-1].lower()


def _is_python(name: str, exe: "str | None") -> bool:
    if name.startswith("python") or name in ("py", "pyw"):
        return True
    return bool(exe) and _basename(exe or "").startswith("python")


def _python_role(cmdline: "tuple[str, ...]") -> "Hit | None":
    """A Python ancestor that is a Jupyter kernel, IDLE or Spyder."""
    args = cmdline[1 : MAX_PYTHON_ARGS + 1]
    for position, arg in enumerate(args):
        lowered = arg.lower()
        if lowered == "-m" and position + 1 < len(args):
            module = args[position + 1].lower()
            if module in _KERNEL_MODULES:
                # ``python -m ipykernel install`` writes a kernelspec: not a kernel.
                if args[position + 2 : position + 3] == ("install",):
                    return None
                return ("kernel", "jupyter", None, "process python (ipykernel)")
            if (
                module.startswith("spyder_kernels")
                or module == "spyder"
                or module.startswith("spyder.")
            ):
                return ("ide", "spyder", None, "process python (spyder)")
            if module.startswith("idlelib"):
                return ("ide", "idle", None, "process python (idlelib)")
            continue
        if "idlelib" in lowered:
            return ("ide", "idle", None, "process python (idlelib)")
        base = _basename(arg)
        if base in ("ipykernel_launcher.py", "colab_kernel_launcher.py"):
            return ("kernel", "jupyter", None, "process python (ipykernel)")
        if base in ("idle", "idle3", "idle.py", "idle.pyw") or base.startswith(_IDLE_PREFIXES):
            return ("ide", "idle", None, "process python (idle)")
        if base in ("spyder", "spyder3", "spyder-script.py"):
            return ("ide", "spyder", None, "process python (spyder)")
    return None


#: marimo subcommands that run a notebook's cells: the editor's kernel, the
#: app runner, an export that executes the notebook (html, ipynb with outputs).
MARIMO_RUNS = ("edit", "run", "export", "new", "tutorial")


def marimo_command(cmdline: "Sequence[str]") -> "str | None":
    """The subcommand of a marimo command line that runs cells (``edit``,
    ``run``, ``export`` ...), from ``…/bin/marimo run app.py`` or
    ``python -m marimo edit``; ``None`` for anything else."""
    args = list(cmdline[: MAX_PYTHON_ARGS + 1])
    for index, arg in enumerate(args):
        if arg == "-m" and index + 1 < len(args):
            runs = args[index + 1] == "marimo"
            rest = args[index + 2 :]
        else:
            runs = _stem(arg) in ("marimo", "marimo-script.py")
            rest = args[index + 1 :]
        if runs:
            command = next((part for part in rest if not part.startswith("-")), None)
            return command if command in MARIMO_RUNS else None
    return None


def _is_spawned_worker(cmdline: "Sequence[str]") -> bool:
    """A multiprocessing ``spawn``/``forkserver`` child (marimo's edit and
    export kernels are such children of the marimo process)."""
    return any("multiprocessing" in arg for arg in cmdline[1:4])


def classify(process: "Process") -> "Hit | None":
    """What one ancestor is, or ``None`` for anything unremarkable (a shell)."""
    name = normalize_name(process.name)
    if name in TERMINAL_PROCESSES:
        return ("terminal", TERMINAL_PROCESSES[name], None, f"process {name}")
    if name.startswith("tmux:"):
        return ("terminal", "tmux", None, "process tmux")
    if name.startswith("sshd"):
        return ("terminal", None, None, "process sshd")
    hit = PROCESS_IDES.get(name)
    token = name
    if hit is None:
        # Versioned names are matched by prefix; the evidence names the
        # family, not the ancestor's exact name.
        if name.startswith("emacs-"):
            hit, token = ("emacs", None), "emacs"
        elif name.startswith(_IDLE_PREFIXES):
            hit, token = ("idle", None), "idle"
        elif name == "studio" and "android" in (process.exe or "").lower():
            hit = ("jetbrains", "android_studio")
    if hit is not None:
        return ("ide", hit[0], hit[1], f"process {token}")
    if name in ("java", "javaw") and process.cmdline:
        from envdetect.detectors import _jetbrains

        return _jetbrains.jvm_role(process.cmdline)
    if (_is_python(name, process.exe) or name == "marimo") and process.cmdline:
        role = _python_role(process.cmdline)
        if role is not None:
            return role
        command = marimo_command(process.cmdline)
        if command is not None:
            # The marimo server: its kernel is a spawned child (edit,
            # export) or a thread of it (run); see marimo_kernel().
            return ("marimo", "marimo", command, f"process marimo ({command})")
    first = process.cmdline[0] if process.cmdline else None
    for path in (process.exe, first if first != process.exe else None):
        if path:
            found = classify_path(path, PROCESS_IDES)
            if found is not None:
                return ("ide", found[0], found[1], "process executable")
    if len(process.cmdline) > 1:
        found = _distinctive(process.cmdline[1])
        if found is not None:
            return ("ide", found[0], found[1], "process command line")
    return None


def _distinctive(path: str) -> "tuple[str, str | None] | None":
    lowered = path.replace("\\", "/").lower()
    if "-server" not in lowered and "/.c9" not in lowered:
        return None
    for part in lowered.split("/"):
        hit = DISTINCTIVE_DIRS.get(part) or release_dir(part)
        if hit is not None:
            return hit
    return None


#: The last ancestry classified and its result: the ide, notebook and
#: terminal detectors all walk the same (cached) ancestry of one context.
_last: "list[tuple[tuple[Process, ...], list[Hit]]]" = []


def walk(ctx: "Context") -> "list[Hit]":
    """The classified ancestors, nearest first, up to the first terminal.

    The terminal itself is included (its kind says so); what lies beyond it
    started the terminal and is not where the program runs.
    """
    processes = ctx.processes()
    for seen, classified in _last[-1:]:
        if seen is processes:
            return classified
    hits: list[Hit] = []
    for process in processes:
        hit = classify(process)
        if hit is None:
            continue
        hits.append(hit)
        if hit[0] == "terminal":
            break
    _last[:] = [(processes, hits)]
    return hits


def explained_elsewhere(ctx: "Context") -> bool:
    """CI, an agent or a managed cloud platform already says who runs us:
    no IDE or notebook kernel is worth an ancestry walk then."""
    found = ctx.found
    return bool(found.get("ci") or found.get("agent")) or on_managed_platform(found)


def nearest_ide(ctx: "Context") -> "Hit | None":
    for hit in walk(ctx):
        if hit[0] == "ide":
            return hit
    return None


def own_kernel(ctx: "Context") -> "Hit | None":
    """This process itself is a Jupyter kernel (``python -m ipykernel_launcher``),
    from its own command line: a launcher may set no ``JPY_*`` variable, and
    a kernel is nobody's ancestor while its own code runs."""
    args = ctx.command_line()
    if not args:
        return None
    role = _python_role(("python", *args[1:]))
    if role is not None and role[0] == "kernel":
        return ("kernel", role[1], None, "command line (ipykernel)")
    return None


def marimo_kernel(ctx: "Context", ancestors: bool) -> "Hit | None":
    """marimo runs cells here or in an ancestor: this process is ``marimo run``
    (its kernels are threads) or a spawned worker of a marimo process (the
    editor's and an export's kernels), or such a kernel is an ancestor, up to
    the first terminal.  The ancestry is read only when ``ancestors``."""
    own = ctx.command_line()
    if own and marimo_command(own) is not None:
        return ("kernel", "marimo", None, "command line (marimo)")
    if not ancestors:
        return None
    kernel_below = bool(own) and _is_spawned_worker(own)
    for process in ctx.processes():
        hit = classify(process)
        if hit is not None and hit[0] == "terminal":
            return None
        if hit is not None and hit[0] == "marimo":
            if kernel_below or hit[2] == "run":
                return ("kernel", "marimo", None, hit[3])
            return None  # marimo's own terminal, its language server: a person's
        kernel_below = _is_python(normalize_name(process.name), process.exe) and _is_spawned_worker(
            process.cmdline
        )
    return None


def nearest_kernel(ctx: "Context") -> "Hit | None":
    for hit in walk(ctx):
        if hit[0] == "kernel":
            return hit
    return None


#: IDEs whose process hosts a terminal, as the terminal program they host.
TERMINAL_HOSTS = {
    "jetbrains": "jetbrains",
    "zed": "zed",
    "neovim": "neovim",
    "vim": "vim",
    "emacs": "emacs",
    "sublime_text": "terminus",
}


def nearest_terminal_layer(ctx: "Context") -> "tuple[str | None, str] | None":
    """The innermost process that draws a terminal: an emulator, a
    multiplexer, or an editor with a built-in terminal.  ``None`` as the
    program means a transport (sshd) came first."""
    for hit in walk(ctx):
        kind, ident = hit[0], hit[1]
        if kind == "terminal":
            return ident, hit[3]
        if kind == "ide" and ident is not None:
            if ident in VSCODE_FAMILY:
                return "vscode", hit[3]
            if ident in TERMINAL_HOSTS:
                return TERMINAL_HOSTS[ident], hit[3]
    return None


def agent_process(name: str, cmdline: "Sequence[str]") -> "tuple[str, str] | None":
    """``(id, table key)`` for an ancestor that :data:`AGENT_PROCESSES` or
    :data:`AGENT_SCRIPTS` knows."""
    if name[-4:].lower() == ".exe":  # Windows: aider.exe, codex.exe
        name = name[:-4].lower()
    agent = AGENT_PROCESSES.get(name)
    if agent is not None:
        if agent == "claude_code" and _is_claude_desktop(cmdline):
            return None
        return agent, name
    # Claude Code's native installer links ~/.local/bin/claude to
    # versions/<version>, and macOS names the process after the link's
    # target ("2.1.3"): argv[0] keeps the name it was started by.
    if cmdline and name[:1].isdigit():
        first = _stem(cmdline[0])
        agent = AGENT_PROCESSES.get(first)
        if agent is not None:
            return agent, first
    for prefix, agent, key in AGENT_PROCESS_PREFIXES:
        if name.startswith(prefix):
            return agent, key
    if name.lower().startswith("python"):
        script = _script(cmdline)
        if script is not None and script in AGENT_SCRIPTS:
            return AGENT_SCRIPTS[script], script
    if name.lower() in NODE_NAMES:
        return _node_agent(cmdline)
    return None


def _is_claude_desktop(cmdline: "Sequence[str]") -> bool:
    """Claude's desktop chat app, whose executable is also called ``Claude``:
    a macOS bundle, or Squirrel's ``AnthropicClaude`` install on Windows.
    It starts MCP servers, not a coding agent's shell commands."""
    first = cmdline[0].replace("\\", "/").lower() if cmdline else ""
    return ".app/contents/" in first or "/anthropicclaude/" in first


def _node_agent(cmdline: "Sequence[str]") -> "tuple[str, str] | None":
    """The agent a ``node``/``bun`` command line runs: the first argument that
    is not an option is the script."""
    for arg in cmdline[1 : MAX_NODE_ARGS + 1]:
        if arg.startswith("-"):
            continue
        path = arg.replace("\\", "/")
        lowered = path.lower()
        for marker, agent, key in NODE_AGENT_PACKAGES:
            if marker in lowered:
                return agent, key
        base = lowered.rsplit("/", 1)[-1]
        for suffix in (".js", ".mjs", ".cjs", ".cmd"):
            if base.endswith(suffix):
                base = base[: -len(suffix)]
                break
        found = NODE_AGENT_SCRIPTS.get(base)
        return (found, base) if found is not None else None
    return None


def _script(cmdline: "Sequence[str]") -> "str | None":
    """The script or ``-m`` module a Python command line runs, by its bare name."""
    args = cmdline[1:5]
    for index, arg in enumerate(args):
        if arg == "-m":
            return args[index + 1].partition(".")[0] if index + 1 < len(args) else None
        if not arg.startswith("-"):
            base = arg.replace("\\", "/").rsplit("/", 1)[-1]
            for suffix in ("-script.py", ".py", ".exe"):
                if base.endswith(suffix):
                    return base[: -len(suffix)]
            return base
    return None


def ci_process(process: "Process") -> "str | None":
    """``buildbot`` or ``concourse`` for an ancestor that runs a CI system's
    steps without exporting any variable: Buildbot's twistd (worker or
    master) and Concourse's worker on macOS and Windows (no container)."""
    if _stem(process.name) == "concourse" and "worker" in process.cmdline[1:3]:
        return "concourse"
    return "buildbot" if _is_buildbot(process) else None


def _is_buildbot(process: "Process") -> bool:
    args = process.cmdline
    text = "\0".join(args) + "\0" + process.name
    if "buildbot" not in text and "buildslave" not in text:
        return False  # the common case, decided by one substring search
    for arg in args:
        if _stem(arg) == "buildbot.tac" or arg.endswith("=buildbot.tac"):
            return True
    script = _stem(process.name) in BUILDBOT_SCRIPTS or any(
        _stem(arg) in BUILDBOT_SCRIPTS for arg in args[:2]
    )
    return script and ("start" in args or "restart" in args)


def _stem(path: str) -> str:
    """The lowercased file name of a path, without a Windows ``.exe``."""
    name = _basename(path)
    return name[:-4] if name.endswith(".exe") else name


def ancestry_matters(ctx: "Context") -> bool:
    """Whether an ancestor is anything the ``ci``, ``agent``, ``ide`` or
    ``notebook`` detector looks for; when none is, the registry skips them.

    IDEs and kernels count up to the first terminal, as :func:`walk` sees
    them; agents and CI workers anywhere in the ancestry, as their detectors
    look.
    """
    for hit in walk(ctx):
        if hit[0] != "terminal":
            return True
    for process in ctx.processes():
        if (
            agent_process(process.name, process.cmdline) is not None
            or ci_process(process) is not None
        ):
            return True
    return False
