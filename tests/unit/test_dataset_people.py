"""People's aliases and same-person declarations: valid ones become graph rows with their
provenance; an alias that is another person's name, a declaration naming an unknown key
or one person twice, a pair declared twice are refused at both places, nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.person_reads import StoredPerson
from loaders.dataset_graph import dataset_graph
from loaders.datasets import DatasetError, TerritoryIndex, Vocabularies, read_datasets
from loaders.people import check_people_in_graph
from loaders.reference import read_reference
from tests.conftest import REFERENCE_EXTRACT

TERRITORIES = TerritoryIndex.from_reference(read_reference(REFERENCE_EXTRACT, ["15"]))

CAF = """\
format: ctg-graph/dataset@1
dataset: {key: caf-cantal, title: La Caf du Cantal}
default_source: page-caf
sources:
  - {key: page-caf, title: Page de la Caf}
partners:
  - {key: caf-15, kind: caf, name: Caf du Cantal}
people:
  - key: marie-dupont-martin
    name: Marie Dupont-Martin
    aliases: [Marie Dupont]
    posts:
      - {title: Présidente, role: president, organisation: caf-15}
"""

PRESS = """\
format: ctg-graph/dataset@1
dataset: {key: presse, title: Article de presse}
default_source: article
sources:
  - {key: article, title: Article}
people:
  - key: m-dupont
    name: M. Dupont
same_people:
  - people: [marie-dupont-martin, m-dupont]
    certainty: inferred
    reason: the article names the Caf's president « M. Dupont »
    quote: « la présidente de la Caf, M. Dupont »
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(paths: list[Path]) -> list[str]:
    with pytest.raises(DatasetError) as caught:
        read_datasets(paths, TERRITORIES)
    return [str(p) for p in caught.value.problems]


def test_aliases_and_a_same_person_declaration_become_rows_with_provenance(
    tmp_path: Path,
) -> None:
    caf, press = write(tmp_path, "caf.yaml", CAF), write(tmp_path, "presse.yaml", PRESS)
    datasets = {d.key: d for d in read_datasets([caf, press], TERRITORIES)}
    vocabularies = Vocabularies.load()
    person = next(
        n for n in dataset_graph(datasets["caf-cantal"], vocabularies).nodes if n.label == "Person"
    )
    assert person.props["aliases"] == ["Marie Dupont"]
    assert "marie dupont" in person.props["nameKey"]  # what text filters match
    same = [e for e in dataset_graph(datasets["presse"], vocabularies).edges if e.type == "SAME_AS"]
    assert [(e.start_key, e.end_key) for e in same] == [("marie-dupont-martin", "m-dupont")]
    assert same[0].props["certainty"] == "inferred"
    assert same[0].props["reason"] == "the article names the Caf's president « M. Dupont »"
    assert same[0].props["source"] == "article"
    assert same[0].props["quote"] == "« la présidente de la Caf, M. Dupont »"


def test_an_alias_that_is_another_persons_name_is_refused_at_both_lines(tmp_path: Path) -> None:
    caf = write(tmp_path, "caf.yaml", CAF)
    other = write(
        tmp_path,
        "autre.yaml",
        PRESS.replace("name: M. Dupont", "name: MARIE DUPONT").split("same_people:")[0],
    )
    problems = problems_of([caf, other])
    assert problems == [
        f"{other}:8: people[0].name: name 'MARIE DUPONT' is an alias of person "
        f"'marie-dupont-martin' ('Marie Dupont') at {caf}:11, accents and case aside: if they "
        "are one person, declare it in `same_people`; if not, drop the alias"
    ]


