"""Contradictory values stop the render with a sentence naming what to change."""

from __future__ import annotations

from typing import Any

import pytest

from tests.chart.support import render_error

CONTRADICTIONS: dict[str, tuple[str | None, dict[str, Any], str]] = {
    "proxied without destination": (
        "proxied",
        {"artifacts": {"destination": ""}},
        "artifacts.mode=proxied needs artifacts.destination",
    ),
    "artifacts-only without destination": (
        "artifactsOnly",
        {"artifacts": {"destination": ""}},
        "artifacts.mode=artifactsOnly needs artifacts.destination",
    ),
    "direct without root": (
        "direct",
        {"artifacts": {"defaultArtifactRoot": ""}},
        "artifacts.mode=direct needs artifacts.defaultArtifactRoot",
    ),
    "direct with a proxied root": (
        "direct",
        {"artifacts": {"defaultArtifactRoot": "mlflow-artifacts:/"}},
        "which is proxied mode",
    ),
    "direct with a destination": (
        "direct",
        {"artifacts": {"destination": "s3://b/p"}},
        "artifacts.mode=direct runs no artifact service",
    ),
    "proxied with a default root": (
        "proxied",
        {"artifacts": {"defaultArtifactRoot": "s3://b/p"}},
        "artifacts.defaultArtifactRoot is for artifacts.mode=direct",
    ),
    "local store": (
        "proxied",
        {"artifacts": {"destination": "/data/artifacts"}},
        "the artifact store must be S3",
    ),
    "presigned in direct mode": (
        "direct",
        {"artifacts": {"delegation": "presigned"}},
        "artifacts.delegation=presigned applies to proxied and artifactsOnly modes",
    ),
    "presigned with a non-S3 store": (
        "proxied",
        {"artifacts": {"delegation": "presigned", "destination": "gs://b/p"}},
        "artifacts.delegation=presigned needs an S3 store, but artifacts.destination is",
    ),
    "ingress and gateway api": (
        "proxied",
        {
            "ingress": {"enabled": True},
            "httpRoute": {"enabled": True, "parentRefs": [{"name": "g"}]},
        },
        "ingress.enabled and httpRoute.enabled are both set",
    ),
    "http route without parent": (
        "proxied",
        {"httpRoute": {"enabled": True}},
        "httpRoute.enabled needs httpRoute.parentRefs",
    ),
    "bundled minio with an external endpoint": (
        "proxied",
        {
            "minio": {"enabled": True, "rootPassword": "12345678"},
            "s3": {"endpointUrl": "http://s3.example.com"},
        },
        "minio.enabled brings its own S3 endpoint; unset s3.endpointUrl",
    ),
    "bundled minio without password": (
        "proxied",
        {"minio": {"enabled": True}},
        "minio.enabled needs minio.rootPassword",
    ),
    "bundled postgresql and an external database": (
        "proxied",
        {"postgresql": {"enabled": True, "auth": {"password": "pw"}}},
        "postgresql.enabled brings its own database",
    ),
    "bundled postgresql without password": (
        "proxied",
        {"database": {"existingSecret": ""}, "postgresql": {"enabled": True}},
        "postgresql.enabled needs postgresql.auth.password",
    ),
    "no database": (
        "direct",
        {"database": {"existingSecret": ""}},
        "artifacts.mode=direct keeps runs in a database",
    ),
    "artifacts-only with a database": (
        "artifactsOnly",
        {"database": {"uri": "postgresql://d/b"}},
        "artifacts.mode=artifactsOnly keeps no records",
    ),
    "gc without runs": (
        "artifactsOnly",
        {"gc": {"enabled": True}},
        "artifacts.mode=artifactsOnly keeps none",
    ),
    "sqlite database": (
        "proxied",
        {"database": {"existingSecret": "", "uri": "sqlite:///mlflow.db"}},
        "database.uri must be a PostgreSQL URI",
    ),
    "half the s3 keys": (
        "proxied",
        {"s3": {"accessKeyId": "AKIA"}},
        "set both s3.accessKeyId and s3.secretAccessKey, or neither",
    ),
    "s3 keys twice": (
        "proxied",
        {"s3": {"accessKeyId": "A", "secretAccessKey": "B", "existingSecret": "k"}},
        "s3.accessKeyId and s3.existingSecret are both set",
    ),
    "hpa min above max": (
        "proxied",
        {"tracking": {"autoscaling": {"enabled": True, "minReplicas": 5, "maxReplicas": 2}}},
        "tracking.autoscaling.minReplicas (5) is above maxReplicas (2)",
    ),
}


@pytest.mark.parametrize("case", CONTRADICTIONS)
def test_contradictory_values_fail_with_a_clear_message(case: str) -> None:
    mode, overrides, message = CONTRADICTIONS[case]

    assert message in render_error(mode, overrides)


def test_the_schema_refuses_an_unknown_mode() -> None:
    message = render_error("proxied", {"artifacts": {"mode": "sideways"}})

    assert "value must be one of 'direct', 'proxied', 'artifactsOnly'" in message


def test_the_schema_refuses_a_misspelt_setting() -> None:
    message = render_error("proxied", {"artifact": {"mode": "direct"}})

    assert "additional properties 'artifact' not allowed" in message
