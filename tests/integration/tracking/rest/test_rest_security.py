"""SECURITY.md's corpus against the tracking slice: client-chosen artifact locations and
artifact paths never reach the server's filesystem.

Each refused request is INVALID_PARAMETER_VALUE (400) and leaves nothing behind: no
experiment created, no listing returned.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

# --- experiments/create artifact_location ------------------------------------------------------

REFUSED_LOCATIONS = [
    pytest.param("http:///#/../../../../etc/", id="CVE-2023-6909-CVE-2024-2928-fragment"),
    pytest.param("file:///etc/", id="CVE-2024-1483-file-uri"),
    pytest.param("/etc", id="CVE-2023-1176-absolute-path"),
    pytest.param("//proc/self/root", id="CVE-2023-6977-network-path"),
    pytest.param("dbfs:/", id="CVE-2024-8859-dbfs"),
    pytest.param("s3://b/../../x", id="CVE-2023-2356-s3-dotdot"),
    pytest.param("mlflow-artifacts:/../../../etc", id="CVE-2023-2356-mlflow-artifacts-dotdot"),
    pytest.param(
        "s3://bucket/a/%252e%252e%252f%252e%252e%252fetc", id="CVE-2024-1560-double-encoded"
    ),
    pytest.param("s3://bucket/a/%2e%2e/%2e%2e/etc", id="CVE-2023-6831-encoded-dotdot"),
    pytest.param("s3://b/x?y#z", id="CVE-2024-1483-query-and-fragment"),
    pytest.param("s3://b/x#frag", id="CVE-2024-3848-fragment"),
    pytest.param("s3://b/x%23frag", id="encoded-fragment"),
    pytest.param("file:///tmp/\\..\\..\\etc", id="CVE-2023-2780-backslash"),
    pytest.param("s3://b/a\\..\\..\\etc", id="backslash-in-remote"),
    pytest.param("s3://b/a%00b", id="encoded-nul"),
    pytest.param("relative/dir", id="relative-local-path"),
    pytest.param("C:\\Windows", id="windows-drive"),
    pytest.param("http://169.254.169.254/latest/meta-data/", id="ssrf-http"),
]


@pytest.mark.parametrize("location", REFUSED_LOCATIONS)
async def test_unsafe_artifact_location_is_refused_and_no_experiment_created(
    api, location: str
) -> None:
    response = await api.post("experiments/create", {"name": "x", "artifact_location": location})

    message = api.error(response, 400, "INVALID_PARAMETER_VALUE")
    assert "artifact location" in message
    assert not await api.experiment_exists("x")


async def test_unsafe_artifact_location_is_refused_under_ajax_api_too(api) -> None:
    response = await api.client.post(
        "/ajax-api/2.0/mlflow/experiments/create",
        json={"name": "x", "artifact_location": "http:///#/../../../../etc/"},
    )

    api.error(response, 400, "INVALID_PARAMETER_VALUE")
    assert not await api.experiment_exists("x")


@pytest.mark.parametrize(
    "location", ["s3://bucket/path", "gs://bucket/a/b", "mlflow-artifacts:/team/x"]
)
async def test_remote_artifact_location_is_accepted_and_kept(api, location: str) -> None:
    experiment_id = await api.create_experiment("remote", artifact_location=location)

    experiment = api.ok(await api.get("experiments/get", {"experiment_id": experiment_id}))
    run = await api.create_run(experiment_id)

    assert experiment["experiment"]["artifact_location"] == location
    assert run["info"]["artifact_uri"] == f"{location}/{run['info']['run_id']}/artifacts"


async def test_artifact_location_with_an_encoded_scheme_is_refused(api) -> None:
    response = await api.post(
        "experiments/create", {"name": "x", "artifact_location": "s3%3A//bucket/x"}
    )

    api.error(response, 400, "INVALID_PARAMETER_VALUE")


async def test_artifact_location_with_a_delete_character_is_refused(api) -> None:
    response = await api.post(
        "experiments/create", {"name": "x", "artifact_location": "s3://bucket/x\x7f"}
    )

    api.error(response, 400, "INVALID_PARAMETER_VALUE")


# --- artifacts/list path -----------------------------------------------------------------------

REFUSED_PATHS = [
    pytest.param("../../etc", id="mlflow-7166-dotdot"),
    pytest.param("%2e%2e%2f%2e%2e%2fetc", id="CVE-2023-6831-encoded"),
    pytest.param("%252e%252e%252f%252e%252e%252fetc", id="CVE-2024-1560-double-encoded"),
    pytest.param("/etc", id="CVE-2023-1176-absolute"),
    pytest.param("a\\..\\..", id="CVE-2023-2780-backslash"),
    pytest.param("a#b", id="CVE-2024-3848-fragment"),
    pytest.param("a?b", id="CVE-2024-8859-query"),
    pytest.param("a\x00b", id="nul-byte"),
    pytest.param("sub/../../..", id="dotdot-after-a-real-directory"),
    pytest.param("C:/Windows", id="windows-drive"),
]


async def run_with_artifacts(api) -> dict[str, Any]:
    """A run whose artifact directory holds ``top.bin`` (8 bytes) and ``sub/a.txt`` (5)."""
    run = await api.create_run()
    root = api.artifact_dir(run)
    (root / "sub" / "deeper").mkdir(parents=True)
    (root / "sub" / "a.txt").write_text("hello")
    (root / "top.bin").write_bytes(b"12345678")
    return run


async def list_artifacts(api, run: dict[str, Any], path: str | None = None) -> Any:
    params = {"run_id": run["info"]["run_id"]}
    if path is not None:
        params["path"] = path
    return await api.get("artifacts/list", params)


@pytest.mark.parametrize("path", REFUSED_PATHS)
async def test_unsafe_artifact_path_is_refused_without_a_listing(api, path: str) -> None:
    run = await run_with_artifacts(api)

    response = await list_artifacts(api, run, path)

    message = api.error(response, 400, "INVALID_PARAMETER_VALUE")
    assert "path" in message.lower()
    assert "files" not in response.json()


async def test_encoded_traversal_in_the_raw_query_string_is_refused(api) -> None:
    run = await run_with_artifacts(api)
    run_id = run["info"]["run_id"]

    response = await api.client.get(
        f"/api/2.0/mlflow/artifacts/list?run_id={run_id}&path=%2e%2e%2f%2e%2e%2fetc"
    )

    api.error(response, 400, "INVALID_PARAMETER_VALUE")


async def test_listing_the_run_root_gives_files_with_sizes_and_directories(api) -> None:
    run = await run_with_artifacts(api)

    body = api.ok(await list_artifacts(api, run))

    assert body["root_uri"] == run["info"]["artifact_uri"]
    assert body["files"] == [
        {"path": "sub", "is_dir": True},
        {"path": "top.bin", "is_dir": False, "file_size": 8},
    ]


async def test_listing_a_nested_directory_gives_paths_relative_to_the_run_root(api) -> None:
    run = await run_with_artifacts(api)

    body = api.ok(await list_artifacts(api, run, "sub"))

    assert body["files"] == [
        {"path": "sub/a.txt", "is_dir": False, "file_size": 5},
        {"path": "sub/deeper", "is_dir": True},
    ]


async def test_listing_a_run_without_artifacts_gives_no_files(api) -> None:
    run = await api.create_run()

    body = api.ok(await list_artifacts(api, run))

    assert body == {"root_uri": run["info"]["artifact_uri"]}


async def test_listing_a_run_with_a_remote_location_is_not_done_by_the_server(api) -> None:
    experiment_id = await api.create_experiment("remote", artifact_location="s3://bucket/x")
    run = await api.create_run(experiment_id)

    response = await list_artifacts(api, run)

    api.error(response, 501, "NOT_IMPLEMENTED")


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A directory outside the artifact root, holding a file no client may see."""
    directory = tmp_path / "outside"
    directory.mkdir()
    (directory / "secret.txt").write_text("secret")
    return directory


