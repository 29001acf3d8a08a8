"""The graph the read benchmarks measure: the French reference and synthetic partnerships.

    NEO4J_URI=… NEO4J_PASSWORD=… .venv/bin/python bench/bench_graph.py --yes-clear-database

Clears the database of ``NEO4J_URI``, then writes the territorial reference (all France,
or ``--departements``), the seeded synthetic France-scale partnerships of
``bench/synthetic_partnerships.py`` (one dataset per département) and, unless
``--no-seed-datasets``, the datasets of ``data/partnerships`` (the Cantal and
Saône-et-Loire articles the explorer benchmark opens). ``bench/bench_all.py`` runs it once,
then the API, coverage and explorer benchmarks read that graph with ``--preloaded``.
Each benchmark run alone loads the same graph into its own throwaway server with
:func:`load_bench_graph`.
"""

from __future__ import annotations

import json
import resource
import tempfile
import time
from pathlib import Path
from typing import Annotated, Any, LiteralString

import typer
from bench_neo4j import JsonOption, bench_neo4j, stop_on_sigterm  # same folder
from neo4j import Driver
from synthetic_partnerships import generate, write  # same folder

from graph.driver import open_driver
from graph.settings import external_connection
from loaders.datasets import DEFAULT_DATASETS
from loaders.pipeline import load_partnerships, load_reference, read_partnerships
from loaders.reference import read_reference

_CONTENTS: LiteralString = """
CALL () { MATCH (n) RETURN count(n) AS nodes }
CALL () { MATCH ()-[r]->() RETURN count(r) AS relationships }
CALL () { MATCH (c:Commune) RETURN count(c) AS communes }
CALL () { MATCH (k:Contract) RETURN count(k) AS contracts }
CALL () { MATCH (a:Action) RETURN count(a) AS actions }
RETURN nodes, relationships, communes, contracts, actions
"""


def load_bench_graph(
    driver: Driver,
    database: str,
    *,
    departements: list[str] | None = None,
    seed: int = 2026,
    seed_datasets: bool = False,
) -> dict[str, Any]:
    """Write the reference and the synthetic partnerships (and the seed datasets).

    Returns what the graph then holds and how long the load took (``load_s``).
    """
    started = time.perf_counter()
    reference = read_reference(departements=departements)
    with tempfile.TemporaryDirectory(prefix="ctg-synth-") as folder:
        write(generate(reference, seed), Path(folder))
        paths = [Path(folder), DEFAULT_DATASETS] if seed_datasets else [Path(folder)]
        partnerships = read_partnerships(paths, reference)
    load_reference(driver, database, reference)
    load_partnerships(driver, database, partnerships)
    return {
        "departements": ",".join(departements) if departements else "all",
        "seed": seed,
        "datasets": len(partnerships.datasets),
        **graph_contents(driver, database),
        "load_s": round(time.perf_counter() - started, 1),
    }


def graph_contents(driver: Driver, database: str) -> dict[str, int]:
    """How many nodes, relationships, communes, contracts and fiches actions the graph holds."""
    record = driver.execute_query(_CONTENTS, database_=database).records[0]
    return {key: int(value) for key, value in record.data().items()}


def main(
    departements: Annotated[
        str | None, typer.Option(help="Comma-separated départements (default: all France).")
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed of the synthetic datasets.")] = 2026,
    seed_datasets: Annotated[
        bool, typer.Option(help="Also load the datasets of data/partnerships.")
    ] = True,
    yes_clear_database: Annotated[
        bool, typer.Option(help="Allow clearing the database named by NEO4J_URI.")
    ] = False,
    json_out: JsonOption = None,
) -> None:
    """Clear the NEO4J_URI database and load the benchmarks' graph into it."""
    stop_on_sigterm()
    if external_connection() is None:
        print("bench_graph.py loads the database of NEO4J_URI, and NEO4J_URI is not set.")
        raise typer.Exit(2)
    scope = departements.split(",") if departements else None
    with (
        bench_neo4j(heap="2g", pagecache="1g", yes_clear_database=yes_clear_database) as server,
        open_driver(server.connection) as driver,
    ):
        figures = load_bench_graph(
            driver, server.connection.database, departements=scope, seed=seed,
            seed_datasets=seed_datasets,
        )  # fmt: skip
    figures["peak_rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    for key, value in figures.items():
        print(f"{key:>14}: {value:,}" if isinstance(value, int) else f"{key:>14}: {value}")
    if json_out is not None:
        json_out.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    typer.run(main)
