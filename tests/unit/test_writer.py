"""What a curation write says when Neo4j goes away: before the commit nothing was
written; during the commit, no one can know, and the message must not claim either."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from neo4j.exceptions import IncompleteCommit, ServiceUnavailable

from domain.errors import DatabaseUnavailableError
from graph.writer import GraphWriter


class FailingDriver:
    """Enough of an AsyncDriver for GraphWriter, whose write fails with ``error``."""

    execute_query_bookmark_manager = None

    def __init__(self, error: Exception) -> None:
        self.error = error

    @asynccontextmanager
    async def session(self, **_: Any) -> AsyncIterator[FailingDriver]:
        yield self

    async def execute_write(self, _work: Any) -> None:
        raise self.error


def message_for(error: Exception) -> str:
    writer = GraphWriter(FailingDriver(error), "neo4j", timeout=1)  # type: ignore[arg-type]

    async def work(_tx: Any) -> None:
        return None

    with pytest.raises(DatabaseUnavailableError) as caught:
        asyncio.run(writer.write(work))
    return str(caught.value)


def test_lost_before_the_commit_nothing_was_written() -> None:
    assert "nothing was written" in message_for(ServiceUnavailable("connection refused"))


def test_lost_during_the_commit_the_outcome_is_unknown_and_said_so() -> None:
    message = message_for(IncompleteCommit("connection lost during commit"))
    assert "nothing was written" not in message
    assert "cannot be known" in message
    assert "Read it back" in message
