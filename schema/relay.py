"""Relay building blocks: the ``Node`` interface with opaque global ids, ``PageInfo``,
connections and edges, and :func:`connect`, which every list field uses to read one page
through the per-request loaders (one Cypher query per list field and nesting level).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Mapping
from typing import Any, Generic, Protocol, TypeVar

import strawberry
from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField

from domain.errors import UserFacingError
from graph.list_reads import ListQuery, Sort
from graph.paging import Page, encode_cursor, window
from graph.reader import Row
from schema.context import Info


def global_id(type_name: str, key: str) -> strawberry.ID:
    """The opaque id of the node of GraphQL type ``type_name`` with ``key``."""
    return strawberry.ID(base64.urlsafe_b64encode(f"{type_name}:{key}".encode()).decode())


def parse_global_id(value: str) -> tuple[str, str]:
    """``(type name, key)`` of a global id; a clear error for anything else."""
    try:
        decoded = base64.urlsafe_b64decode(value.encode() + b"=" * (-len(value) % 4)).decode()
        type_name, key = decoded.split(":", 1)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise UserFacingError(
            f"{value!r} is not a node id of this API; use the `id` field of a node."
        ) from None
    return type_name, key


@strawberry.interface(
    description="An object with a stable, opaque global id, fetchable with `node(id:)`."
)
class Node:
    id: strawberry.ID = strawberry.field(description="Opaque global id of this object.")


@strawberry.type(description="Where a page sits in its list (Relay cursor connections).")
class PageInfo:
    has_next_page: bool = strawberry.field(description="Whether items follow this page.")
    has_previous_page: bool = strawberry.field(
        description="Whether items precede this page (true when `after` was given)."
    )
    start_cursor: str | None = strawberry.field(description="Cursor of the first edge.")
    end_cursor: str | None = strawberry.field(description="Cursor of the last edge.")


EdgeT = TypeVar("EdgeT")


@strawberry.type(
    description="A page of a list. Cursors name an item by its sort value and id, never "
    "by an offset, so deep pages cost the same as the first."
)
class Connection(Generic[EdgeT]):
    edges: list[EdgeT] = strawberry.field(description="The items of this page, in order.")
    page_info: PageInfo = strawberry.field(description="Cursors and whether more pages exist.")
    total_count: int = strawberry.field(
        description="How many items the whole list has with these filters. Counted only "
        "when this field is asked for."
    )


class EdgeBuilder(Protocol):
    def __call__(self, cursor: str, item: Row) -> Any: ...


ConnectionT = TypeVar("ConnectionT", bound=Connection[Any])


def _asks_for(selections: list[Any], name: str) -> bool:
    for selection in selections:
        if isinstance(selection, SelectedField) and selection.name == name:
            return True
        if isinstance(selection, FragmentSpread | InlineFragment) and _asks_for(
            selection.selections, name
        ):
            return True
    return False


def asks_for_total(info: Info) -> bool:
    """Whether the client selected ``totalCount`` on the connection being resolved."""
    return any(_asks_for(field.selections, "totalCount") for field in info.selected_fields)


async def connect(
    info: Info,
    connection: Callable[..., ConnectionT],
    list_query: ListQuery,
    parent: str,
    sort: Sort,
    edge: EdgeBuilder,
    *,
    first: int | None,
    after: str | None,
    last: int | None = None,
    before: str | None = None,
    params: Mapping[str, Any] | None = None,
) -> ConnectionT:
    """Read one page of ``list_query`` under ``parent`` and build its connection."""
    win = window(sort.name, first, after, last, before)
    page: Page = await info.context.lists.page(
        list_query, parent, sort, win, params or {}, asks_for_total(info)
    )
    info.context.budget.spend(len(page.items))
    edges = [edge(encode_cursor(sort.name, item["s"], item["u"]), item) for item in page.items]
    cursors = [encode_cursor(sort.name, item["s"], item["u"]) for item in page.items]
    return connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=page.has_next,
            has_previous_page=page.has_previous,
            start_cursor=cursors[0] if cursors else None,
            end_cursor=cursors[-1] if cursors else None,
        ),
        total_count=page.total if page.total is not None else len(edges),
    )


async def first_linked(
    info: Info, list_query: ListQuery, parent: str, params: Mapping[str, Any] | None = None
) -> Row | None:
    """The node at the end of a to-one link (e.g. an action's contract), or ``None``."""
    page = await info.context.lists.page(
        list_query, parent, _BY_UID, window(_BY_UID.name, first=1), params or {}, False
    )
    return dict(page.items[0]["node"]) if page.items else None


_BY_UID = Sort("ID", "''")


def page_args(
    first: int | None, after: str | None, last: int | None, before: str | None
) -> dict[str, Any]:
    """The Relay page arguments of a resolver, as keyword arguments of :func:`connect`."""
    return {"first": first, "after": after, "last": last, "before": before}
