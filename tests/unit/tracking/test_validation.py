"""MLflow's logging limits, checked before anything is written; messages name the field."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from berth.errors import BerthError, ErrorCode
from berth.tracking import validation
from berth.tracking.entities import Dataset, DatasetInput, Metric, Param, Tag


def refusal(check: Callable[..., None], *args: Any) -> str:
    with pytest.raises(BerthError) as raised:
        check(*args)
    assert raised.value.code is ErrorCode.INVALID_PARAMETER_VALUE
    return raised.value.message


def metric(key: str = "m", timestamp: int = 1, value: float = 1.0) -> Metric:
    return Metric(key=key, value=value, timestamp=timestamp, step=0)


def metrics(count: int) -> list[Metric]:
    return [metric(f"m{i}") for i in range(count)]


def params(count: int) -> list[Param]:
    return [Param(f"p{i}", "v") for i in range(count)]


def tags(count: int) -> list[Tag]:
    return [Tag(f"t{i}", "v") for i in range(count)]


def dataset(**changes: Any) -> DatasetInput:
    fields = {"name": "d", "digest": "abc", "source_type": "local", "source": "{}", **changes}
    return DatasetInput(Dataset(**fields))


# --- keys --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "key",
    ["a", "a/b", "a.b-c_d e:f", "metrics/val loss", "k" * 250, "données", "a..b", "x/y.z"],
)
def test_safe_keys_are_accepted(key: str) -> None:
    validation.validate_key(key)


def test_empty_key_is_refused_as_missing() -> None:
    assert refusal(validation.validate_key, "").startswith("Missing value for parameter 'key'")


def test_key_over_250_characters_is_refused() -> None:
    message = refusal(validation.validate_key, "k" * 251)

    assert "'key' exceeds the maximum length of 250 characters" in message


@pytest.mark.parametrize("key", ["a!b", "a\\b", "a;b", "a\x00b", "a\tb", "a*", "$HOME", "a|b"])
def test_keys_outside_the_safe_alphabet_are_refused(key: str) -> None:
    assert "Names may only contain" in refusal(validation.validate_key, key)


@pytest.mark.parametrize("key", ["a/../b", "/abs", "../up", "..", ".", "a/", "a//b", "./a", "a/."])
def test_keys_that_resolve_to_other_paths_are_refused(key: str) -> None:
    assert "must not resolve to other names" in refusal(validation.validate_key, key)


def test_key_refusal_names_the_field_path() -> None:
    message = refusal(validation.validate_key, "a!b", "params[3].key")

    assert "'params[3].key'" in message


def test_key_with_a_trailing_newline_is_refused() -> None:
    refusal(validation.validate_key, "abc\n")


# --- values ------------------------------------------------------------------------------------


def test_param_value_of_6000_characters_is_accepted() -> None:
    validation.validate_param(Param("p", "v" * 6000))


def test_param_value_over_6000_characters_is_refused_naming_the_value() -> None:
    message = refusal(validation.validate_param, Param("p", "v" * 6001), "params[2]")

    assert message == "'params[2].value' exceeds the maximum length of 6000 characters."


def test_tag_value_of_8000_characters_is_accepted() -> None:
    validation.validate_tag(Tag("t", "v" * 8000))


def test_tag_value_over_8000_characters_is_refused() -> None:
    assert "8000" in refusal(validation.validate_tag, Tag("t", "v" * 8001))


def test_experiment_tag_values_may_reach_20000_characters() -> None:
    validation.validate_experiment_tag(Tag("t", "v" * 20000))


def test_experiment_tag_value_over_20000_characters_is_refused() -> None:
    assert "20000" in refusal(validation.validate_experiment_tag, Tag("t", "v" * 20001))


def test_length_of_none_is_not_checked() -> None:
    validation.validate_length("schema", None, 1)


def test_experiment_name_must_not_be_empty() -> None:
    assert "must be non-empty" in refusal(validation.validate_experiment_name, "")


def test_experiment_name_of_500_characters_is_accepted() -> None:
    validation.validate_experiment_name("e" * 500)


def test_experiment_name_over_500_characters_is_refused() -> None:
    assert "'name'" in refusal(validation.validate_experiment_name, "e" * 501)


# --- metrics -----------------------------------------------------------------------------------


def test_negative_metric_timestamp_is_refused_naming_the_field() -> None:
    message = refusal(validation.validate_metric, metric(timestamp=-1), "metrics[0]")

    assert "'metrics[0].timestamp'" in message


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf"), -1e308])
def test_any_metric_value_is_accepted(value: float) -> None:
    validation.validate_metric(metric(value=value))


def test_metric_key_is_checked_like_any_key() -> None:
    assert "'metrics[1].key'" in refusal(validation.validate_metric, metric("a/../b"), "metrics[1]")


# --- batches -----------------------------------------------------------------------------------


def test_batch_at_every_limit_is_accepted() -> None:
    validation.validate_batch(metrics(800), params(100), tags(100))


def test_batch_of_more_than_1000_metrics_is_refused() -> None:
    message = refusal(validation.validate_batch, metrics(1001), [], [])

    assert "at most 1000 metrics. Got 1001 metrics" in message


def test_batch_of_more_than_100_params_is_refused() -> None:
    assert "at most 100 params" in refusal(validation.validate_batch, [], params(101), [])


def test_batch_of_more_than_100_tags_is_refused() -> None:
    assert "at most 100 tags" in refusal(validation.validate_batch, [], [], tags(101))


def test_batch_of_more_than_1000_entries_in_all_is_refused() -> None:
    message = refusal(validation.validate_batch, metrics(901), params(100), [])

    assert "at most 1000 metrics, params, and tags" in message


def test_batch_entry_refusal_names_its_index() -> None:
    batch = [*metrics(2), metric("bad!")]

    assert "'metrics[2].key'" in refusal(validation.validate_batch, batch, [], [])


def test_batch_param_refusal_names_its_index() -> None:
    batch = [Param("ok", "v"), Param("long", "v" * 6001)]

    assert "'params[1].value'" in refusal(validation.validate_batch, [], batch, [])


def test_batch_with_duplicate_param_keys_is_refused_listing_them() -> None:
    batch = [Param("b", "1"), Param("a", "1"), Param("b", "2"), Param("a", "1")]

    message = refusal(validation.validate_batch, [], batch, [])

    assert "Duplicate parameter keys have been submitted: ['a', 'b']" in message


def test_batch_may_repeat_metric_keys() -> None:
    validation.validate_batch([metric("m"), metric("m")], [], [])


# --- dataset inputs ----------------------------------------------------------------------------


def test_complete_dataset_input_is_accepted() -> None:
    validation.validate_dataset_inputs([dataset(schema="{}", profile=None)])


@pytest.mark.parametrize("field", ["name", "digest", "source_type", "source"])
def test_dataset_without_a_required_field_is_refused_naming_it(field: str) -> None:
    message = refusal(validation.validate_dataset_inputs, [dataset(), dataset(**{field: ""})])

    assert f"'datasets[1].dataset.{field}'" in message


def test_dataset_digest_over_36_characters_is_refused() -> None:
    message = refusal(validation.validate_dataset_inputs, [dataset(digest="d" * 37)])

    assert "'datasets[0].dataset.digest'" in message


def test_dataset_input_tag_without_a_key_is_refused() -> None:
    inputs = [DatasetInput(dataset().dataset, (Tag("", "v"),))]

    assert "'datasets[0].tags[0].key'" in refusal(validation.validate_dataset_inputs, inputs)


def test_dataset_input_tag_value_over_500_characters_is_refused() -> None:
    inputs = [DatasetInput(dataset().dataset, (Tag("k", "v" * 501),))]

    assert "'datasets[0].tags[0].value'" in refusal(validation.validate_dataset_inputs, inputs)


def test_more_than_1000_datasets_are_refused() -> None:
    assert "at most 1000 datasets" in refusal(
        validation.validate_dataset_inputs, [dataset()] * 1001
    )
