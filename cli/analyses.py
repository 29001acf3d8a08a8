"""``ctg coverage | themes | continuity | network``: the coverage analyses of
:mod:`analyses` from the command line, as a Rich table (default), CSV or JSON on
standard output; and the options and helpers they share with ``ctg export``.

A scope is written as the API takes it: ``15`` (a département), ``region:84``,
``200066660`` (an EPCI), ``15187`` (a commune), ``sub_territory:cucm-bassin-nord``; no
scope means all of France. ``--certainty stated-only`` reads the stated facts only
(``all``, the default, counts the inferred ones too); every command says which of its
answers differ between the two.
"""

from __future__ import annotations

import csv
import datetime
import enum
import json
import sys
from collections.abc import Sequence
from dataclasses import asdict
from typing import Annotated, Any

import typer
from rich.table import Table

import analyses
from analyses.exports.csv_tables import spreadsheet_safe
from analyses.model import CNAF_MINIMUM
from analyses.projection import build
from cli.output import out
from domain.errors import InputError
from domain.scopes import Scope
from domain.vocabulary import TerritoryKind
from domain.vocabulary import scope_uid as uid_of
from graph.coverage_reads import coverage_rows
from graph.driver import open_driver, resolve_connection
from loaders.datasets import Vocabularies


class Output(enum.StrEnum):
    TABLE = "table"
    CSV = "csv"
    JSON = "json"


class Level(enum.StrEnum):
    """The territory kinds coverage is broken down by."""

    EPCI = TerritoryKind.EPCI.value
    DEPARTEMENT = TerritoryKind.DEPARTEMENT.value
    COMMUNE = TerritoryKind.COMMUNE.value


ScopeOption = Annotated[
    str | None,
    typer.Option(
        help="Territory: 15 (département), region:84, 200066660 (EPCI), 15187 (commune), "
        "sub_territory:<key>. Default: all of France."
    ),
]
FormatOption = Annotated[Output, typer.Option("--format", help="table, csv or json.")]
KindsOption = Annotated[
    str | None, typer.Option(help="Contract kinds that count, comma-separated (ctg,cej).")
]
CertaintyOption = Annotated[
    analyses.CertaintyFilter,
    typer.Option(help="stated-only: only the facts the sources state; all: the inferred ones too."),
]


def scope_uid(text: str | None) -> str | None:
    """The territory uid of a ``--scope`` value (``None``: France)."""
    if text is None or text.strip().lower() in ("", "france", "fr"):
        return None
    kind, sep, code = text.strip().partition(":")
    if not sep:
        return uid_of(kind, None)
    try:
        territory_kind = TerritoryKind(kind.lower())
    except ValueError:
        kinds = ", ".join(k.value for k in TerritoryKind)
        raise InputError(f"--scope {text!r}: unknown kind {kind!r}; use one of {kinds}.") from None
    return uid_of(code, territory_kind)


def parse_date(text: str, option: str) -> datetime.date:
    """The date of option ``option`` (``--on``), written as ISO 8601."""
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise InputError(f"{option} {text!r} is not a date; write it as 2019-06-01.") from None


def _codes(text: str | None, known: dict[str, Any], what: str, option: str) -> list[str] | None:
    if text is None:
        return None
    codes = [c.strip() for c in text.split(",") if c.strip()]
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise InputError(
            f"{option}: unknown {what} {', '.join(unknown)}; known: {', '.join(sorted(known))}."
        )
    return codes


def scope_graph(
    scope: str | None, actions: bool = False, partners: bool = False
) -> tuple[Any, str | None]:
    """The networkx graph of a ``--scope`` read from Neo4j, and its scope node."""
    connection = resolve_connection()
    projection = Scope(scope_uid(scope), actions=actions, partners=partners)
    with open_driver(connection) as driver:
        g = build(coverage_rows(driver, connection.database, projection), projection)
    return g, projection.node


def analysed(function: Any, *args: Any) -> Any:
    """``function(*args)``, its ``ValueError`` (a precondition) told as an input error."""
    try:
        return function(*args)
    except ValueError as error:
        raise InputError(str(error)) from error


