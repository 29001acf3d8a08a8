"""Writing partnership datasets: one dataset, one transaction, replacing its own facts.

:mod:`loaders.dataset_graph` turns a validated dataset into a :class:`DatasetGraph`
(plain node and edge rows); :func:`write_dataset` writes it:

* unchanged (same checksum as the ``(:Dataset)`` node) → nothing is touched;
* otherwise, in **one** write transaction: the dataset's nodes are MERGEd by key (so the
  links other datasets have to them survive) and their properties replaced; its
  relationships are deleted and created anew; its nodes that the new version no longer
  has are deleted; the ``(:Dataset)`` node records the new checksum and the folder its
  files are in.

Datasets that link to each other's facts (a registry of shared partners and the CTGs
that refer to it, in both directions) are written together by :func:`write_datasets`, in
one transaction: every dataset's nodes first, then every dataset's relationships, so no
order between them is needed.

Three things a reload could otherwise do silently are refused first (and, for a whole
load, before any dataset is written: :func:`check_reloads`): replacing a dataset loaded
from **another folder** (unless ``replace``), and deleting **curated facts** — written
through the API, ``dataset: "curation"`` — attached to the nodes the new version no
longer has, or leaving curated nodes with no link (:func:`curated_at_risk`), which the
caller may instead keep or drop (:class:`CuratedFacts`); and deleting a node **another
dataset links to** (a shared partner the definer no longer defines:
:class:`SharedKeysStillReferred`). The links other datasets hold to a dataset's nodes
are theirs (``dataset`` names them), so a reload of the definer keeps them.

Every node and relationship written carries ``dataset`` (its owner), and the
provenance of its fact: ``sources``/``source``, ``certainty``, ``reason``,
``inferredFields``; nodes also link ``-[:SOURCED_FROM]->(:Source)``.

Labels and relationship types come only from the fixed tuples of
:mod:`graph.dataset_labels` (re-exported here), never from input.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, LiteralString

from neo4j import Driver, ManagedTransaction
from neo4j.exceptions import IncompleteCommit, ServiceUnavailable, SessionExpired

from domain.errors import InputError, WriteInterruptedError
from graph.curated_reads import (
    CuratedAtRisk,
    CuratedFact,
    curated_at_risk,
    fact_of,
    vanishing_nodes,
)
from graph.dataset_keys import SharedKeysStillReferred as SharedKeysStillReferred
from graph.dataset_keys import still_referred
from graph.dataset_labels import ALL_LABELS as ALL_LABELS
from graph.dataset_labels import CURATION as CURATION
from graph.dataset_labels import EDGE_TYPES as EDGE_TYPES
from graph.dataset_labels import GENERATED as GENERATED
from graph.dataset_labels import LABEL_OF as LABEL_OF
from graph.dataset_labels import OWNED_LABELS as OWNED_LABELS
from graph.dataset_labels import SHARED_LABELS as SHARED_LABELS
from graph.dataset_labels import TERRITORY_LABELS as TERRITORY_LABELS
from graph.driver import failure_reason


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
    #: partners generated from the reference by the dataset's shorthands, and the links
    #: they have of their own (GOVERNS): shared by every dataset that names them, owned by
    #: none (``dataset: "generated"``), each listing in ``usedBy`` the datasets naming it
    generated: tuple[NodeRow, ...] = ()
    generated_edges: tuple[EdgeRow, ...] = ()


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
    #: curated facts the reload removed (``CuratedFacts.KEEP``: relationships to the nodes
    #: the file no longer has; ``DROP``: those and the curated nodes left unlinked)
    curated_dropped: tuple[CuratedFact, ...] = ()
    #: curated nodes the reload left with no link (kept, with ``CuratedFacts.KEEP``)
    curated_detached: tuple[CuratedFact, ...] = ()
    #: curated nodes taken over by the file and curated relationships it now repeats
    #: (replaced by its own), with ``adopt``
    curated_adopted: tuple[CuratedFact, ...] = ()


class CuratedFacts(StrEnum):
    """What a reload does with the curated facts it would delete or leave unlinked."""

    #: write nothing and list them (the default: a reload never deletes them silently)
    REFUSE = "refuse"
    #: keep the curated nodes, even unlinked; drop (and list) their relationships to the
    #: dataset's nodes that the file no longer has, which cannot outlive those nodes
    KEEP = "keep"
    #: drop (and list) those relationships and the curated nodes they leave unlinked
    DROP = "drop"


@dataclass(frozen=True)
class DatasetOrigin:
    """Where a dataset's files are: its folder and files, resolved."""

    folder: str
    files: tuple[str, ...]


