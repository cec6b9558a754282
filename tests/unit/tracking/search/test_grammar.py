"""The MLflow search grammar: filter strings and order_by clauses, checked against MLflow 3.17."""

from __future__ import annotations

import contextlib
import dataclasses
import random
from collections.abc import Callable
from typing import Any

import pytest

from berth.errors import BerthError, ErrorCode
from berth.tracking.search.grammar import (
    Comparison,
    OrderKey,
    parse_experiment_filter,
    parse_experiment_order_by,
    parse_logged_model_filter,
    parse_run_filter,
    parse_run_order_by,
)

FILTER_PARSERS = [parse_run_filter, parse_experiment_filter, parse_logged_model_filter]


def error_of(parse: Callable[[Any], object], text: Any) -> str:
    """The message of the INVALID_PARAMETER_VALUE error ``parse(text)`` must raise."""
    with pytest.raises(BerthError) as raised:
        parse(text)
    assert raised.value.code is ErrorCode.INVALID_PARAMETER_VALUE
    return raised.value.message


def metric(key: str, op: str, value: float) -> Comparison:
    return Comparison("metric", key, op, value)


def param(key: str, op: str, value: str | tuple[str, ...] | None) -> Comparison:
    return Comparison("param", key, op, value)


def tag(key: str, op: str, value: str | tuple[str, ...] | None) -> Comparison:
    return Comparison("tag", key, op, value)


def attr(key: str, op: str, value: str | float | tuple[str, ...]) -> Comparison:
    return Comparison("attribute", key, op, value)


def dataset(key: str, op: str, value: str | tuple[str, ...]) -> Comparison:
    return Comparison("dataset", key, op, value)


# --- empty filters ---------------------------------------------------------------------------


@pytest.mark.parametrize("parse", FILTER_PARSERS)
@pytest.mark.parametrize("text", [None, "", "   ", "\n\t"])
def test_missing_or_blank_filter_has_no_comparisons(
    parse: Callable[[str | None], list[Comparison]], text: str | None
) -> None:
    assert parse(text) == []


# --- runs: accepted --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("metrics.acc > 0.9", metric("acc", ">", 0.9)),
        ("metric.acc >= 1", metric("acc", ">=", 1)),
        ("metrics.loss = -1", metric("loss", "=", -1)),
        ("metrics.loss != 2", metric("loss", "!=", 2)),
        ("metrics.loss < 1e-3", metric("loss", "<", 0.001)),
        ("metrics.loss <= .5", metric("loss", "<=", 0.5)),
        ("params.lr = '0.01'", param("lr", "=", "0.01")),
        ('param.lr = "0.01"', param("lr", "=", "0.01")),
        ("parameters.lr LIKE '0.%'", param("lr", "LIKE", "0.%")),
        ("parameter.lr ILIKE '0.%'", param("lr", "ILIKE", "0.%")),
        ("params.optimizer IS NULL", param("optimizer", "IS NULL", None)),
        ("params.optimizer IS NOT NULL", param("optimizer", "IS NOT NULL", None)),
        ("tags.env = 'prod'", tag("env", "=", "prod")),
        ("tag.env != 'dev'", tag("env", "!=", "dev")),
        ("tags.env IS NULL", tag("env", "IS NULL", None)),
        ("attributes.status = 'FINISHED'", attr("status", "=", "FINISHED")),
        ("attribute.user_id = 'me'", attr("user_id", "=", "me")),
        ("attr.artifact_uri LIKE 's3://%'", attr("artifact_uri", "LIKE", "s3://%")),
        ("run.run_name ILIKE 'train%'", attr("run_name", "ILIKE", "train%")),
        ("status != 'RUNNING'", attr("status", "!=", "RUNNING")),
        ("run_id = 'abc'", attr("run_id", "=", "abc")),
        ("start_time >= 1700000000000", attr("start_time", ">=", 1700000000000)),
        ("end_time < 1.5", attr("end_time", "<", 1.5)),
        ("run_id IN ('a', 'b')", attr("run_id", "IN", ("a", "b"))),
        ("attributes.run_id NOT IN ('a')", attr("run_id", "NOT IN", ("a",))),
        ("datasets.name = 'iris'", dataset("name", "=", "iris")),
        ("dataset.digest IN ('d1', 'd2')", dataset("digest", "IN", ("d1", "d2"))),
        ("datasets.context NOT IN ('train')", dataset("context", "NOT IN", ("train",))),
        ("datasets.name LIKE 'ir%'", dataset("name", "LIKE", "ir%")),
    ],
)
def test_run_filter_accepts_mlflow_comparison(text: str, expected: Comparison) -> None:
    assert parse_run_filter(text) == [expected]


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("created > 5", "start_time"),
        ("Created > 5", "start_time"),
        ("attributes.created > 5", "start_time"),
        ("`run name` = 'x'", "run_name"),
        ("`Run name` = 'x'", "run_name"),
        ("attributes.`Run Name` = 'x'", "run_name"),
    ],
)
def test_run_attribute_aliases_are_canonicalised(text: str, canonical: str) -> None:
    (comparison,) = parse_run_filter(text)
    assert comparison.kind == "attribute"
    assert comparison.key == canonical