async def test_symlinks_out_of_the_root_are_left_out_of_a_listing(api, outside: Path) -> None:
    run = await run_with_artifacts(api)
    root = api.artifact_dir(run)
    os.symlink(outside, root / "to-dir")
    os.symlink(outside / "secret.txt", root / "to-file")

    body = api.ok(await list_artifacts(api, run))

    assert [f["path"] for f in body["files"]] == ["sub", "top.bin"]


async def test_listing_through_a_symlinked_directory_out_of_the_root_is_refused(
    api, outside: Path
) -> None:
    run = await run_with_artifacts(api)
    os.symlink(outside, api.artifact_dir(run) / "to-dir")

    response = await list_artifacts(api, run, "to-dir")

    message = api.error(response, 400, "INVALID_PARAMETER_VALUE")
    assert "outside the artifact root" in message
    assert "secret" not in response.text


async def test_listing_a_symlinked_file_out_of_the_root_is_refused(api, outside: Path) -> None:
    run = await run_with_artifacts(api)
    os.symlink(outside / "secret.txt", api.artifact_dir(run) / "to-file")

    response = await list_artifacts(api, run, "to-file")

    api.error(response, 400, "INVALID_PARAMETER_VALUE")


async def test_listing_an_unknown_run_is_resource_does_not_exist(api) -> None:
    response = await api.get("artifacts/list", {"run_id": "0" * 32})

    api.error(response, 404, "RESOURCE_DOES_NOT_EXIST")


async def test_a_symlink_into_another_runs_artifacts_is_not_followed(api) -> None:
    run = await run_with_artifacts(api)
    other = await run_with_artifacts(api)
    os.symlink(api.artifact_dir(other), api.artifact_dir(run) / "to-other-run")

    response = await list_artifacts(api, run, "to-other-run")

    api.error(response, 400, "INVALID_PARAMETER_VALUE")
    assert "top.bin" not in response.text


async def test_dns_rebinding_host_is_refused_before_anything_is_written(api) -> None:
    """CVE-2025-14279: a loopback server answers only to loopback names."""
    response = await api.post(
        "experiments/create", {"name": "rebound"}, headers={"Host": "attacker.example"}
    )

    api.error(response, 403, "PERMISSION_DENIED")
    assert not await api.experiment_exists("rebound")


async def test_cross_site_text_plain_post_is_refused(api) -> None:
    """CVE-2025-14279: a page elsewhere cannot make the user's browser write to Berth."""
    response = await api.post(
        "experiments/create",
        content=b'{"name": "csrf"}',
        headers={"Content-Type": "text/plain", "Origin": "http://attacker.example"},
    )

    api.error(response, 403, "PERMISSION_DENIED")
    assert not await api.experiment_exists("csrf")
