"""Database plumbing shared by the slices: engine, transactions, schema and migrations."""
