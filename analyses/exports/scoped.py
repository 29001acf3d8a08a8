"""What an export of a scope holds: the scope and what links to it, optionally its
context, and the dates and link properties that an export shows beside the coverage
graph.

The coverage graph of a scope (:mod:`analyses.projection`) holds every région and
département of France, because the analyses need the hierarchy; in Gephi they are stray
islands (a third of the nodes of a département's export). :func:`scope_subgraph` keeps
only:

* the territories *inside* the scope: its communes, the scope's own node and, for a
  scope larger than a sub-territory, the EPCI of its communes and the sub-territories
  including some of them; for a région, its départements;
* the contracts, fiches actions, themes and partners of the graph (the projection only
  keeps those reaching the scope) and every territory a kept contract covers (a contract
  covering the whole département is linked to that département's node, even when the
  scope is one of its EPCI);
* with ``context=True``, also the territories *containing* the scope: the département(s)
  and région(s) of its communes and, for a commune or a sub-territory, its EPCI and the
  (other) sub-territories including its communes.

Every territory node gets ``in_scope`` (``true`` inside the scope, ``false`` for context
and for a territory kept only because a contract covers it); other nodes have no such
attribute, since it means nothing for them.

:func:`with_facts` adds what :mod:`graph.export_reads` reads: each contract's dates as they
are known (wide and narrow bounds, precision, open or unknown end) and, on the
``COVERS``, ``SIGNED``, ``HAS_ACTION`` and ``ADDRESSES`` edges, ``role``, ``signed_on``,
``certainty``, ``reason``, ``sources`` and ``inferred_fields``.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from analyses.model import TERRITORY_KINDS, PartnershipGraph, node_id
from analyses.scope import communes_in_scope
from domain.vocabulary import TerritoryKind, split_node_id

#: The rows :func:`graph.export_reads.export_facts` returns.
FactRows = Mapping[str, Sequence[Sequence[Any]]]

_DEPARTEMENT = TerritoryKind.DEPARTEMENT.value
_REGION = TerritoryKind.REGION.value
_SMALL_SCOPES = (TerritoryKind.COMMUNE.value, TerritoryKind.SUB_TERRITORY.value)


def scope_subgraph(
    g: PartnershipGraph, scope: str | None, context: bool = False
) -> PartnershipGraph:
    """The part of ``g`` an export of ``scope`` (a node id, ``None`` for France) holds.

    Parameters
    ----------
    g : networkx.MultiDiGraph
        The coverage graph of the scope (:func:`analyses.projection.build`).
    scope : str or None
        The scope's node id (``departement:15``); ``None`` keeps the whole graph.
    context : bool
        Also keep the départements and régions containing the scope.

    Returns
    -------
    networkx.MultiDiGraph
        A copy: the kept nodes with every edge between them, territories marked with
        ``in_scope``.

    Examples
    --------
    >>> from analyses import model as m
    >>> g = m.new_graph()
    >>> for code, name in [("84", "Auvergne-Rhône-Alpes"), ("27", "Bourgogne-Franche-Comté")]:
    ...     _ = m.add_region(g, code, name)
    >>> _ = m.add_departement(g, "15", "Cantal", region="84")
    >>> _ = m.add_departement(g, "71", "Saône-et-Loire", region="27")
    >>> _ = m.add_epci(g, "200066660", "Saint-Flour Communauté")
    >>> _ = m.add_commune(g, "15187", "Saint-Flour", departement="15", region="84",
    ...                   epci="200066660")
    >>> sorted(scope_subgraph(g, "departement:15"))
    ['commune:15187', 'departement:15', 'epci:200066660']
    >>> sorted(scope_subgraph(g, "epci:200066660", context=True))
    ['commune:15187', 'departement:15', 'epci:200066660', 'region:84']
    >>> scope_subgraph(g, "epci:200066660", context=True).nodes["region:84"]["in_scope"]
    False
    """
    if scope is None:
        whole: PartnershipGraph = g.copy()
        for n, data in whole.nodes(data=True):
            if _kind(n, data) in TERRITORY_KINDS:
                data["in_scope"] = True
        return whole
    communes = set(communes_in_scope(g, scope))
    kind = _kind(scope, g.nodes[scope])
    inside = {scope, *communes}
    containing: set[str] = set()
    # the EPCI and sub-territories of a commune or a sub-territory contain it (or overlap
    # it): context, as its département is; those of a larger scope are parts of it
    groupings = containing if kind in _SMALL_SCOPES else inside
    for commune in communes:
        for _, target, data in g.out_edges(commune, data=True):
            if data.get("rel") == "MEMBER_OF":
                groupings.add(target)
            elif data.get("rel") == "IN":
                containing.add(target)
        for source, _, data in g.in_edges(commune, data=True):
            if data.get("rel") == "INCLUDES" and source != scope:
                groupings.add(source)
    if kind == _REGION:
        inside |= {d for d, _, e in g.in_edges(scope, data=True) if e.get("rel") == "IN"}
    for departement in list(containing):
        containing |= {r for _, r, e in g.out_edges(departement, data=True) if e.get("rel") == "IN"}
    containing -= inside
    others = {n for n, data in g.nodes(data=True) if _kind(n, data) not in TERRITORY_KINDS}
    covered = {
        target
        for source, target, data in g.edges(data=True)
        if data.get("rel") == "COVERS" and source in others
    }
    kept_nodes = inside | others | covered | (containing if context else set())
    kept: PartnershipGraph = g.subgraph(kept_nodes).copy()
    for n, data in kept.nodes(data=True):
        if _kind(n, data) in TERRITORY_KINDS:
            data["in_scope"] = n in inside
    return kept


def with_facts(g: PartnershipGraph, rows: FactRows) -> PartnershipGraph:
    """``g`` (changed in place and returned) with the contracts' dates and the links'
    properties of ``rows`` (:mod:`graph.export_reads`).

    A contract gets ``start`` (its earliest possible day), ``start_latest``,
    ``start_precision`` (``day``, ``month`` or ``year``), ``end`` (its latest possible day)
    and ``end_earliest``, ``end_precision``, ``end_open`` (the period is ongoing) and
    ``end_known`` (``false`` when the end is neither written nor open: it is unknown, and
    no day is invented for it), ``signed_on`` and its precision, ``certainty``,
    ``reason`` and ``sources``. Parallel edges of the same ends and relation (a partner
    signing twice, in two roles) take the rows in the order of their roles.

    Examples
    --------
    >>> from analyses import model as m
    >>> g = m.new_graph()
    >>> _ = m.add_contract(g, "cej", "cej", None, None)
    >>> _ = m.add_partner(g, "caf-15", "CAF", "caf", signed=["cej"])
    >>> rows = {
    ...     "contracts": [["cej", datetime.date(2015, 1, 1), datetime.date(2015, 12, 31), "year",
    ...                    None, None, None, None, None, None, "stated", None, ["art"]]],
    ...     "links": [["SIGNED", "partner", "caf-15", "contract", "cej", "signataire", None,
    ...                "inferred", "not named", "art", []]],
    ... }
    >>> _ = with_facts(g, rows)
    >>> c = g.nodes["contract:cej"]
    >>> c["start"], c["start_precision"], c["end"], c["end_known"], c["end_open"]
    (datetime.date(2015, 1, 1), 'year', None, False, False)
    >>> [(d["role"], d["certainty"], d["reason"]) for _, _, d in g.edges(data=True)]
    [('signataire', 'inferred', 'not named')]
    """
    for row in rows["contracts"]:
        (key, start, start_latest, start_precision, end, end_earliest, end_precision,
         end_open, signed_on, signed_precision, certainty, reason, sources) = row  # fmt: skip
        n = node_id("contract", str(key))
        if n not in g:
            continue
        g.nodes[n].update(
            start=start,
            start_latest=start_latest or start,
            start_precision=_precision(start, start_precision),
            end=end,
            end_earliest=end_earliest or end,
            end_precision=_precision(end, end_precision),
            end_open=bool(end_open),
            end_known=end is not None or bool(end_open),
            signed_on=signed_on,
            signed_on_precision=_precision(signed_on, signed_precision),
            certainty=certainty,
            reason=reason,
            sources=list(sources or []),
        )
    by_ends: dict[tuple[str, str, str], list[Sequence[Any]]] = defaultdict(list)
    for row in rows["links"]:
        rel, start_kind, start_key, end_kind, end_key = (str(v) for v in row[:5])
        by_ends[node_id(start_kind, start_key), node_id(end_kind, end_key), rel].append(row)
    for (source, target, rel), links in by_ends.items():
        if source not in g or target not in g:
            continue
        parallel: dict[Any, dict[str, Any]] = g.get_edge_data(source, target, default={})
        edges = [data for data in parallel.values() if data.get("rel") == rel]
        links = sorted(links, key=lambda row: (str(row[5] or ""), str(row[6] or "")))
        for data, (*_, role, signed_on, certainty, reason, source_key, inferred) in zip(
            edges, links, strict=False
        ):
            data.update(
                role=role,
                signed_on=signed_on,
                certainty=certainty,
                reason=reason,
                # "source" is an edge's end in Gephi: one name for nodes and edges
                sources=[source_key] if source_key else [],
                inferred_fields=list(inferred or []),
            )
    return g


def _precision(value: datetime.date | None, precision: str | None) -> str | None:
    """A date's precision as exported: none without a date, ``day`` when not stored."""
    if value is None:
        return None
    return str(precision) if precision else "day"


def _kind(n: str, data: Mapping[str, Any]) -> str:
    kind = data.get("kind")
    return str(kind) if kind is not None else split_node_id(n)[0]
