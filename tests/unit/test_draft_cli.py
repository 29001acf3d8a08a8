"""``ctg draft``: what a user sees and finds on disk — both files of each draft, a line per
article, a message per file refused, the exit code, and nothing written when nothing
could be drafted or a draft is already there.

The French model is loaded once per session (the ``draft_knowledge`` fixture, handed to
the command in place of ``Knowledge.load``). The extractors are replaced by one that
notes each « Caf du Cantal » and « Convention territoriale globale », and the dataset
writer by a stand-in, so that these tests check the command, not extraction (the
benchmark and the extractors' own tests do that).
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from cli import draft as draft_module
from cli.app import app
from domain.errors import InputError
from domain.vocabulary import PartnerKind
from loaders.drafts import dataset
from loaders.drafts import draft as drafting
from loaders.drafts.facts import ContractFact, Draft, PartnerFact
from loaders.drafts.knowledge import Knowledge
from loaders.drafts.reading import Reading
from tests.conftest import SEED_ARTICLES

runner = CliRunner(env={"COLUMNS": "200", "TERM": "dumb", "NO_COLOR": "1"})

NOTHING_KNOWN = (
    "Le marché de Noël ouvrira ses portes samedi sur la place du village, avec des "
    "chalets de producteurs locaux, une patinoire pour les plus jeunes et un concert de "
    "chorale le dimanche après-midi devant l'église."
)
ENGLISH = (
    "The market will open on Saturday in the village square, with stalls from local "
    "producers, an ice rink for the youngest and a choir concert on Sunday afternoon "
    "in front of the church."
)


def note_cafs_and_ctgs(reading: Reading) -> None:
    """A stand-in extractor: each « Caf du Cantal » a partner, each « Convention
    territoriale globale » a contract, and one gap."""
    for match in re.finditer(r"Caf du Cantal", reading.text):
        reading.add(
            PartnerFact(
                id=reading.new_id("partner"),
                evidence=reading.evidence(match.start(), match.end()),
                name="Caf du Cantal",
                kind=PartnerKind.CAF,
            )
        )
    for match in re.finditer(r"Convention territoriale globale", reading.text):
        reading.add(
            ContractFact(
                id=reading.new_id("contract"),
                evidence=reading.evidence(match.start(), match.end()),
                kind="ctg",
                name="CTG",
            )
        )
    reading.gaps.append("the contract's end date")


def stand_in_yaml(found: Draft, *, name: str) -> str:
    return f"dataset: {name}\nfacts: {len(found.facts)}\n"


@pytest.fixture(autouse=True)
def offline_drafting(monkeypatch: pytest.MonkeyPatch, draft_knowledge: Knowledge) -> None:
    monkeypatch.setattr(Knowledge, "load", classmethod(lambda cls, reference=None: draft_knowledge))
    monkeypatch.setattr(drafting, "EXTRACTORS", (note_cafs_and_ctgs,))
    monkeypatch.setattr(dataset, "to_yaml", stand_in_yaml)


def ctg_draft(*args: str | Path) -> Result:
    return runner.invoke(app, ["draft", *map(str, args)], prog_name="ctg")


@pytest.fixture
def saint_flour(tmp_path: Path) -> Path:
    """The Saint-Flour seed article, named as a user would name it."""
    articles = tmp_path / "articles"
    articles.mkdir()
    return Path(
        shutil.copy(SEED_ARTICLES["saint-flour-ctg-2017"], articles / "ctg-saint-flour.txt")
    )


def files_in(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []


def test_a_seed_article_gives_both_files_and_one_line(saint_flour: Path, tmp_path: Path) -> None:
    out = tmp_path / "drafts"
    result = ctg_draft(saint_flour, "--output", out)
    assert result.exit_code == 0, result.output
    assert files_in(out) == ["ctg-saint-flour.draft.json", "ctg-saint-flour.draft.yaml"]
    text = saint_flour.read_text(encoding="utf-8")
    opened = Draft.model_validate_json((out / "ctg-saint-flour.draft.json").read_text())
    assert opened.text == text
    assert opened.article.file == "ctg-saint-flour.txt"
    partners = text.count("Caf du Cantal")
    contracts = text.count("Convention territoriale globale")
    assert len(opened.of_type("partner")) == partners
    for fact in opened.facts:  # the review page highlights the evidence at its offsets
        assert text[fact.evidence.start : fact.evidence.end] == fact.evidence.quote
    assert (out / "ctg-saint-flour.draft.yaml").read_text() == (
        f"dataset: ctg-saint-flour\nfacts: {partners + contracts}\n"
    )
    assert "Loading the French model and the territories of France…" in result.stderr
    assert (
        f"{saint_flour}: {partners + contracts} facts ({partners} partners, {contracts} "
        f"contracts); 1 gap to fill → {out / 'ctg-saint-flour.draft.yaml'} and "
        f"{out / 'ctg-saint-flour.draft.json'}"
    ) in result.stderr
    assert (
        "Drafted 1 article. Review the draft, then check it with `ctg validate` before loading."
    ) in result.stderr


def test_the_drafts_go_to_the_current_folder_by_default(
    saint_flour: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    here = tmp_path / "ici"
    here.mkdir()
    monkeypatch.chdir(here)
    result = ctg_draft(saint_flour)
    assert result.exit_code == 0, result.output
    assert files_in(here) == ["ctg-saint-flour.draft.json", "ctg-saint-flour.draft.yaml"]


def test_an_existing_draft_is_kept_unless_forced(saint_flour: Path, tmp_path: Path) -> None:
    out = tmp_path / "drafts"
    out.mkdir()
    (out / "ctg-saint-flour.draft.yaml").write_text("mes corrections\n")
    kept = ctg_draft(saint_flour, "-o", out)
    assert kept.exit_code == 1
    assert (
        f"{saint_flour}: not drafted, {out / 'ctg-saint-flour.draft.yaml'} already exists; "
        "pass --force to overwrite, or --output another folder"
    ) in kept.stderr
    assert "No article could be drafted (1 file refused, said above); nothing was written." in (
        kept.stderr
    )
    assert files_in(out) == ["ctg-saint-flour.draft.yaml"]
    assert (out / "ctg-saint-flour.draft.yaml").read_text() == "mes corrections\n"

    forced = ctg_draft(saint_flour, "-o", out, "--force")
    assert forced.exit_code == 0, forced.output
    assert files_in(out) == ["ctg-saint-flour.draft.json", "ctg-saint-flour.draft.yaml"]
    assert (out / "ctg-saint-flour.draft.yaml").read_text().startswith("dataset: ctg-saint-flour")


def test_nothing_is_written_when_no_article_can_be_drafted(tmp_path: Path) -> None:
    (tmp_path / "vide.txt").write_text("")
    (tmp_path / "english.txt").write_text(ENGLISH)
    (tmp_path / "marche.txt").write_text(NOTHING_KNOWN)
    out = tmp_path / "drafts"
    result = ctg_draft(
        tmp_path / "vide.txt", tmp_path / "english.txt", tmp_path / "marche.txt", "-o", out
    )
    assert result.exit_code == 1
    err = result.stderr
    assert f"{tmp_path / 'vide.txt'}: the file is empty" in err
    assert f"{tmp_path / 'english.txt'}: the text does not read as French" in err
    assert (
        f"{tmp_path / 'marche.txt'}: nothing to draft: the article names no contract and no "
        "partner that ctg knows"
    ) in err
    assert "No article could be drafted (3 files refused, said above); nothing was written." in err
    assert not out.exists()
    assert "Loading the French model" in err  # marche.txt passed the reading


def test_the_model_is_not_loaded_when_no_file_can_be_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def never(cls: type[Knowledge], reference: object = None) -> Knowledge:
        raise AssertionError("the model was loaded")

    monkeypatch.setattr(Knowledge, "load", classmethod(never))
    (tmp_path / "vide.txt").write_text("")
    result = ctg_draft(tmp_path / "vide.txt", tmp_path / "absent.pdf", "-o", tmp_path / "d")
    assert result.exit_code == 1
    assert f"{tmp_path / 'absent.pdf'}: no such file or folder; check the path" in result.stderr
    assert "Loading" not in result.stderr


def test_when_some_articles_fail_the_others_are_written_and_the_exit_is_3(
    saint_flour: Path, tmp_path: Path
) -> None:
    (saint_flour.parent / "scan.docx").write_bytes(b"PK")
    (saint_flour.parent / "marche.txt").write_text(NOTHING_KNOWN)
    out = tmp_path / "drafts"
    result = ctg_draft(saint_flour.parent, "-o", out)
    assert result.exit_code == draft_module.SOME_DRAFTED == 3
    err = result.stderr
    assert f"{saint_flour.parent / 'scan.docx'}: skipped: not a .txt, .html, .htm, .pdf file" in err
    assert "Drafted 1 article, written above; 1 file could not be (said above)." in err
    assert files_in(out) == ["ctg-saint-flour.draft.json", "ctg-saint-flour.draft.yaml"]


def test_json_prints_what_became_of_every_file(saint_flour: Path, tmp_path: Path) -> None:
    (saint_flour.parent / "vide.txt").write_text("")
    out = tmp_path / ("un-dossier-au-nom-long-" * 8) / "drafts"  # paths longer than a line
    result = ctg_draft(saint_flour.parent, "-o", out, "--json")
    assert result.exit_code == 3
    summary: list[dict[str, Any]] = json.loads(result.stdout)
    assert [(item["file"], item["status"]) for item in summary] == [
        (str(saint_flour), "drafted"),
        (str(saint_flour.parent / "vide.txt"), "failed"),
    ]
    drafted, failed = summary
    assert drafted["written"] == [
        str(out / "ctg-saint-flour.draft.yaml"),
        str(out / "ctg-saint-flour.draft.json"),
    ]
    assert drafted["facts"]["partner"] >= 1
    assert drafted["gaps"] == 1
    assert "the file is empty" in failed["message"]


def test_two_articles_with_one_name_do_not_share_a_draft(saint_flour: Path, tmp_path: Path) -> None:
    other = tmp_path / "autre"
    other.mkdir()
    twin = Path(shutil.copy(saint_flour, other / "ctg-saint-flour.txt"))
    out = tmp_path / "drafts"
    result = ctg_draft(saint_flour, twin, "-o", out)
    assert result.exit_code == 3
    assert (
        f"{twin}: its draft would be {out / 'ctg-saint-flour.draft.yaml'}, like that of "
        f"{saint_flour}"
    ) in result.stderr


def test_an_output_that_is_a_file_is_refused_before_anything_is_read(
    saint_flour: Path, tmp_path: Path
) -> None:
    (tmp_path / "out").write_text("")
    result = ctg_draft(saint_flour, "-o", tmp_path / "out")
    assert isinstance(result.exception, InputError)
    assert str(result.exception).startswith(f"--output {tmp_path / 'out'}: not a folder")


def test_a_windows_1252_article_is_drafted_and_the_user_told(tmp_path: Path) -> None:
    article = tmp_path / "ancien.txt"
    article.write_bytes(
        SEED_ARTICLES["saint-flour-ctg-2017"].read_text().encode("cp1252", "replace")
    )
    result = ctg_draft(article, "-o", tmp_path / "drafts")
    assert result.exit_code == 0, result.output
    assert f"{article}: not UTF-8: read as Windows-1252" in result.stderr


def test_drafting_never_opens_a_neo4j_connection(
    saint_flour: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import neo4j

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("ctg draft opened a Neo4j driver")

    monkeypatch.setattr(neo4j.GraphDatabase, "driver", refuse)
    monkeypatch.setattr(neo4j.AsyncGraphDatabase, "driver", refuse)
    monkeypatch.setenv("NEO4J_URI", "bolt://127.0.0.1:1")
    result = ctg_draft(saint_flour, "-o", tmp_path / "drafts")
    assert result.exit_code == 0, result.output


def test_a_file_appearing_meanwhile_is_kept_and_no_half_draft_is_left(tmp_path: Path) -> None:
    first, second = tmp_path / "a.draft.yaml", tmp_path / "a.draft.json"
    second.write_text("written by someone else\n")
    with pytest.raises(InputError, match=r"a\.draft\.json appeared meanwhile; pass --force"):
        draft_module._write_both(((first, "yaml\n"), (second, "json\n")), force=False)
    assert files_in(tmp_path) == ["a.draft.json"]  # no temporary file, no lone YAML
    assert second.read_text() == "written by someone else\n"


def test_the_dataset_key_is_the_file_name_as_a_slug() -> None:
    assert draft_module.dataset_name(Path("CTG Pays de Salers – 2022.html")) == (
        "ctg-pays-de-salers-2022"
    )
    assert draft_module.dataset_name(Path("___.txt")) == "draft"


def test_the_counts_are_named_as_a_reader_says_them() -> None:
    assert draft_module._describe({"fiche": 1, "lineage": 2, "person": 3}) == (
        "6 facts (1 fiche action, 2 lineage links, 3 people)"
    )
