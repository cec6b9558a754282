"""MLflow's JSON dialect of protobuf messages.

MLflow renders messages as proto JSON with proto field names, except that 64-bit integers
are JSON numbers rather than strings; requests are parsed leniently (unknown fields ignored).
Query strings of GET requests are turned into the same JSON first.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping, Sequence
from functools import cache
from typing import Any, TypeVar

import orjson
from google.protobuf import json_format
from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import Message

from berth.errors import invalid
from berth.wire.dual import DualResponse, Response

M = TypeVar("M", bound=Message)

_FLOATS = frozenset({FieldDescriptor.TYPE_DOUBLE, FieldDescriptor.TYPE_FLOAT})
_LONG_NUMBER = re.compile(rb"[0-9]{20}")


def message_to_dict(message: Message) -> dict[str, Any]:
    """Proto JSON with proto field names, as ``json_format`` renders it, except that 64-bit
    integers stay JSON numbers (MLflow's dialect).

    Written directly over ``ListFields`` (which, like ``json_format``, yields exactly the
    fields that are set) because ``json_format`` is pure Python and dominated the time of
    large responses. The contract has no maps, bytes, 32-bit floats or well-known types; a
    test keeps this renderer equal to ``json_format`` on every tracking message.
    """
    return {field.name: _field_value(field, value) for field, value in message.ListFields()}


def response_json(response: Response) -> bytes:
    """A handler's answer as the REST edge sends it."""
    if isinstance(response, DualResponse):
        return orjson.dumps(response.document())
    return message_to_json(response)


def message_to_json(message: Message) -> bytes:
    """Compact JSON; orjson writes the same document as ``json.dumps`` several times faster
    (floats may be spelled differently, e.g. ``1e16`` for ``1e+16``, with the same value)."""
    return orjson.dumps(message_to_dict(message))


def _field_value(field: Any, value: Any) -> Any:
    if field.is_repeated:
        return [_single_value(field, item) for item in value]
    return _single_value(field, value)


def _single_value(field: Any, value: Any) -> Any:
    if field.type == FieldDescriptor.TYPE_MESSAGE:
        return message_to_dict(value)
    if field.type == FieldDescriptor.TYPE_ENUM:
        known = field.enum_type.values_by_number.get(value)
        return known.name if known is not None else value
    if field.type in _FLOATS:
        return json_number(value)
    return value


def json_number(value: float) -> float | str:
    """A double as proto JSON writes it: NaN and the infinities as strings."""
    if math.isfinite(value):
        return value
    return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")


def parse_json_body(body: bytes, message_type: type[M]) -> M:
    """A request message from a JSON body; an empty body is an empty request."""
    if not body.strip():
        return message_type()
    document = parse_json_object(body)
    if b"\\u0000" in body or b"\x00" in body:
        return parse_dict(document, message_type)
    # A decoded string holds NUL only if the body spells it \u0000 (JSON refuses a raw one),
    # so the walk over every string of the document can be skipped.
    return _parse_checked(document, message_type)


def parse_json_object(body: bytes) -> dict[str, Any]:
    """A JSON body that must be an object (INVALID_PARAMETER_VALUE otherwise)."""
    document = _decode(body)
    if not isinstance(document, dict):
        raise invalid("The request body must be a JSON object.")
    return document


def _decode(body: bytes) -> Any:
    """orjson, and ``json`` for what orjson decodes differently or refuses: integers of 20
    digits and more (orjson makes floats of those beyond 64 bits), lone surrogates, NaN
    literals, malformed JSON, which ``json`` decodes or refuses with the error message
    clients have always seen."""
    if not _LONG_NUMBER.search(body):
        try:
            return orjson.loads(body)
        except orjson.JSONDecodeError:
            pass
    try:
        return json.loads(body)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError, bad UTF-8, absurd numbers
        raise invalid(f"Malformed JSON in the request body: {exc}") from exc


def parse_query(query: Mapping[str, Sequence[str]], message_type: type[M]) -> M:
    """A request message from a query string, typed by the message's fields as MLflow does."""
    document: dict[str, Any] = {}
    for field in message_type.DESCRIPTOR.fields:
        values = query.get(field.name)
        if not values:
            continue
        if field.is_repeated:
            document[field.name] = list(values)
        elif field.type == FieldDescriptor.TYPE_BOOL:
            document[field.name] = _parse_bool(field.name, values[-1])
        else:
            document[field.name] = values[-1]
    return parse_dict(document, message_type)


def parse_dict(document: dict[str, Any], message_type: type[M]) -> M:
    _refuse_nul(document, "")
    return _parse_checked(document, message_type)


def _parse_checked(document: dict[str, Any], message_type: type[M]) -> M:
    """The message ``json_format.ParseDict`` makes of a document already free of NUL: built
    by the fast path when it can, by ``json_format`` itself otherwise (and for every error,
    so error messages stay protobuf's)."""
    try:
        fast = _fast_message(document, message_type.DESCRIPTOR)
    except (_Unhandled, ValueError, TypeError, OverflowError):
        pass
    else:
        return fast  # type: ignore[return-value]
    message = message_type()
    try:
        json_format.ParseDict(document, message, ignore_unknown_fields=True)
    except json_format.ParseError as exc:
        raise invalid(f"Invalid value in the request: {_field_error(exc)}") from exc
    return message


def _refuse_nul(value: Any, path: str) -> None:
    """NUL cannot be stored by PostgreSQL and has no business in any field: refused at the edge."""
    if isinstance(value, str):
        if "\x00" in value:
            raise invalid(
                f"Invalid value for parameter '{path or 'request'}': NUL characters are "
                "not allowed."
            )
    elif isinstance(value, dict):
        for key, item in value.items():
            _refuse_nul(key, path)
            _refuse_nul(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _refuse_nul(item, f"{path}[{index}]")


def _parse_bool(name: str, value: str) -> bool:
    lowered = value.lower()
    if lowered not in ("true", "false"):
        raise invalid(f"Invalid value {value!r} for parameter '{name}': must be 'true' or 'false'.")
    return lowered == "true"


def _field_error(exc: json_format.ParseError) -> str:
    """protobuf's message, which names the field path, without its parser jargon."""
    return str(exc).replace("Failed to parse ", "").replace(" field: ", ": ").rstrip(".") + "."


# --- the fast path of request parsing ----------------------------------------------------------
#
# json_format walks every field through several layers of pure Python; a 1,000-metric
# log-batch spent a quarter of its time there. The fast path below accepts only the plain
# spellings of valid input, which it converts exactly as json_format does, and hands
# everything else (nulls, extensions, oneofs, maps, bytes, 32-bit floats, well-known types,
# numbers spelled as floats or with signs, unknown enum names, any error) back to json_format
# by raising _Unhandled.


class _Unhandled(Exception):
    """The document needs json_format: the fast path does not decide this case."""


_Converter = Callable[[Any], Any]
_INTEGER = re.compile(r"-?[0-9]+")
_SPECIAL_FLOATS = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}
_INTEGERS = frozenset(
    {
        FieldDescriptor.CPPTYPE_INT32,
        FieldDescriptor.CPPTYPE_INT64,
        FieldDescriptor.CPPTYPE_UINT32,
        FieldDescriptor.CPPTYPE_UINT64,
    }
)


def _fast_message(document: Any, descriptor: Any) -> Message:
    message: Message = descriptor._concrete_class(**_fast_values(document, descriptor))
    return message


def _fast_values(document: Any, descriptor: Any) -> dict[str, Any]:
    """The constructor arguments of a message; nested messages stay dicts of arguments,
    which the (C) constructor builds in place instead of copying built messages."""
    if type(document) is not dict:
        raise _Unhandled
    fields = _field_table(descriptor)
    if fields is None:
        raise _Unhandled
    values: dict[str, Any] = {}
    for key, value in document.items():
        entry = fields.get(key)
        if entry is None:
            if key.startswith("["):  # an extension
                raise _Unhandled
            continue  # unknown fields are ignored
        name, convert = entry
        if name in values:  # both the proto and the JSON name of one field
            raise _Unhandled
        values[name] = convert(value)
    return values


@cache
def _field_table(descriptor: Any) -> dict[str, tuple[str, _Converter]] | None:
    """Each field under both names json_format accepts, with its converter; None for the
    well-known types, which have JSON forms of their own."""
    if descriptor.full_name.startswith("google.protobuf."):
        return None
    table: dict[str, tuple[str, _Converter]] = {}
    for field in descriptor.fields:
        entry = (field.name, _converter(field))
        table[field.name] = entry
        table[field.json_name] = entry
    return table


def _converter(field: Any) -> _Converter:
    single = _single_converter(field)
    if not field.is_repeated:
        return single

    def repeated(value: Any) -> list[Any]:
        if type(value) is not list:
            raise _Unhandled
        return [single(item) for item in value]

    return repeated


def _single_converter(field: Any) -> _Converter:
    if field.containing_oneof is not None:
        return _unhandled
    if field.type == FieldDescriptor.TYPE_MESSAGE:
        if field.message_type.GetOptions().map_entry:
            return _unhandled
        return _message_converter(field.message_type)
    if field.type == FieldDescriptor.TYPE_ENUM:
        return _enum_converter(field)
    if field.type == FieldDescriptor.TYPE_STRING:
        return _string
    if field.type == FieldDescriptor.TYPE_BOOL:
        return _bool
    if field.type == FieldDescriptor.TYPE_DOUBLE:
        return _double
    if field.cpp_type in _INTEGERS:
        return _integer
    return _unhandled  # bytes, 32-bit floats


def _message_converter(descriptor: Any) -> _Converter:
    return lambda value: _fast_values(value, descriptor)


def _enum_converter(field: Any) -> _Converter:
    numbers: dict[str, int] = {
        name: value.number for name, value in field.enum_type.values_by_name.items()
    }

    def enum(value: Any) -> int:
        if type(value) is not str or value not in numbers:
            raise _Unhandled
        return numbers[value]

    return enum


def _unhandled(_value: Any) -> Any:
    raise _Unhandled


def _string(value: Any) -> str:
    if type(value) is not str:
        raise _Unhandled
    if not value.isascii():
        value.encode()  # a lone surrogate raises (json_format refuses it)
    return value


def _bool(value: Any) -> bool:
    if type(value) is not bool:
        raise _Unhandled
    return value


def _double(value: Any) -> float:
    if type(value) is float and math.isfinite(value):
        return value
    if type(value) is int:
        return float(value)
    if type(value) is str and value in _SPECIAL_FLOATS:
        return _SPECIAL_FLOATS[value]
    raise _Unhandled


def _integer(value: Any) -> int:
    if type(value) is int:
        return value
    if type(value) is str and _INTEGER.fullmatch(value):
        return int(value)
    raise _Unhandled
