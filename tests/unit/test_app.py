"""The composed app serves the whole contract: every rpc routed, every rpc guarded."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.routing import APIRoute

from berth.app import ARTIFACTS, REGISTRY, TRACKING, create_app
from berth.config import Settings
from berth.proto import http_pb2
from berth.wire.rpc import rpc_options

METHODS = {
    method.name: method for service in (TRACKING, REGISTRY, ARTIFACTS) for method in service.methods
}
RPC_NAMES = sorted(METHODS)
# gRPC-only rpcs: streams (LogMetrics) and the artifact service, whose REST twins are the
# hand-written mlflow-artifacts routes (artifacts.proto says why).
GRPC_ONLY = {
    name
    for name, method in METHODS.items()
    if method.client_streaming or method.server_streaming or method.containing_service is ARTIFACTS
}
REST_RPC_NAMES = sorted(set(METHODS) - GRPC_ONLY)


@pytest.fixture
def routes(tmp_path: Path) -> set[tuple[str, str]]:
    app = create_app(Settings(backend_store_uri=f"sqlite:///{tmp_path / 'b.db'}"))
    return {
        (method, route.path)
        for route in app.routes
        if isinstance(route, APIRoute)
        for method in route.methods
    }


@pytest.mark.parametrize("rpc_name", REST_RPC_NAMES)
def test_every_declared_path_is_routed_under_api_and_ajax_api(
    rpc_name: str, routes: set[tuple[str, str]]
) -> None:
    options = rpc_options(METHODS[rpc_name])
    assert options.endpoints, f"{rpc_name} declares no REST endpoint"
    for endpoint in options.endpoints:
        for prefix in ("api", "ajax-api"):
            path = f"/{prefix}/{endpoint.version}{endpoint.path}"
            assert (endpoint.method, path) in routes


@pytest.mark.parametrize("rpc_name", RPC_NAMES)
def test_every_rpc_declares_the_permission_it_needs(rpc_name: str) -> None:
    access = rpc_options(METHODS[rpc_name]).access
    assert access.resource != http_pb2.RESOURCE_KIND_UNSPECIFIED
    assert access.permission != http_pb2.PERMISSION_UNSPECIFIED


@pytest.mark.parametrize("rpc_name", RPC_NAMES)
def test_reads_need_read_and_deletes_need_manage(rpc_name: str) -> None:
    permission = rpc_options(METHODS[rpc_name]).access.permission
    if rpc_name.startswith(("Get", "Search", "List", "Download")):
        assert permission == http_pb2.READ
    elif rpc_name.startswith(("Delete", "Restore")) and not rpc_name.endswith(
        ("Tag", "Tags", "Alias")
    ):
        assert permission == http_pb2.MANAGE
    else:
        assert permission == http_pb2.EDIT


@pytest.mark.parametrize("rpc_name", sorted(GRPC_ONLY))
def test_grpc_only_rpcs_declare_no_rest_path(rpc_name: str) -> None:
    assert not rpc_options(METHODS[rpc_name]).endpoints
