"""Projecting Neo4j into the coverage graph of :mod:`graph.coverage_model`.

One Cypher query (one round trip) fetches what an analysis needs for a scope — the
communes of the scope with their EPCI, département and région, the sub-territories and
contracts that reach them, and only when asked the contracts' fiches actions and themes
and the partners' signatures — as flat lists, which :func:`build` turns into the
networkx graph. Used by the GraphQL API (async, :func:`project_async`) and the CLI and
benchmarks (:func:`project`).

A scope is a territory uid as the API uses them: ``commune:15187``, ``epci:200066660``,
``departement:15``, ``region:84``, a sub-territory key, or ``None`` for all of France.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, LiteralString

import networkx as nx
from neo4j import Driver, Query, RoutingControl

from graph import coverage_model as m
from graph.errors import UserFacingError
from graph.reader import GraphReader, Row

_PROJECTION: LiteralString = """
CALL () {
  MATCH (c:Commune)
  WHERE $scopeKind IS NULL
     OR ($scopeKind = 'departement' AND c.departement = $scopeCode)
     OR ($scopeKind = 'region' AND c.region = $scopeCode)
     OR ($scopeKind = 'commune' AND c.code = $scopeCode)
     OR ($scopeKind = 'epci' AND EXISTS { (c)-[:MEMBER_OF]->(:EPCI {code: $scopeCode}) })
     OR ($scopeKind = 'sub_territory'
         AND EXISTS { (:SubTerritory {key: $scopeCode})-[:INCLUDES]->(c) })
  OPTIONAL MATCH (c)-[:MEMBER_OF]->(e:EPCI)
  RETURN collect([c.code, c.name, c.population, c.departement, c.region, e.code]) AS communes
}
CALL () {
  MATCH (e:EPCI) RETURN collect([e.code, e.name, e.population, e.epciType]) AS epcis
}
CALL () {
  MATCH (d:Departement) RETURN collect([d.code, d.name, d.region]) AS departements
}
CALL () {
  MATCH (r:Region) RETURN collect([r.code, r.name]) AS regions
}
CALL () {
  MATCH (s:SubTerritory)
  OPTIONAL MATCH (s)-[:PART_OF]->(e:EPCI)
  RETURN collect([s.key, s.name, e.code, COLLECT { MATCH (s)-[:INCLUDES]->(c:Commune)
                                                     RETURN c.code }]) AS subTerritories
}
CALL () {
  MATCH (k:Contract)
  RETURN collect([k.key, k.kind, k.title, k.status, k.start, k.end, k.signedOn,
                  COLLECT { MATCH (k)-[:COVERS]->(t)
                            RETURN [t.kind, coalesce(t.code, t.key)] }]) AS contracts
}
CALL () {
  WITH 1 AS wanted WHERE $withActions
  MATCH (k:Contract)-[:HAS_ACTION]->(a:Action)
  RETURN collect([k.key, a.key, a.title, a.number,
                  COLLECT { MATCH (a)-[:ADDRESSES]->(t:Theme) RETURN t.key }]) AS actions
}
CALL () {
  WITH 1 AS wanted WHERE $withPartners
  MATCH (p:Partner)
  RETURN collect([p.key, p.name, p.kind,
                  COLLECT { MATCH (p)-[:SIGNED]->(k:Contract) RETURN k.key }]) AS partners
}
RETURN communes, epcis, departements, regions, subTerritories, contracts, actions, partners
"""


@dataclass(frozen=True)
class Scope:
    """What to project: a territory (``None``: France) and which parts of the graph."""

    uid: str | None = None
    actions: bool = False
    partners: bool = False

    def params(self) -> dict[str, Any]:
        kind, code = _split(self.uid)
        return {
            "scopeKind": kind,
            "scopeCode": code,
            "withActions": self.actions,
            "withPartners": self.partners,
        }

    @property
    def node(self) -> str | None:
        """The scope's node id in the coverage graph (``None`` for France)."""
        kind, code = _split(self.uid)
        return m.node_id(kind, code) if kind and code else None


def _split(uid: str | None) -> tuple[str | None, str | None]:
    if uid is None:
        return None, None
    if ":" in uid:
        kind, code = uid.split(":", 1)
        return kind, code
    return "sub_territory", uid


async def project_async(reader: GraphReader, scope: Scope) -> nx.MultiDiGraph:
    """The coverage graph of ``scope``, read through the API's reader."""
    (row,) = await reader.read(_PROJECTION, scope.params())
    return build(row, scope)


def project(driver: Driver, database: str, scope: Scope, timeout: float = 120.0) -> nx.MultiDiGraph:
    """The coverage graph of ``scope``, read with a synchronous driver (CLI, benchmarks)."""
    records, _, _ = driver.execute_query(
        Query(_PROJECTION, timeout=timeout),
        scope.params(),
        database_=database,
        routing_=RoutingControl.READ,
    )
    return build(records[0].data(), scope)


def build(row: Row, scope: Scope) -> nx.MultiDiGraph:
    """The coverage graph from the projection query's lists."""
    g = m.new_graph()
    for code, name in row["regions"]:
        m.add_region(g, code, name)
    for code, name, region in row["departements"]:
        m.add_departement(g, code, name, region)
    communes = {r[0] for r in row["communes"]}
    if scope.uid is not None and not communes:
        raise UserFacingError(
            f"No commune in scope {scope.uid!r}: check the code (and that its département's "
            "reference is loaded)."
        )
    epcis_used = {r[5] for r in row["communes"] if r[5]}
    for code, name, population, epci_type in row["epcis"]:
        if code in epcis_used:
            m.add_epci(g, code, name, int(population or 0), epci_type or "")
    for code, name, population, departement, region, epci in row["communes"]:
        m.add_commune(g, code, name, int(population or 0), departement, region, epci)
    subs_used: set[str] = set()
    for key, name, epci, members in row["subTerritories"]:
        inside = [c for c in members if c in communes]
        if inside:
            subs_used.add(key)
            m.add_sub_territory(g, key, name, inside, epci if epci in epcis_used else None)
    reachable = {
        "commune": communes,
        "epci": epcis_used,
        "sub_territory": subs_used,
        "departement": {d for d in (r[3] for r in row["communes"]) if d},
        "region": {r for r in (r[4] for r in row["communes"]) if r},
    }
    contracts: set[str] = set()
    for key, kind, title, status, start, end, signed_on, covers in row["contracts"]:
        targets = [m.node_id(k, c) for k, c in covers if c in reachable.get(k, ())]
        if not targets and scope.uid is not None:
            continue
        contracts.add(key)
        m.add_contract(
            g, key, kind or "other", _date(start), _date(end), targets, title, status,
            _date(signed_on),
        )  # fmt: skip
    for contract, key, title, number, themes in row["actions"]:
        if contract in contracts:
            m.add_action(g, key, contract, themes, title, number)
    for key, name, kind, signed in row["partners"]:
        mine = [k for k in signed if k in contracts]
        if mine:
            m.add_partner(g, key, name, kind or "other", mine)
    return g


def _date(value: Any) -> datetime.date | None:
    if value is None:
        return None
    if isinstance(value, datetime.date):
        return value
    native: datetime.date = value.to_native()
    return native


def subgraph(g: nx.MultiDiGraph, kinds: Iterable[str]) -> nx.MultiDiGraph:
    """The nodes of ``kinds`` and the edges between them (for exports of a part)."""
    wanted = set(kinds)
    keep = [n for n, data in g.nodes(data=True) if data.get("kind") in wanted]
    return g.subgraph(keep).copy()
