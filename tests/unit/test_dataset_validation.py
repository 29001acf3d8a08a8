"""The dataset validator: the worked example passes; broken files are rejected with
every problem at once, each located by file, line and field path."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from loaders.datasets import DEFAULT_DATASETS, DatasetError, TerritoryIndex, read_datasets
from loaders.reference import read_reference
from tests.conftest import REFERENCE_EXTRACT

EXAMPLE = Path(__file__).parents[2] / "docs" / "examples" / "dataset-example.yaml"
TERRITORIES = TerritoryIndex.from_reference(read_reference(REFERENCE_EXTRACT, ["15", "71"]))


def problems_of(tmp_path: Path, edit: Callable[[str], str]) -> list[str]:
    path = tmp_path / "dataset.yaml"
    path.write_text(edit(EXAMPLE.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(DatasetError) as caught:
        read_datasets([path], TERRITORIES)
    return [str(p) for p in caught.value.problems]


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_the_worked_example_is_valid() -> None:
    (dataset,) = read_datasets([EXAMPLE], TERRITORIES)
    assert dataset.key == "exemple-ctg-pays-de-salers"
    ctg = next(c for c in dataset.content.contracts if c.kind == "ctg")
    assert sum(len(axis.actions) for axis in ctg.axes) == 3
    assert len(dataset.checksum) == 64


def test_the_checksum_follows_the_content_not_the_layout(tmp_path: Path) -> None:
    reformatted = tmp_path / "same.yaml"
    reformatted.write_text("# a comment\n" + EXAMPLE.read_text(encoding="utf-8"))
    (a,), (b,) = read_datasets([EXAMPLE], TERRITORIES), read_datasets([reformatted], TERRITORIES)
    assert a.checksum == b.checksum
    edited = tmp_path / "edited.yaml"
    edited.write_text(EXAMPLE.read_text(encoding="utf-8").replace("amount: 20000", "amount: 20001"))
    assert read_datasets([edited], TERRITORIES)[0].checksum != a.checksum


@pytest.mark.parametrize(
    ("edit", "needle", "expected"),
    [
        pytest.param(
            lambda t: t.replace("    title: Créer un relais", "    titel: Créer un relais"),
            "titel: Créer",
            "actions[0].titel: unknown field",
            id="misspelt-field",
        ),
        pytest.param(
            lambda t: t.replace('    governs:\n      - territory: {epci: "241501139"}',
                                '    governs:\n      - territory: {epci: "241501193"}'),
            '{epci: "241501193"}',
            "epci code '241501193' is not in the territorial reference; closest: 241501139",
            id="unknown-epci-with-suggestion",
        ),
        pytest.param(
            lambda t: t.replace("themes: [parentalite]", "themes: [parentalité]"),
            "themes: [parentalité]",
            "unknown theme 'parentalité'; did you mean 'parentalite'?",
            id="unknown-theme",
        ),
        pytest.param(
            lambda t: t.replace("lead: cc-pays-de-salers", "lead: cc-pays-de-salerss"),
            "lead: cc-pays-de-salerss",
            "no partner has key 'cc-pays-de-salerss'; did you mean cc-pays-de-salers?",
            id="dangling-partner",
        ),
        pytest.param(
            lambda t: t.replace("    kind: cej", "    kind: cej-2016"),
            "kind: cej-2016",
            "unknown contract kind 'cej-2016'",
            id="unknown-contract-kind",
        ),
        pytest.param(
            lambda t: t.replace("    end: 2026-12-31", "    end: 2021-12-31"),
            "    end: 2021-12-31",
            "contracts[1].end: the end 2021-12-31 is before the start 2022-01-01; write an end "
            "on or after the start",
            id="end-before-start",
        ),
        pytest.param(
            lambda t: t.replace(
                "    reason: The article names the basin but not its communes; Salers is its "
                "main town.\n",
                "",
            ),
            "  - key: salers-bassin-est",
            "inferred fact needs a `reason`",
            id="inferred-without-reason",
        ),
        pytest.param(
            lambda t: t.replace("    duration_years: 5", "    duration_years: 3"),
            "duration_years: 3",
            "3 years does not fit 2022-01-01 to 2026-12-31: correct the dates or the duration",
            id="duration-mismatch",
        ),
        pytest.param(
            lambda t: t.replace("communes: [\"15219\"]", "communes: [\"15187\"]"),
            'communes: ["15187"]',
            "commune 15187 (Saint-Flour) is not a member of EPCI 241501139",
            id="sub-territory-commune-outside-its-epci",
        ),
        pytest.param(
            lambda t: t.replace("      - type: succeeds\n        target: cej-pays-de-salers-2016",
                                "      - type: replaces\n        target: cej-pays-de-salers-2016"),
            "type: replaces",
            "relations[0].type: Input should be 'succeeds', 'declines' or 'amends'",
            id="unknown-relation-type",
        ),
        pytest.param(
            lambda t: t.replace("    amount: 20000", "    amount: -5"),
            "amount: -5",
            "amount: Input should be greater than or equal to 0",
            id="negative-amount",
        ),
        pytest.param(
            lambda t: t.replace(
                "    signed_on: 2022-03-03\n    start", "    signed_on: 2022-02-30\n    start"
            ),
            "signed_on: 2022-02-30",
            "signed_on: '2022-02-30' is not a date of the calendar; write a year (2017), a "
            "month (2018-01) or a day (2018-01-19)",
            id="impossible-date",
        ),
        pytest.param(
            lambda t: t.replace(
                "  title: Délibération du conseil communautaire (fictive)",
                '  title: "Délibération\\0 du conseil"',
            ),
            "Délibération\\0",
            "title: contains the control character U+0000",
            id="control-character",
        ),
    ],
)  # fmt: skip
def test_a_broken_file_is_rejected_at_the_right_place(
    tmp_path: Path, edit: Callable[[str], str], needle: str, expected: str
) -> None:
    text = edit(EXAMPLE.read_text(encoding="utf-8"))
    assert text != EXAMPLE.read_text(encoding="utf-8"), "the edit must change the file"
    problems = problems_of(tmp_path, edit)
    line = line_of(text, needle)
    assert any(expected in p and f"dataset.yaml:{line}:" in p for p in problems), problems


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    problems = problems_of(
        tmp_path,
        lambda t: (
            t.replace("themes: [parentalite]", "themes: [parent]")
            .replace("lead: cc-pays-de-salers", "lead: nobody")
            .replace(
                "      - partner: caf-15\n      - person", "      - partner: caf-16\n      - person"
            )
        ),
    )
    assert len(problems) == 3


def test_a_key_defined_twice_across_files_names_both_places(tmp_path: Path) -> None:
    other = tmp_path / "other.yaml"
    other.write_text(
        "format: ctg-graph/dataset@1\n"
        "dataset: {key: autre, title: Autre}\n"
        "sources: [{key: autre-source, title: Autre}]\n"
        "default_source: autre-source\n"
        "partners:\n"
        "  - {key: caf-15, kind: caf, name: Caf du Cantal}\n",
        encoding="utf-8",
    )
    with pytest.raises(DatasetError) as caught:
        read_datasets([EXAMPLE, other], TERRITORIES)
    (problem,) = caught.value.problems
    assert str(problem).startswith(f"{other}:6: partners[0].key")
    assert f"already defined at {EXAMPLE}:" in str(problem)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("format: ctg-graph/dataset@1\ndataset: [unclosed\n", "not valid YAML"),
        ("- just\n- a list\n", "a YAML mapping"),
        ("format: ctg-graph/dataset@9\ndataset: {key: x, title: X}\n", "format: Input should be"),
        ("format: ctg-graph/dataset@1\n", "dataset: Field required"),
    ],
)
def test_files_that_are_not_datasets(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DatasetError, match=expected):
        read_datasets([path], TERRITORIES)


def test_an_empty_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(Exception, match=r"No dataset file \(\*\.yaml\)"):
        read_datasets([tmp_path], TERRITORIES)


def test_both_seed_datasets_are_valid() -> None:
    datasets = {d.key: d for d in read_datasets([DEFAULT_DATASETS], TERRITORIES)}
    assert set(datasets) == {"saint-flour-ctg-2017", "creusot-montceau-ctg-2021"}
    creusot = datasets["creusot-montceau-ctg-2021"].content
    assert sum(1 for c in creusot.contracts if c.kind == "cej") == 13
    assert {s.key for s in creusot.sub_territories} == {"cucm-bassin-nord", "cucm-bassin-sud"}


def test_an_impossible_date_written_as_a_key_is_located_not_a_crash(tmp_path: Path) -> None:
    # found by the fuzz test: `2022-13-45:` as a key used to raise from the YAML reader
    problems = problems_of(tmp_path, lambda text: text.replace("bodies:", "2022-13-45:"))
    assert len(problems) == 1
    assert ": 2022-13-45: unknown field" in problems[0]
