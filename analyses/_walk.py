"""Graph walks and small helpers shared by the coverage analyses."""

from __future__ import annotations

import calendar
import datetime
import functools
import itertools
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import networkx as nx

from analyses.model import TERRITORY_KINDS, PartnershipGraph, node_id
from analyses.results import AreaCoverage, CertaintyFilter, CommuneCoverage, CoverageStatus, Overlap
from domain.dates import Period, activity_on
from domain.errors import DateValueError
from domain.vocabulary import Activity, Certainty, TerritoryKind, split_node_id

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
    """The partner side of the bipartite network ``b``, weighted by shared contracts;
    ``inferred_contracts`` are those of them where a signature (or the contract) is
    inferred."""
    p: nx.Graph[str] = nx.Graph()
    shared: dict[tuple[str, str], list[str]] = defaultdict(list)
    inferred: dict[tuple[str, str], list[str]] = defaultdict(list)
    for n in sorted(b):
        if b.nodes[n].get("bipartite") == 0:
            p.add_node(n, **{k: v for k, v in b.nodes[n].items() if k != "bipartite"})
            continue
        for x, y in itertools.combinations(sorted(b.neighbors(n)), 2):
            shared[x, y].append(_code(g, n))
            if _inferred(b.edges[x, n]) or _inferred(b.edges[y, n]):
                inferred[x, y].append(_code(g, n))
    for (x, y), keys in shared.items():
        p.add_edge(
            x,
            y,
            weight=len(keys),
            contracts=tuple(sorted(keys)),
            inferred_contracts=tuple(sorted(inferred.get((x, y), ()))),
        )
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


def _inferred(data: dict[str, Any]) -> bool:
    return data.get("certainty") == _INFERRED


_INFERRED = Certainty.INFERRED.value


def _reach(g: PartnershipGraph, contracts: Iterable[str]) -> dict[str, dict[str, bool]]:
    """commune id → the given contracts reaching it, each with whether that reach rests
    on an inferred fact (the contract, its ``COVERS`` link or the sub-territory
    membership it goes through: a derived fact is as certain as the weakest it rests
    on), from one pass over their COVERS."""
    reach: dict[str, dict[str, bool]] = defaultdict(dict)
    communes_of: dict[str, list[tuple[str, bool]]] = {}
    for contract in contracts:
        contract_inferred = _inferred(g.nodes[contract])
        for _, territory, edge in g.out_edges(contract, data=True):
            if edge.get("rel") != "COVERS":
                continue
            if territory not in communes_of:
                communes_of[territory] = _communes_reached(g, territory)
            link_inferred = contract_inferred or _inferred(edge)
            for commune, membership_inferred in communes_of[territory]:
                inferred = link_inferred or membership_inferred
                # reached twice: stated if either way is
                reach[commune][contract] = reach[commune].get(contract, True) and inferred
    return reach


def _communes_reached(g: PartnershipGraph, territory: str) -> list[tuple[str, bool]]:
    """The communes a contract covering ``territory`` covers (DESIGN §4), each with
    whether its membership of ``territory`` is inferred."""
    kind = _kind_of(g, territory)
    if kind == TerritoryKind.COMMUNE:
        return [(territory, False)]
    if kind == TerritoryKind.EPCI:
        return [(c, False) for c in _members(g, territory)]  # the reference: stated
    if kind == TerritoryKind.SUB_TERRITORY:
        return [
            (m, _inferred(edge))
            for _, m, edge in g.out_edges(territory, data=True)
            if edge.get("rel") == "INCLUDES" and _kind_of(g, m) == TerritoryKind.COMMUNE
        ]
    return []


# --- dates and certainty -----------------------------------------------------------------

#: The contract fields whose inference makes its dates unknown in the stated reading.
_DATE_FIELDS = frozenset({"start", "end", "end_open"})
_UNKNOWN_PERIOD = Period()


@dataclass(frozen=True, slots=True)
class _Periods:
    """A contract's period read from all facts and from the stated ones (``None`` when
    the contract itself is inferred: it is no stated fact), and whether they differ."""

    stamp: tuple[Any, ...]
    all: Period
    stated: Period | None
    #: per reading, the days it is certainly active (``None``: none) and possibly active
    all_days: _Days
    stated_days: _Days | None

    @property
    def differ(self) -> bool:
        return self.stated is not self.all


Interval = tuple[datetime.date, datetime.date]
_Days = tuple[Interval | None, Interval]
#: Far enough to stand for "no bound", near enough that a day can still be added.
_EARLIEST, _LATEST = datetime.date.min, datetime.date.max - datetime.timedelta(days=1)


def _days(period: Period) -> _Days:
    """The days ``period`` is certainly active — from its latest possible start to its
    earliest possible end, or forever when open — and possibly active — from its
    earliest possible start to its latest possible end, an unknown bound stretching as
    far as it goes: the rule of :func:`domain.dates.activity_on`, as intervals."""
    start, end = period.start, period.end
    certain = None
    if start is not None and (period.end_open or end is not None):
        certain = (start.latest, _LATEST if end is None else end.earliest)
    possible = (
        _EARLIEST if start is None else start.earliest,
        _LATEST if end is None else end.latest,
    )
    return certain, possible


