"""Benchmark: the graph explorer in headless Chromium — first render, and expanding a node
with 500 neighbours.

    .venv/bin/python bench/bench_explorer.py [--repeat 5] [--json out.json]

On a throwaway local Neo4j holding the Cantal and the Saône-et-Loire (from the installed
reference) and the seed datasets of data/partnerships, with the API under uvicorn, it
drives Debian's Chromium through Playwright (as the tests do) and times, each as the
median of ``--repeat`` fresh page loads, measured inside the page (``performance.now()``):

* **first render**: from navigation start to the explorer ready to search (HTML, CSS, ES
  modules, Cytoscape.js, the vocabulary query, the empty canvas). Baseline: the same
  browser loading ``/healthz`` from the same server (navigation and rendering floor);
* **reopening a shared view**: a link naming Saint-Flour Communauté expanded to its CTG
  and the CTG expanded (the page, then three queries, a layout);
* **expanding the Saône-et-Loire to 500 communes**: its first group (50 communes, its 20
  EPCI, contracts, partners), then "+N more" until 500 communes are drawn (nine more
  queries). Baseline: the very same GraphQL requests sent by ``fetch`` from the same page,
  one after the other, without drawing anything.

Read the ratios to the baselines: they show what the explorer adds to what the network
and the API cost anyway.

With ``NEO4J_URI`` set it uses that server instead: ``--preloaded`` reads the graph
``bench/bench_graph.py`` loaded there (all France, the synthetic partnerships and the seed
datasets; ``bench/bench_all.py`` does this), and ``--yes-clear-database`` clears it and
loads the two départements as above (see ``bench/bench_neo4j.py``). The peak RSS of this
process and of the API are reported too.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import statistics
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, LiteralString

import typer
from api_server import start_api, stop_api  # same folder
from bench_neo4j import (
    ClearOption,
    JsonOption,
    PreloadedOption,
    bench_neo4j,
    require_bench_graph,
    stop_on_sigterm,
)  # same folder
from bench_processes import peak_rss_mib  # same folder
from playwright.sync_api import Page, sync_playwright
from rich.console import Console
from rich.table import Table

from graph.driver import open_driver
from graph.settings import NEO4J_VERSION, Neo4jConnection
from loaders.datasets import DEFAULT_DATASETS
from loaders.pipeline import load_partnerships, load_reference, read_partnerships
from loaders.reference import read_reference

console = Console()
CHROMIUM = "/usr/bin/chromium"
# Without the background-networking flags Chromium keeps calling hosts the network refuses.
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SAONE_ET_LOIRE = "RGVwYXJ0ZW1lbnQ6NzE="  # global id of Departement:71
PARTNER = "UGFydG5lcjpjYy1zYWludC1mbG91cg=="  # Partner:cc-saint-flour
CTG = "Q29udHJhY3Q6Y3RnLXNhaW50LWZsb3VyLTIwMTc="  # Contract:ctg-saint-flour-2017
TARGET = 500

# Expands the département, then "+N more" until TARGET communes are drawn; the times
# include two animation frames, so the canvas has been painted.
EXPAND = """async ([id, target]) => {
  const g = explorer.graph;
  const painted = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  const communes = () => g.cy.nodes('[kind = "Commune"]').length;
  const t0 = performance.now();
  await g.activate(id);
  await painted();
  const first = performance.now() - t0;
  let requests = 1;
  while (communes() < target) {
    await g.activate(`more|${id}|communes`);
    requests += 1;
  }
  await painted();
  const total = performance.now() - t0;
  return {first, total, communes: communes(), nodes: g.cy.nodes().length, requests};
}"""

# The same requests as EXPAND, by fetch alone: the explorer's own query builders.
FETCH_ONLY = """async ([id, code, target]) => {
  const m = await import('/explorer/js/model.js');
  const post = async (query, variables) => {
    const r = await fetch('/graphql', {method: 'POST', body: JSON.stringify({query, variables}),
      headers: {'Content-Type': 'application/json', Accept: 'application/json'}});
    const body = await r.json();
    if (body.errors) throw new Error(body.errors[0].message);
    return body.data;
  };
  const relations = m.relationsOf('Departement');
  const wanted = relations.map((relation) => ({relation}));
  const self = {id, code};
  const read = (w) => post(m.relationsQuery('Departement', w), m.relationsVariables(self, w));
  const t0 = performance.now();
  const data = await read(wanted);
  const first = performance.now() - t0;
  const communes = relations.find((r) => r.group === 'communes');
  let page = m.relationResult(data, communes);
  let loaded = page.edges.length;
  let requests = 1;
  while (loaded < target && page.pageInfo.hasNextPage) {
    const more = [{relation: communes, after: page.pageInfo.endCursor}];
    page = m.relationResult(await read(more), communes);
    loaded += page.edges.length;
    requests += 1;
  }
  return {first, total: performance.now() - t0, communes: loaded, requests};
}"""


#: The seed-dataset partner the shared view opens (data/partnerships/saint-flour-ctg-2017.yaml).
_SEED_PARTNER: LiteralString = "MATCH (p:Partner {key: 'cc-saint-flour'}) RETURN count(p) AS n"


def load_graph(connection: Neo4jConnection, preloaded: bool) -> None:
    """The Cantal, the Saône-et-Loire and the seed datasets, in a fresh database; or, when
    ``preloaded``, check that the graph already holds what the figures open."""
    with open_driver(connection) as driver:
        if preloaded:
            require_bench_graph(driver, connection.database)
            records = driver.execute_query(_SEED_PARTNER, database_=connection.database).records
            if not records[0]["n"]:
                raise SystemExit(
                    "--preloaded: the graph lacks the seed datasets (cc-saint-flour); load it "
                    "with bench/bench_graph.py --seed-datasets."
                )
            return
        reference = read_reference(departements=["15", "71"])
        partnerships = read_partnerships([DEFAULT_DATASETS], reference)
        load_reference(driver, connection.database, reference)
        load_partnerships(driver, connection.database, partnerships)


@contextmanager
def api(connection: Neo4jConnection, log: Path, peak: dict[str, float]) -> Iterator[str]:
    """uvicorn serving the app over ``connection``; its base URL; always stopped (its peak
    RSS in MiB is then in ``peak["api"]``)."""
    process, base = start_api(connection, log)
    try:
        yield base
    finally:
        rss = peak_rss_mib(process.pid)
        if rss is not None:
            peak["api"] = rss
        stop_api(process)


def ready_ms(page: Page, url: str) -> float:
    """Milliseconds from navigation start until the explorer says it is ready."""
    page.goto(url)
    page.wait_for_selector("body[data-ready=true]", timeout=60_000)
    return float(page.evaluate("explorer.readyAt"))


def loaded_ms(page: Page, url: str) -> float:
    """Milliseconds from navigation start to the load event of a plain response."""
    page.goto(url, wait_until="load")
    return float(page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd"))


def median(values: list[float]) -> float:
    return round(statistics.median(values), 1)


def main(
    repeat: Annotated[int, typer.Option(help="Fresh page loads per figure.")] = 5,
    json_out: JsonOption = None,
    yes_clear_database: ClearOption = False,
    preloaded: PreloadedOption = False,
) -> None:
    stop_on_sigterm()
    names = ["first_render_ms", "baseline_healthz_ms", "shared_view_ms", "expand_first_group_ms",
             "expand_500_ms", "fetch_first_group_ms", "fetch_500_ms"]  # fmt: skip
    runs: dict[str, list[float]] = {name: [] for name in names}
    counts: dict[str, Any] = {}
    shared = f"/?open={PARTNER}&x={PARTNER},{CTG}"
    peak: dict[str, float] = {}
    with (
        tempfile.TemporaryDirectory(prefix="ctg-bench-explorer-") as folder,
        bench_neo4j(
            heap="1g", pagecache="512m", yes_clear_database=yes_clear_database,
            preloaded=preloaded,
        ) as server,
    ):  # fmt: skip
        connection = server.connection
        load_graph(connection, preloaded)
        log = Path(folder) / "uvicorn.log"
        with api(connection, log, peak) as base, sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
            try:
                context = browser.new_context(viewport={"width": 1280, "height": 800})
                page = context.new_page()
                ready_ms(page, base + "/")  # warm the server's caches and the browser's
                for _ in range(repeat):
                    runs["baseline_healthz_ms"].append(loaded_ms(page, base + "/healthz"))
                    runs["first_render_ms"].append(ready_ms(page, base + "/"))
                    runs["shared_view_ms"].append(ready_ms(page, base + shared))
                    ready_ms(page, base + "/")
                    fetched = page.evaluate(FETCH_ONLY, [SAONE_ET_LOIRE, "71", TARGET])
                    runs["fetch_first_group_ms"].append(fetched["first"])
                    runs["fetch_500_ms"].append(fetched["total"])
                    ready_ms(page, base + f"/?open={SAONE_ET_LOIRE}")
                    drawn = page.evaluate(EXPAND, [SAONE_ET_LOIRE, TARGET])
                    runs["expand_first_group_ms"].append(drawn["first"])
                    runs["expand_500_ms"].append(drawn["total"])
                    counts = {
                        "communes_drawn": drawn["communes"],
                        "nodes_drawn": drawn["nodes"],
                        "requests": drawn["requests"],
                        "requests_fetch_only": fetched["requests"],
                    }
                version = browser.version
            finally:
                browser.close()
    figures: dict[str, Any] = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "neo4j": NEO4J_VERSION, "chromium": version, "repeat": repeat},
        "graph": "preloaded" if preloaded else "départements 15 and 71, seed datasets",
        **{key: median(values) for key, values in runs.items()},
        **counts,
        "api_peak_rss_mib": peak.get("api"),
        "bench_peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }  # fmt: skip
    figures["first_render_vs_baseline"] = round(
        figures["first_render_ms"] / figures["baseline_healthz_ms"], 1
    )
    figures["expand_first_group_vs_fetch"] = round(
        figures["expand_first_group_ms"] / figures["fetch_first_group_ms"], 1
    )
    figures["expand_500_vs_fetch"] = round(figures["expand_500_ms"] / figures["fetch_500_ms"], 1)
    f = figures
    table = Table(
        "measure", "median", "baseline (same run)", "ratio",
        title=f"Explorer in headless Chromium {version} (median of {repeat})",
    )  # fmt: skip
    rows = [
        ("first render (ready to search)", f["first_render_ms"],
         f"/healthz {f['baseline_healthz_ms']} ms", f["first_render_vs_baseline"]),
        ("reopen a shared view (3 queries)", f["shared_view_ms"], "", None),
        ("expand Saône-et-Loire: first group", f["expand_first_group_ms"],
         f"fetch {f['fetch_first_group_ms']} ms", f["expand_first_group_vs_fetch"]),
        (f"… to {f.get('communes_drawn')} communes ({f.get('requests')} requests)",
         f["expand_500_ms"], f"fetch {f['fetch_500_ms']} ms", f["expand_500_vs_fetch"]),
    ]  # fmt: skip
    for measure, value, baseline, ratio in rows:
        table.add_row(measure, f"{value} ms", baseline, "" if ratio is None else f"{ratio}×")
    console.print(table)
    if json_out is not None:
        json_out.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    typer.run(main)
