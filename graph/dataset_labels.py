"""The labels and relationship types of the facts datasets and curation write, as fixed
``LiteralString`` tuples: Cypher varies a label or type only by picking one of these
(:mod:`graph.partnership_store`, :mod:`graph.curation_store`, :mod:`graph.curated_reads`).
"""

from __future__ import annotations

from typing import LiteralString

from domain.vocabulary import OFFICIAL_KINDS, RELATIONSHIP_TYPE, TERRITORY_LABEL, TerritoryKind

#: Labels a dataset owns, keyed by ``key``.
OWNED_LABELS: tuple[LiteralString, ...] = (
    "Source",
    "Partner",
    "Person",
    TERRITORY_LABEL[TerritoryKind.SUB_TERRITORY],
    "Contract",
    "Axis",
    "Action",
    "Body",
    "Funding",
    "CompetenceHolding",
    "FramingDocument",
    "Statement",
)
#: Shared labels a dataset may point to: vocabularies (by ``key``), territories (by ``code``).
SHARED_LABELS: tuple[LiteralString, ...] = ("Theme", "ContractKind", "Competence")
TERRITORY_LABELS: tuple[LiteralString, ...] = tuple(TERRITORY_LABEL[k] for k in OFFICIAL_KINDS)
EDGE_TYPES: tuple[LiteralString, ...] = (
    "SOURCED_FROM",
    "GOVERNS",
    "SERVES",
    "HOLDS_POST",
    "SAME_AS",
    "INCLUDES",
    "PART_OF",
    "SIGNED",
    "COVERS",
    *RELATIONSHIP_TYPE.values(),
    "HAS_AXIS",
    "HAS_ACTION",
    "ADDRESSES",
    "LEADS",
    "FUNDS",
    "MEMBER_OF",
    "STEERS",
    "BELONGS_TO",
    "PAID_BY",
    "PAID_TO",
    "SHARE_OF",
    "CONCERNS",
    "ON_TERRITORY",
    "OF_KIND",
    "CONTRIBUTES_TO",
    "HELD_BY",
    "OF_COMPETENCE",
    "PARTY_TO",
    "FRAMES",
    "CREATED",
    "ABOUT",
)
ALL_LABELS: tuple[LiteralString, ...] = (*OWNED_LABELS, *SHARED_LABELS, *TERRITORY_LABELS)
#: The ``dataset`` of every fact written through the API (see graph.curation_store).
CURATION = "curation"
#: The ``dataset`` of the partners that datasets' shorthands generate from the reference,
#: shared by the datasets naming them (see graph.partnership_store, ``usedBy``).
GENERATED = "generated"
#: Cypher: the first label of node ``x`` that ``$labels`` names (never ``Territory``).
LABEL_OF: LiteralString = "head([l IN labels(x) WHERE l IN $labels])"
