"""The API keeps running and says so clearly when Neo4j does not answer."""

from __future__ import annotations

from pathlib import Path

import httpx

from graph.local_server import free_port
from tests.e2e.conftest import start_api, stop_api


def test_healthz_is_503_and_graphql_explains_when_neo4j_is_unreachable(tmp_path: Path) -> None:
    nowhere = f"bolt://127.0.0.1:{free_port()}"
    process, base = start_api(
        {"NEO4J_URI": nowhere, "NEO4J_PASSWORD": "unused"}, tmp_path / "uvicorn.log"
    )
    try:
        health = httpx.get(base + "/healthz", timeout=30)
        assert health.status_code == 503
        assert health.json()["neo4j"] == "down"
        body = httpx.post(
            base + "/graphql", json={"query": '{ territory(code: "15187") { name } }'}, timeout=30
        ).json()
        assert body["data"] == {"territory": None}
        assert "does not answer" in body["errors"][0]["message"]
        assert "127.0.0.1" not in body["errors"][0]["message"]
        assert process.poll() is None, "the server must stay up"
    finally:
        stop_api(process)
