"""Tables for the ``ide``, ``notebook`` and ``terminal`` detectors, as plain data.

Every table is closed: a value that is not listed here is never echoed, it
simply does not match.  Names are compared case-insensitively where the
producer's spelling varies (process names, bundle ids), exactly where it does
not (``TERM_PROGRAM``).  The sources behind the entries are listed in the
README section on IDEs, notebooks and terminals.
"""

from __future__ import annotations

# -- IDEs --------------------------------------------------------------------

IDE_NAMES = {
    "vscode": "Visual Studio Code",
    "vscodium": "VSCodium",
    "cursor": "Cursor",
    "windsurf": "Windsurf",
    "positron": "Positron",
    "trae": "Trae",
    "kiro": "Kiro",
    "antigravity": "Antigravity",
    "jetbrains": "JetBrains IDE",
    "zed": "Zed",
    "neovim": "Neovim",
    "vim": "Vim",
    "emacs": "Emacs",
    "sublime_text": "Sublime Text",
    "xcode": "Xcode",
    "cloud9": "AWS Cloud9",
    "idle": "IDLE",
    "spyder": "Spyder",
}

#: VS Code and the editors built from it: they share VS Code's terminal,
#: its ``VSCODE_*`` variables and ``TERM_PROGRAM=vscode`` (Kiro: ``kiro``).
VSCODE_FAMILY = frozenset({
    "vscode", "vscodium", "cursor", "windsurf", "positron", "trae", "kiro", "antigravity",
})

#: JetBrains product ids -> the product's name (used as the ide ``name``).
JETBRAINS_PRODUCTS = {
    "pycharm": "PyCharm",
    "idea": "IntelliJ IDEA",
    "goland": "GoLand",
    "webstorm": "WebStorm",
    "clion": "CLion",
    "rider": "Rider",
    "phpstorm": "PhpStorm",
    "rubymine": "RubyMine",
    "datagrip": "DataGrip",
    "dataspell": "DataSpell",
    "rustrover": "RustRover",
    "android_studio": "Android Studio",
    "aqua": "Aqua",
    "writerside": "Writerside",
    "appcode": "AppCode",
}

#: ``idea.paths.selector`` prefixes (the ``PyCharm`` of ``PyCharm2024.3``), as
#: JetBrains' ``ProductPaths.kt`` lists them, lowercased -> product.  The same
#: names head the config directory in ``__INTELLIJ_COMMAND_HISTFILE__``.
JETBRAINS_SELECTORS = {
    "intellijidea": "idea", "ideaic": "idea", "ideaie": "idea",
    "pycharm": "pycharm", "pycharmce": "pycharm", "pycharmedu": "pycharm",
    "dataspell": "dataspell", "phpstorm": "phpstorm", "webstorm": "webstorm",
    "appcode": "appcode", "clion": "clion", "datagrip": "datagrip", "rider": "rider",
    "goland": "goland", "androidstudio": "android_studio", "rustrover": "rustrover",
    "rubymine": "rubymine", "aqua": "aqua", "writerside": "writerside",
}

#: ``idea.platform.prefix`` values (``IntelliJPlatformProduct``), lowercased.
JETBRAINS_PREFIXES = {
    "idea": "idea", "ideaedu": "idea",
    "python": "pycharm", "pycharmcore": "pycharm", "pycharmedu": "pycharm",
    "ruby": "rubymine", "phpstorm": "phpstorm", "webstorm": "webstorm",
    "appcode": "appcode", "clion": "clion", "datagrip": "datagrip", "rider": "rider",
    "goland": "goland", "androidstudio": "android_studio", "dataspell": "dataspell",
    "rustrover": "rustrover", "aqua": "aqua", "writerside": "writerside",
}

