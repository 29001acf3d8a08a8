"""bench/draft_scoring.py: the keys and scores of the drafting benchmark, and the annotated set.

The scorer is tried on hand-built drafts of the Saint-Flour article (a right one, one with
a wrong code, one missing a fiche, one with other wordings); then every gold file of
``tests/data/drafts/`` is read and its codes are checked against the installed reference
of all France, so that a typo in a gold file fails here and not as a silent miss.
"""

from __future__ import annotations

import doctest
import sys
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from domain.resources import PROJECT_ROOT
from domain.vocabulary import ContractRelation, PartnerKind, Qualifier
from loaders.drafts.facts import (
    AmountFact,
    ArticleInfo,
    AxisFact,
    ContractFact,
    DateFact,
    Draft,
    Evidence,
    Fact,
    FicheFact,
    LineageFact,
    PartnerFact,
    PersonFact,
    SignatoryFact,
    TerritoryFact,
)
from tests.conftest import DRAFT_ARTICLES, SEED_ARTICLES

sys.path.insert(0, str(PROJECT_ROOT / "bench"))  # the benchmark's modules import by name

import draft_scoring as scoring

TEXT = SEED_ARTICLES["saint-flour-ctg-2017"].read_text(encoding="utf-8")
GOLD_FOLDERS = sorted(p.parent for p in DRAFT_ARTICLES.glob("*/gold.yaml"))


def _evidence(quote: str) -> Evidence:
    start = TEXT.index(quote)
    return Evidence.of(TEXT, start, start + len(quote))


def saint_flour_facts(
    *, epci_code: str = "200066660", fiche_titles: dict[int, str] | None = None
) -> list[Fact]:
    """A draft of the Saint-Flour article that finds what its gold file lists, with a
    chosen EPCI code and fiche titles."""
    ev = _evidence
    fiches = fiche_titles if fiche_titles is not None else {
        2: "Aider à la mobilité",
        7: "Assurer un accueil inconditionnel en Maisons des Services Aux Publics (MSAP)",
        9: "Accompagner les projets de sédentarisation des gens du voyage",
        10: "Créer un accompagnement unique pour l’aide alimentaire",
        15: "Soutenir la dynamique habitat jeune à l’échelle de Saint-Flour Communauté",
        19: "Elaborer un schéma d’organisation des services petite enfance",
        20: "Développer et coordonner l’offre enfance-jeunesse à l’échelle intercommunale",
        21: "Développer l’animation de la vie sociale sur l’ensemble du territoire",
        22: "Développer l’accompagnement de la fonction parentale",
        23: "Coordination de la CTG",
    }  # fmt: skip
    facts: list[Fact] = [
        TerritoryFact(id="territory-1", evidence=ev("Saint-Flour Communauté"),
                      name="Saint-Flour Communauté", kind="epci", code=epci_code),
        TerritoryFact(id="territory-2", evidence=ev("Cantal"), name="Cantal",
                      kind="departement", code="15"),
        TerritoryFact(id="territory-3", evidence=ev("Ville de Saint-Flour"),
                      name="Ville de Saint-Flour", kind="commune", code="15187"),
        # A second mention of the EPCI, as its own fact: one territory to find, not two.
        TerritoryFact(id="territory-4", evidence=ev("l’intercommunalité"),
                      name="l’intercommunalité", kind="epci", code=epci_code),
        PartnerFact(id="partner-1", evidence=ev("Caf du Cantal"), name="Caf du Cantal",
                    kind=PartnerKind.CAF, territory="territory-2"),
        PartnerFact(id="partner-2", evidence=ev("Saint-Flour Communauté"),
                    name="Saint-Flour Communauté", kind=PartnerKind.EPCI, territory="territory-1"),
        ContractFact(id="contract-1", evidence=ev("Convention territoriale globale (CTG)"),
                     kind="ctg", name="CTG Saint-Flour Communauté", territories=("territory-1",)),
        ContractFact(id="contract-2", evidence=ev("Contrat de cohésion sociale"), kind="ccs",
                     name="Contrat de cohésion sociale", territories=("territory-1",)),
        ContractFact(id="contract-3", evidence=ev("Contrat enfance jeunesse (CEJ)"), kind="cej",
                     name="CEJ", lead="partner-2"),
        SignatoryFact(id="signatory-1", evidence=ev("ont signé"), contract="contract-1",
                      partner="partner-1"),
        SignatoryFact(id="signatory-2", evidence=ev("ont signé"), contract="contract-1",
                      partner="partner-2"),
        PersonFact(id="person-1", evidence=ev("Bernadette GINEZ, Présidente de la Caf du Cantal"),
                   name="Bernadette Ginez", post="Présidente de la Caf du Cantal",
                   organisation="partner-1"),
        PersonFact(id="person-2", evidence=ev("Pascal PONS, Directeur"), name="Pascal Pons",
                   post="Directeur de la Caf du Cantal", organisation="partner-1"),
        PersonFact(id="person-3", evidence=ev("Pierre JARLIER, Président"), name="Pierre JARLIER",
                   post="Président de Saint-Flour Communauté", organisation="partner-2"),
        PersonFact(id="person-4", evidence=ev("Gérard DELPY, Vice-président"),
                   name="Gérard Delpy", post="Vice-président en charge de la jeunesse",
                   organisation="partner-2"),
        DateFact(id="date-1", evidence=ev("ce vendredi 19 janvier"), contract="contract-1",
                 role="signed", value="2018-01-19", inferred="year from the weekday"),
        DateFact(id="date-2", evidence=ev("2017-2020"), contract="contract-1", role="start",
                 value="2017"),
        DateFact(id="date-3", evidence=ev("2017-2020"), contract="contract-1", role="end",
                 value="2020"),
        DateFact(id="date-4", evidence=ev("adopté le 18 décembre 2017"), contract="contract-2",
                 role="adopted", value="2017-12-18"),
        AxisFact(id="axis-1", evidence=ev("Réduire les précarités et les isolements"), number=1,
                 title="Réduire les précarités et les isolements"),
        AxisFact(id="axis-2", evidence=ev("Coordonner et valoriser les initiatives"), number=2,
                 title="Coordonner et valoriser les initiatives"),
        AxisFact(id="axis-3", evidence=ev("Renforcer et développer une politique auprès des "
                 "familles"), number=3,
                 title="Renforcer et développer une politique auprès des familles"),
        AmountFact(id="amount-1", evidence=ev("plus de 626 000 €"), value=626_000,
                   qualifier=Qualifier.MORE_THAN),
        LineageFact(id="lineage-1", evidence=ev("première déclinaison"),
                    relation=ContractRelation.DECLINES, contract="contract-1", other="contract-2"),
    ]  # fmt: skip
    for number, title in fiches.items():
        facts.append(
            FicheFact(id=f"fiche-{number}", evidence=ev("Fiche action"),
                      number=number, title=title)
        )  # fmt: skip
    return facts


