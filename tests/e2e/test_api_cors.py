"""Browsers on the origins listed in CTG_API_CORS_ORIGINS may call the API; others not."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from graph.settings import Neo4jConnection
from tests.e2e.conftest import connection_env, running_api

ALLOWED = "https://carto.example.org"
PREFLIGHT = {
    "access-control-request-method": "POST",
    "access-control-request-headers": "authorization, content-type",
}


@pytest.fixture(scope="module")
def cors_api(
    neo4j_connection: Neo4jConnection, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[httpx.Client]:
    env = {
        **connection_env(neo4j_connection),
        "CTG_API_CORS_ORIGINS": f"{ALLOWED},http://localhost:5173",
    }
    with running_api(env, tmp_path_factory.mktemp("api-cors") / "uvicorn.log") as client:
        yield client


def test_a_configured_origin_may_post_with_a_token(cors_api: httpx.Client) -> None:
    preflight = cors_api.options("/graphql", headers={"origin": ALLOWED, **PREFLIGHT})
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == ALLOWED
    allowed_headers = preflight.headers["access-control-allow-headers"].lower()
    assert "authorization" in allowed_headers
    assert "content-type" in allowed_headers
    assert "POST" in preflight.headers["access-control-allow-methods"]
    response = cors_api.post(
        "/graphql", json={"query": "{ __typename }"}, headers={"origin": ALLOWED}
    )
    assert response.headers["access-control-allow-origin"] == ALLOWED


def test_another_origin_is_not_allowed(cors_api: httpx.Client) -> None:
    other = "https://elsewhere.example.com"
    preflight = cors_api.options("/graphql", headers={"origin": other, **PREFLIGHT})
    assert preflight.status_code == 400
    assert "access-control-allow-origin" not in preflight.headers
    response = cors_api.post(
        "/graphql", json={"query": "{ __typename }"}, headers={"origin": other}
    )
    assert "access-control-allow-origin" not in response.headers
