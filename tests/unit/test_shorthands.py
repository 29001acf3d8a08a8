"""The shorthands « this EPCI and its communes sign » and « the communes of this EPCI are
partners », expanded from a small extract of the reference (Cantal, Saône-et-Loire)."""

from __future__ import annotations

import dataclasses
import textwrap
from pathlib import Path
from typing import Any

import pytest

from loaders.dataset_graph import dataset_graph
from loaders.datasets import (
    DEFAULT_DATASETS,
    Dataset,
    DatasetError,
    TerritoryIndex,
    Vocabularies,
    check_fragment,
    read_datasets,
)
from loaders.reference import read_reference
from tests.conftest import REFERENCE_EXTRACT

TERRITORIES = TerritoryIndex.from_reference(read_reference(REFERENCE_EXTRACT, ["15", "71"]))
VOCABULARIES = Vocabularies.load()
SAINT_FLOUR_CC = "200066660"
CREUSOT_CU = "247100290"
EXAMPLES = Path(__file__).parents[2] / "docs" / "examples" / "shorthands"

HEAD = """\
format: ctg-graph/dataset@1
dataset: {{key: {key}, title: Essai}}
default_source: article-{key}
sources:
  - {{key: article-{key}, title: Un article}}
"""


def write(tmp_path: Path, body: str, key: str = "essai") -> Path:
    path = tmp_path / f"{key}.yaml"
    path.write_text(HEAD.format(key=key) + textwrap.dedent(body), encoding="utf-8")
    return path


def read(*paths: Path, territories: TerritoryIndex = TERRITORIES) -> list[Dataset]:
    return read_datasets(list(paths), territories, VOCABULARIES)


def problems(*paths: Path, territories: TerritoryIndex = TERRITORIES) -> list[str]:
    with pytest.raises(DatasetError) as error:
        read(*paths, territories=territories)
    return [str(p) for p in error.value.problems]


SIGNED_BY_THE_CC_AND_ITS_COMMUNES = """\
partners:
  - {key: caf-15, kind: caf, name: Caf du Cantal}
  - key: ville-saint-flour
    kind: commune
    name: Saint-Flour
    governs: [{territory: {commune: "15187"}}]
contracts:
  - key: ctg-essai
    kind: ctg
    title: CTG essai
    covers: [{territory: {epci: "200066660"}}]
    signatories:
      - {partner: caf-15, role: signataire}
      - {partner: ville-saint-flour, role: ville-centre}
    signatories_from:
      - epci: "200066660"
        members: true
        role: signataire
        signed_on: 2018-01-19
        quote: la CTG a été signée par la communauté de communes et ses communes
"""


def signatories(dataset: Dataset, contract: int = 0) -> dict[str, Any]:
    return {s.partner: s for s in dataset.content.contracts[contract].signatories}


def test_an_epci_and_its_communes_sign_each_inferred_from_the_reference(tmp_path: Path) -> None:
    (dataset,) = read(write(tmp_path, SIGNED_BY_THE_CC_AND_ITS_COMMUNES))
    members = TERRITORIES.epci_members[SAINT_FLOUR_CC]
    signing = signatories(dataset)
    # the Caf, the EPCI and every member commune, each once
    assert len(signing) == 2 + len(members)
    epci = signing["epci-200066660"]
    assert (epci.certainty.value, epci.role) == ("stated", "signataire")  # the source names it
    commune = signing["commune-15002"]
    assert commune.certainty.value == "inferred"
    assert commune.reason is not None
    assert "membre de l'EPCI 200066660" in commune.reason
    assert "selon le référentiel (millésime 2026)" in commune.reason
    assert "« la CTG a été signée par la communauté de communes et ses communes »" in commune.reason
    assert str(commune.signed_on) == "2018-01-19"


def test_an_explicit_partner_is_reused_and_an_explicit_signatory_wins(tmp_path: Path) -> None:
    (dataset,) = read(write(tmp_path, SIGNED_BY_THE_CC_AND_ITS_COMMUNES))
    generated = {p.key for p in dataset.generated}
    assert "commune-15187" not in generated  # ville-saint-flour governs Saint-Flour
    signing = signatories(dataset)
    assert "commune-15187" not in signing
    saint_flour = signing["ville-saint-flour"]
    assert (saint_flour.role, saint_flour.certainty.value) == ("ville-centre", "stated")


