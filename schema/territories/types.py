"""GraphQL types of the French administrative map: communes, EPCI, départements, régions."""

from __future__ import annotations

import datetime
from dataclasses import replace
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from domain import vocabulary
from domain.errors import UserFacingError
from domain.vocabulary import TERRITORY_LABEL, PartnerKind
from domain.vocabulary import TerritoryKind as TerritoryKind
from domain.vocabulary import normalise_code as normalise_code
from domain.vocabulary import scope_uid as scope_uid
from graph import partnership_reads as reads
from graph.list_reads import NAME, ListFilter, Sort
from graph.reader import Row
from schema.common import (
    After,
    Before,
    Certainty,
    First,
    Last,
    Text,
    enum_values,
    folded_text,
    kind_codes,
)
from schema.context import Info
from schema.contract_filter import CONTRACT_SORTS, ContractFilter, ContractSort, contract_conditions
from schema.dates import ActivityArgument
from schema.partnerships.provenance import Provenance
from schema.registry import register
from schema.relay import (
    Connection,
    ConnectionOf,
    Node,
    connect,
    first_linked,
    global_id,
    listed,
    node_edges,
)

if TYPE_CHECKING:
    from schema.partnerships.contracts import Contract
    from schema.partnerships.partners import Partner

ContractRef = Annotated["Contract", strawberry.lazy("schema.partnerships.contracts")]
PartnerRef = Annotated["Partner", strawberry.lazy("schema.partnerships.partners")]


strawberry.enum(
    TerritoryKind, name="TerritoryKind", description="The kinds of territory in the graph."
)


@strawberry.enum(description="Orders of territory lists.")
class TerritorySort(Enum):
    NAME = "NAME"
    CODE = "CODE"
    POPULATION_DESC = "POPULATION_DESC"


TERRITORY_SORTS = {
    TerritorySort.NAME: NAME,
    TerritorySort.CODE: reads.BY_CODE,
    TerritorySort.POPULATION_DESC: reads.BY_POPULATION_DESC,
}


