"""The codes a client gets over HTTP (uvicorn in a subprocess, httpx), one per refusal,
with Neo4j down — none of these needs a graph, and the outage has its own code.

The variable a client forgot is named with its type and ``BAD_USER_INPUT``; before,
graphql-core 3.3's wrapped errors were masked as "Unexpected server error"."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from graph.local_server import free_port
from testkit.api_server import serving_api

TOKEN = "codes-curator-token-0123456789"
GRAPHQL_JSON = {"accept": "application/graphql-response+json"}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[httpx.Client, Path]]:
    """A client on an API whose Neo4j does not answer, and the API's log."""
    log = tmp_path_factory.mktemp("codes-api") / "uvicorn.log"
    env = {
        "NEO4J_URI": f"bolt://127.0.0.1:{free_port()}",  # nothing listens there
        "NEO4J_USER": "neo4j",
        "NEO4J_PASSWORD": "codes-password-0123",
        "CTG_API_TOKENS": f"curator={TOKEN}",
        "CTG_API_MAX_BODY_BYTES": "4096",
        "CTG_API_INTROSPECTION": "off",
    }
    with (
        serving_api(env, log) as running,
        httpx.Client(base_url=running.base, timeout=30, headers=GRAPHQL_JSON) as client,
    ):
        yield client, log


def only_error(response: httpx.Response) -> dict[str, Any]:
    [error] = response.json()["errors"]
    assert isinstance(error, dict)
    return error


def test_a_missing_variable_is_bad_user_input_naming_the_variable(
    server: tuple[httpx.Client, Path],
) -> None:
    api, log = server
    before = len(log.read_text(errors="replace"))
    query = "query ($code: String!) { territory(code: $code) { name } }"
    missing = api.post("/graphql", json={"query": query})
    assert missing.status_code == 400
    assert "data" not in missing.json()
    error = only_error(missing)
    assert error["extensions"] == {"code": "BAD_USER_INPUT"}
    assert error["message"] == (
        "Variable '$code' has invalid value: Expected a value of non-null type 'String!' "
        "to be provided."
    )
    wrong_type = api.post(
        "/graphql",
        json={"query": 'query ($n: Int!) { search(text: "x", first: $n) { score } }',
              "variables": {"n": "abc"}},
    )  # fmt: skip
    assert only_error(wrong_type)["extensions"] == {"code": "BAD_USER_INPUT"}
    assert "$n" in only_error(wrong_type)["message"]
    by_get = api.get("/graphql", params={"query": query, "variables": "{}"})
    assert by_get.status_code == 400
    assert only_error(by_get)["extensions"] == {"code": "BAD_USER_INPUT"}
    written = log.read_text(errors="replace")[before:]
    assert "Traceback" not in written  # the client's mistake is not logged as a bug


@pytest.mark.parametrize(
    ("body", "status", "code", "words"),
    [
        ({"query": "{ territory(code: "}, 400, "GRAPHQL_PARSE_FAILED", "Syntax Error"),
        ({"query": "{ territorry { name } }"}, 400, "GRAPHQL_VALIDATION_FAILED", "territorry"),
        (
            {"query": "query A { __typename }", "operationName": "B"},
            400,
            "OPERATION_RESOLUTION_FAILURE",
            'Unknown operation named "B"',
        ),
        (
            {"query": "{ " + " ".join(f"a{i}: __typename" for i in range(31)) + " }"},
            400,
            "QUERY_TOO_COMPLEX",
            "31 aliases found",
        ),
        ({"query": "{ __schema { queryType { name } } }"}, 403, "FORBIDDEN", "schema.graphql"),
        (
            {"query": 'mutation { deleteSource(key: "x") { __typename } }'},
            401,
            "UNAUTHENTICATED",
            "Bearer",
        ),
    ],
)
def test_each_request_error_has_its_code_and_status(
    server: tuple[httpx.Client, Path], body: dict[str, Any], status: int, code: str, words: str
) -> None:
    api, _ = server
    response = api.post("/graphql", json=body)
    assert response.status_code == status
    error = only_error(response)
    assert error["extensions"] == {"code": code}
    assert words in error["message"]


def test_http_refusals_have_their_codes(server: tuple[httpx.Client, Path]) -> None:
    api, _ = server
    answers = {
        "malformed JSON": api.post(
            "/graphql", content=b"{bad", headers={"content-type": "application/json"}
        ),
        "not JSON": api.post("/graphql", content=b"{ a }", headers={"content-type": "text/plain"}),
        "mutation by GET": api.get("/graphql", params={"query": "mutation { a }"}),
        "unacceptable Accept": api.post(
            "/graphql", json={"query": "{ __typename }"}, headers={"accept": "text/csv"}
        ),
        "too large": api.post("/graphql", json={"query": "{ __typename }", "pad": "x" * 5000}),
        "unknown token": api.post(
            "/graphql", json={"query": "{ __typename }"}, headers={"authorization": "Bearer no"}
        ),
    }
    codes = {
        name: (r.status_code, only_error(r)["extensions"]["code"]) for name, r in answers.items()
    }
    assert codes == {
        "malformed JSON": (400, "BAD_REQUEST"),
        "not JSON": (415, "BAD_REQUEST"),
        "mutation by GET": (405, "BAD_REQUEST"),
        "unacceptable Accept": (406, "BAD_REQUEST"),
        "too large": (413, "REQUEST_TOO_LARGE"),
        "unknown token": (401, "UNAUTHENTICATED"),
    }


def test_neo4j_down_is_database_unavailable_on_the_fields_that_needed_it(
    server: tuple[httpx.Client, Path],
) -> None:
    api, _ = server
    response = api.post("/graphql", json={"query": '{ __typename territory(code: "15") { name } }'})
    assert response.status_code == 200
    body = response.json()
    assert body["data"] == {"__typename": "Query", "territory": None}
    [error] = body["errors"]
    assert error["path"] == ["territory"]
    assert error["extensions"] == {"code": "DATABASE_UNAVAILABLE"}
    assert "does not answer" in error["message"]
