"""Each preset renders, lints clean and validates against the Kubernetes schemas; the mode
decides which services run."""

from __future__ import annotations

from typing import Any

import kubernetes_validate
import pytest

from tests.chart.support import FULLNAME, KUBE_VERSION, MODES, env_of, lint, render

# Kinds from CRDs, which kubernetes-validate has no schema for: checked by the routing and
# monitoring tests instead.
CUSTOM_KINDS = {"ServiceMonitor", "HTTPRoute"}

EDGE_CASES: dict[str, tuple[str, dict[str, Any]]] = {
    "proxied-everything-on": (
        "proxied",
        {
            "artifacts": {"delegation": "presigned"},
            "s3": {"endpointUrl": "https://s3.example.com", "publicEndpointUrl": "https://x"},
            "tracking": {"autoscaling": {"enabled": True}},
            "artifactService": {"autoscaling": {"enabled": True}},
            "registry": {"autoscaling": {"enabled": True}},
            "networkPolicy": {"enabled": True, "gatewayFrom": [{"ipBlock": {"cidr": "0.0.0.0/0"}}]},
            "metrics": {"serviceMonitor": {"enabled": True}},
            "server": {"allowedHosts": "berth.example.com"},
            "gc": {"enabled": True},
        },
    ),
    "proxied-ingress": ("proxied", {"ingress": {"enabled": True, "className": "nginx"}}),
    "direct-httproute": (
        "direct",
        {"httpRoute": {"enabled": True, "parentRefs": [{"name": "gw"}], "hostnames": ["b.x"]}},
    ),
    "bundled-evaluation": (
        "proxied",
        {
            "artifacts": {"destination": ""},
            "database": {"existingSecret": ""},
            "postgresql": {"enabled": True, "auth": {"password": "pw"}},
            "minio": {"enabled": True, "rootPassword": "minio-password"},
            "networkPolicy": {"enabled": True},
        },
    ),
    "artifacts-only-static-keys": (
        "artifactsOnly",
        {
            "s3": {"accessKeyId": "AKIA", "secretAccessKey": "secret"},
            "registry": {"enabled": False},
        },
    ),
    "direct-single-replica": (
        "direct",
        {"tracking": {"replicas": 1}, "registry": {"enabled": False}, "tests": {"enabled": False}},
    ),
    "direct-gc-no-grpc": ("direct", {"gc": {"enabled": True}, "server": {"grpcPort": 0}}),
    "proxied-no-ui-extra-env": (
        "proxied",
        {"ui": {"enabled": False}, "server": {"extraEnv": [{"name": "TZ", "value": "UTC"}]}},
    ),
}
CASES = {**{mode: (mode, {}) for mode in MODES}, **EDGE_CASES}


@pytest.mark.parametrize("case", CASES)
def test_helm_lint_strict_reports_no_warning_or_error(case: str) -> None:
    mode, overrides = CASES[case]

    report = lint(mode, overrides)

    problems = [m for m in report["messages"] if m["severity"] >= 2]
    assert (problems, report["errors"]) == ([], [])


@pytest.mark.parametrize("case", CASES)
def test_every_manifest_is_valid_for_kubernetes(case: str) -> None:
    mode, overrides = CASES[case]
    documents = render(mode, overrides).documents

    for document in documents:
        if document["kind"] in CUSTOM_KINDS:
            continue
        kubernetes_validate.validate(document, KUBE_VERSION, strict=True)
    assert documents


@pytest.mark.parametrize(
    ("mode", "components"),
    [
        ("direct", {"tracking", "registry", "gateway"}),
        ("proxied", {"tracking", "registry", "artifacts", "gateway"}),
        ("artifactsOnly", {"artifacts", "gateway"}),
    ],
)
def test_the_mode_decides_which_services_run(mode: str, components: set[str]) -> None:
    assert render(mode).components() == components


@pytest.mark.parametrize(
    ("mode", "args"),
    [
        (
            "direct",
            [
                "server",
                "--no-serve-artifacts",
                "--default-artifact-root",
                "s3://mlflow/artifacts",
                "--workers",
                "1",
            ],
        ),
        ("proxied", ["server", "--serve-artifacts", "--workers", "1"]),
    ],
)
def test_tracking_runs_berth_server_in_the_modes_artifact_role(mode: str, args: list[str]) -> None:
    assert render(mode).container("tracking")["args"] == args


@pytest.mark.parametrize(
    ("mode", "args"),
    [
        (
            "direct",
            [
                "registry",
                "--no-serve-artifacts",
                "--default-artifact-root",
                "s3://mlflow/artifacts",
                "--workers",
                "1",
            ],
        ),
        ("proxied", ["registry", "--serve-artifacts", "--workers", "1"]),
    ],
)
def test_registry_runs_berth_registry_with_the_tracking_store_flags(
    mode: str, args: list[str]
) -> None:
    assert render(mode).container("registry")["args"] == args