#: Variables only VS Code (or a fork) puts in the environment of what it
#: starts.  The first five are re-added to integrated terminals after VS Code
#: strips ``VSCODE_*``; the rest reach extension-spawned children (tasks run
#: by extensions, test runners, notebook kernels, the AWS Toolkit's ``sam``).
VSCODE_TERMINAL_MARKERS = (
    "VSCODE_GIT_IPC_HANDLE", "VSCODE_GIT_ASKPASS_NODE", "VSCODE_GIT_ASKPASS_MAIN",
    "VSCODE_INJECTION", "VSCODE_IPC_HOOK_CLI",
)
VSCODE_EXTENSION_MARKERS = (
    "VSCODE_PID", "VSCODE_ESM_ENTRYPOINT", "VSCODE_AMD_ENTRYPOINT", "VSCODE_IPC_HOOK",
    "VSCODE_CODE_CACHE_PATH", "VSCODE_NLS_CONFIG", "VSCODE_HANDLES_UNCAUGHT_ERRORS",
    "VSCODE_CRASH_REPORTER_PROCESS_TYPE", "VSCODE_CWD",
)

#: Variables whose value is a path inside the editor's installation or its
#: per-product data directory: classified (never echoed) to tell the forks
#: apart.  Most specific first: the git helper is re-set by the innermost editor.
VSCODE_PATH_VARIABLES = (
    "VSCODE_GIT_ASKPASS_NODE", "VSCODE_GIT_ASKPASS_MAIN", "VSCODE_CODE_CACHE_PATH",
    "VSCODE_IPC_HOOK", "VSCODE_NLS_CONFIG", "CODEIUM_EDITOR_APP_ROOT", "BROWSER",
)

#: Fork markers: (variable, required lowercased value or None, ide id).
VSCODE_FORK_MARKERS = (
    ("CURSOR_TRACE_ID", None, "cursor"),
    ("TERM_PRODUCT", "trae", "trae"),
    ("POSITRON", "1", "positron"),
    ("POSITRON_VERSION", None, "positron"),
    ("ANTIGRAVITY_CLI_ALIAS", None, "antigravity"),
    ("WINDSURF_CASCADE_TERMINAL_KIND", None, "windsurf"),
    ("WINDSURF_CASCADE_TERMINAL", None, "windsurf"),
)

#: ``TERM_PROGRAM`` values an editor's integrated terminal writes.  Copied
#: into a container or an SSH session they prove nothing, so they count only
#: together with another marker of the same editor (env or process chain).
IDE_TERM_PROGRAMS = {"vscode": "vscode", "kiro": "kiro", "zed": "zed"}

#: JetBrains: variables its terminal and its run configurations set.
#: ``PYCHARM`` (a Windows installer PATH helper) and ``*_VM_OPTIONS`` are
#: deliberately absent: they exist outside the IDE too.
JETBRAINS_VARIABLES = (
    "PYCHARM_HOSTED", "JETBRAINS_REMOTE_RUN", "__INTELLIJ_COMMAND_HISTFILE__",
)
#: Set by the launcher and inherited by everything the IDE starts, other
#: editors opened from it included: weighed after the other editors' own
#: markers, like a bundle id.
JETBRAINS_LAUNCHER_VARIABLE = "IDEA_INITIAL_DIRECTORY"

#: Spyder's kernels (spyder/plugins/ipythonconsole/utils/kernelspec.py).
SPYDER_VARIABLES = (
    "SPY_UMR_ENABLED", "SPY_EXTERNAL_INTERPRETER", "SPY_PARENT_PID", "SPY_AUTOCALL_O",
    "SPY_JEDI_O", "SPY_GREEDY_O", "SPY_UMR_NAMELIST",
)

#: The c9 core's environment script and AWS's own samples test these.
CLOUD9_VARIABLES = ("C9_SH_EXECUTED", "C9_PROJECT", "C9_PID")

