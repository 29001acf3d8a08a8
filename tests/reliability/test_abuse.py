"""Hostile requests are turned down, fast, before they cost Neo4j anything, and the
server carries on.

Each abusive request is sent five times; the median time to its refusal is recorded in
test-output/reliability/abuse.json beside two baselines measured in the same run: the
smallest request (``{ __typename }``) and an ordinary one (a commune card). The figures
are reported, never asserted (docs/reliability.md quotes them).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from neo4j import Driver

from tests.conftest import graph_snapshot
from tests.reliability.conftest import record_figures

REPEAT = 5
MIB = 1024 * 1024


@dataclass(frozen=True)
class Abuse:
    """A hostile request and how the API must answer it."""

    send: Callable[[httpx.Client], httpx.Response]
    status: int
    #: words the (first) error message must contain
    says: str


def post(query: str, **variables: Any) -> Callable[[httpx.Client], httpx.Response]:
    return lambda api: api.post("/graphql", json={"query": query, "variables": variables})


def raw(body: bytes) -> Callable[[httpx.Client], httpx.Response]:
    headers = {"content-type": "application/json"}
    return lambda api: api.post("/graphql", content=body, headers=headers)


def streamed(total: int) -> Callable[[httpx.Client], httpx.Response]:
    headers = {"content-type": "application/json"}
    return lambda api: api.post("/graphql", content=chunks(total), headers=headers)


def chunks(total: int, size: int = 64 * 1024) -> Iterator[bytes]:
    """A body sent without Content-Length (chunked), of ``total`` bytes."""
    yield b'{"query": "{ __typename }", "x": "'
    for _ in range(total // size):
        yield b"a" * size
    yield b'"}'


def fragment_bomb(levels: int) -> str:
    """Each fragment spreads the next one twice: 2**levels aliases in 2*levels spreads."""
    parts = ["query { ...F0 }"]
    for i in range(levels):
        parts.append(f"fragment F{i} on Query {{ a: __typename ...F{i + 1} ...F{i + 1} }}")
    parts.append(f"fragment F{levels} on Query {{ __typename }}")
    return "\n".join(parts)


COMMUNE_CARD = '{ territory(code: "15187") { name ... on Commune { population } } }'
DEEP_INTROSPECTION = "{ __schema { types { " + "ofType { " * 300 + "name" + " }" * 303
ALIAS_BOMB = "{ " + " ".join(f'a{i}: search(text: "saint") {{ score }}' for i in range(1000)) + " }"
NESTED = (
    '{ contract(key: "ctg-saint-flour-2017") { '
    + "succeeds { edges { node { " * 40
    + "key"
    + " } } }" * 40
    + " } }"
)
ABUSES: dict[str, Abuse] = {
    "query nested 40 levels deep": Abuse(post(NESTED), 200, "exceeds maximum operation depth"),
    "introspection nested 300 levels deep": Abuse(
        post(DEEP_INTROSPECTION), 200, "nested too deeply"
    ),
    "1 000 aliases": Abuse(post(ALIAS_BOMB), 200, "token"),
    "31 aliases": Abuse(
        post("{ " + " ".join(f'a{i}: territory(code: "15") {{ name }}' for i in range(31)) + " }"),
        200,
        "aliases",
    ),
    "fragment bomb (2^40 aliases in 2 KiB)": Abuse(post(fragment_bomb(40)), 200, "aliases"),
    "fragment cycle": Abuse(
        post("query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }"),
        200,
        "Cannot spread fragment",
    ),
    "10 000 ids": Abuse(
        post(
            "query ($ids: [ID!]!) { nodes(ids: $ids) { id } }",
            ids=["Q29tbXVuZToxNTE4Nw=="] * 10_000,
        ),
        200,
        "at most 100",
    ),
    "page of 2^31-1 items": Abuse(
        post("{ territories(first: 2147483647) { totalCount } }"), 200, "between 0 and 100"
    ),
    "page size beyond 32 bits": Abuse(
        post("{ territories(first: 99999999999) { totalCount } }"), 200, "32-bit"
    ),
    "20 000 theme codes": Abuse(
        post(
            "query ($t: [String!]) { actions(themes: $t) { totalCount } }",
            t=[f"theme-{i}" for i in range(20_000)],
        ),
        200,
        "",
    ),
    "500 000-character search text": Abuse(
        post("query ($t: String!) { search(text: $t) { score } }", t="a" * 500_000),
        200,
        "200 characters",
    ),
    "5 MiB body": Abuse(
        raw(b'{"query": "{ __typename }", "x": "' + b"a" * 5 * MIB + b'"}'), 413, ""
    ),
    "5 MiB chunked body": Abuse(streamed(5 * MIB), 413, ""),
    "JSON nested 100 000 deep": Abuse(
        raw(
            b'{"query": "{ __typename }", "variables": {"a": '
            + b"[" * 100_000
            + b"]" * 100_000
            + b"}}"
        ),
        400,
        "nested too deeply",
    ),
    "list literal nested 2 000 deep": Abuse(
        post('{ search(text: "a", kinds: ' + "[" * 2000 + "]" * 2000 + ") { score } }"),
        200,
        "nested too deeply",
    ),
    "1 000 operations in a batch": Abuse(
        raw(("[" + ",".join(['{"query": "{ __typename }"}'] * 1000) + "]").encode()), 400, ""
    ),
    "not UTF-8": Abuse(raw(b'{"query": "{ \xff\xfe }"}'), 400, ""),
    # before: 'Unexpected server error' in each field and one traceback per field
    "lone surrogate in the variables of 30 fields": Abuse(
        raw(
            b'{"query": "query ($c: String!) { '
            + b" ".join(b"p%d: partner(key: $c) { name }" % i for i in range(30))
            + b' }", "variables": {"c": "\\ud800"}}'
        ),
        400,
        "lone UTF-16 surrogate (\\ud800) in variables.c",
    ),
    "lone surrogate in the query": Abuse(
        raw(b'{"query": "{ search(text: \\"\\udc00\\") { score } }"}'),
        400,
        "lone UTF-16 surrogate (\\udc00) in query, line 1",
    ),
}


def median_ms(send: Callable[[], httpx.Response]) -> tuple[float, httpx.Response]:
    times, response = [], None
    for _ in range(REPEAT):
        start = time.perf_counter()
        response = send()
        times.append((time.perf_counter() - start) * 1000)
    assert response is not None
    return statistics.median(times), response


@pytest.fixture(scope="module")
def timings() -> Iterator[dict[str, float]]:
    measured: dict[str, float] = {}
    yield measured
    if measured:
        record_figures("abuse", {"repeat": REPEAT, "median_ms": measured})


@pytest.mark.parametrize("name", list(ABUSES))
def test_an_abusive_request_is_refused_and_changes_nothing(
    seeded_api: httpx.Client, driver: Driver, timings: dict[str, float], name: str
) -> None:
    abuse = ABUSES[name]
    if not timings:
        timings["baseline: { __typename }"] = median_ms(
            lambda: seeded_api.post("/graphql", json={"query": "{ __typename }"})
        )[0]
        timings["baseline: a commune card"] = median_ms(
            lambda: seeded_api.post("/graphql", json={"query": COMMUNE_CARD})
        )[0]
    before = graph_snapshot(driver)
    elapsed, response = median_ms(lambda: abuse.send(seeded_api))
    timings[name] = elapsed
    assert response.status_code == abuse.status, response.text[:500]
    body = response.json()
    assert "data" not in body or body["data"] is None, str(body)[:500]
    message = body["errors"][0]["message"]
    assert abuse.says in message, message
    assert "Traceback" not in response.text
    assert graph_snapshot(driver) == before
    # and the server still answers an ordinary request
    ordinary = seeded_api.post("/graphql", json={"query": COMMUNE_CARD}).json()
    assert ordinary == {"data": {"territory": {"name": "Saint-Flour", "population": 6_391}}}
