"""Writing partnership datasets: one dataset, one transaction, replacing its own facts.

:mod:`loaders.dataset_graph` turns a validated dataset into a :class:`DatasetGraph`
(plain node and edge rows); :func:`write_dataset` writes it:

* unchanged (same checksum as the ``(:Dataset)`` node) → nothing is touched;
* otherwise, in **one** write transaction: the dataset's nodes are MERGEd by key (so the
  links other datasets have to them survive) and their properties replaced; its
  relationships are deleted and created anew; its nodes that the new version no longer
  has are deleted; the ``(:Dataset)`` node records the new checksum.

Every node and relationship written carries ``dataset`` (its owner), and the
provenance of its fact: ``sources``/``source``, ``certainty``, ``reason``,
``inferredFields``; nodes also link ``-[:SOURCED_FROM]->(:Source)``.

Labels and relationship types come only from the fixed tuples below, never from input.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, LiteralString

from neo4j import Driver, ManagedTransaction
from neo4j.exceptions import IncompleteCommit, ServiceUnavailable, SessionExpired

from domain.errors import InputError, WriteInterruptedError
from domain.vocabulary import OFFICIAL_KINDS, RELATIONSHIP_TYPE, TERRITORY_LABEL, TerritoryKind
from graph.driver import failure_reason

#: Labels a dataset owns, keyed by ``key``.
OWNED_LABELS: tuple[LiteralString, ...] = (
    "Source",
    "Partner",
    "Person",
    TERRITORY_LABEL[TerritoryKind.SUB_TERRITORY],
    "Contract",
    "Axis",
    "Action",
    "Body",
    "Funding",
)
#: Shared labels a dataset may point to: vocabularies (by ``key``), territories (by ``code``).
SHARED_LABELS: tuple[LiteralString, ...] = ("Theme", "ContractKind")
TERRITORY_LABELS: tuple[LiteralString, ...] = tuple(TERRITORY_LABEL[k] for k in OFFICIAL_KINDS)
EDGE_TYPES: tuple[LiteralString, ...] = (
    "SOURCED_FROM",
    "GOVERNS",
    "SERVES",
    "HOLDS_POST",
    "INCLUDES",
    "PART_OF",
    "SIGNED",
    "COVERS",
    *RELATIONSHIP_TYPE.values(),
    "HAS_AXIS",
    "HAS_ACTION",
    "ADDRESSES",
    "LEADS",
    "FUNDS",
    "MEMBER_OF",
    "STEERS",
    "BELONGS_TO",
    "PAID_BY",
    "PAID_TO",
    "SHARE_OF",
    "CONCERNS",
    "ON_TERRITORY",
    "OF_KIND",
)


@dataclass(frozen=True)
class NodeRow:
    label: str
    key: str
    props: dict[str, Any]


@dataclass(frozen=True)
class EdgeRow:
    type: str
    start_label: str
    start_key: str
    end_label: str
    end_key: str
    props: dict[str, Any]


@dataclass(frozen=True)
class DatasetGraph:
    """A dataset as rows ready to write (built by ``loaders.dataset_graph``)."""

    key: str
    checksum: str
    props: dict[str, Any]
    nodes: tuple[NodeRow, ...]
    edges: tuple[EdgeRow, ...]
    #: vocabulary nodes (themes, contract kinds) to MERGE, shared by every dataset
    shared: tuple[NodeRow, ...] = ()


@dataclass(frozen=True)
class DatasetWriteSummary:
    key: str
    changed: bool
    nodes: int
    edges: int
    nodes_created: int
    nodes_deleted: int
    relationships_created: int
    relationships_deleted: int


def _pick(name: str, allowed: Sequence[LiteralString], what: str) -> LiteralString:
    for literal in allowed:
        if literal == name:
            return literal
    raise ValueError(f"{what} {name!r} is not one the graph knows")


def _key_property(label: LiteralString) -> LiteralString:
    return "code" if label in TERRITORY_LABELS else "key"


_READ_CHECKSUM: LiteralString = (
    "OPTIONAL MATCH (d:Dataset {key: $key}) RETURN d.checksum AS checksum"
)


def write_dataset(driver: Driver, database: str, graph: DatasetGraph) -> DatasetWriteSummary:
    """Write ``graph`` in one transaction, replacing the dataset's previous facts.

    Raises:
        InputError: a territory the dataset names is not in the graph (load the reference
            of its département first), or a key it defines belongs to another dataset;
            nothing is written.
        WriteInterruptedError: Neo4j stopped answering and the driver's retries gave up;
            the transaction was rolled back, unless it went away during the commit.
    """

    def work(tx: ManagedTransaction) -> DatasetWriteSummary:
        record = tx.run(_READ_CHECKSUM, key=graph.key).single()
        if record is not None and record["checksum"] == graph.checksum:
            return DatasetWriteSummary(
                graph.key, False, len(graph.nodes), len(graph.edges), 0, 0, 0, 0
            )
        _check_territories(tx, graph)
        _check_ownership(tx, graph)
        totals: defaultdict[str, int] = defaultdict(int)

        def count(query: LiteralString, **params: Any) -> None:
            counters = tx.run(query, **params).consume().counters
            totals["nodes_created"] += counters.nodes_created
            totals["nodes_deleted"] += counters.nodes_deleted
            totals["relationships_created"] += counters.relationships_created
            totals["relationships_deleted"] += counters.relationships_deleted

        for label_name, rows in _group_nodes(graph.shared).items():
            label = _pick(label_name, SHARED_LABELS, "label")
            count(
                "UNWIND $rows AS row MERGE (n:" + label + " {key: row.key}) SET n += row.props",
                rows=rows,
            )
        # Plans that cannot depend on statistics (index hints, expansions anchored in a
        # subquery): the first load plans them on an empty graph and later loads reuse them.
        for label in OWNED_LABELS:
            # relationships first: every edge of a dataset touches a node it owns
            count(
                "MATCH (n:" + label + " {dataset: $key}) USING INDEX n:" + label + "(dataset) "
                "CALL (n) { MATCH (n)-[r]-() WHERE r.dataset = $key DELETE r }",
                key=graph.key,
            )
        grouped = _group_nodes(graph.nodes)
        for label in OWNED_LABELS:
            rows = grouped.get(label, [])
            count(
                "MATCH (n:" + label + " {dataset: $key}) USING INDEX n:" + label + "(dataset) "
                "WHERE NOT n.key IN $keys DETACH DELETE n",
                key=graph.key,
                keys=[row["key"] for row in rows],
            )
            if rows:
                count(
                    "UNWIND $rows AS row MERGE (n:" + label + " {key: row.key}) "
                    "SET n = row.props, n.key = row.key, n.dataset = $key",
                    rows=rows,
                    key=graph.key,
                )
        for (start_name, type_name, end_name), rows in _group_edges(graph.edges).items():
            start = _pick(start_name, (*OWNED_LABELS, *SHARED_LABELS, *TERRITORY_LABELS), "label")
            end = _pick(end_name, (*OWNED_LABELS, *SHARED_LABELS, *TERRITORY_LABELS), "label")
            rel = _pick(type_name, EDGE_TYPES, "relationship type")
            created = (
                tx.run(
                    "UNWIND $rows AS row "
                    "MATCH (a:" + start + " {" + _key_property(start) + ": row.start}) "
                    "MATCH (b:" + end + " {" + _key_property(end) + ": row.end}) "
                    "CREATE (a)-[r:" + rel + "]->(b) SET r = row.props, r.dataset = $key",
                    rows=rows,
                    key=graph.key,
                )
                .consume()
                .counters.relationships_created
            )
            totals["relationships_created"] += created
            if created != len(rows):
                # an endpoint is missing: never drop a stated fact silently
                raise InputError(
                    f"Dataset {graph.key!r}: {len(rows) - created} of its {start_name} "
                    f"{type_name} {end_name} relationships point to nodes that are not in the "
                    "graph (a key defined in a dataset that is not loaded?); nothing was written."
                )
        count("MATCH (n:SubTerritory {dataset: $key}) SET n:Territory", key=graph.key)
        count(
            "MERGE (d:Dataset {key: $key}) SET d = $props, d.key = $key, d.checksum = $checksum",
            key=graph.key,
            props=graph.props,
            checksum=graph.checksum,
        )
        return DatasetWriteSummary(
            graph.key,
            True,
            len(graph.nodes),
            len(graph.edges),
            totals["nodes_created"],
            totals["nodes_deleted"],
            totals["relationships_created"],
            totals["relationships_deleted"],
        )

    try:
        with driver.session(database=database) as session:  # pyright: ignore[reportUnknownMemberType]  neo4j: untyped **config
            return session.execute_write(work)
    except IncompleteCommit as error:  # the commit was sent, its answer never came
        raise WriteInterruptedError(
            f"Neo4j stopped answering ({failure_reason(error)}) while it committed dataset "
            f"{graph.key!r}, so whether that dataset was written cannot be known here; it "
            "is either whole or absent, never in part.",
            graph.key,
            maybe_written=True,
        ) from error
    except (ServiceUnavailable, SessionExpired) as error:
        raise WriteInterruptedError(
            f"Neo4j stopped answering ({failure_reason(error)}) while dataset {graph.key!r} "
            "was being written; nothing of it was written (a dataset is written in one "
            "transaction, rolled back when it does not complete).",
            graph.key,
            maybe_written=False,
        ) from error


def write_order(graphs: Sequence[DatasetGraph]) -> list[DatasetGraph]:
    """Order datasets so each is written after the datasets whose nodes it links to.

    Raises:
        InputError: two datasets link to each other's nodes (neither can go first).
    """
    owner = {(node.label, node.key): graph.key for graph in graphs for node in graph.nodes}
    needs: dict[str, set[str]] = {graph.key: set() for graph in graphs}
    for graph in graphs:
        for edge in graph.edges:
            for endpoint in ((edge.start_label, edge.start_key), (edge.end_label, edge.end_key)):
                other = owner.get(endpoint)
                if other is not None and other != graph.key:
                    needs[graph.key].add(other)
    by_key = {graph.key: graph for graph in graphs}
    ordered: list[DatasetGraph] = []
    done: set[str] = set()
    while len(ordered) < len(graphs):
        ready = sorted(k for k in needs if k not in done and needs[k] <= done)
        if not ready:
            stuck = sorted(k for k in needs if k not in done)
            raise InputError(
                f"Datasets {', '.join(stuck)} link to each other's facts in a cycle, so none can "
                "be written first. Move the shared facts into one of them."
            )
        for key in ready:
            ordered.append(by_key[key])
            done.add(key)
    return ordered


def _check_territories(tx: ManagedTransaction, graph: DatasetGraph) -> None:
    wanted: defaultdict[str, set[str]] = defaultdict(set)
    for edge in graph.edges:
        if edge.end_label in TERRITORY_LABELS:
            wanted[edge.end_label].add(edge.end_key)
    missing: list[str] = []
    for label_name, codes in sorted(wanted.items()):
        label = _pick(label_name, TERRITORY_LABELS, "label")
        found = tx.run(
            "UNWIND $codes AS code MATCH (t:"
            + label
            + " {code: code}) RETURN collect(t.code) AS c",
            codes=sorted(codes),
        ).single(strict=True)["c"]
        missing.extend(f"{label_name} {code}" for code in sorted(codes - set(found)))
    if missing:
        raise InputError(
            f"Dataset {graph.key!r} names territories that are not in the graph: "
            f"{', '.join(missing[:10])}{' …' if len(missing) > 10 else ''}. Load the territorial "
            "reference of their départements first (ctg load reference --departements …); "
            "nothing was written."
        )


def _check_ownership(tx: ManagedTransaction, graph: DatasetGraph) -> None:
    """Refuse keys another dataset (or the API's curation) owns: MERGE would silently take
    the node over, rewriting the other owner's fact (the same key loaded under a renamed
    dataset, two datasets defining one partner)."""
    grouped = _group_nodes(graph.nodes)
    taken: list[str] = []
    for label in OWNED_LABELS:
        keys = [row["key"] for row in grouped.get(label, [])]
        if not keys:
            continue
        records = tx.run(
            "UNWIND $keys AS key MATCH (n:" + label + " {key: key}) "
            "WHERE coalesce(n.dataset, '') <> $dataset "
            "RETURN n.key AS key, n.dataset AS owner ORDER BY key",
            keys=keys,
            dataset=graph.key,
        )
        taken.extend(f"{label} {r['key']} (owned by {r['owner'] or 'no dataset'})" for r in records)
    if taken:
        raise InputError(
            f"Dataset {graph.key!r} defines keys that other datasets already own: "
            f"{', '.join(taken[:10])}{' …' if len(taken) > 10 else ''}. A key names one fact "
            "of one dataset: rename it in this dataset, or drop this definition and load the "
            "file together with the owner's to link to its fact (a dataset whose `dataset.key` "
            "changed is a new dataset: keep the old key to replace it); nothing was written."
        )


def _group_nodes(rows: Sequence[NodeRow]) -> dict[str, list[dict[str, Any]]]:
    grouped: defaultdict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        grouped[row.label].append({"key": row.key, "props": row.props})
    return grouped


def _group_edges(rows: Sequence[EdgeRow]) -> dict[tuple[str, str, str], list[dict[str, Any]]]:
    grouped: defaultdict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        grouped[(row.start_label, row.type, row.end_label)].append(
            {"start": row.start_key, "end": row.end_key, "props": row.props}
        )
    return grouped
