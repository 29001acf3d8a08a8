"""Official names of the reference are found however a person types them: elisions,
hyphens, accents, abbreviations (St, CC…) and one typo in a long word.

The names are real ones of the Cantal and Saône-et-Loire extract; the latencies of these
searches are printed (no timed assertion)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Iterator
from typing import Any

import anyio
import pytest
from neo4j import Driver

from graph.maintenance import clear_graph
from graph.node_reads import search as run_search
from graph.reader import GraphReader
from graph.reference_store import write_reference
from graph.settings import Neo4jConnection
from loaders.reference import read_reference
from schema import schema
from schema.context import Context
from tests.conftest import REFERENCE_EXTRACT

SEARCH = """
query ($text: String!, $kinds: [SearchKind!]) {
  search(text: $text, kinds: $kinds, first: 10) { score node { ... on Territory { code name } } }
}
"""


@pytest.fixture(scope="module")
def reference(driver: Driver, neo4j_connection: Neo4jConnection) -> Iterator[Neo4jConnection]:
    clear_graph(driver, neo4j_connection.database)
    write_reference(
        driver, neo4j_connection.database, read_reference(REFERENCE_EXTRACT, ["15", "71"])
    )
    driver.execute_query("CALL db.awaitIndexes(60)")
    yield neo4j_connection
    clear_graph(driver, neo4j_connection.database)


def search(connection: Neo4jConnection, text: str, kinds: list[str] | None = None) -> list[Any]:
    """The codes and names found for ``text``, best first (asserting scores never rise)."""

    async def go() -> list[Any]:
        reader = GraphReader.open(connection)
        try:
            result = await schema.execute(
                SEARCH, {"text": text, "kinds": kinds}, context_value=Context.create(reader)
            )
        finally:
            await reader.close()
        assert result.errors is None, result.errors
        assert result.data is not None
        hits = result.data["search"]
        scores = [hit["score"] for hit in hits]
        assert scores == sorted(scores, reverse=True), hits
        return [(hit["node"]["code"], hit["node"]["name"]) for hit in hits]

    return anyio.run(go)


@pytest.mark.parametrize(
    "typed",
    [
        "Saint-Martin-d'Auxy",
        "saint martin d auxy",
        "Saint-Martin-d’Auxy",
        "SAINT MARTIN D'AUXY",
        "saint-martin-auxy",
        "st martin d auxy",
    ],
)
def test_the_official_name_of_71449_however_typed_finds_it_first(
    reference: Neo4jConnection, typed: str
) -> None:
    assert search(reference, typed)[0] == ("71449", "Saint-Martin-d'Auxy")


@pytest.mark.parametrize("typed", ["l'abergement", "L’Abergement", "l abergement", "abergement"])
def test_an_elided_article_is_found_typed_or_not(reference: Neo4jConnection, typed: str) -> None:
    found = search(reference, typed)
    assert found[0] == ("71001", "L'Abergement-de-Cuisery") or found[1][0] == "71001", found
    assert {code for code, _ in found[:2]} == {"71001", "71002"}  # L'Abergement-Sainte-Colombe
    assert search(reference, typed + " cuisery")[0] == ("71001", "L'Abergement-de-Cuisery")


def test_st_finds_saint_and_saint_finds_st(reference: Neo4jConnection) -> None:
    st = search(reference, "st flour")
    assert st[0] == ("15187", "Saint-Flour")
    assert ("200066660", "CC de Saint-Flour") in st
    assert search(reference, "saint flour")[:3] == st[:3]
    assert search(reference, "ste colombe")[0] == ("71002", "L'Abergement-Sainte-Colombe")


def test_cc_and_communaute_de_communes_find_each_other(reference: Neo4jConnection) -> None:
    assert search(reference, "communauté de communes de Saint-Flour")[0] == (
        "200066660",
        "CC de Saint-Flour",
    )
    assert search(reference, "cc saint flour")[0] == ("200066660", "CC de Saint-Flour")
    assert search(reference, "communaute urbaine creusot")[0][0] == "247100290"
    assert search(reference, "communauté d’agglomération aurillac")[0] == (
        "241500230",
        "CA du Bassin d'Aurillac",
    )


def test_one_typo_in_a_long_word_still_finds_the_name(reference: Neo4jConnection) -> None:
    found = search(reference, "creuzot")
    assert found[0] == ("71153", "Le Creusot")
    assert ("247100290", "CU Le Creusot Montceau-les-Mines") in found
    assert search(reference, "le creuzot")[0] == ("71153", "Le Creusot")
    # four letters: no typo allowed, « Salers » is not « Saler » typed wrong
    assert search(reference, "sers") == []


def test_a_typo_match_comes_after_every_exact_match(reference: Neo4jConnection) -> None:
    found = search(reference, "mauriac")
    codes = [code for code, _ in found]
    # Mauriac and the CC du Pays de Mauriac by name, then Auriac-l'Église (one letter less)
    assert codes[0] == "15120"
    assert "241500271" in codes[:2]
    assert "15013" in codes[2:], found
    assert search(reference, "marigny", ["COMMUNE"])[0] == ("71278", "Marigny")


def test_search_latency_is_printed(reference: Neo4jConnection) -> None:
    typed = ["Saint-Martin-d'Auxy", "l'abergement", "saint martin d auxy", "st flour", "creuzot"]

    async def go() -> dict[str, float]:
        reader = GraphReader.open(reference)
        try:
            medians: dict[str, float] = {}
            for text in typed:
                await run_search(reader, text, None, 10)
                times = []
                for _ in range(10):
                    start = time.perf_counter()
                    await run_search(reader, text, None, 10)
                    times.append((time.perf_counter() - start) * 1000)
                medians[text] = statistics.median(times)
            return medians
        finally:
            await reader.close()

    for text, median in anyio.run(go).items():
        print(f"search {text!r}: median {median:.1f} ms over 10 runs")
