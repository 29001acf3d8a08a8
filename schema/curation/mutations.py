"""Curation mutations: create, change and delete partnership facts through the API.

Every mutation

* needs a valid API token (checked over HTTP before anything runs; checked again here);
* is written as a **dataset fragment** — the dict a dataset file would hold — and
  checked by the dataset loader's own code (:func:`loaders.datasets.check_fragment`:
  shapes, keys, codes, themes, kinds, dates, sources), its references resolved against
  the graph;
* becomes rows through the loader's own :func:`loaders.dataset_graph.dataset_graph`;
* is written in one transaction (:func:`graph.curation_store.apply_change`), recording
  its source and who made it; a refusal is a typed result and writes nothing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

import strawberry

from domain.errors import UserFacingError
from graph import curation_store as store
from graph import territory_reads
from graph.coverage_projection import PROJECTIONS
from graph.partnership_store import DatasetGraph, EdgeRow, NodeRow
from loaders.dataset_graph import dataset_graph
from loaders.datasets import Dataset, TerritoryIndex, action_key, check_fragment
from schema.common import vocabularies
from schema.context import Info
from schema.curation import results as r
from schema.curation.inputs import (
    ActionInput,
    ActionPatch,
    ContractInput,
    ContractPatch,
    FundingInput,
    FundingPatch,
    PartnerInput,
    PartnerPatch,
    ProvenanceInput,
    SignatoryInput,
    SourceInput,
    SourcePatch,
    TerritoryInput,
    as_data,
    links,
    provenance_data,
)
from schema.partnerships.actions import Action, Axis
from schema.partnerships.contracts import Contract
from schema.partnerships.fundings import Funding
from schema.partnerships.partners import Partner
from schema.partnerships.provenance import Source

_FORMAT = {"format": "ctg-graph/dataset@1", "dataset": {"key": "curation", "title": "API"}}
_KINDS = ("partner", "person", "contract", "source", "body", "funding", "action", "sub_territory")


class _Refused(Exception):
    """Ends a mutation with a typed result; the transaction is rolled back."""

    def __init__(self, result: Any) -> None:
        super().__init__(getattr(result, "message", "refused"))
        self.result = result


@dataclass
class _Fragment:
    """A dataset fragment and which of its keys it creates or merely names as context."""

    parts: dict[str, list[Any]]
    creating: dict[str, set[str]] = field(default_factory=dict)
    context: dict[str, set[str]] = field(default_factory=dict)
    #: Source of the facts the fragment only names as context (the change's source).
    source: str | None = None


_index_cache: dict[tuple[Any, ...], TerritoryIndex] = {}


async def _territory_index(info: Info) -> TerritoryIndex:
    """The territory codes in the graph, rebuilt only when the loaded reference changes."""
    reader = info.context.reader
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


async def _validated(
    tx: store.Transaction, index: TerritoryIndex, fragment: _Fragment
) -> DatasetGraph:
    """Check ``fragment`` as the loader checks a file; its rows, or a typed refusal."""
    named = set(_strings(fragment.parts))
    existing = await store.existing_keys(tx, {kind: named for kind in _KINDS})
    for kind, keys in fragment.creating.items():
        for key in sorted(keys & existing.get(kind, set())):
            raise _Refused(
                r.AlreadyExists(message=f"A {kind} with key {key!r} already exists.", key=key)
            )
    for kind, keys in fragment.context.items():
        missing = keys - existing.get(kind, set())
        if missing:
            key = sorted(missing)[0]
            raise _Refused(r.NotFound(message=f"No {kind} {key!r} in the graph.", key=key))
    for kind in existing:
        existing[kind] -= fragment.creating.get(kind, set()) | fragment.context.get(kind, set())
    document = {**_FORMAT, **fragment.parts}
    if fragment.source:
        document["default_source"] = fragment.source
    model, problems = check_fragment(document, index, vocabularies(), existing, where="input")
    if model is None:
        raise _Refused(
            r.InvalidInput(
                message=f"{len(problems)} problem(s) in the input; nothing was written.",
                problems=[r.InputProblem(field=p.field, message=p.message) for p in problems],
            )
        )
    return dataset_graph(Dataset("curation", (), model, ""), vocabularies())


Plan = Callable[[store.Transaction, TerritoryIndex], Awaitable[store.Change]]
ResultT = TypeVar("ResultT")


async def _run(
    info: Info, plan: Plan, done: Callable[[store.ChangeSummary], Awaitable[ResultT]]
) -> ResultT | Any:
    """Plan and write one change in one transaction; the result, or a typed refusal."""
    if info.context.caller is None:
        raise UserFacingError("Curation needs an API token (Authorization: Bearer <token>).")
    index = await _territory_index(info)

    async def work(tx: store.Transaction) -> store.ChangeSummary:
        change = await plan(tx, index)
        return await store.apply_change(tx, change)

    try:
        summary = await info.context.reader.writer().write(work)
    except _Refused as refused:
        return refused.result
    except store.AlreadyExists as error:
        return r.AlreadyExists(message=str(error), key=error.key)
    except store.OwnedByDataset as error:
        return r.OwnedByDataset(message=str(error), key=error.key, dataset=error.dataset)
    except store.NotFound as error:
        return r.NotFound(message=str(error), key=error.key)
    # what this request (and the coverage analyses) read before the write is stale now
    info.context.nodes.clear()
    info.context.lists.clear()
    PROJECTIONS.clear()
    return await done(summary)


def _creation(info: Info, label: str, fragment: _Fragment) -> Plan:
    """The plan of a mutation creating one node of ``label`` with its links."""

    async def plan(tx: store.Transaction, index: TerritoryIndex) -> store.Change:
        graph = await _validated(tx, index, fragment)
        return store.Change(
            info.context.caller or "",
            create_nodes=_nodes(graph, label),
            create_edges=_edges(graph),
        )

    return plan


def _updated(
    info: Info,
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
        info.context.caller or "",
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
        raise _Refused(r.NotFound(message=f"No {label} {key!r} in the graph.", key=key))
    return props


def _contract_shell(key: str, props: dict[str, Any]) -> dict[str, Any]:
    """An existing contract as the context of a fragment (only what validation needs)."""
    return {"key": key, "kind": props.get("kind") or "other", "title": props.get("title") or key}


def _saved(info: Info, label: str, key: str, build: Callable[[dict[str, Any]], Any]) -> Any:
    async def done(_summary: store.ChangeSummary) -> Any:
        row = await info.context.nodes.load(label, key)
        if row is None:
            return r.NotFound(message=f"{label} {key!r} is not in the graph.", key=key)
        return build(row)

    return done


def _deleted(key: str) -> Callable[[store.ChangeSummary], Awaitable[r.Deleted]]:
    async def done(summary: store.ChangeSummary) -> r.Deleted:
        return r.Deleted(
            key=key,
            nodes_deleted=summary.nodes_deleted,
            relationships_deleted=summary.relationships_deleted,
        )

    return done


def _territory_edge_ref(rel: str, start_label: str, start: str, territory: TerritoryInput) -> Any:
    data = as_data(territory)
    if len(data) != 1:
        raise UserFacingError(
            "Name exactly one territory: commune, epci, departement, region or subTerritory."
        )
    ((kind, code),) = data.items()
    label = {
        "commune": "Commune",
        "epci": "EPCI",
        "departement": "Departement",
        "region": "Region",
        "sub_territory": "SubTerritory",
    }[kind]
    return store.EdgeRef(rel, start_label, start, label, str(code).strip().upper()
                         if kind != "sub_territory" else str(code))  # fmt: skip


@strawberry.type(description="Curate the graph (needs `Authorization: Bearer <token>`).")
class Mutation:
    # -- sources ----------------------------------------------------------------------
    @strawberry.mutation(description="Add a source document.")
    async def create_source(self, info: Info, input: SourceInput) -> r.SourceResult:
        plan = _creation(
            info,
            "Source",
            _Fragment({"sources": [as_data(input)]}, creating={"source": {input.key}}),
        )

        return await _run(
            info, plan, _saved(info, "Source", input.key, lambda row: r.SourceSaved(
                source=Source.from_row(row)))
        )  # fmt: skip

    @strawberry.mutation(description="Change a source added through the API.")
    async def update_source(self, info: Info, key: str, patch: SourcePatch) -> r.SourceResult:
        async def plan(tx: store.Transaction, index: TerritoryIndex) -> store.Change:
            props = await _props(tx, "Source", key)
            fields = ("title", "publisher", "date", "url", "file", "note")
            current = {f: _native(props[f]) for f in fields if props.get(f) is not None}
            source = {**current, **as_data(patch), "key": key}
            graph = await _validated(
                tx, index, _Fragment({"sources": [source]}, context={"source": {key}})
            )
            return store.Change(info.context.caller or "", update_nodes=_nodes(graph, "Source"))

        return await _run(info, plan, _saved(info, "Source", key, lambda row: r.SourceSaved(
            source=Source.from_row(row))))  # fmt: skip

    @strawberry.mutation(description="Delete a source added through the API that no fact cites.")
    async def delete_source(self, info: Info, key: str) -> r.DeleteResult:
        async def plan(tx: store.Transaction, _index: TerritoryIndex) -> store.Change:
            citing = await store.facts_citing(tx, key)
            if citing:
                raise _Refused(
                    r.InvalidInput(
                        message=f"Source {key!r} is cited by {citing} fact(s); "
                        "delete or re-source them first.",
                        problems=[],
                    )
                )
            return store.Change(info.context.caller or "", delete_nodes=[("Source", key)])

        return await _run(info, plan, _deleted(key))

    # -- partners ----------------------------------------------------------------------
    @strawberry.mutation(description="Add a partner, with the territories it governs or serves.")
    async def create_partner(
        self, info: Info, input: PartnerInput, provenance: ProvenanceInput
    ) -> r.PartnerResult:
        fact = provenance_data(provenance)
        partner = {
            **as_data(input),
            **fact,
            "governs": links(input.governs, fact),
            "serves": links(input.serves, fact),
        }

        plan = _creation(
            info,
            "Partner",
            _Fragment(
                source=provenance.source,
                parts={"partners": [partner]},
                creating={"partner": {input.key}},
            ),
        )
        return await _run(info, plan, _saved(info, "Partner", input.key, _partner_saved))

    @strawberry.mutation(description="Change a partner added through the API.")
    async def update_partner(
        self, info: Info, key: str, patch: PartnerPatch, provenance: ProvenanceInput
    ) -> r.PartnerResult:
        async def plan(tx: store.Transaction, index: TerritoryIndex) -> store.Change:
            props = await _props(tx, "Partner", key)
            current = {k: props[k] for k in ("kind", "name", "siren", "aliases") if props.get(k)}
            partner = {**current, **as_data(patch), **provenance_data(provenance), "key": key}
            fragment = _Fragment(
                source=provenance.source, parts={"partners": [partner]}, context={"partner": {key}}
            )
            graph = await _validated(tx, index, fragment)
            return _updated(info, graph, "Partner", key, props)

        return await _run(info, plan, _saved(info, "Partner", key, _partner_saved))

    @strawberry.mutation(description="Delete a partner added through the API, with its links.")
    async def delete_partner(self, info: Info, key: str) -> r.DeleteResult:
        async def plan(tx: store.Transaction, _index: TerritoryIndex) -> store.Change:
            return store.Change(info.context.caller or "", delete_nodes=[("Partner", key)])

        return await _run(info, plan, _deleted(key))

    # -- contracts ---------------------------------------------------------------------
    @strawberry.mutation(
        description="Add a contract, with its signatories, territories and relations."
    )
    async def create_contract(
        self, info: Info, input: ContractInput, provenance: ProvenanceInput
    ) -> r.ContractResult:
        fact = provenance_data(provenance)
        contract = {
            **as_data(input),
            **fact,
            "signatories": [{**as_data(s), **fact} for s in input.signatories or []],
            "covers": links(input.covers, fact),
            "relations": [{**as_data(x), **fact} for x in input.relations or []],
        }

        plan = _creation(
            info,
            "Contract",
            _Fragment(
                source=provenance.source,
                parts={"contracts": [contract]},
                creating={"contract": {input.key}},
            ),
        )
        return await _run(info, plan, _saved(info, "Contract", input.key, _contract_saved))

    @strawberry.mutation(description="Change a contract added through the API.")
    async def update_contract(
        self, info: Info, key: str, patch: ContractPatch, provenance: ProvenanceInput
    ) -> r.ContractResult:
        async def plan(tx: store.Transaction, index: TerritoryIndex) -> store.Change:
            props = await _props(tx, "Contract", key)
            fields = ("kind", "title", "aliases", "status", "start", "end", "duration_years")
            current = {f: props.get(_CAMEL.get(f, f)) for f in (*fields, *_CAMEL)}
            current = {k: _native(v) for k, v in current.items() if v not in (None, [])}
            contract = {**current, **as_data(patch), **provenance_data(provenance), "key": key}
            fragment = _Fragment(
                source=provenance.source,
                parts={"contracts": [contract]},
                context={"contract": {key}},
            )
            graph = await _validated(tx, index, fragment)
            # its kind may change too: its OF_KIND link follows, like its source link
            of_kind = store.EdgeRef("OF_KIND", "Contract", key, "ContractKind", props["kind"])
            return _updated(info, graph, "Contract", key, props, of_kind)

        return await _run(info, plan, _saved(info, "Contract", key, _contract_saved))

    @strawberry.mutation(
        description="Delete a contract added through the API, with its axes and fiches."
    )
    async def delete_contract(self, info: Info, key: str) -> r.DeleteResult:
        async def plan(tx: store.Transaction, _index: TerritoryIndex) -> store.Change:
            children = await store.contract_children(tx, key)
            return store.Change(
                info.context.caller or "", delete_nodes=[("Contract", key), *children]
            )

        return await _run(info, plan, _deleted(key))

    @strawberry.mutation(description="Record that a partner signed a contract.")
    async def add_signatory(
        self, info: Info, contract: str, signatory: SignatoryInput, provenance: ProvenanceInput
    ) -> r.ContractResult:
        async def plan(tx: store.Transaction, index: TerritoryIndex) -> store.Change:
            shell = _contract_shell(contract, await _props(tx, "Contract", contract))
            shell["signatories"] = [{**as_data(signatory), **provenance_data(provenance)}]
            graph = await _validated(
                tx,
                index,
                _Fragment(
                    source=provenance.source,
                    parts={"contracts": [shell]},
                    context={"contract": {contract}},
                ),
            )
            return store.Change(info.context.caller or "", create_edges=_edges(graph, "SIGNED"))

        return await _run(info, plan, _saved(info, "Contract", contract, _contract_saved))

    @strawberry.mutation(description="Remove a signature added through the API.")
    async def remove_signatory(self, info: Info, contract: str, partner: str) -> r.ContractResult:
        async def plan(tx: store.Transaction, _index: TerritoryIndex) -> store.Change:
            edge = store.EdgeRef("SIGNED", "Partner", partner, "Contract", contract)
            return store.Change(info.context.caller or "", delete_edges=[edge])

        return await _run(info, plan, _saved(info, "Contract", contract, _contract_saved))

    @strawberry.mutation(description="Record that a contract covers a territory.")
    async def add_coverage(
        self,
        info: Info,
        contract: str,
        territory: TerritoryInput,
        provenance: ProvenanceInput,
    ) -> r.ContractResult:
        async def plan(tx: store.Transaction, index: TerritoryIndex) -> store.Change:
            shell = _contract_shell(contract, await _props(tx, "Contract", contract))
            shell["covers"] = links([territory], provenance_data(provenance))
            graph = await _validated(
                tx,
                index,
                _Fragment(
                    source=provenance.source,
                    parts={"contracts": [shell]},
                    context={"contract": {contract}},
                ),
            )
            return store.Change(info.context.caller or "", create_edges=_edges(graph, "COVERS"))

        return await _run(info, plan, _saved(info, "Contract", contract, _contract_saved))

    @strawberry.mutation(description="Remove a coverage link added through the API.")
    async def remove_coverage(
        self, info: Info, contract: str, territory: TerritoryInput
    ) -> r.ContractResult:
        async def plan(tx: store.Transaction, _index: TerritoryIndex) -> store.Change:
            edge = _territory_edge_ref("COVERS", "Contract", contract, territory)
            return store.Change(info.context.caller or "", delete_edges=[edge])

        return await _run(info, plan, _saved(info, "Contract", contract, _contract_saved))

    # -- axes and actions ----------------------------------------------------------------
    @strawberry.mutation(description="Add an axis to a contract.")
    async def create_axis(
        self, info: Info, contract: str, number: int, title: str, provenance: ProvenanceInput
    ) -> r.AxisResult:
        key = f"{contract}-axe-{number}"

        async def plan(tx: store.Transaction, index: TerritoryIndex) -> store.Change:
            if await store.node_props(tx, "Axis", key) is not None:
                raise _Refused(r.AlreadyExists(message=f"Axis {key!r} already exists.", key=key))
            shell = _contract_shell(contract, await _props(tx, "Contract", contract))
            shell["axes"] = [{"number": number, "title": title, **provenance_data(provenance)}]
            graph = await _validated(
                tx,
                index,
                _Fragment(
                    source=provenance.source,
                    parts={"contracts": [shell]},
                    context={"contract": {contract}},
                ),
            )
            return store.Change(
                info.context.caller or "",
                create_nodes=_nodes(graph, "Axis"),
                create_edges=_edges(graph, touching=key),
            )

        return await _run(info, plan, _saved(info, "Axis", key, lambda row: r.AxisSaved(
            axis=Axis.from_row(row))))  # fmt: skip

    @strawberry.mutation(description="Change the title of an axis added through the API.")
    async def update_axis(
        self, info: Info, key: str, title: str, provenance: ProvenanceInput
    ) -> r.AxisResult:
        async def plan(tx: store.Transaction, index: TerritoryIndex) -> store.Change:
            props = await _props(tx, "Axis", key)
            contract = await store.contract_of_axis(tx, key)
            if contract is None:
                raise _Refused(r.NotFound(message=f"Axis {key!r} has no contract.", key=key))
            shell = _contract_shell(contract, await _props(tx, "Contract", contract))
            shell["axes"] = [
                {"number": props.get("number") or 0, "title": title, **provenance_data(provenance)}
            ]
            graph = await _validated(
                tx,
                index,
                _Fragment(
                    source=provenance.source,
                    parts={"contracts": [shell]},
                    context={"contract": {contract}},
                ),
            )
            return _updated(info, graph, "Axis", key, props)

        return await _run(info, plan, _saved(info, "Axis", key, lambda row: r.AxisSaved(
            axis=Axis.from_row(row))))  # fmt: skip

    @strawberry.mutation(description="Delete an axis added through the API, with its fiches.")
    async def delete_axis(self, info: Info, key: str) -> r.DeleteResult:
        async def plan(tx: store.Transaction, _index: TerritoryIndex) -> store.Change:
            actions = await store.axis_actions(tx, key)
            return store.Change(
                info.context.caller or "",
                delete_nodes=[*(("Action", a) for a in actions), ("Axis", key)],
            )

        return await _run(info, plan, _deleted(key))

    @strawberry.mutation(description="Add a fiche action to a contract (and one of its axes).")
    async def create_action(
        self, info: Info, input: ActionInput, provenance: ProvenanceInput
    ) -> r.ActionResult:
        fact = provenance_data(provenance)
        action = {k: v for k, v in as_data(input).items() if k not in ("contract", "axis")}
        action.update(fact)
        path = ("contracts", 0, "actions", 0)
        key = action_key(input.contract, input.key, input.number, path)

        async def plan(tx: store.Transaction, index: TerritoryIndex) -> store.Change:
            shell = _contract_shell(input.contract, await _props(tx, "Contract", input.contract))
            if input.axis is None:
                shell["actions"] = [action]
            else:
                axis_key = f"{input.contract}-axe-{input.axis}"
                axis = await _props(tx, "Axis", axis_key)
                shell["axes"] = [
                    {"number": input.axis, "title": axis["title"], "actions": [action]}
                ]
            graph = await _validated(
                tx,
                index,
                _Fragment(
                    source=provenance.source,
                    parts={"contracts": [shell]},
                    creating={"action": {key}},
                    context={"contract": {input.contract}},
                ),
            )
            return store.Change(
                info.context.caller or "",
                create_nodes=_nodes(graph, "Action"),
                create_edges=_edges(graph, touching=key),
            )

        return await _run(info, plan, _saved(info, "Action", key, _action_saved))

    @strawberry.mutation(description="Change a fiche action added through the API.")
    async def update_action(
        self, info: Info, key: str, patch: ActionPatch, provenance: ProvenanceInput
    ) -> r.ActionResult:
        async def plan(tx: store.Transaction, index: TerritoryIndex) -> store.Change:
            props = await _props(tx, "Action", key)
            contract = await _contract_of(tx, key)
            current = {k: props[k] for k in ("title", "number") if props.get(k) is not None}
            action = {**current, **as_data(patch), **provenance_data(provenance), "key": key}
            shell = _contract_shell(contract, await _props(tx, "Contract", contract))
            shell["actions"] = [action]
            graph = await _validated(
                tx,
                index,
                _Fragment(
                    source=provenance.source,
                    parts={"contracts": [shell]},
                    context={"contract": {contract}, "action": {key}},
                ),
            )
            return _updated(info, graph, "Action", key, props)

        return await _run(info, plan, _saved(info, "Action", key, _action_saved))

    @strawberry.mutation(description="Delete a fiche action added through the API.")
    async def delete_action(self, info: Info, key: str) -> r.DeleteResult:
        async def plan(tx: store.Transaction, _index: TerritoryIndex) -> store.Change:
            return store.Change(info.context.caller or "", delete_nodes=[("Action", key)])

        return await _run(info, plan, _deleted(key))

    @strawberry.mutation(description="Tag a fiche action with a theme (of any dataset).")
    async def tag_action(
        self, info: Info, action: str, theme: str, provenance: ProvenanceInput
    ) -> r.ActionResult:
        async def plan(tx: store.Transaction, index: TerritoryIndex) -> store.Change:
            props = await _props(tx, "Action", action)
            contract = await _contract_of(tx, action)
            shell = _contract_shell(contract, await _props(tx, "Contract", contract))
            shell["actions"] = [
                {"key": action, "title": props.get("title") or action, "themes": [theme],
                 **provenance_data(provenance)}
            ]  # fmt: skip
            graph = await _validated(
                tx,
                index,
                _Fragment(
                    source=provenance.source,
                    parts={"contracts": [shell]},
                    context={"contract": {contract}, "action": {action}},
                ),
            )
            if await store.is_tagged(tx, action, theme):
                raise _Refused(
                    r.AlreadyExists(
                        message=f"{action!r} is already tagged {theme!r}.", key=f"{action}/{theme}"
                    )
                )
            return store.Change(info.context.caller or "", create_edges=_edges(graph, "ADDRESSES"))

        return await _run(info, plan, _saved(info, "Action", action, _action_saved))

    @strawberry.mutation(description="Remove a theme tag added through the API.")
    async def untag_action(self, info: Info, action: str, theme: str) -> r.ActionResult:
        async def plan(tx: store.Transaction, _index: TerritoryIndex) -> store.Change:
            edge = store.EdgeRef("ADDRESSES", "Action", action, "Theme", theme)
            return store.Change(info.context.caller or "", delete_edges=[edge])

        return await _run(info, plan, _saved(info, "Action", action, _action_saved))

    # -- fundings --------------------------------------------------------------------------
    @strawberry.mutation(description="Add a funding fact.")
    async def create_funding(
        self, info: Info, input: FundingInput, provenance: ProvenanceInput
    ) -> r.FundingResult:
        funding = {**as_data(input), **provenance_data(provenance)}

        plan = _creation(
            info,
            "Funding",
            _Fragment(
                source=provenance.source,
                parts={"fundings": [funding]},
                creating={"funding": {input.key}},
            ),
        )
        return await _run(info, plan, _saved(info, "Funding", input.key, lambda row: (
            r.FundingSaved(funding=Funding.from_row(row)))))  # fmt: skip

    @strawberry.mutation(description="Change the figures of a funding added through the API.")
    async def update_funding(
        self, info: Info, key: str, patch: FundingPatch, provenance: ProvenanceInput
    ) -> r.FundingResult:
        async def plan(tx: store.Transaction, index: TerritoryIndex) -> store.Change:
            props = await _props(tx, "Funding", key)
            current = {
                field: _native(props[name])
                for field, name in _FUNDING_FIELDS.items()
                if props.get(name) is not None
            }
            funding = {**current, **as_data(patch), **provenance_data(provenance), "key": key}
            graph = await _validated(
                tx,
                index,
                _Fragment(
                    source=provenance.source,
                    parts={"fundings": [funding]},
                    context={"funding": {key}},
                ),
            )
            return _updated(info, graph, "Funding", key, props)

        return await _run(info, plan, _saved(info, "Funding", key, lambda row: (
            r.FundingSaved(funding=Funding.from_row(row)))))  # fmt: skip

    @strawberry.mutation(description="Delete a funding added through the API.")
    async def delete_funding(self, info: Info, key: str) -> r.DeleteResult:
        async def plan(tx: store.Transaction, _index: TerritoryIndex) -> store.Change:
            return store.Change(info.context.caller or "", delete_nodes=[("Funding", key)])

        return await _run(info, plan, _deleted(key))


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

_CAMEL = {
    "status_as_of": "statusAsOf",
    "signed_on": "signedOn",
    "duration_years": "durationYears",
}


def _native(value: Any) -> Any:
    return value.to_native() if hasattr(value, "to_native") else value


def _partner_saved(row: dict[str, Any]) -> r.PartnerSaved:
    return r.PartnerSaved(partner=Partner.from_row(row))


def _contract_saved(row: dict[str, Any]) -> r.ContractSaved:
    return r.ContractSaved(contract=Contract.from_row(row))


def _action_saved(row: dict[str, Any]) -> r.ActionSaved:
    return r.ActionSaved(action=Action.from_row(row))


async def _contract_of(tx: store.Transaction, action: str) -> str:
    contract = await store.contract_of_action(tx, action)
    if contract is None:
        raise _Refused(r.NotFound(message=f"No fiche action {action!r} in the graph.", key=action))
    return contract
