"""Benchmark of the territorial reference load (read, validate, write to Neo4j).

Run it from the project root::

    .venv/bin/python bench/bench_reference_load.py                 # all of France, 3 repeats
    .venv/bin/python bench/bench_reference_load.py --departements 15,71 --repeats 5
    .venv/bin/python bench/bench_reference_load.py --json bench-reference.json

It starts its **own** throwaway Neo4j (a fresh instance folder in the temp directory, a
free port on 127.0.0.1, 2 GiB heap, 1 GiB page cache), and always stops it and deletes the
folder at the end. When ``NEO4J_URI`` is set it uses that server instead, which it
**clears**: it then refuses to run unless ``--yes-clear-database`` is passed.

What it measures, each step ``--repeats`` times after ``--warmup`` untimed rounds:

* **parse**: ``loaders.reference.read_reference`` (read + validate + cross-check the JSON),
  with the peak RSS of this Python process and the tracemalloc peak of one extra parse;
* **first load**: ``graph.reference_store.write_reference`` on an empty graph;
* **re-load**: the same records again, which must create nothing (``IDEMPOTENT: yes``) and
  leave the node and relationship counts unchanged;
* **baseline**: the raw-driver floor on the same server in the same run: as many rows as the
  load writes, sent as ``UNWIND $rows AS row CREATE (n:BenchNode) SET n = row.props`` in
  batches of 10 000 in one transaction, with the same property maps, no MERGE, no index.

How to read it: *rows* are the node and relationship rows a load writes
(``ReferenceRecords.row_count()``); *rows/s* is rows divided by wall time. Times are given
as median, min and max over the repeats; "best rows/s" is rows / min time, and a max far
above the median is an outlier worth reading the per-round lines for. The *ratio* column
divides the load rate by the baseline rate measured in the same run, so it stays meaningful
on a noisy or slower machine: 1.0 would mean the load costs no more than plain CREATEs.
The project's target is at least 20 000 rows/s for the first load on a 2-core machine.
See docs/performance.md.
"""

from __future__ import annotations

import dataclasses
import json
import os
import platform
import resource
import shutil
import signal
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import Annotated, Any, LiteralString, TypeVar

import typer
from neo4j import Driver, ManagedTransaction
from rich.console import Console
from rich.table import Table

from domain.names import fold
from graph.driver import open_driver
from graph.local_server import LocalNeo4j, free_port
from graph.maintenance import clear_graph
from graph.migrations import migrate
from graph.reference_store import (
    ReferenceRecords,
    WriteSummary,
    commune_properties,
    epci_properties,
    graph_counts,
    write_reference,
)
from graph.settings import (
    NEO4J_VERSION,
    Neo4jConnection,
    external_connection,
    local_server_settings,
)
from loaders.reference import read_reference

HEAP = "2g"
PAGECACHE = "1g"
BATCH_SIZE = 10_000
TARGET_ROWS_PER_S = 20_000

_BASELINE_CREATE: LiteralString = "UNWIND $rows AS row CREATE (n:BenchNode) SET n = row.props"
_TOTAL_NODES: LiteralString = "MATCH (n) RETURN count(n) AS n"
_TOTAL_RELATIONSHIPS: LiteralString = "MATCH ()-[r]->() RETURN count(r) AS n"
_COMPONENTS: LiteralString = (
    "CALL dbms.components() YIELD name, versions, edition "
    "RETURN name, versions[0] AS version, edition"
)

# 100 columns when piped (Rich would wrap the table at 80).
console = Console(width=None if sys.stdout.isatty() else 100)
T = TypeVar("T")


