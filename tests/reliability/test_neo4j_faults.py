"""Neo4j failing under a load and under the API (issue 7), on a real server really killed.

The module runs its **own** throwaway Neo4j, never the session's (other tests use that
one), so that it can kill its JVM with SIGKILL — a crash: no shutdown, no checkpoint — or
stop it cleanly, and start it again on the same port with the same data and password.

* A partnership load whose Neo4j is killed while it writes a dataset fails with a message
  that says what was written and what to do, without a traceback; after a restart no
  dataset is there in part, a second run writes exactly what is missing, a third nothing.
  (A kill cannot be timed to hit a COMMIT: that message is checked on its own.)
* The API over a Neo4j that is stopped, killed or frozen (SIGSTOP: connections open, no
  answer) stays up: ``/healthz`` answers 503 at
  once, GraphQL answers a clear error and writes nothing, and once Neo4j is back the same
  process answers again.
* The API started with no Neo4j at all says so (the same answers).

The figures measured on the way (kill → the command's failure, ``/healthz`` while Neo4j is
down, restart → first success) are printed at the end of the module.
"""

from __future__ import annotations

import importlib.util
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from neo4j import Driver
from neo4j.exceptions import ServiceUnavailable

from cli import load as cli_load
from domain.errors import WriteInterruptedError
from graph.driver import connection_lost, open_driver
from graph.local_server import LocalNeo4j, free_port, throwaway_instance
from graph.migrations import migrate
from graph.partnership_store import DatasetGraph
from graph.reference_store import write_reference
from graph.settings import PROJECT_ROOT, Neo4jConnection
from loaders.dataset_graph import dataset_graph
from loaders.datasets import TerritoryIndex, Vocabularies, read_datasets
from loaders.reference import read_reference
from tests.conftest import REFERENCE_EXTRACT, graph_snapshot
from tests.e2e.conftest import connection_env, start_api, stop_api
from tests.reliability.conftest import record_figures

#: The datasets of the interrupted load, written in this order (no links between them).
CRASH_DATASETS = ("crash-a", "crash-b", "crash-c")
#: Synthetic copies of the Cantal and Saône-et-Loire per dataset: about 1 100 nodes and
#: 5 500 relationships, a transaction of a second or more, so the kill lands inside one.
COPIES_PER_DATASET = 1
TOKEN = "faults-e2e-token-0123456789abcdef"
SAINT_FLOUR = {"query": '{ territory(code: "15187") { name } }'}
LOCAL = Neo4jConnection("bolt://127.0.0.1:7687", "neo4j", "secret", "neo4j", local=True)
#: What no answer of the API may show: driver internals, addresses, stack traces.
INTERNALS = ("Traceback", "neo4j.exceptions", "ServiceUnavailable", "bolt://", "127.0.0.1")


# -- a Neo4j this module may kill ---------------------------------------------------------
@dataclass
class KillableNeo4j:
    """A throwaway local server and the connection to it, which survives restarts."""

    server: LocalNeo4j
    connection: Neo4jConnection
    _frozen: int = 0

    def kill(self) -> None:
        """SIGKILL the JVM, as a crash or the OOM killer would, and wait until it is gone."""
        pid = self.server.pid()
        assert pid is not None, "Neo4j is not running"
        os.kill(pid, signal.SIGKILL)
        _wait_until(lambda: self.server.pid() is None, 30, "the killed JVM to exit")

    def stop(self) -> None:
        """Stop it cleanly (SIGTERM: Neo4j checkpoints and closes its connections)."""
        assert self.server.stop(), "Neo4j was not running"

    def freeze(self) -> None:
        """SIGSTOP the JVM: a hung server, whose connections stay open but never answer."""
        pid = self.server.pid()
        assert pid is not None, "Neo4j is not running"
        os.kill(pid, signal.SIGSTOP)
        self._frozen = pid

    def thaw(self) -> float:
        """SIGCONT the frozen JVM; 0 seconds (it was never down)."""
        os.kill(self._frozen, signal.SIGCONT)
        return 0.0

    def restart(self) -> float:
        """Start it again (same port, data and password); the seconds it took."""
        started = time.perf_counter()
        connection = self.server.start()
        assert connection == self.connection, "a restart must not change how to connect"
        return time.perf_counter() - started

    @contextmanager
    def driver(self) -> Iterator[Driver]:
        with open_driver(self.connection) as driver:
            yield driver


