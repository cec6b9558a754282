"""Indexes for cascading deletes: foreign keys that do not lead their table's primary key.

Deleting a run (``berth gc``) cascades into ``logged_model_metrics`` by ``run_id``, and
deleting a logged model into ``run_model_inputs`` / ``run_model_outputs`` by ``model_id``;
without these indexes PostgreSQL scans each table once per deleted row.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = (
    ("ix_logged_model_metrics_run_id", "logged_model_metrics", "run_id"),
    ("ix_run_model_inputs_model_id", "run_model_inputs", "model_id"),
    ("ix_run_model_outputs_model_id", "run_model_outputs", "model_id"),
)


def upgrade() -> None:
    for name, table, column in INDEXES:
        op.create_index(name, table, [column])


def downgrade() -> None:
    for name, table, _column in reversed(INDEXES):
        op.drop_index(name, table_name=table)
