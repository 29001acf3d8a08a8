"""Admission control: no more than the limit run at once; the rest wait, or get a 503
that says why once they waited too long."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from starlette.types import Receive, Scope, Send

from web.admission import AdmissionLimit


class SlowApp:
    """Answers after ``delay`` seconds and records how many requests ran at once."""

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self.running = 0
        self.most = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.running += 1
        self.most = max(self.most, self.running)
        await asyncio.sleep(self.delay)
        self.running -= 1
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})


async def burst(app: AdmissionLimit, count: int, path: str = "/graphql") -> list[httpx.Response]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://api") as client:
        return list(await asyncio.gather(*(client.post(path) for _ in range(count))))


def test_requests_beyond_the_limit_wait_their_turn_and_all_succeed() -> None:
    inner = SlowApp(0.05)
    responses = asyncio.run(burst(AdmissionLimit(inner, limit=3, queue_timeout=10), 12))
    assert [r.status_code for r in responses] == [200] * 12
    assert inner.most == 3


def test_a_request_that_waited_too_long_gets_503_and_did_not_run() -> None:
    inner = SlowApp(0.5)
    responses = asyncio.run(burst(AdmissionLimit(inner, limit=1, queue_timeout=0.1), 2))
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200, 503]
    refused = next(r for r in responses if r.status_code == 503)
    assert refused.headers["retry-after"] == "1"
    assert "busy" in refused.json()["errors"][0]["message"]
    assert inner.most == 1


@pytest.mark.parametrize("path", ["/healthz", "/explorer/app.js"])
def test_other_paths_are_not_queued(path: str) -> None:
    inner = SlowApp(0.05)
    responses = asyncio.run(burst(AdmissionLimit(inner, limit=1, queue_timeout=0.01), 5, path))
    assert [r.status_code for r in responses] == [200] * 5
    assert inner.most == 5
