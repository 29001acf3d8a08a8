"""Hostile and broken dataset files through the real commands: ``ctg validate`` on each,
``ctg load partnerships`` on a folder of all of them, and loads of a file that a slow
writer keeps rewriting. Each hostile file must get its one-line problem within seconds
and bounded memory, exit 1 without a traceback, and write nothing; a file rewritten
during a load is loaded whole or refused, never loaded truncated.

Before this test (the probe of issue 17): a 455-byte alias bomb used > 6 GiB for 78 s and
ended in a ``MemoryError`` traceback, nesting 500–20 000 deep in a ``RecursionError``,
50 000 deep in a segfault, a 200 MB file took > 8 GiB for 2 min 42 s, a FIFO hung the
command forever, a link to ``/etc/shadow`` printed its lines, and a file rewritten
during a load was loaded truncated in 3 loads of 10.

Each command runs with the Cantal and Saône-et-Loire extract as its reference
(``CTG_NODE_MODULES``) so that a run costs the start of a process, not the reading of
all France; its time and peak memory (its own ``VmHWM``, written as it exits: a child's
``ru_maxrss`` would start at the forking pytest's) are printed beside those of
validating the two seed datasets, and kept in
test-output/reliability/hostile_files.json. ``CTG_HOSTILE_REWRITES`` sets the number of
loads during rewrites (default 6).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from neo4j import Driver

from domain.resources import PROJECT_ROOT, SEED_DATASETS
from graph.maintenance import clear_graph
from graph.reference_store import write_reference
from graph.settings import Neo4jConnection
from loaders.reference import read_reference
from tests.conftest import FIXTURES, REFERENCE_EXTRACT, graph_snapshot
from tests.reliability.conftest import record_figures
from tests.unit.test_hostile_files import SECRET, alias_bomb, nested

REWRITES = int(os.environ.get("CTG_HOSTILE_REWRITES", "6"))
SEED = SEED_DATASETS / "creusot-montceau-ctg-2021.yaml"


def _link(target: str) -> Callable[[Path], object]:
    return lambda path: path.symlink_to(target)


def _text(text: str) -> Callable[[Path], object]:
    return lambda path: path.write_text(text, encoding="utf-8")


def _oversize(path: Path) -> None:
    with path.open("w", encoding="utf-8") as handle:
        handle.write(SEED.read_text(encoding="utf-8"))
        handle.write("# padding of a file over the 20 MB limit\n" * 520_000)


#: name → (how to make it, what its one problem says)
CASES: dict[str, tuple[Callable[[Path], object], str]] = {
    "alias bomb": (_text(alias_bomb(9)), "aliases of this file repeat more than"),
    "nested 500 flow": (_text(nested(500, "flow")), "nested more than 64 levels"),
    "nested 50000 flow": (_text(nested(50_000, "flow")), "nested more than 64 levels"),
    "nested 20000 block": (_text(nested(20_000, "block list")), "nested more than 64 levels"),
    "nested 50000 block": (_text(nested(50_000, "block list")), "nested more than 64 levels"),
    "21 MB file": (_oversize, "over the limit of 20,000,000 bytes"),
    "FIFO": (os.mkfifo, "a named pipe (FIFO), not a regular file"),
    "link to /dev/zero": (_link("/dev/zero"), "a symbolic link to /dev/zero, outside"),
    "link to /etc/shadow": (_link("/etc/shadow"), "a symbolic link to /etc/shadow, outside"),
    "binary": (lambda p: p.write_bytes(os.urandom(4096)), "not UTF-8 text"),
    "not a dataset": (_text(f"{SECRET}\n" * 20), "not a dataset file"),
}


@pytest.fixture(scope="module")
def extract_node_modules() -> Iterator[Path]:
    """A node_modules folder whose territorial reference is the test extract."""
    with tempfile.TemporaryDirectory(prefix="ctg-extract-") as folder:
        package = Path(folder) / "@etalab" / "decoupage-administratif"
        package.parent.mkdir()
        package.symlink_to(FIXTURES / "decoupage-administratif")
        yield Path(folder)


#: Runs ``ctg`` (``python -m cli``) and writes its peak RSS (KiB) to the file ``argv[1]``
#: as it exits.
_MEASURED_CTG = """
import atexit, pathlib, runpy, sys
peak = pathlib.Path(sys.argv.pop(1))
def report():
    status = pathlib.Path("/proc/self/status").read_text()
    peak.write_text(next(l for l in status.splitlines() if l.startswith("VmHWM:")).split()[1])
