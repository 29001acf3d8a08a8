"""A draft dataset (``ctg draft``'s output) loaded into a real Neo4j: the API's provenance
of its nodes and links says they were extracted, and quotes the article with the
characters' offsets, so a reviewer can find each fact in the text."""

from __future__ import annotations

from pathlib import Path

from neo4j import Driver

from graph.maintenance import clear_graph
from graph.partnership_store import write_dataset
from graph.reference_store import write_reference
from graph.settings import Neo4jConnection
from loaders.dataset_graph import dataset_graph
from loaders.datasets import TerritoryIndex, Vocabularies, read_datasets
from loaders.drafts.dataset import EXTRACTED, to_yaml
from loaders.reference import read_reference
from tests.conftest import REFERENCE_EXTRACT
from tests.conftest import ask_schema as ask
from tests.unit.test_draft_dataset import TEXT, saint_flour_draft

EVIDENCE = "provenance { certainty reason evidence { quote start end } }"


def test_a_loaded_draft_shows_each_fact_s_evidence(
    driver: Driver, neo4j_connection: Neo4jConnection, tmp_path: Path
) -> None:
    database = neo4j_connection.database
    clear_graph(driver, database)
    reference = read_reference(REFERENCE_EXTRACT, ["15"])
    write_reference(driver, database, reference)
    path = tmp_path / "brouillon.yaml"
    path.write_text(to_yaml(saint_flour_draft(), name="brouillon"), encoding="utf-8")
    vocabularies = Vocabularies.load()
    (dataset,) = read_datasets([path], TerritoryIndex.from_reference(reference), vocabularies)
    write_dataset(driver, database, dataset_graph(dataset, vocabularies))

    data = ask(
        neo4j_connection,
        '{ contract(key: "ctg-saint-flour-communaute") {'
        f" {EVIDENCE}"
        f" signatories(first: 100) {{ edges {{ node {{ key }} {EVIDENCE} }} }}"
        f" territories {{ edges {{ node {{ code }} {EVIDENCE} }} }} }}"
        ' partner(key: "caf-15") { name provenance { evidence { quote start end } } } }',
    )
    contract = data["contract"]
    node = contract["provenance"]
    assert node["certainty"] == "INFERRED"
    assert node["reason"].startswith(EXTRACTED)
    quoted = [node["evidence"]]
    (covered,) = contract["territories"]["edges"]
    assert covered["node"]["code"] == "200066660"
    quoted.append(covered["provenance"]["evidence"])
    signed = {e["node"]["key"]: e["provenance"] for e in contract["signatories"]["edges"]}
    assert signed["caf-15"]["evidence"]["quote"] == (
        "Bernadette GINEZ, Présidente de la Caf du Cantal"
    )
    quoted += [p["evidence"] for p in signed.values() if p["evidence"]]
    quoted.append(data["partner"]["provenance"]["evidence"])
    assert len(quoted) >= 4
    for evidence in quoted:
        assert TEXT[evidence["start"] : evidence["end"]] == evidence["quote"]
