"""Coverage analyses over the in-memory partnership graph (:mod:`graph.coverage_model`).

Pure functions: no I/O, no Neo4j; each takes the ``MultiDiGraph`` and returns frozen
dataclasses (or a networkx graph for the partner networks).

* **Scope** — ``None`` (all of France) or the node id of a région, département, EPCI,
  sub-territory or commune (``"epci:200066660"``); :func:`communes_in_scope` resolves it.
* **Covered** (DESIGN §4) — commune X is covered on D by contract C when C is active on D
  (``start <= D <= end``, both dates known) and C ``COVERS`` X, an EPCI X is
  ``MEMBER_OF``, or a sub-territory that ``INCLUDES`` X. A contract covering a
  département or a région as a whole covers no commune by this rule.
* **Reach** — the same without the date: the communes a contract covers at some time.

Every analysis first turns ``COVERS`` edges into a commune → contracts reach in one pass
over the contracts (an EPCI's members are listed once), so a coverage of France costs
one walk over the contracts' territories plus one over the communes.
"""

from __future__ import annotations

import bisect
import calendar
import datetime
import functools
import itertools
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from graph.coverage_model import CNAF_MINIMUM, TERRITORY_KINDS, node_id

__all__ = [
    "AreaCoverage",
    "CommuneCoverage",
    "ContinuityRow",
    "CoverageReport",
    "NetworkReport",
    "Overlap",
    "PartnerCentrality",
    "PartnerLink",
    "ThemeReport",
    "ThemeRow",
    "TimelinePoint",
    "bipartite_network",
    "common_partners",
    "communes_in_scope",
    "continuity",
    "contracts_in_scope",
    "coverage_timeline",
    "covering_contracts",
    "partner_network",
    "partner_projection",
    "territorial_coverage",
    "theme_coverage",
]

SCOPE_KINDS = ("region", "departement", "epci", "sub_territory", "commune")
TIMELINE_STEPS = {"year": 12, "quarter": 3, "month": 1}


# --- results ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CommuneCoverage:
    """One commune on a date: the contracts covering it (keys, sorted).

    ``departement`` and ``epci`` are codes (département code, EPCI SIREN), not node ids.
    """

    commune: str
    code: str
    name: str
    population: int
    departement: str | None
    epci: str | None
    contracts: tuple[str, ...]
    covered: bool = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "covered", bool(self.contracts))


@dataclass(frozen=True)
class AreaCoverage:
    """Coverage of the communes of the scope that lie in one EPCI or département.

    ``population`` sums the populations of those communes (not the area's own figure),
    so that ``covered_population`` and ``share_population`` compare like with like.
    """

    area: str
    code: str
    name: str
    communes: int
    covered_communes: int
    population: int
    covered_population: int
    share_communes: float
    share_population: float


@dataclass(frozen=True)
class Overlap:
    """A commune covered on the date by several active contracts of one kind."""

    commune: str
    contract_kind: str
    contracts: tuple[str, ...]


@dataclass(frozen=True)
class CoverageReport:
    """Coverage of a scope on a date; see :func:`territorial_coverage`."""

    scope: str | None
    on: datetime.date
    kinds: tuple[str, ...] | None
    communes: tuple[CommuneCoverage, ...]
    communes_total: int
    communes_covered: int
    population_total: int
    population_covered: int
    share_communes: float
    share_population: float
    by_epci: tuple[AreaCoverage, ...]
    by_departement: tuple[AreaCoverage, ...]
    uncovered_communes: tuple[str, ...]
    uncovered_epcis: tuple[str, ...]
    overlaps: tuple[Overlap, ...]


@dataclass(frozen=True)
class ThemeRow:
    """The themes a commune's covering contracts address, and the required ones missing."""

    commune: str
    name: str
    covered: bool
    themes: tuple[str, ...]
    missing: tuple[str, ...]


@dataclass(frozen=True)
class ThemeReport:
    """Themes addressed per commune of a scope on a date; see :func:`theme_coverage`."""

    scope: str | None
    on: datetime.date
    required: tuple[str, ...]
    themes: tuple[str, ...]
    rows: tuple[ThemeRow, ...]
    by_epci: tuple[tuple[str, tuple[str, ...]], ...]
    gaps: tuple[ThemeRow, ...]


