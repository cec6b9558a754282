"""MLflow's JSON dialect of protobuf messages: rendering, body parsing and query typing."""

from __future__ import annotations

import json
from typing import Any

import pytest
from google.protobuf import descriptor_pb2, descriptor_pool
from google.protobuf.message import Message
from google.protobuf.message_factory import GetMessageClass

from berth.errors import BerthError, ErrorCode
from berth.proto import tracking_pb2 as pb
from berth.wire.json import (
    message_to_dict,
    message_to_json,
    parse_dict,
    parse_json_body,
    parse_query,
)

MAX_INT64 = 2**63 - 1


def refused(parse: Any, *args: Any) -> str:
    """The message of the INVALID_PARAMETER_VALUE error ``parse(*args)`` must raise."""
    with pytest.raises(BerthError) as raised:
        parse(*args)
    assert raised.value.code is ErrorCode.INVALID_PARAMETER_VALUE
    return raised.value.message


def numbers_message() -> type[Message]:
    """A message with a repeated int64 and a repeated uint64: the contract has none yet."""
    file = descriptor_pb2.FileDescriptorProto(name="numbers_test.proto", package="berth.test")
    numbers = file.message_type.add(name="Numbers")
    for number, (name, kind) in enumerate(
        [
            ("values", descriptor_pb2.FieldDescriptorProto.TYPE_INT64),
            ("unsigned", descriptor_pb2.FieldDescriptorProto.TYPE_UINT64),
        ],
        start=1,
    ):
        numbers.field.add(
            name=name,
            number=number,
            type=kind,
            label=descriptor_pb2.FieldDescriptorProto.LABEL_REPEATED,
        )
    pool = descriptor_pool.DescriptorPool()
    pool.Add(file)
    return GetMessageClass(pool.FindMessageTypeByName("berth.test.Numbers"))


# --- rendering ---------------------------------------------------------------------------------


def test_int64_fields_render_as_json_numbers() -> None:
    experiment = pb.Experiment(experiment_id="1", creation_time=1_700_000_000_000)

    rendered = message_to_dict(experiment)

    assert rendered["creation_time"] == 1_700_000_000_000
    assert type(rendered["creation_time"]) is int


def test_int64_extremes_render_exactly() -> None:
    rendered = message_to_dict(pb.Metric(key="m", value=1.0, timestamp=MAX_INT64, step=-(2**63)))

    assert rendered["timestamp"] == MAX_INT64
    assert rendered["step"] == -(2**63)


def test_int64_fields_inside_nested_repeated_messages_render_as_numbers() -> None:
    run = pb.Run(info=pb.RunInfo(run_id="r", start_time=5, end_time=6))
    run.data.metrics.add(key="a", value=1.0, timestamp=10, step=1)
    run.data.metrics.add(key="b", value=2.0, timestamp=20, step=2)

    rendered = message_to_dict(run)

    assert rendered["info"]["start_time"] == 5
    assert rendered["info"]["end_time"] == 6
    assert [(m["timestamp"], m["step"]) for m in rendered["data"]["metrics"]] == [(10, 1), (20, 2)]
    assert all(type(m["timestamp"]) is int for m in rendered["data"]["metrics"])


def test_repeated_int64_fields_render_as_lists_of_numbers() -> None:
    message = numbers_message()(values=[1, -(2**63)], unsigned=[2**64 - 1])

    rendered = message_to_dict(message)

    assert rendered == {"values": [1, -(2**63)], "unsigned": [2**64 - 1]}


def test_int32_fields_render_as_json_numbers() -> None:
    assert message_to_dict(pb.SearchRuns(max_results=7)) == {"max_results": 7}


@pytest.mark.parametrize(
    ("value", "rendered"),
    [(float("nan"), "NaN"), (float("inf"), "Infinity"), (float("-inf"), "-Infinity")],
)
def test_non_finite_doubles_render_as_proto_json_strings(value: float, rendered: str) -> None:
    assert message_to_dict(pb.Metric(key="m", value=value))["value"] == rendered