def test_backquoted_metric_key_keeps_spaces() -> None:
    assert parse_run_filter("metrics.`my metric` > 1") == [metric("my metric", ">", 1)]


def test_double_quoted_key_keeps_spaces() -> None:
    assert parse_run_filter("params.\"batch size\" = '8'") == [param("batch size", "=", "8")]


def test_dotted_key_after_prefix_is_kept_whole() -> None:
    assert parse_run_filter("tags.mlflow.runName = 'x' AND metrics.a.b > 1") == [
        tag("mlflow.runName", "=", "x"),
        metric("a.b", ">", 1),
    ]


def test_backquoted_key_may_contain_dots_and_slashes() -> None:
    assert parse_run_filter("metrics.`train/loss.avg` < 1") == [metric("train/loss.avg", "<", 1)]


def test_key_may_start_with_a_digit_or_be_unicode() -> None:
    assert parse_run_filter("metrics.1abc > 1 AND metrics.précision > 0") == [
        metric("1abc", ">", 1),
        metric("précision", ">", 0),
    ]


def test_backquoted_prefix_is_accepted() -> None:
    assert parse_run_filter("`metrics`.acc > 1") == [metric("acc", ">", 1)]


def test_bare_double_quoted_identifier_is_an_attribute() -> None:
    assert parse_run_filter("\"run_name\" = 'x'") == [attr("run_name", "=", "x")]


def test_integer_literals_stay_int_and_others_become_float() -> None:
    values = [
        c.value for c in parse_run_filter("metrics.a = 3 AND metrics.b = 3.0 AND end_time = 1E3")
    ]
    assert values == [3, 3.0, 1000.0]
    assert [type(v) for v in values] == [int, float, float]


@pytest.mark.parametrize(
    ("literal", "value"),
    [
        ("'it''s'", "it''s"),
        ("'a\\'b'", "a\\'b"),
        ('"it\'s"', "it's"),
        ("'say \"hi\"'", 'say "hi"'),
        ("''", ""),
        ('""', ""),
        ("'a AND b OR (c) = 1'", "a AND b OR (c) = 1"),
    ],
)
def test_quoted_value_is_kept_verbatim_like_mlflow(literal: str, value: str) -> None:
    assert parse_run_filter(f"tags.note = {literal}") == [tag("note", "=", value)]


def test_clauses_are_joined_by_and_in_any_case() -> None:
    assert parse_run_filter("metrics.a > 1 and params.b = 'x' AnD tags.c != 'y'") == [
        metric("a", ">", 1),
        param("b", "=", "x"),
        tag("c", "!=", "y"),
    ]


def test_comparisons_need_no_spaces_around_operators() -> None:
    assert parse_run_filter("metrics.a>=-1 AND params.b!='x'") == [
        metric("a", ">=", -1),
        param("b", "!=", "x"),
    ]


