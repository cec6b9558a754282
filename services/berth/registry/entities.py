"""The registry domain's values, independent of storage and of transport."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from berth.errors import invalid
from berth.tracking.entities import Page, Tag

__all__ = [
    "ACTIVE_STAGES",
    "ALL_STAGES",
    "DELETED_STAGE",
    "IS_PROMPT_TAG",
    "ModelVersion",
    "ModelVersionStatus",
    "Page",
    "RegisteredModel",
    "Stage",
    "Tag",
    "VersionSource",
]

IS_PROMPT_TAG = "mlflow.prompt.is_prompt"
"""Registered models carrying this tag set to 'true' are prompts: searches leave them out
unless the filter asks for them (as MLflow does)."""


class Stage(enum.StrEnum):
    """A version's stage, spelled as MLflow spells it (``get_canonical_stage``)."""

    NONE = "None"
    STAGING = "Staging"
    PRODUCTION = "Production"
    ARCHIVED = "Archived"

    @classmethod
    def parse(cls, text: str) -> Stage:
        """The stage ``text`` names, in any case; INVALID_PARAMETER_VALUE for anything else."""
        for stage in cls:
            if stage.value.lower() == text.lower():
                return stage
        raise invalid(
            f"Invalid Model Version stage: {text}. Value must be one of "
            f"{', '.join(s.value for s in cls)}."
        )


ALL_STAGES = tuple(Stage)
ACTIVE_STAGES = (Stage.STAGING, Stage.PRODUCTION)
"""The stages ``archive_existing_versions`` applies to (MLflow's "active" stages)."""
DELETED_STAGE = "Deleted_Internal"
"""A deleted version keeps its row (so its number is never reused) in this stage."""


class ModelVersionStatus(enum.IntEnum):
    """Numbers as in MLflow's ModelVersionStatus; Berth registers synchronously: READY."""

    PENDING_REGISTRATION = 1
    FAILED_REGISTRATION = 2
    READY = 3


@dataclass(frozen=True)
class VersionSource:
    """Where a new version's files are: the ``source`` the client gave, where it resolves to
    (``storage_location``), and the run and logged model it came from."""

    source: str
    storage_location: str
    run_id: str | None
    model_id: str | None


@dataclass(frozen=True)
class ModelVersion:
    name: str
    version: int
    creation_timestamp: int
    last_updated_timestamp: int
    description: str | None
    user_id: str | None
    current_stage: str
    source: str
    run_id: str | None
    run_link: str | None
    status: ModelVersionStatus
    status_message: str | None
    storage_location: str
    model_id: str | None = None
    tags: tuple[Tag, ...] = ()
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class RegisteredModel:
    name: str
    creation_timestamp: int
    last_updated_timestamp: int
    description: str | None
    latest_versions: tuple[ModelVersion, ...] = ()
    tags: tuple[Tag, ...] = ()
    aliases: tuple[tuple[str, int], ...] = ()
    """(alias, version) pairs, sorted by alias."""
