"""Every benchmark in one command, on one fresh Neo4j: ``make bench``.

    .venv/bin/python bench/bench_all.py                   # all France, 15–20 min on 2 cores
    .venv/bin/python bench/bench_all.py --quick           # Cantal and Saône-et-Loire, ~4 min
    .venv/bin/python bench/bench_all.py --only api,explorer

It starts ONE fresh local Neo4j (a temporary instance folder, a free port on 127.0.0.1,
heap 2g and page cache 1g like the default server; never the developer's), then runs each
benchmark as a child process pointed at it by ``NEO4J_URI`` (see bench/bench_neo4j.py):

1. ``bench_reference_load.py --yes-clear-database``: the reference load, on an empty graph;
2. ``bench_partnership_load.py --yes-clear-database``: the synthetic partnerships' load;
3. ``bench_graph.py --yes-clear-database``: loads, once, the full French reference, the
   synthetic France-scale partnerships and the seed datasets — not a benchmark;
4. ``bench_coverage.py``, ``bench_api.py``, ``bench_explorer.py`` with ``--preloaded``:
   they read that graph and write nothing;
5. ``bench_draft.py``: drafting the annotated articles (no Neo4j: drafting never writes).

Each script's JSON and output go to ``bench/results/<script>.json`` and ``.log``. Then it
prints ONE table — every figure beside the baseline its script measured in the same run,
and the ratio — and the wall time and peak memory (RSS) of each part, and writes them with
the machine's facts to ONE JSON file (``bench/results/bench_all.json``; the tables also as
text beside it). A script that fails is named, with the end of its log; the run goes on
with the others (unless ``--fail-fast``) and exits with status 1. Ctrl-C or SIGTERM stops
the running script, everything it started (API, Chromium) and the Neo4j, and exits 130 or
143. See docs/performance.md, "One command: make bench".
"""

from __future__ import annotations

import io
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import Annotated, Any, LiteralString

import typer
from bench_processes import become_subreaper, peak_rss_mib, reset_peak_rss, run_script
from bench_report import (
    RATIO_MEANING,
    collect_figures,
    figures_table,
    parts_table,
    reported_memory,
)
from rich.console import Console

from domain.resources import PROJECT_ROOT
from graph.driver import open_driver
from graph.local_server import LocalNeo4j, free_port
from graph.settings import Neo4jConnection, local_server_settings

BENCH = Path(__file__).resolve().parent
RESULTS = BENCH / "results"
console = Console(width=None if sys.stdout.isatty() else 150)
_COMPONENTS: LiteralString = (
    "CALL dbms.components() YIELD versions, edition RETURN versions[0] AS version, edition"
)


@dataclass(frozen=True)
class Part:
    """One benchmark script and how bench_all runs it."""

    name: str
    script: str
    args: tuple[str, ...]
    quick_args: tuple[str, ...] = ()
    #: Reads the graph ``bench_graph.py`` loads (so runs after it, and not if it failed).
    reads_graph: bool = False


def plan(seed: int) -> list[Part]:
    """The parts, in the order they run."""
    s = ("--seed", str(seed))
    scoped = ("--departements", "15,71")
    return [
        Part("reference", "bench_reference_load.py", ("--yes-clear-database",),
             (*scoped, "--repeats", "1")),
        Part("partnerships", "bench_partnership_load.py", ("--yes-clear-database", *s), scoped),
        Part("graph", "bench_graph.py", ("--yes-clear-database", *s), scoped),
        Part("coverage", "bench_coverage.py", ("--preloaded", *s), ("--repeat", "2"), True),
        Part("api", "bench_api.py", ("--preloaded", *s),
             ("--quick", "--requests", "100", "--warmup", "20"), True),
        Part("explorer", "bench_explorer.py", ("--preloaded",), ("--repeat", "3"), True),
        Part("drafting", "bench_draft.py", (), ("--repeats", "1")),  # needs no Neo4j
    ]  # fmt: skip


def selected(parts: list[Part], only: str | None) -> list[Part]:
    """The parts named by ``--only`` (all when None), with the graph load if one reads it."""
    if not only:
        return parts
    wanted = {name.strip() for name in only.split(",")}
    unknown = wanted - {p.name for p in parts}
    if unknown:
        raise typer.BadParameter(
            f"unknown parts {sorted(unknown)}; the parts are " + ", ".join(p.name for p in parts)
        )
    if any(p.reads_graph for p in parts if p.name in wanted):
        wanted.add("graph")
    return [p for p in parts if p.name in wanted]


