"""MLflow's public GraphQL schema, each root field served by the rpc handler REST serves.

The root fields are MLflow's: ``mlflow<Rpc>`` takes ``input: Mlflow<Rpc>Input`` (the rpc's
request) and answers ``Mlflow<Rpc>Response``. A resolver parses the input as the REST edge
parses a JSON body and awaits the same handler, so every rule (validation, limits, errors)
is the slice's own. A run also answers its experiment and the model versions registered from
it, as MLflow's run extension does; within one request an experiment is read once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from google.protobuf.message import Message
from graphql import (
    DirectiveLocation,
    GraphQLArgument,
    GraphQLDirective,
    GraphQLField,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLResolveInfo,
    GraphQLSchema,
    GraphQLString,
    specified_directives,
)

from berth.ui.graphql.types import ProtoTypes
from berth.wire.dual import as_message
from berth.wire.json import parse_dict
from berth.wire.rpc import Rpc

QUERIES = (
    "GetExperiment",
    "GetMetricHistoryBulkInterval",
    "GetRun",
    "ListArtifacts",
    "SearchModelVersions",
    "SearchRuns",
)
MUTATIONS = ("SearchDatasets", "SearchRuns")
"""The rpcs behind MLflow's root fields (``SearchRuns`` is both, as in MLflow)."""

COMPONENT = GraphQLDirective(
    name="component",
    locations=[DirectiveLocation.QUERY, DirectiveLocation.MUTATION],
    args={"name": GraphQLArgument(GraphQLNonNull(GraphQLString))},
)
"""The UI tags its operations with ``@component(name: ...)``; declared so they validate."""


@dataclass
class Calls:
    """The rpcs one GraphQL request may call, with what the request has read already."""

    rpcs: Mapping[str, Rpc]
    _experiments: dict[str, asyncio.Task[Message]] = field(default_factory=dict)

    async def call(self, name: str, request: Message) -> Message:
        return as_message(await self.rpcs[name].handler(request))

    async def experiment(self, experiment_id: str) -> Message:
        """The experiment (read once per request, however many runs name it)."""
        if experiment_id not in self._experiments:
            request = self.rpcs["GetExperiment"].request_type(experiment_id=experiment_id)
            self._experiments[experiment_id] = asyncio.ensure_future(
                self.call("GetExperiment", request)
            )
        response: Any = await self._experiments[experiment_id]
        return response.experiment  # type: ignore[no-any-return]


def build_schema(rpcs: Iterable[Rpc]) -> GraphQLSchema:
    """The schema over ``rpcs`` (the tracking and registry handler tables)."""
    by_name = {rpc.name: rpc for rpc in rpcs}
    types = ProtoTypes(
        extra_fields={"MlflowRunExtension": lambda: _run_extension(types, by_name)},
        renamed={"MlflowRun": "MlflowRunExtension", "MlflowMetric": "MlflowMetricExtension"},
    )
    query = GraphQLObjectType(
        "Query",
        lambda: {
            **{_field_name(name): _rpc_field(types, by_name[name]) for name in QUERIES},
            "test": _echo("Test"),
        },
    )
    mutation = GraphQLObjectType(
        "Mutation",
        lambda: {
            **{_field_name(name): _rpc_field(types, by_name[name]) for name in MUTATIONS},
            "testMutation": _echo("TestMutation"),
        },
    )
    return GraphQLSchema(
        query=query, mutation=mutation, directives=[*specified_directives, COMPONENT]
    )


def _field_name(rpc_name: str) -> str:
    return f"mlflow{rpc_name}"


def _rpc_field(types: ProtoTypes, rpc: Rpc) -> GraphQLField:
    async def resolve(
        _root: Any, info: GraphQLResolveInfo, input: dict[str, Any] | None = None
    ) -> Message:
        calls: Calls = info.context
        return await calls.call(rpc.name, parse_dict(_present(input or {}), rpc.request_type))

    return GraphQLField(
        types.object_type(rpc.response_type.DESCRIPTOR),
        args=types.input_argument(rpc.request_type.DESCRIPTOR),
        resolve=resolve,
    )


def _present(values: dict[str, Any]) -> dict[str, Any]:
    """The input's fields given a value: an explicit null reads as absent."""
    return {key: value for key, value in values.items() if value is not None}


def _run_extension(types: ProtoTypes, rpcs: Mapping[str, Rpc]) -> dict[str, GraphQLField]:
    experiment = rpcs["GetExperiment"].response_type.DESCRIPTOR.fields_by_name["experiment"]
    version = rpcs["SearchModelVersions"].response_type.DESCRIPTOR.fields_by_name["model_versions"]
    search_versions = rpcs["SearchModelVersions"].request_type

    async def experiment_of(run: Any, info: GraphQLResolveInfo) -> Message:
        calls: Calls = info.context
        return await calls.experiment(run.info.experiment_id)

    async def model_versions(run: Any, info: GraphQLResolveInfo) -> list[Message]:
        calls: Calls = info.context
        request = search_versions(filter=f"run_id='{run.info.run_id}'")
        response: Any = await calls.call("SearchModelVersions", request)
        return list(response.model_versions)

    return {
        "experiment": GraphQLField(
            types.object_type(experiment.message_type), resolve=experiment_of
        ),
        "modelVersions": GraphQLField(
            GraphQLList(GraphQLNonNull(types.object_type(version.message_type))),
            resolve=model_versions,
        ),
    }


def _echo(type_name: str) -> GraphQLField:
    """MLflow's ``test`` fields: answer ``output`` with the input string (a liveness probe)."""
    echo = GraphQLObjectType(
        type_name, {"output": GraphQLField(GraphQLString, description="Echoes the input string")}
    )

    def resolve(_root: Any, _info: GraphQLResolveInfo, inputString: str | None = None) -> Any:
        return {"output": inputString}

    return GraphQLField(
        echo,
        args={"inputString": GraphQLArgument(GraphQLString)},
        resolve=resolve,
        description="Simple echoing field",
    )
