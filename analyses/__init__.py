"""Coverage analyses over the in-memory partnership graph (:mod:`analyses.model`).

Pure functions: no I/O, no Neo4j; each takes the ``MultiDiGraph`` and returns frozen
dataclasses (or a networkx graph for the partner networks).

* **Scope** — ``None`` (all of France) or the node id of a région, département, EPCI,
  sub-territory or commune (``"epci:200066660"``); :func:`communes_in_scope` resolves it.
* **Covered** (DESIGN §4) — commune X is covered on D by contract C when C is active on D
  and C ``COVERS`` X, an EPCI X is ``MEMBER_OF``, or a sub-territory that ``INCLUDES``
  X. A contract covering a département or a région as a whole covers no commune by
  this rule. Three-valued (:class:`CoverageStatus`): activity is
  :func:`domain.dates.activity_on`, so a commune reached only by contracts whose
  activity on D is unknown (a date missing or too imprecise) is UNKNOWN, never "not
  covered".
* **Reach** — the same without the date: the communes a contract covers at some time.
  A reach through an inferred fact (the contract, its ``COVERS`` link, a
  sub-territory's membership) is inferred: a derived fact is as certain as the weakest
  fact it rests on.
* **Certainty** (:class:`CertaintyFilter`) — every analysis reads either the stated
  facts only or all of them, and says which of its answers differ between the two.

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
    CertaintyFilter,
    CommuneCoverage,
    ContinuityRow,
    CoverageReport,
    CoverageStatus,
    GapStatus,
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
    "CertaintyFilter",
    "CommuneCoverage",
    "ContinuityRow",
    "CoverageReport",
    "CoverageStatus",
    "GapStatus",
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
