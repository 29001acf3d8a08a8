"""GraphQL fields of the coverage analyses: which communes are covered on a date, by
what, on which themes, since when, and who the partners' brokers are.

Every answer is three-valued where a date decides it (covered / not covered / unknown,
gap / no gap / unknown) and every field takes ``certainty: STATED_ONLY | ALL``; each
result says which of its answers differ between the two readings.

Each field projects its scope from Neo4j in one query (:mod:`graph.coverage_reads`,
:mod:`analyses.projection`)
and runs the pure analysis of :mod:`analyses` in a worker thread, so a France-wide
computation never blocks the other requests.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from enum import Enum
from functools import partial
from typing import Annotated, Any, TypeVar

import anyio
import strawberry

import analyses
from analyses.model import CNAF_MINIMUM
from analyses.projection import PROJECTIONS
from domain.errors import UserFacingError
from domain.scopes import Scope
from graph.coverage_reads import coverage_rows_async
from graph.paging import encode_cursor, window
from schema.common import After, Before, First, Last, kind_codes, theme_codes
from schema.context import Info
from schema.relay import Connection, ConnectionOf, Edge, PageInfo, listed, page_args
from schema.territories.types import TerritoryKind, scope_uid

ScopeArg = Annotated[
    str | None,
    strawberry.argument(
        description="The territory: a département (`15`), a région (`84` with "
        "`scopeKind: REGION`), an EPCI SIREN, a commune INSEE code, or a sub-territory key "
        "(with `scopeKind: SUB_TERRITORY`). Null: all of France."
    ),
]
ScopeKindArg = Annotated[
    TerritoryKind | None,
    strawberry.argument(description="Kind of `scope` when its code is ambiguous."),
]
KindsArg = Annotated[
    list[str] | None,
    strawberry.argument(description="Contract kinds that count (`ctg`, `cej`…); null: all."),
]

strawberry.enum(
    analyses.CoverageStatus,
    name="CoverageStatus",
    description="Whether a commune is covered on a date: COVERED (a contract active that day "
    "reaches it), NOT_COVERED (none does), or UNKNOWN (only contracts whose activity that day "
    "is unknown — a date missing or too imprecise — reach it). UNKNOWN is never counted as "
    "not covered.",
)
strawberry.enum(
    analyses.GapStatus,
    name="GapStatus",
    description="Whether a commune is a theme gap on a date: GAP (certainly not covered, or "
    "certainly missing a required theme), NO_GAP, or UNKNOWN (its coverage or a required "
    "theme rests on contracts whose activity is unknown).",
)
strawberry.enum(
    analyses.CertaintyFilter,
    name="CertaintyFilter",
    description="Which facts an analysis rests on: STATED_ONLY leaves out every inferred "
    "contract, covers link, sub-territory membership, theme, signature and date; ALL counts "
    "them. Either way the result says which answers differ between the two.",
)
CertaintyArg = Annotated[
    analyses.CertaintyFilter,
    strawberry.argument(
        description="STATED_ONLY: only the facts the sources state; ALL (default): the "
        "inferred ones too."
    ),
]

#: Most points a timeline may have.
MAX_TIMELINE_POINTS = 400

T = TypeVar("T")
C = TypeVar("C", bound=Connection[Any] | ConnectionOf[Any])


async def _graph(
    info: Info, scope: str | None, kind: TerritoryKind | None, **parts: bool
) -> tuple[Any, str | None]:
    projection = Scope(scope_uid(scope, kind), **parts)
    g = await PROJECTIONS.get(projection, partial(coverage_rows_async, info.context.reader))
    return g, projection.node


async def _compute(function: Callable[..., T], *args: Any) -> T:
    try:
        return await anyio.to_thread.run_sync(partial(function, *args))
    except ValueError as error:
        raise UserFacingError(str(error)) from error


def _page(
    info: Info,
    connection: Callable[..., C],
    items: Sequence[Any],
    uid: Callable[[Any], str],
    sort: str,
    edge: Callable[[str, Any], Any],
    *,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
) -> C:
    """A keyset page of an in-memory list: cursors name an item by its id."""
    win = window(sort, first, after, last, before)
    position = {uid(item): i for i, item in enumerate(items)}

    def index(cursor: tuple[Any, str], argument: str) -> int:
        found = position.get(cursor[1])
        if found is None:
            raise UserFacingError(f"`{argument}` names an item that is not in this list.")
        return found

    low = index(win.after, "after") + 1 if win.after else 0
    high = index(win.before, "before") if win.before else len(items)
    chosen = items[low:high]
    if win.backward:
        page = list(chosen[max(0, len(chosen) - win.limit) :])
        has_previous, has_next = len(chosen) > win.limit, high < len(items)
    else:
        page = list(chosen[: win.limit])
        has_next, has_previous = len(chosen) > win.limit, low > 0
    info.context.budget.spend(len(page))
    cursors = [encode_cursor(sort, 0, uid(item)) for item in page]
    return connection(
        edges=[edge(cursor, item) for cursor, item in zip(cursors, page, strict=True)],
        page_info=PageInfo(
            has_next_page=has_next,
            has_previous_page=has_previous,
            start_cursor=cursors[0] if cursors else None,
            end_cursor=cursors[-1] if cursors else None,
        ),
        total_count=len(items),
    )


def result_edges(graphql_type: Callable[..., T]) -> Callable[[str, Any], Edge[T]]:
    """The edge builder of a plain list of analysis results, each as ``graphql_type``."""

    def edge(cursor: str, result: Any) -> Edge[T]:
        return Edge(cursor=cursor, node=from_result(graphql_type, result))

    return edge


def from_result(graphql_type: Callable[..., T], result: Any) -> T:
    """The GraphQL object of an analysis result: the fields the type declares, by name
    (tuples become lists)."""
    wanted = graphql_type.__dataclass_fields__  # type: ignore[attr-defined]
    return graphql_type(
        **{
            name: list(value) if isinstance(value, tuple) else value
            for name, value in vars(result).items()
            if name in wanted
        }
    )


# -- territorial coverage --------------------------------------------------------------
@strawberry.type(description="Coverage of one area (an EPCI or a département) of the scope.")
class CoverageArea:
    code: str = strawberry.field(description="SIREN of the EPCI or code of the département.")
    name: str = strawberry.field(description="Its name.")
    communes: int = strawberry.field(description="Its communes in the scope.")
    covered_communes: int = strawberry.field(description="How many of them are covered.")
    population: int = strawberry.field(description="Their population.")
    covered_population: int = strawberry.field(description="Population of the covered ones.")
    share_communes: float = strawberry.field(description="Covered communes / communes (0–1).")
    share_population: float = strawberry.field(description="Covered population share (0–1).")
    unknown_communes: int = strawberry.field(description="How many are UNKNOWN.")
    unknown_population: int = strawberry.field(description="Population of the UNKNOWN ones.")
    share_communes_unknown: float = strawberry.field(description="UNKNOWN communes share (0–1).")
    share_population_unknown: float = strawberry.field(
        description="UNKNOWN population share (0–1)."
    )
    not_covered_communes: int = strawberry.field(description="How many are NOT_COVERED.")
    not_covered_population: int = strawberry.field(
        description="Population of the NOT_COVERED ones."
    )
    share_communes_not_covered: float = strawberry.field(
        description="NOT_COVERED communes share (0–1)."
    )
    share_population_not_covered: float = strawberry.field(
        description="NOT_COVERED population share (0–1)."
    )


@listed(
    edge="A commune in a coverage list.",
    node="The commune's coverage.",
    page="A page of communes with their coverage.",
)
@strawberry.type(description="A commune and the contracts covering it on the date.")
class CommuneCoverage:
    code: str = strawberry.field(description="INSEE code.")
    name: str = strawberry.field(description="Name.")
    population: int = strawberry.field(description="Population (0 when unknown).")
    departement: str | None = strawberry.field(description="Code of its département.")
    epci: str | None = strawberry.field(description="SIREN of its EPCI, if any.")
    status: analyses.CoverageStatus = strawberry.field(
        description="COVERED, NOT_COVERED or UNKNOWN on the date."
    )
    covered: bool = strawberry.field(
        description="Whether a contract certainly covers it on the date (status COVERED)."
    )
    contracts: list[str] = strawberry.field(
        description="Keys of the contracts certainly covering it (active on the date)."
    )
    possible_contracts: list[str] = strawberry.field(
        description="Keys of the contracts reaching it whose activity on the date is unknown."
    )
    inferred_contracts: list[str] = strawberry.field(
        description="Those of both lists that reach it only through an inferred fact (the "
        "contract, its covers link, a sub-territory's membership, or the date deciding its "
        "activity); empty under STATED_ONLY."
    )
    rests_on_inferred: bool = strawberry.field(
        description="Whether its status differs between stated facts only and all facts."
    )


@strawberry.type(description="A commune covered twice by active contracts of one kind.")
class CoverageOverlap:
    commune: str = strawberry.field(description="INSEE code of the commune.")
    contract_kind: str = strawberry.field(description="The contract kind covering it twice.")
    contracts: list[str] = strawberry.field(description="Keys of those contracts.")


@strawberry.type(description="Who is covered on a date: communes and population, with breakdowns.")
class Coverage:
    scope: str | None = strawberry.field(description="The scope (null: France).")
    on: datetime.date = strawberry.field(description="The date.")
    kinds: list[str] | None = strawberry.field(description="Contract kinds that counted.")
    communes_total: int = strawberry.field(description="Communes in the scope.")
    communes_covered: int = strawberry.field(description="Communes covered.")
    population_total: int = strawberry.field(description="Population of the scope.")
    population_covered: int = strawberry.field(description="Population of covered communes.")
    share_communes: float = strawberry.field(description="Covered communes share (0–1).")
    share_population: float = strawberry.field(description="Covered population share (0–1).")
    certainty: analyses.CertaintyFilter = strawberry.field(description="The facts counted.")
    communes_unknown: int = strawberry.field(
        description="Communes whose coverage on the date is UNKNOWN."
    )
    population_unknown: int = strawberry.field(description="Population of the UNKNOWN ones.")
    share_communes_unknown: float = strawberry.field(description="UNKNOWN communes share (0–1).")
    share_population_unknown: float = strawberry.field(
        description="UNKNOWN population share (0–1)."
    )
    communes_not_covered: int = strawberry.field(description="Communes NOT_COVERED.")
    population_not_covered: int = strawberry.field(
        description="Population of the NOT_COVERED ones."
    )
    share_communes_not_covered: float = strawberry.field(
        description="NOT_COVERED communes share (0–1)."
    )
    share_population_not_covered: float = strawberry.field(
        description="NOT_COVERED population share (0–1)."
    )
    communes_inferred: int = strawberry.field(
        description="How many communes' status differs between stated facts only and all "
        "facts: under ALL, how much of the answer rests on inferred facts."
    )
    inferred_communes: list[str] = strawberry.field(description="INSEE codes of those communes.")
    by_epci: list[CoverageArea] = strawberry.field(description="Per EPCI, by SIREN.")
    by_departement: list[CoverageArea] = strawberry.field(description="Per département.")
    uncovered_epcis: list[str] = strawberry.field(
        description="SIRENs of the EPCI all of whose communes (in the scope) are NOT_COVERED."
    )
    unknown_epcis: list[str] = strawberry.field(
        description="SIRENs of the EPCI with no COVERED commune (in the scope) but some UNKNOWN."
    )
    overlaps: list[CoverageOverlap] = strawberry.field(
        description="Communes covered by two or more active contracts of the same kind."
    )
    report: strawberry.Private[analyses.CoverageReport]

    @strawberry.field(description="The communes of the scope by INSEE code, with what covers them.")
    def communes(
        self,
        info: Info,
        covered: Annotated[
            bool | None,
            strawberry.argument(
                description="Only those certainly covered (true) or not certainly covered "
                "(false: NOT_COVERED or UNKNOWN)."
            ),
        ] = None,
        status: Annotated[
            analyses.CoverageStatus | None,
            strawberry.argument(description="Only those of this status."),
        ] = None,
        rests_on_inferred: Annotated[
            bool | None,
            strawberry.argument(
                description="Only those whose status rests on inferred facts (true) or not."
            ),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[CommuneCoverage]:
        rows = [
            c
            for c in self.report.communes
            if (covered is None or c.covered == covered)
            and (status is None or c.status is status)
            and (rests_on_inferred is None or c.rests_on_inferred == rests_on_inferred)
        ]
        return _page(
            info,
            Connection[CommuneCoverage],
            rows,
            lambda c: c.code,
            "CODE",
            result_edges(CommuneCoverage),
            **page_args(first, after, last, before),
        )

    @classmethod
    def of(cls, report: analyses.CoverageReport, info: Info) -> Coverage:
        info.context.budget.spend(
            len(report.by_epci)
            + len(report.by_departement)
            + len(report.overlaps)
            + len(report.inferred_communes)
        )
        return cls(
            scope=report.scope,
            on=report.on,
            kinds=list(report.kinds) if report.kinds is not None else None,
            communes_total=report.communes_total,
            communes_covered=report.communes_covered,
            population_total=report.population_total,
            population_covered=report.population_covered,
            share_communes=report.share_communes,
            share_population=report.share_population,
            certainty=report.certainty,
            communes_unknown=report.communes_unknown,
            population_unknown=report.population_unknown,
            share_communes_unknown=report.share_communes_unknown,
            share_population_unknown=report.share_population_unknown,
            communes_not_covered=report.communes_not_covered,
            population_not_covered=report.population_not_covered,
            share_communes_not_covered=report.share_communes_not_covered,
            share_population_not_covered=report.share_population_not_covered,
            communes_inferred=len(report.inferred_communes),
            inferred_communes=list(report.inferred_communes),
            by_epci=[from_result(CoverageArea, a) for a in report.by_epci],
            by_departement=[from_result(CoverageArea, a) for a in report.by_departement],
            uncovered_epcis=list(report.uncovered_epcis),
            unknown_epcis=list(report.unknown_epcis),
            overlaps=[from_result(CoverageOverlap, o) for o in report.overlaps],
            report=report,
        )


# -- themes ----------------------------------------------------------------------------
@listed(
    edge="A commune's themes in a list.",
    node="The commune's themes.",
    page="A page of communes with their themes.",
)
@strawberry.type(description="The themes addressed in a commune on the date.")
class ThemeRow:
    commune: str = strawberry.field(description="INSEE code.")
    name: str = strawberry.field(description="Name.")
    covered: bool = strawberry.field(description="Whether a contract certainly covers it.")
    status: analyses.CoverageStatus = strawberry.field(description="Its coverage on the date.")
    themes: list[str] = strawberry.field(
        description="Theme codes addressed there by the contracts certainly covering it."
    )
    possible_themes: list[str] = strawberry.field(
        description="Other theme codes addressed only by contracts whose activity is unknown."
    )
    missing: list[str] = strawberry.field(
        description="Required themes certainly not addressed (in neither list)."
    )
    possibly_missing: list[str] = strawberry.field(
        description="Required themes only among the possible ones."
    )
    gap: analyses.GapStatus = strawberry.field(
        description="Whether it is a gap: GAP, NO_GAP, UNKNOWN."
    )
    rests_on_inferred: bool = strawberry.field(
        description="Whether its gap answer differs between stated facts only and all facts."
    )


@strawberry.type(description="The themes addressed in an EPCI's covered communes.")
class EpciThemes:
    epci: str = strawberry.field(description="SIREN of the EPCI.")
    themes: list[str] = strawberry.field(description="Theme codes.")


@strawberry.type(description="Territory × theme matrix of a scope on a date, and its gaps.")
class ThemeCoverage:
    scope: str | None = strawberry.field(description="The scope (null: France).")
    on: datetime.date = strawberry.field(description="The date.")
    required: list[str] = strawberry.field(description="Themes every commune should have.")
    themes: list[str] = strawberry.field(description="Columns: every theme code in the graph.")
    by_epci: list[EpciThemes] = strawberry.field(description="Themes per EPCI.")
    gap_count: int = strawberry.field(
        description="Communes certainly gaps: NOT_COVERED, or certainly missing a required theme."
    )
    unknown_gap_count: int = strawberry.field(description="Communes whose gap is UNKNOWN.")
    certainty: analyses.CertaintyFilter = strawberry.field(description="The facts counted.")
    communes_inferred: int = strawberry.field(
        description="How many communes' gap answer differs between stated facts only and all "
        "facts: under ALL, how much of the matrix rests on inferred facts."
    )
    inferred_communes: list[str] = strawberry.field(description="INSEE codes of those communes.")
    report: strawberry.Private[analyses.ThemeReport]

    @strawberry.field(description="The matrix's rows: each commune of the scope, by code.")
    def rows(
        self,
        info: Info,
        gaps_only: Annotated[
            bool, strawberry.argument(description="Only the communes certainly a gap.")
        ] = False,
        gap: Annotated[
            analyses.GapStatus | None,
            strawberry.argument(description="Only the communes of this gap answer."),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[ThemeRow]:
        rows = [
            r
            for r in (self.report.gaps if gaps_only else self.report.rows)
            if gap is None or r.gap is gap
        ]
        return _page(
            info,
            Connection[ThemeRow],
            rows,
            lambda r: r.commune,
            "CODE",
            result_edges(ThemeRow),
            **page_args(first, after, last, before),
        )


# -- continuity and timeline -------------------------------------------------------------
@strawberry.type(description="Whether and when a successor contract followed in a commune.")
class ContinuityRow:
    commune: str = strawberry.field(description="INSEE code.")
    name: str = strawberry.field(description="Name.")
    predecessor: str = strawberry.field(description="Key of the predecessor (e.g. the CEJ).")
    predecessor_end: datetime.date | None = strawberry.field(description="When it ended.")
    successor: str | None = strawberry.field(description="Key of the successor (e.g. the CTG).")
    successor_start: datetime.date | None = strawberry.field(description="When it started.")
    gap_days: int | None = strawberry.field(
        description="Days without either (0: seamless; negative: they overlapped); null when "
        "a date is unknown or imprecise (see gapDaysMin/Max)."
    )
    gap_days_min: int | None = strawberry.field(
        description="The fewest days it can be, given the dates' precision."
    )
    gap_days_max: int | None = strawberry.field(
        description="The most days it can be, given the dates' precision."
    )
    status: str = strawberry.field(
        description="continuous, gap, overlap, undated (a date is unknown), imprecise (both "
        "dates known, too imprecisely to tell) or none."
    )
    rests_on_inferred: bool = strawberry.field(
        description="Whether predecessor, successor or status differ between stated facts "
        "only and all facts."
    )


@strawberry.type(description="A commune's continuity in a list.")
class ContinuityEdge:
    cursor: str = strawberry.field(description="Cursor of this item.")
    node: ContinuityRow = strawberry.field(description="The commune's continuity.")


@strawberry.type(description="A page of communes with their continuity.")
class ContinuityConnection(ConnectionOf[ContinuityEdge]):
    pass


@strawberry.type(description="Coverage of the scope on one date of a timeline.")
class TimelinePoint:
    on: datetime.date = strawberry.field(description="The date.")
    communes_total: int = strawberry.field(description="Communes in the scope.")
    communes_covered: int = strawberry.field(description="Communes covered on the date.")
    share_communes: float = strawberry.field(description="Covered communes share (0–1).")
    population_total: int = strawberry.field(description="Population of the scope.")
    population_covered: int = strawberry.field(description="Population covered.")
    share_population: float = strawberry.field(description="Covered population share (0–1).")
    communes_unknown: int = strawberry.field(description="Communes UNKNOWN on the date.")
    share_communes_unknown: float = strawberry.field(description="UNKNOWN communes share (0–1).")
    population_unknown: int = strawberry.field(description="Population of the UNKNOWN ones.")
    share_population_unknown: float = strawberry.field(
        description="UNKNOWN population share (0–1)."
    )
    communes_inferred: int = strawberry.field(
        description="Communes whose status differs between stated facts only and all facts."
    )


@strawberry.enum(description="Step between the dates of a timeline.")
class TimelineStep(Enum):
    YEAR = "year"
    QUARTER = "quarter"
    MONTH = "month"


# -- partner network ---------------------------------------------------------------------
@listed(
    edge="A partner in the network.",
    node="The partner's figures.",
    page="A page of the network's partners, brokers first.",
)
@strawberry.type(description="A partner's place in the partner network.")
class PartnerCentrality:
    partner: str = strawberry.field(description="Key of the partner.")
    name: str = strawberry.field(description="Name.")
    partner_kind: str = strawberry.field(description="Kind of partner (caf, epci…).")
    contracts: int = strawberry.field(description="Contracts of the network it signed.")
    degree: int = strawberry.field(description="Partners it shares a contract with.")
    weighted_degree: int = strawberry.field(description="Sum of contracts shared with them.")
    degree_centrality: float = strawberry.field(description="Normalised degree (0–1).")
    betweenness: float = strawberry.field(
        description="Betweenness centrality on the projection (normalised, unweighted): how "
        "much it brokers between other partners."
    )
    component: int = strawberry.field(description="Index of its connected component.")


@listed(edge="A link in the network.", node="The link.", page="A page of the network's links.")
@strawberry.type(description="Two partners sharing contracts.")
class NetworkLink:
    a: str = strawberry.field(description="Key of one partner.")
    b: str = strawberry.field(description="Key of the other.")
    weight: int = strawberry.field(description="Number of contracts both signed.")
    contracts: list[str] = strawberry.field(description="Keys of those contracts.")
    inferred_contracts: list[str] = strawberry.field(
        description="Those where a signature (or the contract) is inferred."
    )


@strawberry.type(description="Who partners with whom: partners linked by the contracts they share.")
class PartnerNetwork:
    scope: str | None = strawberry.field(description="The scope (null: France).")
    certainty: analyses.CertaintyFilter = strawberry.field(description="The facts counted.")
    contracts: int = strawberry.field(description="Contracts reaching the scope.")
    components: list[list[str]] = strawberry.field(
        description="Connected components (partner keys), largest first."
    )
    report: strawberry.Private[analyses.NetworkReport]
    graph: strawberry.Private[Any]

    @strawberry.field(description="The partners, brokers (highest betweenness) first.")
    def partners(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[PartnerCentrality]:
        return _page(
            info,
            Connection[PartnerCentrality],
            self.report.partners,
            lambda p: p.partner,
            "BETWEENNESS_DESC",
            result_edges(PartnerCentrality),
            **page_args(first, after, last, before),
        )

    @strawberry.field(description="The links, by partner keys.")
    def links(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[NetworkLink]:
        return _page(
            info,
            Connection[NetworkLink],
            self.report.links,
            lambda link: f"{link.a}|{link.b}",
            "PAIR",
            result_edges(NetworkLink),
            **page_args(first, after, last, before),
        )

    @strawberry.field(description="Partners sharing a contract with both `a` and `b`.")
    async def common_partners(self, a: str, b: str) -> list[str]:
        return list(
            await _compute(
                analyses.common_partners, self.graph, a, b, self.report.scope, self.report.certainty
            )
        )


# -- root fields -------------------------------------------------------------------------
@strawberry.type
class CoverageQueries:
    @strawberry.field(
        description="Territorial coverage on a date: the communes and population covered "
        "(directly, through their EPCI or a sub-territory) by active contracts of the kinds."
    )
    async def coverage(
        self,
        info: Info,
        on: datetime.date,
        scope: ScopeArg = None,
        scope_kind: ScopeKindArg = None,
        kinds: KindsArg = None,
        certainty: CertaintyArg = analyses.CertaintyFilter.ALL,
    ) -> Coverage:
        g, node = await _graph(info, scope, scope_kind)
        report = await _compute(
            analyses.territorial_coverage, g, node, on, kind_codes(kinds), certainty
        )
        return Coverage.of(report, info)

    @strawberry.field(
        description="Thematic coverage on a date: each commune's themes, the territory × "
        "theme matrix and the gaps against required themes (default: the Cnaf minimum, "
        "petite enfance, jeunesse, parentalité)."
    )
    async def theme_coverage(
        self,
        info: Info,
        on: datetime.date,
        scope: ScopeArg = None,
        scope_kind: ScopeKindArg = None,
        required: Annotated[
            list[str] | None,
            strawberry.argument(description="Theme codes every commune should have."),
        ] = None,
        kinds: KindsArg = None,
        certainty: CertaintyArg = analyses.CertaintyFilter.ALL,
    ) -> ThemeCoverage:
        needed = theme_codes(required, "required") if required is not None else list(CNAF_MINIMUM)
        g, node = await _graph(info, scope, scope_kind, actions=True)
        report = await _compute(
            analyses.theme_coverage, g, node, on, needed, kind_codes(kinds), certainty
        )
        info.context.budget.spend(len(report.by_epci) + len(report.inferred_communes))
        return ThemeCoverage(
            scope=report.scope,
            on=report.on,
            required=list(report.required),
            themes=list(report.themes),
            by_epci=[EpciThemes(epci=e, themes=list(t)) for e, t in report.by_epci],
            gap_count=len(report.gaps),
            unknown_gap_count=len(report.unknown_gaps),
            certainty=report.certainty,
            communes_inferred=len(report.inferred_communes),
            inferred_communes=list(report.inferred_communes),
            report=report,
        )

    @strawberry.field(
        description="Coverage of the scope at each step (year, quarter, month) between two dates."
    )
    async def coverage_timeline(
        self,
        info: Info,
        start: datetime.date,
        end: datetime.date,
        scope: ScopeArg = None,
        scope_kind: ScopeKindArg = None,
        step: TimelineStep = TimelineStep.YEAR,
        kinds: KindsArg = None,
        certainty: CertaintyArg = analyses.CertaintyFilter.ALL,
    ) -> list[TimelinePoint]:
        months = {"year": 12, "quarter": 3, "month": 1}[step.value]
        points = ((end.year - start.year) * 12 + end.month - start.month) // months + 1
        if points > MAX_TIMELINE_POINTS:
            raise UserFacingError(
                f"This timeline has {points} points; ask for at most {MAX_TIMELINE_POINTS} "
                "(a longer step or a shorter period)."
            )
        g, node = await _graph(info, scope, scope_kind)
        timeline = await _compute(
            analyses.coverage_timeline,
            g,
            node,
            start,
            end,
            step.value,
            kind_codes(kinds),
            certainty,
        )
        info.context.budget.spend(len(timeline))
        return [from_result(TimelinePoint, p) for p in timeline]

    @strawberry.field(
        description="For the communes that had a predecessor contract (a CEJ), whether and "
        "when a successor (a CTG) followed, and the gap."
    )
    async def continuity(
        self,
        info: Info,
        scope: ScopeArg = None,
        scope_kind: ScopeKindArg = None,
        predecessor: str = "cej",
        successor: str = "ctg",
        certainty: CertaintyArg = analyses.CertaintyFilter.ALL,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> ContinuityConnection:
        kind_codes([predecessor, successor], "predecessor/successor")
        g, node = await _graph(info, scope, scope_kind)
        rows = await _compute(analyses.continuity, g, node, predecessor, successor, certainty)
        return _page(
            info,
            ContinuityConnection,
            rows,
            lambda r: r.commune,
            "CODE",
            lambda cursor, r: ContinuityEdge(cursor=cursor, node=from_result(ContinuityRow, r)),
            **page_args(first, after, last, before),
        )

    @strawberry.field(
        description="The partner network of the contracts reaching the scope: partners "
        "linked by shared contracts, their centralities and components."
    )
    async def partner_network(
        self,
        info: Info,
        scope: ScopeArg = None,
        scope_kind: ScopeKindArg = None,
        certainty: CertaintyArg = analyses.CertaintyFilter.ALL,
    ) -> PartnerNetwork:
        g, node = await _graph(info, scope, scope_kind, partners=True)
        report = await _compute(analyses.partner_network, g, node, certainty)
        info.context.budget.spend(sum(len(c) for c in report.components))
        return PartnerNetwork(
            scope=report.scope,
            certainty=report.certainty,
            contracts=len(report.contracts),
            components=[list(c) for c in report.components],
            report=report,
            graph=g,
        )
