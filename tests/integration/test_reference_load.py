"""Loading the reference into a real Neo4j: idempotence, the known memberships, and
all-or-nothing on bad input."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest
from neo4j import Driver
from neo4j.exceptions import Neo4jError

from domain.errors import ReferenceDataError
from graph.reference_store import WriteSummary, graph_counts, write_reference
from graph.settings import Neo4jConnection
from loaders.reference import read_reference
from tests.conftest import REFERENCE_EXTRACT, run_ctg

DB = "neo4j"


def load(
    driver: Driver, departements: list[str] | None = None, data: Path = REFERENCE_EXTRACT
) -> WriteSummary:
    return write_reference(driver, DB, read_reference(data, departements))


def members(driver: Driver, siren: str) -> list[str]:
    records, _, _ = driver.execute_query(
        "MATCH (c:Commune)-[:MEMBER_OF]->(:EPCI {code: $siren}) RETURN c.code AS code "
        "ORDER BY code",
        siren=siren,
    )
    return [r["code"] for r in records]


def test_loading_twice_gives_identical_counts_and_creates_nothing(empty_graph: Driver) -> None:
    first = load(empty_graph, ["15", "71"])
    after_first = graph_counts(empty_graph, DB)
    second = load(empty_graph, ["15", "71"])
    assert graph_counts(empty_graph, DB) == after_first
    assert first.nodes_created == after_first["Territory"]
    assert (second.nodes_created, second.relationships_created) == (0, 0)
    assert after_first["Commune"] == 813
    assert after_first["EPCI"] == 30
    assert after_first["Departement"] == 109
    assert after_first["Region"] == 26


def test_saint_flour_belongs_to_its_53_commune_community(empty_graph: Driver) -> None:
    load(empty_graph, ["15", "71"])
    saint_flour = members(empty_graph, "200066660")
    assert len(saint_flour) == 53
    assert "15187" in saint_flour
    assert len(members(empty_graph, "247100290")) == 34
    records, _, _ = empty_graph.execute_query(
        "MATCH (:Commune {code: '15187'})-[:IN]->(d:Departement)-[:IN]->(r:Region) "
        "RETURN d.name AS d, r.name AS r"
    )
    assert (records[0]["d"], records[0]["r"]) == ("Cantal", "Auvergne-Rhône-Alpes")


def test_the_vintage_and_loaded_scope_are_recorded(empty_graph: Driver) -> None:
    load(empty_graph, ["15"])
    load(empty_graph, ["71"])
    records, _, _ = empty_graph.execute_query("MATCH (s:ReferenceData) RETURN s {.*} AS s")
    assert len(records) == 1
    info = records[0]["s"]
    assert (info["version"], info["vintage"], info["departements"]) == ("6.0.0", 2026, ["15", "71"])
    vintages, _, _ = empty_graph.execute_query(
        "MATCH (t:Territory) RETURN collect(DISTINCT t.vintage) AS v"
    )
    assert vintages[0]["v"] == [2026]


def test_an_epci_spanning_departements_is_linked_to_each(empty_graph: Driver) -> None:
    load(empty_graph)
    records, _, _ = empty_graph.execute_query(
        "MATCH (e:EPCI)-[r:IN]->(d:Departement) WITH e, collect(d.code) AS ds, "
        "sum(r.communes) AS n WHERE size(ds) > 1 RETURN e.code AS code, ds, n, e.memberCount AS m"
    )
    assert records, "the extract has EPCI across départements"
    assert all(r["n"] == r["m"] for r in records)


def test_a_commune_that_changed_epci_leaves_the_old_one(empty_graph: Driver) -> None:
    records = read_reference(REFERENCE_EXTRACT, ["15"])
    write_reference(empty_graph, DB, records)
    moved = [
        dataclasses.replace(c, epci="200066660") if c.code == "15014" else c
        for c in records.communes
    ]
    before = next(c.epci for c in records.communes if c.code == "15014")
    assert before != "200066660"
    summary = write_reference(empty_graph, DB, dataclasses.replace(records, communes=tuple(moved)))
    assert summary.relationships_deleted == 1
    assert "15014" in members(empty_graph, "200066660")
    assert "15014" not in members(empty_graph, str(before))


def test_a_corrupt_file_leaves_the_graph_as_it_was(empty_graph: Driver, tmp_path: Path) -> None:
    load(empty_graph, ["15"])
    before = graph_counts(empty_graph, DB)
    broken = tmp_path / "pkg"
    shutil.copytree(REFERENCE_EXTRACT.parent, broken)
    text = (broken / "data" / "communes.json").read_text(encoding="utf-8")
    (broken / "data" / "communes.json").write_text(text[:-5000], encoding="utf-8")
    with pytest.raises(ReferenceDataError, match="truncated"):
        load(empty_graph, ["15", "71"], broken / "data")
    assert graph_counts(empty_graph, DB) == before


def test_a_write_failing_midway_rolls_back_every_batch(empty_graph: Driver) -> None:
    records = read_reference(REFERENCE_EXTRACT, ["15", "71"])
    # the last commune gets a property Neo4j refuses, after régions, départements, EPCI
    # and most communes were already written in the same transaction
    last = records.communes[-1]
    bad = dataclasses.replace(last, postal_codes=({"not": "a string"},))  # type: ignore[arg-type]
    broken = dataclasses.replace(records, communes=(*records.communes[:-1], bad))
    with pytest.raises(Neo4jError):
        write_reference(empty_graph, DB, broken, batch_size=100)
    assert sum(graph_counts(empty_graph, DB).values()) == 0


def test_the_cli_refuses_an_unknown_departement_and_writes_nothing(
    empty_graph: Driver, neo4j_connection: Neo4jConnection
) -> None:
    result = run_ctg(
        "load",
        "reference",
        "--departements",
        "15,99",
        "--data-dir",
        str(REFERENCE_EXTRACT),
        connection=neo4j_connection,
    )
    assert result.returncode == 1
    assert "Unknown département code '99'" in result.stderr
    assert sum(graph_counts(empty_graph, DB).values()) == 0

    ok = run_ctg(
        "load",
        "reference",
        "--departements",
        "15",
        "--data-dir",
        str(REFERENCE_EXTRACT),
        connection=neo4j_connection,
    )
    assert ok.returncode == 0, ok.stderr
    assert "Loaded 250 communes" in " ".join(ok.stderr.split())
    assert graph_counts(empty_graph, DB)["Commune"] == 250


def test_a_missing_data_folder_is_named(tmp_path: Path) -> None:
    with pytest.raises(ReferenceDataError, match=f"{tmp_path / 'nowhere'} does not exist"):
        read_reference(tmp_path / "nowhere", ["15"])
    with pytest.raises(ReferenceDataError, match=r"regions\.json: the file does not exist"):
        read_reference(tmp_path, ["15"], vintage=2026)
