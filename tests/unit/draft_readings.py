"""Readings for the drafting tests of one extractor: an article's text with the territories
and partners an earlier extractor would have found, built by hand so that the test checks
only the extractor under test."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from domain.vocabulary import PartnerKind
from loaders.drafts.facts import ArticleInfo, Fact, PartnerFact, TerritoryFact
from loaders.drafts.reading import Reading

TerritoryKind = Literal["commune", "epci", "departement", "region"]


@dataclass(frozen=True)
class Territory:
    """A territory the article names, at the first ``quote`` after ``after``."""

    name: str
    kind: TerritoryKind
    code: str
    quote: str | None = None
    after: str | None = None


@dataclass(frozen=True)
class Partner:
    """A partner the article names, at the first ``quote``; ``territory`` is the name of a
    `Territory` of the same reading."""

    name: str
    kind: PartnerKind
    quote: str | None = None
    territory: str | None = None


def reading_of(
    knowledge: Any,
    text: str,
    *,
    territories: Sequence[Territory] = (),
    partners: Sequence[Partner] = (),
    published: date | None = None,
) -> Reading:
    """A reading of ``text`` that already holds ``territories`` and ``partners``."""
    reading = Reading(
        text=text,
        article=ArticleInfo(published=published),
        doc=knowledge.nlp(text),
        knowledge=knowledge,
    )
    by_name: dict[str, str] = {}
    for territory in territories:
        start = _find(text, territory.quote or territory.name, territory.after)
        quote = territory.quote or territory.name
        fact = reading.add(
            TerritoryFact(
                id=reading.new_id("territory"),
                evidence=reading.evidence(start, start + len(quote)),
                name=territory.name,
                kind=territory.kind,
                code=territory.code,
            )
        )
        by_name[territory.name] = fact.id
    for partner in partners:
        quote = partner.quote or partner.name
        start = _find(text, quote, None)
        reading.add(
            PartnerFact(
                id=reading.new_id("partner"),
                evidence=reading.evidence(start, start + len(quote)),
                name=partner.name,
                kind=partner.kind,
                territory=by_name[partner.territory] if partner.territory else None,
            )
        )
    return reading


def _find(text: str, quote: str, after: str | None) -> int:
    begin = text.index(after) if after else 0
    return text.index(quote, begin)


def facts_of(reading: Reading, fact_type: str) -> list[Fact]:
    """The facts of one type found in ``reading``."""
    return [fact for fact in reading.facts if fact.type == fact_type]


SAINT_FLOUR_TERRITORIES = (
    Territory("Saint-Flour Communauté", "epci", "200066660"),
    Territory("Saint-Flour", "commune", "15187", quote="Ville de Saint-Flour"),
)
SAINT_FLOUR_PARTNERS = (
    Partner("Caf du Cantal", PartnerKind.CAF),
    Partner("Saint-Flour Communauté", PartnerKind.EPCI, territory="Saint-Flour Communauté"),
    Partner("Ville de Saint-Flour", PartnerKind.COMMUNE, territory="Saint-Flour"),
    Partner("Cnaf", PartnerKind.CNAF),
)
#: The 13 communes of « 13 CEJ formalisés à … », as written, with their INSEE codes.
CREUSOT_CEJ_COMMUNES = {
    "Blanzy": "71040",
    "Ciry-le-Noble": "71132",
    "Ecuisses": "71187",
    "Génelard": "71212",
    "Le Breuil": "71059",
    "Le Creusot": "71153",
    "Marmagne": "71282",
    "Montceau": "71306",
    "Montchanin": "71310",
    "Perrecy-les-Forges": "71346",
    "Saint-Vallier": "71486",
    "Sanvignes": "71499",
    "Torcy": "71540",
}
CREUSOT_TERRITORIES = (
    Territory("communauté urbaine", "epci", "247100290"),
    *(
        Territory(name, "commune", code, after="13 CEJ formalisés")
        for name, code in CREUSOT_CEJ_COMMUNES.items()
    ),
)
CREUSOT_PARTNERS = (
    Partner("Caf de Saône-et-Loire", PartnerKind.CAF),
    Partner("communauté urbaine", PartnerKind.EPCI, territory="communauté urbaine"),
)
