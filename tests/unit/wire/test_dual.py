"""Each edge takes its own form of a dual response, and only that one is built."""

from __future__ import annotations

import orjson
from google.protobuf.message import Message

from berth.proto import tracking_pb2 as pb
from berth.wire.dual import DualResponse, as_message
from berth.wire.json import response_json


def dual(built: list[str]) -> DualResponse:
    def message() -> Message:
        built.append("message")
        return pb.GetRun.Response(run=pb.Run(info=pb.RunInfo(run_id="m")))

    def document() -> dict[str, object]:
        built.append("document")
        return {"run": {"info": {"run_id": "d"}}}

    return DualResponse(message=message, document=document)


def test_rest_renders_the_document_without_building_the_message() -> None:
    built: list[str] = []
    assert orjson.loads(response_json(dual(built))) == {"run": {"info": {"run_id": "d"}}}
    assert built == ["document"]


def test_grpc_takes_the_message_without_building_the_document() -> None:
    built: list[str] = []
    message = as_message(dual(built))
    assert isinstance(message, pb.GetRun.Response)
    assert message.run.info.run_id == "m"
    assert built == ["message"]


def test_a_plain_message_passes_through_both_edges() -> None:
    message = pb.GetRun.Response(run=pb.Run(info=pb.RunInfo(run_id="p")))
    assert as_message(message) is message
    assert orjson.loads(response_json(message)) == {"run": {"info": {"run_id": "p"}}}
