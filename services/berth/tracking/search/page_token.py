"""Opaque page tokens (an offset bound to the query that produced it) and paging a query.

A token carries a fingerprint of the search it continues, so replaying it against another
filter or order is refused instead of silently returning the wrong page.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncSession

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


async def page_of(
    session: AsyncSession,
    statement: Select[*tuple[Any, ...]],
    query_id: str,
    token: str | None,
    max_results: int | None,
    *,
    columns: bool = False,
) -> tuple[list[Any], str | None]:
    """One page of ``statement``'s rows (all of them without ``max_results``) and the token
    of the next page. One row more than a page is fetched: its presence means there is more.
    ORM entities by default; plain rows with ``columns`` (cheaper for long histories).
    """
    offset = decode(token, query_id)
    statement = statement.offset(offset)
    if max_results is not None:
        statement = statement.limit(max_results + 1)
    result = await session.execute(statement)
    rows = list(result) if columns else list(result.scalars())
    if max_results is None:
        return rows, None
    if len(rows) <= max_results:
        return rows, None
    return rows[:max_results], encode(offset + max_results, query_id)
