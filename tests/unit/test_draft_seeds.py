"""``ctg draft`` on the two seed articles, with the real extractors and the real dataset
writer: the draft a researcher gets validates as written, and holds the facts the
hand-written seed datasets hold — each with a quote of the article at its offsets.

The benchmark (``bench/bench_draft.py``) scores every fact type on the whole annotated
set; this test pins what a researcher encoding these two CTGs would check first.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from cli.app import app
from loaders.drafts.knowledge import Knowledge
from tests.conftest import SEED_ARTICLES

runner = CliRunner(env={"COLUMNS": "200", "TERM": "dumb", "NO_COLOR": "1"})


@pytest.fixture(autouse=True)
def loaded_once(monkeypatch: pytest.MonkeyPatch, draft_knowledge: Knowledge) -> None:
    monkeypatch.setattr(Knowledge, "load", classmethod(lambda cls, reference=None: draft_knowledge))
    monkeypatch.setenv("NEO4J_URI", "bolt://127.0.0.1:1")  # drafting never connects


def draft_seed(name: str, tmp_path: Path) -> tuple[dict[str, Any], dict[str, Any], Path]:
    """Draft one seed into tmp_path; its dataset, its JSON draft and the YAML's path."""
    article = tmp_path / f"{name}.txt"
    article.write_bytes(SEED_ARTICLES[name].read_bytes())
    result = runner.invoke(app, ["draft", str(article), "--output", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    written = tmp_path / "out" / f"{name}.draft.yaml"
    dataset = yaml.safe_load(written.read_text(encoding="utf-8"))
    draft = json.loads((tmp_path / "out" / f"{name}.draft.json").read_text(encoding="utf-8"))
    return dataset, draft, written


def validate(path: Path) -> str:
    result = runner.invoke(app, ["validate", "--no-graph", str(path)])
    assert result.exit_code == 0, result.output
    return result.output


def every_evidence_quotes(draft: dict[str, Any]) -> None:
    text = draft["text"]
    for fact in draft["facts"]:
        for evidence in [fact["evidence"], *fact.get("also", [])]:
            assert text[evidence["start"] : evidence["end"]] == evidence["quote"], fact["id"]


def test_saint_flour_draft_validates_and_holds_the_ctg_its_people_and_fiches(
    tmp_path: Path,
) -> None:
    dataset, draft, written = draft_seed("saint-flour-ctg-2017", tmp_path)
    assert "valid" in validate(written)
    every_evidence_quotes(draft)

    partners = {p["key"]: p for p in dataset["partners"]}
    assert {"caf-15", "epci-200066660"} <= set(partners)
    ctg = next(c for c in dataset["contracts"] if c["kind"] == "ctg")
    assert str(ctg["signed_on"]) == "2018-01-19"
    # the article gives « ce vendredi 19 janvier »: the year is said to be inferred
    assert "year" in ctg["inferred_fields"]["signed_on"]
    assert {s["partner"] for s in ctg["signatories"]} >= {"caf-15", "epci-200066660"}
    fiches = [f for axis in ctg.get("axes", []) for f in axis.get("actions", [])]
    assert sorted(int(f["number"]) for f in fiches) == [2, 7, 9, 10, 15, 19, 20, 21, 22, 23]
    people = {p["name"] for p in dataset["people"]}
    assert {"Bernadette Ginez", "Pascal Pons", "Pierre Jarlier", "Gérard Delpy"} <= people
    for partner in dataset["partners"]:
        assert partner["certainty"] == "inferred"
        assert partner["reason"].startswith("extracted")
        assert partner["evidence"]["quote"]


def test_creusot_montceau_draft_validates_and_holds_the_13_cej_the_ctgs_succeed(
    tmp_path: Path,
) -> None:
    dataset, draft, written = draft_seed("creusot-montceau-ctg-2021", tmp_path)
    assert "valid" in validate(written)
    every_evidence_quotes(draft)

    kinds = [c["kind"] for c in dataset["contracts"]]
    assert kinds.count("cej") == 13
    assert kinds.count("ctg") == 2
    cej_communes = {
        coverage["territory"]["commune"]
        for contract in dataset["contracts"]
        if contract["kind"] == "cej"
        for coverage in contract.get("covers", [])
    }
    # Écuisses written « Ecuisses », Montceau for Montceau-les-Mines, in Saône-et-Loire
    assert {"71187", "71306", "71499", "71153"} <= cej_communes
    assert len(cej_communes) == 13
    succeeds = [
        relation
        for contract in dataset["contracts"]
        if contract["kind"] == "ctg"
        for relation in contract.get("relations", [])
        if relation["type"] == "succeeds"
    ]
    assert succeeds, "the CTGs succeed the CEJ (« les CEJ ne sont plus renouvelés »)"
