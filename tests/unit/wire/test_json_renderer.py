"""The hand-written renderer says exactly what protobuf's json_format says (ints aside)."""

from __future__ import annotations

import math
from typing import Any

import pytest
from google.protobuf import json_format
from google.protobuf.descriptor import Descriptor, FieldDescriptor
from google.protobuf.message import Message
from google.protobuf.message_factory import GetMessageClass

from berth.proto import tracking_pb2
from berth.wire.json import message_to_dict

INT64 = {
    FieldDescriptor.TYPE_INT64,
    FieldDescriptor.TYPE_UINT64,
    FieldDescriptor.TYPE_SINT64,
    FieldDescriptor.TYPE_FIXED64,
    FieldDescriptor.TYPE_SFIXED64,
}


def _all_messages(descriptor: Any) -> list[Descriptor]:
    found = []
    for message in descriptor.message_types_by_name.values():
        stack = [message]
        while stack:
            current = stack.pop()
            found.append(current)
            stack.extend(current.nested_types)
    return found


MESSAGES = _all_messages(tracking_pb2.DESCRIPTOR)


def _sample(field: FieldDescriptor, index: int) -> Any:
    if field.type == FieldDescriptor.TYPE_ENUM:
        return field.enum_type.values[index % len(field.enum_type.values)].number
    if field.type in (FieldDescriptor.TYPE_DOUBLE, FieldDescriptor.TYPE_FLOAT):
        return [math.nan, math.inf, -math.inf, 0.5][index % 4]
    if field.type == FieldDescriptor.TYPE_BOOL:
        return index % 2 == 0
    if field.type == FieldDescriptor.TYPE_STRING:
        return f"value {index} é"
    return 2**62 + index if field.type in INT64 else index + 1


def _filled(message: Message, depth: int = 0) -> Message:
    for field in message.DESCRIPTOR.fields:
        if field.type == FieldDescriptor.TYPE_MESSAGE:
            if depth > 3:
                continue
            if field.is_repeated:
                for _ in range(2):
                    _filled(getattr(message, field.name).add(), depth + 1)
            else:
                _filled(getattr(message, field.name), depth + 1)
                getattr(message, field.name).SetInParent()
        elif field.is_repeated:
            getattr(message, field.name).extend(_sample(field, i) for i in range(2))
        else:
            setattr(message, field.name, _sample(field, depth))
    return message


def _reference(message: Message) -> Any:
    """json_format's rendering with 64-bit integers turned back into numbers."""

    def fix(descriptor: Descriptor, rendered: dict[str, Any]) -> dict[str, Any]:
        for name, value in rendered.items():
            field = descriptor.fields_by_name[name]
            if field.type == FieldDescriptor.TYPE_MESSAGE:
                items = value if isinstance(value, list) else [value]
                for item in items:
                    fix(field.message_type, item)
            elif field.type in INT64:
                rendered[name] = [int(v) for v in value] if isinstance(value, list) else int(value)
        return rendered

    return fix(
        message.DESCRIPTOR, json_format.MessageToDict(message, preserving_proto_field_name=True)
    )


@pytest.mark.parametrize("descriptor", MESSAGES, ids=lambda d: d.full_name)
def test_a_filled_message_renders_as_json_format_does(descriptor: Descriptor) -> None:
    message = _filled(GetMessageClass(descriptor)())

    assert message_to_dict(message) == _reference(message)


@pytest.mark.parametrize("descriptor", MESSAGES, ids=lambda d: d.full_name)
def test_an_empty_message_renders_as_json_format_does(descriptor: Descriptor) -> None:
    message = GetMessageClass(descriptor)()

    assert message_to_dict(message) == _reference(message)
