"""Whole-graph maintenance used by tests and benchmarks (never by the API)."""

from __future__ import annotations

from neo4j import Driver


def clear_graph(driver: Driver, database: str) -> None:
    """Delete every node and relationship, in batches (schema objects stay)."""
    with driver.session(database=database) as session:  # pyright: ignore[reportUnknownMemberType]  neo4j: untyped **config
        session.run(
            "MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS"
        ).consume()
