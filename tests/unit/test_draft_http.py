"""``/drafts``, ``/drafts/dataset`` and ``/drafts/local-token`` straight on the ASGI app
(no Neo4j, no model: the drafting and the dataset writer are replaced by stand-ins)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import httpx
import pytest

from domain.errors import DatabaseUnavailableError, InputError
from loaders.drafts import articles as article_reader
from loaders.drafts import dataset as dataset_writer
from loaders.drafts import draft as drafting
from loaders.drafts.articles import Article
from loaders.drafts.facts import ArticleInfo, ContractFact, Draft, Evidence, TerritoryFact
from server import create_app
from web import drafts
from web.settings import ApiSettings, api_settings

TEXT = "La Caf du Cantal signe avec Saint-Flour Communauté sa première CTG."
TOKEN = "curator-token-0123456789"
LOCAL = "local-token-0123456789abcdef"


def sample_draft(text: str, info: ArticleInfo) -> Draft:
    """What a reader finds in TEXT: a territory and a contract, each with its words."""
    start = text.index("Saint-Flour Communauté")
    return Draft(
        article=info,
        text=text,
        facts=[
            TerritoryFact(
                id="territory-1",
                evidence=Evidence.of(text, start, start + len("Saint-Flour Communauté")),
                name="Saint-Flour Communauté",
                kind="epci",
                code="200066660",
            ),
            ContractFact(
                id="contract-1",
                evidence=Evidence.of(text, text.index("CTG"), text.index("CTG") + 3),
                kind="ctg",
                name="CTG Saint-Flour Communauté",
                territories=("territory-1",),
            ),
        ],
    )


class _Knowledge:
    """Stands for the loaded model: counts how often it is loaded."""

    loads = 0

    @classmethod
    def load(cls) -> _Knowledge:
        cls.loads += 1
        return cls()


@pytest.fixture(autouse=True)
def stand_ins(monkeypatch: pytest.MonkeyPatch) -> None:
    _Knowledge.loads = 0
    monkeypatch.setattr(drafts, "Knowledge", _Knowledge)
    monkeypatch.setattr(drafting, "draft_text", lambda text, info, _k: sample_draft(text, info))

    def no_graph() -> Any:
        raise DatabaseUnavailableError("no Neo4j in unit tests")

    monkeypatch.setattr(drafts, "resolve_connection", no_graph)


def call(
    method: str,
    path: str,
    env: Mapping[str, str] | None = None,
    *,
    settings: ApiSettings | None = None,
    client: tuple[str, int] = ("127.0.0.1", 50000),
    base: str = "http://127.0.0.1:8000",
    **kwargs: Any,
) -> httpx.Response:
    app = create_app(settings or api_settings(env or {}))

    async def run() -> httpx.Response:
        transport = httpx.ASGITransport(app=app, client=client)
        async with httpx.AsyncClient(transport=transport, base_url=base) as c:
            return await c.request(method, path, **kwargs)

    return asyncio.run(run())


def message(response: httpx.Response) -> str:
    body = response.json()
    return str(body["errors"][0]["message"])


# -- POST /drafts ---------------------------------------------------------------------------
def test_a_pasted_text_is_answered_with_its_draft() -> None:
    response = call(
        "POST", "/drafts", json={"text": TEXT, "title": "Une CTG", "published": "2018-01-19"}
    )
    assert response.status_code == 200
    draft = Draft.model_validate(response.json())
    assert draft.text == TEXT
    assert draft.article.title == "Une CTG"
    assert str(draft.article.published) == "2018-01-19"
    assert [f.id for f in draft.facts] == ["territory-1", "contract-1"]
    assert response.headers["cache-control"] == "no-store"


def test_the_model_is_loaded_once_for_many_drafts() -> None:
    app = create_app(api_settings({}))

    async def run() -> list[int]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as c:
            answers = await asyncio.gather(
                *(c.post("/drafts", json={"text": TEXT}) for _ in range(3))
            )
        return [a.status_code for a in answers]

    assert asyncio.run(run()) == [200, 200, 200]
    assert _Knowledge.loads == 1


def test_an_uploaded_file_is_read_by_the_article_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[Path] = []

    def read_article(path: Path) -> Article:
        seen.append(path)
        assert path.read_bytes() == TEXT.encode()
        return Article(TEXT, ArticleInfo(file=path.name, title="Titre du fichier"))

    monkeypatch.setattr(article_reader, "read_article", read_article)
    response = call(
        "POST",
        "/drafts",
        files={"file": ("ctg-cantal.txt", TEXT.encode(), "text/plain")},
        data={"published": "2018-01-19"},
    )
    assert response.status_code == 200, response.text
    draft = Draft.model_validate(response.json())
    assert draft.article.file == "ctg-cantal.txt"
    assert draft.article.title == "Titre du fichier"
    assert str(draft.article.published) == "2018-01-19"
    assert seen[0].name == "ctg-cantal.txt"
    assert not seen[0].exists()  # the temporary copy is gone


def test_an_unreadable_upload_is_a_422_with_the_readers_words(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def read_article(path: Path) -> Article:
        raise InputError(f"{path.name} holds no text layer; run it through OCR first.")

    monkeypatch.setattr(article_reader, "read_article", read_article)
    response = call("POST", "/drafts", files={"file": ("scan.pdf", b"%PDF-1.4", "application/pdf")})
    assert response.status_code == 422
    assert "scan.pdf holds no text layer" in message(response)


def test_an_upload_of_another_kind_is_refused_with_the_kinds_read() -> None:
    response = call("POST", "/drafts", files={"file": ("notes.docx", b"PK", "application/zip")})
    assert response.status_code == 415
    assert "'notes.docx'" in message(response)
    assert ".txt, .html or .pdf" in message(response)


@pytest.mark.parametrize(
    ("kwargs", "status", "words"),
    [
        (
            {"content": TEXT, "headers": {"content-type": "text/plain"}},
            415,
            "send the article as JSON",
        ),
        ({"json": {"text": ""}}, 422, "text"),
        ({"json": {"text": "   "}}, 422, "no text to draft from"),
        ({"json": {"text": TEXT, "published": "19/01/2018"}}, 422, "published"),
        ({"json": {"body": TEXT}}, 422, "body"),
        ({"content": b"{", "headers": {"content-type": "application/json"}}, 400, "malformed"),
    ],
)
def test_a_bad_request_says_what_is_wrong(kwargs: dict[str, Any], status: int, words: str) -> None:
    response = call("POST", "/drafts", **kwargs)
    assert response.status_code == status
    assert words in message(response)
    assert response.json()["errors"][0]["extensions"]["code"]


def test_a_form_date_that_is_no_date_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    response = call(
        "POST", "/drafts", files={"file": ("a.txt", b"x", "text/plain")}, data={"published": "hier"}
    )
    assert response.status_code == 422
    assert "YYYY-MM-DD" in message(response)


def test_a_body_over_the_limit_is_a_413() -> None:
    env = {"CTG_API_MAX_BODY_BYTES": "2048"}
    response = call("POST", "/drafts", env, json={"text": "x" * 5000})
    assert response.status_code == 413
    assert "2,048 bytes" in message(response)


def test_a_draft_that_takes_too_long_is_a_503(monkeypatch: pytest.MonkeyPatch) -> None:
    def slow(text: str, info: ArticleInfo, _k: object) -> Draft:
        time.sleep(1.0)
        return sample_draft(text, info)

    monkeypatch.setattr(drafting, "draft_text", slow)
    monkeypatch.setattr(drafts, "DRAFT_TIMEOUT", 0.1)
    response = call("POST", "/drafts", json={"text": TEXT})
    assert response.status_code == 503
    assert "longer than 0.1 s" in message(response)


def test_reads_follow_the_token_setting() -> None:
    env = {"CTG_API_TOKENS": f"alice={TOKEN}", "CTG_API_READ_REQUIRES_TOKEN": "1"}
    refused = call("POST", "/drafts", env, json={"text": TEXT})
    assert refused.status_code == 401
    assert "needs an API token" in message(refused)
    allowed = call(
        "POST", "/drafts", env, json={"text": TEXT}, headers={"Authorization": f"Bearer {TOKEN}"}
    )
    assert allowed.status_code == 200


def test_an_unknown_token_is_refused_even_for_public_reads() -> None:
    response = call(
        "POST",
        "/drafts",
        json={"text": TEXT},
        headers={"Authorization": "Bearer not-a-token-at-all"},
    )
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")


# -- POST /drafts/dataset -----------------------------------------------------------------
YAML = """\
dataset:
  key: brouillon
  title: Un brouillon
