"""GraphQL types of partnership contracts (CTG, CEJ, contrats de ville…): the contract
with its signatories, covered territories, axes, fiches actions, relations to other
contracts, bodies and fundings.
"""

from __future__ import annotations

import datetime
from typing import Any

import strawberry

from domain.dates import activity_on
from domain.vocabulary import RELATIONSHIP_TYPE, ContractRelation
from graph import fact_reads
from graph import partnership_reads as reads
from graph.list_reads import NAME, ListFilter
from graph.reader import Row
from schema.common import (
    After,
    Before,
    ContractStatus,
    First,
    Last,
    Text,
    as_date,
    folded_text,
    theme_codes,
)
from schema.context import Info
from schema.dates import (
    Activity,
    DurationRangeType,
    FuzzyDateType,
    PeriodType,
    fuzzy_date,
    stored_period,
)
from schema.partnerships import fact_fields
from schema.partnerships.funding_filter import FundingFilterArg, funding_conditions
from schema.partnerships.provenance import Provenance, link_provenance
from schema.registry import register
from schema.relay import Connection, ConnectionOf, Node, connect, global_id, node_edges, page_args
from schema.territories.types import Territory, territory_from_row

#: Description of the ``prospective`` flag of a signature.
PROSPECTIVE = (
    "True when the contract was still in preparation: a party the source expects to sign, "
    "not a signature (its provenance is then inferred, with the reason)."
)


@strawberry.type(description="A partner that signed a contract.")
class SignatoryEdge:
    cursor: str = strawberry.field(description="Cursor of this item.")
    partner: Partner = strawberry.field(description="The signing partner.")
    role: str | None = strawberry.field(description="Its role in the contract, as the source says.")
    signed_on: datetime.date | None = strawberry.field(
        description="When it signed: the first day of `signedOnDate`.",
        deprecation_reason="Use `signedOnDate`, which keeps the precision (day, month, year).",
    )
    signed_on_date: FuzzyDateType | None = strawberry.field(
        description="When it signed, at the precision the source gives; null when unknown."
    )
    people: list[Person] = strawberry.field(description="Who signed on its behalf.")
    provenance: Provenance = strawberry.field(description="Where the signature is recorded from.")
    prospective: bool = strawberry.field(description=PROSPECTIVE)

    @strawberry.field(description="The signing partner (same as `partner`).")
    def node(self) -> Partner:
        return self.partner


@strawberry.type(description="A page of signatories.")
class SignatoryConnection(ConnectionOf[SignatoryEdge]):
    pass


def _related(relation: ContractRelation, *, incoming: bool, description: str) -> Any:
    """The field of the contracts linked to this one by ``relation``: those it points to,
    or (``incoming``) those pointing to it. Six fields differ only by these two words."""

    async def resolve(
        self: Contract, info: Info, first: First = None, after: After = None
    ) -> ContractConnection:
        return await connect(
            info,
            ContractConnection,
            reads.CONTRACT_RELATED_IN if incoming else reads.CONTRACT_RELATED_OUT,
            self.key,
            NAME,
            contract_edge,
            where=ListFilter(relation=RELATIONSHIP_TYPE[relation]),
            first=first,
            after=after,
        )

    return strawberry.field(resolver=resolve, description=description)


def _partners(relation: str, *, description: str) -> Any:
    """The field of the partners linked to the contract by ``relation`` (LEADS, FUNDS)."""

    async def resolve(
        self: Contract, info: Info, first: First = None, after: After = None
    ) -> PartnerConnection:
        return await connect(
            info,
            PartnerConnection,
            reads.CONTRACT_PARTNERS,
            self.key,
            NAME,
            partner_edge,
            where=ListFilter(relation=relation),
            first=first,
            after=after,
        )

    return strawberry.field(resolver=resolve, description=description)


