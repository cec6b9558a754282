"""The gRPC server beside the REST app: what each mode serves, health as readiness, reflection,
error statuses with MLflow's code in the trailers, deadlines."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

import berth.app
from berth.client import AsyncBerthClient, BerthClientError
from berth.client.tracking import committed_before
from berth.proto import tracking_pb2 as pb
from berth.proto import tracking_pb2_grpc
from berth.wire.grpc import ERROR_CODE_KEY
from tests.integration.transports.support import Running, running, settings

TRACKING = "berth.v1.TrackingService"
REGISTRY = "berth.v1.RegistryService"
ARTIFACTS = "berth.v1.ArtifactService"
HEALTH = "grpc.health.v1.Health"
REFLECTION = "grpc.reflection.v1alpha.ServerReflection"


async def _services(target: str) -> set[str]:
    async with grpc.aio.insecure_channel(target) as channel:
        stub = reflection_pb2_grpc.ServerReflectionStub(channel)
        request = reflection_pb2.ServerReflectionRequest(list_services="")
        async for response in stub.ServerReflectionInfo(iter([request])):
            return {s.name for s in response.list_services_response.service}
    raise AssertionError("no reflection response")


async def _health(target: str, service: str = "") -> int:
    async with grpc.aio.insecure_channel(target) as channel:
        stub = health_pb2_grpc.HealthStub(channel)
        response = await stub.Check(health_pb2.HealthCheckRequest(service=service), timeout=10)
        return int(response.status)


async def test_reflection_lists_the_services_of_a_full_server(app: Running) -> None:
    assert await _services(app.target) == {TRACKING, REGISTRY, ARTIFACTS, HEALTH, REFLECTION}


@pytest.mark.parametrize(
    ("mode", "served"),
    [
        ({"serve_artifacts": False}, {TRACKING, REGISTRY}),
        ({"registry_only": True}, {REGISTRY}),
        ({"artifacts_only": True}, {ARTIFACTS}),
    ],
    ids=["direct", "registry-only", "artifacts-only"],
)
async def test_each_mode_serves_over_grpc_what_it_serves_over_rest(
    tmp_path: Path, mode: dict[str, object], served: set[str]
) -> None:
    fields = {
        "backend_store_uri": f"sqlite:///{tmp_path / 'b.db'}",
        "artifacts_destination": str(tmp_path / "store"),
        **mode,
    }
    async with running(settings(**fields)) as app:
        assert await _services(app.target) == {*served, HEALTH, REFLECTION}
        if ARTIFACTS not in served:
            with pytest.raises(BerthClientError) as failed:
                await app.grpc.client.artifacts.list_artifacts(path="")
            assert failed.value.status is grpc.StatusCode.UNIMPLEMENTED
            assert failed.value.error_code == "ENDPOINT_NOT_FOUND"


@pytest.mark.parametrize("service", ["", TRACKING, REGISTRY, ARTIFACTS])
async def test_health_is_serving_when_ready(app: Running, service: str) -> None:
    assert await _health(app.target, service) == health_pb2.HealthCheckResponse.SERVING


async def test_health_is_not_serving_when_the_database_is_unreachable(tmp_path: Path) -> None:
    database = tmp_path / "b.db"
    fields = {"backend_store_uri": f"sqlite:///{database}", "artifacts_destination": str(tmp_path)}
    async with running(settings(**fields)) as app:
        assert await _health(app.target) == health_pb2.HealthCheckResponse.SERVING
        database.unlink()
        database.mkdir()  # no database can be opened there any more

        assert await _health(app.target) == health_pb2.HealthCheckResponse.NOT_SERVING
        assert await _health(app.target, TRACKING) == health_pb2.HealthCheckResponse.NOT_SERVING


async def test_health_follows_the_artifact_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(berth.app, "STORE_CHECK_TTL_SECONDS", 0.0)
    store = tmp_path / "store"
    fields = {"artifacts_only": True, "artifacts_destination": str(store)}
    async with running(settings(**fields)) as app:
        assert await _health(app.target) == health_pb2.HealthCheckResponse.SERVING
        shutil.rmtree(store)
        store.write_text("a file where the store's directory was")
        assert await _health(app.target, ARTIFACTS) == health_pb2.HealthCheckResponse.NOT_SERVING

        store.unlink()
        assert await _health(app.target, ARTIFACTS) == health_pb2.HealthCheckResponse.SERVING


@pytest.mark.parametrize(
    ("request_message", "status", "code"),
    [
        (pb.GetExperiment(experiment_id="404"), "NOT_FOUND", "RESOURCE_DOES_NOT_EXIST"),
        (pb.GetExperiment(), "INVALID_ARGUMENT", "INVALID_PARAMETER_VALUE"),
        (pb.GetExperiment(experiment_id="x"), "INVALID_ARGUMENT", "INVALID_PARAMETER_VALUE"),
    ],
)
async def test_errors_carry_the_status_of_the_error_table_and_mlflows_code(
    app: Running, request_message: pb.GetExperiment, status: str, code: str
) -> None:
    async with grpc.aio.insecure_channel(app.target) as channel:
        stub = tracking_pb2_grpc.TrackingServiceStub(channel)
        with pytest.raises(grpc.aio.AioRpcError) as failed:
            await stub.GetExperiment(request_message)

    assert failed.value.code() is grpc.StatusCode[status]
    assert (ERROR_CODE_KEY, code) in tuple(failed.value.trailing_metadata() or ())
    assert failed.value.details()


async def test_an_existing_name_is_already_exists(app: Running) -> None:
    await app.grpc.client.tracking.create_experiment(name="twice")
    with pytest.raises(BerthClientError) as failed:
        await app.grpc.client.tracking.create_experiment(name="twice")

    assert failed.value.status is grpc.StatusCode.ALREADY_EXISTS
    assert failed.value.error_code == "RESOURCE_ALREADY_EXISTS"


async def test_a_stream_past_its_deadline_is_deadline_exceeded_and_the_server_stops(
    app: Running,
) -> None:
    tracking = app.grpc.client.tracking
    run_id = (await tracking.create_run(experiment_id="0")).run.info.run_id
    sent_after_deadline = asyncio.Event()

    async def slow() -> AsyncIterator[pb.Metric]:
        yield pb.Metric(key="m", value=1.0, timestamp=1, step=0)
        await asyncio.sleep(1.0)
        sent_after_deadline.set()
        yield pb.Metric(key="m", value=2.0, timestamp=1, step=1)

    with pytest.raises(BerthClientError) as failed:
        await tracking.log_metrics(run_id, slow(), batch_size=1, timeout=0.3)

    assert failed.value.status is grpc.StatusCode.DEADLINE_EXCEEDED
    assert committed_before(failed.value) is None  # the server could not say
    await asyncio.sleep(1.0)
    history = await tracking.get_metric_history(run_id=run_id, metric_key="m")
    assert [m.step for m in history.metrics] == [0]  # the batch before the deadline, only


async def test_a_client_with_an_unreachable_server_fails_with_unavailable() -> None:
    async with AsyncBerthClient("127.0.0.1:1") as client:
        with pytest.raises(BerthClientError) as failed:
            await client.tracking.get_experiment(experiment_id="0", timeout=2)

    assert failed.value.status in (
        grpc.StatusCode.UNAVAILABLE,
        grpc.StatusCode.DEADLINE_EXCEEDED,
    )
    assert failed.value.error_code == "TEMPORARILY_UNAVAILABLE"
