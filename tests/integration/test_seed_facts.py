"""The facts of the two articles that had no field before — the Cnaf created the CTG, the
communes hold enfance-jeunesse while the CU leads the contracting, the partners' charter
and the PLUi-H frame the CTGs, a consultancy works on them, themes stated without fiches,
statements that fit nothing — read back from the loaded seeds through GraphQL, each with
its certainty and its source."""

from __future__ import annotations

from typing import Any

import pytest
from neo4j import Driver

from graph.settings import Neo4jConnection
from tests.conftest import ask_schema as ask
from tests.conftest import load_seed_graph

SAINT_FLOUR_ARTICLE = "article-caf15-ctg-saint-flour"
CREUSOT_ARTICLE = "article-cucm-ctg-2021"
PROVENANCE = "provenance { certainty reason sources { key } }"


@pytest.fixture(scope="module")
def seeded(driver: Driver, neo4j_connection: Neo4jConnection) -> Neo4jConnection:
    load_seed_graph(driver, neo4j_connection.database)
    return neo4j_connection


def sources(provenance: dict[str, Any]) -> list[str]:
    return [s["key"] for s in provenance["sources"]]


def test_the_cnaf_created_the_ctg(seeded: Neo4jConnection) -> None:
    kind = ask(
        seeded,
        "{ contractKinds(first: 50) { edges { node { code createdBy { edges { node { key } "
        + PROVENANCE
        + " } } } } } }",
    )["contractKinds"]["edges"]
    creators = {k["node"]["code"]: k["node"]["createdBy"]["edges"] for k in kind}
    assert [c["node"]["key"] for c in creators["ctg"]] == ["cnaf"]
    assert creators["ctg"][0]["provenance"]["certainty"] == "STATED"
    assert sources(creators["ctg"][0]["provenance"]) == [SAINT_FLOUR_ARTICLE]
    assert creators["cej"] == []  # no article says who created the CEJ


def test_the_communes_hold_enfance_jeunesse_while_the_cu_leads(seeded: Neo4jConnection) -> None:
    data = ask(
        seeded,
        """{ competenceHoldings(competence: "enfance-jeunesse", first: 100) {
               totalCount
               edges { node { competenceCode asOf { text precision } holder { key kind }
                              territory { code } competence { name } """
        + PROVENANCE
        + """ } } }
             montceau: partner(key: "commune-montceau-les-mines") {
               competences { edges { node { competenceCode territory { code } } } } }
             cu: partner(key: "cu-creusot-montceau") {
               competences { edges { node { competenceCode """
        + PROVENANCE
        + """ } } } }
             ctg: contract(key: "ctg-creusot-montceau-sud") { leads { edges { node { key } } } }
        }""",
    )
    holdings = [e["node"] for e in data["competenceHoldings"]["edges"]]
    assert data["competenceHoldings"]["totalCount"] == len(holdings) == 34
    assert {h["holder"]["kind"] for h in holdings} == {"COMMUNE"}
    assert {(h["asOf"]["text"], h["asOf"]["precision"]) for h in holdings} == {
        ("2021-10-02", "DAY")
    }
    assert {h["competence"]["name"] for h in holdings} == {"Enfance – jeunesse"}
    assert all(h["provenance"]["certainty"] == "STATED" for h in holdings)
    assert all(sources(h["provenance"]) == [CREUSOT_ARTICLE] for h in holdings)
    montceau = [e["node"] for e in data["montceau"]["competences"]["edges"]]
    assert montceau == [{"competenceCode": "enfance-jeunesse", "territory": {"code": "71306"}}]
    # the CU holds no enfance-jeunesse: it leads the contracting, and its planning competence
    # is the author's inference from the PLUi-H it adopted
    (cu,) = [e["node"] for e in data["cu"]["competences"]["edges"]]
    assert cu["competenceCode"] == "urbanisme"
    assert cu["provenance"]["certainty"] == "INFERRED"
    assert "PLUi-H" in cu["provenance"]["reason"]
    assert [e["node"]["key"] for e in data["ctg"]["leads"]["edges"]] == ["cu-creusot-montceau"]