def test_two_people_with_one_alias_are_refused_unless_declared_one_person(
    tmp_path: Path,
) -> None:
    caf = write(tmp_path, "caf.yaml", CAF)
    press = PRESS.replace("name: M. Dupont", "name: M. Dupont\n    aliases: [Marie Dupont]")
    lone = write(tmp_path, "presse.yaml", press.split("same_people:")[0])
    (problem,) = problems_of([caf, lone])
    assert problem.startswith(f"{lone}:9: people[0].aliases[0]: alias 'Marie Dupont' is an ")
    assert f"of person 'marie-dupont-martin' ('Marie Dupont') at {caf}:11" in problem
    # declared one person: the same alias is fine
    write(tmp_path, "presse.yaml", press)
    assert len(read_datasets([caf, lone], TERRITORIES)) == 2


def test_homonyms_without_aliases_stay_two_people(tmp_path: Path) -> None:
    caf = write(tmp_path, "caf.yaml", CAF)
    other = write(
        tmp_path,
        "autre.yaml",
        PRESS.replace("name: M. Dupont", "name: Marie Dupont-Martin").split("same_people:")[0],
    )
    assert len(read_datasets([caf, other], TERRITORIES)) == 2


def test_bad_same_person_declarations_are_refused_each_at_its_place(tmp_path: Path) -> None:
    caf = write(tmp_path, "caf.yaml", CAF)
    press = write(
        tmp_path,
        "presse.yaml",
        PRESS
        + """\
  - people: [m-dupont, m-dupond]
  - people: [m-dupont, m-dupont]
  - people: [m-dupont, marie-dupont-martin]
    source: article
""",
    )
    problems = problems_of([caf, press])
    assert problems == [
        f"{press}:14: same_people[1].people[1]: no person has key 'm-dupond'; did you mean "
        "m-dupont?",
        f"{press}:15: same_people[2].people[1]: names person 'm-dupont' twice (also at "
        "people[0]): a person is the same as herself; name two different people",
        f"{press}:16: same_people[3].people: 'm-dupont' and 'marie-dupont-martin' are already "
        f"declared the same person at {press}:10; declare each pair once (give one "
        "declaration the source that states it)",
    ]


def test_a_chain_of_declarations_is_one_person(tmp_path: Path) -> None:
    caf = write(tmp_path, "caf.yaml", CAF)
    press = PRESS.replace(
        "  - key: m-dupont\n    name: M. Dupont\n",
        "  - key: m-dupont\n    name: M. Dupont\n"
        "  - key: madame-dupont\n    name: Mme Dupont\n    aliases: [Marie Dupont]\n",
    )
    press += "  - people: [m-dupont, madame-dupont]\n"
    path = write(tmp_path, "presse.yaml", press)
    # A = B and B = C: C's alias may be A's, and the cycle-free chain is accepted
    assert len(read_datasets([caf, path], TERRITORIES)) == 2


def test_a_declaration_names_at_least_two_people(tmp_path: Path) -> None:
    caf = write(tmp_path, "caf.yaml", CAF)
    press = write(
        tmp_path, "presse.yaml", PRESS.replace("[marie-dupont-martin, m-dupont]", "[m-dupont]")
    )
    (problem,) = problems_of([caf, press])
    assert problem.startswith(f"{press}:10: same_people[0].people: List should have at least 2")


def test_an_alias_already_in_the_graph_from_another_dataset_is_refused(tmp_path: Path) -> None:
    press = write(tmp_path, "presse.yaml", PRESS.split("same_people:")[0])
    datasets = read_datasets([press], TERRITORIES)
    stored = [StoredPerson("mdupont", "Marc Durand", ("M. Dupont",), "caf-cantal", ())]
    with pytest.raises(DatasetError) as caught:
        check_people_in_graph(datasets, stored)
    assert [str(p) for p in caught.value.problems] == [
        f"{press}: people[0].name: name 'M. Dupont' of person 'm-dupont' is an alias of person "
        "'mdupont' ('Marc Durand'), in the graph from dataset 'caf-cantal', accents and case "
        "aside: if they are one person, declare it in `same_people`; if not, drop the alias"
    ]
    assert "nothing was written" in str(caught.value)
    # declared the same person in the graph: accepted
    check_people_in_graph(
        datasets, [StoredPerson("mdupont", "Marc", ("M. Dupont",), "x", ("m-dupont",))]
    )
