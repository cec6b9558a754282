"""The registry store on SQLAlchemy: every query the slice runs, on PostgreSQL or SQLite.

Methods take the caller's session; the service owns the transaction. Reads of many models or
versions load their tags and aliases with one ``IN`` query per table, never one per row.
Runs and logged models are reached through the lineage port (:mod:`berth.registry.ports`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import delete, func, select, tuple_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from berth.db.queries import IN_CHUNK, by_key, dialect_insert, grouped, upsert_key_values
from berth.errors import already_exists, not_found
from berth.registry import search
from berth.registry import tables as t
from berth.registry.entities import (
    DELETED_STAGE,
    ModelVersion,
    ModelVersionStatus,
    Page,
    RegisteredModel,
    Stage,
    Tag,
    VersionSource,
)
from berth.tracking.search import page_token
from berth.tracking.search.grammar import (
    parse_model_version_filter,
    parse_model_version_order_by,
    parse_registered_model_filter,
    parse_registered_model_order_by,
)

VersionKey = tuple[int, int]
"""(registered model id, version number)."""

_MODEL = t.RegisteredModelRow
_VERSION = t.ModelVersionRow


def _version_not_found(name: str, version: int | str) -> Exception:
    return not_found(f"Model Version (name={name}, version={version}) not found")


class SqlRegistryStore:
    # ------------------------------------------------------------------ registered models

    async def create_registered_model(
        self,
        session: AsyncSession,
        name: str,
        tags: Sequence[Tag],
        description: str | None,
        now: int,
    ) -> RegisteredModel:
        if await session.scalar(select(_MODEL.id).filter_by(name=name)) is not None:
            raise already_exists(f"Registered Model (name={name}) already exists.")
        row = _MODEL(name=name, creation_time=now, last_updated_time=now, description=description)
        session.add(row)
        await _flush_unique_name(session, name)
        if tags:
            await self._upsert_model_tags(session, row.id, {tag.key: tag.value for tag in tags})
        return await self._registered_model(session, row)

    async def get_registered_model(self, session: AsyncSession, name: str) -> RegisteredModel:
        return await self._registered_model(session, await self._model_row(session, name))

    async def rename_registered_model(
        self, session: AsyncSession, name: str, new_name: str, now: int
    ) -> RegisteredModel:
        row = await self._model_row(session, name, lock=True)
        if new_name != name and await session.scalar(select(_MODEL.id).filter_by(name=new_name)):
            raise already_exists(f"Registered Model (name={new_name}) already exists.")
        row.name = new_name
        row.last_updated_time = now
        await session.execute(
            update(_VERSION)
            .where(_VERSION.registered_model_id == row.id)
            .values(last_updated_time=now)
        )
        await _flush_unique_name(session, new_name)
        return await self._registered_model(session, row)

    async def update_registered_model(
        self, session: AsyncSession, name: str, description: str | None, now: int
    ) -> RegisteredModel:
        row = await self._model_row(session, name)
        row.description = description
        row.last_updated_time = now
        return await self._registered_model(session, row)

    async def delete_registered_model(self, session: AsyncSession, name: str) -> None:
        """The model with its versions, tags and aliases (foreign keys cascade)."""
        row = await self._model_row(session, name)
        await session.execute(delete(_MODEL).where(_MODEL.id == row.id))

    async def search_registered_models(
        self,
        session: AsyncSession,
        filter_string: str | None,
        max_results: int,
        order_by: Sequence[str],
        token: str | None,
    ) -> Page[RegisteredModel]:
        comparisons = parse_registered_model_filter(filter_string)
        order = parse_registered_model_order_by(order_by)
        query_id = page_token.fingerprint("registered-models", filter_string, order_by)
        statement = (
            select(_MODEL)
            .where(*search.registered_model_filter(comparisons))
            .order_by(*search.registered_model_order(order))
        )
        rows, next_token = await page_token.page_of(
            session, statement, query_id, token, max_results
        )
        return Page(await self._registered_models(session, rows), next_token)

    async def set_registered_model_tag(self, session: AsyncSession, name: str, tag: Tag) -> None:
        row = await self._model_row(session, name)
        await self._upsert_model_tags(session, row.id, {tag.key: tag.value})

    async def delete_registered_model_tag(self, session: AsyncSession, name: str, key: str) -> None:
        """As MLflow: deleting a tag the model does not have is not an error."""
        row = await self._model_row(session, name)
        await session.execute(
            delete(t.RegisteredModelTagRow).filter_by(registered_model_id=row.id, key=key)
        )

    async def latest_versions(
        self, session: AsyncSession, name: str, stages: Sequence[Stage]
    ) -> list[ModelVersion]:
        """The newest version in each of ``stages`` (in stage order)."""
        row = await self._model_row(session, name)
        latest = (await self._latest_versions(session, [row.id])).get(row.id, [])
        wanted = [stage.value for stage in stages]
        return sorted(
            (v for v in latest if v.current_stage in wanted),
            key=lambda v: wanted.index(v.current_stage),
        )

    # ------------------------------------------------------------------ aliases

    async def set_alias(self, session: AsyncSession, name: str, alias: str, version: int) -> None:
        """Under a lock on the model's row, which deleting a version also takes: the version
        is still live when the alias is written."""
        await self._model_row(session, name, lock=True)
        row = await self._live_version_row(session, name, version)
        statement = dialect_insert(session, t.RegisteredModelAliasRow).values(
            registered_model_id=row.registered_model_id, alias=alias, version=version
        )
        await session.execute(
            statement.on_conflict_do_update(
                index_elements=["registered_model_id", "alias"], set_={"version": version}
            )
        )

    async def delete_alias(self, session: AsyncSession, name: str, alias: str) -> None:
        """As MLflow: deleting an alias the model does not have is not an error."""
        row = await self._model_row(session, name)
        await session.execute(
            delete(t.RegisteredModelAliasRow).filter_by(registered_model_id=row.id, alias=alias)
        )

    async def alias_version(self, session: AsyncSession, name: str, alias: str) -> int | None:
        row = await self._model_row(session, name)
        version: int | None = await session.scalar(
            select(t.RegisteredModelAliasRow.version).filter_by(
                registered_model_id=row.id, alias=alias
            )
        )
        return version

    # ------------------------------------------------------------------ model versions

    async def create_model_version(
        self,
        session: AsyncSession,
        name: str,
        source: VersionSource,
        tags: Sequence[Tag],
        run_link: str | None,
        description: str | None,
        now: int,
    ) -> ModelVersion:
        """The next version of ``name``: numbers are allocated under a lock on the model's row
        (SELECT ... FOR UPDATE on PostgreSQL; SQLite transactions hold the write lock from
        their start), so concurrent registrations get 1, 2, 3 ... without gaps or clashes.
        Deleted versions keep their rows, so a number is never handed out twice."""
        model = await self._model_row(session, name, lock=True)
        highest = await session.scalar(
            select(func.max(_VERSION.version)).where(_VERSION.registered_model_id == model.id)
        )
        version = (highest or 0) + 1
        session.add(
            _VERSION(
                registered_model_id=model.id,
                version=version,
                creation_time=now,
                last_updated_time=now,
                description=description,
                user_id=None,
                current_stage=Stage.NONE.value,
                source=source.source,
                storage_location=source.storage_location,
                run_id=source.run_id,
                run_link=run_link,
                model_id=source.model_id,
                status=ModelVersionStatus.READY,
                status_message=None,
            )
        )
        model.last_updated_time = now
        await session.flush()
        if tags:
            await self._upsert_version_tags(
                session, (model.id, version), {tag.key: tag.value for tag in tags}
            )
        return await self.get_model_version(session, name, version)

    async def get_model_version(
        self, session: AsyncSession, name: str, version: int
    ) -> ModelVersion:
        row = await self._live_version_row(session, name, version)
        return (await self._versions(session, [(row, name)]))[0]

    async def update_model_version(
        self, session: AsyncSession, name: str, version: int, description: str | None, now: int
    ) -> ModelVersion:
        row = await self._live_version_row(session, name, version)
        row.description = description
        row.last_updated_time = now
        return (await self._versions(session, [(row, name)]))[0]

    async def transition_stage(
        self,
        session: AsyncSession,
        name: str,
        version: int,
        stage: Stage,
        archive_existing: bool,
        now: int,
    ) -> ModelVersion:
        model = await self._model_row(session, name, lock=True)
        row = await self._live_version_row(session, name, version)
        if archive_existing:
            await session.execute(
                update(_VERSION)
                .where(
                    _VERSION.registered_model_id == model.id,
                    _VERSION.version != version,
                    _VERSION.current_stage == stage.value,
                )
                .values(current_stage=Stage.ARCHIVED.value, last_updated_time=now)
            )
        row.current_stage = stage.value
        row.last_updated_time = now
        model.last_updated_time = now
        return (await self._versions(session, [(row, name)]))[0]

    async def delete_model_version(
        self, session: AsyncSession, name: str, version: int, now: int
    ) -> None:
        """Soft delete, as MLflow: the row stays (its number is spent), its details are
        redacted, its tags and the aliases pointing at it go. The model's row is locked
        first, as every writer of its versions and aliases does."""
        model = await self._model_row(session, name, lock=True)
        row = await self._live_version_row(session, name, version)
        await session.execute(
            delete(t.RegisteredModelAliasRow).filter_by(
                registered_model_id=model.id, version=version
            )
        )
        await session.execute(
            delete(t.ModelVersionTagRow).filter_by(registered_model_id=model.id, version=version)
        )
        row.current_stage = DELETED_STAGE
        row.last_updated_time = now
        row.description = None
        row.user_id = None
        row.source = "REDACTED-SOURCE-PATH"
        row.storage_location = "REDACTED-SOURCE-PATH"
        row.run_id = "REDACTED-RUN-ID"
        row.run_link = "REDACTED-RUN-LINK"
        row.status_message = None
        model.last_updated_time = now

    async def search_model_versions(
        self,
        session: AsyncSession,
        filter_string: str | None,
        max_results: int,
        order_by: Sequence[str],
        token: str | None,
    ) -> Page[ModelVersion]:
        comparisons = parse_model_version_filter(filter_string)
        order = parse_model_version_order_by(order_by or search.DEFAULT_VERSION_ORDER)
        query_id = page_token.fingerprint("model-versions", filter_string, order_by)
        statement = (
            select(_VERSION, _MODEL.name)
            .join(_MODEL, _MODEL.id == _VERSION.registered_model_id)
            .where(_VERSION.current_stage != DELETED_STAGE)
            .where(*search.model_version_filter(comparisons))
            .order_by(*search.model_version_order(order))
        )
        rows, next_token = await page_token.page_of(
            session, statement, query_id, token, max_results, columns=True
        )
        return Page(await self._versions(session, [(r[0], r[1]) for r in rows]), next_token)

    async def set_model_version_tag(
        self, session: AsyncSession, name: str, version: int, tag: Tag
    ) -> None:
        row = await self._live_version_row(session, name, version)
        await self._upsert_version_tags(
            session, (row.registered_model_id, version), {tag.key: tag.value}
        )

    async def delete_model_version_tag(
        self, session: AsyncSession, name: str, version: int, key: str
    ) -> None:
        """As MLflow: deleting a tag the version does not have is not an error."""
        row = await self._live_version_row(session, name, version)
        await session.execute(
            delete(t.ModelVersionTagRow).filter_by(
                registered_model_id=row.registered_model_id, version=version, key=key
            )
        )

    # ------------------------------------------------------------------ rows and entities

    async def _model_row(
        self, session: AsyncSession, name: str, *, lock: bool = False
    ) -> t.RegisteredModelRow:
        statement = select(_MODEL).where(_MODEL.name == name)
        if lock:
            statement = statement.with_for_update()
        row = await session.scalar(statement)
        if row is None:
            raise not_found(f"Registered Model with name={name} not found")
        return row

    async def _live_version_row(
        self, session: AsyncSession, name: str, version: int
    ) -> t.ModelVersionRow:
        row = await session.scalar(
            select(_VERSION)
            .join(_MODEL, _MODEL.id == _VERSION.registered_model_id)
            .where(
                _MODEL.name == name,
                _VERSION.version == version,
                _VERSION.current_stage != DELETED_STAGE,
            )
        )
        if row is None:
            raise _version_not_found(name, version)
        return row

    async def _upsert_model_tags(
        self, session: AsyncSession, model_id: int, values: dict[str, str]
    ) -> None:
        await upsert_key_values(
            session, t.RegisteredModelTagRow, "registered_model_id", model_id, values
        )

    async def _upsert_version_tags(
        self, session: AsyncSession, key: VersionKey, values: dict[str, str]
    ) -> None:
        statement = dialect_insert(session, t.ModelVersionTagRow)
        await session.execute(
            statement.on_conflict_do_update(
                index_elements=["registered_model_id", "version", "key"],
                set_={"value": statement.excluded.value},
            ),
            [
                {"registered_model_id": key[0], "version": key[1], "key": k, "value": values[k]}
                for k in sorted(values)
            ],
        )

    async def _registered_model(
        self, session: AsyncSession, row: t.RegisteredModelRow
    ) -> RegisteredModel:
        return (await self._registered_models(session, [row]))[0]

    async def _registered_models(
        self, session: AsyncSession, rows: Sequence[t.RegisteredModelRow]
    ) -> list[RegisteredModel]:
        ids = [row.id for row in rows]
        tags = await grouped(
            session, t.RegisteredModelTagRow, t.RegisteredModelTagRow.registered_model_id, ids
        )
        aliases = await grouped(
            session, t.RegisteredModelAliasRow, t.RegisteredModelAliasRow.registered_model_id, ids
        )
        latest = await self._latest_versions(session, ids)
        return [
            RegisteredModel(
                name=row.name,
                creation_timestamp=row.creation_time,
                last_updated_timestamp=row.last_updated_time,
                description=row.description,
                latest_versions=tuple(latest.get(row.id, ())),
                tags=tuple(Tag(g.key, g.value) for g in by_key(tags[row.id])),
                aliases=tuple(
                    (a.alias, a.version) for a in sorted(aliases[row.id], key=lambda a: a.alias)
                ),
            )
            for row in rows
        ]

    async def _latest_versions(
        self, session: AsyncSession, model_ids: Sequence[int]
    ) -> dict[int, list[ModelVersion]]:
        """The newest live version in each stage of each model, in version order."""
        found: list[tuple[t.ModelVersionRow, str]] = []
        for start in range(0, len(model_ids), IN_CHUNK):
            chunk = model_ids[start : start + IN_CHUNK]
            newest = (
                select(
                    _VERSION.registered_model_id,
                    func.max(_VERSION.version).label("version"),
                )
                .where(
                    _VERSION.registered_model_id.in_(chunk),
                    _VERSION.current_stage != DELETED_STAGE,
                )
                .group_by(_VERSION.registered_model_id, _VERSION.current_stage)
                .subquery()
            )
            result = await session.execute(
                select(_VERSION, _MODEL.name)
                .join(_MODEL, _MODEL.id == _VERSION.registered_model_id)
                .join(
                    newest,
                    (newest.c.registered_model_id == _VERSION.registered_model_id)
                    & (newest.c.version == _VERSION.version),
                )
                .order_by(_VERSION.registered_model_id, _VERSION.version)
            )
            found.extend((row, name) for row, name in result)
        grouped: dict[int, list[ModelVersion]] = defaultdict(list)
        versions = await self._versions(session, found)
        for (row, _name), version in zip(found, versions, strict=True):
            grouped[row.registered_model_id].append(version)
        return grouped

    async def _versions(
        self, session: AsyncSession, rows: Sequence[tuple[t.ModelVersionRow, str]]
    ) -> list[ModelVersion]:
        keys: list[VersionKey] = [(row.registered_model_id, row.version) for row, _ in rows]
        tags: dict[VersionKey, list[Tag]] = defaultdict(list)
        aliases: dict[VersionKey, list[str]] = defaultdict(list)
        for start in range(0, len(keys), IN_CHUNK):
            chunk = keys[start : start + IN_CHUNK]
            tag_rows = await session.scalars(
                select(t.ModelVersionTagRow).where(
                    tuple_(
                        t.ModelVersionTagRow.registered_model_id, t.ModelVersionTagRow.version
                    ).in_(chunk)
                )
            )
            for tag in tag_rows:
                tags[(tag.registered_model_id, tag.version)].append(Tag(tag.key, tag.value))
            alias_rows = await session.scalars(
                select(t.RegisteredModelAliasRow).where(
                    t.RegisteredModelAliasRow.registered_model_id.in_({k[0] for k in chunk})
                )
            )
            for alias in alias_rows:
                aliases[(alias.registered_model_id, alias.version)].append(alias.alias)
        return [
            ModelVersion(
                name=name,
                version=row.version,
                creation_timestamp=row.creation_time,
                last_updated_timestamp=row.last_updated_time,
                description=row.description,
                user_id=row.user_id,
                current_stage=row.current_stage,
                source=row.source,
                run_id=row.run_id,
                run_link=row.run_link,
                status=ModelVersionStatus(row.status),
                status_message=row.status_message,
                storage_location=row.storage_location,
                model_id=row.model_id,
                tags=tuple(by_key(tags[key])),
                aliases=tuple(sorted(aliases[key])),
            )
            for (row, name), key in zip(rows, keys, strict=True)
        ]


async def _flush_unique_name(session: AsyncSession, name: str) -> None:
    """Flush a model write; losing a race for its name is RESOURCE_ALREADY_EXISTS."""
    try:
        await session.flush()
    except IntegrityError as exc:
        raise already_exists(f"Registered Model (name={name}) already exists.") from exc
