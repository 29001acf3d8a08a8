"""Which GraphQL type stands for which Neo4j label, so that mixed lists (search hits,
body members, `node(id)`) build the right object from a node's properties."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from domain.errors import UserFacingError
from graph.reader import Row

T = TypeVar("T", bound=type)

#: Neo4j label → GraphQL type with a ``from_row`` builder.
BY_LABEL: dict[str, Any] = {}
#: GraphQL type name → Neo4j label (what global ids name).
LABEL_OF_TYPE: dict[str, str] = {}


def register(label: str) -> Callable[[T], T]:
    """Record that nodes labelled ``label`` are built by the decorated type."""

    def decorate(cls: T) -> T:
        BY_LABEL[label] = cls
        type_name = cls.__strawberry_definition__.name  # type: ignore[attr-defined]
        LABEL_OF_TYPE[type_name] = label
        return cls

    return decorate


def node_from_row(row: Row) -> Any:
    """The GraphQL object for a node's properties (with their ``labels``)."""
    for label in row.get("labels") or []:
        if label in BY_LABEL:
            return BY_LABEL[label].from_row(row)
    raise UserFacingError("This node has no type in the API.")
