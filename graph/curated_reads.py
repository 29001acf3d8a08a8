"""Reading the facts curators added through the API (``dataset: "curation"``, see
:mod:`graph.curation_store`): the ones a dataset reload would delete or leave unlinked
(:func:`curated_at_risk`, which :mod:`graph.partnership_store` runs before it deletes
anything), and all of them, for their export as a dataset fragment (:func:`curated_rows`;
``loaders.curated_fragment`` shapes them).

A reload deletes the dataset's nodes that its file no longer has, with every
relationship attached to them (``DETACH DELETE``). A curated relationship attached to
such a node is **deleted**; a curated node whose every link (its ``SOURCED_FROM``
provenance apart) goes to such nodes is **orphaned**: it stays, linked to nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, LiteralString

from neo4j import Driver, ManagedTransaction

from graph.dataset_labels import ALL_LABELS, CURATION, LABEL_OF, OWNED_LABELS
from graph.reader import GraphReader


@dataclass(frozen=True)
class CuratedFact:
    """One curated node (``type`` is None) or relationship, as a reload report names it."""

    label: str
    key: str
    curated_by: str | None
    curated_at: str | None
    #: for a relationship: its type and its end node (``label``/``key`` is its start)
    type: str | None = None
    end_label: str | None = None
    end_key: str | None = None

    @property
    def kind(self) -> str:
        """``node`` or ``relationship``."""
        return "node" if self.type is None else "relationship"

    def __str__(self) -> str:
        what = (
            f"{self.label} {self.key}"
            if self.type is None
            else f"{self.type} {self.label} {self.key} → {self.end_label} {self.end_key}"
        )
        return f"{what} (curated by {self.curated_by or '?'} at {self.curated_at or '?'})"


@dataclass(frozen=True)
class CuratedAtRisk:
    """What reloading a dataset would do to curated facts."""

    #: curated relationships attached to dataset nodes the reload deletes
    deleted: tuple[CuratedFact, ...] = ()
    #: curated nodes whose every link (their provenance apart) the reload deletes
    orphaned: tuple[CuratedFact, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.deleted or self.orphaned)

    def facts(self) -> tuple[CuratedFact, ...]:
        """Every fact at risk: relationships, then orphans."""
        return (*self.deleted, *self.orphaned)


def _each_owned_label(
    owner: LiteralString, tail: Callable[[LiteralString], LiteralString]
) -> LiteralString:
    """One subquery matching the nodes of every owned label whose ``dataset`` is the
    parameter ``owner`` (through its index), each branch ending with ``tail(label)``."""
    return (
        "CALL () {\n"
        + "\nUNION ALL\n".join(
            "MATCH (n:"
            + label
            + " {dataset: $"
            + owner
            + "}) USING INDEX n:"
            + label
            + "(dataset) "
            + tail(label)
            for label in OWNED_LABELS
        )
        + "\n}"
    )


#: Element ids of the nodes of dataset ``$dataset`` whose keys are not in ``$keys.<label>``.
_VANISHING: LiteralString = (
    _each_owned_label(
        "dataset", lambda label: "WHERE NOT n.key IN $keys." + label + " RETURN elementId(n) AS id"
    )
    + " RETURN collect(id) AS ids"
)

_DELETED: LiteralString = (
    "MATCH (n) WHERE elementId(n) IN $gone "
    "MATCH (n)-[r]-() WHERE r.dataset = $curation "
    "WITH DISTINCT r "
    "WITH r, startNode(r) AS a, endNode(r) AS b "
    "RETURN type(r) AS type, "
    "[x IN [a] | " + LABEL_OF + "][0] AS label, coalesce(a.key, a.code) AS key, "
    "[x IN [b] | " + LABEL_OF + "][0] AS endLabel, coalesce(b.key, b.code) AS endKey, "
    "r.curatedBy AS curatedBy, r.curatedAt AS curatedAt "
    "ORDER BY curatedAt, type, key, endKey"
)

#: Curated nodes linked to ``$gone`` nodes whose every link (provenance apart) goes there.
_ORPHANED: LiteralString = (
    "MATCH (n) WHERE elementId(n) IN $gone "
    "MATCH (n)-[r]-(x) WHERE x.dataset = $curation AND type(r) <> 'SOURCED_FROM' "
    "AND NOT elementId(x) IN $gone "
    "WITH DISTINCT x "
    "WHERE all(o IN [(x)-[s]-(o) WHERE type(s) <> 'SOURCED_FROM' | elementId(o)] "
    "WHERE o IN $gone) "
    "RETURN elementId(x) AS id, " + LABEL_OF + " AS label, x.key AS key, "
    "x.curatedBy AS curatedBy, x.curatedAt AS curatedAt "
    "ORDER BY curatedAt, label, key"
)


def vanishing_nodes(
    tx: ManagedTransaction, dataset: str, keys: Mapping[str, Sequence[str]]
) -> list[str]:
    """Element ids of the nodes of ``dataset`` whose key its new version (``keys``, per
    label) no longer has."""
    params = {label: list(keys.get(label, ())) for label in OWNED_LABELS}
    record = tx.run(_VANISHING, dataset=dataset, keys=params).single(strict=True)
    return list(record["ids"])


def curated_at_risk(
    tx: ManagedTransaction, gone: Sequence[str], defined: set[tuple[str, str]] | None = None
) -> tuple[CuratedAtRisk, list[str]]:
    """What deleting the nodes ``gone`` (element ids) does to curated facts, and the
    element ids of the curated nodes it orphans (to drop them); a curated node the new
    version ``defined`` (label, key) is adopted by it, so not orphaned."""
    if not gone:
        return CuratedAtRisk(), []
    labels = list(ALL_LABELS)
    deleted = tuple(
        fact_of(r, r["type"])
        for r in tx.run(_DELETED, gone=list(gone), curation=CURATION, labels=labels)
    )
    # A curated node still linked to another curated node is not orphaned, even if both
    # lose their links to the dataset: together they still state a fact.
    records = [
        r
        for r in tx.run(_ORPHANED, gone=list(gone), curation=CURATION, labels=labels)
        if (r["label"], r["key"]) not in (defined or set())
    ]
    orphaned = tuple(fact_of(r) for r in records)
    return CuratedAtRisk(deleted, orphaned), [r["id"] for r in records]


def fact_of(record: Any, rel_type: str | None = None) -> CuratedFact:
    """The :class:`CuratedFact` of a record with ``label``, ``key``, ``curatedBy``,
    ``curatedAt`` (and, for a relationship of ``rel_type``, ``endLabel``, ``endKey``)."""
    return CuratedFact(
        label=str(record["label"]),
        key=str(record["key"]),
        curated_by=record["curatedBy"],
        curated_at=str(record["curatedAt"]) if record["curatedAt"] is not None else None,
        type=rel_type,
        end_label=record["endLabel"] if rel_type else None,
        end_key=str(record["endKey"]) if rel_type else None,
    )


# -- the export ------------------------------------------------------------------------
_CURATED_NODES: LiteralString = (
    _each_owned_label(
        "curation", lambda label: "RETURN '" + label + "' AS label, n.key AS key, n {.*} AS props"
    )
    + " RETURN label, key, props ORDER BY label, key"
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
