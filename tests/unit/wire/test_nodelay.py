"""TCP_NODELAY on accepted connections, on the plain asyncio loop and a socket bound the way
uvicorn binds it for several workers (protocol number 0), where asyncio leaves Nagle on."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Awaitable, Callable
from typing import Any

import uvicorn

from berth.wire.nodelay import PROTOCOL, disable_nagle


def prebound_listener() -> socket.socket:
    """A listening socket made as uvicorn makes it with ``--workers N > 1``."""
    sock = socket.socket(family=socket.AF_INET)
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    assert sock.proto == 0
    return sock


def nodelay_of(transport: asyncio.BaseTransport) -> int:
    value: int = transport.get_extra_info("socket").getsockopt(
        socket.IPPROTO_TCP, socket.TCP_NODELAY
    )
    return value


async def accepted_nodelay(on_accept: Callable[[asyncio.BaseTransport], None]) -> int:
    accepted: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    class Recorder(asyncio.Protocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            on_accept(transport)
            accepted.set_result(nodelay_of(transport))

    listener = prebound_listener()
    server = await asyncio.get_running_loop().create_server(Recorder, sock=listener)
    port = listener.getsockname()[1]
    _, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        return await asyncio.wait_for(accepted, 5)
    finally:
        writer.close()
        server.close()


def test_asyncio_leaves_nagle_on_for_a_socket_bound_with_protocol_zero() -> None:
    assert asyncio.run(accepted_nodelay(lambda _transport: None)) == 0


def test_disable_nagle_sets_tcp_nodelay_on_an_accepted_connection() -> None:
    assert asyncio.run(accepted_nodelay(disable_nagle)) != 0


async def _empty_app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 204, "headers": []})
    await send({"type": "http.response.body", "body": b""})


async def served_connection_nodelay(
    app: Callable[..., Awaitable[None]], listener: socket.socket
) -> int:
    config = uvicorn.Config(app, http=PROTOCOL, loop="asyncio", lifespan="off", log_level="error")
    server = uvicorn.Server(config)
    serving = asyncio.create_task(server.serve(sockets=[listener]))
    # The listener already listens: the connection waits in its backlog until uvicorn serves.
    reader, writer = await asyncio.open_connection(*listener.getsockname())
    writer.write(b"GET / HTTP/1.1\r\nHost: test\r\n\r\n")
    await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
    (connection,) = server.server_state.connections
    value = nodelay_of(connection.transport)  # type: ignore[attr-defined]
    writer.close()
    server.should_exit = True
    await serving
    return value


def test_berths_http_protocol_sets_tcp_nodelay_under_uvicorn() -> None:
    assert asyncio.run(served_connection_nodelay(_empty_app, prebound_listener())) != 0
