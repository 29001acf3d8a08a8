"""Amounts drafted from an article: the seed articles' amounts against their datasets'
fundings, the French ways of writing a sum, and the numbers that are not amounts."""

from __future__ import annotations

from typing import Any

import pytest

from domain.vocabulary import PartnerKind, Qualifier
from loaders.drafts import amounts
from loaders.drafts.facts import AmountFact
from loaders.drafts.reading import Reading
from tests.conftest import SEED_ARTICLES
from tests.unit.draft_by_hand import creusot_montceau, reading_of, saint_flour


def _amounts(reading: Reading) -> list[AmountFact]:
    amounts.extract(reading)
    return reading.of_type(AmountFact)


def _of(text: str, knowledge: Any) -> list[AmountFact]:
    return _amounts(
        reading_of(
            text,
            knowledge,
            contracts=[("ctg", "La CTG", "CTG")] if "CTG" in text else [],
            partners=[("Caf de l'Ain", PartnerKind.CAF, "Caf")] if "Caf" in text else [],
        )
    )


def test_saint_flour_the_2016_payments_and_the_share_of_the_epci(draft_knowledge: Any) -> None:
    text = SEED_ARTICLES["saint-flour-ctg-2017"].read_text()
    found = _amounts(saint_flour(text, draft_knowledge))
    # the dataset's two fundings: more than 626 000 € in 2016, of which more than 14 %
    # (more than 87 640 €, computed) went to Saint-Flour Communauté; both paid by the Caf
    assert [(a.value, a.qualifier, a.share_percent, a.year, a.payer, a.payee) for a in found] == [
        (626000, Qualifier.MORE_THAN, None, 2016, "partner-1", None),
        (87640, Qualifier.MORE_THAN, 14, 2016, "partner-1", "partner-2"),
    ]
    whole, share = found
    assert whole.evidence.quote == "plus de 626 000 €"
    assert (whole.purpose or "").startswith("Prestations injectés")
    assert share.evidence.quote == "plus de 14% à Saint-Flour Communauté"
    assert share.share_of == whole.id
    assert share.inferred == "computed, not stated: 14 % of plus de 626 000 €"
    # no contract is named in the sentence, no tax is said
    assert {(a.contract, a.tax) for a in found} == {(None, None)}


def test_creusot_montceau_the_engineering_mission_and_the_cej_payments(
    draft_knowledge: Any,
) -> None:
    text = SEED_ARTICLES["creusot-montceau-ctg-2021"].read_text()
    found = _amounts(creusot_montceau(text, draft_knowledge))
    assert [
        (a.evidence.quote, a.value, a.qualifier, a.tax, a.share_percent, a.payer) for a in found
    ] == [
        ("40 000 € HT maximum", 40000, Qualifier.AT_MOST, "HT", None, None),
        ("financée à 50% par la CAF", 20000, Qualifier.AT_MOST, "HT", 50, "partner-1"),
        ("près de 1,35 million d’euros", 1350000, Qualifier.ABOUT, None, None, "partner-1"),
    ]
    mission, caf_share, cej = found
    assert mission.purpose == "La mission d’ingénierie"
    assert caf_share.share_of == mission.id
    assert caf_share.purpose == mission.purpose
    # « 34 communes », « 13 CEJ », « 31 décembre 2020 », « en 2020 » are no amounts, and
    # the article gives no year for its sums
    assert {a.year for a in found} == {None}
    assert cej.purpose == "Ces contrats"


