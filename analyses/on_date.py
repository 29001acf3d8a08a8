"""Coverage on a date: territorial coverage and the territory × theme matrix."""

from __future__ import annotations

import datetime
import functools
from collections import defaultdict
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

from analyses._walk import (
    _OTHER,
    _Activities,
    _activities,
    _areas,
    _code,
    _contract_themes,
    _covering,
    _day,
    _epcis,
    _kinds,
    _label,
    _nodes_of_kind,
    _overlaps,
    _parents,
    _population,
    _reach,
    _status,
    _totals,
    _touches_inferred,
)
from analyses.model import CNAF_MINIMUM, PartnershipGraph
from analyses.results import (
    CertaintyFilter,
    CommuneCoverage,
    CoverageReport,
    CoverageStatus,
    GapStatus,
    Overlap,
    ThemeReport,
    ThemeRow,
)
from analyses.scope import communes_in_scope

# --- coverage on a date ----------------------------------------------------------------


def territorial_coverage(
    g: PartnershipGraph,
    scope: str | None,
    on: datetime.date,
    kinds: Collection[str] | None = None,
    certainty: CertaintyFilter = CertaintyFilter.ALL,
) -> CoverageReport:
    """Which communes of ``scope`` are covered on ``on`` (DESIGN §4), counted and summed.

    Three-valued: a commune is COVERED when a contract active on ``on`` reaches it,
    UNKNOWN when only contracts whose activity that day is unknown (a date missing, or
    too imprecise to decide: :func:`domain.dates.activity_on`) reach it, NOT_COVERED
    otherwise; each status has its counts, population and shares. ``certainty`` says
    which facts count: ``STATED_ONLY`` leaves out every inferred contract, covers link,
    sub-territory membership and date. Whichever is asked, ``inferred_communes`` lists
    the communes whose status differs between the two readings (under ``ALL``: whose
    status rests on an inferred fact), and each row's ``inferred_contracts`` the
    contracts reaching it only through an inferred fact.

    ``kinds`` restricts the contracts to those ``contract_kind`` codes (``None`` = any;
    a lone string is one kind). Shares are in 0..1 and 0.0 when their denominator is 0
    (no commune, or no known population). ``by_epci`` and ``by_departement`` hold one
    row per area having communes in the scope (a commune without EPCI is in no EPCI
    row); ``uncovered_communes`` and ``unknown_communes`` list the codes of the
    NOT_COVERED and UNKNOWN communes; ``uncovered_epcis`` the SIRENs of those EPCIs
    all of whose communes in the scope are NOT_COVERED, ``unknown_epcis`` those with no
    COVERED commune but some UNKNOWN; ``overlaps`` lists the communes covered by two
    or more active contracts of one kind.

    Examples
    --------
    >>> from analyses import model as cm
    >>> from datetime import date
    >>> g = cm.new_graph()
    >>> _ = cm.add_epci(g, "200066660", "Saint-Flour Communauté")
    >>> _ = cm.add_commune(g, "15187", "Saint-Flour", 6600, epci="200066660")
    >>> _ = cm.add_commune(g, "15014", "Aurillac", 25400)
    >>> _ = cm.add_commune(g, "15138", "Mauriac", 3600)
    >>> _ = cm.add_contract(g, "ctg-sf", "ctg", date(2017, 1, 1), date(2021, 12, 31),
    ...                     covers=["epci:200066660"])
    >>> _ = cm.add_contract(g, "cej-ma", "cej", None, date(2020, 12, 31),
    ...                     covers=["commune:15138"], inferred_covers=["commune:15138"])
    >>> report = territorial_coverage(g, None, date(2020, 1, 1))
    >>> report.communes_covered, report.communes_unknown, report.communes_not_covered
    (1, 1, 1)
    >>> report.uncovered_communes, report.unknown_communes, report.inferred_communes
    (('15014',), ('15138',), ('15138',))
    >>> [(c.code, c.status.value, c.contracts) for c in report.communes]
    [('15014', 'not-covered', ()), ('15138', 'unknown', ()), ('15187', 'covered', ('ctg-sf',))]
    >>> stated_only = CertaintyFilter.STATED_ONLY
    >>> stated = territorial_coverage(g, None, date(2020, 1, 1), certainty=stated_only)
    >>> stated.communes_unknown, stated.uncovered_communes
    (0, ('15014', '15138'))
    """
    day = _day(on)
    wanted = _kinds(kinds)
    stated_only = certainty is CertaintyFilter.STATED_ONLY
    communes = communes_in_scope(g, scope)
    activities = _activities(g, day, wanted)
    asked = activities.reading(certainty)
    reach = _reach(g, activities.all.keys() | activities.stated.keys())

    rows: list[CommuneCoverage] = []
    overlaps: list[Overlap] = []
    inferred_communes: list[str] = []
    epci_rows: dict[str, list[CommuneCoverage]] = defaultdict(list)
    departement_rows: dict[str, list[CommuneCoverage]] = defaultdict(list)
    area_code = functools.cache(functools.partial(_code, g))
    code = functools.partial(_code, g)
    no_reach: dict[str, bool] = {}
    for commune in communes:
        data = g.nodes[commune]
        reaching = reach.get(commune, no_reach)
        active, possible = _covering(reaching, asked, stated_only)
        rests_on_inferred = False
        inferred_contracts: list[str] = []
        if reaching and _touches_inferred(reaching, activities.differing):
            other = _covering(reaching, activities.reading(_OTHER[certainty]), not stated_only)
            rests_on_inferred = _status(active, possible) is not _status(*other)
            if not stated_only:
                inferred_contracts = [
                    c for c in active + possible if reaching[c] or c in activities.differing
                ]
        epcis, departements = _parents(g, commune, data)
        row = CommuneCoverage(
            commune=commune,
            code=_code(g, commune, data),
            name=_label(g, commune, data),
            population=_population(data),
            departement=area_code(departements[0]) if departements else None,
            epci=area_code(epcis[0]) if epcis else None,
            # most lists are empty: no call for them (this runs per commune of France)
            contracts=_keys(code, active) if active else (),
            possible_contracts=_keys(code, possible) if possible else (),
            inferred_contracts=_keys(code, inferred_contracts) if inferred_contracts else (),
            rests_on_inferred=rests_on_inferred,
        )
        rows.append(row)
        if rests_on_inferred:
            inferred_communes.append(row.code)
        for epci in epcis:
            epci_rows[epci].append(row)
        for departement in departements:
            departement_rows[departement].append(row)
        if len(active) > 1:
            overlaps.extend(_overlaps(g, row.code, sorted(active)))

    by_epci = _areas(g, epci_rows)
    t = _totals(rows)
    covered, covered_population, share_communes, share_population = t.figures(
        CoverageStatus.COVERED
    )
    unknown, unknown_population, share_cu, share_pu = t.figures(CoverageStatus.UNKNOWN)
    none, none_population, share_cn, share_pn = t.figures(CoverageStatus.NOT_COVERED)
    return CoverageReport(
        scope=scope,
        on=day,
        kinds=None if wanted is None else tuple(sorted(wanted)),
        communes=tuple(rows),
        communes_total=t.communes,
        communes_covered=covered,
        population_total=t.population,
        population_covered=covered_population,
        share_communes=share_communes,
        share_population=share_population,
        by_epci=by_epci,
        by_departement=_areas(g, departement_rows),
        uncovered_communes=tuple(r.code for r in rows if r.status is CoverageStatus.NOT_COVERED),
        uncovered_epcis=tuple(a.code for a in by_epci if a.not_covered_communes == a.communes),
        overlaps=tuple(overlaps),
        certainty=certainty,
        communes_unknown=unknown,
        population_unknown=unknown_population,
        share_communes_unknown=share_cu,
        share_population_unknown=share_pu,
        communes_not_covered=none,
        population_not_covered=none_population,
        share_communes_not_covered=share_cn,
        share_population_not_covered=share_pn,
        unknown_communes=tuple(r.code for r in rows if r.status is CoverageStatus.UNKNOWN),
        unknown_epcis=tuple(
            a.code for a in by_epci if a.covered_communes == 0 and a.unknown_communes > 0
        ),
        inferred_communes=tuple(inferred_communes),
    )