@pytest.mark.parametrize(
    ("text", "op"),
    [
        ("params.x like 'a'", "LIKE"),
        ("params.x iLike 'a'", "ILIKE"),
        ("run_id in ('a')", "IN"),
        ("run_id not in ('a')", "NOT IN"),
        ("params.x is null", "IS NULL"),
        ("params.x iS nOt NuLl", "IS NOT NULL"),
    ],
)
def test_comparator_keywords_are_normalised_to_upper_case(text: str, op: str) -> None:
    assert parse_run_filter(text)[0].op == op


def test_list_accepts_double_quotes_and_a_trailing_comma() -> None:
    assert parse_run_filter("run_id IN (\"a\", 'b',)") == [attr("run_id", "IN", ("a", "b"))]


def test_whitespace_including_newlines_separates_tokens() -> None:
    assert parse_run_filter("metrics.a\n>\t1\nAND\nparams.b = 'x'") == [
        metric("a", ">", 1),
        param("b", "=", "x"),
    ]


# --- runs: rejected --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("metrics.a > 1 OR metrics.b < 1", "OR is not supported"),
        ("(metrics.a > 1)", "Parentheses are not supported"),
        ("metrics.a > 1 AND (metrics.b < 1)", "Parentheses are not supported"),
        ("metrics.a > 1 metrics.b > 1", "Expected AND between comparisons, found 'metrics.b'"),
        ("metrics.a > 1 AND", "Expected an identifier such as metrics.<key>, found the end"),
        ("AND metrics.a > 1", "Expected an identifier such as metrics.<key>, found 'AND'"),
        ("metrics.a > 1; metrics.b > 1", "Unexpected character ';' at position 13"),
        ("metrics.a > 1 -- note", "Unexpected character '-' at position 14"),
        ("metrics.a >= +1", "Unexpected character '+'"),
        ("metrics.acc = 'abc'", "Expected a numeric value for 'metrics.acc', found 'abc'"),
        ("metrics.acc = abc", "Expected a numeric value for 'metrics.acc', found abc"),
        ("metrics.acc LIKE 'a%'", "Invalid comparator 'LIKE' for 'metrics.acc'"),
        ("metrics.acc IS NULL", "Invalid comparator 'IS NULL' for 'metrics.acc'"),
        ("metrics.acc IN (1, 2)", "Invalid comparator 'IN' for 'metrics.acc'"),
        ("metrics.acc == 1", "Invalid comparator '==' for 'metrics.acc'"),
        ("metrics.acc <> 1", "Invalid comparator '<>' for 'metrics.acc'"),
        (
            "params.x = 1",
            "Expected a quoted string value for 'params.x' (e.g. 'my-value'), found 1",
        ),
        ("params.x = abc", "Expected a quoted string value for 'params.x' (e.g. 'my-value')"),
        ("params.x > 'a'", "Invalid comparator '>' for 'params.x'"),
        ("params.x IN ('a')", "Invalid comparator 'IN' for 'params.x'"),
        ("params.x NOT LIKE 'a'", "Expected IN after NOT, found 'LIKE'"),
        ("params.x IS 'a'", "Expected NULL or NOT NULL after IS, found 'a'"),
        ("params.x IS NOT 'a'", "Expected NULL or NOT NULL after IS, found 'a'"),
        ("tags.x IN ('a')", "Invalid comparator 'IN' for 'tags.x'"),
        ("attributes.start_time = 'x'", "Expected a numeric value for 'attributes.start_time'"),
        ("start_time LIKE 1", "Invalid comparator 'LIKE' for 'start_time'"),
        ("status > 'a'", "Invalid comparator '>' for 'status'"),
        ("status = FINISHED", "Expected a quoted string value for 'status'"),
        ("run_name IN ('a')", "Invalid comparator 'IN' for 'run_name'"),
        ("run_id IN ()", "The list for 'run_id' is empty"),
        ("run_id IN ('a', 1)", "Expected a quoted string in the list for 'run_id', found '1'"),
        ("run_id IN 'a'", "Expected a parenthesised list after IN for 'run_id'"),
        ("run_id NOT IN 'a'", "Expected a parenthesised list after NOT IN for 'run_id'"),
        ("run_id = ('a')", "A parenthesised list for 'run_id' needs IN or NOT IN"),
        ("run_id IN ('a' 'b')", "Expected ',' or ')' in the list for 'run_id', found 'b'"),
        ("run_id IN ('a'", "Expected ',' or ')' in the list for 'run_id', found the end"),
        ("run_id IN ('a',,)", "Expected a quoted string in the list for 'run_id', found ','"),
        ("foo = 'x'", "Invalid attribute key 'foo' for searching runs"),
        ("attributes.experiment_id = '1'", "Invalid attribute key 'experiment_id'"),
        ("datasets.foo = 'x'", "Invalid dataset key 'foo'"),
        ("datasets.name IS NULL", "Invalid comparator 'IS NULL' for 'datasets.name'"),
        ("foo.bar = 'x'", "Invalid entity type 'foo' in 'foo.bar'"),
        ("Metrics.a > 1", "Invalid entity type 'Metrics'"),
        ('"metrics".a > 1', "Invalid entity type 'metrics'"),
        ("metrics.`` > 1", "Empty key in identifier 'metrics.``'"),
        ("metrics.train/loss > 1", "Unexpected character '/' at position 13; keys with special"),
        ("metrics. > 1", "Unexpected character '.' at position 7"),
        ("params.x = 'abc", "Unterminated quoted text starting at position 11"),
        ("metrics.`a b > 1", "Unterminated quoted text starting at position 8"),
        ("params.x", "Expected a comparator after 'params.x', found the end of the input"),
        ("params.x 'a'", "Expected a comparator after 'params.x', found 'a'"),
        ("params.x =", "Missing value for 'params.x'"),
        ("'run_name' = 'x'", "Expected an identifier such as metrics.<key>, found 'run_name'"),
    ],
)
def test_run_filter_rejects_what_mlflow_rejects(text: str, message: str) -> None:
    assert message in error_of(parse_run_filter, text)


