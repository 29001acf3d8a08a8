"""Loading partnership datasets into a real Neo4j: facts with provenance, no-op re-load,
replacement of an edited dataset, and all-or-nothing on failure."""

from __future__ import annotations

from pathlib import Path

import pytest
from neo4j import Driver
from neo4j.exceptions import Neo4jError

from domain.errors import InputError
from graph.partnership_store import DatasetWriteSummary, write_dataset
from graph.reference_store import graph_counts, write_reference
from loaders.dataset_graph import dataset_graph
from loaders.datasets import TerritoryIndex, Vocabularies, read_datasets
from loaders.pipeline import write_groups
from loaders.reference import read_reference
from tests.conftest import AMENDMENT_DATASET, REFERENCE_EXTRACT
from tests.conftest import graph_snapshot as snapshot

EXAMPLE = Path(__file__).parents[2] / "docs" / "examples" / "dataset-example.yaml"
DB = "neo4j"
REFERENCE = read_reference(REFERENCE_EXTRACT, ["15", "71"])
TERRITORIES = TerritoryIndex.from_reference(REFERENCE)
VOCABULARIES = Vocabularies.load()


def load(driver: Driver, path: Path = EXAMPLE) -> DatasetWriteSummary:
    (dataset,) = read_datasets([path], TERRITORIES, VOCABULARIES)
    return write_dataset(driver, DB, dataset_graph(dataset, VOCABULARIES))


@pytest.fixture
def reference_graph(empty_graph: Driver) -> Driver:
    write_reference(empty_graph, DB, REFERENCE)
    return empty_graph


def test_the_example_lands_with_its_facts_and_provenance(reference_graph: Driver) -> None:
    summary = load(reference_graph)
    assert summary.changed
    records, _, _ = reference_graph.execute_query(
        """
        MATCH (ctg:Contract {key: 'ctg-pays-de-salers-2022'})
        OPTIONAL MATCH (ctg)-[:HAS_AXIS]->(axis)-[:HAS_ACTION]->(action)-[:ADDRESSES]->(t:Theme)
        WITH ctg, count(DISTINCT axis) AS axes, count(DISTINCT action) AS actions,
             collect(DISTINCT t.key) AS themes
        MATCH (p:Partner)-[s:SIGNED]->(ctg)
        WITH ctg, axes, actions, themes, collect(p.key + ':' + s.role) AS signatories
        MATCH (ctg)-[:COVERS]->(:EPCI)<-[:MEMBER_OF]-(c:Commune)
        MATCH (ctg)-[:SUCCEEDS]->(cej:Contract)
        MATCH (ctg)-[:SOURCED_FROM]->(src:Source)
        RETURN ctg.start AS start, ctg.end AS end, axes, actions, themes, signatories,
               count(DISTINCT c) AS communes, cej.key AS cej, src.key AS source
        """
    )
    fact = records[0]
    assert (str(fact["start"]), str(fact["end"])) == ("2022-01-01", "2026-12-31")
    assert (fact["axes"], fact["actions"]) == (2, 3)
    assert set(fact["themes"]) == {"petite-enfance", "parentalite", "jeunesse",
                                   "animation-vie-sociale"}  # fmt: skip
    assert set(fact["signatories"]) == {"caf-15:signataire", "cc-pays-de-salers:chef de file"}
    assert fact["communes"] == 27
    assert (fact["cej"], fact["source"]) == ("cej-pays-de-salers-2016", "exemple-article")
    inferred, _, _ = reference_graph.execute_query(
        "MATCH (s:SubTerritory {key: 'salers-bassin-est'})-[i:INCLUDES]->(c:Commune) "
        "RETURN s.certainty AS certainty, s.reason AS reason, i.certainty AS edge, c.code AS c"
    )
    assert inferred[0]["certainty"] == "inferred"
    assert inferred[0]["edge"] == "inferred"
    assert "Salers is its main town" in inferred[0]["reason"]
    unsourced, _, _ = reference_graph.execute_query(
        "MATCH (n) WHERE n.dataset IS NOT NULL AND NOT n:Source "
        "AND NOT (n)-[:SOURCED_FROM]->(:Source) RETURN count(n) AS n"
    )
    assert unsourced[0]["n"] == 0
    no_source_edge, _, _ = reference_graph.execute_query(
        "MATCH ()-[r]->() WHERE r.dataset IS NOT NULL AND r.source IS NULL RETURN count(r) AS n"
    )
    assert no_source_edge[0]["n"] == 0


def test_reloading_an_unchanged_dataset_changes_nothing(reference_graph: Driver) -> None:
    load(reference_graph)
    before = snapshot(reference_graph)
    again = load(reference_graph)
    assert not again.changed
    assert snapshot(reference_graph) == before


