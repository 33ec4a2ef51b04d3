"""The persistent telemetry choice and the first-run notice.

One small text file per app, in the platform's configuration directory::

    # Telemetry choice for mytool, written by envdetect. Delete this file to reset.
    enabled = false
    notice_shown = true

Linux and other Unixes: ``$XDG_CONFIG_HOME/<app>/telemetry.conf`` (an absolute
``XDG_CONFIG_HOME`` only, as the XDG spec says) or ``~/.config/<app>/...``;
macOS: ``~/Library/Application Support/<app>/...``; Windows:
``%APPDATA%\\<app>\\...``.  Every failure here is silent: a missing or
read-only home reads as "no choice made" and a write reports ``False``; a file
that is there but cannot be read or understood reads as "off" (it may hold an
opt-out).  The home directory itself is never created.
"""

import os
import sys

#: The on/off words of the host's variable and of the file: the same as
#: envdetect._context.ON_WORDS / OFF_WORDS, kept here so that importing the
#: sender (at a host program's start, telemetry on or off) loads no detection.
ON = ("1", "true", "yes", "on")
OFF = ("0", "false", "no", "off")
#: Telemetry's modes.  "off": do nothing; "send": queue and send; "debug": queue
#: and print, never send.
MODE_OFF, SEND, DEBUG = "off", "send", "debug"
DEBUG_ENV = "ENVDETECT_TELEMETRY_DEBUG"

TYPE_CHECKING = False
if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Mapping

FILE_NAME = "telemetry.conf"
_MAX_BYTES = 4096
_KEY = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_.-")

#: What the notice says unless the host words its own.  {app}, {opt_out} and
#: {command} (the host's telemetry command) are filled in; {when} says whether
#: this run sends.
NOTICE = (
    "{app} collects anonymous usage data to improve the tool: the command you run "
    "(never its arguments), how long it took, its exit code and error type, and a "
    "summary of the environment (OS, Python, CI or IDE name) that identifies no one.\n"
    "{when} To opt out, run `{command} disable` or set {opt_out}. "
    "To see exactly what is sent: {command} show"
)
#: {when} outside CI: the run that shows the notice is never measured.
FIRST_RUN = "Nothing is sent on this run."
#: {when} in CI, where the home (and the record of the notice) rarely outlives the job.
IN_CI = "In CI this notice goes to the job's log and usage is sent."


def env_flag(name: "str | None") -> str:
    """A variable's value as a word to compare (empty when unset or unnamed)."""
    return (os.environ.get(name, "") if name else "").strip().lower()


#: Per kind of per-user folder: Windows' own variable and the AppData folder it
#: defaults to, the macOS Library folder, the XDG variable and its default.
USER_DIRS = {
    "config": ("APPDATA", "Roaming", "Application Support", "XDG_CONFIG_HOME", ".config"),
    "cache": ("LOCALAPPDATA", "Local", "Caches", "XDG_CACHE_HOME", ".cache"),
}


def user_dir(
    kind: str, platform: "str | None" = None, environ: "Mapping[str, str] | None" = None
) -> "str | None":
    """The platform's per-user ``config`` or ``cache`` directory, or None if there is
    no home.  Only absolute paths count (an XDG variable must be absolute, as the
    spec says)."""
    import ntpath
    import posixpath

    windows_variable, appdata, library, xdg_variable, xdg_default = USER_DIRS[kind]
    platform = sys.platform if platform is None else platform
    environ = os.environ if environ is None else environ
    if platform == "win32":
        own = environ.get(windows_variable, "")
        if ntpath.isabs(own):
            return own
        profile = environ.get("USERPROFILE", "")
        return ntpath.join(profile, "AppData", appdata) if ntpath.isabs(profile) else None
    home = environ.get("HOME", "")
    if platform == "darwin":
        return posixpath.join(home, "Library", library) if posixpath.isabs(home) else None
    xdg = environ.get(xdg_variable, "")
    if posixpath.isabs(xdg):
        return xdg
    return posixpath.join(home, xdg_default) if posixpath.isabs(home) else None


def config_base(
    platform: "str | None" = None, environ: "Mapping[str, str] | None" = None
) -> "str | None":
    """The platform's per-user configuration directory, or None if there is no home."""
    return user_dir("config", platform, environ)


def choice_file(app: str, config_dir: "str | None" = None) -> "str | None":
    """Where ``app``'s choice lives: ``config_dir`` (tests, embedders) or the platform's."""
    if config_dir is not None:
        return os.path.join(config_dir, FILE_NAME)
    base = config_base()
    return os.path.join(base, app, FILE_NAME) if base else None


def read(path: "str | None") -> "dict[str, str]":
    """The file's ``key = value`` lines, lowercased; empty when absent or not understood."""
    return load(path) or {}


