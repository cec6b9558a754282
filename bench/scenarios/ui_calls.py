"""What MLflow 3.17.2's web UI asks the server for on the runs table and the run page.

Recorded in headless Chromium from the pinned UI build served by ``mlflow server``: each page
is a fresh load (a link opened, as the "View run" link a client prints is), whose data calls
come in waves. The calls of a wave go out together; a wave waits for the one before it (the
UI renders what came back, then asks for what that rendering needs). Left out are the
probes every page makes whatever the data (``server-info``, ``users/current``,
``assistant/config``, ``assistant/providers``, ``gateway-proxy``): they do not grow with the
experiment. The GraphQL documents are the UI's own, with the ``__typename`` fields its
GraphQL client adds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

UI_API = "/ajax-api/2.0/mlflow"
GRAPHQL = "graphql"
TABLE_PAGE = 100  # the runs table's page size (max_results of its runs/search)
# The experiment page's runs/search that tells training from evaluation runs: sent in the
# GenAI mode a fresh browser starts in, not in the "Model training" mode.
KIND_PAGE = 50
CHILD_RUNS = 10  # the run page's look for child runs
CHART_POINTS = 320  # max_results of each chart's get-history-bulk-interval

GET_EXPERIMENT = """\
query MlflowGetExperimentQuery($input: MlflowGetExperimentInput!) \
@component(name: "MLflow.ExperimentRunTracking") {
  mlflowGetExperiment(input: $input) {
    apiError {
      code
      message
      __typename
    }
    experiment {
      artifactLocation
      creationTime
      effectiveTraceArchivalRetention
      experimentId
      lastUpdateTime
      lifecycleStage
      name
      tags {
        key
        value
        __typename
      }
      __typename
    }
    __typename
  }
}
"""

_KEY_VALUE = """{
          key
          value
          __typename
        }"""

GET_RUN = f"""\
query GetRun($data: MlflowGetRunInput!) @component(name: "MLflow.ExperimentRunTracking") {{
  mlflowGetRun(input: $data) {{
    apiError {{
      helpUrl
      code
      message
      __typename
    }}
    run {{
      info {{
        runName
        status
        runUuid
        experimentId
        artifactUri
        endTime
        lifecycleStage
        startTime
        userId
        __typename
      }}
      experiment {{
        experimentId
        name
        tags {_KEY_VALUE}
        artifactLocation
        lifecycleStage
        lastUpdateTime
        __typename
      }}
      modelVersions {{
        status
        version
        name
        source
        __typename
      }}
      data {{
        metrics {{
          key
          value
          step
          timestamp
          __typename
        }}
        params {_KEY_VALUE}
        tags {_KEY_VALUE}
        __typename
      }}
      inputs {{
        datasetInputs {{
          dataset {{
            digest
            name
            profile
            schema
            source
            sourceType
            __typename
          }}
          tags {_KEY_VALUE}
          __typename
        }}
        modelInputs {{
          modelId
          __typename
        }}
        __typename
      }}
      outputs {{
        modelOutputs {{
          modelId
          step
          __typename
        }}
        __typename
      }}
      __typename
    }}
    __typename
  }}
}}
"""


Needs = Callable[[Any], str]  # what an answer lacks for the page ("" when nothing)


def anything(_answer: Any) -> str:
    return ""


@dataclass(frozen=True)
class Call:
    """One request: ``label`` names it in the figures; ``path`` is under ``prefix``; ``needs``
    says what its answer lacks for the page."""

    label: str
    method: str
    path: str
    body: Any = None
    params: tuple[tuple[str, str], ...] = ()
    prefix: str = UI_API
    needs: Needs = anything


@dataclass(frozen=True)
class Page:
    """A page's data calls: the calls of a wave together, the waves one after the other."""

    name: str
    waves: tuple[tuple[Call, ...], ...]


class WrongAnswer(RuntimeError):
    """A server answered a UI call without the data the page shows."""


def check(call: Call, answer: Any) -> None:
    """Raise :class:`WrongAnswer` when ``answer`` lacks what the page shows from ``call``."""
    problem = call.needs(answer)
    if problem:
        raise WrongAnswer(f"{call.label}: {problem}")


def full_table_page(answer: Any) -> str:
    runs = len(answer.get("runs", []))
    return "" if runs == TABLE_PAGE else f"{runs} runs, not {TABLE_PAGE}"


def chart_points(answer: Any) -> str:
    return "" if answer.get("metrics") else "no points"


def listed_files(answer: Any) -> str:
    return "" if answer.get("files") else "no files"


def graphql_result(answer: Any, field: str) -> tuple[dict[str, Any], str]:
    """``data.<field>`` of a GraphQL answer, and what is wrong with it: errors, or an
    ``apiError`` where the page expects its data."""
    if answer.get("errors"):
        return {}, f"errors {answer['errors']!r:.300}"
    result = (answer.get("data") or {}).get(field) or {}
    if result.get("apiError"):
        return result, f"apiError {result['apiError']!r:.300}"
    return result, ""


def the_experiment(experiment_id: str) -> Needs:
    def needs(answer: Any) -> str:
        result, problem = graphql_result(answer, "mlflowGetExperiment")
        found = (result.get("experiment") or {}).get("experimentId")
        return problem or ("" if found == experiment_id else f"experiment {found!r}")

    return needs


