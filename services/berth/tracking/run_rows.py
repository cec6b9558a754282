"""A run as the SQL store reads it: its row and the rows of everything it owns, the latter
from one statement for a whole page of runs (:func:`children_statement`).

A :class:`StoredRun` becomes an entity (``run()``, for gRPC and the service's own uses) or
MLflow's JSON document (``documents.run``, for REST search pages) on demand. The document is
rendered straight from the rows: making an entity for each param, tag and metric first cost
more than rendering the whole page (``bench/FINDINGS.md``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CompoundSelect,
    Float,
    Select,
    String,
    literal,
    null,
    select,
    union_all,
)
from sqlalchemy.engine import Row

from berth.db.queries import Membership
from berth.tracking import tables as t
from berth.tracking.entities import (
    DatasetInput,
    LifecycleStage,
    Metric,
    ModelOutput,
    Param,
    Run,
    RunInfo,
    RunStatus,
    Tag,
)

RunColumns = t.RunRow | Row[Any]
"""A run's row: the mapped entity where it is read to be changed, or plain columns (same
names) where runs are only read, which skips building ORM entities."""

ChildRow = Sequence[Any]
"""A row of :func:`children_statement`: (run_id, kind, key, text, number, is_nan, timestamp,
step)."""

PARAM, TAG, METRIC, MODEL_OUTPUT, MODEL_INPUT, DATASET_INPUT = "p", "t", "m", "o", "i", "d"
"""The kinds of :data:`ChildRow`."""


def children_statement(member: Membership) -> CompoundSelect[*tuple[Any, ...]]:
    """Everything the runs own, in one statement of :data:`ChildRow`: params and tags (key,
    text), latest metrics (key, number, is_nan, timestamp, step), logged model outputs (model
    id as key, step) and inputs (model id), and dataset inputs (input id). One statement where
    there were one per table: each execution costs a round trip and SQLAlchemy's work per
    statement, which together were most of the time a search page took."""
    no_text, no_number = null().cast(String), null().cast(Float(precision=53))
    no_flag, no_integer = null().cast(Boolean), null().cast(BigInteger)
    m, o, i, d = t.LatestMetricRow, t.RunModelOutputRow, t.RunModelInputRow, t.InputRow

    def owned(table: Any, kind: str, key: Any, *values: Any) -> Select[*tuple[Any, ...]]:
        return select(table.run_id, literal(kind), key, *values).where(member(table.run_id))

    nothing = (no_text, no_number, no_flag, no_integer, no_integer)
    return union_all(
        owned(t.ParamRow, PARAM, t.ParamRow.key, t.ParamRow.value, *nothing[1:]),
        owned(t.RunTagRow, TAG, t.RunTagRow.key, t.RunTagRow.value, *nothing[1:]),
        owned(m, METRIC, m.key, no_text, m.value, m.is_nan, m.timestamp, m.step),
        owned(o, MODEL_OUTPUT, o.model_id, no_text, no_number, no_flag, no_integer, o.step),
        owned(i, MODEL_INPUT, i.model_id, *nothing),
        owned(d, DATASET_INPUT, d.input_id, *nothing),
    )


def dataset_input_ids(children: Sequence[ChildRow]) -> list[str]:
    return [child[2] for child in children if child[1] == DATASET_INPUT]


def stored_value(value: float) -> tuple[float, bool]:
    """A metric value as stored: (value, is_nan). NaN is stored as 0 with ``is_nan`` set:
    SQLite would turn a NaN into NULL."""
    return (0.0, True) if value != value else (value, False)


def read_value(value: float, is_nan: bool) -> float:
    """A metric value from its stored form (:func:`stored_value`)."""
    return float("nan") if is_nan else value


def run_info(row: RunColumns) -> RunInfo:
    return RunInfo(
        run_id=row.run_id,
        run_name=row.name,
        experiment_id=str(row.experiment_id),
        user_id=row.user_id,
        status=RunStatus(row.status),
        start_time=row.start_time,
        end_time=row.end_time,
        artifact_uri=row.artifact_uri,
        lifecycle_stage=LifecycleStage(row.lifecycle_stage),
    )


@dataclass(frozen=True, slots=True)
class StoredRun:
    """A run's row, its :data:`ChildRow` rows, and the dataset inputs those name by id."""

    row: RunColumns
    children: Sequence[ChildRow]
    datasets: Mapping[str, DatasetInput]

    def run(self) -> Run:
        """The run as an entity (its children unpacked by position: a Row's attribute lookup
        costs several times a tuple's unpacking)."""
        params: list[Param] = []
        tags: list[Tag] = []
        metrics: list[Metric] = []
        model_inputs: list[str] = []
        model_outputs: list[ModelOutput] = []
        dataset_inputs: list[DatasetInput] = []
        for _, kind, key, text_value, number, is_nan, timestamp, step in self.children:
            if kind == PARAM:
                params.append(Param(key, text_value))
            elif kind == TAG:
                tags.append(Tag(key, text_value))
            elif kind == METRIC:
                metrics.append(Metric(key, read_value(number, is_nan), timestamp, step))
            elif kind == MODEL_OUTPUT:
                model_outputs.append(ModelOutput(key, step))
            elif kind == MODEL_INPUT:
                model_inputs.append(key)
            else:
                dataset_inputs.append(self.datasets[key])
        return Run(
            info=run_info(self.row),
            metrics=tuple(metrics),
            params=tuple(params),
            tags=tuple(tags),
            dataset_inputs=tuple(dataset_inputs),
            model_inputs=tuple(model_inputs),
            model_outputs=tuple(model_outputs),
        )