def _emit(rows: Sequence[dict[str, Any]], fmt: Output, title: str, extra: dict[str, Any]) -> None:
    if fmt is Output.JSON:
        json.dump(
            {**extra, "rows": list(rows)}, sys.stdout, ensure_ascii=False, indent=2, default=str
        )
        sys.stdout.write("\n")
        return
    if fmt is Output.CSV:
        writer = csv.writer(sys.stdout)
        if rows:
            writer.writerow(rows[0].keys())
            for row in rows:
                # names come from curated data: no cell may open as a spreadsheet formula
                writer.writerow(
                    spreadsheet_safe(";".join(map(str, v)))
                    if isinstance(v, list | tuple)
                    else spreadsheet_safe(v)
                    if isinstance(v, str)
                    else v
                    for v in row.values()
                )
        return
    table = Table(title=title, title_justify="left")
    for column in rows[0].keys() if rows else ["(nothing)"]:
        table.add_column(column)
    for row in rows:
        table.add_row(
            *(
                ", ".join(map(str, v))
                if isinstance(v, list | tuple)
                else f"{v:.1%}"
                if isinstance(v, float)
                else ""
                if v is None
                else str(v)
                for v in row.values()
            )
        )
    out.print(table)


def coverage(
    on: Annotated[str, typer.Option(help="The date, e.g. 2019-06-01.")],
    scope: ScopeOption = None,
    kinds: KindsOption = None,
    by: Annotated[Level, typer.Option(help="Rows per epci, departement or commune.")] = Level.EPCI,
    certainty: CertaintyOption = analyses.CertaintyFilter.ALL,
    fmt: FormatOption = Output.TABLE,
) -> None:
    """Which communes (and how much population) active contracts cover on a date:
    covered, unknown (only contracts whose activity that day is unknown reach them) or
    not covered."""
    date = parse_date(on, "--on")
    kind_list = _codes(kinds, Vocabularies.load().contract_kinds, "contract kind", "--kinds")
    g, node = scope_graph(scope)
    report: analyses.CoverageReport = analysed(
        analyses.territorial_coverage, g, node, date, kind_list, certainty
    )
    summary = {
        "scope": report.scope or "France",
        "on": report.on.isoformat(),
        "kinds": list(report.kinds) if report.kinds else None,
        "certainty": report.certainty.value,
        "communes_total": report.communes_total,
        "communes_covered": report.communes_covered,
        "share_communes": report.share_communes,
        "communes_unknown": report.communes_unknown,
        "share_communes_unknown": report.share_communes_unknown,
        "communes_not_covered": report.communes_not_covered,
        "share_communes_not_covered": report.share_communes_not_covered,
        "population_total": report.population_total,
        "population_covered": report.population_covered,
        "share_population": report.share_population,
        "population_unknown": report.population_unknown,
        "share_population_unknown": report.share_population_unknown,
        "population_not_covered": report.population_not_covered,
        "share_population_not_covered": report.share_population_not_covered,
        "uncovered_epcis": list(report.uncovered_epcis),
        "unknown_epcis": list(report.unknown_epcis),
        "inferred_communes": list(report.inferred_communes),
        "overlaps": [asdict(o) for o in report.overlaps],
    }
    rows: list[dict[str, Any]]
    if by is Level.COMMUNE:
        rows = [
            {"code": c.code, "name": c.name, "population": c.population,
             "status": c.status.value, "covered": c.covered, "contracts": list(c.contracts),
             "possible_contracts": list(c.possible_contracts),
             "inferred_contracts": list(c.inferred_contracts),
             "rests_on_inferred": c.rests_on_inferred}
            for c in report.communes
        ]  # fmt: skip
    else:
        areas = report.by_epci if by is Level.EPCI else report.by_departement
        rows = [{k: v for k, v in asdict(a).items() if k != "area"} for a in areas]
    title = (
        f"Coverage of {summary['scope']} on {summary['on']} ({report.certainty.value} facts): "
        f"{report.communes_covered}/{report.communes_total} communes "
        f"({report.share_communes:.1%}) covered, {report.communes_unknown} unknown "
        f"({report.share_communes_unknown:.1%}), {report.communes_not_covered} not covered; "
        f"{report.population_covered:,}/{report.population_total:,} inhabitants "
        f"({report.share_population:.1%}) covered, {report.population_unknown:,} unknown; "
        f"{len(report.inferred_communes)} commune(s) whose status rests on inferred facts"
    )
    _emit(rows, fmt, title, summary)