#: macOS ``__CFBundleIdentifier`` (lowercased) -> (ide id, JetBrains product).
BUNDLE_IDS = {
    "com.microsoft.vscode": ("vscode", None),
    "com.microsoft.vscodeinsiders": ("vscode", None),
    "com.visualstudio.code.oss": ("vscode", None),
    "com.vscodium": ("vscodium", None),
    "com.vscodium.codium": ("vscodium", None),
    "com.todesktop.230313mzl4w4u92": ("cursor", None),
    "com.exafunction.windsurf": ("windsurf", None),
    "com.codeium.windsurf": ("windsurf", None),
    "com.windsurf.ide": ("windsurf", None),
    "com.rstudio.positron": ("positron", None),
    "com.trae.app": ("trae", None),
    "dev.kiro.desktop": ("kiro", None),
    "com.google.antigravity": ("antigravity", None),
    "dev.zed.zed": ("zed", None),
    "dev.zed.zed-preview": ("zed", None),
    "com.sublimetext.4": ("sublime_text", None),
    "com.sublimetext.3": ("sublime_text", None),
    "com.apple.dt.xcode": ("xcode", None),
    "org.gnu.emacs": ("emacs", None),
    "org.vim.macvim": ("vim", None),
    "com.neovide.neovide": ("neovim", None),
    "org.python.idle": ("idle", None),
    "com.jetbrains.intellij": ("jetbrains", "idea"),
    "com.jetbrains.intellij.ce": ("jetbrains", "idea"),
    "com.jetbrains.pycharm": ("jetbrains", "pycharm"),
    "com.jetbrains.pycharm.ce": ("jetbrains", "pycharm"),
    "com.jetbrains.goland": ("jetbrains", "goland"),
    "com.jetbrains.webstorm": ("jetbrains", "webstorm"),
    "com.jetbrains.clion": ("jetbrains", "clion"),
    "com.jetbrains.phpstorm": ("jetbrains", "phpstorm"),
    "com.jetbrains.rubymine": ("jetbrains", "rubymine"),
    "com.jetbrains.rider": ("jetbrains", "rider"),
    "com.jetbrains.datagrip": ("jetbrains", "datagrip"),
    "com.jetbrains.dataspell": ("jetbrains", "dataspell"),
    "com.jetbrains.rustrover": ("jetbrains", "rustrover"),
    "com.jetbrains.aqua": ("jetbrains", "aqua"),
    "com.jetbrains.writerside": ("jetbrains", "writerside"),
    "com.google.android.studio": ("jetbrains", "android_studio"),
}

