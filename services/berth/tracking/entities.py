"""The tracking domain's values, independent of storage and of transport."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


RUN_NAME_TAG = "mlflow.runName"
"""The run tag MLflow mirrors a run's name into."""


class LifecycleStage(enum.StrEnum):
    ACTIVE = "active"
    DELETED = "deleted"


class ViewType(enum.IntEnum):
    """Which lifecycle stages a search returns (numbers as in MLflow's ViewType)."""

    ACTIVE_ONLY = 1
    DELETED_ONLY = 2
    ALL = 3

    def stages(self) -> tuple[LifecycleStage, ...]:
        if self is ViewType.ACTIVE_ONLY:
            return (LifecycleStage.ACTIVE,)
        if self is ViewType.DELETED_ONLY:
            return (LifecycleStage.DELETED,)
        return (LifecycleStage.ACTIVE, LifecycleStage.DELETED)


class RunStatus(enum.StrEnum):
    RUNNING = "RUNNING"
    SCHEDULED = "SCHEDULED"
    FINISHED = "FINISHED"
    FAILED = "FAILED"
    KILLED = "KILLED"


class LoggedModelStatus(enum.IntEnum):
    """Numbers as in MLflow's LoggedModelStatus."""

    UNSPECIFIED = 0
    PENDING = 1
    READY = 2
    FAILED = 3


@dataclass(frozen=True)
class Tag:
    key: str
    value: str


@dataclass(frozen=True)
class Param:
    key: str
    value: str


@dataclass(frozen=True)
class Metric:
    key: str
    value: float
    timestamp: int
    step: int
    run_id: str | None = None
    model_id: str | None = None
    dataset_name: str | None = None
    dataset_digest: str | None = None


MetricPoint = tuple[float, int, int, bool, str | None, str | None, str | None]
"""One point of a metric's history as stored: (value, timestamp, step, is_nan, model_id,
dataset_name, dataset_digest), a NaN being value 0 with is_nan set.

A plain row of one key's columns rather than a :class:`Metric`: a history runs to hundreds of
thousands of points, and an object per point was most of its cost.
"""


@dataclass(frozen=True)
class Experiment:
    experiment_id: str
    name: str
    artifact_location: str
    lifecycle_stage: LifecycleStage
    creation_time: int
    last_update_time: int
    tags: tuple[Tag, ...] = ()


@dataclass(frozen=True)
class RunInfo:
    run_id: str
    run_name: str
    experiment_id: str
    user_id: str
    status: RunStatus
    start_time: int
    end_time: int | None
    artifact_uri: str
    lifecycle_stage: LifecycleStage


@dataclass(frozen=True)
class Dataset:
    name: str
    digest: str
    source_type: str
    source: str
    schema: str | None = None
    profile: str | None = None


@dataclass(frozen=True)
class DatasetInput:
    dataset: Dataset
    tags: tuple[Tag, ...] = ()


@dataclass(frozen=True)
class DatasetSummary:
    """A dataset an experiment's runs used, with the context of one use (None: untagged)."""

    experiment_id: str
    name: str
    digest: str
    context: str | None


@dataclass(frozen=True)
class ModelOutput:
    model_id: str
    step: int


@dataclass(frozen=True)
class Run:
    info: RunInfo
    metrics: tuple[Metric, ...] = ()
    params: tuple[Param, ...] = ()
    tags: tuple[Tag, ...] = ()
    dataset_inputs: tuple[DatasetInput, ...] = ()
    model_inputs: tuple[str, ...] = ()
    model_outputs: tuple[ModelOutput, ...] = ()


@dataclass(frozen=True)
class LoggedModel:
    model_id: str
    experiment_id: str
    name: str
    artifact_location: str
    creation_timestamp_ms: int
    last_updated_timestamp_ms: int
    status: LoggedModelStatus
    status_message: str | None
    model_type: str | None
    source_run_id: str | None
    tags: tuple[Tag, ...] = ()
    params: tuple[Param, ...] = ()
    metrics: tuple[Metric, ...] = ()


@dataclass(frozen=True)
class ModelOrder:
    """One ``order_by`` entry of a logged-model search, optionally scoped to a dataset."""

    field_name: str
    ascending: bool = True
    dataset_name: str | None = None
    dataset_digest: str | None = None


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of search results and the token for the next, if any."""

    items: list[T]
    next_page_token: str | None = None


@dataclass(frozen=True)
class FileInfo:
    path: str
    is_dir: bool
    file_size: int | None = None
