"""Property: any mutation of a valid dataset file is either still valid or rejected with
a DatasetError whose every problem is located in that file; nothing else escapes."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loaders.datasets import Dataset, DatasetError, TerritoryIndex, read_datasets
from loaders.reference import read_reference
from tests.conftest import REFERENCE_EXTRACT

EXAMPLE = Path(__file__).parents[2] / "docs" / "examples" / "dataset-example.yaml"
TEXT = EXAMPLE.read_text(encoding="utf-8")
TERRITORIES = TerritoryIndex.from_reference(read_reference(REFERENCE_EXTRACT, ["15"]))
NASTY = ["", ":", "- ", "  ", "\n", "'", '"', "[", "{", "}", "#", "&a", "*a", "!!binary",
         "2022-13-45", "-1", "null", "~", "é", "\t", "9999999999", "yes"]  # fmt: skip


@st.composite
def mutated(draw: st.DrawFn) -> str:
    text = TEXT
    for _ in range(draw(st.integers(1, 4))):
        start = draw(st.integers(0, len(text) - 1))
        length = draw(st.integers(0, 12))
        replacement = draw(st.sampled_from(NASTY) | st.text(max_size=6))
        text = text[:start] + replacement + text[start + length :]
    return text


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=mutated())
def test_a_mutated_file_is_loaded_or_rejected_with_located_problems(
    tmp_path: Path, text: str
) -> None:
    path = tmp_path / "mutated.yaml"
    path.write_text(text, encoding="utf-8")
    outcome: list[Dataset] | DatasetError
    try:
        outcome = read_datasets([path], TERRITORIES)
    except DatasetError as error:
        outcome = error
    if isinstance(outcome, DatasetError):
        assert outcome.problems
        for problem in outcome.problems:
            assert problem.file == path
            assert problem.message
            assert str(problem).startswith(str(path))
    else:
        assert len(outcome) == 1
        assert len(outcome[0].checksum) == 64
