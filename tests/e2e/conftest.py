"""A real API server (uvicorn in a subprocess) over the test Neo4j, reached over HTTP.

The server itself is started by :mod:`testkit.api_server`, shared with the benchmarks;
its helpers are re-exported here for the e2e and reliability tests that import them.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from neo4j import Driver

from graph.maintenance import clear_graph
from graph.reference_store import write_reference
from graph.settings import Neo4jConnection
from loaders.reference import read_reference
from testkit.api_server import connection_env, running_api, start_api, stop_api
from tests.conftest import REFERENCE_EXTRACT

__all__ = ["api", "connection_env", "reference_only", "running_api", "start_api", "stop_api"]


def reference_only(driver: Driver, connection: Neo4jConnection) -> None:
    """Empty the graph, then write the Cantal and Saône-et-Loire of the test reference."""
    clear_graph(driver, connection.database)
    write_reference(driver, connection.database, read_reference(REFERENCE_EXTRACT, ["15", "71"]))


@pytest.fixture(scope="module")
def api(
    driver: Driver, neo4j_connection: Neo4jConnection, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[httpx.Client]:
    """An HTTP client on a running API whose graph holds the Cantal and Saône-et-Loire."""
    reference_only(driver, neo4j_connection)
    log = tmp_path_factory.mktemp("api") / "uvicorn.log"
    with running_api(connection_env(neo4j_connection), log) as client:
        yield client
