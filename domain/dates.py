"""Dates as they are known: to the day, the month or the year, or not at all.

A source says « 2017-2020 », « depuis janvier 2018 » or « le 19 janvier 2018 »; this
module keeps each at the precision it was given, so that nothing is forced into an
invented day, and answers the one question every layer asks of a period: is it active on
a given day? The answer has three values (:class:`domain.vocabulary.Activity`): ACTIVE,
INACTIVE, or UNKNOWN when what is known of the dates cannot decide.

:class:`FuzzyDate`
    a date known to the day, the month or the year (``2018-01-19``, ``2018-01``,
    ``2017``), with the earliest and the latest day it can denote.
:class:`Period`
    a start and an end, each a fuzzy date or unknown (``None``), and ``end_open`` when
    the period has no end yet (ongoing).
:func:`activity_on`
    the rule, written once (graph/ writes the same rule once in Cypher):

    * ACTIVE when the latest possible start is on or before the day, and the period is
      open or its earliest possible end is on or after the day;
    * INACTIVE when the day is before the earliest possible start or after the latest
      possible end;
    * UNKNOWN otherwise: no start at all, no end (and not open) after the start, or the
      day falls inside the uncertainty of a bound.

    A period that starts in "2017" is UNKNOWN on 2017-01-01 and on 2017-06-01 (it may
    have started later that year), ACTIVE on 2017-12-31 (whichever day of 2017 it
    started, it has started: bounds are inclusive) and after, if its end allows.
:class:`DurationRange`
    a planned duration in whole years, exact (``4``) or a range (« 4 ou 5 ans »,
    ``{min: 4, max: 5}``), and :meth:`Period.can_last` which checks a period can hold it.

Storage (the graph's convention): a date field ``X`` is stored as its widest reading —
the latest day for a period's end, the earliest day for everything else — with
``X_precision`` (absent at day precision) beside it; :meth:`FuzzyDate.stored` and
:meth:`FuzzyDate.from_stored` convert both ways.

>>> period = Period(FuzzyDate.parse(2017), FuzzyDate.parse("2020"))
>>> activity_on(period, dt.date(2017, 6, 1))
<Activity.UNKNOWN: 'unknown'>
>>> activity_on(period, dt.date(2019, 6, 1))
<Activity.ACTIVE: 'active'>
>>> activity_on(period, dt.date(2021, 1, 1))
<Activity.INACTIVE: 'inactive'>
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import cast

from domain.errors import DateValueError
from domain.vocabulary import Activity, DatePrecision

__all__ = [
    "DurationRange",
    "FuzzyDate",
    "Period",
    "activity_on",
]

_FORMS = re.compile(r"^(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2}))?)?$")
#: What to write instead, in every message about an unreadable date.
_WRITE_INSTEAD = "write a year (2017), a month (2018-01) or a day (2018-01-19)"
_ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True, slots=True)
class FuzzyDate:
    """A date known to the day, the month or the year.

    Build one with :meth:`parse` (from what a dataset or a request gives) or
    :meth:`from_stored` (from what the graph stores); ``month`` is ``None`` at year
    precision, ``day`` is ``None`` at year and month precision.

    Examples
    --------
    >>> FuzzyDate.parse("2018-01").precision
    <DatePrecision.MONTH: 'month'>
    >>> FuzzyDate.parse("2018-02").latest
    datetime.date(2018, 2, 28)
    >>> FuzzyDate.parse(dt.date(2018, 1, 19)).text
    '2018-01-19'
    """

    year: int
    month: int | None = None
    day: int | None = None
    #: The first day this date can denote (2017 → 2017-01-01).
    earliest: dt.date = field(init=False, repr=False, compare=False)
    #: The last day this date can denote (2017 → 2017-12-31, 2018-02 → 2018-02-28).
    latest: dt.date = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.day is not None and self.month is None:
            raise DateValueError(f"a day without a month ({self.year}-??-{self.day:02d})")
        try:
            earliest = dt.date(self.year, self.month or 1, self.day or 1)
            month = self.month or 12
            last_day = self.day or calendar.monthrange(self.year, month)[1]
            latest = dt.date(self.year, month, last_day)
        except ValueError:
            raise DateValueError(
                f"{self.text!r} is not a date of the calendar; {_WRITE_INSTEAD}"
            ) from None
        # computed once: activity_on reads them for every contract and every day asked
        object.__setattr__(self, "earliest", earliest)
        object.__setattr__(self, "latest", latest)

    @classmethod
    def parse(cls, value: object) -> FuzzyDate:
        """Read a fuzzy date from a dataset value or an API argument.

        Parameters
        ----------
        value
            A year (``2017``, as a YAML integer or a string), a month (``"2018-01"``),
            a day (``"2018-01-19"`` or a ``datetime.date``), or a :class:`FuzzyDate`.

        Returns
        -------
        FuzzyDate

        Raises
        ------
        DateValueError
            When the value is none of these forms or not a day of the calendar.

        Examples
        --------
        >>> FuzzyDate.parse(2017)
        FuzzyDate(year=2017, month=None, day=None)
        >>> FuzzyDate.parse("2018-01-19").precision
        <DatePrecision.DAY: 'day'>
        >>> FuzzyDate.parse("2018-13")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        domain.errors.DateValueError: '2018-13' is not a date of the calendar; write a year ...
        """
        if isinstance(value, FuzzyDate):
            return value
        # a datetime is also a date: its time of day would be silently dropped
        if isinstance(value, dt.datetime):
            raise DateValueError(f"{value.isoformat()!r} has a time of day; {_WRITE_INSTEAD}")
        if isinstance(value, dt.date):
            return cls(value.year, value.month, value.day)
        if isinstance(value, int) and not isinstance(value, bool):
            if 1000 <= value <= 9999:
                return cls(value)
            raise DateValueError(f"{value} is not a four-digit year; {_WRITE_INSTEAD}")
        if isinstance(value, str):
            found = _FORMS.match(value.strip())
            if found:
                month, day = found.group("month"), found.group("day")
                return cls(
                    int(found.group("year")),
                    int(month) if month else None,
                    int(day) if day else None,
                )
            raise DateValueError(f"{value!r} is not a date; {_WRITE_INSTEAD}")
        raise DateValueError(f"{value!r} is not a date; {_WRITE_INSTEAD}")

    @classmethod
    def from_stored(cls, value: dt.date, precision: str | None) -> FuzzyDate:
        """Rebuild the fuzzy date the graph stores as ``value`` and ``precision``.

        ``value`` is the stored (widest) day — the latest of a period's end, the earliest
        of anything else — and either lies in the year or month the fuzzy date names, so
        only its year and month are read, whichever bound it is.

        Examples
        --------
        >>> FuzzyDate.from_stored(dt.date(2020, 12, 31), "year").text
        '2020'
        >>> FuzzyDate.from_stored(dt.date(2018, 1, 19), None).text
        '2018-01-19'
        """
        return _stored(value.year, value.month, value.day, precision)

    @property
    def precision(self) -> DatePrecision:
        """Day, month or year."""
        if self.day is not None:
            return DatePrecision.DAY
        return DatePrecision.YEAR if self.month is None else DatePrecision.MONTH

    @property
    def text(self) -> str:
        """The date as written in ISO 8601 at its precision: ``2017``, ``2018-01``,
        ``2018-01-19``."""
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    def stored(self, *, as_end: bool = False) -> tuple[dt.date, str | None]:
        """The ``(X, X_precision)`` pair the graph stores: the latest day for a period's
        end (``as_end=True``), the earliest otherwise; the precision is ``None`` at day
        precision so that day-precise data reads as it always did.

        Examples
        --------
        >>> FuzzyDate.parse(2017).stored()
        (datetime.date(2017, 1, 1), 'year')
        >>> FuzzyDate.parse(2017).stored(as_end=True)
        (datetime.date(2017, 12, 31), 'year')
        >>> FuzzyDate.parse("2018-01-19").stored(as_end=True)
        (datetime.date(2018, 1, 19), None)
        """
        precision = self.precision
        day = self.latest if as_end else self.earliest
        return day, None if precision is DatePrecision.DAY else precision.value

    def __str__(self) -> str:
        return self.text


@functools.lru_cache(maxsize=8192)
def _stored(year: int, month: int, day: int, precision: str | None) -> FuzzyDate:
    """The :class:`FuzzyDate` of a stored day and precision, built once per distinct pair:
    a projection of France rebuilds some 25 000 dates that share far fewer values, and a
    fuzzy date is immutable."""
    if precision is None or precision == DatePrecision.DAY:
        return FuzzyDate(year, month, day)
    if precision == DatePrecision.MONTH:
        return FuzzyDate(year, month)
    if precision == DatePrecision.YEAR:
        return FuzzyDate(year)
    raise DateValueError(f"unknown date precision {precision!r}; use day, month or year")


@dataclass(frozen=True, slots=True)
class DurationRange:
    """A planned duration in whole years: exact (``min_years == max_years``) or a range
    (« 4 ou 5 ans » → 4 to 5).

    Examples
    --------
    >>> DurationRange.parse(4)
    DurationRange(min_years=4, max_years=4)
    >>> DurationRange.parse({"min": 4, "max": 5}).text
    '4-5'
    >>> DurationRange(5, 4)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    domain.errors.DateValueError: a duration range from 5 to 4 years ...; write {min: 4, max: 5}
    """

    min_years: int
    max_years: int

    def __post_init__(self) -> None:
        if self.min_years < 0:
            raise DateValueError(f"a duration of {self.min_years} years is negative")
        if self.max_years < self.min_years:
            raise DateValueError(
                f"a duration range from {self.min_years} to {self.max_years} years ends "
                f"below its minimum; write {{min: {self.max_years}, max: {self.min_years}}}"
            )

    @classmethod
    def parse(cls, value: object) -> DurationRange:
        """Read a duration from an integer number of years or a ``{min, max}`` mapping.

        Raises
        ------
        DateValueError
            When the value is neither, or the range is upside down.
        """
        if isinstance(value, DurationRange):
            return value
        if _is_int(value):
            return cls(cast("int", value), cast("int", value))
        if isinstance(value, Mapping):
            bounds = cast("Mapping[object, object]", value)
            low, high = bounds.get("min"), bounds.get("max")
            if len(bounds) == 2 and _is_int(low) and _is_int(high):
                return cls(cast("int", low), cast("int", high))
        raise DateValueError(
            f"{value!r} is not a duration; write a number of years (4) or a range "
            "({min: 4, max: 5})"
        )

    @property
    def text(self) -> str:
        """``4`` or ``4-5``."""
        if self.min_years == self.max_years:
            return str(self.min_years)
        return f"{self.min_years}-{self.max_years}"


def _is_int(value: object) -> bool:
    # YAML's true/false are ints to Python; a duration of `true` years is a mistake
    return isinstance(value, int) and not isinstance(value, bool)


def _add_years(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` later; 29 February becomes 1 March in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return dt.date(day.year + years, 3, 1)


@dataclass(frozen=True, slots=True)
class Period:
    """A start and an end, each a fuzzy date or unknown (``None``); ``end_open`` says the
    period has no end yet (ongoing), which differs from an unknown end.

    Raises
    ------
    DateValueError
        When the end is certainly before the start (``2018`` to ``2017``, or
        ``2018-03`` to ``2018-02``), or an open period also has an end.

    Examples
    --------
    >>> Period(FuzzyDate.parse(2017), FuzzyDate.parse("2020")).end_earliest
    datetime.date(2020, 1, 1)
    >>> Period(FuzzyDate.parse(2018), FuzzyDate.parse(2017))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    domain.errors.DateValueError: the end 2017 is before the start 2018; write an end on or ...
    """

    start: FuzzyDate | None = None
    end: FuzzyDate | None = None
    end_open: bool = False
    #: The earliest day the period can have started (stored as ``start``).
    start_earliest: dt.date | None = field(init=False, repr=False, compare=False)
    #: The latest day the period can have started (stored as ``start_latest``).
    start_latest: dt.date | None = field(init=False, repr=False, compare=False)
    #: The earliest day the period can end (stored as ``end_earliest``).
    end_earliest: dt.date | None = field(init=False, repr=False, compare=False)
    #: The latest day the period can end (stored as ``end``).
    end_latest: dt.date | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        start, end = self.start, self.end
        object.__setattr__(self, "start_earliest", None if start is None else start.earliest)
        object.__setattr__(self, "start_latest", None if start is None else start.latest)
        object.__setattr__(self, "end_earliest", None if end is None else end.earliest)
        object.__setattr__(self, "end_latest", None if end is None else end.latest)
        if self.end_open and self.end is not None:
            raise DateValueError(
                f"the period has an end ({self.end}) and is said open (ongoing); "
                "remove the end or write `end: open` alone"
            )
        if self.start and self.end and self.end.latest < self.start.earliest:
            raise DateValueError(
                f"the end {self.end} is before the start {self.start}; write an end on "
                "or after the start, or swap them"
            )

    @classmethod
    def from_stored(
        cls,
        start: dt.date | None,
        start_precision: str | None,
        end: dt.date | None,
        end_precision: str | None,
        end_open: bool | None = False,
    ) -> Period:
        """Rebuild the period the graph stores (``start``, ``start_precision``, ``end``,
        ``end_precision``, ``end_open``)."""
        return cls(
            None if start is None else FuzzyDate.from_stored(start, start_precision),
            None if end is None else FuzzyDate.from_stored(end, end_precision),
            bool(end_open) and end is None,
        )

    def can_last(self, duration: DurationRange) -> bool:
        """Whether the period can last ``duration``: its longest reading lasts at least
        the minimum, and its shortest reading at most the maximum. An unknown bound
        can stretch (or shrink) to anything; an open end cannot shrink the period.

        A period lasts N years when its last day is the day before the same day N years
        after its first (2017-01-01 to 2020-12-31 lasts 4 years).

        Examples
        --------
        >>> four = DurationRange(4, 4)
        >>> Period(FuzzyDate.parse(2017), FuzzyDate.parse(2020)).can_last(four)
        True
        >>> Period(FuzzyDate.parse(2017), FuzzyDate.parse(2019)).can_last(four)
        False
        >>> Period(FuzzyDate.parse("2017-01-01"), FuzzyDate.parse(2022)).can_last(four)
        False
        >>> Period(None, FuzzyDate.parse(2020)).can_last(four)
        True
        """
        if self.start is None or self.end is None:
            return True
        longest_ends_after = self.end.latest + _ONE_DAY
        if longest_ends_after < _add_years(self.start.earliest, duration.min_years):
            return False
        shortest_ends_after = self.end.earliest + _ONE_DAY
        return shortest_ends_after <= _add_years(self.start.latest, duration.max_years)


def activity_on(period: Period, day: dt.date) -> Activity:
    """Whether ``period`` is active on ``day``: ACTIVE, INACTIVE or UNKNOWN.

    Parameters
    ----------
    period
        The period, its bounds at any precision or unknown.
    day
        The day asked about.

    Returns
    -------
    Activity
        ACTIVE when the latest possible start is on or before ``day`` and the period is
        open or its earliest possible end is on or after ``day``; INACTIVE when ``day``
        is before the earliest possible start or after the latest possible end; UNKNOWN
        otherwise (no start, an unknown end after the start, or ``day`` inside a bound's
        uncertainty). Both bounds are inclusive.

    Examples
    --------
    >>> in_2017 = Period(FuzzyDate.parse(2017), FuzzyDate.parse("2020-12-31"))
    >>> [activity_on(in_2017, dt.date(*d)).value for d in [(2016, 12, 31), (2017, 1, 1),
    ...     (2017, 12, 31), (2018, 1, 1), (2020, 12, 31), (2021, 1, 1)]]
    ['inactive', 'unknown', 'active', 'active', 'active', 'inactive']
    >>> activity_on(Period(None, FuzzyDate.parse("2020-12-31")), dt.date(2019, 6, 1)).value
    'unknown'
    >>> activity_on(Period(FuzzyDate.parse(2021), end_open=True), dt.date(2030, 1, 1)).value
    'active'
    """
    start_earliest, start_latest = period.start_earliest, period.start_latest
    end_earliest, end_latest = period.end_earliest, period.end_latest
    if start_earliest is not None and day < start_earliest:
        return Activity.INACTIVE
    if end_latest is not None and day > end_latest:
        return Activity.INACTIVE
    if start_latest is None or day < start_latest:
        return Activity.UNKNOWN
    if period.end_open or (end_earliest is not None and day <= end_earliest):
        return Activity.ACTIVE
    return Activity.UNKNOWN