def machine_facts() -> dict[str, Any]:
    """What the figures were measured on."""

    def output(*command: str) -> str:
        try:
            done = subprocess.run(
                command, capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=60, check=False
            )
        except OSError:
            return ""
        return (done.stdout + done.stderr).strip()

    memory_kib = next(
        (int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
         if line.startswith("MemTotal:")), 0,
    )  # fmt: skip
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpus": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)),
        "memory_gib": round(memory_kib / 2**20, 1),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "java": (output("java", "-version").splitlines() or [""])[0],
        "git_commit": output("git", "rev-parse", "HEAD"),
        "git_uncommitted_changes": bool(output("git", "status", "--porcelain", "-uno")),
        "load_average_at_start": os.getloadavg(),
    }


def child_environment(connection: Neo4jConnection) -> dict[str, str]:
    """This environment without any Neo4j or API setting, pointed at the fresh server."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("NEO4J_", "CTG_NEO4J_", "CTG_API_"))
    }
    env.update(
        NEO4J_URI=connection.uri,
        NEO4J_USER=connection.user,
        NEO4J_PASSWORD=connection.password,
        NEO4J_DATABASE=connection.database,
        PYTHONUNBUFFERED="1",
        COLUMNS="150",
    )
    return env


@contextmanager
def fresh_neo4j(heap: str, pagecache: str) -> Iterator[tuple[Neo4jConnection, int | None]]:
    """A fresh local Neo4j on a free loopback port, in a temporary folder; always stopped
    and deleted afterwards. Yields its connection and its JVM's pid."""
    folder = Path(tempfile.mkdtemp(prefix="ctg-bench-all-"))
    settings = local_server_settings(
        {
            **os.environ,
            "CTG_NEO4J_DIR": str(folder / "instance"),
            "CTG_NEO4J_PORT": str(free_port()),
            "CTG_NEO4J_HEAP": heap,
            "CTG_NEO4J_PAGECACHE": pagecache,
        }
    )
    server = LocalNeo4j(settings)
    try:
        connection = server.start(report=lambda m: console.print(f"[dim]{m}[/dim]"))
        yield connection, server.pid()
    finally:
        server.stop(report=lambda m: console.print(f"[dim]{m}[/dim]"))
        shutil.rmtree(folder, ignore_errors=True)


def neo4j_facts(connection: Neo4jConnection) -> dict[str, Any]:
    """The server's version and edition, as it reports them."""
    with open_driver(connection) as driver:
        record = driver.execute_query(_COMPONENTS).records[0]
    return {"version": record["version"], "edition": record["edition"], "uri": connection.uri}


def run_part(
    part: Part, command: list[str], env: dict[str, str], target: Path, jvm: int | None
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """Run one script; return its entry in the report and the JSON it wrote (or None)."""
    target.unlink(missing_ok=True)  # never report an earlier run's figures
    if jvm is not None:
        reset_peak_rss(jvm)  # so the JVM's peak is this part's
    load_before = os.getloadavg()
    run = run_script(
        command, env, PROJECT_ROOT, target.with_suffix(".log"),
        lambda line: print(line, flush=True), keep={jvm or -1},
    )  # fmt: skip
    found = json.loads(target.read_text()) if target.is_file() else None
    entry: dict[str, Any] = {
        "name": part.name,
        "script": part.script,
        "status": "ok" if run.exit_code == 0 and found is not None else "failed",
        "exit_code": run.exit_code,
        "seconds": run.seconds,
        "command": command,
        "json": str(target),
        "log": str(run.log),
        "load_average_before": load_before,
        "load_average_after": os.getloadavg(),
        "peak_rss_mib": {
            **reported_memory(part.name, found),
            "all_processes": run.peak_tree_mib,
            "neo4j_jvm": peak_rss_mib(jvm),
        },
        "peak_rss_by_command_mib": run.peak_by_command_mib,
        "left_behind": run.left_behind,
        "results": found,
    }
    if entry["status"] != "ok":
        what = f"exited with status {run.exit_code}" if run.exit_code else f"wrote no {target}"
        entry["problem"] = f"bench/{part.script} {what}; its output is in {run.log}"
        console.print(f"[red]FAILED[/red] {entry['problem']}; its last lines:")
        for line in run.log.read_text(errors="replace").splitlines()[-15:]:
            console.print(f"  {line}", markup=False, highlight=False)
    if run.left_behind:
        console.print(
            f"[yellow]bench/{part.script} left {run.left_behind} running; stopped them[/yellow]"
        )
    return entry, found


def write_report(
    entries: list[dict[str, Any]],
    results: dict[str, dict[str, Any] | None],
    facts: dict[str, Any],
    json_out: Path,
) -> list[str]:
    """Print the two tables, write the JSON (and the tables as text); return the problems."""
    figures, report_problems, failed = collect_figures(entries, results)
    problems = [e["problem"] for e in entries if e.get("problem")] + report_problems
    run, machine = facts["run"], facts["machine"]
    minutes = run["seconds"] / 60
    title = (
        f"make bench{' --quick' if run['quick'] else ''} — {machine['date'][:10]}, "
        f"{machine['cpus']} CPUs, Neo4j {facts['neo4j'].get('version')}, {minutes:.0f} min"
    )
    text = Console(file=io.StringIO(), width=150, record=True)
    for table in (figures_table(figures, failed, title), parts_table(entries)):
        console.print(table)
        text.print(table)
    report = {
        "about": {"ratio": RATIO_MEANING, "docs": "docs/performance.md, One command: make bench"},
        **facts,
        "run": {**run, "status": "failed" if problems else "ok", "problems": problems},
        "figures": [figure.as_json() for figure in figures],
        "parts": entries,
    }
    json_out.write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str) + "\n")
    json_out.with_suffix(".txt").write_text(text.export_text())
    console.print(
        f"Written: {json_out} and {json_out.with_suffix('.txt').name}, with each script's "
        f"JSON and log beside them; {minutes:.1f} min."
    )
    return problems


