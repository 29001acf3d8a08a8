"""Curation changes: a fact sent through the API becomes the change that writes it.

Each function takes plain records in the dataset format's terms (the dicts a dataset
file would hold: ``{"key": "caf-15", "kind": "caf", ...}``, a fact's provenance as
``{"source": ..., "certainty": ...}``) and returns a :data:`Plan`. Run inside the write
transaction, a plan reads what it needs of the graph, builds a **dataset fragment**,
checks it with the dataset loader's own code (:func:`loaders.datasets.check_fragment`:
shapes, keys, codes, themes, kinds, dates, sources, references resolved against the
graph), turns it into rows with :func:`loaders.dataset_graph.dataset_graph` and returns
the :class:`graph.curation_store.Change` that :func:`graph.curation_store.apply_change`
writes in the same transaction.

A change that cannot be made raises a :class:`domain.errors.ChangeRefusedError` (the
key is taken, something named is missing, the input breaks the format), so the whole
transaction rolls back and nothing is written.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from domain.errors import InvalidChangeError, KeyTakenError, MissingError, UserFacingError
from domain.vocabulary import KEYED_LABEL, TERRITORY_LABEL, TerritoryKind
from graph import curation_store as store
from graph import territory_reads
from graph.partnership_store import DatasetGraph, EdgeRow, NodeRow
from graph.reader import GraphReader
from loaders.dataset_graph import dataset_graph
from loaders.datasets import Dataset, TerritoryIndex, Vocabularies, action_key, check_fragment

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


# -- building blocks -------------------------------------------------------------------
def _creation(label: str, fragment: Fragment) -> Plan:
    """The plan of a change creating one node of ``label`` with its links."""

    async def plan(tx: store.Transaction, curator: Curator) -> store.Change:
        graph = await validated(tx, curator, fragment)
        return store.Change(
            curator.name, create_nodes=_nodes(graph, label), create_edges=_edges(graph)
        )

    return plan


def _deletion(*nodes: tuple[str, str]) -> Plan:
    """The plan of a change deleting ``nodes`` (label, key) with their links."""

    async def plan(tx: store.Transaction, curator: Curator) -> store.Change:
        return store.Change(curator.name, delete_nodes=list(nodes))

    return plan


def _unlinking(edge: store.EdgeRef) -> Plan:
    """The plan of a change deleting one relationship."""

    async def plan(tx: store.Transaction, curator: Curator) -> store.Change:
        return store.Change(curator.name, delete_edges=[edge])

    return plan


def _updated(
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
        update_nodes=_nodes(graph, label),
        delete_edges=[*replaced, *sourced],
        create_edges=_edges(graph, *kept_types, touching=key),
    )


def _nodes(graph: DatasetGraph, label: str) -> list[NodeRow]:
    return [node for node in graph.nodes if node.label == label]


def _edges(graph: DatasetGraph, *types: str, touching: str | None = None) -> list[EdgeRow]:
    return [
        e
        for e in graph.edges
        if (not types or e.type in types)
        and (touching is None or touching in (e.start_key, e.end_key))
    ]


async def _props(tx: store.Transaction, label: str, key: str) -> dict[str, Any]:
    props = await store.node_props(tx, label, key)
    if props is None:
        raise MissingError(f"No {label} {key!r} in the graph.", key)
    return props


async def _contract_shell(tx: store.Transaction, key: str) -> dict[str, Any]:
    """An existing contract as the context of a fragment (only what validation needs)."""
    props = await _props(tx, "Contract", key)
    return {"key": key, "kind": props.get("kind") or "other", "title": props.get("title") or key}


def _in_contract(shell: dict[str, Any], fact: Record, **context: set[str]) -> Fragment:
    """A fragment that adds to the existing contract ``shell``."""
    return Fragment(source=fact["source"], parts={"contracts": [shell]}, context=context)


def _links(territories: list[Record] | None, fact: Record) -> list[Record]:
    """Territory links of the dataset format, each carrying ``fact``'s provenance."""
    return [{"territory": territory, **fact} for territory in territories or []]


def _native(value: Any) -> Any:
    return value.to_native() if hasattr(value, "to_native") else value


async def _contract_of(tx: store.Transaction, action: str) -> str:
    contract = await store.contract_of_action(tx, action)
    if contract is None:
        raise MissingError(f"No fiche action {action!r} in the graph.", action)
    return contract


