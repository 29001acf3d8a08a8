"""Links read through GraphQL on the two seed datasets say where they come from and how
sure they are, as nodes do; the navigation the articles need works (the contracts a
partner leads, the fiches a CTG englobes from the cohesion contract, funding filters and
totals that never count a share twice)."""

from __future__ import annotations

from typing import Any

import pytest
from neo4j import Driver

from graph.settings import Neo4jConnection
from schema.relay import global_id
from tests.conftest import ask_schema as ask
from tests.conftest import load_seed_graph

CREUSOT = "article-cucm-ctg-2021"
SAINT_FLOUR = "article-caf15-ctg-saint-flour"
PROVENANCE = "provenance { certainty reason inferredFields dataset sources { key } }"


@pytest.fixture(scope="module")
def seeded(driver: Driver, neo4j_connection: Neo4jConnection) -> Neo4jConnection:
    load_seed_graph(driver, neo4j_connection.database)
    return neo4j_connection


def edges(connection: dict[str, Any]) -> list[dict[str, Any]]:
    return list(connection["edges"])


def test_the_13_cej_successions_come_back_inferred_with_their_reason(
    seeded: Neo4jConnection,
) -> None:
    data = ask(
        seeded,
        '{ nord: contract(key: "ctg-creusot-montceau-nord") { succeeds(first: 50) '
        f"{{ edges {{ node {{ key }} {PROVENANCE} }} }} }}"
        ' sud: contract(key: "ctg-creusot-montceau-sud") { succeeds(first: 50) '
        f"{{ edges {{ node {{ key }} {PROVENANCE} }} }} }} }}",
    )
    successions = edges(data["nord"]["succeeds"]) + edges(data["sud"]["succeeds"])
    assert len(successions) == 13
    assert {e["node"]["key"] for e in successions} == {
        f"cej-71-{c}" for c in (
            "blanzy", "ciry-le-noble", "ecuisses", "genelard", "le-breuil", "le-creusot",
            "marmagne", "montceau-les-mines", "montchanin", "perrecy-les-forges",
            "saint-vallier", "sanvignes-les-mines", "torcy",
        )
    }  # fmt: skip
    for e in successions:
        assert e["provenance"]["certainty"] == "INFERRED", e
        assert "follows from its commune's basin" in e["provenance"]["reason"]
        assert e["provenance"]["sources"] == [{"key": CREUSOT}]
        assert e["provenance"]["dataset"] == "creusot-montceau-ctg-2021"


def test_a_stated_link_comes_back_stated_from_its_article(seeded: Neo4jConnection) -> None:
    data = ask(
        seeded,
        '{ contract(key: "ctg-saint-flour-2017") {'
        f" declines(first: 10) {{ edges {{ node {{ key }} {PROVENANCE} }} }}"
        f" bodies {{ edges {{ node {{ key }} {PROVENANCE} }} }}"
        f" territories {{ edges {{ node {{ code }} {PROVENANCE} }} }} }} }}",
    )
    contract = data["contract"]
    declines = {e["node"]["key"]: e["provenance"] for e in edges(contract["declines"])}
    ccs = declines["ccs-saint-flour-2017"]
    assert (ccs["certainty"], ccs["reason"], ccs["inferredFields"]) == ("STATED", None, [])
    assert ccs["sources"] == [{"key": SAINT_FLOUR}]
    # Bernadette Ginez's words, read as a declination by the dataset's author
    assert declines["convention-objectifs-branche-famille"]["certainty"] == "INFERRED"
    (steering,) = edges(contract["bodies"])
    assert steering["node"]["key"] == "copil-ctg-saint-flour"
    assert steering["provenance"]["certainty"] == "STATED"
    (covered,) = edges(contract["territories"])
    assert (covered["node"]["code"], covered["provenance"]["certainty"]) == ("200066660", "STATED")


