"""Graph walks and small helpers shared by the coverage analyses."""

from __future__ import annotations

import calendar
import datetime
import itertools
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from typing import Any

import networkx as nx

from analyses.model import TERRITORY_KINDS, PartnershipGraph, node_id
from analyses.results import AreaCoverage, CommuneCoverage, Overlap
from domain.vocabulary import TerritoryKind, split_node_id

#: The territory kinds a scope may be, largest first (as error messages list them).
SCOPE_KINDS: tuple[str, ...] = tuple(
    kind.value
    for kind in (
        TerritoryKind.REGION,
        TerritoryKind.DEPARTEMENT,
        TerritoryKind.EPCI,
        TerritoryKind.SUB_TERRITORY,
        TerritoryKind.COMMUNE,
    )
)
TIMELINE_STEPS = {"year": 12, "quarter": 3, "month": 1}

# --- helpers ---------------------------------------------------------------------------


def _project(g: PartnershipGraph, b: nx.Graph[str]) -> nx.Graph[str]:
    """The partner side of the bipartite network ``b``, weighted by shared contracts."""
    p: nx.Graph[str] = nx.Graph()
    shared: dict[tuple[str, str], list[str]] = defaultdict(list)
    for n in sorted(b):
        if b.nodes[n].get("bipartite") == 0:
            p.add_node(n, **{k: v for k, v in b.nodes[n].items() if k != "bipartite"})
            continue
        for x, y in itertools.combinations(sorted(b.neighbors(n)), 2):
            shared[x, y].append(_code(g, n))
    for (x, y), keys in shared.items():
        p.add_edge(x, y, weight=len(keys), contracts=tuple(sorted(keys)))
    return p


def _kind_of(g: PartnershipGraph, n: str) -> str:
    """A node's kind; a bare node (an edge's end never added) by its id's prefix."""
    kind = g.nodes[n].get("kind")
    return str(kind) if kind is not None else split_node_id(n)[0]


def _code(g: PartnershipGraph, n: str, data: dict[str, Any] | None = None) -> str:
    """A node's code or key (INSEE code, SIREN, contract key…), else its id's suffix."""
    data = g.nodes[n] if data is None else data
    value = data.get("code") or data.get("key")
    return str(value) if value is not None else split_node_id(n)[1]


def _label(g: PartnershipGraph, n: str, data: dict[str, Any] | None = None) -> str:
    data = g.nodes[n] if data is None else data
    return str(data.get("label") or _code(g, n, data))


def _population(data: dict[str, Any]) -> int:
    return int(data.get("population") or 0)


def _nodes_of_kind(g: PartnershipGraph, kind: str) -> list[str]:
    return sorted(n for n in g if _kind_of(g, n) == kind)


def _scope_kind(g: PartnershipGraph, scope: str) -> str:
    if scope not in g:
        guesses = [node_id(k, scope) for k in TERRITORY_KINDS if node_id(k, scope) in g]
        hint = (
            f"did you mean {' or '.join(repr(x) for x in guesses)}?"
            if guesses
            else "pass None (France) or a node id such as 'departement:15' or 'epci:200066660'"
        )
        raise ValueError(f"unknown scope {scope!r}: {hint}")
    kind = _kind_of(g, scope)
    if kind not in SCOPE_KINDS:
        raise ValueError(
            f"scope {scope!r} is a {kind!r} node, not a territory: pass None (France) or "
            f"the id of a {', '.join(SCOPE_KINDS)} node"
        )
    return kind


def _require_kind(g: PartnershipGraph, n: str, kind: str) -> None:
    if n not in g:
        raise ValueError(f"no node {n!r} in the graph (expected a {kind} id like '{kind}:…')")
    if _kind_of(g, n) != kind:
        raise ValueError(f"{n!r} is a {_kind_of(g, n)!r} node, not a {kind!r} one")


def _partner(g: PartnershipGraph, key: str) -> str:
    n = key if key in g and _kind_of(g, key) == "partner" else node_id("partner", key)
    if n not in g:
        raise ValueError(f"unknown partner {key!r}: pass a partner key such as 'caf-15'")
    return n


def _below(g: PartnershipGraph, n: str, rel: str, kind: str) -> list[str]:
    """The nodes of ``kind`` with a ``rel`` edge to ``n``."""
    return [
        m
        for m, _, edge in g.in_edges(n, data=True)
        if edge.get("rel") == rel and _kind_of(g, m) == kind
    ]


def _members(g: PartnershipGraph, epci: str) -> list[str]:
    return _below(g, epci, "MEMBER_OF", TerritoryKind.COMMUNE)


def _included(g: PartnershipGraph, sub_territory: str) -> list[str]:
    return [
        m
        for _, m, edge in g.out_edges(sub_territory, data=True)
        if edge.get("rel") == "INCLUDES" and _kind_of(g, m) == TerritoryKind.COMMUNE
    ]


def _parents(
    g: PartnershipGraph, commune: str, data: dict[str, Any] | None = None
) -> tuple[list[str], list[str]]:
    """The EPCIs and the départements of a commune (ids, sorted).

    Read from the commune's ``epci`` and ``departement`` attributes, which
    :func:`analyses.model.add_commune` sets along with the edges: this runs once per
    commune of France, and walking each commune's edge views costs several times more.
    A commune lacking either attribute is looked up by its ``MEMBER_OF`` / ``IN`` edges.
    """
    data = g.nodes[commune] if data is None else data
    epci, departement = data.get("epci"), data.get("departement")
    if epci is not None and departement is not None:
        return [node_id(TerritoryKind.EPCI, epci)], [
            node_id(TerritoryKind.DEPARTEMENT, departement)
        ]
    epcis: set[str] = set()
    departements: set[str] = set()
    for _, m, edge in g.out_edges(commune, data=True):
        rel = edge.get("rel")
        if rel == "MEMBER_OF" and _kind_of(g, m) == TerritoryKind.EPCI:
            epcis.add(m)
        elif rel == "IN" and _kind_of(g, m) == TerritoryKind.DEPARTEMENT:
            departements.add(m)
    return sorted(epcis), sorted(departements)


