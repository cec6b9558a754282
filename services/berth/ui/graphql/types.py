"""GraphQL types made from the contract's protobuf descriptors, named as MLflow names them.

MLflow generates its GraphQL schema from its protos; Berth's messages are field-compatible
with MLflow's, so walking their descriptors gives the same types: ``Mlflow`` + the message's
name (nested names joined, ``ModelVersionDeploymentJobState.DeploymentJobRunState`` ->
``MlflowModelVersionDeploymentJobStateDeploymentJobRunState``), fields in declaration order
and camel-cased, 64-bit integers as ``LongString`` (JavaScript numbers cannot hold them),
repeated messages as lists of non-null items.

Objects resolve from the response messages the rpc handlers return, by attribute, as
MLflow's graphene types resolve from its protos: an unset field reads as its proto default.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

from google.protobuf.descriptor import FieldDescriptor
from graphql import (
    GraphQLArgument,
    GraphQLBoolean,
    GraphQLEnumType,
    GraphQLEnumValue,
    GraphQLField,
    GraphQLFloat,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLInt,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLScalarType,
    GraphQLString,
    IntValueNode,
    Undefined,
    ValueNode,
)

Resolver = Callable[..., Any]
Descriptor = Any
"""A message's descriptor: protobuf has two implementations (upb and pure Python) whose stubs
disagree on the type, so descriptors are typed loosely here, as in ``wire.json``."""
EnumDescriptor = Any

_INT64 = frozenset(
    {
        FieldDescriptor.TYPE_INT64,
        FieldDescriptor.TYPE_UINT64,
        FieldDescriptor.TYPE_SINT64,
        FieldDescriptor.TYPE_FIXED64,
        FieldDescriptor.TYPE_SFIXED64,
    }
)
_INT32 = frozenset(
    {
        FieldDescriptor.TYPE_INT32,
        FieldDescriptor.TYPE_UINT32,
        FieldDescriptor.TYPE_SINT32,
        FieldDescriptor.TYPE_FIXED32,
        FieldDescriptor.TYPE_SFIXED32,
    }
)
_FLOATS = frozenset({FieldDescriptor.TYPE_DOUBLE, FieldDescriptor.TYPE_FLOAT})


def _parse_long_literal(node: ValueNode, _variables: Any = None) -> int | None:
    return int(node.value) if isinstance(node, IntValueNode) else None


LongString = GraphQLScalarType(
    name="LongString",
    description="LongString Scalar type to prevent truncation to max integer in JavaScript.",
    serialize=str,
    parse_value=int,
    parse_literal=_parse_long_literal,
)


def type_name(descriptor: Descriptor) -> str:
    """``Mlflow`` + the name of the message or enum inside its package, nesting joined."""
    full_name: str = descriptor.full_name
    return "Mlflow" + full_name.removeprefix(f"{descriptor.file.package}.").replace(".", "")


def camel_case(proto_name: str) -> str:
    """A proto field name as MLflow's GraphQL names it: ``run_view_type`` -> ``runViewType``."""
    first, *rest = proto_name.split("_")
    return first + "".join(part.capitalize() for part in rest)


def finite_or_none(value: float) -> float | None:
    """A double as GraphQL can carry it: NaN and infinities (which JSON cannot hold and
    GraphQL's Float refuses) read as null, as MLflow reads a NaN metric."""
    return value if math.isfinite(value) else None


def attribute(name: str) -> Resolver:
    def resolve(source: Any, _info: Any, **_args: Any) -> Any:
        return getattr(source, name)

    return resolve


def _finite_attribute(name: str) -> Resolver:
    def resolve(source: Any, _info: Any, **_args: Any) -> Any:
        return finite_or_none(getattr(source, name))

    return resolve


