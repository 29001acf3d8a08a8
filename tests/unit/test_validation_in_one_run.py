"""Validation without waves: one ``ctg validate`` run lists every problem of every file,
a shape error never hiding the cross-checks of the rest of its file; problems come
sorted by file, line and field, vocabulary values get the closest code suggested, and a
code YAML read as a number is said to be quoted."""

from __future__ import annotations

import copy
import random
import re
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

import cli.load
from cli.app import main
from loaders.datasets import (
    DatasetError,
    Problem,
    TerritoryIndex,
    Vocabularies,
    check_fragment,
)
from loaders.datasets import read_datasets as read
from loaders.reference import read_reference
from tests.conftest import REFERENCE_EXTRACT

EXAMPLE = Path(__file__).parents[2] / "docs" / "examples" / "dataset-example.yaml"
TERRITORIES = TerritoryIndex.from_reference(read_reference(REFERENCE_EXTRACT, ["15", "71"]))

#: Eleven problems of seven kinds in one file, as a new user makes them: each edit of the
#: worked example, with what the problem says (before this, the first run listed the
#: five shape problems only, and the six others came on the second run).
EDITS: list[tuple[str, str]] = [
    ("  - key: caf-15\n    kind: caf", "  - key: caf-15\n    kind: CAF"),
    ('communes: ["15219"]', 'communes: ["15219", 01001]'),
    ("    title: Convention territoriale globale du Pays de Salers 2022-2026\n", ""),
    ("    kind: ctg\n", "    kind: CTG\n"),
    ("    signed_on: 2022-03-03\n    start: 2022", "    signed_on: 2022-02-30\n    start: 2022"),
    (
        "      - partner: caf-15\n        role: signataire",
        "      - partner: caf-51\n        role: x",
    ),
    (
        '      - territory: {epci: "241501139"}\n      - territory: {sub_territory',
        '      - territory: {commune: 15014}\n      - territory: {epci: "241501193"}\n'
        "      - territory: {sub_territory",
    ),
    ("themes: [parentalite]", "themes: [Parentalite, petite-enfence]"),
]
EXPECTED = [
    (
        "partners[0].kind",
        "CAF",
        "Input should be 'caf', 'cnaf', 'epci',",
        "; did you mean 'caf'?",
    ),
    (
        "sub_territories[0].communes[1]",
        "01001",
        'write it in quotes: "01001"; unquoted, YAML reads 01001 as the octal number 513, '
        "losing the leading 0",
        "",
    ),
    (
        "sub_territories[0].communes[1]",
        "01001",
        "commune code '01001' is not in the territorial reference",
        "",
    ),
    ("contracts[1].title", "key: ctg-pays-de-salers-2022", "Field required", ""),
    (
        "contracts[1].kind",
        "kind: CTG",
        "unknown contract kind 'CTG'; did you mean 'ctg'? (data/vocabularies/contract-kinds.yaml)",
        "",
    ),
    ("contracts[1].signed_on", "2022-02-30", "'2022-02-30' is not a date of the calendar", ""),
    (
        "contracts[1].signatories[0].partner",
        "caf-51",
        "no partner has key 'caf-51'; did you mean caf-15?",
        "",
    ),
    (
        "contracts[1].covers[0].territory.commune",
        "15014",
        'write it in quotes: commune: "15014"; unquoted, YAML reads 15014 as a number, not text',
        "",
    ),
    (
        "contracts[1].covers[1].territory.epci",
        "241501193",
        "epci code '241501193' is not in the territorial reference; closest: 241501139",
        "",
    ),
    (
        "contracts[1].axes[0].actions[1].themes[0]",
        "Parentalite",
        "unknown theme 'Parentalite'; did you mean 'parentalite'? (data/vocabularies/themes.yaml)",
        "",
    ),
    (
        "contracts[1].axes[0].actions[1].themes[1]",
        "Parentalite",
        "unknown theme 'petite-enfence'; did you mean 'petite-enfance'?",
        "",
    ),
]


