"""GraphQL types of the partnership graph: partners, people, contracts, axes, fiches
actions, themes, fundings, governance bodies and sources, with their connections.

Leaf fields are plain attributes filled from the node's properties; links are resolvers
that read through the per-request loaders (see :func:`schema.relay.connect`).
"""

from __future__ import annotations

import asyncio
import datetime
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from graph import partnership_reads as reads
from graph.list_reads import NAME
from graph.reader import Row
from loaders.dataset_format import PartnerKind
from schema.common import (
    After,
    Before,
    Certainty,
    ContractStatus,
    First,
    Last,
    Qualifier,
    Text,
    as_date,
    folded_text,
    provenance_fields,
    theme_codes,
)
from schema.context import Info
from schema.contract_filter import CONTRACT_SORTS, ContractFilter, ContractSort, contract_params
from schema.registry import node_from_row, register
from schema.relay import Connection, Node, connect, first_linked, global_id, page_args

if TYPE_CHECKING:
    from schema.territories.types import Territory

TerritoryRef = Annotated["Territory", strawberry.lazy("schema.territories.types")]


# -- provenance --------------------------------------------------------------------------
@strawberry.type(description="Where a fact comes from and how sure it is.")
class Provenance:
    certainty: Certainty | None = strawberry.field(
        description="Stated by the source, or inferred by the dataset's author."
    )
    reason: str | None = strawberry.field(description="Why the author inferred it.")
    inferred_fields: list[str] = strawberry.field(
        description="Parts of a stated fact that were inferred, each as `field: reason`."
    )
    dataset: str | None = strawberry.field(
        description="Key of the dataset that loaded the fact (`curation` for API edits)."
    )
    curated_by: str | None = strawberry.field(
        description="Who last changed it through the API, when someone did."
    )
    source_keys: strawberry.Private[list[str]]

    @strawberry.field(description="The documents the fact comes from.")
    async def sources(self, info: Info) -> list[Source]:
        loads = (info.context.nodes.load("Source", key) for key in self.source_keys)
        rows = await asyncio.gather(*loads)
        return [Source.from_row(row) for row in rows if row is not None]


def _provenance(row: Row) -> Provenance:
    return Provenance(**provenance_fields(row))