#: How many facts a refusal lists before it counts the rest.
LISTED = 10


class CuratedFactsAtRisk(InputError):
    """Reloading these datasets would delete or orphan facts curators added through the
    API; nothing was written."""

    def __init__(self, risks: Sequence[tuple[str, CuratedAtRisk]]) -> None:
        self.risks = list(risks)
        parts: list[str] = []
        for dataset, risk in self.risks:
            parts.append(
                f"Dataset {dataset!r}: {len(risk.deleted)} curated relationship(s) attached to "
                f"facts its file no longer has would be deleted, and {len(risk.orphaned)} "
                "curated node(s) would be left with no link:"
            )
            facts = risk.facts()
            parts.extend(f"  {fact}" for fact in facts[:LISTED])
            if len(facts) > LISTED:
                parts.append(f"  … and {len(facts) - LISTED} more")
        super().__init__(
            "The reload would delete facts added through the API that the dataset files do "
            "not hold; nothing was written.\n"
            + "\n".join(parts)
            + "\nTo keep them in a file, export them first (`ctg export curated --output "
            "curated.yaml`) and add them to the dataset. Then run the load again with "
            "--keep-curated (keep the curated nodes, even unlinked, and drop their "
            "relationships to the facts the file no longer has) or --drop-curated (drop "
            "those relationships and the curated nodes they leave unlinked)."
        )


class DatasetFolderConflict(InputError):
    """A dataset key already loaded from another folder; nothing was written."""

    def __init__(self, conflicts: Sequence[tuple[str, str, str]]) -> None:
        self.conflicts = list(conflicts)
        listing = "\n".join(
            f"  {key}: in the graph from {stored}, now from {new}" for key, stored, new in conflicts
        )
        super().__init__(
            "These datasets are already in the graph, loaded from another folder; loading "
            "them would replace the other folder's version; nothing was written:\n"
            f"{listing}\nIf the new folder is the one to keep, run the load again with "
            "--replace; otherwise give one of the two datasets another `dataset.key`."
        )


def _pick(name: str, allowed: Sequence[LiteralString], what: str) -> LiteralString:
    for literal in allowed:
        if literal == name:
            return literal
    raise ValueError(f"{what} {name!r} is not one the graph knows")


def _key_property(label: LiteralString) -> LiteralString:
    return "code" if label in TERRITORY_LABELS else "key"


_SET_ORIGIN: LiteralString = (
    "MATCH (d:Dataset {key: $key}) SET d.folder = $folder, d.paths = $paths"
)
_READ_DATASET: LiteralString = (
    "OPTIONAL MATCH (d:Dataset {key: $key}) "
    "RETURN d.checksum AS checksum, d.folder AS folder, d.paths AS paths"
)


@dataclass(frozen=True)
class ReloadCheck:
    """What writing a dataset would do, read before anything is written."""

    key: str
    #: the folder it was loaded from last (None: never loaded, or before folders were kept)
    stored_folder: str | None
    unchanged: bool
    at_risk: CuratedAtRisk
    #: the nodes it would delete that other datasets link to: (label, key, other dataset)
    referred: tuple[tuple[str, str, str], ...] = ()


