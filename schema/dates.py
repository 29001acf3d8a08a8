"""GraphQL types of dates as they are known: a date with its precision (day, month,
year), a period with an open or unknown end and its three-valued activity on a day, and a
planned duration that may be a range. They read the properties of
:mod:`loaders.date_properties`'s storage convention and answer with :mod:`domain.dates`.
"""

from __future__ import annotations

import datetime
from typing import Annotated

import strawberry

from domain.dates import FuzzyDate, Period, activity_on
from domain.vocabulary import Activity as Activity
from domain.vocabulary import DatePrecision as DatePrecision
from graph.reader import Row
from schema.common import as_date

strawberry.enum(
    Activity,
    name="Activity",
    description="Whether a period is active on a day: ACTIVE (certainly), INACTIVE "
    "(certainly not) or UNKNOWN (what is known of its dates cannot tell: no start, an "
    "unknown end, or the day falls inside the year or month a bound is known to).",
)
strawberry.enum(DatePrecision, name="DatePrecision", description="How precisely a date is known.")

#: Which answers of ``activeOn`` a contract list keeps (default: ACTIVE only).
ActivityArgument = Annotated[
    list[Activity] | None,
    strawberry.argument(
        description="With `activeOn`: keep contracts whose activity on that day is one of "
        "these (default [ACTIVE], certainly active). [ACTIVE, UNKNOWN] asks for the "
        "possibly active, [UNKNOWN] for those the dates cannot decide, [INACTIVE] for the "
        "certainly inactive."
    ),
]


@strawberry.type(
    name="FuzzyDate",
    description="A date known to the day, the month or the year, as the source gives it "
    "(« 2017 », « janvier 2018 », « le 19 janvier 2018 »).",
)
class FuzzyDateType:
    text: str = strawberry.field(
        description="ISO 8601 at its precision: `2017`, `2018-01` or `2018-01-19`."
    )
    precision: DatePrecision = strawberry.field(description="Day, month or year.")
    earliest: datetime.date = strawberry.field(
        description="The first day it can denote (`2017` → 2017-01-01)."
    )
    latest: datetime.date = strawberry.field(
        description="The last day it can denote (`2017` → 2017-12-31)."
    )

    @classmethod
    def of(cls, date: FuzzyDate | None) -> FuzzyDateType | None:
        if date is None:
            return None
        return cls(
            text=date.text, precision=date.precision, earliest=date.earliest, latest=date.latest
        )


def stored_date(props: Row, name: str) -> FuzzyDate | None:
    """The fuzzy date ``name`` stored in a node's or relationship's properties."""
    day = as_date(props.get(name))
    if day is None:
        return None
    return FuzzyDate.from_stored(day, props.get(f"{name}_precision"))


def fuzzy_date(props: Row, name: str) -> FuzzyDateType | None:
    """The GraphQL form of the date ``name`` stored in ``props`` (``None`` if unknown)."""
    return FuzzyDateType.of(stored_date(props, name))


def stored_period(props: Row) -> Period:
    """The period stored in a node's properties (``start``, ``end``, their precisions,
    ``end_open``)."""
    return Period(stored_date(props, "start"), stored_date(props, "end"), _open(props))


def _open(props: Row) -> bool:
    return bool(props.get("end_open")) and props.get("end") is None


@strawberry.type(
    name="Period",
    description="When something applies: a start and an end, each known to the day, the "
    "month or the year, or unknown; an end may also be open (not ended yet).",
)
class PeriodType:
    start: FuzzyDateType | None = strawberry.field(
        description="First day, at its precision; null when unknown."
    )
    end: FuzzyDateType | None = strawberry.field(
        description="Last day (inclusive), at its precision; null when unknown or open."
    )
    end_open: bool = strawberry.field(
        description="True when the period has not ended (ongoing); a null `end` that is not "
        "open is an unknown end."
    )
    period: strawberry.Private[Period]

    @classmethod
    def of(cls, period: Period) -> PeriodType:
        return cls(
            start=FuzzyDateType.of(period.start),
            end=FuzzyDateType.of(period.end),
            end_open=period.end_open,
            period=period,
        )

    @strawberry.field(
        description="Whether it applies on this day: ACTIVE when it has certainly started "
        "(its latest possible start is on or before the day) and certainly not ended (open, "
        "or its earliest possible end is on or after the day); INACTIVE when the day is "
        "before its earliest possible start or after its latest possible end; UNKNOWN "
        "otherwise. A period starting in 2017 is UNKNOWN on 2017-06-01, ACTIVE on "
        "2018-01-01 (if its end allows)."
    )
    def activity_on(self, on: datetime.date) -> Activity:
        return activity_on(self.period, on)


@strawberry.type(
    name="DurationRange",
    description="A planned duration in whole years: exact (min = max) or a range "
    "(« 4 ou 5 ans » → 4 to 5).",
)
class DurationRangeType:
    min_years: int = strawberry.field(description="Fewest years.")
    max_years: int = strawberry.field(description="Most years.")

    @classmethod
    def from_props(cls, props: Row) -> DurationRangeType | None:
        low, high = props.get("duration_min"), props.get("duration_max")
        if low is None or high is None:
            # stored before duration ranges: the exact duration alone
            exact = props.get("durationYears")
            if exact is None:
                return None
            low = high = exact
        return cls(min_years=int(low), max_years=int(high))
