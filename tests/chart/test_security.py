"""Every pod the chart can start runs as non-root with a read-only root filesystem, the
RuntimeDefault seccomp profile and no capabilities; Berth containers have probes."""

from __future__ import annotations

from typing import Any

import pytest

from tests.chart.support import MODES, Release, render

EVERYTHING_ON: dict[str, Any] = {
    "artifacts": {"destination": ""},
    "database": {"existingSecret": ""},
    "postgresql": {"enabled": True, "auth": {"password": "pw"}},
    "minio": {"enabled": True, "rootPassword": "minio-password"},
    "gc": {"enabled": True},
}
RELEASES = {
    **{mode: (mode, {}) for mode in MODES},
    "bundled": ("proxied", EVERYTHING_ON),
}


def _release(case: str) -> Release:
    mode, overrides = RELEASES[case]
    return render(mode, overrides)


def _containers(spec: dict[str, Any]) -> list[dict[str, Any]]:
    return [*spec.get("initContainers", []), *spec["containers"]]


@pytest.mark.parametrize("case", RELEASES)
def test_every_pod_runs_as_non_root_with_runtime_default_seccomp(case: str) -> None:
    for name, spec in _release(case).pod_specs():
        context = spec["securityContext"]
        assert context["runAsNonRoot"] is True, name
        assert context["runAsUser"] != 0, name
        assert context["seccompProfile"] == {"type": "RuntimeDefault"}, name


@pytest.mark.parametrize("case", RELEASES)
def test_every_container_is_read_only_without_capabilities_or_escalation(case: str) -> None:
    for name, spec in _release(case).pod_specs():
        for container in _containers(spec):
            context = container["securityContext"]
            where = f"{name}/{container['name']}"
            assert context["readOnlyRootFilesystem"] is True, where
            assert context["allowPrivilegeEscalation"] is False, where
            assert context["capabilities"] == {"drop": ["ALL"]}, where


@pytest.mark.parametrize("case", RELEASES)
def test_every_container_gets_a_writable_tmp_and_resource_limits(case: str) -> None:
    for name, spec in _release(case).pod_specs():
        volumes = {v["name"]: v for v in spec.get("volumes", [])}
        for container in _containers(spec):
            mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
            where = f"{name}/{container['name']}"
            assert "emptyDir" in volumes[mounts["/tmp"]], where
            if not name.startswith("Job/"):
                assert "memory" in container["resources"]["limits"], where


@pytest.mark.parametrize(
    ("mode", "component"),
    [
        ("direct", "tracking"),
        ("direct", "registry"),
        ("proxied", "tracking"),
        ("proxied", "registry"),
        ("proxied", "artifacts"),
        ("artifactsOnly", "artifacts"),
    ],
)
def test_berth_containers_are_live_on_health_and_ready_on_ready(mode: str, component: str) -> None:
    container = render(mode).container(component)

    assert container["livenessProbe"]["httpGet"]["path"] == "/health"
    assert container["startupProbe"]["httpGet"]["path"] == "/health"
    assert container["readinessProbe"]["httpGet"]["path"] == "/ready"
    assert container["readinessProbe"]["httpGet"]["port"] == "http"


def test_probes_send_a_host_the_allowlist_always_holds() -> None:
    release = render("proxied", {"server": {"allowedHosts": "berth.example.com"}})

    probe = release.container("tracking")["readinessProbe"]["httpGet"]
    assert probe["httpHeaders"] == [{"name": "Host", "value": "localhost"}]
    assert release.config()["BERTH_ALLOWED_HOSTS"] == "berth.example.com,localhost"


def test_service_account_tokens_are_not_mounted_into_berth_pods() -> None:
    release = render("proxied", {"gc": {"enabled": True}})

    for name, spec in release.pod_specs():
        assert spec["automountServiceAccountToken"] is False, name


def test_network_policy_admits_api_traffic_from_the_release_and_listed_peers_only() -> None:
    peer = {"namespaceSelector": {"matchLabels": {"name": "ingress-nginx"}}}
    release = render("proxied", {"networkPolicy": {"enabled": True, "extraIngressFrom": [peer]}})

    policy = release.get("NetworkPolicy", "rel-berth-api")
    assert policy["spec"]["policyTypes"] == ["Ingress"]
    assert policy["spec"]["ingress"][0]["from"] == [
        {"podSelector": {"matchLabels": {"app.kubernetes.io/instance": "rel"}}},
        peer,
    ]
