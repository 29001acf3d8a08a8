"""A full disk under the project-local Neo4j (issue 17), on a real tmpfs really filled.

The module mounts a small tmpfs (root only: skipped otherwise), runs its **own** Neo4j
there with the settings ctg writes, holding the Cantal and Saône-et-Loire, and backs it
up (``ctg db backup``) outside the tmpfs. Then:

1. with the disk nearly full, ``ctg load reference`` (all France) refuses before writing:
   one line that says how much it needs, where, and how much is free; nothing written;
2. the disk fills *during* a load of eight départements (a file takes every free byte
   once the loader's transaction is open): the load ends without a traceback and
   ``ctg db status`` says the state without one; Neo4j is killed while the disk is full
   (a crash), space is freed and Neo4j started again: the graph holds the reference as
   before or with the whole load — never a part of it;
3. ``ctg db restore`` of the backup brings back exactly the graph it held.

The figures (seconds, free space, node counts) go to test-output/reliability/disk_full.json.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from graph.driver import open_driver
from graph.local_server import LocalNeo4j, throwaway_instance
from graph.migrations import migrate
from graph.reference_store import graph_counts, write_reference
from graph.settings import Neo4jConnection
from loaders.reference import DEFAULT_DATA_DIR, read_reference
from tests.conftest import REFERENCE_EXTRACT, run_ctg
from tests.reliability.conftest import record_figures

TMPFS_MIB = 300
#: The load the disk fills under: eight départements of the north (about 12 000 rows),
#: a transaction of seconds, long enough for the filler to land inside it.
FILLED_LOAD = "02,14,27,59,60,62,76,80"

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("mount") is None,
    reason="mounting the small tmpfs that this test fills needs root (and mount)",
)


def _tool(name: str) -> str:
    path = shutil.which(name)
    assert path is not None, f"{name} is not installed"
    return path


def _nodes(connection: Neo4jConnection) -> int:
    with open_driver(connection) as driver:
        counts = graph_counts(driver, connection.database)
    return sum(count for name, count in counts.items() if not name.startswith(":"))


def _free(folder: Path) -> int:
    return shutil.disk_usage(folder).free


def _fill(folder: Path, leave: int = 0) -> Path:
    """Take every free byte of ``folder``'s filesystem but ``leave``."""
    filler = folder / f"filler-{time.monotonic_ns()}"
    free = _free(folder) - leave
    if free > 0:
        subprocess.run([_tool("fallocate"), "-l", str(free), str(filler)], check=False)
    return filler


def _ctg(server: LocalNeo4j, *args: str) -> subprocess.CompletedProcess[str]:
    local = {
        "CTG_NEO4J_DIR": str(server.home),
        "CTG_NEO4J_PORT": str(server.settings.port),
        "CTG_NEO4J_HEAP": server.settings.heap,
        "CTG_NEO4J_PAGECACHE": server.settings.pagecache,
    }
    return run_ctg(*args, local=local, timeout=600)


def _one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    out = result.stdout + result.stderr
    assert "Traceback" not in out, out
    assert result.returncode == 1, out
    return " ".join(out[out.index("Error:") :].split())


@pytest.fixture(scope="module")
def small_disk() -> Iterator[Path]:
    mount_point = Path(tempfile.mkdtemp(prefix="ctg-disk-full-"))
    subprocess.run(
        [
            _tool("mount"),
            "-t",
            "tmpfs",
            "-o",
            f"size={TMPFS_MIB}m,mode=0700",
            "tmpfs",
            str(mount_point),
        ],
        check=True,
    )
    try:
        yield mount_point
    finally:
        subprocess.run([_tool("umount"), "-l", str(mount_point)], check=False)
        shutil.rmtree(mount_point, ignore_errors=True)


