"""Benchmark: how well and how fast ``ctg draft`` reads the annotated articles.

    .venv/bin/python bench/bench_draft.py                      # the whole set, 3 repeats
    .venv/bin/python bench/bench_draft.py --only saint-flour-ctg-2017 --repeats 1
    .venv/bin/python bench/bench_draft.py --json test-output/bench/draft.json

No Neo4j is needed: drafting never writes to the graph. It loads what drafting knows once
(spaCy's ``fr_core_news_md``, the gazetteer of all France from the installed territorial
reference) and prints that load time, then, for each article folder of the annotated set
(``tests/data/drafts/<name>/``: ``article.pdf``, else ``article.html``, else
``article.txt``, read by ``loaders.drafts.articles.read_article``, and ``gold.yaml``):

* drafts it (`loaders.drafts.draft.draft_text`) and scores the draft against the gold file
  (`bench/draft_scoring.py`): per fact type, gold, found, correct, precision, recall, and
  whether the issue's aims are met (precision ≥ 0.9 on territories and people, recall ≥
  0.8 on every type), micro-averaged over the set, then per article;
* times each article: the whole draft, and in the same run the **baseline** of spaCy's
  parse alone of the same text (what any spaCy-based reader pays), each the median of
  ``--repeats`` runs; the set's median and maximum per article, and the ratio;
* for the two seed articles, the recall against their hand-written seed datasets
  (``domain/data/partnerships/*.yaml``, converted by `draft_scoring.dataset_keys`), on all
  the dataset holds and on what it marks stated.

It writes everything, with every article's missed and wrong facts, to ``--json``
(default ``test-output/bench/draft.json``). An article the reader refuses is reported and
scored as nothing found.
"""

from __future__ import annotations

import json
import platform
import resource
import statistics
import sys
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))  # the project's packages, when run as a script
sys.path.insert(0, str(BENCH))

from draft_scoring import (  # noqa: E402
    FACT_TYPES,
    Keys,
    Score,
    dataset_keys,
    draft_keys,
    goal_met,
    gold_keys,
    micro,
    misses,
    read_gold,
    score,
)

from domain.resources import PROJECT_ROOT  # noqa: E402
from loaders.drafts.facts import ArticleInfo, Draft  # noqa: E402

ANNOTATED_SET = PROJECT_ROOT / "tests" / "data" / "drafts"
SEED_DATASETS = PROJECT_ROOT / "domain" / "data" / "partnerships"
DEFAULT_JSON = PROJECT_ROOT / "test-output" / "bench" / "draft.json"
#: Which file of a folder is read: the richest layout there is.
LAYOUTS = ("article.pdf", "article.html", "article.txt")
console = Console(width=None if sys.stdout.isatty() else 150)


@dataclass(frozen=True)
class ArticleRun:
    """One article of the set: what was read, the draft's keys, its score and its times."""

    name: str
    file: Path
    reader: str
    characters: int
    draft_seconds: float
    parse_seconds: float
    gold: Keys
    found: Keys
    scores: dict[str, Score]
    error: str | None = None


def article_folders(root: Path, only: str | None) -> list[Path]:
    """The set's article folders (those with a gold file), sorted, or those of ``--only``."""
    folders = sorted(p.parent for p in root.glob("*/gold.yaml"))
    if only:
        wanted = {name.strip() for name in only.split(",")}
        unknown = wanted - {f.name for f in folders}
        if unknown:
            raise typer.BadParameter(
                f"no annotated article {sorted(unknown)} under {root}; there are "
                + ", ".join(f.name for f in folders)
            )
        folders = [f for f in folders if f.name in wanted]
    return folders


def read_text(folder: Path) -> tuple[str, ArticleInfo, Path, str]:
    """The article of ``folder``: text, metadata, the file read, and which reader read it.

    A stored page's own metadata (its address, title, publisher and date, kept in
    ``source.yaml``) fills what the file does not carry: a page in a browser has them, a
    text excerpt of it does not (« ce 24 janvier » needs the page's date for its year).
    """
    import yaml

    from loaders.drafts.articles import read_article

    path = next(folder / name for name in LAYOUTS if (folder / name).is_file())
    article = read_article(path)
    info = article.info
    source_file = folder / "source.yaml"
    if source_file.is_file():
        source = yaml.safe_load(source_file.read_text(encoding="utf-8")) or {}
        known = {
            "url": info.url or source.get("url"),
            "title": info.title or source.get("title"),
            "publisher": info.publisher or source.get("publisher"),
            "published": info.published or _day(source.get("date")),
        }
        info = ArticleInfo.model_validate({**info.model_dump(), **known})
    return article.text, info, path, "read_article"


