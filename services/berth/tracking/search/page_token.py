"""Opaque page tokens: an offset bound to the query that produced it.

A token carries a fingerprint of the search it continues, so replaying it against another
filter or order is refused instead of silently returning the wrong page.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Sequence

from berth.errors import invalid

# Tokens are not signed, so their offset is bounded to what a 64-bit OFFSET (plus a page)
# can hold.
MAX_OFFSET = 2**62


def fingerprint(*parts: str | Sequence[str] | int | None) -> str:
    canonical = json.dumps(parts, separators=(",", ":"), default=list)
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def encode(offset: int, query: str) -> str:
    payload = json.dumps({"offset": offset, "query": query}, separators=(",", ":"))
    return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")


def decode(token: str | None, query: str) -> int:
    """The offset a token points at (0 for no token), or INVALID_PARAMETER_VALUE."""
    if not token:
        return 0
    try:
        padded = token + "=" * (-len(token) % 4)
        payload = json.loads(base64.urlsafe_b64decode(padded.encode()))
        offset = payload["offset"]
        token_query = payload["query"]
    except (ValueError, binascii.Error, KeyError, TypeError) as exc:
        raise _foreign(token) from exc
    if type(offset) is not int or not 0 <= offset <= MAX_OFFSET:
        raise _foreign(token)
    if token_query != query:
        raise invalid(
            f"Invalid page token {token!r}: it belongs to a different search. Repeat the "
            "search with the same filter and order to continue it."
        )
    return offset


def _foreign(token: str) -> Exception:
    return invalid(f"Invalid page token {token!r}: it was not issued by this server.")
