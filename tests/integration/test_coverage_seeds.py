"""Coverage analyses on the seed data, projected from the real Neo4j, and the CLI that
prints them: what the two articles say about who was covered, when, and on what."""

from __future__ import annotations

import csv
import datetime
import io
import json
from pathlib import Path

import networkx as nx
import pytest
from neo4j import Driver

import analyses
from analyses.model import PartnershipGraph
from analyses.projection import build
from domain.scopes import Scope
from graph.coverage_reads import coverage_rows
from graph.settings import Neo4jConnection
from tests.conftest import load_seed_graph, run_ctg

DB = "neo4j"
SF = "200066660"  # Saint-Flour Communauté
JUNE_2019 = datetime.date(2019, 6, 1)
SAINT_FLOUR_THEMES = {
    "mobilite", "acces-aux-droits", "gens-du-voyage", "logement", "aide-alimentaire",
    "habitat-jeunes", "jeunesse", "petite-enfance", "enfance", "animation-vie-sociale",
    "parentalite", "coordination",
}  # fmt: skip


@pytest.fixture(scope="module")
def seeded(driver: Driver) -> Driver:
    load_seed_graph(driver, DB)
    return driver


def graph_of(driver: Driver, scope: Scope) -> PartnershipGraph:
    return build(coverage_rows(driver, DB, scope), scope)


def test_on_1_june_2019_the_53_communes_of_saint_flour_communaute_are_covered(
    seeded: Driver,
) -> None:
    g = graph_of(seeded, Scope("departement:15"))
    report = analyses.territorial_coverage(g, "departement:15", JUNE_2019)
    covered = {c.code for c in report.communes if c.covered}
    saint_flour = {
        c.code for c in report.communes if c.epci == "200066660"
    }  # the CC's members in the Cantal
    assert len(saint_flour) == 53
    assert covered == saint_flour
    assert report.communes_total == 250
    assert report.share_communes == pytest.approx(53 / 250)
    population = {c.code: c.population for c in report.communes}
    assert report.population_covered == sum(population[c] for c in saint_flour)
    assert report.share_population == pytest.approx(
        report.population_covered / report.population_total
    )
    assert all(c.contracts == ("ctg-saint-flour-2017",) for c in report.communes if c.covered)
    assert "200066660" not in report.uncovered_epcis
    assert len(report.uncovered_epcis) == 9


def test_on_1_january_2021_that_ctg_covers_nothing_any_more(seeded: Driver) -> None:
    g = graph_of(seeded, Scope("departement:15"))
    report = analyses.territorial_coverage(g, "departement:15", datetime.date(2021, 1, 1))
    assert report.communes_covered == 0
    # « 2017-2020 »: the CTG's end is known to the year, so during 2020 it may have ended
    last_year = analyses.territorial_coverage(g, "departement:15", datetime.date(2020, 12, 31))
    assert (last_year.communes_covered, last_year.communes_unknown) == (0, 53)
    before = analyses.territorial_coverage(g, "departement:15", datetime.date(2019, 12, 31))
    assert before.communes_covered == 53
    # the CEJ of Saint-Flour has no dates: its 53 communes may still be covered
    assert report.communes_unknown == 53
    assert set(report.unknown_communes) == {c.code for c in report.communes if c.epci == SF}
    stated = analyses.territorial_coverage(
        g, "departement:15", datetime.date(2021, 1, 1),
        certainty=analyses.CertaintyFilter.STATED_ONLY,
    )  # fmt: skip
    assert stated.communes_covered == 0
    assert set(stated.inferred_communes) <= set(report.unknown_communes)


def test_the_theme_matrix_of_saint_flour_communaute_lists_its_ten_actions_themes(
    seeded: Driver,
) -> None:
    g = graph_of(seeded, Scope("epci:200066660", actions=True))
    report = analyses.theme_coverage(g, "epci:200066660", JUNE_2019)
    assert len(report.rows) == 53
    assert {frozenset(row.themes) for row in report.rows} == {frozenset(SAINT_FLOUR_THEMES)}
    assert report.gaps == ()  # petite enfance, jeunesse and parentalité are all there
    assert dict(report.by_epci) == {"200066660": tuple(sorted(SAINT_FLOUR_THEMES))}


