"""The registry of shared facts against a real Neo4j: a CTG whose Caf another dataset
put in the graph validates and loads alone; datasets that refer to each other load
together, then each alone; a key defined again is refused with nothing written; a
reload of the definer keeps the links other datasets hold to its facts, and one that
would drop a key they still use is refused."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from neo4j import Driver

from graph.dataset_keys import SharedKeysStillReferred, keys_in_graph
from graph.reference_store import write_reference
from graph.settings import Neo4jConnection
from loaders.datasets import DatasetError, Registry
from loaders.pipeline import PartnershipLoad, load_partnerships, read_partnerships
from loaders.reference import read_reference
from tests.conftest import REFERENCE_EXTRACT, run_ctg
from tests.conftest import graph_snapshot as snapshot
from tests.unit.test_dataset_registry import REGISTRY, mutual_pair

DB = "neo4j"
REFERENCE = read_reference(REFERENCE_EXTRACT, ["15", "71"])


@pytest.fixture
def reference_graph(empty_graph: Driver) -> Driver:
    write_reference(empty_graph, DB, REFERENCE)
    return empty_graph


def alone(tmp_path: Path, name: str, text: str | None = None) -> Path:
    """``name`` of the fixtures (or ``text``) in a folder of its own: nothing beside it."""
    folder = tmp_path / name.removesuffix(".yaml")
    folder.mkdir(exist_ok=True)
    path = folder / name
    if text is None:
        shutil.copy(REGISTRY / name, path)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def load(driver: Driver, *paths: Path) -> PartnershipLoad:
    """``ctg load partnerships PATHS``: keys resolve against the run and the graph."""
    registry = Registry(graph=keys_in_graph(driver, DB))
    partnerships = read_partnerships(list(paths), REFERENCE, registry=registry)
    return load_partnerships(driver, DB, partnerships)


def signatures(driver: Driver, partner: str) -> list[str]:
    records, _, _ = driver.execute_query(
        "MATCH (p:Partner {key: $key})-[s:SIGNED]->(c) "
        "RETURN c.key + ' ' + s.dataset AS s ORDER BY s",
        key=partner,
    )
    return [r["s"] for r in records]


def test_a_ctg_whose_caf_is_in_the_graph_validates_and_loads_alone(
    reference_graph: Driver, neo4j_connection: Neo4jConnection, tmp_path: Path
) -> None:
    load(reference_graph, alone(tmp_path, "registre-cantal.yaml"))
    ctg = alone(tmp_path, "ctg-saint-flour.yaml")
    validated = run_ctg("validate", str(ctg), connection=neo4j_connection)
    assert validated.returncode == 0, validated.stderr
    assert "3 keys resolved from the graph (dataset registre-cantal)" in validated.stderr
    loaded = run_ctg("load", "partnerships", str(ctg), connection=neo4j_connection)
    assert loaded.returncode == 0, loaded.stderr
    assert signatures(reference_graph, "caf-15") == [
        "ctg-saint-flour-registre-2023 ctg-saint-flour-registre"
    ]


def test_a_key_nobody_defines_is_refused_naming_where_it_looked(
    reference_graph: Driver, neo4j_connection: Neo4jConnection, tmp_path: Path
) -> None:
    ctg = alone(tmp_path, "ctg-saint-flour.yaml")
    before = snapshot(reference_graph)
    loaded = run_ctg("load", "partnerships", str(ctg), connection=neo4j_connection)
    assert loaded.returncode == 1
    output = " ".join(loaded.stderr.split())
    assert "no partner has key 'caf-15'" in output
    assert f"looked in the files given and the graph at {neo4j_connection.uri}" in output
    assert snapshot(reference_graph) == before


def test_two_datasets_referring_to_each_other_load_together_then_each_alone(
    reference_graph: Driver, tmp_path: Path
) -> None:
    a, b = mutual_pair(tmp_path)
    with pytest.raises(DatasetError, match="no partner has key 'partenaire-b'"):
        load(reference_graph, alone(tmp_path, "a.yaml", a.read_text(encoding="utf-8")))
    assert load(reference_graph, a, b).changed == ("jeu-a", "jeu-b")
    original = {path: path.read_text(encoding="utf-8") for path in (a, b)}
    for status, order in (("signed", (a, b)), ("ended", (b, a))):
        for path in order:  # each alone, after the other, in either order
            path.write_text(original[path] + f"    status: {status}\n", encoding="utf-8")
            assert load(reference_graph, path).changed == (f"jeu-{path.stem}",)
    assert signatures(reference_graph, "partenaire-a") == ["contrat-a jeu-a", "contrat-b jeu-b"]
    assert signatures(reference_graph, "partenaire-b") == ["contrat-a jeu-a", "contrat-b jeu-b"]


def test_a_key_defined_again_by_a_second_dataset_is_refused_and_nothing_written(
    reference_graph: Driver, tmp_path: Path
) -> None:
    load(reference_graph, alone(tmp_path, "registre-cantal.yaml"))
    before = snapshot(reference_graph)
    text = (REGISTRY / "ctg-saint-flour.yaml").read_text(encoding="utf-8")
    again = alone(tmp_path, "ctg-saint-flour.yaml", text.replace(
        "partners:\n", "partners:\n  - {key: caf-15, kind: caf, name: Caf 15}\n"))  # fmt: skip
    with pytest.raises(DatasetError) as caught:
        load(reference_graph, again)
    assert [p.message for p in caught.value.problems] == [
        "partner key 'caf-15' is already defined at the graph (dataset registre-cantal)"
    ]
    assert snapshot(reference_graph) == before


def test_a_reload_of_the_definer_keeps_the_other_dataset_s_signatures(
    reference_graph: Driver, tmp_path: Path
) -> None:
    registre = alone(tmp_path, "registre-cantal.yaml")
    load(reference_graph, registre, alone(tmp_path, "ctg-saint-flour.yaml"))
    signed = signatures(reference_graph, "caf-15")
    renamed = registre.read_text(encoding="utf-8").replace("name: Caf du Cantal", "name: Caf 15")
    registre.write_text(renamed, encoding="utf-8")
    assert load(reference_graph, registre).changed == ("registre-cantal",)
    assert (
        signatures(reference_graph, "caf-15")
        == signed
        == ["ctg-saint-flour-registre-2023 ctg-saint-flour-registre"]
    )


def test_a_reload_dropping_a_key_another_dataset_uses_is_refused_naming_it(
    reference_graph: Driver, tmp_path: Path
) -> None:
    registre = alone(tmp_path, "registre-cantal.yaml")
    ctg = alone(tmp_path, "ctg-saint-flour.yaml")
    load(reference_graph, registre, ctg)
    text = registre.read_text(encoding="utf-8")
    start = text.index("  - key: directeur-caf-15")
    registre.write_text(text[:start], encoding="utf-8")  # the director is gone
    before = snapshot(reference_graph)
    with pytest.raises(SharedKeysStillReferred) as caught:
        load(reference_graph, registre)
    message = str(caught.value)
    assert "Dataset 'registre-cantal' no longer defines keys that dataset(s) " in message
    assert "Person directeur-caf-15 (linked to by ctg-saint-flour-registre)" in message
    assert "nothing was written" in message
    assert snapshot(reference_graph) == before
    # with the CTG that no longer names him, in the same run: allowed
    ctg.write_text(ctg.read_text(encoding="utf-8").replace(", directeur-caf-15", ""), "utf-8")
    assert load(reference_graph, registre, ctg).changed == (
        "registre-cantal",
        "ctg-saint-flour-registre",
    )
