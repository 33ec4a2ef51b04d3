"""Walking the process ancestry: a /proc tree on disk, and psutil's failure modes."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import psutil
import pytest

from envdetect import _context
from envdetect._context import LiveContext, proc_ancestry, psutil_ancestry


def make_proc(
    root: Path,
    pid: int,
    comm: str,
    ppid: int,
    *,
    state: str = "S",
    cmdline: list[str] | None = None,
    exe: str | None = None,
) -> None:
    base = root / str(pid)
    base.mkdir(parents=True)
    (base / "stat").write_text(
        f"{pid} ({comm}) {state} {ppid} {pid} {pid} 0 -1 4194560 "
        "1405 0 0 0 3 1 0 0 20 0 1 0 1234 9469952 1280"
    )
    if cmdline is not None:
        (base / "cmdline").write_bytes(b"".join(arg.encode() + b"\0" for arg in cmdline))
    if exe is not None:
        (base / "exe").symlink_to(exe)


@pytest.fixture
def proc(tmp_path: Path) -> Path:
    root = tmp_path / "proc"
    (root / "self").mkdir(parents=True)
    return root


def names(root: Path, start: int, limit: int = 6) -> list[str]:
    return [p.name for p in proc_ancestry(start, limit, str(root))]


def test_walks_to_init(proc: Path) -> None:
    make_proc(proc, 1, "systemd", 0, cmdline=["/sbin/init", "splash"])
    make_proc(proc, 800, "sshd", 1, cmdline=["sshd: dana [priv]"])
    make_proc(proc, 900, "bash", 800, cmdline=["-bash"], exe="/usr/bin/bash")
    chain = list(proc_ancestry(900, 6, str(proc)))
    assert [p.name for p in chain] == ["bash", "sshd", "systemd"]
    assert chain[0].cmdline == ("-bash",)
    assert chain[0].exe == "/usr/bin/bash"
    assert chain[1].exe is None  # exe unreadable: still walked


def test_depth_is_bounded(proc: Path) -> None:
    for pid in range(1, 12):
        make_proc(proc, pid, f"p{pid}", pid - 1)
    assert names(proc, 11, limit=4) == ["p11", "p10", "p9", "p8"]


def test_vanished_parent_ends_walk(proc: Path) -> None:
    make_proc(proc, 50, "python3", 49)  # 49 exited between reads
    assert names(proc, 50) == ["python3"]


def test_zombie_ends_walk(proc: Path) -> None:
    make_proc(proc, 1, "systemd", 0)
    make_proc(proc, 70, "defunct-shell", 1, state="Z")
    assert names(proc, 70) == []


def test_cycle_ends_walk(proc: Path) -> None:
    make_proc(proc, 5, "a", 6)
    make_proc(proc, 6, "b", 5)
    assert names(proc, 5) == ["a", "b"]


def test_names_with_spaces_and_parentheses(proc: Path) -> None:
    make_proc(proc, 1, "systemd", 0)
    make_proc(proc, 30, "Code Helper (Plugin)", 1)
    assert names(proc, 30) == ["Code Helper (Plugin)", "systemd"]


def test_truncated_comm_uses_exe_basename(proc: Path) -> None:
    make_proc(proc, 1, "systemd", 0)
    make_proc(
        proc,
        40,
        "jetbrains-toolb",
        1,
        exe="/home/dana/.local/share/JetBrains/Toolbox/bin/jetbrains-toolbox",
    )
    make_proc(proc, 41, "pycharm.sh", 40)
    assert names(proc, 41) == ["pycharm.sh", "jetbrains-toolbox", "systemd"]


def test_each_file_is_read_with_one_read(proc: Path, monkeypatch) -> None:
    # /proc generates stat and cmdline whole on every read: a short read is the end.
    make_proc(proc, 1, "systemd", 0, cmdline=["/sbin/init"])
    make_proc(proc, 900, "bash", 1, cmdline=["-bash"], exe="/usr/bin/bash")
    reads: list[int] = []
    real_read = os.read
    monkeypatch.setattr(os, "read", lambda fd, size: reads.append(fd) or real_read(fd, size))
    chain = list(proc_ancestry(900, 6, str(proc)))
    assert [(p.name, p.exe, p.cmdline) for p in chain] == [
        ("bash", "/usr/bin/bash", ("-bash",)),
        ("systemd", None, ("/sbin/init",)),
    ]
    assert len(reads) == 4  # stat and cmdline of each


def test_a_long_command_line_is_read_whole(proc: Path) -> None:
    # A JVM's classpath can be longer than the first read.
    args = ["java", "-cp", ":".join(f"/opt/lib/jar{i}.jar" for i in range(3000)), "Main"]
    make_proc(proc, 1, "systemd", 0)
    make_proc(proc, 900, "java", 1, cmdline=args)
    assert len("\0".join(args)) > _context._FIRST_READ
    chain = list(proc_ancestry(900, 6, str(proc)))
    assert chain[0].cmdline == tuple(args)


@pytest.mark.parametrize("stat", ["", "garbage without parens", "12 (x", "12 (x) S notanumber"])
def test_garbled_stat_ends_walk(proc: Path, stat: str) -> None:
    (proc / "12").mkdir()
    (proc / "12" / "stat").write_text(stat)
    result = names(proc, 12)
    assert result in ([], ["x"])


def test_live_walk_sees_this_test_runner() -> None:
    if not os.path.isdir("/proc/self"):
        pytest.skip("no /proc on this OS")
    chain = _context.live_ancestry(6)
    assert chain, "a test process has a parent"
    assert chain[0].name == psutil.Process(os.getppid()).name()


def test_live_context_reads_ancestry_lazily_once(monkeypatch) -> None:
    calls = []

    def fake(limit: int) -> list[_context.Process]:
        calls.append(limit)
        return [_context.Process(f"p{i}") for i in range(10)]

    monkeypatch.setattr(_context, "live_ancestry", fake)
    ctx = LiveContext({})
    assert calls == []
    assert len(ctx.processes()) == 6
    ctx.processes()
    assert calls == [6]


def test_live_context_survives_a_failing_walk(monkeypatch) -> None:
    def broken(limit: int) -> list[_context.Process]:
        raise PermissionError("hidepid=2")

    monkeypatch.setattr(_context, "live_ancestry", broken)
    assert LiveContext({}).processes() == ()


class FakeProcess:
    """Stands in for psutil.Process, raising psutil's own exceptions."""

    def __init__(
        self,
        name: str,
        parent: FakeProcess | Exception | None,
        exe: str | Exception = "/usr/bin/x",
        cmdline: list[str] | Exception = (),
    ):
        self._name, self._parent, self._exe, self._cmdline = name, parent, exe, cmdline

    def oneshot(self):
        import contextlib

        return contextlib.nullcontext()

    def name(self) -> str:
        if isinstance(self._parent, psutil.ZombieProcess) and self._name == "zombie":
            raise self._parent
        return self._name

    def exe(self) -> str:
        if isinstance(self._exe, Exception):
            raise self._exe
        return self._exe

    def cmdline(self) -> list[str]:
        if isinstance(self._cmdline, Exception):
            raise self._cmdline
        return list(self._cmdline)

    def parent(self) -> FakeProcess | None:
        if isinstance(self._parent, Exception):
            raise self._parent
        return self._parent


