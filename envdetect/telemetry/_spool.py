"""The spool: batches not yet delivered, kept on disk for a detached flush process.

At exit the host never waits on the network: what it has not sent goes into
the spool (one small file per batch) and, when the spool holds anything, a
detached flush process (:func:`start_flush`, running :func:`main`) delivers it.

Where: the platform's cache directory, ``<cache>/<app>/telemetry-spool``
(Linux: ``$XDG_CACHE_HOME`` or ``~/.cache``; macOS: ``~/Library/Caches``;
Windows: ``%LOCALAPPDATA%``); where that cannot be written (a read-only or
missing home, as in many CI containers), on POSIX a folder only this user can
use, ``$TMPDIR/envdetect-telemetry-<uid>/<app>`` (``/tmp`` without TMPDIR).
Bounds: :data:`MAX_BYTES` in all, :data:`MAX_EVENTS` events, :data:`MAX_AGE`
seconds; the oldest batches make room for a new one.  A file is named
``<time_ns>-<batch id>-<events>.batch``, so the bounds are kept from a
directory listing alone, and is written under a temporary name and renamed
into place, so no reader sees half of one.

Exactly once, as far as the sender can know: one flush process at a time (a
lock on ``flush.lock``, released by the system if the process dies); a batch
is renamed to ``.sending`` before it is sent and deleted once the collector
acknowledges it (2xx), or dropped when the collector refuses it (4xx other
than 408 and 429); anything else puts it back for a later attempt.  A batch
that cannot be renamed (an unwritable spool) is never sent, since it could not
be marked as delivered.  Only a process that died between the collector's
acknowledgement and the deletion leaves a ``.sending`` file that is sent
again: a repeat with the same batch id, which the collector can drop.

Every failure here is silent: a corrupt file is deleted, an unwritable or
missing home means no spool, and nothing raises.
"""

import os
import sys
import time

from envdetect.telemetry._consent import make_folders, user_dir

# The lock's module, loaded with the spool (at the host's first record), not at exit.
if sys.platform == "win32":
    import msvcrt
else:
    import fcntl

TYPE_CHECKING = False
if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Mapping
    from typing import Any

MAX_BYTES = 1 << 20
MAX_EVENTS = 1000
MAX_AGE = 7 * 24 * 3600
#: The largest batch file; a batch holds at most 64 events of at most 32 attributes.
MAX_FILE = 256 * 1024
#: The longest a flush process lives, in seconds, whatever the network does.
FLUSH_LIFETIME = 20.0
#: Delivery rounds after a failed one before a flush process leaves the rest to
#: a later run's, and the pause after each failed round (doubling, at most 2 s).
RETRY_ROUNDS = 6
FIRST_PAUSE = 0.25
#: How much the flush process lowers its priority (os.nice) before its real work.
NICENESS = 10
FOLDER = "telemetry-spool"
READY, SENDING, LOCK = ".batch", ".sending", "flush.lock"
_PARTIAL = ".tmp"
_TEMPORARY = "envdetect-telemetry-"


def cache_base(
    platform: "str | None" = None, environ: "Mapping[str, str] | None" = None
) -> "str | None":
    """The platform's per-user cache directory, or None if there is no home."""
    return user_dir("cache", platform, environ)


def spool_dirs(app: str) -> "list[str]":
    """Where ``app``'s batches may go, in order: the cache directory, then (POSIX) a
    private folder in the temporary directory, for a home that is read-only or
    missing (CI containers)."""
    found = []
    base = cache_base()
    if base:
        found.append(os.path.join(base, app, FOLDER))
    if os.name == "posix":
        temporary = os.environ.get("TMPDIR", "")
        root = os.path.join(
            temporary if os.path.isabs(temporary) else "/tmp", f"{_TEMPORARY}{os.getuid()}"
        )
        found.append(os.path.join(root, app))
    return found


