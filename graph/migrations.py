"""The graph schema: uniqueness constraints on every node key, and the indexes queries use.

Every statement is idempotent (``IF NOT EXISTS``), so :func:`migrate` runs on every
start and by ``ctg db migrate`` without harm.

Keys (see docs/graph-model.md): territories are keyed by their official ``code`` per kind
(a région and a département can share a code, ``84``); every other node by ``key``, a
readable slug or a SIREN.
"""

from __future__ import annotations

from typing import LiteralString

from neo4j import Driver

from domain.vocabulary import TERRITORY_LABEL, TerritoryKind
from graph.partnership_store import OWNED_LABELS, TERRITORY_LABELS

#: Node labels keyed by ``code`` (official identifiers of territories).
CODE_KEYED_LABELS: tuple[LiteralString, ...] = TERRITORY_LABELS
#: Node labels keyed by ``key`` (readable slugs, or a SIREN for known organisations).
SLUG_KEYED_LABELS: tuple[LiteralString, ...] = (
    TERRITORY_LABEL[TerritoryKind.SUB_TERRITORY],
    "Partner",
    "Person",
    "Contract",
    "Axis",
    "Action",
    "Theme",
    "Funding",
    "Body",
    "Source",
    "ReferenceData",
    "Dataset",
    "ContractKind",
    "Competence",
    "CompetenceHolding",
    "FramingDocument",
    "Statement",
)

#: The full-text index over display names, titles and aliases, and the words of free
#: statements and their quotes. ``standard-folding`` folds accents and case, so
#: "ecuisses" finds "Écuisses". Its name carries a version: an index's definition cannot
#: change, so a new one replaces the one named before (dropped below).
NAME_INDEX = "name_search_2"
#: The index NAME_INDEX replaces (no statements, no framing documents).
_OLD_NAME_INDEXES: tuple[LiteralString, ...] = ("name_search",)

_STATEMENTS: tuple[LiteralString, ...] = (
    *(
        "CREATE CONSTRAINT " + label.lower() + "_code IF NOT EXISTS "
        "FOR (n:" + label + ") REQUIRE n.code IS UNIQUE"
        for label in CODE_KEYED_LABELS
    ),
    *(
        "CREATE CONSTRAINT " + label.lower() + "_key IF NOT EXISTS "
        "FOR (n:" + label + ") REQUIRE n.key IS UNIQUE"
        for label in SLUG_KEYED_LABELS
    ),
    *(
        "CREATE INDEX " + label.lower() + "_dataset IF NOT EXISTS "
        "FOR (n:" + label + ") ON (n.dataset)"
        for label in OWNED_LABELS  # a re-load finds the facts it replaces by this index
    ),
    # territory(code) looks a code up across kinds
    "CREATE INDEX territory_code IF NOT EXISTS FOR (n:Territory) ON (n.code)",
    # scoped reference loads and per-département aggregates
    "CREATE INDEX commune_departement IF NOT EXISTS FOR (n:Commune) ON (n.departement)",
    # "active on a date" filters
    "CREATE INDEX contract_period IF NOT EXISTS FOR (n:Contract) ON (n.start, n.end)",
    *("DROP INDEX " + name + " IF EXISTS" for name in _OLD_NAME_INDEXES),
    "CREATE FULLTEXT INDEX " + NAME_INDEX + " IF NOT EXISTS "
    "FOR (n:Territory|Partner|Person|Contract|Action|Axis|Theme|Body|FramingDocument|Statement) "
    "ON EACH [n.name, n.title, n.aliases, n.text, n.quote] "
    "OPTIONS {indexConfig: {`fulltext.analyzer`: 'standard-folding'}}",
)


def schema_statements() -> tuple[LiteralString, ...]:
    """The Cypher statements :func:`migrate` runs, in order."""
    return _STATEMENTS


def migrate(driver: Driver, database: str) -> int:
    """Create every constraint and index that is missing, then wait until all are online.

    Returns the number of statements run (all of them; existing objects are kept).
    """
    with driver.session(database=database) as session:  # pyright: ignore[reportUnknownMemberType]  neo4j: untyped **config
        for statement in _STATEMENTS:
            session.run(statement).consume()
        session.run("CALL db.awaitIndexes(300)").consume()
    return len(_STATEMENTS)
