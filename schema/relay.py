"""Relay building blocks: the ``Node`` interface with opaque global ids, ``PageInfo``,
connections and edges, and :func:`connect`, which every list field uses to read one page
through the per-request loaders (one Cypher query per list field and nesting level).

A plain list is ``Connection[Source]``: strawberry names its types after the item
(``SourceConnection``, ``SourceEdge``) and :func:`listed` on the item type gives their
descriptions. A list whose edges say more than the node (a role, a provenance) declares
its edge type and a ``ConnectionOf[ThatEdge]`` subclass.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, Generic, Protocol, TypeVar

import strawberry
from graphql import GraphQLObjectType, GraphQLSchema
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField

from domain.errors import UserFacingError
from graph.list_reads import EVERY, ListFilter, ListQuery, Sort
from graph.paging import Page, encode_cursor, window
from graph.reader import Row
from schema.context import Info

if TYPE_CHECKING:
    from schema.partnerships.provenance import Provenance

# Lazy: the provenance module builds on this one (its sources are a connection).
ProvenanceRef = Annotated["Provenance", strawberry.lazy("schema.partnerships.provenance")]

T = TypeVar("T", bound=type)


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


@dataclass(frozen=True)
class ListWords:
    """Descriptions of the types of a plain list of one item type."""

    edge: str
    node: str
    page: str


#: Item type → descriptions of its ``Edge`` and ``Connection``.
LISTED: dict[type, ListWords] = {}


def listed(*, edge: str, node: str, page: str) -> Callable[[T], T]:
    """Describe the plain list types of the decorated type: its edge (``edge``, e.g. "A
    source in a list."), the edge's ``node`` field and its connection (``page``)."""

    def decorate(cls: T) -> T:
        LISTED[cls] = ListWords(edge, node, page)
        return cls

    return decorate


@listed(
    edge="A node in a list of mixed kinds.", node="The node.", page="A page of nodes of any kind."
)
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
NodeT = TypeVar("NodeT")
EDGES = "The items of this page, in order."
PAGE_INFO = "Cursors and whether more pages exist."
TOTAL_COUNT = (
    "How many items the whole list has with these filters. Counted only when this field is "
    "asked for."
)


@strawberry.type(
    description="A page of a list. Cursors name an item by its sort value and id, never "
    "by an offset, so deep pages cost the same as the first."
)
class ConnectionOf(Generic[EdgeT]):
    edges: list[EdgeT] = strawberry.field(description=EDGES)
    page_info: PageInfo = strawberry.field(description=PAGE_INFO)
    total_count: int = strawberry.field(description=TOTAL_COUNT)


#: Description of the provenance of the link an edge stands for.
LINK_PROVENANCE = (
    "Where the link to this item is recorded from and how sure it is (a contract's axis, a "
    "fiche's theme, a body steering a contract…); null on lists that are not links, such "
    "as the top-level ones."
)


# Named by strawberry after the item (`SourceEdge`); described by `listed`.
@strawberry.type
class Edge(Generic[NodeT]):
    cursor: str = strawberry.field(description="Cursor of this item.")
    node: NodeT
    provenance: ProvenanceRef | None = strawberry.field(default=None, description=LINK_PROVENANCE)


# Named by strawberry after the item (`SourceConnection`); described by `listed`.
@strawberry.type
class Connection(Generic[NodeT]):
    edges: list[Edge[NodeT]] = strawberry.field(description=EDGES)
    page_info: PageInfo = strawberry.field(description=PAGE_INFO)
    total_count: int = strawberry.field(description=TOTAL_COUNT)


def describe_lists(schema: GraphQLSchema) -> None:
    """Give each ``Edge[X]`` and ``Connection[X]`` of ``schema`` the descriptions that
    :func:`listed` recorded for ``X`` (strawberry copies the generic's, which has none)."""
    for named in schema.type_map.values():
        if not isinstance(named, GraphQLObjectType) or not named.extensions:
            continue
        definition = named.extensions.get(GraphQLCoreConverter.DEFINITION_BACKREF)
        generic = getattr(definition, "concrete_of", None)
        if definition is None or generic is None or generic.origin not in (Edge, Connection):
            continue
        (item,) = definition.type_var_map.values()
        words = LISTED.get(item)
        if words is None:
            raise TypeError(f"{named.name}: describe {item!r} with @listed(...)")
        if generic.origin is Edge:
            named.description = named.description or words.edge
            node = named.fields["node"]
            node.description = node.description or words.node
        else:
            named.description = named.description or words.page


class EdgeBuilder(Protocol):
    def __call__(self, cursor: str, item: Row, /) -> Any: ...


ConnectionT = TypeVar("ConnectionT", bound=Connection[Any] | ConnectionOf[Any])


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
    where: ListFilter = EVERY,
) -> ConnectionT:
    """Read one page of ``list_query`` under ``parent`` (its items meeting ``where``) and
    build its connection."""
    win = window(sort.name, first, after, last, before)
    page: Page = await info.context.lists.page(
        list_query, parent, sort, win, where, asks_for_total(info)
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


def node_edges(build: Callable[[Row], NodeT]) -> Callable[[str, Row], Edge[NodeT]]:
    """The edge builder of a plain list: the item's node, built by ``build``, and the
    provenance of the link it is reached through, if any."""
    # imported here: the provenance module builds on this one
    from schema.partnerships.provenance import link_provenance

    def edge(cursor: str, item: Row) -> Edge[NodeT]:
        return Edge(
            cursor=cursor, node=build(item["node"]), provenance=link_provenance(item.get("edge"))
        )

    return edge


async def first_linked(
    info: Info, list_query: ListQuery, parent: str, where: ListFilter = EVERY
) -> Row | None:
    """The node at the end of a to-one link (e.g. an action's contract), or ``None``."""
    link = await first_link(info, list_query, parent, where)
    return link[0] if link is not None else None


async def first_link(
    info: Info, list_query: ListQuery, parent: str, where: ListFilter = EVERY
) -> tuple[Row, Row] | None:
    """The node at the end of a to-one link and the link's properties (its ``edge``), or
    ``None``; read once per request with :func:`first_linked` (same loader key)."""
    page = await info.context.lists.page(
        list_query, parent, _BY_UID, window(_BY_UID.name, first=1), where, False
    )
    if not page.items:
        return None
    item = page.items[0]
    return dict(item["node"]), dict(item.get("edge") or {})


_BY_UID = Sort("ID", "''")


def page_args(
    first: int | None, after: str | None, last: int | None, before: str | None
) -> dict[str, Any]:
    """The Relay page arguments of a resolver, as keyword arguments of :func:`connect`."""
    return {"first": first, "after": after, "last": last, "before": before}
