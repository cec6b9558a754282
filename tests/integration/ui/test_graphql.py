"""``/graphql`` answers MLflow's UI queries from the same handlers REST uses, and refuses
what is malformed or over its limits with a clear 400."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.integration.registry.rest.conftest import RegistryApi

RUN_PAGE = """
query GetRun($data: MlflowGetRunInput!) @component(name: "MLflow.ExperimentRunTracking") {
  mlflowGetRun(input: $data) {
    apiError { code message }
    run {
      info { runName status runUuid experimentId endTime lifecycleStage }
      experiment { experimentId name }
      modelVersions { name version status }
      data { metrics { key value step } params { key value } tags { key value } }
      inputs { datasetInputs { dataset { name digest } } }
    }
  }
}
"""


async def graphql(api: RegistryApi, query: str, **variables: Any) -> httpx.Response:
    return await api.client.post("/graphql", json={"query": query, "variables": variables})


def data(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["errors"] is None, body
    result: dict[str, Any] = body["data"]
    return result


def refused(response: httpx.Response) -> str:
    """The 400 a refused GraphQL request gets: MLflow's error body, ``errors`` beside it."""
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["error_code"] == "INVALID_PARAMETER_VALUE"
    assert body["data"] is None
    assert body["errors"] == [body["message"]]
    message: str = body["message"]
    return message


async def test_the_run_page_query_answers_the_run_with_its_experiment_and_data(
    api: RegistryApi,
) -> None:
    experiment_id = await api.create_experiment("graphql")
    run_id = await api.create_run_id(experiment_id, run_name="lr-0.1")
    batch = {
        "run_id": run_id,
        "params": [{"key": "lr", "value": "0.1"}],
        "metrics": [{"key": "loss", "value": 0.5, "timestamp": 1, "step": 7}],
    }
    api.ok(await api.post("runs/log-batch", batch))

    run = data(await graphql(api, RUN_PAGE, data={"runId": run_id}))["mlflowGetRun"]["run"]

    assert run["info"]["runName"] == "lr-0.1"
    assert run["info"]["status"] == "RUNNING"
    assert run["info"]["runUuid"] == run_id
    assert run["experiment"] == {"experimentId": experiment_id, "name": "graphql"}
    assert run["data"]["params"] == [{"key": "lr", "value": "0.1"}]
    assert run["data"]["metrics"] == [{"key": "loss", "value": 0.5, "step": "7"}]


async def test_an_unset_field_reads_as_its_default_as_in_mlflow(api: RegistryApi) -> None:
    run_id = await api.create_run_id()

    run = data(await graphql(api, RUN_PAGE, data={"runId": run_id}))["mlflowGetRun"]["run"]

    assert run["info"]["endTime"] == "0"
    assert run["inputs"] == {"datasetInputs": []}


async def test_a_nan_metric_reads_as_null(api: RegistryApi) -> None:
    run_id = await api.create_run_id()
    metric = {"run_id": run_id, "key": "loss", "value": "NaN", "timestamp": 1, "step": 0}
    api.ok(await api.post("runs/log-metric", metric))

    run = data(await graphql(api, RUN_PAGE, data={"runId": run_id}))["mlflowGetRun"]["run"]

    assert run["data"]["metrics"] == [{"key": "loss", "value": None, "step": "0"}]


async def test_a_run_lists_the_model_versions_registered_from_it(api: RegistryApi) -> None:
    version, run_id = await api.version_from_run("classifier")

    run = data(await graphql(api, RUN_PAGE, data={"runId": run_id}))["mlflowGetRun"]["run"]

    assert run["modelVersions"] == [
        {"name": "classifier", "version": version["version"], "status": "READY"}
    ]


async def test_an_unknown_run_nulls_its_field_and_reports_why(api: RegistryApi) -> None:
    response = await graphql(api, RUN_PAGE, data={"runId": "0" * 32})

    assert response.status_code == 200
    assert response.json()["data"] == {"mlflowGetRun": None}
    assert "not found" in response.json()["errors"][0]


@pytest.mark.parametrize("operation", ["query", "mutation"])
async def test_search_runs_pages_through_an_experiments_runs(
    api: RegistryApi, operation: str
) -> None:
    experiment_id = await api.create_experiment("search")
    for name in ("a", "b", "c"):
        await api.create_run_id(experiment_id, run_name=name)
    search = f"""
    {operation} Search($data: MlflowSearchRunsInput) {{
      mlflowSearchRuns(input: $data) {{ runs {{ info {{ runName }} }} nextPageToken }}
    }}"""
    request = {"experimentIds": [experiment_id], "maxResults": 2, "orderBy": ["run_name"]}

    first = data(await graphql(api, search, data=request))["mlflowSearchRuns"]
    rest = data(await graphql(api, search, data={**request, "pageToken": first["nextPageToken"]}))

    assert [run["info"]["runName"] for run in first["runs"]] == ["a", "b"]
    assert [run["info"]["runName"] for run in rest["mlflowSearchRuns"]["runs"]] == ["c"]


async def test_search_runs_takes_a_view_type_literal(api: RegistryApi) -> None:
    experiment_id = await api.create_experiment("deleted")
    run_id = await api.create_run_id(experiment_id)
    api.ok(await api.post("runs/delete", {"run_id": run_id}))
    search = f"""{{ mlflowSearchRuns(input: {{experimentIds: ["{experiment_id}"],
                   runViewType: DELETED_ONLY}}) {{ runs {{ info {{ runUuid }} }} }} }}"""

    runs = data(await graphql(api, search))["mlflowSearchRuns"]["runs"]

    assert runs == [{"info": {"runUuid": run_id}}]