atexit.register(report)
sys.argv[0] = "ctg"
runpy.run_module("cli", run_name="__main__")
"""


def run_measured(
    *args: str, node_modules: Path, connection: Neo4jConnection | None = None
) -> tuple[int, str, float, float]:
    """Run ``ctg ARGS``; return its exit code, its output, seconds and peak RSS in MiB."""
    env = {**os.environ, "COLUMNS": "200", "CTG_NODE_MODULES": str(node_modules)}
    if connection is not None:
        env["NEO4J_URI"], env["NEO4J_USER"] = connection.uri, connection.user
        env["NEO4J_PASSWORD"], env["NEO4J_DATABASE"] = connection.password, connection.database
    with tempfile.TemporaryDirectory() as folder:
        peak = Path(folder) / "peak"
        started = time.perf_counter()
        result = subprocess.run(
            [sys.executable, "-c", _MEASURED_CTG, str(peak), *args],
            capture_output=True, text=True, env=env, cwd=PROJECT_ROOT, timeout=120,
            check=False,
        )  # fmt: skip
        seconds = time.perf_counter() - started
        rss = int(peak.read_text()) / 1024 if peak.exists() else float("nan")
    return result.returncode, result.stdout + result.stderr, seconds, rss


def test_each_hostile_file_gets_one_line_fast_in_bounded_memory_and_writes_nothing(
    driver: Driver,
    neo4j_connection: Neo4jConnection,
    extract_node_modules: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder = tmp_path / "hostile"
    folder.mkdir()
    paths = {}
    for name, (make, _) in CASES.items():
        paths[name] = folder / f"{name.replace(' ', '-').replace('/', '')}.yaml"
        make(paths[name])
    figures: dict[str, dict[str, float]] = {}
    code, output, seconds, rss = run_measured(
        "validate", str(SEED_DATASETS), node_modules=extract_node_modules
    )
    assert code == 0, output
    figures["baseline: the two seed datasets, valid"] = {
        "seconds": round(seconds, 2),
        "peak_mib": round(rss, 1),
    }
    for name, (_, expected) in CASES.items():
        code, output, seconds, rss = run_measured(
            "validate", str(paths[name]), node_modules=extract_node_modules
        )
        figures[name] = {"seconds": round(seconds, 2), "peak_mib": round(rss, 1)}
        assert code == 1, output
        assert "Traceback" not in output, output
        assert "1 problem(s)" in output, output
        problem = next(line for line in output.splitlines() if str(paths[name]) in line)
        assert expected in problem, output
        assert "s3cr3t" not in output
    before = graph_snapshot(driver)
    code, output, seconds, rss = run_measured(
        "load", "partnerships", str(folder), node_modules=extract_node_modules,
        connection=neo4j_connection,
    )  # fmt: skip
    figures["ctg load partnerships, all of them"] = {
        "seconds": round(seconds, 2),
        "peak_mib": round(rss, 1),
    }
    assert code == 1, output
    assert "Traceback" not in output, output
    assert f"{len(CASES)} problem(s)" in output, output
    assert "nothing was written" in output, output
    assert graph_snapshot(driver) == before
    record_figures("hostile_files", figures)
    with capsys.disabled():
        for name, measured in figures.items():
            print(f"  {name:40} {measured['seconds']:6.2f} s {measured['peak_mib']:7.1f} MiB")


class SlowWriter(threading.Thread):
    """Rewrites ``path`` with ``text`` over and over, 4 kB at a time, as a copy over a
    slow link would, leaving it whole for a fifth of a second between two rewrites: a
    load may read it incomplete, or whole and then see it rewritten before it writes."""

    def __init__(self, path: Path, text: str) -> None:
        super().__init__(daemon=True)
        self.path, self.data, self.done = path, text.encode(), threading.Event()
        self.rewrites = 0

    def run(self) -> None:
        while not self.done.is_set():
            with self.path.open("wb") as handle:
                for start in range(0, len(self.data), 4096):
                    handle.write(self.data[start : start + 4096])
                    handle.flush()
                    time.sleep(0.002)
            self.rewrites += 1
            time.sleep(0.2)


def test_a_file_rewritten_during_loads_is_loaded_whole_or_refused(
    driver: Driver,
    neo4j_connection: Neo4jConnection,
    extract_node_modules: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    clear_graph(driver, neo4j_connection.database)
    write_reference(driver, neo4j_connection.database, read_reference(REFERENCE_EXTRACT))
    path = tmp_path / "rewritten" / SEED.name
    path.parent.mkdir()
    path.write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    code, output, _, _ = run_measured(
        "load", "partnerships", str(path.parent), node_modules=extract_node_modules,
        connection=neo4j_connection,
    )  # fmt: skip
    assert code == 0, output
    whole = graph_snapshot(driver)
    outcomes: Counter[str] = Counter()
    writer = SlowWriter(path, SEED.read_text(encoding="utf-8"))
    writer.start()
    try:
        for _ in range(REWRITES):
            code, output, _, _ = run_measured(
                "load", "partnerships", str(path.parent), node_modules=extract_node_modules,
                connection=neo4j_connection,
            )  # fmt: skip
            assert "Traceback" not in output, output
            # loaded truncated would leave another graph than the whole file's
            assert graph_snapshot(driver) == whole, output
            if code == 0:
                assert "unchanged, nothing written" in output, output
                outcomes["loaded whole"] += 1
            elif "changed while it was read" in output:
                outcomes["refused: changed while read"] += 1
            elif "changed after they were validated" in output:
                outcomes["refused: changed after validation"] += 1
            else:
                assert "nothing was written" in output, output
                outcomes["refused: read incomplete, so invalid"] += 1
    finally:
        writer.done.set()
        writer.join()
    clear_graph(driver, neo4j_connection.database)
    record_figures("hostile_rewrites", {"loads": REWRITES, "rewrites": writer.rewrites,
                                         **outcomes})  # fmt: skip
    with capsys.disabled():
        print(f"\n{REWRITES} loads during {writer.rewrites} rewrites: {dict(outcomes)}")