def test_generated_partners_come_from_the_reference_and_are_inferred(tmp_path: Path) -> None:
    (dataset,) = read(write(tmp_path, SIGNED_BY_THE_CC_AND_ITS_COMMUNES))
    graph = dataset_graph(dataset, VOCABULARIES)
    alleuze = next(n for n in graph.generated if n.key == "commune-15002")
    assert (alleuze.props["name"], alleuze.props["kind"]) == ("Alleuze", "commune")
    assert alleuze.props["certainty"] == "inferred"
    assert "commune 15002 (Alleuze) selon le référentiel" in alleuze.props["reason"]
    assert "sources" not in alleuze.props  # the reference says it exists, not the article
    governs = [e for e in graph.generated_edges if e.start_key == "commune-15002"]
    assert [(e.type, e.end_label, e.end_key) for e in governs] == [("GOVERNS", "Commune", "15002")]
    assert not any(n.key == "commune-15002" for n in graph.nodes)  # owned by no dataset
    signed = [e for e in graph.edges if e.type == "SIGNED" and e.start_key == "commune-15002"]
    assert signed[0].props["certainty"] == "inferred"


def test_two_datasets_expanding_one_commune_share_its_partner(tmp_path: Path) -> None:
    body = """\
    partners_from:
      - communes_of: {epci: "200066660"}
    """
    first, second = read(write(tmp_path, body, "un"), write(tmp_path, body, "deux"))
    assert [p.key for p in first.generated] == [p.key for p in second.generated]
    one = dataset_graph(first, VOCABULARIES).generated
    other = dataset_graph(second, VOCABULARIES).generated
    assert one == other  # the same rows: nothing of a dataset's own in them


def test_a_partner_defined_in_another_dataset_of_the_run_is_reused(tmp_path: Path) -> None:
    owner = write(
        tmp_path,
        """\
        partners:
          - key: commune-alleuze
            kind: commune
            name: Alleuze
            governs: [{territory: {commune: "15002"}}]
        """,
        "registre",
    )
    user = write(tmp_path, 'partners_from:\n  - communes_of: {epci: "200066660"}\n', "usage")
    _, used = read(owner, user)
    keys = {p.key for p in used.generated}
    assert "commune-15002" not in keys
    assert len(keys) == len(TERRITORIES.epci_members[SAINT_FLOUR_CC]) - 1


def test_the_communes_of_a_sub_territory_sign(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
        sub_territories:
          - key: bassin
            name: Un bassin
            part_of: {epci: "200066660"}
            communes: ["15002", "15187"]
        contracts:
          - key: ctg-bassin
            kind: ctg
            title: CTG du bassin
            signatories_from:
              - {communes_of: {sub_territory: bassin}, role: partie}
        """,
    )
    (dataset,) = read(path)
    signing = signatories(dataset)
    assert set(signing) == {"commune-15002", "commune-15187"}
    assert "commune du sous-territoire bassin" in str(signing["commune-15002"].reason)


@pytest.mark.parametrize(
    ("shorthand", "expected"),
    [
        (
            '{epci: "200066661", members: true}',
            "essai.yaml:11: contracts[0].signatories_from[0].epci: epci code '200066661' is not "
            "in the territorial reference; closest: 200066660 (CC de Saint-Flour)",
        ),
        (
            '{epci: "200066660", members: true, count: 25}',
            "essai.yaml:11: contracts[0].signatories_from[0].count: the source counts 25 "
            "communes but 53 are meant",
        ),
        (
            '{epci: "200066660", members: true, excluding: ["71040"]}',
            "essai.yaml:11: contracts[0].signatories_from[0].excluding[0]: commune 71040 is not "
            "one of the communes meant",
        ),
        (
            "{communes_of: {sub_territory: bassinn}}",
            "essai.yaml:11: contracts[0].signatories_from[0].communes_of.sub_territory: no "
            "sub_territory has key 'bassinn'",
        ),
        (
            '{epci: "200066660", communes_of: {epci: "200066660"}}',
            "essai.yaml:11: contracts[0].signatories_from[0]: name exactly one of `epci`",
        ),
        (
            '{communes_of: {commune: "15187"}}',
            "essai.yaml:11: contracts[0].signatories_from[0]: `communes_of` names an epci or a "
            "sub_territory",
        ),
    ],
)
def test_a_shorthand_that_cannot_be_expanded_is_located(
    tmp_path: Path, shorthand: str, expected: str
) -> None:
    path = write(
        tmp_path,
        f"""\
        contracts:
          - key: ctg-essai
            kind: ctg
            title: CTG essai
            signatories_from:
              - {shorthand}
        """,
    )
    found = problems(path)
    assert any(p.endswith(expected) or expected in p for p in found), found


def test_an_epci_with_no_member_communes_read_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, 'partners_from:\n  - {epci: "200066660", members: true}\n')
    none_read = dataclasses.replace(
        TERRITORIES,
        epci_members={k: v for k, v in TERRITORIES.epci_members.items() if k != SAINT_FLOUR_CC},
    )
    (problem,) = problems(path, territories=none_read)
    assert "partners_from[0].epci: EPCI 200066660 (CC de Saint-Flour) has no member communes" in (
        problem
    )
    assert "read the reference of its départements" in problem
    fewer = dataclasses.replace(
        TERRITORIES, epci_member_counts={**TERRITORIES.epci_member_counts, SAINT_FLOUR_CC: 60}
    )
    (problem,) = problems(path, territories=fewer)
    assert "only 53 of the 60 member communes of EPCI 200066660" in problem


def test_every_problem_of_a_shorthand_file_comes_in_one_run(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
        partners_from:
          - {epci: "200066661"}
        contracts:
          - key: ctg-essai
            kind: ctg
            title: CTG essai
            signatories_from:
              - {epci: "200066660", members: true, source: nowhere}
            leads: [nobody]
        """,
    )
    found = problems(path)
    assert len(found) == 3, found
    assert "partners_from[0].epci" in found[0]
    assert "no source has key 'nowhere'" in "\n".join(found)
    assert "no partner has key 'nobody'" in "\n".join(found)