def _day(value: Any) -> date | None:
    """A source's date when it is a day (``2022-12`` says the month only: no day to give)."""
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def median_seconds(repeats: int, work: Any) -> tuple[float, Any]:
    """The median time of ``repeats`` calls of ``work()``, and its last result."""
    times, result = [], None
    for _ in range(repeats):
        started = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def run_article(folder: Path, knowledge: Any, repeats: int) -> ArticleRun:
    """Draft, time and score one article."""
    from loaders.drafts.draft import draft_text

    gold = gold_keys(read_gold(folder / "gold.yaml"))
    try:
        text, info, path, reader = read_text(folder)
    except Exception as failure:  # a file the reader refuses is a finding too
        return ArticleRun(
            folder.name, folder, "failed", 0, 0.0, 0.0, gold, draft_keys(Draft(
                article=ArticleInfo(), text="")), score(gold, {}),
            f"reading it: {type(failure).__name__}: {failure}",
        )  # fmt: skip
    parse_seconds, _ = median_seconds(repeats, lambda: knowledge.nlp(text))
    error = None
    try:
        draft_seconds, draft = median_seconds(repeats, lambda: draft_text(text, info, knowledge))
    except Exception as failure:  # an extractor's bug is a finding, not the end of the run
        error = f"{type(failure).__name__}: {failure}"
        draft_seconds, draft = 0.0, Draft(article=info, text=text)
    found = draft_keys(draft)
    return ArticleRun(
        folder.name, path, reader, len(text), draft_seconds, parse_seconds, gold, found,
        score(gold, found), error,
    )  # fmt: skip


def _shown(path: Path) -> Path:
    """``path`` relative to the project when it is inside it."""
    return path.relative_to(PROJECT_ROOT) if path.is_relative_to(PROJECT_ROOT) else path