def broken_text() -> str:
    text = EXAMPLE.read_text(encoding="utf-8")
    for old, new in EDITS:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def problems_of(*files: Path) -> DatasetError:
    with pytest.raises(DatasetError) as caught:
        read(list(files), TERRITORIES)
    return caught.value


def test_every_problem_of_a_file_comes_in_one_run_sorted_by_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(text := broken_text(), encoding="utf-8")
    error = problems_of(path)
    assert len(error.problems) == len(EXPECTED), "\n".join(map(str, error.problems))
    for problem, (field, needle, message, end) in zip(error.problems, EXPECTED, strict=True):
        assert problem.file == path
        assert problem.field == field
        assert problem.line == line_of(text, needle), problem
        assert message in problem.message, problem
        assert problem.message.endswith(end), problem
    lines = [p.line or 0 for p in error.problems]
    assert lines == sorted(lines)
    assert str(error).startswith("11 problem(s) in 1 file(s); nothing was written.")


def test_problems_are_sorted_by_file_then_line_then_field(tmp_path: Path) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    second = tmp_path / "b.yaml"
    second.write_text(text.replace("themes: [jeunesse, animation-vie-sociale]", "themes: [x, y]"))
    first = tmp_path / "a.yaml"
    first.write_text(
        "format: ctg-graph/dataset@1\ndataset: {key: autre, title: Autre}\n"
        "sources: [{key: page, title: Page}]\ndefault_source: page\n"
        "partners: [{key: caf-71, kind: Caf, name: Caf de Saône-et-Loire}]\n"
    )
    error = problems_of(second, first)
    assert [(p.file.name, p.field) for p in error.problems] == [
        ("a.yaml", "partners[0].kind"),
        ("b.yaml", "contracts[1].axes[1].actions[0].themes[0]"),
        ("b.yaml", "contracts[1].axes[1].actions[0].themes[1]"),
    ]
    assert str(error).startswith("3 problem(s) in 2 file(s);")
    listed = str(error).splitlines()[1:]
    assert [line.strip() for line in listed] == [str(p) for p in error.problems]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        # refused by the model's own validator: the partner is left out of the list
        (
            "  - key: caf-15\n    kind: caf\n",
            "  - key: caf-15\n    kind: caf\n    certainty: inferred\n",
        ),
        # not even a mapping: taken as the key it most likely is
        (
            "  - key: caf-15\n    kind: caf\n    name: Caf du Cantal\n",
            "  - caf-15\n  - key: x\n    kind: caf\n    name: X\n",
        ),
        # a required field missing: the partner is kept with a placeholder
        ("    name: Caf du Cantal\n", ""),
    ],
    ids=["left-out", "not-a-mapping", "placeholder"],
)
def test_an_entry_with_a_shape_error_still_defines_its_key(
    tmp_path: Path, old: str, new: str
) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path = tmp_path / "d.yaml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    (problem,) = problems_of(path).problems  # no "no partner has key 'caf-15'" anywhere
    assert problem.field == "partners[0]" or problem.field.startswith("partners[0].")
    assert problem.line == line_of(text, "  - key: caf-15")


def test_a_problem_after_a_left_out_entry_keeps_its_own_index(tmp_path: Path) -> None:
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        "      - number: 2\n        title: Jeunesse", "      - title: Jeunesse"
    )
    text = text.replace("themes: [jeunesse, animation-vie-sociale]", "themes: [jeunesses]")
    text = text.replace(
        "          - number: 1\n", "          - number: 1\n            certainty: inferred\n"
    )
    path = tmp_path / "d.yaml"
    path.write_text(text, encoding="utf-8")
    assert [(p.field, p.line) for p in problems_of(path).problems] == [
        ("contracts[1].axes[0].actions[0]", line_of(text, "          - number: 1")),
        ("contracts[1].axes[1].number", line_of(text, "      - title: Jeunesse")),
        ("contracts[1].axes[1].actions[0].themes[0]", line_of(text, "themes: [jeunesses]")),
    ]