def load(path: "str | None") -> "dict[str, str] | None":
    """The file's ``key = value`` lines, lowercased: ``{}`` when there is no file (or no
    home), ``None`` when one exists but cannot be read or understood.

    The read never blocks (a FIFO put at the path is not opened for reading and
    waited on) and is bounded; only a regular file of at most 4 KiB, UTF-8 with
    or without a byte-order mark, of blank, ``#`` comment and ``key = value``
    lines counts as understood.  Unknown keys are ignored.
    """
    if path is None:
        return {}
    flags = (
        os.O_RDONLY
        | getattr(os, "O_NONBLOCK", 0)
        | getattr(os, "O_NOCTTY", 0)
        | (getattr(os, "O_BINARY", 0))
    )
    try:
        descriptor = os.open(path, flags)
    except (FileNotFoundError, NotADirectoryError):
        return {}  # no file, or no home: no choice made
    except Exception:  # noqa: BLE001 - there, but not ours to read (EACCES, ELOOP, ENXIO...)
        return None
    try:
        import stat

        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            return None
        data = b""
        while len(data) <= _MAX_BYTES:
            chunk = os.read(descriptor, _MAX_BYTES + 1 - len(data))
            if not chunk:
                break
            data += chunk
        if len(data) > _MAX_BYTES:
            return None
        text = data.decode("utf-8")
    except Exception:  # noqa: BLE001 - an I/O or decoding error: not understood
        return None
    finally:
        os.close(descriptor)
    values: dict[str, str] = {}
    for raw in text.lstrip("\ufeff").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        key = key.strip().lower()
        if not sep or not key or not _KEY.issuperset(key):
            return None
        values[key] = value.strip().lower()
    return values


#: :func:`stored_choice` for a file that exists but cannot be read or understood.
UNREADABLE = "unreadable"


def stored_choice(path: "str | None") -> "bool | str | None":
    """The stored choice: True, False, None (none made) or :data:`UNREADABLE`.

    A stored opt-out must not be lost to a file envdetect cannot read, so
    unreadable counts as off, and so does an ``enabled`` value that is not one
    of the on/off words.
    """
    return choice_in(load(path))


def choice_in(values: "dict[str, str] | None") -> "bool | str | None":
    """:func:`stored_choice` of what :func:`load` gave."""
    if values is None:
        return UNREADABLE
    value = values.get("enabled")
    if value is None:
        return None
    return True if value in ON else False if value in OFF else UNREADABLE


def told(values: "Mapping[str, str]") -> bool:
    """Whether the user was told already: the notice is recorded, or they turned
    telemetry on themselves."""
    return values.get("notice_shown") in ON or values.get("enabled") in ON


def make_folders(*folders: str) -> None:
    """Create each missing folder in turn (mode 0700), never its parents: a missing
    home stays missing.  A folder another process made meanwhile is fine."""
    for folder in folders:
        if not os.path.isdir(folder):
            try:
                os.mkdir(folder, 0o700)
            except FileExistsError:  # a concurrent run made it first
                if not os.path.isdir(folder):
                    raise


def write(path: "str | None", app: str, values: "Mapping[str, str]") -> bool:
    """Replace the file atomically; create at most the config dir and the app dir."""
    if path is None:
        return False
    directory = os.path.dirname(path)
    temporary = f"{path}.{os.getpid()}.tmp"
    lines = [f"# Telemetry choice for {app}, written by envdetect. Delete this file to reset."]
    lines.extend(f"{key} = {value}" for key, value in values.items())
    try:
        make_folders(os.path.dirname(directory), directory)
        with open(temporary, "w", encoding="utf-8") as handle:
            handle.write("\n".join(lines) + "\n")
        os.replace(temporary, path)
        return True
    except Exception:  # noqa: BLE001 - a read-only or missing home is silent
        import contextlib

        with contextlib.suppress(Exception):
            os.remove(temporary)
        return False


def remember(path: "str | None", app: str, enabled: bool) -> bool:
    values = read(path)
    values["enabled"] = "true" if enabled else "false"
    return write(path, app, values)


def in_ci() -> bool:
    """Whether a CI system runs us: the CI detector alone (variables, then its two
    probes), not a whole detection."""
    from envdetect._context import LiveContext
    from envdetect.detectors import ci

    return ci.detect(LiveContext()) is not None


def first_run_notice(path: "str | None", app: str, message: str, ci: bool) -> str:
    """Show the notice if due, on stderr (a terminal or not; never stdout).

    Returns what happened, one word.  ``"seen"``: recorded earlier, not due.
    ``"shown"``: printed and recorded, so never shown again.  ``"ci"``: printed
    to the job's log, recorded if the home allows (CI homes rarely outlive a
    job, so each fresh one shows it once).  ``"unrecorded"``: due outside CI
    but the file cannot be written: not printed, since it would be printed on
    every run; the caller sends nothing, so no one is reported on untold.
    ``"no-stderr"``: nowhere to print it (``sys.stderr`` is None or failed):
    not recorded, and the caller sends nothing.
    """
    values = read(path)
    if told(values):
        return "seen"
    stream = sys.stderr
    if stream is None:  # pythonw, a closed descriptor: no one can be told
        return "no-stderr"
    existed = path is not None and os.path.isfile(path)
    earlier = dict(values)
    values["notice_shown"] = "true"
    recorded = write(path, app, values)
    if not recorded and not ci:
        return "unrecorded"
    try:
        stream.write(message.rstrip("\n") + "\n")
        stream.flush()
    except Exception:  # noqa: BLE001 - the user was not told: take the record back
        if recorded:
            _forget(path, app, earlier if existed else None)
        return "no-stderr"
    return "ci" if ci else "shown"


def _forget(path: "str | None", app: str, earlier: "dict[str, str] | None") -> None:
    """Put the file back as it was (None: it did not exist)."""
    if earlier is not None:
        write(path, app, earlier)
    elif path is not None:
        import contextlib

        with contextlib.suppress(Exception):
            os.remove(path)
