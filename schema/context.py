"""The typed context every resolver receives, built fresh for each request."""

from __future__ import annotations

from dataclasses import dataclass, field

import strawberry

from domain.errors import TooComplexError
from graph.reader import GraphReader
from schema.dataloaders import ListLoaders, NodeLoaders, TerritoryLoaders

#: Most list items one request may resolve. Depth limits alone do not bound fan-out (an
#: EPCI's members' EPCI's members… is 53^n objects); this does, whatever the fragments.
MAX_OBJECTS = 10_000


class ObjectBudget:
    """Counts the list items a request resolves and stops it past :data:`MAX_OBJECTS`."""

    def __init__(self, limit: int = MAX_OBJECTS) -> None:
        self.limit = limit
        self.used = 0

    def spend(self, count: int) -> None:
        """Account for ``count`` more objects; raise once the request asks for too many."""
        self.used += count
        if self.used > self.limit:
            raise TooComplexError(
                f"This request asks for more than {self.limit:,} objects; it was stopped. "
                "Ask for fewer nested lists (e.g. not an EPCI's members' EPCI's members)."
            )


@dataclass(frozen=True)
class Context:
    """What resolvers may use: the process-wide reader and this request's loaders."""

    reader: GraphReader
    territories: TerritoryLoaders
    lists: ListLoaders
    nodes: NodeLoaders
    budget: ObjectBudget = field(default_factory=ObjectBudget)
    #: Name of the API token the request presented (``None``: no valid token). Curation
    #: mutations record it as who made the change.
    caller: str | None = None

    @classmethod
    def create(cls, reader: GraphReader, caller: str | None = None) -> Context:
        """A context with fresh DataLoaders (their caches live for one request only)."""
        return cls(
            reader=reader,
            territories=TerritoryLoaders.create(reader),
            lists=ListLoaders(reader),
            nodes=NodeLoaders(reader),
            caller=caller,
        )


Info = strawberry.Info[Context, None]
