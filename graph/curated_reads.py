"""Reading the facts curators added through the API (``dataset: "curation"``, see
:mod:`graph.curation_store`), all of them, for their export as a dataset fragment
(:func:`curated_rows`; ``loaders.curated_fragment`` shapes them).

What a dataset reload would do to them is checked by :mod:`graph.partnership_store`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, LiteralString

from neo4j import Driver

from graph.partnership_store import ALL_LABELS, CURATION, LABEL_OF, OWNED_LABELS
from graph.reader import GraphReader

# -- the export ------------------------------------------------------------------------
_CURATED_NODES: LiteralString = (
    "CALL () {\n"
    + "\nUNION ALL\n".join(
        "MATCH (n:" + label + " {dataset: $curation}) USING INDEX n:" + label + "(dataset) "
        "RETURN '" + label + "' AS label, n.key AS key, n {.*} AS props"
        for label in OWNED_LABELS
    )
    + "\n} RETURN label, key, props ORDER BY label, key"
)

_CURATED_RELATIONSHIPS: LiteralString = (
    "MATCH (a)-[r]->(b) WHERE r.dataset = $curation "
    "RETURN type(r) AS type, "
    "[x IN [a] | " + LABEL_OF + "][0] AS startLabel, coalesce(a.key, a.code) AS startKey, "
    "a.dataset AS startDataset, "
    "[x IN [b] | " + LABEL_OF + "][0] AS endLabel, coalesce(b.key, b.code) AS endKey, "
    "b.dataset AS endDataset, r {.*} AS props "
    "ORDER BY type, startKey, endKey"
)


@dataclass(frozen=True)
class CuratedRows:
    """Every curated node (``label``, ``key``, ``props``) and relationship (``type``,
    ``startLabel``, ``startKey``, ``startDataset``, ``endLabel``, ``endKey``,
    ``endDataset``, ``props``), as plain dicts."""

    nodes: list[dict[str, Any]]
    relationships: list[dict[str, Any]]


def curated_rows(driver: Driver, database: str) -> CuratedRows:
    """Read every fact written through the API (for ``ctg export curated``)."""
    nodes, _, _ = driver.execute_query(
        _CURATED_NODES, curation=CURATION, database_=database, routing_="r"
    )
    rels, _, _ = driver.execute_query(
        _CURATED_RELATIONSHIPS,
        curation=CURATION,
        labels=list(ALL_LABELS),
        database_=database,
        routing_="r",
    )
    return CuratedRows([r.data() for r in nodes], [r.data() for r in rels])


async def curated_rows_async(reader: GraphReader) -> CuratedRows:
    """The same, through the API's :class:`graph.reader.GraphReader`."""
    nodes = await reader.read(_CURATED_NODES, {"curation": CURATION})
    rels = await reader.read(
        _CURATED_RELATIONSHIPS, {"curation": CURATION, "labels": list(ALL_LABELS)}
    )
    return CuratedRows(nodes, rels)
