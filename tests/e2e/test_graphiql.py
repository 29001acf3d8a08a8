"""GraphiQL at ``/graphql`` in a real browser (Debian's Chromium, headless) without
internet: every request to another host than the API's is refused and counted, and the
page must still render, describe the schema and run a query, with no console error."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from playwright.sync_api import Page, Route, sync_playwright

from graph.settings import Neo4jConnection
from testkit.api_server import connection_env, serving_api
from testkit.browser import chromium
from tests.e2e.browser import SHOTS

QUERY = '{ __typename territory(code: "15") { name } }'


@pytest.fixture(scope="module")
def base(
    neo4j_connection: Neo4jConnection, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    log = tmp_path_factory.mktemp("graphiql-api") / "uvicorn.log"
    with serving_api(connection_env(neo4j_connection), log) as running:
        yield running.base


def test_graphiql_renders_and_runs_a_query_with_no_request_leaving_this_machine(
    base: str,
) -> None:
    elsewhere: list[str] = []
    problems: list[str] = []
    loaded: list[str] = []

    def offline(route: Route) -> None:
        url = route.request.url
        host = urlsplit(url).hostname
        if url.startswith(("data:", "blob:")) or host == "127.0.0.1":
            route.continue_()
        else:  # this machine has no internet: nothing may depend on another host
            elsewhere.append(url)
            route.abort()

    with sync_playwright() as playwright, chromium(playwright) as browser:
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        context.route("**/*", offline)
        page: Page = context.new_page()
        page.on(
            "console",
            lambda m: problems.append(f"console: {m.text}") if m.type == "error" else None,
        )
        page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
        page.on("requestfinished", lambda request: loaded.append(request.url))
        try:
            page.goto(f"{base}/graphql?q={quote(QUERY)}")
            page.locator(".graphiql-container .graphiql-editors").wait_for(timeout=30_000)
            # the schema's description arrived: the documentation explorer can open it
            page.locator(".graphiql-execute-button").click()
            result = page.locator(".result-window")
            result.get_by_text('"__typename": "Query"').wait_for(timeout=30_000)
            answer = json.loads(result.inner_text().replace("\u00a0", " "))
            SHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=SHOTS / "graphiql-offline.png")
        finally:
            context.close()

    print(f"\nGraphiQL offline: {len(loaded)} requests to the API, {len(elsewhere)} to other hosts")
    assert elsewhere == [], f"GraphiQL asked other hosts: {elsewhere}"
    assert problems == [], "the browser console logged errors:\n" + "\n".join(problems)
    assert answer["data"]["__typename"] == "Query"
    assert any(Path(urlsplit(url).path).name == "graphiql.min.js" for url in loaded)
    # the schema was asked for (introspection), so the editor can check and complete
    assert any(urlsplit(url).path == "/graphql" for url in loaded)
