"""Behaviours of the contract, each written once and checked across both wires: written over
``transport`` and read back over ``other`` (REST -> gRPC and gRPC -> REST), on SQLite and
PostgreSQL. Failures carry the same MLflow error code on both."""

from __future__ import annotations

import pytest

from berth.proto import registry_pb2 as reg
from berth.proto import tracking_pb2 as pb
from tests.integration.transports.support import CallFailed, Entry, Transport


async def _experiment(transport: Transport, name: str) -> str:
    response = await transport.call(
        "CreateExperiment", pb.CreateExperiment(name=name), pb.CreateExperiment.Response
    )
    experiment_id: str = response.experiment_id
    return experiment_id


async def _run(transport: Transport, experiment_id: str = "0") -> str:
    response = await transport.call(
        "CreateRun",
        pb.CreateRun(experiment_id=experiment_id, start_time=1000),
        pb.CreateRun.Response,
    )
    run_id: str = response.run.info.run_id
    return run_id


async def test_an_experiment_created_on_one_wire_is_read_on_the_other(
    transport: Transport, other: Transport
) -> None:
    experiment_id = await _experiment(transport, "contract")

    by_id = await other.call(
        "GetExperiment", pb.GetExperiment(experiment_id=experiment_id), pb.GetExperiment.Response
    )
    by_name = await other.call(
        "GetExperimentByName",
        pb.GetExperimentByName(experiment_name="contract"),
        pb.GetExperimentByName.Response,
    )

    assert by_id.experiment.name == "contract"
    assert by_name.experiment.experiment_id == experiment_id
    assert by_id.experiment.lifecycle_stage == "active"


async def test_search_finds_experiments_created_on_the_other_wire(
    transport: Transport, other: Transport
) -> None:
    for name in ("a", "b"):
        await _experiment(transport, name)

    found = await other.call(
        "SearchExperiments",
        pb.SearchExperiments(filter="name LIKE '%'", order_by=["name ASC"], max_results=10),
        pb.SearchExperiments.Response,
    )

    assert [e.name for e in found.experiments] == ["Default", "a", "b"]


async def test_a_missing_experiment_is_resource_does_not_exist(transport: Transport) -> None:
    with pytest.raises(CallFailed) as failed:
        await transport.call(
            "GetExperiment", pb.GetExperiment(experiment_id="123456"), pb.GetExperiment.Response
        )

    assert failed.value.error_code == "RESOURCE_DOES_NOT_EXIST"


async def test_a_taken_experiment_name_is_resource_already_exists(
    transport: Transport, other: Transport
) -> None:
    await _experiment(transport, "taken")

    with pytest.raises(CallFailed) as failed:
        await _experiment(other, "taken")

    assert failed.value.error_code == "RESOURCE_ALREADY_EXISTS"


async def test_a_missing_required_field_is_invalid_parameter_value(transport: Transport) -> None:
    with pytest.raises(CallFailed) as failed:
        await transport.call(
            "CreateExperiment", pb.CreateExperiment(), pb.CreateExperiment.Response
        )

    assert failed.value.error_code == "INVALID_PARAMETER_VALUE"


async def test_a_batch_logged_on_one_wire_is_in_the_run_on_the_other(
    transport: Transport, other: Transport
) -> None:
    run_id = await _run(transport)
    await transport.call(
        "LogBatch",
        pb.LogBatch(
            run_id=run_id,
            metrics=[
                pb.Metric(key="loss", value=v, timestamp=5, step=s) for s, v in [(0, 1.0), (1, 0.5)]
            ],
            params=[pb.Param(key="lr", value="0.1")],
            tags=[pb.RunTag(key="team", value="ml")],
        ),
        pb.LogBatch.Response,
    )

    run = (await other.call("GetRun", pb.GetRun(run_id=run_id), pb.GetRun.Response)).run
    history = await other.call(
        "GetMetricHistory",
        pb.GetMetricHistory(run_id=run_id, metric_key="loss"),
        pb.GetMetricHistory.Response,
    )

    assert [(m.key, m.value, m.step) for m in run.data.metrics] == [("loss", 0.5, 1)]
    assert [(p.key, p.value) for p in run.data.params] == [("lr", "0.1")]
    assert ("team", "ml") in [(t.key, t.value) for t in run.data.tags]
    assert [(m.step, m.value) for m in history.metrics] == [(0, 1.0), (1, 0.5)]


async def test_a_run_deleted_on_one_wire_is_deleted_on_the_other(
    transport: Transport, other: Transport
) -> None:
    run_id = await _run(transport)

    await transport.call("DeleteRun", pb.DeleteRun(run_id=run_id), pb.DeleteRun.Response)
    run = (await other.call("GetRun", pb.GetRun(run_id=run_id), pb.GetRun.Response)).run

    assert run.info.lifecycle_stage == "deleted"


async def test_datasets_logged_on_one_wire_are_summarised_on_the_other(
    transport: Transport, other: Transport
) -> None:
    experiment_id = await _experiment(transport, "with-datasets")
    run_id = await _run(transport, experiment_id)
    dataset = pb.Dataset(name="train", digest="d1", source_type="local", source="{}")
    await transport.call(
        "LogInputs",
        pb.LogInputs(
            run_id=run_id,
            datasets=[
                pb.DatasetInput(
                    dataset=dataset, tags=[pb.InputTag(key="mlflow.data.context", value="eval")]
                )
            ],
        ),
        pb.LogInputs.Response,
    )

    found = await other.call(
        "SearchDatasets",
        pb.SearchDatasets(experiment_ids=[experiment_id]),
        pb.SearchDatasets.Response,
    )

    assert list(found.dataset_summaries) == [
        pb.DatasetSummary(experiment_id=experiment_id, name="train", digest="d1", context="eval")
    ]


