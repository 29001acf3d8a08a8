"""GraphQL types of funding facts: who pays whom, how much, when and for what, and the
shares of a funding.
"""

from __future__ import annotations

import datetime
from dataclasses import replace
from enum import Enum
from functools import partial
from typing import Any

import strawberry

from domain.fundings import FundingAmount, funding_total
from graph import node_reads
from graph import partnership_reads as reads
from graph.list_reads import NAME, ListFilter, ListQuery, Sort
from graph.reader import Row
from schema.common import After, Before, First, Last, Qualifier, as_date
from schema.context import Info
from schema.dates import PeriodType, stored_period
from schema.partnerships.funding_filter import FundingFilter, FundingFilterArg, funding_conditions
from schema.partnerships.provenance import Provenance
from schema.registry import register
from schema.relay import (
    ConnectionOf,
    Edge,
    Node,
    connect,
    first_linked,
    global_id,
    listed,
    node_edges,
    page_args,
)
from schema.territories.types import Territory, territory_from_row


@strawberry.enum(description="Which fundings of a partner to list.")
class FundingDirection(Enum):
    PAYS = "PAID_BY"
    RECEIVES = "PAID_TO"


@listed(edge="A funding in a list.", node="The funding.", page="A page of fundings.")
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
    start: datetime.date | None = strawberry.field(
        description="Earliest start of the period it concerns (`period.start.earliest`).",
        deprecation_reason="Use `period.start`, which keeps the precision (day, month, year).",
    )
    end: datetime.date | None = strawberry.field(
        description="Latest end of the period it concerns (`period.end.latest`).",
        deprecation_reason="Use `period.end` and `period.endOpen`, which keep the precision.",
    )
    period: PeriodType = strawberry.field(
        description="The period it concerns, at the precision known (unknown when not given)."
    )
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
            period=PeriodType.of(stored_period(row)),
            share=row.get("share"),
            share_qualifier=Qualifier(sq) if sq else None,
            purpose=row.get("purpose"),
            provenance=Provenance.from_row(row),
        )

    async def _link(self, info: Info, relation: str) -> Row | None:
        return await first_linked(info, reads.FUNDING_LINK, self.key, ListFilter(relation=relation))

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
    async def territory(self, info: Info) -> Territory | None:
        row = await self._link(info, "ON_TERRITORY")
        return territory_from_row(row) if row else None

    @strawberry.field(
        description="Every link of this funding (payer, payee, the funding it is a share of, "
        "its territory, its contracts) with the provenance of each."
    )
    async def links(self, info: Info) -> list[FundingLink]:
        page = await connect(
            info,
            FundingLinkConnection,
            reads.FUNDING_LINKS,
            self.key,
            NAME,
            lambda cursor, item: FundingLink(
                relation=FundingRelation(item["edge"]["relation"]),
                key=item["node"].get("key") or item["node"].get("code") or "",
                provenance=Provenance.from_row(item["edge"]),
            ),
            first=None,
            after=None,
        )
        return page.edges

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
            contract_edge,
            **page_args(first, after, None, None),
        )

    @strawberry.field(description="Fundings that are shares of this one.")
    async def shares(
        self,
        info: Info,
        filter: FundingFilterArg = None,
        first: First = None,
        after: After = None,
    ) -> FundingConnection:
        return await funding_connection(
            info, reads.FUNDING_SHARES, self.key, NAME, funding_conditions(filter), first, after
        )


@strawberry.enum(description="How a funding is linked to a node.")
class FundingRelation(Enum):
    PAID_BY = strawberry.enum_value("PAID_BY", description="Its payer (a partner).")
    PAID_TO = strawberry.enum_value("PAID_TO", description="Its payee (a partner).")
    SHARE_OF = strawberry.enum_value("SHARE_OF", description="The funding it is a share of.")
    ON_TERRITORY = strawberry.enum_value("ON_TERRITORY", description="The territory it is on.")
    CONCERNS = strawberry.enum_value("CONCERNS", description="A contract it concerns.")


