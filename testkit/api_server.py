"""The API in a real server: uvicorn ``server:app`` in a subprocess on a free loopback
port, reached over HTTP, and always stopped.

The API's own settings (``CTG_API_*``) come from the caller, never from the developer's
shell: a test or a benchmark must measure the same thing on every machine.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import httpx

from domain.resources import PROJECT_ROOT
from graph.local_server import free_port
from graph.settings import Neo4jConnection
from web.settings import UVICORN_OPTIONS

#: Seconds the server has to answer ``/healthz`` after it was started.
STARTUP_TIMEOUT = 60.0
#: Seconds it has to exit once asked to, before it is killed.
STOP_TIMEOUT = 20.0


def connection_env(connection: Neo4jConnection) -> dict[str, str]:
    """The environment variables that point the API at ``connection``."""
    return {
        "NEO4J_URI": connection.uri,
        "NEO4J_USER": connection.user,
        "NEO4J_PASSWORD": connection.password,
        "NEO4J_DATABASE": connection.database,
    }


def start_api(
    env_overrides: Mapping[str, str],
    log: Path,
    *,
    wait_for_neo4j: bool = False,
    access_log: bool = True,
) -> tuple[subprocess.Popen[bytes], str]:
    """Start uvicorn with ``env_overrides`` (its output in ``log``) and wait until it
    answers ``/healthz``; return the process and its base URL.

    With ``wait_for_neo4j`` it waits until ``/healthz`` says Neo4j answers too (200), as
    the benchmarks need; otherwise any answer will do, so that a test may start the API
    over a Neo4j that is down. Raises :class:`RuntimeError` (with the log) when the
    server exits or does not answer within :data:`STARTUP_TIMEOUT`; it is stopped then,
    as on any other failure while waiting.
    """
    port = free_port()
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("CTG_API_")}
    command = [sys.executable, "-m", "uvicorn", "server:app", "--host", "127.0.0.1",
               "--port", str(port), "--log-level", "warning"]  # fmt: skip
    for option, value in UVICORN_OPTIONS.items():  # as `ctg serve` runs it
        command += [f"--{option.replace('_', '-')}", str(value)]
    if not access_log:
        command.append("--no-access-log")
    with log.open("wb") as out:
        process = subprocess.Popen(
            command,
            cwd=PROJECT_ROOT,
            env={**inherited, **env_overrides},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(process, base, log, wait_for_neo4j)
    except BaseException:
        stop_api(process)
        raise
    return process, base


def _wait_until_up(
    process: subprocess.Popen[bytes], base: str, log: Path, wait_for_neo4j: bool
) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the API exited: {log.read_text()}")
        try:
            health = httpx.get(base + "/healthz", timeout=10)
        except httpx.TransportError:
            pass
        else:
            if health.status_code == 200 or not wait_for_neo4j:
                return
        time.sleep(0.2)
    raise RuntimeError(
        f"the API did not answer /healthz within {STARTUP_TIMEOUT:g} s: {log.read_text()}"
    )


def stop_api(process: subprocess.Popen[bytes]) -> None:
    """Ask the server to stop (SIGTERM), kill it after :data:`STOP_TIMEOUT`; wait for it."""
    process.terminate()
    try:
        process.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@dataclass(frozen=True)
class ApiServer:
    """A server started by :func:`serving_api`."""

    process: subprocess.Popen[bytes]
    #: ``http://127.0.0.1:<port>``
    base: str


@contextlib.contextmanager
def serving_api(
    env_overrides: Mapping[str, str],
    log: Path,
    *,
    wait_for_neo4j: bool = False,
    access_log: bool = True,
) -> Iterator[ApiServer]:
    """:func:`start_api` as a context: the server, stopped on exit (also on failure)."""
    process, base = start_api(
        env_overrides, log, wait_for_neo4j=wait_for_neo4j, access_log=access_log
    )
    try:
        yield ApiServer(process, base)
    finally:
        stop_api(process)


@contextlib.contextmanager
def running_api(env_overrides: Mapping[str, str], log: Path) -> Iterator[httpx.Client]:
    """An HTTP client on an API started with ``env_overrides``, stopped on exit."""
    with (
        serving_api(env_overrides, log) as server,
        httpx.Client(base_url=server.base, timeout=30) as client,
    ):
        yield client
