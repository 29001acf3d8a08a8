"""A draft written as a dataset (loaders/drafts/dataset.py): the project's own validator
accepts it, or refuses it only where its header lists a gap; every fact is inferred,
extracted, with the article's words and their offsets.

The drafts are built by hand on a short text, so these tests do not depend on the
extractors."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from domain.vocabulary import ContractRelation, ContractStatus, PartnerKind, Qualifier
from loaders.dataset_graph import dataset_graph
from loaders.datasets import DatasetError, TerritoryIndex, Vocabularies, read_datasets
from loaders.drafts.dataset import (
    EXTRACTED,
    MISSING_KEY,
    UNCHOSEN_CODE,
    dataset_gaps,
    to_dataset,
    to_yaml,
    with_gaps,
)
from loaders.drafts.facts import (
    AmountFact,
    ArticleInfo,
    AxisFact,
    Candidate,
    ContractFact,
    DateFact,
    Draft,
    Evidence,
    FicheFact,
    LineageFact,
    PartnerFact,
    PersonFact,
    SignatoryFact,
    TerritoryFact,
    ThemeFact,
)
from loaders.reference import read_reference
from tests.conftest import REFERENCE_EXTRACT

EXAMPLE = Path(__file__).parents[2] / "docs" / "examples" / "dataset-example.yaml"
TERRITORIES = TerritoryIndex.from_reference(read_reference(REFERENCE_EXTRACT, ["15", "71"]))

TEXT = (
    "Ce vendredi 19 janvier, la Caf du Cantal a signé avec Saint-Flour Communauté sa "
    "première Convention territoriale globale (CTG), pour 4 ans (2017-2020). "
    "Bernadette GINEZ, Présidente de la Caf du Cantal, et Pierre JARLIER, Président de "
    "Saint-Flour Communauté, l'ont signée avec la communauté de communes et ses 25 communes. "
    "La CTG prend le relais du Contrat enfance jeunesse (CEJ). "
    "Axe 1 : Réduire les précarités et les isolements. "
    "Fiche action 2 : Aider à la mobilité. "
    "Elle s'adresse aussi à la petite enfance. "
    "En 2016, la Caf du Cantal a versé plus de 626 000 € de prestations sur le territoire. "
    "Une réunion s'est tenue à Saint-Georges."
)


def ev(phrase: str, nth: int = 0) -> Evidence:
    """The evidence of the ``nth`` occurrence of ``phrase`` in TEXT."""
    start = -1
    for _ in range(nth + 1):
        start = TEXT.index(phrase, start + 1)
    return Evidence.of(TEXT, start, start + len(phrase))


def saint_flour_draft(*, ambiguous: bool = False, published: bool = True) -> Draft:
    """Every type of fact, as the extractors would find them in TEXT."""
    saint_georges = TerritoryFact(
        id="territory-4",
        evidence=ev("Saint-Georges"),
        name="Saint-Georges",
        **(
            {
                "candidates": (
                    Candidate(kind="commune", code="15188", name="Saint-Georges", score=95),
                    Candidate(kind="commune", code="71423", name="Saint-Germain", score=70),
                )
            }
            if ambiguous
            else {"kind": "commune", "code": "15188"}
        ),
    )
    facts: list[Any] = [
        TerritoryFact(
            id="territory-1", evidence=ev("Cantal"), name="Cantal", kind="departement", code="15"
        ),
        TerritoryFact(
            id="territory-2",
            evidence=ev("Saint-Flour Communauté"),
            name="Saint-Flour Communauté",
            kind="epci",
            code="200066660",
        ),
        saint_georges,
        PartnerFact(
            id="partner-1",
            evidence=ev("Caf du Cantal"),
            also=(ev("Caf du Cantal", 1),),
            name="Caf du Cantal",
            kind=PartnerKind.CAF,
            territory="territory-1",
        ),
        PartnerFact(
            id="partner-2",
            evidence=ev("Saint-Flour Communauté"),
            name="Saint-Flour Communauté",
            kind=PartnerKind.EPCI,
            territory="territory-2",
        ),
        PartnerFact(
            id="partner-3",
            evidence=ev("Saint-Georges"),
            name="Saint-Georges",
            kind=PartnerKind.COMMUNE,
            territory="territory-4",
        ),
        ContractFact(
            id="contract-1",
            evidence=ev("première Convention territoriale globale (CTG)"),
            kind="ctg",
            name="CTG Saint-Flour Communauté",
            status=ContractStatus.SIGNED,
            territories=("territory-2",),
            lead="partner-2",
            duration_years=4,
        ),
        ContractFact(
            id="contract-2",
            evidence=ev("Contrat enfance jeunesse (CEJ)"),
            kind="cej",
            name="CEJ Saint-Flour Communauté",
        ),
        DateFact(
            id="date-1",
            evidence=ev("vendredi 19 janvier"),
            contract="contract-1",
            role="signed",
            value="2018-01-19",
            inferred="year inferred from the publication date and the weekday",
        ),
        DateFact(
            id="date-2", evidence=ev("2017"), contract="contract-1", role="start", value="2017"
        ),
        DateFact(id="date-3", evidence=ev("2020"), contract="contract-1", role="end", value="2020"),
        LineageFact(
            id="lineage-1",
            evidence=ev("La CTG prend le relais du Contrat enfance jeunesse (CEJ)"),
            relation=ContractRelation.SUCCEEDS,
            contract="contract-1",
            other="contract-2",
        ),
        PersonFact(
            id="person-1",
            evidence=ev("Bernadette GINEZ, Présidente de la Caf du Cantal"),
            name="Bernadette Ginez",
            post="Présidente de la Caf du Cantal",
            organisation="partner-1",
        ),
        PersonFact(
            id="person-2",
            evidence=ev("Pierre JARLIER, Président de Saint-Flour Communauté"),
            name="Pierre Jarlier",
            post="Président de Saint-Flour Communauté",
            organisation="partner-2",
        ),
        SignatoryFact(
            id="signatory-1",
            evidence=ev("Bernadette GINEZ, Présidente de la Caf du Cantal"),
            contract="contract-1",
            partner="partner-1",
            person="person-1",
        ),
        SignatoryFact(
            id="signatory-2",
            evidence=ev("avec la communauté de communes et ses 25 communes"),
            contract="contract-1",
            partner="partner-2",
            person="person-2",
        ),
        AxisFact(
            id="axis-1",
            evidence=ev("Axe 1 : Réduire les précarités et les isolements"),
            contract="contract-1",
            number=1,
            title="Réduire les précarités et les isolements",
        ),
        FicheFact(
            id="fiche-1",
            evidence=ev("Fiche action 2 : Aider à la mobilité"),
            contract="contract-1",
            axis="axis-1",
            number=2,
            title="Aider à la mobilité",
            themes=("mobilite",),
        ),
        ThemeFact(
            id="theme-1",
            evidence=ev("petite enfance"),
            contract="contract-1",
            theme="petite-enfance",
        ),
        AmountFact(
            id="amount-1",
            evidence=ev("plus de 626 000 €"),
            value=626000,
            qualifier=Qualifier.MORE_THAN,
            year=2016,
            purpose="prestations sur le territoire",
            payer="partner-1",
            contract="contract-1",
        ),
    ]
    article = ArticleInfo(
        file="article.txt",
        title="La Caf du Cantal signe avec Saint-Flour Communauté sa première CTG",
        published=dt.date(2018, 1, 22) if published else None,
        publisher="Caf du Cantal",
        url="https://example.org/ctg-saint-flour",
    )
    return Draft(article=article, text=TEXT, facts=facts)


def written(tmp_path: Path, draft: Draft, name: str = "brouillon-saint-flour") -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(to_yaml(draft, name=name), encoding="utf-8")
    return path


def facts_of(data: Any) -> list[dict[str, Any]]:
    """Every mapping of the dataset that is a fact (it has a certainty)."""
    if isinstance(data, dict):
        here = [data] if "certainty" in data else []
        return here + [f for value in data.values() for f in facts_of(value)]
    if isinstance(data, list):
        return [f for value in data for f in facts_of(value)]
    return []


def test_a_complete_draft_validates_with_every_fact_type(tmp_path: Path) -> None:
    path = written(tmp_path, saint_flour_draft())
    (dataset,) = read_datasets([path], TERRITORIES)
    content = dataset.content
    assert dataset.key == "brouillon-saint-flour"
    assert [s.url for s in content.sources] == ["https://example.org/ctg-saint-flour"]
    assert content.sources[0].date == dt.date(2018, 1, 22)
    partners = {p.key: p for p in content.partners}
    assert set(partners) == {"caf-15", "epci-200066660", "commune-15188"}
    assert partners["commune-15188"].governs[0].territory.commune == "15188"
    assert partners["caf-15"].serves[0].territory.departement == "15"
    assert partners["epci-200066660"].governs[0].territory.epci == "200066660"
    assert partners["epci-200066660"].siren == "200066660"
    people = {p.key: p for p in content.people}
    assert people["bernadette-ginez"].posts[0].role == "president"
    assert people["bernadette-ginez"].posts[0].organisation == "caf-15"
    ctg = next(c for c in content.contracts if c.kind == "ctg")
    assert ctg.key == "ctg-saint-flour-communaute"
    assert (str(ctg.signed_on), str(ctg.start), str(ctg.end)) == ("2018-01-19", "2017", "2020")
    assert "year inferred from the publication date" in ctg.inferred_fields["signed_on"]
    assert ctg.duration is not None
    assert ctg.duration.min_years == 4
    assert ctg.leads == ["epci-200066660"]
    assert [s.partner for s in ctg.signatories[:2]] == ["caf-15", "epci-200066660"]
    assert ctg.signatories[0].people == ["bernadette-ginez"]
    # « la communauté de communes et ses 25 communes »: the reference names the communes,
    # which the shorthand expands into inferred signatures (53 in the 2026 reference)
    assert [s.communes_of.code for s in ctg.signatories_from if s.communes_of] == ["200066660"]
    communes = ctg.signatories[2:]
    assert len(communes) == 53
    assert all(s.reason and "référentiel" in s.reason for s in communes)
    # Saint-Georges is one of them: its partner of the draft is the one meant
    assert "commune-15188" in {s.partner for s in communes}
    assert [(r.type, r.target) for r in ctg.relations] == [
        (ContractRelation.SUCCEEDS, "cej-saint-flour-communaute")
    ]
    assert [(a.number, a.title) for a in ctg.axes] == [
        (1, "Réduire les précarités et les isolements")
    ]
    assert [(f.number, f.themes) for f in ctg.axes[0].actions] == [(2, ["mobilite"])]
    assert [t.theme for t in ctg.themes] == ["petite-enfance"]
    assert [c.territory.epci for c in ctg.covers] == ["200066660"]
    (funding,) = content.fundings
    assert (funding.amount, funding.amount_qualifier, funding.year, funding.payer) == (
        626000,
        Qualifier.MORE_THAN,
        2016,
        "caf-15",
    )
    # the other 52 communes are generated from the reference
    assert len(dataset.generated) == 52


def test_every_fact_is_inferred_extracted_and_quotes_the_article_at_its_offsets() -> None:
    data = yaml.safe_load(to_yaml(saint_flour_draft(), name="brouillon-saint-flour"))
    facts = facts_of(data)
    assert len(facts) >= 20
    for fact in facts:
        assert fact["certainty"] == "inferred"
        assert fact["reason"].startswith(EXTRACTED)
        evidence = fact["evidence"]
        assert TEXT[evidence["start"] : evidence["end"]] == evidence["quote"]
    ctg = data["contracts"][0]
    assert ctg["reason"].startswith(f"{EXTRACTED}; status_as_of is the article's publication")
    assert ctg["inferred_fields"]["start"].startswith(EXTRACTED)


def test_the_yaml_is_readable_codes_quoted_and_french_kept() -> None:
    text = to_yaml(saint_flour_draft(), name="Brouillon Saint-Flour")
    assert text.startswith("# Draft dataset written by `ctg draft`")
    assert "  key: brouillon-saint-flour\n" in text
    assert 'epci: "200066660"' in text
    assert "Réduire les précarités" in text
    assert "{" not in text  # block style throughout


def test_an_ambiguous_territory_is_a_listed_gap_and_the_only_failure(tmp_path: Path) -> None:
    draft = saint_flour_draft(ambiguous=True)
    path = written(tmp_path, draft)
    text = path.read_text(encoding="utf-8")
    gaps = dataset_gaps(draft, name="brouillon-saint-flour")
    (gap,) = [g for g in gaps if "Saint-Georges" in g]
    assert "commune 15188 (Saint-Georges)" in gap
    assert f"À compléter:\n#   - {gap}" in text
    # the candidates are beside the placeholder, on the comment line under it
    lines = text.splitlines()
    (line,) = [line for line in lines if UNCHOSEN_CODE in line and not line.startswith("#")]
    beside = lines[lines.index(line) + 1].strip()
    assert beside.startswith("# « Saint-Georges »: choose one of commune 15188 (Saint-Georges), ")
    assert "commune 71423 (Saint-Germain)" in beside
    with pytest.raises(DatasetError) as refused:
        read_datasets([path], TERRITORIES)
    placeholder_line = text.splitlines().index(line) + 1
    assert [p.line for p in refused.value.problems] == [placeholder_line]
    # choosing the candidate is all it takes
    path.write_text(text.replace(UNCHOSEN_CODE, "15188"), encoding="utf-8")
    read_datasets([path], TERRITORIES)


def test_what_the_article_does_not_say_is_left_out_and_listed(tmp_path: Path) -> None:
    draft = saint_flour_draft(published=False)
    path = written(tmp_path, draft)
    (dataset,) = read_datasets([path], TERRITORIES)
    cej = next(c for c in dataset.content.contracts if c.kind == "cej")
    assert (cej.signed_on, cej.start, cej.end, cej.status) == (None, None, None, None)
    post = dataset.content.people[0].posts[0]
    assert post.as_of is None  # no publication date: no date invented for the post
    gaps = dataset_gaps(draft, name="x")
    assert any(g.startswith("cej-saint-flour-communaute: the article gives no date") for g in gaps)
    assert draft.gaps == gaps  # written, the draft lists them
    fresh = saint_flour_draft(published=False)
    assert with_gaps(fresh).gaps == dataset_gaps(fresh, name="x") == gaps
    assert fresh.gaps == []  # those two leave the draft as it is
    assert "the article gives no date" in path.read_text(encoding="utf-8")


def test_an_unknown_organisation_is_a_placeholder_that_fails_only_there(tmp_path: Path) -> None:
    text = "Marie Durand, directrice, a présenté la démarche."
    person = PersonFact(
        id="person-1",
        evidence=Evidence.of(text, 0, 24),
        name="Marie Durand",
        post="directrice",
    )
    draft = Draft(article=ArticleInfo(), text=text, facts=[person], gaps=["no contract found"])
    path = written(tmp_path, draft, name="durand")
    content = path.read_text(encoding="utf-8")
    assert "#   - no contract found\n" in content
    assert "the organisation of Marie Durand's post « directrice »" in content
    with pytest.raises(DatasetError) as refused:
        read_datasets([path], TERRITORIES)
    (problem,) = refused.value.problems
    assert "a-completer" in str(problem)


def test_a_draft_round_trips_through_json_to_the_same_yaml() -> None:
    draft = saint_flour_draft(ambiguous=True)
    first = to_yaml(draft, name="brouillon")
    # the draft's JSON (written after its YAML, as ctg draft does) holds its gaps
    again = Draft.model_validate_json(draft.model_dump_json())
    assert again.gaps == draft.gaps != []
    assert to_yaml(again, name="brouillon") == first
    assert to_dataset(again, name="brouillon") == to_dataset(draft, name="brouillon")


def test_the_graph_rows_keep_the_evidence_and_older_datasets_their_checksum(
    tmp_path: Path,
) -> None:
    path = written(tmp_path, saint_flour_draft())
    (dataset,) = read_datasets([path], TERRITORIES)
    rows = dataset_graph(dataset, Vocabularies.load())
    caf = next(n for n in rows.nodes if (n.label, n.key) == ("Partner", "caf-15"))
    assert (caf.props["evidenceQuote"], caf.props["evidenceStart"]) == ("Caf du Cantal", 27)
    (covers,) = [e for e in rows.edges if e.type == "COVERS"]
    assert TEXT[covers.props["evidenceStart"] : covers.props["evidenceEnd"]] == (
        "Saint-Flour Communauté"
    )
    # a dataset written by hand has no evidence: none is dumped, its checksum is as before
    (example,) = read_datasets([EXAMPLE], TERRITORIES)
    assert "evidence" not in json.dumps(example.content.model_dump(mode="json"))
    assert not any(
        "evidenceQuote" in n.props for n in dataset_graph(example, Vocabularies.load()).nodes
    )


def test_unknown_codes_and_unlinked_territories_are_told_in_the_header(tmp_path: Path) -> None:
    text = "La CTG de Saint-Flour parle de voirie."
    ctg = ContractFact(id="contract-1", evidence=Evidence.of(text, 3, 6), kind="ctg", name="CTG")
    theme = ThemeFact(
        id="theme-1", evidence=Evidence.of(text, 31, 37), contract="contract-1", theme="voirie"
    )
    town = TerritoryFact(
        id="territory-1",
        evidence=Evidence.of(text, 10, 21),
        name="Saint-Flour",
        kind="commune",
        code="15187",
    )
    draft = Draft(article=ArticleInfo(title="Voirie"), text=text, facts=[ctg, theme, town])
    header = to_yaml(draft, name="voirie").split("\nformat:")[0]
    assert "theme-1: 'voirie' is no theme code of the vocabulary" in header
    assert "« Saint-Flour » (commune 15187), characters 10-21" in header


@pytest.mark.parametrize("dropped", range(len(saint_flour_draft().facts)))
def test_a_draft_with_any_fact_rejected_fails_only_at_its_listed_placeholders(
    tmp_path: Path, dropped: int
) -> None:
    """The review page drops the facts a researcher rejects, the others still naming them
    (a signatory whose partner was rejected): the draft is still written, and every problem
    of its validation is at a placeholder its header lists."""
    draft = saint_flour_draft()
    del draft.facts[dropped]
    path = written(tmp_path, draft)
    lines = path.read_text(encoding="utf-8").splitlines()
    try:
        read_datasets([path], TERRITORIES)
    except DatasetError as refused:
        for problem in refused.problems:
            assert problem.line is not None, problem
            assert any(p in lines[problem.line - 1] for p in (UNCHOSEN_CODE, MISSING_KEY)), problem
        assert draft.gaps


def test_a_post_with_no_organisation_is_in_the_partner_the_person_signs_for(
    tmp_path: Path,
) -> None:
    draft = saint_flour_draft()
    draft.facts = [
        f.model_copy(update={"organisation": None}) if f.id == "person-2" else f
        for f in draft.facts
    ]
    (dataset,) = read_datasets([written(tmp_path, draft)], TERRITORIES)
    post = next(p for p in dataset.content.people if p.key == "pierre-jarlier").posts[0]
    assert post.organisation == "epci-200066660"
    assert post.reason is not None
    assert "the organisation is the partner the person signs for" in post.reason