@strawberry.type(description="One link of a funding, with its provenance.")
class FundingLink:
    relation: FundingRelation = strawberry.field(description="What the link says.")
    key: str = strawberry.field(
        description="Key of the linked node (a partner, funding or contract key, or a "
        "territory code)."
    )
    provenance: Provenance = strawberry.field(description="Where the link is recorded from.")


@strawberry.type(description="The links of a funding (internal page type).")
class FundingLinkConnection(ConnectionOf[FundingLink]):
    pass


#: How a funding total is computed, for the field descriptions.
TOTAL_RULE = (
    "Each share is counted once: a funding that is a share of another one of this list "
    "(`shareOf`, directly or through a chain of shares) is not added to it (listed in "
    "`sharesLeftOut`); a share whose whole is not in the list is added."
)


@strawberry.type(description="The total amount of a list of fundings. " + TOTAL_RULE)
class FundingTotal:
    amount: float = strawberry.field(
        description="Sum of the amounts counted, in EUR (the only currency of the format)."
    )
    qualifier: Qualifier = strawberry.field(
        description="How exact the sum is: exact when every amount counted is; at most when "
        "some are ceilings; more than when some are floors; about when one is approximate "
        "or ceilings and floors are mixed."
    )
    counted: list[str] = strawberry.field(description="Keys of the fundings added.")
    shares_left_out: list[str] = strawberry.field(
        description="Keys of the shares not added because the funding they are part of is."
    )
    without_amount: list[str] = strawberry.field(
        description="Keys of the fundings of the list with no amount."
    )


@strawberry.type(description="A page of fundings.")
class FundingConnection(ConnectionOf[Edge[Funding]]):
    list_query: strawberry.Private[ListQuery]
    parent: strawberry.Private[str]
    where: strawberry.Private[ListFilter]

    @strawberry.field(
        description="Total amount of the whole list with these filters (every page). " + TOTAL_RULE
    )
    async def total(self, info: Info) -> FundingTotal:
        rows = await node_reads.funding_amounts(
            info.context.reader, self.list_query, self.parent, self.where
        )
        total = funding_total(
            FundingAmount(
                key=row["key"],
                amount=row["amount"],
                qualifier=Qualifier(row["qualifier"] or Qualifier.EXACTLY.value),
                share_of=tuple(row["shareOf"]),
            )
            for row in rows
        )
        return FundingTotal(
            amount=total.amount,
            qualifier=total.qualifier,
            counted=list(total.counted),
            shares_left_out=list(total.shares_left_out),
            without_amount=list(total.without_amount),
        )


async def funding_connection(
    info: Info,
    list_query: ListQuery,
    parent: str,
    sort: Sort,
    where: ListFilter,
    first: int | None,
    after: str | None,
    last: int | None = None,
    before: str | None = None,
) -> FundingConnection:
    """One page of the fundings of ``list_query`` under ``parent``, whose ``total`` sums
    the whole list."""
    connection: Any = partial(FundingConnection, list_query=list_query, parent=parent, where=where)
    result: FundingConnection = await connect(
        info,
        connection,
        list_query,
        parent,
        sort,
        node_edges(Funding.from_row),
        where=where,
        first=first,
        after=after,
        last=last,
        before=before,
    )
    return result


async def all_fundings(
    info: Info,
    filter: FundingFilter | None,
    text_filter: str | None,
    first: First,
    after: After,
    last: Last,
    before: Before,
) -> FundingConnection:
    """The root list of fundings, largest amount first."""
    where = replace(funding_conditions(filter), text=text_filter)
    return await funding_connection(
        info, reads.FUNDINGS, "*", reads.BY_AMOUNT_DESC, where, first, after, last, before
    )


# Imported last: these modules refer to each other (a contract lists its partners, a
# partner its contracts) and strawberry resolves the annotations only when the schema
# is built, once every module is complete.
from schema.partnerships.contracts import ContractConnection, contract_edge  # noqa: E402
from schema.partnerships.partners import Partner  # noqa: E402
