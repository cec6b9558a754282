"""How experiment search breaks ties, as MLflow does."""

from __future__ import annotations

from berth.tracking.entities import ViewType
from berth.tracking.service import TrackingService


async def _created_together(service: TrackingService) -> list[str]:
    """Three experiments with one creation time (the test clock does not move)."""
    return [await service.create_experiment(name, None, []) for name in ("a", "b", "c")]


async def _order(service: TrackingService, order_by: list[str]) -> list[str]:
    page = await service.search_experiments(
        ViewType.ACTIVE_ONLY, None, "name != 'Default'", order_by, None
    )
    return [e.experiment_id for e in page.items]


async def test_without_an_order_ties_go_to_the_lowest_id(service: TrackingService) -> None:
    ids = await _created_together(service)

    assert await _order(service, []) == ids


async def test_after_an_explicit_order_ties_go_to_the_highest_id(
    service: TrackingService,
) -> None:
    ids = await _created_together(service)

    assert await _order(service, ["creation_time ASC"]) == ids[::-1]
