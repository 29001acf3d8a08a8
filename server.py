"""The Starlette app: routes, lifespan and middleware, and nothing else.

    uvicorn server:app            (or `ctg serve`)

The lifespan opens one :class:`graph.reader.GraphReader` (an async driver pool) for the
process, from ``NEO4J_URI``… or the running project-local Neo4j, and closes it on exit.
The app starts even when Neo4j is down: ``/healthz`` says so and GraphQL answers a clear
error until it is back, without a restart. ``/`` is the graph explorer (``web/explorer/``,
package data: plain ES modules talking only to ``/graphql``); the npm packages it loads
are served read-only under ``/vendor/<name>/`` (GraphiQL's under ``/vendor/graphiql/``,
:mod:`web.graphiql`) from the ``node_modules`` that ``CTG_NODE_MODULES`` names
(:mod:`domain.resources`; installed by scripts/setup.sh in a checkout). ``/drafts``
is the review page's drafting of an article (:mod:`web.drafts`). Tokens, the body
limit and CORS come from ``CTG_API_*`` (:mod:`web.settings`), read once at import: a
wrong value stops the server before it listens.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TypedDict

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from analyses.projection import PROJECTIONS
from domain import resources
from domain.errors import DatabaseUnavailableError
from graph.driver import resolve_connection
from graph.reader import GraphReader
from schema import schema
from web.admission import AdmissionLimit
from web.drafts import Drafting
from web.graphiql import PREFIX as GRAPHIQL_FILES
from web.headers import SecurityHeaders
from web.http import GraphQLView, RequestBodyLimit
from web.settings import ApiSettings, api_settings

logger = logging.getLogger("ctg.server")

EXPLORER = resources.EXPLORER
_NODE_MODULES = resources.node_modules()
#: The only npm files the explorer may load, by URL prefix under /vendor/.
VENDOR = {
    "cytoscape": _NODE_MODULES / "cytoscape" / "dist",
    "france-departements": _NODE_MODULES / "@svg-maps" / "france.departments",
}


class State(TypedDict):
    reader: GraphReader


@asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[State]:
    connection = resolve_connection()
    reader = GraphReader.open(connection, timeout=app.state.settings.query_timeout)
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


async def home(_request: Request) -> FileResponse:
    return FileResponse(EXPLORER / "index.html", headers={"Cache-Control": "no-cache"})


def static(directory: Path) -> StaticFiles:
    # check_dir=False: without node_modules the API still serves; the page says what is missing
    return StaticFiles(directory=directory, check_dir=False)


def create_app(settings: ApiSettings) -> Starlette:
    """The API with these settings (``app`` below reads them from the environment)."""
    graphql = GraphQLView(
        schema,
        tokens=settings.tokens,
        read_requires_token=settings.read_requires_token,
        introspection=settings.introspection,
    )
    drafting = Drafting(settings)
    # Without origins, no CORS headers at all: browsers keep other sites' pages out.
    cors = [
        Middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type"],
        )
    ]
    application = Starlette(
        routes=[
            Route("/", home),
            Route("/healthz", healthz),
            Route("/graphql", graphql, methods=["GET", "POST"]),
            Route(f"{GRAPHIQL_FILES}{{file:path}}", graphql.graphiql_files.serve),
            # the explorer's review page: drafting writes nothing (web/drafts.py)
            Route("/drafts", drafting.draft, methods=["POST"]),
            Route("/drafts/dataset", drafting.dataset, methods=["POST"]),
            Route("/drafts/local-token", drafting.local_token, methods=["GET"]),
            Mount("/explorer", static(EXPLORER)),
            *(Mount(f"/vendor/{name}", static(folder)) for name, folder in VENDOR.items()),
        ],
        middleware=[
            Middleware(SecurityHeaders),  # outermost: every answer, refusals too, has them
            *(cors if settings.cors_origins else []),  # outermost, so refusals carry CORS
            # the body is read whole before admission: a slow client holds no place
            Middleware(
                RequestBodyLimit,
                max_bytes=settings.max_body_bytes,
                timeout=settings.body_timeout,
            ),
            Middleware(
                AdmissionLimit,
                limit=settings.max_concurrent,
                queue_timeout=settings.queue_timeout,
            ),
            Middleware(GZipMiddleware, minimum_size=1024),
        ],
        lifespan=lifespan,
    )
    application.state.settings = settings
    PROJECTIONS.ttl = settings.coverage_cache
    return application


app = create_app(api_settings())
