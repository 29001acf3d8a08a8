"""Root query fields over the facts that are not contracts: the competence vocabulary and
who holds which competence, the framing documents, and the free statements (also found
by `search`)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from domain.errors import UserFacingError
from graph import fact_reads
from graph.list_reads import NAME, ListFilter
from schema.common import After, First, Text, folded_text, vocabularies
from schema.context import Info
from schema.partnerships.competences import Competence, CompetenceHolding
from schema.partnerships.documents import FramingDocument
from schema.partnerships.statements import Statement
from schema.relay import Connection, connect, node_edges

#: The parent key of a root list: every item.
_EVERY = "*"


@strawberry.type
class FactQueries:
    @strawberry.field(description="The competences of the vocabulary, by name.")
    async def competences(
        self, info: Info, first: First = None, after: After = None
    ) -> Connection[Competence]:
        return await connect(
            info,
            Connection[Competence],
            fact_reads.COMPETENCES,
            _EVERY,
            NAME,
            node_edges(Competence.from_row),
            first=first,
            after=after,
        )

    @strawberry.field(
        description="Who holds which competence on which territory, as the datasets state "
        "it (holding a competence is not leading a contract)."
    )
    async def competence_holdings(
        self,
        info: Info,
        competence: Annotated[
            str | None,
            strawberry.argument(description="Only this competence (`enfance-jeunesse`…)."),
        ] = None,
        text: Text = None,
        first: First = None,
        after: After = None,
    ) -> Connection[CompetenceHolding]:
        known = vocabularies().competences
        if competence is not None and competence not in known:
            raise UserFacingError(
                f"`competence`: unknown competence {competence!r}. Known competences: "
                f"{', '.join(sorted(known))}."
            )
        return await connect(
            info,
            Connection[CompetenceHolding],
            fact_reads.COMPETENCE_HOLDINGS,
            competence or _EVERY,
            NAME,
            node_edges(CompetenceHolding.from_row),
            where=ListFilter(text=folded_text(text)),
            first=first,
            after=after,
        )

    @strawberry.field(description="Charters and plans that frame contracts, by title.")
    async def framing_documents(
        self, info: Info, text: Text = None, first: First = None, after: After = None
    ) -> Connection[FramingDocument]:
        return await connect(
            info,
            Connection[FramingDocument],
            fact_reads.FRAMING_DOCUMENTS,
            _EVERY,
            NAME,
            node_edges(FramingDocument.from_row),
            where=ListFilter(text=folded_text(text)),
            first=first,
            after=after,
        )

    @strawberry.field(description="The framing document with this key, or null.")
    async def framing_document(self, info: Info, key: str) -> FramingDocument | None:
        row = await info.context.nodes.load("FramingDocument", key)
        return FramingDocument.from_row(row) if row else None

    @strawberry.field(
        description="Free statements (facts of the sources that fit no field), with their "
        "quote and provenance; `search` finds them by their words too."
    )
    async def statements(
        self,
        info: Info,
        about: Annotated[
            str | None,
            strawberry.argument(
                description="Only those about this node: a key (`ctg-saint-flour-2017`) or a "
                "territory uid (`commune:15187`)."
            ),
        ] = None,
        text: Annotated[
            str | None,
            strawberry.argument(
                description="Keep statements whose text or quote contains this text (accents "
                "and case ignored)."
            ),
        ] = None,
        first: First = None,
        after: After = None,
    ) -> Connection[Statement]:
        return await connect(
            info,
            Connection[Statement],
            fact_reads.STATEMENTS,
            about or _EVERY,
            NAME,
            node_edges(Statement.from_row),
            where=ListFilter(text=folded_text(text)),
            first=first,
            after=after,
        )
