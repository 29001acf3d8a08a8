"""Curated facts written back in the dataset format: a curated contract with its
signatories, coverage, axis and fiche action becomes one entry that validates with the
file it refers to; a theme added to a file's fiche action is a commented addition."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml

from graph.curated_reads import CuratedRows
from loaders.curated_fragment import curated_fragment
from loaders.datasets import TerritoryIndex, read_datasets
from loaders.reference import read_reference
from tests.conftest import EXAMPLE_DATASET, REFERENCE_EXTRACT

STAMP = {"dataset": "curation", "curatedBy": "camille", "curatedAt": "2026-12-01T10:00:00"}
FACT = {"source": "exemple-article", "certainty": "stated", **STAMP}


def rel(
    rtype: str, start: tuple[str, str, str | None], end: tuple[str, str, str | None], **props: Any
) -> dict[str, Any]:
    """A curated relationship row, as graph.curated_reads returns it."""
    return {
        "type": rtype,
        "startLabel": start[0],
        "startKey": start[1],
        "startDataset": start[2],
        "endLabel": end[0],
        "endKey": end[1],
        "endDataset": end[2],
        "props": {**FACT, **props},
    }


CONTRACT = ("Contract", "ctg-saint-flour-curee", "curation")
AXIS = ("Axis", "ctg-saint-flour-curee-axe-1", "curation")
ACTION = ("Action", "ctg-saint-flour-curee-fa-1", "curation")
ROWS = CuratedRows(
    nodes=[
        {"label": "Contract", "key": CONTRACT[1], "props": {
            "kind": "ctg", "title": "CTG curée", "start": dt.date(2022, 1, 1),
            "end": dt.date(2026, 12, 31), "sources": ["exemple-article"], "certainty": "inferred",
            "reason": "Dates supposées.", "inferredFields": [], **STAMP}},
        {"label": "Axis", "key": AXIS[1], "props": {"number": 1, "title": "Enfance",
                                                    "sources": ["exemple-article"], **STAMP}},
        {"label": "Action", "key": ACTION[1], "props": {"number": 1, "title": "Crèche",
                                                        "sources": ["exemple-article"], **STAMP}},
    ],
    relationships=[
        rel("SIGNED", ("Partner", "caf-15", "exemple-ctg-pays-de-salers"), CONTRACT,
            role="signataire", signedOn=dt.date(2022, 2, 1)),
        rel("COVERS", CONTRACT, ("Commune", "15187", None)),
        rel("OF_KIND", CONTRACT, ("ContractKind", "ctg", None)),
        rel("SOURCED_FROM", CONTRACT, ("Source", "exemple-article", "exemple-ctg-pays-de-salers")),
        rel("HAS_AXIS", CONTRACT, AXIS),
        rel("HAS_ACTION", AXIS, ACTION),
        rel("HAS_ACTION", CONTRACT, ACTION),
        rel("ADDRESSES", ACTION, ("Theme", "petite-enfance", None)),
        rel("ADDRESSES", ("Action", "ctg-pays-de-salers-2022-fa-1", "exemple-ctg-pays-de-salers"),
            ("Theme", "jeunesse", None)),
    ],
)  # fmt: skip


def test_a_curated_contract_is_an_entry_that_validates_with_the_files_it_names(
    tmp_path: Path,
) -> None:
    fragment = curated_fragment(ROWS, dt.date(2026, 12, 1))
    # 3 nodes; 7 links (the source and kind links follow from the entry's fields)
    assert (fragment.count, fragment.additions) == (10, 1)
    document = yaml.safe_load(fragment.text)
    (contract,) = document["contracts"]
    assert contract["certainty"] == "inferred"
    assert contract["signatories"] == [
        {"partner": "caf-15", "role": "signataire", "signed_on": dt.date(2022, 2, 1),
         "source": "exemple-article"}
    ]  # fmt: skip
    assert contract["covers"] == [{"territory": {"commune": "15187"}, "source": "exemple-article"}]
    assert contract["axes"][0]["actions"][0]["themes"] == ["petite-enfance"]
    assert "actions" not in contract  # the fiche action is written under its axis only
    assert "# dataset exemple-ctg-pays-de-salers, actions: entry ctg-pays-de-salers-2022-fa-1" in (
        fragment.text
    )
    assert "#   - jeunesse" in fragment.text
    exported = tmp_path / "curated.yaml"
    exported.write_text(fragment.text, encoding="utf-8")
    territories = TerritoryIndex.from_reference(read_reference(REFERENCE_EXTRACT, ["15"]))
    datasets = read_datasets([EXAMPLE_DATASET, exported], territories)
    assert [d.key for d in datasets] == ["curated-facts", "exemple-ctg-pays-de-salers"]


def test_no_curated_fact_is_an_empty_valid_dataset(tmp_path: Path) -> None:
    fragment = curated_fragment(CuratedRows([], []))
    assert (fragment.count, fragment.additions) == (0, 0)
    exported = tmp_path / "curated.yaml"
    exported.write_text(fragment.text, encoding="utf-8")
    territories = TerritoryIndex.from_reference(read_reference(REFERENCE_EXTRACT, ["15"]))
    assert [d.key for d in read_datasets([exported], territories)] == ["curated-facts"]
