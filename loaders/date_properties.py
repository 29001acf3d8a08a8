"""How the dataset format's dates become graph properties, and back (the storage
convention of docs/graph-model.md, "Dates").

For a date field ``X`` (``start``, ``end``, ``signedOn``, ``statusAsOf``, ``asOf``…):

* ``X``: a date, its widest reading — the latest day a period's end can denote, the
  earliest day of anything else (``2017`` as a start → 2017-01-01, as an end →
  2017-12-31); at day precision exactly the day written, as before;
* ``X_precision``: ``"year"`` or ``"month"``; absent (null) at day precision;
* for a period, also ``start_latest`` and ``end_earliest`` (the narrow bounds) and
  ``end_open: true`` when the dataset writes ``end: open``; an absent end that is not
  open is an unknown end;
* a planned duration: ``durationYears`` when exact (as before), ``duration_min`` and
  ``duration_max`` (years) always.

Every key is written, null when unknown, so that reloading a dataset whose dates became
less (or more) precise leaves no stale bound behind.

>>> from domain.dates import FuzzyDate
>>> period_props(FuzzyDate.parse(2017), FuzzyDate.parse(2020))["end"]
datetime.date(2020, 12, 31)
>>> date_props("signedOn", FuzzyDate.parse("2018-01-19"))
{'signedOn': datetime.date(2018, 1, 19), 'signedOn_precision': None}
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from domain.dates import DurationRange, FuzzyDate
from loaders.dataset_format import OPEN


def date_props(name: str, value: FuzzyDate | None) -> dict[str, Any]:
    """``{X: earliest day, X_precision: ...}`` for a date that is not a period's end."""
    if value is None:
        return {name: None, f"{name}_precision": None}
    day, precision = value.stored()
    return {name: day, f"{name}_precision": precision}


def period_props(
    start: FuzzyDate | None, end: FuzzyDate | Literal["open"] | None
) -> dict[str, Any]:
    """The properties of a period: ``start``, ``start_precision``, ``start_latest``,
    ``end``, ``end_precision``, ``end_earliest``, ``end_open``."""
    props = date_props("start", start)
    props["start_latest"] = None if start is None else start.latest
    fuzzy_end = end if isinstance(end, FuzzyDate) else None
    if fuzzy_end is None:
        props.update(end=None, end_precision=None, end_earliest=None)
    else:
        day, precision = fuzzy_end.stored(as_end=True)
        props.update(end=day, end_precision=precision, end_earliest=fuzzy_end.earliest)
    props["end_open"] = True if end == OPEN else None
    return props


def duration_props(duration: DurationRange | None) -> dict[str, Any]:
    """``durationYears`` (exact durations only), ``duration_min``, ``duration_max``."""
    if duration is None:
        return {"durationYears": None, "duration_min": None, "duration_max": None}
    exact = duration.min_years if duration.min_years == duration.max_years else None
    return {
        "durationYears": exact,
        "duration_min": duration.min_years,
        "duration_max": duration.max_years,
    }


def stored_date_text(props: Mapping[str, Any], name: str) -> str | None:
    """The dataset-format text (``2017``, ``2018-01``, ``2018-01-19``) of the date ``name``
    stored in ``props`` (a node's or relationship's properties), or ``None``; an open
    end reads ``open``."""
    value = props.get(name)
    if value is None:
        return OPEN if name == "end" and props.get("end_open") else None
    day = value.to_native() if hasattr(value, "to_native") else value
    return FuzzyDate.from_stored(day, props.get(f"{name}_precision")).text


def stored_duration(props: Mapping[str, Any]) -> int | dict[str, int] | None:
    """The dataset-format ``duration_years`` stored in ``props``, or ``None``."""
    low, high = props.get("duration_min"), props.get("duration_max")
    if low is None or high is None:
        exact = props.get("durationYears")
        return int(exact) if exact is not None else None
    return int(low) if low == high else {"min": int(low), "max": int(high)}


#: The graph properties that hold a date at a precision (see :func:`stored_value`).
DATE_PROPERTIES = frozenset({"start", "end", "signedOn", "statusAsOf", "asOf"})


def stored_value(props: Mapping[str, Any], name: str) -> Any:
    """The property ``name`` of ``props`` as the dataset format writes it: a date at day
    precision as a :class:`datetime.date` (as before), a year or month as its text
    (``2017``), an open end as ``open``, a duration range as ``{min, max}``; any other
    property as Python has it.

    The curation changes and the curated-facts export read stored facts back with it, so
    that changing a contract's title does not turn its ``2017`` into ``2017-01-01``.
    """
    if name == "durationYears":
        return stored_duration(props)
    value: Any = props.get(name)
    native = value.to_native() if hasattr(value, "to_native") else value
    if name not in DATE_PROPERTIES:
        return native
    if native is None or props.get(f"{name}_precision") is not None:
        return stored_date_text(props, name)
    return native
