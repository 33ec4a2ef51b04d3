"""Loaded by every interpreter whose PYTHONPATH lists this folder (a host run and the
flush process it starts): with ``TEST_DNS=fail`` a name lookup fails as for an
unknown name, with ``TEST_DNS=hang`` it never answers.  No real DNS is ever queried
in these tests; numeric addresses (the loopback servers) pass through."""

from __future__ import annotations

import os

MODE = os.environ.get("TEST_DNS")

if MODE in ("fail", "hang"):
    import ipaddress
    import socket
    import time

    real_getaddrinfo = socket.getaddrinfo

    def fake_getaddrinfo(host: object, *args: object, **kwargs: object) -> object:
        try:
            ipaddress.ip_address(str(host))
        except ValueError:
            if MODE == "hang":
                time.sleep(3600)  # a resolver that never answers
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known (test)") from None
        return real_getaddrinfo(host, *args, **kwargs)  # type: ignore[arg-type]

    socket.getaddrinfo = fake_getaddrinfo  # type: ignore[assignment]
