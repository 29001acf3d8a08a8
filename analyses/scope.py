"""Scopes and reach: which communes a scope holds, which contracts reach a commune."""

from __future__ import annotations

import datetime
from collections.abc import Collection

from analyses._walk import (
    _below,
    _counts,
    _day,
    _epcis,
    _included,
    _including,
    _inferred,
    _kind_of,
    _kinds,
    _members,
    _nodes_of_kind,
    _reach,
    _require_kind,
    _scope_kind,
)
from analyses.model import PartnershipGraph
from analyses.results import CertaintyFilter
from domain.vocabulary import Activity, TerritoryKind

# --- scope and reach -------------------------------------------------------------------


def communes_in_scope(g: PartnershipGraph, scope: str | None) -> list[str]:
    """The node ids of the communes of ``scope``, sorted (hence by INSEE code).

    ``scope`` is ``None`` (every commune: France) or the node id of a région,
    département, EPCI, sub-territory or commune. The hierarchy is read from the edges:
    commune ``IN`` département ``IN`` région, commune ``MEMBER_OF`` EPCI,
    sub-territory ``INCLUDES`` commune. An id that is not such a node raises
    :class:`ValueError`.

    Examples
    --------
    >>> from analyses import model as cm
    >>> g = cm.new_graph()
    >>> _ = cm.add_region(g, "84", "Auvergne-Rhône-Alpes")
    >>> _ = cm.add_departement(g, "15", "Cantal", region="84")
    >>> _ = cm.add_epci(g, "200066660", "Saint-Flour Communauté")
    >>> _ = cm.add_commune(g, "15187", "Saint-Flour", departement="15", epci="200066660")
    >>> _ = cm.add_commune(g, "15014", "Aurillac", departement="15")
    >>> communes_in_scope(g, "region:84")
    ['commune:15014', 'commune:15187']
    >>> communes_in_scope(g, "epci:200066660")
    ['commune:15187']
    >>> communes_in_scope(g, "15")
    Traceback (most recent call last):
    ...
    ValueError: unknown scope '15': did you mean 'departement:15'?
    """
    if scope is None:
        return _nodes_of_kind(g, TerritoryKind.COMMUNE)
    kind = _scope_kind(g, scope)
    if kind == TerritoryKind.COMMUNE:
        return [scope]
    if kind == TerritoryKind.EPCI:
        return sorted(_members(g, scope))
    if kind == TerritoryKind.SUB_TERRITORY:
        return sorted(_included(g, scope))
    if kind == TerritoryKind.DEPARTEMENT:
        return sorted(_below(g, scope, "IN", TerritoryKind.COMMUNE))
    departements = _below(g, scope, "IN", TerritoryKind.DEPARTEMENT)
    return sorted(c for d in departements for c in _below(g, d, "IN", TerritoryKind.COMMUNE))


def covering_contracts(
    g: PartnershipGraph,
    commune: str,
    on: datetime.date,
    kinds: Collection[str] | None = None,
    activity: Activity = Activity.ACTIVE,
    certainty: CertaintyFilter = CertaintyFilter.ALL,
) -> list[str]:
    """The node ids of the contracts covering ``commune`` (a node id) on ``on``, sorted.

    A contract covers the commune when it is certainly active that day
    (:func:`domain.dates.activity_on`; ask ``activity=Activity.UNKNOWN`` for those that
    may be), is of one of ``kinds`` (``contract_kind`` codes; ``None`` = any kind) and
    ``COVERS`` the commune, an EPCI it is a member of, or a sub-territory including it;
    with ``certainty=STATED_ONLY``, through stated facts only.

    Examples
    --------
    >>> from analyses import model as cm
    >>> from datetime import date
    >>> g = cm.new_graph()
    >>> _ = cm.add_epci(g, "200066660", "Saint-Flour Communauté")
    >>> sf = cm.add_commune(g, "15187", "Saint-Flour", epci="200066660")
    >>> _ = cm.add_contract(g, "ctg-sf", "ctg", date(2017, 1, 1), date(2021, 12, 31),
    ...                     covers=["epci:200066660"])
    >>> covering_contracts(g, sf, date(2021, 12, 31))
    ['contract:ctg-sf']
    >>> covering_contracts(g, sf, date(2022, 1, 1))
    []
    >>> covering_contracts(g, sf, date(2018, 6, 1), kinds=["cej"])
    []
    """
    _require_kind(g, commune, TerritoryKind.COMMUNE.value)
    wanted = _kinds(kinds)
    reachable = [commune, *_epcis(g, commune), *_including(g, commune)]
    candidates = {
        contract
        for territory in reachable
        for contract, _, edge in g.in_edges(territory, data=True)
        if edge.get("rel") == "COVERS" and _kind_of(g, contract) == "contract"
    }
    reaching = _reach(g, candidates).get(commune, {})
    stated_only = certainty is CertaintyFilter.STATED_ONLY
    return sorted(
        contract
        for contract, inferred in reaching.items()
        if not (stated_only and inferred)
        and _counts(g, contract, _day(on), wanted, certainty) is activity
    )


def contracts_in_scope(
    g: PartnershipGraph, scope: str | None, certainty: CertaintyFilter = CertaintyFilter.ALL
) -> list[str]:
    """The node ids of the contracts reaching a commune of ``scope`` at any date, sorted.

    A contract reaches a commune when it ``COVERS`` it, its EPCI or a sub-territory
    including it, whatever its dates. For ``scope=None`` every contract of the graph is
    returned, including those covering no commune. ``certainty=STATED_ONLY`` keeps the
    stated contracts, reaching the scope through stated facts.

    Examples
    --------
    >>> from analyses import model as cm
    >>> g = cm.new_graph()
    >>> _ = cm.add_commune(g, "15187", "Saint-Flour")
    >>> _ = cm.add_commune(g, "15014", "Aurillac")
    >>> _ = cm.add_contract(g, "cej-sf", "cej", None, None, covers=["commune:15187"])
    >>> _ = cm.add_contract(g, "cej-au", "cej", None, None, covers=["commune:15014"])
    >>> contracts_in_scope(g, "commune:15187")
    ['contract:cej-sf']
    >>> contracts_in_scope(g, None)
    ['contract:cej-au', 'contract:cej-sf']
    """
    stated_only = certainty is CertaintyFilter.STATED_ONLY
    if scope is None:
        contracts = _nodes_of_kind(g, "contract")
        return [c for c in contracts if not (stated_only and _inferred(g.nodes[c]))]
    communes = set(communes_in_scope(g, scope))
    reach = _reach(g, _nodes_of_kind(g, "contract"))
    return sorted(
        {
            c
            for commune in communes
            for c, inferred in reach.get(commune, {}).items()
            if not (stated_only and inferred)
        }
    )
