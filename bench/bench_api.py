"""Benchmark: GraphQL API latency and throughput, beside the raw-driver floor.

    .venv/bin/python bench/bench_api.py [--quick] [--requests 1000] [--json out.json]

On a throwaway local Neo4j holding the full French reference and the synthetic
France-scale partnerships of ``bench/synthetic_partnerships.py`` (``--quick``: the
Cantal and Saône-et-Loire only, fewer requests), it starts the API (uvicorn, one process,
on a free loopback port) and sends three representative queries (``bench/api_queries.py``):

* **territory card**: a commune with its département, EPCI, the contracts applying on a
  date (total and first 20, with how each reaches it) and its first 20 partners —
  rotating over communes;
* **contract card**: a CTG with its signatories and its first 50 fiches actions with
  their themes — rotating over CTG contracts;
* **commune page**: the first 100 communes of a département by name, each with
  its contracts on a date — rotating over départements.

Each runs at concurrency 1, 16 and 64 (closed loop: that many requests in flight, each
sender sends its next request when the previous one is answered), a fixed number of
requests per cell (a cell stops early at a time cap, 60 s by default) after an untimed
warm-up. In the same run, right before each API cell, the **floor** cell sends the same
data requests as one hand-written Cypher query each through the async driver, from this
process, at the same concurrency. Before timing, a sample of answers is compared: the
floor must return exactly the data the API returns. See docs/performance.md.

With ``NEO4J_URI`` set it uses that server instead: ``--preloaded`` reads the graph
``bench/bench_graph.py`` loaded there (``bench/bench_all.py`` does this), and
``--yes-clear-database`` clears it and loads its own (see ``bench/bench_neo4j.py``).

Ratios: latency API / floor (how many times slower the API answers), throughput
floor / API (how many times more requests the floor serves). 1.0 would mean GraphQL,
HTTP and the DataLoader levels cost nothing. Every response must be HTTP 200 with no
``errors`` and a non-empty answer; failures are counted, shown, and make the exit status 1.
"""

from __future__ import annotations

import asyncio
import datetime
import itertools
import json
import os
import platform
import random
import resource
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Annotated, Any

# testkit/ (shared with the tests) is not installed: take it from this checkout
sys.path.insert(1, str(Path(__file__).resolve().parents[1]))

import httpx
import typer
from api_load import DATABASE, Cell, api_sender, floor_rows, floor_sender, limits, run_cell, warm
from api_queries import SCENARIOS, Scenario  # same folder
from bench_graph import load_bench_graph  # same folder
from bench_neo4j import (
    ClearOption,
    JsonOption,
    PreloadedOption,
    bench_neo4j,
    require_bench_graph,
    stop_on_sigterm,
)  # same folder
from bench_processes import peak_rss_mib  # same folder
from neo4j import AsyncDriver, Driver
from rich.console import Console
from rich.table import Table

from graph.driver import open_async_driver, open_driver
from graph.reader import GraphReader
from graph.settings import Neo4jConnection
from schema import schema
from schema.context import Context
from testkit.api_server import connection_env, serving_api

#: Wide enough for the results table when the output is a file or a pipe.
console = Console(width=None if sys.stdout.isatty() else 150)
QUICK_DEPARTEMENTS = ["15", "71"]
#: Answers compared between the API and the floor before timing, per query.
SAME_DATA_SAMPLE = 20


# -- data ----------------------------------------------------------------------------------
def graph_figures(driver: Driver) -> dict[str, Any]:
    """Neo4j version and how much the graph holds."""

    def one(query: Any) -> Any:
        return driver.execute_query(query, database_=DATABASE).records[0][0]

    contracts = driver.execute_query(
        "MATCH (n:Contract) RETURN n.kind AS kind, count(*) AS n ORDER BY kind",
        database_=DATABASE,
    ).records
    return {
        "neo4j": one("CALL dbms.components() YIELD versions RETURN versions[0]"),
        "nodes": one("MATCH (n) RETURN count(n)"),
        "relationships": one("MATCH ()-[r]->() RETURN count(r)"),
        "communes": one("MATCH (n:Commune) RETURN count(n)"),
        "epci": one("MATCH (n:EPCI) RETURN count(n)"),
        "contracts": {r["kind"]: r["n"] for r in contracts},
        "actions": one("MATCH (n:Action) RETURN count(n)"),
    }


def rotations(driver: Driver, seed: int) -> dict[str, list[str]]:
    """What each query rotates over, shuffled (seeded) so neighbours are not alike."""
    queries = {
        "territory": "MATCH (n:Commune) RETURN n.code ORDER BY n.code",
        "contract": "MATCH (n:Contract {kind: 'ctg'}) RETURN n.key ORDER BY n.key",
        "territories": "MATCH (d:Departement) WHERE EXISTS { (:Commune)-[:IN]->(d) } "
        "RETURN d.code ORDER BY d.code",
    }
    rng = random.Random(seed)
    items = {}
    for root, query in queries.items():
        values = [r[0] for r in driver.execute_query(query, database_=DATABASE).records]
        rng.shuffle(values)
        items[root] = values
    return items


