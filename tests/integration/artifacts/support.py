"""Shared by the artifact route tests: a Berth app running in process, and the S3 settings
that point it at the tests' S3 API."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx

from berth.config import Settings
from berth.db.migrate import upgrade
from tests.fixtures.apps import in_process
from tests.fixtures.s3 import REGION, S3Server


@asynccontextmanager
async def running(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """``create_app(settings)`` with its lifespan run (its database migrated first, unless
    it is artifacts-only), and a client talking to it in process."""
    if not settings.artifacts_only:
        await upgrade(settings.backend_store_uri)
    async with in_process(settings) as (_app, client):
        yield client


def server_settings(tmp_path: Path, **overrides: Any) -> Settings:
    """A server on a SQLite file in ``tmp_path`` storing artifacts in ``tmp_path/store``."""
    fields: dict[str, Any] = {
        "backend_store_uri": f"sqlite:///{tmp_path / 'berth.db'}",
        "artifacts_destination": str(tmp_path / "store"),
        **overrides,
    }
    return Settings(**fields)


def s3_settings(server: S3Server, bucket: str, **overrides: Any) -> dict[str, Any]:
    """Settings fields that make ``s3://<bucket>/root`` on ``server`` the artifact store."""
    return {
        "artifacts_destination": f"s3://{bucket}/root",
        "s3_endpoint_url": server.endpoint_url,
        "s3_region": REGION,
        "s3_addressing_style": "path",
        "s3_access_key_id": server.access_key_id,
        "s3_secret_access_key": server.secret_access_key,
        **overrides,
    }


async def create_run(client: httpx.AsyncClient, experiment_id: str = "0") -> dict[str, Any]:
    """A new run's ``info`` (run_id, artifact_uri ...)."""
    response = await client.post(
        "/api/2.0/mlflow/runs/create", json={"experiment_id": experiment_id}
    )
    assert response.status_code == 200, response.text
    info: dict[str, Any] = response.json()["run"]["info"]
    return info


async def create_experiment(client: httpx.AsyncClient, name: str, **fields: Any) -> str:
    response = await client.post(
        "/api/2.0/mlflow/experiments/create", json={"name": name, **fields}
    )
    assert response.status_code == 200, response.text
    experiment_id: str = response.json()["experiment_id"]
    return experiment_id


def proxied_path(artifact_uri: str) -> str:
    """Where a proxied run's artifacts (``mlflow-artifacts:/<path>``) live in the store."""
    prefix = "mlflow-artifacts:/"
    assert artifact_uri.startswith(prefix), artifact_uri
    return artifact_uri.removeprefix(prefix).strip("/")


async def upload(client: httpx.AsyncClient, store_path: str, content: bytes) -> None:
    """Put ``content`` at ``store_path`` through the mlflow-artifacts API."""
    response = await client.put(
        f"/api/2.0/mlflow-artifacts/artifacts/{store_path}", content=content
    )
    assert response.status_code == 200, response.text
