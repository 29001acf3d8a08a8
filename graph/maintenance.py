"""Whole-graph maintenance: clearing the graph (tests and benchmarks, never the API) and
asking Neo4j to checkpoint after a load."""

from __future__ import annotations

from neo4j import Driver
from neo4j.exceptions import ClientError


def clear_graph(driver: Driver, database: str) -> None:
    """Delete every node and relationship, in batches (schema objects stay)."""
    with driver.session(database=database) as session:  # pyright: ignore[reportUnknownMemberType]  neo4j: untyped **config
        session.run(
            "MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS"
        ).consume()


def checkpoint(driver: Driver, database: str) -> bool:
    """Flush what a load committed into the store files now, where Neo4j allows it; True
    when it did.

    ``db.checkpoint()`` exists in Enterprise editions (a server ``NEO4J_URI`` names may
    be one). Community has no such procedure: there the project-local server's
    ``db.checkpoint.interval.time=30s`` (:mod:`graph.neo4j_conf`) checkpoints within half
    a minute, and this returns False.
    """
    try:
        driver.execute_query("CALL db.checkpoint()", database_=database)
    except ClientError as error:
        if error.code == "Neo.ClientError.Procedure.ProcedureNotFound":
            return False
        raise
    return True
