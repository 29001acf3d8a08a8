"""French dates as articles write them: « le 18 décembre 2017 », « 1er juin », « ce
vendredi 19 janvier », « (2017-2020) », and the year a weekday-only date must have.

Press articles often date an event by its weekday and day alone (« ce vendredi
19 janvier »): the year is then the one, near the publication date (or, when the page
has none, near the years the article itself names), on which that day falls on that
weekday. The precision of a date is kept: a year alone stays a year.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from itertools import pairwise

MONTHS = {
    "janvier": 1,
    "février": 2,
    "fevrier": 2,
    "mars": 3,
    "avril": 4,
    "mai": 5,
    "juin": 6,
    "juillet": 7,
    "août": 8,
    "aout": 8,
    "septembre": 9,
    "octobre": 10,
    "novembre": 11,
    "décembre": 12,
    "decembre": 12,
}
WEEKDAYS = {
    "lundi": 0,
    "mardi": 1,
    "mercredi": 2,
    "jeudi": 3,
    "vendredi": 4,
    "samedi": 5,
    "dimanche": 6,
}

_MONTH = "|".join(MONTHS)
_WEEKDAY = "|".join(WEEKDAYS)
#: « vendredi 19 janvier 2018 », « 1er juin », « 18 décembre 2017 »; « le »/« ce » stay outside.
DAY_DATE = re.compile(
    rf"\b(?:(?P<weekday>{_WEEKDAY})\s+)?(?P<day>1er|[0-3]?\d)\s+(?P<month>{_MONTH})"
    rf"(?:\s+(?P<year>(?:19|20)\d\d))?\b",
    re.IGNORECASE,
)
#: « décembre 2017 » (no day): a date to the month.
MONTH_DATE = re.compile(rf"\b(?P<month>{_MONTH})\s+(?P<year>(?:19|20)\d\d)\b", re.IGNORECASE)
#: « (2017-2020) », « 2017-2020 », « de 2017 à 2020 », « 2021 – 2024 », « la période
#: 2019/2023 » (a slash only after « période »: « depuis 2003/2004 » is no period).
PERIOD = re.compile(
    r"\b(?:de\s+)?(?P<start>(?:19|20)\d\d)\s*(?:[-–—]|\s+à\s+)\s*(?P<end>(?:19|20)\d\d)\b"
    r"|\bpériode\s+(?:de\s+)?(?P<slash_start>(?:19|20)\d\d)\s*/\s*(?P<slash_end>(?:19|20)\d\d)\b",
    re.IGNORECASE,
)
#: « Publié le 28/12/2019 »: the page's own publication date, when the reader found none.
PUBLISHED = re.compile(
    r"\bpubli(?:é|e)e?\s+le\s+(?P<day>[0-3]?\d)[/.](?P<month>[01]?\d)[/.](?P<year>(?:19|20)\d\d)\b",
    re.IGNORECASE,
)
YEAR = re.compile(r"\b(?:19|20)\d\d\b")


@dataclass(frozen=True)
class FrenchDate:
    """A date found in a text, with the precision the text gives it."""

    start: int
    end: int
    value: str  # ISO: '2018-01-19', '2017-12' or '2017'
    #: Why the value says more than the words (a year inferred), else None.
    inferred: str | None = None


def find_dates(text: str, published: date | None = None) -> list[FrenchDate]:
    """Every date to the day or to the month in ``text``, in order.

    A date without a year takes the one inferred by `infer_year` (and says so); one whose
    year cannot be inferred is left out.

    >>> [d.value for d in find_dates("adopté le 18 décembre 2017, signé le 1er juin 2018")]
    ['2017-12-18', '2018-06-01']
    >>> d = find_dates("signée ce vendredi 19 janvier.", date(2018, 1, 25))[0]
    >>> d.value, d.inferred
    ('2018-01-19', 'year inferred from the publication date (2018-01-25) and the weekday')
    """
    published = published or published_in(text)
    found: list[FrenchDate] = []
    taken: list[tuple[int, int]] = []
    for match in DAY_DATE.finditer(text):
        day = 1 if match["day"].lower() == "1er" else int(match["day"])
        month = MONTHS[match["month"].lower()]
        inferred = None
        if match["year"]:
            year: int | None = int(match["year"])
        else:
            weekday = WEEKDAYS[match["weekday"].lower()] if match["weekday"] else None
            year, inferred = infer_year(text, day, month, weekday, published)
        if year is None or not _valid(year, month, day):
            continue
        found.append(
            FrenchDate(match.start(), match.end(), f"{year:04d}-{month:02d}-{day:02d}", inferred)
        )
        taken.append((match.start(), match.end()))
    for match in MONTH_DATE.finditer(text):
        if any(s <= match.start() < e for s, e in taken):
            continue
        month = MONTHS[match["month"].lower()]
        found.append(FrenchDate(match.start(), match.end(), f"{match['year']}-{month:02d}"))
    return sorted(found, key=lambda d: d.start)


def infer_year(
    text: str, day: int, month: int, weekday: int | None, published: date | None
) -> tuple[int | None, str | None]:
    """The year of « [weekday] day month » and the reason given for it, or ``(None, None)``.

    With a publication date, the year is the publication's, or the one before or after,
    whichever puts the day nearest the publication (and on its weekday when one is
    written). Without one, it is a year on which the day falls on that weekday, among the
    years the article names and the one after each, the nearest to the middle of them;
    a date without weekday and without publication date keeps no year.

    >>> infer_year("adopté en 2017 ; 2017-2020", 19, 1, 4, None)
    (2018, 'year inferred from the weekday and the years the article names (2017, 2020)')
    """
    if published is not None:
        options = [
            y
            for y in (published.year - 1, published.year, published.year + 1)
            if _valid(y, month, day)
            and (weekday is None or date(y, month, day).weekday() == weekday)
        ]
        if not options:
            return None, None
        best = min(options, key=lambda y: abs((date(y, month, day) - published).days))
        reason = f"year inferred from the publication date ({published.isoformat()})"
        return best, reason + (" and the weekday" if weekday is not None else "")
    if weekday is None:
        return None, None
    years = sorted({int(y) for y in YEAR.findall(text)})
    if not years:
        return None, None
    candidates = {y + shift for y in years for shift in (0, 1)}
    matching = [
        y for y in candidates if _valid(y, month, day) and date(y, month, day).weekday() == weekday
    ]
    if not matching:
        return None, None
    # The middle of the years named: an article dates its event among the years it speaks of
    # (« 2017-2020 », « adopté … 2017 »), not past the end of a period it announces.
    middle = years[(len(years) - 1) // 2]
    best = min(matching, key=lambda y: (abs(y - middle), -y))
    named = ", ".join(str(y) for y in years)
    return best, f"year inferred from the weekday and the years the article names ({named})"


def published_in(text: str) -> date | None:
    """The date a page says it was published (« Publié le 28/12/2019 »), if it says.

    >>> published_in("Publié le 28/12/2019 par la rédaction")
    datetime.date(2019, 12, 28)
    """
    match = PUBLISHED.search(text)
    if match is None:
        return None
    year, month, day = int(match["year"]), int(match["month"]), int(match["day"])
    return date(year, month, day) if _valid(year, month, day) else None


#: What joins the two ends of « du 1er janvier 2023 au 31 décembre 2026 », « de janvier 2023
#: à décembre 2027 » (the first end is after « du », « de », « d' »).
_RANGE_OPENS = re.compile(r"\b(?:du|de|d['’])\s*$", re.IGNORECASE)
_RANGE_JOINS = re.compile(r"\s*(?:au|à|a|jusqu['’]au|jusqu['’]à|-|–)\s*", re.IGNORECASE)


def date_ranges(text: str, dates: list[FrenchDate]) -> list[tuple[FrenchDate, FrenchDate]]:
    """The pairs of `find_dates` ``dates`` that write one span of time: « du 1er janvier
    2023 au 31 décembre 2026 » is a start and an end, the first before the second.

    >>> text = "conclue du 1er janvier 2023 au 31 décembre 2026, signée le 3 mars 2023"
    >>> [(a.value, b.value) for a, b in date_ranges(text, find_dates(text))]
    [('2023-01-01', '2026-12-31')]
    """
    pairs: list[tuple[FrenchDate, FrenchDate]] = []
    for first, last in pairwise(dates):
        if (
            _RANGE_OPENS.search(text[max(0, first.start - 4) : first.start])
            and _RANGE_JOINS.fullmatch(text[first.end : last.start])
            and first.value < last.value
        ):
            pairs.append((first, last))
    return pairs


def period_years(match: re.Match[str]) -> tuple[str, str]:
    """The start and end years of a `PERIOD` match."""
    if match["start"]:
        return match["start"], match["end"]
    return match["slash_start"], match["slash_end"]


def _valid(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True
