"""GraphQL types of framing documents: the charters, plans and framework documents that
frame contracts without being contracts (a partners' commitment charter, a PLUi-H valant
SCoT), with the partners committed to them, the territories they apply to and the
contracts they frame, each link with its provenance.
"""

from __future__ import annotations

import strawberry

from graph import fact_reads
from graph.list_reads import NAME
from graph.reader import Row
from schema.common import After, Before, First, Last
from schema.context import Info
from schema.dates import FuzzyDateType, fuzzy_date
from schema.partnerships.provenance import Provenance
from schema.registry import register
from schema.relay import ConnectionOf, Node, connect, global_id, listed, page_args
from schema.territories.types import territory_from_row


@listed(
    edge="A framing document in a list.",
    node="The framing document.",
    page="A page of framing documents.",
)
@register("FramingDocument")
@strawberry.type(
    description="A charter, plan or framework document that frames contracts without being "
    "one: a partners' commitment charter, a PLUi-H valant SCoT…"
)
class FramingDocument(Node):
    key: str = strawberry.field(description="Key of the document.")
    title: str = strawberry.field(description="Title.")
    kind_code: str = strawberry.field(
        description="Code of its kind in the contract-kind vocabulary (`charte-engagement`…)."
    )
    aliases: list[str] = strawberry.field(description="Other names it goes by.")
    adopted_on: FuzzyDateType | None = strawberry.field(
        description="When it was adopted, at its precision (day, month or year)."
    )
    provenance: Provenance = strawberry.field(description="Where this document is recorded from.")

    @classmethod
    def from_row(cls, row: Row) -> FramingDocument:
        return cls(
            id=global_id("FramingDocument", row["key"]),
            key=row["key"],
            title=row.get("title") or row["key"],
            kind_code=row.get("kind") or "other",
            aliases=list(row.get("aliases") or []),
            adopted_on=fuzzy_date(row, "adoptedOn"),
            provenance=Provenance.from_row(row),
        )

    @strawberry.field(description="Its kind, with labels.")
    async def kind(self, info: Info) -> ContractKind | None:
        row = await info.context.nodes.load("ContractKind", self.kind_code)
        return ContractKind.from_row(row) if row else None

    @strawberry.field(description="Contracts it frames, each link with its provenance.")
    async def frames(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> FramedContractConnection:
        return await connect(
            info,
            FramedContractConnection,
            fact_reads.DOCUMENT_FRAMES,
            self.key,
            NAME,
            lambda cursor, item: FramedContractEdge(
                cursor=cursor,
                node=Contract.from_row(item["node"]),
                provenance=Provenance.from_row(item["edge"]),
            ),
            **page_args(first, after, last, before),
        )

    @strawberry.field(description="Partners that adopted or committed to it, with their role.")
    async def parties(
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
            fact_reads.DOCUMENT_PARTIES,
            self.key,
            NAME,
            signatory_edge,
            **page_args(first, after, last, before),
        )

    @strawberry.field(description="Territories it applies to, each with its provenance.")
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
            fact_reads.DOCUMENT_TERRITORIES,
            self.key,
            NAME,
            lambda cursor, item: CoveredTerritoryEdge(
                cursor=cursor,
                node=territory_from_row(item["node"]),
                provenance=Provenance.from_row(item["edge"]),
            ),
            **page_args(first, after, last, before),
        )


@strawberry.type(description="A contract a framing document frames.")
class FramedContractEdge:
    cursor: str = strawberry.field(description="Cursor of this item.")
    node: Contract = strawberry.field(description="The contract.")
    provenance: Provenance = strawberry.field(description="Where the framing is recorded from.")


@strawberry.type(description="A page of framed contracts.")
class FramedContractConnection(ConnectionOf[FramedContractEdge]):
    pass


@strawberry.type(description="A framing document of a contract.")
class FramingEdge:
    cursor: str = strawberry.field(description="Cursor of this item.")
    node: FramingDocument = strawberry.field(description="The framing document.")
    provenance: Provenance = strawberry.field(description="Where the framing is recorded from.")


@strawberry.type(description="A page of framing documents.")
class FramingConnection(ConnectionOf[FramingEdge]):
    pass


def framing_edge(cursor: str, item: Row) -> FramingEdge:
    """A framing document of a contract, with the provenance of the framing link."""
    return FramingEdge(
        cursor=cursor,
        node=FramingDocument.from_row(item["node"]),
        provenance=Provenance.from_row(item["edge"]),
    )


# Imported last: these modules refer to each other (see schema/partnerships/contracts.py).
from schema.partnerships.contracts import (  # noqa: E402
    Contract,
    CoveredTerritoryConnection,
    CoveredTerritoryEdge,
    SignatoryConnection,
    signatory_edge,
)
from schema.partnerships.vocabularies import ContractKind  # noqa: E402
