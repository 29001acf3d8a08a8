"""Projecting Neo4j into the coverage graph of :mod:`analyses.model`.

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

import asyncio
import datetime
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, LiteralString

import networkx as nx
from neo4j import Driver, Query, RoutingControl

from analyses import model as m
from domain.errors import UserFacingError
from domain.vocabulary import TerritoryKind, node_id, split_territory_uid
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
CALL (communes) {
  // the contracts reaching the scope (every contract for France): covering one of its
  // communes, their EPCI or a sub-territory including them
  CALL (communes) {
    WITH 1 AS everything WHERE $scopeKind IS NULL
    MATCH (k:Contract) RETURN k
    UNION
    WITH communes WHERE $scopeKind IS NOT NULL
    UNWIND communes AS row
    MATCH (c:Commune {code: row[0]})
    CALL (c) {
      MATCH (c)<-[:COVERS]-(k:Contract) RETURN k
      UNION MATCH (c)-[:MEMBER_OF]->(:EPCI)<-[:COVERS]-(k:Contract) RETURN k
      UNION MATCH (c)<-[:INCLUDES]-(:SubTerritory)<-[:COVERS]-(k:Contract) RETURN k
    }
    RETURN DISTINCT k
  }
  RETURN collect(k) AS reaching
}
CALL (reaching) {
  UNWIND reaching AS k
  RETURN collect([k.key, k.kind, k.title, k.status, k.start, k.end, k.signedOn]) AS contracts
}
CALL (reaching) {
  UNWIND reaching AS k
  MATCH (k)-[:COVERS]->(t)
  RETURN collect([k.key, t.kind, coalesce(t.code, t.key)]) AS covers
}
CALL (reaching) {
  WITH reaching WHERE $withActions
  UNWIND reaching AS k
  MATCH (k)-[:HAS_ACTION]->(a:Action)
  RETURN collect([k.key, a.key, a.title, a.number,
                  COLLECT { MATCH (a)-[:ADDRESSES]->(t:Theme) RETURN t.key }]) AS actions
}
CALL (reaching) {
  WITH reaching WHERE $withPartners
  UNWIND reaching AS k
  MATCH (p:Partner)-[:SIGNED]->(k)
  WITH p, collect(k.key) AS signed
  RETURN collect([p.key, p.name, p.kind, signed]) AS partners
}
RETURN communes, epcis, departements, regions, subTerritories, contracts, covers, actions,
       partners
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
            "scopeKind": kind.value if kind else None,
            "scopeCode": code,
            "withActions": self.actions,
            "withPartners": self.partners,
        }

    @property
    def node(self) -> str | None:
        """The scope's node id in the coverage graph (``None`` for France)."""
        kind, code = _split(self.uid)
        return node_id(kind, code) if kind and code else None


def _split(uid: str | None) -> tuple[TerritoryKind | None, str | None]:
    return (None, None) if uid is None else split_territory_uid(uid)


async def project_async(reader: GraphReader, scope: Scope) -> nx.MultiDiGraph:
    """The coverage graph of ``scope``, read through the API's reader."""
    (row,) = await reader.read(_PROJECTION, scope.params())
    return build(row, scope)


class ProjectionCache:
    """Recent projections, kept ``ttl`` seconds (at most ``size`` of them, least recently
    used out first), so that repeated analyses of a scope skip the projection (at the
    scale of France it costs about a second; the analysis a third of that). Changes
    made through the API clear it at once; loads from the command line show within
    ``ttl``. Concurrent requests for the same scope share one projection."""

    def __init__(self, ttl: float = 60.0, size: int = 8) -> None:
        self.ttl = ttl
        self.size = size
        self._entries: OrderedDict[Scope, tuple[float, nx.MultiDiGraph]] = OrderedDict()
        self._locks: dict[Scope, asyncio.Lock] = {}

    async def get(self, reader: GraphReader, scope: Scope) -> nx.MultiDiGraph:
        """The coverage graph of ``scope``, from the cache when recent enough."""
        if self.ttl <= 0:
            return await project_async(reader, scope)
        cached = self._fresh(scope)
        if cached is not None:
            return cached
        async with self._locks.setdefault(scope, asyncio.Lock()):
            cached = self._fresh(scope)
            if cached is not None:
                return cached
            g = await project_async(reader, scope)
            self._entries[scope] = (time.monotonic(), g)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
            return g

    def clear(self) -> None:
        """Forget every projection (the graph changed)."""
        self._entries.clear()

    def _fresh(self, scope: Scope) -> nx.MultiDiGraph | None:
        entry = self._entries.get(scope)
        if entry is None or time.monotonic() - entry[0] >= self.ttl:
            return None
        self._entries.move_to_end(scope)
        return entry[1]


#: The API process's projections (configured from ``CTG_API_COVERAGE_CACHE``).
PROJECTIONS = ProjectionCache()


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
    covers: dict[str, list[str]] = {}
    for key, kind, code in row["covers"]:
        if code in reachable.get(kind, ()):
            covers.setdefault(key, []).append(m.node_id(kind, code))
    for key, kind, title, status, start, end, signed_on in row["contracts"]:
        targets = covers.get(key, [])
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