@pytest.mark.parametrize(
    ("text", "quote", "value"),
    [
        ("Le budget est de 626 000 €.", "626 000 €", 626000),
        ("Le budget est de 626\u202f000\u00a0€.", "626\u202f000\u00a0€", 626000),
        ("Le budget est de 1.350.000 euros.", "1.350.000 euros", 1350000),
        ("Le budget est de 1 234,50 €.", "1 234,50 €", 1234.5),
        ("Le budget est de 1,35 million d'euros.", "1,35 million d'euros", 1350000),
        ("Le budget est de 2 millions d’euros.", "2 millions d’euros", 2000000),
        ("Deux millions d'euros sont prévus.", "Deux millions d'euros", 2000000),
        ("Le budget est de 150 k€.", "150 k€", 150000),
        ("Le budget est de 2,5 M€.", "2,5 M€", 2500000),
        ("Le budget est de 3 euros.", "3 euros", 3),
    ],
)
def test_french_ways_of_writing_a_sum(
    draft_knowledge: Any, text: str, quote: str, value: float
) -> None:
    assert [(a.evidence.quote, a.value) for a in _of(text, draft_knowledge)] == [(quote, value)]


@pytest.mark.parametrize(
    ("text", "quote", "qualifier", "tax"),
    [
        ("Elle a reçu plus de 10 000 €.", "plus de 10 000 €", Qualifier.MORE_THAN, None),
        ("Elle a reçu près de 10 000 €.", "près de 10 000 €", Qualifier.ABOUT, None),
        ("Elle a reçu environ 10 000 €.", "environ 10 000 €", Qualifier.ABOUT, None),
        ("Elle a reçu jusqu'à 10 000 €.", "jusqu'à 10 000 €", Qualifier.AT_MOST, None),
        ("Elle a reçu 10 000 € HT maximum.", "10 000 € HT maximum", Qualifier.AT_MOST, "HT"),
        ("Elle a reçu 10 000 € TTC.", "10 000 € TTC", Qualifier.EXACTLY, "TTC"),
        (
            "Elle a reçu 10 000 € hors taxes au maximum.",
            "10 000 € hors taxes au maximum",
            Qualifier.AT_MOST,
            "HT",
        ),
    ],
)
def test_qualifiers_and_tax(
    draft_knowledge: Any, text: str, quote: str, qualifier: Qualifier, tax: str | None
) -> None:
    found = _of(text, draft_knowledge)
    assert [(a.evidence.quote, a.qualifier, a.tax) for a in found] == [(quote, qualifier, tax)]


def test_year_purpose_payer_and_contract_when_the_sentence_says(draft_knowledge: Any) -> None:
    found = _of(
        "En 2019, la Caf a versé 12 000 € de subventions aux centres sociaux au titre de la "
        "CTG. Le diagnostic, estimé à 8 000 €, sera réalisé de 2021 à 2022.",
        draft_knowledge,
    )
    assert [(a.value, a.year, a.purpose, a.payer, a.contract) for a in found] == [
        (
            12000,
            2019,
            "Subventions aux centres sociaux au titre de la CTG",
            "partner-1",
            "contract-1",
        ),
        (8000, None, "Le diagnostic", None, None),
    ]


def test_shares_of_a_stated_amount(draft_knowledge: Any) -> None:
    found = _of(
        "Le coût s'élève à 3 000 €, pris en charge à hauteur de 80 % par la Caf. "
        "Le projet coûte 5 000 €, soit 20 % pour la commune.",
        draft_knowledge,
    )
    assert [(a.value, a.share_percent, a.share_of, a.payer) for a in found] == [
        (3000, None, None, None),
        (2400, 80, "amount-1", "partner-1"),
        (5000, None, None, None),
        (1000, 20, "amount-3", None),
    ]
    assert found[1].evidence.quote == "pris en charge à hauteur de 80 % par la Caf"


@pytest.mark.parametrize(
    "text",
    [
        "Les 34 communes de la communauté signent le 19 janvier 2021.",
        "13 CEJ formalisés entre 2017 et 2020, pour 4 ou 5 ans.",
        "80 % des familles sont concernées, soit 1 200 foyers.",
        "La CTG (2017-2020) couvre 12 500 habitants.",
    ],
)
def test_dates_counts_and_bare_percentages_are_no_amounts(draft_knowledge: Any, text: str) -> None:
    assert _of(text, draft_knowledge) == []