def test_a_lead_link_says_its_own_certainty_not_the_contracts_notes(
    seeded: Neo4jConnection,
) -> None:
    data = ask(
        seeded,
        '{ contract(key: "ccs-saint-flour-2017") { provenance { inferredFields }'
        f" leads {{ edges {{ node {{ key }} {PROVENANCE} }} }} }}"
        ' ctg: contract(key: "ctg-creusot-montceau-nord") {'
        f" leads {{ edges {{ node {{ key }} {PROVENANCE} }} }} }} }}",
    )
    ccs = data["contract"]
    assert any(f.startswith("status:") for f in ccs["provenance"]["inferredFields"])
    leads = edges(ccs["leads"])
    assert sorted(lead["node"]["key"] for lead in leads) == ["cc-saint-flour", "ville-saint-flour"]
    for lead in leads:
        assert lead["provenance"]["certainty"] == "INFERRED"
        assert "that both carry it is inferred" in lead["provenance"]["reason"]
        assert lead["provenance"]["inferredFields"] == []  # the status note stays on the contract
    (ctg_lead,) = edges(data["ctg"]["leads"])
    assert ctg_lead["provenance"]["certainty"] == "STATED"


def test_partner_leads_lists_the_contracts_it_carries(seeded: Neo4jConnection) -> None:
    data = ask(
        seeded,
        '{ partner(key: "cu-creusot-montceau") { leads(first: 10) { totalCount'
        " edges { node { key } provenance { certainty } } } }"
        ' ville: partner(key: "ville-saint-flour") { leads { totalCount'
        " edges { node { key } provenance { certainty } } } }"
        ' caf: partner(key: "caf-15") { leads { totalCount } } }',
    )
    leads = data["partner"]["leads"]
    assert {e["node"]["key"]: e["provenance"]["certainty"] for e in leads["edges"]} == {
        "ctg-creusot-montceau-nord": "STATED",
        "ctg-creusot-montceau-sud": "STATED",
    }
    assert leads["totalCount"] == 2
    ville = data["ville"]["leads"]
    assert {e["node"]["key"]: e["provenance"]["certainty"] for e in ville["edges"]} == {
        "ccs-saint-flour-2017": "INFERRED",
    }
    assert data["caf"]["leads"]["totalCount"] == 0


def test_the_fiches_the_ctg_englobes_are_the_cohesion_contracts_and_both_list_them(
    seeded: Neo4jConnection,
) -> None:
    fiche = global_id("Action", "ctg-saint-flour-2017-fa-2")
    data = ask(
        seeded,
        '{ ccs: contract(key: "ccs-saint-flour-2017") { actions(first: 50) { totalCount'
        " edges { node { number } } } }"
        ' ctg: contract(key: "ctg-saint-flour-2017") { actions(first: 50) { totalCount } }'
        f' fiche: node(id: "{fiche}") {{ ... on Action {{ title contract {{ key }}'
        " contracts { edges { node { key } owns provenance { certainty } } }"
        f" themes {{ edges {{ node {{ code }} {PROVENANCE} }} }} }} }} }}",
    )
    assert data["ccs"]["actions"]["totalCount"] == 10
    assert sorted(e["node"]["number"] for e in edges(data["ccs"]["actions"])) == [
        2, 7, 9, 10, 15, 19, 20, 21, 22, 23,
    ]  # fmt: skip
    assert data["ctg"]["actions"]["totalCount"] == 10
    fiche_data = data["fiche"]
    assert fiche_data["title"] == "Aider à la mobilité"
    assert fiche_data["contract"] == {"key": "ccs-saint-flour-2017"}
    assert {e["node"]["key"]: e["owns"] for e in edges(fiche_data["contracts"])} == {
        "ccs-saint-flour-2017": True,
        "ctg-saint-flour-2017": False,
    }
    # the fiche's theme is the author's classification of its title: inferred, with why
    (theme,) = edges(fiche_data["themes"])
    assert theme["node"]["code"] == "mobilite"
    assert theme["provenance"]["certainty"] == "INFERRED"
    assert "classification" in theme["provenance"]["reason"]


