"""The one report of ``bench/bench_all.py``: every figure beside its same-run baseline.

Each benchmark writes its own JSON; this module reads the figures the report needs out of
them (:data:`FIGURES`, one reader per part), pairs each with the baseline the benchmark
measured in the same run, and computes one kind of ratio for all of them:

    ratio = how many times the baseline's cost the figure is

so 1.0× means "as cheap as the baseline" and 3.0× "three times its time", whether the
figure is a time (figure / baseline) or a rate (baseline rate / figure's rate). The
per-script tables keep their own conventions (the reference load prints rate / baseline
rate, 0.57 where this report says 1.75×).

A reader that does not find a figure raises :class:`ReportError` naming the script and
the missing key, so a benchmark whose output changed fails the run instead of leaving a
silent gap.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from rich.table import Table

RATIO_MEANING = "times the baseline's cost (1.0 = as cheap as the baseline; higher = slower)"


class ReportError(Exception):
    """A benchmark's JSON lacks a figure the report needs."""


@dataclass(frozen=True)
class Figure:
    """One measured figure beside the baseline measured in the same run."""

    part: str
    measure: str
    value: float | None
    unit: str
    #: What the baseline is ("" when the figure has none).
    baseline: str = ""
    baseline_value: float | None = None
    #: True for rates (rows/s, req/s), False for times.
    higher_is_better: bool = False

    @property
    def ratio(self) -> float | None:
        """How many times the baseline's cost this figure is (None without a baseline)."""
        if not self.value or not self.baseline_value:
            return None
        if self.higher_is_better:
            return self.baseline_value / self.value
        return self.value / self.baseline_value

    def as_json(self) -> dict[str, Any]:
        ratio = self.ratio
        return {**asdict(self), "ratio": None if ratio is None else round(ratio, 3)}


def figure_of(results: Mapping[str, Any], script: str, *path: str | int) -> Any:
    """``results[path[0]][path[1]]…``, or :class:`ReportError` naming what is missing."""
    value: Any = results
    for key in path:
        try:
            value = value[key]
        except (KeyError, IndexError, TypeError):
            where = ".".join(str(k) for k in path)
            raise ReportError(
                f"{script}: its JSON has no {where!r}; the report expects it (did the "
                "benchmark's output change? update bench/bench_report.py with it)"
            ) from None
    return value


# -- one reader per part ------------------------------------------------------------------
def reference_figures(r: Mapping[str, Any]) -> list[Figure]:
    """First load and re-load rates beside the plain ``UNWIND … CREATE`` of as many rows."""
    script = "bench_reference_load.py"
    base = figure_of(r, script, "baseline", "median_rows_per_s")
    floor = "UNWIND CREATE, same rows"
    return [
        Figure("reference load", "first load (median)", figure_of(r, script, "first_load",
               "median_rows_per_s"), "rows/s", floor, base, higher_is_better=True),
        Figure("reference load", "re-load, idempotent (median)", figure_of(r, script, "reload",
               "median_rows_per_s"), "rows/s", floor, base, higher_is_better=True),
    ]  # fmt: skip


def partnership_figures(r: Mapping[str, Any]) -> list[Figure]:
    """First load and edited re-load rates beside ``UNWIND … CREATE`` of as many rows."""
    script = "bench_partnership_load.py"
    base = figure_of(r, script, "baseline_rows_per_s")
    floor = "UNWIND CREATE, same rows"
    return [
        Figure("partnership load", "first load", figure_of(r, script, "first_load_rows_per_s"),
               "rows/s", floor, base, higher_is_better=True),
        Figure("partnership load", "re-load, every dataset edited",
               figure_of(r, script, "reload_edited_rows_per_s"), "rows/s", floor, base,
               higher_is_better=True),
    ]  # fmt: skip


#: (label, cell field, unit, higher is better) of each API measure.
_API_MEASURES = (
    ("p50", "p50_ms", "ms", False),
    ("p99", "p99_ms", "ms", False),
    ("throughput", "requests_per_s", "req/s", True),
)


