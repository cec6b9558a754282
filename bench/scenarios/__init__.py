"""The scenarios, in the order a run takes them (idle first, artifacts last)."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable

from bench.scenarios.artifacts import artifacts
from bench.scenarios.common import Context, Measurement
from bench.scenarios.history import history
from bench.scenarios.idle import idle
from bench.scenarios.mixed import mixed
from bench.scenarios.search import search
from bench.scenarios.ui_pages import ui_pages
from bench.scenarios.writes import log_batch, log_metric, nodelay_probe

# A scenario yields its measurements in steps (a stage of seeding, a repeat of a figure); the
# harness lets the other server take its step between two of them.
Scenario = Callable[[Context], AsyncGenerator[list[Measurement], None]]

# name -> (function, what else selects it); "seeding" is the search scenario's seeding stage.
SCENARIOS: dict[str, Scenario] = {
    "idle": idle,
    "nodelay-probe": nodelay_probe,
    "log-metric": log_metric,
    "log-batch": log_batch,
    "mixed": mixed,
    "search": search,
    "history": history,
    "ui-pages": ui_pages,
    "artifacts": artifacts,
}
NAMES = [*SCENARIOS, "seeding"]


def selected(names: frozenset[str]) -> list[tuple[str, Scenario]]:
    """The scenarios to run for the names asked, in run order (``seeding`` runs the search
    scenario's seeding without its queries)."""
    wanted = set(names)
    if "seeding" in wanted:
        wanted.add("search")
    return [(name, fn) for name, fn in SCENARIOS.items() if name in wanted]
