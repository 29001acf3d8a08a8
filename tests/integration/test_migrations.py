"""The graph schema: idempotent constraints and an accent-insensitive name index."""

from __future__ import annotations

import pytest
from neo4j import Driver
from neo4j.exceptions import ConstraintError

from graph.migrations import NAME_INDEX, migrate
from graph.reference_store import write_reference
from loaders.reference import read_reference
from tests.conftest import REFERENCE_EXTRACT


def schema_objects(driver: Driver) -> tuple[set[str], set[str]]:
    constraints, _, _ = driver.execute_query("SHOW CONSTRAINTS YIELD name RETURN name")
    indexes, _, _ = driver.execute_query("SHOW INDEXES YIELD name RETURN name")
    return {r["name"] for r in constraints}, {r["name"] for r in indexes}


def test_migrating_again_changes_nothing(driver: Driver) -> None:
    before = schema_objects(driver)
    migrate(driver, "neo4j")
    assert schema_objects(driver) == before
    constraints, indexes = before
    assert {"commune_code", "epci_code", "departement_code", "region_code"} <= constraints
    assert {"contract_key", "partner_key", "action_key", "source_key"} <= constraints
    assert NAME_INDEX in indexes


def test_a_duplicate_commune_code_is_refused_by_the_database(empty_graph: Driver) -> None:
    empty_graph.execute_query("CREATE (:Commune:Territory {code: '15187'})")
    with pytest.raises(ConstraintError, match="15187"):
        empty_graph.execute_query("CREATE (:Commune:Territory {code: '15187'})")


def test_name_search_ignores_accents_and_case(empty_graph: Driver) -> None:
    write_reference(empty_graph, "neo4j", read_reference(REFERENCE_EXTRACT, ["71"]))
    empty_graph.execute_query("CALL db.awaitIndexes(60)")
    records, _, _ = empty_graph.execute_query(
        "CALL db.index.fulltext.queryNodes($index, 'ecuisses') YIELD node RETURN node.code AS c",
        index=NAME_INDEX,
    )
    assert next(r["c"] for r in records) == "71187"
