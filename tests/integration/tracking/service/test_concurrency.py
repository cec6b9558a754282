"""Concurrent requests keep MLflow's rules: the database, not a read before the write, decides."""

from __future__ import annotations

import asyncio

from berth.errors import BerthError, ErrorCode
from berth.tracking.entities import DatasetInput, Metric, Param, Tag
from tests.integration.tracking.service.support import Tracking, dataset


async def test_racing_different_values_for_one_param_leave_exactly_one(
    tracking: Tracking,
) -> None:
    run_id = await tracking.run("0")

    outcomes = await asyncio.gather(
        *(tracking.service.log_param(run_id, Param("lr", str(i))) for i in range(6)),
        return_exceptions=True,
    )

    refused = [o for o in outcomes if isinstance(o, BerthError)]
    assert len(refused) == 5
    assert {e.code for e in refused} == {ErrorCode.INVALID_PARAMETER_VALUE}
    run = await tracking.service.get_run(run_id)
    assert len(run.params) == 1


async def test_racing_inputs_of_one_dataset_record_it_once(tracking: Tracking) -> None:
    run_id = await tracking.run("0")
    same = DatasetInput(dataset())

    outcomes = await asyncio.gather(
        *(tracking.service.log_inputs(run_id, [same], []) for _ in range(6)),
        return_exceptions=True,
    )

    assert [o for o in outcomes if isinstance(o, BaseException)] == []
    assert len((await tracking.service.get_run(run_id)).dataset_inputs) == 1


async def test_batches_naming_the_same_keys_in_opposite_orders_do_not_deadlock(
    tracking: Tracking,
) -> None:
    run_id = await tracking.run("0")
    keys = [f"k{i}" for i in range(30)]

    def batch(order: list[str], step: int) -> list[Metric]:
        return [Metric(key, float(step), step, step) for key in order]

    for step in range(5):
        await asyncio.gather(
            tracking.service.log_batch(run_id, batch(keys, step), (), [Tag(k, "a") for k in keys]),
            tracking.service.log_batch(
                run_id, batch(keys[::-1], step), (), [Tag(k, "b") for k in keys[::-1]]
            ),
        )

    run = await tracking.service.get_run(run_id)
    assert {m.key: m.step for m in run.metrics} == dict.fromkeys(keys, 4)