async def test_histories_logged_on_one_wire_are_read_in_bulk_on_the_other(
    transport: Transport, other: Transport
) -> None:
    run_ids = sorted([await _run(transport), await _run(transport)])
    for run_id in run_ids:
        await transport.call(
            "LogBatch",
            pb.LogBatch(
                run_id=run_id,
                metrics=[pb.Metric(key="loss", value=1.0 / t, timestamp=t, step=0) for t in (2, 1)],
            ),
            pb.LogBatch.Response,
        )

    bulk = await other.call(
        "GetMetricHistoryBulk",
        pb.GetMetricHistoryBulk(run_id=run_ids, metric_key="loss"),
        pb.GetMetricHistoryBulk.Response,
    )

    assert [(m.run_id, m.timestamp, m.value) for m in bulk.metrics] == [
        (run_id, t, 1.0 / t) for run_id in run_ids for t in (1, 2)
    ]


async def test_a_registered_model_created_on_one_wire_is_read_on_the_other(
    transport: Transport, other: Transport
) -> None:
    await transport.call(
        "CreateRegisteredModel",
        reg.CreateRegisteredModel(name="m", description="first"),
        reg.CreateRegisteredModel.Response,
    )
    await transport.call(
        "SetRegisteredModelTag",
        reg.SetRegisteredModelTag(name="m", key="k", value="v"),
        reg.SetRegisteredModelTag.Response,
    )

    model = (
        await other.call(
            "GetRegisteredModel", reg.GetRegisteredModel(name="m"), reg.GetRegisteredModel.Response
        )
    ).registered_model

    assert (model.name, model.description) == ("m", "first")
    assert [(t.key, t.value) for t in model.tags] == [("k", "v")]


async def test_a_version_aliased_on_one_wire_is_found_by_alias_on_the_other(
    transport: Transport, other: Transport
) -> None:
    run_id = await _run(transport)
    await transport.call(
        "CreateRegisteredModel",
        reg.CreateRegisteredModel(name="m"),
        reg.CreateRegisteredModel.Response,
    )
    version = await transport.call(
        "CreateModelVersion",
        reg.CreateModelVersion(name="m", source=f"runs:/{run_id}/model", run_id=run_id),
        reg.CreateModelVersion.Response,
    )
    await transport.call(
        "SetRegisteredModelAlias",
        reg.SetRegisteredModelAlias(name="m", alias="champion", version="1"),
        reg.SetRegisteredModelAlias.Response,
    )

    found = await other.call(
        "GetModelVersionByAlias",
        reg.GetModelVersionByAlias(name="m", alias="champion"),
        reg.GetModelVersionByAlias.Response,
    )

    assert version.model_version.version == "1"
    assert found.model_version.version == "1"
    assert found.model_version.run_id == run_id
    assert list(found.model_version.aliases) == ["champion"]


async def test_a_model_deleted_on_one_wire_is_gone_on_the_other(
    transport: Transport, other: Transport
) -> None:
    await transport.call(
        "CreateRegisteredModel",
        reg.CreateRegisteredModel(name="m"),
        reg.CreateRegisteredModel.Response,
    )
    await transport.call(
        "DeleteRegisteredModel",
        reg.DeleteRegisteredModel(name="m"),
        reg.DeleteRegisteredModel.Response,
    )

    with pytest.raises(CallFailed) as failed:
        await other.call(
            "GetRegisteredModel", reg.GetRegisteredModel(name="m"), reg.GetRegisteredModel.Response
        )

    assert failed.value.error_code == "RESOURCE_DOES_NOT_EXIST"


async def test_an_artifact_uploaded_on_one_wire_is_listed_and_downloaded_on_the_other(
    transport: Transport, other: Transport
) -> None:
    data = bytes(range(256)) * 5000  # more than one 1 MiB chunk
    await transport.upload("run/model/weights.bin", data)

    assert await other.download("run/model/weights.bin") == data
    assert await other.list("run/model") == [Entry("weights.bin", False, len(data))]
    assert await other.list("run") == [Entry("model", True, None)]


async def test_an_artifact_deleted_on_one_wire_is_gone_on_the_other(
    transport: Transport, other: Transport
) -> None:
    await other.upload("dir/file.txt", b"x")

    await transport.delete("dir")

    with pytest.raises(CallFailed) as failed:
        await other.download("dir/file.txt")
    assert failed.value.error_code == "RESOURCE_DOES_NOT_EXIST"
    assert await other.list("dir") == []


ESCAPES = ["%2e%2e/escape.txt", "a/%2e%2e/%2e%2e/escape.txt", "a\\..\\b.txt"]


@pytest.mark.parametrize("path", ESCAPES)
async def test_a_path_leaving_the_store_is_refused(transport: Transport, path: str) -> None:
    with pytest.raises(CallFailed) as failed:
        await transport.upload(path, b"x")

    assert failed.value.error_code == "INVALID_PARAMETER_VALUE"
