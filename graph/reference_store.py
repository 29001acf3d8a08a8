"""Writing the French territorial reference (régions, départements, EPCI, communes).

The records come from :mod:`loaders.reference`; this module only writes them, in
``UNWIND`` batches inside **one** write transaction, so a load either lands whole or
leaves the graph as it was. Every statement MERGEs on the node keys, so re-running a
load creates nothing.

Graph shape::

    (:Commune:Territory)-[:MEMBER_OF]->(:EPCI:Territory)
    (:Commune)-[:IN]->(:Departement:Territory)-[:IN]->(:Region:Territory)
    (:EPCI)-[:IN {communes}]->(:Departement)      one per département of its members
    (:ReferenceData {key, package, version, vintage, departements})
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, LiteralString

from neo4j import Driver, ManagedTransaction

from domain.names import fold
from domain.vocabulary import TerritoryKind

REFERENCE_KEY = "decoupage-administratif"


@dataclass(frozen=True)
class RegionRecord:
    code: str
    name: str
    population: int


@dataclass(frozen=True)
class DepartementRecord:
    code: str
    name: str
    region: str
    population: int


@dataclass(frozen=True)
class EpciRecord:
    code: str  # SIREN
    name: str
    epci_type: str  # CC, CA, CU, METRO, MET69
    financing: str
    population: int
    population_municipale: int
    #: member communes in the whole reference (a scoped load may hold fewer)
    member_count: int


@dataclass(frozen=True)
class CommuneRecord:
    code: str  # INSEE
    name: str
    siren: str | None
    population: int | None
    postal_codes: tuple[str, ...]
    departement: str
    region: str
    epci: str | None


@dataclass(frozen=True)
class ReferenceRecords:
    """A validated, self-consistent extract of the reference, ready to write."""

    package: str
    version: str
    vintage: int
    #: the départements whose communes and EPCI are included (all of them for France)
    departements_loaded: tuple[str, ...]
    regions: tuple[RegionRecord, ...]
    departements: tuple[DepartementRecord, ...]
    epcis: tuple[EpciRecord, ...]
    communes: tuple[CommuneRecord, ...]
    #: (EPCI SIREN, département code, number of member communes in that département)
    epci_departements: tuple[tuple[str, str, int], ...] = field(default=())

    def row_count(self) -> int:
        """Node and relationship rows a load writes (the unit of the load rate)."""
        return (
            len(self.regions)
            + 2 * len(self.departements)  # node + IN région
            + len(self.epcis)
            + 2 * len(self.communes)  # node + IN département
            + sum(1 for c in self.communes if c.epci)  # MEMBER_OF
            + len(self.epci_departements)
        )


@dataclass(frozen=True)
class WriteSummary:
    """What a load changed, from Neo4j's own counters."""

    rows: int
    nodes_created: int
    relationships_created: int
    relationships_deleted: int
    properties_set: int


_MERGE_REGIONS: LiteralString = """
UNWIND $rows AS row
MERGE (n:Region {code: row.code})
SET n:Territory, n += row.props
"""

_MERGE_DEPARTEMENTS: LiteralString = """
UNWIND $rows AS row
MERGE (n:Departement {code: row.code})
SET n:Territory, n += row.props
WITH n, row
MATCH (r:Region {code: row.region})
MERGE (n)-[:IN]->(r)
"""

_MERGE_EPCIS: LiteralString = """
UNWIND $rows AS row
MERGE (n:EPCI {code: row.code})
SET n:Territory, n += row.props
"""

_MERGE_COMMUNES: LiteralString = """
UNWIND $rows AS row
MERGE (n:Commune {code: row.code})
SET n:Territory, n += row.props
WITH n, row
MATCH (d:Departement {code: row.departement})
MERGE (n)-[:IN]->(d)
"""

# A commune that changed EPCI between vintages must not stay a member of the old one.
# The expansion sits in a subquery anchored on the commune already found, so its plan
# cannot depend on statistics: planned on an empty graph (a first load), a flat MATCH
# was cached as "scan every EPCI, join back to the commune", which a re-load seconds
# later ran on a full graph at 35k rows x 1,255 EPCI (three minutes instead of one
# second). See docs/performance.md.
_DELETE_STALE_MEMBERSHIPS: LiteralString = """
UNWIND $rows AS row
MATCH (c:Commune {code: row.commune})
CALL (c, row) {
  MATCH (c)-[m:MEMBER_OF]->(e)
  WHERE e.code <> coalesce(row.epci, '')
  DELETE m
}
"""

_MERGE_MEMBERSHIPS: LiteralString = """
UNWIND $rows AS row
MATCH (c:Commune {code: row.commune})
MATCH (e:EPCI {code: row.epci})
MERGE (c)-[:MEMBER_OF]->(e)
"""

_MERGE_EPCI_DEPARTEMENTS: LiteralString = """
UNWIND $rows AS row
MATCH (e:EPCI {code: row.epci})
MATCH (d:Departement {code: row.departement})
MERGE (e)-[r:IN]->(d)
SET r.communes = row.communes
"""

_READ_LOADED_SCOPE: LiteralString = """
OPTIONAL MATCH (s:ReferenceData {key: $key})
RETURN coalesce(s.departements, []) AS departements
"""

_MERGE_REFERENCE_DATA: LiteralString = """
MERGE (s:ReferenceData {key: $key})
SET s += $props
"""


