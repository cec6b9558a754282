"""``berth server --workers N``: several uvicorn workers share one database safely."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

from tests.e2e.conftest import running_berth


def test_several_workers_serve_concurrent_writes(database_uri: str, tmp_path: Path) -> None:
    with running_berth(database_uri, tmp_path, "--workers", "2") as url:

        def create(i: int) -> str:
            response = requests.post(
                f"{url}/api/2.0/mlflow/experiments/create", json={"name": f"w{i}"}, timeout=30
            )
            response.raise_for_status()
            return str(response.json()["experiment_id"])

        with ThreadPoolExecutor(max_workers=8) as pool:
            ids = list(pool.map(create, range(24)))
        ready = requests.get(f"{url}/ready", timeout=10)

    assert len(set(ids)) == 24
    assert ready.status_code == 200
