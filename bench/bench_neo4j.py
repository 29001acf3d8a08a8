"""Which Neo4j a benchmark talks to: its own throwaway server, or the one of ``NEO4J_URI``.

Run alone, a benchmark starts a fresh local Neo4j on a free loopback port (a temporary
instance folder, deleted afterwards) and always stops it. ``bench/bench_all.py`` instead
starts **one** fresh server, loads it once, and runs every benchmark against it through
``NEO4J_URI``; a benchmark then says how it may use that server:

* ``--yes-clear-database``: it deletes everything and loads its own data (the load
  benchmarks need an empty graph);
* ``--preloaded``: it reads the graph as it is, which ``bench/bench_graph.py`` loaded
  (the reference and the synthetic partnerships, plus the seed datasets), and writes
  nothing.

Without either flag a benchmark refuses a ``NEO4J_URI`` server: that may be someone's data.
"""

from __future__ import annotations

import shutil
import signal
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Annotated, LiteralString

import typer
from neo4j import Driver

from graph.driver import open_driver
from graph.local_server import throwaway_server
from graph.maintenance import clear_graph
from graph.settings import Neo4jConnection, external_connection

#: The command-line options every benchmark shares.
JsonOption = Annotated[Path | None, typer.Option("--json", help="Write figures here.")]
ClearOption = Annotated[
    bool, typer.Option(help="Allow clearing and loading the database named by NEO4J_URI.")
]
PreloadedOption = Annotated[
    bool,
    typer.Option(help="Read the graph bench/bench_graph.py loaded at NEO4J_URI; write nothing."),
]

#: Synthetic datasets are keyed ``synthetic-<département>`` (bench/synthetic_partnerships.py).
_SYNTHETIC_DATASETS: LiteralString = (
    "MATCH (d:Dataset) WHERE d.key STARTS WITH 'synthetic-' RETURN count(d) AS n"
)
_COMMUNES: LiteralString = "MATCH (c:Commune) RETURN count(c) AS n"


@dataclass(frozen=True)
class BenchNeo4j:
    """The server a benchmark measures on."""

    connection: Neo4jConnection
    #: The JVM's pid when the benchmark started the server itself, else None.
    jvm_pid: int | None

    @property
    def own(self) -> bool:
        """True when the benchmark started this server (and will stop it)."""
        return self.jvm_pid is not None


@contextmanager
def bench_neo4j(
    *, heap: str, pagecache: str, yes_clear_database: bool = False, preloaded: bool = False
) -> Iterator[BenchNeo4j]:
    """The ``NEO4J_URI`` server (cleared unless ``preloaded``), or a throwaway local one.

    Raises:
        typer.Exit: ``NEO4J_URI`` is set without ``--yes-clear-database`` or
            ``--preloaded``, or ``--preloaded`` is asked without ``NEO4J_URI``.
    """
    external = external_connection()
    if external is None:
        if preloaded:
            print("--preloaded reads the graph of NEO4J_URI, and NEO4J_URI is not set.")
            raise typer.Exit(2)
        folder = Path(tempfile.mkdtemp(prefix="ctg-bench-neo4j-"))
        try:
            with throwaway_server(folder, heap=heap, pagecache=pagecache) as connection:
                pid_file = folder / "instance" / "run" / "ctg-neo4j.pid"
                yield BenchNeo4j(connection, int(pid_file.read_text()))
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return
    if not (preloaded or yes_clear_database):
        print(
            f"NEO4J_URI is set ({external.uri}): this benchmark would DELETE every node of "
            f"database {external.database!r}. Pass --yes-clear-database to accept, "
            "--preloaded to read the graph bench/bench_graph.py loaded there, or unset "
            "NEO4J_URI to let the benchmark start its own throwaway Neo4j."
        )
        raise typer.Exit(2)
    if not preloaded:
        with open_driver(external) as driver:
            clear_graph(driver, external.database)
    yield BenchNeo4j(external, None)


def require_bench_graph(driver: Driver, database: str) -> None:
    """Stop with a clear message unless the graph holds communes and synthetic datasets.

    Raises:
        SystemExit: the graph was not loaded by ``bench/bench_graph.py``.
    """
    communes = driver.execute_query(_COMMUNES, database_=database).records[0]["n"]
    synthetic = driver.execute_query(_SYNTHETIC_DATASETS, database_=database).records[0]["n"]
    if not communes or not synthetic:
        raise SystemExit(
            f"--preloaded: the graph holds {communes} communes and {synthetic} synthetic "
            "datasets; load it first with bench/bench_graph.py (bench/bench_all.py does)."
        )


def stop_on_sigterm() -> None:
    """Make SIGTERM run the ``finally`` blocks (so servers, the API and the browser stop)."""

    def _exit(_signum: int, _frame: FrameType | None) -> None:
        raise SystemExit(143)

    signal.signal(signal.SIGTERM, _exit)
