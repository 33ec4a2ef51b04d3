"""Helpers for the telemetry tests: loopback servers in their own processes, host runs.

All network traffic in these tests goes to 127.0.0.1: the servers bind it on
ephemeral ports, the "refused" port is one we bound and closed, and the
unresolvable host never reaches a resolver (the host program's
``socket.getaddrinfo`` raises ``gaierror``).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, ClassVar

import pytest

import envdetect.telemetry._queue
from tests.conftest import ROOT

HERE = Path(__file__).resolve().parent
SERVER = HERE / "server.py"
HOST = HERE / "host.py"
CLI_APP = HERE / "cli_app.py"

#: Exit bound margin.  A run's exit overhead is measured from the host's "@end"
#: (its main code is done) to the moment the process has exited, so interpreter
#: start-up is not in it: what remains is the sender's wait plus interpreter
#: finalisation, 10-40 ms here (2 cores), measured at up to ~0.1 s while other
#: suites run.  0.35 s keeps 3x headroom over that and still fails any sender that
#: waits for a 3 s send, a 1 s connect or a 5 s server.
MARGIN = 0.35

#: Variables no host run inherits: proxies, the opt-outs and telemetry switches.
SCRUB = (
    "http_proxy",
    "https_proxy",
    "all_proxy",
    "no_proxy",
    "do_not_track",
    "envdetect_telemetry_debug",
    "hostapp_telemetry",
    "hostapp_debug",
    "xdg_config_home",
    "xdg_cache_home",
    "tmpdir",
    "ci",
)


class Server:
    """tests/telemetry/server.py in its own process; stops itself after ``lifetime``."""

    def __init__(
        self,
        mode: str,
        record: Path,
        delay: float = 5.0,
        lifetime: float = 30.0,
        *,
        cert: Path | None = None,
        port: int = 0,
    ):
        self.record = record
        self.process = subprocess.Popen(
            [
                sys.executable,
                str(SERVER),
                mode,
                str(record),
                "--delay",
                str(delay),
                "--lifetime",
                str(lifetime),
                "--port",
                str(port),
                *(["--cert", str(cert)] if cert else []),
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()  # the server prints its port when ready
        assert line.strip().isdigit(), f"server did not start: {line!r}"
        self.port = int(line)

    def url(self, path: str = "/ingest", scheme: str = "http") -> str:
        return f"{scheme}://127.0.0.1:{self.port}{path}"

    def entries(self, kind: str | None = None) -> list[dict[str, Any]]:
        lines = self.record.read_text(encoding="utf-8").splitlines()
        entries = [json.loads(line) for line in lines if line.strip()]
        return [entry for entry in entries if kind is None or entry["type"] == kind]

    def requests(self) -> list[dict[str, Any]]:
        return self.entries("request")

    def bodies(self) -> list[dict[str, Any]]:
        return [json.loads(request["body"]) for request in self.requests()]

    def wait_for(self, count: int, timeout: float = 5.0) -> list[dict[str, Any]]:
        """Requests, once ``count`` have arrived (a worker may still be sending)."""
        deadline = time.monotonic() + timeout
        while len(self.requests()) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.requests()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()  # only the process this object started
        self.process.wait(timeout=10)
        if self.process.stdout is not None:
            self.process.stdout.close()


@pytest.fixture
def server(tmp_path: Path):
    """``server(mode, delay=..., cert=..., port=...)`` starts one; all are stopped after
    the test."""
    started: list[Server] = []

    def start(
        mode: str = "normal", delay: float = 5.0, cert: Path | None = None, port: int = 0
    ) -> Server:
        started.append(
            Server(mode, tmp_path / f"server-{len(started)}.jsonl", delay, cert=cert, port=port)
        )
        return started[-1]

    yield start
    for each in started:
        each.stop()


def self_signed_cert(folder: Path) -> Path | None:
    """A certificate and key for 127.0.0.1 in one PEM file (clients trust it through
    ``SSL_CERT_FILE``): made with the ``cryptography`` package if installed, else the
    ``openssl`` command; None if neither is there."""
    pem = folder / "loopback.pem"
    try:
        import datetime
        import ipaddress

        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import NameOID
    except ImportError:
        import shutil

        openssl = shutil.which("openssl")
        if openssl is None:
            return None
        subprocess.run(
            [
                openssl,
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:prime256v1",
                "-nodes",
                "-days",
                "1",
                "-subj",
                "/CN=127.0.0.1",
                "-addext",
                "subjectAltName=IP:127.0.0.1",
                "-addext",
                "keyUsage=critical,digitalSignature,keyCertSign",
                "-keyout",
                str(pem),
                "-out",
                str(folder / "cert.pem"),
            ],
            check=True,
            capture_output=True,
            timeout=60,
        )
        pem.write_bytes(pem.read_bytes() + (folder / "cert.pem").read_bytes())
        return pem
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(  # what Python 3.13's strict verification wants
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(key.public_key()), critical=False
        )
        .sign(key, hashes.SHA256())
    )
    pem.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        + cert.public_bytes(serialization.Encoding.PEM)
    )
    return pem


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then closed): connect is refused."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def host_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key.lower() not in SCRUB}
    env.update(
        {
            "PYTHONPATH": str(ROOT),
            "PYTHONDONTWRITEBYTECODE": "1",
            "HOME": str(tmp_path / "home"),
            "XDG_CONFIG_HOME": str(tmp_path / "config"),
            "XDG_CACHE_HOME": str(tmp_path / "cache"),
            "TMPDIR": str(tmp_path),
            "ENVDETECT_PLUGINS": "0",
        }
    )
    env.update(extra)
    return env


def tool_env(
    tmp_path: Path, endpoint: str, *, tmpdir: bool = False, **extra: str
) -> dict[str, str]:
    """A clean environment for the README's tools (cli_*.py): no variable of the
    machine running the tests leaks in but PATH.  ``tmpdir``: TMPDIR is tmp_path."""
    (tmp_path / "home").mkdir(exist_ok=True)
    env = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(ROOT),
        "PYTHONDONTWRITEBYTECODE": "1",
        "ENVDETECT_PLUGINS": "0",
        "HOME": str(tmp_path / "home"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
    }
    if tmpdir:
        env["TMPDIR"] = str(tmp_path)
    env["MYTOOL_ENDPOINT"] = endpoint
    env.update(extra)
    return env


def tool(name: str, args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """tests/telemetry/cli_<name>.py with stdin from /dev/null, stdout and stderr on pipes."""
    return subprocess.run(
        [sys.executable, str(HERE / f"cli_{name}.py"), *args],
        env=env,
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


class HostRun:
    def __init__(self, done: subprocess.CompletedProcess[bytes], ended: float, pid: int):
        self.returncode = done.returncode
        self.stdout = done.stdout
        self.stderr = done.stderr.decode("utf-8", "replace")
        marks = [line.split() for line in self.stderr.splitlines() if line.startswith("@end ")]
        own = [float(mark[2]) for mark in marks if int(mark[1]) == pid]
        #: From the end of the host's main code to the process having exited.
        self.exit_overhead = ended - own[-1] if own else float("nan")
        reports = [
            json.loads(line[6:]) for line in self.stderr.splitlines() if line.startswith("@host ")
        ]
        mine = [report for report in reports if report["pid"] == pid]
        self.report: dict[str, Any] = mine[-1] if mine else {}
        self.other_reports = [report for report in reports if report["pid"] != pid]

    @property
    def trips(self) -> list[str]:
        return list(self.report.get("trips", []))

    @property
    def flushes(self) -> list[str]:
        """The spools of the flush processes the host started."""
        return [trip[len("flush ") :] for trip in self.trips if trip.startswith("flush ")]

    @property
    def noise(self) -> list[str]:
        """stderr lines that are not the host's own markers."""
        return [
            line
            for line in self.stderr.splitlines()
            if not line.startswith(("@end ", "@host ", "@ready "))
        ]