def _territory_edge(rel: str, start_label: str, start: str, territory: Record) -> store.EdgeRef:
    if len(territory) != 1:
        raise UserFacingError(
            "Name exactly one territory: commune, epci, departement, region or subTerritory."
        )
    ((kind, code),) = territory.items()
    end = str(code) if kind == TerritoryKind.SUB_TERRITORY else str(code).strip().upper()
    return store.EdgeRef(rel, start_label, start, TERRITORY_LABEL[TerritoryKind(kind)], end)


# -- sources ---------------------------------------------------------------------------
def create_source(source: Record) -> Plan:
    """Add the source document ``source``."""
    return _creation(
        "Source", Fragment({"sources": [source]}, creating={"source": {source["key"]}})
    )


def update_source(key: str, patch: Record) -> Plan:
    """Change the fields of ``patch`` of the source ``key``."""

    async def plan(tx: store.Transaction, curator: Curator) -> store.Change:
        props = await _props(tx, "Source", key)
        fields = ("title", "publisher", "date", "url", "file", "note")
        current = {f: _native(props[f]) for f in fields if props.get(f) is not None}
        source = {**current, **patch, "key": key}
        fragment = Fragment({"sources": [source]}, context={"source": {key}})
        graph = await validated(tx, curator, fragment)
        return store.Change(curator.name, update_nodes=_nodes(graph, "Source"))

    return plan


def delete_source(key: str) -> Plan:
    """Delete the source ``key``, which no fact may cite."""

    async def plan(tx: store.Transaction, curator: Curator) -> store.Change:
        citing = await store.facts_citing(tx, key)
        if citing:
            raise InvalidChangeError(
                f"Source {key!r} is cited by {citing} fact(s); delete or re-source them first.",
                [],
            )
        return store.Change(curator.name, delete_nodes=[("Source", key)])

    return plan


# -- partners --------------------------------------------------------------------------
def create_partner(partner: Record, fact: Record) -> Plan:
    """Add ``partner`` with the territories it ``governs`` and ``serves``."""
    record = {
        **partner,
        **fact,
        "governs": _links(partner.get("governs"), fact),
        "serves": _links(partner.get("serves"), fact),
    }
    return _creation(
        "Partner",
        Fragment(
            source=fact["source"],
            parts={"partners": [record]},
            creating={"partner": {partner["key"]}},
        ),
    )


def update_partner(key: str, patch: Record, fact: Record) -> Plan:
    """Change the fields of ``patch`` of the partner ``key``."""

    async def plan(tx: store.Transaction, curator: Curator) -> store.Change:
        props = await _props(tx, "Partner", key)
        current = {k: props[k] for k in ("kind", "name", "siren", "aliases") if props.get(k)}
        partner = {**current, **patch, **fact, "key": key}
        fragment = Fragment(
            source=fact["source"], parts={"partners": [partner]}, context={"partner": {key}}
        )
        graph = await validated(tx, curator, fragment)
        return _updated(curator, graph, "Partner", key, props)

    return plan


def delete_partner(key: str) -> Plan:
    """Delete the partner ``key`` with its links."""
    return _deletion(("Partner", key))


# -- contracts -------------------------------------------------------------------------
_CONTRACT_FIELDS = ("kind", "title", "aliases", "status", "start", "end", "duration_years")
#: Dataset-format names of the contract properties that Neo4j spells in camelCase.
_CAMEL = {
    "status_as_of": "statusAsOf",
    "signed_on": "signedOn",
    "duration_years": "durationYears",
}


def create_contract(contract: Record, fact: Record) -> Plan:
    """Add ``contract`` with its signatories, covered territories and relations."""
    record = {
        **contract,
        **fact,
        "signatories": [{**s, **fact} for s in contract.get("signatories") or []],
        "covers": _links(contract.get("covers"), fact),
        "relations": [{**x, **fact} for x in contract.get("relations") or []],
    }
    return _creation(
        "Contract",
        Fragment(
            source=fact["source"],
            parts={"contracts": [record]},
            creating={"contract": {contract["key"]}},
        ),
    )


def update_contract(key: str, patch: Record, fact: Record) -> Plan:
    """Change the fields of ``patch`` of the contract ``key`` (its kind included)."""

    async def plan(tx: store.Transaction, curator: Curator) -> store.Change:
        props = await _props(tx, "Contract", key)
        current = {f: props.get(_CAMEL.get(f, f)) for f in (*_CONTRACT_FIELDS, *_CAMEL)}
        current = {k: _native(v) for k, v in current.items() if v not in (None, [])}
        contract = {**current, **patch, **fact, "key": key}
        fragment = Fragment(
            source=fact["source"], parts={"contracts": [contract]}, context={"contract": {key}}
        )
        graph = await validated(tx, curator, fragment)
        # its kind may change too: its OF_KIND link follows, like its source link
        of_kind = store.EdgeRef("OF_KIND", "Contract", key, "ContractKind", props["kind"])
        return _updated(curator, graph, "Contract", key, props, of_kind)

    return plan


