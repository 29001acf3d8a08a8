"""The security headers middleware and GraphiQL's page, on tiny apps: nothing running."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from strawberry.http.ides import get_graphql_ide_html

from domain.resources import PROJECT_ROOT
from schema import schema
from web.graphiql import GraphiQLFiles
from web.headers import CYTOSCAPE_STYLESHEET, SITE_POLICY, SecurityHeaders, source_hash
from web.http import GraphQLView, Refusal, graphiql_page, refuse_lone_surrogates
from web.settings import ApiTokens


def own_policy(_request: Request) -> Response:
    return PlainTextResponse("framed", headers={"Content-Security-Policy": "default-src 'none'"})


def boom(_request: Request) -> Response:
    return PlainTextResponse("refused", status_code=403)


APP = Starlette(
    routes=[Route("/own", own_policy), Route("/refused", boom)],
    middleware=[Middleware(SecurityHeaders)],
)


def get(path: str) -> httpx.Response:
    async def call() -> httpx.Response:
        transport = httpx.ASGITransport(app=APP)
        async with httpx.AsyncClient(transport=transport, base_url="http://ctg") as client:
            return await client.get(path)

    return asyncio.run(call())


def test_every_response_gets_the_headers_and_a_route_keeps_its_own_policy() -> None:
    for path, status in (("/refused", 403), ("/nowhere", 404)):
        response = get(path)
        assert response.status_code == status
        assert response.headers["content-security-policy"] == SITE_POLICY
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["referrer-policy"] == "no-referrer"
    own = get("/own")
    assert own.headers["content-security-policy"] == "default-src 'none'"
    assert own.headers["x-frame-options"] == "DENY"


def test_the_site_policy_allows_no_inline_script_and_only_cytoscapes_stylesheet() -> None:
    assert "script-src 'self';" in SITE_POLICY
    assert "'unsafe-inline'" not in SITE_POLICY
    assert "frame-ancestors 'none'" in SITE_POLICY
    assert f"style-src 'self' {source_hash(CYTOSCAPE_STYLESHEET)};" in SITE_POLICY


def test_graphiql_keeps_no_header_in_the_browser_and_allows_only_its_own_scripts() -> None:
    pinned = get_graphql_ide_html("graphiql")
    assert "shouldPersistHeaders: true" in pinned  # what strawberry serves on its own
    page, policy, files = graphiql_page(pinned)
    assert "shouldPersistHeaders: false" in page
    assert "shouldPersistHeaders: true" not in page
    assert "storage: tokenFreeStorage," in page
    assert "'unsafe-inline'" not in policy
    # every file from this origin: no other host is allowed, and the page names none
    assert "https:" not in policy
    assert "https://" not in page.replace("http://www.w3.org/2000/svg", "")
    assert "script-src 'self' 'sha256-" in policy
    assert '"/vendor/graphiql/graphiql@3.8.3/graphiql.min.js"' in page
    assert set(files) == {
        f"/vendor/graphiql/{name}"
        for name in (
            "react@18.2.0/umd/react.production.min.js",
            "react-dom@18.2.0/umd/react-dom.production.min.js",
            "js-cookie@3.0.5/dist/js.cookie.min.js",
            "graphiql@3.8.3/graphiql.min.css",
            "graphiql@3.8.3/graphiql.min.js",
            "@graphiql/plugin-explorer@1.0.2/dist/style.css",
            "@graphiql/plugin-explorer@1.0.2/dist/index.umd.js",
        )
    }


def test_package_json_pins_every_npm_file_graphiqls_page_loads() -> None:
    pinned = json.loads((PROJECT_ROOT / "package.json").read_text("utf-8"))["dependencies"]
    _page, _policy, files = graphiql_page(get_graphql_ide_html("graphiql"))
    assert {f.package: f.version for f in files.values()} == {
        name: pinned[name]
        for name in ("react", "react-dom", "js-cookie", "graphiql", "@graphiql/plugin-explorer")
    }


def test_a_graphiql_page_loading_a_file_from_another_host_stops_the_view_from_starting() -> None:
    changed = get_graphql_ide_html("graphiql").replace(
        "</head>", '<script src="https://example.org/tracker.js"></script></head>'
    )
    with pytest.raises(RuntimeError, match=r"not an npm package's"):
        graphiql_page(changed)


def test_a_graphiql_page_written_differently_stops_the_view_from_starting() -> None:
    changed = get_graphql_ide_html("graphiql").replace(
        "shouldPersistHeaders: true", "shouldPersistHeaders: !0"
    )
    with pytest.raises(RuntimeError, match=r"check how this version stores headers"):
        graphiql_page(changed)


def test_the_view_serves_the_page_it_checked() -> None:
    view = GraphQLView(schema, tokens=ApiTokens({}))
    assert "shouldPersistHeaders: false" in view.graphiql_html
    assert view.graphiql_policy.startswith("default-src 'none'")


@pytest.mark.parametrize(
    ("request_data", "where"),
    [
        ({"query": "{ a }", "variables": {"c": "x" + chr(0xD800)}}, "variables.c"),
        ({"variables": {"list": [{"deep": ["ok", chr(0xDFFF)]}]}}, "variables.list[0].deep[1]"),
        ({"query": '{\n  search(text: "' + chr(0xDC00) + '") }'}, "query, line 2, column 17"),
        ({"variables": {"k" + chr(0xD800): 1}}, "the name variables.k\\ud800"),
        ([{"query": "{ a }"}, {"operationName": chr(0xD800)}], "[1].operationName"),
    ],
)
def test_a_lone_surrogate_is_refused_naming_where_it_is(request_data: object, where: str) -> None:
    with pytest.raises(Refusal) as refused:
        refuse_lone_surrogates(request_data)
    assert refused.value.status_code == 400
    assert refused.value.code == "BAD_USER_INPUT"
    assert f" in {where}: " in refused.value.reason
    refused.value.reason.encode("utf-8")  # safe to log and to send


def test_text_with_characters_beyond_the_bmp_passes() -> None:
    refuse_lone_surrogates({"query": "{ a }", "variables": {"t": "Saint-Flour 😀 \U0001f353"}})


def graphiql_files_app(node_modules: Path) -> Starlette:
    _page, _policy, files = graphiql_page(get_graphql_ide_html("graphiql"))
    served = GraphiQLFiles(files, node_modules)
    return Starlette(routes=[Route("/vendor/graphiql/{file:path}", served.serve)])


def fetch(app: Starlette, path: str) -> httpx.Response:
    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            return await client.get(path)

    return asyncio.run(go())


def test_graphiql_files_are_served_only_as_the_page_names_them(tmp_path: Path) -> None:
    react = tmp_path / "react"
    (react / "umd").mkdir(parents=True)
    (react / "umd" / "react.production.min.js").write_text("/* react */", "utf-8")
    (react / "package.json").write_text('{"name": "react", "version": "18.2.0"}', "utf-8")
    app = graphiql_files_app(tmp_path)
    named = fetch(app, "/vendor/graphiql/react@18.2.0/umd/react.production.min.js")
    assert named.status_code == 200
    assert named.text == "/* react */"
    assert "immutable" in named.headers["cache-control"]
    # a file of the package the page does not load, and a path out of node_modules
    assert fetch(app, "/vendor/graphiql/react@18.2.0/package.json").status_code == 404
    assert fetch(app, "/vendor/graphiql/react@18.2.0/../../etc/passwd").status_code == 404
    missing = fetch(app, "/vendor/graphiql/graphiql@3.8.3/graphiql.min.js")
    assert missing.status_code == 404
    assert "graphiql 3.8.3, which is not installed" in missing.json()["error"]
    assert "npm ci" in missing.json()["error"]
    (react / "package.json").write_text('{"name": "react", "version": "18.3.1"}', "utf-8")
    other = fetch(app, "/vendor/graphiql/react@18.2.0/umd/react.production.min.js")
    assert other.status_code == 404
    assert "is at version 18.3.1" in other.json()["error"]