def run_host(
    spec: dict[str, Any], env: dict[str, str], timeout: float = 30.0, settle: bool = True
) -> HostRun:
    """Run host.py; with ``settle``, return once the flush process it started (if any)
    has emptied the spool and let go of it (at most 10 s)."""
    process = subprocess.Popen(
        [sys.executable, str(HOST), json.dumps(spec)],
        env=env,
        cwd=str(ROOT),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    stdout, stderr = process.communicate(timeout=timeout)
    ended = time.time()
    done = subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)
    run = HostRun(done, ended, process.pid)
    if settle:
        for spool in run.flushes:
            settled(Path(spool))
    return run


def spool_files(spool: Path) -> list[str]:
    """The batches in a spool, waiting or being sent."""
    try:
        return sorted(p.name for p in spool.iterdir() if p.suffix in (".batch", ".sending"))
    except OSError:
        return []


def flusher_running(spool: Path) -> bool:
    """Whether a flush process holds the spool's lock."""
    import fcntl

    try:
        descriptor = os.open(spool / "flush.lock", os.O_RDWR)
    except OSError:
        return False
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    finally:
        os.close(descriptor)  # closing releases a lock taken here
    return False


def settled(spool: Path, timeout: float = 10.0) -> bool:
    """Wait until the spool is empty and no flush process holds it; whether it is."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not spool_files(spool) and not flusher_running(spool):
            return True
        time.sleep(0.02)
    return False


PROCESS_TRIPS = (
    "subprocess.Popen",
    "os.fork",
    "os.forkpty",
    "os.posix_spawn",
    "os.system",
    "os.exec",
    "os.spawn",
)


def assert_well_behaved(run: HostRun, code: int, debug: bool = False) -> None:
    """What every host run must show, whatever the network did: the exit is not held
    up (interpreter finalisation and MARGIN only), no process but at most one flush."""
    assert run.returncode == code, run.stderr
    assert run.stdout == b""
    assert run.report, f"the host's report is missing: {run.stderr}"
    assert run.exit_overhead <= MARGIN, run.exit_overhead
    assert run.report["signals_changed"] == []
    assert not [trip for trip in run.trips if trip.startswith(PROCESS_TRIPS)]
    assert len(run.flushes) <= 1
    if run.flushes:  # started last, at exit
        assert run.trips[-1].startswith("flush "), run.trips
    if not debug:  # the sender says nothing at all outside debug mode
        assert all(not line.startswith("envdetect.telemetry") for line in run.noise)


def run_cli(
    framework: str, args: list[str], env: dict[str, str], interrupt_after: float | None = None
) -> subprocess.CompletedProcess[str]:
    """tests/telemetry/cli_app.py, a real click or typer program; with
    ``interrupt_after``, SIGINT that long after its command wrote ``@ready``."""
    process = subprocess.Popen(
        [sys.executable, str(CLI_APP), framework, *args],
        env=env,
        cwd=str(ROOT),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    ready = ""
    if interrupt_after is not None:
        assert process.stderr is not None
        ready = process.stderr.readline()
        assert ready == "@ready\n", ready
        time.sleep(interrupt_after)
        process.send_signal(signal.SIGINT)  # only the process this helper started
    stdout, stderr = process.communicate(timeout=60)
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, ready + stderr)


class CliCase:
    """One command line, run with telemetry on (posting to its own path) and off."""

    def __init__(
        self,
        name: str,
        args: list[str],
        error_type: str | None = None,
        interrupt: bool = False,
        **env: str,
    ) -> None:
        self.name, self.args, self.error_type = name, args, error_type
        self.interrupt, self.env = interrupt, env
        self.on: subprocess.CompletedProcess[str] | None = None
        self.off: subprocess.CompletedProcess[str] | None = None
        self.requests: list[dict[str, Any]] = []

    def __repr__(self) -> str:
        return self.name

    @property
    def events(self) -> list[dict[str, Any]]:
        return [
            event for request in self.requests for event in json.loads(request["body"])["events"]
        ]


def run_cli_cases(framework: str, cases: list[CliCase], srv: Server, home: Path) -> None:
    """Every case on and off, four at a time; then the requests each one sent.

    The user was told on an earlier run (the notice is recorded), so each run
    measures its command instead of showing the notice."""
    choice = home / "config" / "hostapp" / "telemetry.conf"
    choice.parent.mkdir(parents=True, exist_ok=True)
    choice.write_text("notice_shown = true\n", encoding="utf-8")
    jobs = []
    for case in cases:
        env = host_env(home, HOSTAPP_ENDPOINT=srv.url(f"/{case.name}"), **case.env)
        jobs.append((case, "on", env))
        jobs.append((case, "off", {**env, "DO_NOT_TRACK": "1"}))

    def run(job: tuple[CliCase, str, dict[str, str]]) -> None:
        case, mode, env = job
        setattr(case, mode, run_cli(framework, case.args, env, 0.1 if case.interrupt else None))

    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(run, jobs))
    requests = srv.wait_for(len(cases))
    for case in cases:
        case.requests = [r for r in requests if r["line"] == f"POST /{case.name} HTTP/1.1"]


def ran_cli_cases(
    framework: str, cases: list[CliCase], factory: pytest.TempPathFactory
) -> dict[str, CliCase]:
    """:func:`run_cli_cases` against a server of their own, by case name."""
    folder = factory.mktemp(framework)
    srv = Server("normal", folder / "server.jsonl", lifetime=300)
    try:
        run_cli_cases(framework, cases, srv, folder)
    finally:
        srv.stop()
    return {case.name: case for case in cases}


def check_cli_case(case: CliCase) -> dict[str, Any]:
    """What every case must show; returns the recorded command event's attributes."""
    on, off = case.on, case.off
    assert on is not None
    assert off is not None
    assert (on.returncode, on.stdout, on.stderr) == (off.returncode, off.stdout, off.stderr)
    assert "envdetect.telemetry:" not in on.stderr  # says nothing outside debug mode
    (event,) = case.events
    recorded = event["attributes"]
    assert event["name"] == "command"
    assert recorded["exit_code"] == on.returncode  # what the process really ended with
    assert recorded["status"] == ("success" if on.returncode == 0 else "failure")
    assert recorded.get("error_type") == case.error_type
    return recorded


