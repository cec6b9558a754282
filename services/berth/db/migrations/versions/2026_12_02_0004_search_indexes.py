"""An index for ordering and filtering run searches by a metric.

``latest_metrics (key, is_nan, value)``: a search ordered by ``metrics.x`` walks the runs that
have ``x`` as a number in value order (forwards or backwards) and stops after a page, instead
of ranking every run of the experiment; a filter such as ``metrics.x > 0.5`` can be a range
scan. Params and tags get no ``(key, value)`` index: their values are unbounded text, and a
B-tree entry larger than about 2.7 kB would make PostgreSQL refuse the insert.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "ix_latest_metrics_key_is_nan_value"


def upgrade() -> None:
    op.create_index(INDEX, "latest_metrics", ["key", "is_nan", "value"])


def downgrade() -> None:
    op.drop_index(INDEX, table_name="latest_metrics")
