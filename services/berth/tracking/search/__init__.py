"""MLflow search syntax: filter strings and order_by clauses."""