def _private(folder: str) -> bool:
    """Whether ``folder`` is a real directory of this user's that no one else may use
    (a shared temporary directory could hold a planted one)."""
    import stat

    try:
        info = os.lstat(folder)
    except OSError:
        return False
    return stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid() and not info.st_mode & 0o077


class Entry:
    """A batch file, from its name alone."""

    __slots__ = ("events", "name", "size", "time_ns")

    def __init__(self, name: str, time_ns: int, events: int, size: int) -> None:
        self.name, self.time_ns, self.events, self.size = name, time_ns, events, size


def entries(directory: str, suffixes: "tuple[str, ...]" = (READY, SENDING)) -> "list[Entry]":
    """The spool's batch files, oldest first; names that do not parse are left out."""
    found: list[Entry] = []
    try:
        with os.scandir(directory) as listing:
            for item in listing:
                name = item.name
                if not name.endswith(suffixes):
                    continue
                parts = name.rsplit(".", 1)[0].split("-")
                if len(parts) != 3 or not (parts[0].isdigit() and parts[2].isdigit()):
                    continue
                try:
                    size = item.stat(follow_symlinks=False).st_size
                except OSError:
                    continue
                found.append(Entry(name, int(parts[0]), int(parts[2]), size))
    except OSError:
        return []
    found.sort(key=lambda entry: entry.name)
    return found


def _remove(directory: str, name: str) -> None:
    try:  # noqa: SIM105 - the bound is kept by whoever removes it first
        os.remove(os.path.join(directory, name))
    except OSError:
        pass


def _make_room(directory: str, size: int, events: int) -> bool:
    """Drop expired batches, then the oldest, until one of ``size`` bytes and
    ``events`` events fits; False if it can never fit."""
    if size > MAX_FILE or events > MAX_EVENTS:
        return False
    now = time.time_ns()
    kept: list[Entry] = []
    for entry in entries(directory):
        if now - entry.time_ns > MAX_AGE * 1_000_000_000:
            _remove(directory, entry.name)
        else:
            kept.append(entry)
    total_bytes = sum(entry.size for entry in kept)
    total_events = sum(entry.events for entry in kept)
    for entry in kept:
        if total_bytes + size <= MAX_BYTES and total_events + events <= MAX_EVENTS:
            break
        if entry.name.endswith(READY):  # a batch being sent is the flusher's
            _remove(directory, entry.name)
            total_bytes -= entry.size
            total_events -= entry.events
    return total_bytes + size <= MAX_BYTES and total_events + events <= MAX_EVENTS


def _ensure(directory: str) -> bool:
    """Create the spool folder and at most its two parents (never the home)."""
    top = os.path.dirname(os.path.dirname(directory))
    try:
        make_folders(top, os.path.dirname(directory), directory)
        if os.path.basename(os.path.dirname(directory)).startswith(_TEMPORARY):
            return _private(os.path.dirname(directory)) and _private(directory)
        return True
    except OSError:
        return False


def put(directories: "list[str]", record: "Mapping[str, Any]") -> "str | None":
    """Keep one batch (a mapping of literals with ``batch`` and ``events``) in the first
    of ``directories`` that takes it; that directory, or None if none did."""
    try:
        # A Python literal (read back with ast.literal_eval): the host writes it
        # at exit without importing json (2 ms of a 15 ms budget).
        data = repr(dict(record)).encode("utf-8")
    except Exception:  # noqa: BLE001
        return None
    for directory in directories:
        if _put(directory, record, data):
            return directory
    return None