def test_the_cafs_of_the_cantal_and_of_saone_et_loire_are_in_separate_components(
    seeded: Driver,
) -> None:
    g = graph_of(seeded, Scope(None, partners=True))
    report = analyses.partner_network(g)
    component = {p.partner: p.component for p in report.partners}
    assert component["caf-15"] != component["caf-71"]
    assert component["caf-15"] == component["cc-saint-flour"]
    assert component["caf-71"] == component["cu-creusot-montceau"]


def test_the_13_cej_communes_await_an_undated_ctg(seeded: Driver) -> None:
    g = graph_of(seeded, Scope("departement:71"))
    rows = analyses.continuity(g, "departement:71")
    assert len(rows) == 13
    assert {r.status for r in rows} == {"undated"}
    assert {r.predecessor_end for r in rows} == {datetime.date(2020, 12, 31)}


def test_the_cli_prints_coverage_as_table_csv_and_json(
    seeded: Driver, neo4j_connection: Neo4jConnection
) -> None:
    table = run_ctg("coverage", "--on", "2019-06-01", "--scope", "15", connection=neo4j_connection)
    assert table.returncode == 0, table.stderr
    assert "53/250 communes (21.2%)" in table.stdout
    as_csv = run_ctg("coverage", "--on", "2019-06-01", "--scope", "15", "--by", "commune",
                     "--format", "csv", connection=neo4j_connection)  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert len(rows) == 250
    assert sum(row["covered"] == "True" for row in rows) == 53
    as_json = run_ctg("themes", "--on", "2019-06-01", "--scope", "200066660", "--format",
                      "json", connection=neo4j_connection)  # fmt: skip
    body = json.loads(as_json.stdout)
    assert body["gaps"] == 0
    assert set(body["rows"][0]["themes"]) == SAINT_FLOUR_THEMES


def test_the_cli_refuses_bad_arguments_clearly(
    seeded: Driver, neo4j_connection: Neo4jConnection
) -> None:
    for args, words in (
        (("coverage", "--on", "1 June"), "is not a date"),
        (("coverage", "--on", "2019-06-01", "--kinds", "ctj"), "unknown contract kind ctj"),
        (("coverage", "--on", "2019-06-01", "--scope", "99"), "No commune in scope"),
        (("network", "--common", "caf-15"), "two partner keys"),
        (("export", "--output", "/nonexistent/dir/x.gexf"), "/nonexistent/dir"),
    ):
        result = run_ctg(*args, connection=neo4j_connection)
        assert result.returncode == 1, (args, result.stdout, result.stderr)
        assert words in " ".join(result.stderr.split()), (args, result.stderr)


def test_the_export_opens_with_coverage_attributes(
    seeded: Driver, neo4j_connection: Neo4jConnection, tmp_path: Path
) -> None:
    target = tmp_path / "cantal.graphml"
    result = run_ctg("export", "--scope", "15", "--on", "2019-06-01", "--format", "graphml",
                     "--output", str(target), connection=neo4j_connection)  # fmt: skip
    assert result.returncode == 0, result.stderr
    g = nx.read_graphml(target)
    saint_flour = g.nodes["commune:15187"]
    assert saint_flour["label"] == "Saint-Flour"
    assert saint_flour["covered"] is True
    assert "petite-enfance" in saint_flour["themes"]
    assert g.nodes["contract:ctg-saint-flour-2017"]["kind"] == "contract"


# --- three-valued and certainty-aware, on the Creusot-Montceau seed ------------------------

CU = "247100290"
#: The basins' communes, as the dataset's author assigned them (inferred membership).
BASSIN_NORD = {"71153", "71059", "71540", "71309", "71479", "71282", "71482", "71103",
               "71413", "71468", "71347", "71191", "71321", "71310", "71187", "71435",
               "71436"}  # fmt: skip
BASSIN_SUD = {"71306", "71040", "71486", "71499", "71390", "71132", "71212", "71346",
              "71356", "71222", "71477", "71320", "71286", "71278"}  # fmt: skip
#: The 13 communes with a CEJ of their own (stated, undated).
CEJ_COMMUNES = {"71040", "71059", "71132", "71153", "71187", "71212", "71282", "71306",
                "71310", "71346", "71486", "71499", "71540"}  # fmt: skip