#: Normalised process, executable or application names (lowercase, no
#: ``.exe``/``.app``, no `` Helper (Plugin)`` suffix) -> (ide id, product).
PROCESS_IDES = {
    # VS Code and forks: Linux/Windows binaries, macOS bundles and helpers.
    "code": ("vscode", None), "code-insiders": ("vscode", None),
    "code - insiders": ("vscode", None), "code-oss": ("vscode", None),
    "code - oss": ("vscode", None), "visual studio code": ("vscode", None),
    "visual studio code - insiders": ("vscode", None), "microsoft vs code": ("vscode", None),
    "microsoft vs code insiders": ("vscode", None), "code-server": ("vscode", None),
    "openvscode-server": ("vscode", None),
    "codium": ("vscodium", None), "vscodium": ("vscodium", None),
    "codium-insiders": ("vscodium", None), "vscodium - insiders": ("vscodium", None),
    "cursor": ("cursor", None),
    "windsurf": ("windsurf", None),
    "positron": ("positron", None),
    "trae": ("trae", None), "trae cn": ("trae", None),
    "kiro": ("kiro", None),
    "antigravity": ("antigravity", None),
    # JetBrains: native launchers (Linux/macOS), Windows 64-bit launchers,
    # macOS application bundles.
    "pycharm": ("jetbrains", "pycharm"), "pycharm64": ("jetbrains", "pycharm"),
    "pycharm ce": ("jetbrains", "pycharm"),
    "pycharm community edition": ("jetbrains", "pycharm"),
    "pycharm professional edition": ("jetbrains", "pycharm"),
    "pycharm professional": ("jetbrains", "pycharm"),
    "idea": ("jetbrains", "idea"), "idea64": ("jetbrains", "idea"),
    "intellij idea": ("jetbrains", "idea"), "intellij idea ce": ("jetbrains", "idea"),
    "intellij idea ultimate": ("jetbrains", "idea"),
    "intellij idea community edition": ("jetbrains", "idea"),
    "goland": ("jetbrains", "goland"), "goland64": ("jetbrains", "goland"),
    "webstorm": ("jetbrains", "webstorm"), "webstorm64": ("jetbrains", "webstorm"),
    "clion": ("jetbrains", "clion"), "clion64": ("jetbrains", "clion"),
    "rider": ("jetbrains", "rider"), "rider64": ("jetbrains", "rider"),
    "jetbrains rider": ("jetbrains", "rider"),
    "phpstorm": ("jetbrains", "phpstorm"), "phpstorm64": ("jetbrains", "phpstorm"),
    "rubymine": ("jetbrains", "rubymine"), "rubymine64": ("jetbrains", "rubymine"),
    "datagrip": ("jetbrains", "datagrip"), "datagrip64": ("jetbrains", "datagrip"),
    "dataspell": ("jetbrains", "dataspell"), "dataspell64": ("jetbrains", "dataspell"),
    "rustrover": ("jetbrains", "rustrover"), "rustrover64": ("jetbrains", "rustrover"),
    "aqua64": ("jetbrains", "aqua"), "writerside64": ("jetbrains", "writerside"),
    "studio64": ("jetbrains", "android_studio"),
    "android studio": ("jetbrains", "android_studio"),
    # Other editors.
    "zed": ("zed", None), "zed-editor": ("zed", None), "zeditor": ("zed", None),
    "nvim": ("neovim", None), "nvim-qt": ("neovim", None), "neovide": ("neovim", None),
    "vim": ("vim", None), "gvim": ("vim", None), "vimx": ("vim", None), "mvim": ("vim", None),
    "macvim": ("vim", None), "vim.basic": ("vim", None), "vim.gtk3": ("vim", None),
    "vim.nox": ("vim", None), "vim.tiny": ("vim", None),
    "emacs": ("emacs", None), "runemacs": ("emacs", None),
    "sublime_text": ("sublime_text", None), "sublime text": ("sublime_text", None),
    "plugin_host": ("sublime_text", None), "plugin_host-3.3": ("sublime_text", None),
    "plugin_host-3.8": ("sublime_text", None),
    "xcode": ("xcode", None),
    "idle": ("idle", None), "idle3": ("idle", None),
    "spyder": ("spyder", None), "spyder3": ("spyder", None),
}

#: Directory names distinctive enough to classify wherever they appear in a
#: path: the per-user servers of remote VS Code (Remote-SSH, WSL, Dev
#: Containers) and its forks, Gitpod's openvscode-server, the Cloud9 runtime.
#: Only dot-directories: an undotted name such as ``code-server`` may just
#: as well be someone's checkout of that project.
DISTINCTIVE_DIRS = {
    ".vscode-server": ("vscode", None), ".vscode-server-insiders": ("vscode", None),
    ".openvscode-server": ("vscode", None),
    ".vscodium-server": ("vscodium", None), ".cursor-server": ("cursor", None),
    ".windsurf-server": ("windsurf", None), ".positron-server": ("positron", None),
    ".trae-server": ("trae", None), ".kiro-server": ("kiro", None),
    ".antigravity-server": ("antigravity", None), ".c9": ("cloud9", None),
}

# -- notebooks ---------------------------------------------------------------

NOTEBOOK_NAMES = {
    "jupyter": "Jupyter",
    "colab": "Google Colab",
    "kaggle": "Kaggle",
    "databricks": "Databricks",
    "sagemaker": "Amazon SageMaker",
}