def saint_flour_draft(**changes: Any) -> Draft:
    return Draft(article=ArticleInfo(file="article.txt"), text=TEXT,
                 facts=saint_flour_facts(**changes))  # fmt: skip


def saint_flour_gold() -> scoring.Keys:
    return scoring.gold_keys(
        scoring.read_gold(DRAFT_ARTICLES / "saint-flour-ctg-2017" / "gold.yaml")
    )


def test_a_draft_that_finds_every_gold_fact_scores_one_everywhere() -> None:
    result = scoring.score(saint_flour_gold(), scoring.draft_keys(saint_flour_draft()))

    for kind, s in result.items():
        assert (s.precision, s.recall) == (1.0, 1.0), (kind, s)
        assert scoring.goal_met(kind, s)
    assert result["territories"].found == 3  # the EPCI's two mentions are one territory


def test_a_wrong_epci_code_lowers_precision_on_territories_and_what_hangs_on_it() -> None:
    result = scoring.score(
        saint_flour_gold(), scoring.draft_keys(saint_flour_draft(epci_code="200066661"))
    )

    territories = result["territories"]
    assert (territories.found, territories.correct) == (3, 2)
    assert territories.precision == pytest.approx(2 / 3)
    assert not scoring.goal_met("territories", territories)
    # What hangs on it is wrong too: the contracts keyed on it, so both signatories of the
    # CTG, and the EPCI's people; the Caf's people stay right.
    assert result["contracts"].correct == 0
    assert result["signatories"].correct == 0
    assert result["people"].correct == 2
    assert result["fiches"].recall == 1.0


