"""A query that runs past the transaction timeout is stopped by Neo4j and explained."""

from __future__ import annotations

import anyio
import pytest

from domain.errors import TimedOutError
from graph.reader import GraphReader
from graph.settings import Neo4jConnection
from schema.error_codes import exception_code


def test_a_query_past_the_timeout_is_stopped_with_a_clear_message(
    neo4j_connection: Neo4jConnection,
) -> None:
    async def go() -> None:
        reader = GraphReader.open(neo4j_connection, timeout=0.2)
        try:
            with pytest.raises(TimedOutError, match=r"longer than 0\.2 s") as stopped:
                await reader.read("UNWIND range(1, 1000000000) AS x RETURN count(x) AS n")
            # the API answers it with this code (schema/error_codes.py)
            assert exception_code(stopped.value).name == "TIMEOUT"
            # the reader still works for reasonable queries
            assert await reader.read("RETURN 1 AS one") == [{"one": 1}]
        finally:
            await reader.close()

    anyio.run(go)