def theme_coverage(
    g: PartnershipGraph,
    scope: str | None,
    on: datetime.date,
    required: Sequence[str] = CNAF_MINIMUM,
    kinds: Collection[str] | None = None,
    certainty: CertaintyFilter = CertaintyFilter.ALL,
) -> ThemeReport:
    """The themes addressed in each commune of ``scope`` on ``on``, and the gaps.

    A commune's themes are those its covering contracts (as in
    :func:`territorial_coverage`, three-valued) address through ``HAS_ACTION`` →
    ``ADDRESSES``: ``themes`` by the contracts certainly covering it, ``possible_themes``
    only by those that may. ``missing`` lists, in the order of ``required`` (a lone
    string is one theme; repeats are dropped), the required themes in neither (all of
    them for a NOT_COVERED commune), ``possibly_missing`` those only possible. ``gap``
    is GAP when the commune is certainly not covered or certainly misses a required
    theme, NO_GAP when it is covered with every required theme, UNKNOWN otherwise;
    ``gaps`` and ``unknown_gaps`` hold those rows. ``certainty`` as in
    :func:`territorial_coverage` (a theme the dataset marks inferred is left out by
    ``STATED_ONLY``); ``inferred_communes`` lists the communes whose gap answer differs
    between the readings. ``themes`` (the columns) lists every theme of the graph;
    ``by_epci`` has one entry per EPCI having communes in the scope, with the themes
    addressed in its covered ones (empty when none is covered).

    Examples
    --------
    >>> from analyses import model as cm
    >>> from datetime import date
    >>> g = cm.new_graph()
    >>> _ = cm.add_commune(g, "15187", "Saint-Flour")
    >>> _ = cm.add_contract(g, "ctg-sf", "ctg", date(2017, 1, 1), date(2021, 12, 31),
    ...                     covers=["commune:15187"])
    >>> _ = cm.add_action(g, "creche", "ctg-sf", themes=["petite-enfance", "parentalite"])
    >>> _ = cm.add_contract(g, "cej-sf", "cej", None, None, covers=["commune:15187"])
    >>> _ = cm.add_action(g, "ados", "cej-sf", themes=["jeunesse"])
    >>> report = theme_coverage(g, None, date(2020, 1, 1))
    >>> row = report.rows[0]
    >>> row.themes, row.possible_themes, row.missing, row.gap.value
    (('parentalite', 'petite-enfance'), ('jeunesse',), (), 'unknown')
    >>> [gap.commune for gap in report.unknown_gaps], report.gaps
    (['15187'], ())
    """
    day = _day(on)
    wanted = _kinds(kinds)
    needed = tuple(dict.fromkeys([required] if isinstance(required, str) else required))
    communes = communes_in_scope(g, scope)
    activities = _activities(g, day, wanted)
    reach = _reach(g, activities.all.keys() | activities.stated.keys())
    themes_of = {
        c: _contract_themes(g, c) for c in activities.all.keys() | activities.stated.keys()
    }
    differing = activities.differing | {c for c, (_, inferred) in themes_of.items() if inferred}

    rows: list[ThemeRow] = []
    epci_themes: dict[str, set[str]] = {}
    inferred_communes: list[str] = []
    no_reach: dict[str, bool] = {}
    for commune in communes:
        reaching = reach.get(commune, no_reach)
        answer = _themes_answer(reaching, activities, themes_of, needed, certainty)
        rests_on_inferred = False
        if reaching and _touches_inferred(reaching, differing):
            other = _themes_answer(reaching, activities, themes_of, needed, _OTHER[certainty])
            rests_on_inferred = other.gap is not answer.gap
        code = _code(g, commune)
        if rests_on_inferred:
            inferred_communes.append(code)
        for epci in _epcis(g, commune):
            epci_themes.setdefault(_code(g, epci), set()).update(answer.themes)
        rows.append(
            ThemeRow(
                commune=code,
                name=_label(g, commune),
                covered=answer.status is CoverageStatus.COVERED,
                themes=tuple(sorted(answer.themes)),
                missing=answer.missing,
                status=answer.status,
                possible_themes=tuple(sorted(answer.possible_themes)),
                possibly_missing=answer.possibly_missing,
                gap=answer.gap,
                rests_on_inferred=rests_on_inferred,
            )
        )
    return ThemeReport(
        scope=scope,
        on=day,
        required=needed,
        themes=tuple(sorted(_code(g, t) for t in _nodes_of_kind(g, "theme"))),
        rows=tuple(rows),
        by_epci=tuple((siren, tuple(sorted(t))) for siren, t in sorted(epci_themes.items())),
        gaps=tuple(r for r in rows if r.gap is GapStatus.GAP),
        certainty=certainty,
        unknown_gaps=tuple(r for r in rows if r.gap is GapStatus.UNKNOWN),
        inferred_communes=tuple(inferred_communes),
    )