@register("Contract")
@strawberry.type(
    description="A partnership contract: a CTG, a CEJ, a contrat de ville… with its "
    "signatories, territories, axes and fiches actions."
)
class Contract(Node):
    key: str = strawberry.field(description="Key of the contract (`ctg-saint-flour-2017`…).")
    title: str = strawberry.field(description="Title.")
    kind_code: str = strawberry.field(description="Code of its kind (`ctg`, `cej`…).")
    number: str | None = strawberry.field(
        description="Its number as the source writes it (« CEJ n° … »)."
    )
    notes: str | None = strawberry.field(
        description="The dataset author's notes on it (not a fact of the source)."
    )
    aliases: list[str] = strawberry.field(description="Other names it goes by.")
    status: ContractStatus | None = strawberry.field(description="Where it stands.")
    status_as_of: datetime.date | None = strawberry.field(
        description="When the status was true: the first day of `statusAsOfDate`.",
        deprecation_reason="Use `statusAsOfDate`, which keeps the precision (day, month, year).",
    )
    signed_on: datetime.date | None = strawberry.field(
        description="When it was signed: the first day of `signedOnDate`.",
        deprecation_reason="Use `signedOnDate`, which keeps the precision (day, month, year).",
    )
    start: datetime.date | None = strawberry.field(
        description="The earliest day it can have started (`period.start.earliest`): "
        "2017-01-01 for a start known as 2017.",
        deprecation_reason="Use `period.start`, which keeps the precision (day, month, year).",
    )
    end: datetime.date | None = strawberry.field(
        description="The latest day it can end (`period.end.latest`): 2020-12-31 for an end "
        "known as 2020; null when unknown or open.",
        deprecation_reason="Use `period.end` and `period.endOpen`, which keep the precision "
        "and say whether the end is open or unknown.",
    )
    duration_years: float | None = strawberry.field(
        description="Planned duration, when stated as an exact number of years (see "
        "`duration` for a range)."
    )
    status_as_of_date: FuzzyDateType | None = strawberry.field(
        description="When the source shows its status, at the precision it gives."
    )
    signed_on_date: FuzzyDateType | None = strawberry.field(
        description="When it was signed, at the precision the source gives; null when unknown."
    )
    period: PeriodType = strawberry.field(
        description="When it applies: start and end at their precision, or unknown, or open."
    )
    duration: DurationRangeType | None = strawberry.field(
        description="Planned duration in whole years, exact or a range (« 4 ou 5 ans »)."
    )
    provenance: Provenance = strawberry.field(description="Where this contract is recorded from.")

    @classmethod
    def from_row(cls, row: Row) -> Contract:
        status = row.get("status")
        return cls(
            id=global_id("Contract", row["key"]),
            key=row["key"],
            title=row.get("title") or row.get("name") or row["key"],
            kind_code=row.get("kind") or "other",
            number=row.get("number"),
            notes=row.get("notes"),
            aliases=list(row.get("aliases") or []),
            status=ContractStatus(status) if status else None,
            status_as_of=as_date(row.get("statusAsOf")),
            signed_on=as_date(row.get("signedOn")),
            start=as_date(row.get("start")),
            end=as_date(row.get("end")),
            duration_years=row.get("durationYears"),
            status_as_of_date=fuzzy_date(row, "statusAsOf"),
            signed_on_date=fuzzy_date(row, "signedOn"),
            period=PeriodType.of(stored_period(row)),
            duration=DurationRangeType.from_props(row),
            provenance=Provenance.from_row(row),
        )

    @strawberry.field(
        description="True only when the contract certainly applies on this date "
        "(`activityOn` is ACTIVE); false when it certainly does not or cannot be told.",
        deprecation_reason="Use `activityOn`, which says UNKNOWN when the dates cannot "
        "decide instead of false.",
    )
    def active_on(self, on: datetime.date) -> bool:
        return activity_on(self.period.period, on) is Activity.ACTIVE

    @strawberry.field(
        description="Whether the contract applies on this date: ACTIVE, INACTIVE, or "
        "UNKNOWN when its dates (missing, or known only to the month or year) cannot "
        "decide; same as `period.activityOn`."
    )
    def activity_on(self, on: datetime.date) -> Activity:
        return activity_on(self.period.period, on)

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
            signatory_edge,
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
        return await connect(
            info,
            CoveredTerritoryConnection,
            reads.CONTRACT_TERRITORIES,
            self.key,
            NAME,
            lambda cursor, item: CoveredTerritoryEdge(
                cursor=cursor,
                node=territory_from_row(item["node"]),
                provenance=Provenance.from_row(item["edge"]),
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
    ) -> Connection[Axis]:
        return await connect(
            info,
            Connection[Axis],
            reads.CONTRACT_AXES,
            self.key,
            reads.BY_NUMBER,
            node_edges(Axis.from_row),
            **page_args(first, after, last, before),
        )

    @strawberry.field(
        description="Its fiches actions, by number, optionally on some themes: its own and "
        "those of other contracts it englobes (each fiche's `contract` is its owner)."
    )
    async def actions(
        self,
        info: Info,
        themes: list[str] | None = None,
        text: Text = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Action]:
        return await connect(
            info,
            Connection[Action],
            reads.CONTRACT_ACTIONS,
            self.key,
            reads.BY_NUMBER,
            node_edges(Action.from_row),
            where=ListFilter(themes=theme_codes(themes), text=folded_text(text)),
            **page_args(first, after, last, before),
        )

    succeeds = _related(
        ContractRelation.SUCCEEDS,
        incoming=False,
        description="Contracts this one takes over from (a CTG succeeds CEJs).",
    )
    succeeded_by = _related(
        ContractRelation.SUCCEEDS,
        incoming=True,
        description="Contracts that take over from this one.",
    )
    declines = _related(
        ContractRelation.DECLINES,
        incoming=False,
        description="Contracts this one declines (implements locally).",
    )
    declined_by = _related(
        ContractRelation.DECLINES,
        incoming=True,
        description="Contracts that decline (implement) this one.",
    )
    amends = _related(
        ContractRelation.AMENDS, incoming=False, description="Contracts this one amends."
    )
    amended_by = _related(
        ContractRelation.AMENDS, incoming=True, description="Amendments to this contract."
    )
    stated_themes = fact_fields.stated_themes(
        fact_reads.CONTRACT_THEMES,
        "Themes stated for the contract as a whole, each with its provenance (the themes of "
        "its fiches actions are on `actions`).",
    )
    contributors = fact_fields.contributors()
    framed_by = fact_fields.framed_by()
    statements = fact_fields.statements("Free statements about this contract.")
    leads = _partners("LEADS", description="Partners leading (carrying) the contract.")
    funders = _partners("FUNDS", description="Partners funding the contract.")

    @strawberry.field(description="Governance bodies steering it.")
    async def bodies(
        self, info: Info, first: First = None, after: After = None
    ) -> Connection[Body]:
        return await connect(
            info,
            Connection[Body],
            reads.CONTRACT_BODIES,
            self.key,
            NAME,
            node_edges(Body.from_row),
            **page_args(first, after, None, None),
        )

    @strawberry.field(
        description="Fundings concerning it, optionally filtered; `total` sums them, each "
        "share counted once."
    )
    async def fundings(
        self,
        info: Info,
        filter: FundingFilterArg = None,
        first: First = None,
        after: After = None,
    ) -> FundingConnection:
        return await funding_connection(
            info, reads.CONTRACT_FUNDINGS, self.key, NAME, funding_conditions(filter), first, after
        )


@strawberry.type(description="A contract in a list.")
class ContractEdge:
    cursor: str = strawberry.field(description="Cursor of this item.")
    node: Contract = strawberry.field(description="The contract.")
    matching_actions: int | None = strawberry.field(
        description="Under a theme: how many of its fiches actions address the theme."
    )
    provenance: Provenance | None = strawberry.field(
        default=None,
        description="Where the link to this contract is recorded from and how sure it is (a "
        "succession, a declination, a body steering it, a funding concerning it, a partner "
        "leading it); null on lists that are not links (top-level lists, a theme's contracts).",
    )


@strawberry.type(description="A page of contracts.")
class ContractConnection(ConnectionOf[ContractEdge]):
    pass


def contract_edge(cursor: str, item: Row) -> ContractEdge:
    edge = item.get("edge") or {}
    return ContractEdge(
        cursor=cursor,
        node=Contract.from_row(item["node"]),
        matching_actions=edge.get("actions") if isinstance(edge, dict) else None,
        provenance=link_provenance(edge),
    )


@strawberry.type(description="A contract a partner or person signed.")
class SignedContractEdge:
    cursor: str = strawberry.field(description="Cursor of this item.")
    node: Contract = strawberry.field(description="The contract.")
    role: str | None = strawberry.field(description="Role of the signatory.")
    signed_on: datetime.date | None = strawberry.field(
        description="When it signed: the first day of `signedOnDate`.",
        deprecation_reason="Use `signedOnDate`, which keeps the precision (day, month, year).",
    )
    signed_on_date: FuzzyDateType | None = strawberry.field(
        description="When it signed, at the precision the source gives; null when unknown."
    )
    provenance: Provenance = strawberry.field(description="Where the signature is recorded from.")
    prospective: bool = strawberry.field(description=PROSPECTIVE)


@strawberry.type(description="A page of signed contracts.")
class SignedContractConnection(ConnectionOf[SignedContractEdge]):
    pass


def signatory_edge(cursor: str, item: Row) -> SignatoryEdge:
    """A signatory (of a contract) or a party (of a framing document) with its link."""
    edge = item["edge"]
    return SignatoryEdge(
        cursor=cursor,
        partner=Partner.from_row(item["node"]),
        role=edge.get("role"),
        signed_on=as_date(edge.get("signedOn")),
        signed_on_date=fuzzy_date(edge, "signedOn"),
        people=[Person.from_row(p) for p in edge.get("people") or []],
        provenance=Provenance.from_row(edge),
        prospective=bool(edge.get("prospective")),
    )


def signed_contract_edge(cursor: str, item: Row) -> SignedContractEdge:
    edge = item["edge"]
    return SignedContractEdge(
        cursor=cursor,
        node=Contract.from_row(item["node"]),
        role=edge.get("role"),
        signed_on=as_date(edge.get("signedOn")),
        signed_on_date=fuzzy_date(edge, "signedOn"),
        provenance=Provenance.from_row(edge),
        prospective=bool(edge.get("prospective")),
    )


@strawberry.type(description="A territory a contract covers, as written in the contract.")
class CoveredTerritoryEdge:
    cursor: str = strawberry.field(description="Cursor of this item.")
    node: Territory = strawberry.field(description="The territory.")
    provenance: Provenance = strawberry.field(description="Where the coverage is recorded from.")


@strawberry.type(description="A page of covered territories.")
class CoveredTerritoryConnection(ConnectionOf[CoveredTerritoryEdge]):
    pass


# Imported last: these modules refer to each other (a contract lists its partners, a
# partner its contracts) and strawberry resolves the annotations only when the schema
# is built, once every module is complete.
from schema.partnerships.actions import Action, Axis  # noqa: E402
from schema.partnerships.bodies import Body  # noqa: E402
from schema.partnerships.fundings import (  # noqa: E402
    FundingConnection,
    funding_connection,
)
from schema.partnerships.partners import Partner, PartnerConnection, Person, partner_edge  # noqa: E402
from schema.partnerships.vocabularies import ContractKind  # noqa: E402
