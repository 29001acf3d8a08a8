"""GraphQL types of funding facts: who pays whom, how much, when and for what, and the
shares of a funding.
"""

from __future__ import annotations

import datetime
from enum import Enum

import strawberry

from graph import partnership_reads as reads
from graph.list_reads import NAME, ListFilter
from graph.reader import Row
from schema.common import After, First, Qualifier, as_date
from schema.context import Info
from schema.dates import PeriodType, stored_period
from schema.partnerships.provenance import Provenance
from schema.registry import register
from schema.relay import (
    Connection,
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
        self, info: Info, first: First = None, after: After = None
    ) -> Connection[Funding]:
        return await connect(
            info,
            Connection[Funding],
            reads.FUNDING_SHARES,
            self.key,
            NAME,
            node_edges(Funding.from_row),
            **page_args(first, after, None, None),
        )


# Imported last: these modules refer to each other (a contract lists its partners, a
# partner its contracts) and strawberry resolves the annotations only when the schema
# is built, once every module is complete.
from schema.partnerships.contracts import ContractConnection, contract_edge  # noqa: E402
from schema.partnerships.partners import Partner  # noqa: E402
