"""What a node and an edge become in every export: one flat table of typed values.

The graph's nodes and edges are flattened into rows of scalars under their exported
names, with one type per column, as the package docstring (:mod:`analyses.exports`)
describes; the writers of each format (:mod:`~analyses.exports.gexf`,
:mod:`~analyses.exports.graphml`, :mod:`~analyses.exports.csv_tables`) only lay this
table out.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from analyses.model import PartnershipGraph
from domain.vocabulary import split_node_id

Scalar = bool | int | float | str
#: A period as GEXF writes it: its first and last day (ISO dates), either unknown (``None``).
Spell = tuple[str | None, str | None]
AttributeType = Literal["boolean", "long", "double", "string"]

#: Node attribute names read specially by Gephi (GEXF, GraphML or spreadsheet import).
_RESERVED_NODE_NAMES = frozenset(
    {"id", "label", "kind", "pid", "x", "y", "z", "xpos", "ypos", "size", "r", "g", "b"}
    | {"d3", "timeset", "interval", "timestamp"}
)
#: Edge attribute names read specially by Gephi (``rel`` itself is exported as is).
_RESERVED_EDGE_NAMES = frozenset(
    {"id", "label", "kind", "type", "source", "target", "weight", "edge weight"}
    | {"edgelabel", "edgeid", "r", "g", "b", "d7", "timeset", "interval", "timestamp"}
)
_INT64 = 2**63


@dataclass(frozen=True)
class Column:
    """An attribute as every format declares it: exported name, type, default."""

    name: str
    type: AttributeType
    default: Scalar | None


@dataclass(frozen=True)
class Node:
    """A node: its id, the label Gephi shows, its values by column name, its period."""

    id: str
    label: str
    values: dict[str, Scalar]
    spell: Spell | None = None


@dataclass(frozen=True)
class Edge:
    """An edge: its id in the export (``e0``…), its ends, its ``rel``, its values, its
    period (that of the contract it links)."""

    id: str
    source: str
    target: str
    rel: str
    values: dict[str, Scalar]
    spell: Spell | None = None


@dataclass(frozen=True)
class Table:
    """The columns and rows of the nodes and of the edges, in the order they are written."""

    node_columns: list[Column]
    nodes: list[Node]
    edge_columns: list[Column]
    edges: list[Edge]


def flatten(g: PartnershipGraph, extras: Mapping[str, Mapping[str, Any]]) -> Table:
    """The table of ``g`` with the extra node attributes ``extras`` (by node id)."""
    node_rows: list[dict[str, Scalar]] = []
    labels: list[str] = []
    spells: dict[str, Spell | None] = {}
    for node in sorted(g.nodes, key=str):
        data = {**g.nodes[node], **extras.get(node, {})}
        spells[str(node)] = _spell(data)
        label = data.pop("label", None)
        kind = data.pop("kind", None) or split_node_id(str(node))[0]
        labels.append(str(node) if label is None else str(label))
        node_rows.append({"kind": str(kind), **_scalars(data)})
    extra_types: dict[str, set[AttributeType]] = {}
    for attributes in extras.values():
        for name in attributes:
            extra_types.setdefault(name, set())
        for name, value in _scalars(attributes).items():
            extra_types[name].add(_type_of(value))
    node_columns, node_values = _typed_columns(node_rows, "kind", _RESERVED_NODE_NAMES, extra_types)
    nodes = [
        Node(str(node), label, values, spells[str(node)])
        for node, label, values in zip(sorted(g.nodes, key=str), labels, node_values, strict=True)
    ]

    ends: list[tuple[str, str]] = []
    edge_rows: list[dict[str, Scalar]] = []
    # a stable sort keeps parallel edges in the graph's order
    for source, target, data in sorted(g.edges(data=True), key=lambda e: (str(e[0]), str(e[1]))):
        ends.append((str(source), str(target)))
        edge_rows.append({**_scalars(data), "rel": str(data.get("rel") or "")})
    edge_columns, edge_values = _typed_columns(edge_rows, "rel", _RESERVED_EDGE_NAMES, {})
    edges = [
        Edge(
            f"e{index}",
            source,
            target,
            str(values["rel"]),
            values,
            spells.get(source) or spells.get(target),
        )
        for index, ((source, target), values) in enumerate(zip(ends, edge_values, strict=True))
    ]
    return Table(node_columns, nodes, edge_columns, edges)


def text(value: Scalar) -> str:
    """``value`` as the text every format writes (booleans as ``true``/``false``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _typed_columns(
    rows: list[dict[str, Scalar]],
    first: str,
    reserved: frozenset[str],
    extra_types: Mapping[str, set[AttributeType]],
) -> tuple[list[Column], list[dict[str, Scalar]]]:
    """The columns of ``rows`` (``first``, then sorted) and each row's values under its
    column's exported name and type; ``extra_types`` name columns declared even when no
    row has a value."""
    types: dict[str, set[AttributeType]] = {name: set(t) for name, t in extra_types.items()}
    types.setdefault(first, set())
    for values in rows:
        for name, value in values.items():
            types.setdefault(name, set()).add(_type_of(value))
    exported = _export_names(types, reserved, first)
    order = sorted(types, key=lambda name: (name != first, exported[name]))
    kinds = {name: _common_type(types[name] or {"string"}) for name in order}
    # no defaults: a node without a value (a partner has no coverage) has none, instead
    # of a made-up false or 0
    columns = [Column(exported[name], kinds[name], None) for name in order]
    typed = [
        {exported[name]: _as(values[name], kinds[name]) for name in order if name in values}
        for values in rows
    ]
    return columns, typed


def _scalars(data: Mapping[str, Any]) -> dict[str, Scalar]:
    values: dict[str, Scalar] = {}
    for name, value in data.items():
        scalar = _scalar(value)
        if scalar is not None:
            values[str(name)] = scalar
    return values


def _scalar(value: object) -> Scalar | None:
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int):
        return value if -_INT64 <= value < _INT64 else str(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, set | frozenset):
        value = sorted(str(item) for item in value if item is not None)
    if isinstance(value, list | tuple):
        items = [str(item) for item in value if item is not None]
        return ";".join(items) if items else None  # an empty list is no value
    return str(value)


def _spell(data: Mapping[str, Any]) -> Spell | None:
    """The period of a node with dates (a contract): from its ``start`` to its ``end``
    (the wide bounds), an open or unknown end left out rather than invented."""
    start, end = data.get("start"), data.get("end")
    first = start.isoformat() if isinstance(start, datetime.date) else None
    last = end.isoformat() if isinstance(end, datetime.date) else None
    return None if first is None and last is None else (first, last)


def _type_of(value: Scalar) -> AttributeType:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "long"
    if isinstance(value, float):
        return "double"
    return "string"


def _common_type(types: set[AttributeType]) -> AttributeType:
    if len(types) == 1:
        return next(iter(types))
    if types == {"long", "double"}:
        return "double"
    return "string"


def _export_names(names: Iterable[str], reserved: frozenset[str], keep: str) -> dict[str, str]:
    """Map each attribute name to the name it is exported under (see the package doc)."""
    renamed = {keep: keep}
    taken = {keep.lower()}
    for name in sorted(set(names) - {keep}):
        exported = name
        while exported.lower() in reserved or exported.lower() in taken:
            exported += "_value"
        renamed[name] = exported
        taken.add(exported.lower())
    return renamed


def _as(value: Scalar, kind: AttributeType) -> Scalar:
    if kind == "string":
        return text(value)
    if kind == "double":
        return float(value)
    return value
