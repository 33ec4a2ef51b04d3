"""Classify the process ancestry: which ancestors are IDEs, terminals, kernels.

Names, executables and command lines are used here to classify and for
nothing else: a classification is a table entry, never a piece of the
process.  The evidence strings returned name the table entry that matched
("process pycharm", "process java (idea.platform.prefix)"), not the ancestor.

Every ancestor may lack ``exe`` and ``cmdline`` (another user's process, a
sandbox, psutil denied access): the name alone must then do.
"""

from __future__ import annotations

from envdetect.detectors import _ides

TYPE_CHECKING = False
if TYPE_CHECKING:  # pragma: no cover
    from envdetect._context import Context, Process

    #: (kind, id, product, evidence); kind is "ide", "terminal" or "kernel".
    Hit = tuple[str, "str | None", "str | None", str]

#: Command-line arguments looked at for a Python process, and for a JVM
#: (whose command line carries the classpath and dozens of -D options).
MAX_PYTHON_ARGS = 8
MAX_JAVA_ARGS = 80

_KERNEL_MODULES = ("ipykernel_launcher", "ipykernel", "colab_kernel_launcher")
_JETBRAINS_MAIN = "com.intellij.idea.main"
#: IDLE launchers: ``idle3.12``, Debian/Ubuntu's ``idle-python3.12``.
_IDLE_PREFIXES = ("idle3.", "idle-python")


def normalize(name: str) -> str:
    """``Code Helper (Plugin).app`` -> ``code``; ``pycharm64.exe`` -> ``pycharm64``."""
    value = name.strip().lower()
    for suffix in (".exe", ".app"):
        if value.endswith(suffix):
            value = value[: -len(suffix)]
    helper = value.find(" helper")
    if helper > 0:
        value = value[:helper]
    return value


def classify_path(
    path: str, table: dict[str, tuple[str, str | None]],
) -> tuple[str, str | None] | None:
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
    parts = [part for part in lowered.split("/") if part]
    if not parts:
        return None
    hit = table.get(normalize(parts[-1]))
    if hit is not None:
        return hit
    for marker in _PATH_MARKERS:
        if marker in lowered:
            break
    else:
        return None  # the common case: nothing below can match
    count = len(parts)
    for index in range(count - 2, -1, -1):
        part = parts[index]
        following = parts[index + 1]
        after = parts[index + 2] if index + 2 < count else ""
        names_editor = (
            (part.endswith(".app") and following == "contents"
             and after in ("macos", "resources"))  # a macOS bundle
            or (following == "resources" and after == "app")  # an install directory
            or following == "cacheddata"  # the editor's data directory
            or (index > 0 and parts[index - 1] == "application support")
        )
        if names_editor:
            hit = table.get(normalize(part))
            if hit is not None:
                return hit
        hit = _ides.DISTINCTIVE_DIRS.get(part)
        if hit is not None:
            return hit
    return None


#: Substrings without which :func:`classify_path` can only match the file name.
_PATH_MARKERS = ("/contents/", "/resources/app", "/cacheddata", "/application support/",
                 "-server", "/.c9")


def _basename(arg: str) -> str:
    return arg.replace("\\", "/").rsplit("/", 1)[-1].lower()


def _is_python(name: str, exe: str | None) -> bool:
    if name.startswith("python") or name in ("py", "pyw"):
        return True
    return bool(exe) and _basename(exe or "").startswith("python")


def _python_role(cmdline: tuple[str, ...]) -> Hit | None:
    """A Python ancestor that is a Jupyter kernel, IDLE or Spyder."""
    args = cmdline[1:MAX_PYTHON_ARGS + 1]
    for position, arg in enumerate(args):
        lowered = arg.lower()
        if lowered == "-m" and position + 1 < len(args):
            module = args[position + 1].lower()
            if module in _KERNEL_MODULES:
                return ("kernel", "jupyter", None, "process python (ipykernel)")
            if module.startswith("spyder_kernels") or module == "spyder" \
                    or module.startswith("spyder."):
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


def jetbrains_product_from_selector(value: str) -> str | None:
    """``PyCharm2024.3`` -> ``pycharm``; anything without the version tail -> None."""
    stem = value.rstrip("0123456789.")
    if stem == value or not stem:
        return None
    return _ides.JETBRAINS_SELECTORS.get(stem.lower())