def _put(directory: str, record: "Mapping[str, Any]", data: bytes) -> bool:
    try:
        events = len(record["events"])
        batch = str(record["batch"])
        if not _ensure(directory) or not _make_room(directory, len(data), events):
            return False
        partial = os.path.join(directory, f"{batch}.{os.getpid()}{_PARTIAL}")
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
        descriptor = os.open(partial, flags, 0o600)  # headers may hold the host's API key
        try:
            written = os.write(descriptor, data)
        finally:
            os.close(descriptor)
        if written != len(data):
            _remove(directory, os.path.basename(partial))
            return False
        os.replace(
            partial, os.path.join(directory, f"{time.time_ns():020d}-{batch}-{events}{READY}")
        )
        return True
    except Exception:  # noqa: BLE001 - a full disk, a read-only home: the batch is lost
        return False


def has_batches(directory: str) -> bool:
    return bool(entries(directory))


def flush_needed(directory: str) -> bool:
    """Whether to start a flush process: the spool holds batches and no flush process
    holds its lock.  One that does looks again after letting go (see :func:`flush`),
    and this host's batch was written before this check, so it is seen."""
    if not has_batches(directory):
        return False
    lock = _lock(directory)
    if lock is None:  # held; or not even openable, and then nothing could be marked sent
        return False
    _unlock(lock)
    return True


# -- the detached flush process -----------------------------------------------------------
def start_flush(*directories: str) -> bool:
    """Start one detached flush process for ``directories``; True if one started.

    Its standard streams are the null device (it never writes to the host's
    terminal), it runs in a session of its own (a Ctrl-C in the host's terminal
    does not reach it) and without a console window on Windows, and it is never
    waited for: when the host exits, the system adopts and reaps it.
    """
    executable = sys.executable
    if not directories or not executable or getattr(sys, "frozen", False):
        return False  # a frozen app's executable is the app itself, not Python
    package_parent = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    # -S, then site.main() once lowered in priority: the interpreter's start-up, the
    # part that runs beside the host's exit, is kept small, and the rest yields to
    # the host (and to anything else) on a busy machine.  Before anything is
    # imported, sys.path[0] (the host's working directory, for -c) becomes
    # envdetect's own folder, so that no file where the host happens to run (a
    # sitecustomize.py, a json.py) is loaded by the flusher.
    code = (
        "import os, sys; hasattr(os, 'nice') and os.nice(NICENESS); "
        "sys.path[0] = sys.argv.pop(1); import site; site.main(); "
        "from envdetect.telemetry._spool import main; main(*sys.argv[1:])"
    ).replace("NICENESS", str(NICENESS))
    args = [executable, "-S", "-c", code, package_parent, *directories]
    try:
        if os.name == "nt":
            return _start_windows(args, directories[0])
        return _start_posix(args)
    except Exception:  # noqa: BLE001 - no flush now; a later run's exit starts one
        return False


#: The shell line that starts the flush process on POSIX: a pause first, so that
#: the interpreter's start-up does not run beside the host's exit (on a busy
#: machine it stretched the exit by 10-15 ms).  The command comes as "$0" "$@",
#: never parsed by the shell.
_DEFERRED = 'sleep 0.2; exec "$0" "$@"'


