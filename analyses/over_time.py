"""Coverage over time: CEJ → CTG continuity and timelines."""

from __future__ import annotations

import bisect
import dataclasses
import datetime
import itertools
from collections.abc import Collection

from analyses._walk import (
    _LATEST,
    _OTHER,
    TIMELINE_STEPS,
    Interval,
    _add_months,
    _all_periods,
    _code,
    _day,
    _earliest_start_first,
    _kinds,
    _label,
    _latest_end_first,
    _merged,
    _nodes_of_kind,
    _Periods,
    _population,
    _reach,
    _share,
    _touches_inferred,
)
from analyses.model import PartnershipGraph
from analyses.results import CertaintyFilter, ContinuityRow, TimelinePoint
from analyses.scope import communes_in_scope
from domain.dates import Period

# --- over time -------------------------------------------------------------------------


def continuity(
    g: PartnershipGraph,
    scope: str | None,
    predecessor: str = "cej",
    successor: str = "ctg",
    certainty: CertaintyFilter = CertaintyFilter.ALL,
) -> tuple[ContinuityRow, ...]:
    """How each commune of ``scope`` passed from its ``predecessor``-kind contract to a
    ``successor``-kind one (by default from CEJ to CTG), sorted by commune code.

    Only communes ever reached by a predecessor-kind contract have a row. The
    predecessor is the reaching contract of that kind ending last (its latest possible
    end; one without end only when none has an end); the successor is the reaching
    contract of the successor kind starting first (its earliest possible start; an
    undated one only when none has a start); ties go to the smaller key.
    ``predecessor_end`` and ``successor_start`` are those widest days, as stored.
    ``gap_days`` counts the days strictly between the predecessor's end and the
    successor's start: 0 when the successor starts the next day, negative when they
    overlap (-1 when it starts on the predecessor's last day), ``None`` when a date is
    missing, there is no successor, or the dates' precision leaves a range
    (``gap_days_min`` .. ``gap_days_max``). ``status`` is ``"continuous"`` (gap 0),
    ``"gap"`` (certainly > 0), ``"overlap"`` (certainly < 0, or the predecessor has no
    end yet), ``"undated"`` (a successor, but a date is unknown), ``"imprecise"`` (both
    dates known, too imprecisely to tell which of these it is) or ``"none"`` (no
    successor). ``certainty`` says which facts count, as in
    :func:`~analyses.territorial_coverage`; ``rests_on_inferred`` marks the rows whose
    predecessor, successor or status differ between the two readings. The two kinds
    must differ.

    Examples
    --------
    >>> from analyses import model as cm
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
    >>> g.nodes["contract:ctg-sf"]["start_precision"] = "year"  # « from 2020 »
    >>> row = continuity(g, None)[0]
    >>> row.gap_days, (row.gap_days_min, row.gap_days_max), row.status
    (None, (0, 365), 'imprecise')
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
    periods = _all_periods(g, contracts)
    differing = frozenset(c for c, p in periods.items() if p.differ)
    reach = _reach(g, contracts)
    rows: list[ContinuityRow] = []
    kinds = (predecessor, successor)
    for commune in communes:
        reaching = reach.get(commune, {})
        row = _continuity_row(g, commune, reaching, periods, kinds, certainty)
        if reaching and _touches_inferred(reaching, differing):
            other = _continuity_row(g, commune, reaching, periods, kinds, _OTHER[certainty])
            if row is not None and _continuity_answer(row) != _continuity_answer(other):
                row = dataclasses.replace(row, rests_on_inferred=True)
        if row is not None:
            rows.append(row)
    return tuple(rows)


def _continuity_answer(row: ContinuityRow | None) -> tuple[str | None, ...]:
    if row is None:
        return (None, None, None)
    return (row.predecessor, row.successor, row.status)


def _continuity_row(
    g: PartnershipGraph,
    commune: str,
    reaching: dict[str, bool],
    every: dict[str, _Periods],
    kinds: tuple[str, str],
    certainty: CertaintyFilter,
) -> ContinuityRow | None:
    """A commune's continuity in one reading (``None``: no predecessor reaches it);
    ``kinds`` are the predecessor's and the successor's."""
    predecessor, successor = kinds
    periods: dict[str, Period] = {}
    for contract, inferred in reaching.items():
        period = _reading(every[contract], certainty, inferred)
        if period is not None:
            periods[contract] = period
    before = [c for c in periods if g.nodes[c].get("contract_kind") == predecessor]
    if not before:
        return None
    after = [c for c in periods if g.nodes[c].get("contract_kind") == successor]
    last = min(before, key=lambda c: _latest_end_first(g, c, periods[c]))
    first = min(after, key=lambda c: _earliest_start_first(g, c, periods[c])) if after else None
    end = periods[last]
    start = periods[first] if first is not None else None
    low = high = None
    if start is None:
        status = "none"
    elif end.end_open and start.start is not None:
        status = "overlap"
    elif end.end is None or start.start is None:
        status = "undated"
    else:
        low = (start.start.earliest - end.end.latest).days - 1
        high = (start.start.latest - end.end.earliest).days - 1
        status = (
            ("continuous" if low == 0 else "gap" if low > 0 else "overlap")
            if low == high
            else "gap"
            if low > 0
            else "overlap"
            if high < 0
            else "imprecise"
        )
    return ContinuityRow(
        commune=_code(g, commune),
        name=_label(g, commune),
        predecessor=_code(g, last),
        predecessor_end=end.end_latest,
        successor=_code(g, first) if first is not None else None,
        successor_start=start.start_earliest if start is not None else None,
        gap_days=low if low == high else None,
        status=status,
        gap_days_min=low,
        gap_days_max=high,
    )


def _reading(periods: _Periods, certainty: CertaintyFilter, inferred: bool) -> Period | None:
    """The period of a contract reaching a commune in a reading (``None``: not in it)."""
    if certainty is CertaintyFilter.ALL:
        return periods.all
    return None if inferred else periods.stated


def coverage_timeline(
    g: PartnershipGraph,
    scope: str | None,
    start: datetime.date,
    end: datetime.date,
    step: str = "year",
    kinds: Collection[str] | None = None,
    certainty: CertaintyFilter = CertaintyFilter.ALL,
) -> tuple[TimelinePoint, ...]:
    """Coverage of ``scope`` on ``start``, ``start`` + ``step``, … up to ``end`` inclusive.

    ``step`` is ``"year"``, ``"quarter"`` or ``"month"``; dates are counted from
    ``start`` (a day past a month's end becomes its last day: 31 Jan, 28 Feb, 31 Mar…).
    Each point counts as :func:`territorial_coverage` would on that date — covered,
    unknown (``communes_unknown``…) and, by difference, not covered, in the reading
    ``certainty`` asks, with ``communes_inferred`` the communes whose status differs
    between the two readings — but each commune's intervals (certainly active, possibly
    active) are computed once and merged, then spread over the dates, so a long monthly
    timeline of France costs little more than one coverage.

    Examples
    --------
    >>> from analyses import model as cm
    >>> from datetime import date
    >>> g = cm.new_graph()
    >>> _ = cm.add_commune(g, "15187", "Saint-Flour", 6600)
    >>> _ = cm.add_commune(g, "15014", "Aurillac", 25400)
    >>> _ = cm.add_contract(g, "ctg-sf", "ctg", date(2017, 1, 1), date(2021, 12, 31),
    ...                     covers=["commune:15187"], start_precision="year")
    >>> [(p.on.year, p.communes_covered, p.communes_unknown, p.population_covered)
    ...  for p in coverage_timeline(g, None, date(2016, 1, 1), date(2022, 1, 1))]
    ... # doctest: +NORMALIZE_WHITESPACE
    [(2016, 0, 0, 0), (2017, 0, 1, 0), (2018, 1, 0, 6600), (2019, 1, 0, 6600),
     (2020, 1, 0, 6600), (2021, 1, 0, 6600), (2022, 0, 0, 0)]
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
    contracts = [
        c
        for c in _nodes_of_kind(g, "contract")
        if wanted is None or g.nodes[c].get("contract_kind") in wanted
    ]
    periods = _all_periods(g, contracts)
    differing = frozenset(c for c, p in periods.items() if p.differ)
    reach = _reach(g, contracts)
    # Difference arrays over the dates: a commune adds itself from the first date an
    # interval reaches to the one after its last, once per merged interval.
    covered_delta = [0] * (len(dates) + 1)
    possible_delta = [0] * (len(dates) + 1)
    covered_population_delta = [0] * (len(dates) + 1)
    possible_population_delta = [0] * (len(dates) + 1)
    inferred_count = [0] * len(dates)
    population_total = 0
    for commune in communes:
        population = _population(g.nodes[commune])
        population_total += population
        reaching = reach.get(commune, {})
        certain, possible = _intervals(reaching, periods, certainty)
        for merged, count, people in (
            (certain, covered_delta, covered_population_delta),
            (possible, possible_delta, possible_population_delta),
        ):
            for lo, hi in merged:
                i, j = bisect.bisect_left(dates, lo), bisect.bisect_right(dates, hi)
                if i < j:
                    count[i] += 1
                    count[j] -= 1
                    people[i] += population
                    people[j] -= population
        if reaching and _touches_inferred(reaching, differing):
            other = _intervals(reaching, periods, _OTHER[certainty])
            for i, day in enumerate(dates):
                if _state(certain, possible, day) != _state(*other, day):
                    inferred_count[i] += 1
    points: list[TimelinePoint] = []
    covered = possibly = covered_population = possible_population = 0
    total = len(communes)
    for i, day in enumerate(dates):
        covered += covered_delta[i]
        possibly += possible_delta[i]
        covered_population += covered_population_delta[i]
        possible_population += possible_population_delta[i]
        unknown, unknown_population = possibly - covered, possible_population - covered_population
        points.append(
            TimelinePoint(
                on=day,
                communes_total=total,
                communes_covered=covered,
                share_communes=_share(covered, total),
                population_total=population_total,
                population_covered=covered_population,
                share_population=_share(covered_population, population_total),
                communes_unknown=unknown,
                share_communes_unknown=_share(unknown, total),
                population_unknown=unknown_population,
                share_population_unknown=_share(unknown_population, population_total),
                communes_inferred=inferred_count[i],
            )
        )
    return tuple(points)


Intervals = list[Interval]


def _intervals(
    reaching: dict[str, bool], periods: dict[str, _Periods], certainty: CertaintyFilter
) -> tuple[Intervals, Intervals]:
    """A commune's days certainly covered and days possibly covered (merged), in one
    reading (see :func:`analyses._walk._days`)."""
    certain: Intervals = []
    possible: Intervals = []
    stated_only = certainty is CertaintyFilter.STATED_ONLY
    for contract, inferred in reaching.items():
        p = periods[contract]
        days = p.all_days if not stated_only else None if inferred else p.stated_days
        if days is None:
            continue
        if days[0] is not None:
            certain.append(days[0])
        possible.append(days[1])
    return _merged(sorted(certain)), _merged(sorted(possible))


def _state(certain: Intervals, possible: Intervals, day: datetime.date) -> int:
    """2 covered, 1 unknown, 0 not covered on ``day``."""
    return 2 if _inside(certain, day) else 1 if _inside(possible, day) else 0


def _inside(merged: Intervals, day: datetime.date) -> bool:
    i = bisect.bisect_right(merged, (day, _LATEST))
    return i > 0 and merged[i - 1][0] <= day <= merged[i - 1][1]
