"""What every curation change shares: who makes it (:class:`Curator`), the dataset
fragment it is written as (:class:`Fragment`), the check of that fragment by the dataset
loader's own code (:func:`validated`), and the building blocks of the plans that turn
it into a :class:`graph.curation_store.Change` (create, update, delete, unlink).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from domain.errors import InvalidChangeError, KeyTakenError, MissingError
from domain.vocabulary import KEYED_LABEL
from graph import curation_store as store
from graph import territory_reads
from graph.partnership_store import DatasetGraph, EdgeRow, NodeRow
from graph.reader import GraphReader
from loaders.dataset_graph import dataset_graph
from loaders.datasets import Dataset, TerritoryIndex, Vocabularies, check_fragment

#: A fact, or a patch of one, in the dataset format's terms.
Record = dict[str, Any]

_FORMAT = {"format": "ctg-graph/dataset@1", "dataset": {"key": "curation", "title": "API"}}
_KINDS = tuple(KEYED_LABEL)


@dataclass(frozen=True)
class Curator:
    """Who makes a change (the API token's name), and what it is checked against."""

    name: str
    territories: TerritoryIndex
    vocabularies: Vocabularies


#: One change, planned inside the write transaction that then applies it.
Plan = Callable[[store.Transaction, Curator], Awaitable[store.Change]]


@dataclass
class Fragment:
    """A dataset fragment and which of its keys it creates or merely names as context."""

    parts: dict[str, list[Any]]
    creating: dict[str, set[str]] = field(default_factory=dict)
    context: dict[str, set[str]] = field(default_factory=dict)
    #: Source of the facts the fragment only names as context (the change's source).
    source: str | None = None


_index_cache: dict[tuple[Any, ...], TerritoryIndex] = {}


async def territory_index(reader: GraphReader) -> TerritoryIndex:
    """The territory codes in the graph, rebuilt only when the loaded reference changes."""
    signature = tuple(
        (row.get("version"), tuple(row.get("departements") or []))
        for row in await territory_reads.reference_info(reader)
    )
    cached = _index_cache.get(signature)
    if cached is None:
        row = await territory_reads.territory_codes(reader)
        members: dict[str, set[str]] = {}
        for code, _name, epci in row["communes"]:
            if epci:
                members.setdefault(epci, set()).add(code)
        cached = TerritoryIndex(
            communes={code: name for code, name, _ in row["communes"]},
            epcis=dict(map(tuple, row["epcis"])),
            departements=dict(map(tuple, row["departements"])),
            regions=dict(map(tuple, row["regions"])),
            epci_members={k: frozenset(v) for k, v in members.items()},
        )
        _index_cache.clear()
        _index_cache[signature] = cached
    return cached


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


async def validated(tx: store.Transaction, curator: Curator, fragment: Fragment) -> DatasetGraph:
    """Check ``fragment`` as the loader checks a file, its references resolved against
    the graph; its rows.

    Raises
    ------
    KeyTakenError
        A key the fragment creates is in the graph already.
    MissingError
        A key the fragment names as context is not in the graph.
    InvalidChangeError
        The fragment breaks the dataset format's rules (every problem, by field path).
    """
    named = set(_strings(fragment.parts))
    existing = await store.existing_keys(tx, {kind: named for kind in _KINDS})
    for kind, keys in fragment.creating.items():
        for key in sorted(keys & existing.get(kind, set())):
            raise KeyTakenError(f"A {kind} with key {key!r} already exists.", key)
    for kind, keys in fragment.context.items():
        missing = keys - existing.get(kind, set())
        if missing:
            key = sorted(missing)[0]
            raise MissingError(f"No {kind} {key!r} in the graph.", key)
    for kind in existing:
        existing[kind] -= fragment.creating.get(kind, set()) | fragment.context.get(kind, set())
    document = {**_FORMAT, **fragment.parts}
    if fragment.source:
        document["default_source"] = fragment.source
    model, problems = check_fragment(
        document, curator.territories, curator.vocabularies, existing, where="input"
    )
    if model is None:
        raise InvalidChangeError(
            f"{len(problems)} problem(s) in the input; nothing was written.",
            [(p.field, p.message) for p in problems],
        )
    return dataset_graph(Dataset("curation", (), model, ""), curator.vocabularies)


# -- building blocks of the plans ------------------------------------------------------
def creation(label: str, fragment: Fragment) -> Plan:
    """The plan of a change creating one node of ``label`` with its links."""

    async def plan(tx: store.Transaction, curator: Curator) -> store.Change:
        graph = await validated(tx, curator, fragment)
        return store.Change(
            curator.name, create_nodes=nodes_of(graph, label), create_edges=edges_of(graph)
        )

    return plan


def deletion(*nodes: tuple[str, str]) -> Plan:
    """The plan of a change deleting ``nodes`` (label, key) with their links."""

    async def plan(tx: store.Transaction, curator: Curator) -> store.Change:
        return store.Change(curator.name, delete_nodes=list(nodes))

    return plan


def unlinking(edge: store.EdgeRef) -> Plan:
    """The plan of a change deleting one relationship."""

    async def plan(tx: store.Transaction, curator: Curator) -> store.Change:
        return store.Change(curator.name, delete_edges=[edge])

    return plan


def updated(
    curator: Curator,
    graph: DatasetGraph,
    label: str,
    key: str,
    props: dict[str, Any],
    *replaced: store.EdgeRef,
) -> store.Change:
    """The change replacing the node ``label``/``key`` (now ``props``) by its version in
    ``graph``: its source links (and the ``replaced`` ones) follow the new version."""
    sourced = [
        store.EdgeRef("SOURCED_FROM", label, key, "Source", s) for s in props.get("sources") or []
    ]
    kept_types = {"SOURCED_FROM", *(edge.type for edge in replaced)}
    return store.Change(
        curator.name,
        update_nodes=nodes_of(graph, label),
        delete_edges=[*replaced, *sourced],
        create_edges=edges_of(graph, *kept_types, touching=key),
    )


def nodes_of(graph: DatasetGraph, label: str) -> list[NodeRow]:
    """The nodes of ``label`` in ``graph``."""
    return [node for node in graph.nodes if node.label == label]


def edges_of(graph: DatasetGraph, *types: str, touching: str | None = None) -> list[EdgeRow]:
    """The relationships of ``graph`` (of ``types`` if given, at ``touching`` if given)."""
    return [
        e
        for e in graph.edges
        if (not types or e.type in types)
        and (touching is None or touching in (e.start_key, e.end_key))
    ]


async def existing_props(tx: store.Transaction, label: str, key: str) -> dict[str, Any]:
    """The properties of the node ``label``/``key``, which must be in the graph."""
    props = await store.node_props(tx, label, key)
    if props is None:
        raise MissingError(f"No {label} {key!r} in the graph.", key)
    return props


def territory_links(territories: list[Record] | None, fact: Record) -> list[Record]:
    """Territory links of the dataset format, each carrying ``fact``'s provenance."""
    return [{"territory": territory, **fact} for territory in territories or []]


def native(value: Any) -> Any:
    """``value`` as Python has it (a Neo4j date becomes a :class:`datetime.date`)."""
    return value.to_native() if hasattr(value, "to_native") else value
