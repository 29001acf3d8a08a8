"""Result types of the coverage analyses (frozen dataclasses), and the three-valued
answers and the certainty filter they share."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from enum import StrEnum

# --- answers ---------------------------------------------------------------------------


class CoverageStatus(StrEnum):
    """Whether a commune is covered on a date (DESIGN §4): certainly (a contract active
    that day reaches it), certainly not (every contract reaching it is inactive that day,
    or none reaches it), or UNKNOWN (only contracts whose activity that day cannot be
    told from their dates reach it). Unknown is never counted as not covered."""

    COVERED = "covered"
    NOT_COVERED = "not-covered"
    UNKNOWN = "unknown"


_COVERED, _NOT_COVERED, _UNKNOWN = (
    CoverageStatus.COVERED,
    CoverageStatus.NOT_COVERED,
    CoverageStatus.UNKNOWN,
)


class GapStatus(StrEnum):
    """Whether a commune is a theme gap on a date: certainly (not covered, or certainly
    missing a required theme), certainly not, or UNKNOWN (its coverage or a required
    theme rests on contracts whose activity is unknown)."""

    GAP = "gap"
    NO_GAP = "no-gap"
    UNKNOWN = "unknown"


class CertaintyFilter(StrEnum):
    """Which facts an analysis rests on: the stated ones only (an inferred contract,
    link, membership, theme or date is left out, as if the source said nothing), or all
    of them. Whichever is asked, each result says what the other would change."""

    STATED_ONLY = "stated-only"
    ALL = "all"


# --- results ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CommuneCoverage:
    """One commune on a date: the contracts certainly covering it (``contracts``, keys
    sorted) and those that may (``possible_contracts``: reaching it, their activity that
    day unknown), as the certainty filter of the report reads the facts.

    ``departement`` and ``epci`` are codes (département code, EPCI SIREN), not node ids.
    ``inferred_contracts`` lists those of both lists that reach it only through an
    inferred fact (the contract, its covers link, a sub-territory's membership, or the
    date deciding its activity); ``rests_on_inferred`` is true when the commune's status
    differs between the stated facts and all facts.
    """

    commune: str
    code: str
    name: str
    population: int
    departement: str | None
    epci: str | None
    contracts: tuple[str, ...]
    possible_contracts: tuple[str, ...] = ()
    inferred_contracts: tuple[str, ...] = ()
    rests_on_inferred: bool = False
    status: CoverageStatus = field(init=False)
    covered: bool = field(init=False)

    def __post_init__(self) -> None:
        # one row per commune of France: module constants, not enum lookups
        if self.contracts:
            status, covered = _COVERED, True
        else:
            status, covered = (_UNKNOWN if self.possible_contracts else _NOT_COVERED), False
        object.__setattr__(self, "status", status)
        object.__setattr__(self, "covered", covered)


@dataclass(frozen=True)
class AreaCoverage:
    """Coverage of the communes of the scope that lie in one EPCI or département.

    ``population`` sums the populations of those communes (not the area's own figure),
    so that ``covered_population`` and ``share_population`` compare like with like.
    The ``unknown_*`` and ``not_covered_*`` figures count the communes of each other
    status (the three add up to the whole).
    """

    area: str
    code: str
    name: str
    communes: int
    covered_communes: int
    population: int
    covered_population: int
    share_communes: float
    share_population: float
    unknown_communes: int = 0
    unknown_population: int = 0
    share_communes_unknown: float = 0.0
    share_population_unknown: float = 0.0
    not_covered_communes: int = 0
    not_covered_population: int = 0
    share_communes_not_covered: float = 0.0
    share_population_not_covered: float = 0.0


@dataclass(frozen=True)
class Overlap:
    """A commune covered on the date by several active contracts of one kind."""

    commune: str
    contract_kind: str
    contracts: tuple[str, ...]


@dataclass(frozen=True)
class CoverageReport:
    """Coverage of a scope on a date; see :func:`territorial_coverage`."""

    scope: str | None
    on: datetime.date
    kinds: tuple[str, ...] | None
    communes: tuple[CommuneCoverage, ...]
    communes_total: int
    communes_covered: int
    population_total: int
    population_covered: int
    share_communes: float
    share_population: float
    by_epci: tuple[AreaCoverage, ...]
    by_departement: tuple[AreaCoverage, ...]
    uncovered_communes: tuple[str, ...]
    uncovered_epcis: tuple[str, ...]
    overlaps: tuple[Overlap, ...]
    certainty: CertaintyFilter = CertaintyFilter.ALL
    communes_unknown: int = 0
    population_unknown: int = 0
    share_communes_unknown: float = 0.0
    share_population_unknown: float = 0.0
    communes_not_covered: int = 0
    population_not_covered: int = 0
    share_communes_not_covered: float = 0.0
    share_population_not_covered: float = 0.0
    unknown_communes: tuple[str, ...] = ()
    unknown_epcis: tuple[str, ...] = ()
    inferred_communes: tuple[str, ...] = ()


@dataclass(frozen=True)
class ThemeRow:
    """The themes a commune's covering contracts address, and the required ones missing.

    ``themes`` are addressed by the contracts certainly covering it, ``possible_themes``
    (not among them) only by contracts that may (their activity unknown). ``missing``
    lists the required themes in neither (certainly missing), ``possibly_missing`` those
    only possible. ``gap`` says whether the row is a gap; ``rests_on_inferred`` whether
    that answer differs between the stated facts and all facts.
    """

    commune: str
    name: str
    covered: bool
    themes: tuple[str, ...]
    missing: tuple[str, ...]
    status: CoverageStatus = CoverageStatus.NOT_COVERED
    possible_themes: tuple[str, ...] = ()
    possibly_missing: tuple[str, ...] = ()
    gap: GapStatus = GapStatus.GAP
    rests_on_inferred: bool = False


@dataclass(frozen=True)
class ThemeReport:
    """Themes addressed per commune of a scope on a date; see :func:`theme_coverage`."""

    scope: str | None
    on: datetime.date
    required: tuple[str, ...]
    themes: tuple[str, ...]
    rows: tuple[ThemeRow, ...]
    by_epci: tuple[tuple[str, tuple[str, ...]], ...]
    gaps: tuple[ThemeRow, ...]
    certainty: CertaintyFilter = CertaintyFilter.ALL
    unknown_gaps: tuple[ThemeRow, ...] = ()
    inferred_communes: tuple[str, ...] = ()


@dataclass(frozen=True)
class ContinuityRow:
    """How a commune went from its predecessor contract to a successor; see
    :func:`continuity` for the meaning of ``gap_days`` and ``status``."""

    commune: str
    name: str
    predecessor: str
    predecessor_end: datetime.date | None
    successor: str | None
    successor_start: datetime.date | None
    gap_days: int | None
    status: str
    gap_days_min: int | None = None
    gap_days_max: int | None = None
    rests_on_inferred: bool = False


@dataclass(frozen=True)
class TimelinePoint:
    """Coverage of a scope on one date of a timeline; the ``unknown`` figures count the
    communes whose coverage that day is unknown (never counted as covered or not);
    ``communes_inferred`` those whose status differs between stated and all facts."""

    on: datetime.date
    communes_total: int
    communes_covered: int
    share_communes: float
    population_total: int
    population_covered: int
    share_population: float
    communes_unknown: int = 0
    share_communes_unknown: float = 0.0
    population_unknown: int = 0
    share_population_unknown: float = 0.0
    communes_inferred: int = 0


@dataclass(frozen=True)
class PartnerCentrality:
    """A partner's place in the co-signature network; see :func:`partner_network`."""

    partner: str
    name: str
    partner_kind: str
    contracts: int
    degree: int
    weighted_degree: int
    degree_centrality: float
    betweenness: float
    component: int


@dataclass(frozen=True)
class PartnerLink:
    """Two partners (keys, ``a < b``) that signed ``weight`` contracts together;
    ``inferred_contracts`` lists those of them where a signature (or the contract) is
    inferred."""

    a: str
    b: str
    weight: int
    contracts: tuple[str, ...]
    inferred_contracts: tuple[str, ...] = ()


@dataclass(frozen=True)
class NetworkReport:
    """The co-signature network of the contracts of a scope; see :func:`partner_network`."""

    scope: str | None
    contracts: tuple[str, ...]
    partners: tuple[PartnerCentrality, ...]
    links: tuple[PartnerLink, ...]
    components: tuple[tuple[str, ...], ...]
    certainty: CertaintyFilter = CertaintyFilter.ALL
