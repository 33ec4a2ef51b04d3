"""A loopback HTTP server for the telemetry tests, run in its own process.

    python tests/telemetry/server.py MODE RECORD_FILE [--delay S] [--lifetime S]

Binds 127.0.0.1 on an ephemeral port (never anything else), prints the port on
stdout, and appends one JSON line per event to RECORD_FILE: ``{"type":
"connect", "open": N}`` when a connection is accepted (N: connections open,
including this one) and ``{"type": "request", "line": ..., "headers": {...},
"body": ...}`` for each request read.  Modes: ``normal`` answers 200,
``error`` 500, ``blackhole`` reads the request and never answers, ``slow``
answers 200 after ``--delay`` seconds.  It stops by itself after
``--lifetime`` seconds; every socket operation has a timeout.  ``--cert PEM``
(certificate and key in one file) speaks TLS on the accepted connections;
``--port`` binds that port (a collector that comes up where one was down).
"""

from __future__ import annotations

import argparse
import json
import socket
import sys
import threading
import time

LOCK = threading.Lock()
OPEN = [0]


def record(path: str, entry: dict[str, object]) -> None:
    entry["t"] = time.time()
    with LOCK, open(path, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(entry) + "\n")


def read_request(conn: socket.socket) -> tuple[str, dict[str, str], bytes] | None:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        data += chunk
        if len(data) > 1_000_000:
            return None
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0") or 0)
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            break
        body += chunk
    return lines[0], headers, body


def serve(conn: socket.socket, args: argparse.Namespace, deadline: float) -> None:
    with LOCK:
        OPEN[0] += 1
        now_open = OPEN[0]
    record(args.record, {"type": "connect", "open": now_open})
    try:
        conn.settimeout(5.0)
        if args.tls is not None:
            conn = args.tls.wrap_socket(conn, server_side=True)
        request = read_request(conn)
        if request is None:
            record(args.record, {"type": "garbage"})
            return
        line, headers, body = request
        record(
            args.record,
            {
                "type": "request",
                "line": line,
                "headers": headers,
                "body": body.decode("utf-8", "replace"),
            },
        )
        if args.mode == "blackhole":
            while time.monotonic() < deadline:  # hold the connection, say nothing
                time.sleep(0.1)
            return
        if args.mode == "slow":
            time.sleep(args.delay)
        status = "500 Internal Server Error" if args.mode == "error" else "200 OK"
        conn.sendall(
            f"HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".encode()
        )
    except OSError:
        pass
    finally:
        with LOCK:
            OPEN[0] -= 1
        conn.close()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["normal", "error", "blackhole", "slow"])
    parser.add_argument("record")
    parser.add_argument("--delay", type=float, default=5.0)
    parser.add_argument("--lifetime", type=float, default=60.0)
    parser.add_argument("--cert")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    args.tls = None
    if args.cert:
        import ssl

        args.tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        args.tls.load_cert_chain(args.cert)
    deadline = time.monotonic() + args.lifetime
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", args.port))
    listener.listen(16)
    listener.settimeout(0.2)
    open(args.record, "a").close()
    print(listener.getsockname()[1], flush=True)
    while time.monotonic() < deadline:
        try:
            conn, _ = listener.accept()
        except socket.timeout:
            continue
        threading.Thread(target=serve, args=(conn, args, deadline), daemon=True).start()
    listener.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
