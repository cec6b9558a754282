"""``metrics`` loses its foreign key to ``runs``; the store keeps the rule instead.

PostgreSQL checks a foreign key once per inserted row, locking the run each time: about
4.5 µs a row, a tenth of a 1,000-metric ``log-batch`` on two cores. The store now takes that
lock once per statement and deletes a run's metrics itself:

- every write of metrics locks its run ``FOR KEY SHARE`` in the statement (or transaction)
  that checks the run is active, so the run cannot go until the metrics are committed;
- ``berth gc`` locks a run (or an experiment and its runs) ``FOR UPDATE`` and deletes their
  metrics before the rows that ``ON DELETE CASCADE`` still clears.

SQLite has no row locks and needs none: its writers take the database one at a time.
Downgrading deletes metrics whose run is gone, then puts the key back.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FOREIGN_KEY = "fk_metrics_run_id_runs"


def upgrade() -> None:
    with op.batch_alter_table("metrics") as batch:
        batch.drop_constraint(FOREIGN_KEY, type_="foreignkey")


def downgrade() -> None:
    op.execute("DELETE FROM metrics WHERE run_id NOT IN (SELECT run_id FROM runs)")
    with op.batch_alter_table("metrics") as batch:
        batch.create_foreign_key(FOREIGN_KEY, "runs", ["run_id"], ["run_id"], ondelete="CASCADE")
