"""The handler table: rpc names to handler names, binding, and the REST endpoints of each rpc."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from berth.proto import http_pb2
from berth.proto import tracking_pb2 as pb
from berth.wire.rpc import Endpoint, Rpc, bind, handler_name, rpc_options

TRACKING = pb.DESCRIPTOR.services_by_name["TrackingService"]


async def _handler(request: Any) -> Any:
    return request


def all_handlers(*, without: str | None = None) -> SimpleNamespace:
    """An object with a handler for every TrackingService rpc, except ``without``."""
    names = {handler_name(m.name) for m in TRACKING.methods} - {without}
    return SimpleNamespace(**dict.fromkeys(names, _handler))


def rpc_named(name: str, options: http_pb2.RpcOptions | None = None) -> Rpc:
    method = TRACKING.methods_by_name[name]
    (bound,) = [r for r in bind(TRACKING, all_handlers()) if r.name == name]
    if options is None:
        return bound
    return Rpc(method, bound.handler, bound.request_type, bound.response_type, options)


@pytest.mark.parametrize(
    ("rpc", "handler"),
    [
        ("GetRun", "get_run"),
        ("CreateExperiment", "create_experiment"),
        ("GetMetricHistoryBulkInterval", "get_metric_history_bulk_interval"),
        ("LogLoggedModelParams", "log_logged_model_params"),
        ("SetTag", "set_tag"),
    ],
)
def test_handler_name_is_the_snake_case_rpc_name(rpc: str, handler: str) -> None:
    assert handler_name(rpc) == handler


def test_bind_gives_one_rpc_per_method_in_declaration_order() -> None:
    rpcs = bind(TRACKING, all_handlers())

    assert [r.name for r in rpcs] == [m.name for m in TRACKING.methods]


def test_bind_pairs_each_rpc_with_its_request_and_response_types() -> None:
    rpc = rpc_named("CreateExperiment")

    assert rpc.request_type is pb.CreateExperiment
    assert rpc.response_type is pb.CreateExperiment.Response


def test_bind_uses_the_handler_of_the_same_name() -> None:
    async def get_run(request: Any) -> Any:
        return request

    handlers = all_handlers(without="get_run")
    handlers.get_run = get_run

    (rpc,) = [r for r in bind(TRACKING, handlers) if r.name == "GetRun"]

    assert rpc.handler is get_run


def test_bind_fails_when_a_handler_is_missing() -> None:
    with pytest.raises(TypeError, match="no handler for rpc LogBatch"):
        bind(TRACKING, all_handlers(without="log_batch"))


def test_every_tracking_rpc_is_served_under_both_prefixes() -> None:
    for rpc in bind(TRACKING, all_handlers()):
        paths = {(e.method, e.path) for e in rpc.endpoints()}
        for endpoint in rpc.options.endpoints:
            assert (endpoint.method, f"/api/2.0{endpoint.path}") in paths
            assert (endpoint.method, f"/ajax-api/2.0{endpoint.path}") in paths


def test_endpoints_are_mounted_under_api_and_ajax_api() -> None:
    assert rpc_named("CreateExperiment").endpoints() == [
        Endpoint("POST", "/api/2.0/mlflow/experiments/create"),
        Endpoint("POST", "/ajax-api/2.0/mlflow/experiments/create"),
    ]


def test_each_declared_binding_gets_both_prefixes() -> None:
    endpoints = rpc_named("SearchExperiments").endpoints()

    assert sorted((e.method, e.path) for e in endpoints) == [
        ("GET", "/ajax-api/2.0/mlflow/experiments/search"),
        ("GET", "/api/2.0/mlflow/experiments/search"),
        ("POST", "/ajax-api/2.0/mlflow/experiments/search"),
        ("POST", "/api/2.0/mlflow/experiments/search"),
    ]


def test_endpoint_without_a_version_is_mounted_under_2_0() -> None:
    options = http_pb2.RpcOptions(endpoints=[http_pb2.HttpEndpoint(method="GET", path="/x/y")])

    endpoints = rpc_named("GetRun", options).endpoints()

    assert [e.path for e in endpoints] == ["/api/2.0/x/y", "/ajax-api/2.0/x/y"]


def test_endpoint_version_is_kept() -> None:
    options = http_pb2.RpcOptions(
        endpoints=[http_pb2.HttpEndpoint(method="GET", path="/mlflow/x", version="3.0")]
    )

    endpoints = rpc_named("GetRun", options).endpoints()

    assert [e.path for e in endpoints] == ["/api/3.0/mlflow/x", "/ajax-api/3.0/mlflow/x"]


def test_path_fields_are_the_braced_segments() -> None:
    endpoint = Endpoint("DELETE", "/api/2.0/mlflow/logged-models/{model_id}/tags/{tag_key}")

    assert endpoint.path_fields == ["model_id", "tag_key"]


def test_path_without_braces_has_no_path_fields() -> None:
    assert Endpoint("GET", "/api/2.0/mlflow/runs/get").path_fields == []


def test_rpc_options_read_the_declared_endpoints_and_access() -> None:
    options = rpc_options(TRACKING.methods_by_name["GetLoggedModel"])

    assert [(e.method, e.path) for e in options.endpoints] == [
        ("GET", "/mlflow/logged-models/{model_id}")
    ]
    assert options.access.permission == http_pb2.READ
