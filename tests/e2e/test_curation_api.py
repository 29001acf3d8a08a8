"""Curating the graph over HTTP with a token: every kind of change lands with its source
and author and reads back; every refusal is typed and writes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from neo4j import Driver

from graph.settings import Neo4jConnection
from tests.conftest import graph_snapshot, load_seed_graph
from tests.e2e.conftest import connection_env, running_api

TOKEN = "curator-e2e-token-0123456789"
AUTH = {"authorization": f"Bearer {TOKEN}"}
SOURCE = '{source: "note-terrain-2024"}'


@pytest.fixture(scope="module")
def api(
    driver: Driver, neo4j_connection: Neo4jConnection, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[httpx.Client]:
    load_seed_graph(driver, neo4j_connection.database)
    env = {**connection_env(neo4j_connection), "CTG_API_TOKENS": f"camille={TOKEN}"}
    with running_api(env, tmp_path_factory.mktemp("curation") / "uvicorn.log") as client:
        yield client


def mutate(api: httpx.Client, mutation: str) -> dict[str, Any]:
    response = api.post("/graphql", json={"query": mutation}, headers=AUTH)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body["errors"]
    data: dict[str, Any] = body["data"]
    return data


def read(api: httpx.Client, query: str) -> dict[str, Any]:
    body = api.post("/graphql", json={"query": query}).json()
    assert "errors" not in body, body["errors"]
    data: dict[str, Any] = body["data"]
    return data


ERRORS = """__typename ... on MutationError { message code }
            ... on InvalidInput { problems { field message code } }
            ... on OwnedByDataset { dataset }"""


COVERED_2024 = '{ coverage(scope: "15", on: "2024-06-01") { communesCovered } }'


def test_a_curation_session_lands_reads_back_and_can_be_undone(
    api: httpx.Client, driver: Driver
) -> None:
    before = graph_snapshot(driver)
    # nothing covers the Cantal in 2024 in the seeds (and this projection is now cached)
    assert read(api, COVERED_2024)["coverage"]["communesCovered"] == 0
    created = mutate(
        api,
        f"""mutation {{
          s: createSource(input: {{key: "note-terrain-2024", title: "Note de terrain",
                                  date: "2024-03-01"}}) {{ {ERRORS} }}
          p: createPartner(input: {{key: "msa-auvergne", kind: MSA, name: "MSA Auvergne",
                                   serves: [{{departement: "15"}}]}}, provenance: {SOURCE}) {{
            {ERRORS} ... on PartnerSaved {{ partner {{ key provenance {{ dataset curatedBy }} }} }}
          }}
          c: createContract(input: {{key: "ctg-pays-de-murat-2023", kind: "ctg",
               title: "CTG du Pays de Murat", start: "2023-01-01", end: "2026-12-31",
               signatories: [{{partner: "caf-15", role: "signataire"}},
                             {{partner: "msa-auvergne"}}],
               covers: [{{commune: "15138"}}]}}, provenance: {SOURCE}) {{ {ERRORS} }}
          a: createAxis(contract: "ctg-pays-de-murat-2023", number: 1, title: "Familles",
                        provenance: {SOURCE}) {{ {ERRORS} }}
          f: createAction(input: {{contract: "ctg-pays-de-murat-2023", axis: 1, number: 1,
                                  title: "Un relais petite enfance", themes: ["petite-enfance"],
                                  lead: "msa-auvergne"}}, provenance: {SOURCE}) {{ {ERRORS} }}
          t: tagAction(action: "ctg-pays-de-murat-2023-fa-1", theme: "parentalite",
                       provenance: {{source: "note-terrain-2024", certainty: INFERRED,
                                    reason: "a relais also supports parents"}}) {{ {ERRORS} }}
          g: addSignatory(contract: "ctg-saint-flour-2017", signatory: {{partner: "msa-auvergne",
                          role: "partenaire associé"}}, provenance: {SOURCE}) {{ {ERRORS} }}
        }}""",
    )
    assert {v["__typename"] for v in created.values()} == {
        "SourceSaved", "PartnerSaved", "ContractSaved", "AxisSaved", "ActionSaved",
    }, created  # fmt: skip
    assert created["p"]["partner"]["provenance"] == {"dataset": "curation", "curatedBy": "camille"}

    contract = read(
        api,
        """{ contract(key: "ctg-pays-de-murat-2023") {
              title provenance { curatedBy sources { title } }
              signatories { edges { partner { key } role } }
              axes { edges { node { actions { edges { node {
                themes { edges { node { code } } } lead { key } } } } } } }
            }
            territory(code: "15138") { ... on Commune { contracts(activeOn: "2024-06-01") {
              edges { reach node { key } } } } }
            saintFlour: contract(key: "ctg-saint-flour-2017") {
              signatories { edges { partner { key } provenance { curatedBy certainty } } } } }""",
    )
    murat = contract["contract"]
    assert murat["provenance"] == {
        "curatedBy": "camille",
        "sources": [{"title": "Note de terrain"}],
    }
    assert {e["partner"]["key"] for e in murat["signatories"]["edges"]} == {
        "caf-15",
        "msa-auvergne",
    }
    (action,) = [a["node"] for x in murat["axes"]["edges"] for a in x["node"]["actions"]["edges"]]
    assert {t["node"]["code"] for t in action["themes"]["edges"]} == {
        "petite-enfance",
        "parentalite",
    }
    assert action["lead"] == {"key": "msa-auvergne"}
    # the change shows in coverage at once, though the earlier projection was cached
    assert read(api, COVERED_2024)["coverage"]["communesCovered"] == 1
    assert contract["territory"]["contracts"]["edges"] == [
        {"reach": ["DIRECT"], "node": {"key": "ctg-pays-de-murat-2023"}}
    ]
    signatures = {
        e["partner"]["key"]: e["provenance"] for e in contract["saintFlour"]["signatories"]["edges"]
    }
    assert signatures["msa-auvergne"] == {"curatedBy": "camille", "certainty": "STATED"}
    assert signatures["caf-15"]["curatedBy"] is None  # the dataset's own signature

    undone = mutate(
        api,
        f"""mutation {{
          g: removeSignatory(contract: "ctg-saint-flour-2017", partner: "msa-auvergne") {{
            {ERRORS} }}
          c: deleteContract(key: "ctg-pays-de-murat-2023") {{
            {ERRORS} ... on Deleted {{ nodesDeleted }} }}
          p: deletePartner(key: "msa-auvergne") {{ {ERRORS} }}
          s: deleteSource(key: "note-terrain-2024") {{ {ERRORS} }}
        }}""",
    )
    assert undone["c"] == {"__typename": "Deleted", "nodesDeleted": 3}  # contract, axis, fiche
    assert {v["__typename"] for v in undone.values()} == {"ContractSaved", "Deleted"}
    assert graph_snapshot(driver) == before


REFUSALS = {
    'createPartner(input: {key: "caf-15", kind: CAF, name: "Doublon"}, provenance: '
    '{source: "article-caf15-ctg-saint-flour"})': ("AlreadyExists", "already exists"),
    'updatePartner(key: "caf-15", patch: {name: "Caf"}, provenance: '
    '{source: "article-caf15-ctg-saint-flour"})': ("OwnedByDataset", "saint-flour-ctg-2017"),
    'removeSignatory(contract: "ctg-saint-flour-2017", partner: "caf-15")': (
        "OwnedByDataset",
        "change its dataset file",
    ),
    'deleteContract(key: "cej-saint-flour")': ("OwnedByDataset", "reload it"),
    'addSignatory(contract: "no-such-contract", signatory: {partner: "caf-15"}, provenance: '
    '{source: "article-caf15-ctg-saint-flour"})': ("NotFound", "no-such-contract"),
    'addCoverage(contract: "cej-saint-flour", territory: {commune: "15999"}, provenance: '
    '{source: "article-caf15-ctg-saint-flour"})': ("InvalidInput", "15999"),
    'tagAction(action: "ctg-saint-flour-2017-fa-2", theme: "mobilty", provenance: '
    '{source: "article-caf15-ctg-saint-flour"})': ("InvalidInput", "did you mean 'mobilite'"),
    'createContract(input: {key: "ctg-x", kind: "ctg", title: "X", start: "2024-01-01", '
    'end: "2023-01-01"}, provenance: {source: "article-caf15-ctg-saint-flour"})': (
        "InvalidInput",
        "the end 2023-01-01 is before the start 2024-01-01; write an end on or after the start",
    ),
    'createPartner(input: {key: "x", kind: OTHER, name: "X"}, provenance: {source: "nope"})': (
        "InvalidInput",
        "no source has key 'nope'",
    ),
    'createPartner(input: {key: "Not A Key", kind: OTHER, name: "X"}, provenance: '
    '{source: "article-caf15-ctg-saint-flour"})': ("InvalidInput", "should match pattern"),
    'createPartner(input: {key: "x", kind: OTHER, name: "X"}, provenance: '
    '{source: "article-caf15-ctg-saint-flour", certainty: INFERRED})': (
        "InvalidInput",
        "needs a `reason`",
    ),
}


REFUSAL_CODES = {
    "AlreadyExists": "ALREADY_EXISTS",
    "OwnedByDataset": "OWNED_BY_DATASET",
    "NotFound": "NOT_FOUND",
    "InvalidInput": "BAD_USER_INPUT",
}


@pytest.mark.parametrize("mutation", list(REFUSALS))
def test_expected_failures_are_typed_results_and_write_nothing(
    api: httpx.Client, driver: Driver, mutation: str
) -> None:
    before = graph_snapshot(driver)
    (result,) = mutate(api, f"mutation {{ {mutation} {{ {ERRORS} }} }}").values()
    typename, words = REFUSALS[mutation]
    assert result["__typename"] == typename, result
    # the code a client branches on, the same as a GraphQL error's extensions.code
    assert result["code"] == REFUSAL_CODES[typename]
    assert all(p["code"] == "BAD_USER_INPUT" for p in result.get("problems", []))
    text = result["message"] + " ".join(p["message"] for p in result.get("problems", []))
    text += result.get("dataset", "")
    assert words in text
    assert graph_snapshot(driver) == before


def test_without_a_token_a_mutation_is_401_and_writes_nothing(
    api: httpx.Client, driver: Driver
) -> None:
    before = graph_snapshot(driver)
    query = 'mutation { deleteSource(key: "article-caf15-ctg-saint-flour") { __typename } }'
    response = api.post("/graphql", json={"query": query})
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"] == {"code": "UNAUTHENTICATED"}
    expired = api.post("/graphql", json={"query": query}, headers={"authorization": "Bearer x"})
    assert expired.status_code == 401
    assert expired.json()["errors"][0]["extensions"] == {"code": "UNAUTHENTICATED"}
    assert graph_snapshot(driver) == before


def test_sources_axes_and_fundings_can_be_changed_and_dataset_ones_cannot(
    api: httpx.Client, driver: Driver
) -> None:
    before = graph_snapshot(driver)
    made = mutate(
        api,
        f"""mutation {{
          s: createSource(input: {{key: "note-terrain-2024", title: "Note"}}) {{ {ERRORS} }}
          c: createContract(input: {{key: "cej-murat", kind: "cej", title: "CEJ de Murat"}},
                            provenance: {SOURCE}) {{ {ERRORS} }}
          a: createAxis(contract: "cej-murat", number: 1, title: "Axe", provenance: {SOURCE}) {{
            {ERRORS} }}
          f: createFunding(input: {{key: "murat-2024", payer: "caf-15", amount: 1000,
                                   year: 2024, contracts: ["cej-murat"]}},
                           provenance: {SOURCE}) {{ {ERRORS} }}
          us: updateSource(key: "note-terrain-2024", patch: {{title: "Note de terrain",
                           date: "2024-03-01"}}) {{
            {ERRORS} ... on SourceSaved {{ source {{ title date }} }} }}
          ua: updateAxis(key: "cej-murat-axe-1", title: "Petite enfance",
                         provenance: {SOURCE}) {{
            {ERRORS} ... on AxisSaved {{ axis {{ title }} }} }}
          uf: updateFunding(key: "murat-2024", patch: {{amount: 40000, amountQualifier: AT_MOST}},
                            provenance: {SOURCE}) {{
            {ERRORS} ... on FundingSaved {{ funding {{ amount amountQualifier year
                                                    payer {{ key }} }} }} }}
          bad: updateFunding(key: "murat-2024", patch: {{share: 2}}, provenance: {SOURCE}) {{
            {ERRORS} }}
          ds: updateSource(key: "article-caf15-ctg-saint-flour", patch: {{title: "X"}}) {{
            {ERRORS} }}
        }}""",
    )
    assert made["us"]["source"] == {"title": "Note de terrain", "date": "2024-03-01"}
    assert made["ua"]["axis"] == {"title": "Petite enfance"}
    assert made["uf"]["funding"] == {
        "amount": 40000.0, "amountQualifier": "AT_MOST", "year": 2024, "payer": {"key": "caf-15"},
    }  # fmt: skip
    assert made["bad"]["__typename"] == "InvalidInput"
    assert made["ds"]["__typename"] == "OwnedByDataset"
    undone = mutate(
        api,
        f"""mutation {{
          f: deleteFunding(key: "murat-2024") {{ {ERRORS} }}
          c: deleteContract(key: "cej-murat") {{ {ERRORS} }}
          s: deleteSource(key: "note-terrain-2024") {{ {ERRORS} }}
        }}""",
    )
    assert {v["__typename"] for v in undone.values()} == {"Deleted"}
    assert graph_snapshot(driver) == before
