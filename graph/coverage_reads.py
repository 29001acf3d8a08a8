"""Reading what a coverage analysis needs from Neo4j, for :mod:`analyses.projection` to
build its graph from.

One Cypher query (one round trip) fetches, for a :class:`domain.scopes.Scope`, the
communes of the scope with their EPCI, département and région, the sub-territories and
contracts that reach them, and only when asked the contracts' fiches actions and themes
and the partners' signatures. The result is one plain dict of flat lists (each item a
list of values, in the order of the query's ``collect``), with dates as
:class:`datetime.date`:

* ``communes``: code, name, population, département, région, EPCI code (or ``None``)
* ``epcis``: code, name, population, type; ``departements``: code, name, région;
  ``regions``: code, name
* ``subTerritories``: key, name, EPCI code (or ``None``), codes of the included communes,
  codes of those whose membership is inferred
* ``contracts``: key, kind, title, status, start, end, signed on, start precision, end
  precision (``None``: day), end open (bool), certainty, inferred fields (their names)
* ``covers``: contract key, territory kind, territory code (or key), whether the link is
  inferred
* ``actions`` (empty unless ``scope.actions``): contract key, action key, title, number,
  theme keys, keys of the themes inferred
* ``partners`` (empty unless ``scope.partners``): key, name, kind, keys of the contracts
  signed, keys of those whose signature is inferred

Certainty (DESIGN §3: a derived fact is as certain as the weakest fact it rests on): a
sub-territory's membership is inferred when its ``INCLUDES`` link is, when the
sub-territory itself is, or when its communes are among its ``inferredFields`` (as the
loader writes ``communes: <reason>``); a fiche's theme likewise with ``themes:``; a
signature when its link or its partner is. Properties absent from older data read as
stated, day precision, not open.

Used by the GraphQL API (async, :func:`coverage_rows_async`) and the CLI and benchmarks
(:func:`coverage_rows`).
"""

from __future__ import annotations

import datetime
from typing import Any, LiteralString

from neo4j import Driver, Query, RoutingControl

from domain.scopes import Scope
from graph.reader import GraphReader, Row

_COVERAGE_ROWS: LiteralString = """
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
  // a membership is inferred when its link is, when the sub-territory is, or when the
  // dataset lists the sub-territory's communes under its inferred fields
  WITH s, e, coalesce(s.certainty, '') = 'inferred'
             OR any(f IN coalesce(s.inferredFields, []) WHERE f STARTS WITH 'communes:')
             AS allInferred
  RETURN collect([s.key, s.name, e.code,
                  COLLECT { MATCH (s)-[:INCLUDES]->(c:Commune) RETURN c.code },
                  COLLECT { MATCH (s)-[i:INCLUDES]->(c:Commune)
                            WHERE allInferred OR coalesce(i.certainty, '') = 'inferred'
                               OR any(f IN coalesce(i.inferredFields, [])
                                      WHERE f STARTS WITH 'communes:')
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
  RETURN collect([k.key, k.kind, k.title, k.status, k.start, k.end, k.signedOn,
                  k.start_precision, k.end_precision, k.end_open, k.certainty,
                  k.inferredFields]) AS contracts
}
CALL (reaching) {
  UNWIND reaching AS k
  MATCH (k)-[r:COVERS]->(t)
  RETURN collect([k.key, t.kind, coalesce(t.code, t.key),
                  coalesce(r.certainty, '') = 'inferred']) AS covers
}
CALL (reaching) {
  WITH reaching WHERE $withActions
  UNWIND reaching AS k
  MATCH (k)-[:HAS_ACTION]->(a:Action)
  // a theme is inferred when its link is, when the fiche is, or when the dataset lists the
  // fiche's themes under its inferred fields
  WITH k, a, coalesce(a.certainty, '') = 'inferred'
             OR any(f IN coalesce(a.inferredFields, []) WHERE f STARTS WITH 'themes:')
             AS allInferred
  RETURN collect([k.key, a.key, a.title, a.number,
                  COLLECT { MATCH (a)-[:ADDRESSES]->(t:Theme) RETURN t.key },
                  COLLECT { MATCH (a)-[d:ADDRESSES]->(t:Theme)
                            WHERE allInferred OR coalesce(d.certainty, '') = 'inferred'
                               OR any(f IN coalesce(d.inferredFields, [])
                                      WHERE f STARTS WITH 'themes:')
                            RETURN t.key }]) AS actions
}
CALL (reaching) {
  WITH reaching WHERE $withPartners
  UNWIND reaching AS k
  MATCH (p:Partner)-[s:SIGNED]->(k)
  WITH p, collect(k.key) AS signed,
       collect(CASE WHEN coalesce(s.certainty, '') = 'inferred'
                      OR coalesce(p.certainty, '') = 'inferred' THEN k.key END) AS inferredSigned
  RETURN collect([p.key, p.name, p.kind, signed, inferredSigned]) AS partners
}
RETURN communes, epcis, departements, regions, subTerritories, contracts, covers, actions,
       partners
"""


def _params(scope: Scope) -> dict[str, Any]:
    return {
        "scopeKind": scope.kind.value if scope.kind else None,
        "scopeCode": scope.code,
        "withActions": scope.actions,
        "withPartners": scope.partners,
    }


async def coverage_rows_async(reader: GraphReader, scope: Scope) -> Row:
    """The rows of ``scope`` (see the module's docstring), read through the API's reader."""
    (row,) = await reader.read(_COVERAGE_ROWS, _params(scope))
    return _native(row)


def coverage_rows(driver: Driver, database: str, scope: Scope, timeout: float = 120.0) -> Row:
    """The rows of ``scope`` (see the module's docstring), read with a synchronous driver
    (CLI, benchmarks)."""
    records, _, _ = driver.execute_query(
        Query(_COVERAGE_ROWS, timeout=timeout),
        _params(scope),
        database_=database,
        routing_=RoutingControl.READ,
    )
    return _native(records[0].data())


def _native(row: Row) -> Row:
    """The row with the driver's dates as :class:`datetime.date`, so that what leaves
    ``graph/`` holds no neo4j types."""
    contracts = [
        [key, kind, title, status, _date(start), _date(end), _date(signed_on),
         start_precision, end_precision, bool(end_open), certainty or "stated",
         sorted({str(f).partition(":")[0].strip() for f in inferred or ()})]
        for (key, kind, title, status, start, end, signed_on, start_precision, end_precision,
             end_open, certainty, inferred) in row["contracts"]
    ]  # fmt: skip
    # covers need no pass: the query already returns their inferred flag as a boolean
    return {**row, "contracts": contracts}


def _date(value: Any) -> datetime.date | None:
    if value is None:
        return None
    if isinstance(value, datetime.date):
        return value
    native: datetime.date = value.to_native()
    return native