def test_or_is_rejected() -> None:
    assert error_of(parse_run_filter, "params.a = 'x' or params.b = 'y'") == (
        "OR is not supported in search filters (found at position 15); "
        "comparisons can only be joined with AND"
    )


def test_invalid_comparator_message_lists_the_allowed_ones() -> None:
    assert error_of(parse_run_filter, "metrics.acc LIKE 'a'") == (
        "Invalid comparator 'LIKE' for 'metrics.acc'; expected one of: !=, <, <=, =, >, >="
    )


def test_overlong_integer_is_an_invalid_parameter_not_a_value_error() -> None:
    assert "too long" in error_of(parse_run_filter, "metrics.a > " + "9" * 5000)


# --- experiments -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("name = 'exp'", attr("name", "=", "exp")),
        ("attribute.name LIKE 'e%'", attr("name", "LIKE", "e%")),
        ("name ILIKE 'E%'", attr("name", "ILIKE", "E%")),
        ("name != 'x'", attr("name", "!=", "x")),
        ("tags.team = 'ml'", tag("team", "=", "ml")),
        ("tag.team != 'x'", tag("team", "!=", "x")),
        ("tags.`team name` LIKE 'm%'", tag("team name", "LIKE", "m%")),
        ("tags.team IS NULL", tag("team", "IS NULL", None)),
        ("tags.team IS NOT NULL", tag("team", "IS NOT NULL", None)),
        ("experiment_id = '3'", attr("experiment_id", "=", "3")),
        ("experiment_id IN ('1', '2')", attr("experiment_id", "IN", ("1", "2"))),
        ("experiment_id NOT IN ('1')", attr("experiment_id", "NOT IN", ("1",))),
        ("creation_time > 1700000000000", attr("creation_time", ">", 1700000000000)),
        ("last_update_time <= 5", attr("last_update_time", "<=", 5)),
    ],
)
def test_experiment_filter_accepts_mlflow_comparison(text: str, expected: Comparison) -> None:
    assert parse_experiment_filter(text) == [expected]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("attributes.name = 'a'", "Invalid entity type 'attributes' in 'attributes.name'"),
        ("params.x = 'a'", "Invalid entity type 'params'"),
        ("metrics.x > 1", "Invalid entity type 'metrics'"),
        ("name IS NULL", "Invalid comparator 'IS NULL' for 'name'"),
        ("name IN ('a')", "Invalid comparator 'IN' for 'name'"),
        ("experiment_id = 1", "Expected a quoted string value for 'experiment_id'"),
        ("experiment_id = 'abc'", "Expected an integer ID for 'experiment_id', found 'abc'"),
        ("experiment_id IN ('1', 'x')", "Expected an integer ID for 'experiment_id', found 'x'"),
        ("experiment_id LIKE '1%'", "Invalid comparator 'LIKE' for 'experiment_id'"),
        ("creation_time > 1.5", "Expected an integer value for 'creation_time', found 1.5"),
        ("creation_time > 'x'", "Expected an integer value for 'creation_time', found 'x'"),
        ("last_update_time LIKE 1", "Invalid comparator 'LIKE' for 'last_update_time'"),
        ("lifecycle_stage = 'active'", "Invalid attribute key 'lifecycle_stage'"),
        ("tags.x IN ('a')", "Invalid comparator 'IN' for 'tags.x'"),
        ("tags.x = 1", "Expected a quoted string value for 'tags.x'"),
        ("name = 'a' OR name = 'b'", "OR is not supported"),
    ],
)
def test_experiment_filter_rejects_what_mlflow_rejects(text: str, message: str) -> None:
    assert message in error_of(parse_experiment_filter, text)


