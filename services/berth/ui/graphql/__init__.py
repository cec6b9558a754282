"""MLflow's GraphQL API at ``/graphql``, over the tracking and registry handler tables.

graphql-core is imported and the schema built on the first request: a server whose UI is
never opened does not carry them (they cost its idle memory a few megabytes).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from fastapi import FastAPI, Request, Response

from berth.wire.rpc import Rpc

if TYPE_CHECKING:
    from berth.ui.graphql.route import GraphQLEndpoint

PATH = "/graphql"


def mount(app: FastAPI, rpcs: Sequence[Rpc]) -> None:
    """Serve ``/graphql`` (POST, and GET for queries) over ``rpcs``."""
    endpoint: list[GraphQLEndpoint] = []

    def loaded() -> GraphQLEndpoint:
        if not endpoint:
            from berth.ui.graphql.route import GraphQLEndpoint

            endpoint.append(GraphQLEndpoint(rpcs))
        return endpoint[0]

    async def post(request: Request) -> Response:
        return await loaded().post(request)

    async def get(request: Request) -> Response:
        return await loaded().get(request)

    app.add_api_route(PATH, post, methods=["POST"], include_in_schema=False)
    app.add_api_route(PATH, get, methods=["GET"], include_in_schema=False)
