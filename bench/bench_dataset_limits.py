"""Benchmark: the time and peak memory of validating the largest dataset file allowed.

Run it from the project root (no Neo4j needed)::

    .venv/bin/python bench/bench_dataset_limits.py              # a file of 20 MB, the default limit
    .venv/bin/python bench/bench_dataset_limits.py --megabytes 5 --json limits.json

It writes one valid dataset file just under ``--megabytes`` (default: the default
``CTG_DATASET_MAX_BYTES``, 20 MB) — the synthetic Cantal dataset of
``synthetic_partnerships.py`` with its contracts repeated under new keys — and measures,
each in a fresh Python process so that each peak is its own (``VmHWM``):

* **validate**: ``loaders.datasets.read_datasets`` on it (read once, YAML with lines,
  the format's models, every cross-check), against the Cantal and Saône-et-Loire extract;
* **baseline, plain YAML**: ``yaml.load`` (libyaml's ``CSafeLoader``) of the same bytes:
  what any YAML reader pays, without lines, models or checks;
* **baseline, the seeds**: ``read_datasets`` on the two seed datasets (54 kB): a
  process's cost for an ordinary validation.

For each: seconds of the step itself, the process's peak RSS and its increase over the
RSS just before the step (imports and the reference read); then the ratios of the
validation to the plain YAML read. The machine's load shows in the seconds, not much in
the ratios: compare ratios across machines, not seconds.
"""

from __future__ import annotations

import copy
import gc
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))  # the project's packages, when run as a script
sys.path.insert(0, str(BENCH))

from domain.resources import PROJECT_ROOT, SEED_DATASETS  # noqa: E402
from loaders.input_files import DEFAULT_DATASET_MAX_BYTES  # noqa: E402

EXTRACT = PROJECT_ROOT / "tests" / "fixtures" / "decoupage-administratif" / "data"
MODES = ("validate", "plain yaml", "seeds")


def largest_dataset(path: Path, max_bytes: int) -> int:
    """Write a valid dataset of just under ``max_bytes`` to ``path``; return its size."""
    from synthetic_partnerships import generate

    from loaders.reference import read_reference

    (document,) = generate(read_reference(EXTRACT, ["15"]), 2026).values()
    contracts = document["contracts"]
    head = len(_dump(document).encode())
    twice = [*contracts, *(_renamed(c, "-n0") for c in contracts)]
    per_copy = len(_dump({**document, "contracts": twice}).encode()) - head
    copies = max(1, (max_bytes - head) // per_copy + 1)
    while True:
        grown = [_renamed(c, f"-n{n}" if n else "") for n in range(copies) for c in contracts]
        path.write_text(_dump({**document, "contracts": grown}), encoding="utf-8")
        size = path.stat().st_size
        if size <= max_bytes or copies == 1:
            return size
        copies -= 1 + (size - max_bytes) // per_copy  # the estimate overshot


def _dump(document: dict[str, Any]) -> str:
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml's: 20 MB in seconds
    return yaml.dump(document, Dumper=dumper, allow_unicode=True, sort_keys=False)


def _renamed(contract: dict[str, Any], suffix: str) -> dict[str, Any]:
    """``contract`` under a new key, its relations pointing to the same copies (a deep
    copy: shared lists would be written as YAML aliases)."""
    renamed = {**copy.deepcopy(contract), "key": contract["key"] + suffix}
    if "relations" in contract:
        renamed["relations"] = [
            {**r, "target": r["target"] + suffix} for r in contract["relations"]
        ]
    return renamed


def child(mode: str, path: Path) -> None:
    """One measurement, in this process; prints its figures as JSON."""
    from loaders.datasets import TerritoryIndex, read_datasets
    from loaders.reference import read_reference

    territories = TerritoryIndex.from_reference(read_reference(EXTRACT, ["15", "71"]))
    gc.collect()
    rss_before = _memory_kib("VmRSS")
    started = time.perf_counter()
    if mode == "validate":
        (dataset,) = read_datasets([path], territories)
        count = len(dataset.content.contracts)
    elif mode == "plain yaml":
        count = len(yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)["contracts"])
    else:
        count = sum(len(d.content.contracts) for d in read_datasets([SEED_DATASETS], territories))
    seconds = time.perf_counter() - started
    peak = _memory_kib("VmHWM")
    print(json.dumps({"seconds": seconds, "contracts": count, "rss_before_kib": rss_before,
                      "peak_kib": peak}))  # fmt: skip


