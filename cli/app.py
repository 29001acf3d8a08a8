"""``ctg``: the command line of ctg-graph.

    ctg db install | start | stop | status | migrate   the project-local Neo4j
    ctg load reference [--departements 15,71]         the French territorial reference
    ctg serve                                          the GraphQL API and explorer
    ctg schema [--output schema.graphql]               the API's GraphQL schema (SDL)
    ctg coverage | themes | continuity | network       coverage analyses (table, csv, json)
    ctg export --format gexf|graphml|csv --output F    the graph of a scope, for Gephi
    ctg run                                            all of the above, then serve

Without ``NEO4J_URI``, commands use the project-local Neo4j (``ctg db start``); with it,
they use that server and never provision one.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from cli import analyses as analysis_commands
from domain.errors import CtgError, DatabaseUnavailableError, InputError, WriteInterruptedError
from graph import local_server
from graph.driver import connection_lost, open_driver, resolve_connection
from graph.migrations import migrate
from graph.partnership_store import DatasetGraph, write_dataset, write_order
from graph.reference_store import graph_counts, write_reference
from graph.settings import Neo4jConnection, external_connection, local_server_settings
from loaders.dataset_graph import dataset_graph
from loaders.datasets import (
    DEFAULT_DATASETS,
    Dataset,
    TerritoryIndex,
    Vocabularies,
    load_partnerships,
)
from loaders.reference import DEFAULT_DATA_DIR, read_reference

app = typer.Typer(
    help="ctg-graph: a GraphQL knowledge graph of French territorial partnerships.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
db_app = typer.Typer(help="The project-local Neo4j server (ignored when NEO4J_URI is set).")
load_app = typer.Typer(help="Load data into the graph.")
app.add_typer(db_app, name="db")
app.add_typer(load_app, name="load")

#: Messages quote user data (paths, dataset values) verbatim: never read them as markup.
console = Console(stderr=True, markup=False)
DEFAULT_RUN_DEPARTEMENTS = "15,71"

app.command("coverage")(analysis_commands.coverage)
app.command("themes")(analysis_commands.themes)
app.command("continuity")(analysis_commands.continuity)
app.command("network")(analysis_commands.network)
app.command("export")(analysis_commands.export)


#: The driver logs every retry and dropped connection; with logging not configured,
#: Python would print them on stderr among the command's own lines. ``ctg serve`` removes
#: it, so the API logs them like ``uvicorn server:app`` does.
_DRIVER_LOGS_OFF = logging.NullHandler()


def main() -> None:
    """Entry point: run the CLI and turn expected errors into a message and exit code 1."""
    logging.getLogger("neo4j").addHandler(_DRIVER_LOGS_OFF)
    try:
        app()
    except CtgError as error:
        _fail(error)
    except Exception as error:
        # Neo4j going away in a command that has no message of its own for it
        lost = connection_lost(error)
        if lost is None:
            raise
        _fail(lost)


def _fail(error: CtgError) -> None:
    console.print(Text.assemble(("Error:", "bold red"), f" {error}"), highlight=False)
    sys.exit(1)


def _server(port: int | None = None) -> local_server.LocalNeo4j:
    settings = local_server_settings()
    if port is not None:
        settings = type(settings)(**{**settings.__dict__, "port": port})
    return local_server.LocalNeo4j(settings)


def _refuse_when_external(action: str) -> bool:
    connection = external_connection()
    if connection is not None:
        console.print(
            f"NEO4J_URI is set ({connection.uri}): ctg-graph uses that server and does not "
            f"{action} a local one."
        )
        return True
    return False


@db_app.command("install")
def db_install() -> None:
    """Fetch the Neo4j jars with Maven (first time only)."""
    settings = local_server_settings()
    local_server.java_major_version()
    path = local_server.install(settings, report=console.print)
    console.print(f"Neo4j {settings.version} is installed in {path}")


@db_app.command("start")
def db_start(
    port: Annotated[int | None, typer.Option(help="Bolt port (default 7687).")] = None,
    timeout: Annotated[float, typer.Option(help="Seconds to wait for Bolt.")] = 180.0,
) -> None:
    """Start the local Neo4j in the background and wait until Bolt answers."""
    if _refuse_when_external("start"):
        return
    server = _server(port)
    connection = server.start(timeout=timeout, report=console.print)
    migrate_connection(connection)
    console.print(
        f"Neo4j is up on {connection.uri} (user neo4j, password in {server.password_file})"
    )


@db_app.command("stop")
def db_stop() -> None:
    """Stop the local Neo4j (SIGTERM, then SIGKILL after 90 s)."""
    if _refuse_when_external("stop"):
        return
    if not _server().stop(report=console.print):
        console.print("The local Neo4j was not running.")
    else:
        console.print("The local Neo4j is stopped.")


@db_app.command("status")
def db_status() -> None:
    """Say whether Neo4j is installed, running and answering, and what the graph holds."""
    external = external_connection()
    if external is None:
        status = _server().status()
        table = Table(show_header=False, title="Local Neo4j")
        table.add_row("version", status.version)
        table.add_row("installed", "yes" if status.installed else "no (ctg db install)")
        table.add_row("running", f"yes, pid {status.pid}" if status.running else "no")
        table.add_row("answering", f"yes, {status.uri}" if status.answering else "no")
        table.add_row("folder", str(status.instance_dir))
        console.print(table)
        if not status.answering:
            raise typer.Exit(code=3)
    connection = resolve_connection()
    driver = open_driver(connection)
    with driver:
        counts = graph_counts(driver, connection.database)
    table = Table("label or :TYPE", "count", title=f"Graph at {connection.uri}")
    for name, count in counts.items():
        table.add_row(name, f"{count:,}")
    console.print(table)


@db_app.command("migrate")
def db_migrate() -> None:
    """Create missing constraints and indexes (idempotent)."""
    migrate_connection(resolve_connection())


def migrate_connection(connection: Neo4jConnection) -> None:
    """Run the schema migrations against ``connection``."""
    driver = open_driver(connection)
    with driver:
        count = migrate(driver, connection.database)
    console.print(f"Graph schema is up to date ({count} constraints and indexes checked).")


def _parse_departements(value: str | None) -> list[str] | None:
    if value is None or value.strip().lower() in ("", "all", "france"):
        return None
    codes = [code.strip() for code in value.split(",") if code.strip()]
    if not codes:
        raise InputError(f"--departements {value!r} names no département; write e.g. 15,71.")
    return codes


@load_app.command("reference")
def load_reference(
    departements: Annotated[
        str | None,
        typer.Option(
            help="Comma-separated département codes to load (e.g. 15,71); default: all France."
        ),
    ] = None,
    data_dir: Annotated[
        Path, typer.Option(help="The decoupage-administratif data/ folder.")
    ] = DEFAULT_DATA_DIR,
    vintage: Annotated[
        int | None, typer.Option(help="Year the data describes (default: from its version).")
    ] = None,
    batch_size: Annotated[int, typer.Option(min=100, max=100_000)] = 10_000,
) -> None:
    """Load régions, départements, EPCI and communes (re-running changes nothing)."""
    connection = resolve_connection()
    run_reference_load(connection, _parse_departements(departements), data_dir, vintage, batch_size)


def run_reference_load(
    connection: Neo4jConnection,
    departements: list[str] | None,
    data_dir: Path = DEFAULT_DATA_DIR,
    vintage: int | None = None,
    batch_size: int = 10_000,
) -> None:
    """Read and validate the reference, then write it in one transaction with a progress bar."""
    started = time.perf_counter()
    records = read_reference(data_dir, departements, vintage)
    scope = (
        "all France"
        if departements is None
        else "départements " + ", ".join(records.departements_loaded)
    )
    driver = open_driver(connection)
    with driver, _progress() as progress:
        migrate(driver, connection.database)
        task = progress.add_task(
            f"Reference {records.vintage} ({scope})", total=records.row_count()
        )
        summary = write_reference(
            driver,
            connection.database,
            records,
            batch_size=batch_size,
            progress=lambda n: progress.advance(task, n),
        )
    elapsed = time.perf_counter() - started
    console.print(
        f"Loaded {len(records.communes):,} communes, {len(records.epcis):,} EPCI, "
        f"{len(records.departements)} départements, {len(records.regions)} régions "
        f"({summary.rows:,} rows in {elapsed:.1f}s, {summary.rows / elapsed:,.0f} rows/s); "
        f"created {summary.nodes_created:,} nodes and {summary.relationships_created:,} "
        f"relationships, removed {summary.relationships_deleted:,} stale ones."
    )


DatasetPaths = Annotated[
    list[Path] | None,
    typer.Argument(help="Dataset files or folders (default: domain/data/partnerships)."),
]


def _validated_datasets(paths: list[Path]) -> tuple[list[Dataset], Vocabularies]:
    """Validate ``paths`` against the French reference files (no database needed)."""
    territories = TerritoryIndex.from_reference(read_reference(DEFAULT_DATA_DIR))
    return load_partnerships(paths, territories)


@load_app.command("partnerships")
def load_partnerships_command(
    paths: DatasetPaths = None,
) -> None:
    """Validate every dataset, then write each in its own transaction (all or nothing)."""
    run_partnership_load(resolve_connection(), paths or [DEFAULT_DATASETS])


def run_partnership_load(connection: Neo4jConnection, paths: list[Path]) -> None:
    """Validate the datasets against the reference, then write them one by one.

    Raises:
        DatabaseUnavailableError: Neo4j stopped answering; the message lists the datasets
            written before it did and says how to finish the load.
    """
    started = time.perf_counter()
    datasets, vocabularies = _validated_datasets(paths)
    driver = open_driver(connection)
    with driver:
        migrate(driver, connection.database)
        # datasets that link to others' facts go after them
        graphs = write_order([dataset_graph(dataset, vocabularies) for dataset in datasets])
        for done, graph in enumerate(graphs):
            try:
                summary = write_dataset(driver, connection.database, graph)
            except WriteInterruptedError as error:
                loaded = [g.key for g in graphs[:done]]  # written now or by an earlier load
                raise _load_interrupted(error, connection, loaded, graphs[done:]) from error
            verb = "loaded" if summary.changed else "unchanged, nothing written"
            console.print(
                f"Dataset {summary.key}: {summary.nodes} nodes, {summary.edges} relationships "
                f"({verb}; +{summary.nodes_created}/-{summary.nodes_deleted} nodes, "
                f"+{summary.relationships_created}/-{summary.relationships_deleted} relationships)"
            )
    console.print(f"{len(datasets)} dataset(s) in {time.perf_counter() - started:.1f}s")


def _load_interrupted(
    error: WriteInterruptedError,
    connection: Neo4jConnection,
    loaded: list[str],
    rest: Sequence[DatasetGraph],
) -> DatabaseUnavailableError:
    """What a user needs when Neo4j went away mid-load: what is in the graph, what to do."""
    done = f"Already loaded: {', '.join(loaded)}." if loaded else "No dataset was loaded."
    left = [g.key for g in rest if not (error.maybe_written and g.key == error.dataset)]
    todo = f" Not loaded yet: {', '.join(left)}." if left else ""
    restart = (
        "Start Neo4j again (`ctg db start`) and run"
        if connection.local
        else f"When the Neo4j at {connection.uri} answers again, run"
    )
    return DatabaseUnavailableError(
        f"The load stopped: {error} {done}{todo} {restart} the same command: the datasets "
        "already written are found unchanged and skipped, the others are written."
    )


@app.command("validate")
def validate(
    paths: DatasetPaths = None,
    print_schema: Annotated[
        bool, typer.Option("--print-schema", help="Print the format's JSON Schema and exit.")
    ] = False,
) -> None:
    """Check datasets without writing anything: every problem, with file, line and field."""
    if print_schema:
        from loaders.dataset_format import DatasetFile

        print(json.dumps(DatasetFile.model_json_schema(), ensure_ascii=False, indent=2))
        return
    datasets, _ = _validated_datasets(paths or [DEFAULT_DATASETS])
    for dataset in datasets:
        c = dataset.content
        console.print(
            f"{dataset.key}: valid ({len(c.contracts)} contracts, {len(c.partners)} partners, "
            f"{len(c.people)} people, {len(c.bodies)} bodies, {len(c.fundings)} fundings) "
            f"from {', '.join(map(str, dataset.files))}"
        )


@app.command("schema")
def schema_command(
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write the SDL to this file instead of stdout."),
    ] = None,
) -> None:
    """Print the GraphQL schema (SDL) the API serves, or write it to a file."""
    sdl = schema_sdl()
    if output is None:
        sys.stdout.write(sdl)
        return
    output.write_text(sdl, encoding="utf-8")
    console.print(f"Wrote the GraphQL schema to {output}")


def schema_sdl() -> str:
    """The live schema in SDL, as committed in schema.graphql."""
    from strawberry.printer import print_schema

    from schema import schema

    return print_schema(schema) + "\n"


@contextlib.contextmanager
def _progress() -> Iterator[Progress]:
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
        disable=not console.is_terminal,
    ) as progress:
        yield progress


@app.command("serve")
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="HTTP port.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="uvicorn worker processes.")] = 1,
) -> None:
    """Serve the GraphQL API (/graphql) and /healthz."""
    import uvicorn

    logging.getLogger("neo4j").removeHandler(_DRIVER_LOGS_OFF)
    connection = resolve_connection()
    # The app reads its connection from the environment in every worker process.
    os.environ.setdefault("NEO4J_URI", connection.uri)
    os.environ.setdefault("NEO4J_USER", connection.user)
    os.environ.setdefault("NEO4J_PASSWORD", connection.password)
    os.environ.setdefault("NEO4J_DATABASE", connection.database)
    console.print(f"Serving http://{host}:{port}/graphql (Neo4j {connection.uri})")
    uvicorn.run("server:app", host=host, port=port, workers=workers, log_level="info")


@app.command("run")
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
) -> None:
    """Start the local Neo4j (unless NEO4J_URI is set), load the data, and serve."""
    started_here = False
    server = _server()
    connection = external_connection()
    if connection is None:
        started_here = server.pid() is None
        connection = server.start(report=console.print)
    try:
        codes = None if all_france else _parse_departements(departements)
        run_reference_load(connection, codes)
        if any(DEFAULT_DATASETS.glob("*.yaml")):
            run_partnership_load(connection, [DEFAULT_DATASETS])
        serve(host=host, port=port, workers=1)
    finally:
        if started_here:
            server.stop(report=console.print)


if __name__ == "__main__":
    main()