def delete_contract(key: str) -> Plan:
    """Delete the contract ``key`` with its axes and fiches actions."""

    async def plan(tx: store.Transaction, curator: Curator) -> store.Change:
        children = await store.contract_children(tx, key)
        return store.Change(curator.name, delete_nodes=[("Contract", key), *children])

    return plan


def add_signatory(contract: str, signatory: Record, fact: Record) -> Plan:
    """Record that the partner of ``signatory`` signed ``contract``."""

    async def plan(tx: store.Transaction, curator: Curator) -> store.Change:
        shell = await _contract_shell(tx, contract)
        shell["signatories"] = [{**signatory, **fact}]
        fragment = _in_contract(shell, fact, contract={contract})
        graph = await validated(tx, curator, fragment)
        return store.Change(curator.name, create_edges=_edges(graph, "SIGNED"))

    return plan


def remove_signatory(contract: str, partner: str) -> Plan:
    """Remove the signature of ``partner`` on ``contract``."""
    return _unlinking(store.EdgeRef("SIGNED", "Partner", partner, "Contract", contract))


def add_coverage(contract: str, territory: Record, fact: Record) -> Plan:
    """Record that ``contract`` covers ``territory`` (one of commune, epci…: its code)."""

    async def plan(tx: store.Transaction, curator: Curator) -> store.Change:
        shell = await _contract_shell(tx, contract)
        shell["covers"] = _links([territory], fact)
        fragment = _in_contract(shell, fact, contract={contract})
        graph = await validated(tx, curator, fragment)
        return store.Change(curator.name, create_edges=_edges(graph, "COVERS"))

    return plan


def remove_coverage(contract: str, territory: Record) -> Plan:
    """Remove the coverage of ``territory`` by ``contract``."""

    async def plan(tx: store.Transaction, curator: Curator) -> store.Change:
        edge = _territory_edge("COVERS", "Contract", contract, territory)
        return store.Change(curator.name, delete_edges=[edge])

    return plan


# -- axes and actions ------------------------------------------------------------------
def axis_key(contract: str, number: int) -> str:
    """The key of the axis ``number`` of ``contract``."""
    return f"{contract}-axe-{number}"


def new_action_key(action: Record) -> str:
    """The key the fiche action ``action`` (with its ``contract``) will have."""
    path = ("contracts", 0, "actions", 0)
    return action_key(action["contract"], action.get("key"), action.get("number"), path)


def create_axis(contract: str, number: int, title: str, fact: Record) -> Plan:
    """Add the axis ``number`` titled ``title`` to ``contract``."""
    key = axis_key(contract, number)

    async def plan(tx: store.Transaction, curator: Curator) -> store.Change:
        if await store.node_props(tx, "Axis", key) is not None:
            raise KeyTakenError(f"Axis {key!r} already exists.", key)
        shell = await _contract_shell(tx, contract)
        shell["axes"] = [{"number": number, "title": title, **fact}]
        graph = await validated(tx, curator, _in_contract(shell, fact, contract={contract}))
        return store.Change(
            curator.name,
            create_nodes=_nodes(graph, "Axis"),
            create_edges=_edges(graph, touching=key),
        )

    return plan


def update_axis(key: str, title: str, fact: Record) -> Plan:
    """Change the title of the axis ``key``."""

    async def plan(tx: store.Transaction, curator: Curator) -> store.Change:
        props = await _props(tx, "Axis", key)
        contract = await store.contract_of_axis(tx, key)
        if contract is None:
            raise MissingError(f"Axis {key!r} has no contract.", key)
        shell = await _contract_shell(tx, contract)
        shell["axes"] = [{"number": props.get("number") or 0, "title": title, **fact}]
        graph = await validated(tx, curator, _in_contract(shell, fact, contract={contract}))
        return _updated(curator, graph, "Axis", key, props)

    return plan


def delete_axis(key: str) -> Plan:
    """Delete the axis ``key`` with its fiches actions."""

    async def plan(tx: store.Transaction, curator: Curator) -> store.Change:
        actions = await store.axis_actions(tx, key)
        return store.Change(
            curator.name, delete_nodes=[*(("Action", a) for a in actions), ("Axis", key)]
        )

    return plan


