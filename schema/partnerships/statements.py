"""GraphQL type of free statements: facts of a source that fit no field (« the shared
diagnostic drew on the cohesion contract's process »), each with its quote, its source
and certainty, attached to the nodes it is about, and found by `search`.
"""

from __future__ import annotations

import strawberry

from graph import fact_reads
from graph.list_reads import NAME
from graph.reader import Row
from schema.common import After, First
from schema.context import Info
from schema.partnerships.provenance import Provenance
from schema.registry import node_from_row, register
from schema.relay import Connection, Node, connect, global_id, listed, node_edges


@listed(edge="A statement in a list.", node="The statement.", page="A page of statements.")
@register("Statement")
@strawberry.type(
    description="A fact of a source that fits no field, in the dataset author's words, "
    "with the source's own words and the nodes it is about."
)
class Statement(Node):
    key: str = strawberry.field(description="Key of the statement.")
    text: str = strawberry.field(description="What the source states, in the author's words.")
    quote: str | None = strawberry.field(description="The source's own words.")
    provenance: Provenance = strawberry.field(
        description="Where the statement comes from and how sure it is."
    )

    @classmethod
    def from_row(cls, row: Row) -> Statement:
        return cls(
            id=global_id("Statement", row["key"]),
            key=row["key"],
            text=row.get("text") or row["key"],
            quote=row.get("quote"),
            provenance=Provenance.from_row(row),
        )

    @strawberry.field(description="The nodes it is about.")
    async def about(self, info: Info, first: First = None, after: After = None) -> Connection[Node]:
        return await connect(
            info,
            Connection[Node],
            fact_reads.STATEMENT_ABOUT,
            self.key,
            NAME,
            node_edges(node_from_row),
            first=first,
            after=after,
        )
