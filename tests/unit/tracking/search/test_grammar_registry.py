"""The registry's search grammar: registered-model and model-version filters and orders,
as MLflow 3.17's SearchModelUtils, SearchModelVersionUtils and SQL store accept them."""

from __future__ import annotations

import pytest

from berth.errors import BerthError, ErrorCode
from berth.tracking.search.grammar import (
    Comparison,
    OrderKey,
    parse_model_version_filter,
    parse_model_version_order_by,
    parse_registered_model_filter,
    parse_registered_model_order_by,
)


def refused(parse: object, text: object) -> str:
    with pytest.raises(BerthError) as raised:
        parse(text)  # type: ignore[operator]
    assert raised.value.code is ErrorCode.INVALID_PARAMETER_VALUE
    return raised.value.message


def test_model_filter_reads_name_and_tags() -> None:
    assert parse_registered_model_filter("name LIKE 'churn%' and tags.`team x` = \"ml\"") == [
        Comparison("attribute", "name", "LIKE", "churn%"),
        Comparison("tag", "team x", "=", "ml"),
    ]


def test_model_filter_reads_a_name_list() -> None:
    assert parse_registered_model_filter("name IN ('a', 'b')") == [
        Comparison("attribute", "name", "IN", ("a", "b"))
    ]


@pytest.mark.parametrize(
    "text",
    [
        "run_id = 'x'",  # not an attribute of registered models
        "params.a = 'x'",  # no params on models
        "tags.a IN ('x')",  # lists are for attributes
        "tags.a > 'x'",
        "name = 3",  # values are quoted
        "name = 'a' OR name = 'b'",
    ],
)
def test_model_filter_refuses_what_mlflow_refuses(text: str) -> None:
    refused(parse_registered_model_filter, text)


def test_version_filter_reads_every_attribute() -> None:
    text = "name='m' AND version_number >= 2 AND run_id IN ('r') AND source_path LIKE 's3://%'"
    assert parse_model_version_filter(text) == [
        Comparison("attribute", "name", "=", "m"),
        Comparison("attribute", "version_number", ">=", 2),
        Comparison("attribute", "run_id", "IN", ("r",)),
        Comparison("attribute", "source_path", "LIKE", "s3://%"),
    ]


def test_version_number_may_be_a_quoted_integer() -> None:
    assert parse_model_version_filter("version_number = '3'") == [
        Comparison("attribute", "version_number", "=", 3)
    ]


@pytest.mark.parametrize(
    "text",
    [
        "version_number = 1.5",
        "version_number = 'three'",
        "version_number LIKE '1%'",
        "source_path IN ('a')",
        "creation_timestamp > 1",  # orderable, not filterable
        "tags.k < 'v'",
    ],
)
def test_version_filter_refuses_what_mlflow_refuses(text: str) -> None:
    refused(parse_model_version_filter, text)


def test_model_order_maps_timestamp_to_the_last_update_as_mlflow() -> None:
    assert parse_registered_model_order_by(["timestamp DESC", "name"]) == [
        OrderKey("attribute", "last_updated_timestamp", False),
        OrderKey("attribute", "name", True),
    ]


def test_model_order_refuses_one_field_twice() -> None:
    assert "twice" in refused(
        parse_registered_model_order_by, ["timestamp", "last_updated_timestamp DESC"]
    )


def test_model_order_refuses_creation_timestamp_as_mlflows_sql_store() -> None:
    refused(parse_registered_model_order_by, ["creation_timestamp"])


def test_version_order_reads_its_four_attributes() -> None:
    clauses = ["name", "version_number DESC", "creation_timestamp", "last_updated_timestamp"]
    assert [k.key for k in parse_model_version_order_by(clauses)] == [
        "name",
        "version_number",
        "creation_timestamp",
        "last_updated_timestamp",
    ]


def test_version_order_refuses_tags() -> None:
    refused(parse_model_version_order_by, ["tags.k"])