@dataclass(frozen=True)
class ContinuityRow:
    """How a commune went from its predecessor contract to a successor; see
    :func:`continuity` for the meaning of ``gap_days`` and ``status``."""

    commune: str
    name: str
    predecessor: str
    predecessor_end: datetime.date | None
    successor: str | None
    successor_start: datetime.date | None
    gap_days: int | None
    status: str


@dataclass(frozen=True)
class TimelinePoint:
    """Coverage of a scope on one date of a timeline."""

    on: datetime.date
    communes_total: int
    communes_covered: int
    share_communes: float
    population_total: int
    population_covered: int
    share_population: float


@dataclass(frozen=True)
class PartnerCentrality:
    """A partner's place in the co-signature network; see :func:`partner_network`."""

    partner: str
    name: str
    partner_kind: str
    contracts: int
    degree: int
    weighted_degree: int
    degree_centrality: float
    betweenness: float
    component: int


@dataclass(frozen=True)
class PartnerLink:
    """Two partners (keys, ``a < b``) that signed ``weight`` contracts together."""

    a: str
    b: str
    weight: int
    contracts: tuple[str, ...]


@dataclass(frozen=True)
class NetworkReport:
    """The co-signature network of the contracts of a scope; see :func:`partner_network`."""

    scope: str | None
    contracts: tuple[str, ...]
    partners: tuple[PartnerCentrality, ...]
    links: tuple[PartnerLink, ...]
    components: tuple[tuple[str, ...], ...]


# --- scope and reach -------------------------------------------------------------------


def communes_in_scope(g: nx.MultiDiGraph, scope: str | None) -> list[str]:
    """The node ids of the communes of ``scope``, sorted (hence by INSEE code).

    ``scope`` is ``None`` (every commune: France) or the node id of a région,
    département, EPCI, sub-territory or commune. The hierarchy is read from the edges:
    commune ``IN`` département ``IN`` région, commune ``MEMBER_OF`` EPCI,
    sub-territory ``INCLUDES`` commune. An id that is not such a node raises
    :class:`ValueError`.

    Examples
    --------
    >>> from graph import coverage_model as cm
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
        return _nodes_of_kind(g, "commune")
    kind = _scope_kind(g, scope)
    if kind == "commune":
        return [scope]
    if kind == "epci":
        return sorted(_members(g, scope))
    if kind == "sub_territory":
        return sorted(_included(g, scope))
    if kind == "departement":
        return sorted(_below(g, scope, "IN", "commune"))
    departements = _below(g, scope, "IN", "departement")
    return sorted(c for d in departements for c in _below(g, d, "IN", "commune"))


def covering_contracts(
    g: nx.MultiDiGraph,
    commune: str,
    on: datetime.date,
    kinds: Collection[str] | None = None,
) -> list[str]:
    """The node ids of the contracts covering ``commune`` (a node id) on ``on``, sorted.

    A contract covers the commune when it is active that day (``start <= on <= end``
    inclusive; a contract missing either date is never active), is of one of ``kinds``
    (``contract_kind`` codes; ``None`` = any kind) and ``COVERS`` the commune, an EPCI it
    is a member of, or a sub-territory including it.

    Examples
    --------
    >>> from graph import coverage_model as cm
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
    _require_kind(g, commune, "commune")
    wanted = _kinds(kinds)
    reachable = [commune, *_epcis(g, commune), *_including(g, commune)]
    found = {
        contract
        for territory in reachable
        for contract, _, rel in g.in_edges(territory, data="rel")
        if rel == "COVERS"
        and _kind_of(g, contract) == "contract"
        and _counts(g.nodes[contract], _day(on), wanted)
    }
    return sorted(found)


