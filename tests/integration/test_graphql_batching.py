"""One Cypher query per nesting level, whatever the number of objects (no N+1)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import anyio
import yaml
from neo4j import Driver

from graph.partnership_store import write_dataset
from graph.reader import GraphReader
from graph.reference_store import write_reference
from graph.settings import Neo4jConnection
from loaders.dataset_graph import dataset_graph
from loaders.datasets import TerritoryIndex, Vocabularies, read_datasets
from loaders.reference import read_reference
from schema import schema
from schema.context import Context
from tests.conftest import REFERENCE_EXTRACT

NESTED = """
{ territory(code: "247100290") { ... on EPCI {
    members(first: 100) { edges { node {
      name departement { name region { name } } epci { code }
    } } }
} } }
"""


def run(connection: Neo4jConnection, query: str) -> tuple[dict[str, Any], int]:
    async def go() -> tuple[dict[str, Any], int]:
        reader = GraphReader.open(connection)
        try:
            result = await schema.execute(query, context_value=Context.create(reader))
            assert result.errors is None, result.errors
            assert result.data is not None
            return result.data, reader.queries_run
        finally:
            await reader.close()

    return anyio.run(go)


def test_34_members_with_their_departement_region_and_epci_cost_5_queries(
    empty_graph: Driver, neo4j_connection: Neo4jConnection
) -> None:
    write_reference(empty_graph, "neo4j", read_reference(REFERENCE_EXTRACT, ["71"]))
    data, queries = run(neo4j_connection, NESTED)
    members = [edge["node"] for edge in data["territory"]["members"]["edges"]]
    assert len(members) == 34
    assert {m["departement"]["region"]["name"] for m in members} == {"Bourgogne-Franche-Comté"}
    assert {m["epci"]["code"] for m in members} == {"247100290"}
    # territory, members, departement, region, epci: one query per level, not per member
    assert queries == 5


def fifty_contracts(tmp_path: Path) -> Path:
    """A dataset of 50 CEJ, one per commune of the CU Creusot Montceau (34) and more, each
    with three fiches actions on two themes."""
    themes = ["petite-enfance", "jeunesse", "parentalite", "mobilite"]
    document = {
        "format": "ctg-graph/dataset@1",
        "dataset": {"key": "fifty", "title": "Fifty contracts"},
        "default_source": "s",
        "sources": [{"key": "s", "title": "Synthetic"}],
        "partners": [{"key": "caf-71", "kind": "caf", "name": "Caf 71"}],
        "contracts": [
            {
                "key": f"cej-{i:02d}",
                "kind": "cej",
                "title": f"CEJ {i:02d}",
                "start": "2015-01-01",
                "end": "2018-12-31",
                "signatories": [{"partner": "caf-71"}],
                "covers": [{"territory": {"epci": "247100290"}}],
                "actions": [
                    {"number": n, "title": f"Action {n}", "themes": themes[n - 1 : n + 1]}
                    for n in (1, 2, 3)
                ],
            }
            for i in range(50)
        ],
    }
    path = tmp_path / "fifty.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True))
    return path


THREE_LEVELS = """
{ contracts(first: 50) { totalCount edges { node { key
    actions { totalCount edges { node { number
      themes { totalCount edges { node { code name } } }
    } } }
} } } }
"""


def test_50_contracts_with_their_actions_and_themes_cost_3_queries(
    empty_graph: Driver, neo4j_connection: Neo4jConnection, tmp_path: Path
) -> None:
    reference = read_reference(REFERENCE_EXTRACT, ["71"])
    write_reference(empty_graph, "neo4j", reference)
    vocabularies = Vocabularies.load()
    (dataset,) = read_datasets(
        [fifty_contracts(tmp_path)], TerritoryIndex.from_reference(reference), vocabularies
    )
    write_dataset(empty_graph, "neo4j", dataset_graph(dataset, vocabularies))
    data, queries = run(neo4j_connection, THREE_LEVELS)
    contracts = [edge["node"] for edge in data["contracts"]["edges"]]
    assert data["contracts"]["totalCount"] == len(contracts) == 50
    actions = [a["node"] for c in contracts for a in c["actions"]["edges"]]
    assert len(actions) == 150
    assert {len(a["themes"]["edges"]) for a in actions} == {2}
    # contracts, their actions, the actions' themes: one query per level, not per object
    assert queries == 3
