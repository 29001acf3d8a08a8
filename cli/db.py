"""``ctg db install | start | stop | status | migrate``: the project-local Neo4j.

Without ``NEO4J_URI`` these manage the server under ``.local/``; with it, ``start`` and
``stop`` refuse (that server is someone else's) and ``status`` and ``migrate`` use it.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from cli.output import console
from graph import local_server
from graph.driver import open_driver, resolve_connection
from graph.migrations import migrate
from graph.reference_store import graph_counts
from graph.settings import Neo4jConnection, external_connection, local_server_settings

db_app = typer.Typer(help="The project-local Neo4j server (ignored when NEO4J_URI is set).")


def local_neo4j(port: int | None = None) -> local_server.LocalNeo4j:
    """The project-local server, on ``port`` instead of the configured one if given."""
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
    server = local_neo4j(port)
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
    if not local_neo4j().stop(report=console.print):
        console.print("The local Neo4j was not running.")
    else:
        console.print("The local Neo4j is stopped.")


@db_app.command("status")
def db_status() -> None:
    """Say whether Neo4j is installed, running and answering, and what the graph holds."""
    external = external_connection()
    if external is None:
        status = local_neo4j().status()
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
