"""``ctg serve`` (the GraphQL API and explorer under uvicorn) and ``ctg run`` (the local
Neo4j, the data and the API in one command, as the README's run command does)."""

from __future__ import annotations

import logging
import os
from typing import Annotated

import typer

from cli.db import local_neo4j
from cli.load import (
    DropCurated,
    KeepCurated,
    Replace,
    curated_policy,
    parse_departements,
    run_partnership_load,
    run_reference_load,
)
from cli.output import DRIVER_LOGS_OFF, console, say_target
from graph.driver import resolve_connection
from graph.local_server import LocalNeo4j
from graph.settings import INSTANCE_VARIABLE, describe_target, external_connection
from loaders.datasets import DEFAULT_DATASETS
from web.settings import (
    LOCAL_CURATOR,
    LOCAL_TOKEN_VARIABLE,
    TOKENS_VARIABLE,
    UVICORN_OPTIONS,
    ApiTokens,
    is_loopback,
)

DEFAULT_RUN_DEPARTEMENTS = "15,71"


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="HTTP port.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="uvicorn worker processes.")] = 1,
) -> None:
    """Serve the GraphQL API (/graphql) and /healthz."""
    import uvicorn

    logging.getLogger("neo4j").removeHandler(DRIVER_LOGS_OFF)
    connection = resolve_connection()
    # the description is of the target as named (a local instance's name included)
    target = describe_target(uri=connection.uri)
    # The app reads its connection from the environment in every worker process: once
    # NEO4J_URI names the local instance's server, the instance's name must go, or the
    # app would find both and refuse to choose.
    if connection.local:
        os.environ.pop(INSTANCE_VARIABLE, None)
    os.environ.setdefault("NEO4J_URI", connection.uri)
    os.environ.setdefault("NEO4J_USER", connection.user)
    os.environ.setdefault("NEO4J_PASSWORD", connection.password)
    os.environ.setdefault("NEO4J_DATABASE", connection.database)
    # the curation mutations write: say where, as every writing command does
    console.print(
        f"Serving http://{host}:{port}/graphql; the API reads and writes {target}",
        highlight=False,
    )
    uvicorn.run(
        "server:app",
        host=host,
        port=port,
        workers=workers,
        log_level="info",
        **UVICORN_OPTIONS,  # type: ignore[arg-type]
    )


def give_local_token(server: LocalNeo4j, host: str) -> None:
    """Add the local curator's token (made once, kept in the instance folder) to the
    tokens of the server about to start, for the explorer's review page on this machine.

    Only on the loopback: a server other machines reach gets its tokens explicitly
    (CTG_API_TOKENS), never one that its pages would hand out.
    """
    if not is_loopback(host):
        console.print(
            f"No local curator token: --host {host} is not the loopback, so curators use "
            f"the tokens of {TOKENS_VARIABLE} (see docs/api.md).",
            highlight=False,
        )
        return
    configured = os.environ.get(TOKENS_VARIABLE, "")
    if LOCAL_CURATOR in ApiTokens.parse(configured).names:
        console.print(
            f"{TOKENS_VARIABLE} names {LOCAL_CURATOR!r} already: that token is the one "
            "curators type; no local token is handed to the review page.",
            highlight=False,
        )
        return
    token, created = server.curator_token()
    entry = f"{LOCAL_CURATOR}={token}"
    os.environ[TOKENS_VARIABLE] = f"{configured},{entry}" if configured.strip() else entry
    os.environ[LOCAL_TOKEN_VARIABLE] = token
    verb = "Made" if created else "Using"
    console.print(
        f"{verb} the local curator token in {server.curator_token_file} (mode 0600): the "
        "explorer's « Importer un article » page on this machine saves with it.",
        highlight=False,
    )


def run(
    departements: Annotated[
        str,
        typer.Option(help="Départements of the reference to load; 'all' for all France."),
    ] = DEFAULT_RUN_DEPARTEMENTS,
    all_france: Annotated[
        bool, typer.Option("--all-france", help="Load the whole French reference.")
    ] = False,
    host: Annotated[str, typer.Option()] = "127.0.0.1",
    port: Annotated[int, typer.Option()] = 8000,
    keep_curated: KeepCurated = False,
    drop_curated: DropCurated = False,
    replace: Replace = False,
) -> None:
    """Start the local Neo4j (unless NEO4J_URI is set), load the data, and serve.

    On a local instance served on the loopback, the API also accepts a local curator
    token, made once in the instance folder, that the explorer's review page picks up.
    """
    curated = curated_policy(keep_curated, drop_curated)
    started_here = False
    server = local_neo4j()
    connection = external_connection()
    local = connection is None  # NEO4J_URI unset: this machine's own instance
    say_target(server.uri)
    if connection is None:
        started_here = server.pid() is None
        connection = server.start(report=console.print)
    try:
        codes = None if all_france else parse_departements(departements)
        run_reference_load(connection, codes)
        if any(DEFAULT_DATASETS.glob("*.yaml")):
            run_partnership_load(connection, [DEFAULT_DATASETS], curated=curated, replace=replace)
        if local:
            give_local_token(server, host)
        serve(host=host, port=port, workers=1)
    finally:
        if started_here:
            server.stop(report=console.print)
