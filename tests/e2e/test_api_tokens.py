"""Who may change the graph: a mutation needs a token from CTG_API_TOKENS, a wrong token
is refused for everything, and reads can be closed with CTG_API_READ_REQUIRES_TOKEN.

The mutation used here adds a source; tests/e2e/test_curation_api.py covers every
curation mutation.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from neo4j import Driver

from graph.settings import Neo4jConnection
from tests.e2e.conftest import connection_env, running_api, start_api

CURATOR_TOKEN = "curator-e2e-token-0123456789"
ANALYST_TOKEN = "analyst-e2e-token-9876543210"
TOKENS = f"curator={CURATOR_TOKEN},analyst={ANALYST_TOKEN}"
MUTATION = {
    "query": 'mutation { createSource(input: {key: "pwned", title: "Pwned"}) { __typename '
    "... on SourceSaved { source { key } } } }"
}
QUERY = {"query": "{ __typename }"}


def bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


@pytest.fixture(scope="module")
def guarded(
    neo4j_connection: Neo4jConnection, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[httpx.Client]:
    """An API with two tokens; reads open to all."""
    env = {**connection_env(neo4j_connection), "CTG_API_TOKENS": TOKENS}
    with running_api(env, tmp_path_factory.mktemp("api-tokens") / "uvicorn.log") as client:
        yield client


def node_count(driver: Driver, connection: Neo4jConnection) -> int:
    records, _, _ = driver.execute_query(
        "MATCH (n) RETURN count(n) AS n", database_=connection.database
    )
    return int(records[0]["n"])


def assert_unauthorized(response: httpx.Response, *words: str) -> None:
    assert response.status_code == 401, response.text
    assert response.headers["www-authenticate"].startswith("Bearer")
    body: dict[str, Any] = response.json()
    assert "data" not in body
    for word in words:
        assert word in body["errors"][0]["message"]


def test_a_mutation_without_a_token_is_401_and_writes_nothing(
    guarded: httpx.Client, driver: Driver, neo4j_connection: Neo4jConnection
) -> None:
    before = node_count(driver, neo4j_connection)
    assert_unauthorized(guarded.post("/graphql", json=MUTATION), "Authorization: Bearer")
    # hidden behind a query, or after it without an operation name: still a mutation
    sneaky = {
        "query": "query Q { __typename } " + MUTATION["query"].replace("mutation", "mutation M")
    }
    assert_unauthorized(guarded.post("/graphql", json=sneaky))
    assert_unauthorized(guarded.post("/graphql", json={**sneaky, "operationName": "M"}))
    assert node_count(driver, neo4j_connection) == before


def test_a_wrong_token_is_401_for_mutations_and_queries_alike(
    guarded: httpx.Client, driver: Driver, neo4j_connection: Neo4jConnection
) -> None:
    before = node_count(driver, neo4j_connection)
    for wrong in (
        bearer(CURATOR_TOKEN[:-1]),
        bearer(CURATOR_TOKEN + "0"),
        {"authorization": f"Basic {CURATOR_TOKEN}"},
        {"authorization": "Bearer"},
    ):
        for body in (MUTATION, QUERY):
            response = guarded.post("/graphql", json=body, headers=wrong)
            assert_unauthorized(response, "not carry a valid API token")
            assert 'error="invalid_token"' in response.headers["www-authenticate"]
    assert node_count(driver, neo4j_connection) == before


def test_a_valid_token_gets_a_mutation_written_in_its_name(
    guarded: httpx.Client, driver: Driver, neo4j_connection: Neo4jConnection
) -> None:
    driver.execute_query("MATCH (s:Source {key: 'pwned'}) DETACH DELETE s")
    response = guarded.post("/graphql", json=MUTATION, headers=bearer(CURATOR_TOKEN))
    assert response.status_code == 200, response.text
    assert response.json()["data"]["createSource"]["source"] == {"key": "pwned"}
    again = guarded.post("/graphql", json=MUTATION, headers=bearer(ANALYST_TOKEN))
    assert again.json()["data"]["createSource"]["__typename"] == "AlreadyExists"
    records, _, _ = driver.execute_query(
        "MATCH (s:Source {key: 'pwned'}) RETURN s.curatedBy AS by, s.dataset AS ds",
        database_=neo4j_connection.database,
    )
    assert [r.data() for r in records] == [{"by": "curator", "ds": "curation"}]
    driver.execute_query("MATCH (s:Source {key: 'pwned'}) DETACH DELETE s")


def test_queries_need_no_token_by_default(guarded: httpx.Client) -> None:
    assert guarded.post("/graphql", json=QUERY).json() == {"data": {"__typename": "Query"}}
    # and a valid token is welcome on a query too
    with_token = guarded.post("/graphql", json=QUERY, headers=bearer(ANALYST_TOKEN))
    assert with_token.json() == {"data": {"__typename": "Query"}}


def test_without_tokens_a_mutation_is_refused_with_how_to_configure_them(
    neo4j_connection: Neo4jConnection, tmp_path: Path
) -> None:
    env = {**connection_env(neo4j_connection), "CTG_API_TOKENS": ""}
    with running_api(env, tmp_path / "uvicorn.log") as api:
        assert_unauthorized(api.post("/graphql", json=MUTATION), "CTG_API_TOKENS=")
        assert api.post("/graphql", json=QUERY).json() == {"data": {"__typename": "Query"}}


def test_reads_can_require_a_token(neo4j_connection: Neo4jConnection, tmp_path: Path) -> None:
    env = {
        **connection_env(neo4j_connection),
        "CTG_API_TOKENS": TOKENS,
        "CTG_API_READ_REQUIRES_TOKEN": "1",
    }
    with running_api(env, tmp_path / "uvicorn.log") as api:
        assert_unauthorized(api.post("/graphql", json=QUERY), "needs an API token")
        assert_unauthorized(api.get("/graphql", params=QUERY))
        allowed = api.post("/graphql", json=QUERY, headers=bearer(ANALYST_TOKEN))
        assert allowed.json() == {"data": {"__typename": "Query"}}
        # the explorer page itself holds no data; its requests carry the token
        assert api.get("/graphql", headers={"accept": "text/html"}).status_code == 200


def test_a_malformed_token_list_stops_the_server_naming_the_variable(
    neo4j_connection: Neo4jConnection, tmp_path: Path
) -> None:
    env = {**connection_env(neo4j_connection), "CTG_API_TOKENS": f"curator={CURATOR_TOKEN},x"}
    with pytest.raises(RuntimeError, match="the API exited") as exited:
        start_api(env, tmp_path / "uvicorn.log")
    assert "CTG_API_TOKENS, entry 2 is not name=token" in str(exited.value)
    assert CURATOR_TOKEN not in str(exited.value)
