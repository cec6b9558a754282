"""Checks on request messages that MLflow makes before any domain rule: presence of fields."""

from __future__ import annotations

from google.protobuf.message import Message

from berth.errors import invalid


def require(message: Message, *names: str, path: str = "") -> None:
    """Refuse a request that leaves any of ``names`` unset (or empty, for strings); ``path``
    says where ``message`` sits in the request (``metrics[3]``)."""
    for name in names:
        field = message.DESCRIPTOR.fields_by_name[name]
        if field.is_repeated:
            present = bool(getattr(message, name))
        else:
            present = message.HasField(name) and getattr(message, name) != ""
        if not present:
            raise missing(f"{path}.{name}" if path else name)


def missing(name: str) -> Exception:
    return invalid(
        f"Missing value for required parameter '{name}'. See the API docs for more "
        "information about request parameters."
    )


def run_id_of(message: Message) -> str:
    """The run a request names: ``run_id``, or MLflow's legacy alias ``run_uuid``."""
    run_id = getattr(message, "run_id", "") or getattr(message, "run_uuid", "")
    if not run_id:
        raise missing("run_id")
    return str(run_id)
