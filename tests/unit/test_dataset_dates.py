"""Dates in the dataset format: years, months and days, open ends, duration ranges, and
the impossible ones refused at their line with what to write instead."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from domain.dates import DurationRange, FuzzyDate
from domain.vocabulary import DatePrecision
from loaders.dataset_format import Contract
from loaders.datasets import DatasetError, read_datasets
from loaders.date_properties import date_props, duration_props, period_props, stored_value
from tests.unit.test_dataset_validation import EXAMPLE, TERRITORIES, line_of

CEJ_DATES = "    start: 2016-01-01\n    end: 2019-12-31\n    duration_years: 4\n"


def read_with(tmp_path: Path, dates: str) -> Path:
    """The example with the CEJ's three date lines replaced by ``dates``."""
    text = EXAMPLE.read_text(encoding="utf-8")
    assert CEJ_DATES in text
    path = tmp_path / "dataset.yaml"
    path.write_text(text.replace(CEJ_DATES, dates), encoding="utf-8")
    return path


def cej_of(tmp_path: Path, dates: str) -> Contract:
    (dataset,) = read_datasets([read_with(tmp_path, dates)], TERRITORIES)
    return next(c for c in dataset.content.contracts if c.kind == "cej")


def problems_with(tmp_path: Path, dates: str) -> tuple[list[str], str]:
    path = read_with(tmp_path, dates)
    with pytest.raises(DatasetError) as caught:
        read_datasets([path], TERRITORIES)
    return [str(p) for p in caught.value.problems], path.read_text(encoding="utf-8")


def test_years_and_months_are_kept_at_their_precision(tmp_path: Path) -> None:
    cej = cej_of(tmp_path, "    start: 2016\n    end: 2019-12\n    duration_years: 4\n")
    assert cej.start == FuzzyDate(2016)
    assert cej.start is not None
    assert cej.start.precision is DatePrecision.YEAR
    assert cej.end == FuzzyDate(2019, 12)
    assert str(cej.period.end_earliest) == "2019-12-01"


def test_a_quoted_year_reads_like_a_bare_one(tmp_path: Path) -> None:
    cej = cej_of(tmp_path, '    start: "2016"\n    end: "2019"\n')
    assert (cej.start, cej.end) == (FuzzyDate(2016), FuzzyDate(2019))


def test_an_open_end_and_a_duration_range(tmp_path: Path) -> None:
    cej = cej_of(
        tmp_path, "    start: 2016-01\n    end: open\n    duration_years: {min: 4, max: 5}\n"
    )
    assert cej.period.end_open
    assert cej.duration == DurationRange(4, 5)


def test_the_example_keeps_its_checksum_and_day_dates(tmp_path: Path) -> None:
    (dataset,) = read_datasets([EXAMPLE], TERRITORIES)
    cej = next(c for c in dataset.content.contracts if c.kind == "cej")
    assert cej.start is not None
    assert cej.start.precision is DatePrecision.DAY
    # the day-precise dates dump as they did when they were datetime.date
    dumped = dataset.content.model_dump(mode="json")["contracts"][0]
    assert (dumped["start"], dumped["end"], dumped["duration_years"]) == (
        "2016-01-01",
        "2019-12-31",
        4,
    )