def _keys(code: Callable[[str], str], contracts: list[str]) -> tuple[str, ...]:
    """The keys of ``contracts``, sorted (most lists are empty or hold one)."""
    if not contracts:
        return ()
    if len(contracts) == 1:
        return (code(contracts[0]),)
    return tuple(sorted(map(code, contracts)))


@dataclass(frozen=True, slots=True)
class _ThemesAnswer:
    status: CoverageStatus
    themes: set[str]
    possible_themes: set[str]
    missing: tuple[str, ...]
    possibly_missing: tuple[str, ...]
    gap: GapStatus


def _themes_answer(
    reaching: dict[str, bool],
    activities: _Activities,
    themes_of: dict[str, tuple[dict[str, bool], bool]],
    needed: Sequence[str],
    certainty: CertaintyFilter,
) -> _ThemesAnswer:
    """A commune's themes and gap in one reading."""
    stated_only = certainty is CertaintyFilter.STATED_ONLY
    active, possible = _covering(reaching, activities.reading(certainty), stated_only)

    def addressed(contracts: list[str]) -> set[str]:
        return {
            theme
            for c in contracts
            for theme, inferred in themes_of[c][0].items()
            if not (stated_only and inferred)
        }

    themes = addressed(active)
    possible_themes = addressed(possible) - themes
    status = _status(active, possible)
    missing = tuple(t for t in needed if t not in themes and t not in possible_themes)
    possibly_missing = tuple(t for t in needed if t in possible_themes)
    if status is CoverageStatus.NOT_COVERED or missing:
        gap = GapStatus.GAP
    elif status is CoverageStatus.COVERED and not possibly_missing:
        gap = GapStatus.NO_GAP
    else:
        gap = GapStatus.UNKNOWN
    return _ThemesAnswer(status, themes, possible_themes, missing, possibly_missing, gap)
