"""Readings with the facts earlier extractors would have found, written by hand.

The actions and amounts extractors attach what they find to contracts and partners; these
tests give them those facts directly, so that they test one extractor at a time whatever
the territories and contracts extractors find.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from domain.vocabulary import PartnerKind
from loaders.drafts.facts import ArticleInfo, ContractFact, PartnerFact
from loaders.drafts.reading import Reading


def reading_of(
    text: str,
    knowledge: Any,
    *,
    contracts: Sequence[tuple[str, str, str]] = (),
    partners: Sequence[tuple[str, PartnerKind, str]] = (),
) -> Reading:
    """A reading of ``text`` with ``contracts`` (kind, name, first quote) and ``partners``
    (name, kind, first quote) already found, ids in order: contract-1…, partner-1…"""
    reading = Reading(
        text=text, article=ArticleInfo(), doc=knowledge.nlp(text), knowledge=knowledge
    )
    for kind, name, quote in contracts:
        at = text.index(quote)
        reading.add(
            ContractFact(
                id=reading.new_id("contract"),
                evidence=reading.evidence(at, at + len(quote)),
                kind=kind,
                name=name,
            )
        )
    for name, partner_kind, quote in partners:
        at = text.index(quote)
        reading.add(
            PartnerFact(
                id=reading.new_id("partner"),
                evidence=reading.evidence(at, at + len(quote)),
                kind=partner_kind,
                name=name,
            )
        )
    return reading


def saint_flour(text: str, knowledge: Any) -> Reading:
    """The Saint-Flour seed article with its CTG, its CCS, its CEJ, the Caf and the EPCI."""
    return reading_of(
        text,
        knowledge,
        contracts=[
            ("ctg", "CTG Saint-Flour Communauté", "Convention territoriale globale (CTG)"),
            ("ccs", "Contrat de cohésion sociale", "Contrat de cohésion sociale"),
            ("cej", "CEJ Saint-Flour Communauté", "Contrat enfance jeunesse (CEJ)"),
        ],
        partners=[
            ("Caf du Cantal", PartnerKind.CAF, "Caf du Cantal"),
            ("Saint-Flour Communauté", PartnerKind.EPCI, "Saint-Flour Communauté"),
        ],
    )


def creusot_montceau(text: str, knowledge: Any) -> Reading:
    """The Creusot-Montceau seed article with its two CTGs, the Caf and the urban community."""
    return reading_of(
        text,
        knowledge,
        contracts=[
            ("ctg", "CTG Creusot Montceau nord", "deux conventions territoriales globales"),
            ("ctg", "CTG Creusot Montceau sud", "deux conventions territoriales globales"),
        ],
        partners=[
            ("Caf de Saône-et-Loire", PartnerKind.CAF, "Caf de Saône-et-Loire"),
            ("Communauté urbaine Creusot Montceau", PartnerKind.EPCI, "communauté urbaine"),
        ],
    )