@listed(edge="A territory in a list.", node="The territory.", page="A page of territories.")
@strawberry.interface(
    description=(
        "A territory of the official French map, keyed by its official code: INSEE code for "
        "a commune, SIREN for an EPCI, code for a département or région."
    )
)
class Territory(Node):
    code: str = strawberry.field(
        description="Official code (INSEE, SIREN, département or région); the key of a "
        "sub-territory."
    )
    name: str = strawberry.field(description="Official name in the reference.")
    kind: TerritoryKind = strawberry.field(description="Which kind of territory this is.")
    population: int | None = strawberry.field(
        description="Population (total population for an EPCI; sum of its communes for a "
        "département or région); null when the reference has none."
    )
    vintage: int | None = strawberry.field(
        description="Year of the territorial reference this territory comes from."
    )
    uid: strawberry.Private[str]

    @strawberry.field(
        description="Contracts covering this territory or part of it, with how each reaches "
        "it: a commune is reached by contracts covering it, its EPCI or a sub-territory "
        "including it; a larger territory also by contracts covering any part of it."
    )
    async def contracts(
        self,
        info: Info,
        active_on: Annotated[
            datetime.date | None,
            strawberry.argument(
                description="Only contracts applying on this date: certainly (ACTIVE) unless "
                "`activity` asks for more, e.g. [ACTIVE, UNKNOWN] for the possibly active."
            ),
        ] = None,
        activity: ActivityArgument = None,
        kinds: Annotated[
            list[str] | None,
            strawberry.argument(description="Only these contract kinds (`ctg`, `cej`…)."),
        ] = None,
        filter: ContractFilter | None = None,
        sort: ContractSort = ContractSort.NAME,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> TerritoryContractConnection:
        where = contract_conditions(filter)
        if active_on is not None:
            where = replace(where, active_on=active_on)
        if activity is not None:
            where = replace(where, activity=enum_values(activity))
        if kinds is not None:
            where = replace(where, kinds=kind_codes(kinds))
        return await connect(
            info,
            TerritoryContractConnection,
            reads.TERRITORY_CONTRACTS,
            self.uid,
            CONTRACT_SORTS[sort],
            _territory_contract_edge,
            where=where,
            first=first,
            after=after,
            last=last,
            before=before,
        )

    @strawberry.field(
        description="Partners governing or serving this territory or a territory containing "
        "it (its EPCI, sub-territories, département, région), with through which."
    )
    async def partners(
        self,
        info: Info,
        kinds: Annotated[
            list[PartnerKind] | None,
            strawberry.argument(description="Only these kinds of partner."),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> TerritoryPartnerConnection:
        return await connect(
            info,
            TerritoryPartnerConnection,
            reads.TERRITORY_PARTNERS,
            self.uid,
            NAME,
            _territory_partner_edge,
            where=ListFilter(partner_kinds=enum_values(kinds)),
            first=first,
            after=after,
            last=last,
            before=before,
        )


@listed(edge="A commune in a list.", node="The commune.", page="A page of communes.")
@register(TERRITORY_LABEL[TerritoryKind.COMMUNE])
@strawberry.type(description="A current commune (commune actuelle).")
class Commune(Territory):
    siren: str | None = strawberry.field(description="SIREN of the commune as an organisation.")
    postal_codes: list[str] = strawberry.field(description="Postal codes serving the commune.")
    departement_code: strawberry.Private[str]
    region_code: strawberry.Private[str]

    @strawberry.field(description="The département the commune lies in.")
    async def departement(self, info: Info) -> Departement | None:
        rows = await info.context.territories.departement.load(self.departement_code)
        return Departement.from_row(rows[0]) if rows else None

    @strawberry.field(description="The région the commune lies in.")
    async def region(self, info: Info) -> Region | None:
        rows = await info.context.territories.region.load(self.region_code)
        return Region.from_row(rows[0]) if rows else None

    @strawberry.field(
        description="The EPCI (intercommunality) the commune is a member of; null for the "
        "few communes in none (some islands)."
    )
    async def epci(self, info: Info) -> Epci | None:
        rows = await info.context.territories.epci_of_commune.load(self.code)
        return Epci.from_row(rows[0]) if rows else None

    @classmethod
    def from_row(cls, row: Row) -> Commune:
        return cls(
            **_common(row),
            siren=row.get("siren"),
            postal_codes=list(row.get("postalCodes") or []),
            departement_code=row["departement"],
            region_code=row["region"],
        )


@register(TERRITORY_LABEL[TerritoryKind.EPCI])
@strawberry.type(
    name=TERRITORY_LABEL[TerritoryKind.EPCI],
    description=(
        "An établissement public de coopération intercommunale à fiscalité propre: CC, CA, "
        "CU or métropole, keyed by SIREN."
    ),
)
class Epci(Territory):
    epci_type: str = strawberry.field(
        description="CC, CA, CU, METRO (métropole) or MET69 (Métropole de Lyon)."
    )
    financing: str | None = strawberry.field(description="Fiscal regime (FPU, FA…).")
    member_count: int = strawberry.field(
        description="Number of member communes in the reference (all of them, even when only "
        "some départements are loaded)."
    )

    @strawberry.field(description="Member communes loaded in the graph, by name.")
    async def members(
        self,
        info: Info,
        text: Text = None,
        sort: TerritorySort = TerritorySort.NAME,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Commune]:
        return await connect(
            info,
            Connection[Commune],
            reads.EPCI_MEMBERS,
            self.uid,
            TERRITORY_SORTS[sort],
            node_edges(Commune.from_row),
            where=ListFilter(text=folded_text(text)),
            first=first,
            after=after,
            last=last,
            before=before,
        )

    @strawberry.field(description="Départements its member communes lie in, most members first.")
    async def departements(
        self, info: Info, first: First = None, after: After = None
    ) -> EpciDepartementConnection:
        return await connect(
            info,
            EpciDepartementConnection,
            reads.EPCI_DEPARTEMENTS,
            self.uid,
            _BY_MEMBERS,
            lambda cursor, item: EpciDepartementEdge(
                cursor=cursor,
                node=Departement.from_row(item["node"]),
                member_communes=int(item["edge"].get("communes") or 0),
            ),
            first=first,
            after=after,
        )

    @strawberry.field(description="Sub-territories (bassins de vie…) defined inside it.")
    async def sub_territories(
        self, info: Info, first: First = None, after: After = None
    ) -> Connection[Territory]:
        return await connect(
            info,
            Connection[Territory],
            reads.EPCI_SUB_TERRITORIES,
            self.uid,
            NAME,
            node_edges(territory_from_row),
            first=first,
            after=after,
        )

    @classmethod
    def from_row(cls, row: Row) -> Epci:
        return cls(
            **_common(row),
            epci_type=row["epciType"],
            financing=row.get("financing") or None,
            member_count=int(row.get("memberCount") or 0),
        )


@listed(edge="A département in a list.", node="The département.", page="A page of départements.")
@register(TERRITORY_LABEL[TerritoryKind.DEPARTEMENT])
@strawberry.type(description="A département.")
class Departement(Territory):
    region_code: strawberry.Private[str]

    @strawberry.field(description="The région of the département.")
    async def region(self, info: Info) -> Region | None:
        rows = await info.context.territories.region.load(self.region_code)
        return Region.from_row(rows[0]) if rows else None

    @classmethod
    def from_row(cls, row: Row) -> Departement:
        return cls(**_common(row), region_code=row["region"])


@register(TERRITORY_LABEL[TerritoryKind.REGION])
@strawberry.type(description="A région.")
class Region(Territory):
    @strawberry.field(description="Départements of the région, by code.")
    async def departements(
        self, info: Info, first: First = None, after: After = None
    ) -> Connection[Departement]:
        return await connect(
            info,
            Connection[Departement],
            reads.REGION_DEPARTEMENTS,
            self.uid,
            reads.BY_CODE,
            node_edges(Departement.from_row),
            first=first,
            after=after,
        )

    @classmethod
    def from_row(cls, row: Row) -> Region:
        return cls(**_common(row))


@register(TERRITORY_LABEL[TerritoryKind.SUB_TERRITORY])
@strawberry.type(
    description="A territory defined by a dataset as a set of communes, e.g. a bassin de "
    "vie of an intercommunality; keyed by its dataset key."
)
class SubTerritory(Territory):
    aliases: list[str] = strawberry.field(description="Other names it goes by.")
    provenance: Provenance = strawberry.field(
        description="Where its definition (and list of communes) comes from."
    )

    @strawberry.field(description="Its communes.")
    async def communes(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Commune]:
        return await connect(
            info,
            Connection[Commune],
            reads.SUB_TERRITORY_COMMUNES,
            self.uid,
            NAME,
            node_edges(Commune.from_row),
            first=first,
            after=after,
            last=last,
            before=before,
        )

    @strawberry.field(description="The EPCI it is part of.")
    async def epci(self, info: Info) -> Epci | None:
        row = await first_linked(info, reads.SUB_TERRITORY_EPCI, self.uid)
        return Epci.from_row(row) if row else None

    @classmethod
    def from_row(cls, row: Row) -> SubTerritory:
        return cls(
            **_common(row),
            aliases=list(row.get("aliases") or []),
            provenance=Provenance.from_row(row),
        )


@strawberry.type(description="A département an EPCI's members lie in.")
class EpciDepartementEdge:
    cursor: str = strawberry.field(description="Cursor of this item.")
    node: Departement = strawberry.field(description="The département.")
    member_communes: int = strawberry.field(
        description="How many of the EPCI's communes lie in it."
    )


@strawberry.type(description="A page of an EPCI's départements.")
class EpciDepartementConnection(ConnectionOf[EpciDepartementEdge]):
    pass


_BY_MEMBERS = Sort("MEMBERS_DESC", "coalesce(edge.communes, 0)", descending=True)


@strawberry.enum(description="How a contract reaches a territory.")
class CoverageReach(Enum):
    DIRECT = strawberry.enum_value("DIRECT", description="It covers this territory itself.")
    THROUGH_EPCI = strawberry.enum_value(
        "THROUGH_EPCI", description="It covers the EPCI this commune or sub-territory is in."
    )
    THROUGH_SUB_TERRITORY = strawberry.enum_value(
        "THROUGH_SUB_TERRITORY", description="It covers a sub-territory including this commune."
    )
    PART = strawberry.enum_value(
        "PART", description="It covers a part of this territory (communes, an EPCI…)."
    )


@strawberry.type(description="One covered territory through which a contract reaches another.")
class CoverageLink:
    territory: Territory = strawberry.field(description="The territory the contract covers.")
    reach: CoverageReach = strawberry.field(description="How that reaches the asked territory.")
    certainty: Certainty | None = strawberry.field(
        description="Stated or inferred reach, as certain as the weakest fact it rests on: the "
        "covers link, the contract, and for a reach through a sub-territory its membership "
        "(inferred when the dataset infers the sub-territory or its communes)."
    )
    reason: str | None = strawberry.field(description="Why it was inferred.")


@strawberry.type(description="A contract reaching a territory, and how.")
class TerritoryContractEdge:
    cursor: str = strawberry.field(description="Cursor of this item.")
    node: ContractRef = strawberry.field(description="The contract.")
    via: list[CoverageLink] = strawberry.field(
        description="The territories it covers that reach the asked one."
    )

    @strawberry.field(description="The distinct ways it reaches the asked territory.")
    def reach(self) -> list[CoverageReach]:
        return sorted({link.reach for link in self.via}, key=lambda r: r.name)


@strawberry.type(description="A page of contracts reaching a territory.")
class TerritoryContractConnection(ConnectionOf[TerritoryContractEdge]):
    pass


def _territory_contract_edge(cursor: str, item: Row) -> TerritoryContractEdge:
    from schema.partnerships.contracts import Contract

    return TerritoryContractEdge(
        cursor=cursor,
        node=Contract.from_row(item["node"]),
        via=[_coverage_link(item["node"], link) for link in item["edge"]["via"]],
    )


def _coverage_link(contract: Row, link: Row) -> CoverageLink:
    """A covers link as a reach of the asked territory, with the derived certainty: a
    derived fact is as certain as the weakest fact it rests on (DESIGN §3)."""
    reach = CoverageReach(link["reach"])
    territory: Row = link["territory"]
    certainty = Certainty(link["certainty"]) if link.get("certainty") else None
    reason: str | None = link.get("reason")
    if contract.get("certainty") == Certainty.INFERRED and certainty is not Certainty.INFERRED:
        certainty = Certainty.INFERRED
        reason = contract.get("reason") or f"the contract {contract.get('key')} is inferred"
    through_sub_territory = reach is not CoverageReach.DIRECT and "SubTerritory" in (
        territory.get("labels") or ()
    )
    if through_sub_territory and certainty is not Certainty.INFERRED:
        membership = [
            str(field).partition(":")[2].strip()
            for field in territory.get("inferredFields") or ()
            if str(field).startswith("communes:")
        ]
        if membership or territory.get("certainty") == Certainty.INFERRED:
            certainty = Certainty.INFERRED
            why = membership[0] if membership else territory.get("reason") or "it is inferred"
            reason = f"through the sub-territory {territory.get('key')}, whose communes are " + (
                f"inferred: {why}" if membership else f"uncertain: {why}"
            )
    return CoverageLink(
        territory=territory_from_row(territory),
        reach=reach,
        certainty=certainty,
        reason=reason,
    )


@strawberry.type(description="A partner of a territory and through which territory.")
class PartnerLink:
    territory: Territory = strawberry.field(description="The territory it governs or serves.")
    relation: str = strawberry.field(description="GOVERNS or SERVES.")
    direct: bool = strawberry.field(description="Whether that is the asked territory itself.")


@strawberry.type(description="A partner of a territory.")
class TerritoryPartnerEdge:
    cursor: str = strawberry.field(description="Cursor of this item.")
    node: PartnerRef = strawberry.field(description="The partner.")
    via: list[PartnerLink] = strawberry.field(
        description="Which territories (this one or one containing it) it governs or serves."
    )


@strawberry.type(description="A page of partners of a territory.")
class TerritoryPartnerConnection(ConnectionOf[TerritoryPartnerEdge]):
    pass


def _territory_partner_edge(cursor: str, item: Row) -> TerritoryPartnerEdge:
    from schema.partnerships.partners import Partner

    return TerritoryPartnerEdge(
        cursor=cursor,
        node=Partner.from_row(item["node"]),
        via=[
            PartnerLink(
                territory=territory_from_row(link["territory"]),
                relation=link["relation"],
                direct=bool(link["direct"]),
            )
            for link in item["edge"]["via"]
        ],
    )


_BUILDERS = {
    TerritoryKind.COMMUNE: Commune.from_row,
    TerritoryKind.EPCI: Epci.from_row,
    TerritoryKind.DEPARTEMENT: Departement.from_row,
    TerritoryKind.REGION: Region.from_row,
    TerritoryKind.SUB_TERRITORY: SubTerritory.from_row,
}


def territory_from_row(row: Row) -> Territory:
    """The GraphQL object for a territory node's properties."""
    return _BUILDERS[TerritoryKind(row["kind"])](row)


def pick_territory(code: str, rows: list[Row], kind: TerritoryKind | None) -> Territory | None:
    """The one territory among ``rows`` of ``kind``; refuse an ambiguous code."""
    if kind is not None:
        rows = [row for row in rows if row["kind"] == kind.value]
    if not rows:
        return None
    if len(rows) > 1:
        names = " and ".join(f"{row['kind']} {row['name']}" for row in rows)
        kinds = " or ".join(row["kind"].upper() for row in rows)
        raise UserFacingError(
            f"Code {code!r} names several territories ({names}); pass kind: {kinds}."
        )
    return territory_from_row(rows[0])


def territory_uid(row: Row) -> str:
    """The uid lists use for a territory: ``kind:code``, or a sub-territory's key."""
    if row.get("key"):
        return str(row["key"])
    return vocabulary.territory_uid(TerritoryKind(row["kind"]), str(row["code"]))


def _common(row: Row) -> dict[str, Any]:
    code = row.get("code") or row["key"]
    return {
        "id": global_id(TERRITORY_LABEL[TerritoryKind(row["kind"])], code),
        "uid": territory_uid(row),
        "code": code,
        "name": row["name"],
        "kind": TerritoryKind(row["kind"]),
        "population": row.get("population"),
        "vintage": row.get("vintage"),
    }