def _java_role(cmdline: tuple[str, ...]) -> Hit | None:
    """A JVM running a JetBrains IDE (``pycharm.sh``, Toolbox, remote backends)."""
    jetbrains = False
    product = None
    for arg in cmdline[1:MAX_JAVA_ARGS + 1]:
        lowered = arg.lower()
        if lowered.startswith("-didea.platform.prefix="):
            jetbrains = True
            product = product or _ides.JETBRAINS_PREFIXES.get(lowered.split("=", 1)[1])
        elif lowered.startswith("-didea.paths.selector="):
            jetbrains = True
            product = product or jetbrains_product_from_selector(arg.split("=", 1)[1])
        elif lowered == _JETBRAINS_MAIN or lowered.startswith("-djb.vmoptionsfile="):
            jetbrains = True
    if not jetbrains:
        return None
    return ("ide", "jetbrains", product, "process java (intellij platform)")


def classify(process: Process) -> Hit | None:
    """What one ancestor is, or ``None`` for anything unremarkable (a shell)."""
    name = normalize(process.name)
    if name in _ides.TERMINAL_PROCESSES:
        return ("terminal", _ides.TERMINAL_PROCESSES[name], None, f"process {name}")
    if name.startswith("tmux:"):
        return ("terminal", "tmux", None, "process tmux")
    if name.startswith("sshd"):
        return ("terminal", None, None, "process sshd")
    hit = _ides.PROCESS_IDES.get(name)
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
        return _java_role(process.cmdline)
    if _is_python(name, process.exe) and process.cmdline:
        role = _python_role(process.cmdline)
        if role is not None:
            return role
    first = process.cmdline[0] if process.cmdline else None
    for path in (process.exe, first if first != process.exe else None):
        if path:
            found = classify_path(path, _ides.PROCESS_IDES)
            if found is not None:
                return ("ide", found[0], found[1], "process executable")
    if len(process.cmdline) > 1:
        found = _distinctive(process.cmdline[1])
        if found is not None:
            return ("ide", found[0], found[1], "process command line")
    return None


def _distinctive(path: str) -> tuple[str, str | None] | None:
    lowered = path.replace("\\", "/").lower()
    if "-server" not in lowered and "/.c9" not in lowered:
        return None
    for part in lowered.split("/"):
        hit = _ides.DISTINCTIVE_DIRS.get(part)
        if hit is not None:
            return hit
    return None


#: The last ancestry classified and its result: the ide, notebook and
#: terminal detectors all walk the same (cached) ancestry of one context.
_last: list[tuple[tuple[Process, ...], list[Hit]]] = []


def walk(ctx: Context) -> list[Hit]:
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


def explained_elsewhere(ctx: Context) -> bool:
    """CI, an agent or a managed cloud platform already says who runs us:
    no IDE or notebook kernel is worth an ancestry walk then."""
    from envdetect._engine import MANAGED_PLATFORMS

    found = ctx.found
    if found.get("ci") or found.get("agent"):
        return True
    cloud = found.get("cloud")
    return isinstance(cloud, dict) and cloud.get("platform") in MANAGED_PLATFORMS


def nearest_ide(ctx: Context) -> Hit | None:
    for hit in walk(ctx):
        if hit[0] == "ide":
            return hit
    return None


def nearest_kernel(ctx: Context) -> Hit | None:
    for hit in walk(ctx):
        if hit[0] == "kernel":
            return hit
    return None


#: IDEs whose process hosts a terminal, as the terminal program they host.
_TERMINAL_HOSTS = {"jetbrains": "jetbrains", "zed": "zed", "neovim": "neovim",
                   "vim": "vim", "emacs": "emacs"}


def nearest_terminal_layer(ctx: Context) -> tuple[str | None, str] | None:
    """The innermost process that draws a terminal: an emulator, a
    multiplexer, or an editor with a built-in terminal.  ``None`` as the
    program means a transport (sshd) came first."""
    for hit in walk(ctx):
        kind, ident = hit[0], hit[1]
        if kind == "terminal":
            return ident, hit[3]
        if kind == "ide" and ident is not None:
            if ident in _ides.VSCODE_FAMILY:
                return "vscode", hit[3]
            if ident in _TERMINAL_HOSTS:
                return _TERMINAL_HOSTS[ident], hit[3]
    return None
