"""registry.proto stays field-compatible with the released client's model_registry.proto."""

from __future__ import annotations

from typing import Any

import pytest
from google.protobuf.descriptor import Descriptor

from berth.proto import registry_pb2

mlflow_registry = pytest.importorskip("mlflow.protos.model_registry_pb2")


def _local(descriptor: Any) -> str:
    """The name inside its package: ``ModelVersion``, ``CreateModelVersion.Response``."""
    return str(descriptor.full_name).removeprefix(f"{descriptor.file.package}.")


def _messages(file: Any) -> dict[str, Descriptor]:
    found: dict[str, Descriptor] = {}
    stack = list(file.message_types_by_name.values())
    while stack:
        message = stack.pop()
        found[_local(message)] = message
        stack.extend(message.nested_types)
    return found


OURS = _messages(registry_pb2.DESCRIPTOR)
THEIRS = _messages(mlflow_registry.DESCRIPTOR)


def _shape(message: Descriptor) -> dict[str, tuple[Any, ...]]:
    return {
        f.name: (
            f.number,
            f.type,
            f.is_repeated,
            f.has_default_value and f.default_value,
            _local(f.message_type) if f.message_type else None,
            _local(f.enum_type) if f.enum_type else None,
        )
        for f in message.fields
    }


@pytest.mark.parametrize("name", sorted(THEIRS))
def test_every_mlflow_registry_message_has_the_same_fields(name: str) -> None:
    assert name in OURS, f"registry.proto lacks {name}"
    assert _shape(OURS[name]) == _shape(THEIRS[name])


def test_model_version_status_has_mlflow_numbers() -> None:
    ours = {v.name: v.number for v in registry_pb2.ModelVersionStatus.DESCRIPTOR.values}
    theirs = {v.name: v.number for v in mlflow_registry.ModelVersionStatus.DESCRIPTOR.values}
    assert ours == theirs


def test_every_mlflow_registry_rpc_has_the_same_rest_endpoints() -> None:
    from berth.wire.rpc import rpc_options

    service = registry_pb2.DESCRIPTOR.services_by_name["RegistryService"]
    ours = {
        m.input_type.name: {(e.method, e.path) for e in rpc_options(m).endpoints}
        for m in service.methods
    }
    (mlflow_service,) = mlflow_registry.DESCRIPTOR.services_by_name.values()
    theirs: dict[str, set[tuple[str, str]]] = {}
    for method in mlflow_service.methods:
        options: Any = method.GetOptions()
        extension = next(value for field, value in options.ListFields() if field.name == "rpc")
        theirs[method.input_type.name] = {(e.method, e.path) for e in extension.endpoints}
    assert ours == theirs
