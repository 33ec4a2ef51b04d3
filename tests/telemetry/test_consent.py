"""The persistent choice and the first-run notice."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from envdetect.telemetry import Telemetry, _consent
from tests.conftest import ROOT
from tests.telemetry.conftest import HOST, read_terminal

ENDPOINT = "http://127.0.0.1:9/ingest"


class TTY(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "DO_NOT_TRACK",
        "HOSTAPP_TELEMETRY",
        "ENVDETECT_TELEMETRY_DEBUG",
        "CI",
        "XDG_CONFIG_HOME",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def not_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    """The notice is for people: these tests may themselves run in CI."""
    monkeypatch.setattr(_consent, "in_ci", lambda: False)


def test_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    import envdetect

    detected = envdetect.detect(plugins=False).ci is not None
    for value, expected in (("true", True), ("1", True), ("false", None), ("0", None)):
        monkeypatch.setenv("CI", value)
        # "false"/"0": then detection decides (on the machine running this test).
        assert _consent.in_ci() is (detected if expected is None else expected)


# -- where the file lives ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("platform", "environ", "expected"),
    [
        ("linux", {"HOME": "/home/a"}, "/home/a/.config"),
        ("linux", {"HOME": "/home/a", "XDG_CONFIG_HOME": "/xdg"}, "/xdg"),
        ("linux", {"HOME": "/home/a", "XDG_CONFIG_HOME": "relative"}, "/home/a/.config"),
        ("freebsd14", {"HOME": "/usr/home/a"}, "/usr/home/a/.config"),
        (
            "darwin",
            {"HOME": "/Users/a", "XDG_CONFIG_HOME": "/xdg"},
            "/Users/a/Library/Application Support",
        ),
        ("win32", {"APPDATA": "C:\\Users\\a\\AppData\\Roaming"}, "C:\\Users\\a\\AppData\\Roaming"),
        ("win32", {"USERPROFILE": "C:\\Users\\a"}, "C:\\Users\\a\\AppData\\Roaming"),
        ("linux", {}, None),
        ("darwin", {"HOME": ""}, None),
        ("win32", {}, None),
    ],
)
def test_config_base(platform: str, environ: dict[str, str], expected: str | None) -> None:
    assert _consent.config_base(platform, environ) == expected


@pytest.mark.parametrize(
    ("platform", "environ", "expected"),
    [
        ("linux", {"HOME": "/home/a"}, "/home/a/.cache"),
        ("linux", {"HOME": "/home/a", "XDG_CACHE_HOME": "/xdg"}, "/xdg"),
        ("linux", {"HOME": "/home/a", "XDG_CONFIG_HOME": "/xdg"}, "/home/a/.cache"),
        ("darwin", {"HOME": "/Users/a"}, "/Users/a/Library/Caches"),
        ("win32", {"LOCALAPPDATA": "C:\\Users\\a\\AppData\\Local"}, "C:\\Users\\a\\AppData\\Local"),
        ("win32", {"APPDATA": "C:\\Users\\a\\AppData\\Roaming"}, None),
        ("win32", {"USERPROFILE": "C:\\Users\\a"}, "C:\\Users\\a\\AppData\\Local"),
        ("linux", {"XDG_CACHE_HOME": "relative"}, None),
    ],
)
def test_the_spool_lives_in_the_cache_directory(
    platform: str, environ: dict[str, str], expected: str | None
) -> None:
    from envdetect.telemetry import _spool

    assert _spool.cache_base(platform, environ) == expected


def test_default_file_is_per_app(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    t = Telemetry("hostapp", "1.0", ENDPOINT)
    assert t.config_file == str(tmp_path / "hostapp" / "telemetry.conf")


def test_a_folder_another_run_made_meanwhile_still_takes_the_choice(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Two runs in a fresh home both see no config folder; the second mkdir
    # fails with FileExistsError. The choice (and the notice's record) must
    # still be written, or that run would count as "not told" and send nothing.
    real_mkdir = os.mkdir

    def racing_mkdir(path: str, mode: int = 0o777) -> None:
        real_mkdir(path, mode)  # the other run
        real_mkdir(path, mode)  # ours: FileExistsError

    monkeypatch.setattr(os, "mkdir", racing_mkdir)
    path = str(tmp_path / "config" / "hostapp" / "telemetry.conf")
    assert _consent.write(path, "hostapp", {"notice_shown": "true"})
    monkeypatch.setattr(os, "mkdir", real_mkdir)
    assert _consent.told(_consent.read(path))


def test_the_constructor_reads_the_choice_file_once(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "telemetry.conf").write_text("notice_shown = true\n", encoding="utf-8")
    opened: list[str] = []
    real_open = os.open

    def counting_open(path: str, *args: object, **kwargs: object) -> int:
        opened.append(str(path))
        return real_open(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", counting_open)
    t = Telemetry("hostapp", "1.0", "http://127.0.0.1:9/", config_dir=str(tmp_path))
    assert t.reason == "enabled by default (the notice was shown on an earlier run)"
    assert opened.count(str(tmp_path / "telemetry.conf")) == 1


# -- the stored choice --------------------------------------------------------------------------
def test_set_enabled_round_trip(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    t = Telemetry("hostapp", "1.0", ENDPOINT)
    assert t.enabled
    assert t.set_enabled(False) is True
    assert not t.enabled  # at once, for this process too
    text = (tmp_path / "config" / "hostapp" / "telemetry.conf").read_text()
    assert "enabled = false" in text
    assert text.startswith("# Telemetry choice for hostapp")
    again = Telemetry("hostapp", "1.0", ENDPOINT)
    assert not again.enabled
    assert again.reason == "disabled by the stored setting"
    assert Telemetry("otherapp", "1.0", ENDPOINT).enabled  # per app
    assert again.set_enabled(True) is True
    assert Telemetry("hostapp", "1.0", ENDPOINT).enabled


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"\xef\xbb\xbfenabled = false\n", False),  # a byte-order mark (Notepad)
        (b"# written by hand\r\n\r\n  Enabled = FALSE  \r\n", False),
        (b"enabled = true\nnotice_shown = true\nfuture_key = whatever\n", True),
        (b"notice_shown = true\n", None),
        (b"", None),
    ],
)
def test_stored_choice_that_is_understood(
    tmp_path: Path, content: bytes, expected: bool | None
) -> None:
    (tmp_path / "telemetry.conf").write_bytes(content)
    t = Telemetry("hostapp", "1.0", ENDPOINT, config_dir=str(tmp_path))
    assert _consent.stored_choice(str(tmp_path / "telemetry.conf")) is expected
    assert t.enabled is (expected is not False)


UNDERSTOOD_OFF = b"# Telemetry choice for hostapp\nenabled = false\n"


@pytest.mark.parametrize(
    "content",
    [
        b"\xff\xfe garbage\n" + UNDERSTOOD_OFF,  # not UTF-8
        b"\xff" + UNDERSTOOD_OFF,
        b"x" * 5000 + b"\n" + UNDERSTOOD_OFF,  # more than 4 KiB: not written by envdetect
        b"# " + b"x" * 5000 + b"\n" + UNDERSTOOD_OFF,
        UNDERSTOOD_OFF + b"enabled\n",  # a line that is not key = value
        UNDERSTOOD_OFF + b"= true\n",
        b"enabled = nope\n",  # an enabled value that is not an on/off word
        UNDERSTOOD_OFF.replace(b"enabled", b"enabled\x00"),
    ],
    ids=[
        "utf16-bom",
        "non-utf8",
        "over-4k",
        "over-4k-comment",
        "no-equals",
        "no-key",
        "unknown-value",
        "nul",
    ],
)
def test_a_choice_file_that_is_not_understood_counts_as_off(tmp_path: Path, content: bytes) -> None:
    (tmp_path / "telemetry.conf").write_bytes(content)
    t = Telemetry("hostapp", "1.0", ENDPOINT, config_dir=str(tmp_path))
    assert not t.enabled
    assert t.reason == "the stored setting cannot be read (counts as off)"


def test_a_choice_file_that_cannot_be_read_counts_as_off(tmp_path: Path) -> None:
    path = tmp_path / "telemetry.conf"
    path.mkdir()  # a directory where the file should be: not a regular file
    t = Telemetry("hostapp", "1.0", ENDPOINT, config_dir=str(tmp_path))
    assert (t.enabled, t.reason) == (False, "the stored setting cannot be read (counts as off)")
    assert t.set_enabled(False) is False  # cannot be stored either; says so, silently
    path.rmdir()
    path.symlink_to(path)  # a symlink loop: there, but opening it fails (even for root)
    assert not Telemetry("hostapp", "1.0", ENDPOINT, config_dir=str(tmp_path)).enabled
    path.unlink()
    path.symlink_to(tmp_path / "nowhere")  # dangling: no file, no choice
    assert Telemetry("hostapp", "1.0", ENDPOINT, config_dir=str(tmp_path)).enabled


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0,
    reason="root reads a chmod 000 file (covered above by a symlink loop)",
)
def test_a_choice_file_without_read_permission_counts_as_off(tmp_path: Path) -> None:
    path = tmp_path / "telemetry.conf"
    path.write_text("enabled = true\n")
    path.chmod(0)
    assert not Telemetry("hostapp", "1.0", ENDPOINT, config_dir=str(tmp_path)).enabled


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_at_the_choice_file_does_not_block_and_counts_as_off(tmp_path: Path) -> None:
    """Run in a child: on failure, the open() would block forever, with no writer."""
    os.mkfifo(tmp_path / "telemetry.conf")
    code = (
        "import sys; from envdetect.telemetry import Telemetry; "
        f"t = Telemetry('hostapp', '1.0', {ENDPOINT!r}, config_dir=sys.argv[1]); "
        "print(t.enabled, t.reason)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)],
        cwd=str(ROOT),
        capture_output=True,
        text=True,
        timeout=20,
        check=False,
    )
    assert done.stdout == "False the stored setting cannot be read (counts as off)\n", done.stderr


def _unwritable_homes(tmp_path: Path) -> dict[str, str]:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    return {
        "missing": str(tmp_path / "no" / "such" / "home"),
        "under-a-file": str(blocker / "home"),  # fails even for root
        "proc": "/proc/self/fdinfo",
    }  # read-only even for root


@pytest.mark.parametrize("kind", ["missing", "under-a-file", "proc"])
def test_read_only_or_missing_home_is_silent(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    home = _unwritable_homes(tmp_path)[kind]
    monkeypatch.setenv("HOME", home)
    t = Telemetry("hostapp", "1.0", ENDPOINT)
    assert t.enabled
    assert t.set_enabled(False) is False
    assert capsys.readouterr() == ("", "")
    if kind == "missing":
        assert not Path(home).exists()  # the home directory is never created
        assert not Path(home).parent.exists()


# -- the first-run notice -------------------------------------------------------------------------
def test_notice_is_shown_once_on_a_terminal(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, not_ci: None
) -> None:
    stderr = TTY()
    monkeypatch.setattr(sys, "stderr", stderr)
    t = Telemetry(
        "hostapp", "1.0", ENDPOINT, opt_out_env="HOSTAPP_TELEMETRY", config_dir=str(tmp_path)
    )
    assert t.first_run_notice() is True
    shown = stderr.getvalue()
    assert "hostapp collects anonymous usage data" in shown
    assert "HOSTAPP_TELEMETRY=0 or DO_NOT_TRACK=1" in shown
    assert "To see exactly what is sent: hostapp telemetry show" in shown
    assert not t.enabled  # nothing is sent on the run that shows it
    assert "notice_shown = true" in (tmp_path / "telemetry.conf").read_text()
    assert t.first_run_notice() is False
    later = Telemetry("hostapp", "1.0", ENDPOINT, config_dir=str(tmp_path))
    assert later.first_run_notice() is False
    assert later.enabled
    assert stderr.getvalue() == shown


def test_notice_custom_text(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, not_ci: None) -> None:
    stderr = TTY()
    monkeypatch.setattr(sys, "stderr", stderr)
    t = Telemetry("hostapp", "1.0", ENDPOINT, config_dir=str(tmp_path))
    assert t.first_run_notice("Telemetry is on. See https://example.com/telemetry")
    assert stderr.getvalue() == "Telemetry is on. See https://example.com/telemetry\n"


@pytest.mark.parametrize("case", ["explicit-on", "stored-on", "no-endpoint"])
def test_notice_is_not_due(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, case: str) -> None:
    stderr = TTY()
    monkeypatch.setattr(sys, "stderr", stderr)
    monkeypatch.setattr(_consent, "in_ci", lambda: False)
    if case == "explicit-on":
        monkeypatch.setenv("HOSTAPP_TELEMETRY", "1")
    if case == "stored-on":
        (tmp_path / "telemetry.conf").write_text("enabled = true\n")
    endpoint = None if case == "no-endpoint" else ENDPOINT
    t = Telemetry(
        "hostapp", "1.0", endpoint, opt_out_env="HOSTAPP_TELEMETRY", config_dir=str(tmp_path)
    )
    assert t.first_run_notice() is False
    assert stderr.getvalue() == ""
    assert t.enabled is (case != "no-endpoint")
    if case in ("explicit-on", "no-endpoint"):
        assert not (tmp_path / "telemetry.conf").exists()  # nothing written either


@pytest.mark.parametrize("kind", ["missing", "under-a-file", "proc"])
def test_notice_that_cannot_be_recorded_is_not_shown_and_nothing_is_sent(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, kind: str, not_ci: None
) -> None:
    stderr = TTY()
    monkeypatch.setattr(sys, "stderr", stderr)
    monkeypatch.setenv("HOME", _unwritable_homes(tmp_path)[kind])
    t = Telemetry("hostapp", "1.0", ENDPOINT)
    assert t.first_run_notice() is False
    assert stderr.getvalue() == ""  # not shown every run: silent...
    assert not t.enabled  # ...and the user was not told, so nothing is sent


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_notice_on_a_real_terminal_and_nothing_sent_that_run(server, tmp_path: Path) -> None:
    """A host program whose stderr is a pty: run 1 shows the notice and sends nothing,
    run 2 (same terminal) shows nothing and sends."""
    srv = server("normal")
    spec = {
        "telemetry": {"app": "hostapp", "version": "1.0", "endpoint": srv.url(), "exit_wait": 1.0},
        "steps": [["notice"], ["track", "build", None, "ok"]],
        "exit": 0,
        "told": False,
    }
    import json

    # A clean environment: not CI (the notice is for people), nothing inherited.
    env = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(ROOT),
        "PYTHONDONTWRITEBYTECODE": "1",
        "HOME": str(tmp_path / "home"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
    }
    outputs = []
    for _ in range(2):
        master, replica = os.openpty()
        process = subprocess.Popen(
            [sys.executable, str(HOST), json.dumps(spec)],
            env=env,
            cwd=str(ROOT),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=replica,
        )
        os.close(replica)
        terminal = read_terminal(master, 20)
        assert process.wait(timeout=20) == 0
        outputs.append(terminal)
        time.sleep(0.1)
        if len(outputs) == 1:
            assert "hostapp collects anonymous usage data" in outputs[0]
            assert srv.entries() == []  # the run that shows the notice sends nothing
    assert "collects anonymous usage data" not in outputs[1]
    assert len(srv.wait_for(1)) == 1
