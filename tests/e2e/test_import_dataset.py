"""``importDataset`` over HTTP: one dataset's YAML loaded like ``ctg load partnerships``
(read back by GraphQL), and every refusal (problems at their lines, a dataset already
in the graph, no token) writes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from neo4j import Driver

from graph.settings import Neo4jConnection
from tests.conftest import graph_snapshot
from tests.e2e.conftest import connection_env, reference_only, running_api

TOKEN = "import-e2e-token-0123456789"
AUTH = {"authorization": f"Bearer {TOKEN}"}

DATASET = """\
format: ctg-graph/dataset@1
dataset:
  key: revue-essai
  title: Essai de la page de revue
  updated: 2026-12-01
default_source: article-revue-essai
sources:
  - key: article-revue-essai
    title: La Caf du Cantal signe sa première CTG
    date: 2018-01-19
partners:
  - key: caf-15-revue
    kind: caf
    name: Caf du Cantal (revue)
    serves:
      - territory: {departement: "15"}
contracts:
  - key: ctg-revue-essai
    kind: ctg
    title: CTG de Saint-Flour Communauté (revue)
    status: signed
    signatories:
      - partner: caf-15-revue
        role: signataire
    covers:
      - territory: {epci: "200066660"}
"""

IMPORT = """mutation($yaml: String!, $replace: Boolean) {
  importDataset(yaml: $yaml, replace: $replace) {
    __typename
    ... on DatasetImported { key changed nodes relationships nodesCreated nodesDeleted }
    ... on DatasetRefused { message code problems { line field message } }
  }
}"""

CONTRACT = """{ contract(key: "ctg-revue-essai") {
  title kindCode
  territories { edges { node { code } } }
  signatories { edges { partner { key } } } } }"""


@pytest.fixture(scope="module")
def api(
    driver: Driver, neo4j_connection: Neo4jConnection, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[httpx.Client]:
    reference_only(driver, neo4j_connection)
    env = {**connection_env(neo4j_connection), "CTG_API_TOKENS": f"camille={TOKEN}"}
    with running_api(env, tmp_path_factory.mktemp("import") / "uvicorn.log") as client:
        yield client


def import_dataset(api: httpx.Client, yaml: str, replace: bool = False) -> dict[str, Any]:
    response = api.post(
        "/graphql",
        json={"query": IMPORT, "variables": {"yaml": yaml, "replace": replace}},
        headers=AUTH,
        timeout=120,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body["errors"]
    result: dict[str, Any] = body["data"]["importDataset"]
    return result


def read(api: httpx.Client, query: str) -> dict[str, Any]:
    body = api.post("/graphql", json={"query": query}).json()
    assert "errors" not in body, body["errors"]
    data: dict[str, Any] = body["data"]
    return data


def test_a_dataset_is_saved_reads_back_and_a_second_save_is_refused(
    api: httpx.Client, driver: Driver
) -> None:
    saved = import_dataset(api, DATASET)
    assert saved["__typename"] == "DatasetImported", saved
    assert saved["key"] == "revue-essai"
    assert saved["changed"] is True
    assert saved["nodesCreated"] >= 3  # the source, the partner, the contract
    contract = read(api, CONTRACT)["contract"]
    assert contract["title"] == "CTG de Saint-Flour Communauté (revue)"
    assert contract["kindCode"] == "ctg"
    assert [e["node"]["code"] for e in contract["territories"]["edges"]] == ["200066660"]
    assert [e["partner"]["key"] for e in contract["signatories"]["edges"]] == ["caf-15-revue"]

    # the same dataset again: in the graph already, from another import: refused
    before = graph_snapshot(driver)
    again = import_dataset(api, DATASET.replace("(revue)\n    status", "(revue 2)\n    status"))
    assert again["__typename"] == "DatasetRefused", again
    assert "revue-essai" in again["message"]
    assert "replace" in again["message"].lower()
    assert graph_snapshot(driver) == before
    # … unless replace says so
    replaced = import_dataset(
        api, DATASET.replace("(revue)\n    status", "(revue 2)\n    status"), replace=True
    )
    assert replaced["__typename"] == "DatasetImported", replaced
    assert read(api, CONTRACT)["contract"]["title"] == "CTG de Saint-Flour Communauté (revue 2)"


def test_an_invalid_dataset_lists_its_problems_at_their_lines_and_writes_nothing(
    api: httpx.Client, driver: Driver
) -> None:
    before = graph_snapshot(driver)
    broken = (
        DATASET.replace("kind: ctg", "kind: contrat-inconnu")
        .replace('{epci: "200066660"}', '{epci: "999999999"}')
        .replace("key: revue-essai", "key: revue-cassee")
    )
    refused = import_dataset(api, broken)
    assert refused["__typename"] == "DatasetRefused", refused
    assert refused["code"] == "BAD_USER_INPUT"
    assert "nothing was written" in refused["message"]
    lines = {p["line"] for p in refused["problems"]}
    assert broken.splitlines().index("    kind: contrat-inconnu") + 1 in lines
    assert any("999999999" in p["message"] for p in refused["problems"]), refused["problems"]
    assert graph_snapshot(driver) == before


def test_saving_needs_a_token(api: httpx.Client, driver: Driver) -> None:
    before = graph_snapshot(driver)
    response = api.post(
        "/graphql",
        json={"query": IMPORT, "variables": {"yaml": DATASET.replace("revue-essai", "x-y")}},
    )
    assert response.status_code == 401
    assert "API token" in response.json()["errors"][0]["message"]
    assert graph_snapshot(driver) == before