# --- logged models ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("name = 'm'", attr("name", "=", "m")),
        ('name = "m"', attr("name", "=", "m")),
        ("attributes.name IN ('a', 'b')", attr("name", "IN", ("a", "b"))),
        ("name NOT IN ('a')", attr("name", "NOT IN", ("a",))),
        ("model_id = 'm-1'", attr("model_id", "=", "m-1")),
        ("status = 'READY'", attr("status", "=", "READY")),
        ("source_run_id != 'r'", attr("source_run_id", "!=", "r")),
        ("model_type LIKE 'x%'", attr("model_type", "LIKE", "x%")),
        ("creation_timestamp > 1", attr("creation_timestamp", ">", 1)),
        ("creation_time > 1", attr("creation_timestamp", ">", 1)),
        ("last_updated_timestamp <= 2.5", attr("last_updated_timestamp", "<=", 2.5)),
        ("metrics.acc > 0.5", metric("acc", ">", 0.5)),
        ("metrics.`val acc` = 1", metric("val acc", "=", 1)),
        ("params.lr = '0.01'", param("lr", "=", "0.01")),
        ("params.lr IN ('a')", param("lr", "IN", ("a",))),
        ("tags.t ILIKE 'x'", tag("t", "ILIKE", "x")),
    ],
)
def test_logged_model_filter_accepts_mlflow_comparison(text: str, expected: Comparison) -> None:
    assert parse_logged_model_filter(text) == [expected]


def test_logged_model_string_accepts_unquoted_number_as_its_text() -> None:
    assert parse_logged_model_filter("params.lr = 0.01 AND tags.n = 10") == [
        param("lr", "=", "0.01"),
        tag("n", "=", "10"),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("metric.acc > 1", "Invalid entity type 'metric'"),
        ("attribute.name = 'a'", "Invalid entity type 'attribute'"),
        ("datasets.name = 'x'", "Invalid entity type 'datasets'"),
        ("name IS NULL", "Invalid comparator 'IS NULL' for 'name'"),
        ("params.lr IS NULL", "Invalid comparator 'IS NULL' for 'params.lr'"),
        ("creation_timestamp > 'x'", "Expected a numeric value for 'creation_timestamp'"),
        ("metrics.acc > 'x'", "Expected a numeric value for 'metrics.acc'"),
        ("metrics.acc IN ('x')", "Invalid comparator 'IN' for 'metrics.acc'"),
        ("creation_timestamp LIKE 1", "Invalid comparator 'LIKE' for 'creation_timestamp'"),
        ("foo = 'x'", "Invalid attribute key 'foo' for searching logged models"),
        ("last_updated_time > 1", "Invalid attribute key 'last_updated_time'"),
        ("params.lr = abc", "Expected a quoted string value for 'params.lr'"),
        ("name IN (1)", "Expected a quoted string in the list for 'name'"),
        ("name = 'a' OR name = 'b'", "OR is not supported"),
    ],
)
def test_logged_model_filter_rejects_what_mlflow_rejects(text: str, message: str) -> None:
    assert message in error_of(parse_logged_model_filter, text)


