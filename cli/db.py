"""``ctg db install | start | stop | status | migrate | backup | restore | check | rebuild``:
the project-local Neo4j.

Without ``NEO4J_URI`` these manage the server under ``.local/``; with it, ``start``,
``stop``, ``backup``, ``restore``, ``check`` and ``rebuild`` refuse (that server is someone
else's) and ``status`` and ``migrate`` use it. The free-space check and the journal of
loads that ``ctg load`` uses are here too (:func:`ensure_room_for`, :func:`remember_load`).
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from cli.output import console, say_target
from domain.errors import DatabaseUnavailableError, LocalServerError
from graph import local_server
from graph.disk_space import ensure_free_space, size
from graph.driver import open_driver, resolve_connection
from graph.load_journal import RecordedLoad, loads_to_replay, record_load
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
    say_target(server.uri)  # it runs the migrations
    try:
        connection = server.start(timeout=timeout, report=console.print)
    except LocalServerError:
        if server.pid() is not None:
            server.stop()
        raise
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
    """Say whether Neo4j is installed, running and answering, and what the graph holds.

    Exit code 0 when it answers, 3 otherwise (stopped, starting, recovering, panicked,
    failed, wrong password, unreachable).
    """
    external = external_connection()
    if external is None:
        status = local_neo4j().status()
        table = Table(show_header=False, title="Local Neo4j")
        table.add_row("version", status.version)
        table.add_row("installed", "yes" if status.installed else "no (ctg db install)")
        table.add_row("running", f"yes, pid {status.pid}" if status.running else "no")
        table.add_row("state", local_server.STATES[status.state])
        if status.detail:
            table.add_row("Neo4j says", status.detail[:300])
        table.add_row("answering", f"yes, {status.uri}" if status.answering else "no")
        table.add_row("folder", str(status.instance_dir))
        console.print(table)
        if not status.answering:
            raise typer.Exit(code=3)
    connection = resolve_connection()
    try:
        driver = open_driver(connection)
    except DatabaseUnavailableError as error:
        console.print(f"Neo4j at {connection.uri}: {error}")
        raise typer.Exit(code=3) from error
    with driver:
        counts = graph_counts(driver, connection.database)
    table = Table("label or :TYPE", "count", title=f"Graph at {connection.uri}")
    for name, count in counts.items():
        table.add_row(name, f"{count:,}")
    console.print(table)


@db_app.command("migrate")
def db_migrate() -> None:
    """Create missing constraints and indexes (idempotent)."""
    say_target()
    migrate_connection(resolve_connection())


def migrate_connection(connection: Neo4jConnection) -> None:
    """Run the schema migrations against ``connection``."""
    driver = open_driver(connection)
    with driver:
        count = migrate(driver, connection.database)
    console.print(f"Graph schema is up to date ({count} constraints and indexes checked).")


# -- backups, checks, rebuilds ----------------------------------------------------------
def _backup_dir(server: local_server.LocalNeo4j) -> Path:
    """Where backups go by default: beside the instance folder, not inside it, so that
    deleting or rebuilding the instance leaves them (``--to`` puts them on another disk)."""
    return server.home.parent / f"{server.home.name}-backups"


class _Stopped:
    """Stop the local server for an offline neo4j-admin task (saying so), start it after."""

    def __init__(self, server: local_server.LocalNeo4j, why: str) -> None:
        self.server, self.why = server, why
        self.was_running = False

    def __enter__(self) -> _Stopped:
        if self.server.pid() is not None:
            console.print(f"Stopping Neo4j to {self.why} (neo4j-admin needs it stopped).")
            self.was_running = self.server.stop(report=console.print)
        return self

    def __exit__(self, *_exc: object) -> None:
        if self.was_running:
            console.print("Starting Neo4j again.")
            self.server.start(report=console.print)


@db_app.command("backup")
def db_backup(
    to: Annotated[
        Path | None,
        typer.Option(
            "--to",
            help="A file, or a folder for a dated file (default: <instance>-backups/ beside "
            "the instance folder).",
        ),
    ] = None,
) -> None:
    """Dump the local database into one file (Neo4j's `database dump`), stopping the
    server for the time of it and starting it again after."""
    if _refuse_when_external("back up"):
        return
    server = local_neo4j()
    target = to if to is not None else _backup_dir(server)
    if target.is_dir() or to is None or str(to).endswith("/"):
        target.mkdir(mode=0o700, parents=True, exist_ok=True)
        target = target / f"neo4j-{time.strftime('%Y%m%d-%H%M%S')}.dump"
    target = target.resolve()
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    store = _folder_bytes(server.home / "data" / "databases" / "neo4j")
    ensure_free_space(target.parent, store, f"write a backup into {target.parent}")
    with _Stopped(server, "back it up"):
        started = time.perf_counter()
        server.dump(target)
        console.print(
            f"Backup written: {target} ({size(target.stat().st_size)} in "
            f"{time.perf_counter() - started:.1f}s). Restore it with `ctg db restore {target}`."
        )


@db_app.command("restore")
def db_restore(
    dump: Annotated[Path, typer.Argument(help="A file written by `ctg db backup`.")],
    force: Annotated[
        bool, typer.Option("--force", help="Replace a database that holds data.")
    ] = False,
) -> None:
    """Replace the local database by a backup (Neo4j's `database load`)."""
    if _refuse_when_external("restore"):
        return
    server = local_neo4j()
    say_target(server.uri)
    if not dump.is_file():
        raise LocalServerError(f"{dump} is not a file; give a file written by `ctg db backup`.")
    if not force and _holds_data(server):
        raise LocalServerError(
            f"The database in {server.home} holds data, which the restore would replace by "
            f"{dump}. Take a backup first (`ctg db backup`) if you may need it, then run "
            "`ctg db restore` again with --force."
        )
    with _Stopped(server, "restore the backup"):
        started = time.perf_counter()
        server.load(dump.resolve())
        console.print(f"Restored {dump} in {time.perf_counter() - started:.1f}s.")


@db_app.command("check")
def db_check() -> None:
    """Check the local database's consistency (Neo4j's `database check`), stopping the
    server for the time of it."""
    if _refuse_when_external("check"):
        return
    server = local_neo4j()
    report_dir = server.home / "logs" / "check"
    with _Stopped(server, "check its database"):
        consistent, output = server.check(report_dir)
    if not consistent:
        raise LocalServerError(
            f"The database in {server.home} is not consistent: {output[-600:]} "
            f"(report in {report_dir}). Restore the last backup (`ctg db restore FILE "
            "--force`) or reload everything from files (`ctg db rebuild`)."
        )
    console.print(f"The database in {server.home} is consistent.")


@db_app.command("rebuild")
def db_rebuild(
    force: Annotated[
        bool, typer.Option("--force", help="Rebuild even though the database answers.")
    ] = False,
) -> None:
    """Set the damaged database aside and load again every input `ctg load` recorded.

    Facts added through the API (dataset "curation") are in no file: they come back only
    from a backup (`ctg db restore`).
    """
    if _refuse_when_external("rebuild"):
        return
    from cli.load import run_partnership_load, run_reference_load  # cli.load imports us

    server = local_neo4j()
    say_target(server.uri)
    replay = loads_to_replay(server.home)
    if not replay:
        raise LocalServerError(
            f"No load is recorded in {server.home / 'loads.json'}, so there is nothing to "
            "rebuild from. Restore a backup (`ctg db restore FILE --force`), or load the "
            "reference and the datasets again by hand (`ctg load reference`, `ctg load "
            "partnerships`)."
        )
    if server.status().state == "running" and not force:
        raise LocalServerError(
            f"The database in {server.home} answers: a rebuild would replace it and lose "
            "the facts added through the API. Run `ctg db rebuild --force` if that is what "
            "you want (take `ctg db backup` first)."
        )
    server.stop(report=console.print)
    aside = server.home / f"damaged-{time.strftime('%Y%m%d-%H%M%S')}"
    for part in ("databases", "transactions"):
        source = server.home / "data" / part / "neo4j"
        if source.exists():
            (aside / part).mkdir(mode=0o700, parents=True, exist_ok=True)
            shutil.move(source, aside / part / "neo4j")
    console.print(f"The old database is set aside in {aside} (delete it once you are sure).")
    connection = server.start(report=console.print)
    migrate_connection(connection)
    for load in replay:
        if load.kind == "reference":
            codes = None if load.departements is None else list(load.departements)
            run_reference_load(connection, codes, Path(load.paths[0]), load.vintage)
        else:
            run_partnership_load(connection, [Path(p) for p in load.paths])
    console.print(
        'Rebuilt from files. Facts added through the API (dataset "curation") are not in '
        "any file and were not brought back; restore a backup to get them."
    )


def ensure_room_for(connection: Neo4jConnection, needed: int, action: str) -> None:
    """Refuse ``action`` when the local instance's disk has less than ``needed`` bytes free;
    nothing to check for a server ``NEO4J_URI`` names (its disk is not ours to see)."""
    server = _instance_of(connection)
    if server is not None:
        ensure_free_space(server.home, needed, action)


def remember_load(connection: Neo4jConnection, load: RecordedLoad) -> None:
    """Record a finished load in the local instance's journal, for ``ctg db rebuild``."""
    server = _instance_of(connection)
    if server is not None:
        record_load(server.home, load)


def _instance_of(connection: Neo4jConnection) -> local_server.LocalNeo4j | None:
    """The configured local instance when ``connection`` is to it (a test's throwaway
    server on another port is not), else None."""
    if not connection.local:
        return None
    server = local_neo4j()
    return server if server.pid() is not None and server.uri == connection.uri else None


def _holds_data(server: local_server.LocalNeo4j) -> bool:
    if server.pid() is not None:
        connection = server.connection()
        try:
            driver = open_driver(connection)
        except DatabaseUnavailableError:
            return True  # cannot tell: take it as holding data
        with driver:
            counts = graph_counts(driver, connection.database)
        return any(count for name, count in counts.items() if not name.startswith(":"))
    return (server.home / "data" / "databases" / "neo4j").is_dir()


def _folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
