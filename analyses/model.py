"""The in-memory partnership graph that coverage analyses work on (a networkx
``MultiDiGraph``), and the helpers that build it node by node.

Both the projection from Neo4j (:mod:`analyses.projection`) and the hand-made
graphs of the unit tests build it with these functions, so the analyses
(:mod:`analyses`) and the exports (:mod:`analyses.exports`) see one shape:

Node ids are strings ``"<kind>:<key>"`` (``commune:15187``, ``epci:200066660``,
``contract:ctg-saint-flour-2017``) so that they survive GEXF/GraphML/CSV as they are.
Every node has ``kind`` (one of :data:`NODE_KINDS`) and ``label`` (a readable name).

=================  =====================================================================
kind               other attributes
=================  =====================================================================
``commune``        ``code``, ``population`` (int, 0 when unknown), ``departement`` and
                   ``region`` codes, ``epci`` (SIREN or ``None``)
``epci``           ``code``, ``population``, ``epci_type``
``sub_territory``  ``key``
``departement``    ``code``, ``region``
``region``         ``code``
``contract``       ``key``, ``contract_kind`` (``ctg``, ``cej``…), ``status``, ``start``
                   and ``end`` (:class:`datetime.date` or ``None``: the widest reading,
                   as the graph stores them), ``start_precision`` and ``end_precision``
                   (``"year"``, ``"month"`` or ``None`` for a day), ``end_open`` (bool:
                   ongoing), ``signed_on``, ``certainty`` (``"stated"``/``"inferred"``),
                   ``inferred_fields`` (frozenset of field names: ``start``, ``end``…)
``action``         ``key``, ``number``
``theme``          ``code``, ``cnaf_minimum`` (bool)
``partner``        ``key``, ``partner_kind``
=================  =====================================================================

Edges carry ``rel``:

* ``MEMBER_OF`` commune → epci; ``IN`` commune → departement, departement → region;
  ``INCLUDES`` sub_territory → commune; ``PART_OF`` sub_territory → epci;
* ``COVERS`` contract → commune | epci | sub_territory | departement | region;
* ``HAS_ACTION`` contract → action; ``ADDRESSES`` action → theme;
* ``SIGNED`` partner → contract (``role``).

``COVERS``, ``INCLUDES``, ``ADDRESSES`` and ``SIGNED`` edges carry ``certainty``
(``"stated"`` or ``"inferred"``): a commune reached through an inferred link is reached
"inferred" (DESIGN §3). ``MEMBER_OF`` and ``IN`` come from the territorial reference and
are stated.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection, Sequence
from typing import TypeAlias

import networkx as nx

from domain.vocabulary import Certainty, TerritoryKind
from domain.vocabulary import node_id as node_id  # the analyses' node ids, re-exported

#: The partnership graph: node ids are ``"<kind>:<key>"`` strings (:func:`node_id`).
#: A string, because networkx's graph classes cannot be subscripted at run time.
PartnershipGraph: TypeAlias = "nx.MultiDiGraph[str]"

#: Node kinds are plain strings (not enum members) so that the exports write them as text.
TERRITORY_KINDS: tuple[str, ...] = tuple(kind.value for kind in TerritoryKind)
NODE_KINDS: tuple[str, ...] = (*TERRITORY_KINDS, "contract", "action", "theme", "partner")
_COMMUNE, _EPCI, _DEPARTEMENT, _REGION, _SUB_TERRITORY = (
    TerritoryKind.COMMUNE.value,
    TerritoryKind.EPCI.value,
    TerritoryKind.DEPARTEMENT.value,
    TerritoryKind.REGION.value,
    TerritoryKind.SUB_TERRITORY.value,
)

#: Themes every CTG must address (the Cnaf minimum).
CNAF_MINIMUM = ("petite-enfance", "jeunesse", "parentalite")

_STATED, _INFERRED = Certainty.STATED.value, Certainty.INFERRED.value


def _certainty(inferred: bool) -> str:
    return _INFERRED if inferred else _STATED


def new_graph() -> PartnershipGraph:
    """An empty coverage graph."""
    return nx.MultiDiGraph()


def add_region(g: PartnershipGraph, code: str, name: str) -> str:
    n = node_id(_REGION, code)
    g.add_node(n, kind=_REGION, label=name, code=code)
    return n


def add_departement(g: PartnershipGraph, code: str, name: str, region: str | None = None) -> str:
    n = node_id(_DEPARTEMENT, code)
    g.add_node(n, kind=_DEPARTEMENT, label=name, code=code, region=region)
    if region is not None:
        g.add_edge(n, node_id(_REGION, region), rel="IN")
    return n


def add_epci(
    g: PartnershipGraph, siren: str, name: str, population: int = 0, epci_type: str = ""
) -> str:
    n = node_id(_EPCI, siren)
    g.add_node(n, kind=_EPCI, label=name, code=siren, population=population, epci_type=epci_type)
    return n


def add_commune(
    g: PartnershipGraph,
    code: str,
    name: str,
    population: int = 0,
    departement: str | None = None,
    region: str | None = None,
    epci: str | None = None,
) -> str:
    n = node_id(_COMMUNE, code)
    g.add_node(
        n,
        kind=_COMMUNE,
        label=name,
        code=code,
        population=population or 0,
        departement=departement,
        region=region,
        epci=epci,
    )
    if epci is not None:
        g.add_edge(n, node_id(_EPCI, epci), rel="MEMBER_OF")
    if departement is not None:
        g.add_edge(n, node_id(_DEPARTEMENT, departement), rel="IN")
    return n


def add_sub_territory(
    g: PartnershipGraph,
    key: str,
    name: str,
    communes: Sequence[str],
    epci: str | None = None,
    inferred_communes: Collection[str] = (),
) -> str:
    """A sub-territory including ``communes`` (INSEE codes); the membership of those in
    ``inferred_communes`` is inferred."""
    n = node_id(_SUB_TERRITORY, key)
    g.add_node(n, kind=_SUB_TERRITORY, label=name, key=key)
    for code in communes:
        g.add_edge(
            n,
            node_id(_COMMUNE, code),
            rel="INCLUDES",
            certainty=_certainty(code in inferred_communes),
        )
    if epci is not None:
        g.add_edge(n, node_id(_EPCI, epci), rel="PART_OF")
    return n


def add_contract(
    g: PartnershipGraph,
    key: str,
    contract_kind: str,
    start: datetime.date | None,
    end: datetime.date | None,
    covers: Sequence[str] = (),
    title: str | None = None,
    status: str | None = None,
    signed_on: datetime.date | None = None,
    *,
    start_precision: str | None = None,
    end_precision: str | None = None,
    end_open: bool = False,
    certainty: str = _STATED,
    inferred_fields: Collection[str] = (),
    inferred_covers: Collection[str] = (),
) -> str:
    """A contract covering the territories ``covers`` (node ids), those of
    ``inferred_covers`` through an inferred link.

    ``start`` and ``end`` are stored as the graph stores them: the earliest day a start
    can be, the latest day an end can be, at ``start_precision`` / ``end_precision``
    (``"year"``, ``"month"``; ``None`` for a day). ``inferred_fields`` names the fields
    the dataset marks as inferred (``start``, ``end``…).
    """
    n = node_id("contract", key)
    g.add_node(
        n,
        kind="contract",
        label=title or key,
        key=key,
        contract_kind=contract_kind,
        status=status,
        start=start,
        end=end,
        start_precision=start_precision,
        end_precision=end_precision,
        end_open=end_open,
        signed_on=signed_on,
        certainty=certainty,
        inferred_fields=frozenset(inferred_fields),
    )
    for territory in covers:
        g.add_edge(n, territory, rel="COVERS", certainty=_certainty(territory in inferred_covers))
    return n


def add_theme(g: PartnershipGraph, code: str, name: str | None = None) -> str:
    n = node_id("theme", code)
    g.add_node(n, kind="theme", label=name or code, code=code, cnaf_minimum=code in CNAF_MINIMUM)
    return n


def add_action(
    g: PartnershipGraph,
    key: str,
    contract: str,
    themes: Sequence[str] = (),
    title: str | None = None,
    number: int | None = None,
    inferred_themes: Collection[str] = (),
) -> str:
    """A fiche action of ``contract`` (a contract key) on ``themes`` (theme codes), those
    of ``inferred_themes`` inferred."""
    n = node_id("action", key)
    g.add_node(n, kind="action", label=title or key, key=key, number=number)
    g.add_edge(node_id("contract", contract), n, rel="HAS_ACTION")
    for code in themes:
        theme = node_id("theme", code)
        if theme not in g:
            add_theme(g, code)
        g.add_edge(n, theme, rel="ADDRESSES", certainty=_certainty(code in inferred_themes))
    return n


def add_partner(
    g: PartnershipGraph,
    key: str,
    name: str,
    partner_kind: str = "other",
    signed: Sequence[str] = (),
    inferred_signed: Collection[str] = (),
) -> str:
    """A partner that signed the contracts ``signed`` (contract keys), those of
    ``inferred_signed`` by an inferred signature."""
    n = node_id("partner", key)
    g.add_node(n, kind="partner", label=name, key=key, partner_kind=partner_kind)
    for contract in signed:
        g.add_edge(
            n,
            node_id("contract", contract),
            rel="SIGNED",
            certainty=_certainty(contract in inferred_signed),
        )
    return n
