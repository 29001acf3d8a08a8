"""The facts that had no field: contract numbers and notes, stated themes, contributors,
competences, framing documents, instrument creators and free statements — valid ones
become graph rows with their provenance, wrong ones are refused at their file, line and
field path with what to write instead."""

from __future__ import annotations

from pathlib import Path

import pytest

from loaders.dataset_graph import dataset_graph
from loaders.datasets import DatasetError, TerritoryIndex, Vocabularies, read_datasets
from loaders.reference import read_reference
from tests.conftest import REFERENCE_EXTRACT

TERRITORIES = TerritoryIndex.from_reference(read_reference(REFERENCE_EXTRACT, ["15"]))

DATASET = """\
format: ctg-graph/dataset@1
dataset: {key: faits, title: Faits sans champ}
default_source: article
sources:
  - {key: article, title: Article}
  - {key: deliberation, title: Délibération}
partners:
  - {key: cnaf, kind: cnaf, name: Cnaf}
  - {key: caf-15, kind: caf, name: Caf du Cantal}
  - {key: cc-saint-flour, kind: epci, name: Saint-Flour Communauté}
  - {key: ville-saint-flour, kind: commune, name: Saint-Flour}
  - {key: cabinet, kind: consultancy, name: Cabinet conseil}
contracts:
  - key: ctg-sf
    kind: ctg
    title: CTG de Saint-Flour
    number: "CTG n° 2018-15-001"
    notes: The author's note.
    signatories:
      - {partner: caf-15}
      - {partner: cc-saint-flour}
    themes:
      - {theme: petite-enfance}
      - {theme: jeunesse, certainty: inferred, reason: the title says so}
    contributors:
      - {partner: cabinet, role: cabinet conseil retenu, source: deliberation}
    axes:
      - number: 1
        title: Familles
        themes:
          - {theme: parentalite}
competences:
  - holder: ville-saint-flour
    competence: enfance-jeunesse
    territory: {commune: "15187"}
    start: 2015-01-01
  - key: cc-action-sociale
    holder: cc-saint-flour
    competence: action-sociale
    territory: {epci: "200066660"}
    certainty: inferred
    reason: the commissions say so
framing_documents:
  - key: charte-sf
    kind: charte-engagement
    title: Charte d'engagement
    parties:
      - {partner: caf-15, role: partenaire}
    covers:
      - territory: {epci: "200066660"}
    frames:
      - {contract: ctg-sf}
instruments:
  - {kind: ctg, created_by: cnaf}
statements:
  - key: diagnostic
    about:
      - contract: ctg-sf
      - axis: ctg-sf-axe-1
      - commune: "15187"
      - framing_document: charte-sf
    text: The diagnostic drew on the cohesion contract.
    quote: « s'est appuyé sur la démarche »
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "faits.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def problems(tmp_path: Path, old: str, new: str) -> list[str]:
    assert old in DATASET
    path = write(tmp_path, DATASET.replace(old, new, 1))
    with pytest.raises(DatasetError) as caught:
        read_datasets([path], TERRITORIES)
    return [str(p) for p in caught.value.problems]


def line(text: str) -> int:
    return next(i for i, row in enumerate(DATASET.splitlines(), 1) if text in row)


def test_each_fact_becomes_rows_with_its_provenance(tmp_path: Path) -> None:
    (dataset,) = read_datasets([write(tmp_path, DATASET)], TERRITORIES)
    graph = dataset_graph(dataset, Vocabularies.load())
    nodes = {(n.label, n.key): n.props for n in graph.nodes}
    edges = {(e.type, e.start_key, e.end_key): e.props for e in graph.edges}

    contract = nodes[("Contract", "ctg-sf")]
    assert (contract["number"], contract["notes"]) == ("CTG n° 2018-15-001", "The author's note.")
    assert edges[("ADDRESSES", "ctg-sf", "petite-enfance")]["certainty"] == "stated"
    inferred = edges[("ADDRESSES", "ctg-sf", "jeunesse")]
    assert (inferred["certainty"], inferred["reason"]) == ("inferred", "the title says so")
    assert edges[("ADDRESSES", "ctg-sf-axe-1", "parentalite")]["source"] == "article"
    contributor = edges[("CONTRIBUTES_TO", "cabinet", "ctg-sf")]
    assert (contributor["role"], contributor["source"]) == (
        "cabinet conseil retenu",
        "deliberation",
    )

    holding = nodes[("CompetenceHolding", "ville-saint-flour-enfance-jeunesse-15187")]
    assert holding["competence"] == "enfance-jeunesse"
    assert str(holding["start"]) == "2015-01-01"
    assert ("HELD_BY", "ville-saint-flour-enfance-jeunesse-15187", "ville-saint-flour") in edges
    assert ("ON_TERRITORY", "cc-action-sociale", "200066660") in edges
    assert nodes[("CompetenceHolding", "cc-action-sociale")]["certainty"] == "inferred"
    assert {n.key for n in graph.shared if n.label == "Competence"} >= {"enfance-jeunesse"}

    assert nodes[("FramingDocument", "charte-sf")]["kind"] == "charte-engagement"
    assert ("FRAMES", "charte-sf", "ctg-sf") in edges
    assert edges[("PARTY_TO", "caf-15", "charte-sf")]["role"] == "partenaire"
    assert ("CREATED", "cnaf", "ctg") in edges

    statement = nodes[("Statement", "diagnostic")]
    assert statement["quote"] == "« s'est appuyé sur la démarche »"
    assert "diagnostic" in statement["nameKey"]
    about = {(e.end_label, e.end_key) for e in graph.edges if e.type == "ABOUT"}
    assert about == {
        ("Contract", "ctg-sf"),
        ("Axis", "ctg-sf-axe-1"),
        ("Commune", "15187"),
        ("FramingDocument", "charte-sf"),
    }


@pytest.mark.parametrize(
    ("old", "new", "needle", "expected"),
    [
        pytest.param(
            "competence: enfance-jeunesse",
            "competence: enfance",
            "competence: enfance",
            "competences[0].competence: unknown competence 'enfance'; did you mean "
            "'petite-enfance' or 'enfance-jeunesse'? (data/vocabularies/competences.yaml)",
            id="unknown-competence",
        ),
        pytest.param(
            "holder: ville-saint-flour",
            "holder: ville-saint-flou",
            "holder: ville-saint-flou",
            "competences[0].holder: no partner has key 'ville-saint-flou'; did you mean "
            "ville-saint-flour, cc-saint-flour?",
            id="unknown-holder",
        ),
        pytest.param(
            "    start: 2015-01-01",
            "    start: 2015-01-01\n    end: 2014-12-31",
            "    end: 2014-12-31",
            "competences[0].end: the end 2014-12-31 is before the start 2015-01-01; write an "
            "end on or after the start, or swap them",
            id="competence-ends-before-it-starts",
        ),
        pytest.param(
            "    reason: the commissions say so\n",
            "",
            "  - key: cc-action-sociale",
            "competences[1]: an inferred fact needs a `reason` saying why it was inferred",
            id="inferred-competence-without-reason",
        ),
        pytest.param(
            "{theme: petite-enfance}",
            "{theme: petite-enfence}",
            "{theme: petite-enfence}",
            "contracts[0].themes[0].theme: unknown theme 'petite-enfence'; did you mean "
            "'petite-enfance'? (data/vocabularies/themes.yaml)",
            id="unknown-contract-theme",
        ),
        pytest.param(
            "{partner: cabinet, role",
            "{partner: caf-15, role",
            "{partner: caf-15, role",
            "contracts[0].contributors[0].partner: 'caf-15' signs this contract: give its role "
            "in its `signatories` entry",
            id="contributor-that-signs",
        ),
        pytest.param(
            "{contract: ctg-sf}",
            "{contract: ctg-sff}",
            "{contract: ctg-sff}",
            "framing_documents[0].frames[0].contract: no contract has key 'ctg-sff'; did you "
            "mean ctg-sf?",
            id="frames-an-unknown-contract",
        ),
        pytest.param(
            "    kind: charte-engagement",
            "    kind: charte-engagment",
            "    kind: charte-engagment",
            "framing_documents[0].kind: unknown contract kind 'charte-engagment'; did you mean "
            "'charte-engagement'? (data/vocabularies/contract-kinds.yaml)",
            id="unknown-document-kind",
        ),
        pytest.param(
            "created_by: cnaf",
            "created_by: cnav",
            "created_by: cnav",
            "instruments[0].created_by: no partner has key 'cnav'; did you mean cnaf?",
            id="unknown-creator",
        ),
        pytest.param(
            "axis: ctg-sf-axe-1",
            "axis: ctg-sf-axe-2",
            "axis: ctg-sf-axe-2",
            "statements[0].about[1].axis: no axis has key 'ctg-sf-axe-2'; did you mean "
            "ctg-sf-axe-1?",
            id="statement-about-an-unknown-axis",
        ),
        pytest.param(
            '      - commune: "15187"',
            '      - commune: "15999"',
            '      - commune: "15999"',
            "statements[0].about[2].commune: commune code '15999' is not in the territorial "
            "reference",
            id="statement-about-an-unknown-commune",
        ),
        pytest.param(
            "      - contract: ctg-sf\n      - axis",
            "      - {contract: ctg-sf, partner: caf-15}\n      - axis",
            "{contract: ctg-sf, partner: caf-15}",
            "statements[0].about[0]: name exactly one node",
            id="statement-about-two-nodes-at-once",
        ),
    ],
)
def test_a_wrong_fact_is_refused_where_it_is(
    tmp_path: Path, old: str, new: str, needle: str, expected: str
) -> None:
    (found,) = problems(tmp_path, old, new)
    edited = DATASET.replace(old, new, 1)
    at = next(i for i, row in enumerate(edited.splitlines(), 1) if needle in row)
    assert found.startswith(f"{tmp_path / 'faits.yaml'}:{at}: "), found
    assert expected in found, found


def test_two_competence_holdings_with_the_same_default_key_are_told_apart(tmp_path: Path) -> None:
    twice = DATASET.replace(
        "  - key: cc-action-sociale",
        "  - {holder: ville-saint-flour, competence: enfance-jeunesse,"
        ' territory: {commune: "15187"}}\n'
        "  - key: cc-action-sociale",
    )
    (found,) = problems(tmp_path, DATASET, twice)
    assert "competence_holding key 'ville-saint-flour-enfance-jeunesse-15187' is already" in found
    assert f":{line('  - holder: ville-saint-flour')}" in found
