"""Run envdetect inside real notebook runtimes and print what each reports.

Usage (the packages are not envdetect dependencies; install them anywhere)::

    python -m venv /tmp/nb && /tmp/nb/bin/pip install ipykernel jupyter_client marimo
    PYTHONPATH=. /tmp/nb/bin/python scripts/real_runtimes/notebooks.py

Each runtime runs a cell that calls ``envdetect.detect()`` (and, for the
Jupyter kernels, a child process of the kernel that does the same) and prints
one JSON line per case: the runtime, the notebook facet, the runtime kind and
the evidence.  A runtime whose package is missing is reported as skipped.
Exit status 0 when every case that ran reported what it should, 1 otherwise.
tests/detectors/test_notebook_runtimes.py runs this script when the packages
are importable.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]

#: The cell: the document's notebook facet, kind and evidence, and the same
#: for a child process of the cell (a notebook's "!command").
PROBE = r"""
import json, subprocess, sys
import envdetect

def _look():
    env = envdetect.detect(plugins=False)
    doc = env.to_dict()
    return {"notebook": (doc["notebook"] or {}).get("id"), "kind": doc["runtime"]["kind"],
            "because": env.explanation.get("notebook", {}).get("because", [])}

_code = ("import json, envdetect; d = envdetect.detect(plugins=False).to_dict(); "
         "print(json.dumps((d['notebook'] or {}).get('id')))")
_child = subprocess.run([sys.executable, "-c", _code], capture_output=True, text=True,
                        check=False)
print("ENVDETECT" + json.dumps({**_look(), "child": json.loads(_child.stdout or "null")}))
"""

#: runtime -> what the kernel and its child must report.
EXPECTED: dict[str, dict[str, Any]] = {
    "jupyter_client": {"notebook": "jupyter", "kind": "notebook", "child": "jupyter"},
    "ipykernel_direct_mplbackend_set": {
        "notebook": "jupyter",
        "kind": "notebook",
        "child": "jupyter",
    },
    "marimo_export": {"notebook": "marimo", "kind": "notebook"},
    "marimo_run": {"notebook": "marimo", "kind": "notebook"},
}


def _environ(**extra: str) -> dict[str, str]:
    environ = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("JPY_", "MPLBACKEND", "PYTHONPATH"))
    }
    environ["PYTHONPATH"] = str(ROOT)
    environ.update(extra)
    return environ


def _execute(client: Any, code: str) -> dict[str, Any] | None:
    msg_id = client.execute(code)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        msg = client.get_iopub_msg(timeout=60)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "stream" and "ENVDETECT" in msg["content"]["text"]:
            line = msg["content"]["text"].split("ENVDETECT", 1)[1].splitlines()[0]
            return dict(json.loads(line))
        if msg["msg_type"] == "error":
            return {"error": msg["content"]["ename"]}
    return None


def jupyter_client_kernel() -> dict[str, Any] | None:
    """A kernel started the usual way: jupyter_client sets JPY_PARENT_PID."""
    from jupyter_client.manager import start_new_kernel

    os.environ.update(_environ())
    manager, client = start_new_kernel(kernel_name="python3")
    try:
        return _execute(client, PROBE)
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def direct_kernel() -> dict[str, Any] | None:
    """``python -m ipykernel_launcher -f conn.json`` started by a launcher that sets
    no JPY_* variable, with MPLBACKEND already set (so ipykernel keeps it)."""
    from jupyter_client import BlockingKernelClient

    with tempfile.TemporaryDirectory() as work:
        connection = Path(work, "kernel.json")
        kernel = subprocess.Popen(
            [sys.executable, "-m", "ipykernel_launcher", "-f", str(connection)],
            env=_environ(MPLBACKEND="Agg"),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            for _ in range(300):
                if connection.exists() and connection.stat().st_size:
                    break
                time.sleep(0.1)
            time.sleep(0.5)
            client = BlockingKernelClient(connection_file=str(connection))
            client.load_connection_file()
            client.start_channels()
            client.wait_for_ready(timeout=60)
            try:
                return _execute(client, PROBE)
            finally:
                client.stop_channels()
        finally:
            kernel.terminate()
            kernel.wait(timeout=30)


MARIMO_NOTEBOOK = """
import marimo

app = marimo.App()


@app.cell
def _():
    import json, os
    import envdetect
    _env = envdetect.detect(plugins=False)
    _doc = _env.to_dict()
    with open(os.environ["ENVDETECT_OUT"], "w") as _out:
        _out.write(json.dumps({"notebook": (_doc["notebook"] or {}).get("id"),
                               "kind": _doc["runtime"]["kind"],
                               "because": _env.explanation.get("notebook", {}).get("because", [])}))
    return
"""


def _marimo() -> str:
    return str(Path(sys.executable).with_name("marimo"))


def marimo_export() -> dict[str, Any] | None:
    """``marimo export html`` runs every cell in a spawned child of itself."""
    with tempfile.TemporaryDirectory() as work:
        notebook, out = Path(work, "nb.py"), Path(work, "out.json")
        notebook.write_text(MARIMO_NOTEBOOK, encoding="utf-8")
        html = str(Path(work, "nb.html"))
        subprocess.run(
            [_marimo(), "export", "html", str(notebook), "-o", html],
            env=_environ(ENVDETECT_OUT=str(out)),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=180,
            check=False,
        )
        return dict(json.loads(out.read_text())) if out.exists() else None


def marimo_run() -> dict[str, Any] | None:
    """``marimo run`` (an app) runs cells in threads of the server once a
    browser session connects; a websocket client stands in for the browser."""
    import asyncio
    import socket

    import websockets

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with tempfile.TemporaryDirectory() as work:
        notebook, out = Path(work, "nb.py"), Path(work, "out.json")
        notebook.write_text(MARIMO_NOTEBOOK, encoding="utf-8")
        server = subprocess.Popen(
            [_marimo(), "run", str(notebook), "--headless", "--port", str(port), "--no-token"],
            env=_environ(ENVDETECT_OUT=str(out)),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

        async def connect() -> None:
            for _ in range(100):
                try:
                    async with websockets.connect(
                        f"ws://127.0.0.1:{port}/ws?session_id=envdetect-probe"
                    ) as ws:
                        while not out.exists():
                            await asyncio.wait_for(ws.recv(), timeout=60)
                        return
                except OSError:
                    await asyncio.sleep(0.2)

        try:
            asyncio.run(connect())
        finally:
            server.terminate()
            server.wait(timeout=30)
        return dict(json.loads(out.read_text())) if out.exists() else None


CASES = {
    "jupyter_client": ("jupyter_client", jupyter_client_kernel),
    "ipykernel_direct_mplbackend_set": ("ipykernel", direct_kernel),
    "marimo_export": ("marimo", marimo_export),
    "marimo_run": ("marimo", marimo_run),
}


def main() -> int:
    failed = False
    for name, (package, run) in CASES.items():
        try:
            __import__(package)
        except ImportError:
            print(json.dumps({"runtime": name, "skipped": f"{package} is not installed"}))
            continue
        try:
            seen = run()
        except Exception as error:  # noqa: BLE001 - report the runtime, go on with the rest
            seen = {"error": f"{type(error).__name__}: {error}"}
        wanted = EXPECTED[name]
        ok = seen is not None and all(seen.get(key) == value for key, value in wanted.items())
        failed |= not ok
        print(json.dumps({"runtime": name, "ok": ok, "seen": seen}))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
