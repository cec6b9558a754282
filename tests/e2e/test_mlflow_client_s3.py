"""The released client against berth servers whose artifacts live in S3, in every artifact mode.

- proxied: the client's environment holds no AWS variable; every byte goes through berth;
- proxied with presigned delegation: the client moves bytes to and from S3 itself, on URLs
  the server signed, and holds no credentials either;
- direct: runs get ``s3://`` URIs and the client writes to the bucket with its own credentials;
- artifacts-only: a tracking server whose artifact root is a separate artifacts-only berth.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import mlflow
import pytest
from mlflow.store.artifact.http_artifact_repo import HttpArtifactRepository

from tests.e2e.conftest import running_berth
from tests.fixtures.s3 import S3Server

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")

MIB = 1024 * 1024


def _digest(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(MIB), b""):
            sha.update(block)
    return sha.hexdigest()


def _files(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): _digest(p) for p in root.rglob("*") if p.is_file()}


def _bundle(root: Path, big_file_size: int) -> Path:
    """Nested directories, an empty file, names with spaces and non-ASCII characters."""
    (root / "nested" / "deeper").mkdir(parents=True)
    (root / "nested" / "deeper" / "weights.bin").write_bytes(os.urandom(big_file_size))
    (root / "empty.txt").write_bytes(b"")
    (root / "with space é.txt").write_text("non-ascii name")
    (root / "nested" / "日本語.json").write_text('{"k": 1}')
    return root


def _keys(s3_server: S3Server, bucket: str) -> list[str]:
    pages = s3_server.client().get_paginator("list_objects_v2").paginate(Bucket=bucket)
    return [item["Key"] for page in pages for item in page.get("Contents", [])]


def _log_and_download(bundle: Path, copy: Path) -> mlflow.entities.Run:
    mlflow.set_experiment(f"s3-{uuid.uuid4().hex[:8]}")
    with mlflow.start_run() as run:
        mlflow.log_artifacts(str(bundle), artifact_path="bundle")
    mlflow.artifacts.download_artifacts(
        run_id=run.info.run_id, artifact_path="bundle", dst_path=str(copy)
    )
    return run


@pytest.fixture
def client_without_aws(monkeypatch: pytest.MonkeyPatch) -> Callable[[str], None]:
    """Points the in-process mlflow client at a server, with no AWS variable in its env."""
    for name in list(os.environ):
        if name.startswith(("AWS_", "MLFLOW_")):
            monkeypatch.delenv(name)

    def aim(url: str) -> None:
        monkeypatch.setenv("MLFLOW_TRACKING_URI", url)
        mlflow.set_tracking_uri(url)

    return aim


@pytest.fixture(scope="module")
def proxied_s3(
    module_postgres_database_uri: str,
    s3_server: S3Server,
    module_s3_bucket: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[str]:
    with running_berth(
        module_postgres_database_uri,
        tmp_path_factory.mktemp("proxied-s3"),
        artifacts_destination=f"s3://{module_s3_bucket}/proxied",
        environment=s3_server.environment(),
    ) as url:
        yield url


@pytest.fixture(scope="module")
def presigned_s3(
    module_postgres_database_uri: str,
    s3_server: S3Server,
    module_s3_bucket: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[str]:
    with running_berth(
        module_postgres_database_uri,
        tmp_path_factory.mktemp("presigned-s3"),
        "--artifacts-delegation",
        "presigned",
        artifacts_destination=f"s3://{module_s3_bucket}/presigned",
        environment=s3_server.environment(),
    ) as url:
        yield url


def test_proxied_runs_round_trip_a_large_bundle_with_no_aws_variables_in_the_client(
    proxied_s3: str,
    client_without_aws: Callable[[str], None],
    s3_server: S3Server,
    module_s3_bucket: str,
    tmp_path: Path,
) -> None:
    client_without_aws(proxied_s3)
    bundle = _bundle(tmp_path / "source", big_file_size=101 * MIB)

    run = _log_and_download(bundle, tmp_path / "copy")

    assert run.info.artifact_uri.startswith("mlflow-artifacts:/")
    assert _files(tmp_path / "copy" / "bundle") == _files(bundle)
    prefix = f"proxied/{run.info.experiment_id}/{run.info.run_id}/artifacts/bundle/"
    stored = {key.removeprefix(prefix) for key in _keys(s3_server, module_s3_bucket)}
    assert set(_files(bundle)) <= stored


def test_proxied_listing_shows_the_s3_tree_to_the_client(
    proxied_s3: str, client_without_aws: Callable[[str], None], tmp_path: Path
) -> None:
    client_without_aws(proxied_s3)
    mlflow.set_experiment(f"s3-list-{uuid.uuid4().hex[:8]}")
    with mlflow.start_run() as run:
        mlflow.log_text("a", "top.txt")
        mlflow.log_text("b", "dir/inner.txt")

    listed = mlflow.MlflowClient().list_artifacts(run.info.run_id)
    inner = mlflow.MlflowClient().list_artifacts(run.info.run_id, "dir")

    assert [(f.path, f.is_dir) for f in listed] == [("dir", True), ("top.txt", False)]
    assert [(f.path, f.file_size) for f in inner] == [("dir/inner.txt", 1)]


def test_presigned_delegation_uploads_in_parts_straight_to_s3(
    presigned_s3: str,
    client_without_aws: Callable[[str], None],
    monkeypatch: pytest.MonkeyPatch,
    s3_server: S3Server,
    module_s3_bucket: str,
    tmp_path: Path,
) -> None:
    client_without_aws(presigned_s3)
    monkeypatch.setenv("MLFLOW_MULTIPART_UPLOAD_MINIMUM_FILE_SIZE", str(5 * MIB))
    monkeypatch.setenv("MLFLOW_MULTIPART_UPLOAD_CHUNK_SIZE", str(5 * MIB))
    bundle = _bundle(tmp_path / "source", big_file_size=12 * MIB + 7)

    run = _log_and_download(bundle, tmp_path / "copy")

    assert _files(tmp_path / "copy" / "bundle") == _files(bundle)
    run_root = f"presigned/{run.info.experiment_id}/{run.info.run_id}/artifacts"
    key = f"{run_root}/bundle/nested/deeper/weights.bin"
    etag = s3_server.client().head_object(Bucket=module_s3_bucket, Key=key)["ETag"]
    assert etag.strip('"').endswith("-3")  # an S3 multipart object of three parts


def test_presigned_delegation_downloads_from_s3_on_a_signed_url(
    presigned_s3: str,
    client_without_aws: Callable[[str], None],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    client_without_aws(presigned_s3)
    presigned_downloads: list[str] = []
    through_presigned = HttpArtifactRepository._multipart_download

    def recording(self: HttpArtifactRepository, *args: Any, **kwargs: Any) -> Any:
        presigned_downloads.append(kwargs["remote_file_path"])
        return through_presigned(self, *args, **kwargs)

    monkeypatch.setattr(HttpArtifactRepository, "_multipart_download", recording)
    payload = os.urandom(3 * MIB)
    mlflow.set_experiment(f"s3-presigned-get-{uuid.uuid4().hex[:8]}")
    with mlflow.start_run() as run:
        (tmp_path / "model.bin").write_bytes(payload)
        mlflow.log_artifact(str(tmp_path / "model.bin"))

    copy = mlflow.artifacts.download_artifacts(
        run_id=run.info.run_id, artifact_path="model.bin", dst_path=str(tmp_path / "copy")
    )

    assert Path(copy).read_bytes() == payload
    assert [path.rsplit("/", 1)[-1] for path in presigned_downloads] == ["model.bin"]


def test_direct_mode_clients_write_to_the_bucket_with_their_own_credentials(
    module_postgres_database_uri: str,
    s3_server: S3Server,
    s3_bucket: str,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    root = f"s3://{s3_bucket}/direct"
    flags = ("--no-serve-artifacts", "--default-artifact-root", root)
    server = running_berth(
        module_postgres_database_uri, tmp_path, *flags, environment=s3_server.environment()
    )
    with server as url:
        for name, value in s3_server.environment().items():
            monkeypatch.setenv(name, value)
        monkeypatch.setenv("MLFLOW_TRACKING_URI", url)
        mlflow.set_tracking_uri(url)
        bundle = _bundle(tmp_path / "source", big_file_size=6 * MIB)

        run = _log_and_download(bundle, tmp_path / "copy")

    assert run.info.artifact_uri.startswith(f"{root}/")
    assert _files(tmp_path / "copy" / "bundle") == _files(bundle)
    weights = "bundle/nested/deeper/weights.bin"
    assert any(key.endswith(weights) for key in _keys(s3_server, s3_bucket))


def test_a_tracking_server_uses_a_separate_artifacts_only_server_on_s3(
    module_postgres_database_uri: str,
    s3_server: S3Server,
    s3_bucket: str,
    client_without_aws: Callable[[str], None],
    tmp_path: Path,
) -> None:
    (tmp_path / "artifacts").mkdir()
    (tmp_path / "tracking").mkdir()
    with running_berth(
        module_postgres_database_uri,
        tmp_path / "artifacts",
        "--artifacts-only",
        artifacts_destination=f"s3://{s3_bucket}/split",
        environment=s3_server.environment(),
    ) as store:
        root = store.replace("http://", "mlflow-artifacts://") + "/"
        flags = ("--no-serve-artifacts", "--default-artifact-root", root)
        with running_berth(module_postgres_database_uri, tmp_path / "tracking", *flags) as url:
            client_without_aws(url)
            bundle = _bundle(tmp_path / "source", big_file_size=2 * MIB)

            run = _log_and_download(bundle, tmp_path / "copy")

    assert run.info.artifact_uri.startswith(root)
    assert _files(tmp_path / "copy" / "bundle") == _files(bundle)
    assert any(key.startswith("split/") for key in _keys(s3_server, s3_bucket))
