"""The client covers the contract: every unary rpc of each service is a typed method of the
blocking and the asyncio client, and the streaming rpcs have their own methods."""

from __future__ import annotations

import grpc
import pytest
from google.protobuf.descriptor import MethodDescriptor
from google.protobuf.message_factory import GetMessageClass

from berth.app import ARTIFACTS, REGISTRY, TRACKING
from berth.client import AsyncBerthClient, BerthClient, BerthClientError
from berth.client.artifacts import ArtifactClient, ArtifactMethods, AsyncArtifactClient
from berth.client.calls import Unary
from berth.client.errors import ERROR_CODE_KEY
from berth.client.registry import RegistryMethods
from berth.client.tracking import AsyncTrackingClient, TrackingClient, TrackingMethods
from berth.proto import tracking_pb2 as pb
from berth.wire import grpc as grpc_edge
from berth.wire.rpc import handler_name

TABLES = {TRACKING: TrackingMethods, REGISTRY: RegistryMethods, ARTIFACTS: ArtifactMethods}
METHODS = [m for service in TABLES for m in service.methods]
CLIENTS: dict[type, tuple[type, ...]] = {
    TrackingMethods: (TrackingClient, AsyncTrackingClient),
    ArtifactMethods: (ArtifactClient, AsyncArtifactClient),
}
STREAMING = {"LogMetrics": "log_metrics", "UploadArtifact": "upload_artifact",
             "DownloadArtifact": "download_artifact"}  # fmt: skip


@pytest.mark.parametrize("method", METHODS, ids=lambda m: m.name)
def test_every_rpc_has_a_client_method(method: MethodDescriptor) -> None:
    table = TABLES[method.containing_service]
    assert method.containing_service.full_name == table.SERVICE
    if method.client_streaming or method.server_streaming:
        name = STREAMING[method.name]
        for client in CLIENTS[table]:
            assert callable(getattr(client, name))
        return
    unary = table.__dict__[handler_name(method.name)]
    assert isinstance(unary, Unary)
    assert unary.rpc == method.name
    assert unary.request_type is GetMessageClass(method.input_type)
    assert unary.response_type is GetMessageClass(method.output_type)


def test_the_client_reads_the_code_from_the_key_the_server_writes() -> None:
    assert ERROR_CODE_KEY == grpc_edge.ERROR_CODE_KEY


def test_a_request_is_its_message_or_its_fields_not_both() -> None:
    client = BerthClient("127.0.0.1:1")
    with pytest.raises(TypeError, match="not both"):
        client.tracking.get_run(pb.GetRun(run_id="x"), run_id="x")
    client.close()


class _Failed(grpc.RpcError):
    def __init__(self, trailers: tuple[tuple[str, str], ...]) -> None:
        self._trailers = trailers

    def code(self) -> grpc.StatusCode:
        return grpc.StatusCode.NOT_FOUND

    def details(self) -> str:
        return "No run"

    def trailing_metadata(self) -> tuple[tuple[str, str], ...]:
        return self._trailers


def test_an_error_takes_mlflows_code_from_the_trailers() -> None:
    error = BerthClientError.from_rpc_error(_Failed(((ERROR_CODE_KEY, "RESOURCE_DOES_NOT_EXIST"),)))

    assert (error.error_code, error.status, error.message) == (
        "RESOURCE_DOES_NOT_EXIST",
        grpc.StatusCode.NOT_FOUND,
        "No run",
    )


async def test_the_async_client_has_the_same_services() -> None:
    async with AsyncBerthClient("127.0.0.1:1") as client:
        assert callable(client.tracking.create_experiment)
        assert callable(client.artifacts.download_artifact)
