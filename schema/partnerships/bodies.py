"""GraphQL types of governance: bodies (comité de pilotage, groupe technique…), their
members and the memberships of partners and people.
"""

from __future__ import annotations

import strawberry

from graph import partnership_reads as reads
from graph.list_reads import NAME
from graph.reader import Row
from schema.common import After, Before, First, Last
from schema.context import Info
from schema.partnerships.provenance import Provenance, to_one_provenance
from schema.registry import node_from_row, register
from schema.relay import ConnectionOf, Node, connect, first_linked, global_id, listed, page_args


@listed(edge="A body in a list.", node="The body.", page="A page of bodies.")
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
            provenance=Provenance.from_row(row),
        )

    @strawberry.field(description="The organisation it belongs to, if any.")
    async def organisation(self, info: Info) -> Partner | None:
        row = await first_linked(info, reads.BODY_ORGANISATION, self.key)
        return Partner.from_row(row) if row else None

    @strawberry.field(
        description="Where the link to its organisation is recorded from and how sure it is "
        "(null without an organisation)."
    )
    async def organisation_provenance(self, info: Info) -> Provenance | None:
        return await to_one_provenance(info, reads.BODY_ORGANISATION, self.key)

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
                provenance=Provenance.from_row(item["edge"]),
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
            contract_edge,
            **page_args(first, after, None, None),
        )


@strawberry.type(description="A member of a body (a partner, a person or a body).")
class MemberEdge:
    cursor: str = strawberry.field(description="Cursor of this item.")
    node: Node = strawberry.field(description="The member.")
    role: str | None = strawberry.field(description="Its role in the body.")
    provenance: Provenance = strawberry.field(description="Where membership is recorded from.")


@strawberry.type(description="A page of members.")
class MemberConnection(ConnectionOf[MemberEdge]):
    pass


@strawberry.type(description="A body someone sits on, with their role.")
class MembershipEdge:
    cursor: str = strawberry.field(description="Cursor of this item.")
    node: Body = strawberry.field(description="The body.")
    role: str | None = strawberry.field(description="Role in the body.")
    provenance: Provenance = strawberry.field(description="Where membership is recorded from.")


@strawberry.type(description="A page of memberships.")
class MembershipConnection(ConnectionOf[MembershipEdge]):
    pass


def membership_edge(cursor: str, item: Row) -> MembershipEdge:
    return MembershipEdge(
        cursor=cursor,
        node=Body.from_row(item["node"]),
        role=item["edge"].get("role"),
        provenance=Provenance.from_row(item["edge"]),
    )


# Imported last: these modules refer to each other (a contract lists its partners, a
# partner its contracts) and strawberry resolves the annotations only when the schema
# is built, once every module is complete.
from schema.partnerships.contracts import ContractConnection, contract_edge  # noqa: E402
from schema.partnerships.partners import Partner  # noqa: E402
