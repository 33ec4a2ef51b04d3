"""Walk the live process ancestry, nearest parent first.

Where ``/proc`` exists it is read directly: about 10 µs per ancestor, where
``psutil.Process().parents()`` costs hundreds of microseconds plus a 17 ms
import.  Elsewhere (macOS, Windows, the BSDs) psutil does the walk.  Any
ancestor may vanish, turn into a zombie or deny access while we look: each of
those ends the walk quietly with what was read so far.

``exe`` and ``cmdline`` are read with the ancestor, not on first use: the
consumers ask for both on nearly every ancestor (the Buildbot probe reads
every command line, the IDE classifier every executable up to the first
terminal), so lazy reads saved a few ``readlink`` calls and cost more than
that in machinery.
"""

from __future__ import annotations

import os

from envdetect._context import Process, read_bytes

TYPE_CHECKING = False
if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Iterator


def live_ancestry(limit: int, proc_root: str = "/proc") -> list[Process]:
    if os.path.isdir(os.path.join(proc_root, "self")):
        return list(proc_ancestry(os.getppid(), limit, proc_root))
    return psutil_ancestry(limit)


def proc_ancestry(pid: int, limit: int, proc_root: str = "/proc") -> Iterator[Process]:
    """Ancestors starting at ``pid``, read from a /proc tree (real or a test copy)."""
    seen: set[int] = set()
    while pid > 0 and len(seen) < limit and pid not in seen:
        seen.add(pid)
        base = f"{proc_root}/{pid}"
        stat = _read(f"{base}/stat")
        if stat is None:
            return
        # The command name sits in parentheses and may itself hold spaces or
        # parentheses, so split on the last ')'.
        open_paren, close_paren = stat.find("("), stat.rfind(")")
        if open_paren < 0 or close_paren < open_paren:
            return
        fields = stat[close_paren + 2:].split()
        if len(fields) < 2 or fields[0] == "Z":
            return
        comm = stat[open_paren + 1:close_paren]
        raw_cmdline = _read(f"{base}/cmdline")
        cmdline = tuple(raw_cmdline.split("\0")[:-1]) if raw_cmdline else ()
        try:
            exe: str | None = os.readlink(f"{base}/exe")
        except (OSError, ValueError):
            exe = None
        yield Process(_process_name(comm, exe, cmdline), exe, cmdline)
        try:
            pid = int(fields[1])
        except ValueError:
            return


def _process_name(comm: str, exe: str | None, cmdline: tuple[str, ...]) -> str:
    # /proc/<pid>/stat truncates names to 15 bytes ("jetbrains-toolb"); the
    # executable's basename is the full name when we are allowed to see it.
    if len(comm) >= 15:
        for path in (exe, cmdline[0] if cmdline else None):
            if path:
                base = path.replace("\\", "/").rsplit("/", 1)[-1]
                if base.startswith(comm):
                    return base
    return comm


_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
#: Enough for every ``stat`` and for all but the longest command lines.
_FIRST_READ = 16 * 1024


def _read(path: str) -> str | None:
    """A /proc/<pid> file's text, in one read where it fits.

    The kernel generates ``stat`` and ``cmdline`` whole on every read, so a
    read that comes back shorter than asked is the whole file: the extra
    read :func:`~envdetect._context.read_bytes` makes to see the end is
    saved.  A command line that fills the first read is read again whole, by
    :func:`~envdetect._context.read_bytes`, up to its cap.
    """
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except (OSError, ValueError):
        return None
    try:
        data = os.read(fd, _FIRST_READ)
    except OSError:
        return None
    finally:
        os.close(fd)
    if len(data) == _FIRST_READ:  # a long command line: read it whole
        whole = read_bytes(path)
        return None if whole is None else whole.decode("utf-8", "replace")
    return data.decode("utf-8", "replace")


def psutil_ancestry(limit: int) -> list[Process]:
    try:
        import psutil
    except ImportError:
        return []
    result: list[Process] = []
    try:
        current = psutil.Process().parent()
        while current is not None and len(result) < limit:
            with current.oneshot():
                name = current.name()
                exe: str | None
                try:
                    exe = current.exe() or None
                except (psutil.AccessDenied, OSError):
                    exe = None
                try:
                    cmdline = tuple(current.cmdline())
                except (psutil.AccessDenied, OSError):
                    cmdline = ()
            result.append(Process(name, exe, cmdline))
            current = current.parent()
    except (psutil.Error, OSError, ValueError):
        # NoSuchProcess, ZombieProcess and AccessDenied all derive from
        # psutil.Error: the walk ends with what it has.
        pass
    return result
