"""What a JetBrains IDE looks like from outside: the product names in its
paths and the command line of its JVM.

Used by the ancestry classifier (:mod:`._ancestry`) for a ``java`` ancestor
(``pycharm.sh``, Toolbox, remote-development backends run the IDE in a
plain JVM) and by the IDE detector for the config directory named in
``__INTELLIJ_COMMAND_HISTFILE__``.  Loaded only then.
"""

TYPE_CHECKING = False
if TYPE_CHECKING:  # pragma: no cover
    from envdetect.detectors._ancestry import Hit

#: ``idea.paths.selector`` prefixes (the ``PyCharm`` of ``PyCharm2024.3``), as
#: JetBrains' ``ProductPaths.kt`` lists them, lowercased -> product.  The same
#: names head the config directory in ``__INTELLIJ_COMMAND_HISTFILE__``.
SELECTORS = {
    "intellijidea": "idea",
    "ideaic": "idea",
    "ideaie": "idea",
    "pycharm": "pycharm",
    "pycharmce": "pycharm",
    "pycharmedu": "pycharm",
    "dataspell": "dataspell",
    "phpstorm": "phpstorm",
    "webstorm": "webstorm",
    "appcode": "appcode",
    "clion": "clion",
    "datagrip": "datagrip",
    "rider": "rider",
    "goland": "goland",
    "androidstudio": "android_studio",
    "rustrover": "rustrover",
    "rubymine": "rubymine",
    "aqua": "aqua",
    "writerside": "writerside",
}

#: ``idea.platform.prefix`` values (``IntelliJPlatformProduct``), lowercased.
PREFIXES = {
    "idea": "idea",
    "ideaedu": "idea",
    "python": "pycharm",
    "pycharmcore": "pycharm",
    "pycharmedu": "pycharm",
    "ruby": "rubymine",
    "phpstorm": "phpstorm",
    "webstorm": "webstorm",
    "appcode": "appcode",
    "clion": "clion",
    "datagrip": "datagrip",
    "rider": "rider",
    "goland": "goland",
    "androidstudio": "android_studio",
    "dataspell": "dataspell",
    "rustrover": "rustrover",
    "aqua": "aqua",
    "writerside": "writerside",
}

#: Command-line arguments looked at for a JVM (whose command line carries the
#: classpath and dozens of -D options).
MAX_JAVA_ARGS = 80

_JETBRAINS_MAIN = "com.intellij.idea.main"


def product_from_selector(value: str) -> "str | None":
    """``PyCharm2024.3`` -> ``pycharm``; anything without the version tail -> None."""
    stem = value.rstrip("0123456789.")
    if stem == value or not stem:
        return None
    return SELECTORS.get(stem.lower())


def jvm_role(cmdline: "tuple[str, ...]") -> "Hit | None":
    """A JVM running a JetBrains IDE (``pycharm.sh``, Toolbox, remote backends)."""
    jetbrains = False
    product = None
    for arg in cmdline[1 : MAX_JAVA_ARGS + 1]:
        lowered = arg.lower()
        if lowered.startswith("-didea.platform.prefix="):
            jetbrains = True
            product = product or PREFIXES.get(lowered.split("=", 1)[1])
        elif lowered.startswith("-didea.paths.selector="):
            jetbrains = True
            product = product or product_from_selector(arg.split("=", 1)[1])
        elif lowered == _JETBRAINS_MAIN or lowered.startswith("-djb.vmoptionsfile="):
            jetbrains = True
    if not jetbrains:
        return None
    return ("ide", "jetbrains", product, "process java (intellij platform)")