# --- robustness ------------------------------------------------------------------------------


@pytest.mark.parametrize("parse", FILTER_PARSERS)
@pytest.mark.parametrize(
    "text",
    [
        "'",
        '"',
        "`",
        "(",
        ")",
        ",",
        "==",
        "AND",
        "OR",
        "NOT",
        "IS NULL",
        "\x00",
        "name IN ((",
        "1 = 1",
    ],
)
def test_malformed_filter_is_an_invalid_parameter(
    parse: Callable[[str], list[Comparison]], text: str
) -> None:
    error_of(parse, text)


@pytest.mark.parametrize("parse", FILTER_PARSERS)
def test_random_input_raises_nothing_but_berth_error(
    parse: Callable[[str], list[Comparison]],
) -> None:
    pieces = [
        "metrics.a", "params.b", "tags.c", "name", "run_id", "start_time", "experiment_id",
        "datasets.name", "`x y`", '"q"', "'s'", "1", "-2.5", "1e9", "=", "!=", ">=", "LIKE",
        "IN", "NOT", "IS", "NULL", "AND", "OR", "(", ")", ",", ".", "'", "`", "/", " ",
    ]  # fmt: skip
    rng = random.Random(1234)
    for _ in range(3000):
        text = "".join(rng.choice(pieces) + rng.choice(["", " "]) for _ in range(rng.randint(1, 9)))
        with contextlib.suppress(BerthError):  # any other exception fails the test
            parse(text)


def test_parsed_results_are_frozen() -> None:
    (comparison,) = parse_run_filter("metrics.a > 1")
    with pytest.raises(dataclasses.FrozenInstanceError):
        comparison.key = "b"  # type: ignore[misc]


# --- order_by --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("clause", "expected"),
    [
        ("metrics.acc", OrderKey("metric", "acc", True)),
        ("metrics.acc DESC", OrderKey("metric", "acc", False)),
        ("metrics.acc desc", OrderKey("metric", "acc", False)),
        ("metric.acc ASC", OrderKey("metric", "acc", True)),
        ("metrics.`a b` DESC", OrderKey("metric", "a b", False)),
        ('metrics."a b" asc', OrderKey("metric", "a b", True)),
        ("metrics.a.b", OrderKey("metric", "a.b", True)),
        ("params.lr", OrderKey("param", "lr", True)),
        ("parameters.lr DESC", OrderKey("param", "lr", False)),
        ("tags.x DESC", OrderKey("tag", "x", False)),
        ("attributes.start_time", OrderKey("attribute", "start_time", True)),
        ("start_time DESC", OrderKey("attribute", "start_time", False)),
        ("created", OrderKey("attribute", "start_time", True)),
        ("Created DESC", OrderKey("attribute", "start_time", False)),
        ("`end_time` DESC", OrderKey("attribute", "end_time", False)),
        ("run_name", OrderKey("attribute", "run_name", True)),
        ("status", OrderKey("attribute", "status", True)),
        ("run_id", OrderKey("attribute", "run_id", True)),
        ("artifact_uri", OrderKey("attribute", "artifact_uri", True)),
        ("user_id", OrderKey("attribute", "user_id", True)),
    ],
)
def test_run_order_by_accepts_mlflow_clause(clause: str, expected: OrderKey) -> None:
    assert parse_run_order_by([clause]) == [expected]