@pytest.mark.parametrize(
    ("dates", "needle", "expected"),
    [
        pytest.param(
            "    start: 2019\n    end: 2018\n",
            "    end: 2018",
            "contracts[0].end: the end 2018 is before the start 2019; write an end on or "
            "after the start, or swap them",
            id="end-before-start-at-year-precision",
        ),
        pytest.param(
            "    start: 2019-03\n    end: 2019-02\n",
            "    end: 2019-02",
            "the end 2019-02 is before the start 2019-03",
            id="end-before-start-at-month-precision",
        ),
        pytest.param(
            "    start: 2016\n    end: 2019\n    duration_years: 6\n",
            "    duration_years: 6",
            "contracts[0].duration_years: 6 years does not fit 2016 to 2019: correct the dates "
            "or the duration, or give the duration as a range ({min: 4, max: 5})",
            id="period-cannot-hold-its-duration",
        ),
        pytest.param(
            "    start: 2016\n    end: 2019\n    duration_years: {min: 5, max: 6}\n",
            "    duration_years: {min: 5, max: 6}",
            "5-6 years does not fit 2016 to 2019",
            id="period-outside-its-duration-range",
        ),
        pytest.param(
            "    start: 2016\n    duration_years: {min: 5, max: 4}\n",
            "    duration_years: {min: 5, max: 4}",
            "contracts[0].duration_years: a duration range from 5 to 4 years ends below its "
            "minimum; write {min: 4, max: 5}",
            id="upside-down-duration-range",
        ),
        pytest.param(
            "    start: 2016\n    duration_years: 4-5\n",
            "    duration_years: 4-5",
            "contracts[0].duration_years",
            id="duration-range-as-text",
        ),
        pytest.param(
            "    start: janvier 2016\n",
            "    start: janvier 2016",
            "contracts[0].start: 'janvier 2016' is not a date; write a year (2017), a month "
            "(2018-01) or a day (2018-01-19)",
            id="words-for-a-date",
        ),
        pytest.param(
            "    start: 2016\n    end: ongoing\n",
            "    end: ongoing",
            "contracts[0].end: 'ongoing' is not a date; write a year (2017), a month (2018-01) "
            "or a day (2018-01-19), or `open` for a period not ended yet",
            id="open-misspelt",
        ),
        pytest.param(
            "    start: 2016-13\n",
            "    start: 2016-13",
            "'2016-13' is not a date of the calendar",
            id="month-13",
        ),
    ],
)
def test_impossible_dates_are_refused_at_their_line(
    tmp_path: Path, dates: str, needle: str, expected: str
) -> None:
    problems, text = problems_with(tmp_path, dates)
    line = line_of(text, needle)
    assert any(expected in p and f"dataset.yaml:{line}:" in p for p in problems), problems


def test_stored_dates_read_back_as_the_format_wrote_them() -> None:
    start, end = FuzzyDate.parse(2017), FuzzyDate.parse("2020-06")
    props = {
        **period_props(start, end),
        **date_props("signedOn", FuzzyDate.parse("2018-01-19")),
        **duration_props(DurationRange(4, 5)),
    }
    assert stored_value(props, "start") == "2017"
    assert stored_value(props, "end") == "2020-06"
    assert stored_value(props, "signedOn") == dt.date(2018, 1, 19)  # a day stays a date
    assert stored_value(props, "durationYears") == {"min": 4, "max": 5}
    ongoing = period_props(start, "open")
    assert (ongoing["end"], ongoing["end_open"]) == (None, True)
    assert stored_value(ongoing, "end") == "open"
    unknown = period_props(None, None)
    assert all(value is None for value in unknown.values())
    assert stored_value(unknown, "end") is None
    # a graph stored before durations had ranges
    assert stored_value({"durationYears": 4}, "durationYears") == 4


def test_every_date_problem_of_a_file_is_reported_at_once(tmp_path: Path) -> None:
    text = (
        EXAMPLE.read_text(encoding="utf-8")
        .replace(
            CEJ_DATES, "    start: 2019\n    end: 2018\n    duration_years: {min: 5, max: 4}\n"
        )
        .replace("    signed_on: 2022-03-03\n    start", "    signed_on: 2022-13\n    start")
        .replace("    duration_years: 5\n", "    duration_years: 7\n")
    )
    path = tmp_path / "dataset.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DatasetError) as caught:
        read_datasets([path], TERRITORIES)
    located = [(p.line, p.field) for p in caught.value.problems]
    assert located == [
        (line_of(text, "    end: 2018"), "contracts[0].end"),
        (line_of(text, "    duration_years: {min: 5"), "contracts[0].duration_years"),
        (line_of(text, "    signed_on: 2022-13"), "contracts[1].signed_on"),
        (line_of(text, "    duration_years: 7"), "contracts[1].duration_years"),
    ]


def test_a_funding_period_takes_the_same_forms_and_checks(tmp_path: Path) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    assert "    year: 2021\n    share: 0.5\n" in text
    path = tmp_path / "dataset.yaml"
    path.write_text(
        text.replace("    year: 2021\n    share", "    start: 2021-09\n    end: open\n    share"),
        encoding="utf-8",
    )
    (dataset,) = read_datasets([path], TERRITORIES)
    (funding,) = dataset.content.fundings
    assert funding.period.end_open
    assert funding.start == FuzzyDate(2021, 9)
    broken = text.replace(
        "    year: 2021\n    share", "    start: 2021-09\n    end: 2021-08\n    share"
    )
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(DatasetError) as caught:
        read_datasets([path], TERRITORIES)
    (problem,) = caught.value.problems
    assert problem.line == line_of(broken, "    end: 2021-08")
    assert str(problem).endswith(
        "fundings[0].end: the end 2021-08 is before the start 2021-09; write an end on or "
        "after the start, or swap them"
    )