def check_reload(
    driver: Driver, database: str, graph: DatasetGraph, origin: DatasetOrigin | None = None
) -> ReloadCheck:
    """Read what writing ``graph`` would do (nothing is written): where the dataset was
    loaded from, whether it is unchanged, the curated facts it would delete or orphan."""

    def work(tx: ManagedTransaction) -> ReloadCheck:
        record = tx.run(_READ_DATASET, key=graph.key).single()
        stored = record["folder"] if record is not None else None
        if record is not None and record["checksum"] == graph.checksum:
            return ReloadCheck(graph.key, stored, True, CuratedAtRisk())
        gone = vanishing_nodes(tx, graph.key, _keys_by_label(graph))
        risk, _ = curated_at_risk(tx, gone, _defined(graph))
        referred = tuple(still_referred(tx, graph.key, gone))
        return ReloadCheck(graph.key, stored, False, risk, referred)

    with driver.session(database=database) as session:  # pyright: ignore[reportUnknownMemberType]  neo4j: untyped **config
        return session.execute_read(work)


def check_reloads(
    driver: Driver,
    database: str,
    graphs: Sequence[DatasetGraph],
    origins: Mapping[str, DatasetOrigin],
    curated: CuratedFacts = CuratedFacts.REFUSE,
    replace: bool = False,
) -> None:
    """Refuse, before anything is written, a load that would replace a dataset loaded
    from another folder (unless ``replace``) or, with ``CuratedFacts.REFUSE``, delete or
    orphan curated facts; every dataset concerned is listed in one error.

    A reload that drops a key another dataset links to is refused too, unless that
    dataset is in ``graphs`` and its new version no longer links to it.

    Raises:
        DatasetFolderConflict: a key is in the graph from another folder.
        SharedKeysStillReferred: a reload drops keys other datasets still link to.
        CuratedFactsAtRisk: curated facts would be deleted or orphaned.
    """
    checks = [check_reload(driver, database, g, origins.get(g.key)) for g in graphs]
    links = {g.key: _endpoints(g) for g in graphs}
    referred = [
        (c.key, kept)
        for c in checks
        if (
            kept := [
                (label, key, other)
                for label, key, other in c.referred
                if other not in links or (label, key) in links[other]
            ]
        )
    ]
    conflicts = [
        (c.key, c.stored_folder, origins[c.key].folder)
        for c in checks
        if not replace
        and not c.unchanged  # the same facts from another folder replace nothing
        and c.key in origins
        and c.stored_folder is not None
        and c.stored_folder != origins[c.key].folder
    ]
    if conflicts:
        raise DatasetFolderConflict(conflicts)
    if referred:
        raise SharedKeysStillReferred(referred)
    risks = [(c.key, c.at_risk) for c in checks if c.at_risk]
    if risks and curated is CuratedFacts.REFUSE:
        raise CuratedFactsAtRisk(risks)


def _prior_load(
    tx: ManagedTransaction, graph: DatasetGraph, origin: DatasetOrigin | None, replace: bool
) -> tuple[str | None, list[str] | None, bool]:
    """The folder and files to record for ``graph``, and whether it is unchanged; refuse
    a changed dataset loaded from another folder unless ``replace`` (an unchanged one
    keeps its folder, or with ``replace`` records the new one)."""
    record = tx.run(_READ_DATASET, key=graph.key).single()
    stored: str | None = record["folder"] if record is not None else None
    folder = origin.folder if origin is not None else stored
    unchanged = record is not None and record["checksum"] == graph.checksum
    if stored is not None and folder != stored and not replace:
        if unchanged:  # the same facts: nothing is replaced, the dataset keeps its folder
            return stored, record["paths"] if record else None, True
        raise DatasetFolderConflict([(graph.key, stored, str(folder))])
    paths: list[str] | None = (
        list(origin.files) if origin is not None else record["paths"] if record else None
    )
    if unchanged and origin is not None and folder != stored:
        tx.run(_SET_ORIGIN, key=graph.key, folder=folder, paths=paths)
    return folder, paths, unchanged


def _endpoints(graph: DatasetGraph) -> set[tuple[str, str]]:
    """The (label, key) of every node the dataset's relationships touch."""
    return {(e.start_label, e.start_key) for e in graph.edges} | {
        (e.end_label, e.end_key) for e in graph.edges
    }


def _defined(graph: DatasetGraph) -> set[tuple[str, str]]:
    return {(node.label, node.key) for node in graph.nodes}


def _keys_by_label(graph: DatasetGraph) -> dict[str, list[str]]:
    return {
        label: [row["key"] for row in rows] for label, rows in _group_nodes(graph.nodes).items()
    }