def test_a_full_disk_refuses_or_recovers_and_a_backup_restores(
    small_disk: Path, tmp_path: Path
) -> None:
    figures: dict[str, Any] = {"tmpfs MiB": TMPFS_MIB}
    server = throwaway_instance(small_disk, heap="1g", pagecache="256m")
    try:
        started = time.perf_counter()
        connection = server.start()
        figures["first start s"] = round(time.perf_counter() - started, 1)
        with open_driver(connection) as driver:
            migrate(driver, connection.database)
            write_reference(
                driver, connection.database, read_reference(REFERENCE_EXTRACT, ["15", "71"])
            )
        baseline = _nodes(connection)
        figures["nodes before"] = baseline
        figures["free MiB with the reference extract"] = _free(small_disk) // 2**20

        # a backup, outside the small disk
        backup = tmp_path / "before.dump"
        started = time.perf_counter()
        result = _ctg(server, "db", "backup", "--to", str(backup))
        assert result.returncode == 0, result.stdout + result.stderr
        assert "Stopping Neo4j to back it up" in result.stderr, result.stderr
        figures["ctg db backup s"] = round(time.perf_counter() - started, 1)
        figures["backup KiB"] = backup.stat().st_size // 1024

        # 1. nearly full: refused before anything is written
        filler = _fill(small_disk, leave=8 * 2**20)
        result = _ctg(server, "load", "reference", "--departements", "all")
        message = _one_line_error(result)
        assert "Not enough disk space to load the reference (all France)" in message
        assert str(server.home) in message, message
        assert "free of" in message, message
        assert _nodes(connection) == baseline
        filler.unlink()

        # 2. the disk fills during the load
        fillers: list[Path] = []

        def fill_once_the_load_writes() -> None:
            with open_driver(connection) as driver:
                deadline = time.monotonic() + 300
                while time.monotonic() < deadline:
                    records, _, _ = driver.execute_query(
                        "SHOW TRANSACTIONS YIELD currentQuery WHERE currentQuery "
                        "CONTAINS ':Commune' AND NOT currentQuery STARTS WITH 'SHOW' "
                        "RETURN count(*) AS open"
                    )
                    if records[0]["open"]:
                        break
                    time.sleep(0.2)
            fillers.append(_fill(small_disk))

        filling = threading.Thread(target=fill_once_the_load_writes, daemon=True)
        filling.start()
        started = time.perf_counter()
        result = _ctg(server, "load", "reference", "--departements", FILLED_LOAD)
        figures["load on a filling disk s"] = round(time.perf_counter() - started, 1)
        filling.join(timeout=60)
        out = result.stdout + result.stderr
        assert "Traceback" not in out, out
        figures["load on a filling disk exit"] = result.returncode
        if result.returncode != 0:
            figures["load on a filling disk error"] = _one_line_error(result)[:300]
        figures["free bytes while full"] = _free(small_disk)
        status = _ctg(server, "db", "status")
        assert "Traceback" not in status.stdout + status.stderr, status.stderr
        state = [line for line in status.stderr.splitlines() if " state " in line]
        figures["ctg db status while full"] = " ".join(" ".join(state).split("│")).strip()[:200]

        # a crash while the disk is full, then space comes back
        pid = server.pid()
        assert pid is not None
        os.kill(pid, signal.SIGKILL)
        server.stop()
        for filler in fillers:
            filler.unlink(missing_ok=True)
        started = time.perf_counter()
        connection = server.start()
        figures["restart after the crash on a full disk s"] = round(
            time.perf_counter() - started, 1
        )
        after = _nodes(connection)
        figures["nodes after recovery"] = after
        # all or nothing: the extract as before, or every commune of the load on top of it
        communes = len(read_reference(DEFAULT_DATA_DIR, FILLED_LOAD.split(",")).communes)
        assert after == baseline or after >= baseline + communes, figures

        # 3. the backup restores the graph it held
        started = time.perf_counter()
        result = _ctg(server, "db", "restore", str(backup), "--force")
        assert result.returncode == 0, result.stdout + result.stderr
        figures["ctg db restore s"] = round(time.perf_counter() - started, 1)
        connection = server.start()
        assert _nodes(connection) == baseline
    finally:
        pid = server.pid()
        if pid is not None:
            os.kill(pid, signal.SIGKILL)
        server.stop()
        record_figures("disk_full", figures)