# -- sources -----------------------------------------------------------------------------
@register("Source")
@strawberry.type(description="A document facts come from: an article, a report, a decision.")
class Source(Node):
    key: str = strawberry.field(description="Key of the source in its dataset.")
    title: str = strawberry.field(description="Title of the document.")
    publisher: str | None = strawberry.field(description="Who published it.")
    date: datetime.date | None = strawberry.field(description="Publication date.")
    url: str | None = strawberry.field(description="Where to read it online.")
    file: str | None = strawberry.field(description="Path of a copy kept with the data.")
    note: str | None = strawberry.field(description="What the dataset's author notes about it.")

    @classmethod
    def from_row(cls, row: Row) -> Source:
        return cls(
            id=global_id("Source", row["key"]),
            key=row["key"],
            title=row.get("title") or row["key"],
            publisher=row.get("publisher"),
            date=as_date(row.get("date")),
            url=row.get("url"),
            file=row.get("file"),
            note=row.get("note"),
        )

    @strawberry.field(description="Everything recorded from this source.")
    async def nodes(
        self,
        info: Info,
        text: Text = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> NodeConnection:
        return await connect(
            info,
            NodeConnection,
            reads.SOURCE_FACTS,
            self.key,
            NAME,
            lambda cursor, item: NodeEdge(cursor=cursor, node=node_from_row(item["node"])),
            params={"text": folded_text(text)},
            **page_args(first, after, last, before),
        )


@strawberry.type(description="A source in a list.")
class SourceEdge:
    cursor: str = strawberry.field(description="Cursor of this item.")
    node: Source = strawberry.field(description="The source.")


@strawberry.type(description="A page of sources.")
class SourceConnection(Connection[SourceEdge]):
    pass


@strawberry.type(description="A node in a list of mixed kinds.")
class NodeEdge:
    cursor: str = strawberry.field(description="Cursor of this item.")
    node: Node = strawberry.field(description="The node.")


@strawberry.type(description="A page of nodes of any kind.")
class NodeConnection(Connection[NodeEdge]):
    pass


# -- themes and kinds ----------------------------------------------------------------------
@register("Theme")
@strawberry.type(
    description="A theme of public action (the Cnaf's domains and more), from the "
    "controlled vocabulary in data/vocabularies/themes.yaml."
)
class Theme(Node):
    code: str = strawberry.field(description="Code of the theme (`petite-enfance`…).")
    name: str = strawberry.field(description="French label.")
    name_en: str | None = strawberry.field(description="English label.")
    cnaf_domain: bool = strawberry.field(description="Whether it is one of the Cnaf's domains.")
    cnaf_minimum: bool = strawberry.field(
        description="Whether every CTG must address it (petite enfance, jeunesse, parentalité)."
    )

    @classmethod
    def from_row(cls, row: Row) -> Theme:
        return cls(
            id=global_id("Theme", row["key"]),
            code=row["key"],
            name=row.get("name") or row["key"],
            name_en=row.get("nameEn"),
            cnaf_domain=bool(row.get("cnafDomain")),
            cnaf_minimum=bool(row.get("cnafMinimum")),
        )

    @strawberry.field(description="Fiches actions addressing this theme.")
    async def actions(
        self,
        info: Info,
        text: Text = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> ActionConnection:
        return await connect(
            info,
            ActionConnection,
            reads.THEME_ACTIONS,
            self.code,
            NAME,
            _action_edge,
            params={"text": folded_text(text)},
            **page_args(first, after, last, before),
        )

    @strawberry.field(description="Contracts with at least one fiche action on this theme.")
    async def contracts(
        self,
        info: Info,
        filter: ContractFilter | None = None,
        sort: ContractSort = ContractSort.NAME,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> ContractConnection:
        return await connect(
            info,
            ContractConnection,
            reads.THEME_CONTRACTS,
            self.code,
            CONTRACT_SORTS[sort],
            _contract_edge,
            params=contract_params(filter),
            **page_args(first, after, last, before),
        )


@strawberry.type(description="A theme in a list.")
class ThemeEdge:
    cursor: str = strawberry.field(description="Cursor of this item.")
    node: Theme = strawberry.field(description="The theme.")


@strawberry.type(description="A page of themes.")
class ThemeConnection(Connection[ThemeEdge]):
    pass


def _theme_edge(cursor: str, item: Row) -> ThemeEdge:
    return ThemeEdge(cursor=cursor, node=Theme.from_row(item["node"]))


@register("ContractKind")
@strawberry.type(
    description="A kind of contract (CTG, CEJ, contrat de ville…), from the vocabulary in "
    "data/vocabularies/contract-kinds.yaml."
)
class ContractKind(Node):
    code: str = strawberry.field(description="Code of the kind (`ctg`, `cej`…).")
    name: str = strawberry.field(description="French name.")
    name_en: str | None = strawberry.field(description="English name.")

    @classmethod
    def from_row(cls, row: Row) -> ContractKind:
        return cls(
            id=global_id("ContractKind", row["key"]),
            code=row["key"],
            name=row.get("name") or row["key"],
            name_en=row.get("nameEn"),
        )


@strawberry.type(description="A contract kind in a list.")
class ContractKindEdge:
    cursor: str = strawberry.field(description="Cursor of this item.")
    node: ContractKind = strawberry.field(description="The contract kind.")


@strawberry.type(description="A page of contract kinds.")
class ContractKindConnection(Connection[ContractKindEdge]):
    pass


# -- partners ----------------------------------------------------------------------------
@register("Partner")
@strawberry.type(
    description="An organisation taking part in partnerships: a Caf, an intercommunality, "
    "a commune, the État, an association…"
)
class Partner(Node):
    key: str = strawberry.field(description="Key of the partner (`caf-15`…).")
    name: str = strawberry.field(description="Name of the organisation.")
    kind: PartnerKind | None = strawberry.field(description="What kind of organisation it is.")
    siren: str | None = strawberry.field(description="SIREN number, when known.")
    aliases: list[str] = strawberry.field(description="Other names it goes by.")
    provenance: Provenance = strawberry.field(description="Where this partner is recorded from.")

    @classmethod
    def from_row(cls, row: Row) -> Partner:
        kind = row.get("kind")
        return cls(
            id=global_id("Partner", row["key"]),
            key=row["key"],
            name=row.get("name") or row["key"],
            kind=_PARTNER_KINDS.get(kind) if kind else None,
            siren=row.get("siren"),
            aliases=list(row.get("aliases") or []),
            provenance=_provenance(row),
        )

    @strawberry.field(description="Contracts the partner signed, with its role.")
    async def contracts(
        self,
        info: Info,
        filter: ContractFilter | None = None,
        sort: ContractSort = ContractSort.NAME,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> SignedContractConnection:
        return await connect(
            info,
            SignedContractConnection,
            reads.PARTNER_CONTRACTS,
            self.key,
            CONTRACT_SORTS[sort],
            lambda cursor, item: SignedContractEdge(
                cursor=cursor,
                node=Contract.from_row(item["node"]),
                role=item["edge"].get("role"),
                signed_on=as_date(item["edge"].get("signedOn")),
                provenance=_provenance(item["edge"]),
            ),
            params=contract_params(filter),
            **page_args(first, after, last, before),
        )

    @strawberry.field(
        description="Its partners: organisations that signed at least one contract with it, "
        "most shared contracts first."
    )
    async def partners(
        self,
        info: Info,
        kinds: list[PartnerKind] | None = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> CopartnerConnection:
        return await connect(
            info,
            CopartnerConnection,
            reads.PARTNER_COPARTNERS,
            self.key,
            reads.BY_SHARED_CONTRACTS,
            lambda cursor, item: CopartnerEdge(
                cursor=cursor,
                node=Partner.from_row(item["node"]),
                contract_keys=list(item["edge"]["contracts"]),
            ),
            params={"partnerKinds": [k.value for k in kinds] if kinds is not None else None},
            **page_args(first, after, last, before),
        )

    @strawberry.field(description="Territories the partner governs or serves.")
    async def territories(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> PartnerTerritoryConnection:
        from schema.territories.types import territory_from_row

        return await connect(
            info,
            PartnerTerritoryConnection,
            reads.PARTNER_TERRITORIES,
            self.key,
            NAME,
            lambda cursor, item: PartnerTerritoryEdge(
                cursor=cursor,
                node=territory_from_row(item["node"]),
                relation=TerritoryRelation(item["edge"]["relation"]),
                provenance=_provenance(item["edge"]),
            ),
            **page_args(first, after, last, before),
        )

    @strawberry.field(description="People holding a post in this organisation.")
    async def people(
        self,
        info: Info,
        text: Text = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> PostConnection:
        return await connect(
            info,
            PostConnection,
            reads.PARTNER_PEOPLE,
            self.key,
            NAME,
            lambda cursor, item: _post_edge(cursor, item, Person.from_row(item["node"]), self),
            params={"text": folded_text(text)},
            **page_args(first, after, last, before),
        )

    @strawberry.field(description="Fiches actions the partner leads or funds.")
    async def actions(
        self,
        info: Info,
        themes: list[str] | None = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> ActionConnection:
        return await connect(
            info,
            ActionConnection,
            reads.PARTNER_ACTIONS,
            self.key,
            NAME,
            _action_edge,
            params={"themes": theme_codes(themes)},
            **page_args(first, after, last, before),
        )

    @strawberry.field(description="Governance bodies the partner sits on.")
    async def bodies(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> MembershipConnection:
        return await connect(
            info,
            MembershipConnection,
            reads.MEMBERSHIPS,
            self.key,
            NAME,
            _membership_edge,
            **page_args(first, after, last, before),
        )

    @strawberry.field(description="Fundings the partner pays or receives.")
    async def fundings(
        self,
        info: Info,
        direction: FundingDirection | None = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> FundingConnection:
        return await connect(
            info,
            FundingConnection,
            reads.PARTNER_FUNDINGS,
            self.key,
            NAME,
            _funding_edge,
            params={"relation": direction.value if direction else None},
            **page_args(first, after, last, before),
        )


_PARTNER_KINDS = {kind.value: kind for kind in PartnerKind}


@strawberry.enum(description="How a partner relates to a territory.")
class TerritoryRelation(Enum):
    GOVERNS = "GOVERNS"
    SERVES = "SERVES"


@strawberry.enum(description="Which fundings of a partner to list.")
class FundingDirection(Enum):
    PAYS = "PAID_BY"
    RECEIVES = "PAID_TO"


@strawberry.type(description="A territory a partner governs or serves.")
class PartnerTerritoryEdge:
    cursor: str = strawberry.field(description="Cursor of this item.")
    node: TerritoryRef = strawberry.field(description="The territory.")
    relation: TerritoryRelation = strawberry.field(description="Governs or serves.")
    provenance: Provenance = strawberry.field(description="Where the link is recorded from.")


@strawberry.type(description="A page of territories of a partner.")
class PartnerTerritoryConnection(Connection[PartnerTerritoryEdge]):
    pass


@strawberry.type(description="A partner in a list.")
class PartnerEdge:
    cursor: str = strawberry.field(description="Cursor of this item.")
    node: Partner = strawberry.field(description="The partner.")
    provenance: Provenance | None = strawberry.field(
        description="Where the link to the partner is recorded from (null on top-level lists)."
    )


@strawberry.type(description="A page of partners.")
class PartnerConnection(Connection[PartnerEdge]):
    pass


def _partner_edge(cursor: str, item: Row) -> PartnerEdge:
    edge = item.get("edge")
    return PartnerEdge(
        cursor=cursor,
        node=Partner.from_row(item["node"]),
        provenance=_provenance(edge) if edge else None,
    )


@strawberry.type(description="An organisation that signed contracts with another.")
class CopartnerEdge:
    cursor: str = strawberry.field(description="Cursor of this item.")
    node: Partner = strawberry.field(description="The partner.")
    contract_keys: list[str] = strawberry.field(description="Keys of the contracts both signed.")

    @strawberry.field(description="How many contracts both signed.")
    def shared_contracts(self) -> int:
        return len(self.contract_keys)


@strawberry.type(description="A page of partners of a partner.")
class CopartnerConnection(Connection[CopartnerEdge]):
    pass


@strawberry.type(description="A partner that signed a contract.")
class SignatoryEdge:
    cursor: str = strawberry.field(description="Cursor of this item.")
    partner: Partner = strawberry.field(description="The signing partner.")
    role: str | None = strawberry.field(description="Its role in the contract, as the source says.")
    signed_on: datetime.date | None = strawberry.field(description="When it signed.")
    people: list[Person] = strawberry.field(description="Who signed on its behalf.")
    provenance: Provenance = strawberry.field(description="Where the signature is recorded from.")

    @strawberry.field(description="The signing partner (same as `partner`).")
    def node(self) -> Partner:
        return self.partner


@strawberry.type(description="A page of signatories.")
class SignatoryConnection(Connection[SignatoryEdge]):
    pass


# -- people ------------------------------------------------------------------------------
@register("Person")
@strawberry.type(description="A person named in a source: an elected official, a director…")
class Person(Node):
    key: str = strawberry.field(description="Key of the person.")
    name: str = strawberry.field(description="Full name.")
    provenance: Provenance = strawberry.field(description="Where this person is recorded from.")

    @classmethod
    def from_row(cls, row: Row) -> Person:
        return cls(
            id=global_id("Person", row["key"]),
            key=row["key"],
            name=row.get("name") or row["key"],
            provenance=_provenance(row),
        )

    @strawberry.field(description="Posts the person holds, with the organisation of each.")
    async def posts(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> PostConnection:
        return await connect(
            info,
            PostConnection,
            reads.PERSON_POSTS,
            self.key,
            NAME,
            lambda cursor, item: _post_edge(cursor, item, self, Partner.from_row(item["node"])),
            **page_args(first, after, last, before),
        )

    @strawberry.field(description="Contracts the person signed (for an organisation).")
    async def contracts(
        self,
        info: Info,
        filter: ContractFilter | None = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> SignedContractConnection:
        return await connect(
            info,
            SignedContractConnection,
            reads.PERSON_CONTRACTS,
            self.key,
            NAME,
            lambda cursor, item: SignedContractEdge(
                cursor=cursor,
                node=Contract.from_row(item["node"]),
                role=item["edge"].get("role"),
                signed_on=as_date(item["edge"].get("signedOn")),
                provenance=_provenance(item["edge"]),
            ),
            params=contract_params(filter),
            **page_args(first, after, last, before),
        )

    @strawberry.field(description="Governance bodies the person sits on.")
    async def bodies(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> MembershipConnection:
        return await connect(
            info,
            MembershipConnection,
            reads.MEMBERSHIPS,
            self.key,
            NAME,
            _membership_edge,
            **page_args(first, after, last, before),
        )


@strawberry.type(description="A person in a list.")
class PersonEdge:
    cursor: str = strawberry.field(description="Cursor of this item.")
    node: Person = strawberry.field(description="The person.")


@strawberry.type(description="A page of people.")
class PeopleConnection(Connection[PersonEdge]):
    pass


@strawberry.type(description="A post: a person's title in an organisation, as of a date.")
class PostEdge:
    cursor: str = strawberry.field(description="Cursor of this item.")
    person: Person = strawberry.field(description="Who holds the post.")
    organisation: Partner = strawberry.field(description="The organisation.")
    title: str | None = strawberry.field(description="Title as the source gives it.")
    role: str | None = strawberry.field(description="Normalised role (president, director…).")
    as_of: datetime.date | None = strawberry.field(description="Date the post is known for.")
    provenance: Provenance = strawberry.field(description="Where the post is recorded from.")


@strawberry.type(description="A page of posts.")
class PostConnection(Connection[PostEdge]):
    pass


def _post_edge(cursor: str, item: Row, person: Person, organisation: Partner) -> PostEdge:
    edge = item["edge"]
    return PostEdge(
        cursor=cursor,
        person=person,
        organisation=organisation,
        title=edge.get("title"),
        role=edge.get("role"),
        as_of=as_date(edge.get("asOf")),
        provenance=_provenance(edge),
    )


# -- contracts ---------------------------------------------------------------------------
@strawberry.enum(description="How one contract relates to another.")
class ContractRelation(Enum):
    SUCCEEDS = "SUCCEEDS"
    DECLINES = "DECLINES"
    AMENDS = "AMENDS"


@register("Contract")
@strawberry.type(
    description="A partnership contract: a CTG, a CEJ, a contrat de ville… with its "
    "signatories, territories, axes and fiches actions."
)
class Contract(Node):
    key: str = strawberry.field(description="Key of the contract (`ctg-saint-flour-2017`…).")
    title: str = strawberry.field(description="Title.")
    kind_code: str = strawberry.field(description="Code of its kind (`ctg`, `cej`…).")
    aliases: list[str] = strawberry.field(description="Other names it goes by.")
    status: ContractStatus | None = strawberry.field(description="Where it stands.")
    status_as_of: datetime.date | None = strawberry.field(description="When the status was true.")
    signed_on: datetime.date | None = strawberry.field(description="When it was signed.")
    start: datetime.date | None = strawberry.field(description="First day it applies.")
    end: datetime.date | None = strawberry.field(description="Last day it applies.")
    duration_years: float | None = strawberry.field(description="Duration, when stated in years.")
    provenance: Provenance = strawberry.field(description="Where this contract is recorded from.")

    @classmethod
    def from_row(cls, row: Row) -> Contract:
        status = row.get("status")
        return cls(
            id=global_id("Contract", row["key"]),
            key=row["key"],
            title=row.get("title") or row.get("name") or row["key"],
            kind_code=row.get("kind") or "other",
            aliases=list(row.get("aliases") or []),
            status=ContractStatus(status) if status else None,
            status_as_of=as_date(row.get("statusAsOf")),
            signed_on=as_date(row.get("signedOn")),
            start=as_date(row.get("start")),
            end=as_date(row.get("end")),
            duration_years=row.get("durationYears"),
            provenance=_provenance(row),
        )

    @strawberry.field(description="Whether the contract applies on this date (start ≤ on ≤ end).")
    def active_on(self, on: datetime.date) -> bool:
        return self.start is not None and self.end is not None and self.start <= on <= self.end

    @strawberry.field(description="Its kind, with labels.")
    async def kind(self, info: Info) -> ContractKind | None:
        row = await info.context.nodes.load("ContractKind", self.kind_code)
        return ContractKind.from_row(row) if row else None

    @strawberry.field(description="Partners that signed it, with their role and date.")
    async def signatories(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> SignatoryConnection:
        return await connect(
            info,
            SignatoryConnection,
            reads.CONTRACT_SIGNATORIES,
            self.key,
            NAME,
            lambda cursor, item: SignatoryEdge(
                cursor=cursor,
                partner=Partner.from_row(item["node"]),
                role=item["edge"].get("role"),
                signed_on=as_date(item["edge"].get("signedOn")),
                people=[Person.from_row(p) for p in item["edge"].get("people") or []],
                provenance=_provenance(item["edge"]),
            ),
            **page_args(first, after, last, before),
        )

    @strawberry.field(
        description="Territories it covers as written (EPCI, communes, sub-territories)."
    )
    async def territories(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> CoveredTerritoryConnection:
        from schema.territories.types import territory_from_row

        return await connect(
            info,
            CoveredTerritoryConnection,
            reads.CONTRACT_TERRITORIES,
            self.key,
            NAME,
            lambda cursor, item: CoveredTerritoryEdge(
                cursor=cursor,
                node=territory_from_row(item["node"]),
                provenance=_provenance(item["edge"]),
            ),
            **page_args(first, after, last, before),
        )

    @strawberry.field(description="Its axes, by number.")
    async def axes(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> AxisConnection:
        return await connect(
            info,
            AxisConnection,
            reads.CONTRACT_AXES,
            self.key,
            reads.BY_NUMBER,
            lambda cursor, item: AxisEdge(cursor=cursor, node=Axis.from_row(item["node"])),
            **page_args(first, after, last, before),
        )

    @strawberry.field(description="Its fiches actions, by number, optionally on some themes.")
    async def actions(
        self,
        info: Info,
        themes: list[str] | None = None,
        text: Text = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> ActionConnection:
        return await connect(
            info,
            ActionConnection,
            reads.CONTRACT_ACTIONS,
            self.key,
            reads.BY_NUMBER,
            _action_edge,
            params={"themes": theme_codes(themes), "text": folded_text(text)},
            **page_args(first, after, last, before),
        )

    async def _related(
        self, info: Info, incoming: bool, relation: ContractRelation, pages: dict[str, Any]
    ) -> ContractConnection:
        return await connect(
            info,
            ContractConnection,
            reads.CONTRACT_RELATED_IN if incoming else reads.CONTRACT_RELATED_OUT,
            self.key,
            NAME,
            _contract_edge,
            params={"relation": relation.value},
            **pages,
        )

    @strawberry.field(description="Contracts this one takes over from (a CTG succeeds CEJs).")
    async def succeeds(
        self, info: Info, first: First = None, after: After = None
    ) -> ContractConnection:
        return await self._related(
            info, False, ContractRelation.SUCCEEDS, page_args(first, after, None, None)
        )

    @strawberry.field(description="Contracts that take over from this one.")
    async def succeeded_by(
        self, info: Info, first: First = None, after: After = None
    ) -> ContractConnection:
        return await self._related(
            info, True, ContractRelation.SUCCEEDS, page_args(first, after, None, None)
        )

    @strawberry.field(description="Contracts this one declines (implements locally).")
    async def declines(
        self, info: Info, first: First = None, after: After = None
    ) -> ContractConnection:
        return await self._related(
            info, False, ContractRelation.DECLINES, page_args(first, after, None, None)
        )

    @strawberry.field(description="Contracts that decline (implement) this one.")
    async def declined_by(
        self, info: Info, first: First = None, after: After = None
    ) -> ContractConnection:
        return await self._related(
            info, True, ContractRelation.DECLINES, page_args(first, after, None, None)
        )

    @strawberry.field(description="Contracts this one amends.")
    async def amends(
        self, info: Info, first: First = None, after: After = None
    ) -> ContractConnection:
        return await self._related(
            info, False, ContractRelation.AMENDS, page_args(first, after, None, None)
        )

    @strawberry.field(description="Amendments to this contract.")
    async def amended_by(
        self, info: Info, first: First = None, after: After = None
    ) -> ContractConnection:
        return await self._related(
            info, True, ContractRelation.AMENDS, page_args(first, after, None, None)
        )

    @strawberry.field(description="Partners leading (carrying) the contract.")
    async def leads(
        self, info: Info, first: First = None, after: After = None
    ) -> PartnerConnection:
        return await connect(
            info,
            PartnerConnection,
            reads.CONTRACT_PARTNERS,
            self.key,
            NAME,
            _partner_edge,
            params={"relation": "LEADS"},
            **page_args(first, after, None, None),
        )

    @strawberry.field(description="Partners funding the contract.")
    async def funders(
        self, info: Info, first: First = None, after: After = None
    ) -> PartnerConnection:
        return await connect(
            info,
            PartnerConnection,
            reads.CONTRACT_PARTNERS,
            self.key,
            NAME,
            _partner_edge,
            params={"relation": "FUNDS"},
            **page_args(first, after, None, None),
        )

    @strawberry.field(description="Governance bodies steering it.")
    async def bodies(self, info: Info, first: First = None, after: After = None) -> BodyConnection:
        return await connect(
            info,
            BodyConnection,
            reads.CONTRACT_BODIES,
            self.key,
            NAME,
            _body_edge,
            **page_args(first, after, None, None),
        )

    @strawberry.field(description="Fundings concerning it.")
    async def fundings(
        self, info: Info, first: First = None, after: After = None
    ) -> FundingConnection:
        return await connect(
            info,
            FundingConnection,
            reads.CONTRACT_FUNDINGS,
            self.key,
            NAME,
            _funding_edge,
            **page_args(first, after, None, None),
        )


@strawberry.type(description="A contract in a list.")
class ContractEdge:
    cursor: str = strawberry.field(description="Cursor of this item.")
    node: Contract = strawberry.field(description="The contract.")
    matching_actions: int | None = strawberry.field(
        description="Under a theme: how many of its fiches actions address the theme."
    )


@strawberry.type(description="A page of contracts.")
class ContractConnection(Connection[ContractEdge]):
    pass


def _contract_edge(cursor: str, item: Row) -> ContractEdge:
    edge = item.get("edge") or {}
    return ContractEdge(
        cursor=cursor,
        node=Contract.from_row(item["node"]),
        matching_actions=edge.get("actions") if isinstance(edge, dict) else None,
    )


@strawberry.type(description="A contract a partner or person signed.")
class SignedContractEdge:
    cursor: str = strawberry.field(description="Cursor of this item.")
    node: Contract = strawberry.field(description="The contract.")
    role: str | None = strawberry.field(description="Role of the signatory.")
    signed_on: datetime.date | None = strawberry.field(description="When it signed.")
    provenance: Provenance = strawberry.field(description="Where the signature is recorded from.")


@strawberry.type(description="A page of signed contracts.")
class SignedContractConnection(Connection[SignedContractEdge]):
    pass


@strawberry.type(description="A territory a contract covers, as written in the contract.")
class CoveredTerritoryEdge:
    cursor: str = strawberry.field(description="Cursor of this item.")
    node: TerritoryRef = strawberry.field(description="The territory.")
    provenance: Provenance = strawberry.field(description="Where the coverage is recorded from.")


@strawberry.type(description="A page of covered territories.")
class CoveredTerritoryConnection(Connection[CoveredTerritoryEdge]):
    pass


# -- axes and actions ----------------------------------------------------------------------
@register("Axis")
@strawberry.type(description="An axis (orientation) of a contract, grouping fiches actions.")
class Axis(Node):
    key: str = strawberry.field(description="Key (`<contract>-axe-<number>`).")
    number: int | None = strawberry.field(description="Number in the contract.")
    title: str = strawberry.field(description="Title.")
    provenance: Provenance = strawberry.field(description="Where this axis is recorded from.")

    @classmethod
    def from_row(cls, row: Row) -> Axis:
        return cls(
            id=global_id("Axis", row["key"]),
            key=row["key"],
            number=row.get("number"),
            title=row.get("title") or row["key"],
            provenance=_provenance(row),
        )

    @strawberry.field(description="The contract of this axis.")
    async def contract(self, info: Info) -> Contract | None:
        row = await first_linked(info, reads.AXIS_CONTRACT, self.key)
        return Contract.from_row(row) if row else None

    @strawberry.field(description="Fiches actions of the axis, by number.")
    async def actions(
        self,
        info: Info,
        themes: list[str] | None = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> ActionConnection:
        return await connect(
            info,
            ActionConnection,
            reads.AXIS_ACTIONS,
            self.key,
            reads.BY_NUMBER,
            _action_edge,
            params={"themes": theme_codes(themes)},
            **page_args(first, after, last, before),
        )


@strawberry.type(description="An axis in a list.")
class AxisEdge:
    cursor: str = strawberry.field(description="Cursor of this item.")
    node: Axis = strawberry.field(description="The axis.")


@strawberry.type(description="A page of axes.")
class AxisConnection(Connection[AxisEdge]):
    pass


@register("Action")
@strawberry.type(description="A fiche action: one concrete action a contract commits to.")
class Action(Node):
    key: str = strawberry.field(description="Key (`<contract>-fa-<number>` or its own).")
    number: int | None = strawberry.field(description="Number in the contract.")
    title: str = strawberry.field(description="Title.")
    provenance: Provenance = strawberry.field(description="Where this action is recorded from.")

    @classmethod
    def from_row(cls, row: Row) -> Action:
        return cls(
            id=global_id("Action", row["key"]),
            key=row["key"],
            number=row.get("number"),
            title=row.get("title") or row["key"],
            provenance=_provenance(row),
        )

    @strawberry.field(description="The contract of this action.")
    async def contract(self, info: Info) -> Contract | None:
        row = await first_linked(info, reads.ACTION_CONTRACT, self.key)
        return Contract.from_row(row) if row else None

    @strawberry.field(description="The axis it belongs to, if any.")
    async def axis(self, info: Info) -> Axis | None:
        row = await first_linked(info, reads.ACTION_AXIS, self.key)
        return Axis.from_row(row) if row else None

    @strawberry.field(description="Themes it addresses.")
    async def themes(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> ThemeConnection:
        return await connect(
            info,
            ThemeConnection,
            reads.ACTION_THEMES,
            self.key,
            NAME,
            _theme_edge,
            **page_args(first, after, last, before),
        )

    @strawberry.field(description="The partner leading it, when known.")
    async def lead(self, info: Info) -> Partner | None:
        row = await first_linked(info, reads.ACTION_PARTNERS, self.key, {"relation": "LEADS"})
        return Partner.from_row(row) if row else None

    @strawberry.field(description="Partners funding it.")
    async def funders(
        self, info: Info, first: First = None, after: After = None
    ) -> PartnerConnection:
        return await connect(
            info,
            PartnerConnection,
            reads.ACTION_PARTNERS,
            self.key,
            NAME,
            _partner_edge,
            params={"relation": "FUNDS"},
            **page_args(first, after, None, None),
        )


@strawberry.type(description="A fiche action in a list.")
class ActionEdge:
    cursor: str = strawberry.field(description="Cursor of this item.")
    node: Action = strawberry.field(description="The fiche action.")


@strawberry.type(description="A page of fiches actions.")
class ActionConnection(Connection[ActionEdge]):
    pass


def _action_edge(cursor: str, item: Row) -> ActionEdge:
    return ActionEdge(cursor=cursor, node=Action.from_row(item["node"]))


# -- governance -----------------------------------------------------------------------------
@register("Body")
@strawberry.type(description="A governance body: comité de pilotage, groupe technique…")
class Body(Node):
    key: str = strawberry.field(description="Key of the body.")
    name: str = strawberry.field(description="Name.")
    kind: str | None = strawberry.field(description="Kind (`comite-de-pilotage`…).")
    mission: str | None = strawberry.field(description="Its mission, as the source says.")
    provenance: Provenance = strawberry.field(description="Where this body is recorded from.")

    @classmethod
    def from_row(cls, row: Row) -> Body:
        return cls(
            id=global_id("Body", row["key"]),
            key=row["key"],
            name=row.get("name") or row["key"],
            kind=row.get("kind"),
            mission=row.get("mission"),
            provenance=_provenance(row),
        )

    @strawberry.field(description="The organisation it belongs to, if any.")
    async def organisation(self, info: Info) -> Partner | None:
        row = await first_linked(info, reads.BODY_ORGANISATION, self.key)
        return Partner.from_row(row) if row else None

    @strawberry.field(description="Members: partners, people or other bodies, with their role.")
    async def members(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> MemberConnection:
        return await connect(
            info,
            MemberConnection,
            reads.BODY_MEMBERS,
            self.key,
            NAME,
            lambda cursor, item: MemberEdge(
                cursor=cursor,
                node=node_from_row(item["node"]),
                role=item["edge"].get("role"),
                provenance=_provenance(item["edge"]),
            ),
            **page_args(first, after, last, before),
        )

    @strawberry.field(description="Contracts it steers.")
    async def contracts(
        self, info: Info, first: First = None, after: After = None
    ) -> ContractConnection:
        return await connect(
            info,
            ContractConnection,
            reads.BODY_CONTRACTS,
            self.key,
            NAME,
            _contract_edge,
            **page_args(first, after, None, None),
        )


@strawberry.type(description="A body in a list.")
class BodyEdge:
    cursor: str = strawberry.field(description="Cursor of this item.")
    node: Body = strawberry.field(description="The body.")


@strawberry.type(description="A page of bodies.")
class BodyConnection(Connection[BodyEdge]):
    pass


def _body_edge(cursor: str, item: Row) -> BodyEdge:
    return BodyEdge(cursor=cursor, node=Body.from_row(item["node"]))


@strawberry.type(description="A member of a body (a partner, a person or a body).")
class MemberEdge:
    cursor: str = strawberry.field(description="Cursor of this item.")
    node: Node = strawberry.field(description="The member.")
    role: str | None = strawberry.field(description="Its role in the body.")
    provenance: Provenance = strawberry.field(description="Where membership is recorded from.")


@strawberry.type(description="A page of members.")
class MemberConnection(Connection[MemberEdge]):
    pass


@strawberry.type(description="A body someone sits on, with their role.")
class MembershipEdge:
    cursor: str = strawberry.field(description="Cursor of this item.")
    node: Body = strawberry.field(description="The body.")
    role: str | None = strawberry.field(description="Role in the body.")
    provenance: Provenance = strawberry.field(description="Where membership is recorded from.")


@strawberry.type(description="A page of memberships.")
class MembershipConnection(Connection[MembershipEdge]):
    pass


def _membership_edge(cursor: str, item: Row) -> MembershipEdge:
    return MembershipEdge(
        cursor=cursor,
        node=Body.from_row(item["node"]),
        role=item["edge"].get("role"),
        provenance=_provenance(item["edge"]),
    )


# -- fundings ---------------------------------------------------------------------------------
@register("Funding")
@strawberry.type(description="A funding fact: who pays whom, how much, when, for what.")
class Funding(Node):
    key: str = strawberry.field(description="Key of the funding.")
    amount: float | None = strawberry.field(description="Amount, in `currency`.")
    amount_qualifier: Qualifier | None = strawberry.field(
        description="Whether the amount is exact, a ceiling (at most), a floor or approximate."
    )
    currency: str | None = strawberry.field(description="Currency (EUR).")
    tax: str | None = strawberry.field(description="HT or TTC, when stated.")
    year: int | None = strawberry.field(description="Year it concerns.")
    start: datetime.date | None = strawberry.field(description="Start of the period it concerns.")
    end: datetime.date | None = strawberry.field(description="End of the period it concerns.")
    share: float | None = strawberry.field(description="Share of another funding (0–1).")
    share_qualifier: Qualifier | None = strawberry.field(description="How exact the share is.")
    purpose: str | None = strawberry.field(description="What it pays for.")
    provenance: Provenance = strawberry.field(description="Where this funding is recorded from.")

    @classmethod
    def from_row(cls, row: Row) -> Funding:
        aq, sq = row.get("amountQualifier"), row.get("shareQualifier")
        return cls(
            id=global_id("Funding", row["key"]),
            key=row["key"],
            amount=row.get("amount"),
            amount_qualifier=Qualifier(aq) if aq else None,
            currency=row.get("currency"),
            tax=row.get("tax"),
            year=row.get("year"),
            start=as_date(row.get("start")),
            end=as_date(row.get("end")),
            share=row.get("share"),
            share_qualifier=Qualifier(sq) if sq else None,
            purpose=row.get("purpose"),
            provenance=_provenance(row),
        )

    async def _link(self, info: Info, relation: str) -> Row | None:
        return await first_linked(info, reads.FUNDING_LINK, self.key, {"relation": relation})

    @strawberry.field(description="Who pays.")
    async def payer(self, info: Info) -> Partner | None:
        row = await self._link(info, "PAID_BY")
        return Partner.from_row(row) if row else None

    @strawberry.field(description="Who receives.")
    async def payee(self, info: Info) -> Partner | None:
        row = await self._link(info, "PAID_TO")
        return Partner.from_row(row) if row else None

    @strawberry.field(description="The funding this one is a share of.")
    async def share_of(self, info: Info) -> Funding | None:
        row = await self._link(info, "SHARE_OF")
        return Funding.from_row(row) if row else None

    @strawberry.field(description="The territory it concerns.")
    async def territory(self, info: Info) -> TerritoryRef | None:
        from schema.territories.types import territory_from_row

        row = await self._link(info, "ON_TERRITORY")
        return territory_from_row(row) if row else None

    @strawberry.field(description="Contracts it concerns.")
    async def contracts(
        self, info: Info, first: First = None, after: After = None
    ) -> ContractConnection:
        return await connect(
            info,
            ContractConnection,
            reads.FUNDING_CONTRACTS,
            self.key,
            NAME,
            _contract_edge,
            **page_args(first, after, None, None),
        )

    @strawberry.field(description="Fundings that are shares of this one.")
    async def shares(
        self, info: Info, first: First = None, after: After = None
    ) -> FundingConnection:
        return await connect(
            info,
            FundingConnection,
            reads.FUNDING_SHARES,
            self.key,
            NAME,
            _funding_edge,
            **page_args(first, after, None, None),
        )


@strawberry.type(description="A funding in a list.")
class FundingEdge:
    cursor: str = strawberry.field(description="Cursor of this item.")
    node: Funding = strawberry.field(description="The funding.")


@strawberry.type(description="A page of fundings.")
class FundingConnection(Connection[FundingEdge]):
    pass


def _funding_edge(cursor: str, item: Row) -> FundingEdge:
    return FundingEdge(cursor=cursor, node=Funding.from_row(item["node"]))
