"""Benchmark of the drafting gazetteer: its build time, its lookups, its fuzzy threshold.

Run it from the project root (no Neo4j, no spaCy model; about a minute)::

    .venv/bin/python bench/bench_gazetteer.py
    .venv/bin/python bench/bench_gazetteer.py --every 3 --json test-output/gazetteer.json

What it measures, on all France from the installed territorial reference:

* **build**: ``Gazetteer.from_reference`` (median of 3), beside the baseline of reading the
  reference itself (``read_reference``) in the same run;
* **lookups**: ``find`` on every commune's official name, ``fuzzy`` on typos, in
  microseconds per call, beside the baseline of folding the same names;
* **threshold**: for each candidate `rapidfuzz` threshold, on one-letter typos (a letter
  dropped, two swapped, one doubled) of every ``--every``-th commune name that the exact
  lookup does not know, resolved in the commune's own département as an article's Caf
  would give it: how many come back right, wrong or not at all; and how many of the
  capitalised words of the seed articles that name no territory would be taken for one.
  Precision comes first (a wrong code is worse than none): the chosen threshold is the
  lowest whose wrong answers stay under 1 % with no seed word taken for a place.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from domain.names import fold
from loaders.drafts.gazetteer import FUZZY_THRESHOLD, Context, Gazetteer, key
from loaders.reference import read_reference

THRESHOLDS = (80.0, 84.0, 86.0, 88.0, 90.0, 92.0, 94.0)
SEEDS = Path(__file__).resolve().parent.parent / "tests" / "data" / "drafts"
#: The département each seed article's Caf gives.
SEED_DEPARTEMENTS = {"saint-flour-ctg-2017": "15", "creusot-montceau-ctg-2021": "71"}


def timed(call: Callable[[], object], repeats: int = 3) -> float:
    """The median wall time of ``call``, in seconds."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def typos(name: str) -> list[str]:
    """Three one-letter typos of ``name`` (folded), in its middle."""
    folded = key(name)
    if len(folded) < 6:
        return []
    middle = len(folded) // 2
    while middle < len(folded) - 1 and not folded[middle].isalpha():
        middle += 1
    return [
        folded[:middle] + folded[middle + 1 :],
        folded[:middle] + folded[middle + 1] + folded[middle] + folded[middle + 2 :],
        folded[:middle] + folded[middle] + folded[middle:],
    ]


def seed_words(gazetteer: Gazetteer) -> list[tuple[str, str]]:
    """The capitalised words of the seed articles that name no territory exactly, with the
    département of their article."""
    words: list[tuple[str, str]] = []
    for name, departement in SEED_DEPARTEMENTS.items():
        text = (SEEDS / name / "article.txt").read_text(encoding="utf-8")
        for word in sorted(set(re.findall(r"\b[A-ZÉÈÀÂÎÔÛÇ][\w-]{3,}", text))):
            if not gazetteer.find(word):
                words.append((word, departement))
    return words


def main() -> None:
    """Print the figures; write them as JSON with ``--json``."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--every", type=int, default=5, help="one commune in EVERY for typos")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()

    read_seconds = timed(read_reference, repeats=1)
    records = read_reference()
    build_seconds = timed(lambda: Gazetteer.from_reference(records))
    gazetteer = Gazetteer.from_reference(records)
    names = [c.name for c in records.communes]
    fold_us = timed(lambda: [fold(n) for n in names]) / len(names) * 1e6
    find_us = timed(lambda: [gazetteer.find(n) for n in names]) / len(names) * 1e6
    print(f"communes {len(records.communes)}, EPCI {len(records.epcis)}")
    print(f"build {build_seconds:.2f} s (reading the reference: {read_seconds:.2f} s)")
    print(f"find {find_us:.1f} µs per name (folding alone: {fold_us:.1f} µs)")

    queries = []
    for commune in records.communes[:: args.every]:
        for typo in typos(commune.name):
            if not gazetteer.find(typo):
                queries.append((typo, commune.code, commune.departement))
    fuzzy_us = timed(lambda: [gazetteer.fuzzy(q, ("commune",)) for q, _, _ in queries[:2000]])
    print(f"fuzzy {fuzzy_us / min(2000, len(queries)) * 1e6:.1f} µs per name")
    words = seed_words(gazetteer)
    rows = []
    print(f"\n{len(queries)} typos of commune names; {len(words)} non-place words of the seeds")
    print(f"{'threshold':>9} {'right':>7} {'wrong':>7} {'none':>7} {'seed words taken':>17}")
    for threshold in THRESHOLDS:
        right = wrong = 0
        for query, code, departement in queries:
            candidates = gazetteer.fuzzy(query, ("commune",), threshold=threshold)
            chosen = gazetteer.resolve(
                candidates, Context(departements=frozenset({departement})), in_context=True
            )
            right += chosen is not None and chosen.code == code
            wrong += chosen is not None and chosen.code != code
        taken = [
            word
            for word, departement in words
            if gazetteer.resolve(
                gazetteer.fuzzy(word, ("commune", "epci"), threshold=threshold),
                Context(departements=frozenset({departement})),
                in_context=True,
            )
        ]
        total = len(queries)
        rows.append(
            {
                "threshold": threshold,
                "right": right / total,
                "wrong": wrong / total,
                "none": (total - right - wrong) / total,
                "seed_words_taken": taken,
            }
        )
        mark = "  <- FUZZY_THRESHOLD" if threshold == FUZZY_THRESHOLD else ""
        print(
            f"{threshold:>9.0f} {right / total:>7.1%} {wrong / total:>7.1%} "
            f"{(total - right - wrong) / total:>7.1%} {len(taken):>5} {', '.join(taken)[:60]}{mark}"
        )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        figures = {
            "build_seconds": build_seconds,
            "read_reference_seconds": read_seconds,
            "find_microseconds": find_us,
            "fold_microseconds": fold_us,
            "typos": len(queries),
            "thresholds": rows,
        }
        args.json.write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