contracts: []
"""


def test_a_reviewed_draft_is_answered_with_its_yaml_and_problems(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    asked: list[tuple[Draft, str]] = []

    def to_yaml(draft: Draft, *, name: str) -> str:
        asked.append((draft, name))
        return YAML

    monkeypatch.setattr(dataset_writer, "to_yaml", to_yaml)
    reviewed = sample_draft(TEXT, ArticleInfo()).model_dump(mode="json")
    reviewed["facts"] = reviewed["facts"][1:]  # the territory rejected
    response = call("POST", "/drafts/dataset", json={"draft": reviewed, "name": "ctg-essai"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["name"] == "ctg-essai"
    assert body["yaml"] == YAML
    assert [f.id for f in asked[0][0].facts] == ["contract-1"]
    assert asked[0][1] == "ctg-essai"
    # the stand-in YAML lacks what the format needs: each problem has its line or field
    assert body["problems"], body
    assert all(set(p) == {"line", "field", "message"} for p in body["problems"])


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"draft": {"text": TEXT}, "name": "ctg-essai"}, "draft.article"),
        (
            {"draft": {"article": {}, "text": TEXT, "facts": [{"type": "nope"}]}, "name": "x"},
            "facts",
        ),
        ({"draft": {"article": {}, "text": TEXT}, "name": "Pas Une Clé"}, "name"),
    ],
)
def test_an_edited_draft_that_is_no_draft_is_a_422(body: dict[str, Any], words: str) -> None:
    response = call("POST", "/drafts/dataset", json=body)
    assert response.status_code == 422
    assert words in message(response)


# -- GET /drafts/local-token --------------------------------------------------------------
LOCAL_ENV = {"CTG_API_TOKENS": f"local-curator={LOCAL}", "CTG_API_LOCAL_TOKEN": LOCAL}


def test_the_local_token_is_given_to_a_page_of_this_loopback_server() -> None:
    response = call(
        "GET",
        "/drafts/local-token",
        LOCAL_ENV,
        headers={"Sec-Fetch-Site": "same-origin", "Origin": "http://127.0.0.1:8000"},
    )
    assert response.status_code == 200
    assert response.json() == {"name": "local-curator", "token": LOCAL}
    assert response.headers["cache-control"] == "no-store"


@pytest.mark.parametrize(
    ("client", "base", "headers", "words"),
    [
        # another machine on the network
        (("192.0.2.7", 40000), "http://127.0.0.1:8000", {}, "loopback"),
        # DNS rebinding: a name of the attacker's that resolves to 127.0.0.1
        (("127.0.0.1", 40000), "http://rebind.example:8000", {}, "loopback"),
        # another site's page, reading across origins
        (
            ("127.0.0.1", 40000),
            "http://127.0.0.1:8000",
            {"Origin": "https://evil.example"},
            "a page of this server",
        ),
        (
            ("127.0.0.1", 40000),
            "http://127.0.0.1:8000",
            {"Sec-Fetch-Site": "cross-site"},
            "a page of this server",
        ),
    ],
)
def test_the_local_token_is_refused_otherwise(
    client: tuple[str, int], base: str, headers: dict[str, str], words: str
) -> None:
    response = call(
        "GET", "/drafts/local-token", LOCAL_ENV, client=client, base=base, headers=headers
    )
    assert response.status_code == 403
    assert words in message(response)
    assert LOCAL not in response.text


def test_without_a_local_token_the_page_is_told_to_type_one() -> None:
    response = call("GET", "/drafts/local-token")
    assert response.status_code == 200
    assert response.json()["token"] is None
    assert "Type a curator token" in response.json()["message"]


def test_a_local_token_that_is_not_a_configured_token_stops_the_server() -> None:
    from domain.errors import ConfigurationError

    with pytest.raises(ConfigurationError, match="CTG_API_LOCAL_TOKEN"):
        api_settings({"CTG_API_LOCAL_TOKEN": LOCAL})
    assert LOCAL not in repr(api_settings(LOCAL_ENV))  # a repr may end up in a log


def test_a_draft_under_way_does_not_hold_up_other_requests(monkeypatch: pytest.MonkeyPatch) -> None:
    """The draft runs in a worker thread: while it is blocked, the app still answers."""
    import threading

    release = threading.Event()
    started = threading.Event()

    def blocked(text: str, info: ArticleInfo, _k: object) -> Draft:
        started.set()
        assert release.wait(10), "the other request never came through"
        return sample_draft(text, info)

    monkeypatch.setattr(drafting, "draft_text", blocked)
    app = create_app(api_settings({}))

    async def run() -> tuple[int, int]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as c:
            draft = asyncio.create_task(c.post("/drafts", json={"text": TEXT}))
            while not started.is_set():
                await asyncio.sleep(0.01)
            other = await c.get("/drafts/local-token")  # answered while the draft waits
            release.set()
            return other.status_code, (await draft).status_code

    assert asyncio.run(run()) == (200, 200)


def test_a_bug_in_the_drafter_is_a_json_500_without_a_traceback(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(text: str, info: ArticleInfo, _k: object) -> Draft:
        raise KeyError("partner-9")

    monkeypatch.setattr(drafting, "draft_text", broken)
    response = call("POST", "/drafts", json={"text": TEXT})
    assert response.status_code == 500
    assert "a bug of ctg-graph" in message(response)
    assert "Traceback" not in response.text
    assert "partner-9" not in response.text