def write_dataset(
    driver: Driver,
    database: str,
    graph: DatasetGraph,
    *,
    origin: DatasetOrigin | None = None,
    curated: CuratedFacts = CuratedFacts.REFUSE,
    replace: bool = False,
    adopt: bool = False,
) -> DatasetWriteSummary:
    """Write ``graph`` in one transaction, replacing the dataset's previous facts.

    ``origin`` (where its files are) is kept on the ``(:Dataset)`` node; a dataset in
    the graph from another folder is refused unless ``replace``. Curated facts (written
    through the API) that the new version would delete or leave unlinked are refused,
    kept or dropped as ``curated`` says (see :class:`CuratedFacts`). With ``adopt``, the
    file takes over the curated nodes whose keys it now defines, and its relationships
    replace the curated ones they repeat (facts moved from the API into the file).

    Raises:
        InputError: a territory the dataset names is not in the graph (load the reference
            of its département first), or a key it defines belongs to another dataset;
            nothing is written.
        SharedKeysStillReferred: the new version drops keys other datasets link to.
        DatasetFolderConflict: the dataset is in the graph from another folder.
        CuratedFactsAtRisk: curated facts would be deleted or orphaned (``REFUSE``).
        WriteInterruptedError: Neo4j stopped answering and the driver's retries gave up;
            the transaction was rolled back, unless it went away during the commit.
    """
    origins = {graph.key: origin} if origin is not None else {}
    (summary,) = write_datasets(
        driver, database, (graph,), origins=origins, curated=curated, replace=replace, adopt=adopt
    )
    return summary


def write_datasets(
    driver: Driver,
    database: str,
    graphs: Sequence[DatasetGraph],
    *,
    origins: Mapping[str, DatasetOrigin] | None = None,
    curated: CuratedFacts = CuratedFacts.REFUSE,
    replace: bool = False,
    adopt: bool = False,
    run: frozenset[str] = frozenset(),
) -> list[DatasetWriteSummary]:
    """Write ``graphs`` — datasets that link to each other's facts, or one dataset — in
    **one** transaction, as :func:`write_dataset` writes one: first every dataset's nodes
    (so that each one's links find the others'), then every dataset's relationships. All
    of them are written, or none.

    ``run`` names the other datasets of the same load: a key they link to and these
    datasets drop was checked against their new versions already (:func:`check_reloads`).

    Raises:
        the errors of :func:`write_dataset`, for any of the datasets.
    """
    group = frozenset(g.key for g in graphs) | run

    def work(tx: ManagedTransaction) -> list[DatasetWriteSummary]:
        writes = [
            _DatasetWrite(tx, g, (origins or {}).get(g.key), curated, replace, adopt)
            for g in graphs
        ]
        for write in writes:
            write.check_and_clear()
        for write in writes:
            write.nodes(group)
        for write in writes:
            write.edges()
        return [write.summary() for write in writes]

    keys = ", ".join(repr(g.key) for g in graphs)
    what = f"dataset {keys}" if len(graphs) == 1 else f"datasets {keys} (written together)"
    try:
        with driver.session(database=database) as session:  # pyright: ignore[reportUnknownMemberType]  neo4j: untyped **config
            return session.execute_write(work)
    except IncompleteCommit as error:  # the commit was sent, its answer never came
        raise WriteInterruptedError(
            f"Neo4j stopped answering ({failure_reason(error)}) while it committed {what}, "
            "so whether it was written cannot be known here; it is either whole or absent, "
            "never in part.",
            graphs[0].key,
            maybe_written=True,
        ) from error
    except (ServiceUnavailable, SessionExpired) as error:
        raise WriteInterruptedError(
            f"Neo4j stopped answering ({failure_reason(error)}) while {what} was being "
            "written; nothing of it was written (a dataset is written in one transaction, "
            "rolled back when it does not complete).",
            graphs[0].key,
            maybe_written=False,
        ) from error