def test_enums_render_by_name() -> None:
    assert message_to_dict(pb.RunInfo(status=pb.FINISHED)) == {"status": "FINISHED"}


def test_field_names_are_the_proto_names() -> None:
    rendered = message_to_dict(pb.RunInfo(run_id="r", artifact_uri="s3://b/r"))

    assert rendered == {"run_id": "r", "artifact_uri": "s3://b/r"}


def test_unset_optional_fields_are_absent() -> None:
    rendered = message_to_dict(pb.RunInfo(run_id="r"))

    assert rendered == {"run_id": "r"}


def test_fields_set_to_their_default_are_present() -> None:
    """proto2 ``optional``: explicitly set means rendered, even 0 or ''."""
    rendered = message_to_dict(pb.Metric(key="", value=0.0, timestamp=0, step=0))

    assert rendered == {"key": "", "value": 0.0, "timestamp": 0, "step": 0}


def test_empty_message_renders_as_an_empty_object() -> None:
    assert message_to_dict(pb.LogParam.Response()) == {}


def test_message_to_json_is_compact_utf8_json() -> None:
    encoded = message_to_json(pb.Experiment(name="é", creation_time=3))

    assert isinstance(encoded, bytes)
    assert b" " not in encoded
    assert json.loads(encoded) == {"name": "é", "creation_time": 3}


# --- JSON bodies -------------------------------------------------------------------------------


@pytest.mark.parametrize("body", [b"", b"   ", b"\n\t"])
def test_empty_body_is_an_empty_request(body: bytes) -> None:
    assert parse_json_body(body, pb.CreateExperiment) == pb.CreateExperiment()


def test_body_is_parsed_into_the_request_message() -> None:
    request = parse_json_body(
        b'{"name": "e", "tags": [{"key": "k", "value": "v"}]}', pb.CreateExperiment
    )

    assert request.name == "e"
    assert [(t.key, t.value) for t in request.tags] == [("k", "v")]


def test_int64_fields_parse_from_numbers_and_strings() -> None:
    request = parse_json_body(b'{"timestamp": "12", "step": 3}', pb.LogMetric)

    assert (request.timestamp, request.step) == (12, 3)


def test_non_finite_metric_values_parse_from_strings() -> None:
    request = parse_json_body(b'{"value": "-Infinity"}', pb.LogMetric)

    assert request.value == float("-inf")


def test_unknown_fields_are_ignored() -> None:
    request = parse_json_body(b'{"name": "e", "unknown": {"deep": [1]}}', pb.CreateExperiment)

    assert request == pb.CreateExperiment(name="e")


def test_malformed_json_is_invalid_parameter_value() -> None:
    message = refused(parse_json_body, b'{"name": ', pb.CreateExperiment)

    assert message.startswith("Malformed JSON in the request body")


def test_body_that_is_not_utf8_is_invalid_parameter_value() -> None:
    refused(parse_json_body, b'{"name": "\xff\xfe"}', pb.CreateExperiment)


@pytest.mark.parametrize("body", [b"[]", b"[1]", b'"x"', b"1", b"null", b"false"])
def test_json_that_is_not_an_object_is_invalid_parameter_value(body: bytes) -> None:
    assert refused(parse_json_body, body, pb.CreateExperiment) == (
        "The request body must be a JSON object."
    )


def test_string_field_given_a_number_names_the_field() -> None:
    message = refused(parse_json_body, b'{"name": 5}', pb.CreateExperiment)

    assert "name" in message
    assert "Failed to parse" not in message


def test_integer_field_given_a_word_names_the_field() -> None:
    message = refused(parse_json_body, b'{"max_results": "x"}', pb.SearchRuns)

    assert "max_results" in message


def test_double_field_given_a_word_names_the_nested_field() -> None:
    body = b'{"metrics": [{"key": "m", "value": 1}, {"key": "n", "value": "abc"}]}'

    message = refused(parse_json_body, body, pb.LogBatch)

    assert "metrics[1].value" in message