async def test_metric_history_bulk_interval_answers_each_runs_points(api: RegistryApi) -> None:
    run_ids = [await api.create_run_id(), await api.create_run_id()]
    for run_id in run_ids:
        metrics = [{"key": "loss", "value": s / 10, "timestamp": 1, "step": s} for s in range(5)]
        api.ok(await api.post("runs/log-batch", {"run_id": run_id, "metrics": metrics}))
    query = """query History($data: MlflowGetMetricHistoryBulkIntervalInput!) {
      mlflowGetMetricHistoryBulkInterval(input: $data) { metrics { runId step value } } }"""

    result = data(await graphql(api, query, data={"runIds": run_ids, "metricKey": "loss"}))

    points = result["mlflowGetMetricHistoryBulkInterval"]["metrics"]
    assert len(points) == 10
    assert {point["runId"] for point in points} == set(run_ids)


async def test_list_artifacts_answers_the_runs_root(api: RegistryApi) -> None:
    run_id = await api.create_run_id()
    query = """query Files($data: MlflowListArtifactsInput) {
      mlflowListArtifacts(input: $data) { rootUri files { path } } }"""

    result = data(await graphql(api, query, data={"runId": run_id}))["mlflowListArtifacts"]

    assert result["rootUri"].endswith(f"/{run_id}/artifacts")
    assert result["files"] == []


async def test_search_model_versions_filters_by_name(api: RegistryApi) -> None:
    await api.version_from_run("wanted")
    await api.version_from_run("other")
    query = """query Versions($data: MlflowSearchModelVersionsInput) {
      mlflowSearchModelVersions(input: $data) { modelVersions { name version } } }"""

    result = data(await graphql(api, query, data={"filter": "name='wanted'"}))

    assert result["mlflowSearchModelVersions"]["modelVersions"] == [
        {"name": "wanted", "version": "1"}
    ]


async def test_search_datasets_answers_the_datasets_runs_used(api: RegistryApi) -> None:
    experiment_id = await api.create_experiment("datasets")
    run_id = await api.create_run_id(experiment_id)
    dataset = {"name": "iris", "digest": "abc", "source_type": "local", "source": "{}"}
    inputs = {"run_id": run_id, "datasets": [{"dataset": dataset, "tags": []}]}
    api.ok(await api.post("runs/log-inputs", inputs))
    query = """mutation Datasets($data: MlflowSearchDatasetsInput) {
      mlflowSearchDatasets(input: $data) { datasetSummaries { experimentId name digest } } }"""

    result = data(await graphql(api, query, data={"experimentIds": [experiment_id]}))

    assert result["mlflowSearchDatasets"]["datasetSummaries"] == [
        {"experimentId": experiment_id, "name": "iris", "digest": "abc"}
    ]


async def test_get_runs_queries_from_query_parameters(api: RegistryApi) -> None:
    params = {"query": '{ test(inputString: "ping") { output } }'}

    response = await api.client.get("/graphql", params=params)

    assert data(response) == {"test": {"output": "ping"}}


async def test_get_refuses_a_mutation(api: RegistryApi) -> None:
    params = {"query": 'mutation { testMutation(inputString: "x") { output } }'}

    assert "POST" in refused(await api.client.get("/graphql", params=params))


def aliases(count: int) -> str:
    return " ".join(f'a{i}: test(inputString: "x") {{ output }}' for i in range(count))


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        (f"{{ {aliases(11)} }}", "root fields"),
        (
            '{ mlflowGetRun(input: {runId: "x"}) { run { info { '
            + " ".join(f"f{i}: runId" for i in range(11))
            + " } } } }",
            "aliases",
        ),
        ("fragment F on Query { " + aliases(11) + " } { ...F }", "root fields"),
        (f"{{ {aliases(10)} }}", None),
    ],
    ids=["root-fields", "aliases", "fragment-root-fields", "within-limits"],
)
async def test_queries_over_the_limits_are_refused(
    api: RegistryApi, query: str, reason: str | None
) -> None:
    response = await graphql(api, query)

    if reason is None:
        assert response.status_code == 200, response.text
    else:
        assert reason in refused(response)


async def test_a_query_nested_beyond_the_depth_limit_is_refused(api: RegistryApi) -> None:
    nested = "{ __schema { types { fields { type " + "{ ofType " * 7 + "{ name }" + " }" * 11

    assert "levels deep" in refused(await graphql(api, nested))


async def test_a_batch_of_queries_is_refused(api: RegistryApi) -> None:
    batch = [{"query": '{ test(inputString: "x") { output } }'}] * 2

    assert "Batched" in refused(await api.client.post("/graphql", json=batch))


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"{", "Malformed JSON"),
        (b'"query"', "JSON object"),
        (b"{}", "'query'"),
        (b'{"query": "{ test("}', "could not be parsed"),
        (b'{"query": "{ nope }"}', "not valid"),
        (b'{"query": "{ test { output } }", "variables": [1]}', "variables"),
    ],
    ids=["truncated", "not-an-object", "no-query", "syntax", "unknown-field", "bad-variables"],
)
async def test_malformed_requests_are_refused(api: RegistryApi, body: bytes, reason: str) -> None:
    response = await api.client.post(
        "/graphql", content=body, headers={"Content-Type": "application/json"}
    )

    assert reason in refused(response)


async def test_a_query_over_the_token_limit_is_refused_before_it_is_run(
    api: RegistryApi,
) -> None:
    query = "{ " + "__typename " * 20_000 + "}"

    assert "could not be parsed" in refused(await graphql(api, query))
