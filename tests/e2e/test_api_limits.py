"""Every protection limit of the API refuses the request with a clear error, before it
runs (depth, aliases, tokens) or as soon as it asks for too much (pages, ids, text)."""

from __future__ import annotations

from typing import Any

import httpx


def errors(api: httpx.Client, query: str, **variables: Any) -> list[str]:
    response = api.post("/graphql", json={"query": query, "variables": variables})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body.get("errors"), body
    return [error["message"] for error in body["errors"]]


def test_more_than_30_aliases_are_refused(api: httpx.Client) -> None:
    aliased = " ".join(f'a{i}: territory(code: "15") {{ name }}' for i in range(31))
    assert any("aliases" in m for m in errors(api, "{ " + aliased + " }"))
    # 30 are fine
    fine = " ".join(f'a{i}: territory(code: "15") {{ name }}' for i in range(30))
    response = api.post("/graphql", json={"query": "{ " + fine + " }"}).json()
    assert "errors" not in response


def test_a_document_of_more_than_5000_tokens_is_refused(api: httpx.Client) -> None:
    huge = "{ " + "__typename " * 5001 + "}"
    assert any("token" in m.lower() for m in errors(api, huge))


def test_page_sizes_ids_and_search_text_are_bounded(api: httpx.Client) -> None:
    assert "between 0 and 100" in errors(api, "{ partners(first: 1000) { totalCount } }")[0]
    ids = ["Q29tbXVuZToxNTE4Nw=="] * 101
    assert "at most 100" in errors(api, "query ($ids: [ID!]!) { nodes(ids: $ids) { id } }",
                                   ids=ids)[0]  # fmt: skip
    assert "200 characters" in errors(api, '{ search(text: "%s") { score } }' % ("a" * 201))[0]
    assert "between 1 and 100" in errors(api, '{ search(text: "a", first: 0) { score } }')[0]


def test_internal_failures_leak_no_internals(api: httpx.Client) -> None:
    for query in ('{ node(id: "%%%") { id } }', '{ territory(code: "x") { name } }'):
        for message in errors(api, query):
            for leak in ("Traceback", "MATCH", "neo4j", ".py"):
                assert leak not in message
