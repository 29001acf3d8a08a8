"""Coverage analyses over the in-memory partnership graph (:mod:`analyses.model`).

Pure functions: no I/O, no Neo4j; each takes the ``MultiDiGraph`` and returns frozen
dataclasses (or a networkx graph for the partner networks).

* **Scope** — ``None`` (all of France) or the node id of a région, département, EPCI,
  sub-territory or commune (``"epci:200066660"``); :func:`communes_in_scope` resolves it.
* **Covered** (DESIGN §4) — commune X is covered on D by contract C when C is active on D
  (``start <= D <= end``, both dates known) and C ``COVERS`` X, an EPCI X is
  ``MEMBER_OF``, or a sub-territory that ``INCLUDES`` X. A contract covering a
  département or a région as a whole covers no commune by this rule.
* **Reach** — the same without the date: the communes a contract covers at some time.

Every analysis first turns ``COVERS`` edges into a commune → contracts reach in one pass
over the contracts (an EPCI's members are listed once), so a coverage of France costs
one walk over the contracts' territories plus one over the communes.
"""

from __future__ import annotations

from analyses._walk import SCOPE_KINDS, TIMELINE_STEPS
from analyses.network import (
    bipartite_network,
    common_partners,
    partner_network,
    partner_projection,
)
from analyses.on_date import territorial_coverage, theme_coverage
from analyses.over_time import continuity, coverage_timeline
from analyses.results import (
    AreaCoverage,
    CommuneCoverage,
    ContinuityRow,
    CoverageReport,
    NetworkReport,
    Overlap,
    PartnerCentrality,
    PartnerLink,
    ThemeReport,
    ThemeRow,
    TimelinePoint,
)
from analyses.scope import (
    communes_in_scope,
    contracts_in_scope,
    covering_contracts,
)

__all__ = [
    "SCOPE_KINDS",
    "TIMELINE_STEPS",
    "AreaCoverage",
    "CommuneCoverage",
    "ContinuityRow",
    "CoverageReport",
    "NetworkReport",
    "Overlap",
    "PartnerCentrality",
    "PartnerLink",
    "ThemeReport",
    "ThemeRow",
    "TimelinePoint",
    "bipartite_network",
    "common_partners",
    "communes_in_scope",
    "continuity",
    "contracts_in_scope",
    "coverage_timeline",
    "covering_contracts",
    "partner_network",
    "partner_projection",
    "territorial_coverage",
    "theme_coverage",
]