def api_figures(r: Mapping[str, Any]) -> list[Figure]:
    """p50, p99 and throughput of each query at each concurrency beside its Cypher floor."""
    script = "bench_api.py"
    cells = {
        (cell["query"], cell["target"], cell["concurrency"]): cell
        for cell in figure_of(r, script, "cells")
    }
    queries = list(dict.fromkeys(query for query, _, _ in cells))
    figures = []
    for query in queries:
        for concurrency in sorted({c for q, _, c in cells if q == query}):
            api = cells.get((query, "api", concurrency))
            floor = cells.get((query, "floor", concurrency))
            if api is None or floor is None:
                raise ReportError(f"{script}: {query} c={concurrency} lacks its API or floor cell")
            failed = f", {api['failures']} failed" if api.get("failures") else ""
            for label, key, unit, higher in _API_MEASURES:
                figures.append(
                    Figure("API", f"{query} c={concurrency} {label}{failed}",
                           figure_of(api, script, key), unit, "one Cypher query (floor)",
                           figure_of(floor, script, key), higher_is_better=higher)
                )  # fmt: skip
    return figures


#: (label, key in "seconds", whether the baseline answers the same question).
_COVERAGE_MEASURES = (
    ("France coverage: projection", "france_coverage_projection", True),
    ("France coverage: analysis", "france_coverage_compute", True),
    ("France coverage: end to end", "france_coverage_end_to_end", True),
    ("ARA theme matrix: projection", "region_matrix_projection", False),
    ("ARA theme matrix: analysis", "region_matrix_compute", False),
    ("France 10-year timeline: analysis", "timeline_10_years_compute", False),
    ("partner network: projection", "network_projection", False),
    ("partner network: centralities", "network_compute", False),
)


def coverage_figures(r: Mapping[str, Any]) -> list[Figure]:
    """Coverage timings beside the same-run Cypher count of France's covered communes."""
    script = "bench_coverage.py"
    base = figure_of(r, script, "seconds", "baseline_cypher_count")
    return [
        Figure("coverage", label, figure_of(r, script, "seconds", key), "s",
               "Cypher count, same question" if same else "Cypher count (normaliser)", base)
        for label, key, same in _COVERAGE_MEASURES
    ]  # fmt: skip


def explorer_figures(r: Mapping[str, Any]) -> list[Figure]:
    """Render and expansion times in Chromium beside their same-page baselines."""
    script = "bench_explorer.py"

    def ms(key: str) -> Any:
        return figure_of(r, script, key)

    communes = r.get("communes_drawn", "500")
    return [
        Figure("explorer", "first render (ready to search)", ms("first_render_ms"), "ms",
               "/healthz page load", ms("baseline_healthz_ms")),
        Figure("explorer", "reopen a shared view (3 queries)", ms("shared_view_ms"), "ms",
               "first render", ms("first_render_ms")),
        Figure("explorer", "expand a département: first group", ms("expand_first_group_ms"),
               "ms", "same requests by fetch", ms("fetch_first_group_ms")),
        Figure("explorer", f"expand to {communes} communes", ms("expand_500_ms"), "ms",
               "same requests by fetch", ms("fetch_500_ms")),
    ]  # fmt: skip


def drafting_figures(r: Mapping[str, Any]) -> list[Figure]:
    """Time to draft one annotated article beside spaCy's parse alone of the same text."""
    script = "bench_draft.py"

    def timing(key: str) -> Any:
        return figure_of(r, script, "timing", key)

    return [
        Figure("drafting", "draft one article (median)", timing("draft_median_s"), "s",
               "spaCy parse alone, same text", timing("baseline_parse_median_s")),
        Figure("drafting", "draft one article (max)", timing("draft_max_s"), "s",
               "spaCy parse alone, same text (max)", timing("baseline_parse_max_s")),
    ]  # fmt: skip


#: The figures of each part that has some (the shared graph load has none).
FIGURES: dict[str, Callable[[Mapping[str, Any]], list[Figure]]] = {
    "reference": reference_figures,
    "partnerships": partnership_figures,
    "coverage": coverage_figures,
    "api": api_figures,
    "explorer": explorer_figures,
    "drafting": drafting_figures,
}

