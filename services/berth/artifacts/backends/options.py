"""Per-store settings a backend needs beyond its root URI (endpoints, credentials, TLS).

Built once from :class:`berth.config.Settings` and handed to every backend factory, so request
code never reads the environment. A new kind of store adds its own options class here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

AddressingStyle = Literal["auto", "path", "virtual"]


@dataclass(frozen=True)
class S3Options:
    """How to reach S3 or any S3 API (MinIO, Ceph ...).

    Credentials default to botocore's standard chain (environment, shared profile, web
    identity / IRSA, container and instance roles); ``access_key_id`` and
    ``secret_access_key`` override it when both are given.
    """

    endpoint_url: str | None = None
    public_endpoint_url: str | None = None
    """The endpoint address clients can reach, used only to sign presigned URLs."""
    region: str | None = None
    addressing_style: AddressingStyle = "auto"
    access_key_id: str | None = None
    secret_access_key: str | None = None
    session_token: str | None = None
    profile: str | None = None
    server_side_encryption: str | None = None
    """``AES256`` or ``aws:kms``, applied to every object the server writes."""
    sse_kms_key_id: str | None = None
    ca_bundle: str | None = None
    verify_tls: bool = True
    presigned_url_expiry_seconds: int = 3600


@dataclass(frozen=True)
class StoreOptions:
    s3: S3Options = field(default_factory=S3Options)
