"""Where each fact of the partnership graph comes from: its provenance and the
sources (articles, reports, decisions) it cites.
"""

from __future__ import annotations

import asyncio
import datetime

import strawberry

from graph import partnership_reads as reads
from graph.list_reads import EVERY, NAME, ListFilter, ListQuery
from graph.reader import Row
from schema.common import (
    After,
    Before,
    Certainty,
    First,
    Last,
    Text,
    as_date,
    folded_text,
    provenance_fields,
)
from schema.context import Info
from schema.registry import node_from_row, register
from schema.relay import (
    Connection,
    Node,
    connect,
    first_link,
    global_id,
    listed,
    node_edges,
    page_args,
)


@strawberry.type(
    description="The words of its source that state a fact drafted from an article (`ctg "
    "draft`), and where they are in the article's text."
)
class Evidence:
    quote: str = strawberry.field(description="The source's own words, verbatim.")
    start: int = strawberry.field(
        description="Offset of the quote's first character in the article's text."
    )
    end: int = strawberry.field(description="Offset just past the quote's last character.")

    @classmethod
    def from_row(cls, row: Row) -> Evidence | None:
        """The evidence a node or relationship keeps, or ``None`` (a fact not drafted)."""
        quote, start, end = (
            row.get("evidenceQuote"),
            row.get("evidenceStart"),
            row.get("evidenceEnd"),
        )
        if quote is None or start is None or end is None:
            return None
        return cls(quote=quote, start=start, end=end)


@strawberry.type(description="Where a fact comes from and how sure it is.")
class Provenance:
    certainty: Certainty | None = strawberry.field(
        description="Stated by the source, or inferred by the dataset's author."
    )
    reason: str | None = strawberry.field(description="Why the author inferred it.")
    inferred_fields: list[str] = strawberry.field(
        description="Parts of a stated fact that were inferred, each as `field: reason`."
    )
    dataset: str | None = strawberry.field(
        description="Key of the dataset that loaded the fact (`curation` for API edits, "
        "`generated` for a partner that datasets' shorthands generated from the reference)."
    )
    curated_by: str | None = strawberry.field(
        description="Who last changed it through the API, when someone did."
    )
    source_keys: strawberry.Private[list[str]]
    evidence: Evidence | None = strawberry.field(
        default=None,
        description="For a fact of a draft extracted from an article: the article's words "
        "stating it and their offsets in its text.",
    )

    @classmethod
    def from_row(cls, row: Row) -> Provenance:
        return cls(**provenance_fields(row), evidence=Evidence.from_row(row))

    @strawberry.field(description="The documents the fact comes from.")
    async def sources(self, info: Info) -> list[Source]:
        loads = (info.context.nodes.load("Source", key) for key in self.source_keys)
        rows = await asyncio.gather(*loads)
        return [Source.from_row(row) for row in rows if row is not None]


def link_provenance(edge: object) -> Provenance | None:
    """The provenance of the relationship a list item was reached through (``edge``, the
    relationship's properties with its type as ``relation``); ``None`` when the item was
    not reached through one relationship (top-level lists, counted or grouped edges)."""
    if isinstance(edge, dict) and "relation" in edge:
        return Provenance.from_row(edge)
    return None


async def to_one_provenance(
    info: Info, list_query: ListQuery, parent: str, where: ListFilter = EVERY
) -> Provenance | None:
    """The provenance of a to-one link (a fiche's lead, a body's organisation), or
    ``None`` when there is no such link."""
    link = await first_link(info, list_query, parent, where)
    return link_provenance(link[1]) if link is not None else None


# -- sources -----------------------------------------------------------------------------
@listed(edge="A source in a list.", node="The source.", page="A page of sources.")
@register("Source")
@strawberry.type(description="A document facts come from: an article, a report, a decision.")
class Source(Node):
    key: str = strawberry.field(description="Key of the source in its dataset.")
    title: str = strawberry.field(description="Title of the document.")
    publisher: str | None = strawberry.field(description="Who published it.")
    date: datetime.date | None = strawberry.field(description="Publication date.")
    url: str | None = strawberry.field(description="Where to read it online.")
    file: str | None = strawberry.field(description="Path of a copy kept with the data.")
    note: str | None = strawberry.field(description="What the dataset's author notes about it.")

    @classmethod
    def from_row(cls, row: Row) -> Source:
        return cls(
            id=global_id("Source", row["key"]),
            key=row["key"],
            title=row.get("title") or row["key"],
            publisher=row.get("publisher"),
            date=as_date(row.get("date")),
            url=row.get("url"),
            file=row.get("file"),
            note=row.get("note"),
        )

    @strawberry.field(description="Everything recorded from this source.")
    async def nodes(
        self,
        info: Info,
        text: Text = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Node]:
        return await connect(
            info,
            Connection[Node],
            reads.SOURCE_FACTS,
            self.key,
            NAME,
            node_edges(node_from_row),
            where=ListFilter(text=folded_text(text)),
            **page_args(first, after, last, before),
        )
