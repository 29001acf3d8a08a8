"""Opening drivers to the configured Neo4j, with errors a user can act on."""

from __future__ import annotations

from collections.abc import Mapping

from neo4j import (
    AsyncDriver,
    AsyncGraphDatabase,
    GraphDatabase,
    NotificationMinimumSeverity,
)

# Re-exported: the type other packages name for what open_driver returns, so that only
# graph/ imports neo4j.
from neo4j import Driver as Driver
from neo4j.exceptions import (
    AuthError,
    DatabaseError,
    ServiceUnavailable,
    SessionExpired,
    TransientError,
)

from domain.errors import DatabaseUnavailableError
from graph.local_server import LocalNeo4j
from graph.settings import Neo4jConnection, external_connection, local_server_settings


def resolve_connection(env: Mapping[str, str] | None = None) -> Neo4jConnection:
    """The Neo4j to use: ``NEO4J_URI`` when set, else the running project-local server.

    Raises:
        DatabaseUnavailableError: ``NEO4J_URI`` is unset and the local server is not running.
    """
    connection = external_connection(env)
    if connection is not None:
        return connection
    server = LocalNeo4j(local_server_settings(env))
    if server.pid() is None:
        raise DatabaseUnavailableError(
            f"No Neo4j to talk to: NEO4J_URI is not set and the project-local server "
            f"({server.home}) is not running. Start it with `ctg db start`, or set NEO4J_URI "
            "(and NEO4J_PASSWORD) to use your own Neo4j."
        )
    return server.connection()


#: Seconds the command line's managed transactions are retried once Neo4j stops
#: answering (the driver's default is 30, during which a load said nothing): enough to
#: ride out a dropped connection or a cluster's change of leader; a crashed server is
#: reported about 7 s after it died (the retries back off 1, 2, 4 s), and the message
#: says how to resume, which is safe.
LOAD_RETRY_SECONDS = 5.0


def open_driver(connection: Neo4jConnection) -> Driver:
    """A synchronous driver (CLI, loaders), already checked to answer."""
    driver = GraphDatabase.driver(  # pyright: ignore[reportUnknownMemberType]  neo4j: untyped **config
        connection.uri,
        auth=(connection.user, connection.password),
        max_transaction_retry_time=LOAD_RETRY_SECONDS,
        notifications_min_severity=NotificationMinimumSeverity.OFF,
    )
    try:
        driver.verify_connectivity()  # pyright: ignore[reportUnknownMemberType]  neo4j: untyped **config
    except (ServiceUnavailable, AuthError, OSError) as error:
        driver.close()
        raise unavailable(connection, error) from error
    return driver


def open_async_driver(connection: Neo4jConnection) -> AsyncDriver:
    """An asynchronous driver for the API; one per process, closed by the app lifespan.

    Connectivity is not checked here so that the API can start (and report through
    ``/healthz``) while Neo4j is still down.
    """
    return AsyncGraphDatabase.driver(  # pyright: ignore[reportUnknownMemberType]  neo4j: untyped **config
        connection.uri,
        auth=(connection.user, connection.password),
        # A person is waiting on each request: give up on an unreachable server in
        # seconds (the driver's default retries for 30 s) and say so. Retries back off
        # 1, 2, 4 s: a 2 s budget answers about 3 s after Neo4j went away (5 s took 7),
        # and still replaces a connection that died while idle in the pool.
        connection_acquisition_timeout=5.0,
        connection_timeout=3.0,
        max_transaction_retry_time=2.0,
        notifications_min_severity=NotificationMinimumSeverity.OFF,
    )


def unavailable(connection: Neo4jConnection, error: Exception) -> DatabaseUnavailableError:
    """Turn a driver failure into an error that says what to check."""
    if isinstance(error, AuthError):
        return DatabaseUnavailableError(
            f"Neo4j at {connection.uri} refused user {connection.user!r}: {error.message}. "
            "Check NEO4J_USER / NEO4J_PASSWORD."
        )
    hint = (
        "Start it with `ctg db start`."
        if connection.local
        else "Check NEO4J_URI and that the server is up."
    )
    return DatabaseUnavailableError(
        f"Neo4j at {connection.uri} does not answer ({failure_reason(error)}). {hint}"
    )


def connection_lost(error: BaseException) -> DatabaseUnavailableError | None:
    """The error to show when ``error`` means Neo4j stopped answering mid-command, else None.

    For the command line's last line of defence: a driver failure that no command turned
    into a message of its own must still say what happened and what to do, not print a
    traceback.
    """
    if isinstance(error, DatabaseError | TransientError) and _server_failure(error):
        # the server answers but its database cannot write (a full disk, a panic) or is
        # not available: Neo4j's own first line, and where to look
        message = (error.message or "").strip().splitlines()
        return DatabaseUnavailableError(
            f"Neo4j could not complete the command: {message[0][:300] if message else ''} "
            f"({error.code}). Once Neo4j restarts, the transaction it failed is in the graph "
            "whole or not at all (its recovery decides). If its disk is full, free space "
            "there; `ctg db status` says the database's state (a panicked one needs `ctg db "
            "stop` and `ctg db start`); then run the same command again: loads can be "
            "repeated safely."
        )
    if not isinstance(error, ServiceUnavailable | SessionExpired):
        return None
    return DatabaseUnavailableError(
        f"Neo4j stopped answering ({failure_reason(error)}): it stopped, crashed or became "
        "unreachable. Start it again (`ctg db start`, or check the server NEO4J_URI names) "
        "and run the same command again; loads can be repeated safely."
    )


def _server_failure(error: DatabaseError | TransientError) -> bool:
    """A failure of the server or its database, rather than of the query: every
    ``Neo.DatabaseError.*`` (a transaction log that cannot be written, a panic) and the
    transient "database unavailable"."""
    code = error.code or ""
    return code.startswith("Neo.DatabaseError.") or code.endswith("DatabaseUnavailable")


def failure_reason(error: BaseException) -> str:
    """A few words on why the driver gave up ("connection refused"), for messages.

    The driver's own text names sockets and resolved addresses over several lines; the
    socket error at the bottom of its cause chain says it shortly.
    """
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, ConnectionRefusedError):
            return "connection refused"
        if isinstance(cause, ConnectionResetError | BrokenPipeError) or (
            isinstance(cause, OSError) and cause.args == ("No data",)
        ):
            return "the connection was cut"
        if isinstance(cause, TimeoutError):
            return "no answer in time"
        if isinstance(cause, OSError) and cause.strerror:
            return cause.strerror.lower()
        cause = cause.__cause__ or cause.__context__
    first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return first_line[:200]
