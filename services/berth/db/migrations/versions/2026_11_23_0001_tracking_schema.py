"""Tracking schema: experiments, runs and what hangs off them, datasets, logged models.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# SQLite only auto-increments a column declared exactly INTEGER PRIMARY KEY.
AUTO_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _experiment_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["experiment_id"],
        ["experiments.experiment_id"],
        name=f"fk_{table}_experiment_id_experiments",
        ondelete="CASCADE",
    )


def _run_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["run_id"], ["runs.run_id"], name=f"fk_{table}_run_id_runs", ondelete="CASCADE"
    )


def _model_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["model_id"],
        ["logged_models.model_id"],
        name=f"fk_{table}_model_id_logged_models",
        ondelete="CASCADE",
    )


def upgrade() -> None:
    op.create_table(
        "experiments",
        sa.Column("experiment_id", AUTO_ID, autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.Column("artifact_location", sa.String(length=1000), nullable=False),
        sa.Column("lifecycle_stage", sa.String(length=20), nullable=False),
        sa.Column("creation_time", sa.BigInteger(), nullable=False),
        sa.Column("last_update_time", sa.BigInteger(), nullable=False),
        sa.Column("deleted_time", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("experiment_id", name="pk_experiments"),
        sa.UniqueConstraint("name", name="uq_experiments_name"),
    )
    op.create_index("ix_experiments_lifecycle_stage", "experiments", ["lifecycle_stage"])

    op.create_table(
        "experiment_tags",
        sa.Column("experiment_id", AUTO_ID, nullable=False),
        sa.Column("key", sa.String(length=250), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        _experiment_fk("experiment_tags"),
        sa.PrimaryKeyConstraint("experiment_id", "key", name="pk_experiment_tags"),
    )

    op.create_table(
        "runs",
        sa.Column("run_id", sa.String(length=32), nullable=False),
        sa.Column("experiment_id", AUTO_ID, nullable=False),
        sa.Column("name", sa.String(length=250), nullable=False),
        sa.Column("user_id", sa.String(length=256), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("start_time", sa.BigInteger(), nullable=False),
        sa.Column("end_time", sa.BigInteger(), nullable=True),
        sa.Column("lifecycle_stage", sa.String(length=20), nullable=False),
        sa.Column("artifact_uri", sa.String(length=1000), nullable=False),
        sa.Column("deleted_time", sa.BigInteger(), nullable=True),
        _experiment_fk("runs"),
        sa.PrimaryKeyConstraint("run_id", name="pk_runs"),
    )
    op.create_index(
        "ix_runs_experiment_stage_start",
        "runs",
        ["experiment_id", "lifecycle_stage", "start_time"],
    )

    op.create_table(
        "run_tags",
        sa.Column("run_id", sa.String(length=32), nullable=False),
        sa.Column("key", sa.String(length=250), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        _run_fk("run_tags"),
        sa.PrimaryKeyConstraint("run_id", "key", name="pk_run_tags"),
    )

    op.create_table(
        "params",
        sa.Column("run_id", sa.String(length=32), nullable=False),
        sa.Column("key", sa.String(length=250), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        _run_fk("params"),
        sa.PrimaryKeyConstraint("run_id", "key", name="pk_params"),
    )

    op.create_table(
        "metrics",
        sa.Column("run_id", sa.String(length=32), nullable=False),
        sa.Column("key", sa.String(length=250), nullable=False),
        sa.Column("step", sa.BigInteger(), nullable=False),
        sa.Column("timestamp", sa.BigInteger(), nullable=False),
        sa.Column("value", sa.Float(precision=53), nullable=False),
        sa.Column("is_nan", sa.Boolean(), nullable=False),
        sa.Column("model_id", sa.String(length=36), nullable=True),
        sa.Column("dataset_name", sa.String(length=500), nullable=True),
        sa.Column("dataset_digest", sa.String(length=36), nullable=True),
        _run_fk("metrics"),
        sa.PrimaryKeyConstraint(
            "run_id", "key", "step", "timestamp", "value", "is_nan", name="pk_metrics"
        ),
    )

    op.create_table(
        "latest_metrics",
        sa.Column("run_id", sa.String(length=32), nullable=False),
        sa.Column("key", sa.String(length=250), nullable=False),
        sa.Column("step", sa.BigInteger(), nullable=False),
        sa.Column("timestamp", sa.BigInteger(), nullable=False),
        sa.Column("value", sa.Float(precision=53), nullable=False),
        sa.Column("is_nan", sa.Boolean(), nullable=False),
        _run_fk("latest_metrics"),
        sa.PrimaryKeyConstraint("run_id", "key", name="pk_latest_metrics"),
    )

    op.create_table(
        "datasets",
        sa.Column("dataset_id", sa.String(length=36), nullable=False),
        sa.Column("experiment_id", AUTO_ID, nullable=False),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.Column("digest", sa.String(length=36), nullable=False),
        sa.Column("source_type", sa.String(length=36), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("schema", sa.Text(), nullable=True),
        sa.Column("profile", sa.Text(), nullable=True),
        _experiment_fk("datasets"),
        sa.PrimaryKeyConstraint("dataset_id", name="pk_datasets"),
        sa.UniqueConstraint(
            "experiment_id", "name", "digest", name="uq_datasets_experiment_id_name_digest"
        ),
    )

    op.create_table(
        "inputs",
        sa.Column("input_id", sa.String(length=36), nullable=False),
        sa.Column("run_id", sa.String(length=32), nullable=False),
        sa.Column("dataset_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["dataset_id"],
            ["datasets.dataset_id"],
            name="fk_inputs_dataset_id_datasets",
            ondelete="CASCADE",
        ),
        _run_fk("inputs"),
        sa.PrimaryKeyConstraint("input_id", name="pk_inputs"),
        sa.UniqueConstraint("run_id", "dataset_id", name="uq_inputs_run_id_dataset_id"),
    )
    op.create_index("ix_inputs_dataset_id", "inputs", ["dataset_id"])

    op.create_table(
        "input_tags",
        sa.Column("input_id", sa.String(length=36), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("value", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ["input_id"],
            ["inputs.input_id"],
            name="fk_input_tags_input_id_inputs",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("input_id", "key", name="pk_input_tags"),
    )

    op.create_table(
        "logged_models",
        sa.Column("model_id", sa.String(length=36), nullable=False),
        sa.Column("experiment_id", AUTO_ID, nullable=False),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.Column("artifact_location", sa.String(length=1000), nullable=False),
        sa.Column("creation_timestamp_ms", sa.BigInteger(), nullable=False),
        sa.Column("last_updated_timestamp_ms", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("status_message", sa.Text(), nullable=True),
        sa.Column("lifecycle_stage", sa.String(length=20), nullable=False),
        sa.Column("model_type", sa.String(length=500), nullable=True),
        sa.Column("source_run_id", sa.String(length=32), nullable=True),
        _experiment_fk("logged_models"),
        sa.PrimaryKeyConstraint("model_id", name="pk_logged_models"),
    )
    op.create_index(
        "ix_logged_models_experiment_stage_created",
        "logged_models",
        ["experiment_id", "lifecycle_stage", "creation_timestamp_ms"],
    )
    op.create_index("ix_logged_models_source_run_id", "logged_models", ["source_run_id"])

    op.create_table(
        "logged_model_tags",
        sa.Column("model_id", sa.String(length=36), nullable=False),
        sa.Column("key", sa.String(length=250), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        _model_fk("logged_model_tags"),
        sa.PrimaryKeyConstraint("model_id", "key", name="pk_logged_model_tags"),
    )

    op.create_table(
        "logged_model_params",
        sa.Column("model_id", sa.String(length=36), nullable=False),
        sa.Column("key", sa.String(length=250), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        _model_fk("logged_model_params"),
        sa.PrimaryKeyConstraint("model_id", "key", name="pk_logged_model_params"),
    )

    op.create_table(
        "logged_model_metrics",
        sa.Column("model_id", sa.String(length=36), nullable=False),
        sa.Column("key", sa.String(length=250), nullable=False),
        sa.Column("step", sa.BigInteger(), nullable=False),
        sa.Column("timestamp", sa.BigInteger(), nullable=False),
        sa.Column("run_id", sa.String(length=32), nullable=False),
        sa.Column("value", sa.Float(precision=53), nullable=False),
        sa.Column("is_nan", sa.Boolean(), nullable=False),
        sa.Column("dataset_name", sa.String(length=500), nullable=True),
        sa.Column("dataset_digest", sa.String(length=36), nullable=True),
        _model_fk("logged_model_metrics"),
        _run_fk("logged_model_metrics"),
        sa.PrimaryKeyConstraint(
            "model_id", "key", "step", "timestamp", "run_id", name="pk_logged_model_metrics"
        ),
    )

    op.create_table(
        "run_model_inputs",
        sa.Column("run_id", sa.String(length=32), nullable=False),
        sa.Column("model_id", sa.String(length=36), nullable=False),
        _run_fk("run_model_inputs"),
        _model_fk("run_model_inputs"),
        sa.PrimaryKeyConstraint("run_id", "model_id", name="pk_run_model_inputs"),
    )

    op.create_table(
        "run_model_outputs",
        sa.Column("run_id", sa.String(length=32), nullable=False),
        sa.Column("model_id", sa.String(length=36), nullable=False),
        sa.Column("step", sa.BigInteger(), nullable=False),
        _run_fk("run_model_outputs"),
        _model_fk("run_model_outputs"),
        sa.PrimaryKeyConstraint("run_id", "model_id", name="pk_run_model_outputs"),
    )


def downgrade() -> None:
    # Dropping a table drops its indexes; children go before the tables they reference.
    op.drop_table("run_model_outputs")
    op.drop_table("run_model_inputs")
    op.drop_table("logged_model_metrics")
    op.drop_table("logged_model_params")
    op.drop_table("logged_model_tags")
    op.drop_table("logged_models")
    op.drop_table("input_tags")
    op.drop_table("inputs")
    op.drop_table("datasets")
    op.drop_table("latest_metrics")
    op.drop_table("metrics")
    op.drop_table("params")
    op.drop_table("run_tags")
    op.drop_table("runs")
    op.drop_table("experiment_tags")
    op.drop_table("experiments")
