"""The API under benchmark: uvicorn ``server:app`` in a subprocess over a given Neo4j,
with the API's own settings at their defaults (shared by ``bench_api.py`` and
``bench_explorer.py``)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

from domain.resources import PROJECT_ROOT
from graph.local_server import free_port
from graph.settings import Neo4jConnection


def start_api(connection: Neo4jConnection, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    """uvicorn ``server:app`` on a free loopback port over ``connection``; wait for it."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CTG_API_")}  # defaults
    env.update(
        NEO4J_URI=connection.uri,
        NEO4J_USER=connection.user,
        NEO4J_PASSWORD=connection.password,
        NEO4J_DATABASE=connection.database,
    )
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "server:app", "--host", "127.0.0.1",
             "--port", str(port), "--log-level", "warning", "--no-access-log"],
            cwd=PROJECT_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the API exited: {log.read_text()}")
        try:
            if httpx.get(base + "/healthz", timeout=10).status_code == 200:
                return process, base
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    stop_api(process)
    raise RuntimeError(f"the API did not answer /healthz within 60 s: {log.read_text()}")


def stop_api(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