def test_the_charter_and_the_plui_h_frame_the_two_ctgs(seeded: Neo4jConnection) -> None:
    data = ask(
        seeded,
        """{ framingDocuments { totalCount edges { node { key kindCode
               adoptedOn { text precision earliest latest }
               frames { edges { node { key } """
        + PROVENANCE
        + """ } }
               parties { totalCount edges { partner { key } role signedOnDate { text }
                                                 provenance { certainty } } }
               territories { edges { node { code } provenance { certainty } } } } } }
             ctg: contract(key: "ctg-creusot-montceau-nord") {
               framedBy { edges { node { key } provenance { certainty } } }
               declines { totalCount } }
             contracts(filter: {kinds: ["charte-engagement", "plui-h"]}) { totalCount }
        }""",
    )
    documents = {e["node"]["key"]: e["node"] for e in data["framingDocuments"]["edges"]}
    assert set(documents) == {"charte-engagement-ctg-creusot-montceau", "plui-h-creusot-montceau"}
    for document in documents.values():
        frames = document["frames"]["edges"]
        assert {f["node"]["key"] for f in frames} == {
            "ctg-creusot-montceau-nord",
            "ctg-creusot-montceau-sud",
        }
        assert {f["provenance"]["certainty"] for f in frames} == {"STATED"}
        assert {s for f in frames for s in sources(f["provenance"])} == {CREUSOT_ARTICLE}
    charter = documents["charte-engagement-ctg-creusot-montceau"]
    assert charter["kindCode"] == "charte-engagement"
    assert charter["parties"]["totalCount"] == 36  # the Caf, the CU and the 34 communes
    assert {p["provenance"]["certainty"] for p in charter["parties"]["edges"]} == {"INFERRED"}
    assert charter["adoptedOn"] is None  # the article gives no date
    plui = documents["plui-h-creusot-montceau"]
    # « adopté en conseil communautaire en 2020 »: a year, not an invented day
    assert plui["adoptedOn"] == {
        "text": "2020",
        "precision": "YEAR",
        "earliest": "2020-01-01",
        "latest": "2020-12-31",
    }
    (adopter,) = plui["parties"]["edges"]
    assert (adopter["partner"]["key"], adopter["signedOnDate"]) == (
        "cu-creusot-montceau",
        {"text": "2020"},
    )
    assert plui["territories"]["edges"] == [
        {"node": {"code": "247100290"}, "provenance": {"certainty": "INFERRED"}}
    ]
    framed_by = {e["node"]["key"] for e in data["ctg"]["framedBy"]["edges"]}
    assert framed_by == set(documents)
    assert data["ctg"]["declines"]["totalCount"] == 0  # a plan is not a contract it declines
    assert data["contracts"]["totalCount"] == 0


def test_the_consultancy_works_on_the_ctgs_without_signing(seeded: Neo4jConnection) -> None:
    ctg = ask(
        seeded,
        """{ contract(key: "ctg-creusot-montceau-sud") {
               contributors { edges { node { key kind } role """
        + PROVENANCE
        + """ } }
               signatories(first: 100) { edges { partner { key } } } } }""",
    )["contract"]
    (contributor,) = ctg["contributors"]["edges"]
    assert contributor["node"] == {
        "key": "cabinet-conseil-ctg-creusot-montceau",
        "kind": "CONSULTANCY",
    }
    assert "cabinet conseil retenu" in contributor["role"]
    assert contributor["provenance"]["certainty"] == "STATED"
    assert sources(contributor["provenance"]) == [CREUSOT_ARTICLE]
    signing = {s["partner"]["key"] for s in ctg["signatories"]["edges"]}
    assert "cabinet-conseil-ctg-creusot-montceau" not in signing


def test_themes_stated_without_fiches_keep_their_own_provenance(seeded: Neo4jConnection) -> None:
    data = ask(
        seeded,
        """{ cej: contract(key: "cej-71-torcy") {
               notes statedThemes { edges { node { code } """
        + PROVENANCE
        + """ } }
               actions { totalCount } }
             ccs: contract(key: "ccs-saint-flour-2017") {
               notes axes { edges { node { number statedThemes { edges { node { code } """
        + PROVENANCE
        + """ } } } } } } }""",
    )
    cej = data["cej"]
    assert cej["actions"]["totalCount"] == 0  # no placeholder fiche carries them
    themes = {e["node"]["code"]: e["provenance"] for e in cej["statedThemes"]["edges"]}
    assert set(themes) == {"enfance", "jeunesse"}
    assert {p["certainty"] for p in themes.values()} == {"INFERRED"}
    assert all("Contrat enfance jeunesse" in p["reason"] for p in themes.values())
    axes = {
        e["node"]["number"]: [t["node"]["code"] for t in e["node"]["statedThemes"]["edges"]]
        for e in data["ccs"]["axes"]["edges"]
    }
    assert axes == {1: ["isolement"], 2: [], 3: ["parentalite"]}
    assert "18 December 2017" in data["ccs"]["notes"]


def test_a_statement_is_read_with_its_quote_and_found_by_search(seeded: Neo4jConnection) -> None:
    data = ask(
        seeded,
        """{ ctg: contract(key: "ctg-saint-flour-2017") {
               statements { edges { node { key text quote """
        + PROVENANCE
        + """ about { edges { node { ... on Contract { key } } } } } } } }
             search(text: "diagnostic partagé démarche", kinds: [STATEMENT]) {
               node { ... on Statement { key } } }
             all: search(text: "diagnostic partage") { node { __typename } }
        }""",
    )
    (statement,) = [e["node"] for e in data["ctg"]["statements"]["edges"]]
    assert statement["key"] == "diagnostic-ctg-saint-flour-appuye-sur-le-ccs"
    assert "Contrat de cohésion sociale" in statement["quote"]
    assert "cohésion sociale" in statement["text"]
    assert statement["provenance"]["certainty"] == "STATED"
    assert sources(statement["provenance"]) == [SAINT_FLOUR_ARTICLE]
    about = {e["node"]["key"] for e in statement["about"]["edges"]}
    assert about == {"ctg-saint-flour-2017", "ccs-saint-flour-2017"}
    assert [h["node"]["key"] for h in data["search"]] == [statement["key"]]
    assert "Statement" in {h["node"]["__typename"] for h in data["all"]}
