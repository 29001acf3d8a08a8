"""Shared fixtures.

Integration and end-to-end tests talk to a real Neo4j:

* by default a throwaway project-local server started here on a free port, with its
  own data folder (``$CTG_TEST_NEO4J_DIR/instance`` when scripts/test.sh sets it, else a
  pytest temp folder), stopped at the end of the session, also on failure;
* or the server of ``NEO4J_URI`` when set, **only** if ``CTG_TEST_ALLOW_CLEAR=1`` too,
  because the tests delete everything in that database.

Unit tests (``tests/unit``) never start it.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from neo4j import Driver

from domain.resources import PROJECT_ROOT
from graph.driver import open_driver
from graph.local_server import throwaway_server
from graph.maintenance import clear_graph
from graph.migrations import migrate
from graph.settings import Neo4jConnection, external_connection

FIXTURES = Path(__file__).parent / "fixtures"
REFERENCE_EXTRACT = FIXTURES / "decoupage-administratif" / "data"
EXAMPLE_DATASET = PROJECT_ROOT / "docs" / "examples" / "dataset-example.yaml"
#: A second dataset whose contract amends one of the worked example's; its key sorts
#: before the example's, so a loader writing in key order would get it wrong.
AMENDMENT_DATASET = (
    "format: ctg-graph/dataset@1\n"
    "dataset: {key: autre-jeu, title: Autre}\n"
    "default_source: autre-source\n"
    "sources: [{key: autre-source, title: Autre source}]\n"
    "partners: [{key: msa-auvergne, kind: msa, name: MSA Auvergne}]\n"
    "contracts:\n"
    "  - key: avenant-salers\n"
    "    kind: other\n"
    "    title: Avenant\n"
    "    signatories: [{partner: msa-auvergne}]\n"
    "    relations: [{type: amends, target: ctg-pays-de-salers-2022}]\n"
)


def run_ctg(
    *args: str,
    connection: Neo4jConnection | None = None,
    local: Mapping[str, str] | None = None,
    timeout: float = 300,
) -> subprocess.CompletedProcess[str]:
    """Run the `ctg` command line as a user would, against ``connection`` if given, or
    with ``local`` (``CTG_NEO4J_*`` settings) against a project-local instance, every
    ``NEO4J_*`` variable of the caller's shell left out."""
    env = {**os.environ, "COLUMNS": "200"}
    if connection is not None:
        env["NEO4J_URI"] = connection.uri
        env["NEO4J_USER"] = connection.user
        env["NEO4J_PASSWORD"] = connection.password
        env["NEO4J_DATABASE"] = connection.database
    if local is not None:
        env = {key: value for key, value in env.items() if not key.startswith("NEO4J_")}
        env.update(local)
    return subprocess.run(
        [sys.executable, "-m", "cli", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=PROJECT_ROOT,
        timeout=timeout,
        check=False,
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        parts = Path(str(item.fspath)).parts
        if "integration" in parts:
            item.add_marker(pytest.mark.integration)
        if "e2e" in parts:
            item.add_marker(pytest.mark.e2e)
        if "reliability" in parts:
            item.add_marker(pytest.mark.reliability)


@pytest.fixture(scope="session")
def draft_knowledge() -> Any:
    """What drafting knows (spaCy's French model, the gazetteer of all France), loaded once
    per session: the model alone takes about ten seconds."""
    from loaders.drafts.knowledge import Knowledge

    return Knowledge.load()


#: The annotated articles: one folder each, its article (.txt, .html or .pdf) and its gold
#: file of facts; the two seed articles of the project's datasets among them.
DRAFT_ARTICLES = Path(__file__).parent / "data" / "drafts"
SEED_ARTICLES = {
    "saint-flour-ctg-2017": DRAFT_ARTICLES / "saint-flour-ctg-2017" / "article.txt",
    "creusot-montceau-ctg-2021": DRAFT_ARTICLES / "creusot-montceau-ctg-2021" / "article.txt",
}


@pytest.fixture(scope="session")
def neo4j_connection(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Neo4jConnection]:
    external = external_connection()
    if external is not None:
        if os.environ.get("CTG_TEST_ALLOW_CLEAR") != "1":
            pytest.exit(
                f"NEO4J_URI is set ({external.uri}) and the tests would delete everything in "
                f"database {external.database!r}. Set CTG_TEST_ALLOW_CLEAR=1 to allow it, or "
                "unset NEO4J_URI to use a throwaway local Neo4j.",
                returncode=2,
            )
        yield external
        return
    root = os.environ.get("CTG_TEST_NEO4J_DIR")
    base = Path(root) if root else tmp_path_factory.mktemp("neo4j")
    with throwaway_server(
        base,
        heap=os.environ.get("CTG_TEST_NEO4J_HEAP", "1g"),
        pagecache=os.environ.get("CTG_TEST_NEO4J_PAGECACHE", "256m"),
    ) as connection:
        yield connection


@pytest.fixture(scope="session")
def driver(neo4j_connection: Neo4jConnection) -> Iterator[Driver]:
    with open_driver(neo4j_connection) as opened:
        migrate(opened, neo4j_connection.database)
        yield opened


@pytest.fixture
def empty_graph(driver: Driver, neo4j_connection: Neo4jConnection) -> Driver:
    """The driver, over a graph emptied of every node (constraints and indexes stay)."""
    clear_graph(driver, neo4j_connection.database)
    return driver


def load_seed_graph(driver: Driver, database: str) -> None:
    """Empty the graph, then load the Cantal and Saône-et-Loire reference extract and the
    two seed datasets of domain/data/partnerships, as ``ctg load`` does."""
    from loaders.datasets import DEFAULT_DATASETS
    from loaders.pipeline import load_partnerships, load_reference, read_partnerships
    from loaders.reference import read_reference

    clear_graph(driver, database)
    reference = read_reference(REFERENCE_EXTRACT, ["15", "71"])
    load_reference(driver, database, reference)
    load_partnerships(driver, database, read_partnerships([DEFAULT_DATASETS], reference))


def graph_snapshot(driver: Driver) -> str:
    """A checksum of every node's labels and properties and every relationship."""
    records, _, _ = driver.execute_query(
        "MATCH (n) OPTIONAL MATCH (n)-[r]->(m) "
        "WITH n, collect([type(r), properties(r), elementId(m)]) AS out "
        "RETURN elementId(n) AS id, labels(n) AS labels, properties(n) AS props, out "
        "ORDER BY id"
    )
    text = repr([(r["id"], sorted(r["labels"]), sorted(r["props"].items()),
                  sorted(map(repr, r["out"]))) for r in records])  # fmt: skip
    return hashlib.sha256(text.encode()).hexdigest()


def ask_schema(
    connection: Neo4jConnection, query: str, *, timeout: float = 120, **variables: Any
) -> dict[str, Any]:
    """Run a GraphQL ``query`` on the schema itself (no HTTP) against ``connection``,
    asserting it answers without errors; its data. The API's 10 s guard is not what the
    integration tests test: a busy machine's first queries (plans compiled cold) may take
    longer, hence ``timeout``."""
    import anyio

    from graph.reader import GraphReader
    from schema import schema
    from schema.context import Context

    async def go() -> dict[str, Any]:
        reader = GraphReader.open(connection, timeout=timeout)
        try:
            result = await schema.execute(
                query, variable_values=variables or None, context_value=Context.create(reader)
            )
            assert result.errors is None, result.errors
            assert result.data is not None
            return result.data
        finally:
            await reader.close()

    return anyio.run(go)
