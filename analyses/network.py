"""Partner networks: the bipartite partner–contract graph, its projection, centralities."""

from __future__ import annotations

import networkx as nx

from analyses._walk import _code, _inferred, _kind_of, _label, _partner, _project
from analyses.model import PartnershipGraph
from analyses.results import CertaintyFilter, NetworkReport, PartnerCentrality, PartnerLink
from analyses.scope import contracts_in_scope
from domain.vocabulary import Certainty

# --- partner networks ------------------------------------------------------------------


def bipartite_network(
    g: PartnershipGraph,
    scope: str | None = None,
    certainty: CertaintyFilter = CertaintyFilter.ALL,
) -> nx.Graph[str]:
    """The partners and contracts of ``scope`` as a bipartite graph.

    Nodes keep their ids and attributes from ``g``, plus ``bipartite`` (0 partner,
    1 contract); an edge per ``SIGNED`` (with its ``role``, and its ``certainty``:
    inferred when the signature or the contract is). Every contract of
    :func:`contracts_in_scope` is a node, signed or not; a partner is one when it signed
    one of them. ``certainty=STATED_ONLY`` keeps the stated contracts reaching the scope
    through stated facts and their stated signatures only.

    Examples
    --------
    >>> from analyses import model as cm
    >>> g = cm.new_graph()
    >>> _ = cm.add_contract(g, "ctg-sf", "ctg", None, None)
    >>> _ = cm.add_partner(g, "caf-15", "Caf du Cantal", "caf", signed=["ctg-sf"])
    >>> b = bipartite_network(g)
    >>> sorted(b.nodes(data="bipartite"))
    [('contract:ctg-sf', 1), ('partner:caf-15', 0)]
    """
    stated_only = certainty is CertaintyFilter.STATED_ONLY
    b: nx.Graph[str] = nx.Graph()
    for contract in contracts_in_scope(g, scope, certainty):
        contract_inferred = _inferred(g.nodes[contract])
        b.add_node(contract, **g.nodes[contract], bipartite=1)
        for partner, _, data in g.in_edges(contract, data=True):
            if data.get("rel") != "SIGNED" or _kind_of(g, partner) != "partner":
                continue
            inferred = contract_inferred or _inferred(data)
            if stated_only and inferred:
                continue
            b.add_node(partner, **g.nodes[partner], bipartite=0)
            b.add_edge(
                partner,
                contract,
                role=data.get("role"),
                certainty=(Certainty.INFERRED if inferred else Certainty.STATED).value,
            )
    return b


def partner_projection(
    g: PartnershipGraph,
    scope: str | None = None,
    certainty: CertaintyFilter = CertaintyFilter.ALL,
) -> nx.Graph[str]:
    """The partners of ``scope``'s contracts, linked when they signed a contract together.

    Nodes keep their ids and attributes from ``g``; an edge's ``weight`` is the number
    of contracts both signed, ``contracts`` their keys, sorted (a tuple), and
    ``inferred_contracts`` those where either signature (or the contract) is inferred.
    A partner that signed only alone is a node without edges. ``certainty`` as in
    :func:`bipartite_network`.

    Examples
    --------
    >>> from analyses import model as cm
    >>> g = cm.new_graph()
    >>> _ = cm.add_contract(g, "ctg-sf", "ctg", None, None)
    >>> _ = cm.add_partner(g, "caf-15", "Caf du Cantal", signed=["ctg-sf"])
    >>> _ = cm.add_partner(g, "200066660", "Saint-Flour Communauté", signed=["ctg-sf"])
    >>> p = partner_projection(g)
    >>> p.edges["partner:caf-15", "partner:200066660"]
    {'weight': 1, 'contracts': ('ctg-sf',), 'inferred_contracts': ()}
    """
    return _project(g, bipartite_network(g, scope, certainty))


