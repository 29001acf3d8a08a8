"""Dates as they are known, on the seed datasets through Neo4j and GraphQL: undated
contracts answer UNKNOWN (never inactive), a period known to the year keeps its precision
in the graph and answers as that precision says."""

from __future__ import annotations

import pytest
from neo4j import Driver

from graph.settings import Neo4jConnection
from tests.conftest import ask_schema as ask
from tests.conftest import load_seed_graph

CU = "247100290"  # CU Le Creusot Montceau-les-Mines
SAINT_FLOUR = "15187"


@pytest.fixture(scope="module")
def seeds(driver: Driver, neo4j_connection: Neo4jConnection) -> Neo4jConnection:
    load_seed_graph(driver, neo4j_connection.database)
    return neo4j_connection


CEJ_OF_THE_CU = """
query ($on: Date!, $activity: [Activity!]) {
  territory(code: "247100290") { ... on EPCI {
    contracts(activeOn: $on, activity: $activity, kinds: ["cej"], first: 100) {
      totalCount edges { node { key activityOn(on: $on) activeOn(on: $on)
        period { start { text } end { text precision } endOpen } } }
    }
  } }
}
"""


def cej_keys(seeds: Neo4jConnection, on: str, activity: list[str] | None) -> list[str]:
    data = ask(seeds, CEJ_OF_THE_CU, on=on, activity=activity)
    return [e["node"]["key"] for e in data["territory"]["contracts"]["edges"]]


def test_the_13_cej_of_the_cu_are_unknown_on_2019_06_01_not_inactive(
    seeds: Neo4jConnection,
) -> None:
    data = ask(seeds, CEJ_OF_THE_CU, on="2019-06-01", activity=["ACTIVE", "UNKNOWN"])
    contracts = data["territory"]["contracts"]
    assert contracts["totalCount"] == 13
    for edge in contracts["edges"]:
        cej = edge["node"]
        assert cej["activityOn"] == "UNKNOWN", cej["key"]
        assert cej["activeOn"] is False  # the deprecated boolean: not certainly active
        # no start, an end known to the day
        assert cej["period"] == {
            "start": None,
            "end": {"text": "2020-12-31", "precision": "DAY"},
            "endOpen": False,
        }
    # the filter answers the same three ways
    assert cej_keys(seeds, "2019-06-01", ["UNKNOWN"]) == [
        e["node"]["key"] for e in contracts["edges"]
    ]
    assert cej_keys(seeds, "2019-06-01", None) == []  # default: the certainly active
    assert cej_keys(seeds, "2019-06-01", ["INACTIVE"]) == []
    # after their end, certainly inactive
    assert len(cej_keys(seeds, "2021-06-01", ["INACTIVE"])) == 13
    assert cej_keys(seeds, "2021-06-01", ["ACTIVE", "UNKNOWN"]) == []


SAINT_FLOUR_CTG = """
query ($on: Date!) {
  contract(key: "ctg-saint-flour-2017") {
    start end signedOn activityOn(on: $on)
    signedOnDate { text precision }
    duration { minYears maxYears }
    period {
      start { text precision earliest latest }
      end { text precision earliest latest }
      endOpen activityOn(on: $on)
    }
  }
}
"""

SAINT_FLOUR_CONTRACTS = """
query ($on: Date!) {
  territory(code: "15187") { ... on Commune {
    certainly: contracts(activeOn: $on, kinds: ["ctg"]) { totalCount }
    possibly: contracts(activeOn: $on, kinds: ["ctg"], activity: [ACTIVE, UNKNOWN]) {
      totalCount
    }
  } }
  listed: contracts(filter: {activeOn: $on, kinds: ["ctg"], activity: [UNKNOWN]}) {
    edges { node { key } }
  }
}
"""


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        ("2016-12-31", "INACTIVE"),
        ("2017-01-01", "UNKNOWN"),  # « 2017-2020 »: it may have started later in 2017
        ("2017-06-01", "UNKNOWN"),
        ("2017-12-31", "ACTIVE"),
        ("2019-06-01", "ACTIVE"),
        ("2020-01-01", "ACTIVE"),
        ("2020-06-01", "UNKNOWN"),  # it may have ended earlier in 2020
        ("2021-01-01", "INACTIVE"),
    ],
)
def test_the_saint_flour_ctg_answers_as_its_year_precision_says(
    seeds: Neo4jConnection, on: str, expected: str
) -> None:
    ctg = ask(seeds, SAINT_FLOUR_CTG, on=on)["contract"]
    assert ctg["activityOn"] == ctg["period"]["activityOn"] == expected
    lists = ask(seeds, SAINT_FLOUR_CONTRACTS, on=on)
    commune = lists["territory"]
    assert commune["certainly"]["totalCount"] == (1 if expected == "ACTIVE" else 0)
    assert commune["possibly"]["totalCount"] == (0 if expected == "INACTIVE" else 1)
    unknown = [e["node"]["key"] for e in lists["listed"]["edges"]]
    assert ("ctg-saint-flour-2017" in unknown) is (expected == "UNKNOWN")


def test_the_saint_flour_ctg_keeps_its_year_precision(
    seeds: Neo4jConnection, driver: Driver
) -> None:
    ctg = ask(seeds, SAINT_FLOUR_CTG, on="2019-06-01")["contract"]
    assert ctg["period"]["start"] == {
        "text": "2017",
        "precision": "YEAR",
        "earliest": "2017-01-01",
        "latest": "2017-12-31",
    }
    assert ctg["period"]["end"] == {
        "text": "2020",
        "precision": "YEAR",
        "earliest": "2020-01-01",
        "latest": "2020-12-31",
    }
    assert ctg["signedOnDate"] == {"text": "2018-01-19", "precision": "DAY"}
    assert ctg["duration"] == {"minYears": 4, "maxYears": 4}
    # the deprecated day fields give the widest reading, as before
    assert (ctg["start"], ctg["end"], ctg["signedOn"]) == ("2017-01-01", "2020-12-31", "2018-01-19")
    # the storage convention, as other readers of the graph see it
    records, _, _ = driver.execute_query(
        "MATCH (k:Contract {key: 'ctg-saint-flour-2017'}) RETURN properties(k) AS p",
        database_=seeds.database,
    )
    props = records[0]["p"]
    stored = {
        name: str(props.get(name)) if props.get(name) is not None else None
        for name in (
            "start",
            "start_precision",
            "start_latest",
            "end",
            "end_precision",
            "end_earliest",
            "end_open",
            "signedOn",
            "signedOn_precision",
            "duration_min",
            "duration_max",
        )
    }
    assert stored == {
        "start": "2017-01-01",
        "start_precision": "year",
        "start_latest": "2017-12-31",
        "end": "2020-12-31",
        "end_precision": "year",
        "end_earliest": "2020-01-01",
        "end_open": None,
        "signedOn": "2018-01-19",
        "signedOn_precision": None,
        "duration_min": "4",
        "duration_max": "4",
    }