def logged_errors(log: Path) -> dict[str, int]:
    """The exceptions the API logged (masked errors say "it has been logged"), counted."""
    counts: Counter[str] = Counter()
    for line in log.read_text(errors="replace").splitlines():
        head = line.split(" {message:")[0]  # Neo4j errors: keep the code, not the prose
        if line[:1].isalpha() and ("Error" in head or "Exception" in head):
            counts[head[:300]] += 1
    return dict(counts.most_common(5))


# -- checks before timing --------------------------------------------------------------------
async def same_data(
    client: httpx.AsyncClient,
    driver: AsyncDriver,
    scenario: Scenario,
    items: Sequence[str],
    on: datetime.date,
) -> dict[str, Any]:
    """Compare the API's and the floor's answers for the first rotation items."""
    checked, differing = 0, []
    for item in items[:SAME_DATA_SAMPLE]:
        response = await client.post(
            "/graphql",
            json={"query": scenario.graphql, "variables": scenario.graphql_variables(item, on)},
        )
        api = (response.json().get("data") or {}).get(scenario.root)
        floor = scenario.floor_as_api(
            await floor_rows(driver, scenario, scenario.cypher_parameters(item, on))
        )
        checked += 1
        if api != floor:
            differing.append({"item": item, "api": api, "floor": floor})
    return {"checked": checked, "differing": len(differing), "first_difference": differing[:1]}


async def cypher_per_request(
    driver: AsyncDriver, scenario: Scenario, item: str, on: datetime.date
) -> int:
    """How many Cypher queries the API runs for one request (the schema, in process)."""
    reader = GraphReader(driver, DATABASE)
    result = await schema.execute(
        scenario.graphql, scenario.graphql_variables(item, on), context_value=Context.create(reader)
    )
    if result.errors:
        raise RuntimeError(f"{scenario.name}: {result.errors[0]}")
    return reader.queries_run


# -- the run ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Plan:
    requests: int
    warmup: int
    max_seconds: float
    concurrency: list[int]
    on: datetime.date


async def check_floors(
    base: str, driver: AsyncDriver, items: dict[str, list[str]], plan: Plan
) -> dict[str, Any]:
    """Per query: does the floor return the API's data, and how many Cypher queries the API
    runs for one request."""
    checks: dict[str, Any] = {}
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        for scenario in SCENARIOS:
            rotation = items[scenario.root]
            checks[scenario.name] = {
                **await same_data(client, driver, scenario, rotation, plan.on),
                "cypher_per_request": await cypher_per_request(
                    driver, scenario, rotation[0], plan.on
                ),
                "rotation": len(rotation),
            }
    return checks


async def time_cells(
    base: str, driver: AsyncDriver, items: dict[str, list[str]], plan: Plan
) -> tuple[list[Cell], list[str]]:
    """Every cell, the floor's right before the API's; and the warm-ups' failures."""
    cells: list[Cell] = []
    warmup_failures: list[str] = []
    for scenario in SCENARIOS:
        rotation = items[scenario.root]
        floor = floor_sender(driver, scenario, rotation, plan.on)
        async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits(16)) as client:
            api = api_sender(client, scenario, rotation, plan.on)
            warmup_failures += await warm(floor, plan.warmup, Cell(scenario.name, "floor", 16))
            warmup_failures += await warm(api, plan.warmup, Cell(scenario.name, "api", 16))
        for concurrency, target in itertools.product(plan.concurrency, ("floor", "api")):
            async with httpx.AsyncClient(
                base_url=base, timeout=60, limits=limits(concurrency)
            ) as client:
                send = (
                    floor if target == "floor" else api_sender(client, scenario, rotation, plan.on)
                )
                warmup_failures += await warm(
                    send, concurrency, Cell(scenario.name, target, concurrency)
                )
                cell = Cell(scenario.name, target, concurrency)
                cells.append(await run_cell(cell, send, plan.requests, plan.max_seconds))
            console.print(
                f"  {scenario.name:<15} {target:<5} c={concurrency:<3} p50 {cell.p50_ms} ms  "
                f"p99 {cell.p99_ms} ms  {cell.requests_per_s} req/s  failures {cell.failures}"
            )
    return cells, warmup_failures