def write_reference(
    driver: Driver,
    database: str,
    records: ReferenceRecords,
    batch_size: int = 10_000,
    progress: Callable[[int], None] | None = None,
) -> WriteSummary:
    """Write ``records`` in one transaction; return Neo4j's counters.

    ``progress`` is called with the number of rows of each batch once it is written.
    Nothing is visible to readers, and nothing remains on failure, until the commit.
    """
    batches = list(_batches(records, batch_size))

    def work(tx: ManagedTransaction) -> WriteSummary:
        totals = dict.fromkeys(
            ("nodes_created", "relationships_created", "relationships_deleted", "properties_set"),
            0,
        )
        for query, rows, weight in batches:
            counters = tx.run(query, rows=rows).consume().counters
            totals["nodes_created"] += counters.nodes_created
            totals["relationships_created"] += counters.relationships_created
            totals["relationships_deleted"] += counters.relationships_deleted
            totals["properties_set"] += counters.properties_set
            if progress is not None and weight:
                progress(weight)
        already = tx.run(_READ_LOADED_SCOPE, key=REFERENCE_KEY).single()
        scope = sorted(
            set(already["departements"] if already else []) | set(records.departements_loaded)
        )
        tx.run(
            _MERGE_REFERENCE_DATA,
            key=REFERENCE_KEY,
            props={
                "name": "Découpage administratif (Etalab)",
                "package": records.package,
                "version": records.version,
                "vintage": records.vintage,
                "departements": scope,
            },
        ).consume()
        return WriteSummary(rows=records.row_count(), **totals)

    with driver.session(database=database) as session:  # pyright: ignore[reportUnknownMemberType]  neo4j: untyped **config
        return session.execute_write(work)


def epci_properties(epci: EpciRecord, vintage: int) -> dict[str, Any]:
    """The properties an EPCI node gets."""
    return {
        "code": epci.code,
        "siren": epci.code,
        "name": epci.name,
        "epciType": epci.epci_type,
        "financing": epci.financing,
        "population": epci.population,
        "populationMunicipale": epci.population_municipale,
        "memberCount": epci.member_count,
        "sortName": fold(epci.name),
        "kind": TerritoryKind.EPCI.value,
        "vintage": vintage,
    }


def commune_properties(commune: CommuneRecord, vintage: int) -> dict[str, Any]:
    """The properties a commune node gets."""
    return {
        "code": commune.code,
        "name": commune.name,
        "siren": commune.siren,
        "population": commune.population,
        "postalCodes": list(commune.postal_codes),
        "departement": commune.departement,
        "region": commune.region,
        "sortName": fold(commune.name),
        "kind": TerritoryKind.COMMUNE.value,
        "vintage": vintage,
    }


def _batches(
    records: ReferenceRecords, size: int
) -> Iterator[tuple[LiteralString, list[dict[str, Any]], int]]:
    """(query, rows, rows counted for progress) in dependency order."""
    vintage = records.vintage

    def chunks(
        query: LiteralString, rows: Sequence[dict[str, Any]], rows_per_item: int
    ) -> Iterator[tuple[LiteralString, list[dict[str, Any]], int]]:
        for start in range(0, len(rows), size):
            chunk = list(rows[start : start + size])
            yield query, chunk, len(chunk) * rows_per_item

    regions = [
        {
            "code": r.code,
            "props": {
                **asdict(r),
                "kind": TerritoryKind.REGION.value,
                "vintage": vintage,
                "sortName": fold(r.name),
            },
        }
        for r in records.regions
    ]
    departements = [
        {
            "code": d.code,
            "region": d.region,
            "props": {
                **asdict(d),
                "kind": TerritoryKind.DEPARTEMENT.value,
                "vintage": vintage,
                "sortName": fold(d.name),
            },
        }
        for d in records.departements
    ]
    epcis = [{"code": e.code, "props": epci_properties(e, vintage)} for e in records.epcis]
    communes = [
        {"code": c.code, "departement": c.departement, "props": commune_properties(c, vintage)}
        for c in records.communes
    ]
    memberships = [{"commune": c.code, "epci": c.epci} for c in records.communes]
    epci_departements = [
        {"epci": e, "departement": d, "communes": n} for e, d, n in records.epci_departements
    ]
    yield from chunks(_MERGE_REGIONS, regions, 1)
    yield from chunks(_MERGE_DEPARTEMENTS, departements, 2)
    yield from chunks(_MERGE_EPCIS, epcis, 1)
    yield from chunks(_MERGE_COMMUNES, communes, 2)
    yield from chunks(_DELETE_STALE_MEMBERSHIPS, memberships, 0)
    yield from chunks(_MERGE_MEMBERSHIPS, [m for m in memberships if m["epci"] is not None], 1)
    yield from chunks(_MERGE_EPCI_DEPARTEMENTS, epci_departements, 1)


def graph_counts(driver: Driver, database: str) -> dict[str, int]:
    """Node counts per label and relationship counts per type (``:TYPE`` keys)."""
    counts: dict[str, int] = {}
    with driver.session(database=database, default_access_mode="READ") as session:  # pyright: ignore[reportUnknownMemberType]  neo4j: untyped **config
        for label in session.run("CALL db.labels() YIELD label RETURN label").value():
            counts[label] = session.run(
                "MATCH (n) WHERE $label IN labels(n) RETURN count(n)", label=label
            ).single(strict=True)[0]
        for rel_type in session.run(
            "CALL db.relationshipTypes() YIELD relationshipType RETURN relationshipType"
        ).value():
            counts[":" + rel_type] = session.run(
                "MATCH ()-[r]->() WHERE type(r) = $t RETURN count(r)", t=rel_type
            ).single(strict=True)[0]
    return counts
