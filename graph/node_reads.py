"""Reading nodes by key, full-text search and the counts researchers ask for.

Node labels only come from :data:`NODE_QUERIES` (fixed text); keys are parameters.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import LiteralString

from domain.names import fold
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
RETURN n {.*, labels: labels(n)} AS node, score
ORDER BY score DESC, coalesce(n.nameKey, n.sortName), coalesce(n.key, n.code)
LIMIT $limit
"""


def lucene_query(text: str) -> str | None:
    """A Lucene query for what a person typed: every word must match, the last one as a
    prefix (so suggestions work while typing); exact words rank first. ``None`` when the
    text has no word. Words are folded and reduced to letters and digits, so no Lucene
    syntax from the client reaches the parser."""
    words = re.findall(r"[0-9a-z]+", fold(text))
    if not words:
        return None
    exact = " AND ".join(words)
    prefix = " AND ".join([*words[:-1], words[-1] + "*"])
    return f"({exact})^2 OR ({prefix})"


async def search(
    reader: GraphReader, text: str, labels: Sequence[str] | None, limit: int
) -> list[tuple[Row, float]]:
    """Nodes whose name, title or aliases (a statement: its text or quote) match ``text``,
    best first, with their score."""
    lucene = lucene_query(text)
    if lucene is None:
        return []
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
    return [(dict(record["node"]), float(record["score"])) for record in records]


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
