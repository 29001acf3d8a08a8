"""Closed-loop load for ``bench/bench_api.py``: senders for the API and for the floor,
and the cells that time them.

A *sender* sends request number ``i`` (rotating over its items) and returns ``None`` when
it succeeded, else what went wrong, so that no failure goes uncounted. :func:`run_cell`
keeps ``concurrency`` requests in flight (each sender sends its next request when the
previous one is answered) until the requests are sent or the time cap passes.
"""

from __future__ import annotations

import asyncio
import datetime
import statistics
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx
from api_queries import Scenario  # same folder
from neo4j import AsyncDriver, RoutingControl

DATABASE = "neo4j"
#: Failure messages kept per cell (all are counted).
KEPT_ERRORS = 5

#: One request: ``None`` when it succeeded, else what went wrong.
Send = Callable[[int], Awaitable[str | None]]


def limits(concurrency: int) -> httpx.Limits:
    """An HTTP pool of exactly ``concurrency`` connections."""
    return httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)


def api_sender(
    client: httpx.AsyncClient, scenario: Scenario, items: Sequence[str], on: datetime.date
) -> Send:
    """POST the query; a success is HTTP 200, JSON, no ``errors`` and a non-empty answer."""

    async def send(i: int) -> str | None:
        variables = scenario.graphql_variables(items[i % len(items)], on)
        try:
            response = await client.post(
                "/graphql", json={"query": scenario.graphql, "variables": variables}
            )
        except httpx.HTTPError as error:
            return f"{type(error).__name__}: {error}"
        if response.status_code != 200:
            return f"HTTP {response.status_code}: {response.text[:300]}"
        try:
            body = response.json()
        except ValueError:
            return f"not JSON: {response.text[:300]}"
        if body.get("errors"):
            return f"GraphQL error: {body['errors'][0].get('message')} ({variables})"
        answer = (body.get("data") or {}).get(scenario.root)
        if not answer or answer.get("edges") == []:
            return f"empty answer for {variables}"
        return None

    return send


async def floor_rows(
    driver: AsyncDriver, scenario: Scenario, parameters: dict[str, Any]
) -> list[dict[str, Any]]:
    """The floor's rows, read the way the API reads (routed to readers, records as dicts)."""
    result = await driver.execute_query(
        scenario.floor, parameters, database_=DATABASE, routing_=RoutingControl.READ
    )
    return [record.data() for record in result.records]


def floor_sender(
    driver: AsyncDriver, scenario: Scenario, items: Sequence[str], on: datetime.date
) -> Send:
    """Run the floor query; a success returns at least one row."""

    async def send(i: int) -> str | None:
        parameters = scenario.cypher_parameters(items[i % len(items)], on)
        try:
            rows = await floor_rows(driver, scenario, parameters)
        except Exception as error:  # counted and shown, never hidden
            return f"{type(error).__name__}: {error}"
        return None if rows else f"no rows for {parameters}"

    return send


@dataclass
class Cell:
    """One (query, target, concurrency) measurement."""

    query: str
    target: str
    concurrency: int
    requests: int = 0
    failures: int = 0
    seconds: float = 0.0
    capped: bool = False
    p50_ms: float | None = None
    p99_ms: float | None = None
    mean_ms: float | None = None
    requests_per_s: float | None = None
    errors: list[str] = field(default_factory=list)


async def run_cell(cell: Cell, send: Send, requests: int, max_seconds: float) -> Cell:
    """``cell.concurrency`` senders share ``requests`` (stopping at ``max_seconds``)."""
    latencies: list[float] = []
    sent = 0
    started = time.perf_counter()
    deadline = started + max_seconds

    async def sender() -> None:
        nonlocal sent
        while sent < requests and time.perf_counter() < deadline:
            i = sent
            sent += 1
            begun = time.perf_counter()
            problem = await send(i)
            if problem is None:
                latencies.append(time.perf_counter() - begun)
            else:
                cell.failures += 1
                if len(cell.errors) < KEPT_ERRORS:
                    cell.errors.append(problem)

    await asyncio.gather(*(sender() for _ in range(cell.concurrency)))
    cell.seconds = round(time.perf_counter() - started, 3)
    cell.requests = sent
    cell.capped = sent < requests
    if len(latencies) >= 2:
        ms = [s * 1000 for s in latencies]
        cell.p50_ms = round(statistics.median(ms), 2)
        cell.p99_ms = round(statistics.quantiles(ms, n=100, method="inclusive")[98], 2)
        cell.mean_ms = round(statistics.fmean(ms), 2)
    cell.requests_per_s = round(len(latencies) / cell.seconds, 1)
    return cell


async def warm(send: Send, count: int, cell: Cell) -> list[str]:
    """Untimed requests before ``cell`` (JIT, query plans, connection pools); failures."""
    await run_cell(cell, send, count, 600)
    where = f"{cell.query} {cell.target} c={cell.concurrency} warm-up"
    return [f"{where}: {cell.failures} failed, e.g. {cell.errors}"] if cell.failures else []