def test_the_api_refuses_shorthands(tmp_path: Path) -> None:
    fragment = {
        "format": "ctg-graph/dataset@1",
        "dataset": {"key": "curation", "title": "curation"},
        "default_source": "s",
        "sources": [{"key": "s", "title": "s"}],
        "partners_from": [{"epci": SAINT_FLOUR_CC, "members": True}],
    }
    model, found = check_fragment(fragment, TERRITORIES, VOCABULARIES, {})
    assert model is None
    assert "shorthands are for dataset files" in str(found[0])


def _canonical(dataset: Dataset) -> tuple[set[tuple[Any, ...]], set[tuple[Any, ...]]]:
    """A dataset's graph with each commune partner named after its commune (so keys do
    not count), and no reasons or sources (a shorthand words its own)."""
    graph = dataset_graph(dataset, VOCABULARIES)
    nodes = [*graph.nodes, *graph.generated]
    edges = [*graph.edges, *graph.generated_edges]
    named = {
        e.start_key: f"commune-{e.end_key}"
        for e in edges
        if e.type == "GOVERNS" and e.end_label == "Commune"
    }
    prefixes = sorted(named, key=len, reverse=True)

    def key(k: str) -> str:
        for p in prefixes:
            if k == p or k.startswith(p + "-"):  # a competence holding is named by its holder
                return named[p] + k[len(p) :]
        return k

    return (
        {(n.label, key(n.key), n.props.get("kind"), n.props.get("certainty")) for n in nodes},
        {
            (
                e.type,
                key(e.start_key),
                key(e.end_key),
                e.props.get("role"),
                e.props.get("certainty"),
                e.props.get("signedOn"),
            )
            for e in edges
            if e.type != "SOURCED_FROM"
        },
    )


def test_the_seed_written_with_shorthands_is_the_same_graph() -> None:
    name = "creusot-montceau-ctg-2021.yaml"
    (explicit,) = read(DEFAULT_DATASETS / name)
    (short,) = read(EXAMPLES / name)
    assert len(short.generated) == 21  # the communes the article does not name
    assert _canonical(short) == _canonical(explicit)
    lines = len((EXAMPLES / name).read_text(encoding="utf-8").splitlines())
    assert lines < len((DEFAULT_DATASETS / name).read_text(encoding="utf-8").splitlines())


def test_a_partner_of_the_graph_governing_a_commune_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, 'partners_from:\n  - communes_of: {epci: "200066660"}\n')
    in_the_graph = dataclasses.replace(
        TERRITORIES, governed_by={("commune", "15002"): "commune-alleuze"}
    )
    user = write(
        tmp_path,
        """\
        contracts:
          - key: ctg-essai
            kind: ctg
            title: CTG essai
            signatories_from: [{communes_of: {epci: "200066660"}}]
        """,
        "usage",
    )
    _, used = read(path, user, territories=in_the_graph)
    assert "commune-15002" not in {p.key for p in used.generated}
    assert "commune-alleuze" in signatories(used)
