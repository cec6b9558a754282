"""The fast path of request parsing gives exactly what ``json_format.ParseDict`` gives:
the same message for valid input, the same error for invalid input."""

from __future__ import annotations

import json
from typing import Any

import orjson
import pytest
from google.protobuf import json_format
from google.protobuf.message import Message

from berth.errors import BerthError
from berth.proto import tracking_pb2 as pb
from berth.wire import json as wire_json
from berth.wire.json import parse_dict, parse_json_body

METRIC = {"key": "loss", "value": 0.25, "timestamp": 1_700_000_000_000, "step": 3}

VALID: list[tuple[type[Message], dict[str, Any]]] = [
    (pb.LogBatch, {"run_id": "r", "metrics": [METRIC] * 3, "params": [], "tags": []}),
    (pb.LogBatch, {"runId": "r", "metrics": [{**METRIC, "timestamp": "17", "step": "-2"}]}),
    (
        pb.LogBatch,
        {
            "run_id": "r",
            "metrics": [
                {**METRIC, "value": v} for v in ("NaN", "Infinity", "-Infinity", 3, -0.0, 1e308)
            ],
        },
    ),
    (pb.LogBatch, {"run_id": "r", "metrics": [{**METRIC, "step": 1.0, "timestamp": "1e3"}]}),
    (
        pb.LogBatch,
        {"run_id": "r", "params": [{"key": "p", "value": "é ☃ 😀"}], "extra": {"x": [None]}},
    ),
    (
        pb.LogMetric,
        {"run_id": "r", "key": "m", "value": "1.5", "timestamp": 1, "step": 0, "unknown": 1},
    ),
    (pb.LogMetric, {"run_id": "r", "key": "m", "value": 2, "timestamp": "007", "step": "+4"}),
    (pb.CreateRun, {"experiment_id": "0", "start_time": 5, "tags": [{"key": "a", "value": ""}]}),
    (pb.SearchRuns, {"experiment_ids": ["1", "2"], "run_view_type": "ALL", "max_results": 10}),
    (pb.SearchRuns, {"experiment_ids": [], "run_view_type": 2, "max_results": "10"}),
    (pb.SearchRuns, {"runViewType": "DELETED_ONLY", "orderBy": ["metrics.m DESC"], "filter": None}),
    (pb.UpdateRun, {"run_id": "r", "status": "FINISHED", "end_time": 2**63 - 1}),
    (
        pb.LogInputs,
        {
            "run_id": "r",
            "datasets": [
                {
                    "tags": [{"key": "k", "value": "v"}],
                    "dataset": {"name": "d", "digest": "x", "source_type": "local", "source": "{}"},
                }
            ],
            "models": [{}],
        },
    ),
    (pb.LogInputs, {"run_id": "r", "datasets": [{"dataset": {}}]}),
    (
        pb.SearchLoggedModels,
        {
            "order_by": [{"field_name": "f", "ascending": False}],
            "datasets": [{"dataset_name": "d"}],
        },
    ),
    (pb.LogBatch, {}),
    (pb.LogBatch, {"run_id": "r", "runId": "s"}),
    (pb.SearchRuns, {"run_view_type": "SOMETIMES"}),  # unknown enum names are ignored too
    (pb.LogInputs, {"run_id": "r", "datasets": [{"dataset": "d"}]}),  # and so is this
]

INVALID: list[tuple[type[Message], dict[str, Any]]] = [
    (pb.LogBatch, {"run_id": 5}),
    (pb.LogBatch, {"run_id": "r", "metrics": {"key": "m"}}),
    (pb.LogBatch, {"run_id": "r", "metrics": [None]}),
    (pb.LogBatch, {"run_id": "r", "metrics": [{**METRIC, "value": "abc"}]}),
    (pb.LogBatch, {"run_id": "r", "metrics": [{**METRIC, "step": 1.5}]}),
    (pb.LogBatch, {"run_id": "r", "metrics": [{**METRIC, "step": "1 2"}]}),
    (pb.LogBatch, {"run_id": "r", "metrics": [{**METRIC, "timestamp": True}]}),
    (pb.LogBatch, {"run_id": "r", "metrics": [{**METRIC, "timestamp": 2**64}]}),
    (pb.LogBatch, {"run_id": "r", "metrics": [{**METRIC, "value": "nan"}]}),
    (pb.LogBatch, {"run_id": "r", "params": [{"key": "p", "value": "\ud800"}]}),
    (pb.SearchRuns, {"max_results": 2**40}),
    (pb.SearchRuns, {"experiment_ids": "1"}),
    (pb.SearchLoggedModels, {"order_by": [{"field_name": "f", "ascending": "false"}]}),
]


