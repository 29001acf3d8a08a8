"""The three-valued activity of a period at every precision boundary, and the fuzzy dates,
periods and duration ranges it rests on (domain/dates.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from domain.dates import DurationRange, FuzzyDate, Period, activity_on
from domain.errors import DateValueError
from domain.vocabulary import Activity, DatePrecision

ACTIVE, INACTIVE, UNKNOWN = Activity.ACTIVE, Activity.INACTIVE, Activity.UNKNOWN


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def period(start: object = None, end: object = None, *, end_open: bool = False) -> Period:
    return Period(
        None if start is None else FuzzyDate.parse(start),
        None if end is None else FuzzyDate.parse(end),
        end_open,
    )


# -- fuzzy dates ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "precision", "earliest", "latest", "text"),
    [
        (2017, DatePrecision.YEAR, "2017-01-01", "2017-12-31", "2017"),
        ("2017", DatePrecision.YEAR, "2017-01-01", "2017-12-31", "2017"),
        ("2018-01", DatePrecision.MONTH, "2018-01-01", "2018-01-31", "2018-01"),
        ("2020-02", DatePrecision.MONTH, "2020-02-01", "2020-02-29", "2020-02"),
        ("2018-01-19", DatePrecision.DAY, "2018-01-19", "2018-01-19", "2018-01-19"),
        (dt.date(2018, 1, 19), DatePrecision.DAY, "2018-01-19", "2018-01-19", "2018-01-19"),
    ],
)
def test_a_fuzzy_date_keeps_its_precision_and_bounds(
    value: object, precision: DatePrecision, earliest: str, latest: str, text: str
) -> None:
    date = FuzzyDate.parse(value)
    assert date.precision is precision
    assert (date.earliest, date.latest) == (day(earliest), day(latest))
    assert date.text == text


@pytest.mark.parametrize(
    "value", ["2018-13", "2018-02-30", "17", "2017/2020", "janvier 2018", 17, True, 2.5, None]
)
def test_an_unreadable_date_says_what_to_write(value: object) -> None:
    with pytest.raises(DateValueError, match=r"write a year \(2017\), a month \(2018-01\)"):
        FuzzyDate.parse(value)


def test_a_datetime_is_refused_rather_than_losing_its_time() -> None:
    with pytest.raises(DateValueError, match="time of day"):
        FuzzyDate.parse(dt.datetime(2018, 1, 19, 10, 0))


@pytest.mark.parametrize("value", [2017, "2018-01", "2018-01-19"])
def test_storage_round_trips_at_every_precision(value: object) -> None:
    date = FuzzyDate.parse(value)
    for as_end in (False, True):
        stored, precision = date.stored(as_end=as_end)
        assert FuzzyDate.from_stored(stored, precision) == date


def test_storage_keeps_day_precision_as_it_always_was() -> None:
    assert FuzzyDate.parse("2017-01-01").stored() == (day("2017-01-01"), None)
    assert FuzzyDate.parse(2017).stored(as_end=True) == (day("2017-12-31"), "year")
    assert FuzzyDate.parse("2018-02").stored(as_end=True) == (day("2018-02-28"), "month")


# -- activity at every boundary ---------------------------------------------------------


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        ("2016-12-31", INACTIVE),  # before the earliest day of 2017
        ("2017-01-01", UNKNOWN),  # it may start later in 2017
        ("2017-06-01", UNKNOWN),
        ("2017-12-30", UNKNOWN),
        ("2017-12-31", ACTIVE),  # whichever day of 2017 it started, it has started
        ("2018-01-01", ACTIVE),
        ("2020-12-31", ACTIVE),
        ("2021-01-01", INACTIVE),
    ],
)
def test_a_start_known_to_the_year(on: str, expected: Activity) -> None:
    assert activity_on(period(2017, "2020-12-31"), day(on)) is expected


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        ("2017-12-31", INACTIVE),
        ("2018-01-01", UNKNOWN),
        ("2018-01-30", UNKNOWN),
        ("2018-01-31", ACTIVE),
        ("2018-02-01", ACTIVE),
    ],
)
def test_a_start_known_to_the_month(on: str, expected: Activity) -> None:
    assert activity_on(period("2018-01", "2021-12-31"), day(on)) is expected


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        ("2019-12-31", ACTIVE),
        ("2020-01-01", ACTIVE),  # it ends in 2020, on this day at the earliest
        ("2020-01-02", UNKNOWN),
        ("2020-12-31", UNKNOWN),
        ("2021-01-01", INACTIVE),
    ],
)
def test_an_end_known_to_the_year(on: str, expected: Activity) -> None:
    assert activity_on(period("2017-01-01", 2020), day(on)) is expected


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        ("2020-05-31", ACTIVE),
        ("2020-06-01", ACTIVE),
        ("2020-06-02", UNKNOWN),
        ("2020-06-30", UNKNOWN),
        ("2020-07-01", INACTIVE),
    ],
)
def test_an_end_known_to_the_month(on: str, expected: Activity) -> None:
    assert activity_on(period("2017-01-01", "2020-06"), day(on)) is expected


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        ("2016-12-31", INACTIVE),
        ("2017-06-01", UNKNOWN),
        ("2018-01-01", ACTIVE),
        ("2020-01-01", ACTIVE),
        ("2020-06-01", UNKNOWN),
        ("2021-01-01", INACTIVE),
    ],
)
def test_both_bounds_known_to_the_year(on: str, expected: Activity) -> None:
    assert activity_on(period(2017, 2020), day(on)) is expected


@pytest.mark.parametrize(
    ("on", "expected"),
    [("2016-12-31", INACTIVE), ("2017-01-01", ACTIVE), ("2020-12-31", ACTIVE)],
)
def test_day_precision_is_exactly_start_to_end_inclusive(on: str, expected: Activity) -> None:
    assert activity_on(period("2017-01-01", "2020-12-31"), day(on)) is expected
    assert activity_on(period("2017-01-01", "2017-01-01"), day("2017-01-01")) is ACTIVE


def test_an_open_end_stays_active() -> None:
    ongoing = period(2021, end_open=True)
    assert activity_on(ongoing, day("2020-12-31")) is INACTIVE
    assert activity_on(ongoing, day("2021-06-01")) is UNKNOWN
    assert activity_on(ongoing, day("2040-01-01")) is ACTIVE


def test_an_unknown_end_is_unknown_after_the_start_not_inactive() -> None:
    no_end = period("2021-01-01")
    assert activity_on(no_end, day("2020-12-31")) is INACTIVE
    assert activity_on(no_end, day("2021-01-01")) is UNKNOWN
    assert activity_on(no_end, day("2040-01-01")) is UNKNOWN


def test_an_unknown_start_with_a_known_end() -> None:
    # the 13 CEJ of the Saône-et-Loire dataset: no start, ended 2020-12-31
    cej = period(None, "2020-12-31")
    assert activity_on(cej, day("2019-06-01")) is UNKNOWN
    assert activity_on(cej, day("2020-12-31")) is UNKNOWN
    assert activity_on(cej, day("2021-01-01")) is INACTIVE


def test_no_dates_at_all_is_unknown_every_day() -> None:
    assert activity_on(Period(), day("2019-06-01")) is UNKNOWN
    assert activity_on(Period(end_open=True), day("2019-06-01")) is UNKNOWN


def test_a_period_read_back_from_storage_answers_the_same() -> None:
    original = period(2017, "2020-06")
    start, start_precision = FuzzyDate.parse(2017).stored()
    end, end_precision = FuzzyDate.parse("2020-06").stored(as_end=True)
    stored = Period.from_stored(start, start_precision, end, end_precision)
    assert stored == original
    assert Period.from_stored(None, None, None, None, True) == Period(end_open=True)


# -- impossible periods and durations ---------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end"),
    [(2018, 2017), ("2018-03", "2018-02"), ("2018-03-02", "2018-03-01"), ("2018-03", 2017)],
)
def test_an_end_before_its_start_is_refused(start: object, end: object) -> None:
    with pytest.raises(DateValueError, match="is before the start"):
        period(start, end)


@pytest.mark.parametrize(("start", "end"), [(2018, 2018), ("2018-03", 2018), (2018, "2018-01")])
def test_bounds_that_may_be_in_order_are_accepted(start: object, end: object) -> None:
    period(start, end)


def test_an_open_period_with_an_end_is_refused() -> None:
    with pytest.raises(DateValueError, match="end: open"):
        period(2017, 2020, end_open=True)


def test_duration_ranges() -> None:
    assert DurationRange.parse(4) == DurationRange(4, 4)
    assert DurationRange.parse({"min": 4, "max": 5}) == DurationRange(4, 5)
    for bad in ("4-5", {"min": 4}, [4, 5], 4.5, True):
        with pytest.raises(DateValueError, match=r"\{min: 4, max: 5\}"):
            DurationRange.parse(bad)
    with pytest.raises(DateValueError, match=r"write \{min: 4, max: 5\}"):
        DurationRange.parse({"min": 5, "max": 4})


@pytest.mark.parametrize(
    ("start", "end", "duration", "holds"),
    [
        ("2017-01-01", "2020-12-31", (4, 4), True),
        ("2017-01-01", "2020-12-30", (4, 4), False),  # one day short of four years
        ("2017-01-01", "2021-01-01", (4, 4), False),  # one day more than four years
        (2017, 2020, (4, 4), True),
        (2017, 2020, (3, 3), True),  # mid-2017 to mid-2020 is possible
        (2017, 2020, (5, 5), False),
        (2017, 2019, (4, 5), False),
        ("2021-01-01", "2025-12-31", (4, 5), True),
        (None, "2020-12-31", (4, 4), True),
        ("2021-01-01", None, (4, 5), True),
    ],
)
def test_a_period_can_last_its_duration(
    start: object, end: object, duration: tuple[int, int], holds: bool
) -> None:
    assert period(start, end).can_last(DurationRange(*duration)) is holds
