"""Benchmark: coverage analyses at the scale of France.

    .venv/bin/python bench/bench_coverage.py [--seed 2026] [--repeat 5] [--json out.json]

On a throwaway local Neo4j holding the full French reference and the synthetic
France-scale partnerships of ``bench/synthetic_partnerships.py`` (one CTG per EPCI with
10–30 fiches actions, CEJ for a third of the EPCI), it times, each as the median of
``--repeat`` runs:

* France-wide territorial coverage on a date — the projection from Neo4j and the
  computation separately, and end to end; the computation also on stated facts only
  (``certainty=STATED_ONLY``; the default reads all facts and says which answers rest on
  inferred ones, three-valued: covered / unknown / not covered);
* the territory × theme matrix of a région (Auvergne-Rhône-Alpes);
* a 10-year yearly timeline of France;
* the partner network of France with its centralities;
* a **baseline** in the same run: the same France-wide count of covered communes and
  population as one hand-written Cypher aggregation inside Neo4j (what the database alone
  takes to answer the headline figure, without fetching anything).

Python's peak memory (RSS) is reported too. Read the ratios, not the absolute times.

With ``NEO4J_URI`` set it uses that server instead: ``--preloaded`` reads the graph
``bench/bench_graph.py`` loaded there (``bench/bench_all.py`` does this), and
``--yes-clear-database`` clears it and loads its own (see ``bench/bench_neo4j.py``).
"""

from __future__ import annotations

import datetime
import json
import os
import platform
import resource
import statistics
import time
from collections.abc import Callable
from typing import Annotated, Any, LiteralString, TypeVar

import typer
from bench_graph import graph_contents, load_bench_graph  # same folder
from bench_neo4j import (
    ClearOption,
    JsonOption,
    PreloadedOption,
    bench_neo4j,
    require_bench_graph,
    stop_on_sigterm,
)  # same folder
from neo4j import Driver
from rich.console import Console
from rich.table import Table

import analyses
from analyses.model import PartnershipGraph
from analyses.projection import build
from domain.scopes import Scope
from graph.coverage_reads import coverage_rows
from graph.driver import open_driver
from graph.settings import NEO4J_VERSION

console = Console()
T = TypeVar("T")
ON = datetime.date(2024, 6, 1)

#: Covered communes and population of France on $on, in Cypher alone (the baseline).
BASELINE: LiteralString = """
MATCH (k:Contract) WHERE k.start <= $on AND $on <= k.end
MATCH (k)-[:COVERS]->(t)
CALL (t) {
  WITH t WHERE t:Commune RETURN t AS c
  UNION MATCH (c:Commune)-[:MEMBER_OF]->(t) RETURN c
  UNION MATCH (t)-[:INCLUDES]->(c:Commune) RETURN c
}
WITH DISTINCT c
RETURN count(c) AS communes, sum(coalesce(c.population, 0)) AS population
"""


def project(driver: Driver, scope: Scope) -> PartnershipGraph:
    """The coverage graph of ``scope``: its rows read from Neo4j, then built (both timed)."""
    return build(coverage_rows(driver, "neo4j", scope), scope)


def median_time(step: Callable[[], T], repeat: int) -> tuple[float, T]:
    """Median seconds of ``repeat`` runs (after one warm-up run) and the last result."""
    result = step()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = step()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def main(
    seed: Annotated[int, typer.Option(help="Seed of the synthetic datasets.")] = 2026,
    repeat: Annotated[int, typer.Option(help="Timed runs per figure (median).")] = 5,
    json_out: JsonOption = None,
    yes_clear_database: ClearOption = False,
    preloaded: PreloadedOption = False,
) -> None:
    stop_on_sigterm()
    figures: dict[str, Any] = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "neo4j": NEO4J_VERSION, "heap": "2g", "pagecache": "1g"},
    }  # fmt: skip
    with (
        bench_neo4j(
            heap="2g", pagecache="1g", yes_clear_database=yes_clear_database, preloaded=preloaded
        ) as server,
        open_driver(server.connection) as driver,
    ):
        if preloaded:
            require_bench_graph(driver, server.connection.database)
            figures["data"] = {
                "preloaded": True,
                **graph_contents(driver, server.connection.database),
            }
        else:
            figures["data"] = load_bench_graph(driver, server.connection.database, seed=seed)

        def france(**parts: bool) -> Any:
            return project(driver, Scope(None, **parts))

        projection_s, g = median_time(france, repeat)
        compute_s, report = median_time(lambda: analyses.territorial_coverage(g, None, ON), repeat)
        stated_s, stated = median_time(
            lambda: analyses.territorial_coverage(
                g, None, ON, certainty=analyses.CertaintyFilter.STATED_ONLY
            ),
            repeat,
        )
        end_to_end_s, _ = median_time(
            lambda: analyses.territorial_coverage(france(), None, ON), repeat
        )
        baseline_s, counts = median_time(
            lambda: driver.execute_query(BASELINE, on=ON).records[0].data(), repeat
        )
        if (counts["communes"], counts["population"]) != (
            report.communes_covered,
            report.population_covered,
        ):
            raise SystemExit(f"the baseline disagrees with the analysis: {counts} vs {report}")

        region = Scope("region:84", actions=True)
        region_projection_s, rg = median_time(lambda: project(driver, region), repeat)
        matrix_s, matrix = median_time(lambda: analyses.theme_coverage(rg, "region:84", ON), repeat)
        timeline_s, timeline = median_time(
            lambda: analyses.coverage_timeline(
                g, None, datetime.date(2015, 1, 1), datetime.date(2024, 1, 1), "year"
            ),
            repeat,
        )
        network_projection_s, ng = median_time(lambda: france(partners=True), repeat)
        network_s, network = median_time(lambda: analyses.partner_network(ng), repeat)

    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    figures["results"] = {
        "france_communes_covered": report.communes_covered,
        "france_communes_unknown": report.communes_unknown,
        "france_communes_resting_on_inferred": len(report.inferred_communes),
        "france_communes_covered_stated_only": stated.communes_covered,
        "france_share_population": round(report.share_population, 3),
        "region_84_rows": len(matrix.rows), "region_84_gaps": len(matrix.gaps),
        "timeline_points": len(timeline),
        "network_partners": len(network.partners), "network_links": len(network.links),
    }  # fmt: skip
    figures["seconds"] = {
        "france_coverage_projection": round(projection_s, 3),
        "france_coverage_compute": round(compute_s, 3),
        "france_coverage_compute_stated_only": round(stated_s, 3),
        "france_coverage_end_to_end": round(end_to_end_s, 3),
        "baseline_cypher_count": round(baseline_s, 3),
        "region_matrix_projection": round(region_projection_s, 3),
        "region_matrix_compute": round(matrix_s, 3),
        "timeline_10_years_compute": round(timeline_s, 3),
        "network_projection": round(network_projection_s, 3),
        "network_compute": round(network_s, 3),
    }
    figures["ratios"] = {
        "france_end_to_end_vs_baseline": round(end_to_end_s / baseline_s, 2),
    }
    figures["peak_rss_mib"] = round(peak_mib)

    table = Table("measure", "value", title=f"Coverage analyses, synthetic France (seed {seed})")
    for group in ("data", "results", "seconds", "ratios"):
        for key, value in figures[group].items():
            table.add_row(
                f"{group}.{key}", f"{value:,}" if isinstance(value, int | float) else str(value)
            )
    table.add_row("peak_rss_mib", f"{figures['peak_rss_mib']:,}")
    console.print(table)
    if json_out is not None:
        json_out.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    typer.run(main)