def _periods(
    g: PartnershipGraph,
    contract: str,
    cache: dict[str, _Periods] | None = None,
    data: dict[str, Any] | None = None,
) -> _Periods:
    """The periods of ``contract``, built once per graph and contract (building a
    period costs several times more than asking it about a day) and rebuilt if the
    contract's dates change. ``cache`` is the graph's (:func:`_period_cache`), for a
    caller asking about many contracts; ``data`` the contract's attributes if at hand."""
    if data is None:
        data = g.nodes[contract]
    inferred = data.get("inferred_fields") or frozenset()
    stamp = (
        data.get("start"),
        data.get("start_precision"),
        data.get("end"),
        data.get("end_precision"),
        data.get("end_open"),
        inferred,
        data.get("certainty"),
    )
    if cache is None:
        cache = _period_cache(g)
    cached = cache.get(contract)
    if cached is not None and cached.stamp == stamp:
        return cached
    start, start_precision, end, end_precision, end_open = stamp[:5]
    every = _period(start, start_precision, end, end_precision, bool(end_open))
    stated: Period | None = every
    if _inferred(data):
        stated = None
    elif inferred & _DATE_FIELDS:
        # an inferred date is no stated fact: the stated reading does not know it
        stated = _period(
            None if "start" in inferred else start,
            start_precision,
            None if "end" in inferred else end,
            end_precision,
            bool(end_open) and not inferred & {"end", "end_open"},
        )
    cache[contract] = periods = _Periods(
        stamp,
        every,
        stated,
        every_days := _days(every),
        None if stated is None else every_days if stated is every else _days(stated),
    )
    return periods


def _period_cache(g: PartnershipGraph) -> dict[str, _Periods]:
    """The graph's periods by contract (kept with the graph: a cached projection keeps
    them too; the exports write nodes and edges, not graph attributes)."""
    cache: dict[str, _Periods] = g.graph.setdefault("_periods", {})
    return cache


def _all_periods(g: PartnershipGraph, contracts: Iterable[str]) -> dict[str, _Periods]:
    """The periods of ``contracts``, by contract."""
    cache = _period_cache(g)
    return {c: _periods(g, c, cache) for c in contracts}


@functools.lru_cache(maxsize=8192)
def _period(
    start: datetime.date | None,
    start_precision: str | None,
    end: datetime.date | None,
    end_precision: str | None,
    end_open: bool,
) -> Period:
    try:
        return Period.from_stored(start, start_precision, end, end_precision, end_open)
    except DateValueError:
        # the loaders refuse such dates; data written otherwise answers "unknown"
        return _UNKNOWN_PERIOD


@dataclass(frozen=True, slots=True)
class _Activities:
    """Each wanted contract's activity on a day in both readings (a contract inactive
    in a reading, or absent from it, is left out of that reading's map)."""

    all: dict[str, Activity]
    stated: dict[str, Activity]
    #: contracts whose activity differs between the readings
    differing: frozenset[str]

    def reading(self, certainty: CertaintyFilter) -> dict[str, Activity]:
        return self.stated if certainty is CertaintyFilter.STATED_ONLY else self.all


def _activities(
    g: PartnershipGraph, day: datetime.date, kinds: frozenset[str] | None
) -> _Activities:
    every: dict[str, Activity] = {}
    stated: dict[str, Activity] = {}
    differing: set[str] = set()
    cache = _period_cache(g)
    for contract in _nodes_of_kind(g, "contract"):
        data = g.nodes[contract]
        if kinds is not None and data.get("contract_kind") not in kinds:
            continue
        periods = _periods(g, contract, cache, data)
        a = activity_on(periods.all, day)
        s = a if not periods.differ else None
        if periods.differ and periods.stated is not None:
            s = activity_on(periods.stated, day)
        if a is not Activity.INACTIVE:
            every[contract] = a
        if s is not None and s is not Activity.INACTIVE:
            stated[contract] = s
        if s is not a:
            differing.add(contract)
    return _Activities(every, stated, frozenset(differing))


#: The other reading, against which a result says what rests on inferred facts.
_OTHER = {
    CertaintyFilter.ALL: CertaintyFilter.STATED_ONLY,
    CertaintyFilter.STATED_ONLY: CertaintyFilter.ALL,
}


def _covering(
    reaching: dict[str, bool], activity: dict[str, Activity], stated_only: bool
) -> tuple[list[str], list[str]]:
    """The contracts of ``reaching`` active on the day, and those whose activity is
    unknown, in one reading (``stated_only`` drops the reaches resting on inferences)."""
    active: list[str] = []
    possible: list[str] = []
    for contract, inferred in reaching.items():
        if stated_only and inferred:
            continue
        a = activity.get(contract)
        if a is Activity.ACTIVE:
            active.append(contract)
        elif a is Activity.UNKNOWN:
            possible.append(contract)
    return active, possible


def _status(active: Collection[str], possible: Collection[str]) -> CoverageStatus:
    if active:
        return CoverageStatus.COVERED
    return CoverageStatus.UNKNOWN if possible else CoverageStatus.NOT_COVERED