@dataclass
class Figures:
    """Seconds measured by the tests, printed at the end of the module."""

    values: dict[str, float] = field(default_factory=dict)

    def add(self, name: str, seconds: float) -> None:
        self.values[name] = seconds


@pytest.fixture(scope="module")
def figures(pytestconfig: pytest.Config) -> Iterator[Figures]:
    measured = Figures()
    started = time.perf_counter()
    yield measured
    measured.add("whole module", time.perf_counter() - started)
    record_figures("neo4j_faults", {k: round(v, 2) for k, v in measured.values.items()})
    reporter = pytestconfig.pluginmanager.get_plugin("terminalreporter")
    capture = pytestconfig.pluginmanager.get_plugin("capturemanager")
    if reporter is not None and capture is not None:
        with capture.global_and_fixture_disabled():
            reporter.ensure_newline()
            for name, seconds in measured.values.items():
                reporter.write_line(f"neo4j faults: {name}: {seconds:.1f} s")


@pytest.fixture(scope="module")
def killable(figures: Figures, tmp_path_factory: pytest.TempPathFactory) -> Iterator[KillableNeo4j]:
    """A Neo4j of this module alone, holding the Cantal and Saône-et-Loire reference."""
    folder = tmp_path_factory.mktemp("killable-neo4j")
    server = throwaway_instance(folder, heap="1g", pagecache="256m")
    try:
        started = time.perf_counter()
        connection = server.start()
        figures.add("first start of the module's Neo4j", time.perf_counter() - started)
        with open_driver(connection) as driver:
            migrate(driver, connection.database)
            write_reference(
                driver, connection.database, read_reference(REFERENCE_EXTRACT, ["15", "71"])
            )
        yield KillableNeo4j(server, connection)
    finally:
        pid = server.pid()
        if pid is not None:  # its data is deleted next: no need for a clean stop
            os.kill(pid, signal.SIGKILL)
        server.stop()  # waits until the JVM is gone
        shutil.rmtree(folder, ignore_errors=True)


# -- 1. a partnership load killed mid-way ---------------------------------------------------
def test_a_load_killed_mid_way_fails_clearly_and_a_rerun_completes_it_exactly(
    killable: KillableNeo4j, figures: Figures, tmp_path: Path
) -> None:
    folder = write_crash_datasets(tmp_path / "datasets")
    expected = expected_rows(folder)
    assert [graph.key for graph in expected] == list(CRASH_DATASETS)
    with killable.driver() as driver:
        baseline = nonzero(graph_counts(driver))
        assert not dataset_keys(driver), "the module's Neo4j must start without datasets"

    # Kill Neo4j while the loader writes the second dataset: after the first one is
    # reported written, and once the next transaction is open on the server.
    started = time.perf_counter()
    with ctg_running(killable.connection, "load", "partnerships", str(folder)) as load:
        load.wait_for(re.compile(r"Dataset crash-a: .*\(loaded;"), timeout=120)
        figures.add("the load until its first dataset is written", time.perf_counter() - started)
        with killable.driver() as driver:
            _wait_until(lambda: loader_transactions(driver) > 0, 30, "the next transaction")
            killable.kill()
        killed = time.perf_counter()
        returncode = load.finish(timeout=120)
        figures.add("kill -9 → `ctg load partnerships` fails", time.perf_counter() - killed)
    out = load.output()
    assert returncode == 1, out
    assert "Traceback" not in out, out
    # the driver's retry warnings are not for the user
    assert "will be retried" not in out, out
    assert "defunct" not in out, out
    message = " ".join(out[out.index("Error:") :].split())
    assert "Neo4j stopped answering" in message, message
    assert "Already loaded: crash-a." in message, message
    assert "crash-c" in message.split("Not loaded yet:")[1], message
    assert "run the same command" in message, message
    interrupted_in_commit = "cannot be known" in message  # a kill during COMMIT itself
    if not interrupted_in_commit:
        assert "'crash-b' was being written; nothing of it was written" in message, message

    figures.add("restart after the kill mid-load", killable.restart())
    with killable.driver() as driver:
        present = dataset_keys(driver)
        assert "crash-a" in present, present
        assert "crash-c" not in present, present
        if not interrupted_in_commit:
            assert "crash-b" not in present, present
        # every dataset is whole or absent, never in part
        for graph in expected:
            assert dataset_rows(driver, graph.key) == (
                rows_of(graph) if graph.key in present else (Counter(), Counter())
            ), graph.key
        assert nonzero(graph_counts(driver)) == totals(
            baseline, [g for g in expected if g.key in present]
        )

    started = time.perf_counter()
    second = run_ctg(killable.connection, "load", "partnerships", str(folder))
    figures.add("the load run again (writes what is missing)", time.perf_counter() - started)
    assert second.returncode == 0, second.stderr
    assert re.search(r"Dataset crash-a: .*\(unchanged, nothing written", second.stderr)
    assert re.search(r"Dataset crash-c: .*\(loaded;", second.stderr)
    with killable.driver() as driver:
        assert dataset_keys(driver) == set(CRASH_DATASETS)
        for graph in expected:
            assert dataset_rows(driver, graph.key) == rows_of(graph), graph.key
        assert nonzero(graph_counts(driver)) == totals(baseline, expected)
        assert duplicate_keys(driver) == []
        before_third = graph_snapshot(driver)

    started = time.perf_counter()
    third = run_ctg(killable.connection, "load", "partnerships", str(folder))
    figures.add("the load a third time (writes nothing)", time.perf_counter() - started)
    assert third.returncode == 0, third.stderr
    assert third.stderr.count("(unchanged, nothing written") == len(CRASH_DATASETS)
    with killable.driver() as driver:
        assert graph_snapshot(driver) == before_third


