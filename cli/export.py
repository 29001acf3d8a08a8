"""``ctg export``: the graph of a scope (territories, contracts, actions, themes,
partners) as GEXF, GraphML or CSV for Gephi — only the scope and what links to it, its
containing départements and régions with ``--context`` — with the contracts' periods and
the links' properties, optionally with each commune's coverage on a date as node
attributes; ``ctg export curated``: the facts added through the API as a
dataset fragment (YAML), to move them into dataset files."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

import analyses
from analyses.exports import EXPORT_FORMATS, export_graph
from analyses.exports.scoped import scope_subgraph, with_facts
from analyses.model import CNAF_MINIMUM
from cli.analyses import ScopeOption, analysed, parse_date, scope_graph
from domain.errors import InputError
from graph.curated_reads import curated_rows
from graph.driver import open_driver, resolve_connection
from graph.export_reads import export_facts
from loaders.curated_fragment import curated_fragment

export_app = typer.Typer(
    help="Export the graph of a scope for Gephi, or the curated facts as a dataset fragment."
)


@export_app.callback(invoke_without_command=True)
def export(
    ctx: typer.Context,
    output: Annotated[
        Path | None, typer.Option(help="File to write (csv: <stem>-nodes/-edges.csv).")
    ] = None,
    scope: ScopeOption = None,
    fmt: Annotated[str, typer.Option("--format", help="gexf, graphml or csv.")] = "gexf",
    on: Annotated[
        str | None,
        typer.Option(help="Add each commune's coverage on this date as node attributes."),
    ] = None,
    context: Annotated[
        bool,
        typer.Option(
            "--context",
            help="Also export the départements and régions containing the scope.",
        ),
    ] = False,
) -> None:
    """Export a scope's graph (territories, contracts, actions, themes, partners) for Gephi.

    Only the scope and what links to it are written (no other département or région);
    --context adds the territories containing it. `ctg export curated` exports the facts
    added through the API instead.
    """
    if ctx.invoked_subcommand is not None:
        return
    if output is None:
        raise InputError("Name the file to write with --output (e.g. --output cantal.gexf).")
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
    kept = analysed(scope_subgraph, g, node, context)
    contracts = [str(data["key"]) for _, data in kept.nodes(data=True)
                 if data.get("kind") == "contract"]  # fmt: skip
    connection = resolve_connection()
    with open_driver(connection) as driver:
        with_facts(kept, export_facts(driver, connection.database, contracts))
    written = export_graph(kept, output, fmt, attributes)  # type: ignore[arg-type]
    names = ", ".join(str(path) for path in written)
    what = (
        "the scope, what links to it and its context"
        if context
        else ("the scope and what links to it; --context adds the territories containing it")
    )
    print(
        f"Wrote {kept.number_of_nodes()} nodes and {kept.number_of_edges()} edges ({what}) "
        f"to {names}",
        file=sys.stderr,
    )


@export_app.command("curated")
def curated(
    output: Annotated[
        Path | None, typer.Option(help="YAML file to write (default: standard output).")
    ] = None,
) -> None:
    """The facts added through the API, as a dataset fragment to move into dataset files.

    Entries of their own (partners, contracts, sources…) form a valid dataset; links
    added to entries of dataset files follow, commented out, under each entry.
    """
    connection = resolve_connection()
    with open_driver(connection) as driver:
        rows = curated_rows(driver, connection.database)
    fragment = curated_fragment(rows, dt.datetime.now(dt.UTC).date())
    if output is None:
        sys.stdout.write(fragment.text)
    else:
        try:
            output.write_text(fragment.text, encoding="utf-8")
        except OSError as error:
            raise InputError(
                f"Cannot write {output}: {error.strerror}; pick a folder that exists and "
                "that you may write to."
            ) from error
    where = f" to {output}" if output is not None else ""
    print(
        f"Exported {fragment.count} curated fact(s){where}, {fragment.additions} of them "
        "links on entries of dataset files (commented out, to add under those entries).",
        file=sys.stderr,
    )
