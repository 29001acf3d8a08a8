"""The graph explorer in a real browser: Debian's Chromium, headless, driven by Playwright
against uvicorn over the test Neo4j holding the Cantal, the Saône-et-Loire and the two
seed datasets. Each test asserts what a user sees (texts, the pixels of the canvas, the
downloaded files), keeps screenshots in test-output/explorer/, and fails when the
browser console logs an error.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote

import pytest
from neo4j import Driver
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

from graph.settings import Neo4jConnection
from testkit.browser import chromium
from tests.conftest import load_seed_graph
from tests.e2e.browser import (
    SHOTS,
    double_click_node,
    node_item_id,
    node_luminance,
    normalise_spaces,
    png_size,
    wait_idle,
    watched_page,
)
from tests.e2e.conftest import connection_env, start_api, stop_api

CTG = "Convention territoriale globale 2017-2020 de Saint-Flour Communauté"
PARTNER = "Communauté de communes de Saint-Flour"
ARTICLE = (
    "La Caf du Cantal signe avec Saint-Flour Communauté sa première Convention territoriale "
    "globale (CTG)"
)
GEXF = "{http://gexf.net/1.3}"


@pytest.fixture(scope="module")
def explorer_url(
    driver: Driver, neo4j_connection: Neo4jConnection, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The base URL of the API (and explorer) over the seeded graph."""
    load_seed_graph(driver, neo4j_connection.database)
    log = tmp_path_factory.mktemp("explorer-api") / "uvicorn.log"
    process, base = start_api(connection_env(neo4j_connection), log)
    try:
        yield base
    finally:
        stop_api(process)


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as running:
        yield running


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    with chromium(playwright) as launched:
        yield launched