def test_the_parties_of_a_ctg_in_preparation_are_prospective_not_signatures(
    seeded: Neo4jConnection,
) -> None:
    data = ask(
        seeded,
        '{ contract(key: "ctg-creusot-montceau-nord") { signatories(first: 50) { edges {'
        " partner { key } prospective provenance { certainty reason } } } }"
        ' signed: contract(key: "ctg-saint-flour-2017") { signatories { edges {'
        " prospective provenance { certainty } } } } }",
    )
    parties = {e["partner"]["key"]: e for e in edges(data["contract"]["signatories"])}
    caf = parties["caf-71"]
    assert caf["prospective"] is True
    assert caf["provenance"]["certainty"] == "INFERRED"
    assert "in preparation on 2021-10-02" in caf["provenance"]["reason"]
    # a commune party keeps the reason its basin gave as well
    assert "cucm-bassin-nord" in parties["commune-torcy"]["provenance"]["reason"]
    assert all(e["prospective"] for e in parties.values())
    signed = edges(data["signed"]["signatories"])
    assert [(e["prospective"], e["provenance"]["certainty"]) for e in signed] == [
        (False, "STATED"),
        (False, "STATED"),
    ]


def test_communes_the_article_never_names_are_inferred_from_the_reference(
    seeded: Neo4jConnection,
) -> None:
    data = ask(
        seeded,
        '{ charmoy: partner(key: "commune-charmoy") { provenance { certainty reason }'
        " territories { edges { provenance { certainty } } } }"
        ' blanzy: partner(key: "commune-blanzy") { provenance { certainty }'
        " territories { edges { provenance { certainty } } } }"
        " partners(kinds: [COMMUNE], first: 100) { edges { node { key provenance {"
        " certainty } } } } }",
    )
    charmoy = data["charmoy"]
    assert charmoy["provenance"]["certainty"] == "INFERRED"
    assert "territorial reference" in charmoy["provenance"]["reason"]
    assert [e["provenance"]["certainty"] for e in edges(charmoy["territories"])] == ["INFERRED"]
    assert data["blanzy"]["provenance"]["certainty"] == "STATED"
    assert [e["provenance"]["certainty"] for e in edges(data["blanzy"]["territories"])] == [
        "STATED"
    ]
    creusot_communes = [
        e["node"] for e in edges(data["partners"]) if e["node"]["key"] != "ville-saint-flour"
    ]
    certainties = [c["provenance"]["certainty"] for c in creusot_communes]
    assert (certainties.count("STATED"), certainties.count("INFERRED")) == (13, 21)


def test_a_basins_communes_are_inferred_members(seeded: Neo4jConnection) -> None:
    basin = global_id("SubTerritory", "cucm-bassin-nord")
    data = ask(
        seeded,
        f'{{ node(id: "{basin}") {{ ... on SubTerritory {{'
        " communes(first: 50) { edges { provenance { certainty reason } } } } } }",
    )
    members = edges(data["node"]["communes"])
    assert len(members) == 17
    assert {e["provenance"]["certainty"] for e in members} == {"INFERRED"}
    assert "does not list the basin's communes" in members[0]["provenance"]["reason"]


FUNDINGS = "totalCount edges { node { key } } total { amount qualifier counted sharesLeftOut }"


def keys(connection: dict[str, Any]) -> set[str]:
    return {e["node"]["key"] for e in edges(connection)}