def _ratio(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def scores_table(title: str, scores: dict[str, Score]) -> Table:
    """One row per fact type: gold, found, correct, precision, recall, goal."""
    table = Table(title=title)
    for column in ("fact type", "gold", "found", "correct", "precision", "recall", "goal"):
        table.add_column(column, justify="left" if column == "fact type" else "right")
    for kind in FACT_TYPES:
        s = scores[kind]
        goal = "[green]✓[/green]" if goal_met(kind, s) else "[red]✗[/red]"
        table.add_row(kind, str(s.gold), str(s.found), str(s.correct), _ratio(s.precision),
                      _ratio(s.recall), goal)  # fmt: skip
    return table


def articles_table(runs: list[ArticleRun]) -> Table:
    """One row per article: recall per fact type (— where its gold has none), and times."""
    table = Table(title="Per article: recall per fact type (found/gold), and time")
    table.add_column("article")
    for kind in FACT_TYPES:
        table.add_column(kind[:6], justify="right")
    for column in ("chars", "draft ms", "parse ms"):
        table.add_column(column, justify="right")
    for run in runs:
        cells = [
            "—" if run.scores[k].gold == 0 else f"{run.scores[k].correct}/{run.scores[k].gold}"
            for k in FACT_TYPES
        ]
        name = run.name + (" [red](failed)[/red]" if run.error else "")
        table.add_row(name, *cells, str(run.characters), f"{run.draft_seconds * 1000:,.0f}",
                      f"{run.parse_seconds * 1000:,.0f}")  # fmt: skip
    return table


def seed_recall(runs: list[ArticleRun]) -> dict[str, dict[str, Any]]:
    """Each seed draft's recall against its seed dataset: everything it holds, and only
    what it marks stated."""
    out: dict[str, dict[str, Any]] = {}
    for run in runs:
        dataset = SEED_DATASETS / f"{run.name}.yaml"
        if not dataset.is_file():
            continue
        out[run.name] = {
            view: {k: s.as_json() for k, s in score(dataset_keys(dataset, stated_only=stated),
                                                    run.found).items()}
            for view, stated in (("all", False), ("stated", True))
        }  # fmt: skip
    return out


def seed_table(recalls: dict[str, dict[str, Any]]) -> Table:
    """Recall per fact type of each seed draft against its seed dataset."""
    table = Table(title="Seed drafts against their hand-written seed datasets: recall")
    table.add_column("seed (dataset facts)")
    for kind in FACT_TYPES:
        table.add_column(kind[:6], justify="right")
    for name, views in recalls.items():
        for view, scores in views.items():
            cells = ["—" if s["gold"] == 0 else f"{s['correct']}/{s['gold']}"
                     for s in (scores[k] for k in FACT_TYPES)]  # fmt: skip
            table.add_row(f"{name} ({view})", *cells)
    return table


def main(
    only: Annotated[
        str | None, typer.Option(help="Comma-separated article folders to run, e.g. laon-…")
    ] = None,
    repeats: Annotated[int, typer.Option(min=1, help="Timed runs per article (median).")] = 3,
    annotated_set: Annotated[
        Path, typer.Option("--set", help="The folder of article folders.")
    ] = ANNOTATED_SET,
    json_out: Annotated[Path, typer.Option("--json", help="Where the figures go.")] = DEFAULT_JSON,
) -> None:
    """Draft every annotated article; print precision, recall and time; write the JSON."""
    from loaders.drafts.knowledge import Knowledge

    folders = article_folders(annotated_set, only)
    started = time.perf_counter()
    knowledge = Knowledge.load()
    load_seconds = time.perf_counter() - started
    console.print(f"Knowledge loaded in {load_seconds:.1f} s (spaCy model and gazetteer).")
    knowledge.nlp("La Caf du Cantal signe une convention.")  # warm-up: the first parse pays more
    runs = [run_article(folder, knowledge, repeats) for folder in folders]
    total = micro(run.scores for run in runs)
    console.print(scores_table(f"Micro over {len(runs)} articles", total))
    console.print(articles_table(runs))
    recalls = seed_recall(runs)
    if recalls:
        console.print(seed_table(recalls))
    drafts = [run.draft_seconds for run in runs if run.error is None] or [0.0]
    parses = [run.parse_seconds for run in runs if run.error is None] or [0.0]
    timing = {
        "draft_median_s": round(statistics.median(drafts), 4),
        "draft_max_s": round(max(drafts), 4),
        "baseline_parse_median_s": round(statistics.median(parses), 4),
        "baseline_parse_max_s": round(max(parses), 4),
        "repeats": repeats,
    }
    base = timing["baseline_parse_median_s"]
    ratio = timing["draft_median_s"] / base if base else None
    console.print(
        f"Time per article: median {timing['draft_median_s'] * 1000:,.0f} ms, max "
        f"{timing['draft_max_s'] * 1000:,.0f} ms (aim: under 1 s); baseline spaCy parse alone: "
        f"median {base * 1000:,.0f} ms, max {timing['baseline_parse_max_s'] * 1000:,.0f} ms; "
        f"ratio {_ratio(ratio)}×."
    )
    for run in runs:
        if run.error:
            console.print(f"[red]{run.name}: drafting failed[/red] — {run.error}", markup=True)
    report = {
        "about": "bench/bench_draft.py: drafting quality and time on the annotated set "
        "(docs/drafting.md, Quality)",
        "machine": {
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "platform": platform.platform(),
            "python": platform.python_version(),
        },
        "knowledge_load_s": round(load_seconds, 2),
        "timing": {**timing, "ratio_to_parse": None if ratio is None else round(ratio, 3)},
        "goals": {"precision": {"territories": 0.9, "people": 0.9}, "recall": 0.8},
        "micro": {
            kind: {**total[kind].as_json(), "goal_met": goal_met(kind, total[kind])}
            for kind in FACT_TYPES
        },
        "seed_datasets": recalls,
        "articles": [
            {
                "name": run.name,
                "file": str(_shown(run.file)),
                "reader": run.reader,
                "characters": run.characters,
                "draft_s": round(run.draft_seconds, 4),
                "parse_s": round(run.parse_seconds, 4),
                "error": run.error,
                "scores": {kind: s.as_json() for kind, s in run.scores.items()},
                "misses": misses(run.gold, run.found),
            }
            for run in runs
        ],
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    json_out.parent.mkdir(parents=True, exist_ok=True)
    json_out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    console.print(f"Written: {json_out}")
    if any(run.error for run in runs):
        raise typer.Exit(1)


if __name__ == "__main__":
    typer.run(main)
