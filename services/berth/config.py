"""Berth's configuration: one typed object, built once at start-up and passed in.

Every setting has a ``BERTH_*`` environment equivalent (``BERTH_BACKEND_STORE_URI`` ...);
command-line flags override the environment. Request code never reads the environment.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from berth.artifacts.backends.options import AddressingStyle, S3Options, StoreOptions
from berth.ui.fetch import default_ui_dir

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
    create_schema: bool = Field(
        default=True,
        description="Create the schema when the database is empty at start (the laptop "
        "default). Off where migrations are someone else's job (the chart's hook Job).",
    )
    registry_only: bool = Field(
        default=False,
        description="Serve the model registry alone (berth registry), beside tracking and "
        "artifact services sharing its database and artifact store.",
    )
    host: str = "127.0.0.1"
    port: int = Field(default=5000, ge=1, le=65535)
    workers: int = Field(default=1, ge=1)
    grpc_port: int = Field(
        default=50051,
        ge=0,
        le=65535,
        description="Port of the gRPC API on --host (0: no gRPC). With several workers each "
        "binds it with SO_REUSEPORT.",
    )
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
    artifacts_delegation: Literal["off", "presigned"] = Field(
        default="off",
        description="off: every artifact byte goes through this server. presigned: the "
        "server authorises each request and answers presigned URLs, so clients move bytes "
        "to and from the store themselves (S3 and MinIO).",
    )
    presigned_url_expiry_seconds: int = Field(default=3600, ge=60, le=7 * 24 * 3600)
    ui: bool = Field(
        default=True,
        description="Serve MLflow's web UI at / and /static-files/ (berth server only: the "
        "registry and artifact services alone serve no UI).",
    )
    ui_dir: Path | None = Field(
        default=None,
        description="The UI build to serve, a folder holding index.html (default: the cache "
        "that python -m berth.ui.fetch fills).",
    )

    # S3 and S3 APIs (MinIO ...). Credentials: botocore's standard chain unless given here.
    s3_endpoint_url: str | None = None
    s3_public_endpoint_url: str | None = Field(
        default=None,
        description="The S3 endpoint as clients reach it, for presigned URLs (default: "
        "s3_endpoint_url).",
    )
    s3_region: str | None = None
    s3_addressing_style: AddressingStyle = "auto"
    s3_access_key_id: str | None = None
    s3_secret_access_key: str | None = None
    s3_session_token: str | None = None
    s3_profile: str | None = None
    s3_server_side_encryption: str | None = Field(
        default=None, description="AES256 or aws:kms, for every object the server writes."
    )
    s3_sse_kms_key_id: str | None = None
    s3_ca_bundle: str | None = None
    s3_verify_tls: bool = True

    @model_validator(mode="after")
    def _consistent_artifact_mode(self) -> Settings:
        if self.artifacts_only and self.registry_only:
            raise ValueError("a server is artifacts-only or registry-only, not both")
        if self.artifacts_only and self.default_artifact_root is not None:
            raise ValueError("--artifacts-only serves artifacts only; drop --default-artifact-root")
        if self.artifacts_delegation == "presigned" and not self.serves_artifacts:
            raise ValueError(
                "--artifacts-delegation presigned applies to proxied artifacts; "
                "drop --no-serve-artifacts or the delegation"
            )
        if (self.s3_access_key_id is None) != (self.s3_secret_access_key is None):
            raise ValueError("set both s3_access_key_id and s3_secret_access_key, or neither")
        return self

    @property
    def serves_artifacts(self) -> bool:
        """Whether this server answers the mlflow-artifacts API (proxied or artifacts-only)."""
        return self.serve_artifacts or self.artifacts_only

    @property
    def artifacts_mode(self) -> str:
        if self.artifacts_only:
            return "artifacts-only"
        return "proxied" if self.serve_artifacts else "direct"

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
        """The store this server reads and writes, as a URI: the artifacts destination, or in
        direct mode the artifact root that clients write to (the server lists it for the UI
        and ``berth gc`` cleans it), unless that root is another server's proxy."""
        root = self.default_artifact_root
        if self.artifacts_mode == "direct" and root and not root.startswith("mlflow-artifacts:"):
            return _absolute_if_local(root)
        return _absolute_if_local(self.artifacts_destination)

    @property
    def ui_build_dir(self) -> Path:
        """Where the UI build is looked for (whether or not one is there)."""
        return (self.ui_dir if self.ui_dir is not None else default_ui_dir()).expanduser()

    @property
    def store_options(self) -> StoreOptions:
        return StoreOptions(
            s3=S3Options(
                endpoint_url=self.s3_endpoint_url,
                public_endpoint_url=self.s3_public_endpoint_url,
                region=self.s3_region,
                addressing_style=self.s3_addressing_style,
                access_key_id=self.s3_access_key_id,
                secret_access_key=self.s3_secret_access_key,
                session_token=self.s3_session_token,
                profile=self.s3_profile,
                server_side_encryption=self.s3_server_side_encryption,
                sse_kms_key_id=self.s3_sse_kms_key_id,
                ca_bundle=self.s3_ca_bundle,
                verify_tls=self.s3_verify_tls,
                presigned_url_expiry_seconds=self.presigned_url_expiry_seconds,
            )
        )


def _absolute_if_local(uri: str) -> str:
    if "://" in uri or uri.startswith(("mlflow-artifacts:", "file:")):
        return uri.rstrip("/")
    return Path(uri).expanduser().resolve().as_uri()