# -- measuring ----------------------------------------------------------------------------
@dataclasses.dataclass
class Step:
    """The repeats of one measured step."""

    rows: int
    seconds: list[float] = dataclasses.field(default_factory=list)

    @property
    def median_s(self) -> float:
        return statistics.median(self.seconds)

    @property
    def min_s(self) -> float:
        return min(self.seconds)

    @property
    def max_s(self) -> float:
        return max(self.seconds)

    @property
    def median_rate(self) -> float:
        return self.rows / self.median_s

    @property
    def best_rate(self) -> float:
        return self.rows / self.min_s

    def as_json(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "seconds": [round(s, 4) for s in self.seconds],
            "rows_per_s": [round(self.rows / s) for s in self.seconds],
            "median_s": round(self.median_s, 4),
            "min_s": round(self.min_s, 4),
            "max_s": round(self.max_s, 4),
            "median_rows_per_s": round(self.median_rate),
            "best_rows_per_s": round(self.best_rate),
        }


def timed(action: Callable[[], T]) -> tuple[T, float]:
    """Run ``action``; return its result and its wall time in seconds."""
    started = time.perf_counter()
    result = action()
    return result, time.perf_counter() - started


def peak_rss_kib() -> int:
    """Peak resident set size of this process so far (KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def jvm_peak_rss_kib(pid: int | None) -> int | None:
    """Peak RSS (VmHWM) of the Neo4j JVM when it runs here, else None."""
    if pid is None:
        return None
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None


def total_counts(driver: Driver, database: str) -> tuple[int, int]:
    """(nodes, relationships) in the whole graph."""
    with driver.session(database=database, default_access_mode="READ") as session:
        nodes = session.run(_TOTAL_NODES).single(strict=True)["n"]
        relationships = session.run(_TOTAL_RELATIONSHIPS).single(strict=True)["n"]
    return int(nodes), int(relationships)


# -- the baseline ---------------------------------------------------------------------------
def baseline_rows(records: ReferenceRecords) -> list[dict[str, Any]]:
    """One ``{"props": ...}`` row per row the load writes, with the load's property maps.

    Node rows carry the properties the load sets; relationship rows (IN, MEMBER_OF,
    EPCI IN département) become small nodes with their two endpoint codes.
    """
    vintage = records.vintage
    rows: list[dict[str, Any]] = []

    def node(props: dict[str, Any], kind: str, name: str) -> None:
        rows.append({"props": {**props, "kind": kind, "vintage": vintage, "sortName": fold(name)}})

    def link(kind: str, source: str, target: str, **extra: Any) -> None:
        rows.append({"props": {"kind": kind, "source": source, "target": target, **extra}})

    for r in records.regions:
        node(dataclasses.asdict(r), "region", r.name)
    for d in records.departements:
        node(dataclasses.asdict(d), "departement", d.name)
        link("IN", d.code, d.region)
    for e in records.epcis:
        rows.append({"props": epci_properties(e, vintage)})
    for c in records.communes:
        rows.append({"props": commune_properties(c, vintage)})
        link("IN", c.code, c.departement)
        if c.epci:
            link("MEMBER_OF", c.code, c.epci)
    for epci, departement, communes in records.epci_departements:
        link("IN", epci, departement, communes=communes)
    if len(rows) != records.row_count():
        raise RuntimeError(f"baseline has {len(rows)} rows, the load {records.row_count()}")
    return rows


def write_baseline(driver: Driver, database: str, rows: list[dict[str, Any]]) -> int:
    """CREATE ``rows`` as :BenchNode in batches, in one transaction; return nodes created."""
    batches = [rows[i : i + BATCH_SIZE] for i in range(0, len(rows), BATCH_SIZE)]

    def work(tx: ManagedTransaction) -> int:
        created = 0
        for batch in batches:
            created += tx.run(_BASELINE_CREATE, rows=batch).consume().counters.nodes_created
        return created

    with driver.session(database=database) as session:
        return session.execute_write(work)


# -- the Neo4j to measure on --------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class Target:
    connection: Neo4jConnection
    #: the local server's pid (None for an external one)
    pid: int | None
    heap: str
    pagecache: str


@contextmanager
def neo4j_target(yes_clear_database: bool) -> Iterator[Target]:
    """The external ``NEO4J_URI`` server, or a throwaway local one stopped and deleted after."""
    external = external_connection()
    if external is not None:
        console.print(
            f"[bold yellow]NEO4J_URI is set: this bench would DELETE every node and "
            f"relationship of database {external.database!r} on {external.uri}.[/]"
        )
        if not yes_clear_database:
            console.print(
                "Refusing. Pass --yes-clear-database to accept, or unset NEO4J_URI to let the "
                "bench start its own throwaway Neo4j."
            )
            raise typer.Exit(2)
        yield Target(external, None, "(server's own)", "(server's own)")
        return
    folder = Path(tempfile.mkdtemp(prefix="ctg-bench-neo4j-"))
    env = {
        **os.environ,
        "CTG_NEO4J_DIR": str(folder),
        "CTG_NEO4J_PORT": str(free_port()),
        "CTG_NEO4J_HEAP": HEAP,
        "CTG_NEO4J_PAGECACHE": PAGECACHE,
    }
    settings = local_server_settings(env)
    server = LocalNeo4j(settings)
    try:
        started, seconds = timed(
            lambda: server.start(report=lambda m: console.print(f"[dim]{m}[/]"))
        )
        console.print(f"[dim]Neo4j answered after {seconds:.1f}s[/]")
        yield Target(started, server.pid(), settings.heap, settings.pagecache)
    finally:
        server.stop(report=lambda m: console.print(f"[dim]{m}[/]"))
        shutil.rmtree(folder, ignore_errors=True)


# -- the command ----------------------------------------------------------------------------
def _departements(value: str | None) -> list[str] | None:
    if value is None or value.strip().lower() in ("", "all", "france"):
        return None
    return [code for code in (part.strip() for part in value.split(",")) if code]


def _write_summary_json(summaries: Sequence[WriteSummary]) -> list[dict[str, int]]:
    return [dataclasses.asdict(s) for s in summaries]


def _sigterm(_signum: int, _frame: FrameType | None) -> None:
    raise SystemExit(143)  # runs the finally blocks, so Neo4j is stopped


def main(
    departements: Annotated[
        str | None,
        typer.Option(help="Comma-separated département codes (e.g. 15,71); all France if absent."),
    ] = None,
    repeats: Annotated[int, typer.Option(min=1, help="Measured rounds per step.")] = 3,
    warmup: Annotated[
        int, typer.Option(min=0, help="Untimed rounds first (JIT, query plans).")
    ] = 1,
    json_path: Annotated[
        Path | None, typer.Option("--json", help="Also write every figure to this JSON file.")
    ] = None,
    yes_clear_database: Annotated[
        bool,
        typer.Option(help="Allow clearing the database named by NEO4J_URI."),
    ] = False,
) -> None:
    """Measure parsing, first load, re-load and a plain-CREATE baseline; print a table."""
    signal.signal(signal.SIGTERM, _sigterm)
    scope = _departements(departements)

    # Parse: timed rounds, then one traced round for the Python allocation peak.
    parse_seconds: list[float] = []
    records: ReferenceRecords | None = None
    for _ in range(repeats):
        records, seconds = timed(lambda: read_reference(departements=scope))
        parse_seconds.append(seconds)
    assert records is not None
    rss_after_parse = peak_rss_kib()
    tracemalloc.start()
    read_reference(departements=scope)
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rows = records.row_count()
    parse = Step(rows, parse_seconds)
    base_rows = baseline_rows(records)
    scope_label = "all France" if scope is None else ", ".join(records.departements_loaded)
    console.print(
        f"Reference {records.package} {records.version} ({records.vintage}), {scope_label}: "
        f"{len(records.communes):,} communes, {len(records.epcis):,} EPCI, "
        f"{len(records.departements)} départements, {len(records.regions)} régions "
        f"= {rows:,} rows"
    )

    first, reload, baseline = Step(rows), Step(rows), Step(rows)
    first_summaries: list[WriteSummary] = []
    reload_summaries: list[WriteSummary] = []
    counts_first: list[dict[str, int]] = []
    counts_reload: list[dict[str, int]] = []
    totals_first: list[tuple[int, int]] = []
    totals_reload: list[tuple[int, int]] = []
    baseline_created: list[int] = []

    with neo4j_target(yes_clear_database) as target:
        db = target.connection.database
        driver = open_driver(target.connection)
        with driver:
            migrate(driver, db)
            with driver.session(database=db, default_access_mode="READ") as session:
                component = session.run(_COMPONENTS).single(strict=True)
            server_version = f"{component['name']} {component['version']} {component['edition']}"
            for round_ in range(warmup + repeats):
                measured = round_ >= warmup
                label = f"round {round_ - warmup + 1}/{repeats}" if measured else "warm-up"
                clear_graph(driver, db)
                summary, s_first = timed(lambda: write_reference(driver, db, records))
                counts_a, totals_a = graph_counts(driver, db), total_counts(driver, db)
                again, s_reload = timed(lambda: write_reference(driver, db, records))
                counts_b, totals_b = graph_counts(driver, db), total_counts(driver, db)
                clear_graph(driver, db)
                created, s_base = timed(lambda: write_baseline(driver, db, base_rows))
                clear_graph(driver, db)
                console.print(
                    f"[dim]{label}: first load {s_first:.2f}s, re-load {s_reload:.2f}s, "
                    f"baseline {s_base:.2f}s[/]"
                )
                if not measured:
                    continue
                first.seconds.append(s_first)
                reload.seconds.append(s_reload)
                baseline.seconds.append(s_base)
                first_summaries.append(summary)
                reload_summaries.append(again)
                counts_first.append(counts_a)
                counts_reload.append(counts_b)
                totals_first.append(totals_a)
                totals_reload.append(totals_b)
                baseline_created.append(created)
        jvm_rss = jvm_peak_rss_kib(target.pid)
        heap, pagecache = target.heap, target.pagecache
        uri = target.connection.uri
        local = target.connection.local

    idempotent = all(
        s.nodes_created == 0 and s.relationships_created == 0 for s in reload_summaries
    )
    counts_identical = all(
        a == b for a, b in zip(counts_first, counts_reload, strict=True)
    ) and all(a == b for a, b in zip(totals_first, totals_reload, strict=True))
    ratio_first = first.median_rate / baseline.median_rate
    ratio_reload = reload.median_rate / baseline.median_rate
    machine = {
        "cpus": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)),
        "memory_gib": _memory_gib(),
        "platform": platform.platform(),
        "python": platform.python_version(),
    }

    table = Table(
        title=f"Reference load benchmark — {scope_label}, {rows:,} rows, {repeats} repeats",
        caption=(
            "first load: empty graph; re-load: same records again; baseline: plain UNWIND "
            "CREATE of as many rows, same run; vs baseline: median rows/s over the baseline's"
        ),
    )
    headers = ("step", "median s", "min s", "max s", "median rows/s", "best rows/s", "vs baseline")
    for header in headers:
        table.add_column(header, justify="left" if header == "step" else "right")
    table.add_row("parse+validate", *_cells(parse)[:3], "", "", "")
    table.add_row("first load", *_cells(first), f"{ratio_first:.2f}")
    table.add_row("re-load", *_cells(reload), f"{ratio_reload:.2f}")
    table.add_row("baseline", *_cells(baseline), "1.00")
    console.print(table)

    last_first, last_reload = first_summaries[-1], reload_summaries[-1]
    nodes, relationships = totals_first[-1]
    facts = [
        f"First load created {last_first.nodes_created:,} nodes and "
        f"{last_first.relationships_created:,} relationships "
        f"(graph: {nodes:,} nodes with the ReferenceData node, which the counters leave out; "
        f"{relationships:,} relationships).",
        f"Re-load created {sum(s.nodes_created for s in reload_summaries)} nodes, "
        f"{sum(s.relationships_created for s in reload_summaries)} relationships and deleted "
        f"{sum(s.relationships_deleted for s in reload_summaries)} over {repeats} repeats "
        f"({last_reload.properties_set:,} properties set each time).",
        f"IDEMPOTENT: {'yes' if idempotent else 'NO'}",
        *(
            [
                f"[bold yellow]WARNING: the slowest re-load ({reload.max_s:.1f}s) took longer "
                f"than the slowest first load ({first.max_s:.1f}s); a re-load writes no new "
                "data, so a query plan went wrong (see docs/performance.md).[/]"
            ]
            if reload.max_s > first.max_s
            else []
        ),
        "Counts after first load and after re-load: "
        + ("identical" if counts_identical else "DIFFERENT"),
        f"Target ≥ {TARGET_ROWS_PER_S:,} rows/s (first load, median): "
        + ("met" if first.median_rate >= TARGET_ROWS_PER_S else "NOT met")
        + f" ({first.median_rate:,.0f} rows/s)"
        + ("" if scope is None else "; the target is for all France, fixed costs dominate here"),
        f"Peak RSS of this Python process: {rss_after_parse / 1024:,.0f} MiB after parsing, "
        f"{peak_rss_kib() / 1024:,.0f} MiB at the end; tracemalloc peak of one parse "
        f"{traced_peak / 2**20:,.0f} MiB.",
        f"Neo4j: {server_version} (NEO4J_VERSION {NEO4J_VERSION}), "
        f"{'throwaway local' if local else 'external'} at {uri}, heap {heap}, "
        f"page cache {pagecache}"
        + (f", JVM peak RSS {jvm_rss / 1024:,.0f} MiB" if jvm_rss is not None else "")
        + ".",
        f"Machine: {machine['cpus']} CPUs ({machine['cpus_usable']} usable), "
        f"{machine['memory_gib']} GiB, Python {machine['python']}, {machine['platform']}.",
    ]
    for line in facts:
        console.print(line)

    if json_path is not None:
        report = {
            "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "command": sys.argv,
            "scope": scope_label,
            "departements_loaded": list(records.departements_loaded),
            "reference": {
                "package": records.package,
                "version": records.version,
                "vintage": records.vintage,
                "regions": len(records.regions),
                "departements": len(records.departements),
                "epcis": len(records.epcis),
                "communes": len(records.communes),
            },
            "rows": rows,
            "repeats": repeats,
            "warmup": warmup,
            "target_rows_per_s": TARGET_ROWS_PER_S,
            "machine": machine,
            "neo4j": {
                "server": server_version,
                "configured_version": NEO4J_VERSION,
                "local": local,
                "heap": heap,
                "pagecache": pagecache,
                "jvm_peak_rss_kib": jvm_rss,
            },
            "parse": {
                **parse.as_json(),
                "peak_rss_kib_after_parse": rss_after_parse,
                "tracemalloc_peak_bytes": traced_peak,
            },
            "first_load": {**first.as_json(), "summaries": _write_summary_json(first_summaries)},
            "reload": {**reload.as_json(), "summaries": _write_summary_json(reload_summaries)},
            "baseline": {**baseline.as_json(), "nodes_created": baseline_created},
            "ratio_to_baseline": {
                "first_load": round(ratio_first, 3),
                "reload": round(ratio_reload, 3),
            },
            "idempotent": idempotent,
            "counts_identical": counts_identical,
            "counts_after_first_load": counts_first[-1],
            "counts_after_reload": counts_reload[-1],
            "totals_after_first_load": {"nodes": nodes, "relationships": relationships},
            "peak_rss_kib_end": peak_rss_kib(),
        }
        json_path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
        console.print(f"Figures written to {json_path}")


def _cells(step: Step) -> tuple[str, str, str, str, str]:
    return (
        f"{step.median_s:.2f}",
        f"{step.min_s:.2f}",
        f"{step.max_s:.2f}",
        f"{step.median_rate:,.0f}",
        f"{step.best_rate:,.0f}",
    )


def _memory_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 2**20, 1)
    except (OSError, ValueError, IndexError):
        return None
    return None


if __name__ == "__main__":
    typer.run(main)
