"""Coverage on a date: territorial coverage and the territory × theme matrix."""

from __future__ import annotations

import datetime
import functools
from collections import defaultdict
from collections.abc import Collection, Sequence

from analyses._walk import (
    _areas,
    _code,
    _contract_themes,
    _counts,
    _day,
    _epcis,
    _kinds,
    _label,
    _nodes_of_kind,
    _overlaps,
    _parents,
    _population,
    _reach,
    _share,
    _totals,
)
from analyses.model import CNAF_MINIMUM, PartnershipGraph
from analyses.results import CommuneCoverage, CoverageReport, Overlap, ThemeReport, ThemeRow
from analyses.scope import communes_in_scope

# --- coverage on a date ----------------------------------------------------------------


def territorial_coverage(
    g: PartnershipGraph,
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
    >>> from analyses import model as cm
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
    g: PartnershipGraph,
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
    >>> from analyses import model as cm
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
