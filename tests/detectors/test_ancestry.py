"""The ancestry classifier (envdetect.detectors._ancestry): what one ancestor is.

The screen that decides whether the classifier loads at all is held to it in
test_registry.py; the live walk is tested in tests/test_ancestry.py.
"""

from __future__ import annotations

import pytest

from envdetect._context import Process
from envdetect.detectors import _ancestry


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/usr/share/code/code", "vscode"),
        ("C:\\Users\\dana\\AppData\\Local\\Programs\\Microsoft VS Code\\Code.exe", "vscode"),
        (
            "/Applications/Visual Studio Code.app/Contents/Frameworks/Code Helper (Plugin).app/"
            "Contents/MacOS/Code Helper (Plugin)",
            "vscode",
        ),
        (
            "/Applications/Cursor.app/Contents/Resources/app/extensions/git/dist/askpass-main.js",
            "cursor",
        ),
        ("/usr/share/codium/resources/app/extensions/git/dist/askpass-main.js", "vscodium"),
        ("/home/cursor/.vscode-server/cli/servers/Stable-abc/server/node", "vscode"),
        ("/home/ana/.cursor-server/cli/servers/Stable-abc/server/node", "cursor"),
        ("/home/ana/.config/VSCodium/CachedData/abc123", "vscodium"),
        ("/Users/dana/Library/Application Support/Windsurf/1.2-main.sock", "windsurf"),
        ("/home/ana/code/project/.venv/bin/python", None),
        ("/home/ana/src/code-server/.venv/bin/python", None),
        ("/home/ana/cursor/bin/python3", None),
        ("/Applications/Xcode.app/Contents/Developer/usr/bin/python3", None),
        ("", None),
    ],
)
def test_classify_path(path: str, expected: str | None) -> None:
    hit = _ancestry.classify_path(path, _ancestry.PROCESS_IDES)
    assert (hit[0] if hit else None) == expected


def test_processes_without_exe_or_cmdline_classify_by_name() -> None:
    assert _ancestry.classify(Process("pycharm64.exe")) == (
        "ide",
        "jetbrains",
        "pycharm",
        "process pycharm64",
    )
    assert _ancestry.classify(Process("Cursor Helper (Plugin)")) == (
        "ide",
        "cursor",
        None,
        "process cursor",
    )
    assert _ancestry.classify(Process("python3")) is None
    assert _ancestry.classify(Process("node")) is None


def test_versioned_names_name_the_family_in_evidence() -> None:
    assert _ancestry.classify(Process("emacs-29.4")) == ("ide", "emacs", None, "process emacs")
    assert _ancestry.classify(Process("idle-python3.12")) == ("ide", "idle", None, "process idle")


def test_idle_sublime_spyder_in_the_chain() -> None:
    idle = Process(
        "python3",
        "/usr/bin/python3.12",
        ("/usr/bin/python3", "-c", "__import__('idlelib.run').run.main(True)", "8833"),
    )
    assert _ancestry.classify(idle) == ("ide", "idle", None, "process python (idlelib)")
    assert _ancestry.classify(Process("plugin_host-3.8")) == (
        "ide",
        "sublime_text",
        None,
        "process plugin_host-3.8",
    )
    spyder = Process(
        "python",
        None,
        ("python", "-Xfrozen_modules=off", "-m", "spyder_kernels.console", "-f", "/tmp/k.json"),
    )
    assert _ancestry.classify(spyder) == ("ide", "spyder", None, "process python (spyder)")
