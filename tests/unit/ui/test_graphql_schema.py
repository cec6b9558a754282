"""Berth's GraphQL schema is MLflow's, type for type and field for field."""

from __future__ import annotations

import warnings

from graphql import GraphQLSchema, lexicographic_sort_schema, print_schema

from berth.app import REGISTRY, TRACKING
from berth.proto import tracking_pb2
from berth.ui.graphql.schema import build_schema
from berth.ui.graphql.types import ProtoTypes, camel_case, finite_or_none, type_name
from berth.wire.rpc import bind


class _Unserved:
    """A handler table whose handlers are never called: the schema only reads the rpcs."""

    def __getattr__(self, name: str) -> object:
        async def handler(_request: object) -> object:
            raise AssertionError(f"{name} was called")

        return handler


def berth_schema() -> GraphQLSchema:
    return build_schema([*bind(TRACKING, _Unserved()), *bind(REGISTRY, _Unserved())])


def sdl(schema: GraphQLSchema) -> str:
    return print_schema(lexicographic_sort_schema(schema))


def test_the_schema_prints_as_mlflows_own() -> None:
    with warnings.catch_warnings():
        # MLflow's server module imports its SQL store, which uses a loader SQLAlchemy 2.1
        # deprecates; that is MLflow's concern, not this test's.
        warnings.simplefilter("ignore", DeprecationWarning)
        from mlflow.server.graphql.graphql_schema_extensions import schema as mlflow_schema

    assert sdl(berth_schema()) == sdl(mlflow_schema.graphql_schema)


def test_types_are_named_after_their_message_with_nesting_joined() -> None:
    assert type_name(tracking_pb2.SearchRuns.Response.DESCRIPTOR) == "MlflowSearchRunsResponse"
    assert type_name(tracking_pb2.RunInfo.DESCRIPTOR) == "MlflowRunInfo"


def test_proto_field_names_become_lower_camel_case() -> None:
    assert camel_case("run_view_type") == "runViewType"
    assert camel_case("filter") == "filter"


def test_non_finite_doubles_read_as_null() -> None:
    assert [finite_or_none(v) for v in (1.5, float("nan"), float("inf"), -float("inf"))] == [
        1.5,
        None,
        None,
        None,
    ]


def test_an_input_type_reads_its_fields_back_under_their_proto_names() -> None:
    search_runs = ProtoTypes().input_type(tracking_pb2.SearchRuns.DESCRIPTOR)

    assert search_runs.name == "MlflowSearchRunsInput"
    assert search_runs.fields["runViewType"].out_name == "run_view_type"
