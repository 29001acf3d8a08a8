"""The two source articles, loaded from domain/data/partnerships, say in the graph what they say
in print."""

from __future__ import annotations

from typing import Any

import pytest
from neo4j import Driver

from tests.conftest import load_seed_graph

DB = "neo4j"
CEJ_COMMUNES = {
    "Blanzy", "Ciry-le-Noble", "Écuisses", "Génelard", "Le Breuil", "Le Creusot", "Marmagne",
    "Montceau-les-Mines", "Montchanin", "Perrecy-les-Forges", "Saint-Vallier",
    "Sanvignes-les-Mines", "Torcy",
}  # fmt: skip


@pytest.fixture(scope="module")
def seeded(driver: Driver) -> Driver:
    load_seed_graph(driver, DB)
    return driver


def one(driver: Driver, query: str, **params: Any) -> dict[str, Any]:
    records, _, _ = driver.execute_query(query, params)
    assert len(records) == 1, records
    return records[0].data()


def test_the_saint_flour_ctg(seeded: Driver) -> None:
    ctg = one(
        seeded,
        """
        MATCH (c:Contract {key: 'ctg-saint-flour-2017'})
        MATCH (c)-[:COVERS]->(e:EPCI)<-[:MEMBER_OF]-(commune:Commune)
        WITH c, e, count(commune) AS communes
        MATCH (c)-[:HAS_AXIS]->(axis:Axis)-[:HAS_ACTION]->(a:Action)
        WITH c, e, communes, count(DISTINCT axis) AS axes, collect(a.number) AS actions
        MATCH (p:Partner)-[:SIGNED]->(c)
        RETURN c.kind AS kind, c.start.year AS start, c.end.year AS end, e.code AS epci,
               communes, axes, actions, collect(DISTINCT p.key) AS signatories
        """,
    )
    assert (ctg["kind"], ctg["start"], ctg["end"], ctg["epci"]) == ("ctg", 2017, 2020, "200066660")
    assert ctg["communes"] == 53
    assert ctg["axes"] == 3
    assert sorted(ctg["actions"]) == [2, 7, 9, 10, 15, 19, 20, 21, 22, 23]
    assert {"caf-15", "cc-saint-flour"} <= set(ctg["signatories"])


def test_the_saint_flour_ctg_declines_the_cohesion_contract_and_names_its_people(
    seeded: Driver,
) -> None:
    declines = one(
        seeded,
        "MATCH (:Contract {key: 'ctg-saint-flour-2017'})-[:DECLINES]->(c:Contract {kind: 'ccs'}) "
        "RETURN c.key AS key",
    )
    assert declines["key"] == "ccs-saint-flour-2017"
    posts = seeded.execute_query(
        "MATCH (p:Person)-[h:HOLDS_POST]->(o:Partner) RETURN p.name AS name, h.role AS role, "
        "o.key AS org ORDER BY name"
    ).records
    assert {(r["name"].upper(), r["role"], r["org"]) for r in posts} >= {
        ("BERNADETTE GINEZ", "president", "caf-15"),
        ("PASCAL PONS", "director", "caf-15"),
        ("PIERRE JARLIER", "president", "cc-saint-flour"),
    }


def test_the_signing_year_is_marked_as_inferred_not_stated(seeded: Driver) -> None:
    ctg = one(
        seeded,
        "MATCH (c:Contract {key: 'ctg-saint-flour-2017'}) "
        "RETURN c.signedOn AS signed, c.inferredFields AS inferred",
    )
    assert str(ctg["signed"]) == "2018-01-19"
    assert any(field.startswith("signed_on:") for field in ctg["inferred"])


def test_the_creusot_montceau_conventions_cover_the_two_basins(seeded: Driver) -> None:
    records = seeded.execute_query(
        "MATCH (c:Contract {kind: 'ctg'})-[:COVERS]->(s:SubTerritory)-[:PART_OF]->"
        "(:EPCI {code: '247100290'}) MATCH (s)-[:INCLUDES]->(m:Commune) "
        "RETURN c.key AS ctg, c.status AS status, c.statusAsOf AS asOf, s.key AS basin, "
        "collect(m.name) AS communes ORDER BY ctg"
    ).records
    assert len(records) == 2
    assert {r["status"] for r in records} == {"in-preparation"}
    assert {str(r["asOf"]) for r in records} == {"2021-10-02"}
    by_ctg = {r["ctg"]: set(r["communes"]) for r in records}
    assert "Le Creusot" in by_ctg["ctg-creusot-montceau-nord"]
    assert "Montceau-les-Mines" in by_ctg["ctg-creusot-montceau-sud"]
    assert not by_ctg["ctg-creusot-montceau-nord"] & by_ctg["ctg-creusot-montceau-sud"]


def test_the_13_cej_communes_and_their_succession(seeded: Driver) -> None:
    records = seeded.execute_query(
        "MATCH (cej:Contract {kind: 'cej'})-[:COVERS]->(c:Commune)-[:MEMBER_OF]->"
        "(:EPCI {code: '247100290'}) "
        "OPTIONAL MATCH (ctg:Contract {kind: 'ctg'})-[:SUCCEEDS]->(cej) "
        "RETURN c.name AS commune, collect(ctg.key) AS successors"
    ).records
    assert {r["commune"] for r in records} == CEJ_COMMUNES
    assert all(len(r["successors"]) == 1 for r in records)


def test_the_engineering_mission_is_at_most_40000_half_paid_by_the_caf(seeded: Driver) -> None:
    records = seeded.execute_query(
        "MATCH (f:Funding) WHERE f.amount = 40000 RETURN f.amountQualifier AS q, f.tax AS tax"
    ).records
    assert [(r["q"], r["tax"]) for r in records] == [("at-most", "HT")]
    halves = seeded.execute_query(
        "MATCH (f:Funding)-[:PAID_BY]->(:Partner {key: 'caf-71'}) WHERE f.share = 0.5 "
        "RETURN count(f) AS n"
    ).records
    assert halves[0]["n"] == 1


def test_every_seed_fact_names_its_article(seeded: Driver) -> None:
    records = seeded.execute_query(
        "MATCH (n) WHERE n.dataset IS NOT NULL AND NOT n:Source "
        "OPTIONAL MATCH (n)-[:SOURCED_FROM]->(s:Source) "
        "RETURN count(n) AS facts, count(s) AS sourced, collect(DISTINCT s.file) AS files"
    ).records[0]
    # 94 before the facts with no field: the charter and the PLUi-H moved from contracts to
    # framing documents, and 35 competence holdings and 4 statements joined them
    assert records["facts"] == records["sourced"] == 133
    assert sorted(records["files"]) == [
        "shared/seeds/000_19246c553907eb91.txt",
        "shared/seeds/004_011bbf0ed6aba24f.txt",
    ]
