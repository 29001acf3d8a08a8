"""A person's aliases and same-person declarations, loaded, answer through GraphQL: the
aliases, the declarations with their provenance, the same identities by either key,
search by an alias; an alias already another person's in the graph is refused, naming the
dataset that holds it, and nothing is written."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from neo4j import Driver

from graph.maintenance import clear_graph
from graph.settings import Neo4jConnection
from loaders.datasets import DatasetError
from loaders.pipeline import load_partnerships, read_partnerships
from loaders.reference import read_reference
from schema.relay import global_id
from tests.conftest import REFERENCE_EXTRACT, graph_snapshot, run_ctg
from tests.conftest import ask_schema as ask
from tests.unit.test_dataset_people import CAF, PRESS

REFERENCE = read_reference(REFERENCE_EXTRACT, ["15"])
PERSON = (
    "key name aliases identities(first: 10) { edges { node { key } } } "
    "sameAs(first: 10) { edges { node { key } quote "
    "provenance { certainty reason dataset sources { key } } } }"
)


@pytest.fixture(scope="module")
def loaded(
    driver: Driver, neo4j_connection: Neo4jConnection, tmp_path_factory: pytest.TempPathFactory
) -> Neo4jConnection:
    clear_graph(driver, neo4j_connection.database)
    folder = tmp_path_factory.mktemp("people")
    (folder / "caf.yaml").write_text(CAF, encoding="utf-8")
    (folder / "presse.yaml").write_text(PRESS, encoding="utf-8")
    load_partnerships(driver, neo4j_connection.database, read_partnerships([folder], REFERENCE))
    return neo4j_connection


def keys(connection: dict[str, Any]) -> list[str]:
    return [edge["node"]["key"] for edge in connection["edges"]]


def test_either_key_finds_the_same_person_with_the_declaration_and_its_provenance(
    loaded: Neo4jConnection,
) -> None:
    data = ask(
        loaded,
        f'{{ a: person(key: "marie-dupont-martin") {{ {PERSON} }} '
        f'b: person(key: "m-dupont") {{ {PERSON} }} '
        f'c: node(id: "{global_id("Person", "m-dupont")}") {{ ... on Person {{ key }} }} }}',
    )
    a, b = data["a"], data["b"]
    assert a["aliases"] == ["Marie Dupont"]
    assert b["aliases"] == []
    assert sorted(keys(a["identities"])) == sorted(keys(b["identities"]))
    assert sorted(keys(a["identities"])) == ["m-dupont", "marie-dupont-martin"]
    assert keys(a["sameAs"]) == ["m-dupont"]
    assert keys(b["sameAs"]) == ["marie-dupont-martin"]
    declaration = a["sameAs"]["edges"][0]
    assert declaration["quote"] == "« la présidente de la Caf, M. Dupont »"
    assert declaration["provenance"] == {
        "certainty": "INFERRED",
        "reason": "the article names the Caf's president « M. Dupont »",
        "dataset": "presse",
        "sources": [{"key": "article"}],
    }
    assert data["c"] == {"key": "m-dupont"}


def test_search_finds_a_person_by_an_alias(loaded: Neo4jConnection) -> None:
    data = ask(
        loaded,
        '{ search(text: "marie dupont", kinds: [PERSON]) { node { ... on Person { key } } } '
        'people(text: "Marie Dupont") { edges { node { key } } } }',
    )
    assert [hit["node"]["key"] for hit in data["search"]][:1] == ["marie-dupont-martin"]
    assert keys(data["people"]) == ["marie-dupont-martin"]


def test_an_alias_of_a_person_in_the_graph_is_refused_naming_its_dataset(
    loaded: Neo4jConnection, driver: Driver, tmp_path: Path
) -> None:
    other = tmp_path / "autre.yaml"
    other.write_text(
        PRESS.replace("key: presse", "key: autre")
        .replace("key: m-dupont", "key: marie-d")
        .replace("name: M. Dupont", "name: Marie D.\n    aliases: [MARIE DUPONT]")
        .split("same_people:")[0],
        encoding="utf-8",
    )
    before = graph_snapshot(driver)
    with pytest.raises(DatasetError) as caught:
        load_partnerships(driver, loaded.database, read_partnerships([other], REFERENCE))
    assert [str(p) for p in caught.value.problems] == [
        f"{other}: people[0].aliases[0]: alias 'MARIE DUPONT' of person 'marie-d' is an alias "
        "of person 'marie-dupont-martin' ('Marie Dupont-Martin'), in the graph from dataset "
        "'caf-cantal', accents and case aside: if they are one person, declare it in "
        "`same_people`; if not, drop the alias"
    ]
    assert "nothing was written" in str(caught.value)
    assert graph_snapshot(driver) == before


def test_validate_refuses_an_alias_of_a_person_in_the_graph_before_any_load(
    loaded: Neo4jConnection, tmp_path: Path
) -> None:
    other = tmp_path / "autre.yaml"
    other.write_text(
        PRESS.replace("key: presse", "key: autre")
        .replace("article", "article-autre")  # its own source: the graph has « article »
        .replace("key: m-dupont", "key: marie-d")
        .replace("name: M. Dupont", "name: Marie D.\n    aliases: [MARIE DUPONT]")
        .split("same_people:")[0],
        encoding="utf-8",
    )
    result = run_ctg("validate", str(other), connection=loaded)
    assert result.returncode == 1, result.stdout
    said = " ".join(result.stderr.split())
    assert "alias 'MARIE DUPONT' of person 'marie-d' is an alias of person" in said
    assert "in the graph from dataset 'caf-cantal'" in said


def test_people_declared_the_same_pairwise_are_one_person_read_at_once(
    driver: Driver, neo4j_connection: Neo4jConnection, tmp_path: Path
) -> None:
    names = [f"p-{i}" for i in range(8)]
    people = "".join(f"  - {{key: {key}, name: Personne {key}}}\n" for key in names)
    pairs = "".join(
        f"  - people: [{a}, {b}]\n" for i, a in enumerate(names) for b in names[i + 1 :]
    )
    path = tmp_path / "clique.yaml"
    path.write_text(
        PRESS.split("people:")[0] + "people:\n" + people + "same_people:\n" + pairs,
        encoding="utf-8",
    )
    clear_graph(driver, neo4j_connection.database)
    load_partnerships(driver, neo4j_connection.database, read_partnerships([path], REFERENCE))
    data = ask(neo4j_connection, '{ person(key: "p-3") { identities(first: 20) { totalCount } } }')
    # 28 declarations among 8 records: every record once, not once per path
    assert data["person"]["identities"]["totalCount"] == 8


def test_validate_names_both_places_of_an_alias_collision_and_fails(tmp_path: Path) -> None:
    (tmp_path / "caf.yaml").write_text(CAF, encoding="utf-8")
    (tmp_path / "presse.yaml").write_text(
        PRESS.replace("name: M. Dupont", "name: M. Dupont\n    aliases: [Marie DUPONT]").split(
            "same_people:"
        )[0],
        encoding="utf-8",
    )
    result = run_ctg("validate", str(tmp_path))
    assert result.returncode == 1
    output = " ".join(result.stdout.split() + result.stderr.split())
    assert "1 problem(s) in 1 file(s); nothing was written" in output
    assert (
        f"{tmp_path / 'presse.yaml'}:9: people[0].aliases[0]: alias 'Marie DUPONT' is an alias "
        f"of person 'marie-dupont-martin' ('Marie Dupont') at {tmp_path / 'caf.yaml'}:11"
    ) in output
    assert "declare it in `same_people`; if not, drop the alias" in output
