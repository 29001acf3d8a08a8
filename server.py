"""The Starlette app: routes, lifespan and middleware, and nothing else.

    uvicorn server:app            (or `ctg serve`)

The lifespan opens one :class:`graph.reader.GraphReader` (an async driver pool) for the
process, from ``NEO4J_URI``… or the running project-local Neo4j, and closes it on exit.
The app starts even when Neo4j is down: ``/healthz`` says so and GraphQL answers a clear
error until it is back, without a restart.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TypedDict

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse
from starlette.routing import Route

from graph.driver import resolve_connection
from graph.errors import DatabaseUnavailableError
from graph.reader import GraphReader
from schema import schema
from schema.http import GraphQLView

logger = logging.getLogger("ctg.server")


class State(TypedDict):
    reader: GraphReader


@asynccontextmanager
async def lifespan(_app: Starlette) -> AsyncIterator[State]:
    connection = resolve_connection()
    reader = GraphReader.open(connection)
    logger.info("GraphQL API reading %s (database %s)", connection.uri, connection.database)
    try:
        yield {"reader": reader}
    finally:
        await reader.close()


async def healthz(request: Request) -> JSONResponse:
    """200 when Neo4j answers a query, 503 (with the reason) when it does not."""
    reader: GraphReader = request.state.reader
    try:
        await reader.ping()
    except DatabaseUnavailableError as error:
        return JSONResponse({"status": "unavailable", "neo4j": "down", "detail": str(error)}, 503)
    return JSONResponse({"status": "ok", "neo4j": "up"})


async def home(_request: Request) -> RedirectResponse:
    return RedirectResponse("/graphql")


graphql = GraphQLView(schema, graphql_ide="graphiql", allow_queries_via_get=True)

app = Starlette(
    routes=[
        Route("/", home),
        Route("/healthz", healthz),
        Route("/graphql", graphql, methods=["GET", "POST"]),
    ],
    middleware=[Middleware(GZipMiddleware, minimum_size=1024)],
    lifespan=lifespan,
)