def _epcis(g: PartnershipGraph, commune: str) -> list[str]:
    return _parents(g, commune)[0]


def _including(g: PartnershipGraph, commune: str) -> list[str]:
    return _below(g, commune, "INCLUDES", TerritoryKind.SUB_TERRITORY)


def _reach(g: PartnershipGraph, contracts: Iterable[str]) -> dict[str, set[str]]:
    """commune id → the given contracts reaching it, from one pass over their COVERS."""
    reach: dict[str, set[str]] = defaultdict(set)
    communes_of: dict[str, list[str]] = {}
    for contract in contracts:
        for _, territory, edge in g.out_edges(contract, data=True):
            if edge.get("rel") != "COVERS":
                continue
            if territory not in communes_of:
                communes_of[territory] = _communes_reached(g, territory)
            for commune in communes_of[territory]:
                reach[commune].add(contract)
    return reach


def _communes_reached(g: PartnershipGraph, territory: str) -> list[str]:
    """The communes a contract covering ``territory`` covers (DESIGN §4)."""
    kind = _kind_of(g, territory)
    if kind == TerritoryKind.COMMUNE:
        return [territory]
    if kind == TerritoryKind.EPCI:
        return _members(g, territory)
    if kind == TerritoryKind.SUB_TERRITORY:
        return _included(g, territory)
    return []


def _day(on: datetime.date) -> datetime.date:
    # A datetime is a date, but comparing one with a contract's date raises.
    return on.date() if isinstance(on, datetime.datetime) else on


def _kinds(kinds: Collection[str] | None) -> frozenset[str] | None:
    if kinds is None:
        return None
    return frozenset([kinds] if isinstance(kinds, str) else kinds)


def _dated(data: dict[str, Any]) -> bool:
    return data.get("start") is not None and data.get("end") is not None


def _counts(data: dict[str, Any], on: datetime.date, kinds: frozenset[str] | None) -> bool:
    """Whether a contract is active on ``on`` (bounds inclusive) and of a wanted kind."""
    return (
        _dated(data)
        and data["start"] <= on <= data["end"]
        and (kinds is None or data.get("contract_kind") in kinds)
    )


def _contract_themes(g: PartnershipGraph, contract: str) -> set[str]:
    return {
        _code(g, theme)
        for _, action, to_action in g.out_edges(contract, data=True)
        if to_action.get("rel") == "HAS_ACTION"
        for _, theme, to_theme in g.out_edges(action, data=True)
        if to_theme.get("rel") == "ADDRESSES"
    }


def _overlaps(g: PartnershipGraph, code: str, covering: Sequence[str]) -> list[Overlap]:
    """The kinds of which a commune has several covering contracts (sorted ids)."""
    by_kind: dict[str, list[str]] = defaultdict(list)
    for contract in covering:
        by_kind[str(g.nodes[contract].get("contract_kind"))].append(_code(g, contract))
    return [
        Overlap(code, kind, tuple(keys)) for kind, keys in sorted(by_kind.items()) if len(keys) > 1
    ]


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def _totals(rows: Sequence[CommuneCoverage]) -> tuple[int, int, int, int]:
    covered = [r for r in rows if r.covered]
    return (
        len(rows),
        len(covered),
        sum(r.population for r in rows),
        sum(r.population for r in covered),
    )


def _areas(
    g: PartnershipGraph, rows_by_area: dict[str, list[CommuneCoverage]]
) -> tuple[AreaCoverage, ...]:
    areas: list[AreaCoverage] = []
    for area, rows in rows_by_area.items():
        total, covered, population, covered_population = _totals(rows)
        areas.append(
            AreaCoverage(
                area=area,
                code=_code(g, area),
                name=_label(g, area),
                communes=total,
                covered_communes=covered,
                population=population,
                covered_population=covered_population,
                share_communes=_share(covered, total),
                share_population=_share(covered_population, population),
            )
        )
    return tuple(sorted(areas, key=lambda a: a.code))


def _latest_end_first(g: PartnershipGraph, contract: str) -> tuple[bool, int, str]:
    """Key for ``min``: a dated end before none, a later end before an earlier, then key."""
    end = g.nodes[contract].get("end")
    return (end is None, -end.toordinal() if end is not None else 0, _code(g, contract))


def _earliest_start_first(g: PartnershipGraph, contract: str) -> tuple[bool, int, str]:
    """Key for ``min``: a dated start before none, an earlier start first, then key."""
    start = g.nodes[contract].get("start")
    return (start is None, start.toordinal() if start is not None else 0, _code(g, contract))


def _merged(
    intervals: Sequence[tuple[datetime.date, datetime.date]],
) -> list[tuple[datetime.date, datetime.date]]:
    """Sorted intervals merged where they overlap or touch (inclusive bounds)."""
    merged: list[tuple[datetime.date, datetime.date]] = []
    for lo, hi in intervals:
        if hi < lo:
            continue
        if merged and lo <= merged[-1][1] + datetime.timedelta(days=1):
            merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
        else:
            merged.append((lo, hi))
    return merged


def _add_months(day: datetime.date, months: int) -> datetime.date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
