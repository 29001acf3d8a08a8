"""The reliability suite (docs/reliability.md): faults, hostile input, load.

Every test here talks to a real Neo4j and most to a real API over HTTP; they reuse the
fixtures of ``tests/conftest.py`` and ``tests/e2e/conftest.py``. Tests that need to stop
or kill Neo4j start their **own** throwaway server, never the session's.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from neo4j import Driver

from domain.resources import PROJECT_ROOT
from graph.settings import Neo4jConnection
from testkit.api_server import connection_env, running_api
from tests.conftest import load_seed_graph
from tests.e2e.conftest import api  # noqa: F401 (a fixture)

CURATOR_TOKEN = "reliability-curator-token-0123"
#: A token that was valid until the end of 2020: refused like a wrong one.
EXPIRED_TOKEN = "reliability-former-token-4567"
TOKENS = f"curator={CURATOR_TOKEN},former:2020-12-31={EXPIRED_TOKEN}"
CURATOR = {"authorization": f"Bearer {CURATOR_TOKEN}"}
#: Where the suite writes the figures it measured (git-ignored).
RESULTS = PROJECT_ROOT / "test-output" / "reliability"


@pytest.fixture(scope="module")
def seeded_api(
    driver: Driver, neo4j_connection: Neo4jConnection, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[httpx.Client]:
    """An HTTP client on an API over the seeds (Cantal, Saône-et-Loire and the datasets of
    domain/data/partnerships), with a curator token and an expired one."""
    load_seed_graph(driver, neo4j_connection.database)
    env = {**connection_env(neo4j_connection), "CTG_API_TOKENS": TOKENS}
    log = tmp_path_factory.mktemp("reliability-api") / "uvicorn.log"
    with running_api(env, log) as client:
        yield client


def record_figures(name: str, figures: dict[str, Any]) -> Path:
    """Keep what a test measured in test-output/reliability/NAME.json (and print it), so
    that docs/reliability.md can quote the last run."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\n{name}: {json.dumps(figures, ensure_ascii=False)}")
    return path
