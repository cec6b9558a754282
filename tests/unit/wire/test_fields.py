"""Presence checks MLflow makes before any domain rule: required fields and the run id."""

from __future__ import annotations

import pytest
from google.protobuf.message import Message

from berth.errors import BerthError, ErrorCode
from berth.proto import tracking_pb2 as pb
from berth.wire.fields import require, run_id_of


def missing(message: Message, *names: str) -> str:
    with pytest.raises(BerthError) as raised:
        require(message, *names)
    assert raised.value.code is ErrorCode.INVALID_PARAMETER_VALUE
    return raised.value.message


def test_unset_required_field_is_named() -> None:
    message = missing(pb.LogMetric(key="m", value=1.0), "key", "value", "timestamp")

    assert message.startswith("Missing value for required parameter 'timestamp'.")


def test_empty_string_counts_as_missing() -> None:
    assert "'name'" in missing(pb.CreateExperiment(name=""), "name")


def test_zero_counts_as_present_for_numbers() -> None:
    require(pb.LogMetric(key="m", value=0.0, timestamp=0), "key", "value", "timestamp")


def test_empty_repeated_field_counts_as_missing() -> None:
    assert "'run_ids'" in missing(pb.GetMetricHistoryBulkInterval(metric_key="m"), "run_ids")


def test_first_missing_field_is_the_one_named() -> None:
    assert "'experiment_id'" in missing(pb.SetExperimentTag(), "experiment_id", "key")


def test_run_id_is_read_from_run_id() -> None:
    assert run_id_of(pb.GetRun(run_id="a", run_uuid="b")) == "a"


def test_run_id_falls_back_to_the_legacy_run_uuid() -> None:
    assert run_id_of(pb.GetRun(run_uuid="b")) == "b"


def test_missing_run_id_names_run_id() -> None:
    with pytest.raises(BerthError) as raised:
        run_id_of(pb.GetRun())

    assert raised.value.code is ErrorCode.INVALID_PARAMETER_VALUE
    assert "'run_id'" in raised.value.message
