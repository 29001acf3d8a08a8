"""Drafting: the contracts, their dates and their lineage, as a careful reader notes them.

On both seed articles, what the hand-written seed datasets hold
(domain/data/partnerships/*.yaml); then one short text per wording the extractor reads.
The partners and territories are built by hand (tests/unit/draft_readings.py) so that
these tests check the contracts extractor alone.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from domain.vocabulary import ContractRelation, ContractStatus, PartnerKind
from loaders.drafts import contracts
from loaders.drafts.facts import ContractFact, DateFact, LineageFact, PartnerFact
from loaders.drafts.french_dates import find_dates, infer_year
from loaders.drafts.reading import Reading
from tests.conftest import SEED_ARTICLES
from tests.unit.draft_readings import (
    CREUSOT_CEJ_COMMUNES,
    CREUSOT_PARTNERS,
    CREUSOT_TERRITORIES,
    SAINT_FLOUR_PARTNERS,
    SAINT_FLOUR_TERRITORIES,
    Partner,
    reading_of,
)


def _contracts(reading: Reading) -> dict[str, ContractFact]:
    return {c.name: c for c in reading.of_type(ContractFact)}


def _dates(reading: Reading, contract: ContractFact) -> dict[str, list[DateFact]]:
    found: dict[str, list[DateFact]] = {}
    for fact in reading.of_type(DateFact):
        if fact.contract == contract.id:
            found.setdefault(fact.role, []).append(fact)
    return found


def _partner(reading: Reading, name: str) -> PartnerFact:
    return next(p for p in reading.of_type(PartnerFact) if p.name == name)


def _read(knowledge: Any, text: str, **kwargs: Any) -> Reading:
    reading = reading_of(knowledge, text, **kwargs)
    contracts.extract(reading)
    return reading


@pytest.fixture(scope="module")
def saint_flour(draft_knowledge: Any) -> Reading:
    text = SEED_ARTICLES["saint-flour-ctg-2017"].read_text(encoding="utf-8")
    return _read(
        draft_knowledge, text, territories=SAINT_FLOUR_TERRITORIES, partners=SAINT_FLOUR_PARTNERS
    )


@pytest.fixture(scope="module")
def creusot(draft_knowledge: Any) -> Reading:
    text = SEED_ARTICLES["creusot-montceau-ctg-2021"].read_text(encoding="utf-8")
    return _read(draft_knowledge, text, territories=CREUSOT_TERRITORIES, partners=CREUSOT_PARTNERS)


# --- the Saint-Flour seed ----------------------------------------------------------------


def test_saint_flour_contracts_are_the_datasets_four(saint_flour: Reading) -> None:
    found = _contracts(saint_flour)
    assert sorted(c.kind for c in found.values()) == ["ccs", "cej", "ctg", "other"]
    ctg = found["CTG Saint-Flour Communauté"]
    assert ctg.status == ContractStatus.SIGNED
    assert ctg.duration_years == 4  # « un accord-cadre pluriannuel de 4 ans (2017-2020) »
    epci = next(t for t in saint_flour.facts if t.type == "territory" and t.code == "200066660")
    assert ctg.territories == (epci.id,)
    # Every other mention of the CTG is kept as evidence of the same contract.
    assert len([e for e in ctg.also if "CTG" in e.quote or "Convention" in e.quote]) >= 10
    ccs = found["CCS Saint-Flour Communauté"]
    assert ccs.status == ContractStatus.SIGNED  # « adopté le 18 décembre 2017 »
    assert ccs.lead == _partner(saint_flour, "Saint-Flour Communauté").id
    assert found["CEJ Saint-Flour Communauté"].kind == "cej"
    assert found["Convention d'objectifs"].territories == ()


def test_saint_flour_dates_signed_with_the_year_inferred_period_and_adoption(
    saint_flour: Reading,
) -> None:
    found = _contracts(saint_flour)
    ctg = _dates(saint_flour, found["CTG Saint-Flour Communauté"])
    (signed,) = ctg["signed"]
    assert signed.value == "2018-01-19"
    assert signed.evidence.quote == "vendredi 19 janvier"
    assert signed.inferred is not None
    assert "year inferred" in signed.inferred
    assert [d.value for d in ctg["start"]] == ["2017"]
    assert [d.value for d in ctg["end"]] == ["2020"]
    (adopted,) = _dates(saint_flour, found["CCS Saint-Flour Communauté"])["adopted"]
    assert (adopted.value, adopted.inferred) == ("2017-12-18", None)


def test_saint_flour_ctg_declines_the_contrat_de_cohesion_sociale(saint_flour: Reading) -> None:
    found = _contracts(saint_flour)
    (lineage,) = saint_flour.of_type(LineageFact)
    assert lineage.relation == ContractRelation.DECLINES
    assert lineage.contract == found["CTG Saint-Flour Communauté"].id
    assert lineage.other == found["CCS Saint-Flour Communauté"].id
    # « première déclinaison contractuelle du … », « la première déclinaison du … »: stated.
    assert lineage.inferred is None
    quotes = [e.quote for e in (lineage.evidence, *lineage.also)]
    assert any("première déclinaison du Contrat de cohésion sociale" in q for q in quotes)


# --- the Creusot-Montceau seed ------------------------------------------------------------


def test_creusot_two_ctg_north_and_south_in_preparation_led_by_the_cu(creusot: Reading) -> None:
    found = _contracts(creusot)
    ctgs = [c for c in found.values() if c.kind == "ctg"]
    assert sorted(c.name for c in ctgs) == ["CTG bassin nord", "CTG bassin sud"]
    cu = _partner(creusot, "communauté urbaine")
    for ctg in ctgs:
        assert ctg.status == ContractStatus.IN_PREPARATION
        assert ctg.lead == cu.id  # « en tant que chef de file de la contractualisation »
        assert ctg.duration_years is None  # « pour 4 ou 5 ans » is no single duration
        assert ctg.evidence.quote == "conventions territoriales globales"
    # The basins' communes are not listed: the draft says so rather than guess.
    assert any(gap.startswith("CTG bassin nord:") for gap in creusot.gaps)


def test_creusot_thirteen_cej_one_per_commune_ended_on_31_december_2020(
    creusot: Reading,
) -> None:
    found = _contracts(creusot)
    cejs = [c for c in found.values() if c.kind == "cej"]
    assert sorted(c.name for c in cejs) == sorted(f"CEJ {name}" for name in CREUSOT_CEJ_COMMUNES)
    codes = {t.id: t.code for t in creusot.facts if t.type == "territory"}
    for cej in cejs:
        commune = cej.name.removeprefix("CEJ ")
        assert [codes[t] for t in cej.territories] == [CREUSOT_CEJ_COMMUNES[commune]]
        assert cej.status == ContractStatus.ENDED  # « ne sont plus renouvelés »
        (end,) = _dates(creusot, cej)["end"]
        assert end.value == "2020-12-31"
        assert end.evidence.quote == "31 décembre 2020"
        assert end.inferred is not None  # the article dates the non-renewal, not each end


def test_creusot_each_ctg_succeeds_the_cej_inferred(creusot: Reading) -> None:
    found = _contracts(creusot)
    ctgs = {c.id for c in found.values() if c.kind == "ctg"}
    cejs = {c.id for c in found.values() if c.kind == "cej"}
    links = creusot.of_type(LineageFact)
    assert {(f.contract, f.other) for f in links} == {(a, b) for a in ctgs for b in cejs}
    for link in links:
        assert link.relation == ContractRelation.SUCCEEDS
        assert "ne sont plus renouvelés" in link.evidence.quote
        assert link.inferred is not None  # which CTG takes over which CEJ is not said


# --- one wording each ------------------------------------------------------------------------


CAF = (Partner("Caf de la Manche", PartnerKind.CAF),)


def test_full_date_and_first_of_the_month_for_signing(draft_knowledge: Any) -> None:
    text = (
        "La Caf de la Manche a signé le 1er juin 2019 la Convention territoriale globale. "
        "Le contrat de ville, signé le 18 décembre 2017, reste en vigueur."
    )
    reading = _read(draft_knowledge, text, partners=CAF)
    found = _contracts(reading)
    assert _dates(reading, found["CTG"])["signed"][0].value == "2019-06-01"
    assert _dates(reading, found["Contrat de ville"])["signed"][0].value == "2017-12-18"
    assert all(c.status == ContractStatus.SIGNED for c in found.values())


def test_weekday_only_date_takes_the_year_of_the_publication(draft_knowledge: Any) -> None:
    text = "La Caf de la Manche a signé ce lundi 3 février sa Convention territoriale globale."
    reading = _read(draft_knowledge, text, partners=CAF, published=date(2025, 2, 5))
    (signed,) = reading.of_type(DateFact)
    assert signed.value == "2025-02-03"  # a Monday
    assert signed.inferred == "year inferred from the publication date (2025-02-05) and the weekday"


def test_weekday_that_fits_no_year_near_the_publication_gives_no_date() -> None:
    # 3 February 2025 is a Monday, 2024 a Saturday, 2026 a Tuesday: no Friday is near.
    assert infer_year("", 3, 2, 4, date(2025, 2, 5)) == (None, None)
    assert find_dates("signée ce vendredi 3 février", date(2025, 2, 5)) == []


def test_year_alone_keeps_its_precision_and_month_dates_theirs() -> None:
    assert [d.value for d in find_dates("adoptée en décembre 2017")] == ["2017-12"]


def test_four_or_five_years_is_no_duration_but_de_4_ans_is(draft_knowledge: Any) -> None:
    vague = _read(draft_knowledge, "Une CTG, conclue pour 4 ou 5 ans.")
    assert _contracts(vague)["CTG"].duration_years is None
    stated = _read(draft_knowledge, "La CTG est signée pour une durée de cinq ans.")
    assert _contracts(stated)["CTG"].duration_years == 5


def test_future_signature_is_in_preparation(draft_knowledge: Any) -> None:
    text = "La convention territoriale globale sera signée en mars par la Caf de la Manche."
    reading = _read(draft_knowledge, text, partners=CAF)
    assert _contracts(reading)["CTG"].status == ContractStatus.IN_PREPARATION


def test_remplace_progressivement_les_cej_is_a_succession(draft_knowledge: Any) -> None:
    text = (
        "La Convention territoriale globale (CTG) remplace progressivement les Contrats "
        "enfance jeunesse (CEJ) signés avec la Caf de la Manche."
    )
    reading = _read(draft_knowledge, text, partners=CAF)
    found = _contracts(reading)
    (link,) = reading.of_type(LineageFact)
    assert link.relation == ContractRelation.SUCCEEDS
    assert (link.contract, link.other) == (found["CTG"].id, found["CEJ"].id)
    assert link.inferred is None


def test_avenant_au_contrat_amends_it(draft_knowledge: Any) -> None:
    text = "Le conseil a approuvé un avenant au contrat enfance jeunesse de la commune."
    reading = _read(draft_knowledge, text)
    (link,) = reading.of_type(LineageFact)
    amendment = next(c for c in reading.of_type(ContractFact) if c.id == link.contract)
    assert link.relation == ContractRelation.AMENDS
    assert amendment.name.startswith("Avenant au CEJ")
    assert amendment.evidence.quote == "avenant au contrat enfance jeunesse"


def test_counted_contracts_without_places_are_numbered(draft_knowledge: Any) -> None:
    reading = _read(
        draft_knowledge, "Trois conventions territoriales globales sont en préparation."
    )
    assert sorted(_contracts(reading)) == ["CTG 1", "CTG 2", "CTG 3"]


def test_an_article_about_no_contract_adds_nothing(draft_knowledge: Any) -> None:
    reading = _read(draft_knowledge, "La commune rénove son gymnase cet été.")
    assert reading.of_type(ContractFact) == []
    assert reading.gaps == []


def test_cette_convention_speaks_of_the_ctg_not_the_cej_named_last(draft_knowledge: Any) -> None:
    text = (
        "Au 1er janvier 2023, la Convention Territoriale Globale (CTG) est venue remplacer le "
        "Contrat Enfance Jeunesse. Cette convention se concrétise par la signature d'un accord "
        "pour une durée de 4 ans, de 2023 à 2026."
    )
    reading = _read(draft_knowledge, text)
    found = _contracts(reading)
    ctg, cej = found["CTG"], found["CEJ"]
    assert (ctg.duration_years, cej.duration_years) == (4, None)
    dates = _dates(reading, ctg)
    # « 2023 » of the period is left out beside the day it started.
    assert [d.value for d in dates["start"]] == ["2023-01-01"]
    assert [d.value for d in dates["end"]] == ["2026"]
    assert _dates(reading, cej) == {}
    (link,) = reading.of_type(LineageFact)
    assert (link.relation, link.contract, link.other) == (ContractRelation.SUCCEEDS, ctg.id, cej.id)


def test_publication_line_dates_a_weekday_only_signing(draft_knowledge: Any) -> None:
    text = (
        "Publié le 28/12/2019\n"
        "Ils étaient réunis lundi 23 décembre pour la signature d'une convention territoriale "
        "globale, qui couvrira la période 2019/2023, au-delà du contrat enfance jeunesse "
        "actuel qui se termine fin 2021."
    )
    reading = _read(draft_knowledge, text)
    found = _contracts(reading)
    ctg = _dates(reading, found["CTG"])
    assert [d.value for d in ctg["signed"]] == ["2019-12-23"]
    assert ctg["signed"][0].inferred is not None
    assert [(d.value) for d in ctg["start"] + ctg["end"]] == ["2019", "2023"]
    assert [d.value for d in _dates(reading, found["CEJ"])["end"]] == ["2021"]


def test_deliberation_line_above_the_contract_it_approves(draft_knowledge: Any) -> None:
    text = (
        "Délibération N°16 du lundi 14 décembre 2020\n"
        "Convention Territoriale Globale avec la CAF\n"
        "Juin 2024 : Le Conseil délibère et autorise le Maire à signer le contrat de ville."
    )
    reading = _read(draft_knowledge, text)
    found = _contracts(reading)
    assert [d.value for d in _dates(reading, found["CTG"])["deliberation"]] == ["2020-12-14"]
    assert [d.value for d in _dates(reading, found["Contrat de ville"])["deliberation"]] == [
        "2024-06"
    ]


def test_a_deadline_is_no_signing_date(draft_knowledge: Any) -> None:
    text = "La Convention territoriale globale sera signée avant fin janvier 2023 pour cinq ans."
    reading = _read(draft_knowledge, text)
    assert reading.of_type(DateFact) == []
    assert _contracts(reading)["CTG"].status == ContractStatus.IN_PREPARATION


# --- round 2: more wordings of dates and successions ------------------------------------------


def _values(reading: Reading, name: str) -> dict[str, list[str]]:
    return {
        role: [d.value for d in facts]
        for role, facts in _dates(reading, _contracts(reading)[name]).items()
    }


def test_du_premier_janvier_au_31_decembre_is_a_start_and_an_end(draft_knowledge: Any) -> None:
    text = (
        "La commune de Sainte-Alix a conclu avec la Caf de la Manche une convention "
        "territoriale globale pour la période du 1er janvier 2024 au 31 décembre 2028."
    )
    reading = _read(draft_knowledge, text, partners=CAF)
    assert _values(reading, "CTG") == {"start": ["2024-01-01"], "end": ["2028-12-31"]}


def test_de_mois_a_mois_is_a_start_and_an_end_to_the_month(draft_knowledge: Any) -> None:
    reading = _read(draft_knowledge, "La CTG court de mars 2022 à février 2026.")
    assert _values(reading, "CTG") == {"start": ["2022-03"], "end": ["2026-02"]}


def test_pour_la_periode_2022_2025_and_signee_le(draft_knowledge: Any) -> None:
    text = (
        "La CTG, qui couvre la période 2022-2025, a été signée le 14 avril 2022 par la Caf "
        "de la Manche."
    )
    reading = _read(draft_knowledge, text, partners=CAF)
    assert _values(reading, "CTG") == {
        "start": ["2022"],
        "end": ["2025"],
        "signed": ["2022-04-14"],
    }


def test_signee_en_2021_is_a_signing_to_the_year(draft_knowledge: Any) -> None:
    reading = _read(draft_knowledge, "Notre CTG, signée en 2021, arrive à son terme.")
    assert _values(reading, "CTG")["signed"] == ["2021"]
    future = _read(draft_knowledge, "La CTG sera signée en 2027 par les partenaires.")
    assert future.of_type(DateFact) == []


def test_a_deliberation_date_dates_the_deliberation(draft_knowledge: Any) -> None:
    text = (
        "Par délibération du 9 novembre 2021, le conseil municipal a approuvé la Convention "
        "territoriale globale."
    )
    reading = _read(draft_knowledge, text)
    assert _values(reading, "CTG") == {"deliberation": ["2021-11-09"]}


@pytest.mark.parametrize(
    "text",
    [
        "La signature de la CTG aura lieu le 12 juin 2024 à la mairie.",
        "La Convention territoriale globale sera signée le 3 avril 2025 en mairie.",
        "La signature de la convention territoriale globale est prévue le 5 mai 2026.",
    ],
)
def test_a_signing_to_come_gives_no_signed_date(draft_knowledge: Any, text: str) -> None:
    reading = _read(draft_knowledge, text)
    assert reading.of_type(DateFact) == []
    assert _contracts(reading)["CTG"].status != ContractStatus.SIGNED


def test_misspelt_cej_that_ended_is_succeeded_by_the_ctg_that_continues_it(
    draft_knowledge: Any,
) -> None:
    text = (
        "Notre partenariat avec la Caf de la Manche dans le cadre du Contrant Enfance Jeunesse "
        "a pris fin au 31 décembre 2021. La Caf nous propose de le poursuivre dans le cadre "
        "d'une Convention Territoriale Globale."
    )
    reading = _read(draft_knowledge, text, partners=CAF)
    found = _contracts(reading)
    cej, ctg = found["CEJ"], found["CTG"]
    assert cej.status == ContractStatus.ENDED
    assert _values(reading, "CEJ") == {"end": ["2021-12-31"]}
    (link,) = reading.of_type(LineageFact)
    assert (link.relation, link.contract, link.other) == (
        ContractRelation.SUCCEEDS,
        ctg.id,
        cej.id,
    )
    assert "poursuivre dans le cadre" in link.evidence.quote


def test_a_sentence_does_not_end_inside_a_capitalised_contract_name(
    draft_knowledge: Any,
) -> None:
    # The model may start a sentence at « Jeunesse »: the name and its verb stay together.
    text = "Le Contrat Enfance Jeunesse a pris fin le 31 décembre 2020 à Sainte-Alix."
    reading = _read(draft_knowledge, text)
    assert _contracts(reading)["CEJ"].status == ContractStatus.ENDED
    assert _values(reading, "CEJ") == {"end": ["2020-12-31"]}


def test_une_premiere_then_la_seconde_convention_are_two_contracts(draft_knowledge: Any) -> None:
    text = (
        "La Caf de la Manche a signé lundi 2 juin la nouvelle convention territoriale "
        "globale, valable jusqu'en 2030. Le 5 février 2020 avait été signée une première "
        "convention valable de 2020 à 2024. La seconde convention élargit les actions."
    )
    reading = _read(draft_knowledge, text, partners=CAF)
    found = _contracts(reading)
    assert sorted(found) == ["CTG", "Première CTG"]
    assert _values(reading, "Première CTG") == {
        "signed": ["2020-02-05"],
        "start": ["2020"],
        "end": ["2024"],
    }
    assert _values(reading, "CTG") == {"signed": ["2025-06-02"], "end": ["2030"]}
    (link,) = reading.of_type(LineageFact)
    assert (link.contract, link.other) == (found["CTG"].id, found["Première CTG"].id)
    assert link.evidence.quote.startswith("La seconde convention")


def test_sa_premiere_ctg_alone_is_one_contract(draft_knowledge: Any) -> None:
    text = "La commune signe sa première CTG. Cette convention durera quatre ans."
    reading = _read(draft_knowledge, text)
    assert sorted(_contracts(reading)) == ["CTG"]


@pytest.mark.parametrize(
    "text",
    [
        "Le conseil municipal du 3 mars 2022 a autorisé le maire à signer la CTG.",
        "Lors de sa séance du 3 mars 2022, le conseil a autorisé le président à signer la CTG.",
    ],
)
def test_the_council_that_authorises_the_signing_dates_a_deliberation(
    draft_knowledge: Any, text: str
) -> None:
    reading = _read(draft_knowledge, text)
    assert _values(reading, "CTG") == {"deliberation": ["2022-03-03"]}


def test_the_cue_nearest_the_date_says_what_it_dates(draft_knowledge: Any) -> None:
    reading = _read(draft_knowledge, "La CTG signée en 2019 prend fin le 31 décembre 2022.")
    assert _values(reading, "CTG") == {"signed": ["2019"], "end": ["2022-12-31"]}
