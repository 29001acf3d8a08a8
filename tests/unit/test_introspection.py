"""The schema's description of itself: refused when it would answer too much, before it
runs; the standard query answered from a cache; and, if the operator says so, only for
callers with a token, or not at all."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from graphql import get_introspection_query, parse
from starlette.types import Receive, Scope, Send

from schema import MAX_INTROSPECTION_VALUES, schema
from schema.introspection import introspection_values
from web.http import GraphQLView
from web.settings import ApiTokens

TOKEN = "introspection-token-0123456789"
STANDARD = get_introspection_query(descriptions=True)
#: Two levels of the schema, as the probe that built 18.9 MB in 6 s sent it 30 times.
TWO_LEVELS = (
    "__schema { types { name kind description fields(includeDeprecated: true) { name "
    "description args { name type { kind name ofType { kind name } } } type { kind name "
    "fields(includeDeprecated: true) { name description type { kind name ofType { kind name "
    "} } } } } } }"
)
ALIAS_BOMB = "{ " + " ".join(f"a{i}: {TWO_LEVELS}" for i in range(30)) + " }"


def run(query: str) -> Any:
    return asyncio.run(schema.execute(query))


def test_the_standard_introspection_query_fits_the_budget_and_is_answered() -> None:
    assert introspection_values(schema._schema, parse(STANDARD)) < MAX_INTROSPECTION_VALUES
    first, again = run(STANDARD), run(STANDARD)
    assert first.errors is None
    assert again.data == first.data
    assert {t["name"] for t in first.data["__schema"]["types"]} >= {"Commune", "Contract"}


def test_thirty_aliases_of_the_schema_are_refused_before_they_run() -> None:
    result = run(ALIAS_BOMB)
    assert result.data is None
    (error,) = result.errors
    assert "more than 20,000 fields of the schema's description" in error.message
    assert "Ask for the schema once" in error.message


def test_the_count_is_what_the_answer_holds() -> None:
    one = "{ " + TWO_LEVELS + " }"
    answered = run(one).data

    def fields(value: Any) -> int:
        if isinstance(value, list):
            return sum(fields(item) for item in value)
        if isinstance(value, dict):
            return sum(1 + fields(inner) for inner in value.values())
        return 0

    assert introspection_values(schema._schema, parse(one)) == fields(answered)


def view_client(policy: str) -> httpx.AsyncClient:
    view = GraphQLView(schema, tokens=ApiTokens.parse(f"alice={TOKEN}"), introspection=policy)

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        scope.setdefault("state", {})["reader"] = None  # nothing here reads the graph
        await view(scope, receive, send)

    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://api")


def post(policy: str, query: str, token: str | None = None) -> httpx.Response:
    headers = {"accept": "application/json"}
    if token:
        headers["authorization"] = f"Bearer {token}"

    async def send() -> httpx.Response:
        async with view_client(policy) as client:
            return await client.post("/graphql", json={"query": query}, headers=headers)

    return asyncio.run(send())


@pytest.mark.parametrize(
    ("policy", "token", "status", "says"),
    [
        ("public", None, 200, ""),
        ("token", TOKEN, 200, ""),
        ("token", None, 401, "needs an API token here (CTG_API_INTROSPECTION=token)"),
        ("off", TOKEN, 403, "does not describe its schema (CTG_API_INTROSPECTION=off)"),
    ],
)
def test_who_may_ask_for_the_schema(policy: str, token: str | None, status: int, says: str) -> None:
    response = post(policy, '{ __type(name: "Commune") { name } }', token)
    assert response.status_code == status, response.text
    if status == 200:
        assert response.json() == {"data": {"__type": {"name": "Commune"}}}
    else:
        assert says in response.json()["errors"][0]["message"]


def test_typename_is_not_introspection_even_when_it_is_off() -> None:
    assert post("off", "{ __typename }").json() == {"data": {"__typename": "Query"}}
