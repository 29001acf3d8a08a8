"""The curation of contracts: add one with its signatories, covered territories and
relations, change its fields, delete it with its axes and fiches actions, and add or
remove a signature or a covered territory.

The axes and fiches actions of a contract (:mod:`loaders.curation.actions`) are written
as additions to it too: :func:`contract_shell` and :func:`in_contract`.
"""

from __future__ import annotations

from typing import Any

from domain.errors import UserFacingError
from domain.vocabulary import TERRITORY_LABEL, TerritoryKind
from graph import curation_store as store
from loaders.curation.plans import (
    Curator,
    Fragment,
    Plan,
    Record,
    creation,
    edges_of,
    existing_props,
    territory_links,
    unlinking,
    updated,
    validated,
)
from loaders.date_properties import stored_value

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
        "covers": territory_links(contract.get("covers"), fact),
        "relations": [{**x, **fact} for x in contract.get("relations") or []],
    }
    return creation(
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
        props = await existing_props(tx, "Contract", key)
        current = {f: stored_value(props, _CAMEL.get(f, f)) for f in (*_CONTRACT_FIELDS, *_CAMEL)}
        current = {k: v for k, v in current.items() if v not in (None, [])}
        contract = {**current, **patch, **fact, "key": key}
        fragment = Fragment(
            source=fact["source"], parts={"contracts": [contract]}, context={"contract": {key}}
        )
        graph = await validated(tx, curator, fragment)
        # its kind may change too: its OF_KIND link follows, like its source link
        of_kind = store.EdgeRef("OF_KIND", "Contract", key, "ContractKind", props["kind"])
        return updated(curator, graph, "Contract", key, props, of_kind)

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
        shell = await contract_shell(tx, contract)
        shell["signatories"] = [{**signatory, **fact}]
        fragment = in_contract(shell, fact, contract={contract})
        graph = await validated(tx, curator, fragment)
        return store.Change(curator.name, create_edges=edges_of(graph, "SIGNED"))

    return plan


def remove_signatory(contract: str, partner: str) -> Plan:
    """Remove the signature of ``partner`` on ``contract``."""
    return unlinking(store.EdgeRef("SIGNED", "Partner", partner, "Contract", contract))


def add_coverage(contract: str, territory: Record, fact: Record) -> Plan:
    """Record that ``contract`` covers ``territory`` (one of commune, epci…: its code)."""

    async def plan(tx: store.Transaction, curator: Curator) -> store.Change:
        shell = await contract_shell(tx, contract)
        shell["covers"] = territory_links([territory], fact)
        fragment = in_contract(shell, fact, contract={contract})
        graph = await validated(tx, curator, fragment)
        return store.Change(curator.name, create_edges=edges_of(graph, "COVERS"))

    return plan


def remove_coverage(contract: str, territory: Record) -> Plan:
    """Remove the coverage of ``territory`` by ``contract``."""

    async def plan(tx: store.Transaction, curator: Curator) -> store.Change:
        edge = _territory_edge("COVERS", "Contract", contract, territory)
        return store.Change(curator.name, delete_edges=[edge])

    return plan


async def contract_shell(tx: store.Transaction, key: str) -> dict[str, Any]:
    """An existing contract as the context of a fragment (only what validation needs)."""
    props = await existing_props(tx, "Contract", key)
    return {"key": key, "kind": props.get("kind") or "other", "title": props.get("title") or key}


def in_contract(shell: dict[str, Any], fact: Record, **context: set[str]) -> Fragment:
    """A fragment that adds to the existing contract ``shell``."""
    return Fragment(source=fact["source"], parts={"contracts": [shell]}, context=context)


def _territory_edge(rel: str, start_label: str, start: str, territory: Record) -> store.EdgeRef:
    if len(territory) != 1:
        raise UserFacingError(
            "Name exactly one territory: commune, epci, departement, region or subTerritory."
        )
    ((kind, code),) = territory.items()
    end = str(code) if kind == TerritoryKind.SUB_TERRITORY else str(code).strip().upper()
    return store.EdgeRef(rel, start_label, start, TERRITORY_LABEL[TerritoryKind(kind)], end)
