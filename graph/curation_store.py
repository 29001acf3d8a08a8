"""Writing curation changes made through the API: one change, one transaction.

A :class:`Change` lists what one mutation does — nodes to create, update or delete,
relationships to create or delete — as rows built by the dataset loader's own code
(:mod:`loaders.dataset_graph`). :func:`apply_change` writes all of it in **one** write
transaction, so a change that fails anywhere (a key taken meanwhile, a missing endpoint,
a fact owned by a dataset file) leaves nothing behind.

Ownership: facts written here carry ``dataset: "curation"`` plus ``curatedBy`` (the API
token's name) and ``curatedAt``. Nodes and relationships loaded from a dataset file are
never changed or deleted here — the file is their source of truth and would overwrite
the change on its next load — so such a change is refused with :class:`OwnedByDataset`.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, LiteralString

from neo4j import AsyncManagedTransaction
from neo4j.exceptions import ConstraintError

from domain.errors import DatasetOwnedError, KeyTakenError, MissingError
from domain.vocabulary import KEYED_LABEL, TERRITORY_LABEL, TerritoryKind
from graph.partnership_store import (
    EDGE_TYPES,
    OWNED_LABELS,
    SHARED_LABELS,
    TERRITORY_LABELS,
    EdgeRow,
    NodeRow,
)

#: The transaction a change's plan reads and writes in (given by :class:`graph.writer.GraphWriter`).
Transaction = AsyncManagedTransaction

#: The ``dataset`` property of every fact written through the API.
CURATION = "curation"


class AlreadyExists(KeyTakenError):
    def __init__(self, label: str, key: str) -> None:
        self.label = label
        super().__init__(f"A {label} with key {key!r} already exists; pick another key.", key)


class NotFound(MissingError):
    def __init__(self, what: str, key: str) -> None:
        self.what = what
        super().__init__(f"No {what} {key!r} in the graph.", key)


class OwnedByDataset(DatasetOwnedError):
    def __init__(self, what: str, key: str, dataset: str) -> None:
        self.what = what
        super().__init__(
            f"The {what} {key!r} comes from dataset {dataset!r}; change its dataset file and "
            "reload it (`ctg load partnerships`), or the next load would undo this change.",
            key,
            dataset,
        )


@dataclass(frozen=True)
class EdgeRef:
    """A relationship to delete: type and endpoints (labels and keys/codes)."""

    type: str
    start_label: str
    start_key: str
    end_label: str
    end_key: str


@dataclass
class Change:
    """What one mutation writes."""

    by: str
    create_nodes: list[NodeRow] = field(default_factory=list)
    update_nodes: list[NodeRow] = field(default_factory=list)
    delete_nodes: list[tuple[str, str]] = field(default_factory=list)
    create_edges: list[EdgeRow] = field(default_factory=list)
    delete_edges: list[EdgeRef] = field(default_factory=list)


@dataclass(frozen=True)
class ChangeSummary:
    nodes_created: int
    nodes_deleted: int
    relationships_created: int
    relationships_deleted: int


_ALL_LABELS: tuple[LiteralString, ...] = (*OWNED_LABELS, *SHARED_LABELS, *TERRITORY_LABELS)


def _pick(name: str, allowed: Sequence[LiteralString]) -> LiteralString:
    for literal in allowed:
        if literal == name:
            return literal
    raise ValueError(f"{name!r} is not a label or relationship type the graph knows")


def _key(label: LiteralString) -> LiteralString:
    return "code" if label in TERRITORY_LABELS else "key"


async def apply_change(tx: AsyncManagedTransaction, change: Change) -> ChangeSummary:
    """Write ``change`` inside ``tx`` (the caller's one write transaction)."""
    stamp = {"curatedBy": change.by, "curatedAt": datetime.datetime.now(datetime.UTC).isoformat()}
    totals = {"nc": 0, "nd": 0, "rc": 0, "rd": 0}

    for row in change.create_nodes:
        label = _pick(row.label, OWNED_LABELS)
        found = await (
            await tx.run("MATCH (n:" + label + " {key: $key}) RETURN n.key AS k", key=row.key)
        ).single()
        if found is not None:
            raise AlreadyExists(row.label, row.key)
        try:
            counters = (
                await (
                    await tx.run(
                        "CREATE (n:" + label + ") SET n = $props, n.key = $key, "
                        "n.dataset = $dataset",
                        props={**row.props, **stamp},
                        key=row.key,
                        dataset=CURATION,
                    )
                ).consume()
            ).counters
        except ConstraintError as error:
            # another change created the key between the look-up above and this write
            raise AlreadyExists(row.label, row.key) from error
        totals["nc"] += counters.nodes_created
        if row.label == TERRITORY_LABEL[TerritoryKind.SUB_TERRITORY]:
            await tx.run("MATCH (n:SubTerritory {key: $key}) SET n:Territory", key=row.key)

    for row in change.update_nodes:
        label = _pick(row.label, OWNED_LABELS)
        await _owned_node(tx, label, row.key)
        await tx.run(
            "MATCH (n:" + label + " {key: $key}) SET n = $props, n.key = $key, n.dataset = $ds",
            props={**row.props, **stamp},
            key=row.key,
            ds=CURATION,
        )

    for edge_ref in change.delete_edges:
        start = _pick(edge_ref.start_label, _ALL_LABELS)
        end = _pick(edge_ref.end_label, _ALL_LABELS)
        rel = _pick(edge_ref.type, EDGE_TYPES)
        record = await (
            await tx.run(
                "MATCH (a:" + start + " {" + _key(start) + ": $start})-[r:" + rel + "]->"
                "(b:" + end + " {" + _key(end) + ": $end}) "
                "RETURN collect(r.dataset) AS owners",
                start=edge_ref.start_key,
                end=edge_ref.end_key,
            )
        ).single(strict=True)
        owners: list[str | None] = record["owners"]
        what = f"{edge_ref.type} link {edge_ref.start_key} → {edge_ref.end_key}"
        if not owners:
            raise NotFound("relationship", what)
        if CURATION not in owners:
            raise OwnedByDataset("relationship", what, str(owners[0]))
        counters = (
            await (
                await tx.run(
                    "MATCH (a:" + start + " {" + _key(start) + ": $start})-[r:" + rel + "]->"
                    "(b:" + end + " {" + _key(end) + ": $end}) WHERE r.dataset = $ds DELETE r",
                    start=edge_ref.start_key,
                    end=edge_ref.end_key,
                    ds=CURATION,
                )
            ).consume()
        ).counters
        totals["rd"] += counters.relationships_deleted

    for label_name, key in change.delete_nodes:
        label = _pick(label_name, OWNED_LABELS)
        await _owned_node(tx, label, key)
        counters = (
            await (
                await tx.run("MATCH (n:" + label + " {key: $key}) DETACH DELETE n", key=key)
            ).consume()
        ).counters
        totals["nd"] += counters.nodes_deleted
        totals["rd"] += counters.relationships_deleted

    for row_edge in change.create_edges:
        start = _pick(row_edge.start_label, _ALL_LABELS)
        end = _pick(row_edge.end_label, _ALL_LABELS)
        rel = _pick(row_edge.type, EDGE_TYPES)
        counters = (
            await (
                await tx.run(
                    "MATCH (a:" + start + " {" + _key(start) + ": $start}) "
                    "MATCH (b:" + end + " {" + _key(end) + ": $end}) "
                    "CREATE (a)-[r:" + rel + "]->(b) SET r = $props, r.dataset = $ds",
                    start=row_edge.start_key,
                    end=row_edge.end_key,
                    props={**row_edge.props, **stamp},
                    ds=CURATION,
                )
            ).consume()
        ).counters
        if counters.relationships_created != 1:
            missing = f"{row_edge.start_label} {row_edge.start_key} or "
            raise NotFound("node", missing + f"{row_edge.end_label} {row_edge.end_key}")
        totals["rc"] += 1

    return ChangeSummary(totals["nc"], totals["nd"], totals["rc"], totals["rd"])


async def _owned_node(tx: AsyncManagedTransaction, label: LiteralString, key: str) -> None:
    record = await (
        await tx.run("MATCH (n:" + label + " {key: $key}) RETURN n.dataset AS ds", key=key)
    ).single()
    if record is None:
        raise NotFound(label, key)
    if record["ds"] != CURATION:
        raise OwnedByDataset(label, key, str(record["ds"]))


async def node_props(tx: AsyncManagedTransaction, label: str, key: str) -> dict[str, Any] | None:
    """The properties of the node ``label``/``key`` (``None`` when absent)."""
    checked = _pick(label, OWNED_LABELS)
    record = await (
        await tx.run("MATCH (n:" + checked + " {key: $key}) RETURN n {.*} AS n", key=key)
    ).single()
    return dict(record["n"]) if record is not None else None


#: Dataset-format kind of key → label of its nodes.
_LABEL_OF_KIND = KEYED_LABEL

#: One look-up per kind, all in one round trip: ``$<kind>`` keys in, ``<kind>`` found out.
_EXISTING_KEYS: LiteralString = (
    "".join(
        "CALL () { UNWIND $" + kind + " AS k MATCH (n:" + label + " {key: k}) "
        "RETURN collect(k) AS " + kind + " }\n"
        for kind, label in _LABEL_OF_KIND.items()
    )
    + "RETURN "
    + ", ".join(_LABEL_OF_KIND)
)


async def existing_keys(
    tx: AsyncManagedTransaction, wanted: dict[str, set[str]]
) -> dict[str, set[str]]:
    """Which of the ``wanted`` keys (by dataset-format kind: partner, person, contract,
    source, body, funding, action, sub_territory) exist in the graph."""
    params = {kind: sorted(wanted.get(kind, ())) for kind in _LABEL_OF_KIND}
    record = await (await tx.run(_EXISTING_KEYS, params)).single(strict=True)
    return {kind: set(record[kind]) for kind in wanted}


async def facts_citing(tx: AsyncManagedTransaction, source: str) -> int:
    """How many nodes cite the source ``source``."""
    record = await (
        await tx.run(
            "OPTIONAL MATCH (n)-[:SOURCED_FROM]->(:Source {key: $key}) RETURN count(n) AS n",
            key=source,
        )
    ).single(strict=True)
    return int(record["n"])


async def contract_children(tx: AsyncManagedTransaction, contract: str) -> list[tuple[str, str]]:
    """The fiches actions and axes of ``contract``, as ``(label, key)``."""
    record = await (
        await tx.run(
            "MATCH (c:Contract {key: $key}) "
            "OPTIONAL MATCH (c)-[:HAS_AXIS]->(x:Axis) "
            "OPTIONAL MATCH (c)-[:HAS_ACTION]->(a:Action) "
            "RETURN collect(DISTINCT x.key) AS axes, collect(DISTINCT a.key) AS actions",
            key=contract,
        )
    ).single()
    if record is None:
        return []
    return [*(("Action", a) for a in record["actions"]), *(("Axis", x) for x in record["axes"])]


async def axis_actions(tx: AsyncManagedTransaction, axis: str) -> list[str]:
    """Keys of the fiches actions of the axis ``axis``."""
    record = await (
        await tx.run(
            "OPTIONAL MATCH (:Axis {key: $key})-[:HAS_ACTION]->(a:Action) "
            "RETURN collect(a.key) AS actions",
            key=axis,
        )
    ).single(strict=True)
    return list(record["actions"])


async def contract_of_action(tx: AsyncManagedTransaction, action: str) -> str | None:
    """Key of the contract of the fiche action ``action`` (``None`` when there is none)."""
    record = await (
        await tx.run(
            "MATCH (c:Contract)-[:HAS_ACTION]->(:Action {key: $key}) RETURN c.key AS key LIMIT 1",
            key=action,
        )
    ).single()
    return str(record["key"]) if record is not None else None


async def is_tagged(tx: AsyncManagedTransaction, action: str, theme: str) -> bool:
    """Whether the fiche action ``action`` already addresses the theme ``theme``."""
    record = await (
        await tx.run(
            "RETURN EXISTS { (:Action {key: $a})-[:ADDRESSES]->(:Theme {key: $t}) } AS tagged",
            a=action,
            t=theme,
        )
    ).single(strict=True)
    return bool(record["tagged"])


async def contract_of_axis(tx: AsyncManagedTransaction, axis: str) -> str | None:
    """Key of the contract of the axis ``axis`` (``None`` when there is none)."""
    record = await (
        await tx.run(
            "MATCH (c:Contract)-[:HAS_AXIS]->(:Axis {key: $key}) RETURN c.key AS key LIMIT 1",
            key=axis,
        )
    ).single()
    return str(record["key"]) if record is not None else None
