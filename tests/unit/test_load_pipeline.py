"""The read stage of the load pipeline: everything validated and put in write order
before a connection is opened (the writes are tested against Neo4j in
tests/integration)."""

from __future__ import annotations

from pathlib import Path

import pytest

from domain.errors import InputError
from loaders.datasets import DatasetError
from loaders.pipeline import read_partnerships
from loaders.reference import read_reference
from tests.conftest import AMENDMENT_DATASET, EXAMPLE_DATASET, REFERENCE_EXTRACT

REFERENCE = read_reference(REFERENCE_EXTRACT, ["15", "71"])


def test_a_dataset_is_written_after_the_one_it_links_to(tmp_path: Path) -> None:
    # "autre-jeu" sorts first but amends a contract of the worked example
    amendment = tmp_path / "amendment.yaml"
    amendment.write_text(AMENDMENT_DATASET, encoding="utf-8")
    partnerships = read_partnerships([amendment, EXAMPLE_DATASET], REFERENCE)
    assert [d.key for d in partnerships.datasets] == ["autre-jeu", "exemple-ctg-pays-de-salers"]
    assert [g.key for g in partnerships.graphs] == ["exemple-ctg-pays-de-salers", "autre-jeu"]


def test_an_invalid_dataset_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        EXAMPLE_DATASET.read_text(encoding="utf-8").replace("lead: cc-pays-de-salers", "lead: x"),
        encoding="utf-8",
    )
    with pytest.raises(DatasetError, match=r"broken\.yaml"):
        read_partnerships([broken], REFERENCE)


def test_no_dataset_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="No dataset file"):
        read_partnerships([tmp_path], REFERENCE)
