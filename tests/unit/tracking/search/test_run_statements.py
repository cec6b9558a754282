"""A run search's statements are built once per shape of search and run with its values."""

from __future__ import annotations

from berth.tracking.entities import LifecycleStage
from berth.tracking.search.grammar import parse_run_filter, parse_run_order_by
from berth.tracking.search.run_sql import page_statements

ACTIVE = [LifecycleStage.ACTIVE]


def test_searches_of_one_shape_share_their_statements_and_differ_in_values() -> None:
    order = parse_run_order_by(["metrics.m2 DESC"])
    first, first_values = page_statements(
        [1], ACTIVE, parse_run_filter("metrics.m1 > 0.5 and params.p1 = 'x'"), order
    )
    second, second_values = page_statements(
        [2, 3], ACTIVE, parse_run_filter("metrics.m1 > 0.25 and params.p1 = 'y'"), order
    )

    assert all(a is b for a, b in zip(first, second, strict=True))
    assert (first_values["value_0"], first_values["value_1"]) == (0.5, "x")
    assert (second_values["value_0"], second_values["value_1"]) == (0.25, "y")
    assert second_values["experiment_ids"] == [2, 3]


def test_a_different_field_operator_or_list_length_is_another_statement() -> None:
    def statements(filter_string: str) -> object:
        return page_statements([1], ACTIVE, parse_run_filter(filter_string), [])[0][0]

    base = statements("params.p1 = 'x'")

    assert statements("params.p2 = 'x'") is not base
    assert statements("params.p1 != 'x'") is not base
    assert statements("attributes.run_id IN ('a')") is not statements(
        "attributes.run_id IN ('a', 'b')"
    )


def test_each_value_of_a_list_is_its_own_parameter() -> None:
    _, values = page_statements(
        [1], ACTIVE, parse_run_filter("attributes.run_id IN ('a', 'b')"), []
    )

    assert (values["value_0_0"], values["value_0_1"]) == ("a", "b")
