"""The registry domain: MLflow's rules for registered models, versions, stages and aliases.

Each public method is one use case and owns its transaction, so REST and gRPC callers get the
same validation and the same all-or-nothing writes.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from berth.artifacts.backends.base import ArtifactBackend
from berth.artifacts.paths import canonical_relative_path
from berth.artifacts.service import Download
from berth.db.transaction import Database
from berth.errors import BerthError, ErrorCode, invalid, not_found
from berth.registry.entities import (
    ACTIVE_STAGES,
    ALL_STAGES,
    ModelVersion,
    Page,
    RegisteredModel,
    Stage,
    Tag,
    VersionSource,
)
from berth.registry.ports import Lineage
from berth.registry.sources import (
    LoggedModelSource,
    RegisteredSource,
    RunSource,
    Source,
    SourcePolicy,
    UriSource,
    check_prompt_source,
    is_prompt,
    not_contained,
    refused,
)
from berth.registry.store import RegistryStore
from berth.tracking.service import now_ms
from berth.tracking.validation import validate_key, validate_length

SEARCH_REGISTERED_MODELS_DEFAULT = 100
SEARCH_REGISTERED_MODELS_THRESHOLD = 1000
SEARCH_MODEL_VERSIONS_THRESHOLD = 200_000
MAX_NAME_LENGTH = 256
MAX_TAG_VALUE_LENGTH = 100_000
MAX_ALIAS_LENGTH = 255
MAX_DESCRIPTION_LENGTH = 100_000
MAX_RUN_LINK_LENGTH = 4000
LATEST_ALIAS = "latest"

_ALIAS = re.compile(r"[\w\-]*")
_VERSION_ALIAS = re.compile(r"[vV]\d+")


class RegistryService:
    def __init__(
        self,
        db: Database,
        store: RegistryStore,
        sources: SourcePolicy,
        artifacts: ArtifactBackend,
        lineage: Lineage,
        clock: Callable[[], int] = now_ms,
    ) -> None:
        self._db = db
        self._store = store
        self._lineage = lineage
        self._sources = sources
        self._artifacts = artifacts
        self._clock = clock

    # ------------------------------------------------------------------ registered models

    async def create_registered_model(
        self, name: str, tags: Sequence[Tag], description: str | None
    ) -> RegisteredModel:
        validate_model_name(name)
        for index, tag in enumerate(tags):
            validate_tag(tag, f"tags[{index}]")
        validate_length("description", description, MAX_DESCRIPTION_LENGTH)
        async with self._db.transaction() as session:
            return await self._store.create_registered_model(
                session, name, tags, description, self._clock()
            )

    async def get_registered_model(self, name: str) -> RegisteredModel:
        validate_model_name(name)
        async with self._db.transaction() as session:
            return await self._store.get_registered_model(session, name)

    async def rename_registered_model(self, name: str, new_name: str) -> RegisteredModel:
        validate_model_name(name)
        validate_model_name(new_name, "new_name")
        async with self._db.transaction() as session:
            return await self._store.rename_registered_model(session, name, new_name, self._clock())

    async def update_registered_model(self, name: str, description: str | None) -> RegisteredModel:
        validate_model_name(name)
        validate_length("description", description, MAX_DESCRIPTION_LENGTH)
        async with self._db.transaction() as session:
            return await self._store.update_registered_model(
                session, name, description, self._clock()
            )

    async def delete_registered_model(self, name: str) -> None:
        validate_model_name(name)
        async with self._db.transaction() as session:
            await self._store.delete_registered_model(session, name)

    async def search_registered_models(
        self,
        filter_string: str | None,
        max_results: int | None,
        order_by: Sequence[str],
        page_token: str | None,
    ) -> Page[RegisteredModel]:
        limit = _max_results(
            max_results, SEARCH_REGISTERED_MODELS_DEFAULT, SEARCH_REGISTERED_MODELS_THRESHOLD
        )
        async with self._db.transaction() as session:
            return await self._store.search_registered_models(
                session, filter_string, limit, order_by, page_token
            )

    async def get_latest_versions(self, name: str, stages: Sequence[str]) -> list[ModelVersion]:
        """The newest version in each stage asked for (every stage when none is)."""
        validate_model_name(name)
        wanted = [Stage.parse(s) for s in stages] if stages else list(ALL_STAGES)
        async with self._db.transaction() as session:
            versions = await self._store.latest_versions(session, name, wanted)
        return versions

    async def set_registered_model_tag(self, name: str, tag: Tag) -> None:
        validate_model_name(name)
        validate_tag(tag)
        async with self._db.transaction() as session:
            await self._store.set_registered_model_tag(session, name, tag)

    async def delete_registered_model_tag(self, name: str, key: str) -> None:
        validate_model_name(name)
        validate_key(key)
        async with self._db.transaction() as session:
            await self._store.delete_registered_model_tag(session, name, key)

    # ------------------------------------------------------------------ aliases

    async def set_alias(self, name: str, alias: str, version: str) -> None:
        validate_model_name(name)
        validate_alias(alias)
        if alias.lower() == LATEST_ALIAS:
            raise invalid("'latest' alias name (case insensitive) is reserved.")
        if _VERSION_ALIAS.fullmatch(alias):
            raise invalid(f"Version alias name '{alias}' is reserved.")
        number = parse_version(version, name)
        async with self._db.transaction() as session:
            await self._store.set_alias(session, name, alias, number)

    async def delete_alias(self, name: str, alias: str) -> None:
        validate_model_name(name)
        validate_alias(alias)
        async with self._db.transaction() as session:
            await self._store.delete_alias(session, name, alias)

    async def get_version_by_alias(self, name: str, alias: str) -> ModelVersion:
        validate_model_name(name)
        validate_alias(alias)
        async with self._db.transaction() as session:
            version = await self._resolve_alias(session, name, alias)
            return await self._store.get_model_version(session, name, version)

    async def _resolve_alias(self, session: AsyncSession, name: str, alias: str) -> int:
        if alias.lower() == LATEST_ALIAS:
            latest = await self._store.latest_versions(session, name, list(ALL_STAGES))
            if not latest:
                raise not_found(f"Latest version not found for model {name}.")
            return max(v.version for v in latest)
        version = await self._store.alias_version(session, name, alias)
        if version is None:
            raise invalid(f"Registered model alias {alias} not found.")
        return version

    # ------------------------------------------------------------------ model versions

    async def create_model_version(
        self,
        name: str,
        source: str,
        run_id: str | None,
        tags: Sequence[Tag],
        run_link: str | None,
        description: str | None,
        model_id: str | None,
    ) -> ModelVersion:
        """A new version of ``name`` from ``source`` (see :mod:`berth.registry.sources`).

        A prompt version (MLflow's prompt tag set) takes one of MLflow's placeholder sources
        and no lineage; any other version's source must belong to the run or logged model it
        names. A version registered from a logged model is recorded on that model's
        ``mlflow.modelVersions`` tag, in the same transaction, as MLflow's server does.
        """
        validate_model_name(name)
        for index, tag in enumerate(tags):
            validate_tag(tag, f"tags[{index}]")
        validate_length("description", description, MAX_DESCRIPTION_LENGTH)
        validate_length("run_link", run_link, MAX_RUN_LINK_LENGTH)
        prompt = is_prompt({tag.key: tag.value for tag in tags})
        if prompt:
            check_prompt_source(source)
            parsed: Source | None = None
        else:
            parsed = self._sources.parse(source)
        async with self._db.transaction() as session:
            if parsed is None:
                resolved = VersionSource(source, source, run_id, model_id)
            else:
                resolved = await self._resolve_source(session, source, parsed, run_id, model_id)
            now = self._clock()
            version = await self._store.create_model_version(
                session, name, resolved, tags, run_link, description, now
            )
            if not prompt and resolved.model_id:
                await self._lineage.link_model_version(
                    session, resolved.model_id, name, version.version, now
                )
        return version

    async def _resolve_source(
        self,
        session: AsyncSession,
        source: str,
        parsed: Source,
        run_id: str | None,
        model_id: str | None,
    ) -> VersionSource:
        lineage = self._lineage
        if isinstance(parsed, RunSource):
            if model_id:
                raise not_contained(source, "model_id")
            if run_id and run_id != parsed.run_id:
                raise not_contained(source, "run_id")
            root = await lineage.run_artifact_uri(session, parsed.run_id)
            if root is None:
                raise refused(source, f"Run '{parsed.run_id}' does not exist.")
            location = posixpath.join(root, parsed.path) if parsed.path else root
            return VersionSource(source, location, parsed.run_id, None)
        if isinstance(parsed, LoggedModelSource):
            if model_id and model_id != parsed.model_id:
                raise not_contained(source, "model_id")
            found = await lineage.logged_model(session, parsed.model_id)
            if found is None:
                raise refused(source, f"Logged model '{parsed.model_id}' does not exist.")
            await self._check_run(session, source, run_id)
            return VersionSource(
                source, found.artifact_location, run_id or found.source_run_id, parsed.model_id
            )
        if isinstance(parsed, RegisteredSource):
            return await self._registered_source(session, source, parsed, run_id, model_id)
        return await self._uri_source(session, parsed, run_id, model_id)

    async def _registered_source(
        self,
        session: AsyncSession,
        source: str,
        parsed: RegisteredSource,
        run_id: str | None,
        model_id: str | None,
    ) -> VersionSource:
        """Another registered version's files and lineage; a run_id or model_id the request
        gives must be that version's, and prompts are not models (MLflow's rules)."""
        try:
            referenced = await self._store.get_registered_model(session, parsed.name)
        except BerthError as exc:
            raise refused(source, exc.message) from None
        if is_prompt({tag.key: tag.value for tag in referenced.tags}):
            raise refused(source, "Prompt versions cannot be used as model version sources.")
        number = await self._registered_reference(session, source, parsed)
        other = await self._store.get_model_version(session, parsed.name, number)
        if (run_id and run_id != (other.run_id or "")) or (
            model_id and model_id != (other.model_id or "")
        ):
            raise refused(
                source,
                "The run_id and model_id request parameters must match the referenced model "
                "version.",
            )
        return VersionSource(
            f"models:/{parsed.name}/{number}", other.storage_location, other.run_id, other.model_id
        )

    async def _uri_source(
        self, session: AsyncSession, parsed: UriSource, run_id: str | None, model_id: str | None
    ) -> VersionSource:
        """A URI inside the artifacts of the logged model (``model_id``) or else the run
        (``run_id``) the request names; the store's own root is never a source."""
        source = parsed.uri
        if self._sources.path_in_store(source) == "":
            raise refused(source, "The root of the artifact store is not a model's location.")
        if model_id:
            found = await self._lineage.logged_model(session, model_id)
            if found is None or not parsed.location.within(found.artifact_location):
                raise not_contained(source, "model_id")
            await self._check_run(session, source, run_id)
            return VersionSource(source, source, run_id or found.source_run_id, model_id)
        if not run_id:
            raise refused(
                source,
                "A URI source needs the run_id (or model_id) request parameter of the run (or "
                "logged model) whose artifacts contain it.",
            )
        root = await self._lineage.run_artifact_uri(session, run_id)
        if root is None or not parsed.location.within(root):
            raise not_contained(source, "run_id")
        return VersionSource(source, source, run_id, None)

    async def _registered_reference(
        self, session: AsyncSession, source: str, parsed: RegisteredSource
    ) -> int:
        try:
            if parsed.is_alias:
                return await self._resolve_alias(session, parsed.name, parsed.reference)
            if parsed.reference.isdigit():
                return parse_version(parsed.reference, parsed.name)
            if parsed.reference.lower() == LATEST_ALIAS:
                return await self._resolve_alias(session, parsed.name, LATEST_ALIAS)
            stage = Stage.parse(parsed.reference)
            latest = await self._store.latest_versions(session, parsed.name, [stage])
        except BerthError as exc:
            raise refused(source, exc.message) from None
        if not latest:
            raise refused(source, f"No version of '{parsed.name}' is in stage {stage.value}.")
        return latest[0].version

    async def _check_run(self, session: AsyncSession, source: str, run_id: str | None) -> None:
        if run_id and await self._lineage.run_artifact_uri(session, run_id) is None:
            raise not_contained(source, "run_id")

    async def get_model_version(self, name: str, version: str) -> ModelVersion:
        validate_model_name(name)
        number = parse_version(version, name)
        async with self._db.transaction() as session:
            return await self._store.get_model_version(session, name, number)

    async def update_model_version(
        self, name: str, version: str, description: str | None
    ) -> ModelVersion:
        validate_model_name(name)
        number = parse_version(version, name)
        validate_length("description", description, MAX_DESCRIPTION_LENGTH)
        async with self._db.transaction() as session:
            return await self._store.update_model_version(
                session, name, number, description, self._clock()
            )

    async def transition_stage(
        self, name: str, version: str, stage: str, archive_existing: bool
    ) -> ModelVersion:
        validate_model_name(name)
        number = parse_version(version, name)
        target = Stage.parse(stage)
        if archive_existing and target not in ACTIVE_STAGES:
            raise invalid(
                "Model version transition cannot archive existing model versions because "
                f"'{stage}' is not an Active stage. Valid stages are "
                f"{[s.value for s in ACTIVE_STAGES]}"
            )
        async with self._db.transaction() as session:
            return await self._store.transition_stage(
                session, name, number, target, archive_existing, self._clock()
            )

    async def delete_model_version(self, name: str, version: str) -> None:
        validate_model_name(name)
        number = parse_version(version, name)
        async with self._db.transaction() as session:
            await self._store.delete_model_version(session, name, number, self._clock())

    async def search_model_versions(
        self,
        filter_string: str | None,
        max_results: int | None,
        order_by: Sequence[str],
        page_token: str | None,
    ) -> Page[ModelVersion]:
        limit = _max_results(
            max_results, SEARCH_MODEL_VERSIONS_THRESHOLD, SEARCH_MODEL_VERSIONS_THRESHOLD
        )
        async with self._db.transaction() as session:
            return await self._store.search_model_versions(
                session, filter_string, limit, order_by, page_token
            )

    async def get_download_uri(self, name: str, version: str) -> str:
        """Where a client reads the version's files, in a form it can read in this mode:
        files of the server's store as ``mlflow-artifacts:/`` when it proxies them, as the
        store's own URI when clients reach it directly; other stores' URIs unchanged.
        (The one place the recorded location is translated: it is not serialised elsewhere.)"""
        found = await self.get_model_version(name, version)
        return self._sources.readable(found.storage_location)

    async def set_model_version_tag(self, name: str, version: str, tag: Tag) -> None:
        validate_model_name(name)
        number = parse_version(version, name)
        validate_tag(tag)
        async with self._db.transaction() as session:
            await self._store.set_model_version_tag(session, name, number, tag)

    async def delete_model_version_tag(self, name: str, version: str, key: str) -> None:
        validate_model_name(name)
        number = parse_version(version, name)
        validate_key(key)
        async with self._db.transaction() as session:
            await self._store.delete_model_version_tag(session, name, number, key)

    async def download_artifact(self, name: str, version: str, path: str) -> Download:
        """A file of the version, streamed from the server's own store (the UI's download).

        Only files inside the store are served; ``path`` is canonicalised like every artifact
        path, so nothing outside the version's files can be named.
        """
        relative = canonical_relative_path(path)
        if not relative:
            raise invalid("An artifact path is required.")
        found = await self.get_model_version(name, version)
        base = self._sources.path_in_store(found.storage_location)
        if base is None:
            raise BerthError(
                ErrorCode.NOT_IMPLEMENTED,
                f"This server does not read artifacts at {found.storage_location}; download "
                "them with the client, which reads that store directly.",
            )
        if not base:
            raise invalid("The version's location is the root of the artifact store.")
        artifact = posixpath.join(base, relative)
        size = await self._artifacts.size(artifact)
        if size is None:
            raise not_found(f"Artifact '{relative}' does not exist or is a directory.")
        return Download(artifact, size, 0, size, self._artifacts.read(artifact, 0, size))