class ProtoTypes:
    """Builds (once per name) the GraphQL object, input and enum types of proto messages.

    ``extra_fields`` adds fields to a message's object type by type name (MLflow's run
    extension: a run's experiment and model versions), ``renamed`` gives a message's object
    type another name (``MlflowRunExtension``) wherever it appears.
    """

    def __init__(
        self,
        extra_fields: Mapping[str, Callable[[], dict[str, GraphQLField]]] | None = None,
        renamed: Mapping[str, str] | None = None,
    ) -> None:
        self._extra_fields = dict(extra_fields or {})
        self._renamed = dict(renamed or {})
        self._objects: dict[str, GraphQLObjectType] = {}
        self._inputs: dict[str, GraphQLInputObjectType] = {}
        self._enums: dict[str, GraphQLEnumType] = {}

    def object_type(self, descriptor: Descriptor) -> GraphQLObjectType:
        name = type_name(descriptor)
        name = self._renamed.get(name, name)
        if name not in self._objects:
            extra = self._extra_fields.get(name, dict)
            self._objects[name] = GraphQLObjectType(
                name, lambda: {**self._output_fields(descriptor), **extra()}
            )
        return self._objects[name]

    def input_type(self, descriptor: Descriptor) -> GraphQLInputObjectType:
        """An rpc's request as an input object, ``Mlflow<Request>Input``; each field is read
        back under its proto name, ready for the request parser."""
        name = f"{type_name(descriptor)}Input"
        if name not in self._inputs:
            self._inputs[name] = GraphQLInputObjectType(
                name,
                lambda: {
                    camel_case(field.name): GraphQLInputField(
                        self._input_field_type(field),
                        # As graphene declares an enum input: defaulting to null.
                        default_value=None if _single_enum(field) else Undefined,
                        out_name=field.name,
                    )
                    for field in descriptor.fields
                },
            )
        return self._inputs[name]

    def enum_type(self, descriptor: EnumDescriptor) -> GraphQLEnumType:
        name = type_name(descriptor)
        if name not in self._enums:
            self._enums[name] = GraphQLEnumType(
                name,
                {value.name: GraphQLEnumValue(value.number) for value in descriptor.values},
            )
        return self._enums[name]

    def input_argument(self, descriptor: Descriptor) -> dict[str, GraphQLArgument]:
        return {"input": GraphQLArgument(self.input_type(descriptor))}

    def _output_fields(self, descriptor: Descriptor) -> dict[str, GraphQLField]:
        fields = {
            camel_case(field.name): GraphQLField(
                self._output_field_type(field), resolve=self._resolver(field)
            )
            for field in descriptor.fields
        }
        if descriptor.name == "Response":
            fields["apiError"] = GraphQLField(API_ERROR, resolve=lambda *_: None)
        return fields

    def _resolver(self, field: FieldDescriptor) -> Resolver:
        if field.type in _FLOATS and not _repeated(field):
            return _finite_attribute(field.name)
        return attribute(field.name)

    def _output_field_type(self, field: FieldDescriptor) -> GraphQLOutputType:
        single: GraphQLOutputType
        if field.type == FieldDescriptor.TYPE_MESSAGE:
            single = self.object_type(field.message_type)
        elif field.type == FieldDescriptor.TYPE_ENUM:
            single = self.enum_type(field.enum_type)
        else:
            single = _scalar(field)
        if not _repeated(field):
            return single
        item = GraphQLNonNull(single) if field.type == FieldDescriptor.TYPE_MESSAGE else single
        return GraphQLList(item)

    def _input_field_type(self, field: FieldDescriptor) -> GraphQLInputType:
        single: GraphQLInputType
        if field.type == FieldDescriptor.TYPE_MESSAGE:
            single = self.input_type(field.message_type)
        elif field.type == FieldDescriptor.TYPE_ENUM:
            single = self.enum_type(field.enum_type)
        else:
            single = _scalar(field)
        return GraphQLList(single) if _repeated(field) else single


def _repeated(field: FieldDescriptor) -> bool:
    return bool(field.is_repeated)


def _single_enum(field: FieldDescriptor) -> bool:
    return field.type == FieldDescriptor.TYPE_ENUM and not _repeated(field)


def _scalar(field: FieldDescriptor) -> GraphQLScalarType:
    if field.type in _INT64:
        return LongString
    if field.type in _INT32:
        return GraphQLInt
    if field.type in _FLOATS:
        return GraphQLFloat
    if field.type == FieldDescriptor.TYPE_BOOL:
        return GraphQLBoolean
    return GraphQLString


ERROR_DETAIL = GraphQLObjectType(
    "ErrorDetail", {"field": GraphQLField(GraphQLString), "message": GraphQLField(GraphQLString)}
)
API_ERROR = GraphQLObjectType(
    "ApiError",
    {
        "code": GraphQLField(GraphQLString),
        "message": GraphQLField(GraphQLString),
        "helpUrl": GraphQLField(GraphQLString),
        "traceId": GraphQLField(GraphQLString),
        "errorDetails": GraphQLField(GraphQLList(ERROR_DETAIL)),
    },
)
"""MLflow's error object on every response type. Always null: as in MLflow, a failed rpc
is reported in the result's ``errors`` and its field is null."""
