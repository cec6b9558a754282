"""The S3 backend's botocore session: a cut-down endpoint table and compact models, with
endpoints, signing and presigned URLs exactly as botocore's own session makes them."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from aiobotocore.config import AioConfig
from aiobotocore.session import AioSession
from botocore.loaders import Loader

from berth.artifacts.backends.s3_session import CLIENT_SERVICES, endpoints_of, s3_session

REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-2", "cn-north-1", "us-gov-west-1"]
FAKE_KEYS = {"aws_access_key_id": "AKIDEXAMPLE", "aws_secret_access_key": "secret"}


@pytest.fixture(autouse=True)
def no_ambient_aws_configuration(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("AWS_PROFILE", "AWS_DEFAULT_REGION", "AWS_REGION", "AWS_DATA_PATH"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))


def _client_facts(session: AioSession, service: str, region: str) -> dict[str, Any]:
    async def facts() -> dict[str, Any]:
        config = AioConfig(signature_version="s3v4") if service == "s3" else None
        async with session.create_client(
            service, region_name=region, config=config, **FAKE_KEYS
        ) as client:
            found: dict[str, Any] = {
                "endpoint": client.meta.endpoint_url,
                "region": client.meta.region_name,
            }
            if service == "s3":
                found["presigned"] = await client.generate_presigned_url(
                    "get_object", Params={"Bucket": "bucket", "Key": "a/b.txt"}, ExpiresIn=60
                )
            return found

    return asyncio.run(facts())


def _strip_signature_time(facts: dict[str, Any]) -> dict[str, Any]:
    """Presigned URLs carry the signing time and hence a signature: compare the rest."""
    if "presigned" in facts:
        url, _, query = facts["presigned"].partition("?")
        kept = [
            p for p in query.split("&") if p.split("=")[0] not in {"X-Amz-Date", "X-Amz-Signature"}
        ]
        facts = {**facts, "presigned": (url, sorted(kept))}
    return facts


@pytest.mark.parametrize("region", REGIONS)
@pytest.mark.parametrize("service", ["s3", "sts"])
def test_clients_resolve_as_with_botocores_full_endpoint_table(service: str, region: str) -> None:
    ours = _client_facts(s3_session(None), service, region)
    botocores = _client_facts(AioSession(), service, region)

    assert _strip_signature_time(ours) == _strip_signature_time(botocores)


def test_the_endpoint_table_keeps_the_client_services_and_every_partition() -> None:
    full = Loader().load_data("endpoints")

    table = endpoints_of(full, CLIENT_SERVICES)

    assert [p["partition"] for p in table["partitions"]] == [
        p["partition"] for p in full["partitions"]
    ]
    for kept, original in zip(table["partitions"], full["partitions"], strict=True):
        assert set(kept["services"]) == CLIENT_SERVICES & set(original["services"])
        assert {k: v for k, v in kept.items() if k != "services"} == {
            k: v for k, v in original.items() if k != "services"
        }
        assert all(
            kept["services"][name] == original["services"][name] for name in kept["services"]
        )


def test_the_loaded_service_model_keeps_its_shapes_without_their_documentation() -> None:
    loader = s3_session(None).get_component("data_loader")

    model = loader.load_service_model("s3", "service-2")
    original = Loader().load_service_model("s3", "service-2")

    assert type(model) is dict
    assert model["operations"].keys() == original["operations"].keys()
    assert (
        model["shapes"]["GetObjectOutput"]["members"].keys()
        == original["shapes"]["GetObjectOutput"]["members"].keys()
    )
    assert model["operations"]["GetObject"]["documentation"] == ""
    assert original["operations"]["GetObject"]["documentation"] != ""


def test_a_data_path_still_takes_precedence(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    custom = {"version": 3, "partitions": [], "marker": "custom"}
    (tmp_path / "endpoints.json").write_text(json.dumps(custom))
    monkeypatch.setenv("AWS_DATA_PATH", str(tmp_path))

    loaded = s3_session(None).get_component("data_loader").load_data("endpoints")

    assert loaded["marker"] == "custom"