def create_action(action: Record, fact: Record) -> Plan:
    """Add the fiche action ``action`` to its ``contract`` (and to its ``axis`` number)."""
    contract, number = action["contract"], action.get("axis")
    key = new_action_key(action)
    record = {k: v for k, v in action.items() if k not in ("contract", "axis")}
    record.update(fact)

    async def plan(tx: store.Transaction, curator: Curator) -> store.Change:
        shell = await _contract_shell(tx, contract)
        if number is None:
            shell["actions"] = [record]
        else:
            axis = await _props(tx, "Axis", axis_key(contract, number))
            shell["axes"] = [{"number": number, "title": axis["title"], "actions": [record]}]
        fragment = _in_contract(shell, fact, contract={contract})
        fragment.creating = {"action": {key}}
        graph = await validated(tx, curator, fragment)
        return store.Change(
            curator.name,
            create_nodes=_nodes(graph, "Action"),
            create_edges=_edges(graph, touching=key),
        )

    return plan


def update_action(key: str, patch: Record, fact: Record) -> Plan:
    """Change the fields of ``patch`` of the fiche action ``key``."""

    async def plan(tx: store.Transaction, curator: Curator) -> store.Change:
        props = await _props(tx, "Action", key)
        contract = await _contract_of(tx, key)
        current = {k: props[k] for k in ("title", "number") if props.get(k) is not None}
        shell = await _contract_shell(tx, contract)
        shell["actions"] = [{**current, **patch, **fact, "key": key}]
        fragment = _in_contract(shell, fact, contract={contract}, action={key})
        graph = await validated(tx, curator, fragment)
        return _updated(curator, graph, "Action", key, props)

    return plan


def delete_action(key: str) -> Plan:
    """Delete the fiche action ``key``."""
    return _deletion(("Action", key))


def tag_action(action: str, theme: str, fact: Record) -> Plan:
    """Tag the fiche action ``action`` with the theme code ``theme``."""

    async def plan(tx: store.Transaction, curator: Curator) -> store.Change:
        props = await _props(tx, "Action", action)
        contract = await _contract_of(tx, action)
        shell = await _contract_shell(tx, contract)
        title = props.get("title") or action
        shell["actions"] = [{"key": action, "title": title, "themes": [theme], **fact}]
        fragment = _in_contract(shell, fact, contract={contract}, action={action})
        graph = await validated(tx, curator, fragment)
        if await store.is_tagged(tx, action, theme):
            raise KeyTakenError(f"{action!r} is already tagged {theme!r}.", f"{action}/{theme}")
        return store.Change(curator.name, create_edges=_edges(graph, "ADDRESSES"))

    return plan


def untag_action(action: str, theme: str) -> Plan:
    """Remove the theme ``theme`` from the fiche action ``action``."""
    return _unlinking(store.EdgeRef("ADDRESSES", "Action", action, "Theme", theme))


# -- fundings --------------------------------------------------------------------------
#: Dataset-format field → Neo4j property of a funding.
_FUNDING_FIELDS = {
    "amount": "amount",
    "amount_qualifier": "amountQualifier",
    "currency": "currency",
    "tax": "tax",
    "year": "year",
    "start": "start",
    "end": "end",
    "share": "share",
    "share_qualifier": "shareQualifier",
    "purpose": "purpose",
}


def create_funding(funding: Record, fact: Record) -> Plan:
    """Add the funding fact ``funding``."""
    return _creation(
        "Funding",
        Fragment(
            source=fact["source"],
            parts={"fundings": [{**funding, **fact}]},
            creating={"funding": {funding["key"]}},
        ),
    )


def update_funding(key: str, patch: Record, fact: Record) -> Plan:
    """Change the figures of ``patch`` of the funding ``key``."""

    async def plan(tx: store.Transaction, curator: Curator) -> store.Change:
        props = await _props(tx, "Funding", key)
        current = {
            name: _native(props[prop])
            for name, prop in _FUNDING_FIELDS.items()
            if props.get(prop) is not None
        }
        funding = {**current, **patch, **fact, "key": key}
        fragment = Fragment(
            source=fact["source"], parts={"fundings": [funding]}, context={"funding": {key}}
        )
        graph = await validated(tx, curator, fragment)
        return _updated(curator, graph, "Funding", key, props)

    return plan


def delete_funding(key: str) -> Plan:
    """Delete the funding ``key``."""
    return _deletion(("Funding", key))