def _memory_kib(field: str) -> int:
    """``VmRSS`` (resident now) or ``VmHWM`` (its peak) of this process, Linux only. Not
    ``getrusage``: a child's ``ru_maxrss`` starts at its parent's when it was forked."""
    status = Path("/proc/self/status").read_text(encoding="utf-8")
    line = next(line for line in status.splitlines() if line.startswith(f"{field}:"))
    return int(line.split()[1])


def measure(mode: str, path: Path) -> dict[str, Any]:
    """Run :func:`child` in a fresh process; its figures and its peak RSS."""
    with tempfile.TemporaryFile("w+") as output:
        process = subprocess.Popen(
            [sys.executable, __file__, "--child", mode, str(path)], stdout=output
        )
        if process.wait() != 0:
            raise SystemExit(f"the {mode} measurement failed")
        output.seek(0)
        figures: dict[str, Any] = json.loads(output.read().strip().splitlines()[-1])
    peak, before = figures.pop("peak_kib"), figures.pop("rss_before_kib")
    figures["peak_rss_mib"] = peak / 1024
    figures["rss_increase_mib"] = (peak - before) / 1024
    return figures


def main(
    megabytes: Annotated[
        float, typer.Option(help="Size of the file, in MB (default: the default limit).")
    ] = DEFAULT_DATASET_MAX_BYTES / 1e6,
    json_path: Annotated[
        Path | None, typer.Option("--json", help="Also write the figures.")
    ] = None,
    child_mode: Annotated[str | None, typer.Option("--child", hidden=True)] = None,
    child_path: Annotated[Path | None, typer.Argument(hidden=True)] = None,
) -> None:
    """Validate the largest allowed dataset file; print time and memory beside baselines."""
    if child_mode is not None and child_path is not None:
        child(child_mode, child_path)
        return
    with tempfile.TemporaryDirectory(prefix="ctg-bench-limits-") as folder:
        path = Path(folder) / "largest.yaml"
        size = largest_dataset(path, int(megabytes * 1e6))
        print(f"dataset file: {size:,} bytes ({size / 1e6:.1f} MB)")
        results: dict[str, Any] = {"file_bytes": size}
        for mode in MODES:
            results[mode] = measure(mode, path)
            r = results[mode]
            print(
                f"  {mode:12} {r['seconds']:7.2f} s   peak RSS {r['peak_rss_mib']:7.1f} MiB "
                f"(+{r['rss_increase_mib']:.1f} MiB for the step)   {r['contracts']:,} contracts"
            )
    validate, plain = results["validate"], results["plain yaml"]
    results["ratios"] = {
        "seconds_vs_plain_yaml": validate["seconds"] / plain["seconds"],
        "rss_increase_vs_plain_yaml": validate["rss_increase_mib"] / plain["rss_increase_mib"],
        "rss_increase_per_file_mb": validate["rss_increase_mib"] / (size / 1e6),
    }
    ratios = results["ratios"]
    print(
        f"validate / plain YAML: {ratios['seconds_vs_plain_yaml']:.1f}x the time, "
        f"{ratios['rss_increase_vs_plain_yaml']:.1f}x the memory; "
        f"{ratios['rss_increase_per_file_mb']:.0f} MiB per MB of file"
    )
    if json_path is not None:
        json_path.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    typer.run(main)
