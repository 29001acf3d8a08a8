"""Admission control: at most N GraphQL requests run at once; the others wait their turn.

Without it, 64 simultaneous clients all start their Cypher transactions at once, then
share one event loop (and two cores with Neo4j) to read the results: every transaction
stays open for as long as the slowest, and under load they pass the query time limit
(``CTG_API_QUERY_TIMEOUT``) although none of them asks much. Queued before anything
starts, a request costs nothing while it waits, and the time limit measures the work
again. A request that waited ``CTG_API_QUEUE_TIMEOUT`` seconds gets 503 with
``Retry-After``; nothing of it ran.

A request is counted only once its whole body has arrived: :class:`web.http.RequestBodyLimit`
sits in front (``server.py``) and reads it first, within ``CTG_API_BODY_TIMEOUT``. Four
clients sending a body byte every few seconds used to hold every place while
``{ __typename }`` waited 60 s for a 503.
"""

from __future__ import annotations

import asyncio
import math

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from web.http import JSON, Refusal, refusal_response, response_media_type


class AdmissionLimit:
    """ASGI middleware letting ``limit`` requests to ``paths`` run at once."""

    def __init__(
        self, app: ASGIApp, limit: int, queue_timeout: float, paths: tuple[str, ...] = ("/graphql",)
    ) -> None:
        self.app = app
        self.limit = limit
        self.queue_timeout = queue_timeout
        self.paths = paths
        self._slots = asyncio.Semaphore(limit)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] not in self.paths:
            await self.app(scope, receive, send)
            return
        try:
            await asyncio.wait_for(self._slots.acquire(), self.queue_timeout)
        except TimeoutError:
            refusal = Refusal(
                503,
                f"The API is busy: this request waited {self.queue_timeout:g} s for one of its "
                f"{self.limit} places and did not run. Try again shortly.",
                {"Retry-After": str(max(1, math.ceil(self.queue_timeout / 10)))},
            )
            media_type = response_media_type(Headers(scope=scope).get("accept")) or JSON
            await refusal_response(refusal, media_type)(scope, receive, send)
            return
        try:
            await self.app(scope, receive, send)
        finally:
            self._slots.release()