def _stop_on_signal(signum: int, _frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)  # runs the finally blocks: script, API, browser, Neo4j


def main(
    quick: Annotated[
        bool, typer.Option(help="Cantal and Saône-et-Loire, fewer repeats: a smoke run.")
    ] = False,
    seed: Annotated[int, typer.Option(help="Seed of the synthetic partnerships.")] = 2026,
    only: Annotated[
        str | None, typer.Option(help="Comma-separated parts to run, e.g. api,explorer.")
    ] = None,
    fail_fast: Annotated[bool, typer.Option(help="Stop at the first failing script.")] = False,
    heap: Annotated[str, typer.Option(help="Heap of the Neo4j.")] = "2g",
    pagecache: Annotated[str, typer.Option(help="Page cache of the Neo4j.")] = "1g",
    json_out: Annotated[
        Path, typer.Option("--json", help="The combined JSON (per-script files go beside it).")
    ] = RESULTS / "bench_all.json",
) -> None:
    """Run every benchmark on one fresh Neo4j; print one table; write one JSON file."""
    signal.signal(signal.SIGTERM, _stop_on_signal)
    signal.signal(signal.SIGHUP, _stop_on_signal)
    parts = selected(plan(seed), only)
    json_out.parent.mkdir(parents=True, exist_ok=True)
    if not become_subreaper():
        console.print(
            "[yellow]Could not become a child subreaper: a process a benchmark loses may "
            "not be found and stopped.[/yellow]"
        )
    if os.environ.get("NEO4J_URI"):
        console.print("NEO4J_URI is ignored: the benchmarks run on a fresh local Neo4j.")
    facts: dict[str, Any] = {"machine": machine_facts()}
    started = time.perf_counter()
    entries: list[dict[str, Any]] = []
    results: dict[str, dict[str, Any] | None] = {}
    try:
        with fresh_neo4j(heap, pagecache) as (connection, jvm):
            facts["neo4j"] = {**neo4j_facts(connection), "heap": heap, "pagecache": pagecache}
            env = child_environment(connection)
            for number, part in enumerate(parts, 1):
                if part.reads_graph and any(
                    e["name"] == "graph" and e["status"] != "ok" for e in entries
                ):
                    entries.append({"name": part.name, "script": part.script,
                                    "status": "skipped", "problem": f"bench/{part.script} "
                                    "did not run: the shared graph was not loaded"})  # fmt: skip
                    continue
                target = json_out.parent / f"{Path(part.script).stem}.json"
                command = [sys.executable, str(BENCH / part.script), *part.args,
                           *(part.quick_args if quick else ()), "--json", str(target)]  # fmt: skip
                console.rule(f"{number}/{len(parts)} {part.name}: {' '.join(command[1:])}")
                entry, results[part.name] = run_part(part, command, env, target, jvm)
                entries.append(entry)
                if fail_fast and entry["status"] != "ok":
                    break
    except KeyboardInterrupt:
        console.print("[red]Interrupted[/red]: the script, what it started and Neo4j are stopped.")
        raise typer.Exit(130) from None
    facts["run"] = {"command": sys.argv, "quick": quick, "seed": seed,
                    "seconds": round(time.perf_counter() - started)}  # fmt: skip
    facts["machine"]["load_average_at_end"] = os.getloadavg()
    problems = write_report(entries, results, facts, json_out)
    if problems:
        for problem in problems:
            console.print(f"[red]FAILED[/red] {problem}")
        raise typer.Exit(1)


if __name__ == "__main__":
    typer.run(main)
