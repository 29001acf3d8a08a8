"""What a browser and an operator see of the API's hardening, over HTTP: the security
headers on every kind of answer, a GraphiQL page that stores no token, a lone surrogate
refused as the client's mistake (not 50 tracebacks), and /healthz on refused credentials."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from graph.settings import Neo4jConnection
from testkit.api_server import connection_env, serving_api

TOKEN = "headers-curator-token-0123456789"
HTML = {"accept": "text/html"}
JSON_BODY = {"content-type": "application/json"}


@pytest.fixture(scope="module")
def server(
    neo4j_connection: Neo4jConnection, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[httpx.Client, Path]]:
    """A client on an API with a curator token, and the API's log file."""
    log = tmp_path_factory.mktemp("headers-api") / "uvicorn.log"
    env = {
        **connection_env(neo4j_connection),
        "CTG_API_TOKENS": f"curator={TOKEN}",
        "CTG_API_MAX_BODY_BYTES": "65536",
    }
    with (
        serving_api(env, log) as running,
        httpx.Client(base_url=running.base, timeout=30) as client,
    ):
        yield client, log


def assert_hardened(response: httpx.Response) -> str:
    """The headers every answer carries; returns its Content-Security-Policy."""
    where = f"{response.request.method} {response.request.url.path} ({response.status_code})"
    assert response.headers.get("x-content-type-options") == "nosniff", where
    assert response.headers.get("x-frame-options") == "DENY", where
    assert response.headers.get("referrer-policy") == "no-referrer", where
    policy: str = response.headers.get("content-security-policy", "")
    assert "frame-ancestors 'none'" in policy, where
    assert "'unsafe-inline'" not in policy, where
    assert "'unsafe-eval'" not in policy, where
    return policy


def directive(policy: str, name: str) -> list[str]:
    for part in policy.split(";"):
        words = part.split()
        if words and words[0] == name:
            return words[1:]
    return []


def test_every_kind_of_answer_carries_the_security_headers(
    server: tuple[httpx.Client, Path],
) -> None:
    api, _ = server
    answers = {
        "explorer": api.get("/"),
        "explorer stylesheet": api.get("/explorer/explorer.css"),
        "explorer module": api.get("/explorer/js/main.js"),
        "vendor file": api.get("/vendor/cytoscape/cytoscape.esm.min.mjs"),
        "health": api.get("/healthz"),
        "query by POST": api.post("/graphql", json={"query": "{ __typename }"}),
        "query by GET": api.get("/graphql", params={"query": "{ __typename }"}),
        "GraphiQL": api.get("/graphql", headers=HTML),
        "no such page": api.get("/nowhere"),
        "404 under the explorer": api.get("/explorer/../../etc/passwd"),
        "415 not JSON": api.post("/graphql", content=b"{}", headers={"content-type": "text/plain"}),
        "400 malformed JSON": api.post("/graphql", content=b"{", headers=JSON_BODY),
        "413 body too large": api.post("/graphql", content=b" " * 70_000, headers=JSON_BODY),
        "406 no media type": api.get(
            "/graphql", params={"query": "{ __typename }"}, headers={"accept": "text/csv"}
        ),
        "401 mutation without token": api.post(
            "/graphql", json={"query": "mutation { __typename }"}
        ),
        "405 mutation by GET": api.get(
            "/graphql",
            params={"query": "mutation { __typename }"},
            headers={"authorization": f"Bearer {TOKEN}"},
        ),
    }
    statuses = {name: response.status_code for name, response in answers.items()}
    assert statuses["explorer"] == statuses["query by POST"] == statuses["GraphiQL"] == 200
    assert statuses["413 body too large"] == 413
    assert statuses["415 not JSON"] == 415
    policies = {name: assert_hardened(response) for name, response in answers.items()}
    site = policies.pop("GraphiQL")
    # one policy for the whole site: scripts of this origin only, no inline script
    assert len(set(policies.values())) == 1
    policy = policies["explorer"]
    assert directive(policy, "script-src") == ["'self'"]
    assert directive(policy, "object-src") == ["'none'"]
    assert directive(policy, "base-uri") == ["'none'"]
    assert site != policy


def inline_scripts(html: str) -> list[str]:
    return re.findall(r"<script>(.*?)</script>", html, flags=re.DOTALL)


