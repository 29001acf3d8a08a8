"""GraphQL types of the organisations and people of partnerships: partners with their
contracts, co-partners, territories, posts, fiches actions, bodies and fundings, and the
people who hold posts in them.
"""

from __future__ import annotations

import datetime
from dataclasses import replace
from enum import Enum
from typing import Any

import strawberry

from domain.vocabulary import PartnerKind
from graph import partnership_reads as reads
from graph.list_reads import NAME, ListFilter
from graph.reader import Row
from schema.common import (
    After,
    Before,
    First,
    Last,
    Text,
    as_date,
    enum_values,
    folded_text,
    theme_codes,
)
from schema.context import Info
from schema.contract_filter import CONTRACT_SORTS, ContractFilter, ContractSort, contract_conditions
from schema.dates import FuzzyDateType, fuzzy_date
from schema.partnerships import fact_fields
from schema.partnerships.funding_filter import FundingFilterArg, funding_conditions
from schema.partnerships.provenance import Provenance
from schema.registry import register
from schema.relay import (
    Connection,
    ConnectionOf,
    Node,
    connect,
    global_id,
    listed,
    node_edges,
    page_args,
)
from schema.territories.types import Territory, territory_from_row


def _bodies(description: str) -> Any:
    """The field of the governance bodies a partner or a person sits on: one read serves
    both, as a membership links a body to either."""

    async def resolve(
        self: Partner | Person,
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
            membership_edge,
            **page_args(first, after, last, before),
        )

    return strawberry.field(resolver=resolve, description=description)


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
    competences = fact_fields.competences()

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
            provenance=Provenance.from_row(row),
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
            signed_contract_edge,
            where=contract_conditions(filter),
            **page_args(first, after, last, before),
        )

    @strawberry.field(
        description="Contracts the partner leads (carries, as chef de file), each with the "
        "provenance of that link."
    )
    async def leads(
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
            reads.PARTNER_LEADS,
            self.key,
            CONTRACT_SORTS[sort],
            contract_edge,
            where=contract_conditions(filter),
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
            where=ListFilter(partner_kinds=enum_values(kinds)),
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
                provenance=Provenance.from_row(item["edge"]),
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
            lambda cursor, item: post_edge(cursor, item, Person.from_row(item["node"]), self),
            where=ListFilter(text=folded_text(text)),
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
    ) -> Connection[Action]:
        return await connect(
            info,
            Connection[Action],
            reads.PARTNER_ACTIONS,
            self.key,
            NAME,
            node_edges(Action.from_row),
            where=ListFilter(themes=theme_codes(themes)),
            **page_args(first, after, last, before),
        )

    bodies = _bodies("Governance bodies the partner sits on.")

    @strawberry.field(
        description="Fundings the partner pays or receives, optionally filtered; `total` "
        "sums the whole list, each share counted once (what a partner paid is its "
        "payments with `direction: PAYS`)."
    )
    async def fundings(
        self,
        info: Info,
        direction: FundingDirection | None = None,
        filter: FundingFilterArg = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> FundingConnection:
        where = replace(funding_conditions(filter), relation=direction.value if direction else None)
        return await funding_connection(
            info, reads.PARTNER_FUNDINGS, self.key, NAME, where, first, after, last, before
        )


_PARTNER_KINDS = {kind.value: kind for kind in PartnerKind}


@strawberry.enum(description="How a partner relates to a territory.")
class TerritoryRelation(Enum):
    GOVERNS = "GOVERNS"
    SERVES = "SERVES"


@strawberry.type(description="A territory a partner governs or serves.")
class PartnerTerritoryEdge:
    cursor: str = strawberry.field(description="Cursor of this item.")
    node: Territory = strawberry.field(description="The territory.")
    relation: TerritoryRelation = strawberry.field(description="Governs or serves.")
    provenance: Provenance = strawberry.field(description="Where the link is recorded from.")


@strawberry.type(description="A page of territories of a partner.")
class PartnerTerritoryConnection(ConnectionOf[PartnerTerritoryEdge]):
    pass


@strawberry.type(description="A partner in a list.")
class PartnerEdge:
    cursor: str = strawberry.field(description="Cursor of this item.")
    node: Partner = strawberry.field(description="The partner.")
    provenance: Provenance | None = strawberry.field(
        description="Where the link to the partner is recorded from (null on top-level lists)."
    )


@strawberry.type(description="A page of partners.")
class PartnerConnection(ConnectionOf[PartnerEdge]):
    pass


def partner_edge(cursor: str, item: Row) -> PartnerEdge:
    edge = item.get("edge")
    return PartnerEdge(
        cursor=cursor,
        node=Partner.from_row(item["node"]),
        provenance=Provenance.from_row(edge) if edge else None,
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
class CopartnerConnection(ConnectionOf[CopartnerEdge]):
    pass


# -- people ------------------------------------------------------------------------------
@listed(edge="A person in a list.", node="The person.", page="A page of people.")
@register("Person")
@strawberry.type(description="A person named in a source: an elected official, a director…")
class Person(Node):
    key: str = strawberry.field(description="Key of the person.")
    name: str = strawberry.field(description="Full name.")
    aliases: list[str] = strawberry.field(
        description="Other written forms of the name (`search` finds the person by any)."
    )
    provenance: Provenance = strawberry.field(description="Where this person is recorded from.")

    @classmethod
    def from_row(cls, row: Row) -> Person:
        return cls(
            id=global_id("Person", row["key"]),
            key=row["key"],
            name=row.get("name") or row["key"],
            aliases=list(row.get("aliases") or []),
            provenance=Provenance.from_row(row),
        )

    @strawberry.field(
        description="The people this record is declared the same person as (`same_people` "
        "of a dataset), one item per declaration, each with its provenance and quote."
    )
    async def same_as(
        self, info: Info, first: First = None, after: After = None
    ) -> SamePersonConnection:
        return await connect(
            info,
            SamePersonConnection,
            reads.PERSON_SAME_AS,
            self.key,
            NAME,
            lambda cursor, item: SamePersonEdge(
                cursor=cursor,
                node=Person.from_row(item["node"]),
                quote=item["edge"].get("quote"),
                provenance=Provenance.from_row(item["edge"]),
            ),
            **page_args(first, after, None, None),
        )

    @strawberry.field(
        description="Every record of this person, itself included, by name: those declared "
        "the same person directly or through others (A = B and B = C make A, B and C one "
        "person). The same list whichever record is asked; read their posts and contracts "
        "for all the person did."
    )
    async def identities(
        self, info: Info, first: First = None, after: After = None
    ) -> PeopleConnection:
        return await connect(
            info,
            PeopleConnection,
            reads.PERSON_IDENTITIES,
            self.key,
            NAME,
            node_edges(Person.from_row),
            **page_args(first, after, None, None),
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
            lambda cursor, item: post_edge(cursor, item, self, Partner.from_row(item["node"])),
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
            signed_contract_edge,
            where=contract_conditions(filter),
            **page_args(first, after, last, before),
        )

    bodies = _bodies("Governance bodies the person sits on.")


@strawberry.type(description="A page of people.")
class PeopleConnection(Connection[Person]):
    pass


@strawberry.type(description="A declaration that another record is the same person.")
class SamePersonEdge:
    cursor: str = strawberry.field(description="Cursor of this item.")
    node: Person = strawberry.field(description="The other record of the same person.")
    quote: str | None = strawberry.field(
        description="The source's own words showing it is one person."
    )
    provenance: Provenance = strawberry.field(
        description="Where the declaration is recorded from, and how sure it is."
    )


@strawberry.type(description="A page of the records declared the same person.")
class SamePersonConnection(ConnectionOf[SamePersonEdge]):
    pass


@strawberry.type(description="A post: a person's title in an organisation, as of a date.")
class PostEdge:
    cursor: str = strawberry.field(description="Cursor of this item.")
    person: Person = strawberry.field(description="Who holds the post.")
    organisation: Partner = strawberry.field(description="The organisation.")
    title: str | None = strawberry.field(description="Title as the source gives it.")
    role: str | None = strawberry.field(description="Normalised role (president, director…).")
    as_of: datetime.date | None = strawberry.field(
        description="Date the post is known for: the first day of `asOfDate`.",
        deprecation_reason="Use `asOfDate`, which keeps the precision (day, month, year).",
    )
    as_of_date: FuzzyDateType | None = strawberry.field(
        description="Date the post is known for, at the precision the source gives."
    )
    provenance: Provenance = strawberry.field(description="Where the post is recorded from.")


@strawberry.type(description="A page of posts.")
class PostConnection(ConnectionOf[PostEdge]):
    pass


def post_edge(cursor: str, item: Row, person: Person, organisation: Partner) -> PostEdge:
    edge = item["edge"]
    return PostEdge(
        cursor=cursor,
        person=person,
        organisation=organisation,
        title=edge.get("title"),
        role=edge.get("role"),
        as_of=as_date(edge.get("asOf")),
        as_of_date=fuzzy_date(edge, "asOf"),
        provenance=Provenance.from_row(edge),
    )


# Imported last: these modules refer to each other (a contract lists its partners, a
# partner its contracts) and strawberry resolves the annotations only when the schema
# is built, once every module is complete.
from schema.partnerships.actions import Action  # noqa: E402
from schema.partnerships.bodies import MembershipConnection, membership_edge  # noqa: E402
from schema.partnerships.contracts import (  # noqa: E402
    ContractConnection,
    SignedContractConnection,
    contract_edge,
    signed_contract_edge,
)
from schema.partnerships.fundings import (  # noqa: E402
    FundingConnection,
    FundingDirection,
    funding_connection,
)
