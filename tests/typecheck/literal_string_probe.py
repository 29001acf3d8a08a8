"""A Cypher query spliced from a plain ``str``: the type checker must refuse it.

Never imported nor run. ``tests/unit/test_literal_string_rule.py`` type-checks this file
with the project's basedpyright settings and expects exactly one error, a
``LiteralString`` one, on the line marked ``# <- rejected``; its twin
``literal_string_clean.py`` shows the accepted way and must type-check clean.
"""

from __future__ import annotations

from neo4j import ManagedTransaction


def count_nodes(tx: ManagedTransaction, label: str) -> int:
    """How many nodes carry ``label`` — with ``label`` straight from the caller."""
    query = "MATCH (n:" + label + ") RETURN count(n) AS n"
    record = tx.run(query).single(strict=True)  # <- rejected
    return int(record["n"])
