"""One client URL: artifact paths to the artifact service, registry paths to the registry,
the rest (the web UI among it) to tracking, through the nginx gateway, an Ingress or an
HTTPRoute."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.chart.support import FULLNAME, Release, merged, render

ARTIFACTS = "~ ^/(api|ajax-api)/[0-9.]+/mlflow-artifacts/"
REGISTRY = "~ ^/(api|ajax-api)/[0-9.]+/mlflow/(registered-models|model-versions)/"
REGISTRY_FILES = "= /model-versions/get-artifact"
TRACKING_SVC = f"{FULLNAME}-tracking:5000"
REGISTRY_SVC = f"{FULLNAME}-registry:5000"
ARTIFACTS_SVC = f"{FULLNAME}-artifacts:5000"


@pytest.mark.parametrize(
    ("mode", "overrides", "routes"),
    [
        (
            "proxied",
            {},
            {
                ARTIFACTS: ARTIFACTS_SVC,
                REGISTRY: REGISTRY_SVC,
                REGISTRY_FILES: REGISTRY_SVC,
                "/": TRACKING_SVC,
            },
        ),
        (
            "direct",
            {},
            {
                ARTIFACTS: TRACKING_SVC,
                REGISTRY: REGISTRY_SVC,
                REGISTRY_FILES: REGISTRY_SVC,
                "/": TRACKING_SVC,
            },
        ),
        (
            "artifactsOnly",
            {},
            {
                ARTIFACTS: ARTIFACTS_SVC,
                REGISTRY: ARTIFACTS_SVC,
                REGISTRY_FILES: ARTIFACTS_SVC,
                "/": ARTIFACTS_SVC,
            },
        ),
        (
            "proxied",
            {"registry": {"enabled": False}},
            {
                ARTIFACTS: ARTIFACTS_SVC,
                REGISTRY: TRACKING_SVC,
                REGISTRY_FILES: TRACKING_SVC,
                "/": TRACKING_SVC,
            },
        ),
    ],
)
def test_the_gateway_routes_each_path_family_to_its_service(
    mode: str, overrides: dict[str, Any], routes: dict[str, str]
) -> None:
    assert render(mode, overrides).nginx_routes() == routes


def test_the_gateway_streams_artifact_uploads_without_limit_or_buffering() -> None:
    conf = render("proxied").nginx_conf()

    artifact_block = conf[conf.index(f"location {ARTIFACTS}") :].split("}", 1)[0]
    assert "client_max_body_size 0;" in artifact_block
    assert "proxy_request_buffering off;" in artifact_block
    assert "proxy_read_timeout 3600s;" in artifact_block
    assert "proxy_send_timeout 3600s;" in artifact_block


def test_the_gateway_writes_only_under_tmp() -> None:
    conf = render("proxied").nginx_conf()

    assert "pid /tmp/nginx.pid;" in conf
    for temp in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        assert f"{temp}_temp_path /tmp/" in conf


def _ingress_backends(ingress: dict[str, Any]) -> dict[str, str]:
    paths = ingress["spec"]["rules"][0]["http"]["paths"]
    return {p["path"]: p["backend"]["service"]["name"] for p in paths}


def test_with_an_ingress_there_is_no_gateway_and_paths_route_by_prefix() -> None:
    release = render("proxied", {"ingress": {"enabled": True}})

    assert "gateway" not in release.components()
    assert _ingress_backends(release.get("Ingress", FULLNAME)) == {
        "/api/2.0/mlflow/registered-models/": f"{FULLNAME}-registry",
        "/api/2.0/mlflow/model-versions/": f"{FULLNAME}-registry",
        "/ajax-api/2.0/mlflow/registered-models/": f"{FULLNAME}-registry",
        "/ajax-api/2.0/mlflow/model-versions/": f"{FULLNAME}-registry",
        "/model-versions/get-artifact": f"{FULLNAME}-registry",
        "/": f"{FULLNAME}-tracking",
    }
    assert _ingress_backends(release.get("Ingress", f"{FULLNAME}-artifacts")) == {
        "/api/2.0/mlflow-artifacts/": f"{FULLNAME}-artifacts",
        "/ajax-api/2.0/mlflow-artifacts/": f"{FULLNAME}-artifacts",
    }


def test_only_the_artifact_ingress_lifts_body_size_buffering_and_timeouts() -> None:
    release = render("proxied", {"ingress": {"enabled": True, "annotations": {"team": "ml"}}})

    artifacts = release.get("Ingress", f"{FULLNAME}-artifacts")["metadata"]["annotations"]
    others = release.get("Ingress", FULLNAME)["metadata"]["annotations"]
    assert artifacts["nginx.ingress.kubernetes.io/proxy-body-size"] == "0"
    assert artifacts["nginx.ingress.kubernetes.io/proxy-request-buffering"] == "off"
    assert artifacts["nginx.ingress.kubernetes.io/proxy-read-timeout"] == "3600"
    assert artifacts["team"] == "ml"
    assert others == {"team": "ml"}


def test_direct_mode_has_no_artifact_ingress() -> None:
    release = render("direct", {"ingress": {"enabled": True}})

    assert not release.has("Ingress", f"{FULLNAME}-artifacts")


def test_the_http_route_sends_artifacts_registry_and_the_rest_to_their_services() -> None:
    route = render(
        "proxied", {"httpRoute": {"enabled": True, "parentRefs": [{"name": "shared"}]}}
    ).get("HTTPRoute", FULLNAME)

    rules = {
        rule["matches"][0]["path"]["value"]: (rule["backendRefs"][0]["name"], rule.get("timeouts"))
        for rule in route["spec"]["rules"]
    }
    assert rules == {
        "/api/2.0/mlflow-artifacts/": (f"{FULLNAME}-artifacts", {"request": "3600s"}),
        "/api/2.0/mlflow/registered-models/": (f"{FULLNAME}-registry", None),
        "/": (f"{FULLNAME}-tracking", None),
    }
    assert route["spec"]["parentRefs"] == [{"name": "shared"}]


# Every kind of request MLflow 3.17.2's web UI sends (read from its bundle), by the service
# that answers it. The UI's pages are hash routes (/#/experiments/1/runs/<id>): the browser
# asks the server for / and the API calls, never for the page's path.
UI_REQUESTS = {
    "/": "tracking",
    "/static-files/static/js/main.c2f5f8d4.js": "tracking",
    "/static-files/favicon.ico": "tracking",
    "/graphql": "tracking",
    "/ajax-api/2.0/mlflow/experiments/search": "tracking",
    "/ajax-api/2.0/mlflow/runs/get": "tracking",
    "/ajax-api/2.0/mlflow/runs/search": "tracking",
    "/ajax-api/2.0/mlflow/metrics/get-history-bulk-interval": "tracking",
    "/ajax-api/2.0/mlflow/experiments/search-datasets": "tracking",
    "/ajax-api/2.0/mlflow/artifacts/list": "tracking",
    "/ajax-api/2.0/mlflow/upload-artifact": "tracking",
    "/ajax-api/2.0/mlflow/logged-models/search": "tracking",
    "/ajax-api/2.0/mlflow/logged-models/m-1/artifacts/files": "tracking",
    "/ajax-api/2.0/mlflow/gateway-proxy": "tracking",
    "/ajax-api/2.0/mlflow/get-artifact": "tracking",
    "/get-artifact": "tracking",
    "/ajax-api/3.0/mlflow/server-info": "tracking",
    "/ajax-api/3.0/mlflow/assistant/config": "tracking",
    "/ajax-api/3.0/mlflow/ui-telemetry": "tracking",
    "/ajax-api/2.0/mlflow/registered-models/search": "registry",
    "/ajax-api/2.0/mlflow/registered-models/alias": "registry",
    "/ajax-api/2.0/mlflow/model-versions/search": "registry",
    "/model-versions/get-artifact": "registry",
    "/ajax-api/2.0/mlflow-artifacts/artifacts/1/abc/artifacts/a.txt": "artifacts",
    "/ajax-api/2.0/mlflow-artifacts/presigned/1/abc/artifacts/a.txt": "artifacts",
}
# Which Service answers a role's requests in each setup: without an artifact service tracking
# answers its paths; without a registry Deployment tracking serves the registry; an
# artifacts-only release has only the artifact service, so / reaches it too and gets its 404:
# there are no experiments, runs or models to show, and a UI there would fail on every call.
SETUPS: dict[str, tuple[str, dict[str, Any], dict[str, str]]] = {
    "proxied": (
        "proxied",
        {},
        {"tracking": "tracking", "registry": "registry", "artifacts": "artifacts"},
    ),
    "direct": (
        "direct",
        {},
        {"tracking": "tracking", "registry": "registry", "artifacts": "tracking"},
    ),
    "proxied-no-registry": (
        "proxied",
        {"registry": {"enabled": False}},
        {"tracking": "tracking", "registry": "tracking", "artifacts": "artifacts"},
    ),
    "artifactsOnly": (
        "artifactsOnly",
        {},
        {"tracking": "artifacts", "registry": "artifacts", "artifacts": "artifacts"},
    ),
}
WAYS_IN: dict[str, tuple[dict[str, Any], Callable[[Release, str], str]]] = {
    "gateway": ({}, Release.gateway_service_for),
    "ingress": ({"ingress": {"enabled": True}}, Release.ingress_service_for),
    "httpRoute": (
        {"httpRoute": {"enabled": True, "parentRefs": [{"name": "shared"}]}},
        Release.http_route_service_for,
    ),
}


@pytest.mark.parametrize("way_in", WAYS_IN)
@pytest.mark.parametrize("setup", SETUPS)
def test_every_request_of_the_web_ui_reaches_the_service_that_answers_it(
    setup: str, way_in: str
) -> None:
    mode, overrides, services = SETUPS[setup]
    front, service_for = WAYS_IN[way_in]
    release = render(mode, merged(overrides, front))

    routed = {path: service_for(release, path) for path in UI_REQUESTS}

    assert routed == {path: f"{FULLNAME}-{services[role]}" for path, role in UI_REQUESTS.items()}
