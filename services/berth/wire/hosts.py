"""Refusing requests a browser was tricked into sending (SECURITY.md, CVE-2025-14279).

Two checks, before any route runs:

- DNS rebinding: a page on ``attacker.example`` re-resolves its name to 127.0.0.1 and talks to
  a server on the victim's laptop; the ``Host`` header still says ``attacker.example``. Only
  hosts on the allowlist are answered.
- Cross-site writes: a browser attaches ``Origin`` to cross-origin POST, PATCH and DELETE
  requests; a write whose origin is neither an allowed host nor the host it was sent to is
  refused. Reads are left to the browser's same-origin policy (Berth sends no CORS headers).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from berth.errors import ErrorCode
from berth.wire.rest import error_response

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def host_name(authority: str) -> str:
    """``Host``/``Origin`` authority without the port, lower-case (IPv6 keeps its brackets)."""
    authority = authority.strip().lower()
    if authority.startswith("["):
        return authority.split("]", 1)[0] + "]"
    return authority.rsplit(":", 1)[0] if authority.count(":") == 1 else authority


class HostGuard:
    def __init__(self, app: ASGIApp, allowlist: frozenset[str] | None) -> None:
        self._app = app
        self._allowlist = allowlist

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            refusal = self._refusal(scope)
            if refusal is not None:
                await error_response(ErrorCode.PERMISSION_DENIED, refusal)(scope, receive, send)
                return
        await self._app(scope, receive, send)

    def _refusal(self, scope: Scope) -> str | None:
        headers = Headers(scope=scope)
        host = host_name(headers.get("host", ""))
        if not self._allowed(host):
            return f"Host {host!r} is not served here; allow it with --allowed-hosts."
        origin = headers.get("origin")
        if origin is None or scope["method"] in SAFE_METHODS:
            return None
        origin_host = host_name(urlsplit(origin).netloc) if origin != "null" else ""
        if origin_host != host and not self._allowed(origin_host, wildcard=False):
            return f"Cross-origin {scope['method']} from {origin!r} is refused."
        return None

    def _allowed(self, host: str, *, wildcard: bool = True) -> bool:
        if self._allowlist is None:
            return wildcard
        return host in self._allowlist
