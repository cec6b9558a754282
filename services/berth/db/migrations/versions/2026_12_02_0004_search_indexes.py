"""An index for ordering and filtering run searches by a metric, and statistics for filters
on params and tags.

``latest_metrics (key, is_nan, value)``: a search ordered by ``metrics.x`` walks the runs that
have ``x`` as a number in value order (forwards or backwards) and stops after a page, instead
of ranking every run of the experiment; a filter such as ``metrics.x > 0.5`` can be a range
scan. Params and tags get no ``(key, value)`` index: their values are unbounded text, and a
B-tree entry larger than about 2.7 kB would make PostgreSQL refuse the insert.

On PostgreSQL, ``params`` and ``run_tags`` get multivariate statistics (most common
``(key, value)`` pairs): without them the planner multiplies the frequency of the key by that of
the value, takes ``params.p1 = 'x'`` for several times rarer than it is, and prefers hashing
every run of the experiment to walking the order's index until a page is full.

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
KEY_VALUE_TABLES = ("params", "run_tags")


def upgrade() -> None:
    op.create_index(INDEX, "latest_metrics", ["key", "is_nan", "value"])
    if _on_postgresql():
        for table in KEY_VALUE_TABLES:
            op.execute(f"CREATE STATISTICS st_{table}_key_value (mcv) ON key, value FROM {table}")


def downgrade() -> None:
    if _on_postgresql():
        for table in reversed(KEY_VALUE_TABLES):
            op.execute(f"DROP STATISTICS IF EXISTS st_{table}_key_value")
    op.drop_index(INDEX, table_name="latest_metrics")


def _on_postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"
