"""One Cypher query per nesting level, whatever the number of objects (no N+1)."""

from __future__ import annotations

from typing import Any

import anyio
from neo4j import Driver

from graph.reader import GraphReader
from graph.reference_store import write_reference
from graph.settings import Neo4jConnection
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
