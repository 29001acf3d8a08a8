"""Datasets written with shorthands (« la CTG a été signée par la communauté de communes et
ses communes ») loaded into a real Neo4j: the expanded signatories and partners read
through GraphQL as if written out, marked inferred; the partners generated for a commune
are one node shared by the datasets naming it, kept right across reloads."""

from __future__ import annotations

import datetime
import textwrap
from pathlib import Path
from typing import Any

import pytest
from neo4j import Driver

import analyses
from analyses.projection import build
from domain.scopes import Scope
from graph.coverage_reads import coverage_rows
from graph.partnership_store import DatasetWriteSummary, write_dataset
from graph.reference_store import write_reference
from graph.settings import Neo4jConnection
from loaders.dataset_graph import dataset_graph
from loaders.datasets import TerritoryIndex, Vocabularies, read_datasets
from loaders.pipeline import write_groups
from loaders.reference import read_reference
from tests.conftest import REFERENCE_EXTRACT
from tests.conftest import ask_schema as ask

DB = "neo4j"
REFERENCE = read_reference(REFERENCE_EXTRACT, ["15", "71"])
TERRITORIES = TerritoryIndex.from_reference(REFERENCE)
VOCABULARIES = Vocabularies.load()
CC = "200066660"
MEMBERS = len(TERRITORIES.epci_members[CC])
JUNE_2019 = datetime.date(2019, 6, 1)

SIGNED = """\
format: ctg-graph/dataset@1
dataset: {{key: {key}, title: Essai {key}}}
default_source: article-{key}
sources:
  - {{key: article-{key}, title: Un article}}
partners:
  - {{key: caf-15-{key}, kind: caf, name: Caf du Cantal}}
contracts:
  - key: ctg-{key}
    kind: ctg
    title: CTG {key}
    start: 2018-01-01
    end: 2021-12-31
    covers: [{{territory: {{epci: "200066660"}}}}]
    signatories:
      - {{partner: caf-15-{key}, role: signataire}}
{shorthand}"""
SHORTHAND = """\
    signatories_from:
      - epci: "200066660"
        members: true
        role: signataire
        quote: signée par la communauté de communes et ses communes
"""


def load(driver: Driver, tmp_path: Path, **bodies: str) -> list[DatasetWriteSummary]:
    paths = []
    for key, shorthand in bodies.items():
        path = tmp_path / f"{key}.yaml"
        path.write_text(SIGNED.format(key=key, shorthand=shorthand), encoding="utf-8")
        paths.append(path)
    datasets = read_datasets(paths, TERRITORIES, VOCABULARIES)
    groups = write_groups([dataset_graph(d, VOCABULARIES) for d in datasets])
    graphs = [graph for group in groups for graph in group]
    return [write_dataset(driver, DB, graph) for graph in graphs]


def alleuze(driver: Driver) -> list[dict[str, Any]]:
    """The partners governing commune 15002 (Alleuze), with who uses them."""
    records, _, _ = driver.execute_query(
        "MATCH (p:Partner)-[g:GOVERNS]->(:Commune {code: '15002'}) "
        "RETURN p.key AS key, p.dataset AS dataset, p.usedBy AS usedBy, count(g) AS links"
    )
    return [r.data() for r in records]


def alleuze_registry(folder: Path, key: str, name: str) -> Path:
    """A registry dataset defining the partner ``key`` that governs Alleuze (15002)."""
    path = folder / "registre.yaml"
    path.write_text(
        textwrap.dedent(
            f"""\
            format: ctg-graph/dataset@1
            dataset: {{key: registre, title: Registre}}
            default_source: annuaire
            sources:
              - {{key: annuaire, title: Annuaire des communes}}
            partners:
              - key: {key}
                kind: commune
                name: {name}
                governs: [{{territory: {{commune: "15002"}}}}]
            """
        ),
        encoding="utf-8",
    )
    return path


@pytest.fixture
def reference_graph(empty_graph: Driver) -> Driver:
    write_reference(empty_graph, DB, REFERENCE)
    return empty_graph