async def measure(
    base: str, connection: Neo4jConnection, items: dict[str, list[str]], plan: Plan
) -> dict[str, Any]:
    """Check the floors, then time every cell (with its own async driver for the floors)."""
    driver = open_async_driver(connection)
    try:
        checks = await check_floors(base, driver, items, plan)
        cells, warmup_failures = await time_cells(base, driver, items, plan)
    finally:
        await driver.close()
    return {"checks": checks, "cells": cells, "warmup_failures": warmup_failures}


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    if not numerator or not denominator:
        return None
    return round(numerator / denominator, 2)


#: Latency ratios are API / floor, the throughput ratio floor / API: above 1 = API slower.
RESULT_COLUMNS = ("query", "c", "API p50 ms", "API p99 ms", "API req/s", "floor p50 ms",
                  "floor p99 ms", "floor req/s", "p50 API/floor", "p99 API/floor",
                  "req/s floor/API", "failed")  # fmt: skip


def results_table(cells: list[Cell], title: str) -> Table:
    """One row per query and concurrency: the API beside its floor, and the ratios."""
    table = Table(title=title)
    for column in RESULT_COLUMNS:
        table.add_column(
            column, no_wrap=column == "query", justify="left" if column == "query" else "right"
        )
    by_key = {(c.query, c.target, c.concurrency): c for c in cells}
    for scenario in SCENARIOS:
        for concurrency in sorted({c.concurrency for c in cells}):
            api = by_key.get((scenario.name, "api", concurrency))
            floor = by_key.get((scenario.name, "floor", concurrency))
            if api is None or floor is None:
                continue
            figures = (api.p50_ms, api.p99_ms, api.requests_per_s,
                       floor.p50_ms, floor.p99_ms, floor.requests_per_s)  # fmt: skip
            ratios = (ratio(api.p50_ms, floor.p50_ms), ratio(api.p99_ms, floor.p99_ms),
                      ratio(floor.requests_per_s, api.requests_per_s))  # fmt: skip
            failed = api.failures + floor.failures
            table.add_row(
                scenario.name,
                str(concurrency),
                *(f"{v:,.1f}" if v is not None else "—" for v in figures),
                *(f"{v:.1f}×" if v is not None else "—" for v in ratios),
                f"[red]{failed}[/red]" if failed else "0",
            )
    return table


def queries_table(checks: dict[str, Any]) -> Table:
    """What each query rotates over, its Cypher round trips, and the same-data check."""
    table = Table("query", "rotates over", "Cypher queries per API request",
                  "floor = API answer", title="Queries")  # fmt: skip
    for scenario in SCENARIOS:
        check = checks[scenario.name]
        same = check["checked"] - check["differing"]
        table.add_row(
            scenario.name,
            f"{check['rotation']:,} {scenario.rotates_over}",
            f"{check['cypher_per_request']} (floor: 1)",
            f"{same} of {check['checked']}" if same == check["checked"]
            else f"[red]{same} of {check['checked']}[/red]",
        )  # fmt: skip
    return table


