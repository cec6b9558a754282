"""Every Berth pod serves gRPC on server.grpcPort, and each service and the network policy
open that port under the name grpc; port 0 turns gRPC off everywhere."""

from __future__ import annotations

import pytest

from tests.chart.support import FULLNAME, render

COMPONENTS = ("tracking", "registry", "artifacts")


def _ports(ports: list[dict[str, object]]) -> dict[object, dict[str, object]]:
    return {port["name"]: port for port in ports}


def test_the_grpc_port_reaches_the_servers_through_the_config() -> None:
    assert render("proxied").config()["BERTH_GRPC_PORT"] == "50051"


@pytest.mark.parametrize("component", COMPONENTS)
def test_each_berth_container_and_service_expose_the_grpc_port(component: str) -> None:
    release = render("proxied", {"server": {"grpcPort": 6000}})

    container = _ports(release.container(component)["ports"])
    service = _ports(release.get("Service", f"{FULLNAME}-{component}")["spec"]["ports"])
    assert container["grpc"]["containerPort"] == 6000
    assert service["grpc"] == {
        "name": "grpc",
        "port": 6000,
        "targetPort": "grpc",
        "protocol": "TCP",
        "appProtocol": "grpc",
    }


def test_the_network_policy_admits_grpc_beside_http() -> None:
    release = render("proxied", {"networkPolicy": {"enabled": True}})

    ports = release.get("NetworkPolicy", f"{FULLNAME}-api")["spec"]["ingress"][0]["ports"]
    assert ports == [{"port": "http", "protocol": "TCP"}, {"port": "grpc", "protocol": "TCP"}]


def test_grpc_port_zero_turns_grpc_off_in_the_servers_and_opens_no_port() -> None:
    release = render("proxied", {"server": {"grpcPort": 0}, "networkPolicy": {"enabled": True}})

    assert release.config()["BERTH_GRPC_PORT"] == "0"
    for component in COMPONENTS:
        assert "grpc" not in _ports(release.container(component)["ports"])
        service = release.get("Service", f"{FULLNAME}-{component}")
        assert "grpc" not in _ports(service["spec"]["ports"])
    ports = release.get("NetworkPolicy", f"{FULLNAME}-api")["spec"]["ingress"][0]["ports"]
    assert ports == [{"port": "http", "protocol": "TCP"}]
