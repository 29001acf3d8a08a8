"""GraphQL types of what a contract commits to: its axes (orientations) and fiches
actions, with their themes, leads and funders.
"""

from __future__ import annotations

import strawberry

from graph import fact_reads
from graph import partnership_reads as reads
from graph.list_reads import NAME, ListFilter
from graph.reader import Row
from schema.common import After, Before, First, Last, theme_codes
from schema.context import Info
from schema.partnerships import fact_fields
from schema.partnerships.provenance import Provenance, to_one_provenance
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
    page_args,
)


@listed(edge="An axis in a list.", node="The axis.", page="A page of axes.")
@register("Axis")
@strawberry.type(description="An axis (orientation) of a contract, grouping fiches actions.")
class Axis(Node):
    key: str = strawberry.field(description="Key (`<contract>-axe-<number>`).")
    number: int | None = strawberry.field(description="Number in the contract.")
    title: str = strawberry.field(description="Title.")
    provenance: Provenance = strawberry.field(description="Where this axis is recorded from.")
    stated_themes = fact_fields.stated_themes(
        fact_reads.AXIS_THEMES,
        "Themes stated for the axis as a whole, each with its provenance (the themes of its "
        "fiches actions are on `actions`).",
    )

    @classmethod
    def from_row(cls, row: Row) -> Axis:
        return cls(
            id=global_id("Axis", row["key"]),
            key=row["key"],
            number=row.get("number"),
            title=row.get("title") or row["key"],
            provenance=Provenance.from_row(row),
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
    ) -> Connection[Action]:
        return await connect(
            info,
            Connection[Action],
            reads.AXIS_ACTIONS,
            self.key,
            reads.BY_NUMBER,
            node_edges(Action.from_row),
            where=ListFilter(themes=theme_codes(themes)),
            **page_args(first, after, last, before),
        )


@listed(
    edge="A fiche action in a list.", node="The fiche action.", page="A page of fiches actions."
)
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
            provenance=Provenance.from_row(row),
        )

    @strawberry.field(
        description="The contract this fiche action belongs to (its owner), even when it is "
        "listed under another contract that englobes it (see `contracts`)."
    )
    async def contract(self, info: Info) -> Contract | None:
        row = await first_linked(info, reads.ACTION_CONTRACT, self.key)
        return Contract.from_row(row) if row else None

    @strawberry.field(
        description="Every contract that includes this fiche action: its owner and the "
        "contracts that englobe it (« la CTG englobe dix fiches actions » of a contrat de "
        "cohésion sociale), each saying which it is."
    )
    async def contracts(
        self, info: Info, first: First = None, after: After = None
    ) -> ActionContractConnection:
        return await connect(
            info,
            ActionContractConnection,
            reads.ACTION_CONTRACTS,
            self.key,
            NAME,
            lambda cursor, item: ActionContractEdge(
                cursor=cursor,
                node=Contract.from_row(item["node"]),
                owns=not item["edge"].get("englobed"),
                provenance=Provenance.from_row(item["edge"]),
            ),
            **page_args(first, after, None, None),
        )

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
    ) -> Connection[Theme]:
        return await connect(
            info,
            Connection[Theme],
            reads.ACTION_THEMES,
            self.key,
            NAME,
            node_edges(Theme.from_row),
            **page_args(first, after, last, before),
        )

    @strawberry.field(description="The partner leading it, when known.")
    async def lead(self, info: Info) -> Partner | None:
        row = await first_linked(
            info, reads.ACTION_PARTNERS, self.key, ListFilter(relation="LEADS")
        )
        return Partner.from_row(row) if row else None

    @strawberry.field(
        description="Where the link to its lead is recorded from and how sure it is (null "
        "without a lead)."
    )
    async def lead_provenance(self, info: Info) -> Provenance | None:
        return await to_one_provenance(
            info, reads.ACTION_PARTNERS, self.key, ListFilter(relation="LEADS")
        )

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
            partner_edge,
            where=ListFilter(relation="FUNDS"),
            **page_args(first, after, None, None),
        )


@strawberry.type(description="A contract that includes a fiche action.")
class ActionContractEdge:
    cursor: str = strawberry.field(description="Cursor of this item.")
    node: Contract = strawberry.field(description="The contract.")
    owns: bool = strawberry.field(
        description="True for the contract the fiche belongs to; false for a contract that "
        "englobes a fiche of another one."
    )
    provenance: Provenance = strawberry.field(
        description="Where the link between the contract and the fiche is recorded from."
    )


@strawberry.type(description="A page of the contracts including a fiche action.")
class ActionContractConnection(ConnectionOf[ActionContractEdge]):
    pass


# Imported last: these modules refer to each other (a contract lists its partners, a
# partner its contracts) and strawberry resolves the annotations only when the schema
# is built, once every module is complete.
from schema.partnerships.contracts import Contract  # noqa: E402
from schema.partnerships.partners import Partner, PartnerConnection, partner_edge  # noqa: E402
from schema.partnerships.vocabularies import Theme  # noqa: E402