def run(
    scope: list[str] | None,
    seed: int,
    heap: str,
    pagecache: str,
    plan: Plan,
    yes_clear_database: bool = False,
    preloaded: bool = False,
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """Load a Neo4j (or read a preloaded one), start the API over it, measure; stop what
    was started whatever happens."""
    with (
        tempfile.TemporaryDirectory(prefix="ctg-bench-api-") as folder,
        bench_neo4j(
            heap=heap, pagecache=pagecache, yes_clear_database=yes_clear_database,
            preloaded=preloaded,
        ) as server,
    ):  # fmt: skip
        connection = server.connection
        with open_driver(connection) as driver:
            if preloaded:
                require_bench_graph(driver, connection.database)
                loaded: dict[str, Any] = {"preloaded": True}
            else:
                console.print(
                    f"Loading {'départements ' + ','.join(scope) if scope else 'France'}…"
                )
                loaded = load_bench_graph(
                    driver, connection.database, departements=scope, seed=seed
                )
                console.print(f"Loaded in {loaded['load_s']} s")
            graph = graph_figures(driver)
            items = rotations(driver, seed)
        console.print("Starting the API…")
        log = Path(folder) / "uvicorn.log"
        env = connection_env(connection)
        with serving_api(env, log, wait_for_neo4j=True, access_log=False) as api:
            results = asyncio.run(measure(api.base, connection, items, plan))
            results["api_peak_rss_mib"] = peak_rss_mib(api.process.pid)
        results["neo4j_peak_rss_mib"] = peak_rss_mib(server.jvm_pid)
        results["api_log_errors"] = logged_errors(log)
    return loaded, graph, results


def problems_of(results: dict[str, Any]) -> list[str]:
    """Everything that makes the run fail: floors that differ, failed requests (warm-ups
    included) and the exceptions the API logged."""
    problems = [
        f"{name}: the floor differs from the API on {c['differing']} of {c['checked']} "
        f"answers, e.g. {c['first_difference']}"
        for name, c in results["checks"].items()
        if c["differing"]
    ]
    problems += results["warmup_failures"]
    problems += [
        f"{cell.query} {cell.target} c={cell.concurrency}: {cell.failures} failed, "
        f"e.g. {cell.errors}"
        for cell in results["cells"]
        if cell.failures
    ]
    problems += [f"the API logged {n} × {line}" for line, n in results["api_log_errors"].items()]
    return problems


def main(
    quick: Annotated[
        bool, typer.Option(help="Départements 15 and 71 only, fewer requests.")
    ] = False,
    departements: Annotated[
        str | None,
        typer.Option(
            help="Comma-separated départements to load (default: all France; 15,71 with --quick)."
        ),
    ] = None,
    requests: Annotated[
        int | None, typer.Option(min=2, help="Requests per cell (default 1000; 200 with --quick).")
    ] = None,
    warmup: Annotated[
        int | None,
        typer.Option(
            min=0, help="Untimed requests per query and target first (default 200; 50 quick)."
        ),
    ] = None,
    max_seconds: Annotated[float, typer.Option(help="Stop a cell after this long (s).")] = 60,
    concurrency: Annotated[str, typer.Option(help="Comma-separated concurrencies.")] = "1,16,64",
    on: Annotated[
        str, typer.Option(help="The activeOn date of the coverage lists.")
    ] = "2024-06-01",
    seed: Annotated[int, typer.Option(help="Seed of the synthetic data and rotations.")] = 2026,
    heap: Annotated[str, typer.Option(envvar="CTG_BENCH_HEAP", help="Neo4j heap.")] = "2g",
    pagecache: Annotated[
        str, typer.Option(envvar="CTG_BENCH_PAGECACHE", help="Neo4j page cache.")
    ] = "1g",
    json_out: JsonOption = None,
    yes_clear_database: ClearOption = False,
    preloaded: PreloadedOption = False,
) -> None:
    """Time three GraphQL queries against their one-query Cypher floor; print a table."""
    stop_on_sigterm()
    scope = departements.split(",") if departements else QUICK_DEPARTEMENTS if quick else None
    plan = Plan(
        requests=requests or (200 if quick else 1000),
        warmup=warmup if warmup is not None else (50 if quick else 200),
        max_seconds=max_seconds,
        concurrency=[int(c) for c in concurrency.split(",")],
        on=datetime.date.fromisoformat(on),
    )
    started = time.perf_counter()
    loaded, graph, results = run(scope, seed, heap, pagecache, plan, yes_clear_database, preloaded)
    cells: list[Cell] = results["cells"]
    checks: dict[str, Any] = results["checks"]
    environment = {
        "date": datetime.date.today().isoformat(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "neo4j": graph["neo4j"],
        "heap": heap,
        "pagecache": pagecache,
        "uvicorn": version("uvicorn"),
        "strawberry": version("strawberry-graphql"),
        "neo4j_driver": version("neo4j"),
        "httpx": version("httpx"),
        "departements": ",".join(scope) if scope else "all",
        **loaded,
        **{k: v for k, v in graph.items() if k != "neo4j"},
        "active_on": plan.on.isoformat(),
        "requests_per_cell": plan.requests,
        "warmup_per_query": plan.warmup,
        "api_peak_rss_mib": results["api_peak_rss_mib"],
        "neo4j_peak_rss_mib": results["neo4j_peak_rss_mib"],
        "bench_peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "total_s": round(time.perf_counter() - started),
    }
    env_table = Table("environment", "value", title="API benchmark")
    for key, value in environment.items():
        env_table.add_row(key, f"{value:,}" if isinstance(value, int) else str(value))
    console.print(env_table)
    console.print(queries_table(checks))
    console.print(
        results_table(
            cells,
            f"API vs floor, {plan.requests} requests per cell — ratios: latency API/floor, "
            "throughput floor/API (1.0 = the API costs nothing)",
        )
    )
    problems = problems_of(results)
    for cell in cells:
        if cell.capped:
            console.print(
                f"[yellow]{cell.query} {cell.target} c={cell.concurrency}: "
                f"{cell.requests} of {plan.requests} requests sent within the "
                f"{plan.max_seconds:g} s cap[/yellow]"
            )
    if json_out is not None:
        json_out.write_text(
            json.dumps(
                {
                    "environment": environment,
                    "checks": checks,
                    "cells": [asdict(c) for c in cells],
                    "problems": problems,
                },
                indent=2,
                default=str,
            )
        )
    if problems:
        for problem in problems:
            console.print(f"[red]FAILED[/red] {problem}")
        raise typer.Exit(1)
    console.print("Every response was HTTP 200 without errors; the floors return the same data.")


if __name__ == "__main__":
    typer.run(main)