def test_a_missing_fiche_lowers_recall_and_misses_names_it() -> None:
    facts = saint_flour_facts()
    fiches = {f.number: f.title for f in facts if isinstance(f, FicheFact)}
    del fiches[21]
    draft = saint_flour_draft(fiche_titles=fiches)
    gold = saint_flour_gold()

    result = scoring.score(gold, scoring.draft_keys(draft))

    assert (result["fiches"].gold, result["fiches"].correct) == (10, 9)
    assert result["fiches"].recall == pytest.approx(0.9)
    assert result["fiches"].precision == 1.0
    missed = scoring.misses(gold, scoring.draft_keys(draft))["fiches"]
    assert missed == {
        "missed": ["21. developper l animation de la vie sociale sur l ensemble du territoire"],
        "wrong": [],
    }


def test_titles_match_whatever_their_case_accents_apostrophes_and_quotes() -> None:
    facts = saint_flour_facts()
    reworded = {
        f.number: f.title.upper().replace("’", "'").replace("É", "E") + " »"
        for f in facts
        if isinstance(f, FicheFact) and f.number is not None
    }
    reworded[2] = "Aider a la mobilite"

    result = scoring.score(
        saint_flour_gold(), scoring.draft_keys(saint_flour_draft(fiche_titles=reworded))
    )

    assert result["fiches"].correct == 10


def test_a_fiche_under_another_number_or_title_is_wrong() -> None:
    result = scoring.score(
        saint_flour_gold(),
        scoring.draft_keys(saint_flour_draft(fiche_titles={3: "Aider à la mobilité",
                                                           7: "Assurer un accueil"})),
    )  # fmt: skip

    assert (result["fiches"].found, result["fiches"].correct) == (2, 0)


def test_the_scoring_module_examples_hold() -> None:
    # bench/ is not among pytest's doctest paths; its examples are checked here.
    assert doctest.testmod(scoring).failed == 0


def test_people_match_by_folded_name_and_post_role() -> None:
    assert scoring.person_name("M. Jean-Pierre BERNARDIE") == "jean pierre bernardie"
    assert scoring.post_role("Directrice") == scoring.post_role("directeur par intérim")
    assert scoring.post_role("Présidente du Conseil d'administration") == "president"
    assert scoring.post_role("vice-présidente déléguée") == "vice-president"
    assert scoring.post_role("Maire") != scoring.post_role("Première Adjointe au Maire")


def test_amounts_match_within_half_a_percent_and_with_their_qualifier() -> None:
    gold = scoring.AmountKey(626_000, "more-than")

    assert gold.matches(scoring.AmountKey(628_000, "more-than"))
    assert not gold.matches(scoring.AmountKey(630_000, "more-than"))
    assert not gold.matches(scoring.AmountKey(626_000, "exactly"))


def test_a_contract_without_territory_matches_by_the_words_of_its_name() -> None:
    gold = scoring.ContractKey("ctg", None, scoring.fold("Bazois"))

    assert gold.matches(scoring.ContractKey("ctg", None, scoring.fold("CTG du Bazois")))
    assert gold.matches(scoring.ContractKey("ctg", "200067882", scoring.fold("CTG du Bazois")))
    assert not gold.matches(scoring.ContractKey("ctg", None, scoring.fold("CTG du Morvan")))
    assert not gold.matches(scoring.ContractKey("cej", None, scoring.fold("CEJ du Bazois")))


def test_one_found_key_counts_for_one_gold_key_only() -> None:
    gold = [
        scoring.TitleKey(None, "aider a la mobilite"),
        scoring.TitleKey(2, "aider a la mobilite"),
    ]
    found = [scoring.TitleKey(2, "aider a la mobilite")]

    assert len(scoring.matched(gold, found)) == 1


def test_a_gold_file_with_an_unknown_contract_says_where_and_what_to_do(tmp_path: Path) -> None:
    gold = tmp_path / "gold.yaml"
    gold.write_text(
        "contracts: [{id: ctg, kind: ctg, territory: '15'}]\n"
        "dates: [{contract: cej, role: signed, value: '2018-01-19'}]\n"
    )

    with pytest.raises(scoring.GoldError) as caught:
        scoring.read_gold(gold)

    message = str(caught.value)
    assert str(gold) in message
    assert "dates names contract 'cej', which is not in contracts" in message
    assert "bench/draft_scoring.py" in message


def test_a_gold_date_must_be_iso_with_its_precision(tmp_path: Path) -> None:
    gold = tmp_path / "gold.yaml"
    gold.write_text(
        "contracts: [{id: ctg, kind: ctg, territory: '15'}]\n"
        "dates: [{contract: ctg, role: signed, value: '19/01/2018'}]\n"
    )

    with pytest.raises(scoring.GoldError, match=r"dates\.0\.value"):
        scoring.read_gold(gold)


