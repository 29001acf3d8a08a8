"""The strawberry ASGI view, wired to the per-request :class:`schema.context.Context`."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL

from graph.reader import GraphReader
from schema.context import Context


class GraphQLView(GraphQL[Context, None]):
    """``/graphql``: POST and GET queries, GraphiQL for browsers."""

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        reader: GraphReader = request.state.reader
        return Context.create(reader)
