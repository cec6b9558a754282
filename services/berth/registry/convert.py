"""Registry entities to protobuf messages and back: the only place that knows both shapes.

Fields are set as MLflow's entities set them (``to_proto``), so absent and empty values
render as MLflow renders them.
"""

from __future__ import annotations

from collections.abc import Iterable

from berth.proto import registry_pb2 as pb
from berth.registry.entities import ModelVersion, RegisteredModel, Tag


def model_version_to_proto(version: ModelVersion) -> pb.ModelVersion:
    message = pb.ModelVersion(
        name=version.name,
        version=str(version.version),
        creation_timestamp=version.creation_timestamp,
        last_updated_timestamp=version.last_updated_timestamp,
        current_stage=version.current_stage,
        source=version.source,
        status=int(version.status),  # type: ignore[arg-type]
        tags=[pb.ModelVersionTag(key=t.key, value=t.value) for t in version.tags],
        aliases=list(version.aliases),
    )
    if version.description is not None:
        message.description = version.description
    if version.user_id is not None:
        message.user_id = version.user_id
    if version.run_id is not None:
        message.run_id = version.run_id
    if version.run_link is not None:
        message.run_link = version.run_link
    if version.status_message:
        message.status_message = version.status_message
    return message


def registered_model_to_proto(model: RegisteredModel) -> pb.RegisteredModel:
    message = pb.RegisteredModel(
        name=model.name,
        creation_timestamp=model.creation_timestamp,
        latest_versions=[model_version_to_proto(v) for v in model.latest_versions],
        tags=[pb.RegisteredModelTag(key=t.key, value=t.value) for t in model.tags],
        aliases=[
            pb.RegisteredModelAlias(alias=alias, version=str(version))
            for alias, version in model.aliases
        ],
    )
    if model.last_updated_timestamp:
        message.last_updated_timestamp = model.last_updated_timestamp
    if model.description:
        message.description = model.description
    return message


def tags_from_proto(tags: Iterable[pb.RegisteredModelTag | pb.ModelVersionTag]) -> list[Tag]:
    return [Tag(tag.key, tag.value) for tag in tags]
