"""The lists of the facts that are not contracts, as :class:`ListQuery` specs (see
:mod:`graph.partnership_reads` for the conventions): who holds which competence on which
territory, the documents that frame contracts, who created a kind of contract, the
themes stated for a contract or an axis, the partners contributing to a contract without
signing it, and free statements about any node.

Every item's ``edge`` is the map of the relationship that reaches it, so its provenance
(certainty, reason, source) comes with it.
"""

from __future__ import annotations

from typing import LiteralString

from graph.list_reads import ListQuery
from graph.partnership_reads import CONTRACT_FILTER, PARTNER_FILTER, TERRITORY_FILTER, TEXT_FILTER

_EDGE: LiteralString = "r {.*, relation: type(r)}"


def _linked(name: str, match: LiteralString, filter: LiteralString = "true") -> ListQuery:
    """The nodes ``n`` that ``match`` reaches through one relationship ``r``, each with
    the properties of ``r`` as its edge."""
    return ListQuery(name, match + " RETURN n, " + _EDGE + " AS edge", filter)


# -- competences -------------------------------------------------------------------------
#: Parent: a competence code, or '*' for every competence.
COMPETENCE_HOLDINGS = ListQuery(
    "competenceHoldings",
    "MATCH (n:CompetenceHolding) WHERE k = '*' OR n.competence = k RETURN n, null AS edge",
    TEXT_FILTER,
)

#: Parent: a partner key.
PARTNER_COMPETENCES = _linked(
    "partner.competences",
    "MATCH (n:CompetenceHolding)-[r:HELD_BY]->(:Partner {key: k})",
    TEXT_FILTER,
)

COMPETENCES = ListQuery("competences", "MATCH (n:Competence) RETURN n, null AS edge", TEXT_FILTER)

HOLDING_HOLDER = _linked(
    "competenceHolding.holder", "MATCH (:CompetenceHolding {key: k})-[r:HELD_BY]->(n:Partner)"
)

HOLDING_TERRITORY = _linked(
    "competenceHolding.territory",
    "MATCH (:CompetenceHolding {key: k})-[r:ON_TERRITORY]->(n) WHERE n:Territory OR n:SubTerritory",
)

# -- framing documents -------------------------------------------------------------------
FRAMING_DOCUMENTS = ListQuery(
    "framingDocuments", "MATCH (n:FramingDocument) RETURN n, null AS edge", TEXT_FILTER
)

DOCUMENT_FRAMES = _linked(
    "framingDocument.frames",
    "MATCH (:FramingDocument {key: k})-[r:FRAMES]->(n:Contract)",
    CONTRACT_FILTER,
)

CONTRACT_FRAMED_BY = _linked(
    "contract.framedBy",
    "MATCH (n:FramingDocument)-[r:FRAMES]->(:Contract {key: k})",
    TEXT_FILTER,
)

DOCUMENT_PARTIES = ListQuery(
    "framingDocument.parties",
    """
    MATCH (n:Partner)-[r:PARTY_TO]->(d:FramingDocument {key: k})
    OPTIONAL MATCH (person:Person)-[:PARTY_TO {onBehalfOf: n.key}]->(d)
    WITH n, r, collect(person {.*, labels: labels(person)}) AS people
    RETURN n, r {.*, people: people} AS edge""",
    PARTNER_FILTER,
)

DOCUMENT_TERRITORIES = _linked(
    "framingDocument.territories",
    "MATCH (:FramingDocument {key: k})-[r:ON_TERRITORY]->(n)",
    TERRITORY_FILTER,
)

# -- instruments, themes and contributors of contracts -----------------------------------
#: Parent: a contract-kind code.
KIND_CREATORS = _linked(
    "contractKind.createdBy", "MATCH (n:Partner)-[r:CREATED]->(:ContractKind {key: k})"
)

CONTRACT_THEMES = _linked(
    "contract.statedThemes", "MATCH (:Contract {key: k})-[r:ADDRESSES]->(n:Theme)", TEXT_FILTER
)

AXIS_THEMES = _linked(
    "axis.statedThemes", "MATCH (:Axis {key: k})-[r:ADDRESSES]->(n:Theme)", TEXT_FILTER
)

CONTRACT_CONTRIBUTORS = _linked(
    "contract.contributors",
    "MATCH (n:Partner)-[r:CONTRIBUTES_TO]->(:Contract {key: k})",
    PARTNER_FILTER,
)

# -- statements --------------------------------------------------------------------------
#: Parent: the key (or territory uid) of the node they are about, or '*' for all.
STATEMENTS = ListQuery(
    "statements",
    """
    MATCH (n:Statement)
    WHERE k = '*' OR EXISTS {
      MATCH (n)-[:ABOUT]->(x)
      WHERE x.key = k OR (x:Territory AND x.kind + ':' + x.code = k) }
    RETURN n, null AS edge""",
    TEXT_FILTER,
)

STATEMENT_ABOUT = _linked("statement.about", "MATCH (:Statement {key: k})-[r:ABOUT]->(n)")