def walk_with(monkeypatch, first_parent: FakeProcess | Exception | None) -> list[str]:
    me = FakeProcess("python", first_parent)
    monkeypatch.setattr(psutil, "Process", lambda *args: me)
    return [p.name for p in psutil_ancestry(6)]


def test_psutil_walk(monkeypatch) -> None:
    launchd = FakeProcess("launchd", None)
    terminal = FakeProcess("Terminal", launchd, exe=psutil.AccessDenied(7))
    zsh = FakeProcess("zsh", terminal, cmdline=psutil.AccessDenied(8))
    assert walk_with(monkeypatch, zsh) == ["zsh", "Terminal", "launchd"]


def test_psutil_parent_vanishes(monkeypatch) -> None:
    zsh = FakeProcess("zsh", psutil.NoSuchProcess(99))
    assert walk_with(monkeypatch, zsh) == ["zsh"]


def test_psutil_access_denied_on_parent(monkeypatch) -> None:
    assert walk_with(monkeypatch, psutil.AccessDenied(1)) == []


def test_psutil_zombie(monkeypatch) -> None:
    zombie = FakeProcess("zombie", psutil.ZombieProcess(42))
    shell = FakeProcess("bash", zombie)
    assert walk_with(monkeypatch, shell) == ["bash"]


def test_psutil_walk_of_this_process_is_real() -> None:
    chain = psutil_ancestry(3)
    assert chain
    assert chain[0].name == psutil.Process(os.getppid()).name()


def test_psutil_missing_means_no_ancestry(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "psutil", None)
    assert psutil_ancestry(6) == []


def test_linux_without_proc_walks_nothing_and_never_asks_psutil(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A chroot or a proot without /proc: psutil 5.9 would print a traceback on
    # import there (it reads /proc/stat), onto the host's stderr.
    asked = []
    monkeypatch.setattr(_context, "psutil_ancestry", lambda limit: asked.append(limit) or [])
    monkeypatch.setattr(_context.sys, "platform", "linux")
    assert _context.live_ancestry(6, str(tmp_path / "no-proc")) == []
    monkeypatch.setattr(_context.sys, "platform", "darwin")
    _context.live_ancestry(6, str(tmp_path / "no-proc"))
    assert asked == [6]  # elsewhere psutil still does the walk
