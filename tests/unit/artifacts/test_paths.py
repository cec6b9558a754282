"""Canonical artifact paths: every encoding trick from SECURITY.md decoded, then refused."""

from __future__ import annotations

import pytest

from berth.artifacts.paths import canonical_relative_path, fully_decoded
from berth.errors import BerthError, ErrorCode


def refusal(path: str) -> str:
    with pytest.raises(BerthError) as raised:
        canonical_relative_path(path)
    assert raised.value.code is ErrorCode.INVALID_PARAMETER_VALUE
    return raised.value.message


@pytest.mark.parametrize(
    ("path", "canonical"),
    [
        (None, ""),
        ("", ""),
        (".", ""),
        ("./", ""),
        ("a", "a"),
        ("a/b/c.txt", "a/b/c.txt"),
        ("a//b/", "a/b"),
        ("./a/./b", "a/b"),
        ("a/b/", "a/b"),
        ("..a", "..a"),
        ("a..b", "a..b"),
        ("a/...", "a/..."),
        (".hidden", ".hidden"),
        ("~", "~"),
        ("a b", "a b"),
        ("a%20b", "a b"),
        ("a%2Fb", "a/b"),
        ("a/C:/b", "a/C:/b"),
        ("model/MLmodel", "model/MLmodel"),
        ("caf\u0065\u0301", "caf\u00e9"),
        ("données/été.csv", "données/été.csv"),
    ],
)
def test_safe_paths_are_accepted_in_canonical_form(path: str | None, canonical: str) -> None:
    assert canonical_relative_path(path) == canonical


TRAVERSALS = [
    "..",
    "../",
    "../x",
    "../../etc/passwd",
    "a/../../b",
    "a/..",
    "a/b/../../..",
    "./../x",
    "%2e%2e",
    "%2E%2E%2F%2E%2E%2Fetc",
    "%2e%2e%2f%2e%2e%2fetc",
    ".%2e/x",
    "%2e./x",
    "a%2f..%2f..%2fb",
    "%252e%252e%252f%252e%252e%252fetc",
    "%25252e%25252e%25252fetc",
    "%2525252e%2525252e/x",
]


@pytest.mark.parametrize("path", TRAVERSALS)
def test_parent_segments_are_refused_however_encoded(path: str) -> None:
    assert "'..' is not allowed" in refusal(path)


@pytest.mark.parametrize(
    "path", ["/etc", "/", "//proc/self/root", "%2fetc", "%252fetc", "C:", "C:/Windows", "c:x"]
)
def test_absolute_paths_and_drives_are_refused(path: str) -> None:
    assert "absolute paths are not allowed" in refusal(path)


@pytest.mark.parametrize(
    "path",
    [
        "a\\..\\..",
        "..\\etc",
        "a\\b",
        "%5c",
        "a%5C..%5C..",
        "%255c",
        "C:\\Windows",
        "a#b",
        "%23",
        "a%2523b",
        "a?b",
        "%3f",
        "a/%253F/../..",
    ],
)
def test_backslashes_fragments_and_queries_are_refused(path: str) -> None:
    refusal(path)


@pytest.mark.parametrize(
    "path", ["a\x00b", "%00", "%2500", "a\nb", "%0a", "a\rb", "\t", "\x1f", "\x7f", "a%7f"]
)
def test_control_characters_are_refused(path: str) -> None:
    assert "control characters are not allowed" in refusal(path)


@pytest.mark.parametrize("path", ["a\x85b", "%C2%85", "\x9b31m"])
def test_c1_control_characters_are_refused(path: str) -> None:
    refusal(path)


def test_encoding_nested_five_deep_is_refused_as_too_deep() -> None:
    assert "percent-encoded too many times" in refusal("%2525252525" + "2e")


def test_refusal_quotes_the_path_as_sent() -> None:
    assert "'%2e%2e%2fetc'" in refusal("%2e%2e%2fetc")


def test_fully_decoded_decodes_until_stable() -> None:
    assert fully_decoded("%25252e%25252e") == ".."


def test_fully_decoded_normalises_to_nfc() -> None:
    assert fully_decoded("e\u0301") == "\u00e9"


def test_fully_decoded_leaves_plain_text_alone() -> None:
    assert fully_decoded("s3://bucket/a b") == "s3://bucket/a b"


def test_fully_decoded_refuses_deep_nesting() -> None:
    with pytest.raises(BerthError) as raised:
        fully_decoded("%" + "25" * 6 + "41")

    assert raised.value.code is ErrorCode.INVALID_PARAMETER_VALUE