def test_int64_out_of_range_is_invalid_parameter_value() -> None:
    message = refused(parse_json_body, b'{"timestamp": 9223372036854775808}', pb.LogMetric)

    assert "timestamp" in message


def test_int32_out_of_range_is_invalid_parameter_value() -> None:
    message = refused(parse_json_body, b'{"max_results": 2147483648}', pb.SearchRuns)

    assert "max_results" in message


def test_repeated_field_given_a_scalar_is_invalid_parameter_value() -> None:
    message = refused(parse_json_body, b'{"experiment_ids": "0"}', pb.SearchRuns)

    assert "experiment_ids" in message


def test_unpaired_surrogate_is_invalid_parameter_value() -> None:
    refused(parse_json_body, b'{"name": "\\ud800"}', pb.CreateExperiment)


def test_deeply_nested_json_is_invalid_parameter_value() -> None:
    body = b'{"name": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"

    refused(parse_json_body, body, pb.CreateExperiment)


def test_integer_literal_too_long_to_convert_is_invalid_parameter_value() -> None:
    refused(parse_json_body, b'{"max_results": ' + b"1" * 5000 + b"}", pb.SearchRuns)


# --- query strings -----------------------------------------------------------------------------


def test_query_strings_fill_string_fields() -> None:
    request = parse_query({"run_id": ["r1"], "metric_key": ["loss"]}, pb.GetMetricHistory)

    assert (request.run_id, request.metric_key) == ("r1", "loss")


def test_query_integers_are_read_from_strings() -> None:
    request = parse_query(
        {"max_results": ["25"], "start_step": ["-3"]}, pb.GetMetricHistoryBulkInterval
    )

    assert (request.max_results, request.start_step) == (25, -3)


def test_query_int64_is_read_from_a_string() -> None:
    request = parse_query({"max_results": [str(MAX_INT64)]}, pb.SearchExperiments)

    assert request.max_results == MAX_INT64


def test_query_integer_that_is_not_a_number_names_the_field() -> None:
    message = refused(parse_query, {"max_results": ["ten"]}, pb.GetMetricHistory)

    assert "max_results" in message


def test_repeated_query_parameters_fill_a_repeated_field_in_order() -> None:
    request = parse_query({"run_ids": ["b", "a", "c"]}, pb.GetMetricHistoryBulkInterval)

    assert list(request.run_ids) == ["b", "a", "c"]


def test_last_value_wins_for_a_singular_field() -> None:
    request = parse_query({"run_id": ["first", "last"]}, pb.GetRun)

    assert request.run_id == "last"


@pytest.mark.parametrize(("text", "value"), [("true", True), ("false", False)])
def test_query_bools_are_true_or_false(text: str, value: bool) -> None:
    request = parse_query({"is_dir": [text]}, pb.FileInfo)

    assert request.HasField("is_dir")
    assert request.is_dir is value


@pytest.mark.parametrize("text", ["1", "0", "yes", "on", "", "t", "truth"])
def test_query_bool_that_is_not_true_or_false_is_refused_naming_the_field(text: str) -> None:
    message = refused(parse_query, {"is_dir": [text]}, pb.FileInfo)

    assert "'is_dir'" in message
    assert "'true' or 'false'" in message


def test_query_enums_are_read_by_name() -> None:
    request = parse_query({"view_type": ["DELETED_ONLY"]}, pb.SearchExperiments)

    assert request.view_type == pb.DELETED_ONLY


def test_unknown_query_parameters_are_ignored() -> None:
    assert parse_query({"nonsense": ["1"]}, pb.GetRun) == pb.GetRun()


def test_empty_query_parameter_list_leaves_the_field_unset() -> None:
    request = parse_query({"run_id": []}, pb.GetRun)

    assert not request.HasField("run_id")


def test_parse_dict_names_the_field_without_protobuf_jargon() -> None:
    message = refused(parse_dict, {"name": ["list"]}, pb.CreateExperiment)

    assert message.startswith("Invalid value in the request: ")
    assert "name" in message
    assert message.endswith(".")
    assert "Failed to parse" not in message
