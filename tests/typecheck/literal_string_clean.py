"""The accepted twin of ``literal_string_probe.py``: the label the caller names is
mapped through a fixed table of literals, so the query stays a ``LiteralString``.

Never imported nor run; ``tests/unit/test_literal_string_rule.py`` type-checks it.
"""

from __future__ import annotations

from typing import LiteralString

from neo4j import ManagedTransaction

_LABEL_OF_KIND: dict[str, LiteralString] = {"commune": "Commune", "contract": "Contract"}


def count_nodes(tx: ManagedTransaction, kind: str) -> int:
    """How many nodes of ``kind`` (a key of the fixed table) the graph holds."""
    query = "MATCH (n:" + _LABEL_OF_KIND[kind] + ") RETURN count(n) AS n"
    record = tx.run(query).single(strict=True)
    return int(record["n"])
