"""The typed context every resolver receives, built fresh for each request."""

from __future__ import annotations

from dataclasses import dataclass

import strawberry

from graph.reader import GraphReader
from schema.dataloaders import TerritoryLoaders


@dataclass(frozen=True)
class Context:
    """What resolvers may use: the process-wide reader and this request's loaders."""

    reader: GraphReader
    territories: TerritoryLoaders

    @classmethod
    def create(cls, reader: GraphReader) -> Context:
        """A context with fresh DataLoaders (their caches live for one request only)."""
        return cls(reader=reader, territories=TerritoryLoaders.create(reader))


Info = strawberry.Info[Context, None]
