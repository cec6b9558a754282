"""Credentials only ever come from Secrets (or the pod's IAM role); the schema is migrated by
a hook Job, never by API pods."""

from __future__ import annotations

import pytest

from tests.chart.support import FULLNAME, MODES, env_of, render

IRSA = {"eks.amazonaws.com/role-arn": "arn:aws:iam::1:role/berth"}


@pytest.mark.parametrize("component", ["tracking", "registry"])
def test_the_database_uri_comes_from_the_existing_secret(component: str) -> None:
    env = env_of(render("proxied").container(component))

    assert env["BERTH_BACKEND_STORE_URI"]["valueFrom"] == {
        "secretKeyRef": {"name": "berth-database", "key": "uri"}
    }


def test_a_database_uri_in_values_goes_into_a_secret_not_the_config() -> None:
    uri = "postgresql://berth:s3cret@db:5432/berth"
    release = render("proxied", {"database": {"existingSecret": "", "uri": uri}})

    assert release.get("Secret", f"{FULLNAME}-database")["stringData"] == {"uri": uri}
    assert "s3cret" not in str(release.config())
    env = env_of(release.container("tracking"))
    assert env["BERTH_BACKEND_STORE_URI"]["valueFrom"]["secretKeyRef"]["name"] == (
        f"{FULLNAME}-database"
    )


def test_the_artifact_service_never_sees_the_database() -> None:
    env = env_of(render("proxied").container("artifacts"))

    assert "BERTH_BACKEND_STORE_URI" not in env


@pytest.mark.parametrize("mode", MODES)
def test_with_an_iam_role_no_pod_gets_static_s3_keys(mode: str) -> None:
    release = render(mode, {"serviceAccount": {"annotations": IRSA}})

    assert release.get("ServiceAccount", FULLNAME)["metadata"]["annotations"] == IRSA
    for name, spec in release.pod_specs():
        for container in spec["containers"]:
            assert "AWS_ACCESS_KEY_ID" not in env_of(container), name
    assert not release.has("Secret", f"{FULLNAME}-s3")


@pytest.mark.parametrize("component", ["tracking", "artifacts"])
def test_s3_keys_come_from_the_existing_secret(component: str) -> None:
    release = render("proxied", {"s3": {"existingSecret": "bucket-keys"}})

    env = env_of(release.container(component))
    assert env["AWS_ACCESS_KEY_ID"]["valueFrom"]["secretKeyRef"] == {
        "name": "bucket-keys",
        "key": "AWS_ACCESS_KEY_ID",
    }
    assert env["AWS_SECRET_ACCESS_KEY"]["valueFrom"]["secretKeyRef"]["name"] == "bucket-keys"


def test_the_helm_test_pod_writes_with_s3_credentials_only_in_direct_mode() -> None:
    keys = {"s3": {"existingSecret": "bucket-keys"}}
    direct = env_of(render("direct", keys).get("Pod", f"{FULLNAME}-test")["spec"]["containers"][0])
    proxied = env_of(
        render("proxied", keys).get("Pod", f"{FULLNAME}-test")["spec"]["containers"][0]
    )

    assert direct["AWS_ACCESS_KEY_ID"]["valueFrom"]["secretKeyRef"]["name"] == "bucket-keys"
    assert "AWS_ACCESS_KEY_ID" not in proxied
    assert proxied["MLFLOW_TRACKING_URI"]["value"] == f"http://{FULLNAME}-gateway:80"


def _hook(release_mode: str, **overrides: object) -> str:
    job = render(release_mode, dict(overrides)).get("Job", f"{FULLNAME}-migrate")
    hook: str = job["metadata"]["annotations"]["helm.sh/hook"]
    return hook


def test_migrations_run_before_install_and_upgrade_with_an_external_database() -> None:
    assert _hook("proxied") == "pre-install,pre-upgrade"


def test_migrations_run_after_install_with_the_bundled_postgresql() -> None:
    hook = _hook(
        "proxied",
        database={"existingSecret": ""},
        postgresql={"enabled": True, "auth": {"password": "pw"}},
    )

    assert hook == "post-install,pre-upgrade"


@pytest.mark.parametrize("mode", ["direct", "proxied"])
def test_the_migration_job_runs_berth_db_upgrade_on_the_database_secret(mode: str) -> None:
    job = render(mode).get("Job", f"{FULLNAME}-migrate")

    container = job["spec"]["template"]["spec"]["containers"][0]
    assert container["args"] == ["db", "upgrade"]
    assert env_of(container)["BERTH_BACKEND_STORE_URI"]["valueFrom"]["secretKeyRef"] == {
        "name": "berth-database",
        "key": "uri",
    }
    assert (job["spec"]["parallelism"], job["spec"]["completions"]) == (1, 1)


def test_a_chart_made_database_secret_reaches_the_pre_install_job_as_a_hook_secret() -> None:
    release = render("proxied", {"database": {"existingSecret": "", "uri": "postgresql://d/b"}})

    secret = release.get("Secret", f"{FULLNAME}-migrations")
    assert secret["metadata"]["annotations"]["helm.sh/hook"] == "pre-install,pre-upgrade"
    assert int(secret["metadata"]["annotations"]["helm.sh/hook-weight"]) < 0
    job = release.get("Job", f"{FULLNAME}-migrate")["spec"]["template"]["spec"]
    ref = env_of(job["containers"][0])["BERTH_BACKEND_STORE_URI"]["valueFrom"]["secretKeyRef"]
    assert ref["name"] == f"{FULLNAME}-migrations"


def test_artifacts_only_mode_has_no_migration_job() -> None:
    assert render("artifactsOnly").of_kind("Job") == []


@pytest.mark.parametrize("mode", ["direct", "proxied"])
def test_api_pods_never_create_the_schema_and_wait_for_it(mode: str) -> None:
    release = render(mode)

    assert release.config()["BERTH_CREATE_SCHEMA"] == "false"
    for component in ("tracking", "registry"):
        spec = release.deployment(component)["spec"]["template"]["spec"]
        init = spec["initContainers"][0]
        assert init["args"] == ["db", "wait", "--timeout", "600"]
        assert "BERTH_BACKEND_STORE_URI" in env_of(init)
        assert spec["containers"][0]["envFrom"] == [{"configMapRef": {"name": FULLNAME}}]
