"""Property: any mutation of a valid dataset file is either still valid or rejected with
a DatasetError whose every problem is located at a line of that file; nothing else
escapes. The examples are what the fuzzers (this one and
tests/reliability/test_dataset_fuzz_load.py) found."""

from __future__ import annotations

import doctest
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import loaders.yaml_lines
from loaders.datasets import Dataset, DatasetError, TerritoryIndex, read_datasets
from loaders.reference import read_reference
from tests.conftest import REFERENCE_EXTRACT

EXAMPLE = Path(__file__).parents[2] / "docs" / "examples" / "dataset-example.yaml"
TEXT = EXAMPLE.read_text(encoding="utf-8")
TERRITORIES = TerritoryIndex.from_reference(read_reference(REFERENCE_EXTRACT, ["15"]))
NASTY = ["", ":", "- ", "  ", "\n", "'", '"', "[", "{", "}", "#", "&a", "*a", "!!binary",
         "2022-13-45", "-1", "null", "~", "é", "\t", "9999999999", "yes", "\x00", "\x07",
         "\ufffe", ".inf", "1e400", "99999999999999999999999"]  # fmt: skip


@st.composite
def mutated(draw: st.DrawFn) -> str:
    text = TEXT
    for _ in range(draw(st.integers(1, 4))):
        start = draw(st.integers(0, len(text) - 1))
        length = draw(st.integers(0, 12))
        replacement = draw(st.sampled_from(NASTY) | st.text(max_size=6))
        text = text[:start] + replacement + text[start + length :]
    return text


def outcome(path: Path, text: str) -> list[Dataset] | DatasetError:
    path.write_text(text, encoding="utf-8")
    try:
        return read_datasets([path], TERRITORIES)
    except DatasetError as error:
        return error


def assert_located(error: DatasetError, path: Path, text: str) -> None:
    assert error.problems
    for problem in error.problems:
        assert problem.file == path
        assert problem.message
        assert problem.line is not None, problem
        assert 1 <= problem.line <= text.count("\n") + 1, problem
        assert str(problem).startswith(f"{path}:{problem.line}: ")


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=mutated())
# a control character: PyYAML's reader error has no mark (was: line None, and a message
# naming "<unicode string>")
@example(text=TEXT.replace("cc-pays-de-salers\n", "cc-pays\x00-de-salers\n", 1))
# a file cut in a flow list: libyaml's mark is one line past the end of the file
@example(text=TEXT[: TEXT.rindex("salers-2022]")])
def test_a_mutated_file_is_loaded_or_rejected_with_located_problems(
    tmp_path: Path, text: str
) -> None:
    path = tmp_path / "mutated.yaml"
    result = outcome(path, text)
    if isinstance(result, DatasetError):
        assert_located(result, path, text)
    else:
        assert len(result) == 1
        assert len(result[0].checksum) == 64


@pytest.mark.parametrize(
    ("old", "new", "where", "message"),
    [
        # two axes numbered 1 became one node in the graph, its actions merged
        ("      - number: 2\n        title: Jeunesse", "      - number: 1\n        title: Jeunesse",
         "contracts[1].axes[1].number", "axis number 1 is already used by the axis at line"),
        # 10**30 overflowed the Neo4j driver while writing (a traceback from `ctg load`);
        # 3 000 000 000 was stored, then broke GraphQL's 32-bit Int
        ("          - number: 3\n", "          - number: 1000000000000000000000000000000\n",
         "contracts[1].axes[1].actions[0].number", "too large for a number (at most 9999)"),
        ("          - number: 3\n", "          - number: 3000000000\n",
         "contracts[1].axes[1].actions[0].number", "too large for a number (at most 9999)"),
        # Infinity was stored, then failed every GraphQL read of the funding's amount
        ("amount: 20000", "amount: .inf", "fundings[0].amount", "finite number"),
        ("amount: 20000", "amount: 1e400", "fundings[0].amount", "finite number"),
    ],
)  # fmt: skip
def test_a_value_the_graph_or_the_api_cannot_hold_is_refused_where_it_is(
    tmp_path: Path, old: str, new: str, where: str, message: str
) -> None:
    assert old in TEXT
    text = TEXT.replace(old, new, 1)
    path = tmp_path / "edited.yaml"
    result = outcome(path, text)
    assert isinstance(result, DatasetError)
    assert_located(result, path, text)
    assert [(p.field, message in p.message) for p in result.problems] == [(where, True)]


def test_the_yaml_reader_examples_hold() -> None:
    assert doctest.testmod(loaders.yaml_lines).failed == 0