def _json_format(document: dict[str, Any], message_type: type[Message]) -> Message:
    message = message_type()
    json_format.ParseDict(document, message, ignore_unknown_fields=True)
    return message


def _same(left: Message, right: Message) -> bool:
    return (
        left == right
        and left.SerializeToString(deterministic=True)
        == right.SerializeToString(deterministic=True)
        and left.ListFields() == right.ListFields()
    )


@pytest.mark.parametrize(("message_type", "document"), VALID)
def test_valid_requests_parse_as_json_format_parses_them(
    message_type: type[Message], document: dict[str, Any]
) -> None:
    assert _same(parse_dict(document, message_type), _json_format(document, message_type))


@pytest.mark.parametrize(("message_type", "document"), VALID[:9])
def test_json_bodies_parse_as_json_format_parses_them(
    message_type: type[Message], document: dict[str, Any]
) -> None:
    body = orjson.dumps(document)
    assert _same(parse_json_body(body, message_type), _json_format(document, message_type))


def _error(document: dict[str, Any], message_type: type[Message]) -> str:
    with pytest.raises(BerthError) as raised:
        parse_dict(document, message_type)
    return raised.value.message


@pytest.mark.parametrize(("message_type", "document"), INVALID)
def test_invalid_requests_get_json_formats_error(
    message_type: type[Message], document: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    fast = _error(document, message_type)

    def unhandled(*_args: Any) -> Message:
        raise wire_json._Unhandled

    monkeypatch.setattr(wire_json, "_fast_message", unhandled)
    assert fast == _error(document, message_type)


def test_a_plain_log_batch_never_reaches_json_format(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: Any, **_kwargs: Any) -> None:
        raise AssertionError("json_format was used")

    monkeypatch.setattr(json_format, "ParseDict", refuse)
    document = {"run_id": "r", "metrics": [{**METRIC, "value": "NaN", "step": "4"}] * 2}
    parsed = parse_json_body(orjson.dumps(document), pb.LogBatch)
    assert len(parsed.metrics) == 2
    assert parsed.metrics[0].step == 4


def test_nul_is_refused_wherever_it_is(monkeypatch: pytest.MonkeyPatch) -> None:
    for body in (b'{"run_id": "a\\u0000"}', b'{"ignored": ["\\u0000"]}', b'{"\\u0000": 1}'):
        with pytest.raises(BerthError, match="NUL characters"):
            parse_json_body(body, pb.LogBatch)


@pytest.mark.parametrize(
    "body",
    [
        b'{"run_id": "r", "unknown": "\\ud800"}',
        b'{"run_id": "r", "metrics": [{"value": 1' + b"0" * 25 + b"}]}",
        b'{"run_id": "r", "metrics": [{"step": 1' + b"0" * 25 + b"}]}",
        b'{"run_id": "r", "metrics": [{"value": NaN}]}',
    ],
)
def test_bodies_orjson_decodes_differently_or_refuses_are_left_to_json(body: bytes) -> None:
    def outcome(parse: Any) -> Any:
        try:
            return parse()
        except BerthError as error:
            return error.message

    fast = outcome(lambda: parse_json_body(body, pb.LogBatch))
    assert fast == outcome(lambda: parse_dict(json.loads(body), pb.LogBatch))


def test_malformed_json_gets_the_json_modules_message() -> None:
    with pytest.raises(BerthError, match="Malformed JSON in the request body: Expecting value"):
        parse_json_body(b'{"run_id": ', pb.LogBatch)
