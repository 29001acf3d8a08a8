"""``ctg export``: the graph of a scope (territories, contracts, actions, themes,
partners) as GEXF, GraphML or CSV for Gephi, optionally with each commune's coverage on
a date as node attributes."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

import analyses
from analyses.exports import EXPORT_FORMATS, export_graph
from analyses.model import CNAF_MINIMUM
from cli.analyses import ScopeOption, analysed, parse_date, scope_graph
from domain.errors import InputError


def export(
    output: Annotated[Path, typer.Option(help="File to write (csv: <stem>-nodes/-edges.csv).")],
    scope: ScopeOption = None,
    fmt: Annotated[str, typer.Option("--format", help="gexf, graphml or csv.")] = "gexf",
    on: Annotated[
        str | None,
        typer.Option(help="Add each commune's coverage on this date as node attributes."),
    ] = None,
) -> None:
    """Export a scope's graph (territories, contracts, actions, themes, partners) for Gephi."""
    if fmt not in EXPORT_FORMATS:
        raise InputError(f"--format {fmt!r}: use one of {', '.join(EXPORT_FORMATS)}.")
    date = parse_date(on, "--on") if on else None
    g, node = scope_graph(scope, actions=True, partners=True)
    attributes: dict[str, dict[str, Any]] = {}
    if date is not None:
        report = analysed(analyses.theme_coverage, g, node, date, list(CNAF_MINIMUM), None)
        cover = analysed(analyses.territorial_coverage, g, node, date, None)
        themes_of = {row.commune: row for row in report.rows}
        for c in cover.communes:
            row = themes_of[c.code]
            attributes[c.commune] = {
                "covered": c.covered,
                "contracts": ";".join(c.contracts),
                "themes": ";".join(row.themes),
                "missing_themes": ";".join(row.missing),
            }
    written = export_graph(g, output, fmt, attributes)  # type: ignore[arg-type]
    names = ", ".join(str(path) for path in written)
    print(
        f"Wrote {g.number_of_nodes()} nodes and {g.number_of_edges()} edges to {names}",
        file=sys.stderr,
    )