def _touches_inferred(reaching: dict[str, bool], differing: frozenset[str]) -> bool:
    """Whether a commune's answer may differ between the readings (else both agree)."""
    return any(inferred or contract in differing for contract, inferred in reaching.items())


def _day(on: datetime.date) -> datetime.date:
    # A datetime is a date, but comparing one with a contract's date raises.
    return on.date() if isinstance(on, datetime.datetime) else on


def _kinds(kinds: Collection[str] | None) -> frozenset[str] | None:
    if kinds is None:
        return None
    return frozenset([kinds] if isinstance(kinds, str) else kinds)


def _counts(
    g: PartnershipGraph,
    contract: str,
    on: datetime.date,
    kinds: frozenset[str] | None,
    certainty: CertaintyFilter = CertaintyFilter.ALL,
) -> Activity:
    """A contract's activity on ``on`` in a reading (INACTIVE when it is not of a
    wanted kind, or absent from the stated reading)."""
    data = g.nodes[contract]
    if kinds is not None and data.get("contract_kind") not in kinds:
        return Activity.INACTIVE
    periods = _periods(g, contract)
    period = periods.all if certainty is CertaintyFilter.ALL else periods.stated
    return Activity.INACTIVE if period is None else activity_on(period, on)


def _contract_themes(g: PartnershipGraph, contract: str) -> tuple[dict[str, bool], bool]:
    """The themes a contract's fiches address, each with whether it is inferred (stated
    when some fiche states it), and whether any is."""
    themes: dict[str, bool] = {}
    for _, action, to_action in g.out_edges(contract, data=True):
        if to_action.get("rel") != "HAS_ACTION":
            continue
        for _, theme, to_theme in g.out_edges(action, data=True):
            if to_theme.get("rel") == "ADDRESSES":
                code = _code(g, theme)
                themes[code] = themes.get(code, True) and _inferred(to_theme)
    return themes, any(themes.values())


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


@dataclass(frozen=True, slots=True)
class _Totals:
    """Communes and population of a list of rows, per coverage status."""

    communes: int
    population: int
    covered: tuple[int, int]
    unknown: tuple[int, int]
    not_covered: tuple[int, int]

    def figures(self, status: CoverageStatus) -> tuple[int, int, float, float]:
        """Communes, population and their shares of that status."""
        n, p = (
            self.covered
            if status is CoverageStatus.COVERED
            else self.unknown
            if status is CoverageStatus.UNKNOWN
            else self.not_covered
        )
        return n, p, _share(n, self.communes), _share(p, self.population)


def _totals(rows: Sequence[CommuneCoverage]) -> _Totals:
    # plain counters: this runs over every commune of France, once per area and overall
    covered = unknown = covered_population = unknown_population = population = 0
    for r in rows:
        population += r.population
        if r.covered:
            covered += 1
            covered_population += r.population
        elif r.possible_contracts:
            unknown += 1
            unknown_population += r.population
    rest = len(rows) - covered - unknown
    rest_population = population - covered_population - unknown_population
    return _Totals(
        len(rows),
        population,
        (covered, covered_population),
        (unknown, unknown_population),
        (rest, rest_population),
    )


def _areas(
    g: PartnershipGraph, rows_by_area: dict[str, list[CommuneCoverage]]
) -> tuple[AreaCoverage, ...]:
    areas: list[AreaCoverage] = []
    for area, rows in rows_by_area.items():
        t = _totals(rows)
        covered, covered_population, share_c, share_p = t.figures(CoverageStatus.COVERED)
        unknown, unknown_population, share_cu, share_pu = t.figures(CoverageStatus.UNKNOWN)
        none, none_population, share_cn, share_pn = t.figures(CoverageStatus.NOT_COVERED)
        areas.append(
            AreaCoverage(
                area=area,
                code=_code(g, area),
                name=_label(g, area),
                communes=t.communes,
                covered_communes=covered,
                population=t.population,
                covered_population=covered_population,
                share_communes=share_c,
                share_population=share_p,
                unknown_communes=unknown,
                unknown_population=unknown_population,
                share_communes_unknown=share_cu,
                share_population_unknown=share_pu,
                not_covered_communes=none,
                not_covered_population=none_population,
                share_communes_not_covered=share_cn,
                share_population_not_covered=share_pn,
            )
        )
    return tuple(sorted(areas, key=lambda a: a.code))


def _latest_end_first(g: PartnershipGraph, contract: str, period: Period) -> tuple[bool, int, str]:
    """Key for ``min``: an ongoing end first, then a dated end before none, a later
    (latest possible) end before an earlier, then key."""
    end = period.end_latest
    ordinal = datetime.date.max.toordinal() if period.end_open else end.toordinal() if end else 0
    return (end is None and not period.end_open, -ordinal, _code(g, contract))


def _earliest_start_first(
    g: PartnershipGraph, contract: str, period: Period
) -> tuple[bool, int, str]:
    """Key for ``min``: a dated start before none, an earlier (earliest possible) start
    first, then key."""
    start = period.start_earliest
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