#: Colab VMs export these to every process (``COLAB_GPU`` is empty on CPU
#: runtimes, so it is not listed: empty means unset here).
COLAB_VARIABLES = (
    "COLAB_RELEASE_TAG", "COLAB_BACKEND_VERSION", "COLAB_JUPYTER_IP",
    "COLAB_KERNEL_MANAGER_PROXY_HOST",
)

#: A Jupyter kernel, from the environment: jupyter_client's launcher sets
#: ``JPY_PARENT_PID``, jupyter_server ``JPY_SESSION_NAME``; ipykernel itself
#: sets ``MPLBACKEND`` to its inline backend when nothing else set one.
JUPYTER_VARIABLES = ("JPY_PARENT_PID", "JPY_SESSION_NAME")
INLINE_BACKENDS = (
    "module://matplotlib_inline.backend_inline", "module://ipykernel.pylab.backend_inline",
)

#: SageMaker Studio spaces and Studio Lab.
SAGEMAKER_VARIABLES = (
    "SAGEMAKER_APP_TYPE", "SM_APP_TYPE", "SAGEMAKER_SPACE_NAME",
    "SAGEMAKER_INTERNAL_IMAGE_URI", "SM_INTERNAL_IMAGE_URI",
)
#: App types that are notebooks by themselves (lowercased); a Code Editor
#: space counts only while a kernel runs.
SAGEMAKER_NOTEBOOK_APPS = frozenset({"jupyterlab", "jupyterserver", "kernelgateway"})
#: Metadata files, consulted only once a kernel is known.
SAGEMAKER_FILES = (
    "/opt/ml/metadata/resource-metadata.json",
    "/etc/opt/ml/sagemaker-notebook-instance-version.txt",
)
DATABRICKS_FILES = ("/databricks/DBR_VERSION",)

# -- terminals ---------------------------------------------------------------

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
MULTIPLEXERS = (("TMUX", "tmux"), ("STY", "screen"), ("ZELLIJ", "zellij"),
                ("ZELLIJ_SESSION_NAME", "zellij"))

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

#: Normalised names of terminal emulator, multiplexer and remote-login
#: processes -> terminal program (``None``: a transport such as sshd).  In
#: the process chain they end the search for an IDE: whatever started the
#: terminal is not where the person types.
TERMINAL_PROCESSES = {
    "terminal": "apple_terminal",
    "iterm2": "iterm2",
    "wezterm-gui": "wezterm", "wezterm": "wezterm", "wezterm-mux-server": "wezterm",
    "ghostty": "ghostty",
    "kitty": "kitty",
    "alacritty": "alacritty",
    "warp": "warp", "warp-terminal": "warp",
    "windowsterminal": "windows_terminal",
    "mintty": "mintty",
    "conemu": "conemu", "conemu64": "conemu", "conemuc": "conemu", "conemuc64": "conemu",
    "gnome-terminal-server": "vte", "gnome-terminal-": "vte", "gnome-terminal": "vte",
    "tilix": "vte", "terminator": "vte", "xfce4-terminal": "vte", "mate-terminal": "vte",
    "lxterminal": "vte", "ptyxis": "vte", "ptyxis-agent": "vte", "kgx": "vte",
    "guake": "vte", "tilda": "vte",
    "konsole": "konsole", "yakuake": "konsole",
    "xterm": "xterm", "uxterm": "xterm",
    "foot": "foot", "footclient": "foot",
    "rio": "rio",
    "hyper": "hyper",
    "tabby": "tabby",
    "tmux": "tmux",
    "screen": "screen",
    "zellij": "zellij",
    "sshd": None, "mosh-server": None,
}

#: Every terminal program id the tables above can produce.
TERMINAL_PROGRAM_IDS = tuple(sorted(
    {*TERM_PROGRAMS.values(), *TERM_VALUES.values(), "jetbrains"}
    | {program for _, program in EDITOR_TERMINALS}
    | {program for _, program in MULTIPLEXERS}
    | {program for _, _, program in EMULATOR_VARIABLES}
    | {program for program in TERMINAL_PROCESSES.values() if program is not None}
))