#: Where each part's JSON keeps the peak RSS of its own process ("bench") and of the API
#: it started ("api"), and what divides it into MiB.
_MEMORY_KEYS: dict[str, dict[str, tuple[tuple[str, ...], int]]] = {
    "reference": {"bench": (("peak_rss_kib_end",), 1024)},
    "partnerships": {"bench": (("peak_rss_mib",), 1)},
    "graph": {"bench": (("peak_rss_mib",), 1)},
    "coverage": {"bench": (("peak_rss_mib",), 1)},
    "api": {
        "bench": (("environment", "bench_peak_rss_mib"), 1),
        "api": (("environment", "api_peak_rss_mib"), 1),
    },
    "explorer": {"bench": (("bench_peak_rss_mib",), 1), "api": (("api_peak_rss_mib",), 1)},
    "drafting": {"bench": (("peak_rss_mib",), 1)},
}


def reported_memory(part: str, results: Mapping[str, Any] | None) -> dict[str, float | None]:
    """The peak RSS (MiB) the part's own JSON reports for its process and its API."""
    memory: dict[str, float | None] = {"bench": None, "api": None}
    for role, (path, divisor) in _MEMORY_KEYS.get(part, {}).items():
        value: Any = results
        for key in path:
            value = value.get(key) if isinstance(value, Mapping) else None
        if isinstance(value, int | float):
            memory[role] = round(value / divisor, 1)
    return memory


# -- assembling -----------------------------------------------------------------------------
def collect_figures(
    parts: Sequence[Mapping[str, Any]], results: Mapping[str, Mapping[str, Any] | None]
) -> tuple[list[Figure], list[str], set[str]]:
    """The figures of every part that wrote its JSON, the problems met reading them, and
    the parts (as figures name them) whose script failed or whose figures could not be read.
    """
    figures: list[Figure] = []
    problems: list[str] = []
    failed: set[str] = set()
    for part in parts:
        reader = FIGURES.get(part["name"])
        found = results.get(part["name"])
        if reader is None or found is None:
            continue
        try:
            read = reader(found)
        except ReportError as error:
            problems.append(str(error))
            failed.add(part["name"])
            continue
        figures += read
        if part.get("status") != "ok":
            failed.update(figure.part for figure in read)
    return figures, problems, failed


def _number(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "rows/s":
        return f"{value:,.0f} {unit}"
    if unit == "s":
        return f"{value:,.3f} s"
    return f"{value:,.1f} {unit}"


def figures_table(figures: Sequence[Figure], failed_parts: set[str], title: str) -> Table:
    """One row per figure: value, baseline, ratio; a line between parts."""
    table = Table(title=title, caption=f"×: {RATIO_MEANING}")
    for column in ("part", "measure", "value", "baseline (same run)", "baseline value", "×"):
        table.add_column(column, justify="right" if column in ("value", "baseline value", "×")
                         else "left", no_wrap=column != "measure")  # fmt: skip
    for i, figure in enumerate(figures):
        last_of_part = i + 1 == len(figures) or figures[i + 1].part != figure.part
        ratio = figure.ratio
        part = figure.part + (" [red](FAILED)[/red]" if figure.part in failed_parts else "")
        table.add_row(
            part if i == 0 or figures[i - 1].part != figure.part else "",
            figure.measure,
            _number(figure.value, figure.unit),
            figure.baseline,
            _number(figure.baseline_value, figure.unit) if figure.baseline else "",
            "—" if ratio is None else f"{ratio:.2f}×",
            end_section=last_of_part,
        )
    return table


def parts_table(parts: Sequence[Mapping[str, Any]]) -> Table:
    """Per part: its script, status, wall time and peak memory (RSS)."""
    table = Table(title="Parts: wall time and peak memory (RSS, MiB)")
    columns = ("part", "script", "status", "wall s", "bench process", "API process",
               "all its processes", "Neo4j JVM")  # fmt: skip
    for column in columns:
        table.add_column(column, justify="left" if column in columns[:3] else "right")
    for part in parts:
        memory = part.get("peak_rss_mib", {})
        status = part["status"]
        table.add_row(
            part["name"],
            part["script"],
            status if status == "ok" else f"[red]{status}[/red]",
            f"{part['seconds']:,.0f}" if part.get("seconds") is not None else "—",
            *(
                "—" if memory.get(key) is None else f"{memory[key]:,.0f}"
                for key in ("bench", "api", "all_processes", "neo4j_jvm")
            ),
        )
    return table
