"""Parse MLflow search filter strings and order_by clauses into plain dataclasses.

A filter is comparisons joined by ``AND``; a comparison is ``<identifier> <comparator> <value>``.
An identifier is ``<prefix>.<key>`` (``metrics.acc``, tags.`my key`) or a bare attribute
name (``start_time``). Which prefixes, attributes, comparators and value types are accepted
depends on what is searched (runs, experiments, logged models, registered models, model
versions) and follows MLflow 3.17: the
checks MLflow spreads over its parser and its SQL store are all made here, so whatever this
module returns can be compiled without further validation.

Quoted text is taken verbatim, as MLflow does: a doubled quote or a backslash-quote keeps the
literal going but is not unescaped (``'it''s'`` is the five characters ``it''s``).
Every user error is raised as :func:`berth.errors.invalid`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, TypeGuard

from berth.errors import BerthError, invalid

EntityKind = Literal["metric", "param", "tag", "attribute", "dataset"]


@dataclass(frozen=True)
class Comparison:
    """One ``<identifier> <op> <value>`` clause of a filter."""

    kind: EntityKind
    key: str
    op: str
    value: str | float | int | tuple[str, ...] | None


@dataclass(frozen=True)
class OrderKey:
    """One ``<identifier> [ASC|DESC]`` order_by clause."""

    kind: EntityKind
    key: str
    ascending: bool


# --- what each search accepts ----------------------------------------------------------------

_ValueType = Literal[
    "number", "integer", "integer_like", "string", "integer_string", "string_or_number"
]
"""How a value must be written: ``number`` is an int or float literal, ``integer`` an int
literal, ``integer_like`` an int literal or a quoted string holding one (model version
numbers), ``string`` a quoted string, ``integer_string`` a quoted string holding an integer
(experiment IDs), ``string_or_number`` a quoted string or a number literal kept as its text
(logged models, where MLflow accepts ``params.lr = 0.01``)."""


@dataclass(frozen=True)
class _Field:
    ops: frozenset[str]
    value: _ValueType


@dataclass(frozen=True)
class _FilterSpec:
    noun: str
    prefixes: Mapping[str, EntityKind]
    open_keys: Mapping[EntityKind, _Field]
    """Kinds whose keys are free-form (metrics, params, tags)."""
    closed_keys: Mapping[EntityKind, Mapping[str, tuple[str, _Field]]]
    """Kinds with a fixed set of keys: accepted spelling -> (canonical key, field)."""


@dataclass(frozen=True)
class _OrderSpec:
    noun: str
    prefixes: Mapping[str, EntityKind]
    open_kinds: frozenset[EntityKind]
    attributes: Mapping[str, str]
    """Accepted attribute spelling -> canonical attribute name."""
    unique: bool
    """Whether a key may appear only once (MLflow's SQL store checks this for runs only)."""


_NUMERIC_OPS = frozenset({"=", "!=", "<", "<=", ">", ">="})
_STRING_OPS = frozenset({"=", "!=", "LIKE", "ILIKE"})
_NULL_OPS = frozenset({"IS NULL", "IS NOT NULL"})
_LIST_OPS = frozenset({"IN", "NOT IN"})

_NUMBER = _Field(_NUMERIC_OPS, "number")
_STRING = _Field(_STRING_OPS, "string")
_NULLABLE_STRING = _Field(_STRING_OPS | _NULL_OPS, "string")
_LISTABLE_STRING = _Field(_STRING_OPS | _LIST_OPS, "string")


def _same(keys: Sequence[str], field: _Field) -> dict[str, tuple[str, _Field]]:
    return {key: (key, field) for key in keys}


def _aliases(
    canonical: str, spellings: Sequence[str], field: _Field
) -> dict[str, tuple[str, _Field]]:
    return {spelling: (canonical, field) for spelling in (canonical, *spellings)}


_RUN_PREFIXES: Mapping[str, EntityKind] = {
    "metric": "metric",
    "metrics": "metric",
    "param": "param",
    "params": "param",
    "parameter": "param",
    "parameters": "param",
    "tag": "tag",
    "tags": "tag",
    "attribute": "attribute",
    "attributes": "attribute",
    "attr": "attribute",
    "run": "attribute",
    "dataset": "dataset",
    "datasets": "dataset",
}

_RUNS = _FilterSpec(
    noun="runs",
    prefixes=_RUN_PREFIXES,
    open_keys={"metric": _NUMBER, "param": _NULLABLE_STRING, "tag": _NULLABLE_STRING},
    closed_keys={
        "attribute": {
            **_same(["run_id"], _LISTABLE_STRING),
            **_same(["status", "artifact_uri", "user_id"], _STRING),
            **_aliases("run_name", ["run name", "Run name", "Run Name"], _STRING),
            **_aliases("start_time", ["created", "Created"], _NUMBER),
            **_same(["end_time"], _NUMBER),
        },
        "dataset": _same(["name", "digest", "context"], _LISTABLE_STRING),
    },
)

_EXPERIMENT_PREFIXES: Mapping[str, EntityKind] = {
    "attribute": "attribute",
    "tag": "tag",
    "tags": "tag",
}

_EXPERIMENTS = _FilterSpec(
    noun="experiments",
    prefixes=_EXPERIMENT_PREFIXES,
    open_keys={"tag": _NULLABLE_STRING},
    closed_keys={
        "attribute": {
            **_same(["name"], _STRING),
            **_same(
                ["experiment_id"], _Field(frozenset({"=", "!="}) | _LIST_OPS, "integer_string")
            ),
            **_same(["creation_time", "last_update_time"], _Field(_NUMERIC_OPS, "integer")),
        },
    },
)

_MODEL_STRING = _Field(_STRING_OPS | _LIST_OPS, "string_or_number")

_LOGGED_MODELS = _FilterSpec(
    noun="logged models",
    prefixes={"attributes": "attribute", "metrics": "metric", "params": "param", "tags": "tag"},
    open_keys={"metric": _NUMBER, "param": _MODEL_STRING, "tag": _MODEL_STRING},
    closed_keys={
        "attribute": {
            **_same(["name", "model_id", "model_type", "status", "source_run_id"], _MODEL_STRING),
            **_aliases("creation_timestamp", ["creation_time"], _NUMBER),
            **_same(["last_updated_timestamp"], _NUMBER),
        },
    },
)

_REGISTRY_PREFIXES: Mapping[str, EntityKind] = {
    "attribute": "attribute",
    "tag": "tag",
    "tags": "tag",
}
_REGISTRY_TAG = _Field(_STRING_OPS, "string")

_REGISTERED_MODELS = _FilterSpec(
    noun="registered models",
    prefixes=_REGISTRY_PREFIXES,
    open_keys={"tag": _REGISTRY_TAG},
    closed_keys={"attribute": _same(["name"], _LISTABLE_STRING)},
)

_MODEL_VERSIONS = _FilterSpec(
    noun="model versions",
    prefixes=_REGISTRY_PREFIXES,
    open_keys={"tag": _REGISTRY_TAG},
    closed_keys={
        "attribute": {
            **_same(["name", "run_id"], _LISTABLE_STRING),
            **_same(["source_path"], _STRING),
            **_same(["version_number"], _Field(_NUMERIC_OPS, "integer_like")),
        },
    },
)

_RUN_ORDER = _OrderSpec(
    noun="runs",
    prefixes=_RUN_PREFIXES,
    open_kinds=frozenset({"metric", "param", "tag"}),
    attributes={
        **{key: key for key in ["run_id", "run_name", "status", "artifact_uri", "user_id"]},
        **{key: "start_time" for key in ["start_time", "created", "Created"]},
        "end_time": "end_time",
    },
    unique=True,
)

_EXPERIMENT_ORDER = _OrderSpec(
    noun="experiments",
    prefixes=_EXPERIMENT_PREFIXES,
    open_kinds=frozenset(),
    attributes={key: key for key in ["name", "experiment_id", "creation_time", "last_update_time"]},
    unique=False,
)


_REGISTERED_MODEL_ORDER = _OrderSpec(
    noun="registered models",
    prefixes={},
    open_kinds=frozenset(),
    # As MLflow's SQL store: "timestamp" is the last update, like last_updated_timestamp.
    attributes={
        "name": "name",
        "timestamp": "last_updated_timestamp",
        "last_updated_timestamp": "last_updated_timestamp",
    },
    unique=True,
)

_MODEL_VERSION_ORDER = _OrderSpec(
    noun="model versions",
    prefixes=_REGISTRY_PREFIXES,
    open_kinds=frozenset(),
    attributes={
        key: key
        for key in ["name", "version_number", "creation_timestamp", "last_updated_timestamp"]
    },
    unique=True,
)


# --- tokens ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Part:
    """One dot-separated piece of a name; ``quote`` is ``""``, a backquote or a double quote."""

    text: str
    quote: str


@dataclass(frozen=True)
class _Token:
    kind: str  # a group name of _TOKEN_RE other than "space"
    text: str
    pos: int
    parts: tuple[_Part, ...] = ()


_PART = r"""\w+|`(?:``|[^`])*`|"(?:""|\\"|[^"])*\""""
_PART_RE = re.compile(_PART)
# Alternatives are tried in order: a number must not run into a name (``1abc`` is a name),
# and a double-quoted text is lexed as a one-part name; the parser decides from its position
# whether it is a key or a string value, as MLflow does.
_TOKEN_RE = re.compile(
    r"(?P<space>\s+)"
    r"|(?P<string>'(?:''|\\'|[^'])*')"
    r"""|(?P<number>-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?(?![\w.`"]))"""
    rf"|(?P<name>(?:{_PART})(?:\.(?:{_PART}))*)"
    r"|(?P<op>[<>=!]+)"
    r"|(?P<punct>[(),])"
)
_KEYWORDS = frozenset({"AND", "OR", "NOT", "IN", "IS", "NULL", "LIKE", "ILIKE", "ASC", "DESC"})
_INTEGER_RE = re.compile(r"-?[0-9]+")


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    pos = 0
    while pos < len(text):
        match = _TOKEN_RE.match(text, pos)
        if match is None:
            raise _bad_character(text, pos, tokens[-1] if tokens else None)
        kind = match.lastgroup or ""
        if kind == "name":
            tokens.append(_Token(kind, match.group(), pos, _name_parts(match.group())))
        elif kind != "space":
            tokens.append(_Token(kind, match.group(), pos))
        pos = match.end()
    return tokens


def _name_parts(text: str) -> tuple[_Part, ...]:
    parts = []
    for match in _PART_RE.finditer(text):
        part = match.group()
        if part[0] in '`"':
            parts.append(_Part(part[1:-1], part[0]))
        else:
            parts.append(_Part(part, ""))
    return tuple(parts)


def _bad_character(text: str, pos: int, previous: _Token | None) -> BerthError:
    quotes = ("'", '"', "`")
    quote_pos = pos + 1 if text[pos] == "." and text[pos + 1 : pos + 2] in quotes else pos
    if text[quote_pos] in quotes:  # a name part or a string that never closes
        return invalid(f"Unterminated quoted text starting at position {quote_pos}")
    message = f"Unexpected character '{text[pos]}' at position {pos}"
    if (
        previous is not None
        and previous.kind == "name"
        and previous.pos + len(previous.text) == pos
    ):
        message += "; keys with special characters must be backquoted, e.g. metrics.`a/b`"
    return invalid(message)


def _keyword(token: _Token | None) -> str | None:
    """The upper-cased keyword ``token`` spells, if it is a bare word that is one."""
    if token is None or token.kind != "name" or len(token.parts) != 1 or token.parts[0].quote:
        return None
    word = token.text.upper()
    return word if word in _KEYWORDS else None


def _is_punct(token: _Token | None, char: str) -> TypeGuard[_Token]:
    return token is not None and token.kind == "punct" and token.text == char


def _string_text(token: _Token) -> str | None:
    """The content of a single- or double-quoted string literal, else None."""
    if token.kind == "string":
        return token.text[1:-1]
    if token.kind == "name" and len(token.parts) == 1 and token.parts[0].quote == '"':
        return token.parts[0].text
    return None


def _describe(token: _Token | None) -> str:
    if token is None:
        return "the end of the input"
    text = token.text if token.text[0] in "'\"`" else f"'{token.text}'"
    return f"{text} at position {token.pos}"


class _Cursor:
    def __init__(self, tokens: list[_Token]) -> None:
        self._tokens = tokens
        self._index = 0

    def peek(self) -> _Token | None:
        return self._tokens[self._index] if self._index < len(self._tokens) else None

    def take(self) -> _Token | None:
        token = self.peek()
        self._index += 1
        return token


# --- identifiers -----------------------------------------------------------------------------


def _expect_identifier(token: _Token | None) -> _Token:
    if token is None or token.kind != "name" or _keyword(token) is not None:
        raise invalid(f"Expected an identifier such as metrics.<key>, found {_describe(token)}")
    return token


def _identifier(token: _Token, prefixes: Mapping[str, EntityKind]) -> tuple[EntityKind, str]:
    """Split an identifier token into its entity kind and (not yet canonical) key."""
    head, *rest = token.parts
    if not rest:
        kind: EntityKind = "attribute"
        key = head.text
    elif head.quote != '"' and head.text in prefixes:
        kind = prefixes[head.text]
        key = ".".join(part.text for part in rest)
    else:
        raise invalid(
            f"Invalid entity type '{head.text}' in '{token.text}'; "
            f"expected one of: {', '.join(prefixes)}"
        )
    if not key:
        raise invalid(f"Empty key in identifier '{token.text}'")
    return kind, key


def _field(spec: _FilterSpec, token: _Token) -> tuple[EntityKind, str, _Field]:
    kind, key = _identifier(token, spec.prefixes)
    if kind in spec.open_keys:
        return kind, key, spec.open_keys[kind]
    keys = spec.closed_keys[kind]
    if key not in keys:
        raise invalid(
            f"Invalid {kind} key '{key}' for searching {spec.noun}; "
            f"valid keys are: {', '.join(keys)}"
        )
    canonical, field = keys[key]
    return kind, canonical, field


# --- filters ---------------------------------------------------------------------------------


def _parse_filter(text: str | None, spec: _FilterSpec) -> list[Comparison]:
    if text is None or not text.strip():
        return []
    cursor = _Cursor(_tokenize(text))
    comparisons = [_comparison(cursor, spec)]
    while (token := cursor.take()) is not None:
        if _keyword(token) != "AND":
            raise _bad_join(token)
        comparisons.append(_comparison(cursor, spec))
    return comparisons


def _bad_join(token: _Token) -> BerthError:
    if _keyword(token) == "OR":
        return invalid(
            f"OR is not supported in search filters (found at position {token.pos}); "
            "comparisons can only be joined with AND"
        )
    if _is_punct(token, "("):
        return _parentheses(token)
    return invalid(f"Expected AND between comparisons, found {_describe(token)}")


def _parentheses(token: _Token) -> BerthError:
    return invalid(
        f"Parentheses are not supported in search filters (found at position {token.pos}); "
        "write comparisons joined with AND"
    )


def _comparison(cursor: _Cursor, spec: _FilterSpec) -> Comparison:
    token = cursor.take()
    if _is_punct(token, "("):
        raise _parentheses(token)
    token = _expect_identifier(token)
    kind, key, field = _field(spec, token)
    op = _comparator(cursor, token)
    if op not in field.ops:
        raise invalid(
            f"Invalid comparator '{op}' for '{token.text}'; "
            f"expected one of: {', '.join(sorted(field.ops))}"
        )
    return Comparison(kind, key, op, _operand(cursor, op, field, token.text))


def _comparator(cursor: _Cursor, identifier: _Token) -> str:
    token = cursor.take()
    if token is not None and token.kind == "op":
        return token.text
    word = _keyword(token)
    if word in ("LIKE", "ILIKE", "IN"):
        return word
    if word == "NOT":
        return _after_not(cursor)
    if word == "IS":
        return _after_is(cursor)
    raise invalid(f"Expected a comparator after '{identifier.text}', found {_describe(token)}")


def _after_not(cursor: _Cursor) -> str:
    token = cursor.take()
    if _keyword(token) != "IN":
        raise invalid(f"Expected IN after NOT, found {_describe(token)}")
    return "NOT IN"


def _after_is(cursor: _Cursor) -> str:
    token = cursor.take()
    if _keyword(token) == "NULL":
        return "IS NULL"
    if _keyword(token) == "NOT" and _keyword(token := cursor.take()) == "NULL":
        return "IS NOT NULL"
    raise invalid(f"Expected NULL or NOT NULL after IS, found {_describe(token)}")


def _operand(
    cursor: _Cursor, op: str, field: _Field, subject: str
) -> str | float | int | tuple[str, ...] | None:
    if op in _NULL_OPS:
        return None
    token = cursor.take()
    if op in _LIST_OPS:
        return _list(cursor, token, op, field, subject)
    if _is_punct(token, "("):
        raise invalid(f"A parenthesised list for '{subject}' needs IN or NOT IN, not '{op}'")
    return _scalar(token, field, subject)


def _list(
    cursor: _Cursor, opening: _Token | None, op: str, field: _Field, subject: str
) -> tuple[str, ...]:
    """Parse ``('a', 'b')``; a trailing comma is allowed, as in the tuple MLflow evaluates."""
    if not _is_punct(opening, "("):
        raise invalid(
            f"Expected a parenthesised list after {op} for '{subject}', found {_describe(opening)}"
        )
    items: list[str] = []
    token = cursor.take()
    while not _is_punct(token, ")"):
        items.append(_list_item(token, field, subject))
        token = cursor.take()
        if _is_punct(token, ","):
            token = cursor.take()
        elif not _is_punct(token, ")"):
            raise invalid(
                f"Expected ',' or ')' in the list for '{subject}', found {_describe(token)}"
            )
    if not items:
        raise invalid(f"The list for '{subject}' is empty; give at least one quoted string")
    return tuple(items)


def _list_item(token: _Token | None, field: _Field, subject: str) -> str:
    text = None if token is None else _string_text(token)
    if text is None:
        raise invalid(
            f"Expected a quoted string in the list for '{subject}', found {_describe(token)}"
        )
    return _checked_text(text, field, subject)


def _scalar(token: _Token | None, field: _Field, subject: str) -> str | float | int:
    if token is None:
        raise invalid(f"Missing value for '{subject}'")
    if field.value in ("number", "integer"):
        return _number(token, field.value == "integer", subject)
    if field.value == "integer_like":
        quoted = _string_text(token)
        if quoted is not None and _INTEGER_RE.fullmatch(quoted.strip()):
            return _int(quoted.strip(), subject)
        if quoted is None:
            return _number(token, True, subject)
        raise invalid(f"Expected an integer value for '{subject}', found {token.text}")
    text = _string_text(token)
    if text is not None:
        return _checked_text(text, field, subject)
    if token.kind == "number" and field.value == "string_or_number":
        return token.text
    raise invalid(
        f"Expected a quoted string value for '{subject}' (e.g. 'my-value'), found {token.text}"
    )


def _number(token: _Token, integer: bool, subject: str) -> int | float:
    if token.kind == "number" and _INTEGER_RE.fullmatch(token.text):
        return _int(token.text, subject)
    if token.kind == "number" and not integer:
        return float(token.text)
    expected = "an integer" if integer else "a numeric"
    raise invalid(f"Expected {expected} value for '{subject}', found {token.text}")


def _int(text: str, subject: str) -> int:
    try:
        return int(text)
    except ValueError:  # more digits than int() converts (sys.get_int_max_str_digits)
        raise invalid(f"Integer value for '{subject}' is too long: {text[:20]}...") from None


def _checked_text(text: str, field: _Field, subject: str) -> str:
    if field.value == "integer_string" and not _INTEGER_RE.fullmatch(text):
        raise invalid(f"Expected an integer ID for '{subject}', found '{text}'")
    return text


# --- order_by --------------------------------------------------------------------------------


def _parse_order_by(clauses: Sequence[str], spec: _OrderSpec) -> list[OrderKey]:
    keys = [_order_key(clause, spec) for clause in clauses]
    if spec.unique:
        seen: set[tuple[EntityKind, str]] = set()
        for clause, key in zip(clauses, keys, strict=True):
            if (key.kind, key.key) in seen:
                raise invalid(f"order_by lists {key.kind} '{key.key}' twice (again in '{clause}')")
            seen.add((key.kind, key.key))
    return keys


def _order_key(clause: str, spec: _OrderSpec) -> OrderKey:
    try:
        return _parse_order_key(clause, spec)
    except BerthError as error:
        raise invalid(f"Invalid order_by clause '{clause}': {error.message}") from None


def _parse_order_key(clause: str, spec: _OrderSpec) -> OrderKey:
    cursor = _Cursor(_tokenize(clause))
    kind, key = _identifier(_expect_identifier(cursor.take()), spec.prefixes)
    direction = cursor.take()
    if direction is not None and _keyword(direction) not in ("ASC", "DESC"):
        raise invalid(f"Expected ASC or DESC, found {_describe(direction)}")
    if cursor.peek() is not None:
        raise invalid(f"Unexpected {_describe(cursor.peek())}")
    return OrderKey(kind, _order_key_name(kind, key, spec), _keyword(direction) != "DESC")


def _order_key_name(kind: EntityKind, key: str, spec: _OrderSpec) -> str:
    if kind in spec.open_kinds:
        return key
    if kind != "attribute":
        raise invalid(f"Cannot order {spec.noun} by {kind} '{key}'")
    if key not in spec.attributes:
        raise invalid(
            f"Invalid order_by attribute '{key}' for {spec.noun}; "
            f"valid attributes are: {', '.join(spec.attributes)}"
        )
    return spec.attributes[key]


# --- public API ------------------------------------------------------------------------------


def parse_run_filter(text: str | None) -> list[Comparison]:
    """Parse a ``search_runs`` filter; ``None`` or blank text means no filter."""
    return _parse_filter(text, _RUNS)


def parse_experiment_filter(text: str | None) -> list[Comparison]:
    """Parse a ``search_experiments`` filter; ``None`` or blank text means no filter."""
    return _parse_filter(text, _EXPERIMENTS)


def parse_logged_model_filter(text: str | None) -> list[Comparison]:
    """Parse a ``search_logged_models`` filter; ``None`` or blank text means no filter."""
    return _parse_filter(text, _LOGGED_MODELS)


def parse_registered_model_filter(text: str | None) -> list[Comparison]:
    """Parse a ``search_registered_models`` filter; ``None`` or blank text means no filter."""
    return _parse_filter(text, _REGISTERED_MODELS)


def parse_model_version_filter(text: str | None) -> list[Comparison]:
    """Parse a ``search_model_versions`` filter; ``None`` or blank text means no filter."""
    return _parse_filter(text, _MODEL_VERSIONS)


def parse_registered_model_order_by(clauses: Sequence[str]) -> list[OrderKey]:
    """Parse ``search_registered_models`` order_by clauses such as ``timestamp DESC``."""
    return _parse_order_by(clauses, _REGISTERED_MODEL_ORDER)


def parse_model_version_order_by(clauses: Sequence[str]) -> list[OrderKey]:
    """Parse ``search_model_versions`` order_by clauses such as ``version_number DESC``."""
    return _parse_order_by(clauses, _MODEL_VERSION_ORDER)


def parse_run_order_by(clauses: Sequence[str]) -> list[OrderKey]:
    """Parse ``search_runs`` order_by clauses such as ``metrics.acc DESC``."""
    return _parse_order_by(clauses, _RUN_ORDER)


def parse_experiment_order_by(clauses: Sequence[str]) -> list[OrderKey]:
    """Parse ``search_experiments`` order_by clauses such as ``creation_time DESC``."""
    return _parse_order_by(clauses, _EXPERIMENT_ORDER)