def test_the_saint_flour_seed_dataset_converts_to_the_facts_its_article_states() -> None:
    keys = scoring.dataset_keys(
        PROJECT_ROOT / "domain" / "data" / "partnerships" / "saint-flour-ctg-2017.yaml",
        stated_only=True,
    )

    assert {k.label() for k in keys["territories"]} == {
        "departement:15", "epci:200066660", "commune:15187"
    }  # fmt: skip
    assert len(keys["fiches"]) == 10
    assert [k.label() for k in keys["lineage"]] == ["ctg@200066660 declines ccs@200066660"]
    # The hand-written draft covers what the dataset states, but its contract of kind
    # « other » (the convention d'objectifs) and the CEJ's signatories.
    result = scoring.score(keys, scoring.draft_keys(saint_flour_draft()))
    assert result["fiches"].recall == 1.0
    assert result["people"].recall == 1.0
    assert result["contracts"].correct == 3


# -- the annotated set ------------------------------------------------------------------------
@cache
def reference_codes() -> dict[str, set[str]]:
    """Every code of the installed reference of all France, per territory kind."""
    from loaders.reference import read_reference

    records = read_reference()
    return {
        "commune": {c.code for c in records.communes},
        "epci": {e.code for e in records.epcis},
        "departement": {d.code for d in records.departements},
        "region": {r.code for r in records.regions},
    }


def test_the_set_has_the_seeds_and_at_least_ten_public_pages_in_three_layouts() -> None:
    names = {folder.name for folder in GOLD_FOLDERS}
    assert set(SEED_ARTICLES) <= names
    sources = [yaml.safe_load((f / "source.yaml").read_text()) for f in GOLD_FOLDERS]
    public = [s for s in sources if s.get("url")]
    assert len(public) >= 10
    assert len({s["departement"] for s in sources}) >= 10
    assert {s["layout"] for s in sources} == {"txt", "html", "pdf"}
    for folder, source in zip(GOLD_FOLDERS, sources, strict=True):
        assert (folder / f"article.{source['layout']}").is_file(), folder.name
        assert (folder / "article.txt").is_file(), folder.name


@pytest.mark.parametrize("folder", GOLD_FOLDERS, ids=lambda f: f.name)
def test_every_gold_file_parses_and_names_codes_of_the_reference(folder: Path) -> None:
    gold = scoring.read_gold(folder / "gold.yaml")
    codes = reference_codes()

    named: list[tuple[str, str]] = [(t.kind, t.code) for t in gold.territories]
    named += [(_kind_of_code(c.territory), c.territory) for c in gold.contracts if c.territory]
    named += [(_kind_of_partner(s.partner), s.territory) for s in gold.signatories if s.territory]
    named += [(_kind_of_partner(p.partner), p.territory) for p in gold.people if p.territory]
    unknown = [f"{kind} {code}" for kind, code in named if code not in codes[kind]]
    assert not unknown, f"{folder.name}/gold.yaml names codes the reference does not have"
    assert scoring.gold_keys(gold)["contracts"], "every annotated article speaks of a contract"


def _kind_of_code(code: str) -> str:
    """The territory kind a code's length says: SIREN 9, INSEE 5, département 2 or 3."""
    return {9: "epci", 5: "commune"}.get(len(code), "departement")


def _kind_of_partner(kind: PartnerKind | None) -> str:
    """The kind of territory a partner of ``kind`` is linked to by code."""
    if kind in (PartnerKind.EPCI, PartnerKind.COMMUNE):
        return str(kind)
    return "departement"


def test_the_benchmark_drafts_reads_and_scores_an_annotated_article(draft_knowledge: Any) -> None:
    import bench_draft

    run = bench_draft.run_article(DRAFT_ARTICLES / "saint-flour-ctg-2017", draft_knowledge, 1)

    assert run.error is None
    assert run.characters > 0.9 * len(TEXT)  # the reader may trim blank lines, no more
    assert {kind: s.gold for kind, s in run.scores.items()} == {
        "contracts": 3, "territories": 3, "signatories": 2, "people": 4, "dates": 4,
        "axes": 3, "fiches": 10, "amounts": 1, "lineage": 1,
    }  # fmt: skip
    for s in run.scores.values():
        assert 0 <= s.correct <= min(s.gold, s.found)
    assert run.parse_seconds > 0