class Shots:
    """Numbered screenshots of one test, under test-output/explorer/."""

    def __init__(self, page: Page, test: str) -> None:
        self.page, self.test, self.count = page, test, 0
        SHOTS.mkdir(parents=True, exist_ok=True)
        for old in SHOTS.glob(f"{test}-*.png"):
            old.unlink()

    def __call__(self, name: str) -> Path:
        self.count += 1
        path = SHOTS / f"{self.test}-{self.count:02d}-{name}.png"
        self.page.screenshot(path=path)
        return path


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A fresh 1280×800 French page; the test fails if the console logs an error."""
    with watched_page(browser, request.node.name) as opened:
        yield opened


@pytest.fixture
def shot(page: Page, request: pytest.FixtureRequest) -> Shots:
    return Shots(page, request.node.name)


def items(page: Page) -> list[str]:
    return [normalise_spaces(text) for text in page.locator("#node-list li").all_inner_texts()]


def names(page: Page) -> list[str]:
    """The nodes listed, without their state on the date (sorted)."""
    return sorted(i.split(" — ")[0] for i in items(page))


def open_from_search(page: Page, text: str, kind: str, shown: str) -> str:
    """Type in the search box, pick the suggestion of this kind showing this text."""
    page.fill("#search-input", text)
    option = page.locator("#search-list [role=option]", has=page.locator(".badge", has_text=kind))
    option.filter(has_text=shown).first.click()
    wait_idle(page)
    return node_item_id(page, shown)


def set_date(page: Page, iso: str) -> None:
    page.fill("#date-input", iso)
    page.dispatch_event("#date-input", "change")
    wait_idle(page)


def test_a_researcher_follows_saint_flour_from_search_to_coverage_and_shares_the_view(
    page: Page, shot: Shots, explorer_url: str, browser: Browser
) -> None:
    page.goto(explorer_url + "/")
    wait_idle(page)
    assert page.locator("h1").inner_text().endswith("Explorateur des partenariats")
    assert page.get_attribute("#search-input", "placeholder") == (
        "Territoire, partenaire, contrat, fiche, personne…"
    )
    shot("empty")

    # Find: suggestions as you type, accents and word order aside, with the aliases shown
    page.fill("#search-input", "saint flour")
    suggestion = page.locator("#search-list [role=option]", has_text="Saint-Flour Communauté")
    suggestion.first.wait_for()
    assert any(PARTNER in s for s in page.locator("#search-list").all_inner_texts())
    shot("suggestions")
    partner = open_from_search(page, "saint flour", "Partenaire", PARTNER)
    assert page.locator("#details h2").inner_text() == PARTNER

    # See and expand: a double-click on the canvas brings the partner's contracts
    double_click_node(page, partner)
    ctg = node_item_id(page, CTG)
    wait_idle(page)
    assert any(i.startswith("EPCI CC de Saint-Flour") for i in items(page))
    shot("partner-expanded")

    # ... and the CTG's axes and fiches actions
    double_click_node(page, ctg)
    node_item_id(page, "2. Aider à la mobilité")
    wait_idle(page)
    listed = items(page)
    assert any(i.startswith("Axe 1. Réduire les précarités") for i in listed)
    assert sum(i.startswith("Fiche action") for i in listed) == 10
    assert any(i.startswith("Partenaire Caisse d'allocations familiales du Cantal") for i in listed)
    shot("ctg-expanded")

    # Inspect: every property and the source of the fiche, stated or inferred
    page.locator("#node-list li", has_text="2. Aider à la mobilité").click()
    page.locator("#details [data-testid=sources]").wait_for()
    details = normalise_spaces(page.inner_text("#details"))
    assert "ctg-saint-flour-2017-fa-2" in details
    assert "Thèmes Mobilité" in details
    assert page.inner_text("#details [data-testid=certainty]") == "énoncé par la source"
    assert ARTICLE in page.inner_text("#details [data-testid=sources]")
    assert "shared/seeds/000_19246c553907eb91.txt" in details
    shot("action-details")

    # The date: on 1 June 2021 the CTG (2017–2020) fades, in the list and on the canvas
    page.locator("#node-list li", has_text="Fiche action 10.").click()  # the CTG unselected
    before = node_luminance(page, ctg)
    set_date(page, "2021-06-01")
    ctg_item = page.locator("#node-list li", has_text=CTG)
    assert "inactif le 1 juin 2021" in ctg_item.inner_text()
    after = node_luminance(page, ctg)
    assert after > before + 60, f"the CTG did not fade: luminance {before:.0f} → {after:.0f}"
    # its CEJ has no dates at all: the EPCI may be covered, it is not shown as uncovered
    assert "peut-être couvert le 1 juin 2021" in normalise_spaces(
        page.locator("#node-list li", has_text="CC de Saint-Flour").inner_text()
    )
    shot("faded-2021")
    graph_nodes = names(page)

    # Unknown is a third state: « 2017-2020 » is known to the year, so on 1 June 2017 the
    # CTG may not have started yet; it is neither active nor faded as inactive
    set_date(page, "2017-06-01")
    assert "activité inconnue le 1 juin 2017" in ctg_item.inner_text()
    assert "inactif" not in ctg_item.inner_text()
    assert ctg_item.evaluate("li => li.classList.contains('activity-unknown')")
    unknown = node_luminance(page, ctg)
    assert before + 5 < unknown < after, (before, unknown, after)
    ctg_item.click()
    assert page.inner_text("#details [data-testid=activity]").startswith(
        "Activité inconnue le 1 juin 2017"
    )
    shot("unknown-2017")
    set_date(page, "2019-06-01")
    assert "activité inconnue" not in ctg_item.inner_text()
    page.locator("#node-list li", has_text="Fiche action 10.").click()  # the CTG unselected

    # Coverage: the Cantal on 1 June 2019
    page.click("#tab-coverage")
    page.fill("#scope-input", "Cantal")
    page.locator("#scope-list [role=option]", has_text="Cantal").first.click()
    page.fill("#coverage-date", "2019-06-01")
    page.dispatch_event("#coverage-date", "change")
    page.locator("[data-testid=share-communes]").wait_for()
    communes = normalise_spaces(page.inner_text("[data-testid=share-communes]"))
    population = normalise_spaces(page.inner_text("[data-testid=share-population]"))
    assert communes == "Communes couvertes 21,2 % 53 sur 250"
    assert population == "Population couverte 16,1 % 23 184 sur 144 196"
    assert page.locator("#coverage-summary").inner_text() == "Couverture de Cantal au 1 juin 2019"
    alleuze = normalise_spaces(page.locator("tr[data-code='15002']").inner_text())
    assert alleuze.startswith("Alleuze 15002 224 oui ctg-saint-flour-2017")
    assert "Mobilité" in alleuze
    assert "Petite enfance" in page.locator("tr[data-code='15001'] td.gap").inner_text()
    cantal = page.locator("svg.france path[data-code='15']")
    assert "chosen" in (cantal.get_attribute("class") or "")
    assert cantal.get_attribute("fill") == "#c7e9c0"  # 0–25 % covered
    assert page.locator("svg.france path[data-code='71']").get_attribute("fill") == "#fcbba1"
    shot("coverage-cantal-2019")

    # Share: the URL says all of it; a new browser opening it sees the same view
    shared = page.url
    for part in ["view=coverage", "scope=15", "on=2019-06-01"]:
        assert part in shared
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="fr-FR")
    try:
        again = context.new_page()
        errors: list[str] = []
        again.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        again.goto(shared)
        wait_idle(again)
        again.locator("[data-testid=share-communes]").wait_for()
        assert normalise_spaces(again.inner_text("[data-testid=share-communes]")) == communes
        assert again.input_value("#date-input") == "2019-06-01"
        again.click("#tab-graph")
        wait_idle(again)
        assert names(again) == graph_nodes
        assert (
            again.locator("#details h2").inner_text()
            == "10. Créer un accompagnement unique pour l'aide alimentaire"
        )
        again.screenshot(path=SHOTS / "shared-view-reopened.png")
        assert not errors, errors
    finally:
        context.close()

    # Export the view: PNG (cytoscape's drawing) and GEXF (built in the page)
    page.click("#tab-graph")
    with page.expect_download() as png_download:
        page.click("#export-png")
    png = Path(png_download.value.path()).read_bytes()
    width, height = png_size(png)
    assert png_download.value.suggested_filename == "ctg-graph.png"
    assert width > 300
    assert height > 200
    with page.expect_download() as gexf_download:
        page.click("#export-gexf")
    assert gexf_download.value.suggested_filename == "ctg-graph.gexf"
    root = ET.parse(gexf_download.value.path()).getroot()  # noqa: S314 (the page's own file)
    assert root.tag == f"{GEXF}gexf"
    assert root.get("version") == "1.3"
    nodes = {n.get("id"): n for n in root.iter(f"{GEXF}node")}
    assert len(nodes) == len(graph_nodes)
    contract = nodes["contract:ctg-saint-flour-2017"]
    values = {v.get("for"): v.get("value") for v in contract.iter(f"{GEXF}attvalue")}
    assert values["kind"] == "contract"
    assert values["start"] == "2017-01-01"
    assert values["active"] == "true"  # the date is now 1 June 2019
    edges = {(e.get("source"), e.get("label"), e.get("target")) for e in root.iter(f"{GEXF}edge")}
    assert ("partner:cc-saint-flour", "SIGNED", "contract:ctg-saint-flour-2017") in edges
    assert ("contract:ctg-saint-flour-2017", "HAS_AXIS", "axis:ctg-saint-flour-2017-axe-1") in edges
    shot("exported")


def test_a_departement_expands_in_groups_behind_a_more_handle(
    page: Page, shot: Shots, explorer_url: str
) -> None:
    page.goto(explorer_url + "/")
    wait_idle(page)
    cantal = open_from_search(page, "cantal", "Département", "Cantal")
    page.focus("#node-list")
    page.keyboard.press("+")
    wait_idle(page)
    handle = page.locator("#node-list li.more", has_text="Communes")
    assert normalise_spaces(handle.inner_text()) == "Communes : 200 de plus — Cantal"
    communes = [i for i in items(page) if i.startswith("Commune ")]
    assert len(communes) == 50
    shot("first-group")

    # The handle is reached with the keyboard too: Enter loads the next group
    page.focus("#node-list")
    page.keyboard.press("Home")
    for _ in range(len(items(page))):
        if page.locator("#node-list li.active.more").count():
            break
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    wait_idle(page)
    assert len([i for i in items(page) if i.startswith("Commune ")]) == 100
    assert normalise_spaces(handle.inner_text()) == "Communes : 150 de plus — Cantal"
    # ... and by clicking it on the canvas
    at = page.evaluate(
        "id => { const n = explorer.graph.node(id); const p = n.renderedPosition();"
        " const r = document.getElementById('cy').getBoundingClientRect();"
        " return {x: r.left + p.x, y: r.top + p.y}; }",
        f"more|{cantal}|communes",
    )
    page.mouse.click(at["x"], at["y"])
    wait_idle(page)
    assert len([i for i in items(page) if i.startswith("Commune ")]) == 150
    shot("three-groups")
    assert f"{cantal}!communes*2" in unquote(page.url)


def test_the_keyboard_alone_finds_expands_and_switches_to_english(
    page: Page, shot: Shots, explorer_url: str
) -> None:
    page.goto(explorer_url + "/")
    wait_idle(page)
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "search-input"
    page.keyboard.type("ecuisses")
    page.locator("#search-list [role=option]").first.wait_for()
    for _ in range(5):  # down the suggestions to the commune (a partner has its name too)
        page.keyboard.press("ArrowDown")
        if "Commune" in page.inner_text("#search-list [aria-selected=true]"):
            break
    page.keyboard.press("Enter")
    wait_idle(page)
    assert page.locator("#details h2").inner_text() == "Écuisses (71187)"
    page.focus("#node-list")
    page.keyboard.press("+")
    wait_idle(page)
    listed = items(page)
    assert any(i.startswith("EPCI CU Le Creusot Montceau") for i in listed), listed
    assert any(i.startswith("Département Saône-et-Loire") for i in listed)
    shot("ecuisses-expanded")

    page.focus("#lang-switch")
    page.keyboard.press("Enter")
    assert page.locator("h1").inner_text().endswith("Partnership explorer")
    assert page.inner_text("#list-title").startswith("Nodes shown")
    assert page.locator("#details button", has_text="Expanded").count() == 1
    assert "lang=en" in page.url
    shot("english")
    page.reload()
    wait_idle(page)
    assert page.inner_text("#tab-coverage") == "Coverage"
    assert page.locator("#details h2").inner_text() == "Écuisses (71187)"


def test_filters_layouts_path_pins_and_hides_survive_a_reload(
    page: Page, shot: Shots, explorer_url: str
) -> None:
    page.goto(explorer_url + "/")
    wait_idle(page)
    ctg = open_from_search(page, "convention territoriale globale saint", "Contrat", CTG)
    page.click("#details button:has-text('Développer')")
    wait_idle(page)
    caf = node_item_id(page, "Caisse d'allocations familiales du Cantal")
    action = node_item_id(page, "2. Aider à la mobilité")

    # Filter by node type, contract kind and theme
    page.locator("#type-filters label", has_text="Instance").locator("input").uncheck()
    assert not any(i.startswith("Instance") for i in items(page))
    page.locator("#theme-filters label", has_text="Mobilité").locator("input").check()
    actions = [i for i in items(page) if i.startswith("Fiche action")]
    assert actions == ["Fiche action 2. Aider à la mobilité"]
    page.locator("#kind-filters label", has_text="Contrat enfance jeunesse").locator(
        "input"
    ).uncheck()
    assert not any("Contrat enfance jeunesse" in i for i in items(page))

    # Hierarchical layout: territory above contract above axis above fiche
    page.click("#layout-hierarchy")
    y = {
        name: page.evaluate(
            "id => explorer.graph.node(id).renderedPosition().y", node_item_id(page, name)
        )
        for name in [
            "CC de Saint-Flour",
            CTG,
            "1. Réduire les précarités",
            "2. Aider à la mobilité",
        ]
    }
    assert (
        y["CC de Saint-Flour"]
        < y[CTG]
        < y["1. Réduire les précarités"]
        < y["2. Aider à la mobilité"]
    )
    shot("hierarchy")

    # Shortest path between the Caf and a fiche action
    page.locator("#node-list li", has_text="Caisse d'allocations familiales du Cantal").click()
    page.click("#details button:has-text('Départ du chemin')")
    page.locator("#node-list li", has_text="2. Aider à la mobilité").click()
    page.click("#details button:has-text('Arrivée du chemin')")
    page.click("#path-find")
    assert normalise_spaces(page.inner_text("#path-result")) == (
        "Chemin de 3 relations : Caisse d'allocations familiales du Cantal → "
        f"{CTG} → 1. Réduire les précarités et les isolements → 2. Aider à la mobilité"
    )
    shot("path")

    # Pin the CTG, hide the Caf, remove the fiche
    page.locator("#node-list li", has_text=CTG).click()
    page.click("#details button:has-text('Épingler')")
    page.locator("#node-list li", has_text="Caisse d'allocations familiales du Cantal").click()
    page.click("#details button:has-text('Masquer')")
    page.locator("#node-list li", has_text="2. Aider à la mobilité").click()
    page.click("#details button:has-text('Retirer')")
    assert page.locator("#node-list li", has_text="2. Aider à la mobilité").count() == 0
    assert "masqué" in page.locator("#node-list li", has_text="Caisse d'allocations").inner_text()
    assert "épinglé" in page.locator("#node-list li", has_text=CTG).inner_text()
    before = sorted(items(page))
    pinned_at = page.evaluate("id => explorer.graph.node(id).position()", ctg)
    shot("pinned-hidden-removed")

    page.reload()
    wait_idle(page)
    assert sorted(items(page)) == before
    assert page.locator("#layout-hierarchy").get_attribute("aria-pressed") == "true"
    assert page.locator("#theme-filters label", has_text="Mobilité").locator("input").is_checked()
    assert (
        not page.locator("#type-filters label", has_text="Instance").locator("input").is_checked()
    )
    restored = page.evaluate("id => explorer.graph.node(id).position()", ctg)
    assert abs(restored["x"] - pinned_at["x"]) <= 1
    assert abs(restored["y"] - pinned_at["y"]) <= 1
    assert page.evaluate("id => explorer.graph.node(id) === null", action)
    assert page.inner_text("#path-from") == "Caisse d'allocations familiales du Cantal"
    assert f"from={caf}" in unquote(page.url)
    page.click("#show-hidden")
    assert (
        "masqué" not in page.locator("#node-list li", has_text="Caisse d'allocations").inner_text()
    )
    shot("reloaded")


def test_errors_from_the_api_are_shown_to_the_user(
    page: Page, shot: Shots, explorer_url: str
) -> None:
    page.goto(explorer_url + "/?view=coverage")
    wait_idle(page)
    page.fill("#scope-input", "99")
    page.fill("#coverage-date", "2019-06-01")
    page.click("#coverage-form button[type=submit]")
    alert = page.locator("#alerts [role=alert]")
    alert.first.wait_for()
    wait_idle(page)
    # the coverage and its themes fail alike: one alert, not two
    assert alert.count() == 1
    assert "No commune in scope 'departement:99'" in alert.inner_text()
    shot("coverage-error")
    alert.locator("button").click()
    assert page.locator("#alerts [role=alert]").count() == 0

    # a shared link naming what does not exist says so instead of failing silently
    page.goto(explorer_url + "/?open=bm90LWFuLWlk")
    wait_idle(page)
    alerts = page.inner_text("#alerts")
    assert "Une partie de la vue partagée n’a pas pu être restaurée" in alerts
    assert "'bm90LWFuLWlk' is not a node id of this API" in alerts
    shot("restore-error")

    # ... and so does a link naming a node the graph no longer has
    page.goto(explorer_url + "/?open=Q29udHJhY3Q6bm9wZQ%3D%3D&x=Q29udHJhY3Q6bm9wZQ%3D%3D")
    wait_idle(page)
    alerts = page.inner_text("#alerts")
    assert "nœud absent du graphe (Q29udHJhY3Q6bm9wZQ==)" in alerts


def test_undated_contracts_leave_coverage_unknown_and_inferred_facts_can_be_left_out(
    page: Page, shot: Shots, explorer_url: str
) -> None:
    # the 13 CEJ of the urban community have no start date: on 1 June 2019 its 34 communes
    # are « inconnue », not « non »; the two CTGs in preparation reach them through basins
    # whose communes the dataset's author assigned (inferred)
    page.goto(explorer_url + "/?view=coverage&scope=247100290&on=2019-06-01")
    wait_idle(page)
    page.locator("[data-testid=unknown-communes]").wait_for()
    unknown = normalise_spaces(page.inner_text("[data-testid=unknown-communes]"))
    covered = normalise_spaces(page.inner_text("[data-testid=share-communes]"))
    assert unknown.startswith("Couverture inconnue 100 % 34 sur 34 : seuls des contrats")
    assert covered == "Communes couvertes 0 % 0 sur 34"
    hint = page.inner_text("[data-testid=coverage-certainty]")
    assert "la réponse de 21 communes repose sur des faits déduits" in hint
    ecuisses = page.locator("tr[data-code='71187']")
    assert "unknown" in (ecuisses.get_attribute("class") or "")
    # its own CEJ (undated) and the north basin's CTG (an inferred membership), both « ? »
    assert normalise_spaces(ecuisses.inner_text()).startswith(
        "Écuisses 71187 1 652 inconnue cej-71-ecuisses ?, ctg-creusot-montceau-nord ? (déduit)"
    )
    # between the two poles: one of the two CTGs, the dataset does not say which
    bizots = normalise_spaces(page.locator("tr[data-code='71038']").inner_text())
    assert bizots.startswith(
        "Les Bizots 71038 471 inconnue ctg-creusot-montceau-nord ? (déduit), "
        "ctg-creusot-montceau-sud ? (déduit)"
    )
    shot("coverage-cu-2019-unknown")

    # stated facts only: the basins' communes were the author's, so only the CEJ remain
    page.check("#coverage-stated")
    page.locator("[data-testid=coverage-certainty]", has_text="déclarés par les sources").wait_for()
    unknown = normalise_spaces(page.inner_text("[data-testid=unknown-communes]"))
    assert unknown.startswith("Couverture inconnue 38,2 % 13 sur 34")
    ecuisses_text = normalise_spaces(page.locator("tr[data-code='71187']").inner_text())
    assert ecuisses_text.startswith("Écuisses 71187 1 652 inconnue cej-71-ecuisses ?")
    assert "ctg-creusot-montceau-nord" not in ecuisses_text
    mary = page.locator("tr[data-code='71286']")
    assert normalise_spaces(mary.inner_text()).startswith("Mary 71286 281 non")
    assert "uncovered" in (mary.get_attribute("class") or "")
    assert "certainty=stated" in page.url
    shot("coverage-cu-2019-stated-only")