def sha256_source(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def test_graphiql_stores_no_header_and_runs_only_its_own_scripts(
    server: tuple[httpx.Client, Path],
) -> None:
    api, _ = server
    page = api.get("/graphql", headers=HTML)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    html = page.text
    # the Authorization header typed into GraphiQL is never kept in localStorage
    assert "shouldPersistHeaders: false" in html
    assert "shouldPersistHeaders: true" not in html
    assert "storage: tokenFreeStorage" in html
    policy = assert_hardened(page)
    assert directive(policy, "default-src") == ["'none'"]
    assert directive(policy, "connect-src") == ["'self'"]
    scripts = directive(policy, "script-src")
    # its one inline script by hash, its npm files from this origin, nothing else
    [inline] = inline_scripts(html)
    assert sha256_source(inline) in scripts
    files = re.findall(r'<script[^>]*\bsrc="([^"]+)"', html)
    assert files
    assert all(file.startswith("/vendor/graphiql/") for file in files)
    assert set(scripts) == {"'self'", sha256_source(inline)}
    for file in files:
        served = api.get(file)
        assert served.status_code == 200, file
        assert served.headers["content-type"].startswith("text/javascript"), file


def surrogate_body(fields: int) -> bytes:
    """A query asking ``fields`` lookups of a key sent as a lone surrogate (JSON text)."""
    query = (
        "query ($c: String!) { "
        + " ".join(f"p{i}: partner(key: $c) {{ name }}" for i in range(fields))
        + " }"
    )
    return (
        json.dumps({"query": query, "variables": {"c": "\\ud800"}})
        .replace("\\\\ud800", "\\ud800")
        .encode()
    )


def test_a_lone_surrogate_is_a_bad_user_input_logged_once_at_most(
    server: tuple[httpx.Client, Path],
) -> None:
    api, log = server
    before = log.read_text(errors="replace")
    body = surrogate_body(30)
    assert b'"\\ud800"' in body
    response = api.post("/graphql", content=body, headers=JSON_BODY)
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["extensions"] == {"code": "BAD_USER_INPUT"}
    assert "lone UTF-16 surrogate (\\ud800) in variables.c" in error["message"]
    assert "nothing of this request has run" in error["message"]
    assert_hardened(response)

    in_query = api.post(
        "/graphql", content=b'{"query": "{ search(text: \\"\\ud800\\") { score } }"}',
        headers=JSON_BODY,
    )  # fmt: skip
    assert in_query.status_code == 400
    assert "in query, line 1, column 17" in in_query.json()["errors"][0]["message"]
    by_get = api.get(
        "/graphql",
        params={"query": "query ($c: String!) { partner(key: $c) { name } }",
                "variables": '{"c": "a\\udfff"}'},
    )  # fmt: skip
    assert by_get.status_code == 400
    assert by_get.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    # a character beyond U+FFFF sent as a surrogate pair is ordinary text
    paired = api.post(
        "/graphql",
        content=b'{"query": "query ($c: String!) { partner(key: $c) { name } }",'
        b' "variables": {"c": "\\ud83d\\ude00"}}',
        headers=JSON_BODY,
    )
    assert paired.status_code == 200
    assert paired.json() == {"data": {"partner": None}}

    written = log.read_text(errors="replace")[len(before) :]
    assert "Traceback" not in written
    assert "Unexpected" not in written
    assert len([line for line in written.splitlines() if "surrogate" in line]) <= 3


def test_healthz_on_refused_credentials_is_a_json_503_with_the_reason(
    neo4j_connection: Neo4jConnection, tmp_path: Path
) -> None:
    # an unknown user rather than neo4j's wrong password: three failed logins would
    # lock the neo4j user for a few seconds, and the other tests with it
    env = {**connection_env(neo4j_connection), "NEO4J_USER": "ctg-nobody"}
    env["NEO4J_PASSWORD"] = "not-the-password-0123"
    log = tmp_path / "uvicorn.log"
    with serving_api(env, log) as running, httpx.Client(base_url=running.base) as api:
        health = api.get("/healthz")
        query = api.post("/graphql", json={"query": '{ partner(key: "caf-15") { name } }'})
    assert health.status_code == 503
    assert health.headers["content-type"] == "application/json"
    body = health.json()
    assert body["status"] == "unavailable"
    assert "refuses the API's user name or password" in body["detail"]
    assert "NEO4J_PASSWORD" in body["detail"]
    assert "not-the-password" not in health.text
    assert_hardened(health)
    assert "refuses the API's user name or password" in query.json()["errors"][0]["message"]
    assert "Traceback" not in log.read_text(errors="replace")
