"""Admission control: no more than the limit run at once; the rest wait, or get a 503
that says why once they waited too long. A request is counted only once its body has
arrived: one too slow to come gets a 408 and holds no place meanwhile."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from web.admission import AdmissionLimit
from web.http import RequestBodyLimit


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
    assert refused.json()["errors"][0]["extensions"] == {"code": "SERVER_BUSY"}
    assert inner.most == 1


@pytest.mark.parametrize("path", ["/healthz", "/explorer/app.js"])
def test_other_paths_are_not_queued(path: str) -> None:
    inner = SlowApp(0.05)
    responses = asyncio.run(burst(AdmissionLimit(inner, limit=1, queue_timeout=0.01), 5, path))
    assert [r.status_code for r in responses] == [200] * 5
    assert inner.most == 5


# The body is read whole before admission (RequestBodyLimit outside AdmissionLimit, as in
# server.py): a client sending its body slowly holds no place.


class EchoApp:
    """Answers with the body it received, and counts the requests that reached it."""

    def __init__(self) -> None:
        self.calls = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.calls += 1
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body", False):
                break
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": body})


async def call(
    app: ASGIApp,
    parts: list[tuple[float, bytes]],
    *,
    complete: bool = True,
    disconnect: bool = False,
) -> tuple[int | None, dict[str, str], bytes]:
    """Send a POST whose body comes in ``parts`` (each after its delay) and, unless
    ``complete``, never ends (or ends in a ``disconnect``); return what the app answered
    (status None: nothing)."""
    pending = list(parts)
    sent: list[Message] = []

    async def receive() -> Message:
        if not pending:
            if disconnect:
                return {"type": "http.disconnect"}
            await asyncio.sleep(3600)  # a client that never sends the rest
        delay, chunk = pending.pop(0)
        await asyncio.sleep(delay)
        return {"type": "http.request", "body": chunk, "more_body": bool(pending) or not complete}

    async def send(message: Message) -> None:
        sent.append(message)

    scope: Scope = {
        "type": "http",
        "method": "POST",
        "path": "/graphql",
        "headers": [(b"content-type", b"application/json")],
    }
    await app(scope, receive, send)
    start = next((m for m in sent if m["type"] == "http.response.start"), None)
    if start is None:
        return None, {}, b""
    headers = {k.decode(): v.decode() for k, v in start.get("headers", [])}
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], headers, body


def test_the_body_reaches_the_app_whole_in_one_message() -> None:
    inner = EchoApp()
    app = RequestBodyLimit(inner, max_bytes=1024, timeout=5)
    status, _, body = asyncio.run(call(app, [(0, b'{"query": '), (0.01, b'"{ a }"}')]))
    assert (status, body) == (200, b'{"query": "{ a }"}')


def test_a_slow_body_holds_no_place_and_gets_408_with_the_connection_closed() -> None:
    inner = EchoApp()
    app = RequestBodyLimit(AdmissionLimit(inner, limit=1, queue_timeout=5), 1024, timeout=0.3)

    async def scenario() -> tuple[
        tuple[int | None, dict[str, str], bytes], tuple[int | None, dict[str, str], bytes], bool
    ]:
        slow = asyncio.create_task(call(app, [(0, b"{"), (0.1, b'"')], complete=False))
        await asyncio.sleep(0.05)
        ordinary = await call(app, [(0, b"{}")])  # the only place is free for it
        still_sending = not slow.done()
        return await slow, ordinary, still_sending

    (status, headers, body), ordinary, still_sending = asyncio.run(scenario())
    assert ordinary[0] == 200
    assert still_sending
    assert status == 408
    assert headers["connection"] == "close"
    [error] = json.loads(body)["errors"]
    assert "did not arrive within 0.3 s (2 bytes came)" in error["message"]
    assert error["extensions"] == {"code": "BAD_REQUEST"}
    assert inner.calls == 1  # the slow request never reached the app


def test_a_chunked_body_over_the_limit_is_413_and_reaches_nothing() -> None:
    inner = EchoApp()
    app = RequestBodyLimit(inner, max_bytes=1024, timeout=5)
    status, _, body = asyncio.run(call(app, [(0, b"a" * 1000), (0, b"a" * 1000)]))
    assert status == 413
    assert "larger than 1,024 bytes" in json.loads(body)["errors"][0]["message"]
    assert inner.calls == 0


def test_a_client_that_leaves_mid_body_gets_nothing_and_runs_nothing() -> None:
    inner = EchoApp()
    app = RequestBodyLimit(inner, max_bytes=1024, timeout=5)
    status, _, _ = asyncio.run(call(app, [(0, b"{")], complete=False, disconnect=True))
    assert status is None
    assert inner.calls == 0