def test_an_edited_dataset_replaces_exactly_its_facts(
    reference_graph: Driver, tmp_path: Path
) -> None:
    load(reference_graph)
    counts = graph_counts(reference_graph, DB)
    edited = tmp_path / "edited.yaml"
    text = EXAMPLE.read_text(encoding="utf-8")
    # drop fiche action 3 and re-theme fiche action 2
    start = text.index("          - number: 3")
    end = text.index("\nbodies:")
    edited.write_text(
        text[:start]
        .replace("themes: [parentalite]", "themes: [parentalite, enfance]")
        .replace(
            "      - number: 2\n        title: Jeunesse et vie sociale\n        actions:\n", ""
        )
        + text[end:],
        encoding="utf-8",
    )
    summary = load(reference_graph, edited)
    assert summary.changed
    after = graph_counts(reference_graph, DB)
    assert after["Action"] == counts["Action"] - 1
    assert after["Axis"] == counts["Axis"] - 1
    assert after["Commune"] == counts["Commune"]
    themes, _, _ = reference_graph.execute_query(
        "MATCH (:Action {key: 'ctg-pays-de-salers-2022-fa-2'})-[:ADDRESSES]->(t) "
        "RETURN collect(t.key) AS t"
    )
    assert sorted(themes[0]["t"]) == ["enfance", "parentalite"]


def test_a_dataset_naming_unloaded_territories_writes_nothing(empty_graph: Driver) -> None:
    write_reference(empty_graph, DB, read_reference(REFERENCE_EXTRACT, ["71"]))
    before = snapshot(empty_graph)
    with pytest.raises(InputError, match=r"EPCI 241501139.*nothing was written"):
        load(empty_graph)
    assert snapshot(empty_graph) == before


def test_an_edit_failing_midway_leaves_the_previous_version_intact(
    reference_graph: Driver,
) -> None:
    load(reference_graph)
    before = snapshot(reference_graph)
    (dataset,) = read_datasets([EXAMPLE], TERRITORIES, VOCABULARIES)
    graph = dataset_graph(dataset, VOCABULARIES)
    # a changed checksum makes it a replacement: relationships are deleted and nodes
    # rewritten before the last node, which Neo4j refuses (a map is no property value)
    *rest, last = graph.nodes
    broken_last = type(last)(last.label, last.key, {**last.props, "title": {"not": "allowed"}})
    broken = type(graph)(graph.key, "changed", graph.props, (*rest, broken_last), graph.edges,
                         graph.shared)  # fmt: skip
    with pytest.raises(Neo4jError):
        write_dataset(reference_graph, DB, broken)
    assert snapshot(reference_graph) == before


def test_editing_one_dataset_leaves_the_others_and_their_links_untouched(
    reference_graph: Driver, tmp_path: Path
) -> None:
    other = tmp_path / "other.yaml"
    other.write_text(AMENDMENT_DATASET, encoding="utf-8")
    datasets = read_datasets([EXAMPLE, other], TERRITORIES, VOCABULARIES)
    groups = write_groups([dataset_graph(dataset, VOCABULARIES) for dataset in datasets])
    graphs = [graph for group in groups for graph in group]
    assert [[g.key for g in group] for group in groups] == [
        ["exemple-ctg-pays-de-salers"],
        ["autre-jeu"],
    ]
    for graph in graphs:
        write_dataset(reference_graph, DB, graph)

    def other_facts() -> list[str]:
        records, _, _ = reference_graph.execute_query(
            "MATCH (n {dataset: 'autre-jeu'})-[r]->(m) "
            "RETURN n.key + ' ' + type(r) + ' ' + coalesce(m.key, m.code) AS fact ORDER BY fact"
        )
        return [r["fact"] for r in records]

    before = other_facts()
    assert "avenant-salers AMENDS ctg-pays-de-salers-2022" in before
    edited = tmp_path / "edited.yaml"
    edited.write_text(
        EXAMPLE.read_text(encoding="utf-8").replace("amount: 20000", "amount: 25000"),
        encoding="utf-8",
    )
    (changed,) = read_datasets([edited], TERRITORIES, VOCABULARIES)
    assert write_dataset(reference_graph, DB, dataset_graph(changed, VOCABULARIES)).changed
    assert other_facts() == before


def test_a_link_to_a_fact_of_an_unloaded_dataset_is_refused_not_dropped(
    reference_graph: Driver, tmp_path: Path
) -> None:
    other = tmp_path / "other.yaml"
    other.write_text(AMENDMENT_DATASET, encoding="utf-8")
    datasets = {d.key: d for d in read_datasets([EXAMPLE, other], TERRITORIES, VOCABULARIES)}
    before = snapshot(reference_graph)
    with pytest.raises(InputError, match=r"1 of its Contract AMENDS Contract relationships"):
        write_dataset(reference_graph, DB, dataset_graph(datasets["autre-jeu"], VOCABULARIES))
    assert snapshot(reference_graph) == before
