"""The tracking slice's tables, shaped for its hot paths.

- ``metrics`` keeps every logged value; its primary key (run, key, step, timestamp, value)
  orders history reads and drops exact duplicates on insert.
- ``latest_metrics`` holds one row per (run, key) so search and order-by on metrics never
  scan history; ``log-batch`` maintains it with one upsert.
- Tags and params are keyed (owner, key): a filter on ``params.x`` is a primary-key probe.
- ``metrics`` has no foreign key to ``runs``: PostgreSQL would check it once per row, the
  store locks the run once per write and deletes a run's metrics itself (migration 0006).
- NaN cannot be stored portably (SQLite turns it into NULL), so metric rows carry ``is_nan``
  with value 0.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from berth.db.base import Base

# SQLite only auto-increments a column declared exactly INTEGER PRIMARY KEY.
AutoId = BigInteger().with_variant(Integer(), "sqlite")

KEY_LENGTH = 250
RUN_ID_LENGTH = 32
MODEL_ID_LENGTH = 36
URI_LENGTH = 1000
STAGE_LENGTH = 20


def _run_fk() -> ForeignKey:
    return ForeignKey("runs.run_id", ondelete="CASCADE")


def _model_fk() -> ForeignKey:
    return ForeignKey("logged_models.model_id", ondelete="CASCADE")


class ExperimentRow(Base):
    __tablename__ = "experiments"

    experiment_id: Mapped[int] = mapped_column(AutoId, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(500), unique=True)
    artifact_location: Mapped[str] = mapped_column(String(URI_LENGTH))
    lifecycle_stage: Mapped[str] = mapped_column(String(STAGE_LENGTH), index=True)
    creation_time: Mapped[int] = mapped_column(BigInteger)
    last_update_time: Mapped[int] = mapped_column(BigInteger)
    deleted_time: Mapped[int | None] = mapped_column(BigInteger)


class ExperimentTagRow(Base):
    __tablename__ = "experiment_tags"

    experiment_id: Mapped[int] = mapped_column(
        ForeignKey("experiments.experiment_id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(KEY_LENGTH), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class RunRow(Base):
    __tablename__ = "runs"
    __table_args__ = (
        # The default search: one experiment's live runs, newest first.
        Index("ix_runs_experiment_stage_start", "experiment_id", "lifecycle_stage", "start_time"),
    )

    run_id: Mapped[str] = mapped_column(String(RUN_ID_LENGTH), primary_key=True)
    experiment_id: Mapped[int] = mapped_column(
        ForeignKey("experiments.experiment_id", ondelete="CASCADE")
    )
    name: Mapped[str] = mapped_column(String(KEY_LENGTH))
    user_id: Mapped[str] = mapped_column(String(256))
    status: Mapped[str] = mapped_column(String(STAGE_LENGTH))
    start_time: Mapped[int] = mapped_column(BigInteger)
    end_time: Mapped[int | None] = mapped_column(BigInteger)
    lifecycle_stage: Mapped[str] = mapped_column(String(STAGE_LENGTH))
    artifact_uri: Mapped[str] = mapped_column(String(URI_LENGTH))
    deleted_time: Mapped[int | None] = mapped_column(BigInteger)


class RunTagRow(Base):
    __tablename__ = "run_tags"

    run_id: Mapped[str] = mapped_column(_run_fk(), primary_key=True)
    key: Mapped[str] = mapped_column(String(KEY_LENGTH), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class ParamRow(Base):
    __tablename__ = "params"

    run_id: Mapped[str] = mapped_column(_run_fk(), primary_key=True)
    key: Mapped[str] = mapped_column(String(KEY_LENGTH), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class MetricRow(Base):
    __tablename__ = "metrics"

    run_id: Mapped[str] = mapped_column(String(RUN_ID_LENGTH), primary_key=True)
    key: Mapped[str] = mapped_column(String(KEY_LENGTH), primary_key=True)
    step: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    timestamp: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    value: Mapped[float] = mapped_column(Float(precision=53), primary_key=True)
    is_nan: Mapped[bool] = mapped_column(Boolean, primary_key=True)
    model_id: Mapped[str | None] = mapped_column(String(MODEL_ID_LENGTH))
    dataset_name: Mapped[str | None] = mapped_column(String(500))
    dataset_digest: Mapped[str | None] = mapped_column(String(36))


class LatestMetricRow(Base):
    __tablename__ = "latest_metrics"
    __table_args__ = (
        # Search ordered by a metric: the runs with that metric as a number, in value order,
        # read from the index alone where the table's pages are all-visible.
        Index("ix_latest_metrics_key_is_nan_value_run", "key", "is_nan", "value", "run_id"),
    )

    run_id: Mapped[str] = mapped_column(_run_fk(), primary_key=True)
    key: Mapped[str] = mapped_column(String(KEY_LENGTH), primary_key=True)
    step: Mapped[int] = mapped_column(BigInteger)
    timestamp: Mapped[int] = mapped_column(BigInteger)
    value: Mapped[float] = mapped_column(Float(precision=53))
    is_nan: Mapped[bool] = mapped_column(Boolean)


class DatasetRow(Base):
    __tablename__ = "datasets"
    __table_args__ = (UniqueConstraint("experiment_id", "name", "digest"),)

    dataset_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    experiment_id: Mapped[int] = mapped_column(
        ForeignKey("experiments.experiment_id", ondelete="CASCADE")
    )
    name: Mapped[str] = mapped_column(String(500))
    digest: Mapped[str] = mapped_column(String(36))
    source_type: Mapped[str] = mapped_column(String(36))
    source: Mapped[str] = mapped_column(Text)
    schema: Mapped[str | None] = mapped_column(Text)
    profile: Mapped[str | None] = mapped_column(Text)


class InputRow(Base):
    """A dataset used by a run."""

    __tablename__ = "inputs"
    __table_args__ = (UniqueConstraint("run_id", "dataset_id"),)

    input_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    run_id: Mapped[str] = mapped_column(_run_fk())
    dataset_id: Mapped[str] = mapped_column(
        ForeignKey("datasets.dataset_id", ondelete="CASCADE"), index=True
    )


class InputTagRow(Base):
    __tablename__ = "input_tags"

    input_id: Mapped[str] = mapped_column(
        ForeignKey("inputs.input_id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    value: Mapped[str] = mapped_column(String(500))


class RunModelInputRow(Base):
    """A logged model that a run consumed."""

    __tablename__ = "run_model_inputs"

    run_id: Mapped[str] = mapped_column(_run_fk(), primary_key=True)
    # Indexed apart from the key so deleting a logged model finds its rows (ON DELETE CASCADE).
    model_id: Mapped[str] = mapped_column(_model_fk(), primary_key=True, index=True)


class RunModelOutputRow(Base):
    """A logged model that a run produced, at a step."""

    __tablename__ = "run_model_outputs"

    run_id: Mapped[str] = mapped_column(_run_fk(), primary_key=True)
    # Indexed apart from the key so deleting a logged model finds its rows (ON DELETE CASCADE).
    model_id: Mapped[str] = mapped_column(_model_fk(), primary_key=True, index=True)
    step: Mapped[int] = mapped_column(BigInteger)


class LoggedModelRow(Base):
    __tablename__ = "logged_models"
    __table_args__ = (
        Index(
            "ix_logged_models_experiment_stage_created",
            "experiment_id",
            "lifecycle_stage",
            "creation_timestamp_ms",
        ),
    )

    model_id: Mapped[str] = mapped_column(String(MODEL_ID_LENGTH), primary_key=True)
    experiment_id: Mapped[int] = mapped_column(
        ForeignKey("experiments.experiment_id", ondelete="CASCADE")
    )
    name: Mapped[str] = mapped_column(String(500))
    artifact_location: Mapped[str] = mapped_column(String(URI_LENGTH))
    creation_timestamp_ms: Mapped[int] = mapped_column(BigInteger)
    last_updated_timestamp_ms: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[int] = mapped_column(Integer)
    status_message: Mapped[str | None] = mapped_column(Text)
    lifecycle_stage: Mapped[str] = mapped_column(String(STAGE_LENGTH))
    model_type: Mapped[str | None] = mapped_column(String(500))
    source_run_id: Mapped[str | None] = mapped_column(String(RUN_ID_LENGTH), index=True)


class LoggedModelTagRow(Base):
    __tablename__ = "logged_model_tags"

    model_id: Mapped[str] = mapped_column(_model_fk(), primary_key=True)
    key: Mapped[str] = mapped_column(String(KEY_LENGTH), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class LoggedModelParamRow(Base):
    __tablename__ = "logged_model_params"

    model_id: Mapped[str] = mapped_column(_model_fk(), primary_key=True)
    key: Mapped[str] = mapped_column(String(KEY_LENGTH), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class LoggedModelMetricRow(Base):
    __tablename__ = "logged_model_metrics"

    model_id: Mapped[str] = mapped_column(_model_fk(), primary_key=True)
    key: Mapped[str] = mapped_column(String(KEY_LENGTH), primary_key=True)
    step: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    timestamp: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    # Indexed apart from the key so deleting a run finds its rows (ON DELETE CASCADE).
    run_id: Mapped[str] = mapped_column(_run_fk(), primary_key=True, index=True)
    value: Mapped[float] = mapped_column(Float(precision=53))
    is_nan: Mapped[bool] = mapped_column(Boolean)
    dataset_name: Mapped[str | None] = mapped_column(String(500))
    dataset_digest: Mapped[str | None] = mapped_column(String(36))
