"""A typed Python client of Berth's gRPC API, blocking or asyncio.

    from berth.client import BerthClient

    with BerthClient("127.0.0.1:50051") as berth:
        experiment_id = berth.tracking.create_experiment(name="demo").experiment_id
        run = berth.tracking.create_run(experiment_id=experiment_id).run
        berth.tracking.log_metrics(run.info.run_id, metrics)  # an iterable of Metric
        berth.artifacts.upload_artifact("demo/model.bin", open("model.bin", "rb"))
        data = b"".join(berth.artifacts.download_artifact("demo/model.bin"))

``AsyncBerthClient`` has the same services with coroutine methods (``async with``). Each unary
method takes the request message or its fields as keywords, and ``timeout`` (seconds); it
returns the response message (``berth.proto.*_pb2``). Failures raise
:class:`BerthClientError` with MLflow's ``error_code``; after a failed ``log_metrics``,
``berth.client.tracking.committed_before(error)`` tells what the stream had committed.
"""

from __future__ import annotations

from collections.abc import Sequence
from types import TracebackType
from typing import Any

import grpc

from berth.client.artifacts import ArtifactClient, AsyncArtifactClient
from berth.client.errors import BerthClientError
from berth.client.registry import AsyncRegistryClient, RegistryClient
from berth.client.tracking import AsyncTrackingClient, TrackingClient

__all__ = ["AsyncBerthClient", "BerthClient", "BerthClientError"]

Options = Sequence[tuple[str, Any]]


class BerthClient:
    """Blocking client over one channel to ``target`` (``host:port``); TLS with
    ``credentials`` (``grpc.ssl_channel_credentials()``), else plaintext."""

    def __init__(
        self,
        target: str,
        *,
        credentials: grpc.ChannelCredentials | None = None,
        options: Options = (),
    ) -> None:
        if credentials is None:
            self.channel = grpc.insecure_channel(target, options=options)
        else:
            self.channel = grpc.secure_channel(target, credentials, options=options)
        self.tracking = TrackingClient(self.channel)
        self.registry = RegistryClient(self.channel)
        self.artifacts = ArtifactClient(self.channel)

    def close(self) -> None:
        self.channel.close()

    def __enter__(self) -> BerthClient:
        return self

    def __exit__(
        self,
        _type: type[BaseException] | None,
        _value: BaseException | None,
        _traceback: TracebackType | None,
    ) -> None:
        self.close()


class AsyncBerthClient:
    """The asyncio client (``grpc.aio``); create it inside the event loop that uses it."""

    def __init__(
        self,
        target: str,
        *,
        credentials: grpc.ChannelCredentials | None = None,
        options: Options = (),
    ) -> None:
        if credentials is None:
            self.channel = grpc.aio.insecure_channel(target, options=options)
        else:
            self.channel = grpc.aio.secure_channel(target, credentials, options=options)
        self.tracking = AsyncTrackingClient(self.channel)
        self.registry = AsyncRegistryClient(self.channel)
        self.artifacts = AsyncArtifactClient(self.channel)

    async def close(self) -> None:
        await self.channel.close()

    async def __aenter__(self) -> AsyncBerthClient:
        return self

    async def __aexit__(
        self,
        _type: type[BaseException] | None,
        _value: BaseException | None,
        _traceback: TracebackType | None,
    ) -> None:
        await self.close()
