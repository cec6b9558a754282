"""Responses that carry two renderings: MLflow's JSON document for the REST edge, built
straight from domain objects, and the protobuf message for the gRPC edge.

For the large responses (a page of runs, a metric history of 100,000 points), building a
protobuf message only to walk it again into JSON was most of the server's time: protobuf
objects are made one Python call at a time, and so is the walk. A handler returns a
:class:`DualResponse` there instead; each edge asks for the form it sends, so neither pays
for the other's. Both forms describe the same message: the tests compare
``message_to_dict(response.message())`` with ``response.document()``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from google.protobuf.message import Message


@dataclass(frozen=True)
class DualResponse:
    message: Callable[[], Message]
    """The response message, for gRPC."""
    document: Callable[[], dict[str, Any]]
    """The same response in MLflow's JSON dialect (what ``wire.json.message_to_dict`` makes
    of ``message()``), for REST."""


Response = Message | DualResponse
"""What a unary handler answers."""


def as_message(response: Response) -> Message:
    return response.message() if isinstance(response, DualResponse) else response
