"""uvicorn's HTTP protocol with TCP_NODELAY set on every accepted connection.

With ``--workers N > 1`` uvicorn binds the listening socket itself with protocol number 0,
and asyncio's event loop only disables Nagle's algorithm on sockets whose protocol is
``IPPROTO_TCP``: every keep-alive response after the first then waits ~40 ms for the
client's delayed ACK. uvloop happens to set the option anyway; Berth sets it itself so the
stall cannot come back with another event loop.
"""

from __future__ import annotations

import asyncio
import socket

from uvicorn.protocols.http.auto import AutoHTTPProtocol

PROTOCOL = "berth.wire.nodelay:NoDelayHTTPProtocol"


def disable_nagle(transport: asyncio.BaseTransport) -> None:
    """Send small writes at once on a TCP transport (a Unix socket has nothing to set)."""
    sock = transport.get_extra_info("socket")
    if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class NoDelayHTTPProtocol(AutoHTTPProtocol):  # type: ignore[misc,valid-type]
    def connection_made(self, transport: asyncio.Transport) -> None:
        disable_nagle(transport)
        super().connection_made(transport)
