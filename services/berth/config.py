"""Berth's configuration: one typed object, built once at start-up and passed in.

Every setting has a ``BERTH_*`` environment equivalent (``BERTH_BACKEND_STORE_URI`` ...);
command-line flags override the environment. Request code never reads the environment.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_BACKEND_STORE_URI = "sqlite:///mlflow.db"
DEFAULT_ARTIFACTS_DESTINATION = "./mlartifacts"
PROXIED_ARTIFACT_ROOT = "mlflow-artifacts:/"
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})


class Settings(BaseSettings):
    """Everything a Berth process needs to know to start, named like ``mlflow server``'s flags."""

    model_config = SettingsConfigDict(env_prefix="BERTH_", frozen=True, extra="forbid")

    backend_store_uri: str = DEFAULT_BACKEND_STORE_URI
    default_artifact_root: str | None = None
    artifacts_destination: str = DEFAULT_ARTIFACTS_DESTINATION
    serve_artifacts: bool = True
    artifacts_only: bool = False
    host: str = "127.0.0.1"
    port: int = Field(default=5000, ge=1, le=65535)
    workers: int = Field(default=1, ge=1)
    allowed_hosts: str | None = Field(
        default=None,
        description="Comma-separated Host names the server answers to ('*' for any). By "
        "default: loopback names when bound to a loopback address, any host otherwise.",
    )
    max_request_bytes: int = Field(
        default=16 * 1024 * 1024,
        ge=1024,
        description="Largest JSON request body accepted; larger ones are refused before parsing.",
    )

    @model_validator(mode="after")
    def _artifacts_only_needs_no_tracking_root(self) -> Settings:
        if self.artifacts_only and self.default_artifact_root is not None:
            raise ValueError("--artifacts-only serves artifacts only; drop --default-artifact-root")
        return self

    @property
    def host_allowlist(self) -> frozenset[str] | None:
        """Host names to answer to, lower-case without port; None means any host."""
        if self.allowed_hosts is not None:
            names = {h.strip().lower() for h in self.allowed_hosts.split(",") if h.strip()}
            return None if "*" in names else frozenset(names)
        if self.host in LOOPBACK_HOSTS:
            return LOOPBACK_HOSTS
        return None

    @property
    def artifact_root(self) -> str:
        """Where new experiments put their artifacts when they do not name a location:
        this server's proxy (``mlflow-artifacts:/``) when it serves artifacts, else the
        destination itself, which clients then write to directly (as ``mlflow server``)."""
        if self.default_artifact_root is not None:
            return _absolute_if_local(self.default_artifact_root)
        if self.serve_artifacts:
            return PROXIED_ARTIFACT_ROOT
        return _absolute_if_local(self.artifacts_destination)

    @property
    def artifact_store(self) -> str:
        """The store this server's artifact service reads and writes, as a URI."""
        return _absolute_if_local(self.artifacts_destination)


def _absolute_if_local(uri: str) -> str:
    if "://" in uri or uri.startswith(("mlflow-artifacts:", "file:")):
        return uri.rstrip("/")
    return Path(uri).expanduser().resolve().as_uri()
