"""The API's read access to Neo4j: one :class:`GraphReader` per process, opened and
closed by the app lifespan, shared by every request (the driver is a connection pool).

Driver failures become :class:`domain.errors.DatabaseUnavailableError` with a message safe
to show to API clients; other errors propagate (the API masks them).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any, LiteralString

from neo4j import READ_ACCESS, AsyncDriver, Query, RoutingControl
from neo4j.exceptions import (
    AuthError,
    DriverError,
    Neo4jError,
    ServiceUnavailable,
    SessionExpired,
)

from domain.errors import DatabaseUnavailableError, TimedOutError
from graph.driver import open_async_driver
from graph.settings import Neo4jConnection
from graph.writer import GraphWriter

Row = dict[str, Any]


class GraphReader:
    """Runs read queries (routed to readers in a cluster) and returns plain dicts."""

    def __init__(self, driver: AsyncDriver, database: str, timeout: float = 10.0) -> None:
        self._driver = driver
        self.database = database
        #: Seconds a query may run before Neo4j stops it.
        self.timeout = timeout
        #: Cypher queries run through this reader (tests use it to catch N+1 patterns).
        self.queries_run = 0

    @classmethod
    def open(cls, connection: Neo4jConnection, timeout: float = 10.0) -> GraphReader:
        """A reader over a new async driver; nothing is contacted until the first query."""
        return cls(open_async_driver(connection), connection.database, timeout)

    def writer(self) -> GraphWriter:
        """A :class:`GraphWriter` on the same driver (connection pool) and database."""
        return GraphWriter(self._driver, self.database, self.timeout)

    async def close(self) -> None:
        """Close the driver and its connections."""
        await self._driver.close()

    async def read(self, query: LiteralString, params: dict[str, Any] | None = None) -> list[Row]:
        """Run one read query; each record as a dict of its columns."""
        self.queries_run += 1
        try:
            result = await self._driver.execute_query(
                Query(query, timeout=self.timeout),
                params or {},
                database_=self.database,
                routing_=RoutingControl.READ,
            )
        except (ServiceUnavailable, SessionExpired, OSError) as error:
            raise DatabaseUnavailableError(
                "The graph database does not answer right now; try again shortly."
            ) from error
        except (Neo4jError, DriverError) as error:
            if _refused_credentials(error):
                raise DatabaseUnavailableError(CREDENTIALS_REFUSED) from error
            if isinstance(error, Neo4jError) and "TransactionTimedOut" in (error.code or ""):
                raise TimedOutError(
                    f"The query took longer than {self.timeout:g} s and was stopped; ask for "
                    "less (smaller pages, fewer nested lists) or try again when the server is "
                    "less busy."
                ) from error
            if isinstance(error, Neo4jError) and error.is_retryable():
                raise DatabaseUnavailableError(
                    "The graph database is busy or restarting; try again shortly."
                ) from error
            raise
        return [record.data() for record in result.records]

    async def grouped(self, query: LiteralString, keys: Sequence[str]) -> dict[str, list[Row]]:
        """Run a ``UNWIND $codes AS code ... RETURN code AS key, x {...} AS node`` query and
        group the ``node`` dicts by key (every key present, maybe with an empty list)."""
        grouped: dict[str, list[Row]] = {key: [] for key in keys}
        for record in await self.read(query, {"codes": list(grouped)}):
            grouped[record["key"]].append(dict(record["node"]))
        return grouped

    async def ping(self, timeout: float = 3.0) -> None:
        """Raise :class:`DatabaseUnavailableError` unless Neo4j answers within ``timeout``.

        Runs one auto-commit query without the driver's retries, for health checks. The
        error says why: no answer, the API's credentials refused, or the error Neo4j
        answered with (its code, e.g. a database that is not available).
        """
        self.queries_run += 1
        try:
            async with asyncio.timeout(timeout):
                async with self._driver.session(  # pyright: ignore[reportUnknownMemberType]  neo4j: untyped **config
                    database=self.database, default_access_mode=READ_ACCESS
                ) as session:
                    await (await session.run("RETURN 1 AS ok")).consume()
        except (TimeoutError, ServiceUnavailable, SessionExpired, OSError) as error:
            raise DatabaseUnavailableError(
                "The graph database does not answer right now; try again shortly."
            ) from error
        except (Neo4jError, DriverError) as error:
            if _refused_credentials(error):
                raise DatabaseUnavailableError(CREDENTIALS_REFUSED) from error
            code = getattr(error, "code", None) or type(error).__name__
            raise DatabaseUnavailableError(
                f"The graph database answered with an error ({code}) instead of a result; "
                "its operator should look at the Neo4j log (ctg db status for a local one)."
            ) from error


#: Said to API clients and on /healthz: names the settings, never their values.
CREDENTIALS_REFUSED = (
    "The graph database refuses the API's user name or password; its operator must set "
    "NEO4J_USER and NEO4J_PASSWORD to the database's credentials (for the project-local "
    "Neo4j: unset them, its password file is read) and restart the API."
)
_CREDENTIAL_CODES = frozenset(
    {"Neo.ClientError.Security.Unauthorized", "Neo.ClientError.Security.AuthenticationRateLimit"}
)


def _refused_credentials(error: Exception) -> bool:
    """Whether Neo4j refused to authenticate: a wrong password, or too many of them."""
    return isinstance(error, AuthError) or getattr(error, "code", None) in _CREDENTIAL_CODES
