"""The territory query over HTTP, as a tool or a researcher would send it."""

from __future__ import annotations

import json
from typing import Any

import httpx

TERRITORY = """
query ($code: String!, $kind: TerritoryKind) {
  territory(code: $code, kind: $kind) {
    code name kind population vintage
    ... on Commune {
      siren postalCodes
      departement { code name region { code name } }
      region { code name }
      epci {
        code name epciType memberCount
        members(first: 100) { totalCount edges { node { code name } } }
      }
    }
    ... on EPCI {
      epciType memberCount
      members(first: 100) { edges { node { code name } } }
      departements { edges { node { code name } memberCommunes } }
    }
    ... on Departement { region { code name } }
    ... on Region { departements(first: 100) { edges { node { code } } } }
  }
}
"""


def nodes(connection: dict[str, Any]) -> list[Any]:
    return [edge["node"] for edge in connection["edges"]]


def graphql(api: httpx.Client, query: str, **variables: Any) -> dict[str, Any]:
    response = api.post("/graphql", json={"query": query, "variables": variables})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_saint_flour_with_its_departement_region_and_community(api: httpx.Client) -> None:
    body = graphql(api, TERRITORY, code="15187")
    assert "errors" not in body
    commune = body["data"]["territory"]
    assert (commune["name"], commune["kind"], commune["vintage"]) == (
        "Saint-Flour",
        "COMMUNE",
        2026,
    )
    assert commune["population"] > 6000
    assert commune["departement"]["name"] == "Cantal"
    assert commune["departement"]["region"]["name"] == "Auvergne-Rhône-Alpes"
    assert commune["region"]["code"] == "84"
    epci = commune["epci"]
    assert (epci["code"], epci["epciType"], epci["memberCount"]) == ("200066660", "CC", 53)
    assert len(nodes(epci["members"])) == epci["members"]["totalCount"] == 53
    assert {"code": "15187", "name": "Saint-Flour"} in nodes(epci["members"])


def test_the_creusot_montceau_urban_community_has_34_members_sorted_by_name(
    api: httpx.Client,
) -> None:
    epci = graphql(api, TERRITORY, code="247100290")["data"]["territory"]
    assert (epci["kind"], epci["epciType"], epci["memberCount"]) == ("EPCI", "CU", 34)
    names = [m["name"] for m in nodes(epci["members"])]
    assert len(names) == 34
    # accents do not push Écuisses to the end: it sorts as "ecuisses"
    assert names.index("Écuisses") < names.index("Génelard") < names.index("Le Creusot")
    assert epci["departements"]["edges"] == [
        {"node": {"code": "71", "name": "Saône-et-Loire"}, "memberCommunes": 34}
    ]


def test_a_code_shared_by_a_region_and_a_departement_asks_for_a_kind(api: httpx.Client) -> None:
    body = graphql(api, TERRITORY, code="84")
    assert body["data"]["territory"] is None
    assert "pass kind: DEPARTEMENT or REGION" in body["errors"][0]["message"]
    region = graphql(api, TERRITORY, code="84", kind="REGION")["data"]["territory"]
    assert region["name"] == "Auvergne-Rhône-Alpes"
    assert {"code": "15"} in nodes(region["departements"])


def test_unknown_and_malformed_codes(api: httpx.Client) -> None:
    assert graphql(api, TERRITORY, code="99999")["data"]["territory"] is None
    body = graphql(api, TERRITORY, code="Saint-Flour")
    assert "is not a territory code" in body["errors"][0]["message"]


def test_get_queries_and_graphiql(api: httpx.Client) -> None:
    response = api.get("/graphql", params={"query": '{ territory(code: "15") { name } }'})
    assert response.json() == {"data": {"territory": {"name": "Cantal"}}}
    page = api.get("/graphql", headers={"accept": "text/html"})
    assert page.status_code == 200
    assert "graphiql" in page.text.lower()


def test_healthz_reports_neo4j_up(api: httpx.Client) -> None:
    response = api.get("/healthz")
    assert (response.status_code, response.json()["neo4j"]) == (200, "up")


def test_a_fan_out_bomb_is_stopped_with_one_clear_error(api: httpx.Client) -> None:
    # 53 members, each with the same 53 members, each with them again: 148 877 objects
    members = "members(first: 100) { edges { node { epci { %s } } } }"
    inner = "members(first: 100) { edges { node { name } } }"
    bomb = '{ territory(code: "15187") { ... on Commune { epci { %s } } } }' % (
        members % (members % inner)
    )
    body = graphql(api, bomb)
    assert len(body["errors"]) == 1
    # what came back before the stop (branches past it are null) stays within the budget
    assert body["data"] is None or json.dumps(body["data"]).count('"name"') <= 10_000
    assert "more than 10,000 objects" in body["errors"][0]["message"]


def test_deeper_queries_are_refused_before_they_run(api: httpx.Client) -> None:
    deep = '{ territory(code: "15187") { ... on Commune { epci { %s } } } }' % (
        "members { edges { node { epci { " * 4 + "name" + " } } } }" * 4
    )
    body = graphql(api, deep)
    assert body.get("data") is None
    assert "exceeds maximum operation depth" in body["errors"][0]["message"]


def test_an_unexpected_failure_leaks_no_internals(api: httpx.Client) -> None:
    response = api.post("/graphql", json={"query": "{ territory(code: 15187) { name } }"})
    message = response.json()["errors"][0]["message"]
    assert "Traceback" not in message
    assert "cypher" not in message.lower()
