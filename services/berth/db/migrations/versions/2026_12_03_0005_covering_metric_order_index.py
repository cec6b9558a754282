"""The metric order's index carries the run id: ``latest_metrics (key, is_nan, value, run_id)``.

A search ordered by ``metrics.x`` walks this index and joins each entry to its run. Without
the run id in the index every entry walked costs a heap fetch (about 800 for a filtered page
of 100 runs); with it, the walk is an index-only scan wherever VACUUM has marked the table's
pages all-visible, as autovacuum does for runs that are no longer written to. Where it has
not, the walk fetches from the heap as before.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD = "ix_latest_metrics_key_is_nan_value"
NEW = "ix_latest_metrics_key_is_nan_value_run"


def upgrade() -> None:
    op.create_index(NEW, "latest_metrics", ["key", "is_nan", "value", "run_id"])
    op.drop_index(OLD, table_name="latest_metrics")


def downgrade() -> None:
    op.create_index(OLD, "latest_metrics", ["key", "is_nan", "value"])
    op.drop_index(NEW, table_name="latest_metrics")
