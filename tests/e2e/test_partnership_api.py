"""The partnership graph through the GraphQL API, over HTTP, on the seed data: what a
researcher asks (docs/api.md), pagination, filters, search, ids and errors."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from neo4j import Driver

from graph.settings import Neo4jConnection
from loaders.reference import read_reference
from tests.conftest import REFERENCE_EXTRACT, load_seed_graph
from tests.e2e.conftest import connection_env, start_api, stop_api


@pytest.fixture(scope="module")
def api(
    driver: Driver, neo4j_connection: Neo4jConnection, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[httpx.Client]:
    """An API over the Cantal and Saône-et-Loire and the two seed datasets."""
    load_seed_graph(driver, neo4j_connection.database)
    log = tmp_path_factory.mktemp("api") / "uvicorn.log"
    process, base = start_api(connection_env(neo4j_connection), log)
    try:
        with httpx.Client(base_url=base, timeout=30) as client:
            yield client
    finally:
        stop_api(process)


def ask(api: httpx.Client, query: str, **variables: Any) -> dict[str, Any]:
    """The ``data`` of a query that must succeed."""
    body = call(api, query, **variables)
    assert "errors" not in body, body["errors"]
    data: dict[str, Any] = body["data"]
    return data


def call(api: httpx.Client, query: str, **variables: Any) -> dict[str, Any]:
    response = api.post("/graphql", json={"query": query, "variables": variables})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def nodes(connection: dict[str, Any]) -> list[Any]:
    return [edge["node"] for edge in connection["edges"]]


def error_of(api: httpx.Client, query: str, **variables: Any) -> str:
    body = call(api, query, **variables)
    assert body.get("errors"), body
    message: str = body["errors"][0]["message"]
    return message


# -- the examples of docs/api.md ----------------------------------------------------------
SAINT_FLOUR_CTG = """
{
  contracts(filter: {kinds: ["ctg"], signedBy: ["cc-saint-flour"]}) {
    totalCount
    edges { node {
      key title status signedOn start end
      provenance { certainty sources { title } }
      signatories { edges { partner { key } role signedOn people { name }
                            provenance { certainty } } }
      territories { edges { node { code name kind } } }
      axes { edges { node { number title actions { totalCount } } } }
      actions(first: 50) { totalCount edges { node {
        number title themes { edges { node { code } } } } } }
      declines { edges { node { key } } }
      succeeds { edges { node { key kindCode } } }
      bodies { edges { node { name members { totalCount } } } }
    } }
  }
}
"""


def test_everything_about_saint_flour_communautes_ctg(api: httpx.Client) -> None:
    result = ask(api, SAINT_FLOUR_CTG)["contracts"]
    assert result["totalCount"] == 1
    ctg = nodes(result)[0]
    assert ctg["key"] == "ctg-saint-flour-2017"
    assert (ctg["status"], ctg["signedOn"], ctg["start"], ctg["end"]) == (
        "SIGNED", "2018-01-19", "2017-01-01", "2020-12-31",
    )  # fmt: skip
    assert ctg["provenance"]["sources"][0]["title"].startswith("La Caf du Cantal signe")
    signatories = {e["partner"]["key"]: e for e in ctg["signatories"]["edges"]}
    assert set(signatories) == {"caf-15", "cc-saint-flour"}
    assert {p["name"] for p in signatories["caf-15"]["people"]} == {
        "Bernadette Ginez",
        "Pascal Pons",
    }
    assert signatories["cc-saint-flour"]["signedOn"] == "2018-01-19"
    assert nodes(ctg["territories"]) == [
        {"code": "200066660", "name": "CC de Saint-Flour", "kind": "EPCI"}
    ]
    axes = nodes(ctg["axes"])
    assert [a["number"] for a in axes] == [1, 2, 3]
    assert sum(a["actions"]["totalCount"] for a in axes) == 10
    actions = nodes(ctg["actions"])
    assert ctg["actions"]["totalCount"] == len(actions) == 10
    assert [a["number"] for a in actions] == sorted(a["number"] for a in actions)
    themes = {a["number"]: {t["code"] for t in nodes(a["themes"])} for a in actions}
    assert themes[2] == {"mobilite"}
    assert themes[19] == {"petite-enfance"}
    assert {d["key"] for d in nodes(ctg["declines"])} >= {"ccs-saint-flour-2017"}
    assert nodes(ctg["succeeds"]) == [{"key": "cej-saint-flour", "kindCode": "cej"}]
    assert nodes(ctg["bodies"]), "the comité de pilotage steers it"


MONTCEAU = """
{ territory(code: "71306") { name ... on Commune {
    contracts { totalCount edges { reach via { territory { code } reach }
                                   node { key kindCode status } } }
} } }
"""


def test_contracts_reaching_montceau_through_its_urban_community_and_basin(
    api: httpx.Client,
) -> None:
    commune = ask(api, MONTCEAU)["territory"]
    assert commune["name"] == "Montceau-les-Mines"
    reach = {e["node"]["key"]: e["reach"] for e in commune["contracts"]["edges"]}
    assert reach == {
        "cej-71-montceau-les-mines": ["DIRECT"],
        "ctg-creusot-montceau-sud": ["THROUGH_SUB_TERRITORY"],
    }  # the partners' charter and the PLUi-H frame contracts: they cover no commune
    via = {
        e["node"]["key"]: e["via"][0]["territory"]["code"] for e in commune["contracts"]["edges"]
    }
    assert via["ctg-creusot-montceau-sud"] == "cucm-bassin-sud"
    # the north basin's CTG does not reach a commune of the south basin
    assert "ctg-creusot-montceau-nord" not in reach


CAF_CANTAL = """
{ partner(key: "caf-15") {
    name kind
    partners { edges { node { key } sharedContracts contractKeys } }
    contracts { edges { role node { key } } }
    people { edges { person { name } title role asOf } }
} }
"""


def test_partners_of_the_caf_du_cantal(api: httpx.Client) -> None:
    caf = ask(api, CAF_CANTAL)["partner"]
    assert caf["kind"] == "CAF"
    partners = caf["partners"]["edges"]
    assert [p["node"]["key"] for p in partners] == ["cc-saint-flour"]
    assert partners[0]["sharedContracts"] == 2
    assert set(partners[0]["contractKeys"]) == {"ctg-saint-flour-2017", "cej-saint-flour"}
    assert {e["node"]["key"] for e in caf["contracts"]["edges"]} == {
        "ctg-saint-flour-2017",
        "cej-saint-flour",
    }
    posts = {e["person"]["name"]: (e["role"], e["asOf"]) for e in caf["people"]["edges"]}
    assert posts == {
        "Bernadette Ginez": ("president", "2018-01-19"),
        "Pascal Pons": ("director", "2018-01-19"),
    }


THEMES_IN = """
query ($code: String!) {
  statistics(covering: $code) {
    byTheme { key label contracts actions }
    byKind { key contracts }
    byDepartement { key label contracts }
  }
}
"""


def test_themes_covered_in_saone_et_loire_and_in_the_cantal(api: httpx.Client) -> None:
    saone = ask(api, THEMES_IN, code="71")["statistics"]
    # the seed's Saône-et-Loire contracts (13 CEJ, two CTGs in preparation) list no fiche
    assert all(t["actions"] == 0 for t in saone["byTheme"])
    assert {k["key"]: k["contracts"] for k in saone["byKind"]} == {
        "cej": 13, "ctg": 2,
    }  # fmt: skip
    assert saone["byDepartement"] == [{"key": "71", "label": "Saône-et-Loire", "contracts": 15}]
    cantal = ask(api, THEMES_IN, code="15")["statistics"]
    themes = {t["key"]: (t["contracts"], t["actions"]) for t in cantal["byTheme"]}
    # the CTG's fiches are the cohesion contract's (it englobes them): both contracts count
    assert themes["jeunesse"] == (2, 2)
    assert themes["petite-enfance"] == (2, 1)
    assert themes["sante"] == (0, 0)
    assert cantal["byTheme"][0]["key"] == "jeunesse"  # most fiches first among equals


# -- pagination ---------------------------------------------------------------------------
COMMUNES_PAGE = """
query ($after: String, $before: String, $first: Int, $last: Int, $sort: TerritorySort!) {
  territories(within: "71", kinds: [COMMUNE], sort: $sort,
              first: $first, after: $after, last: $last, before: $before) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { code population } }
  }
}
"""


def walk(api: httpx.Client, sort: str, size: int, backward: bool = False) -> list[Any]:
    seen: list[Any] = []
    cursor = None
    while True:
        if backward:
            page = ask(api, COMMUNES_PAGE, last=size, before=cursor, sort=sort)["territories"]
            seen[:0] = nodes(page)
            if not page["pageInfo"]["hasPreviousPage"]:
                return seen
            cursor = page["pageInfo"]["startCursor"]
        else:
            page = ask(api, COMMUNES_PAGE, first=size, after=cursor, sort=sort)["territories"]
            seen.extend(nodes(page))
            if not page["pageInfo"]["hasNextPage"]:
                return seen
            cursor = page["pageInfo"]["endCursor"]


def test_pagination_walks_a_long_list_with_no_gap_or_repeat(api: httpx.Client) -> None:
    expected = {c.code for c in read_reference(REFERENCE_EXTRACT, ["71"]).communes}
    forward = walk(api, "CODE", 37)
    codes = [c["code"] for c in forward]
    assert len(codes) == len(set(codes)) == len(expected)
    assert set(codes) == expected
    assert codes == sorted(codes)
    assert walk(api, "CODE", 50, backward=True) == forward
    by_population = walk(api, "POPULATION_DESC", 100)
    populations = [c["population"] or -1 for c in by_population]
    assert populations == sorted(populations, reverse=True)
    assert len(by_population) == len(expected)
    total = ask(api, COMMUNES_PAGE, first=1, sort="NAME")["territories"]["totalCount"]
    assert total == len(expected)


def test_a_cursor_names_an_item_not_an_offset(api: httpx.Client) -> None:
    page = ask(api, COMMUNES_PAGE, first=3, sort="CODE")["territories"]
    cursor = page["edges"][-1]["cursor"]
    decoded = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    assert page["edges"][-1]["node"]["code"] in decoded
    assert "3" not in json.loads(decoded)[:1]  # the sort, then the value and the id


def test_bad_page_arguments_get_clear_errors(api: httpx.Client) -> None:
    assert "between 0 and 100" in error_of(api, COMMUNES_PAGE, first=101, sort="NAME")
    assert "not a cursor" in error_of(api, COMMUNES_PAGE, first=5, after="bm9wZQ", sort="NAME")
    cursor = ask(api, COMMUNES_PAGE, first=1, sort="CODE")["territories"]["pageInfo"]
    message = error_of(api, COMMUNES_PAGE, first=5, after=cursor["endCursor"], sort="NAME")
    assert "sorted by CODE" in message
    both = error_of(api, COMMUNES_PAGE, first=5, last=5, sort="NAME")
    assert "not both" in both


# -- filters and search ----------------------------------------------------------------------
CONTRACTS = """
query ($filter: ContractFilter, $covering: String, $coveringKind: TerritoryKind,
       $sort: ContractSort! = NAME) {
  contracts(filter: $filter, covering: $covering, coveringKind: $coveringKind, sort: $sort,
            first: 100) {
    totalCount edges { node { key } }
  }
}
"""


def keys(api: httpx.Client, **variables: Any) -> list[str]:
    result = ask(api, CONTRACTS, **variables)["contracts"]
    found = [n["key"] for n in nodes(result)]
    assert result["totalCount"] == len(found)
    return found


def test_contract_filters_combine(api: httpx.Client) -> None:
    everything = keys(api)
    assert len(everything) == 19  # the charter and the PLUi-H frame contracts, are none
    assert keys(api, filter={"kinds": ["cej"]}, covering="71306") == ["cej-71-montceau-les-mines"]
    assert set(keys(api, filter={"statuses": ["IN_PREPARATION"]})) == {
        "ctg-creusot-montceau-nord",
        "ctg-creusot-montceau-sud",
    }
    assert keys(api, filter={"activeOn": "2019-06-01"}, covering="15") == ["ctg-saint-flour-2017"]
    assert keys(api, filter={"activeOn": "2021-06-01"}) == []
    assert keys(api, filter={"themes": ["mobilite"]}) == [
        "ccs-saint-flour-2017",  # owns the fiche the CTG englobes
        "ctg-saint-flour-2017",
    ]
    assert keys(api, filter={"text": "BASSIN nord"}) == ["ctg-creusot-montceau-nord"]
    assert set(keys(api, filter={"signedBy": ["caf-15"]})) == {
        "ctg-saint-flour-2017",
        "cej-saint-flour",
    }
    # hierarchy-aware: the région holds the Cantal's contracts, the EPCI its own; a bare
    # two-digit code is a département (84 is the Vaucluse, where the seeds have nothing)
    assert set(keys(api, covering="84", coveringKind="REGION")) == set(keys(api, covering="15"))
    assert keys(api, covering="84") == []
    assert len(keys(api, covering="247100290")) == 15  # 13 CEJ, 2 CTG
    assert keys(api, filter={"kinds": ["ctg"], "themes": ["jeunesse"]}, covering="71") == []


def test_unknown_codes_in_filters_are_named_with_the_valid_ones(api: httpx.Client) -> None:
    message = error_of(api, CONTRACTS, filter={"themes": ["jeunnesse"]})
    assert "unknown theme 'jeunnesse'" in message
    assert "jeunesse" in message
    assert "unknown contract kind" in error_of(api, CONTRACTS, filter={"kinds": ["ctj"]})
    assert "not a territory code" in error_of(api, CONTRACTS, covering="nowhere!")


SEARCH = """
query ($text: String!, $kinds: [SearchKind!]) {
  search(text: $text, kinds: $kinds, first: 5) {
    score node { __typename ... on Territory { code name } ... on Partner { key name }
                 ... on Contract { key title } }
  }
}
"""


def test_search_ignores_accents_and_case_and_ranks(api: httpx.Client) -> None:
    hits = ask(api, SEARCH, text="ecuisses")["search"]
    assert {h["node"].get("name") for h in hits[:2]} == {"Écuisses"}
    assert hits == sorted(hits, key=lambda h: -h["score"])
    epci = ask(api, SEARCH, text="saint flour", kinds=["EPCI"])["search"]
    assert epci[0]["node"] == {
        "__typename": "EPCI",
        "code": "200066660",
        "name": "CC de Saint-Flour",
    }
    alias = ask(api, SEARCH, text="Saint-Flour Communauté", kinds=["PARTNER"])["search"]
    assert alias[0]["node"]["key"] == "cc-saint-flour"
    typing = ask(api, SEARCH, text="montce", kinds=["COMMUNE"])["search"]
    names = [h["node"]["name"] for h in typing]
    assert "Montcenis" in names
    assert all(name.lower().startswith("montce") for name in names)
    assert ask(api, SEARCH, text="  ?! ")["search"] == []


# -- ids ----------------------------------------------------------------------------------------
def test_every_node_can_be_fetched_again_by_its_id(api: httpx.Client) -> None:
    ids = ask(
        api,
        """{ contract(key: "ctg-saint-flour-2017") {
              id kind { id } signatories { edges { partner { id } people { id } } }
              territories { edges { node { id } } } axes { edges { node { id } } }
              actions(first: 1) { edges { node { id themes { edges { node { id } } } } } }
              bodies { edges { node { id } } } provenance { sources { id } } }
            territory(code: "15187") { id ... on Commune { departement { id } region { id } } }
            sub: search(text: "bassin nord", kinds: [SUB_TERRITORY]) { node { id } } }""",
    )
    found = set(_ids(ids))
    assert len(found) >= 12
    again = ask(
        api,
        "query ($ids: [ID!]!) { nodes(ids: $ids) { id __typename } }",
        ids=sorted(found),
    )["nodes"]
    assert [n["id"] for n in again] == sorted(found)
    assert {n["__typename"] for n in again} >= {
        "Contract", "ContractKind", "Partner", "Person", "EPCI", "Axis", "Action", "Theme",
        "Body", "Source", "Commune", "Departement", "Region", "SubTerritory",
    }  # fmt: skip


def _ids(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "id":
                yield item
            else:
                yield from _ids(item)
    elif isinstance(value, list):
        for item in value:
            yield from _ids(item)


def test_unknown_and_malformed_ids(api: httpx.Client) -> None:
    unknown = base64.urlsafe_b64encode(b"Contract:no-such-contract").decode()
    assert ask(api, "query ($id: ID!) { node(id: $id) { id } }", id=unknown)["node"] is None
    message = error_of(api, '{ node(id: "%%%") { id } }')
    assert "not a node id" in message


# -- coverage analyses ---------------------------------------------------------------------
COVERAGE = """
query ($on: Date!) {
  coverage(scope: "15", on: $on) {
    communesTotal communesCovered shareCommunes populationCovered sharePopulation
    byEpci { code coveredCommunes } uncoveredEpcis
    communes(covered: true, first: 20) { totalCount edges { node { code contracts } } }
  }
  themeCoverage(scope: "200066660", on: $on) { gapCount byEpci { epci themes } }
  coverageTimeline(scope: "15", start: "2016-06-01", end: "2021-06-01") {
    on communesCovered communesUnknown
  }
  partnerNetwork { components partners(first: 100) { edges { node { partner component } } } }
}
"""


def test_coverage_of_the_cantal_through_graphql(api: httpx.Client) -> None:
    data = ask(api, COVERAGE, on="2019-06-01")
    coverage = data["coverage"]
    assert (coverage["communesTotal"], coverage["communesCovered"]) == (250, 53)
    assert coverage["shareCommunes"] == pytest.approx(0.212)
    assert 0 < coverage["sharePopulation"] < 1
    epcis = {e["code"]: e["coveredCommunes"] for e in coverage["byEpci"]}
    assert epcis["200066660"] == 53
    assert "200066660" not in coverage["uncoveredEpcis"]
    assert coverage["communes"]["totalCount"] == 53
    assert {tuple(n["contracts"]) for n in nodes(coverage["communes"])} == {
        ("ctg-saint-flour-2017",)
    }
    assert data["themeCoverage"]["gapCount"] == 0
    assert len(data["themeCoverage"]["byEpci"][0]["themes"]) == 12
    timeline = {
        p["on"]: (p["communesCovered"], p["communesUnknown"]) for p in data["coverageTimeline"]
    }
    # « 2017-2020 » is known to the year: certainly covered in 2018 and 2019 only; the
    # undated CEJ of Saint-Flour leaves its 53 communes unknown on every other day
    assert timeline == {
        "2016-06-01": (0, 53), "2017-06-01": (0, 53), "2018-06-01": (53, 0),
        "2019-06-01": (53, 0), "2020-06-01": (0, 53), "2021-06-01": (0, 53),
    }  # fmt: skip
    component = {n["partner"]: n["component"] for n in nodes(data["partnerNetwork"]["partners"])}
    assert component["caf-15"] != component["caf-71"]


def test_coverage_pages_and_refusals(api: httpx.Client) -> None:
    query = """query ($after: String) { coverage(scope: "15", on: "2019-06-01") {
                 communes(first: 100, after: $after) {
                   pageInfo { hasNextPage endCursor } edges { node { code } } } } }"""
    codes: list[str] = []
    cursor = None
    while True:
        page = ask(api, query, after=cursor)["coverage"]["communes"]
        codes += [n["code"] for n in nodes(page)]
        if not page["pageInfo"]["hasNextPage"]:
            break
        cursor = page["pageInfo"]["endCursor"]
    assert len(codes) == len(set(codes)) == 250
    assert "No commune in scope" in error_of(api, '{ coverage(scope: "99", on: "2019-06-01") '
                                                  "{ communesTotal } }")  # fmt: skip
    long = '{ coverageTimeline(start: "1900-01-01", end: "2100-01-01", step: MONTH) { on } }'
    assert "at most 400" in error_of(api, long)
