"""The two CSV files of an export, with the headers Gephi's spreadsheet import
recognises: the nodes (``Id``, ``Label``…) and the edges (``Source``, ``Target``,
``Label``, ``Kind``, ``Type``, ``Id``…), UTF-8."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from analyses.exports.table import Scalar, Table, text


def nodes(table: Table) -> bytes:
    """The nodes file of ``table``: a missing value is its column's default, or empty."""
    columns = table.node_columns
    return _csv_bytes(
        ["Id", "Label", *(column.name for column in columns)],
        (
            [node.id, node.label, *(_cell(node.values.get(c.name, c.default)) for c in columns)]
            for node in table.nodes
        ),
    )


def edges(table: Table) -> bytes:
    """The edges file of ``table``: ``rel`` as label and as kind, every edge directed."""
    columns = table.edge_columns
    return _csv_bytes(
        ["Source", "Target", "Label", "Kind", "Type", "Id", *(c.name for c in columns)],
        (
            [edge.source, edge.target, edge.rel, edge.rel, "Directed", edge.id]
            + [_cell(edge.values.get(c.name)) for c in columns]
            for edge in table.edges
        ),
    )


def _csv_bytes(header: list[str], rows: Iterable[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def _cell(value: Scalar | None) -> str:
    return "" if value is None else text(value)