# -- in-process: a sender that only records ----------------------------------------------


class Recorder:
    """Stands in for :class:`envdetect.telemetry._queue.Sender` and keeps what it is given,
    with the real one's cancel semantics (nothing queued survives, nothing more
    is taken)."""

    made: ClassVar[list[Recorder]] = []

    def __init__(self, config: envdetect.telemetry._queue.Config) -> None:
        self.config = config
        self.events: list[tuple[str, int, dict[str, Any]]] = []
        self.dropped_total = 0
        self.cancelled = False
        Recorder.made.append(self)

    def add(self, event: tuple[str, int, dict[str, Any]]) -> None:
        if not self.cancelled:
            self.events.append(event)

    def start(self) -> None:
        pass

    def cancel(self) -> None:
        self.cancelled = True
        self.events.clear()


def record_senders(monkeypatch: pytest.MonkeyPatch) -> list[Recorder]:
    """Every Sender made from now on is a Recorder; the telemetry switches unset."""
    for name in ("DO_NOT_TRACK", "HOSTAPP_TELEMETRY", "ENVDETECT_TELEMETRY_DEBUG", "CI"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(envdetect.telemetry._queue, "Sender", Recorder)
    Recorder.made.clear()
    return Recorder.made


def read_terminal(master: int, seconds: float) -> str:
    """All a pseudo-terminal's other side wrote until it closed (or ``seconds``)."""
    chunks = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the terminal's other side is closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    return b"".join(chunks).decode("utf-8", "replace")
