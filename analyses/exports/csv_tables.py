"""The two CSV files of an export, with the headers Gephi's spreadsheet import
recognises: the nodes (``Id``, ``Label``…) and the edges (``Source``, ``Target``,
``Label``, ``Kind``, ``Type``, ``Id``…), UTF-8.

Every text cell goes through :func:`spreadsheet_safe` first: names and labels can be
sent through the curation API, and a spreadsheet that opens the file would run a cell
such as ``=HYPERLINK("https://…")`` as a formula (CSV injection).

Codes stay text: Gephi's spreadsheet import guesses each column's type from the values
of its first 25 rows (it tries boolean, integer, long, decimal… and keeps the first that
reads them all; a header cannot name a type, and the CSV reader drops quotes), so a
column of INSEE codes (``01001``) or département codes (``01``) would become integers and
lose their leading zero. A cell of a *text* column (:class:`~analyses.exports.table.Column`
of type ``string``) that such a guess would read as a number is therefore written with a
leading single quote, the spreadsheets' mark for "this is text": ``'01001``. Gephi then
types the whole column as text and keeps every digit; the node ``Id`` (``commune:01001``)
carries the bare code too. See :func:`text_cell`.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable

from analyses.exports.table import Column, Scalar, Spell, Table, text

#: What makes a spreadsheet (Excel, LibreOffice, Google Sheets) read a cell as a formula:
#: the characters OWASP's CSV injection guidance lists.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
#: A plain decimal number such as -3 or +1.5e3: no formula, so it stays a number.
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
#: What Java reads as a number (Integer, Long, Double, BigDecimal: what Gephi's type guess
#: tries), surrounding blanks included: Gephi trims a cell before guessing.
_JAVA_NUMBER = re.compile(r"\s*[+-]?(NaN|Infinity|(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?[dDfF]?)\s*")


def nodes(table: Table) -> bytes:
    """The nodes file of ``table``: a missing value is its column's default, or empty; a
    last ``timeset`` column when some node has a period (:func:`timeset`)."""
    columns = table.node_columns
    timed = any(node.spell for node in table.nodes)
    return _csv_bytes(
        ["Id", "Label", *(column.name for column in columns), *(["timeset"] if timed else [])],
        (
            [node.id, node.label, *(_cell(node.values.get(c.name, c.default), c) for c in columns)]
            + ([timeset(node.spell)] if timed else [])
            for node in table.nodes
        ),
    )


def timeset(spell: Spell | None) -> str:
    """A period as the ``timeset`` cell Gephi's spreadsheet import reads as the element's
    time interval (a column of that name is typed as an interval set); an unknown bound
    is infinite, as in a GEXF spell without it, never an invented day.

    Examples
    --------
    >>> timeset(("2017-01-01", "2020-12-31")), timeset(("2020-01-01", None)), timeset(None)
    ('<[2017-01-01, 2020-12-31]>', '<[2020-01-01, Infinity]>', '')
    """
    if spell is None:
        return ""
    start, end = spell
    return f"<[{start or '-Infinity'}, {end or 'Infinity'}]>"


def spreadsheet_safe(value: str) -> str:
    """``value`` as a CSV cell that no spreadsheet runs as a formula.

    A text starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a
    leading single quote, as OWASP's CSV injection guidance recommends: spreadsheets then
    show it as text (Excel hides the quote). A plain number such as ``-3`` is left as it
    is, so that it still sums; so is any other text.

    Examples
    --------
    >>> print(spreadsheet_safe('=HYPERLINK("https://example.org","clic")'))
    '=HYPERLINK("https://example.org","clic")
    >>> print(spreadsheet_safe("@SUM(A1:A9)"))
    '@SUM(A1:A9)
    >>> spreadsheet_safe("-3"), spreadsheet_safe("+1.5e3"), spreadsheet_safe("Saint-Flour")
    ('-3', '+1.5e3', 'Saint-Flour')
    """
    if value.startswith(FORMULA_TRIGGERS) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def edges(table: Table) -> bytes:
    """The edges file of ``table``: ``rel`` as label and as kind, every edge directed,
    a last ``timeset`` column when some edge has a period."""
    columns = table.edge_columns
    timed = any(edge.spell for edge in table.edges)
    return _csv_bytes(
        ["Source", "Target", "Label", "Kind", "Type", "Id", *(c.name for c in columns)]
        + (["timeset"] if timed else []),
        (
            [edge.source, edge.target, edge.rel, edge.rel, "Directed", edge.id]
            + [_cell(edge.values.get(c.name), c) for c in columns]
            + ([timeset(edge.spell)] if timed else [])
            for edge in table.edges
        ),
    )


def _csv_bytes(header: list[str], rows: Iterable[list[str]]) -> bytes:
    out = io.StringIO()
    # CRLF as RFC 4180 says: with "\n" alone, the csv module leaves a carriage return
    # inside a cell unquoted, and a reader then starts a new row there
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(map(spreadsheet_safe, header))
    writer.writerows(map(spreadsheet_safe, row) for row in rows)
    return out.getvalue().encode("utf-8")


def text_cell(value: str) -> str:
    """``value``, a cell of a text column, as Gephi's spreadsheet import keeps it as text.

    A value that Gephi's type guess would read as a number gets a leading single quote
    (see the module's docstring); any other text is left as it is.

    Examples
    --------
    >>> text_cell("01001"), text_cell("15"), text_cell("200066660")
    ("'01001", "'15", "'200066660")
    >>> text_cell("2A"), text_cell("ctg-saint-flour-2017"), text_cell("")
    ('2A', 'ctg-saint-flour-2017', '')
    """
    return "'" + value if _JAVA_NUMBER.fullmatch(value) else value


def _cell(value: Scalar | None, column: Column) -> str:
    if value is None:
        return ""
    if column.type == "string":
        return text_cell(text(value))
    # numbers come out as digits, so spreadsheet_safe leaves them numbers (-3 stays -3)
    return text(value)