def test_a_wrong_source_is_reported_once(tmp_path: Path) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    path = tmp_path / "d.yaml"
    path.write_text(text.replace("default_source: exemple-article", "default_source: Article"))
    (problem,) = problems_of(path).problems  # no "no source" for every fact
    assert problem.field == "default_source"
    assert "should match pattern" in problem.message


@pytest.mark.parametrize(
    ("old", "new", "field", "message"),
    [
        ("status: signed", "status: Signée", "contracts[1].status", "did you mean 'signed'?"),
        (
            "themes: [parentalite]",
            "themes: parentalite",
            "contracts[1].axes[0].actions[1].themes",
            "Input should be a valid list; write a list, even of one: themes: [parentalite]",
        ),
        (
            "role: president",
            "role: Président",
            "people[0].posts[0].role",
            "did you mean 'president'?",
        ),
        (
            "kind: comite-de-pilotage",
            "kind: comite de pilotage",
            "bodies[0].kind",
            "did you mean 'comite-de-pilotage'?",
        ),
        (
            "type: succeeds",
            "type: Succeeds",
            "contracts[1].relations[0].type",
            "did you mean 'succeeds'?",
        ),
        (
            "amount_qualifier: at-most",
            "amount_qualifier: at most",
            "fundings[0].amount_qualifier",
            "did you mean 'at-most'?",
        ),
        (
            "    title: Créer un relais",
            "    titel: Créer un relais",
            "contracts[1].axes[0].actions[0].titel",
            "unknown field; did you mean 'title'?",
        ),
        (
            "    role: signataire",
            "    role: yes",
            "contracts[1].signatories[0].role",
            'write it in quotes: role: "yes"; unquoted, YAML reads yes as the boolean true',
        ),
        (
            'siren: "241501139"',
            "siren: 241501139",
            "partners[1].siren",
            'write it in quotes: siren: "241501139"',
        ),
    ],
    ids=[
        "status",
        "one-theme",
        "post-role",
        "body-kind",
        "relation-type",
        "qualifier",
        "field-name",
        "boolean",
        "siren",
    ],
)
def test_a_value_out_of_a_vocabulary_gets_the_closest_one(
    tmp_path: Path, old: str, new: str, field: str, message: str
) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    path = tmp_path / "d.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    problems = problems_of(path).problems
    problem = next(p for p in problems if p.field == field)
    others = [p for p in problems if p is not problem]
    assert problem.field == field
    assert message in problem.message
    assert problem.line == line_of(text, old)
    # a misspelt field also leaves its right spelling missing, and nothing else is wrong
    assert [p.message for p in others] == (["Field required"] if field.endswith("titel") else [])


def test_a_code_written_as_text_or_with_letters_needs_no_quotes(tmp_path: Path) -> None:
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        '      - territory: {epci: "241501139"}\n      - territory: {sub',
        "      - territory: {commune: 2A004}\n      - territory: {sub",
    )
    path = tmp_path / "d.yaml"
    path.write_text(text, encoding="utf-8")
    (problem,) = problems_of(path).problems
    assert problem.message.startswith("commune code '2A004' is not in the territorial reference")


def test_a_curation_fragment_gets_every_problem_too() -> None:
    fragment: dict[str, Any] = {
        "format": "ctg-graph/dataset@1",
        "dataset": {"key": "curation", "title": "Curation"},
        "default_source": "article",
        "contracts": [
            {
                "key": "ctg-x",
                "kind": "CTG",
                "signed_on": "2022-02-30",
                "covers": [{"territory": {"commune": 15014}}],
                "actions": [{"title": "Relais", "themes": ["petite enfance"]}],
                "signatories": [{"partner": "caf-16"}],
            }
        ],
    }
    existing = {"source": {"article"}, "partner": {"caf-15"}}
    model, problems = check_fragment(fragment, TERRITORIES, Vocabularies.load(), existing)
    assert model is None
    assert [(p.field, p.message) for p in problems] == [
        (
            "contracts[0].actions[0].themes[0]",
            "unknown theme 'petite enfance'; did you mean "
            "'petite-enfance'? (data/vocabularies/themes.yaml)",
        ),
        # no YAML, no text as written: a JSON number is no string
        ("contracts[0].covers[0].territory.commune", "Input should be a valid string"),
        (
            "contracts[0].kind",
            "unknown contract kind 'CTG'; did you mean 'ctg'? "
            "(data/vocabularies/contract-kinds.yaml)",
        ),
        (
            "contracts[0].signatories[0].partner",
            "no partner has key 'caf-16'; did you mean caf-15 (the graph)?",
        ),
        (
            "contracts[0].signed_on",
            "'2022-02-30' is not a date of the calendar; write a year "
            "(2017), a month (2018-01) or a day (2018-01-19)",
        ),
        ("contracts[0].title", "Field required"),
    ]


