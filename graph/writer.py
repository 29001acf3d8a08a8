"""The API's write access to Neo4j (curation mutations): one write transaction per call,
with a time limit, causally chained with the reads of :class:`graph.reader.GraphReader`
(a client reading right after its mutation sees it, also on a cluster)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from neo4j import WRITE_ACCESS, AsyncDriver, AsyncManagedTransaction, unit_of_work
from neo4j.exceptions import IncompleteCommit, Neo4jError, ServiceUnavailable, SessionExpired

from domain.errors import DatabaseUnavailableError, TimedOutError

T = TypeVar("T")


class GraphWriter:
    """Runs one unit of work in one write transaction."""

    def __init__(self, driver: AsyncDriver, database: str, timeout: float) -> None:
        self._driver = driver
        self.database = database
        self.timeout = timeout

    async def write(self, work: Callable[[AsyncManagedTransaction], Awaitable[T]]) -> T:
        """Run ``work`` in a write transaction (retried by the driver on transient
        failures, rolled back when ``work`` raises)."""
        try:
            async with self._driver.session(  # pyright: ignore[reportUnknownMemberType]  neo4j: untyped **config
                database=self.database,
                default_access_mode=WRITE_ACCESS,
                bookmark_manager=self._driver.execute_query_bookmark_manager,
            ) as session:
                return await session.execute_write(unit_of_work(timeout=self.timeout)(work))
        except IncompleteCommit as error:
            raise DatabaseUnavailableError(
                "The graph database stopped answering while this change was being committed, "
                "so whether it was written cannot be known here. Read it back before trying "
                "again (a create that did land is then refused as already existing)."
            ) from error
        except (ServiceUnavailable, SessionExpired, OSError) as error:
            raise DatabaseUnavailableError(
                "The graph database does not answer right now; nothing was written. Try again "
                "shortly."
            ) from error
        except Neo4jError as error:
            if "TransactionTimedOut" in (error.code or ""):
                raise TimedOutError(
                    f"The change took longer than {self.timeout:g} s and was rolled back; "
                    "nothing was written."
                ) from error
            if error.is_retryable():
                raise DatabaseUnavailableError(
                    "The graph database is busy or restarting; nothing was written. Try again "
                    "shortly."
                ) from error
            raise