def test_on_1_june_2019_the_34_communes_of_the_cu_are_unknown_not_uncovered(
    seeded: Driver,
) -> None:
    # Its 13 CEJ have no start, its CTGs no dates: nothing can say they were inactive that day.
    g = graph_of(seeded, Scope(f"epci:{CU}"))
    report = analyses.territorial_coverage(g, f"epci:{CU}", JUNE_2019)
    assert report.communes_total == 34
    assert (report.communes_unknown, report.communes_not_covered) == (34, 0)
    assert report.share_communes_unknown == 1.0
    assert report.uncovered_communes == ()
    assert report.unknown_epcis == (CU,)
    # On stated facts only, the 13 CEJ communes stay unknown; the 21 others are reached
    # only through the basins' communes or the three communes between them, all inferred.
    stated = analyses.territorial_coverage(
        g, f"epci:{CU}", JUNE_2019, certainty=analyses.CertaintyFilter.STATED_ONLY
    )
    assert (stated.communes_unknown, stated.communes_not_covered) == (13, 21)
    assert set(stated.unknown_communes) == CEJ_COMMUNES
    assert set(report.inferred_communes) == set(stated.inferred_communes)
    assert len(report.inferred_communes) == 21


def test_stated_only_and_all_differ_exactly_by_the_inferred_links(seeded: Driver) -> None:
    g = graph_of(seeded, Scope(f"epci:{CU}"))
    every = analyses.territorial_coverage(g, f"epci:{CU}", JUNE_2019)
    stated = analyses.territorial_coverage(
        g, f"epci:{CU}", JUNE_2019, certainty=analyses.CertaintyFilter.STATED_ONLY
    )
    possible = {c.code: set(c.possible_contracts) for c in every.communes}
    stated_possible = {c.code: set(c.possible_contracts) for c in stated.communes}
    added = {code: possible[code] - stated_possible[code] for code in possible}
    between_the_poles = set(possible) - BASSIN_NORD - BASSIN_SUD
    assert between_the_poles == {
        "71038",
        "71412",
        "71465",
    }  # Les Bizots, Saint-Eusèbe, Saint-Micaud
    # the basins' communes are inferred; the three between them are linked to both CTGs,
    # inferred
    expected = {
        code: ({"ctg-creusot-montceau-nord"} if code in BASSIN_NORD | between_the_poles else set())
        | ({"ctg-creusot-montceau-sud"} if code in BASSIN_SUD | between_the_poles else set())
        for code in possible
    }
    assert added == expected
    assert all(stated_possible[code] <= possible[code] for code in possible)
    inferred = {c.code: set(c.inferred_contracts) for c in every.communes}
    assert inferred == expected
    # what stays on stated facts alone: each CEJ commune's own CEJ
    assert {code for code, keys in stated_possible.items() if keys} == CEJ_COMMUNES


COVERAGE_QUERY = """{
  coverage(scope: "247100290", on: "2019-06-01", certainty: CERTAINTY) {
    certainty communesTotal communesCovered communesUnknown communesNotCovered
    shareCommunesUnknown communesInferred unknownEpcis
    byEpci { code unknownCommunes notCoveredCommunes }
    communes(first: 100, status: UNKNOWN) {
      totalCount
      edges { node { code status covered possibleContracts inferredContracts } }
    }
  }
}"""


def test_the_graphql_coverage_answers_in_three_values_and_both_readings(
    seeded: Driver, neo4j_connection: Neo4jConnection
) -> None:
    from analyses.projection import PROJECTIONS
    from tests.integration.test_graphql_batching import run

    PROJECTIONS.clear()  # another module may have projected other data
    for certainty in ("ALL", "STATED_ONLY"):
        data, _ = run(neo4j_connection, COVERAGE_QUERY.replace("CERTAINTY", certainty))
        coverage = data["coverage"]
        assert coverage["certainty"] == certainty
        # all facts: 34 unknown; stated only: the 13 CEJ communes, the 21 others not covered
        unknown = 34 if certainty == "ALL" else 13
        assert (coverage["communesTotal"], coverage["communesCovered"]) == (34, 0)
        assert (coverage["communesUnknown"], coverage["communesNotCovered"]) == (
            unknown,
            34 - unknown,
        )
        assert coverage["shareCommunesUnknown"] == unknown / 34
        assert coverage["unknownEpcis"] == [CU]
        assert coverage["byEpci"] == [
            {"code": CU, "unknownCommunes": unknown, "notCoveredCommunes": 34 - unknown}
        ]
        nodes = [e["node"] for e in coverage["communes"]["edges"]]
        assert coverage["communes"]["totalCount"] == unknown
        assert {n["status"] for n in nodes} == {"UNKNOWN"}
        creusot = next(n for n in nodes if n["code"] == "71153")
        if certainty == "ALL":
            assert creusot["inferredContracts"] == ["ctg-creusot-montceau-nord"]
            assert set(creusot["possibleContracts"]) == {
                "cej-71-le-creusot", "ctg-creusot-montceau-nord"
            }  # fmt: skip
        else:
            assert creusot["inferredContracts"] == []
            assert creusot["possibleContracts"] == ["cej-71-le-creusot"]


