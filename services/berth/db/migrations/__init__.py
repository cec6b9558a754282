"""Alembic migrations for the Berth schema; run them through :mod:`berth.db.migrate`."""
