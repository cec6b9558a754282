"""How ids that clients send map to stored keys."""

from __future__ import annotations

from berth.errors import invalid


def experiment_key(experiment_id: str) -> int:
    """The stored key of an experiment id; ids are decimal integers, as MLflow's."""
    if not experiment_id.isascii() or not experiment_id.isdigit() or len(experiment_id) > 18:
        raise invalid(
            f"Invalid experiment ID '{experiment_id}'. Experiment ID must be a valid integer."
        )
    return int(experiment_id)