@pytest.mark.parametrize("mode", ["proxied", "artifactsOnly"])
def test_the_artifact_service_runs_berth_artifacts_on_the_destination(mode: str) -> None:
    release = render(mode)

    assert release.container("artifacts")["args"] == ["artifacts", "--workers", "1"]
    assert release.config()["BERTH_ARTIFACTS_DESTINATION"] == "s3://mlflow/artifacts"


def test_direct_mode_sets_no_artifact_destination_or_delegation() -> None:
    config = render("direct").config()

    assert "BERTH_ARTIFACTS_DESTINATION" not in config
    assert "BERTH_ARTIFACTS_DELEGATION" not in config


def test_disabling_the_registry_removes_its_deployment() -> None:
    release = render("proxied", {"registry": {"enabled": False}})

    assert "registry" not in release.components()


def test_autoscaling_adds_an_hpa_and_leaves_replicas_to_it() -> None:
    release = render("proxied", {"tracking": {"autoscaling": {"enabled": True}}})

    hpa = release.get("HorizontalPodAutoscaler", f"{FULLNAME}-tracking")
    assert hpa["spec"]["scaleTargetRef"]["name"] == f"{FULLNAME}-tracking"
    assert "replicas" not in release.deployment("tracking")["spec"]


def test_a_single_replica_gets_no_disruption_budget_that_would_block_drains() -> None:
    release = render("direct", {"tracking": {"replicas": 1}})

    assert not release.has("PodDisruptionBudget", f"{FULLNAME}-tracking")
    assert release.has("PodDisruptionBudget", f"{FULLNAME}-registry")


@pytest.mark.parametrize("mode", MODES)
def test_notes_print_the_mode_and_the_tracking_uri(mode: str) -> None:
    notes = render(mode).notes

    assert f"installed in {mode} mode" in notes
    assert f"http://{FULLNAME}-gateway.ml.svc:80" in notes
    assert "export MLFLOW_TRACKING_URI=http://127.0.0.1:5000" in notes


def test_notes_give_the_ingress_host_as_the_tracking_uri() -> None:
    notes = render("proxied", {"ingress": {"enabled": True, "host": "ml.example.com"}}).notes

    assert "export MLFLOW_TRACKING_URI=http://ml.example.com" in notes


def test_service_monitor_scrapes_metrics_of_the_berth_services() -> None:
    release = render("proxied", {"metrics": {"serviceMonitor": {"enabled": True}}})

    monitor = release.get("ServiceMonitor", FULLNAME)
    assert monitor["spec"]["endpoints"] == [{"port": "http", "path": "/metrics", "interval": "30s"}]
    components = monitor["spec"]["selector"]["matchExpressions"][1]["values"]
    assert components == ["tracking", "registry", "artifacts"]


def test_every_berth_pod_spreads_over_zones_and_nodes() -> None:
    release = render("proxied")

    for component in ("tracking", "registry", "artifacts", "gateway"):
        spread = release.deployment(component)["spec"]["template"]["spec"][
            "topologySpreadConstraints"
        ]
        keys = [c["topologyKey"] for c in spread]
        assert keys == ["topology.kubernetes.io/zone", "kubernetes.io/hostname"]
        labels = spread[0]["labelSelector"]["matchLabels"]
        assert labels["app.kubernetes.io/component"] == component


@pytest.mark.parametrize(("enabled", "value"), [(True, "true"), (False, "false")])
def test_ui_enabled_reaches_the_tracking_pods_as_berth_ui(enabled: bool, value: str) -> None:
    release = render("proxied", {"ui": {"enabled": enabled}})

    assert env_of(release.container("tracking"))["BERTH_UI"] == {"name": "BERTH_UI", "value": value}


@pytest.mark.parametrize("enabled", [True, False])
def test_helm_test_opens_the_web_ui_only_where_it_is_on(enabled: bool) -> None:
    pod = render("proxied", {"ui": {"enabled": enabled}}).get("Pod", f"{FULLNAME}-test")

    assert env_of(pod["spec"]["containers"][0])["BERTH_UI"]["value"] == str(enabled).lower()


def test_the_ui_setting_goes_to_tracking_alone_beside_the_shared_environment() -> None:
    release = render("proxied", {"server": {"extraEnv": [{"name": "TZ", "value": "UTC"}]}})

    tracking = env_of(release.container("tracking"))
    assert {"BERTH_UI", "BERTH_BACKEND_STORE_URI", "TZ"} <= set(tracking)
    for component in ("registry", "artifacts"):
        assert "BERTH_UI" not in env_of(release.container(component))
        assert "TZ" in env_of(release.container(component))


@pytest.mark.parametrize(
    ("mode", "said"), [("proxied", True), ("direct", True), ("artifactsOnly", False)]
)
def test_notes_point_at_the_web_ui_where_tracking_serves_it(mode: str, said: bool) -> None:
    assert ("MLflow web UI is at the same URL" in render(mode).notes) is said


def test_notes_say_nothing_of_a_web_ui_that_is_turned_off() -> None:
    assert "web UI" not in render("proxied", {"ui": {"enabled": False}}).notes