def test_ctg_validate_prints_every_problem_sorted_with_a_summary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # validate reads the reference files, never the graph: the extract stands for them
    monkeypatch.setattr(cli.load, "DEFAULT_DATA_DIR", REFERENCE_EXTRACT)
    monkeypatch.delenv("NEO4J_URI", raising=False)
    path = tmp_path / "broken.yaml"
    path.write_text(broken_text(), encoding="utf-8")
    # --no-graph: the keys resolve against the file only (no line about an unread graph)
    monkeypatch.setattr(sys, "argv", ["ctg", "validate", "--no-graph", str(path)])
    with pytest.raises(SystemExit) as exited:
        main()
    assert exited.value.code == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    output = " ".join(captured.err.split())
    glued = "".join(captured.err.split())  # Rich folds long field paths across lines
    assert output.startswith(
        "Error: 11 problem(s) in 1 file(s); nothing was written. Fix them all and run "
        "`ctg validate` again"
    )
    listed = re.findall(re.escape(str(path)) + r":(\d+):([^:]+):", glued)
    assert [field for _, field in listed] == [field for field, *_ in EXPECTED]
    assert [int(line) for line, _ in listed] == sorted(int(line) for line, _ in listed)
    assert "did you mean 'ctg'?" in output
    assert 'write it in quotes: "01001"' in output


#: What a hurried author puts where a value was expected.
JUNK: list[Any] = [0, 15014, 3.5, True, None, "", "X Y", "CTG", [], {}, [1, 2], {"a": 1}]


def _edited(document: Any, rng: random.Random) -> Any:
    """``document`` with one to six values replaced by junk, deleted, doubled or joined
    by an unknown field."""
    for _ in range(rng.randint(1, 6)):
        places: list[tuple[Any, Any]] = []
        stack: list[Any] = [document]
        while stack:
            node = stack.pop()
            keys = node.keys() if isinstance(node, dict) else range(len(node))
            for key in keys:
                if node is not document or key != "format":
                    places.append((node, key))
                if isinstance(node[key], dict | list):
                    stack.append(node[key])
        parent, key = rng.choice(places)
        roll = rng.random()
        if roll < 0.5:
            parent[key] = copy.deepcopy(rng.choice(JUNK))
        elif roll < 0.75 and isinstance(parent, dict):
            del parent[key]
        elif isinstance(parent, dict):
            parent[f"zz-{key}"] = 1
        else:
            parent.append(copy.deepcopy(parent[key]))
    return document


def test_randomly_edited_files_get_located_problems_that_never_name_a_placeholder(
    tmp_path: Path,
) -> None:
    original = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    rng = random.Random(13)
    path = tmp_path / "edited.yaml"
    refused, vocabularies = 0, Vocabularies.load()
    for _ in range(30):
        document = _edited(copy.deepcopy(original), rng)
        path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
        problems = _problems_or_none(path, vocabularies)
        if problems is None:
            continue
        refused += 1
        for problem in problems:
            assert problem.line is not None, problem
            assert "unreadable" not in problem.message, problem
        assert problems == sorted(problems, key=lambda p: p.sort_key())
    assert refused > 20


def _problems_or_none(path: Path, vocabularies: Vocabularies) -> list[Problem] | None:
    """The problems of the file at ``path``, None when it is valid."""
    try:
        read([path], TERRITORIES, vocabularies)
    except DatasetError as error:
        return error.problems
    return None
