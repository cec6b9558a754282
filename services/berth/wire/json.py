"""MLflow's JSON dialect of protobuf messages.

MLflow renders messages as proto JSON with proto field names, except that 64-bit integers
are JSON numbers rather than strings; requests are parsed leniently (unknown fields ignored).
Query strings of GET requests are turned into the same JSON first.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from google.protobuf import json_format
from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import Message

from berth.errors import invalid

M = TypeVar("M", bound=Message)

_FLOATS = frozenset({FieldDescriptor.TYPE_DOUBLE, FieldDescriptor.TYPE_FLOAT})


def message_to_dict(message: Message) -> dict[str, Any]:
    """Proto JSON with proto field names, as ``json_format`` renders it, except that 64-bit
    integers stay JSON numbers (MLflow's dialect).

    Written directly over ``ListFields`` (which, like ``json_format``, yields exactly the
    fields that are set) because ``json_format`` is pure Python and dominated the time of
    large responses. The contract has no maps, bytes, 32-bit floats or well-known types; a
    test keeps this renderer equal to ``json_format`` on every tracking message.
    """
    return {field.name: _field_value(field, value) for field, value in message.ListFields()}


def message_to_json(message: Message) -> bytes:
    return json.dumps(message_to_dict(message), separators=(",", ":")).encode()


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
    if field.type in _FLOATS and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    return value


def parse_json_body(body: bytes, message_type: type[M]) -> M:
    """A request message from a JSON body; an empty body is an empty request."""
    if not body.strip():
        return message_type()
    try:
        document = json.loads(body)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError, bad UTF-8, absurd numbers
        raise invalid(f"Malformed JSON in the request body: {exc}") from exc
    if not isinstance(document, dict):
        raise invalid("The request body must be a JSON object.")
    return parse_dict(document, message_type)


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