def test_order_by_keeps_clause_order() -> None:
    assert parse_run_order_by(["metrics.a DESC", "params.b", "start_time ASC"]) == [
        OrderKey("metric", "a", False),
        OrderKey("param", "b", True),
        OrderKey("attribute", "start_time", True),
    ]


def test_empty_order_by_is_empty() -> None:
    assert parse_run_order_by([]) == []
    assert parse_experiment_order_by([]) == []


@pytest.mark.parametrize(
    ("clause", "message"),
    [
        ("foo", "Invalid order_by attribute 'foo' for runs"),
        ("`Run name`", "Invalid order_by attribute 'Run name' for runs"),
        ("datasets.name", "Cannot order runs by dataset 'name'"),
        ("foo.bar", "Invalid entity type 'foo'"),
        ("metrics.acc DESC ASC", "Unexpected 'ASC' at position 17"),
        ("metrics.acc foo", "Expected ASC or DESC, found 'foo'"),
        ("metrics.acc NULLS LAST", "Expected ASC or DESC, found 'NULLS'"),
        ("metrics.acc 'DESC'", "Expected ASC or DESC, found 'DESC'"),
        ("metrics.a, metrics.b", "Expected ASC or DESC, found ','"),
        ("", "Expected an identifier such as metrics.<key>, found the end of the input"),
        ("DESC", "Expected an identifier such as metrics.<key>, found 'DESC'"),
        ("metrics.a/b", "Unexpected character '/'"),
    ],
)
def test_run_order_by_rejects_what_mlflow_rejects(clause: str, message: str) -> None:
    assert message in error_of(parse_run_order_by, [clause])


def test_order_by_error_names_the_clause() -> None:
    assert error_of(parse_run_order_by, ["metrics.a", "metrics.b sideways"]) == (
        "Invalid order_by clause 'metrics.b sideways': "
        "Expected ASC or DESC, found 'sideways' at position 10"
    )


@pytest.mark.parametrize(
    "clauses",
    [["metrics.a", "metrics.a DESC"], ["start_time", "created DESC"], ["tags.t", "tag.t"]],
)
def test_run_order_by_rejects_duplicate_keys(clauses: list[str]) -> None:
    assert "twice" in error_of(parse_run_order_by, clauses)


def test_same_key_of_different_kinds_is_not_a_duplicate() -> None:
    assert parse_run_order_by(["metrics.a", "params.a"]) == [
        OrderKey("metric", "a", True),
        OrderKey("param", "a", True),
    ]


@pytest.mark.parametrize(
    ("clause", "expected"),
    [
        ("name", OrderKey("attribute", "name", True)),
        ("name DESC", OrderKey("attribute", "name", False)),
        ("experiment_id ASC", OrderKey("attribute", "experiment_id", True)),
        ("creation_time", OrderKey("attribute", "creation_time", True)),
        ("last_update_time desc", OrderKey("attribute", "last_update_time", False)),
        ("attribute.name", OrderKey("attribute", "name", True)),
        ("`name` DESC", OrderKey("attribute", "name", False)),
    ],
)
def test_experiment_order_by_accepts_mlflow_clause(clause: str, expected: OrderKey) -> None:
    assert parse_experiment_order_by([clause]) == [expected]


@pytest.mark.parametrize(
    ("clause", "message"),
    [
        ("attributes.name", "Invalid entity type 'attributes'"),
        ("tags.x", "Cannot order experiments by tag 'x'"),
        ("foo", "Invalid order_by attribute 'foo' for experiments"),
        ("run_name", "Invalid order_by attribute 'run_name' for experiments"),
        ("name UP", "Expected ASC or DESC, found 'UP'"),
    ],
)
def test_experiment_order_by_rejects_what_mlflow_rejects(clause: str, message: str) -> None:
    assert message in error_of(parse_experiment_order_by, [clause])


def test_experiment_order_by_allows_repeated_keys_like_mlflow() -> None:
    assert parse_experiment_order_by(["name", "name DESC"]) == [
        OrderKey("attribute", "name", True),
        OrderKey("attribute", "name", False),
    ]
