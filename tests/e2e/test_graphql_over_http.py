"""/graphql speaks GraphQL over HTTP as the spec describes it, to any client.

https://graphql.github.io/graphql-over-http/ : JSON POST, GET for queries only, the
response media type the client asks for, and a clear 4xx for a request that is not a
GraphQL request at all.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from graph.settings import Neo4jConnection
from tests.e2e.conftest import connection_env, running_api

TYPENAME = "{ __typename }"
GRAPHQL_RESPONSE = "application/graphql-response+json"


@pytest.fixture(scope="module")
def http(
    neo4j_connection: Neo4jConnection, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[httpx.Client]:
    log = tmp_path_factory.mktemp("api-http") / "uvicorn.log"
    with running_api(connection_env(neo4j_connection), log) as client:
        yield client


def assert_graphql_error(response: httpx.Response, status: int, *words: str) -> str:
    """The response has ``status`` and a GraphQL-shaped error mentioning ``words``."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body: dict[str, Any] = response.json()
    assert "data" not in body
    message: str = body["errors"][0]["message"]
    for word in words:
        assert word in message
    return message


def test_a_json_post_is_answered_in_json(http: httpx.Client) -> None:
    response = http.post("/graphql", json={"query": TYPENAME})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    assert response.json() == {"data": {"__typename": "Query"}}


def test_a_get_query_works_with_variables(http: httpx.Client) -> None:
    response = http.get(
        "/graphql",
        params={"query": "query ($x: Boolean!) { __typename @include(if: $x) }",
                "variables": '{"x": true}'},
    )  # fmt: skip
    assert response.status_code == 200
    assert response.json() == {"data": {"__typename": "Query"}}


def test_a_mutation_by_get_is_405_and_points_to_post(http: httpx.Client) -> None:
    response = http.get("/graphql", params={"query": "mutation { anything }"})
    assert_graphql_error(response, 405, "POST")
    assert response.headers["allow"] == "POST"


@pytest.mark.parametrize("content_type", [None, "text/plain", "application/x-www-form-urlencoded"])
def test_a_body_that_is_not_declared_json_is_415_saying_what_to_send(
    http: httpx.Client, content_type: str | None
) -> None:
    headers = {"content-type": content_type} if content_type else {}
    response = http.post("/graphql", content=b'{"query": "{ __typename }"}', headers=headers)
    message = assert_graphql_error(response, 415, "Content-Type: application/json")
    assert (content_type or "No Content-Type") in message


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (b'{"query": ', ["malformed", "line 1"]),
        (b'"{ __typename }"', ["JSON object"]),
        (b"{}", ["No GraphQL query"]),
        (b'{"query": 5}', ["must be a string"]),
        (b'{"query": "{ __typename }", "variables": [7]}', ["variables"]),
    ],
)
def test_a_body_that_is_not_a_graphql_request_is_400(
    http: httpx.Client, body: bytes, words: list[str]
) -> None:
    response = http.post("/graphql", content=body, headers={"content-type": "application/json"})
    assert_graphql_error(response, 400, *words)


def test_graphql_response_json_makes_a_validation_error_a_400_without_data(
    http: httpx.Client,
) -> None:
    response = http.post(
        "/graphql", json={"query": "{ nope }"}, headers={"accept": GRAPHQL_RESPONSE}
    )
    assert response.status_code == 400
    assert response.headers["content-type"] == f"{GRAPHQL_RESPONSE}; charset=utf-8"
    body = response.json()
    assert "data" not in body
    assert "Cannot query field 'nope'" in body["errors"][0]["message"]
    syntax = http.post("/graphql", json={"query": "{"}, headers={"accept": GRAPHQL_RESPONSE})
    assert syntax.status_code == 400
    assert "Syntax Error" in syntax.json()["errors"][0]["message"]


def test_application_json_keeps_200_for_the_same_validation_error(http: httpx.Client) -> None:
    response = http.post(
        "/graphql", json={"query": "{ nope }"}, headers={"accept": "application/json"}
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    assert "Cannot query field 'nope'" in response.json()["errors"][0]["message"]


def test_an_error_during_execution_is_200_in_both_media_types(http: httpx.Client) -> None:
    query = '{ territory(code: "Saint-Flour") { name } }'
    for accept in (GRAPHQL_RESPONSE, "application/json"):
        response = http.post("/graphql", json={"query": query}, headers={"accept": accept})
        assert response.status_code == 200
        body = response.json()
        assert body["data"] == {"territory": None}
        assert "is not a territory code" in body["errors"][0]["message"]


def test_an_accept_that_allows_neither_json_type_is_406(http: httpx.Client) -> None:
    response = http.post("/graphql", json={"query": TYPENAME}, headers={"accept": "text/csv"})
    assert_graphql_error(response, 406, "application/graphql-response+json", "application/json")


def test_graphiql_is_for_browsers_only(http: httpx.Client) -> None:
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    page = http.get("/graphql", headers={"accept": browser})
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "graphiql" in page.text.lower()
    # curl's */* asks for data, not a web page
    assert_graphql_error(http.get("/graphql", headers={"accept": "*/*"}), 400, "No GraphQL query")


def test_a_body_over_1_mib_is_413_whether_its_length_is_declared_or_not(
    http: httpx.Client,
) -> None:
    padding = " " * (1024 * 1024)
    body = ('{"query": "{ __typename }"' + padding + "}").encode()
    declared = http.post("/graphql", content=body, headers={"content-type": "application/json"})
    assert_graphql_error(declared, 413, "1,048,576 bytes")

    def chunks() -> Iterator[bytes]:  # no Content-Length: the server has to count
        for start in range(0, len(body), 64 * 1024):
            yield body[start : start + 64 * 1024]

    chunked = http.post("/graphql", content=chunks(), headers={"content-type": "application/json"})
    assert "content-length" not in chunked.request.headers
    assert_graphql_error(chunked, 413, "1,048,576 bytes")
    # just under the limit is fine
    fits = ('{"query": "{ __typename }"' + padding[: 1024 * 1000] + "}").encode()
    ok = http.post("/graphql", content=fits, headers={"content-type": "application/json"})
    assert ok.json() == {"data": {"__typename": "Query"}}


def test_without_configured_origins_other_sites_get_no_cors_headers(http: httpx.Client) -> None:
    preflight = http.options(
        "/graphql",
        headers={"origin": "https://carto.example.org", "access-control-request-method": "POST"},
    )
    assert preflight.status_code == 405
    assert "access-control-allow-origin" not in preflight.headers
