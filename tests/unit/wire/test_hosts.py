"""DNS rebinding and cross-site writes are refused before any route runs (CVE-2025-14279)."""

from __future__ import annotations

import httpx
import pytest
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from berth.config import LOOPBACK_HOSTS
from berth.wire.hosts import HostGuard, host_name


async def _ok(_request: object) -> PlainTextResponse:
    return PlainTextResponse("served")


def _client(allowlist: frozenset[str] | None, base_url: str) -> httpx.AsyncClient:
    app = Starlette(routes=[Route("/x", _ok, methods=["GET", "POST"])])
    guarded = HostGuard(app, allowlist)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=guarded), base_url=base_url)


@pytest.mark.parametrize(
    ("authority", "name"),
    [
        ("localhost:5000", "localhost"),
        ("127.0.0.1", "127.0.0.1"),
        ("[::1]:5000", "[::1]"),
        ("Berth.Example.COM:443", "berth.example.com"),
    ],
)
def test_host_name_drops_the_port_and_case(authority: str, name: str) -> None:
    assert host_name(authority) == name


async def test_a_rebound_host_is_refused_on_a_loopback_server() -> None:
    async with _client(LOOPBACK_HOSTS, "http://attacker.example:5000") as client:
        response = await client.get("/x")
    assert response.status_code == 403
    assert response.json()["error_code"] == "PERMISSION_DENIED"
    assert "attacker.example" in response.json()["message"]


@pytest.mark.parametrize("base_url", ["http://localhost:5000", "http://127.0.0.1:5000"])
async def test_loopback_hosts_are_served(base_url: str) -> None:
    async with _client(LOOPBACK_HOSTS, base_url) as client:
        response = await client.get("/x")
    assert response.text == "served"


async def test_any_host_is_served_without_an_allowlist() -> None:
    async with _client(None, "http://berth.internal") as client:
        response = await client.get("/x")
    assert response.text == "served"


async def test_a_cross_site_write_is_refused() -> None:
    async with _client(None, "http://berth.internal") as client:
        response = await client.post(
            "/x", content="{}", headers={"Origin": "http://attacker.example"}
        )
    assert response.status_code == 403
    assert "Cross-origin POST" in response.json()["message"]


async def test_a_same_origin_write_is_served() -> None:
    async with _client(None, "http://berth.internal:5000") as client:
        response = await client.post(
            "/x", content="{}", headers={"Origin": "http://berth.internal:5000"}
        )
    assert response.text == "served"


async def test_a_write_from_an_allowed_origin_is_served() -> None:
    allowlist = frozenset({"berth.internal", "ui.internal"})
    async with _client(allowlist, "http://berth.internal") as client:
        response = await client.post("/x", content="{}", headers={"Origin": "https://ui.internal"})
    assert response.text == "served"


async def test_a_write_from_an_opaque_origin_is_refused() -> None:
    async with _client(None, "http://berth.internal") as client:
        response = await client.post("/x", content="{}", headers={"Origin": "null"})
    assert response.status_code == 403
