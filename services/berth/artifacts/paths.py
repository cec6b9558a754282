"""Canonical artifact paths: decoded once, then checked, before any store sees them.

Attackers hide ``..`` behind URL encoding (``%2e%2e%2f``, ``%252e%252e%252f``), backslashes,
fragments and control characters. A path is percent-decoded until it stops changing, then
refused if anything in it could leave the directory it is relative to.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import unquote

from berth.errors import invalid

_DRIVE = re.compile(r"^[A-Za-z]:")
_MAX_DECODE_ROUNDS = 5


def fully_decoded(text: str) -> str:
    """``text`` percent-decoded until stable; refuses encodings nested suspiciously deep."""
    for _ in range(_MAX_DECODE_ROUNDS):
        decoded = unquote(text)
        if decoded == text:
            return unicodedata.normalize("NFC", decoded)
        text = decoded
    raise invalid("Invalid path: it is percent-encoded too many times.")


def has_control_characters(text: str) -> bool:
    """C0, DEL and C1 controls (Unicode category Cc), NUL included."""
    return any(unicodedata.category(ch) == "Cc" for ch in text)


def canonical_relative_path(path: str | None) -> str:
    """A safe relative artifact path ('' for the root), or INVALID_PARAMETER_VALUE."""
    if not path:
        return ""
    decoded = fully_decoded(path)
    if has_control_characters(decoded):
        raise invalid(f"Invalid path {path!r}: control characters are not allowed.")
    if "\\" in decoded or "#" in decoded or "?" in decoded:
        raise invalid(f"Invalid path {path!r}: '\\', '#' and '?' are not allowed.")
    if decoded.startswith("/") or _DRIVE.match(decoded):
        raise invalid(f"Invalid path {path!r}: absolute paths are not allowed.")
    segments = [s for s in decoded.split("/") if s not in ("", ".")]
    if ".." in segments:
        raise invalid(f"Invalid path {path!r}: '..' is not allowed.")
    return "/".join(segments)
