"""A real API server (uvicorn in a subprocess) over the test Neo4j, reached over HTTP."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from neo4j import Driver

from domain.resources import PROJECT_ROOT
from graph.local_server import free_port
from graph.maintenance import clear_graph
from graph.reference_store import write_reference
from graph.settings import Neo4jConnection
from loaders.reference import read_reference
from tests.conftest import REFERENCE_EXTRACT


def start_api(env_overrides: dict[str, str], log: Path) -> tuple[subprocess.Popen[bytes], str]:
    """Start uvicorn on a free loopback port; return the process and its base URL."""
    port = free_port()
    # the API's own settings come from the test, never from the developer's shell
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("CTG_API_")}
    env = {**inherited, **env_overrides}
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "server:app", "--host", "127.0.0.1",
             "--port", str(port), "--log-level", "warning"],
            cwd=PROJECT_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the API exited: {log.read_text()}")
        try:
            httpx.get(base + "/healthz", timeout=10)
            return process, base
        except httpx.TransportError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"the API did not answer within 60s: {log.read_text()}")


def stop_api(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextlib.contextmanager
def running_api(env_overrides: dict[str, str], log: Path) -> Iterator[httpx.Client]:
    """An HTTP client on an API started with ``env_overrides``, stopped on exit."""
    process, base = start_api(env_overrides, log)
    try:
        with httpx.Client(base_url=base, timeout=30) as client:
            yield client
    finally:
        stop_api(process)


def connection_env(connection: Neo4jConnection) -> dict[str, str]:
    return {
        "NEO4J_URI": connection.uri,
        "NEO4J_USER": connection.user,
        "NEO4J_PASSWORD": connection.password,
        "NEO4J_DATABASE": connection.database,
    }


@pytest.fixture(scope="module")
def api(
    driver: Driver, neo4j_connection: Neo4jConnection, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[httpx.Client]:
    """An HTTP client on a running API whose graph holds the Cantal and Saône-et-Loire."""
    clear_graph(driver, neo4j_connection.database)
    write_reference(
        driver, neo4j_connection.database, read_reference(REFERENCE_EXTRACT, ["15", "71"])
    )
    log = tmp_path_factory.mktemp("api") / "uvicorn.log"
    process, base = start_api(connection_env(neo4j_connection), log)
    try:
        with httpx.Client(base_url=base, timeout=30) as client:
            yield client
    finally:
        stop_api(process)
