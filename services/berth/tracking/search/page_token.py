"""Opaque page tokens bound to the query that produced them, and paging a query.

A token carries a fingerprint of the search it continues, so replaying it against another
filter or order is refused instead of silently returning the wrong page. Most tokens hold an
offset; keyset tokens (:func:`encode_after`) hold the sort key of the last row served, for
long ordered reads where OFFSET would re-read every earlier row on each page.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import math
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, bindparam
from sqlalchemy.ext.asyncio import AsyncSession

from berth.errors import invalid

# Tokens are not signed, so their offset is bounded to what a 64-bit OFFSET (plus a page)
# can hold.
MAX_OFFSET = 2**62


def fingerprint(*parts: str | Sequence[str] | int | None) -> str:
    canonical = json.dumps(parts, separators=(",", ":"), default=list)
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def encode(offset: int, query: str, part: int = 0) -> str:
    """A token for ``offset`` (within statement ``part`` of a search made of several)."""
    fields: dict[str, Any] = {"offset": offset, "query": query}
    if part:
        fields["part"] = part
    return _encode(fields)


def decode(token: str | None, query: str) -> int:
    """The offset a token points at (0 for no token), or INVALID_PARAMETER_VALUE."""
    return position(token, query, parts=1)[1]


def position(token: str | None, query: str, parts: int) -> tuple[int, int]:
    """The (part, offset) a token points at ((0, 0) for no token) in a search made of
    ``parts`` statements, or INVALID_PARAMETER_VALUE."""
    if not token:
        return 0, 0
    payload = _payload(token, query)
    offset, part = payload.get("offset"), payload.get("part", 0)
    if type(offset) is not int or not 0 <= offset <= MAX_OFFSET:
        raise _foreign(token)
    if type(part) is not int or not 0 <= part < parts:
        raise _foreign(token)
    return part, offset


def encode_after(position: Sequence[Any], query: str) -> str:
    """A keyset token: the next page starts after the row whose sort key is ``position``."""
    return _encode({"after": list(position), "query": query})


def decode_after(token: str | None, query: str, kinds: Sequence[type]) -> tuple[Any, ...] | None:
    """The sort key a keyset token continues after (None for no token), each part of the
    type in ``kinds``; INVALID_PARAMETER_VALUE for anything else. NaN is refused: no stored
    sort key holds one, and it compares as nothing on SQLite."""
    if not token:
        return None
    after = _payload(token, query).get("after")
    if not isinstance(after, list) or len(after) != len(kinds):
        raise _foreign(token)
    for part, kind in zip(after, kinds, strict=True):
        if type(part) is not kind or (isinstance(part, float) and math.isnan(part)):
            raise _foreign(token)
    return tuple(after)


def _encode(payload: dict[str, Any]) -> str:
    text = json.dumps(payload, separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _payload(token: str, query: str) -> dict[str, Any]:
    """The token's payload, once the token is known to continue ``query``."""
    try:
        padded = token + "=" * (-len(token) % 4)
        payload = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, binascii.Error, TypeError) as exc:
        raise _foreign(token) from exc
    if not isinstance(payload, dict) or "query" not in payload:
        raise _foreign(token)
    if payload["query"] != query:
        raise invalid(
            f"Invalid page token {token!r}: it belongs to a different search. Repeat the "
            "search with the same filter and order to continue it."
        )
    return payload


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


PAGE_OFFSET, PAGE_LIMIT = "page_offset", "page_limit"


def pageable(statement: Select[*tuple[Any, ...]]) -> Select[*tuple[Any, ...]]:
    """``statement`` with its OFFSET and LIMIT as parameters, for :func:`page_of_parts`: the
    same statement object then serves every page, and SQLAlchemy keys and compiles it once."""
    return statement.offset(bindparam(PAGE_OFFSET)).limit(bindparam(PAGE_LIMIT))


async def page_of_parts(
    session: AsyncSession,
    parts: Sequence[Select[*tuple[Any, ...]]],
    values: dict[str, Any],
    query_id: str,
    token: str | None,
    max_results: int,
) -> tuple[list[Any], str | None]:
    """One page of the rows of ``parts`` (:func:`pageable` statements, run with ``values``)
    read one after the other, as if they were one ordered statement, and the token of the
    next page. A part is only queried when the page reaches it; the token records the part
    and the offset within it where the next page starts."""
    part, offset = position(token, query_id, len(parts))
    wanted = max_results + 1
    rows: list[Any] = []
    where: list[tuple[int, int]] = []
    for index in range(part, len(parts)):
        start = offset if index == part else 0
        window = {PAGE_OFFSET: start, PAGE_LIMIT: wanted - len(rows)}
        found = list(await session.execute(parts[index], values | window))
        where.extend((index, start + n) for n in range(len(found)))
        rows.extend(found)
        if len(rows) == wanted:
            next_part, next_offset = where[max_results]
            return rows[:max_results], encode(next_offset, query_id, next_part)
    return rows, None