def test_funding_filters_and_totals_count_each_share_once(seeded: Neo4jConnection) -> None:
    data = ask(
        seeded,
        f"{{ all: fundings(first: 50) {{ {FUNDINGS} }}"
        f' caf71: fundings(filter: {{payers: ["caf-71"]}}) {{ {FUNDINGS} }}'
        f' cu: fundings(filter: {{payers: ["cu-creusot-montceau"]}}) {{ {FUNDINGS} }}'
        f' toCc: fundings(filter: {{payees: ["cc-saint-flour"]}}) {{ {FUNDINGS} }}'
        f" y2016: fundings(filter: {{year: 2016}}) {{ {FUNDINGS} }}"
        f' cantal: fundings(filter: {{territory: "15"}}) {{ {FUNDINGS} }}'
        f' cu71: fundings(filter: {{territory: "247100290"}}) {{ {FUNDINGS} }}'
        ' partner(key: "caf-15") { fundings(direction: PAYS) { total { amount qualifier } } }'
        ' contract(key: "ctg-creusot-montceau-nord") { fundings {'
        f" {FUNDINGS} edges {{ provenance {{ certainty }} }} }} }} }}",
    )
    # by hand: 626 000 (Saint-Flour, 2016) + 40 000 (engineering mission) + 1 350 000 (the
    # 13 CEJ); the 87 640 share of the first and the two 20 000 halves of the mission are
    # parts of those and are not added again
    everything = data["all"]
    assert everything["totalCount"] == 6
    assert everything["total"]["amount"] == 2_016_000
    assert everything["total"]["qualifier"] == "ABOUT"
    assert sorted(everything["total"]["sharesLeftOut"]) == [
        "caf-15-prestations-2016-cc-saint-flour",
        "ingenierie-ctg-creusot-montceau-part-caf",
        "ingenierie-ctg-creusot-montceau-part-cu",
    ]
    # the Caf de Saône-et-Loire paid its half of the mission (the whole is the CU's) and the
    # CEJ payments: 20 000 + 1 350 000
    assert keys(data["caf71"]) == {
        "ingenierie-ctg-creusot-montceau-part-caf",
        "caf-71-versements-cej-creusot-montceau",
    }
    assert (data["caf71"]["total"]["amount"], data["caf71"]["total"]["qualifier"]) == (
        1_370_000,
        "ABOUT",
    )
    # the CU pays the mission (at most 40 000 € HT); its own half is part of it
    assert data["cu"]["total"] == {
        "amount": 40_000,
        "qualifier": "AT_MOST",
        "counted": ["ingenierie-ctg-creusot-montceau"],
        "sharesLeftOut": ["ingenierie-ctg-creusot-montceau-part-cu"],
    }
    # a share without its whole in the list is counted
    assert (data["toCc"]["total"]["amount"], data["toCc"]["total"]["qualifier"]) == (
        87_640,
        "MORE_THAN",
    )
    assert (
        keys(data["y2016"])
        == keys(data["cantal"])
        == {
            "caf-15-prestations-2016-territoire-saint-flour",
            "caf-15-prestations-2016-cc-saint-flour",
        }
    )
    assert data["y2016"]["total"]["amount"] == 626_000
    assert keys(data["cu71"]) == {"ingenierie-ctg-creusot-montceau"}
    assert data["partner"]["fundings"]["total"] == {"amount": 626_000, "qualifier": "MORE_THAN"}
    nord = data["contract"]["fundings"]
    assert nord["totalCount"] == 3
    assert nord["total"]["amount"] == 40_000
    assert {e["provenance"]["certainty"] for e in nord["edges"]} == {"STATED"}


def test_a_fundings_links_carry_their_provenance(seeded: Neo4jConnection) -> None:
    funding = global_id("Funding", "ingenierie-ctg-creusot-montceau-part-caf")
    data = ask(
        seeded,
        f'{{ node(id: "{funding}") {{ ... on Funding {{ links {{ relation key'
        " provenance { certainty reason inferredFields } } } } }",
    )
    links = {(link["relation"], link["key"]): link["provenance"] for link in data["node"]["links"]}
    assert links[("PAID_BY", "caf-71")]["certainty"] == "STATED"
    payee = links[("PAID_TO", "cu-creusot-montceau")]
    assert payee["certainty"] == "INFERRED"
    assert "pays its share to the CU is inferred" in payee["reason"]
    assert payee["inferredFields"] == []  # the amount's note stays on the funding
    assert links[("SHARE_OF", "ingenierie-ctg-creusot-montceau")]["certainty"] == "STATED"


def test_a_to_one_link_says_how_sure_it_is(seeded: Neo4jConnection) -> None:
    data = ask(
        seeded,
        '{ contract(key: "ctg-saint-flour-2017") { bodies { edges { node {'
        " organisation { key } organisationProvenance { certainty reason } } } } } }",
    )
    (copil,) = edges(data["contract"]["bodies"])
    assert copil["node"]["organisation"] == {"key": "cc-saint-flour"}
    provenance = copil["node"]["organisationProvenance"]
    assert provenance["certainty"] == "INFERRED"
    assert "two commissions of Saint-Flour Communauté" in provenance["reason"]
