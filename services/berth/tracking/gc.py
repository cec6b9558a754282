"""``berth gc``: permanently delete runs and experiments in the deleted lifecycle stage.

The rules are ``mlflow gc``'s: without ids, every run and every experiment deleted at least
``--older-than`` ago goes (any age by default); with ids, only the named ones, each of which
must be deleted (and deleted long enough ago) or nothing is. An experiment takes its runs
with it.

Artifacts go first, then the rows, in one transaction per run or experiment (the store
deletes metrics, ON DELETE CASCADE the other rows that hang on them). A crash between the
two leaves the item in the deleted stage, so the next gc finishes it; a tree that is already
gone is not an error.
Artifacts are only deleted where they lie in the server's artifact store, never in a tree
that holds another experiment's artifacts; anything else is reported and left untouched.
"""

from __future__ import annotations

import enum
import re
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

from berth.artifacts.backends.base import ArtifactBackend
from berth.db.transaction import Database
from berth.errors import BerthError, ErrorCode, invalid
from berth.tracking.entities import LifecycleStage
from berth.tracking.locations import path_in_store
from berth.tracking.service import now_ms
from berth.tracking.store import TrackingStore

_NUMBER = r"(?:\d+(?:\.\d*)?|\.\d+)"
_AGE = re.compile("".join(f"(?:(?P<{unit}>{_NUMBER}){unit})?" for unit in "dhms"))
_UNIT_MS = {"d": 86_400_000, "h": 3_600_000, "m": 60_000, "s": 1_000}


def parse_age(text: str) -> int:
    """Milliseconds in an age written as ``mlflow gc --older-than`` takes it: days, hours,
    minutes and seconds in that order, each optional, decimals allowed (``30d``, ``1d2h30m``,
    ``1.5h``)."""
    match = _AGE.fullmatch(text)
    if not text or match is None:
        raise invalid(
            f"Could not parse any time information from {text!r}. "
            "Examples of valid strings: '8h', '2d8h5m20s', '2m4s', '1.5d'."
        )
    return round(sum(Fraction(n) * _UNIT_MS[unit] for unit, n in match.groupdict().items() if n))


class Kind(enum.StrEnum):
    RUN = "Run"
    EXPERIMENT = "Experiment"


class ArtifactOutcome(enum.Enum):
    DELETED = "deleted"
    OUTSIDE_STORE = "outside the artifact store"
    SHARED = "shared with another experiment"


@dataclass(frozen=True)
class Collected:
    """A run or experiment permanently deleted, and what became of its artifacts."""

    kind: Kind
    id: str
    artifact_uri: str
    artifacts: ArtifactOutcome


@dataclass(frozen=True)
class Selection:
    """What a gc deletes: these runs, these experiments with all their runs; each only if
    it is still deleted (at ``deleted_before`` or earlier) when its turn comes."""

    run_ids: tuple[str, ...]
    experiment_ids: tuple[str, ...]
    deleted_before: int