def themes(
    on: Annotated[str, typer.Option(help="The date, e.g. 2019-06-01.")],
    scope: ScopeOption = None,
    required: Annotated[
        str | None,
        typer.Option(help="Themes every commune should have (default: the Cnaf minimum)."),
    ] = None,
    gaps_only: Annotated[
        bool, typer.Option("--gaps-only", help="Only communes with a gap.")
    ] = False,
    kinds: KindsOption = None,
    certainty: CertaintyOption = analyses.CertaintyFilter.ALL,
    fmt: FormatOption = Output.TABLE,
) -> None:
    """The themes addressed in each commune on a date, and the gaps (certain or unknown)."""
    date = parse_date(on, "--on")
    vocabularies = Vocabularies.load()
    needed = _codes(required, vocabularies.themes, "theme", "--required") or list(CNAF_MINIMUM)
    kind_list = _codes(kinds, vocabularies.contract_kinds, "contract kind", "--kinds")
    g, node = scope_graph(scope, actions=True)
    report: analyses.ThemeReport = analysed(
        analyses.theme_coverage, g, node, date, needed, kind_list, certainty
    )
    rows = [asdict(r) for r in (report.gaps if gaps_only else report.rows)]
    extra = {"scope": report.scope or "France", "on": date.isoformat(), "required": needed,
             "certainty": report.certainty.value, "themes": list(report.themes),
             "gaps": len(report.gaps), "unknown_gaps": len(report.unknown_gaps),
             "inferred_communes": list(report.inferred_communes)}  # fmt: skip
    title = (
        f"Themes in {extra['scope']} on {date} ({report.certainty.value} facts): "
        f"{len(report.gaps)} of {len(report.rows)} communes uncovered or missing "
        f"{', '.join(needed)}, {len(report.unknown_gaps)} unknown; "
        f"{len(report.inferred_communes)} whose answer rests on inferred facts"
    )
    _emit(rows, fmt, title, extra)


def continuity(
    scope: ScopeOption = None,
    predecessor: Annotated[str, typer.Option(help="Kind replaced.")] = "cej",
    successor: Annotated[str, typer.Option(help="Kind replacing it.")] = "ctg",
    certainty: CertaintyOption = analyses.CertaintyFilter.ALL,
    fmt: FormatOption = Output.TABLE,
) -> None:
    """For communes that had a CEJ: whether and when a CTG followed, and the gap."""
    _codes(f"{predecessor},{successor}", Vocabularies.load().contract_kinds, "kind", "--kinds")
    g, node = scope_graph(scope)
    rows = [
        asdict(r) for r in analysed(analyses.continuity, g, node, predecessor, successor, certainty)
    ]
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["status"]] = counts.get(row["status"], 0) + 1
    inferred = sum(row["rests_on_inferred"] for row in rows)
    title = (
        f"{predecessor} → {successor} ({certainty.value} facts): "
        + ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
        + f"; {inferred} row(s) resting on inferred facts"
    )
    _emit(
        rows,
        fmt,
        title,
        {"scope": scope or "France", "certainty": certainty.value, "statuses": counts},
    )


def network(
    scope: ScopeOption = None,
    common: Annotated[
        str | None, typer.Option(help="Two partner keys a,b: list the partners they share.")
    ] = None,
    certainty: CertaintyOption = analyses.CertaintyFilter.ALL,
    fmt: FormatOption = Output.TABLE,
) -> None:
    """The partner network: who signs with whom, brokers first, and components."""
    g, node = scope_graph(scope, partners=True)
    if common is not None:
        pair = [p.strip() for p in common.split(",")]
        if len(pair) != 2:
            raise InputError("--common takes two partner keys, e.g. caf-15,cc-saint-flour.")
        shared = analysed(analyses.common_partners, g, pair[0], pair[1], node, certainty)
        _emit(
            [{"partner": key} for key in shared],
            fmt,
            f"Partners of both {pair[0]} and {pair[1]}",
            {},
        )
        return
    report: analyses.NetworkReport = analysed(analyses.partner_network, g, node, certainty)
    rows = [asdict(p) for p in report.partners]
    title = (
        f"Partner network of {report.scope or 'France'}: {len(report.partners)} partners, "
        f"{len(report.links)} links, {len(report.contracts)} contracts, "
        f"{len(report.components)} component(s)"
    )
    extra = {"scope": report.scope or "France", "certainty": certainty.value,
             "components": [list(c) for c in report.components],
             "links": [asdict(link) for link in report.links]}  # fmt: skip
    _emit(rows, fmt, title, extra)
