"""Reading territories for the API, batched by key so that a GraphQL request costs one
Cypher query per nesting level whatever the number of objects (see
``schema/dataloaders.py``).

Every function takes a list of codes and returns, per code, plain dicts of node
properties (the ``kind`` property says which kind of territory a dict is).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import LiteralString

from graph.reader import GraphReader, Row

_TERRITORIES_BY_CODE: LiteralString = """
UNWIND $codes AS code
MATCH (t:Territory {code: code})
RETURN code AS key, t {.*} AS node
ORDER BY t.kind
"""

_DEPARTEMENTS_BY_CODE: LiteralString = """
UNWIND $codes AS code
MATCH (t:Departement {code: code})
RETURN code AS key, t {.*} AS node
"""

_REGIONS_BY_CODE: LiteralString = """
UNWIND $codes AS code
MATCH (t:Region {code: code})
RETURN code AS key, t {.*} AS node
"""

_EPCI_OF_COMMUNES: LiteralString = """
UNWIND $codes AS code
MATCH (:Commune {code: code})-[:MEMBER_OF]->(e:EPCI)
RETURN code AS key, e {.*} AS node
"""

_REFERENCE_INFO: LiteralString = """
MATCH (s:ReferenceData)
RETURN s {.*} AS node
ORDER BY s.key
"""


async def territories_by_code(reader: GraphReader, codes: Sequence[str]) -> dict[str, list[Row]]:
    """Every territory with each code (a région and a département may share one)."""
    return await reader.grouped(_TERRITORIES_BY_CODE, codes)


async def departements_by_code(reader: GraphReader, codes: Sequence[str]) -> dict[str, list[Row]]:
    """The département with each code."""
    return await reader.grouped(_DEPARTEMENTS_BY_CODE, codes)


async def regions_by_code(reader: GraphReader, codes: Sequence[str]) -> dict[str, list[Row]]:
    """The région with each code."""
    return await reader.grouped(_REGIONS_BY_CODE, codes)


async def epci_of_communes(reader: GraphReader, codes: Sequence[str]) -> dict[str, list[Row]]:
    """The EPCI each commune (INSEE code) is a member of (none for a few islands)."""
    return await reader.grouped(_EPCI_OF_COMMUNES, codes)


async def reference_info(reader: GraphReader) -> list[Row]:
    """The reference data sets loaded (package, version, vintage, départements)."""
    records = await reader.read(_REFERENCE_INFO)
    return [dict(r["node"]) for r in records]


_INDEX: LiteralString = """
CALL () { MATCH (c:Commune) OPTIONAL MATCH (c)-[:MEMBER_OF]->(e:EPCI)
          RETURN collect([c.code, c.name, e.code]) AS communes }
CALL () { MATCH (e:EPCI) RETURN collect([e.code, e.name]) AS epcis }
CALL () { MATCH (d:Departement) RETURN collect([d.code, d.name]) AS departements }
CALL () { MATCH (r:Region) RETURN collect([r.code, r.name]) AS regions }
RETURN communes, epcis, departements, regions
"""


async def territory_codes(reader: GraphReader) -> Row:
    """Every territory code and name in the graph (communes with their EPCI), for
    checking the codes curation mutations name."""
    (row,) = await reader.read(_INDEX)
    return row
