"""Reading nodes by key, full-text search and the counts researchers ask for.

Node labels only come from :data:`NODE_QUERIES` (fixed text); keys are parameters.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from typing import LiteralString

from domain.names import ELIDED_ARTICLES, NAME_VARIANTS, may_follow_elision, search_words
from graph.list_reads import ListFilter, ListQuery
from graph.partnership_reads import (
    COMMUNES_OF_T,
    CONTRACT_FILTER_IN_KEYS,
    COVERABLE,
    TERRITORY_OF_K,
)
from graph.reader import GraphReader, Row

_NODE: LiteralString = "n {.*, labels: labels(n)} AS n"
_BY_KEY: dict[str, LiteralString] = {
    "Partner": "UNWIND $keys AS k MATCH (n:Partner {key: k}) RETURN k AS key, " + _NODE,
    "Person": "UNWIND $keys AS k MATCH (n:Person {key: k}) RETURN k AS key, " + _NODE,
    "Contract": "UNWIND $keys AS k MATCH (n:Contract {key: k}) RETURN k AS key, " + _NODE,
    "Axis": "UNWIND $keys AS k MATCH (n:Axis {key: k}) RETURN k AS key, " + _NODE,
    "Action": "UNWIND $keys AS k MATCH (n:Action {key: k}) RETURN k AS key, " + _NODE,
    "Theme": "UNWIND $keys AS k MATCH (n:Theme {key: k}) RETURN k AS key, " + _NODE,
    "ContractKind": "UNWIND $keys AS k MATCH (n:ContractKind {key: k}) RETURN k AS key, " + _NODE,
    "Funding": "UNWIND $keys AS k MATCH (n:Funding {key: k}) RETURN k AS key, " + _NODE,
    "Body": "UNWIND $keys AS k MATCH (n:Body {key: k}) RETURN k AS key, " + _NODE,
    "Source": "UNWIND $keys AS k MATCH (n:Source {key: k}) RETURN k AS key, " + _NODE,
    "Competence": "UNWIND $keys AS k MATCH (n:Competence {key: k}) RETURN k AS key, " + _NODE,
    "CompetenceHolding": "UNWIND $keys AS k MATCH (n:CompetenceHolding {key: k}) "
    "RETURN k AS key, " + _NODE,
    "FramingDocument": "UNWIND $keys AS k MATCH (n:FramingDocument {key: k}) "
    "RETURN k AS key, " + _NODE,
    "Statement": "UNWIND $keys AS k MATCH (n:Statement {key: k}) RETURN k AS key, " + _NODE,
    "SubTerritory": "UNWIND $keys AS k MATCH (n:SubTerritory {key: k}) RETURN k AS key, " + _NODE,
    "Commune": "UNWIND $keys AS k MATCH (n:Commune {code: k}) RETURN k AS key, " + _NODE,
    "EPCI": "UNWIND $keys AS k MATCH (n:EPCI {code: k}) RETURN k AS key, " + _NODE,
    "Departement": "UNWIND $keys AS k MATCH (n:Departement {code: k}) RETURN k AS key, " + _NODE,
    "Region": "UNWIND $keys AS k MATCH (n:Region {code: k}) RETURN k AS key, " + _NODE,
}
#: Labels :func:`nodes_by_key` can read (territories by ``code``, the others by ``key``).
NODE_LABELS = frozenset(_BY_KEY)


async def nodes_by_key(reader: GraphReader, label: str, keys: Sequence[str]) -> dict[str, Row]:
    """The node of ``label`` with each key (absent keys are left out)."""
    query = _BY_KEY[label]
    records = await reader.read(query, {"keys": list(dict.fromkeys(keys))})
    return {record["key"]: dict(record["n"]) for record in records}


_SEARCH: LiteralString = """
CALL db.index.fulltext.queryNodes('name_search_2', $lucene, {limit: $scan})
YIELD node AS n, score
WHERE $labels IS NULL OR any(label IN labels(n) WHERE label IN $labels)
RETURN n {.*, labels: labels(n)} AS node, elementId(n) AS id, score
ORDER BY score DESC, coalesce(n.nameKey, n.sortName), coalesce(n.key, n.code)
LIMIT $limit
"""

#: At most this many words of a search reach the index: names are short, and it keeps a
#: query well under Lucene's 1 024 clauses (each word is tried with every elided article).
MAX_SEARCH_WORDS = 10
#: A word of at least this many letters still matches with one typo (a letter added,
#: missing, changed or two swapped), after every exact and prefix match.
TYPO_MIN_LENGTH = 5
#: Only the first words this long get a typo allowance (each costs up to 50 terms).
_MAX_TYPO_WORDS = 5


@dataclass(frozen=True)
class _Part:
    """One part of a search: a word (maybe typed after an elided article), or a name part
    with its variants (Saint/St, CC/communauté de communes…), each as index tokens."""

    forms: tuple[tuple[str, ...], ...]
    article: str | None = None
    variants: bool = False


def _tokens(words: Sequence[str]) -> tuple[str, ...]:
    """Words as the index keeps them: an elided article joined to the next word."""
    tokens: list[str] = []
    article = ""
    for word in words:
        if word in ELIDED_ARTICLES and not article:
            article = word + "'"
            continue
        tokens.append(article + word)
        article = ""
    return (*tokens, *([article[:-1]] if article else []))


def _variants_at(words: Sequence[str], at: int) -> tuple[int, _Part] | None:
    """The longest name part with variants starting at word ``at``, and its length."""
    best: tuple[int, _Part] | None = None
    for group in NAME_VARIANTS:
        for form in group:
            size = len(form)
            if tuple(words[at : at + size]) == form and (best is None or size > best[0]):
                part = _Part(forms=tuple(_tokens(f) for f in group), variants=True)
                best = (size, part)
    return best


def _parts(words: Sequence[str]) -> list[_Part]:
    parts: list[_Part] = []
    at = 0
    while at < len(words):
        found = _variants_at(words, at)
        if found is not None:
            parts.append(found[1])
            at += found[0]
        elif words[at] in ELIDED_ARTICLES and at + 1 < len(words):
            parts.append(_Part(forms=((words[at + 1],),), article=words[at]))
            at += 2
        else:
            parts.append(_Part(forms=((words[at],),)))
            at += 1
    return parts


#: The weight of a word written with an elided article the person did not type.
_ELIDED_BOOST = "^0.5"


def _clause(part: _Part, prefix: bool, typo: bool) -> str:
    """Lucene alternatives for one part; every term is letters, digits and one apostrophe,
    built here, so no syntax typed by the client reaches the parser."""
    alternatives: list[str] = []
    for form in part.forms:
        if len(form) != 1:  # a phrase of several words
            alternatives.append('"' + " ".join(form) + '"')
            continue
        token = form[0]
        spellings = [token]
        elided: list[str] = []
        if not part.variants and may_follow_elision(token):
            elided = [article + "'" + token for article in ELIDED_ARTICLES]
        # an elided spelling counts less than the bare word: « Écuisses » (a name) ranks
        # before « CEJ d'Écuisses » (a title that names it), where both are matched
        alternatives += spellings + [e + _ELIDED_BOOST for e in elided]
        if prefix:
            alternatives += [s + "*" for s in spellings]
            alternatives += [e + "*" + _ELIDED_BOOST for e in elided]
        if typo and not part.variants and len(token) >= TYPO_MIN_LENGTH:
            alternatives.append(token + "~1")
            if part.article is not None:
                alternatives.append(part.article + "'" + token + "~1")
    return "(" + " OR ".join(alternatives) + ")"


def _query(parts: Sequence[_Part], typo_parts: int) -> str:
    last = len(parts) - 1
    return " AND ".join(
        _clause(part, prefix=index == last, typo=index < typo_parts)
        for index, part in enumerate(parts)
    )


def lucene_query(text: str) -> str | None:
    """A Lucene query for what a person typed: every word must match, the last one as a
    prefix (so suggestions work while typing); exact words rank first. ``None`` when the
    text has no word.

    Words are folded (:func:`domain.names.search_words`) and each one is tried with every
    elided article (``auxy`` also finds ``d'auxy``), and name parts with their variants
    (``st`` finds ``saint``). Only letters, digits and the apostrophes built here reach
    the parser, so no Lucene syntax from the client does.
    """
    words = search_words(text)[:MAX_SEARCH_WORDS]
    if not words:
        return None
    parts = _parts(words)
    exact = " AND ".join(_clause(part, prefix=False, typo=False) for part in parts)
    return f"({exact})^2 OR ({_query(parts, typo_parts=0)})"


def typo_lucene_query(text: str) -> str | None:
    """:func:`lucene_query` with one typo allowed in each word of at least
    :data:`TYPO_MIN_LENGTH` letters (the first few of them), or ``None`` when no word is
    that long."""
    words = search_words(text)[:MAX_SEARCH_WORDS]
    parts = _parts(words)
    long_words = [
        index
        for index, part in enumerate(parts)
        if not part.variants and len(part.forms[0][0]) >= TYPO_MIN_LENGTH
    ]
    if not long_words:
        return None
    return _query(parts, typo_parts=long_words[:_MAX_TYPO_WORDS][-1] + 1)


async def _hits(
    reader: GraphReader, lucene: str, labels: Sequence[str] | None, limit: int
) -> list[tuple[str, Row, float]]:
    records = await reader.read(
        _SEARCH,
        {
            "lucene": lucene,
            "labels": list(labels) if labels else None,
            "limit": limit,
            # the index ranks before the label filter: read more when filtering by label
            "scan": limit if not labels else max(limit * 20, 1000),
        },
    )
    return [(str(r["id"]), dict(r["node"]), float(r["score"])) for r in records]


async def search(
    reader: GraphReader, text: str, labels: Sequence[str] | None, limit: int
) -> list[tuple[Row, float]]:
    """Nodes whose name, title or aliases (a statement: its text or quote) match ``text``,
    best first, with their score: exact and prefix matches, then, when they leave room,
    matches with one typo in a long word (their scores scaled below the others')."""
    lucene = lucene_query(text)
    if lucene is None:
        return []
    typo = typo_lucene_query(text)
    if typo is None:
        hits = await _hits(reader, lucene, labels, limit)
    else:
        # both at once: the typo query is needed whenever the exact one leaves room,
        # which is the common case (a name has a few matches, a page holds ten)
        hits, more = await asyncio.gather(
            _hits(reader, lucene, labels, limit), _hits(reader, typo, labels, limit)
        )
        seen = {node_id for node_id, _, _ in hits}
        more = [hit for hit in more if hit[0] not in seen]
        if hits and more:
            # below the last exact match, in their own order
            scale = hits[-1][2] / more[0][2] * 0.5
            more = [(node_id, node, score * scale) for node_id, node, score in more]
        hits += more[: limit - len(hits)]
    return [(node, score) for _, node, score in hits]


_CONTRACTS_COVERING: LiteralString = (
    "WITH $covering AS k" + TERRITORY_OF_K + COMMUNES_OF_T + COVERABLE
    + "\nMATCH (n:Contract)-[:COVERS]->(x) RETURN DISTINCT n.key AS key"
)  # fmt: skip


async def contracts_covering(reader: GraphReader, uid: str) -> list[str]:
    """Keys of the contracts covering any part of the territory ``uid`` (hierarchy-aware)."""
    return [row["key"] for row in await reader.read(_CONTRACTS_COVERING, {"covering": uid})]


def _counts_by_kind(where: LiteralString) -> LiteralString:
    return (
        "MATCH (n:Contract) WHERE "
        + where
        + "\nRETURN n.kind AS key, count(n) AS contracts, 0 AS actions ORDER BY contracts DESC, key"
    )


def _counts_by_theme(where: LiteralString) -> LiteralString:
    # Each theme counts in its own subquery. Written as one OPTIONAL MATCH over every theme,
    # with the filter's theme subquery naming its variable `th` too, Neo4j 5.26 answered a
    # single row with a null theme after other requests (seen on the seeds, e2e).
    return (
        "MATCH (th:Theme)\nCALL (th) {\n"
        "  OPTIONAL MATCH (n:Contract)-[:HAS_ACTION]->(a:Action)-[:ADDRESSES]->(th) WHERE "
        + where
        + "\n  RETURN count(DISTINCT n) AS contracts, count(DISTINCT a) AS actions\n}"
        "\nRETURN th.key AS key, contracts, actions ORDER BY contracts DESC, actions DESC, key"
    )


def _counts_by_departement(where: LiteralString) -> LiteralString:
    return (
        "MATCH (n:Contract) WHERE "
        + where
        + """
CALL (n) {
  MATCH (n)-[:COVERS]->(d:Departement) RETURN d
  UNION MATCH (n)-[:COVERS]->(:Commune)-[:IN]->(d:Departement) RETURN d
  UNION MATCH (n)-[:COVERS]->(:EPCI)-[:IN]->(d:Departement) RETURN d
  UNION MATCH (n)-[:COVERS]->(:SubTerritory)-[:INCLUDES]->(:Commune)-[:IN]->(d:Departement)
        RETURN d
}
RETURN d.code AS key, count(DISTINCT n) AS contracts, 0 AS actions
ORDER BY contracts DESC, key"""
    )


_COUNTS = {
    "kind": _counts_by_kind,
    "theme": _counts_by_theme,
    "departement": _counts_by_departement,
}


async def contract_counts(
    reader: GraphReader, by: str, where: ListFilter, contract_keys: Sequence[str] | None
) -> list[Row]:
    """Contracts (and, per theme, actions) counted by ``by`` (kind, theme, département)
    among the contracts meeting ``where`` (and among ``contract_keys`` unless ``None``)."""
    params = {
        **where.params(),
        "contractKeys": list(contract_keys) if contract_keys is not None else None,
    }
    return await reader.read(_COUNTS[by](CONTRACT_FILTER_IN_KEYS), params)


def _funding_amounts(list_query: ListQuery) -> LiteralString:
    return (
        "WITH $parent AS k\nCALL (k) {\n"
        + list_query.body
        + "\n}\nWITH DISTINCT n, edge WHERE "
        + list_query.filter
        + """
WITH DISTINCT n
OPTIONAL MATCH (n)-[:SHARE_OF*1..]->(whole:Funding)
RETURN n.key AS key, n.amount AS amount, n.amountQualifier AS qualifier,
       collect(DISTINCT whole.key) AS shareOf"""
    )


async def funding_amounts(
    reader: GraphReader, list_query: ListQuery, parent: str, where: ListFilter
) -> list[Row]:
    """Key, amount, amount qualifier and the fundings it is a share of (``shareOf``, its
    whole chain) of every funding of the list ``list_query`` under ``parent`` meeting
    ``where`` (the whole list, not a page), for :func:`domain.fundings.funding_total`."""
    return await reader.read(_funding_amounts(list_query), {**where.params(), "parent": parent})
