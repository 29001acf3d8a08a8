"""Coverage over time: CEJ → CTG continuity and timelines."""

from __future__ import annotations

import bisect
import datetime
import itertools
from collections.abc import Collection

from analyses._walk import (
    TIMELINE_STEPS,
    _add_months,
    _code,
    _dated,
    _day,
    _earliest_start_first,
    _kinds,
    _label,
    _latest_end_first,
    _merged,
    _nodes_of_kind,
    _population,
    _reach,
    _share,
)
from analyses.model import PartnershipGraph
from analyses.results import ContinuityRow, TimelinePoint
from analyses.scope import communes_in_scope

# --- over time -------------------------------------------------------------------------


def continuity(
    g: PartnershipGraph,
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
    g: PartnershipGraph,
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
    >>> from analyses import model as cm
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
