"""gc.enabled schedules `berth gc` as a CronJob on the tracking database and artifact store;
it is off by default (artifacts-only mode, which keeps no runs, refuses it: see
test_contradictions)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.chart.support import FULLNAME, MODES, env_of, render, render_error

GC = f"{FULLNAME}-gc"


def _cron_job(mode: str, gc: dict[str, Any]) -> dict[str, Any]:
    cron_job: dict[str, Any] = render(mode, {"gc": {"enabled": True, **gc}}).get("CronJob", GC)
    return cron_job


def _container(cron_job: dict[str, Any]) -> dict[str, Any]:
    container: dict[str, Any] = cron_job["spec"]["jobTemplate"]["spec"]["template"]["spec"][
        "containers"
    ][0]
    return container


@pytest.mark.parametrize("mode", MODES)
def test_no_gc_job_is_scheduled_by_default(mode: str) -> None:
    assert not render(mode).has("CronJob", GC)


def test_the_gc_job_runs_on_its_schedule_one_at_a_time() -> None:
    cron_job = _cron_job("proxied", {"schedule": "15 2 * * 0"})

    assert cron_job["spec"]["schedule"] == "15 2 * * 0"
    assert cron_job["spec"]["concurrencyPolicy"] == "Forbid"
    assert cron_job["spec"]["jobTemplate"]["spec"]["template"]["spec"]["restartPolicy"] == "Never"


def test_proxied_gc_deletes_what_was_deleted_longer_ago_than_older_than() -> None:
    container = _container(_cron_job("proxied", {"olderThan": "7d12h"}))

    assert container["args"] == ["gc", "--older-than", "7d12h"]
    assert container["envFrom"] == [{"configMapRef": {"name": FULLNAME}}]


def test_an_empty_older_than_collects_whatever_was_deleted() -> None:
    assert _container(_cron_job("proxied", {"olderThan": ""}))["args"] == ["gc"]


def test_direct_gc_is_given_the_default_artifact_root_the_clients_wrote_to() -> None:
    container = _container(_cron_job("direct", {}))

    assert container["args"] == [
        "gc",
        "--older-than",
        "30d",
        "--artifacts-destination",
        "s3://mlflow/artifacts",
    ]


def test_the_gc_job_gets_the_database_uri_and_s3_keys_from_secrets() -> None:
    release = render("proxied", {"gc": {"enabled": True}, "s3": {"existingSecret": "keys"}})

    env = env_of(_container(release.get("CronJob", GC)))
    assert env["BERTH_BACKEND_STORE_URI"]["valueFrom"]["secretKeyRef"]["key"] == "uri"
    assert env["AWS_ACCESS_KEY_ID"]["valueFrom"]["secretKeyRef"]["name"] == "keys"


def test_an_age_that_berth_gc_cannot_read_stops_the_install() -> None:
    message = render_error("proxied", {"gc": {"enabled": True, "olderThan": "30 days"}})

    assert "olderThan" in message