def _start_posix(args: "list[str]") -> bool:
    null = os.devnull
    actions = [
        (os.POSIX_SPAWN_OPEN, 0, null, os.O_RDONLY, 0),
        (os.POSIX_SPAWN_OPEN, 1, null, os.O_WRONLY, 0),
        (os.POSIX_SPAWN_OPEN, 2, null, os.O_WRONLY, 0),
    ]
    if hasattr(os, "posix_spawn"):
        try:
            if os.path.exists("/bin/sh"):
                deferred = ["/bin/sh", "-c", _DEFERRED, *args]
                os.posix_spawn("/bin/sh", deferred, os.environ, file_actions=actions, setsid=True)
            else:
                os.posix_spawn(args[0], args, os.environ, file_actions=actions, setsid=True)
            return True
        except NotImplementedError:  # no POSIX_SPAWN_SETSID here: fork and setsid instead
            pass
    import subprocess

    process = subprocess.Popen(
        args,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    process.returncode = 0  # never waited for, by design: no "still running" warning
    return True


def _start_windows(args: "list[str]", directory: str) -> bool:
    import subprocess

    flags = getattr(subprocess, "CREATE_NO_WINDOW", 0x08000000) | getattr(
        subprocess, "CREATE_NEW_PROCESS_GROUP", 0x00000200
    )
    process = subprocess.Popen(
        args,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        close_fds=True,
        cwd=directory,
        creationflags=flags,
    )
    process.returncode = 0  # never waited for, by design: no "still running" warning
    return True


def main(*directories: str, lifetime: float = FLUSH_LIFETIME) -> None:
    """The flush process: deliver the spools, then exit; at most ``lifetime`` seconds
    for all of them together."""
    import threading

    def flush_each(deadline: float) -> None:
        for directory in directories:
            flush(directory, deadline)

    worker = threading.Thread(target=flush_each, args=(time.monotonic() + lifetime,), daemon=True)
    worker.start()
    worker.join(lifetime)  # a server trickling bytes cannot keep the process alive


def flush(directory: str, deadline: float) -> None:
    """Deliver every batch in the spool, one flush process at a time; never raises."""
    try:
        while time.monotonic() < deadline:
            lock = _lock(directory)
            if lock is None:
                return  # another flusher holds it: it looks again before it leaves
            try:
                attempted = _rounds(directory, deadline)
            finally:
                _unlock(lock)
            # A batch put in while this process held the lock may have had its own
            # flusher turned away: look once more after letting go.
            if not {entry.name for entry in entries(directory, (READY,))} - attempted:
                return
    except Exception:  # noqa: BLE001 - the flusher never shows a traceback
        return


def _rounds(directory: str, deadline: float) -> "set[str]":
    """Delivery rounds until the spool is empty or the retries are spent; the names
    of the last round's batches left in the spool."""
    failures = 0
    context = _Context()
    for entry in entries(directory, (SENDING,)):  # the lock holder's: from a process that died
        _rename(directory, entry.name, entry.name[: -len(SENDING)] + READY)
    while True:
        batch_names = [entry.name for entry in entries(directory, (READY,))]
        left: set[str] = set()
        context.down.clear()
        for name in batch_names:
            if time.monotonic() >= deadline:
                return set(batch_names)
            if _deliver(directory, name, context) == "retry":
                left.add(name)
        if not batch_names:
            return set()
        if not left:
            continue  # all delivered; batches may have come in meanwhile
        failures += 1
        if failures > RETRY_ROUNDS:
            return left
        pause = min(FIRST_PAUSE * 2 ** (failures - 1), 2.0, deadline - time.monotonic())
        if pause > 0:
            time.sleep(pause)


class _Context:
    """What a flush process works out once: the environment (when a batch came
    without it) and the route per URL."""

    def __init__(self) -> None:
        #: The environment per host view (see _payload.host_view), detected once.
        self.facts: dict[str, Any] = {}
        self.routes: dict[str, Any] = {}
        #: Endpoints that failed this round: their other batches wait for the next.
        self.down: set[str] = set()


def _rename(directory: str, name: str, new: str) -> bool:
    try:
        os.replace(os.path.join(directory, name), os.path.join(directory, new))
        return True
    except OSError:
        return False


def _read(path: str) -> "dict[str, Any] | None":
    """A batch file's record, or None if it is not one (not regular, too big, not a
    literal of the expected shape)."""
    import ast
    import stat

    flags = (
        os.O_RDONLY
        | getattr(os, "O_NOFOLLOW", 0)
        | getattr(os, "O_NONBLOCK", 0)
        | (getattr(os, "O_BINARY", 0))
    )
    try:
        descriptor = os.open(path, flags)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            return None
        data = os.read(descriptor, MAX_FILE + 1)
    except OSError:
        return None
    finally:
        os.close(descriptor)
    try:
        record = ast.literal_eval(data.decode("utf-8")) if len(data) <= MAX_FILE else None
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return None
    return record if _valid(record) else None


def _valid(record: object) -> bool:
    if not isinstance(record, dict):
        return False
    texts = ("batch", "run", "app", "version", "wire", "endpoint")
    return (
        all(isinstance(record.get(key), str) for key in texts)
        and isinstance(record.get("events"), list)
        and isinstance(record.get("headers"), dict)
        and isinstance(record.get("dropped"), int)
        and all(
            isinstance(event, list)
            and len(event) == 3
            and isinstance(event[0], str)
            and isinstance(event[1], int)
            and isinstance(event[2], dict)
            for event in record["events"]
        )
        and (
            record.get("facts") is None
            or (
                isinstance(record["facts"], list)
                and len(record["facts"]) == 2
                and all(isinstance(part, dict) for part in record["facts"])
            )
        )
    )


def _deliver(directory: str, name: str, context: "_Context") -> str:
    """Send one batch file: ``"sent"``, ``"dropped"``, ``"retry"`` or ``"gone"``."""
    from envdetect.telemetry._payload import body, environment, target_url
    from envdetect.telemetry._transport import prepare, send

    claimed = name[: -len(READY)] + SENDING
    if not _rename(directory, name, claimed):
        return "gone"  # removed meanwhile, or an unwritable spool: never sent unmarked
    path = os.path.join(directory, claimed)
    record = _read(path)
    if record is None or time.time_ns() - int(name.split("-", 1)[0]) > MAX_AGE * 1e9:
        _remove(directory, claimed)
        return "dropped"
    if record["endpoint"] in context.down:
        _rename(directory, claimed, name)
        return "retry"
    facts = record["facts"]
    if facts is None:  # the host exited before its worker had detected
        host = record.get("host") if isinstance(record.get("host"), dict) else None
        key = repr(sorted(host.items())) if host else ""
        if key not in context.facts:
            context.facts[key] = environment(host)
        facts = context.facts[key]
    url = target_url(record["endpoint"], record["wire"])
    route = context.routes.get(url)
    if route is None:
        route = context.routes[url] = prepare(url)
    events = [(event[0], event[1], event[2]) for event in record["events"]]
    data = body(
        record["wire"],
        record["app"],
        record["version"],
        (facts[0], facts[1]),
        events,
        dropped=record["dropped"],
        run=record["run"],
        batch=record["batch"],
    )
    headers = {str(key): str(value) for key, value in record["headers"].items()}
    headers["Idempotency-Key"] = record["batch"]
    outcome = send(route, data, headers)
    if verdict(outcome) == "retry":
        context.down.add(record["endpoint"])
        _rename(directory, claimed, name)
        return "retry"
    _remove(directory, claimed)
    return "sent" if outcome.startswith("http-2") else "dropped"


def verdict(outcome: str) -> str:
    """What a send's outcome means for its batch: ``"done"`` (acknowledged, refused
    for good, or unsendable: a malformed endpoint or proxy) or ``"retry"``."""
    if outcome.startswith("http-"):
        status = outcome[5:]
        return "retry" if status.startswith("5") or status in ("408", "429") else "done"
    return "done" if outcome.startswith("malformed-") else "retry"


def _lock(directory: str) -> "int | None":
    try:
        descriptor = os.open(os.path.join(directory, LOCK), os.O_RDWR | os.O_CREAT, 0o600)
    except OSError:
        return None
    try:
        if sys.platform == "win32":
            msvcrt.locking(descriptor, msvcrt.LK_NBLCK, 1)
        else:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return descriptor
    except OSError:
        os.close(descriptor)
        return None


def _unlock(descriptor: int) -> None:
    try:
        if sys.platform == "win32":
            os.lseek(descriptor, 0, os.SEEK_SET)
            msvcrt.locking(descriptor, msvcrt.LK_UNLCK, 1)
    except OSError:
        pass
    finally:
        os.close(descriptor)
