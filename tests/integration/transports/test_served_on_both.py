"""Every rpc of the contract that has a REST path is served on both wires, by the same app."""

from __future__ import annotations

import grpc
import pytest
from fastapi.routing import APIRoute
from google.protobuf.descriptor import MethodDescriptor

from berth.app import REGISTRY, TRACKING
from berth.wire.grpc import ERROR_CODE_KEY
from berth.wire.rpc import rpc_options
from tests.integration.transports.support import Running

REST_RPCS = [
    method
    for service in (TRACKING, REGISTRY)
    for method in service.methods
    if rpc_options(method).endpoints
]


def test_the_contract_has_rest_rpcs_in_both_services() -> None:
    assert {m.containing_service for m in REST_RPCS} == {TRACKING, REGISTRY}


@pytest.mark.parametrize("method", REST_RPCS, ids=lambda m: m.name)
async def test_an_rpc_with_a_rest_path_is_served_on_both_wires(
    method: MethodDescriptor, app: Running
) -> None:
    routes = {
        (verb, route.path)
        for route in app.asgi.routes
        if isinstance(route, APIRoute)
        for verb in route.methods
    }
    for endpoint in rpc_options(method).endpoints:
        assert (endpoint.method, f"/api/{endpoint.version}{endpoint.path}") in routes

    assert await _answered_over_grpc(app.target, method)


async def _answered_over_grpc(target: str, method: MethodDescriptor) -> bool:
    """Whether the rpc's own handler answers an empty request (a result, or a Berth error with
    its MLflow code), where an rpc the server does not serve is UNIMPLEMENTED without one."""
    async with grpc.aio.insecure_channel(target) as channel:
        call = channel.unary_unary(f"/{method.containing_service.full_name}/{method.name}")
        try:
            await call(b"", timeout=10)
        except grpc.aio.AioRpcError as exc:
            return any(key == ERROR_CODE_KEY for key, _ in exc.trailing_metadata() or ())
    return True