def test_a_load_cut_during_a_commit_says_that_dataset_may_be_written() -> None:
    # The kill above lands inside a transaction; one landing inside its COMMIT cannot be
    # timed, so its message is checked here: the dataset is neither "loaded" nor "not".
    graphs = [DatasetGraph(key, "checksum", {}, (), ()) for key in CRASH_DATASETS]
    cut = WriteInterruptedError("Neo4j stopped answering while it committed…", "crash-b", True)
    message = str(cli_load._load_interrupted(cut, LOCAL, ["crash-a"], graphs[1:]))
    assert "Already loaded: crash-a. Not loaded yet: crash-c." in message
    assert "Start Neo4j again (`ctg db start`) and run the same command" in message


def test_neo4j_lost_in_any_command_is_a_message_not_a_traceback() -> None:
    refused = ServiceUnavailable("Couldn't connect to 127.0.0.1:7687 (resolved to …)")
    refused.__cause__ = ConnectionRefusedError(111, "Connection refused")
    lost = connection_lost(refused)
    assert lost is not None
    assert str(lost).startswith("Neo4j stopped answering (connection refused):")
    assert "run the same command again" in str(lost)
    assert connection_lost(ValueError("a bug")) is None  # bugs keep their traceback


def write_crash_datasets(folder: Path) -> Path:
    """Write the datasets of :data:`CRASH_DATASETS`: each joins synthetic copies of the
    Cantal and Saône-et-Loire (bench/synthetic_partnerships.py, real territory codes) with
    their keys made unique, so they validate and load over the reference extract."""
    generate = _synthetic_generator()
    records = read_reference(REFERENCE_EXTRACT, ["15", "71"])
    folder.mkdir(parents=True)
    copy = 0
    for key in CRASH_DATASETS:
        merged: dict[str, Any] | None = None
        for _ in range(COPIES_PER_DATASET):
            copy += 1
            for document in generate(records, 2026 + copy).values():
                document = _rekeyed(document, f"synth{copy}-")
                if merged is None:
                    merged = {**document, "dataset": {"key": key, "title": f"Panne {key}"}}
                    continue
                for part in ("sources", "partners", "contracts", "bodies", "fundings"):
                    merged[part].extend(document[part])
        (folder / f"{key}.yaml").write_text(
            yaml.safe_dump(merged, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )
    return folder


def _synthetic_generator() -> Callable[..., dict[str, dict[str, Any]]]:
    path = PROJECT_ROOT / "bench" / "synthetic_partnerships.py"  # bench/ is not a package
    spec = importlib.util.spec_from_file_location("synthetic_partnerships", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    generate: Callable[..., dict[str, dict[str, Any]]] = module.generate
    return generate


def _rekeyed(value: Any, prefix: str) -> Any:
    """``value`` with every ``synth-…`` key renamed ``<prefix>…``."""
    if isinstance(value, dict):
        return {name: _rekeyed(item, prefix) for name, item in value.items()}
    if isinstance(value, list):
        return [_rekeyed(item, prefix) for item in value]
    if isinstance(value, str) and value.startswith("synth-"):
        return prefix + value.removeprefix("synth-")
    return value


def expected_rows(folder: Path) -> list[DatasetGraph]:
    """The rows each dataset of ``folder`` must produce, by the loader's own reading."""
    reference = read_reference(REFERENCE_EXTRACT, ["15", "71"])
    vocabularies = Vocabularies.load()
    datasets = read_datasets([folder], TerritoryIndex.from_reference(reference), vocabularies)
    return sorted((dataset_graph(d, vocabularies) for d in datasets), key=lambda g: g.key)


def rows_of(graph: DatasetGraph) -> tuple[Counter[str], Counter[str]]:
    """Nodes per label and relationships per type that ``graph`` owns once written."""
    labels = Counter(node.label for node in graph.nodes)
    labels["Territory"] += labels["SubTerritory"]  # sub-territories are territories too
    return +labels, Counter(edge.type for edge in graph.edges)


def totals(baseline: dict[str, int], graphs: list[DatasetGraph]) -> dict[str, int]:
    """What ``graph_counts`` must say with ``graphs`` written over ``baseline``."""
    counts = Counter(baseline)
    shared: set[tuple[str, str]] = set()
    for graph in graphs:
        labels, types = rows_of(graph)
        counts.update(labels)
        counts.update({":" + name: count for name, count in types.items()})
        counts["Dataset"] += 1
        shared.update((node.label, node.key) for node in graph.shared)
    counts.update(label for label, _key in shared)  # vocabulary: once, whoever wrote it
    return dict(counts)


def graph_counts(driver: Driver) -> dict[str, int]:
    """Nodes per label and relationships per ``:TYPE``, as ``ctg db status`` lists them."""
    labels, _, _ = driver.execute_query(
        "MATCH (n) UNWIND labels(n) AS name RETURN name, count(*) AS count"
    )
    types, _, _ = driver.execute_query(
        "MATCH ()-[r]->() RETURN ':' + type(r) AS name, count(*) AS count"
    )
    return {record["name"]: record["count"] for record in [*labels, *types]}


def nonzero(counts: dict[str, int]) -> dict[str, int]:
    return {name: count for name, count in counts.items() if count}


def dataset_keys(driver: Driver) -> set[str]:
    records, _, _ = driver.execute_query("MATCH (d:Dataset) RETURN d.key AS key")
    return {record["key"] for record in records}


def dataset_rows(driver: Driver, key: str) -> tuple[Counter[str], Counter[str]]:
    """Nodes per label and relationships per type that carry ``dataset: key``."""
    nodes, _, _ = driver.execute_query(
        "MATCH (n) WHERE n.dataset = $key UNWIND labels(n) AS label "
        "RETURN label, count(*) AS count",
        key=key,
    )
    edges, _, _ = driver.execute_query(
        "MATCH ()-[r]->() WHERE r.dataset = $key RETURN type(r) AS type, count(*) AS count",
        key=key,
    )
    return (
        Counter({r["label"]: r["count"] for r in nodes}),
        Counter({r["type"]: r["count"] for r in edges}),
    )


def duplicate_keys(driver: Driver) -> list[tuple[str, str]]:
    """(label, key) pairs held by more than one node."""
    records, _, _ = driver.execute_query(
        "MATCH (n) WHERE n.key IS NOT NULL UNWIND labels(n) AS label "
        "WITH label, n.key AS key, count(*) AS copies WHERE copies > 1 RETURN label, key"
    )
    return [(record["label"], record["key"]) for record in records]


def loader_transactions(driver: Driver) -> int:
    """Transactions open on the server other than this look-up (the loader's)."""
    records, _, _ = driver.execute_query(
        "SHOW TRANSACTIONS YIELD currentQuery "
        "WHERE NOT currentQuery STARTS WITH 'SHOW TRANSACTIONS' RETURN count(*) AS open"
    )
    return int(records[0]["open"])


# -- running `ctg` while watching what it says ----------------------------------------------
def _ctg_env(connection: Neo4jConnection) -> dict[str, str]:
    # NEO4J_URI points at the module's server; COLUMNS keeps each line on one line
    return {**os.environ, "COLUMNS": "200", **connection_env(connection)}


def run_ctg(connection: Neo4jConnection, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cli", *args],
        capture_output=True, text=True, env=_ctg_env(connection), cwd=PROJECT_ROOT,
        timeout=300, check=False,
    )  # fmt: skip


class RunningCtg:
    """A ``ctg`` command running in the background, its stderr read line by line."""

    def __init__(self, connection: Neo4jConnection, args: tuple[str, ...]) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "cli", *args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env=_ctg_env(connection), cwd=PROJECT_ROOT,
        )  # fmt: skip
        self.lines: list[str] = []
        self._new: queue.Queue[str] = queue.Queue()
        self._stdout: list[str] = []
        self._readers = [
            threading.Thread(target=self._read_stderr, daemon=True),
            threading.Thread(target=self._read_stdout, daemon=True),
        ]
        for reader in self._readers:
            reader.start()

    def _read_stderr(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.append(line)
            self._new.put(line)

    def _read_stdout(self) -> None:
        assert self.process.stdout is not None
        self._stdout.append(self.process.stdout.read())

    def wait_for(self, pattern: re.Pattern[str], timeout: float) -> str:
        """The first stderr line matching ``pattern``; fails if the command ends first."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self._new.get(timeout=0.05)
            except queue.Empty:
                if self.process.poll() is not None and self._new.empty():
                    pytest.fail(f"ctg ended before {pattern.pattern!r}:\n{self.output()}")
                continue
            if pattern.search(line):
                return line
        pytest.fail(f"ctg said no {pattern.pattern!r} within {timeout:.0f}s:\n{self.output()}")

    def finish(self, timeout: float) -> int:
        returncode = self.process.wait(timeout=timeout)
        for reader in self._readers:
            reader.join(timeout=10)
        return returncode

    def output(self) -> str:
        return "".join(self._stdout) + "".join(self.lines)


@contextmanager
def ctg_running(connection: Neo4jConnection, *args: str) -> Iterator[RunningCtg]:
    command = RunningCtg(connection, args)
    try:
        yield command
    finally:
        if command.process.poll() is None:
            command.process.kill()
            command.process.wait()


# -- 2. the API while Neo4j goes away and comes back -------------------------------------
@dataclass
class RunningApi:
    process: subprocess.Popen[bytes]
    client: httpx.Client
    log: Path


@pytest.fixture(scope="module")
def api_over_killable(
    killable: KillableNeo4j, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningApi]:
    """One API process for every fault below: none of them may need it restarted."""
    log = tmp_path_factory.mktemp("api-over-killable") / "uvicorn.log"
    env = {**connection_env(killable.connection), "CTG_API_TOKENS": f"faults={TOKEN}"}
    process, base = start_api(env, log)
    try:
        with httpx.Client(base_url=base, timeout=120) as client:
            yield RunningApi(process, client, log)
    finally:
        stop_api(process)


@pytest.mark.parametrize("how", ["stop", "kill", "freeze"])
def test_the_api_stays_up_while_neo4j_is_down_and_answers_again_once_it_is_back(
    how: str, killable: KillableNeo4j, api_over_killable: RunningApi, figures: Figures
) -> None:
    api = api_over_killable
    client = api.client
    assert client.post("/graphql", json=SAINT_FLOUR).json() == {
        "data": {"territory": {"name": "Saint-Flour"}}
    }
    assert client.get("/healthz").status_code == 200

    if how == "stop":
        killable.stop()
    elif how == "kill":
        killable.kill()
    else:
        killable.freeze()
    try:
        _while_down(how, api, figures)
    finally:
        if how == "freeze":
            killable.thaw()  # never leave a stopped JVM behind, even when the test fails
        else:
            figures.add(f"restart after the {how}", killable.restart())
    _back_again(how, killable, api, figures)


def _while_down(how: str, api: RunningApi, figures: Figures) -> None:
    client = api.client

    started = time.perf_counter()
    health = client.get("/healthz")
    figures.add(f"/healthz with Neo4j down ({how})", time.perf_counter() - started)
    assert health.status_code == 503
    assert health.json()["neo4j"] == "down"
    assert "does not answer" in health.json()["detail"]
    # a guard against hanging for the driver's 30-60 s timeouts, not a benchmark
    assert time.perf_counter() - started < 10

    source_key = f"note-pendant-la-panne-{how}"
    mutation = {
        "query": f'mutation {{ createSource(input: {{key: "{source_key}", '
        'title: "Écrite pendant la panne"}) { __typename } }'
    }
    with ThreadPoolExecutor(2) as pool:  # both wait for the driver's retries: in parallel
        timed_query = pool.submit(_timed, lambda: client.post("/graphql", json=SAINT_FLOUR))
        timed_mutation = pool.submit(
            _timed,
            lambda: client.post(
                "/graphql", json=mutation, headers={"Authorization": f"Bearer {TOKEN}"}
            ),
        )
        query, query_seconds = timed_query.result()
        written, _ = timed_mutation.result()
    figures.add(f"GraphQL error with Neo4j down ({how})", query_seconds)
    for response in (query, written):
        assert response.status_code == 200, response.text
        assert not any(internal in response.text for internal in INTERNALS), response.text
    assert query.json()["data"] == {"territory": None}
    assert "does not answer" in query.json()["errors"][0]["message"]
    assert written.json()["data"] is None  # createSource's result is not nullable
    assert "does not answer" in written.json()["errors"][0]["message"]
    assert api.process.poll() is None, "the API must stay up"


def _back_again(how: str, killable: KillableNeo4j, api: RunningApi, figures: Figures) -> None:
    client = api.client
    source_key = f"note-pendant-la-panne-{how}"
    back = time.perf_counter()
    _wait_until(lambda: client.get("/healthz").status_code == 200, 60, "/healthz to say 200")
    assert client.post("/graphql", json=SAINT_FLOUR).json() == {
        "data": {"territory": {"name": "Saint-Flour"}}
    }
    figures.add(f"Neo4j back → first successful query ({how})", time.perf_counter() - back)
    assert api.process.poll() is None, "the same API process answers again"
    with killable.driver() as driver:
        records, _, _ = driver.execute_query(
            "MATCH (s:Source {key: $key}) RETURN count(s) AS n", key=source_key
        )
        assert records[0]["n"] == 0, "a mutation refused while Neo4j was down wrote later"


def _timed(call: Callable[[], httpx.Response]) -> tuple[httpx.Response, float]:
    started = time.perf_counter()
    response = call()
    return response, time.perf_counter() - started


# -- 3. the API started with no Neo4j at all ------------------------------------------------
def test_healthz_is_503_and_graphql_explains_when_neo4j_is_unreachable(tmp_path: Path) -> None:
    nowhere = f"bolt://127.0.0.1:{free_port()}"
    process, base = start_api(
        {"NEO4J_URI": nowhere, "NEO4J_PASSWORD": "unused"}, tmp_path / "uvicorn.log"
    )
    try:
        health = httpx.get(base + "/healthz", timeout=30)
        assert health.status_code == 503
        assert health.json()["neo4j"] == "down"
        body = httpx.post(
            base + "/graphql", json={"query": '{ territory(code: "15187") { name } }'}, timeout=30
        ).json()
        assert body["data"] == {"territory": None}
        assert "does not answer" in body["errors"][0]["message"]
        assert "127.0.0.1" not in body["errors"][0]["message"]
        assert process.poll() is None, "the server must stay up"
    finally:
        stop_api(process)


def _wait_until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"waited {timeout:.0f}s for {what}")
        time.sleep(0.02)