def test_expanded_signatories_read_as_written_out_and_inferred(
    reference_graph: Driver, neo4j_connection: Neo4jConnection, tmp_path: Path
) -> None:
    load(reference_graph, tmp_path, un=SHORTHAND)
    data = ask(
        neo4j_connection,
        '{ contract(key: "ctg-un") { signatories(first: 100) { totalCount edges { '
        "role partner { key name } provenance { certainty reason dataset } } } } "
        'partner(key: "commune-15002") { name kind territories(first: 5) { edges { '
        "relation node { code } provenance { certainty reason } } } } }",
    )
    signatories = data["contract"]["signatories"]
    assert signatories["totalCount"] == 2 + MEMBERS  # the Caf, the CC, its communes
    by_key = {e["partner"]["key"]: e for e in signatories["edges"]}
    commune = by_key["commune-15002"]
    assert commune["role"] == "signataire"
    assert commune["provenance"]["certainty"] == "INFERRED"
    assert "membre de l'EPCI 200066660" in commune["provenance"]["reason"]
    assert (
        "« signée par la communauté de communes et ses communes »"
        in (commune["provenance"]["reason"])
    )
    assert commune["provenance"]["dataset"] == "un"  # the signature is the dataset's own
    assert by_key["epci-200066660"]["provenance"]["certainty"] == "STATED"
    partner = data["partner"]
    assert (partner["name"], partner["kind"]) == ("Alleuze", "COMMUNE")
    (governs,) = partner["territories"]["edges"]
    assert (governs["relation"], governs["node"]["code"]) == ("GOVERNS", "15002")
    assert governs["provenance"]["certainty"] == "INFERRED"
    # the coverage reads the contract's `covers` as ever (the analyses' own projection:
    # the GraphQL field answers the same, within a time limit a busy machine may exceed)
    scope = Scope(f"epci:{CC}")
    report = analyses.territorial_coverage(
        build(coverage_rows(reference_graph, DB, scope), scope), f"epci:{CC}", JUNE_2019
    )
    assert {c.code for c in report.communes if c.covered} == TERRITORIES.epci_members[CC]


def test_two_datasets_share_one_partner_per_commune_across_reloads(
    reference_graph: Driver, tmp_path: Path
) -> None:
    load(reference_graph, tmp_path, un=SHORTHAND, deux=SHORTHAND)
    assert alleuze(reference_graph) == [
        {"key": "commune-15002", "dataset": "generated", "usedBy": ["deux", "un"], "links": 1}
    ]
    again = load(reference_graph, tmp_path, un=SHORTHAND, deux=SHORTHAND)
    assert [s.changed for s in again] == [False, False]  # re-running changes nothing

    load(reference_graph, tmp_path, un="")  # « un » no longer names the communes
    assert alleuze(reference_graph) == [
        {"key": "commune-15002", "dataset": "generated", "usedBy": ["deux"], "links": 1}
    ]
    load(reference_graph, tmp_path, deux="")  # nor does « deux »: nobody uses them
    assert alleuze(reference_graph) == []
    records, _, _ = reference_graph.execute_query(
        "MATCH (p:Partner {dataset: 'generated'}) RETURN count(p) AS n"
    )
    assert records[0]["n"] == 0


def test_a_dataset_defining_a_generated_key_takes_the_partner_over(
    reference_graph: Driver, tmp_path: Path
) -> None:
    load(reference_graph, tmp_path, un=SHORTHAND)
    path = alleuze_registry(tmp_path, "commune-15002", "Commune d'Alleuze")
    (dataset,) = read_datasets([path], TERRITORIES, VOCABULARIES)
    write_dataset(reference_graph, DB, dataset_graph(dataset, VOCABULARIES))
    assert alleuze(reference_graph) == [
        {"key": "commune-15002", "dataset": "registre", "usedBy": None, "links": 1}
    ]
    records, _, _ = reference_graph.execute_query(
        "MATCH (:Partner {key: 'commune-15002'})-[s:SIGNED]->(:Contract {key: 'ctg-un'}) "
        "RETURN count(s) AS n"
    )
    assert records[0]["n"] == 1  # « un »'s signature still points to it


def test_a_partner_of_the_graph_governing_a_commune_is_named_not_generated_again(
    reference_graph: Driver, neo4j_connection: Neo4jConnection, tmp_path: Path
) -> None:
    """A registry in the graph defines the mairie d'Alleuze under its own key: a later
    dataset's shorthand names it (read from the graph, as ctg validate/load do) rather
    than generate `commune-15002` beside it."""
    from cli.load import graph_registry

    path = alleuze_registry(tmp_path, "mairie-alleuze", "Mairie d'Alleuze")
    (registre,) = read_datasets([path], TERRITORIES, VOCABULARIES)
    write_dataset(reference_graph, DB, dataset_graph(registre, VOCABULARIES))
    later = tmp_path / "later.yaml"
    later.write_text(SIGNED.format(key="later", shorthand=SHORTHAND), encoding="utf-8")
    (dataset,) = read_datasets(
        [later], TERRITORIES, VOCABULARIES, registry=graph_registry(neo4j_connection)
    )
    signers = {s.partner for c in dataset.content.contracts for s in c.signatories}
    assert "mairie-alleuze" in signers
    assert "commune-15002" not in signers
    assert "commune-15002" not in {p.key for p in dataset.generated}
    assert ("the graph (dataset registre)", 1) in dataset.resolved
    write_dataset(reference_graph, DB, dataset_graph(dataset, VOCABULARIES))
    assert alleuze(reference_graph) == [
        {"key": "mairie-alleuze", "dataset": "registre", "usedBy": None, "links": 1}
    ]