def partner_network(
    g: PartnershipGraph,
    scope: str | None = None,
    certainty: CertaintyFilter = CertaintyFilter.ALL,
) -> NetworkReport:
    """Who signs with whom on the contracts of ``scope``, and who brokers between them.

    Over :func:`partner_projection`: ``degree`` counts a partner's co-signatories,
    ``weighted_degree`` sums the contracts shared with them, ``degree_centrality`` is
    ``degree / (partners - 1)`` (0.0 for a lone partner), and ``betweenness`` is
    networkx's ``betweenness_centrality`` — **normalized and unweighted** (a link counts
    as one step however many contracts it carries). ``component`` indexes
    ``components``: the connected groups of partner keys, largest first, then by first key.
    Partners are listed by betweenness (highest first), then key. ``certainty`` as in
    :func:`bipartite_network`; each link lists its ``inferred_contracts``.

    Examples
    --------
    >>> from analyses import model as cm
    >>> g = cm.new_graph()
    >>> for key in ("c1", "c2"):
    ...     _ = cm.add_contract(g, key, "ctg", None, None)
    >>> _ = cm.add_partner(g, "commune-a", "A", signed=["c1"])
    >>> _ = cm.add_partner(g, "caf", "Caf", signed=["c1", "c2"])
    >>> _ = cm.add_partner(g, "commune-b", "B", signed=["c2"])
    >>> [(p.partner, p.betweenness) for p in partner_network(g).partners]
    [('caf', 1.0), ('commune-a', 0.0), ('commune-b', 0.0)]
    """
    b = bipartite_network(g, scope, certainty)
    p = _project(g, b)
    components = sorted(
        (tuple(sorted(_code(g, n) for n in members)) for members in nx.connected_components(p)),
        key=lambda keys: (-len(keys), keys[0]),
    )
    component_of = {key: i for i, keys in enumerate(components) for key in keys}
    betweenness = nx.betweenness_centrality(p, normalized=True)
    others = len(p) - 1
    partners = [
        PartnerCentrality(
            partner=_code(g, n),
            name=_label(g, n),
            partner_kind=str(g.nodes[n].get("partner_kind") or ""),
            contracts=b.degree(n),
            degree=p.degree(n),
            weighted_degree=p.degree(n, weight="weight"),
            degree_centrality=p.degree(n) / others if others > 0 else 0.0,
            betweenness=betweenness[n],
            component=component_of[_code(g, n)],
        )
        for n in p
    ]
    partners.sort(key=lambda c: (-c.betweenness, c.partner))
    links: list[PartnerLink] = []
    for x, y, data in p.edges(data=True):
        first, second = sorted((_code(g, x), _code(g, y)))
        links.append(
            PartnerLink(
                first, second, data["weight"], data["contracts"], data["inferred_contracts"]
            )
        )
    links.sort(key=lambda link: (link.a, link.b))
    contracts = sorted(_code(g, n) for n, data in b.nodes(data=True) if data.get("bipartite") == 1)
    return NetworkReport(
        scope=scope,
        contracts=tuple(contracts),
        partners=tuple(partners),
        links=tuple(links),
        components=tuple(components),
        certainty=certainty,
    )


def common_partners(
    g: PartnershipGraph,
    a: str,
    b: str,
    scope: str | None = None,
    certainty: CertaintyFilter = CertaintyFilter.ALL,
) -> tuple[str, ...]:
    """The keys of the partners that signed a contract with ``a`` and one with ``b``.

    ``a`` and ``b`` are partner keys (or node ids); they are left out of the answer.
    Only the contracts of ``scope`` count. An unknown partner raises :class:`ValueError`.

    Examples
    --------
    >>> from analyses import model as cm
    >>> g = cm.new_graph()
    >>> for key in ("c1", "c2"):
    ...     _ = cm.add_contract(g, key, "ctg", None, None)
    >>> _ = cm.add_partner(g, "commune-a", "A", signed=["c1"])
    >>> _ = cm.add_partner(g, "caf", "Caf", signed=["c1", "c2"])
    >>> _ = cm.add_partner(g, "commune-b", "B", signed=["c2"])
    >>> common_partners(g, "commune-a", "commune-b")
    ('caf',)
    """
    first, second = _partner(g, a), _partner(g, b)
    p = partner_projection(g, scope, certainty)
    if first not in p or second not in p:
        return ()
    shared = (set(p.neighbors(first)) & set(p.neighbors(second))) - {first, second}
    return tuple(sorted(_code(g, n) for n in shared))
