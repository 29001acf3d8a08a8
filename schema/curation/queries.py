"""``curatedFacts``: the facts added through the API, as a dataset fragment (YAML text)
that curators can move into dataset files (see :mod:`loaders.curated_fragment`)."""

from __future__ import annotations

import datetime

import strawberry

from graph.curated_reads import curated_rows_async
from loaders.curated_fragment import curated_fragment
from schema.context import Info


@strawberry.type(
    description="The facts added through the API, written in the dataset format "
    "(docs/dataset-format.md) so that they can be moved into dataset files."
)
class CuratedFacts:
    yaml: str = strawberry.field(
        description="A dataset fragment (format ctg-graph/dataset@1, dataset key "
        "`curated-facts`): the curated entries (partners, contracts, sources…) with their "
        "links and provenance, valid with the dataset files they refer to; then, commented "
        "out, the links curators added to entries of dataset files, under each entry."
    )
    count: int = strawberry.field(
        description="Curated nodes and relationships written (a node's source link aside)."
    )
    additions: int = strawberry.field(
        description="Of those, the links on entries of dataset files (the commented part)."
    )


@strawberry.type
class CurationQueries:
    @strawberry.field(
        description="Every fact added through the API, as a dataset fragment to move into "
        "dataset files (a reload of a dataset refuses to delete curated facts silently; "
        "`ctg export curated` writes the same text)."
    )
    async def curated_facts(self, info: Info) -> CuratedFacts:
        rows = await curated_rows_async(info.context.reader)
        fragment = curated_fragment(rows, datetime.datetime.now(datetime.UTC).date())
        return CuratedFacts(yaml=fragment.text, count=fragment.count, additions=fragment.additions)
