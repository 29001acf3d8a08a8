"""Result types of the coverage analyses (frozen dataclasses)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

# --- results ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CommuneCoverage:
    """One commune on a date: the contracts covering it (keys, sorted).

    ``departement`` and ``epci`` are codes (département code, EPCI SIREN), not node ids.
    """

    commune: str
    code: str
    name: str
    population: int
    departement: str | None
    epci: str | None
    contracts: tuple[str, ...]
    covered: bool = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "covered", bool(self.contracts))


@dataclass(frozen=True)
class AreaCoverage:
    """Coverage of the communes of the scope that lie in one EPCI or département.

    ``population`` sums the populations of those communes (not the area's own figure),
    so that ``covered_population`` and ``share_population`` compare like with like.
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


@dataclass(frozen=True)
class ThemeRow:
    """The themes a commune's covering contracts address, and the required ones missing."""

    commune: str
    name: str
    covered: bool
    themes: tuple[str, ...]
    missing: tuple[str, ...]


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


@dataclass(frozen=True)
class TimelinePoint:
    """Coverage of a scope on one date of a timeline."""

    on: datetime.date
    communes_total: int
    communes_covered: int
    share_communes: float
    population_total: int
    population_covered: int
    share_population: float


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
    """Two partners (keys, ``a < b``) that signed ``weight`` contracts together."""

    a: str
    b: str
    weight: int
    contracts: tuple[str, ...]


@dataclass(frozen=True)
class NetworkReport:
    """The co-signature network of the contracts of a scope; see :func:`partner_network`."""

    scope: str | None
    contracts: tuple[str, ...]
    partners: tuple[PartnerCentrality, ...]
    links: tuple[PartnerLink, ...]
    components: tuple[tuple[str, ...], ...]
