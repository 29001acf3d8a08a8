"""Fields that the facts with no field of their own add to the older types, each a
factory called in the type's class body (one line there): the themes stated for a
contract or an axis, the partners contributing to a contract, the documents framing it,
the statements about it, a partner's competences, who created a kind of contract. Each
list item carries the provenance of the link that reached it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from graph import fact_reads
from graph.list_reads import NAME, ListQuery
from graph.reader import Row
from schema.common import After, Before, First, Last
from schema.context import Info
from schema.partnerships.provenance import Provenance
from schema.relay import Connection, ConnectionOf, connect, node_edges, page_args

if TYPE_CHECKING:
    from schema.partnerships.competences import CompetenceHolding
    from schema.partnerships.documents import FramingConnection
    from schema.partnerships.partners import Partner
    from schema.partnerships.statements import Statement
    from schema.partnerships.vocabularies import Theme

# Lazy: contracts.py imports this module before the types below exist (they refer back).
ThemeRef = Annotated["Theme", strawberry.lazy("schema.partnerships.vocabularies")]
PartnerRef = Annotated["Partner", strawberry.lazy("schema.partnerships.partners")]
StatementRef = Annotated["Statement", strawberry.lazy("schema.partnerships.statements")]
HoldingRef = Annotated["CompetenceHolding", strawberry.lazy("schema.partnerships.competences")]
FramingConnectionRef = Annotated[
    "FramingConnection", strawberry.lazy("schema.partnerships.documents")
]


@strawberry.type(description="A theme stated for a contract or an axis as a whole.")
class StatedThemeEdge:
    cursor: str = strawberry.field(description="Cursor of this item.")
    node: ThemeRef = strawberry.field(description="The theme.")
    provenance: Provenance = strawberry.field(
        description="Where the theme is stated, and whether the author inferred it."
    )


@strawberry.type(description="A page of stated themes.")
class StatedThemeConnection(ConnectionOf[StatedThemeEdge]):
    pass


@strawberry.type(description="A partner with a role on a contract it does not sign.")
class ContributorEdge:
    cursor: str = strawberry.field(description="Cursor of this item.")
    node: PartnerRef = strawberry.field(description="The partner (a consultancy…).")
    role: str | None = strawberry.field(description="Its role, as the source words it.")
    provenance: Provenance = strawberry.field(description="Where the role is recorded from.")


@strawberry.type(description="A page of contributors.")
class ContributorConnection(ConnectionOf[ContributorEdge]):
    pass


@strawberry.type(description="A partner that created a kind of contract.")
class CreatorEdge:
    cursor: str = strawberry.field(description="Cursor of this item.")
    node: PartnerRef = strawberry.field(description="The partner (the Cnaf for the CTG…).")
    provenance: Provenance = strawberry.field(description="Where this is stated.")


@strawberry.type(description="A page of creators.")
class CreatorConnection(ConnectionOf[CreatorEdge]):
    pass


def stated_themes(list_query: ListQuery, description: str) -> Any:
    """The field of the themes stated for a contract or an axis (``list_query``)."""

    async def resolve(
        self: Any,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> StatedThemeConnection:
        from schema.partnerships.vocabularies import Theme

        return await connect(
            info,
            StatedThemeConnection,
            list_query,
            self.key,
            NAME,
            lambda cursor, item: StatedThemeEdge(
                cursor=cursor,
                node=Theme.from_row(item["node"]),
                provenance=Provenance.from_row(item["edge"]),
            ),
            **page_args(first, after, last, before),
        )

    return strawberry.field(resolver=resolve, description=description)


def contributors() -> Any:
    """The field of the partners contributing to a contract without signing it."""

    async def resolve(
        self: Any, info: Info, first: First = None, after: After = None
    ) -> ContributorConnection:
        return await connect(
            info,
            ContributorConnection,
            fact_reads.CONTRACT_CONTRIBUTORS,
            self.key,
            NAME,
            _contributor_edge,
            first=first,
            after=after,
        )

    return strawberry.field(
        resolver=resolve,
        description="Partners with a role on the contract that do not sign it (a consultancy "
        "hired to draw it up…), with their role.",
    )


def _contributor_edge(cursor: str, item: Row) -> ContributorEdge:
    from schema.partnerships.partners import Partner

    return ContributorEdge(
        cursor=cursor,
        node=Partner.from_row(item["node"]),
        role=item["edge"].get("role"),
        provenance=Provenance.from_row(item["edge"]),
    )


def framed_by() -> Any:
    """The field of the documents framing a contract."""

    async def resolve(
        self: Any, info: Info, first: First = None, after: After = None
    ) -> FramingConnectionRef:
        from schema.partnerships.documents import FramingConnection, framing_edge

        return await connect(
            info,
            FramingConnection,
            fact_reads.CONTRACT_FRAMED_BY,
            self.key,
            NAME,
            framing_edge,
            first=first,
            after=after,
        )

    return strawberry.field(
        resolver=resolve,
        description="Charters and plans framing the contract (not contracts it declines).",
    )


def statements(description: str) -> Any:
    """The field of the free statements about a node (by its key)."""

    async def resolve(
        self: Any, info: Info, first: First = None, after: After = None
    ) -> Connection[StatementRef]:
        from schema.partnerships.statements import Statement

        return await connect(
            info,
            Connection[Statement],
            fact_reads.STATEMENTS,
            self.key,
            NAME,
            node_edges(Statement.from_row),
            first=first,
            after=after,
        )

    return strawberry.field(resolver=resolve, description=description)


def competences() -> Any:
    """The field of the competences a partner holds."""

    async def resolve(
        self: Any, info: Info, first: First = None, after: After = None
    ) -> Connection[HoldingRef]:
        from schema.partnerships.competences import CompetenceHolding

        return await connect(
            info,
            Connection[CompetenceHolding],
            fact_reads.PARTNER_COMPETENCES,
            self.key,
            NAME,
            node_edges(CompetenceHolding.from_row),
            first=first,
            after=after,
        )

    return strawberry.field(
        resolver=resolve,
        description="Competences it holds, on which territory and when (holding a "
        "competence is not leading a contract).",
    )


def created_by() -> Any:
    """The field of the partners that created a kind of contract."""

    async def resolve(self: Any, info: Info) -> CreatorConnection:
        from schema.partnerships.partners import Partner

        return await connect(
            info,
            CreatorConnection,
            fact_reads.KIND_CREATORS,
            self.code,
            NAME,
            lambda cursor, item: CreatorEdge(
                cursor=cursor,
                node=Partner.from_row(item["node"]),
                provenance=Provenance.from_row(item["edge"]),
            ),
            first=None,
            after=None,
        )

    return strawberry.field(
        resolver=resolve,
        description="Who created this kind of contract (the Cnaf set up the CTG), as the "
        "datasets state it.",
    )
