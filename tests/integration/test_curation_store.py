"""A curation change is one transaction: failing on its last write leaves nothing."""

from __future__ import annotations

import anyio
import pytest
from neo4j import Driver

from graph import curation_store as store
from graph.partnership_store import EdgeRow, NodeRow
from graph.reader import GraphReader
from graph.settings import Neo4jConnection
from tests.conftest import graph_snapshot, load_seed_graph


def apply(connection: Neo4jConnection, change: store.Change) -> store.ChangeSummary:
    async def go() -> store.ChangeSummary:
        reader = GraphReader.open(connection)
        try:
            return await reader.writer().write(lambda tx: store.apply_change(tx, change))
        finally:
            await reader.close()

    return anyio.run(go)


def test_a_change_failing_on_its_last_write_leaves_nothing(
    driver: Driver, neo4j_connection: Neo4jConnection
) -> None:
    load_seed_graph(driver, neo4j_connection.database)
    before = graph_snapshot(driver)
    change = store.Change(
        by="test",
        create_nodes=[NodeRow("Partner", "msa-auvergne", {"name": "MSA Auvergne"})],
        create_edges=[
            EdgeRow("SERVES", "Partner", "msa-auvergne", "Departement", "15", {}),
            # the last write names a contract that does not exist
            EdgeRow("SIGNED", "Partner", "msa-auvergne", "Contract", "no-such-contract", {}),
        ],
    )
    with pytest.raises(store.NotFound, match="no-such-contract"):
        apply(neo4j_connection, change)
    assert graph_snapshot(driver) == before
    # the same change without its bad write lands whole
    change.create_edges.pop()
    summary = apply(neo4j_connection, change)
    assert (summary.nodes_created, summary.relationships_created) == (1, 1)
    assert graph_snapshot(driver) != before


def test_a_key_taken_meanwhile_is_refused_by_the_change_itself(
    driver: Driver, neo4j_connection: Neo4jConnection
) -> None:
    load_seed_graph(driver, neo4j_connection.database)
    before = graph_snapshot(driver)
    change = store.Change(
        by="test",
        create_nodes=[
            NodeRow("Source", "fresh-source", {"title": "Fresh"}),
            NodeRow("Partner", "caf-15", {"name": "Taken"}),
        ],
    )
    with pytest.raises(store.AlreadyExists):
        apply(neo4j_connection, change)
    assert graph_snapshot(driver) == before


def test_reloading_an_edited_dataset_keeps_the_links_curation_added_to_its_facts(
    driver: Driver, neo4j_connection: Neo4jConnection
) -> None:
    from graph.partnership_store import write_dataset
    from loaders.dataset_graph import dataset_graph
    from loaders.datasets import DEFAULT_DATASETS, TerritoryIndex, Vocabularies, read_datasets
    from loaders.reference import read_reference
    from tests.conftest import REFERENCE_EXTRACT

    load_seed_graph(driver, neo4j_connection.database)
    apply(
        neo4j_connection,
        store.Change(
            by="camille",
            create_nodes=[NodeRow("Partner", "msa-auvergne", {"name": "MSA Auvergne"})],
            create_edges=[
                EdgeRow("SIGNED", "Partner", "msa-auvergne", "Contract", "ctg-saint-flour-2017",
                        {"role": "partenaire"}),
                EdgeRow("ADDRESSES", "Action", "ctg-saint-flour-2017-fa-2", "Theme", "jeunesse",
                        {}),
            ],
        ),
    )  # fmt: skip
    vocabularies = Vocabularies.load()
    index = TerritoryIndex.from_reference(read_reference(REFERENCE_EXTRACT, ["15", "71"]))
    (saint_flour,) = [
        d
        for d in read_datasets([DEFAULT_DATASETS], index, vocabularies)
        if d.key == "saint-flour-ctg-2017"
    ]
    graph = dataset_graph(saint_flour, vocabularies)
    # the file was edited: a new checksum makes the load replace the dataset's own facts
    edited = type(graph)(graph.key, graph.checksum + "-edited", graph.props, graph.nodes,
                         graph.edges, graph.shared)  # fmt: skip
    assert write_dataset(driver, neo4j_connection.database, edited).changed
    records, _, _ = driver.execute_query(
        "MATCH (:Partner {key: 'msa-auvergne'})-[s:SIGNED]->"
        "(:Contract {key: 'ctg-saint-flour-2017'}) "
        "MATCH (:Action {key: 'ctg-saint-flour-2017-fa-2'})-[a:ADDRESSES]->(t:Theme) "
        "RETURN s.dataset AS signature, collect(t.key) AS themes"
    )
    assert records[0]["signature"] == "curation"
    assert sorted(records[0]["themes"]) == ["jeunesse", "mobilite"]
