"""« Importer un article » in a real browser (Debian's Chromium, headless): an article is
pasted or uploaded, its facts are highlighted in the text and listed beside it, one is
rejected, one edited, an ambiguous territory resolved; the YAML is downloaded and the
dataset saved with a curator token, then read back through GraphQL. The graph holds the
reference only (Cantal, Saône-et-Loire). Every test fails if the console logs an error.

The first test serves a draft built by hand (the browser's requests to ``/drafts`` and
``/drafts/dataset`` are answered by the test), so it checks the page and the save on
their own; the seed-article tests run the real drafting and dataset writer, and check
what the seed datasets say a careful reader finds.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from neo4j import Driver
from playwright.sync_api import Browser, Page, Route, sync_playwright

from graph.settings import Neo4jConnection
from loaders.drafts.facts import (
    ArticleInfo,
    Candidate,
    ContractFact,
    DateFact,
    Draft,
    Evidence,
    PartnerFact,
    SignatoryFact,
    TerritoryFact,
)
from testkit.browser import chromium
from tests.conftest import SEED_ARTICLES
from tests.e2e.browser import watched_page
from tests.e2e.conftest import connection_env, reference_only, start_api, stop_api

TOKEN = "review-e2e-token-0123456789"
#: Drafting loads the French model once per server (about ten seconds, more on a busy
#: machine): the page's first answer may take that long.
DRAFTED = 180_000


@pytest.fixture(scope="module")
def review_url(
    driver: Driver, neo4j_connection: Neo4jConnection, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The explorer over a graph holding the reference extract only, with a curator."""
    reference_only(driver, neo4j_connection)
    env = {**connection_env(neo4j_connection), "CTG_API_TOKENS": f"camille={TOKEN}"}
    process, base = start_api(env, tmp_path_factory.mktemp("review-api") / "uvicorn.log")
    try:
        yield base
    finally:
        stop_api(process)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as running, chromium(running) as launched:
        yield launched


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A fresh French page; the test fails if the console logs an error."""
    with watched_page(browser, request.node.name, full_page=True) as opened:
        yield opened


# -- what the page shows ----------------------------------------------------------------------
def open_review(page: Page, base: str) -> None:
    page.goto(base + "/")
    page.wait_for_selector("body[data-ready=true]")
    page.get_by_role("tab", name="Importer un article").click()
    assert page.locator("#review-view").is_visible()
    # nothing of the hidden result can take the focus before there is a draft
    assert page.locator("#review-result").is_hidden()


def wait_for_draft(page: Page) -> dict[str, Any]:
    """The draft the page shows, once it is shown (as the page received it)."""
    page.wait_for_selector("#review-result:not([hidden])", timeout=DRAFTED)
    draft: dict[str, Any] = page.evaluate("() => window.explorer.review.draft")
    return draft


def highlighted(page: Page) -> list[str]:
    """The ids of the facts whose words are highlighted in the text, each once."""
    ids: list[str] = page.evaluate(
        """() => [...document.querySelectorAll('#review-article mark[data-starts]')]
                 .flatMap((m) => m.dataset.starts.split(' '))"""
    )
    return ids


def with_evidence(draft: dict[str, Any]) -> list[str]:
    return [f["id"] for f in draft["facts"] if f["evidence"]["end"] > f["evidence"]["start"]]


def check_highlights(page: Page, draft: dict[str, Any]) -> None:
    """Every fact with evidence is highlighted once, over its own words, and a fact and
    its highlight lead to each other."""
    assert sorted(highlighted(page)) == sorted(with_evidence(draft))
    fact = next(f for f in draft["facts"] if f["id"] in with_evidence(draft))
    mark = page.locator(f"#review-article mark[data-starts~='{fact['id']}']")
    assert fact["evidence"]["quote"].startswith(mark.inner_text())
    page.locator(f"#fact-{fact['id']} button.show").click()
    assert "current" in (mark.get_attribute("class") or "")
    page.locator("#review-article mark").last.click()
    assert page.locator(".review-fact.current").count() == 1


def reject(page: Page, fact_id: str) -> None:
    page.locator(f"#keep-{fact_id}").uncheck()
    assert "rejected" in (page.locator(f"#fact-{fact_id}").get_attribute("class") or "")


def edit(page: Page, fact_id: str, field: str, value: str) -> None:
    box = page.locator(f"#edit-{fact_id}-{field}")
    box.fill(value)
    box.press("Tab")  # the value is taken on change, as a user leaves the field


def resolve_ambiguous(page: Page, draft: dict[str, Any]) -> str | None:
    """Pick the first candidate of the first ambiguous territory; its code, or None."""
    for fact in draft["facts"]:
        if fact["type"] == "territory" and fact["candidates"] and not fact.get("code"):
            choice = fact["candidates"][0]
            page.select_option(f"#candidate-{fact['id']}", f"{choice['kind']}:{choice['code']}")
            return str(choice["code"])
    return None


def download_yaml(page: Page, name: str) -> dict[str, Any]:
    page.fill("#review-name", name)
    with page.expect_download(timeout=DRAFTED) as download:
        page.get_by_role("button", name="Télécharger le YAML").click()
    assert download.value.suggested_filename == f"{name}.yaml"
    content: dict[str, Any] = yaml.safe_load(Path(download.value.path()).read_text("utf-8"))
    return content


def save(page: Page) -> str:
    page.fill("#review-token", TOKEN)
    page.get_by_role("button", name="Enregistrer").click()
    status = page.locator("#review-save-status")
    status.filter(has_text="Enregistré").wait_for(timeout=DRAFTED)
    saved = status.get_attribute("data-saved")
    assert saved
    return saved


def read(base: str, query: str) -> dict[str, Any]:
    body = httpx.post(base + "/graphql", json={"query": query}, timeout=30).json()
    assert "errors" not in body, body["errors"]
    data: dict[str, Any] = body["data"]
    return data


# -- a draft built by hand: the page and the save on their own ---------------------------------
def hand_draft() -> Draft:
    text = SEED_ARTICLES["saint-flour-ctg-2017"].read_text(encoding="utf-8")

    def at(words: str, nth: int = 0) -> Evidence:
        start = -1
        for _ in range(nth + 1):
            start = text.index(words, start + 1)
        return Evidence.of(text, start, start + len(words))

    ambiguous = (
        Candidate(kind="epci", code="200066660", name="CC de Saint-Flour", score=90),
        Candidate(kind="commune", code="15187", name="Saint-Flour", score=88),
    )
    return Draft(
        article=ArticleInfo(title="La Caf du Cantal signe sa première CTG"),
        text=text,
        facts=[
            TerritoryFact(
                id="territory-1",
                evidence=at("Cantal"),
                name="Cantal",
                kind="departement",
                code="15",
            ),
            TerritoryFact(
                id="territory-2",
                evidence=at("Saint-Flour Communauté"),
                name="Saint-Flour Communauté",
                candidates=ambiguous,
            ),
            PartnerFact(
                id="partner-1",
                evidence=at("Caf du Cantal"),
                name="Caf du Cantal",
                kind="caf",
                territory="territory-1",
            ),
            PartnerFact(
                id="partner-2",
                evidence=at("Saint-Flour Communauté", 1),
                name="Saint-Flour Communauté",
                kind="epci",
                territory="territory-2",
            ),
            ContractFact(
                id="contract-1",
                evidence=at("Convention territoriale globale (CTG)"),
                kind="ctg",
                name="CTG Saint-Flour Communauté",
                territories=("territory-2",),
                lead="partner-1",
            ),
            DateFact(
                id="date-1",
                evidence=at("ce vendredi 19 janvier"),
                contract="contract-1",
                role="signed",
                value="2018-01-19",
            ),
            SignatoryFact(
                id="signatory-1",
                evidence=at("ont signé"),
                contract="contract-1",
                partner="partner-1",
            ),
            SignatoryFact(
                id="signatory-2",
                evidence=at("ont signé"),
                contract="contract-1",
                partner="partner-2",
            ),
        ],
        gaps=["the article does not say when the contract ends"],
    )


def dataset_of(reviewed: dict[str, Any], name: str) -> str:
    """The YAML the dataset writer would give, small: what the test's stand-in answers
    for the reviewed draft the page sent (its kept, edited, resolved facts)."""
    facts = {f["id"]: f for f in reviewed["facts"]}
    partners = [f for f in facts.values() if f["type"] == "partner"]
    contract = next(f for f in facts.values() if f["type"] == "contract")

    def place(fact_id: str | None) -> dict[str, str]:
        assert fact_id is not None
        territory = facts[fact_id]
        assert territory["code"], f"territory {fact_id} is not resolved"
        return {str(territory["kind"]): str(territory["code"])}

    document = {
        "format": "ctg-graph/dataset@1",
        "dataset": {"key": name, "title": reviewed["article"]["title"], "updated": "2026-12-01"},
        "default_source": f"article-{name}",
        "sources": [
            {"key": f"article-{name}", "title": reviewed["article"]["title"], "date": "2018-01-19"}
        ],
        "partners": [
            {
                "key": f"{p['id']}-{name}",
                "kind": p["kind"],
                "name": p["name"],
                "serves" if p["kind"] == "caf" else "governs": [
                    {"territory": place(p["territory"])}
                ],
            }
            for p in partners
        ],
        "contracts": [
            {
                "key": f"ctg-{name}",
                "kind": contract["kind"],
                "title": contract["name"],
                "status": "signed",
                "signatories": [
                    {"partner": f"{s['partner']}-{name}", "role": "signataire"}
                    for s in facts.values()
                    if s["type"] == "signatory"
                ],
                "covers": [{"territory": place(t)} for t in contract["territories"]],
            }
        ],
    }
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False)


def test_a_hand_built_draft_is_reviewed_downloaded_and_saved(page: Page, review_url: str) -> None:
    draft = hand_draft()
    sent: list[dict[str, Any]] = []

    def answer_draft(route: Route) -> None:
        assert json.loads(route.request.post_data or "{}")["text"] == draft.text
        route.fulfill(json=draft.model_dump(mode="json"))

    def answer_dataset(route: Route) -> None:
        body: dict[str, Any] = json.loads(route.request.post_data or "{}")
        Draft.model_validate(body["draft"])  # the page sends back a Draft
        sent.append(body)
        route.fulfill(
            json={
                "name": body["name"],
                "yaml": dataset_of(body["draft"], body["name"]),
                "problems": [],
            }
        )

    page.route("**/drafts", answer_draft)
    page.route("**/drafts/dataset", answer_dataset)
    open_review(page, review_url)
    page.fill("#review-text", draft.text)
    page.get_by_role("button", name="Relever les faits").click()
    shown = wait_for_draft(page)
    assert "8 faits relevés, 8 surlignés" in page.locator("#review-status").inner_text()
    check_highlights(page, shown)
    # grouped by type, with the gaps
    groups = page.locator("#review-fact-groups h4").all_inner_texts()
    assert groups[:3] == ["Territoires (2)", "Partenaires (2)", "Contrats (1)"]
    assert "when the contract ends" in page.locator("#review-gaps").inner_text()

    reject(page, "signatory-2")
    edit(page, "contract-1", "name", "CTG 2017-2020 de Saint-Flour Communauté")
    assert resolve_ambiguous(page, shown) == "200066660"
    downloaded = download_yaml(page, "revue-a-la-main")
    kept = {f["id"]: f for f in sent[-1]["draft"]["facts"]}
    assert "signatory-2" not in kept
    assert kept["contract-1"]["name"] == "CTG 2017-2020 de Saint-Flour Communauté"
    assert kept["territory-2"]["code"] == "200066660"
    assert downloaded["contracts"][0]["title"] == "CTG 2017-2020 de Saint-Flour Communauté"
    assert [s["partner"] for s in downloaded["contracts"][0]["signatories"]] == [
        "partner-1-revue-a-la-main"
    ]

    assert save(page) == "revue-a-la-main"
    # in English, the facts as they stand: still rejected, edited, resolved
    page.click("#lang-switch")
    assert page.locator("#review-fact-groups h4").first.inner_text() == "Territories (2)"
    assert "rejected" in (page.locator("#fact-signatory-2").get_attribute("class") or "")
    assert page.input_value("#edit-contract-1-name") == "CTG 2017-2020 de Saint-Flour Communauté"
    assert page.input_value("#candidate-territory-2") == "epci:200066660"
    assert "signed on 2018-01-19" in page.locator("#fact-date-1").inner_text()
    contract = read(
        review_url,
        """{ contract(key: "ctg-revue-a-la-main") { title
             territories { edges { node { code } } } signatories { totalCount } } }""",
    )["contract"]
    assert contract["title"] == "CTG 2017-2020 de Saint-Flour Communauté"
    assert [e["node"]["code"] for e in contract["territories"]["edges"]] == ["200066660"]
    assert contract["signatories"]["totalCount"] == 1


def test_a_second_save_of_the_same_dataset_is_refused_on_the_page(
    page: Page, review_url: str
) -> None:
    """Saved by the test before (same key): refused, said on the page, nothing written."""
    draft = hand_draft()
    page.route("**/drafts", lambda route: route.fulfill(json=draft.model_dump(mode="json")))
    page.route(
        "**/drafts/dataset",
        lambda route: route.fulfill(
            json={
                "name": "revue-a-la-main",
                "yaml": dataset_of(
                    json.loads(route.request.post_data or "{}")["draft"], "revue-a-la-main"
                ),
                "problems": [],
            }
        ),
    )
    open_review(page, review_url)
    page.fill("#review-text", draft.text)
    page.get_by_role("button", name="Relever les faits").click()
    shown = wait_for_draft(page)
    resolve_ambiguous(page, shown)
    page.fill("#review-name", "revue-a-la-main")
    page.fill("#review-token", TOKEN)
    page.get_by_role("button", name="Enregistrer").click()
    status = page.locator("#review-save-status")
    status.filter(has_text="Refusé, rien n’a été écrit").wait_for(timeout=DRAFTED)
    assert "replace" in status.inner_text().lower()


# -- the seed articles, drafted for real --------------------------------------------------------
#: What each seed dataset says a careful reader finds: the contract's kind, the EPCI it
#: covers or that carries it (the CU is « chef de file » of CTGs whose bassins the article
#: does not delimit), and how many fiches actions the article lists.
SEEDS = {
    "saint-flour-ctg-2017": ("ctg", "200066660", 10),
    "creusot-montceau-ctg-2021": ("ctg", "247100290", 0),
}


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_a_seed_article_is_drafted_reviewed_and_saved(
    page: Page, review_url: str, name: str
) -> None:
    kind, epci, fiches = SEEDS[name]
    article = SEED_ARTICLES[name]
    open_review(page, review_url)
    if name.startswith("saint-flour"):
        page.set_input_files("#review-file", str(article))  # uploaded
    else:
        page.fill("#review-text", article.read_text(encoding="utf-8"))  # pasted
    page.get_by_role("button", name="Relever les faits").click()
    draft = wait_for_draft(page)
    contracts = [f for f in draft["facts"] if f["type"] == "contract" and f["kind"] == kind]
    assert contracts, f"no {kind} found in {name}"
    assert len([f for f in draft["facts"] if f["type"] == "fiche"]) >= fiches
    check_highlights(page, draft)

    # a person when the article names one (Saint-Flour), else an amount (Creusot Montceau)
    rejected = next(f for f in draft["facts"] if f["type"] in ("person", "amount"))
    reject(page, rejected["id"])
    contract = contracts[0]
    edited = f"{contract['name']} (relue)"
    edit(page, contract["id"], "name", edited)
    resolve_ambiguous(page, draft)
    dataset_key = f"revue-{name}"
    downloaded = download_yaml(page, dataset_key)
    titles = [c["title"] for c in downloaded.get("contracts", [])]
    assert edited in titles
    if rejected["type"] == "person":
        assert rejected["name"] not in [p["name"] for p in downloaded.get("people") or []]
    else:
        assert rejected["value"] not in [f.get("amount") for f in downloaded.get("fundings") or []]
    problems = page.locator("#review-problems li").all_inner_texts()
    assert not problems, problems

    assert save(page) == dataset_key
    key = next(c["key"] for c in downloaded["contracts"] if c["title"] == edited)
    saved = read(
        review_url,
        f"""{{ contract(key: "{key}") {{ title kindCode
              territories {{ edges {{ node {{ code }} }} }} actions {{ totalCount }}
              leads {{ edges {{ node {{ key }} }} }} }} }}""",
    )["contract"]
    assert saved["title"] == edited
    assert saved["kindCode"] == kind
    covered = [e["node"]["code"] for e in saved["territories"]["edges"]]
    leads = [e["node"]["key"] for e in saved["leads"]["edges"]]
    assert epci in covered or f"epci-{epci}" in leads, (covered, leads)
    assert saved["actions"]["totalCount"] >= fiches