class GarbageCollector:
    def __init__(
        self,
        db: Database,
        store: TrackingStore,
        artifacts: ArtifactBackend,
        clock: Callable[[], int] = now_ms,
    ) -> None:
        self._db = db
        self._store = store
        self._artifacts = artifacts
        self._clock = clock

    async def select(
        self,
        older_than_ms: int = 0,
        run_ids: Sequence[str] = (),
        experiment_ids: Sequence[str] = (),
    ) -> Selection:
        """Everything deleted at least ``older_than_ms`` ago, or only the runs and experiments
        named; a named one that does not exist, is not deleted or was deleted more recently
        is an error, raised before anything is deleted."""
        # An age reaching back before the epoch selects nothing (and stays a 64-bit integer).
        deleted_before = max(self._clock() - older_than_ms, -1)
        async with self._db.transaction() as session:
            if not run_ids and not experiment_ids:
                runs = await self._store.deleted_runs(session, deleted_before)
                experiments = await self._store.deleted_experiments(session, deleted_before)
                return Selection(
                    tuple(run.run_id for run in runs),
                    tuple(e.experiment_id for e in experiments),
                    deleted_before,
                )
            old_runs = await self._store.deleted_runs(session, deleted_before, run_ids)
            old_experiments = await self._store.deleted_experiments(
                session, deleted_before, experiment_ids
            )
            named_runs = [await self._store.get_run(session, r) for r in dict.fromkeys(run_ids)]
            named_experiments = [
                await self._store.get_experiment(session, e) for e in dict.fromkeys(experiment_ids)
            ]
        old_run_ids = {run.run_id for run in old_runs}
        for run in named_runs:
            _require_eligible(Kind.RUN, run.info.run_id, run.info.lifecycle_stage, old_run_ids)
        old_experiment_ids = {experiment.experiment_id for experiment in old_experiments}
        for experiment in named_experiments:
            stage, experiment_id = experiment.lifecycle_stage, experiment.experiment_id
            _require_eligible(Kind.EXPERIMENT, experiment_id, stage, old_experiment_ids)
        return Selection(
            tuple(run.info.run_id for run in named_runs),
            tuple(experiment.experiment_id for experiment in named_experiments),
            deleted_before,
        )

    async def collect(self, selection: Selection) -> AsyncIterator[Collected]:
        """Delete the selection, one run or experiment at a time, yielding each once gone."""
        async with self._db.transaction() as session:
            locations = await self._store.experiment_artifact_locations(session)
        trees = {
            experiment_id: tree
            for experiment_id, uri in locations.items()
            if (tree := path_in_store(self._artifacts.root, uri)) is not None
        }
        for run_id in selection.run_ids:
            collected = await self._collect_run(run_id, selection.deleted_before, trees)
            if collected is not None:
                yield collected
        for experiment_id in selection.experiment_ids:
            async for collected in self._collect_experiment(
                experiment_id, selection.deleted_before, trees
            ):
                yield collected

    async def _collect_run(
        self, run_id: str, deleted_before: int | None, trees: dict[str, str]
    ) -> Collected | None:
        async with self._db.transaction() as session:
            found = await self._store.deleted_runs(session, deleted_before, [run_id])
        if not found:
            return None  # restored (or gone) since it was selected
        uri = found[0].artifact_uri
        outcome = await self._delete_tree(uri, trees.values(), experiment=False)
        async with self._db.transaction() as session:
            deleted = await self._store.hard_delete_run(session, run_id)
        if not deleted:
            raise _left_deleted_stage(Kind.RUN, run_id, outcome)
        return Collected(Kind.RUN, run_id, uri, outcome)

    async def _collect_experiment(
        self, experiment_id: str, deleted_before: int, trees: dict[str, str]
    ) -> AsyncIterator[Collected]:
        async with self._db.transaction() as session:
            found = await self._store.deleted_experiments(session, deleted_before, [experiment_id])
            if not found:
                return  # restored (or gone) since it was selected
            run_ids = await self._store.experiment_run_ids(session, experiment_id)
        for run_id in run_ids:
            collected = await self._collect_run(run_id, None, trees)
            if collected is not None:
                yield collected
        uri = found[0].artifact_location
        others = [tree for owner, tree in trees.items() if owner != experiment_id]
        outcome = await self._delete_tree(uri, others, experiment=True)
        async with self._db.transaction() as session:
            deleted = await self._store.hard_delete_experiment(session, experiment_id)
        if not deleted:
            raise _left_deleted_stage(Kind.EXPERIMENT, experiment_id, outcome)
        trees.pop(experiment_id, None)
        yield Collected(Kind.EXPERIMENT, experiment_id, uri, outcome)

    async def _delete_tree(
        self, uri: str, experiment_trees: Iterable[str], *, experiment: bool
    ) -> ArtifactOutcome:
        """Delete the artifact tree at ``uri`` if it lies in the store and holds no
        experiment's artifacts but its own owner's: no other experiment's location inside it,
        nor (for an experiment's own tree) around it."""
        tree = path_in_store(self._artifacts.root, uri)
        if tree is None:
            return ArtifactOutcome.OUTSIDE_STORE
        if not tree or any(
            _within(other, tree) or (experiment and _within(tree, other))
            for other in experiment_trees
        ):
            return ArtifactOutcome.SHARED
        try:
            await self._artifacts.delete(tree)
        except BerthError as exc:
            if exc.code is not ErrorCode.RESOURCE_DOES_NOT_EXIST:
                raise
        return ArtifactOutcome.DELETED


def _within(path: str, tree: str) -> bool:
    """Whether the store path ``path`` is ``tree`` or lies below it."""
    return path == tree or path.startswith(f"{tree}/")


def _require_eligible(kind: Kind, item_id: str, stage: LifecycleStage, eligible: set[str]) -> None:
    noun = kind.lower()
    if stage is not LifecycleStage.DELETED:
        raise invalid(
            f"{kind} {item_id} is not in the deleted lifecycle stage: only deleted {noun}s "
            "can be permanently deleted. Nothing was deleted."
        )
    if item_id not in eligible:
        raise invalid(
            f"{kind} {item_id} was deleted more recently than --older-than: only {noun}s "
            "deleted longer ago can be permanently deleted. Nothing was deleted."
        )


def _left_deleted_stage(kind: Kind, item_id: str, outcome: ArtifactOutcome) -> BerthError:
    lost = " although its artifacts were deleted" if outcome is ArtifactOutcome.DELETED else ""
    return BerthError(
        ErrorCode.INVALID_STATE,
        f"{kind} {item_id} left the deleted lifecycle stage while gc was deleting it "
        f"(restored, or removed by another gc); its record was kept{lost}.",
    )
