"""Benchmark: validating and loading France-scale partnership datasets.

    .venv/bin/python bench/bench_partnership_load.py [--seed 2026] [--json out.json]

On a throwaway local Neo4j holding the full French reference, with the seeded synthetic
datasets of ``bench/synthetic_partnerships.py`` (one CTG per EPCI, 10–30 fiches actions
each, CEJ for a third of the EPCI), it measures:

* validation (YAML reading, shape and cross-checks) and row building;
* the first load (every dataset, one transaction each), a re-load of the unchanged
  datasets (checksums match: nothing is written), and a re-load after every dataset was
  edited (each replaced in full);
* a **baseline** in the same run on the same server: plain ``UNWIND … CREATE`` of as many
  nodes and relationships, in batches of 10 000 — the driver's floor for this much data.

Rows are nodes plus relationships. Read the ratio to the baseline, not the absolute
figure: both move together on a busy machine.

With ``NEO4J_URI`` and ``--yes-clear-database`` it clears that server and measures there
(``bench/bench_all.py`` does this; see ``bench/bench_neo4j.py``).
"""

from __future__ import annotations

import json
import os
import platform
import resource
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from bench_neo4j import JsonOption, bench_neo4j, stop_on_sigterm  # same folder
from neo4j import Driver
from rich.console import Console
from rich.table import Table
from synthetic_partnerships import generate, write  # same folder

from graph.driver import open_driver
from graph.maintenance import clear_graph
from graph.migrations import migrate
from graph.partnership_store import DatasetGraph, write_dataset
from graph.reference_store import write_reference
from graph.settings import NEO4J_VERSION
from loaders.dataset_graph import dataset_graph
from loaders.datasets import Dataset, TerritoryIndex, Vocabularies, read_datasets
from loaders.reference import read_reference

console = Console()


def timed(step: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = step()
    return time.perf_counter() - started, result


def load_all(driver: Driver, database: str, graphs: list[DatasetGraph]) -> int:
    """Write every dataset; return how many were actually rewritten."""
    return sum(write_dataset(driver, database, graph).changed for graph in graphs)


def baseline(driver: Driver, database: str, nodes: int, edges: int) -> None:
    """Plain CREATE of ``nodes`` nodes and ``edges`` relationships between them."""
    with driver.session(database=database) as session:
        session.run("CREATE INDEX bench_key IF NOT EXISTS FOR (n:BenchNode) ON (n.key)").consume()
        session.run("CALL db.awaitIndexes(60)").consume()

        def work(tx: Any) -> None:
            for start in range(0, nodes, 10_000):
                rows = [{"key": i, "props": {"name": f"node {i}", "n": i}}
                        for i in range(start, min(nodes, start + 10_000))]  # fmt: skip
                tx.run("UNWIND $rows AS row CREATE (n:BenchNode {key: row.key}) SET n += row.props",
                       rows=rows).consume()  # fmt: skip
            for start in range(0, edges, 10_000):
                rows = [{"a": i % nodes, "b": (i * 7 + 1) % nodes}
                        for i in range(start, min(edges, start + 10_000))]  # fmt: skip
                tx.run("UNWIND $rows AS row MATCH (a:BenchNode {key: row.a}) "
                       "MATCH (b:BenchNode {key: row.b}) CREATE (a)-[:BENCH {certainty: 'x'}]->(b)",
                       rows=rows).consume()  # fmt: skip

        session.execute_write(work)
        session.run(
            "MATCH (n:BenchNode) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS"
        ).consume()
        session.run("DROP INDEX bench_key IF EXISTS").consume()


def edited(datasets: list[Dataset], vocabularies: Vocabularies) -> list[DatasetGraph]:
    """Every dataset with a changed checksum and one fiche action title changed."""
    graphs = []
    for dataset in datasets:
        graph = dataset_graph(dataset, vocabularies)
        nodes = list(graph.nodes)
        for i, node in enumerate(nodes):
            if node.label == "Action":
                nodes[i] = type(node)(node.label, node.key, {**node.props, "title": "Edited"})
                break
        graphs.append(type(graph)(graph.key, graph.checksum + "-edited", graph.props,
                                  tuple(nodes), graph.edges, graph.shared))  # fmt: skip
    return graphs


def main(
    seed: Annotated[int, typer.Option(help="Seed of the synthetic datasets.")] = 2026,
    json_out: JsonOption = None,
    departements: Annotated[
        str | None, typer.Option(help="Comma-separated départements (default: all France).")
    ] = None,
    yes_clear_database: Annotated[
        bool, typer.Option(help="Allow clearing the database named by NEO4J_URI.")
    ] = False,
) -> None:
    stop_on_sigterm()
    figures: dict[str, Any] = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "neo4j": NEO4J_VERSION, "heap": "2g", "pagecache": "1g"},
    }  # fmt: skip
    reference = read_reference(departements=departements.split(",") if departements else None)
    territories = TerritoryIndex.from_reference(reference)
    vocabularies = Vocabularies.load()
    with tempfile.TemporaryDirectory(prefix="ctg-synth-") as folder:
        files = write(generate(reference, seed), Path(folder))
        size = sum(f.stat().st_size for f in files)
        validate_s, datasets = timed(
            lambda: read_datasets([Path(folder)], territories, vocabularies)
        )
    build_s, graphs = timed(lambda: [dataset_graph(d, vocabularies) for d in datasets])
    nodes = sum(len(g.nodes) for g in graphs)
    edges = sum(len(g.edges) for g in graphs)
    rows = nodes + edges
    with (
        bench_neo4j(heap="2g", pagecache="1g", yes_clear_database=yes_clear_database) as server,
        open_driver(server.connection) as driver,
    ):
        db = server.connection.database
        migrate(driver, db)
        write_reference(driver, db, reference)
        first_s, first_n = timed(lambda: load_all(driver, db, graphs))
        again_s, again_n = timed(lambda: load_all(driver, db, graphs))
        changed = edited(datasets, vocabularies)
        edit_s, edit_n = timed(lambda: load_all(driver, db, changed))
        base_s, _ = timed(lambda: baseline(driver, db, nodes, edges))
        clear_graph(driver, db)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    figures.update({
        "departements": departements or "all",
        "datasets": len(datasets), "files_mib": round(size / 2**20, 1),
        "nodes": nodes, "relationships": edges, "rows": rows,
        "validate_s": round(validate_s, 2), "validate_rows_per_s": round(rows / validate_s),
        "build_s": round(build_s, 2),
        "first_load_s": round(first_s, 2), "first_load_rows_per_s": round(rows / first_s),
        "first_load_datasets_written": first_n,
        "reload_unchanged_s": round(again_s, 2), "reload_unchanged_written": again_n,
        "reload_edited_s": round(edit_s, 2), "reload_edited_written": edit_n,
        "reload_edited_rows_per_s": round(rows / edit_s),
        "baseline_create_s": round(base_s, 2), "baseline_rows_per_s": round(rows / base_s),
        "first_load_vs_baseline": round(base_s / first_s, 2),
        "edited_reload_vs_baseline": round(base_s / edit_s, 2),
        "peak_rss_mib": round(peak_mib),
    })  # fmt: skip
    table = Table("measure", "value", title=f"Partnership load, synthetic France (seed {seed})")
    for key, value in figures.items():
        table.add_row(key, f"{value:,}" if isinstance(value, int | float) else str(value))
    console.print(table)
    if json_out is not None:
        json_out.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    typer.run(main)
