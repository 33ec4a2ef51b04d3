"""The ``ide`` facet: the editor or IDE the program was started from.

Result: ``{"id", "name", "product"}``; ``product`` is the JetBrains product
(``pycharm``, ``goland``...) when known and ``None`` otherwise (always
``None`` outside JetBrains).  For JetBrains ``name`` is the product's name
when the product is known.

The environment is read first, innermost editor first: a terminal editor's
own terminal (Neovim, Vim, Emacs, Sublime's Terminus), Spyder's kernels,
Xcode's run environment, JetBrains' terminal and run configurations, the
VS Code family, Zed, Cloud9, then the markers inherited by everything an
application starts (JetBrains' ``IDEA_INITIAL_DIRECTORY``, the macOS bundle
id).  The process chain is read only when the environment did not decide,
and not at all when CI or an agent was detected or when a person is typing
at a terminal (every IDE terminal names itself in the environment; the
ancestry would only show the terminal, or sshd).  It is also read to refine
an answer the environment left open (which VS Code fork, which JetBrains
product) and to corroborate a lone ``TERM_PROGRAM=vscode``.
"""

from envdetect.detectors import PROCESS_IDES, _ancestry
from envdetect.detectors.terminal import IDE_TERM_PROGRAMS

TYPE_CHECKING = False
if TYPE_CHECKING:  # pragma: no cover
    from typing import Any

    from envdetect._context import Context

    Found = tuple[str, "str | None"]

facet = "ide"

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
    "fleet": "Fleet",
}

#: Variables only VS Code (or a fork) puts in the environment of what it
#: starts.  The first five are re-added to integrated terminals after VS Code
#: strips ``VSCODE_*``; the rest reach extension-spawned children (tasks run
#: by extensions, test runners, notebook kernels, the AWS Toolkit's ``sam``).
VSCODE_TERMINAL_MARKERS = (
    "VSCODE_GIT_IPC_HANDLE",
    "VSCODE_GIT_ASKPASS_NODE",
    "VSCODE_GIT_ASKPASS_MAIN",
    "VSCODE_INJECTION",
    "VSCODE_IPC_HOOK_CLI",
)

VSCODE_EXTENSION_MARKERS = (
    "VSCODE_PID",
    "VSCODE_ESM_ENTRYPOINT",
    "VSCODE_AMD_ENTRYPOINT",
    "VSCODE_IPC_HOOK",
    "VSCODE_CODE_CACHE_PATH",
    "VSCODE_NLS_CONFIG",
    "VSCODE_HANDLES_UNCAUGHT_ERRORS",
    "VSCODE_CRASH_REPORTER_PROCESS_TYPE",
    "VSCODE_CWD",
    # The Dev Containers extension's socket, in the remote environment it
    # gives lifecycle hooks (postCreateCommand...) as well as terminals.
    # REMOTE_CONTAINERS=true alone is not a marker: DevPod and scripts that
    # imitate a dev container set it without any VS Code.
    "REMOTE_CONTAINERS_IPC",
)

