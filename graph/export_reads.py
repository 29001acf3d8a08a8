"""Reading what an export for Gephi adds to a scope's coverage graph: the dates of its
contracts as they are known, and the properties of the links the graph draws.

The coverage graph (:mod:`graph.coverage_reads`, :mod:`analyses.projection`) holds what
the analyses need; an export also shows when each contract ran and what each link says
(a signatory's role and signing day, how certain a link is and where it comes from). This
named query reads those for the contracts of a graph, in one round trip, as plain lists
(dates as :class:`datetime.date`):

* ``contracts``: key, start, start's latest day, start's precision, end, end's earliest
  day, end's precision, end open (bool or ``None``), signed on, its precision,
  certainty, reason, sources (list)
* ``links``: relationship type, start kind, start key, end kind, end key, role, signed
  on, certainty, reason, source, inferred fields (list) — for ``COVERS`` (contract →
  territory, the territory's kind and code or key), ``SIGNED`` (partner → contract),
  ``HAS_ACTION`` (contract → action) and ``ADDRESSES`` (action → theme)

Date fields follow the storage convention of ``docs/decisions.md`` (``start``/``end`` the
wide bounds, narrow bounds and precision beside them); their property names are read in
both the snake_case and the camelCase spelling, so that this query reads datasets stored
before and after the fuzzy dates landed.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection
from typing import Any, LiteralString

from neo4j import Driver, Query, RoutingControl

from graph.reader import Row

_EXPORT_FACTS: LiteralString = """
MATCH (k:Contract) WHERE k.key IN $contracts
WITH collect(k) AS reaching
CALL (reaching) {
  UNWIND reaching AS k
  RETURN collect([k.key, k.start, k.start_latest, k.start_precision, k.end,
                  k.end_earliest, k.end_precision, k.end_open,
                  k.signedOn, k.signedOn_precision,
                  k.certainty, k.reason, coalesce(k.sources, [])]) AS contracts
}
CALL (reaching) {
  UNWIND reaching AS k
  MATCH (k)-[r:COVERS]->(t)
  RETURN collect(['COVERS', 'contract', k.key, t.kind, coalesce(t.code, t.key), r.role,
                  r.signedOn, r.certainty, r.reason, r.source,
                  coalesce(r.inferredFields, [])]) AS covers
}
CALL (reaching) {
  UNWIND reaching AS k
  MATCH (p:Partner)-[r:SIGNED]->(k)
  RETURN collect(['SIGNED', 'partner', p.key, 'contract', k.key, r.role, r.signedOn,
                  r.certainty, r.reason, r.source,
                  coalesce(r.inferredFields, [])]) AS signed
}
CALL (reaching) {
  UNWIND reaching AS k
  MATCH (k)-[r:HAS_ACTION]->(a:Action)
  RETURN collect(['HAS_ACTION', 'contract', k.key, 'action', a.key, r.role, r.signedOn,
                  r.certainty, r.reason, r.source,
                  coalesce(r.inferredFields, [])]) AS hasAction
}
CALL (reaching) {
  UNWIND reaching AS k
  MATCH (k)-[:HAS_ACTION]->(a:Action)-[r:ADDRESSES]->(t:Theme)
  WITH DISTINCT a, r, t
  RETURN collect(['ADDRESSES', 'action', a.key, 'theme', t.key, r.role, r.signedOn,
                  r.certainty, r.reason, r.source,
                  coalesce(r.inferredFields, [])]) AS addresses
}
RETURN contracts, covers + signed + hasAction + addresses AS links
"""


def export_facts(
    driver: Driver, database: str, contracts: Collection[str], timeout: float = 120.0
) -> Row:
    """The dates of ``contracts`` (keys) and the properties of their links (see the
    module's docstring)."""
    records, _, _ = driver.execute_query(
        Query(_EXPORT_FACTS, timeout=timeout),
        {"contracts": sorted(contracts)},
        database_=database,
        routing_=RoutingControl.READ,
    )
    row = records[0].data()
    return {
        "contracts": [[_native(value) for value in item] for item in row["contracts"]],
        "links": [[_native(value) for value in item] for item in row["links"]],
    }


def _native(value: Any) -> Any:
    """``value`` with the driver's dates as :class:`datetime.date`."""
    if value is None or isinstance(value, datetime.date):
        return value
    to_native = getattr(value, "to_native", None)
    if callable(to_native):
        return to_native()
    return value