def contracts_in_scope(g: nx.MultiDiGraph, scope: str | None) -> list[str]:
    """The node ids of the contracts reaching a commune of ``scope`` at any date, sorted.

    A contract reaches a commune when it ``COVERS`` it, its EPCI or a sub-territory
    including it, whatever its dates. For ``scope=None`` every contract of the graph is
    returned, including those covering no commune.

    Examples
    --------
    >>> from graph import coverage_model as cm
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
    if scope is None:
        return _nodes_of_kind(g, "contract")
    communes = set(communes_in_scope(g, scope))
    reach = _reach(g, _nodes_of_kind(g, "contract"))
    return sorted({c for commune in communes for c in reach.get(commune, ())})


# --- coverage on a date ----------------------------------------------------------------


def territorial_coverage(
    g: nx.MultiDiGraph,
    scope: str | None,
    on: datetime.date,
    kinds: Collection[str] | None = None,
) -> CoverageReport:
    """Which communes of ``scope`` are covered on ``on`` (DESIGN §4), counted and summed.

    ``kinds`` restricts the contracts to those ``contract_kind`` codes (``None`` = any;
    a lone string is one kind). Shares are in 0..1 and 0.0 when their denominator is 0
    (no commune, or no known population). ``by_epci`` and ``by_departement`` hold one
    row per area having communes in the scope (a commune without EPCI is in no EPCI
    row); ``uncovered_epcis`` lists the SIRENs of those EPCIs none of whose communes in
    the scope is covered; ``overlaps`` lists the communes covered by two or more
    contracts of one kind.

    Examples
    --------
    >>> from graph import coverage_model as cm
    >>> from datetime import date
    >>> g = cm.new_graph()
    >>> _ = cm.add_epci(g, "200066660", "Saint-Flour Communauté")
    >>> _ = cm.add_commune(g, "15187", "Saint-Flour", 6600, epci="200066660")
    >>> _ = cm.add_commune(g, "15014", "Aurillac", 25400)
    >>> _ = cm.add_contract(g, "ctg-sf", "ctg", date(2017, 1, 1), date(2021, 12, 31),
    ...                     covers=["epci:200066660"])
    >>> report = territorial_coverage(g, None, date(2020, 1, 1))
    >>> report.communes_covered, report.communes_total, report.population_covered
    (1, 2, 6600)
    >>> report.uncovered_communes
    ('15014',)
    >>> [(c.code, c.contracts) for c in report.communes]
    [('15014', ()), ('15187', ('ctg-sf',))]
    """
    day = _day(on)
    wanted = _kinds(kinds)
    communes = communes_in_scope(g, scope)
    active = [c for c in _nodes_of_kind(g, "contract") if _counts(g.nodes[c], day, wanted)]
    reach = _reach(g, active)

    rows: list[CommuneCoverage] = []
    overlaps: list[Overlap] = []
    epci_rows: dict[str, list[CommuneCoverage]] = defaultdict(list)
    departement_rows: dict[str, list[CommuneCoverage]] = defaultdict(list)
    area_code = functools.cache(functools.partial(_code, g))
    for commune in communes:
        data = g.nodes[commune]
        covering = sorted(reach.get(commune, ()))
        epcis, departements = _parents(g, commune, data)
        row = CommuneCoverage(
            commune=commune,
            code=_code(g, commune, data),
            name=_label(g, commune, data),
            population=_population(data),
            departement=area_code(departements[0]) if departements else None,
            epci=area_code(epcis[0]) if epcis else None,
            contracts=tuple(_code(g, c) for c in covering),
        )
        rows.append(row)
        for epci in epcis:
            epci_rows[epci].append(row)
        for departement in departements:
            departement_rows[departement].append(row)
        if len(covering) > 1:
            overlaps.extend(_overlaps(g, row.code, covering))

    by_epci = _areas(g, epci_rows)
    total, covered, population, covered_population = _totals(rows)
    return CoverageReport(
        scope=scope,
        on=day,
        kinds=None if wanted is None else tuple(sorted(wanted)),
        communes=tuple(rows),
        communes_total=total,
        communes_covered=covered,
        population_total=population,
        population_covered=covered_population,
        share_communes=_share(covered, total),
        share_population=_share(covered_population, population),
        by_epci=by_epci,
        by_departement=_areas(g, departement_rows),
        uncovered_communes=tuple(r.code for r in rows if not r.covered),
        uncovered_epcis=tuple(a.code for a in by_epci if a.covered_communes == 0),
        overlaps=tuple(overlaps),
    )


def theme_coverage(
    g: nx.MultiDiGraph,
    scope: str | None,
    on: datetime.date,
    required: Sequence[str] = CNAF_MINIMUM,
    kinds: Collection[str] | None = None,
) -> ThemeReport:
    """The themes addressed in each commune of ``scope`` on ``on``, and the gaps.

    A commune's themes are those its covering contracts (as in
    :func:`territorial_coverage`) address through ``HAS_ACTION`` → ``ADDRESSES``.
    ``missing`` lists, in the order of ``required`` (a lone string is one theme; repeats
    are dropped), the required themes not among them (all of them for an uncovered
    commune); a row is a gap when the commune is uncovered or misses a required theme.
    ``themes`` (the columns) lists every theme of the graph; ``by_epci`` has one entry
    per EPCI having communes in the scope, with the themes addressed in its covered ones
    (empty when none is covered).

    Examples
    --------
    >>> from graph import coverage_model as cm
    >>> from datetime import date
    >>> g = cm.new_graph()
    >>> _ = cm.add_commune(g, "15187", "Saint-Flour")
    >>> _ = cm.add_contract(g, "ctg-sf", "ctg", date(2017, 1, 1), date(2021, 12, 31),
    ...                     covers=["commune:15187"])
    >>> _ = cm.add_action(g, "creche", "ctg-sf", themes=["petite-enfance", "parentalite"])
    >>> report = theme_coverage(g, None, date(2020, 1, 1))
    >>> row = report.rows[0]
    >>> row.themes, row.missing
    (('parentalite', 'petite-enfance'), ('jeunesse',))
    >>> [gap.commune for gap in report.gaps]
    ['15187']
    """
    day = _day(on)
    wanted = _kinds(kinds)
    needed = tuple(dict.fromkeys([required] if isinstance(required, str) else required))
    communes = communes_in_scope(g, scope)
    active = [c for c in _nodes_of_kind(g, "contract") if _counts(g.nodes[c], day, wanted)]
    reach = _reach(g, active)
    themes_of = {c: _contract_themes(g, c) for c in active}

    rows: list[ThemeRow] = []
    epci_themes: dict[str, set[str]] = {}
    for commune in communes:
        covering = reach.get(commune, set())
        themes = set().union(*(themes_of[c] for c in covering))
        for epci in _epcis(g, commune):
            epci_themes.setdefault(_code(g, epci), set()).update(themes)
        rows.append(
            ThemeRow(
                commune=_code(g, commune),
                name=_label(g, commune),
                covered=bool(covering),
                themes=tuple(sorted(themes)),
                missing=tuple(t for t in needed if t not in themes),
            )
        )
    return ThemeReport(
        scope=scope,
        on=day,
        required=needed,
        themes=tuple(sorted(_code(g, t) for t in _nodes_of_kind(g, "theme"))),
        rows=tuple(rows),
        by_epci=tuple((siren, tuple(sorted(t))) for siren, t in sorted(epci_themes.items())),
        gaps=tuple(r for r in rows if not r.covered or r.missing),
    )


# --- over time -------------------------------------------------------------------------


def continuity(
    g: nx.MultiDiGraph,
    scope: str | None,
    predecessor: str = "cej",
    successor: str = "ctg",
) -> tuple[ContinuityRow, ...]:
    """How each commune of ``scope`` passed from its ``predecessor``-kind contract to a
    ``successor``-kind one (by default from CEJ to CTG), sorted by commune code.

    Only communes ever reached by a predecessor-kind contract have a row. The
    predecessor is the reaching contract of that kind ending last (one without end only
    when none has an end); the successor is the reaching contract of the successor kind
    starting first (an undated one only when none has a start); ties go to the smaller
    key. ``gap_days`` counts the days strictly between the predecessor's end and the
    successor's start: 0 when the successor starts the next day, negative when they
    overlap (-1 when it starts on the predecessor's last day), ``None`` when a date is
    missing or there is no successor. ``status`` is ``"continuous"`` (gap 0), ``"gap"``
    (> 0), ``"overlap"`` (< 0), ``"undated"`` (a successor, but a date is missing) or
    ``"none"`` (no successor). The two kinds must differ.

    Examples
    --------
    >>> from graph import coverage_model as cm
    >>> from datetime import date
    >>> g = cm.new_graph()
    >>> _ = cm.add_commune(g, "15187", "Saint-Flour")
    >>> _ = cm.add_contract(g, "cej-sf", "cej", date(2016, 1, 1), date(2019, 12, 31),
    ...                     covers=["commune:15187"])
    >>> _ = cm.add_contract(g, "ctg-sf", "ctg", date(2020, 1, 1), date(2024, 12, 31),
    ...                     covers=["commune:15187"])
    >>> row = continuity(g, None)[0]
    >>> row.predecessor, row.successor, row.gap_days, row.status
    ('cej-sf', 'ctg-sf', 0, 'continuous')
    """
    if predecessor == successor:
        raise ValueError(
            f"continuity compares two contract kinds, got {predecessor!r} twice: "
            "pass different predecessor and successor kinds"
        )
    communes = communes_in_scope(g, scope)
    contracts = [
        c
        for c in _nodes_of_kind(g, "contract")
        if g.nodes[c].get("contract_kind") in (predecessor, successor)
    ]
    reach = _reach(g, contracts)
    rows: list[ContinuityRow] = []
    for commune in communes:
        reaching = reach.get(commune, set())
        before = [c for c in reaching if g.nodes[c].get("contract_kind") == predecessor]
        if not before:
            continue
        after = [c for c in reaching if g.nodes[c].get("contract_kind") == successor]
        last = min(before, key=lambda c: _latest_end_first(g, c))
        end = g.nodes[last].get("end")
        first = min(after, key=lambda c: _earliest_start_first(g, c)) if after else None
        start = g.nodes[first].get("start") if first is not None else None
        gap = (start - end).days - 1 if start is not None and end is not None else None
        if first is None:
            status = "none"
        elif gap is None:
            status = "undated"
        else:
            status = "continuous" if gap == 0 else "gap" if gap > 0 else "overlap"
        rows.append(
            ContinuityRow(
                commune=_code(g, commune),
                name=_label(g, commune),
                predecessor=_code(g, last),
                predecessor_end=end,
                successor=_code(g, first) if first is not None else None,
                successor_start=start,
                gap_days=gap,
                status=status,
            )
        )
    return tuple(rows)


def coverage_timeline(
    g: nx.MultiDiGraph,
    scope: str | None,
    start: datetime.date,
    end: datetime.date,
    step: str = "year",
    kinds: Collection[str] | None = None,
) -> tuple[TimelinePoint, ...]:
    """Coverage of ``scope`` on ``start``, ``start`` + ``step``, … up to ``end`` inclusive.

    ``step`` is ``"year"``, ``"quarter"`` or ``"month"``; dates are counted from
    ``start`` (a day past a month's end becomes its last day: 31 Jan, 28 Feb, 31 Mar…).
    Each point counts as :func:`territorial_coverage` would on that date, but each
    commune's covering intervals are computed once and merged, then spread over the
    dates, so a long monthly timeline of France costs little more than one coverage.

    Examples
    --------
    >>> from graph import coverage_model as cm
    >>> from datetime import date
    >>> g = cm.new_graph()
    >>> _ = cm.add_commune(g, "15187", "Saint-Flour", 6600)
    >>> _ = cm.add_commune(g, "15014", "Aurillac", 25400)
    >>> _ = cm.add_contract(g, "ctg-sf", "ctg", date(2017, 1, 1), date(2021, 12, 31),
    ...                     covers=["commune:15187"])
    >>> [(p.on.year, p.communes_covered, p.population_covered)
    ...  for p in coverage_timeline(g, None, date(2016, 1, 1), date(2022, 1, 1))]
    ... # doctest: +NORMALIZE_WHITESPACE
    [(2016, 0, 0), (2017, 1, 6600), (2018, 1, 6600), (2019, 1, 6600),
     (2020, 1, 6600), (2021, 1, 6600), (2022, 0, 0)]
    """
    if step not in TIMELINE_STEPS:
        raise ValueError(f"unknown step {step!r}: use one of {', '.join(TIMELINE_STEPS)}")
    first, last = _day(start), _day(end)
    if first > last:
        raise ValueError(f"the timeline starts ({first}) after it ends ({last})")
    months = TIMELINE_STEPS[step]
    dates: list[datetime.date] = []
    for n in itertools.count():
        day = _add_months(first, n * months)
        if day > last:
            break
        dates.append(day)

    wanted = _kinds(kinds)
    communes = communes_in_scope(g, scope)
    dated = [
        c
        for c in _nodes_of_kind(g, "contract")
        if _dated(g.nodes[c]) and (wanted is None or g.nodes[c].get("contract_kind") in wanted)
    ]
    reach = _reach(g, dated)
    # Difference arrays over the dates: a commune adds itself from the first date an
    # interval reaches to the one after its last, once per merged interval.
    count_delta = [0] * (len(dates) + 1)
    population_delta = [0] * (len(dates) + 1)
    population_total = 0
    for commune in communes:
        population = _population(g.nodes[commune])
        population_total += population
        intervals = sorted((g.nodes[c]["start"], g.nodes[c]["end"]) for c in reach.get(commune, ()))
        for lo, hi in _merged(intervals):
            i, j = bisect.bisect_left(dates, lo), bisect.bisect_right(dates, hi)
            if i < j:
                count_delta[i] += 1
                count_delta[j] -= 1
                population_delta[i] += population
                population_delta[j] -= population
    points: list[TimelinePoint] = []
    covered = covered_population = 0
    for i, day in enumerate(dates):
        covered += count_delta[i]
        covered_population += population_delta[i]
        points.append(
            TimelinePoint(
                on=day,
                communes_total=len(communes),
                communes_covered=covered,
                share_communes=_share(covered, len(communes)),
                population_total=population_total,
                population_covered=covered_population,
                share_population=_share(covered_population, population_total),
            )
        )
    return tuple(points)


# --- partner networks ------------------------------------------------------------------


def bipartite_network(g: nx.MultiDiGraph, scope: str | None = None) -> nx.Graph:
    """The partners and contracts of ``scope`` as a bipartite graph.

    Nodes keep their ids and attributes from ``g``, plus ``bipartite`` (0 partner,
    1 contract); an edge per ``SIGNED`` (with its ``role``). Every contract of
    :func:`contracts_in_scope` is a node, signed or not; a partner is one when it signed
    one of them.

    Examples
    --------
    >>> from graph import coverage_model as cm
    >>> g = cm.new_graph()
    >>> _ = cm.add_contract(g, "ctg-sf", "ctg", None, None)
    >>> _ = cm.add_partner(g, "caf-15", "Caf du Cantal", "caf", signed=["ctg-sf"])
    >>> b = bipartite_network(g)
    >>> sorted(b.nodes(data="bipartite"))
    [('contract:ctg-sf', 1), ('partner:caf-15', 0)]
    """
    b = nx.Graph()
    for contract in contracts_in_scope(g, scope):
        b.add_node(contract, **g.nodes[contract], bipartite=1)
        for partner, _, data in g.in_edges(contract, data=True):
            if data.get("rel") != "SIGNED" or _kind_of(g, partner) != "partner":
                continue
            b.add_node(partner, **g.nodes[partner], bipartite=0)
            b.add_edge(partner, contract, role=data.get("role"))
    return b


def partner_projection(g: nx.MultiDiGraph, scope: str | None = None) -> nx.Graph:
    """The partners of ``scope``'s contracts, linked when they signed a contract together.

    Nodes keep their ids and attributes from ``g``; an edge's ``weight`` is the number
    of contracts both signed and ``contracts`` their keys, sorted (a tuple). A partner
    that signed only alone is a node without edges.

    Examples
    --------
    >>> from graph import coverage_model as cm
    >>> g = cm.new_graph()
    >>> _ = cm.add_contract(g, "ctg-sf", "ctg", None, None)
    >>> _ = cm.add_partner(g, "caf-15", "Caf du Cantal", signed=["ctg-sf"])
    >>> _ = cm.add_partner(g, "200066660", "Saint-Flour Communauté", signed=["ctg-sf"])
    >>> p = partner_projection(g)
    >>> p.edges["partner:caf-15", "partner:200066660"]
    {'weight': 1, 'contracts': ('ctg-sf',)}
    """
    return _project(g, bipartite_network(g, scope))


def partner_network(g: nx.MultiDiGraph, scope: str | None = None) -> NetworkReport:
    """Who signs with whom on the contracts of ``scope``, and who brokers between them.

    Over :func:`partner_projection`: ``degree`` counts a partner's co-signatories,
    ``weighted_degree`` sums the contracts shared with them, ``degree_centrality`` is
    ``degree / (partners - 1)`` (0.0 for a lone partner), and ``betweenness`` is
    networkx's ``betweenness_centrality`` — **normalized and unweighted** (a link counts
    as one step however many contracts it carries). ``component`` indexes
    ``components``: the connected groups of partner keys, largest first, then by first key.
    Partners are listed by betweenness (highest first), then key.

    Examples
    --------
    >>> from graph import coverage_model as cm
    >>> g = cm.new_graph()
    >>> for key in ("c1", "c2"):
    ...     _ = cm.add_contract(g, key, "ctg", None, None)
    >>> _ = cm.add_partner(g, "commune-a", "A", signed=["c1"])
    >>> _ = cm.add_partner(g, "caf", "Caf", signed=["c1", "c2"])
    >>> _ = cm.add_partner(g, "commune-b", "B", signed=["c2"])
    >>> [(p.partner, p.betweenness) for p in partner_network(g).partners]
    [('caf', 1.0), ('commune-a', 0.0), ('commune-b', 0.0)]
    """
    b = bipartite_network(g, scope)
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
        links.append(PartnerLink(first, second, data["weight"], data["contracts"]))
    links.sort(key=lambda link: (link.a, link.b))
    contracts = sorted(_code(g, n) for n, side in b.nodes(data="bipartite") if side == 1)
    return NetworkReport(
        scope=scope,
        contracts=tuple(contracts),
        partners=tuple(partners),
        links=tuple(links),
        components=tuple(components),
    )


def common_partners(
    g: nx.MultiDiGraph, a: str, b: str, scope: str | None = None
) -> tuple[str, ...]:
    """The keys of the partners that signed a contract with ``a`` and one with ``b``.

    ``a`` and ``b`` are partner keys (or node ids); they are left out of the answer.
    Only the contracts of ``scope`` count. An unknown partner raises :class:`ValueError`.

    Examples
    --------
    >>> from graph import coverage_model as cm
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
    p = partner_projection(g, scope)
    if first not in p or second not in p:
        return ()
    shared = (set(p.neighbors(first)) & set(p.neighbors(second))) - {first, second}
    return tuple(sorted(_code(g, n) for n in shared))


# --- helpers ---------------------------------------------------------------------------


def _project(g: nx.MultiDiGraph, b: nx.Graph) -> nx.Graph:
    """The partner side of the bipartite network ``b``, weighted by shared contracts."""
    p = nx.Graph()
    shared: dict[tuple[str, str], list[str]] = defaultdict(list)
    for n, side in sorted(b.nodes(data="bipartite")):
        if side == 0:
            p.add_node(n, **{k: v for k, v in b.nodes[n].items() if k != "bipartite"})
            continue
        for x, y in itertools.combinations(sorted(b.neighbors(n)), 2):
            shared[x, y].append(_code(g, n))
    for (x, y), keys in shared.items():
        p.add_edge(x, y, weight=len(keys), contracts=tuple(sorted(keys)))
    return p


def _kind_of(g: nx.MultiDiGraph, n: str) -> str:
    """A node's kind; a bare node (an edge's end never added) by its id's prefix."""
    kind = g.nodes[n].get("kind")
    return str(kind) if kind is not None else n.partition(":")[0]


def _code(g: nx.MultiDiGraph, n: str, data: dict[str, Any] | None = None) -> str:
    """A node's code or key (INSEE code, SIREN, contract key…), else its id's suffix."""
    data = g.nodes[n] if data is None else data
    value = data.get("code") or data.get("key")
    return str(value) if value is not None else n.partition(":")[2]


def _label(g: nx.MultiDiGraph, n: str, data: dict[str, Any] | None = None) -> str:
    data = g.nodes[n] if data is None else data
    return str(data.get("label") or _code(g, n, data))


def _population(data: dict[str, Any]) -> int:
    return int(data.get("population") or 0)


def _nodes_of_kind(g: nx.MultiDiGraph, kind: str) -> list[str]:
    return sorted(
        n for n, k in g.nodes(data="kind") if (k if k is not None else n.partition(":")[0]) == kind
    )


def _scope_kind(g: nx.MultiDiGraph, scope: str) -> str:
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


def _require_kind(g: nx.MultiDiGraph, n: str, kind: str) -> None:
    if n not in g:
        raise ValueError(f"no node {n!r} in the graph (expected a {kind} id like '{kind}:…')")
    if _kind_of(g, n) != kind:
        raise ValueError(f"{n!r} is a {_kind_of(g, n)!r} node, not a {kind!r} one")


def _partner(g: nx.MultiDiGraph, key: str) -> str:
    n = key if key in g and _kind_of(g, key) == "partner" else node_id("partner", key)
    if n not in g:
        raise ValueError(f"unknown partner {key!r}: pass a partner key such as 'caf-15'")
    return n


def _below(g: nx.MultiDiGraph, n: str, rel: str, kind: str) -> list[str]:
    """The nodes of ``kind`` with a ``rel`` edge to ``n``."""
    return [m for m, _, r in g.in_edges(n, data="rel") if r == rel and _kind_of(g, m) == kind]


def _members(g: nx.MultiDiGraph, epci: str) -> list[str]:
    return _below(g, epci, "MEMBER_OF", "commune")


def _included(g: nx.MultiDiGraph, sub_territory: str) -> list[str]:
    return [
        m
        for _, m, r in g.out_edges(sub_territory, data="rel")
        if r == "INCLUDES" and _kind_of(g, m) == "commune"
    ]


def _parents(
    g: nx.MultiDiGraph, commune: str, data: dict[str, Any] | None = None
) -> tuple[list[str], list[str]]:
    """The EPCIs and the départements of a commune (ids, sorted).

    Read from the commune's ``epci`` and ``departement`` attributes, which
    :func:`graph.coverage_model.add_commune` sets along with the edges: this runs once per
    commune of France, and walking each commune's edge views costs several times more.
    A commune lacking either attribute is looked up by its ``MEMBER_OF`` / ``IN`` edges.
    """
    data = g.nodes[commune] if data is None else data
    epci, departement = data.get("epci"), data.get("departement")
    if epci is not None and departement is not None:
        return [node_id("epci", epci)], [node_id("departement", departement)]
    epcis: set[str] = set()
    departements: set[str] = set()
    for _, m, rel in g.out_edges(commune, data="rel"):
        if rel == "MEMBER_OF" and _kind_of(g, m) == "epci":
            epcis.add(m)
        elif rel == "IN" and _kind_of(g, m) == "departement":
            departements.add(m)
    return sorted(epcis), sorted(departements)


def _epcis(g: nx.MultiDiGraph, commune: str) -> list[str]:
    return _parents(g, commune)[0]


def _including(g: nx.MultiDiGraph, commune: str) -> list[str]:
    return _below(g, commune, "INCLUDES", "sub_territory")


def _reach(g: nx.MultiDiGraph, contracts: Iterable[str]) -> dict[str, set[str]]:
    """commune id → the given contracts reaching it, from one pass over their COVERS."""
    reach: dict[str, set[str]] = defaultdict(set)
    communes_of: dict[str, list[str]] = {}
    for contract in contracts:
        for _, territory, rel in g.out_edges(contract, data="rel"):
            if rel != "COVERS":
                continue
            if territory not in communes_of:
                communes_of[territory] = _communes_reached(g, territory)
            for commune in communes_of[territory]:
                reach[commune].add(contract)
    return reach


def _communes_reached(g: nx.MultiDiGraph, territory: str) -> list[str]:
    """The communes a contract covering ``territory`` covers (DESIGN §4)."""
    kind = _kind_of(g, territory)
    if kind == "commune":
        return [territory]
    if kind == "epci":
        return _members(g, territory)
    if kind == "sub_territory":
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


def _contract_themes(g: nx.MultiDiGraph, contract: str) -> set[str]:
    return {
        _code(g, theme)
        for _, action, r in g.out_edges(contract, data="rel")
        if r == "HAS_ACTION"
        for _, theme, r2 in g.out_edges(action, data="rel")
        if r2 == "ADDRESSES"
    }


def _overlaps(g: nx.MultiDiGraph, code: str, covering: Sequence[str]) -> list[Overlap]:
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
    g: nx.MultiDiGraph, rows_by_area: dict[str, list[CommuneCoverage]]
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


def _latest_end_first(g: nx.MultiDiGraph, contract: str) -> tuple[bool, int, str]:
    """Key for ``min``: a dated end before none, a later end before an earlier, then key."""
    end = g.nodes[contract].get("end")
    return (end is None, -end.toordinal() if end is not None else 0, _code(g, contract))


def _earliest_start_first(g: nx.MultiDiGraph, contract: str) -> tuple[bool, int, str]:
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
