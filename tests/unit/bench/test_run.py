"""How ``make bench`` orders its measurements."""

from __future__ import annotations

from bench.run import alternating


def test_the_server_that_goes_first_alternates_from_scenario_to_scenario() -> None:
    servers = ["mlflow", "berth"]

    orders = [list(alternating(servers, index)) for index in range(4)]

    assert orders == [
        ["mlflow", "berth"],
        ["berth", "mlflow"],
        ["mlflow", "berth"],
        ["berth", "mlflow"],
    ]