class _DatasetWrite:
    """One dataset's part of a write transaction, in three steps that
    :func:`write_datasets` runs for every dataset of the transaction before the next."""

    def __init__(
        self,
        tx: ManagedTransaction,
        graph: DatasetGraph,
        origin: DatasetOrigin | None,
        curated: CuratedFacts,
        replace: bool,
        adopt: bool,
    ) -> None:
        self.tx, self.graph, self.curated, self.adopt = tx, graph, curated, adopt
        self.folder, self.paths, self.unchanged = _prior_load(tx, graph, origin, replace)
        self.totals: defaultdict[str, int] = defaultdict(int)
        self.adopted: list[CuratedFact] = []
        self.risk = CuratedAtRisk()
        self.orphan_ids: list[str] = []
        self.gone: list[str] = []

    def count(self, query: LiteralString, **params: Any) -> None:
        counters = self.tx.run(query, **params).consume().counters
        self.totals["nodes_created"] += counters.nodes_created
        self.totals["nodes_deleted"] += counters.nodes_deleted
        self.totals["relationships_created"] += counters.relationships_created
        self.totals["relationships_deleted"] += counters.relationships_deleted

    def check_and_clear(self) -> None:
        """Refuse what must not be written, then delete the dataset's own relationships."""
        if self.unchanged:
            return
        graph, tx = self.graph, self.tx
        _check_territories(tx, graph)
        self.adopted = _check_ownership(tx, graph, self.adopt)
        self.gone = vanishing_nodes(tx, graph.key, _keys_by_label(graph))
        self.risk, self.orphan_ids = curated_at_risk(tx, self.gone, _defined(graph))
        if self.risk and self.curated is CuratedFacts.REFUSE:
            raise CuratedFactsAtRisk([(graph.key, self.risk)])
        for label_name, rows in _group_nodes(graph.shared).items():
            label = _pick(label_name, SHARED_LABELS, "label")
            self.count(
                "UNWIND $rows AS row MERGE (n:" + label + " {key: row.key}) SET n += row.props",
                rows=rows,
            )
        # Plans that cannot depend on statistics (index hints, expansions anchored in a
        # subquery): the first load plans them on an empty graph and later loads reuse them.
        for label in OWNED_LABELS:
            # relationships first: every edge of a dataset touches a node it owns
            self.count(
                "MATCH (n:" + label + " {dataset: $key}) USING INDEX n:" + label + "(dataset) "
                "CALL (n) { MATCH (n)-[r]-() WHERE r.dataset = $key DELETE r }",
                key=graph.key,
            )

    def nodes(self, run: frozenset[str]) -> None:
        """Delete the nodes the new version no longer has (refused while a dataset not in
        ``run`` links to one), then write its nodes."""
        if self.unchanged:
            return
        graph = self.graph
        referred = still_referred(self.tx, graph.key, self.gone, run)
        if referred:
            raise SharedKeysStillReferred([(graph.key, referred)])
        grouped = _group_nodes(graph.nodes)
        for label in OWNED_LABELS:
            rows = grouped.get(label, [])
            self.count(
                "MATCH (n:" + label + " {dataset: $key}) USING INDEX n:" + label + "(dataset) "
                "WHERE NOT n.key IN $keys DETACH DELETE n",
                key=graph.key,
                keys=[row["key"] for row in rows],
            )
            if rows:
                self.count(
                    "UNWIND $rows AS row MERGE (n:" + label + " {key: row.key}) "
                    "SET n = row.props, n.key = row.key, n.dataset = $key",
                    rows=rows,
                    key=graph.key,
                )
        _write_generated(self.tx, graph, self.count)

    def edges(self) -> None:
        """Write the dataset's relationships (every node of the transaction is written)."""
        if self.unchanged:
            return
        graph = self.graph
        for (start_name, type_name, end_name), rows in _group_edges(graph.edges).items():
            start = _pick(start_name, (*OWNED_LABELS, *SHARED_LABELS, *TERRITORY_LABELS), "label")
            end = _pick(end_name, (*OWNED_LABELS, *SHARED_LABELS, *TERRITORY_LABELS), "label")
            rel = _pick(type_name, EDGE_TYPES, "relationship type")
            created = (
                self.tx.run(
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
            self.totals["relationships_created"] += created
            if created != len(rows):
                # an endpoint is missing: never drop a stated fact silently
                raise InputError(
                    f"Dataset {graph.key!r}: {len(rows) - created} of its {start_name} "
                    f"{type_name} {end_name} relationships point to nodes that are not in the "
                    "graph (a key defined in a dataset that is not loaded? load it first, or "
                    "in the same run); nothing was written."
                )
        self.count("MATCH (n:SubTerritory {dataset: $key}) SET n:Territory", key=graph.key)

    def summary(self) -> DatasetWriteSummary:
        """Finish the dataset (curated facts, its ``(:Dataset)`` node); say what changed."""
        graph = self.graph
        if self.unchanged:
            return DatasetWriteSummary(
                graph.key, False, len(graph.nodes), len(graph.edges), 0, 0, 0, 0
            )
        if self.adopt:
            restated = _drop_restated(self.tx, graph.key)
            self.totals["relationships_deleted"] += len(restated)
            self.adopted.extend(restated)
        dropped: tuple[CuratedFact, ...] = self.risk.deleted
        detached: tuple[CuratedFact, ...] = self.risk.orphaned
        if self.curated is CuratedFacts.DROP and self.orphan_ids:
            self.count("MATCH (n) WHERE elementId(n) IN $ids DETACH DELETE n", ids=self.orphan_ids)
            dropped, detached = self.risk.facts(), ()
        self.count(
            "MERGE (d:Dataset {key: $key}) SET d = $props, d.key = $key, d.checksum = $checksum, "
            "d.folder = $folder, d.paths = $paths",
            key=graph.key,
            props=graph.props,
            checksum=graph.checksum,
            folder=self.folder,
            paths=self.paths,
        )
        totals = self.totals
        return DatasetWriteSummary(
            graph.key,
            True,
            len(graph.nodes),
            len(graph.edges),
            totals["nodes_created"],
            totals["nodes_deleted"],
            totals["relationships_created"],
            totals["relationships_deleted"],
            dropped,
            detached,
            tuple(self.adopted),
        )


def _check_territories(tx: ManagedTransaction, graph: DatasetGraph) -> None:
    wanted: defaultdict[str, set[str]] = defaultdict(set)
    for edge in (*graph.edges, *graph.generated_edges):
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


def _write_generated(
    tx: ManagedTransaction, graph: DatasetGraph, count: Callable[..., None]
) -> None:
    """Write the partners the dataset's shorthands generated, shared with the other
    datasets naming them: each lists the datasets using it (``usedBy``); one a dataset
    now defines is taken over (its generated links go); one no dataset uses any more, and
    nothing curated links to, goes. Runs after the dataset's own nodes are written."""
    count(
        "MATCH (p:Partner {dataset: $generated}) WHERE $key IN p.usedBy "
        "SET p.usedBy = [d IN p.usedBy WHERE d <> $key]",
        key=graph.key,
        generated=GENERATED,
    )
    count(
        "MATCH (p:Partner {dataset: $key})-[r {dataset: $generated}]-() DELETE r",
        key=graph.key,
        generated=GENERATED,
    )
    rows = _group_nodes(graph.generated).get("Partner", [])
    if rows:
        count(
            "UNWIND $rows AS row MERGE (p:Partner {key: row.key}) "
            "ON CREATE SET p.dataset = $generated "
            "WITH p, row WHERE p.dataset = $generated "
            "WITH p, row, coalesce(p.usedBy, []) AS used "
            "SET p = row.props, p.key = row.key, p.dataset = $generated, "
            "p.usedBy = used + $key",
            rows=rows,
            key=graph.key,
            generated=GENERATED,
        )
    for (_, type_name, end_name), edges in _group_edges(graph.generated_edges).items():
        end = _pick(end_name, TERRITORY_LABELS, "label")
        rel = _pick(type_name, EDGE_TYPES, "relationship type")
        count(
            "UNWIND $rows AS row "
            "MATCH (p:Partner {key: row.start}) WHERE p.dataset = $generated "
            "MATCH (t:" + end + " {code: row.end}) "
            "MERGE (p)-[r:" + rel + "]->(t) SET r = row.props, r.dataset = $generated",
            rows=edges,
            generated=GENERATED,
        )
    count(
        "MATCH (p:Partner {dataset: $generated}) WHERE size(coalesce(p.usedBy, [])) = 0 "
        "AND NOT EXISTS { MATCH (p)-[r]-() WHERE r.dataset <> $generated } "
        "DETACH DELETE p",
        generated=GENERATED,
    )


def _check_ownership(
    tx: ManagedTransaction, graph: DatasetGraph, adopt: bool = False
) -> list[CuratedFact]:
    """Refuse keys another dataset (or the API's curation) owns: MERGE would silently take
    the node over, rewriting the other owner's fact (the same key loaded under a renamed
    dataset, two datasets defining one partner). With ``adopt``, keys curation owns are
    taken over (the file now states those facts); they are returned."""
    grouped = _group_nodes(graph.nodes)
    taken: list[str] = []
    adopted: list[CuratedFact] = []
    for label in OWNED_LABELS:
        keys = [row["key"] for row in grouped.get(label, [])]
        if not keys:
            continue
        records = tx.run(
            "UNWIND $keys AS key MATCH (n:" + label + " {key: key}) "
            "WHERE coalesce(n.dataset, '') <> $dataset "
            "RETURN n.key AS key, n.dataset AS owner, n.curatedBy AS curatedBy, "
            "n.curatedAt AS curatedAt ORDER BY key",
            keys=keys,
            dataset=graph.key,
        )
        for r in records:
            if adopt and r["owner"] == CURATION:
                adopted.append(fact_of({**r.data(), "label": label}))
            elif label == "Partner" and r["owner"] == GENERATED:
                pass  # a dataset now defines a partner a shorthand generated: it takes it over
            else:
                taken.append(f"{label} {r['key']} (owned by {r['owner'] or 'no dataset'})")
    if taken:
        curated = any(f"(owned by {CURATION})" in t for t in taken)
        raise InputError(
            f"Dataset {graph.key!r} defines keys that other datasets already own: "
            f"{', '.join(taken[:10])}{' …' if len(taken) > 10 else ''}. A key names one fact "
            "of one dataset: rename it in this dataset, or drop this definition and load the "
            "file together with the owner's to link to its fact (a dataset whose `dataset.key` "
            "changed is a new dataset: keep the old key to replace it)"
            + (
                "; if the file now holds facts moved from the API's curation (`ctg export "
                "curated`), load it with --adopt-curated"
                if curated
                else ""
            )
            + "; nothing was written."
        )
    return adopted


#: Curated relationships at the dataset's nodes that one of its own relationships repeats
#: (same type, same ends): the file states them now.
_RESTATED: tuple[LiteralString, ...] = tuple(
    "MATCH (n:" + label + " {dataset: $key}) USING INDEX n:" + label + "(dataset) "
    "MATCH (n)-[c]-(m) WHERE c.dataset = $curation "
    "AND EXISTS { MATCH (a)-[d]->(b) WHERE a = startNode(c) AND b = endNode(c) "
    "AND d.dataset = $key AND type(d) = type(c) } "
    "WITH DISTINCT c WITH c, startNode(c) AS a, endNode(c) AS b "
    "WITH c, type(c) AS type, [x IN [a] | " + LABEL_OF + "][0] AS label, "
    "coalesce(a.key, a.code) AS key, [x IN [b] | " + LABEL_OF + "][0] AS endLabel, "
    "coalesce(b.key, b.code) AS endKey, c.curatedBy AS curatedBy, c.curatedAt AS curatedAt "
    "DELETE c RETURN type, label, key, endLabel, endKey, curatedBy, curatedAt"
    for label in OWNED_LABELS
)


def _drop_restated(tx: ManagedTransaction, dataset: str) -> list[CuratedFact]:
    """Delete the curated relationships the dataset's own now repeat; return them."""
    labels = list(ALL_LABELS)
    return [
        fact_of(r, r["type"])
        for query in _RESTATED
        for r in tx.run(query, key=dataset, curation=CURATION, labels=labels)
    ]


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