def the_run(run_id: str) -> Needs:
    """The run, with the params and metrics the overview lists."""

    def needs(answer: Any) -> str:
        result, problem = graphql_result(answer, "mlflowGetRun")
        run = result.get("run") or {}
        found = (run.get("info") or {}).get("runUuid")
        data = run.get("data") or {}
        if problem or found != run_id:
            return problem or f"run {found!r}"
        return "" if data.get("metrics") and data.get("params") else "no metrics or params"

    return needs


def graphql(
    label: str, operation: str, query: str, variables: dict[str, Any], needs: Needs
) -> Call:
    """A query as the UI's GraphQL client posts it."""
    body = {"operationName": operation, "variables": variables, "query": query}
    return Call(label, "POST", GRAPHQL, body, prefix="", needs=needs)


def table_search(experiment_id: str, page_token: str | None = None) -> dict[str, Any]:
    """The runs table's runs/search: active runs, newest first, a page of 100."""
    body: dict[str, Any] = {
        "experiment_ids": [experiment_id],
        "run_view_type": "ACTIVE_ONLY",
        "max_results": TABLE_PAGE,
        "order_by": ["attributes.start_time DESC"],
    }
    if page_token:
        body["page_token"] = page_token
    return body


def experiment_wave(experiment_id: str) -> tuple[Call, ...]:
    """What every page inside an experiment asks first."""
    kind = {
        "experiment_ids": [experiment_id],
        "order_by": ["attributes.start_time DESC"],
        "run_view_type": "ACTIVE_ONLY",
        "filter": "",
        "max_results": KIND_PAGE,
    }
    return (
        graphql(
            "graphql mlflowGetExperiment",
            "MlflowGetExperimentQuery",
            GET_EXPERIMENT,
            {"input": {"experimentId": experiment_id}},
            the_experiment(experiment_id),
        ),
        Call("runs/search 50 (experiment kind)", "POST", "runs/search", kind),
    )


def runs_table(experiment_id: str) -> Page:
    logged_models = {
        "experiment_ids": [experiment_id],
        "order_by": [{"field_name": "creation_time", "ascending": False}],
    }
    return Page(
        "runs table",
        (
            experiment_wave(experiment_id),
            (
                Call(
                    "experiments/search-datasets",
                    "POST",
                    "experiments/search-datasets",
                    {"experiment_ids": [experiment_id]},
                ),
                Call("logged-models/search", "POST", "logged-models/search", logged_models),
                Call(
                    "runs/search 100 (page 1)",
                    "POST",
                    "runs/search",
                    table_search(experiment_id),
                    needs=full_table_page,
                ),
            ),
        ),
    )


def next_table_page(experiment_id: str, page_token: str) -> Page:
    """The runs table's "Load more": its next 100 runs."""
    body = table_search(experiment_id, page_token)
    return Page(
        "runs table, load more",
        ((Call("runs/search 100 (page 2)", "POST", "runs/search", body, needs=full_table_page),),),
    )


def _run_wave(run_id: str) -> tuple[Call, ...]:
    return (
        graphql(
            "graphql mlflowGetRun", "GetRun", GET_RUN, {"data": {"runId": run_id}}, the_run(run_id)
        ),
        Call(
            "model-versions/search (run)",
            "GET",
            "model-versions/search",
            params=(("filter", f"run_id='{run_id}'"),),
        ),
    )


def run_overview(experiment_id: str, run_id: str) -> Page:
    children = {
        "experiment_ids": [experiment_id],
        "filter": f"tags.`mlflow.parentRunId` = '{run_id}'",
        "order_by": ["attributes.start_time DESC"],
        "max_results": CHILD_RUNS,
    }
    prompts = (
        "tags.`mlflow.prompt.is_prompt` = 'true' AND "
        f'tags.`mlflow.prompt.run_ids` ILIKE "%{run_id}%"'
    )
    return Page(
        "run overview",
        (
            experiment_wave(experiment_id),
            _run_wave(run_id),
            (
                Call("runs/search (child runs)", "POST", "runs/search", children),
                Call(
                    "model-versions/search (prompts)",
                    "GET",
                    "model-versions/search",
                    params=(("filter", prompts),),
                ),
            ),
        ),
    )


def run_metrics(experiment_id: str, run_id: str, metric_keys: tuple[str, ...]) -> Page:
    """The run's "Model metrics" tab: one chart, so one sampled history, per metric."""
    charts = tuple(
        Call(
            "metrics/get-history-bulk-interval",
            "GET",
            "metrics/get-history-bulk-interval",
            params=(("run_ids", run_id), ("metric_key", key), ("max_results", str(CHART_POINTS))),
            needs=chart_points,
        )
        for key in metric_keys
    )
    return Page("run metrics", (experiment_wave(experiment_id), _run_wave(run_id), charts))


def run_artifacts(experiment_id: str, run_id: str) -> Page:
    listing = Call(
        "artifacts/list",
        "GET",
        "artifacts/list",
        params=(("run_uuid", run_id),),
        needs=listed_files,
    )
    return Page("run artifacts", (experiment_wave(experiment_id), _run_wave(run_id), (listing,)))
