"""On PostgreSQL, concurrent writes to one registered model keep its aliases consistent: an
alias never ends up on a deleted version (writers lock the model's row, as SQLite's single
writer does by construction)."""

from __future__ import annotations

import asyncio

import pytest

from berth.errors import BerthError, ErrorCode
from tests.integration.registry.service.conftest import World

pytestmark = pytest.mark.postgres

VERSIONS = 12


@pytest.fixture
def module_database_uri(module_postgres_database_uri: str) -> str:
    """PostgreSQL only: SQLite serialises every writer already."""
    return module_postgres_database_uri


async def test_an_alias_set_while_its_version_is_deleted_does_not_survive(world: World) -> None:
    for _ in range(VERSIONS):
        await world.version("m")

    outcomes = await asyncio.gather(
        *(
            operation
            for number in range(1, VERSIONS + 1)
            for operation in (
                world.registry.set_alias("m", f"alias{number}", str(number)),
                world.registry.delete_model_version("m", str(number)),
            )
        ),
        return_exceptions=True,
    )

    failures = [o for o in outcomes if isinstance(o, BaseException)]
    assert all(
        isinstance(f, BerthError) and f.code is ErrorCode.RESOURCE_DOES_NOT_EXIST for f in failures
    ), failures
    assert (await world.registry.get_registered_model("m")).aliases == ()
