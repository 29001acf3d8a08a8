"""The explorer's files are served at / and under fixed prefixes, read-only, and nothing
else of the checkout or of node_modules is reachable."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from server import EXPLORER, VENDOR, create_app
from web.settings import api_settings

APP = create_app(api_settings({}))


class Client:
    """Requests straight to the ASGI app; its lifespan (and Neo4j driver) is not needed."""

    def request(self, method: str, path: str, content: bytes | None = None) -> httpx.Response:
        async def call() -> httpx.Response:
            transport = httpx.ASGITransport(app=APP)
            async with httpx.AsyncClient(transport=transport, base_url="http://explorer") as c:
                return await c.request(method, path, content=content)

        return asyncio.run(call())

    def get(self, path: str) -> httpx.Response:
        return self.request("GET", path)

    def post(self, path: str, content: bytes) -> httpx.Response:
        return self.request("POST", path, content)

    def put(self, path: str, content: bytes) -> httpx.Response:
        return self.request("PUT", path, content)


@pytest.fixture(scope="module")
def client() -> Client:
    return Client()


def test_the_explorer_is_the_home_page(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert '<script type="module" src="/explorer/js/main.js">' in response.text
    assert response.text == (EXPLORER / "index.html").read_text()


@pytest.mark.parametrize(
    ("path", "media_type"),
    [
        ("/explorer/js/main.js", "text/javascript"),
        ("/explorer/explorer.css", "text/css"),
        ("/vendor/cytoscape/cytoscape.esm.min.mjs", "text/javascript"),
        ("/vendor/france-departements/index.js", "text/javascript"),
    ],
)
def test_the_page_and_its_npm_modules_are_served_with_their_media_type(
    client: Client, path: str, media_type: str
) -> None:
    response = client.get(path)
    assert response.status_code == 200, path
    assert response.headers["content-type"].split(";")[0] == media_type


@pytest.mark.parametrize(
    "path",
    [
        "/vendor/cytoscape/../package.json",
        "/vendor/cytoscape/%2e%2e/%2e%2e/package-lock.json",
        "/vendor/etalab/data/communes.json",
        "/explorer/../server.py",
        "/node_modules/cytoscape/package.json",
    ],
)
def test_nothing_outside_the_served_folders_is_reachable(client: Client, path: str) -> None:
    assert client.get(path).status_code == 404


def test_served_files_are_read_only(client: Client) -> None:
    assert client.post("/explorer/js/main.js", content=b"x").status_code == 405
    assert client.put("/vendor/cytoscape/cytoscape.esm.min.mjs", content=b"x").status_code == 405


def test_only_the_packages_the_explorer_uses_are_exposed() -> None:
    assert set(VENDOR) == {"cytoscape", "france-departements"}
    for folder in VENDOR.values():
        assert folder.is_dir(), f"{folder} is missing: run scripts/setup.sh"
