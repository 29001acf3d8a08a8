"""bench/bench_all.py: the one table and JSON built from each benchmark's own JSON.

The per-script results below are small fakes with the keys the scripts write; nothing is
started except, in the last tests, a few throwaway Python processes.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from domain.resources import PROJECT_ROOT

sys.path.insert(0, str(PROJECT_ROOT / "bench"))  # the scripts import each other by name

import bench_all
import bench_processes
import bench_report

REFERENCE = {
    "first_load": {"median_rows_per_s": 26_041},
    "reload": {"median_rows_per_s": 50_723},
    "baseline": {"median_rows_per_s": 45_991},
    "peak_rss_kib_end": 351_232,
}
PARTNERSHIPS = {
    "first_load_rows_per_s": 8_179,
    "reload_edited_rows_per_s": 12_060,
    "baseline_rows_per_s": 26_832,
    "peak_rss_mib": 552,
}
COVERAGE = {
    "seconds": {
        "france_coverage_projection": 1.54,
        "france_coverage_compute": 0.37,
        "france_coverage_end_to_end": 2.54,
        "baseline_cypher_count": 0.044,
        "region_matrix_projection": 1.35,
        "region_matrix_compute": 0.042,
        "timeline_10_years_compute": 0.36,
        "network_projection": 1.97,
        "network_compute": 0.83,
    },
    "peak_rss_mib": 458,
}
EXPLORER = {
    "first_render_ms": 97.9,
    "baseline_healthz_ms": 44.7,
    "shared_view_ms": 432.2,
    "expand_first_group_ms": 338.3,
    "expand_500_ms": 1821.8,
    "fetch_first_group_ms": 69.8,
    "fetch_500_ms": 356.8,
    "communes_drawn": 500,
    "bench_peak_rss_mib": 120,
    "api_peak_rss_mib": 150.5,
}


def api_results(failures: int = 0) -> dict[str, Any]:
    """Two queries at c = 1 and 16, the floor twice as fast as the API everywhere."""
    cells = []
    for query in ("territory card", "contract card"):
        for concurrency in (1, 16):
            for target, scale in (("floor", 1.0), ("api", 2.0)):
                cells.append({
                    "query": query, "target": target, "concurrency": concurrency,
                    "p50_ms": 10.0 * scale, "p99_ms": 40.0 * scale,
                    "requests_per_s": 100.0 / scale,
                    "failures": failures if target == "api" and concurrency == 16 else 0,
                })  # fmt: skip
    return {
        "environment": {"bench_peak_rss_mib": 317, "api_peak_rss_mib": 228.4},
        "cells": cells,
    }


def entry(name: str, status: str = "ok") -> dict[str, Any]:
    return {"name": name, "script": f"bench_{name}.py", "status": status, "seconds": 12.0}


def test_every_ratio_says_how_many_times_the_baseline_cost() -> None:
    first, reload = bench_report.reference_figures(REFERENCE)
    # A rate: the baseline's rate over the load's (the load takes 1.77 times as long).
    assert first.ratio == pytest.approx(45_991 / 26_041)
    assert reload.ratio == pytest.approx(45_991 / 50_723)  # faster than the baseline: < 1
    coverage = bench_report.coverage_figures(COVERAGE)
    end_to_end = next(f for f in coverage if f.measure == "France coverage: end to end")
    assert end_to_end.ratio == pytest.approx(2.54 / 0.044)  # a time: figure over baseline
    assert end_to_end.baseline == "Cypher count, same question"


def test_api_figures_pair_each_cell_with_its_floor() -> None:
    figures = bench_report.api_figures(api_results(failures=3))
    assert len(figures) == 2 * 2 * 3  # queries x concurrencies x (p50, p99, throughput)
    by_measure = {f.measure: f for f in figures}
    assert by_measure["territory card c=1 p50"].ratio == pytest.approx(2.0)
    assert by_measure["territory card c=1 throughput"].ratio == pytest.approx(2.0)
    assert by_measure["territory card c=1 throughput"].unit == "req/s"
    assert "contract card c=16 p99, 3 failed" in by_measure


def test_drafting_figures_pair_the_draft_time_with_the_parse_alone() -> None:
    drafting = {
        "timing": {"draft_median_s": 0.3, "draft_max_s": 0.9, "baseline_parse_median_s": 0.2,
                   "baseline_parse_max_s": 0.6},
        "peak_rss_mib": 900.0,
    }  # fmt: skip
    figures = bench_report.drafting_figures(drafting)
    assert [f.measure for f in figures] == ["draft one article (median)", "draft one article (max)"]
    assert [f.ratio for f in figures] == pytest.approx([1.5, 1.5])
    assert bench_report.reported_memory("drafting", drafting)["bench"] == 900.0
    with pytest.raises(bench_report.ReportError, match=r"bench_draft\.py: its JSON has no 'timing"):
        bench_report.drafting_figures({})


def test_a_missing_figure_fails_the_report_naming_the_script_and_key() -> None:
    broken = {**PARTNERSHIPS}
    del broken["baseline_rows_per_s"]
    parts = [entry("reference"), entry("partnerships")]
    figures, problems, failed = bench_report.collect_figures(
        parts, {"reference": REFERENCE, "partnerships": broken}
    )
    assert [f.part for f in figures] == ["reference load", "reference load"]
    assert len(problems) == 1
    assert "bench_partnership_load.py" in problems[0]
    assert "baseline_rows_per_s" in problems[0]
    assert failed == {"partnerships"}


def test_a_failed_script_keeps_its_figures_marked_failed() -> None:
    parts = [entry("api", status="failed"), entry("explorer")]
    figures, problems, failed = bench_report.collect_figures(
        parts, {"api": api_results(), "explorer": EXPLORER}
    )
    assert problems == []
    assert failed == {"API"}
    table = bench_report.figures_table(figures, failed, "title")
    console = Console(file=io.StringIO(), width=200)
    console.print(table)
    text = console.file.getvalue()  # type: ignore[attr-defined]
    assert "API (FAILED)" in text
    assert "explorer (FAILED)" not in text
    assert "2.19×" in text  # first render 97.9 ms over /healthz 44.7 ms


def test_peak_memory_comes_from_each_scripts_own_keys() -> None:
    assert bench_report.reported_memory("reference", REFERENCE) == {"bench": 343.0, "api": None}
    assert bench_report.reported_memory("api", api_results()) == {"bench": 317.0, "api": 228.4}
    assert bench_report.reported_memory("explorer", None) == {"bench": None, "api": None}


def test_the_combined_json_holds_figures_parts_and_problems(tmp_path: Path) -> None:
    results: dict[str, dict[str, Any] | None] = {
        "reference": REFERENCE, "partnerships": PARTNERSHIPS, "coverage": COVERAGE,
        "api": api_results(), "explorer": None,
    }  # fmt: skip
    entries = [entry(name) for name in ("reference", "partnerships", "coverage", "api")]
    entries.append(
        {**entry("explorer", "failed"), "problem": "bench/bench_explorer.py exited with status 1"}
    )
    facts = {
        "machine": {"date": "2026-11-23T10:00:00+00:00", "cpus": 2},
        "neo4j": {"version": "5.26.30"},
        "run": {"quick": False, "seed": 2026, "seconds": 1500},
    }
    out = tmp_path / "bench_all.json"
    problems = bench_all.write_report(entries, results, facts, out)
    assert problems == ["bench/bench_explorer.py exited with status 1"]
    report = json.loads(out.read_text())
    assert report["run"]["status"] == "failed"
    assert report["machine"]["cpus"] == 2
    assert len(report["figures"]) == 2 + 2 + 8 + 12
    first = report["figures"][0]
    assert (first["part"], first["measure"], first["ratio"]) == (
        "reference load", "first load (median)", pytest.approx(1.766, abs=0.001)
    )  # fmt: skip
    assert "reference load" in out.with_suffix(".txt").read_text()


def test_only_adds_the_graph_load_the_read_benchmarks_need() -> None:
    parts = bench_all.plan(2026)
    assert [p.name for p in bench_all.selected(parts, "api")] == ["graph", "api"]
    assert [p.name for p in bench_all.selected(parts, "reference")] == ["reference"]
    with pytest.raises(Exception, match="unknown parts"):
        bench_all.selected(parts, "apis")


def test_process_stat_lines_with_odd_command_names() -> None:
    line = "4242 (Web Content (x)) S 1 4242 4242 0 -1 0 0 0 0 0 1 2 0 0 20 0 1 0 777 0 300"
    process = bench_processes.parse_stat(line)
    assert process is not None
    assert (process.pid, process.ppid, process.command, process.start) == (
        4242, 1, "Web Content (x)", 777
    )  # fmt: skip


def test_a_script_that_fails_and_leaves_a_process_behind(tmp_path: Path) -> None:
    script = (
        "import subprocess, sys, time\n"
        "subprocess.Popen(['sleep', '60'], start_new_session=True)\n"
        "print('half done', flush=True)\n"
        "time.sleep(0.8)\n"
        "sys.exit(3)\n"
    )
    lines: list[str] = []
    started = time.monotonic()
    run = bench_processes.run_script(
        [sys.executable, "-c", script], {}, tmp_path, tmp_path / "out.log", lines.append,
        keep=set(), sample_every=0.1,
    )  # fmt: skip
    assert run.exit_code == 3
    assert lines == ["half done"]
    assert (tmp_path / "out.log").read_text() == "half done\n"
    assert len(run.left_behind) == 1
    assert run.left_behind[0].endswith(" sleep")
    stat = Path(f"/proc/{run.left_behind[0].split()[0]}/stat")
    if stat.exists():  # stopped: at most a zombie its new parent has not reaped yet
        process = bench_processes.parse_stat(stat.read_text())
        assert process is None or process.state in ("Z", "X")
    assert time.monotonic() - started < 15


def test_the_callers_own_older_children_are_not_taken_for_leftovers(tmp_path: Path) -> None:
    """A test session's Neo4j (a child of pytest) must survive a benchmark script run."""
    elder = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        time.sleep(0.05)
        run = bench_processes.run_script(
            [sys.executable, "-c", "print('ok')"], {}, tmp_path, tmp_path / "out.log",
            lambda _line: None, keep=set(), sample_every=0.1,
        )  # fmt: skip
        assert run.left_behind == []
        assert elder.poll() is None, "run_script stopped a process it did not start"
    finally:
        elder.kill()
        elder.wait()
