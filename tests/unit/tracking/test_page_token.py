"""Opaque page tokens: an offset bound to the search that issued it."""

from __future__ import annotations

import base64
import json
import re

import pytest

from berth.errors import BerthError, ErrorCode
from berth.tracking.search import page_token
from berth.tracking.search.page_token import MAX_OFFSET

QUERY = page_token.fingerprint("runs", ["1", "2"], "metrics.loss < 1", 1, ["start_time DESC"])


def refusal(token: str, query: str = QUERY) -> str:
    with pytest.raises(BerthError) as raised:
        page_token.decode(token, query)
    assert raised.value.code is ErrorCode.INVALID_PARAMETER_VALUE
    return raised.value.message


def token_of(payload: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


@pytest.mark.parametrize("offset", [0, 1, 1000, MAX_OFFSET])
def test_a_token_decodes_to_its_offset_for_the_same_search(offset: int) -> None:
    assert page_token.decode(page_token.encode(offset, QUERY), QUERY) == offset


@pytest.mark.parametrize("token", [None, ""])
def test_no_token_is_the_first_page(token: str | None) -> None:
    assert page_token.decode(token, QUERY) == 0


def test_tokens_are_url_safe_without_padding() -> None:
    for offset in range(20):
        assert re.fullmatch(r"[A-Za-z0-9_-]+", page_token.encode(offset, QUERY))


def test_token_from_another_search_is_refused() -> None:
    other = page_token.fingerprint("runs", ["1", "2"], "metrics.loss > 1", 1, ["start_time DESC"])

    message = refusal(page_token.encode(10, QUERY), other)

    assert "belongs to a different search" in message


@pytest.mark.parametrize("token", ["garbage", "!!!", "a", "====", "%%%", "eyJ", "bm90IGpzb24"])
def test_garbage_token_is_refused_as_not_issued_here(token: str) -> None:
    assert "not issued by this server" in refusal(token)


@pytest.mark.parametrize(
    "payload",
    [None, [], "offset", 5, {"offset": 1}, {"query": QUERY}, {"offs": 1, "query": QUERY}],
)
def test_token_without_offset_and_query_is_refused(payload: object) -> None:
    refusal(token_of(payload))


@pytest.mark.parametrize("offset", [-1, "5", 1.5, None, [1]])
def test_token_with_an_offset_that_is_not_a_non_negative_integer_is_refused(
    offset: object,
) -> None:
    refusal(token_of({"offset": offset, "query": QUERY}))


def test_token_that_is_base64_of_non_utf8_bytes_is_refused() -> None:
    refusal(base64.urlsafe_b64encode(b"\xff\xfe\xfd").decode())


def test_refusal_quotes_the_token() -> None:
    assert "'garbage'" in refusal("garbage")


def test_token_with_an_offset_beyond_the_bound_is_refused() -> None:
    refusal(token_of({"offset": MAX_OFFSET + 1, "query": QUERY}))


def test_fingerprint_is_stable_for_equal_searches() -> None:
    assert page_token.fingerprint("runs", ["1"], None, 1, []) == page_token.fingerprint(
        "runs", ["1"], None, 1, []
    )


@pytest.mark.parametrize(
    "other",
    [
        ("experiments", ["1"], None, 1, []),
        ("runs", ["2"], None, 1, []),
        ("runs", ["1"], "x = 1", 1, []),
        ("runs", ["1"], None, 2, []),
        ("runs", ["1"], None, 1, ["name"]),
    ],
)
def test_fingerprint_differs_when_any_part_differs(other: tuple[object, ...]) -> None:
    assert page_token.fingerprint("runs", ["1"], None, 1, []) != page_token.fingerprint(*other)


def test_fingerprint_tells_a_list_from_its_joined_string() -> None:
    assert page_token.fingerprint(["a", "b"]) != page_token.fingerprint("a,b")


@pytest.mark.parametrize(("part", "offset"), [(0, 0), (1, 7), (2, 0), (2, MAX_OFFSET)])
def test_a_token_of_a_search_in_parts_decodes_to_its_part_and_offset(
    part: int, offset: int
) -> None:
    token = page_token.encode(offset, QUERY, part)

    assert page_token.position(token, QUERY, parts=3) == (part, offset)


def test_a_token_of_the_first_part_is_an_ordinary_offset_token() -> None:
    assert page_token.encode(5, QUERY, 0) == page_token.encode(5, QUERY)


@pytest.mark.parametrize("part", [-1, 3, "1", 1.0, None])
def test_a_token_naming_a_part_the_search_does_not_have_is_refused(part: object) -> None:
    token = token_of({"offset": 0, "query": QUERY, "part": part})

    with pytest.raises(BerthError) as raised:
        page_token.position(token, QUERY, parts=3)

    assert "not issued by this server" in raised.value.message