#: Variables whose value is a path inside the editor's installation or its
#: per-product data directory: classified (never echoed) to tell the forks
#: apart.  Most specific first: the git helper is re-set by the innermost editor.
VSCODE_PATH_VARIABLES = (
    "VSCODE_GIT_ASKPASS_NODE",
    "VSCODE_GIT_ASKPASS_MAIN",
    "VSCODE_CODE_CACHE_PATH",
    "VSCODE_IPC_HOOK",
    "VSCODE_NLS_CONFIG",
    "CODEIUM_EDITOR_APP_ROOT",
    "BROWSER",
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

#: JetBrains: variables its terminal and its run configurations set.
#: ``PYCHARM`` (a Windows installer PATH helper) and ``*_VM_OPTIONS`` are
#: deliberately absent: they exist outside the IDE too.
JETBRAINS_VARIABLES = (
    "PYCHARM_HOSTED",
    "JETBRAINS_REMOTE_RUN",
    "__INTELLIJ_COMMAND_HISTFILE__",
)

#: JetBrains Fleet's terminal: its ``TERM_PROGRAM`` (no ``TERMINAL_EMULATOR``).
FLEET_TERM_PROGRAM = "Jetbrains.Fleet"

#: Set by the launcher and inherited by everything the IDE starts, other
#: editors opened from it included: weighed after the other editors' own
#: markers, like a bundle id.
JETBRAINS_LAUNCHER_VARIABLE = "IDEA_INITIAL_DIRECTORY"

#: Spyder's kernels (spyder/plugins/ipythonconsole/utils/kernelspec.py).
SPYDER_VARIABLES = (
    "SPY_UMR_ENABLED",
    "SPY_EXTERNAL_INTERPRETER",
    "SPY_PARENT_PID",
    "SPY_AUTOCALL_O",
    "SPY_JEDI_O",
    "SPY_GREEDY_O",
    "SPY_UMR_NAMELIST",
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

#: Every id and JetBrains product this facet can report.
IDS = tuple(IDE_NAMES)
PRODUCTS = tuple(JETBRAINS_PRODUCTS)

#: Variables a terminal editor exports to what it runs: (variable, ide id).
#: ``NVIM_LISTEN_ADDRESS`` and ``VIMRUNTIME`` are absent on purpose: people
#: export them in their shell profiles.
_EDITOR_VARIABLES = (
    ("NVIM", "neovim"),
    ("VIM_TERMINAL", "vim"),
    ("INSIDE_EMACS", "emacs"),
    ("EMACS_VTERM_PATH", "emacs"),
    ("TERMINUS_SUBLIME", "sublime_text"),
)

#: Exported by Vim and Neovim to every child (``:!cmd`` included): not proof
#: (they leak into nested editors and some people set them), but reason
#: enough to look at the process chain.
_VIM_HINTS = ("VIMRUNTIME", "MYVIMRC", "VIM")

#: Variables the code below reads by name, outside the tables above: with
#: the tables, the registry's gate for this facet (scripts/generate.py).
ALSO_READ = (
    "TERM_PROGRAM",
    "TERMINAL_EMULATOR",
    "ZED_TERM",
    "__CFBundleIdentifier",
    "__XCODE_BUILT_PRODUCTS_DIR_PATHS",
)


def detect(ctx: "Context") -> "dict[str, Any] | None":
    found = _from_environment(ctx)
    if found is None:
        return None
    ide_id, product = found
    if ide_id == "jetbrains":
        name = JETBRAINS_PRODUCTS.get(product or "", IDE_NAMES["jetbrains"])
    else:
        name = IDE_NAMES[ide_id]
        product = None
    return {"id": ide_id, "name": name, "product": product}


def _from_environment(ctx: "Context") -> "Found | None":
    for variable, ide_id in _EDITOR_VARIABLES:
        if ctx.has(variable):
            ctx.because(f"env {variable}")
            return ide_id, None
    for variable in SPYDER_VARIABLES:
        if ctx.has(variable):
            ctx.because(f"env {variable}")
            return "spyder", None
    if ctx.has("__XCODE_BUILT_PRODUCTS_DIR_PATHS"):
        ctx.because("env __XCODE_BUILT_PRODUCTS_DIR_PATHS")
        return "xcode", None
    found = _jetbrains_ide(ctx)
    if found is not None:
        return found
    found, pending = _vscode_family(ctx)
    if found is not None:
        return found
    if ctx.has("ZED_TERM"):
        ctx.because("env ZED_TERM")
        return "zed", None
    for variable in CLOUD9_VARIABLES:
        if ctx.has(variable):
            ctx.because(f"env {variable}")
            return "cloud9", None
    if ctx.has(JETBRAINS_LAUNCHER_VARIABLE):
        return _jetbrains_ide(ctx, launcher=True)
    bundle = _bundle(ctx)
    if bundle is not None:
        ctx.because("env __CFBundleIdentifier")
        return bundle
    if pending is None and not _chain_worth_reading(ctx):
        return None
    return _from_chain(ctx, pending)


def _from_chain(ctx: "Context", pending: "str | None") -> "Found | None":
    """The nearest IDE among the ancestors.

    ``pending`` is an IDE's own ``TERM_PROGRAM`` value (``vscode``, ``kiro``,
    ``zed``) that no other variable backed: the chain must show that IDE for
    it to count, and then it names the fork.
    """
    hit = _ancestry.nearest_ide(ctx)
    if hit is None or hit[1] is None:
        return None
    ide_id = hit[1]
    if pending is not None:
        expected = IDE_TERM_PROGRAMS[pending]
        if ide_id == expected or (expected != "zed" and ide_id in _ancestry.VSCODE_FAMILY):
            ctx.because("env TERM_PROGRAM")
            if pending == "kiro":
                ide_id = "kiro"
    ctx.because(hit[3])
    return ide_id, hit[2]


def _chain_worth_reading(ctx: "Context") -> bool:
    if _ancestry.explained_elsewhere(ctx):
        return False
    if ctx.interactive():
        # A person typing at a terminal.  Every IDE terminal names itself in
        # the environment (TERM_PROGRAM, TERMINAL_EMULATOR, ZED_TERM, NVIM...),
        # so the ancestry would only show the terminal, unless a terminal
        # editor ran us with ``:!cmd``.
        return any(ctx.has(name) for name in _VIM_HINTS)
    return True


# -- JetBrains ----------------------------------------------------------------


def _jetbrains_ide(ctx: "Context", *, launcher: bool = False) -> "Found | None":
    signals = []
    emulator = ctx.env("TERMINAL_EMULATOR")
    if emulator is not None and "jetbrains" in emulator.lower():
        signals.append("env TERMINAL_EMULATOR")
    signals.extend(f"env {name}" for name in JETBRAINS_VARIABLES if ctx.has(name))
    if launcher:
        signals.append(f"env {JETBRAINS_LAUNCHER_VARIABLE}")
    if not signals:
        if (ctx.env("TERM_PROGRAM") or "").strip() == FLEET_TERM_PROGRAM:
            ctx.because("env TERM_PROGRAM")
            return "jetbrains", "fleet"
        return None
    ctx.because(signals[0])
    product = None
    histfile = ctx.env("__INTELLIJ_COMMAND_HISTFILE__")
    if histfile is not None:
        # <config>/JetBrains/PyCharm2024.3/terminal/history/<project>-history1
        from envdetect.detectors import _jetbrains

        for part in histfile.replace("\\", "/").split("/"):
            product = _jetbrains.product_from_selector(part)
            if product is not None:
                ctx.because("env __INTELLIJ_COMMAND_HISTFILE__")
                break
    if product is None:
        bundle = _bundle(ctx)
        if bundle is not None and bundle[0] == "jetbrains":
            ctx.because("env __CFBundleIdentifier")
            product = bundle[1]
    if product is None:
        hit = _ancestry.nearest_ide(ctx)
        if hit is not None and hit[1] == "jetbrains" and hit[2] is not None:
            ctx.because(hit[3])
            product = hit[2]
    return "jetbrains", product


# -- VS Code and its forks ----------------------------------------------------


def _vscode_family(ctx: "Context") -> "tuple[Found | None, str | None]":
    """The VS Code family member, or (None, pending TERM_PROGRAM value)."""
    term_program = ctx.env("TERM_PROGRAM")
    pending = term_program if term_program in IDE_TERM_PROGRAMS else None
    marker = next((name for name in VSCODE_TERMINAL_MARKERS if ctx.has(name)), None)
    if marker is None:
        marker = next((name for name in VSCODE_EXTENSION_MARKERS if ctx.has(name)), None)
    fork = _fork_marker(ctx)
    if marker is None and fork is not None:
        marker = fork[0]
    if marker is None:
        bundle = _bundle(ctx)
        if (
            pending in ("vscode", "kiro")
            and bundle is not None
            and bundle[0] in _ancestry.VSCODE_FAMILY
        ):
            marker = "__CFBundleIdentifier"
        else:
            return None, pending
    if pending in ("vscode", "kiro"):
        ctx.because("env TERM_PROGRAM")
    ctx.because(f"env {marker}")
    # AWS Cloud9 runs its AWS Toolkit in a VS Code extension host of its own.
    for name in ("VSCODE_AMD_ENTRYPOINT", "VSCODE_ESM_ENTRYPOINT"):
        entry = ctx.env(name)
        if entry is not None and "/c9/" in entry:
            ctx.because(f"env {name}")
            return ("cloud9", None), None
    if term_program == "kiro":
        return ("kiro", None), None
    return (_which_fork(ctx, fork), None), None


def _fork_marker(ctx: "Context") -> "tuple[str, str] | None":
    for name, value, ide_id in VSCODE_FORK_MARKERS:
        found = ctx.env(name)
        if found is not None and (value is None or found.strip().lower() == value):
            return name, ide_id
    return None


def _which_fork(ctx: "Context", fork: "tuple[str, str] | None") -> str:
    # 1. Paths of the editor's own helper binaries and data directories,
    #    re-set by the innermost editor (its git extension).
    for name in VSCODE_PATH_VARIABLES:
        value = ctx.env(name)
        if value is None:
            continue
        hit = _ancestry.classify_path(value, PROCESS_IDES)
        if hit is not None and hit[0] in _ancestry.VSCODE_FAMILY:
            ctx.because(f"env {name}")
            return hit[0]
    # 2. A fork's own variable.
    if fork is not None:
        ctx.because(f"env {fork[0]}")
        return fork[1]
    # 3. The macOS bundle id of the application that started us.
    bundle = _bundle(ctx)
    if bundle is not None and bundle[0] in _ancestry.VSCODE_FAMILY:
        ctx.because("env __CFBundleIdentifier")
        return bundle[0]
    # 4. The nearest VS Code family process among the ancestors.
    ancestor = _ancestry.nearest_ide(ctx)
    if ancestor is not None and ancestor[1] in _ancestry.VSCODE_FAMILY:
        ctx.because(ancestor[3])
        return ancestor[1]
    return "vscode"


def _bundle(ctx: "Context") -> "Found | None":
    value = ctx.env("__CFBundleIdentifier")
    if value is None:
        return None
    return BUNDLE_IDS.get(value.strip().lower())
