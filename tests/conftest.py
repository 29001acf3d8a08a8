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

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from neo4j import Driver

from graph.driver import open_driver
from graph.local_server import throwaway_server
from graph.maintenance import clear_graph
from graph.migrations import migrate
from graph.settings import Neo4jConnection, external_connection

FIXTURES = Path(__file__).parent / "fixtures"
REFERENCE_EXTRACT = FIXTURES / "decoupage-administratif" / "data"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        parts = Path(str(item.fspath)).parts
        if "integration" in parts:
            item.add_marker(pytest.mark.integration)
        if "e2e" in parts:
            item.add_marker(pytest.mark.e2e)


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