def test_the_graphql_theme_matrix_says_what_rests_on_inferred_themes(
    seeded: Driver, neo4j_connection: Neo4jConnection
) -> None:
    from tests.integration.test_graphql_batching import run

    query = """{ themeCoverage(scope: "200066660", on: "2019-06-01", certainty: CERTAINTY) {
      certainty gapCount unknownGapCount communesInferred inferredCommunes
      rows(first: 1) { edges { node { commune status gap themes possibleThemes } } } } }"""
    every, _ = run(neo4j_connection, query.replace("CERTAINTY", "ALL"))
    stated, _ = run(neo4j_connection, query.replace("CERTAINTY", "STATED_ONLY"))
    matrix, stated_matrix = every["themeCoverage"], stated["themeCoverage"]
    assert (matrix["certainty"], stated_matrix["certainty"]) == ("ALL", "STATED_ONLY")
    assert (matrix["gapCount"], matrix["unknownGapCount"]) == (0, 0)
    (row,) = [e["node"] for e in matrix["rows"]["edges"]]
    assert (row["status"], row["gap"]) == ("COVERED", "NO_GAP")
    # the same communes differ whichever reading is asked
    assert matrix["inferredCommunes"] == stated_matrix["inferredCommunes"]
    assert matrix["communesInferred"] == len(matrix["inferredCommunes"])


def test_a_reach_through_an_inferred_basin_is_inferred_in_the_api(
    seeded: Driver, neo4j_connection: Neo4jConnection
) -> None:
    from tests.integration.test_graphql_batching import run

    data, _ = run(
        neo4j_connection,
        """{ territory(code: "71153") { contracts(first: 50) { edges {
             node { key } reach via { reach certainty reason territory { code } } } } } }""",
    )
    edges = {e["node"]["key"]: e for e in data["territory"]["contracts"]["edges"]}
    (via,) = edges["ctg-creusot-montceau-nord"]["via"]
    assert (via["reach"], via["certainty"]) == ("THROUGH_SUB_TERRITORY", "INFERRED")
    assert "cucm-bassin-nord" in via["reason"]
    assert "inferred" in via["reason"]
    (direct,) = edges["cej-71-le-creusot"]["via"]
    assert (direct["reach"], direct["certainty"]) == ("DIRECT", "STATED")


def test_the_cli_says_unknown_and_takes_a_certainty(
    seeded: Driver, neo4j_connection: Neo4jConnection
) -> None:
    result = run_ctg("coverage", "--on", "2019-06-01", "--scope", CU, "--format", "json",
                     "--certainty", "stated-only", connection=neo4j_connection)  # fmt: skip
    assert result.returncode == 0, result.stderr
    body = json.loads(result.stdout)
    assert (body["certainty"], body["communes_unknown"], body["communes_not_covered"]) == (
        "stated-only", 13, 21,
    )  # fmt: skip
    table = run_ctg("coverage", "--on", "2019-06-01", "--scope", CU, "--by", "commune",
                    connection=neo4j_connection)  # fmt: skip
    assert table.returncode == 0, table.stderr
    assert "34 unknown" in " ".join(table.stdout.split())
    bad = run_ctg("coverage", "--on", "2019-06-01", "--certainty", "maybe",
                  connection=neo4j_connection)  # fmt: skip
    assert bad.returncode == 2
    assert "stated-only" in bad.stderr
