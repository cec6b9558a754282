"""What the registry service needs from storage.

:class:`~berth.registry.sql_store.SqlRegistryStore` is the implementation; the service depends
on this protocol only. Every method runs inside the caller's transaction (its session).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from berth.registry.entities import (
    ModelVersion,
    Page,
    RegisteredModel,
    Stage,
    Tag,
    VersionSource,
)


class RegistryStore(Protocol):
    async def create_registered_model(
        self,
        session: AsyncSession,
        name: str,
        tags: Sequence[Tag],
        description: str | None,
        now: int,
    ) -> RegisteredModel: ...

    async def get_registered_model(self, session: AsyncSession, name: str) -> RegisteredModel: ...

    async def rename_registered_model(
        self, session: AsyncSession, name: str, new_name: str, now: int
    ) -> RegisteredModel: ...

    async def update_registered_model(
        self, session: AsyncSession, name: str, description: str | None, now: int
    ) -> RegisteredModel: ...

    async def delete_registered_model(self, session: AsyncSession, name: str) -> None: ...

    async def search_registered_models(
        self,
        session: AsyncSession,
        filter_string: str | None,
        max_results: int,
        order_by: Sequence[str],
        token: str | None,
    ) -> Page[RegisteredModel]: ...

    async def set_registered_model_tag(
        self, session: AsyncSession, name: str, tag: Tag
    ) -> None: ...

    async def delete_registered_model_tag(
        self, session: AsyncSession, name: str, key: str
    ) -> None: ...

    async def latest_versions(
        self, session: AsyncSession, name: str, stages: Sequence[Stage]
    ) -> list[ModelVersion]: ...

    async def set_alias(
        self, session: AsyncSession, name: str, alias: str, version: int
    ) -> None: ...

    async def delete_alias(self, session: AsyncSession, name: str, alias: str) -> None: ...

    async def alias_version(self, session: AsyncSession, name: str, alias: str) -> int | None: ...

    async def create_model_version(
        self,
        session: AsyncSession,
        name: str,
        source: VersionSource,
        tags: Sequence[Tag],
        run_link: str | None,
        description: str | None,
        now: int,
    ) -> ModelVersion: ...

    async def get_model_version(
        self, session: AsyncSession, name: str, version: int
    ) -> ModelVersion: ...

    async def update_model_version(
        self, session: AsyncSession, name: str, version: int, description: str | None, now: int
    ) -> ModelVersion: ...

    async def transition_stage(
        self,
        session: AsyncSession,
        name: str,
        version: int,
        stage: Stage,
        archive_existing: bool,
        now: int,
    ) -> ModelVersion: ...

    async def delete_model_version(
        self, session: AsyncSession, name: str, version: int, now: int
    ) -> None: ...

    async def search_model_versions(
        self,
        session: AsyncSession,
        filter_string: str | None,
        max_results: int,
        order_by: Sequence[str],
        token: str | None,
    ) -> Page[ModelVersion]: ...

    async def set_model_version_tag(
        self, session: AsyncSession, name: str, version: int, tag: Tag
    ) -> None: ...

    async def delete_model_version_tag(
        self, session: AsyncSession, name: str, version: int, key: str
    ) -> None: ...
