"""``GET /get-artifact`` must never read outside the run's own artifacts (SECURITY.md).

One test per MLflow traversal class that applies to this route: plain ``..`` (mlflow#7166),
URL-encoded and double-encoded ``..`` (CVE-2023-6831 → CVE-2024-1560, CVE-2023-6730),
absolute paths (CVE-2023-1176), backslashes (CVE-2023-2780), drive letters, NUL and control
characters, ``#`` fragments (CVE-2023-6909 → CVE-2024-3848, CVE-2024-2928), ``?``
(CVE-2024-8859), ``//`` hosts (CVE-2023-6977), symlinks placed in a local store, and escapes
into another run's artifacts. Each is refused with 400 INVALID_PARAMETER_VALUE and reads
nothing.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from berth.config import Settings
from tests.integration.artifacts.support import create_run, proxied_path, running, upload

SECRET = b"root:x:0:0:not-for-clients"


@pytest.fixture
def store(tmp_path: Path) -> Path:
    return tmp_path / "store"


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A file outside the artifact store holding SECRET."""
    secret = tmp_path / "outside" / "passwd"
    secret.parent.mkdir()
    secret.write_bytes(SECRET)
    return secret


@pytest.fixture
async def client(tmp_path: Path, store: Path) -> AsyncIterator[httpx.AsyncClient]:
    settings = Settings(
        backend_store_uri=f"sqlite:///{tmp_path / 'berth.db'}", artifacts_destination=str(store)
    )
    async with running(settings) as c:
        yield c


@pytest.fixture
async def run(client: httpx.AsyncClient) -> dict[str, str]:
    """A run with one artifact, ``ok.txt``; its ``store_path`` is where it lives in the store."""
    info = await create_run(client)
    await upload(client, f"{proxied_path(info['artifact_uri'])}/ok.txt", b"ok")
    return {"run_id": info["run_id"], "store_path": proxied_path(info["artifact_uri"])}


@pytest.fixture
async def other_run(client: httpx.AsyncClient) -> dict[str, str]:
    """Another run, holding SECRET in ``secret.txt``."""
    info = await create_run(client)
    await upload(client, f"{proxied_path(info['artifact_uri'])}/secret.txt", SECRET)
    return {"run_id": info["run_id"], "store_path": proxied_path(info["artifact_uri"])}


async def _get_raw(client: httpx.AsyncClient, run_id: str, raw_path: str) -> httpx.Response:
    """``/get-artifact`` with ``path`` put into the query string exactly as given."""
    return await client.get(f"/get-artifact?run_uuid={run_id}&path={raw_path}")


def _assert_refused(response: httpx.Response) -> None:
    assert response.status_code == 400, response.text
    assert response.json()["error_code"] == "INVALID_PARAMETER_VALUE"
    assert SECRET not in response.content


# The path parameter, as it appears in the query string.
TRAVERSALS = {
    "dot-dot (mlflow#7166)": "../../../../etc/passwd",
    "dot-dot after a name": "ok.txt/../../../../../etc/passwd",
    "url-encoded dot-dot (CVE-2024-1560)": "%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "double-encoded dot-dot (CVE-2024-1560, CVE-2023-6730)": (
        "%252e%252e%252f%252e%252e%252f%252e%252e%252fetc%252fpasswd"
    ),
    "triple-encoded dot-dot": "%25252e%25252e%25252f%25252e%25252e%25252fetc",
    "mixed encodings": "..%2f%252e%252e/%2e./etc/passwd",
    "absolute (CVE-2023-1176)": "/etc/passwd",
    "encoded absolute": "%2fetc%2fpasswd",
    "double slash host (CVE-2023-6977)": "//proc/self/root/etc/passwd",
    "backslash (CVE-2023-2780)": "..%5c..%5c..%5cetc%5cpasswd",
    "double-encoded backslash": "..%255c..%255cetc%255cpasswd",
    "drive letter": "C:%5cWindows%5cwin.ini",
    "drive letter with slash": "C:/Windows/win.ini",
    "NUL": "ok.txt%00.png",
    "double-encoded NUL": "ok.txt%2500",
    "line break": "ok.txt%0d%0aX-Injected:%201",
    "fragment (CVE-2024-3848, CVE-2024-2928)": "x%23/../../../../etc/passwd",
    "query (CVE-2024-8859)": "a%3f/../../../../etc/passwd",
    "double-encoded query": "a%253f/%252e%252e/%252e%252e/etc",
}


@pytest.mark.parametrize("raw_path", TRAVERSALS.values(), ids=TRAVERSALS.keys())
async def test_a_traversing_path_is_refused(
    client: httpx.AsyncClient, run: dict[str, str], raw_path: str
) -> None:
    _assert_refused(await _get_raw(client, run["run_id"], raw_path))


async def test_a_bad_path_is_refused_before_the_run_is_looked_up(
    client: httpx.AsyncClient,
) -> None:
    _assert_refused(await _get_raw(client, "no-such-run", "../../../../etc/passwd"))


# Another run's artifacts


@pytest.mark.parametrize(
    "template",
    [
        "../../{other}/artifacts/secret.txt",
        "%2e%2e/%2e%2e/{other}/artifacts/secret.txt",
        "%252e%252e%252f%252e%252e%252f{other}%252fartifacts%252fsecret.txt",
        "..%5c..%5c{other}%5cartifacts%5csecret.txt",
    ],
)
async def test_a_path_into_another_runs_artifacts_is_refused(
    client: httpx.AsyncClient, run: dict[str, str], other_run: dict[str, str], template: str
) -> None:
    raw_path = template.format(other=other_run["run_id"])

    _assert_refused(await _get_raw(client, run["run_id"], raw_path))


async def test_the_other_runs_secret_is_served_to_its_own_run(
    client: httpx.AsyncClient, other_run: dict[str, str]
) -> None:
    """The control for the test above: the file is there, only the escape is refused."""
    response = await _get_raw(client, other_run["run_id"], "secret.txt")

    assert response.content == SECRET


# Symlinks placed in a local store (by anyone with access to its filesystem)


async def test_a_symlink_to_a_file_outside_the_store_is_refused(
    client: httpx.AsyncClient, run: dict[str, str], store: Path, outside: Path
) -> None:
    (store / run["store_path"] / "passwd").symlink_to(outside)

    _assert_refused(await _get_raw(client, run["run_id"], "passwd"))


async def test_a_symlinked_directory_leading_outside_the_store_is_refused(
    client: httpx.AsyncClient, run: dict[str, str], store: Path, outside: Path
) -> None:
    (store / run["store_path"] / "etc").symlink_to(outside.parent, target_is_directory=True)

    _assert_refused(await _get_raw(client, run["run_id"], "etc/passwd"))


async def test_a_symlink_into_another_runs_artifacts_is_refused(
    client: httpx.AsyncClient, run: dict[str, str], other_run: dict[str, str], store: Path
) -> None:
    target = store / other_run["store_path"]
    (store / run["store_path"] / "theirs").symlink_to(target, target_is_directory=True)

    _assert_refused(await _get_raw(client, run["run_id"], "theirs/secret.txt"))


async def test_a_file_uri_is_only_a_name_below_the_run(
    client: httpx.AsyncClient, run: dict[str, str]
) -> None:
    """``file:///etc/passwd`` names a (missing) file ``file:/etc/passwd`` under the run's
    artifacts, never the server's /etc/passwd."""
    response = await _get_raw(client, run["run_id"], "file:///etc/passwd")

    assert response.status_code == 404
    assert response.json()["error_code"] == "RESOURCE_DOES_NOT_EXIST"
    assert b"root:" not in response.content