# ---------------------------------------------------------------------------- validation


def validate_model_name(name: str, path: str = "name") -> None:
    """MLflow's rules: non-blank, no '/' or ':', and not a path that resolves elsewhere."""
    if not name or not name.strip():
        raise invalid(f"Missing value for required parameter '{path}'.")
    if "/" in name or ":" in name:
        raise invalid(f"Invalid model name '{name}'. Names cannot contain '/' or ':'.")
    normalized = posixpath.normpath(name)
    if normalized != name or normalized == "." or normalized.startswith(".."):
        raise invalid(
            f"Invalid value \"{name}\" for parameter '{path}' supplied: Names may be treated as "
            "files in certain cases, and must not resolve to other names when treated as "
            f"such. This name would resolve to {normalized!r}"
        )
    validate_length(path, name, MAX_NAME_LENGTH)


def validate_tag(tag: Tag, path: str = "") -> None:
    validate_key(tag.key, f"{path}.key" if path else "key")
    validate_length(f"{path}.value" if path else "value", tag.value, MAX_TAG_VALUE_LENGTH)


def validate_alias(alias: str) -> None:
    if not alias:
        raise invalid("Registered model alias name cannot be empty.")
    if not _ALIAS.fullmatch(alias):
        raise invalid(
            f"Invalid alias name: '{alias}'. Names may only contain alphanumerics, "
            "underscores (_), and dashes (-)."
        )
    validate_length("Registered model alias name", alias, MAX_ALIAS_LENGTH)


def parse_version(version: str, name: str = "") -> int:
    """A version number as MLflow reads it (``int()``); one no version can have (zero,
    negative, beyond the column) is simply not found."""
    try:
        number = int(version)
    except ValueError:
        raise invalid(f"Parameter 'version' must be an integer, got '{version}'.") from None
    if not 0 < number < 2**31:
        raise not_found(f"Model Version (name={name}, version={version}) not found")
    return number


def _max_results(requested: int | None, default: int, threshold: int) -> int:
    if requested is None:
        return default
    if not 1 <= requested <= threshold:
        raise invalid(
            f"Invalid value {requested} for parameter 'max_results' supplied. It must be "
            f"a positive integer at most {threshold}."
        )
    return requested
