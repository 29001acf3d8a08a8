"""Coverage analyses on small hand-made graphs whose answers are worked out by hand."""

from __future__ import annotations

import doctest
from datetime import date

import pytest

from analyses import (
    AreaCoverage,
    CertaintyFilter,
    CommuneCoverage,
    ContinuityRow,
    CoverageStatus,
    GapStatus,
    Overlap,
    PartnerLink,
    bipartite_network,
    common_partners,
    communes_in_scope,
    continuity,
    contracts_in_scope,
    coverage_timeline,
    covering_contracts,
    network,
    on_date,
    over_time,
    partner_network,
    partner_projection,
    scope,
    territorial_coverage,
    theme_coverage,
)
from analyses import model as cm

SF = "200066660"  # Saint-Flour Communauté
PL = "241500230"  # an EPCI of the Cantal no contract covers
CU = "247100290"  # CU Le Creusot Montceau-les-Mines
MID_2020 = date(2020, 6, 1)


def test_docstring_examples_run() -> None:
    modules = (scope, on_date, over_time, network)
    results = [doctest.testmod(module) for module in modules]
    assert sum(r.attempted for r in results) > 20
    assert [r.failed for r in results] == [0, 0, 0, 0]
    assert all(r.attempted for r in results), "every analysis module has runnable examples"


@pytest.fixture
def g() -> cm.PartnershipGraph:
    """Two départements in two régions, three EPCI, a basin and a commune with no EPCI.

    ===========  ==========  =====  ===========  ======  =====================================
    commune      name        pop.   EPCI         dép.    reached by
    ===========  ==========  =====  ===========  ======  =====================================
    15100        Neuvéglise  1000   SF           15      ctg-sf (EPCI)
    15120        Lonely      400    PL           15      —
    15187        Saint-Flour 6600   SF           15      ctg-sf (EPCI), cej-sf (commune)
    15999        Nowhere     0      —            15      —
    71106        Le Creusot  20000  CU           71      ctg-cu (EPCI), ccs-cu (commune)
    71306        Montceau    18000  CU           71      ctg-cu (EPCI), ctg-nord (basin)
    ===========  ==========  =====  ===========  ======  =====================================
    """
    g = cm.new_graph()
    cm.add_region(g, "84", "Auvergne-Rhône-Alpes")
    cm.add_region(g, "27", "Bourgogne-Franche-Comté")
    cm.add_departement(g, "15", "Cantal", region="84")
    cm.add_departement(g, "71", "Saône-et-Loire", region="27")
    cm.add_epci(g, SF, "Saint-Flour Communauté")
    cm.add_epci(g, PL, "Pays Lointain")
    cm.add_epci(g, CU, "CU Le Creusot Montceau-les-Mines")
    cm.add_commune(g, "15100", "Neuvéglise", 1000, "15", "84", SF)
    cm.add_commune(g, "15120", "Lonely", 400, "15", "84", PL)
    cm.add_commune(g, "15187", "Saint-Flour", 6600, "15", "84", SF)
    cm.add_commune(g, "15999", "Nowhere", 0, "15", "84", None)
    cm.add_commune(g, "71106", "Le Creusot", 20000, "71", "27", CU)
    cm.add_commune(g, "71306", "Montceau", 18000, "71", "27", CU)
    cm.add_sub_territory(g, "bassin-nord", "Bassin nord", ["71306"], epci=CU)
    cm.add_contract(g, "cej-sf", "cej", date(2013, 1, 1), date(2016, 12, 31), ["commune:15187"])
    cm.add_contract(g, "ctg-sf", "ctg", date(2017, 1, 1), date(2021, 12, 31), [f"epci:{SF}"])
    cm.add_contract(
        g, "ctg-nord", "ctg", date(2019, 7, 1), date(2023, 6, 30), ["sub_territory:bassin-nord"]
    )
    cm.add_contract(g, "ctg-cu", "ctg", date(2020, 1, 1), date(2024, 12, 31), [f"epci:{CU}"])
    cm.add_contract(g, "ccs-cu", "ccs", date(2018, 1, 1), date(2022, 12, 31), ["commune:71106"])
    cm.add_action(g, "cej-1", "cej-sf", themes=["enfance"])
    cm.add_action(g, "sf-1", "ctg-sf", themes=["petite-enfance", "jeunesse"])
    cm.add_action(g, "sf-2", "ctg-sf", themes=["parentalite", "logement"])
    cm.add_action(g, "cu-1", "ctg-cu", themes=["petite-enfance", "parentalite"])
    cm.add_action(g, "nord-1", "ctg-nord", themes=["jeunesse"])
    cm.add_action(g, "ccs-1", "ccs-cu", themes=["insertion"])
    return g


# --- communes_in_scope -----------------------------------------------------------------


def test_scope_none_is_every_commune_of_france(g: cm.PartnershipGraph) -> None:
    assert communes_in_scope(g, None) == [
        "commune:15100",
        "commune:15120",
        "commune:15187",
        "commune:15999",
        "commune:71106",
        "commune:71306",
    ]


@pytest.mark.parametrize(
    ("scope", "communes"),
    [
        ("region:84", ["15100", "15120", "15187", "15999"]),
        ("region:27", ["71106", "71306"]),
        ("departement:71", ["71106", "71306"]),
        (f"epci:{SF}", ["15100", "15187"]),
        ("sub_territory:bassin-nord", ["71306"]),
        ("commune:15187", ["15187"]),
    ],
)
def test_scope_follows_the_territorial_hierarchy(
    g: cm.PartnershipGraph, scope: str, communes: list[str]
) -> None:
    assert communes_in_scope(g, scope) == [f"commune:{code}" for code in communes]


def test_a_departement_known_only_through_its_communes_is_a_scope() -> None:
    g = cm.new_graph()
    cm.add_commune(g, "2A004", "Ajaccio", departement="2A")
    assert communes_in_scope(g, "departement:2A") == ["commune:2A004"]


def test_an_unknown_scope_is_refused_clearly(g: cm.PartnershipGraph) -> None:
    with pytest.raises(ValueError, match=r"unknown scope 'epci:999999999'"):
        communes_in_scope(g, "epci:999999999")


def test_a_bare_code_as_scope_gets_a_suggestion(g: cm.PartnershipGraph) -> None:
    with pytest.raises(ValueError, match=r"did you mean 'epci:200066660'\?"):
        communes_in_scope(g, SF)


def test_a_contract_is_not_a_scope(g: cm.PartnershipGraph) -> None:
    with pytest.raises(
        ValueError, match=r"'contract:ctg-sf' is a 'contract' node, not a territory"
    ):
        territorial_coverage(g, "contract:ctg-sf", MID_2020)


# --- covering_contracts ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (date(2016, 12, 31), []),  # the day before ctg-sf starts
        (date(2017, 1, 1), ["contract:ctg-sf"]),  # its first day
        (date(2021, 12, 31), ["contract:ctg-sf"]),  # its last day
        (date(2022, 1, 1), []),  # the day after
    ],
)
def test_a_contract_covers_its_epcis_communes_from_first_to_last_day(
    g: cm.PartnershipGraph, on: date, expected: list[str]
) -> None:
    assert covering_contracts(g, "commune:15100", on) == expected


def test_a_basin_contract_covers_the_communes_it_includes_only(g: cm.PartnershipGraph) -> None:
    assert covering_contracts(g, "commune:71306", date(2019, 7, 1)) == ["contract:ctg-nord"]
    assert covering_contracts(g, "commune:71306", date(2019, 6, 30)) == []
    assert covering_contracts(g, "commune:71106", date(2019, 7, 1)) == ["contract:ccs-cu"]


def test_covering_contracts_are_sorted_and_filtered_by_kind(g: cm.PartnershipGraph) -> None:
    assert covering_contracts(g, "commune:71306", MID_2020) == [
        "contract:ctg-cu",
        "contract:ctg-nord",
    ]
    assert covering_contracts(g, "commune:71106", MID_2020, kinds=["ccs"]) == ["contract:ccs-cu"]
    assert covering_contracts(g, "commune:71106", MID_2020, kinds="ctg") == ["contract:ctg-cu"]
    assert covering_contracts(g, "commune:71106", MID_2020, kinds=[]) == []


def test_a_contract_missing_a_date_is_never_active() -> None:
    g = cm.new_graph()
    cm.add_commune(g, "15187", "Saint-Flour")
    cm.add_contract(g, "open-ended", "ctg", date(2017, 1, 1), None, ["commune:15187"])
    cm.add_contract(g, "no-start", "ctg", None, date(2030, 1, 1), ["commune:15187"])
    assert covering_contracts(g, "commune:15187", date(2020, 1, 1)) == []


def test_a_contract_reaching_a_commune_twice_is_listed_once() -> None:
    g = cm.new_graph()
    cm.add_epci(g, SF, "Saint-Flour Communauté")
    cm.add_commune(g, "15187", "Saint-Flour", epci=SF)
    cm.add_sub_territory(g, "centre", "Centre", ["15187"])
    cm.add_contract(
        g, "ctg", "ctg", date(2020, 1, 1), date(2020, 12, 31), [f"epci:{SF}", "commune:15187"]
    )
    g.add_edge("contract:ctg", "sub_territory:centre", rel="COVERS")
    assert covering_contracts(g, "commune:15187", MID_2020) == ["contract:ctg"]


def test_covering_contracts_of_an_unknown_commune_is_refused(g: cm.PartnershipGraph) -> None:
    with pytest.raises(ValueError, match=r"no node 'commune:99999'"):
        covering_contracts(g, "commune:99999", MID_2020)
    with pytest.raises(ValueError, match=r"'epci:200066660' is a 'epci' node, not a 'commune' one"):
        covering_contracts(g, f"epci:{SF}", MID_2020)


# --- territorial_coverage --------------------------------------------------------------


def test_coverage_of_france_counts_communes_and_population(g: cm.PartnershipGraph) -> None:
    report = territorial_coverage(g, None, MID_2020)
    # Active on 1 June 2020: ctg-sf, ctg-nord, ctg-cu, ccs-cu (cej-sf ended in 2016).
    assert report.scope is None
    assert report.on == MID_2020
    assert report.kinds is None
    assert (report.communes_total, report.communes_covered) == (6, 4)
    assert (report.population_total, report.population_covered) == (46000, 45600)
    assert report.share_communes == pytest.approx(4 / 6)
    assert report.share_population == pytest.approx(45600 / 46000)
    assert report.uncovered_communes == ("15120", "15999")
    assert report.uncovered_epcis == (PL,)


def test_each_commune_lists_its_contracts_and_territories(g: cm.PartnershipGraph) -> None:
    communes = territorial_coverage(g, None, MID_2020).communes
    assert [c.code for c in communes] == ["15100", "15120", "15187", "15999", "71106", "71306"]
    assert communes[5] == CommuneCoverage(
        commune="commune:71306",
        code="71306",
        name="Montceau",
        population=18000,
        departement="71",
        epci=CU,
        contracts=("ctg-cu", "ctg-nord"),
    )
    assert communes[5].covered
    nowhere = communes[3]
    assert (nowhere.epci, nowhere.departement, nowhere.covered) == (None, "15", False)
    assert communes[2].contracts == ("ctg-sf",)  # cej-sf is over by 2020


def test_coverage_by_epci_and_departement(g: cm.PartnershipGraph) -> None:
    report = territorial_coverage(g, None, MID_2020)
    # Nowhere (15999) has no EPCI: no EPCI row counts it, the Cantal row does.
    assert report.by_epci == (
        AreaCoverage(f"epci:{SF}", SF, "Saint-Flour Communauté", 2, 2, 7600, 7600, 1.0, 1.0),
        AreaCoverage(
            f"epci:{PL}",
            PL,
            "Pays Lointain",
            1,
            0,
            400,
            0,
            0.0,
            0.0,
            not_covered_communes=1,
            not_covered_population=400,
            share_communes_not_covered=1.0,
            share_population_not_covered=1.0,
        ),
        AreaCoverage(
            f"epci:{CU}", CU, "CU Le Creusot Montceau-les-Mines", 2, 2, 38000, 38000, 1.0, 1.0
        ),
    )
    cantal, saone = report.by_departement
    assert (cantal.area, cantal.communes, cantal.covered_communes) == ("departement:15", 4, 2)
    assert (cantal.population, cantal.covered_population) == (8000, 7600)
    assert cantal.share_communes == 0.5
    assert cantal.share_population == pytest.approx(7600 / 8000)
    assert (saone.code, saone.name, saone.communes, saone.covered_communes) == (
        "71",
        "Saône-et-Loire",
        2,
        2,
    )


def test_two_contracts_of_one_kind_overlap_two_of_different_kinds_do_not(
    g: cm.PartnershipGraph,
) -> None:
    report = territorial_coverage(g, None, MID_2020)
    # Montceau: ctg-cu and ctg-nord (both CTG); Le Creusot: ctg-cu and ccs-cu (not an overlap).
    assert report.overlaps == (Overlap("71306", "ctg", ("ctg-cu", "ctg-nord")),)
    # Before ctg-cu starts, Montceau has a single CTG.
    assert territorial_coverage(g, None, date(2019, 12, 31)).overlaps == ()


def test_an_epci_with_one_covered_commune_is_not_uncovered(g: cm.PartnershipGraph) -> None:
    report = territorial_coverage(g, None, date(2016, 6, 1))
    # Only cej-sf runs in mid-2016, on Saint-Flour alone: its EPCI is partly covered.
    assert report.uncovered_communes == ("15100", "15120", "15999", "71106", "71306")
    assert report.uncovered_epcis == (PL, CU)
    assert report.by_epci[0].share_communes == 0.5


def test_a_scope_reports_only_its_areas(g: cm.PartnershipGraph) -> None:
    report = territorial_coverage(g, f"epci:{CU}", MID_2020)
    assert report.scope == f"epci:{CU}"
    assert [c.code for c in report.communes] == ["71106", "71306"]
    assert [a.code for a in report.by_epci] == [CU]
    assert [a.code for a in report.by_departement] == ["71"]
    assert report.uncovered_epcis == ()


def test_a_membership_known_only_by_its_edge_counts_in_its_epci() -> None:
    g = cm.new_graph()
    cm.add_epci(g, SF, "Saint-Flour Communauté")
    cm.add_commune(g, "15187", "Saint-Flour", 6600)  # no epci attribute ...
    g.add_edge("commune:15187", f"epci:{SF}", rel="MEMBER_OF")  # ... but a MEMBER_OF edge
    cm.add_contract(g, "ctg-sf", "ctg", date(2017, 1, 1), date(2021, 12, 31), [f"epci:{SF}"])
    report = territorial_coverage(g, None, MID_2020)
    assert report.communes[0].epci == SF
    assert [(a.code, a.communes, a.covered_communes) for a in report.by_epci] == [(SF, 1, 1)]


def test_coverage_restricted_to_contract_kinds(g: cm.PartnershipGraph) -> None:
    report = territorial_coverage(g, None, date(2015, 6, 1), kinds=["cej", "cej"])
    assert report.kinds == ("cej",)
    assert report.communes_covered == 1
    assert report.population_covered == 6600
    assert [c.code for c in report.communes if c.covered] == ["15187"]
    ctg_only = territorial_coverage(g, None, MID_2020, kinds=["ctg"])
    assert ctg_only.kinds == ("ctg",)
    assert ctg_only.communes[4].contracts == ("ctg-cu",)  # Le Creusot without its CCS


def test_shares_are_zero_when_there_is_no_population(g: cm.PartnershipGraph) -> None:
    report = territorial_coverage(g, "commune:15999", MID_2020)
    assert (report.communes_total, report.population_total) == (1, 0)
    assert (report.share_communes, report.share_population) == (0.0, 0.0)

    covered_but_empty = cm.new_graph()
    cm.add_commune(covered_but_empty, "15999", "Nowhere", 0)
    cm.add_contract(
        covered_but_empty, "k", "ctg", date(2020, 1, 1), date(2020, 12, 31), ["commune:15999"]
    )
    report = territorial_coverage(covered_but_empty, None, MID_2020)
    assert (report.share_communes, report.share_population) == (1.0, 0.0)


def test_an_empty_scope_has_zero_shares() -> None:
    g = cm.new_graph()
    cm.add_sub_territory(g, "empty", "Empty basin", [])
    report = territorial_coverage(g, "sub_territory:empty", MID_2020)
    assert (report.communes_total, report.share_communes, report.share_population) == (0, 0, 0)
    assert (report.communes, report.by_epci, report.by_departement) == ((), (), ())


def test_coverage_of_an_unknown_scope_is_refused(g: cm.PartnershipGraph) -> None:
    with pytest.raises(ValueError, match="unknown scope 'region:99'"):
        territorial_coverage(g, "region:99", MID_2020)


# --- theme_coverage --------------------------------------------------------------------


def test_themes_per_commune_and_the_cnaf_minimum(g: cm.PartnershipGraph) -> None:
    report = theme_coverage(g, None, MID_2020)
    assert report.required == ("petite-enfance", "jeunesse", "parentalite")
    assert report.themes == (
        "enfance",
        "insertion",
        "jeunesse",
        "logement",
        "parentalite",
        "petite-enfance",
    )
    rows = {row.commune: row for row in report.rows}
    assert [row.commune for row in report.rows] == sorted(rows)
    assert rows["15100"].themes == ("jeunesse", "logement", "parentalite", "petite-enfance")
    assert rows["15100"].missing == ()
    # ctg-cu brings petite-enfance and parentalité, the CCS insertion: no jeunesse.
    assert rows["71106"].themes == ("insertion", "parentalite", "petite-enfance")
    assert rows["71106"].missing == ("jeunesse",)
    # ctg-nord brings jeunesse to Montceau only.
    assert rows["71306"].missing == ()
    assert rows["15120"].covered is False
    assert rows["15120"].missing == ("petite-enfance", "jeunesse", "parentalite")
    assert [gap.commune for gap in report.gaps] == ["15120", "15999", "71106"]


def test_themes_by_epci(g: cm.PartnershipGraph) -> None:
    assert theme_coverage(g, None, MID_2020).by_epci == (
        (SF, ("jeunesse", "logement", "parentalite", "petite-enfance")),
        (PL, ()),
        (CU, ("insertion", "jeunesse", "parentalite", "petite-enfance")),
    )


def test_themes_follow_the_date_the_kinds_and_the_required_list(g: cm.PartnershipGraph) -> None:
    in_2016 = {row.commune: row for row in theme_coverage(g, None, date(2016, 6, 1)).rows}
    assert in_2016["15187"].covered
    assert in_2016["15187"].themes == ("enfance",)
    assert in_2016["15187"].missing == ("petite-enfance", "jeunesse", "parentalite")

    ctg_only = theme_coverage(g, f"epci:{CU}", MID_2020, kinds=["ctg"])
    assert ctg_only.rows[0].themes == ("parentalite", "petite-enfance")

    housing = theme_coverage(g, f"epci:{CU}", MID_2020, required="logement")
    assert housing.required == ("logement",)
    assert [(row.commune, row.missing) for row in housing.gaps] == [
        ("71106", ("logement",)),
        ("71306", ("logement",)),
    ]


# --- continuity ------------------------------------------------------------------------


@pytest.fixture
def succession() -> cm.PartnershipGraph:
    g = cm.new_graph()
    cm.add_epci(g, SF, "Saint-Flour Communauté")
    for code in ("01001", "01002", "01003", "01004", "01005", "01006"):
        cm.add_commune(g, code, f"Commune {code}")
    cm.add_commune(g, "01007", "Commune 01007", epci=SF)
    cm.add_sub_territory(g, "bassin", "Bassin", ["01001"])

    def contract(key: str, kind: str, start: date | None, end: date | None, where: str) -> None:
        cm.add_contract(g, key, kind, start, end, [where])

    # 01001: the CTG (through a basin) starts the day after the CEJ ends.
    contract("cej-a", "cej", date(2016, 1, 1), date(2019, 12, 31), "commune:01001")
    contract("ctg-a", "ctg", date(2020, 1, 1), date(2024, 12, 31), "sub_territory:bassin")
    # 01002: 1 Jan - 29 Feb 2020 (60 days) without contract.
    contract("cej-b", "cej", date(2016, 1, 1), date(2019, 12, 31), "commune:01002")
    contract("ctg-b", "ctg", date(2020, 3, 1), date(2024, 12, 31), "commune:01002")
    # 01003: both run from 1 July to 31 Dec 2020 (184 days).
    contract("cej-c", "cej", date(2017, 1, 1), date(2020, 12, 31), "commune:01003")
    contract("ctg-c", "ctg", date(2020, 7, 1), date(2025, 6, 30), "commune:01003")
    # 01004: a CTG whose start is unknown.
    contract("cej-d", "cej", date(2016, 1, 1), date(2019, 12, 31), "commune:01004")
    contract("ctg-d", "ctg", None, date(2025, 12, 31), "commune:01004")
    # 01005: no CTG; 01006: a CTG but never a CEJ (no row).
    contract("cej-e", "cej", date(2016, 1, 1), date(2019, 12, 31), "commune:01005")
    contract("ctg-f", "ctg", date(2020, 1, 1), date(2024, 12, 31), "commune:01006")
    # 01007: two CEJs (the later through its EPCI) and three CTGs.
    contract("cej-g1", "cej", date(2012, 1, 1), date(2015, 12, 31), "commune:01007")
    contract("cej-g2", "cej", date(2016, 1, 1), date(2019, 6, 30), f"epci:{SF}")
    contract("ctg-g-late", "ctg", date(2021, 1, 1), date(2025, 12, 31), "commune:01007")
    contract("ctg-g-early", "ctg", date(2019, 7, 1), date(2020, 12, 31), "commune:01007")
    contract("ctg-g-undated", "ctg", None, None, "commune:01007")
    return g


def test_continuity_statuses(succession: cm.PartnershipGraph) -> None:
    rows = continuity(succession, None)
    assert [(r.commune, r.status, r.gap_days) for r in rows] == [
        ("01001", "continuous", 0),
        ("01002", "gap", 60),
        ("01003", "overlap", -184),
        ("01004", "undated", None),
        ("01005", "none", None),
        ("01007", "continuous", 0),
    ]


def test_continuity_rows_name_both_contracts(succession: cm.PartnershipGraph) -> None:
    rows = {r.commune: r for r in continuity(succession, None)}
    assert rows["01002"] == ContinuityRow(
        commune="01002",
        name="Commune 01002",
        predecessor="cej-b",
        predecessor_end=date(2019, 12, 31),
        successor="ctg-b",
        successor_start=date(2020, 3, 1),
        gap_days=60,
        status="gap",
        gap_days_min=60,  # day-precise dates: the range is one value
        gap_days_max=60,
    )
    assert (rows["01004"].successor, rows["01004"].successor_start) == ("ctg-d", None)
    assert (rows["01005"].successor, rows["01005"].successor_start) == (None, None)


def test_continuity_takes_the_last_predecessor_and_the_first_dated_successor(
    succession: cm.PartnershipGraph,
) -> None:
    row = continuity(succession, "commune:01007")[0]
    assert (row.predecessor, row.predecessor_end) == ("cej-g2", date(2019, 6, 30))
    assert (row.successor, row.successor_start) == ("ctg-g-early", date(2019, 7, 1))


def test_continuity_between_other_kinds_and_scopes(succession: cm.PartnershipGraph) -> None:
    cm.add_contract(succession, "ccs-f", "ccs", date(2015, 1, 1), date(2019, 12, 31), [])
    succession.add_edge("contract:ccs-f", "commune:01006", rel="COVERS")
    rows = continuity(succession, None, predecessor="ccs", successor="ctg")
    assert [(r.commune, r.predecessor, r.successor, r.status) for r in rows] == [
        ("01006", "ccs-f", "ctg-f", "continuous")
    ]
    assert [r.commune for r in continuity(succession, f"epci:{SF}")] == ["01007"]


def test_continuity_needs_two_kinds(succession: cm.PartnershipGraph) -> None:
    with pytest.raises(ValueError, match="different predecessor and successor"):
        continuity(succession, None, predecessor="ctg", successor="ctg")


# --- coverage_timeline -----------------------------------------------------------------


@pytest.fixture
def two_communes() -> cm.PartnershipGraph:
    g = cm.new_graph()
    cm.add_commune(g, "00001", "X", 100)
    cm.add_commune(g, "00002", "Y", 300)
    cm.add_contract(g, "k1", "ctg", date(2017, 1, 1), date(2020, 12, 31), ["commune:00001"])
    cm.add_contract(g, "k2", "cej", date(2015, 6, 1), date(2018, 5, 31), ["commune:00002"])
    cm.add_contract(g, "k3", "ctg", date(2018, 1, 1), date(2019, 12, 31), ["commune:00002"])
    return g


def test_timeline_by_year_across_contract_ends(two_communes: cm.PartnershipGraph) -> None:
    points = coverage_timeline(two_communes, None, date(2016, 1, 1), date(2022, 1, 1))
    assert [(p.on, p.communes_covered, p.population_covered) for p in points] == [
        (date(2016, 1, 1), 1, 300),  # Y by k2
        (date(2017, 1, 1), 2, 400),
        (date(2018, 1, 1), 2, 400),  # Y by k2 and k3 counts once
        (date(2019, 1, 1), 2, 400),
        (date(2020, 1, 1), 1, 100),  # k3 ended on 31 Dec 2019
        (date(2021, 1, 1), 0, 0),  # k1 ended on 31 Dec 2020
        (date(2022, 1, 1), 0, 0),
    ]
    assert {(p.communes_total, p.population_total) for p in points} == {(2, 400)}
    assert points[4].share_communes == 0.5
    assert points[4].share_population == 0.25


def test_timeline_counts_a_contracts_last_day(two_communes: cm.PartnershipGraph) -> None:
    points = coverage_timeline(
        two_communes, "commune:00001", date(2016, 12, 31), date(2021, 12, 31)
    )
    assert [(p.on.year, p.communes_covered) for p in points] == [
        (2016, 0),  # k1 starts the next day
        (2017, 1),
        (2018, 1),
        (2019, 1),
        (2020, 1),  # 31 Dec 2020, k1's last day
        (2021, 0),
    ]


def test_timeline_by_kind(two_communes: cm.PartnershipGraph) -> None:
    points = coverage_timeline(
        two_communes, None, date(2016, 1, 1), date(2018, 1, 1), kinds=["ctg"]
    )
    assert [p.communes_covered for p in points] == [0, 1, 2]


def test_timeline_steps_by_month_and_quarter(two_communes: cm.PartnershipGraph) -> None:
    months = coverage_timeline(two_communes, None, date(2020, 1, 31), date(2020, 4, 30), "month")
    assert [p.on for p in months] == [
        date(2020, 1, 31),
        date(2020, 2, 29),
        date(2020, 3, 31),
        date(2020, 4, 30),
    ]
    quarters = coverage_timeline(
        two_communes, None, date(2019, 10, 1), date(2020, 12, 31), "quarter"
    )
    assert [(p.on, p.communes_covered) for p in quarters] == [
        (date(2019, 10, 1), 2),
        (date(2020, 1, 1), 1),
        (date(2020, 4, 1), 1),
        (date(2020, 7, 1), 1),
        (date(2020, 10, 1), 1),
    ]


def test_timeline_agrees_with_coverage_on_each_date(g: cm.PartnershipGraph) -> None:
    for point in coverage_timeline(g, None, date(2012, 1, 1), date(2026, 1, 1), "quarter"):
        report = territorial_coverage(g, None, point.on)
        assert (point.communes_covered, point.population_covered) == (
            report.communes_covered,
            report.population_covered,
        ), point.on


def test_timeline_refuses_unknown_steps_and_reversed_dates(g: cm.PartnershipGraph) -> None:
    with pytest.raises(ValueError, match="unknown step 'week'"):
        coverage_timeline(g, None, date(2020, 1, 1), date(2021, 1, 1), "week")
    with pytest.raises(ValueError, match=r"starts \(2021-01-01\) after it ends \(2020-01-01\)"):
        coverage_timeline(g, None, date(2021, 1, 1), date(2020, 1, 1))


# --- partner networks ------------------------------------------------------------------


@pytest.fixture
def partners() -> cm.PartnershipGraph:
    """commune-a — caf — commune-b (a path), cpam = msa (two contracts), etat alone."""
    g = cm.new_graph()
    cm.add_departement(g, "15", "Cantal")
    cm.add_epci(g, SF, "Saint-Flour Communauté")
    cm.add_commune(g, "15187", "Saint-Flour", epci=SF, departement="15")
    cm.add_commune(g, "15100", "Neuvéglise", epci=SF, departement="15")
    cm.add_commune(g, "15014", "Aurillac", departement="15")
    cm.add_sub_territory(g, "bassin", "Bassin", ["15014"])
    cm.add_contract(g, "c1", "ctg", None, None, ["commune:15187"])
    cm.add_contract(g, "c2", "ctg", None, None, [f"epci:{SF}"])
    cm.add_contract(g, "c3", "cej", None, None, ["sub_territory:bassin"])
    cm.add_contract(g, "c4", "ccs", None, None, ["commune:15014"])
    cm.add_contract(g, "c5", "crte", None, None, ["departement:15"])
    cm.add_partner(g, "commune-a", "Commune A", "commune", signed=["c1"])
    cm.add_partner(g, "caf", "Caf du Cantal", "caf", signed=["c1", "c2"])
    cm.add_partner(g, "commune-b", "Commune B", "commune", signed=["c2"])
    cm.add_partner(g, "msa", "MSA", "msa", signed=["c3", "c4"])
    cm.add_partner(g, "cpam", "CPAM", "cpam", signed=["c3", "c4"])
    cm.add_partner(g, "etat", "État", "etat", signed=["c5"])
    return g


def test_contracts_in_scope_reach_communes_at_any_date(partners: cm.PartnershipGraph) -> None:
    assert contracts_in_scope(partners, "commune:15187") == ["contract:c1", "contract:c2"]
    assert contracts_in_scope(partners, "commune:15100") == ["contract:c2"]
    assert contracts_in_scope(partners, "commune:15014") == ["contract:c3", "contract:c4"]
    # c5 covers the département as a whole, which reaches no commune ...
    assert contracts_in_scope(partners, "departement:15") == [
        f"contract:c{i}" for i in (1, 2, 3, 4)
    ]
    # ... but France holds every contract.
    assert contracts_in_scope(partners, None) == [f"contract:c{i}" for i in (1, 2, 3, 4, 5)]


def test_bipartite_network_keeps_ids_attributes_and_roles(partners: cm.PartnershipGraph) -> None:
    partners.add_edge("partner:etat", "contract:c1", rel="SIGNED", role="prefet")
    b = bipartite_network(partners, "commune:15187")
    assert sorted((n, data["bipartite"]) for n, data in b.nodes(data=True)) == [
        ("contract:c1", 1),
        ("contract:c2", 1),
        ("partner:caf", 0),
        ("partner:commune-a", 0),
        ("partner:commune-b", 0),
        ("partner:etat", 0),
    ]
    assert b.number_of_edges() == 5
    assert b.nodes["partner:caf"]["label"] == "Caf du Cantal"
    assert b.nodes["contract:c1"]["contract_kind"] == "ctg"
    assert b.edges["partner:etat", "contract:c1"]["role"] == "prefet"


def test_partner_projection_weighs_shared_contracts(partners: cm.PartnershipGraph) -> None:
    p = partner_projection(partners)
    assert sorted(p.nodes) == [
        "partner:caf",
        "partner:commune-a",
        "partner:commune-b",
        "partner:cpam",
        "partner:etat",
        "partner:msa",
    ]
    assert p.edges["partner:cpam", "partner:msa"] == {
        "weight": 2,
        "contracts": ("c3", "c4"),
        "inferred_contracts": (),
    }
    assert p.edges["partner:caf", "partner:commune-a"] == {
        "weight": 1,
        "contracts": ("c1",),
        "inferred_contracts": (),
    }
    assert p.number_of_edges() == 3
    assert p.nodes["partner:msa"]["partner_kind"] == "msa"


def test_the_middle_of_a_path_is_the_broker(partners: cm.PartnershipGraph) -> None:
    report = partner_network(partners)
    assert report.contracts == ("c1", "c2", "c3", "c4", "c5")
    by_key = {p.partner: p for p in report.partners}
    caf = by_key["caf"]
    # 6 partners; caf lies on the only path of 1 of the 10 pairs: 1 / 10.
    assert caf.betweenness == pytest.approx(0.1)
    assert (caf.name, caf.partner_kind) == ("Caf du Cantal", "caf")
    assert (caf.contracts, caf.degree, caf.weighted_degree) == (2, 2, 2)
    assert caf.degree_centrality == pytest.approx(2 / 5)
    assert [p.partner for p in report.partners] == [
        "caf",
        "commune-a",
        "commune-b",
        "cpam",
        "etat",
        "msa",
    ]
    assert {p.betweenness for p in report.partners[1:]} == {0.0}
    msa = by_key["msa"]
    assert (msa.contracts, msa.degree, msa.weighted_degree) == (2, 1, 2)
    assert msa.degree_centrality == pytest.approx(1 / 5)
    etat = by_key["etat"]
    assert (etat.contracts, etat.degree, etat.weighted_degree, etat.degree_centrality) == (
        1,
        0,
        0,
        0.0,
    )


def test_separate_components_and_links(partners: cm.PartnershipGraph) -> None:
    report = partner_network(partners)
    assert report.components == (("caf", "commune-a", "commune-b"), ("cpam", "msa"), ("etat",))
    assert {p.partner: p.component for p in report.partners} == {
        "caf": 0,
        "commune-a": 0,
        "commune-b": 0,
        "cpam": 1,
        "msa": 1,
        "etat": 2,
    }
    assert report.links == (
        PartnerLink("caf", "commune-a", 1, ("c1",)),
        PartnerLink("caf", "commune-b", 1, ("c2",)),
        PartnerLink("cpam", "msa", 2, ("c3", "c4")),
    )


def test_components_are_listed_largest_first_then_by_first_key() -> None:
    g = cm.new_graph()
    for key, signatories in {
        "k1": ["a-alone"],
        "k2": ["z1", "z2", "z3"],
        "k3": ["m1", "m2"],
        "k4": ["b1", "b2"],
    }.items():
        cm.add_contract(g, key, "ctg", None, None)
        for partner in signatories:
            if f"partner:{partner}" not in g:
                cm.add_partner(g, partner, partner)
            g.add_edge(f"partner:{partner}", f"contract:{key}", rel="SIGNED")
    report = partner_network(g)
    assert report.components == (("z1", "z2", "z3"), ("b1", "b2"), ("m1", "m2"), ("a-alone",))
    assert {p.partner: p.component for p in report.partners}["a-alone"] == 3


def test_a_scoped_network_keeps_the_contracts_of_the_scope(partners: cm.PartnershipGraph) -> None:
    report = partner_network(partners, "commune:15100")
    assert report.scope == "commune:15100"
    assert report.contracts == ("c2",)
    assert [p.partner for p in report.partners] == ["caf", "commune-b"]
    assert [p.degree_centrality for p in report.partners] == [1.0, 1.0]
    assert report.components == (("caf", "commune-b"),)


def test_a_lone_partner_is_central_to_nothing() -> None:
    g = cm.new_graph()
    cm.add_contract(g, "c", "ctg", None, None)
    cm.add_partner(g, "caf", "Caf", signed=["c"])
    (caf,) = partner_network(g).partners
    assert (caf.degree, caf.degree_centrality, caf.betweenness, caf.component) == (0, 0.0, 0.0, 0)


def test_common_partners() -> None:
    g = cm.new_graph()
    cm.add_commune(g, "15187", "Saint-Flour")
    cm.add_commune(g, "15014", "Aurillac")
    cm.add_contract(g, "c1", "ctg", None, None, ["commune:15187"])
    cm.add_contract(g, "c2", "ctg", None, None, ["commune:15014"])
    cm.add_contract(g, "c3", "ctg", None, None, ["commune:15014"])
    cm.add_partner(g, "a", "A", signed=["c1"])
    cm.add_partner(g, "caf", "Caf", signed=["c1", "c2"])
    cm.add_partner(g, "dep", "Département", signed=["c1"])  # signed with a, never with b
    cm.add_partner(g, "b", "B", signed=["c2", "c3"])
    cm.add_partner(g, "msa", "MSA", signed=["c1", "c3"])
    assert common_partners(g, "a", "b") == ("caf", "msa")
    assert common_partners(g, "partner:a", "partner:b") == ("caf", "msa")
    assert common_partners(g, "caf", "msa") == ("a", "b", "dep")
    # Within Aurillac only c2 and c3 count: a signed neither.
    assert common_partners(g, "a", "b", scope="commune:15014") == ()
    with pytest.raises(ValueError, match="unknown partner 'nobody'"):
        common_partners(g, "a", "nobody")


# --- three-valued coverage, at every precision boundary -----------------------------------

Y, M, D = "year", "month", None  # precisions as the graph stores them (None: a day)


def _one_commune(**contract: object) -> cm.PartnershipGraph:
    g = cm.new_graph()
    cm.add_commune(g, "15187", "Saint-Flour", 6600)
    cm.add_contract(g, "ctg", "ctg", covers=["commune:15187"], **contract)  # type: ignore[arg-type]
    return g


def _status_on(g: cm.PartnershipGraph, *days: date) -> list[str]:
    return [territorial_coverage(g, None, day).communes[0].status.value for day in days]


def test_a_period_starting_in_2017_is_unknown_all_that_year_until_its_last_day() -> None:
    # « 2017 » as a start: stored as 2017-01-01 at year precision; it may have begun on
    # any day of 2017, so it has certainly begun only on 2017-12-31 (bounds inclusive).
    g = _one_commune(start=date(2017, 1, 1), start_precision=Y, end=date(2020, 12, 31))
    assert _status_on(
        g, date(2016, 12, 31), date(2017, 1, 1), date(2017, 6, 1), date(2017, 12, 30)
    ) == ["not-covered", "unknown", "unknown", "unknown"]
    assert (
        _status_on(g, date(2017, 12, 31), date(2018, 1, 1), date(2020, 12, 31)) == ["covered"] * 3
    )
    assert _status_on(g, date(2021, 1, 1)) == ["not-covered"]


def test_an_end_known_to_the_year_or_the_month_is_unknown_inside_it() -> None:
    # « 2017–2020 »: the end is stored as 2020-12-31 (its latest day) at year precision
    g = _one_commune(
        start=date(2017, 1, 1), start_precision=Y, end=date(2020, 12, 31), end_precision=Y
    )
    assert _status_on(g, date(2020, 1, 1), date(2020, 1, 2), date(2020, 12, 31)) == [
        "covered",
        "unknown",
        "unknown",
    ]
    assert _status_on(g, date(2021, 1, 1)) == ["not-covered"]
    month = _one_commune(start=date(2018, 1, 1), start_precision=M, end=date(2019, 12, 31))
    assert _status_on(month, date(2017, 12, 31), date(2018, 1, 1), date(2018, 1, 30)) == [
        "not-covered",
        "unknown",
        "unknown",
    ]
    assert _status_on(month, date(2018, 1, 31)) == ["covered"]


def test_missing_and_open_ends() -> None:
    no_start = _one_commune(start=None, end=date(2020, 12, 31))
    assert _status_on(no_start, date(2019, 6, 1), date(2021, 1, 1)) == ["unknown", "not-covered"]
    no_end = _one_commune(start=date(2021, 1, 1), end=None)  # not said open: end unknown
    assert _status_on(no_end, date(2020, 12, 31), date(2021, 1, 1), date(2030, 1, 1)) == [
        "not-covered",
        "unknown",
        "unknown",
    ]
    ongoing = _one_commune(start=date(2021, 1, 1), end=None, end_open=True)
    assert _status_on(ongoing, date(2021, 1, 1), date(2030, 1, 1)) == ["covered", "covered"]
    assert _status_on(_one_commune(start=None, end=None), date(2019, 6, 1)) == ["unknown"]


def test_coverage_counts_and_shares_each_status(g: cm.PartnershipGraph) -> None:
    # ctg-nord reaches Montceau through the basin, ctg-cu through the CU: take ctg-nord's
    # start away and move ctg-cu out of the date, so that Montceau rests on an undated CTG.
    g.nodes["contract:ctg-nord"]["start"] = None
    g.nodes["contract:ctg-cu"]["start"] = date(2022, 1, 1)
    g.nodes["contract:ctg-cu"]["end"] = date(2025, 12, 31)
    report = territorial_coverage(g, None, MID_2020)
    by_code = {c.code: c for c in report.communes}
    montceau = by_code["71306"]
    assert (montceau.status, montceau.contracts, montceau.possible_contracts) == (
        CoverageStatus.UNKNOWN,
        (),
        ("ctg-nord",),
    )
    assert montceau.covered is False
    assert report.unknown_communes == ("71306",)
    assert (report.communes_covered, report.communes_unknown, report.communes_not_covered) == (
        3,  # Neuvéglise, Saint-Flour (ctg-sf), Le Creusot (ccs-cu)
        1,
        2,  # Lonely, Nowhere
    )
    assert report.population_unknown == 18000
    assert report.share_population_unknown == pytest.approx(18000 / 46000)
    assert report.share_communes_unknown == pytest.approx(1 / 6)
    assert report.uncovered_communes == ("15120", "15999")  # unknown is not "not covered"
    cu = next(a for a in report.by_epci if a.code == CU)
    assert (cu.covered_communes, cu.unknown_communes, cu.not_covered_communes) == (1, 1, 0)
    assert PL in report.uncovered_epcis
    assert CU not in report.unknown_epcis


# --- stated facts only, or all --------------------------------------------------------------


@pytest.fixture
def inferred() -> cm.PartnershipGraph:
    """A basin whose membership is partly inferred, an inferred covers link, an inferred
    contract and an inferred end, all active (or not) mid-2020:

    =======  ====================================  ===========  ================
    commune  reached by                            all facts    stated only
    =======  ====================================  ===========  ================
    71001    ctg-basin (stated membership)         covered      covered
    71002    ctg-basin (inferred membership)       covered      not covered
    71003    plui (inferred covers link)           covered      not covered
    71004    cej-guess (inferred contract)         covered      not covered
    71005    cej-end (end inferred: 2019-12-31)    not covered  unknown
    71006    ctg-basin (stated) + plui (inferred)  covered      covered
    =======  ====================================  ===========  ================
    """
    g = cm.new_graph()
    for code in ("71001", "71002", "71003", "71004", "71005", "71006"):
        cm.add_commune(g, code, f"Commune {code}", 100)
    cm.add_sub_territory(
        g, "basin", "Basin", ["71001", "71002", "71006"], inferred_communes={"71002"}
    )
    cm.add_contract(g, "ctg-basin", "ctg", date(2019, 1, 1), date(2022, 12, 31),
                    ["sub_territory:basin"])  # fmt: skip
    cm.add_contract(g, "plui", "plui-h", date(2019, 1, 1), date(2030, 12, 31),
                    ["commune:71003", "commune:71006"],
                    inferred_covers={"commune:71003", "commune:71006"})  # fmt: skip
    cm.add_contract(g, "cej-guess", "cej", date(2016, 1, 1), date(2021, 12, 31),
                    ["commune:71004"], certainty="inferred")  # fmt: skip
    cm.add_contract(g, "cej-end", "cej", date(2016, 1, 1), date(2019, 12, 31),
                    ["commune:71005"], inferred_fields={"end"})  # fmt: skip
    return g


def test_stated_only_and_all_differ_exactly_by_the_inferred_facts(
    inferred: cm.PartnershipGraph,
) -> None:
    every = territorial_coverage(inferred, None, MID_2020)
    stated = territorial_coverage(inferred, None, MID_2020, certainty=CertaintyFilter.STATED_ONLY)
    status = {c.code: c.status.value for c in every.communes}
    stated_status = {c.code: c.status.value for c in stated.communes}
    assert status == {"71001": "covered", "71002": "covered", "71003": "covered",
                      "71004": "covered", "71005": "not-covered", "71006": "covered"}  # fmt: skip
    assert stated_status == {"71001": "covered", "71002": "not-covered",
                             "71003": "not-covered", "71004": "not-covered",
                             "71005": "unknown", "71006": "covered"}  # fmt: skip
    assert every.inferred_communes == stated.inferred_communes == (
        "71002", "71003", "71004", "71005",
    )  # fmt: skip
    rows = {c.code: c for c in every.communes}
    assert rows["71002"].inferred_contracts == ("ctg-basin",)
    assert rows["71006"].contracts == ("ctg-basin", "plui")
    assert rows["71006"].inferred_contracts == ("plui",)  # covered either way: not resting
    assert rows["71006"].rests_on_inferred is False
    assert rows["71001"].inferred_contracts == ()
    assert all(c.inferred_contracts == () for c in stated.communes)
    assert {c.code: c.contracts for c in stated.communes}["71006"] == ("ctg-basin",)
    assert (every.communes_covered, stated.communes_covered) == (5, 2)


def test_themes_and_gaps_in_both_readings(inferred: cm.PartnershipGraph) -> None:
    cm.add_action(inferred, "creche", "ctg-basin", themes=["petite-enfance", "jeunesse"],
                  inferred_themes={"jeunesse"})  # fmt: skip
    cm.add_action(inferred, "lieu-parents", "ctg-basin", themes=["parentalite"])
    every = theme_coverage(inferred, None, MID_2020)
    stated = theme_coverage(inferred, None, MID_2020, certainty=CertaintyFilter.STATED_ONLY)
    row = {r.commune: r for r in every.rows}["71001"]
    stated_row = {r.commune: r for r in stated.rows}["71001"]
    assert (row.themes, row.missing, row.gap) == (
        ("jeunesse", "parentalite", "petite-enfance"), (), GapStatus.NO_GAP,
    )  # fmt: skip
    assert (stated_row.themes, stated_row.missing, stated_row.gap) == (
        ("parentalite", "petite-enfance"), ("jeunesse",), GapStatus.GAP,
    )  # fmt: skip
    assert row.rests_on_inferred
    assert stated_row.rests_on_inferred
    # 71005: not covered in "all"; on stated facts its CEJ may still run (coverage
    # unknown), but it addresses no theme: a gap either way, resting on nothing inferred
    assert {r.commune: r.status for r in stated.rows}["71005"] is CoverageStatus.UNKNOWN
    assert {r.commune: r.gap for r in stated.rows}["71005"] is GapStatus.GAP
    assert "71001" in every.inferred_communes
    assert "71005" not in every.inferred_communes


def test_the_timeline_counts_unknown_and_inferred_communes(inferred: cm.PartnershipGraph) -> None:
    points = coverage_timeline(inferred, None, date(2019, 6, 1), date(2020, 6, 1))
    assert [(p.communes_covered, p.communes_unknown, p.communes_inferred) for p in points] == [
        (6, 0, 4),  # 71002-71004, and 71005: covered only until an inferred end
        (5, 0, 4),  # 71005's inferred end is past; on stated facts its end is unknown
    ]
    stated = coverage_timeline(
        inferred, None, date(2019, 6, 1), date(2020, 6, 1),
        certainty=CertaintyFilter.STATED_ONLY,
    )  # fmt: skip
    assert [(p.communes_covered, p.communes_unknown) for p in stated] == [(2, 1), (2, 1)]


def test_continuity_with_imprecise_or_inferred_dates() -> None:
    g = cm.new_graph()
    cm.add_commune(g, "71040", "Blanzy")
    cm.add_contract(g, "cej", "cej", None, date(2020, 12, 31), ["commune:71040"],
                    inferred_fields={"end"})  # fmt: skip
    cm.add_contract(g, "ctg", "ctg", date(2021, 1, 1), date(2025, 12, 31), ["commune:71040"],
                    start_precision=Y)  # fmt: skip
    (row,) = continuity(g, None)
    assert (row.status, row.gap_days, row.gap_days_min, row.gap_days_max) == (
        "imprecise", None, 0, 364,
    )  # fmt: skip
    assert row.rests_on_inferred  # on stated facts the CEJ's end is unknown: undated
    (stated,) = continuity(g, None, certainty=CertaintyFilter.STATED_ONLY)
    assert (stated.status, stated.predecessor_end) == ("undated", None)


def test_the_network_on_stated_facts_drops_inferred_signatures() -> None:
    g = cm.new_graph()
    cm.add_contract(g, "c1", "ctg", None, None)
    cm.add_partner(g, "caf", "Caf", signed=["c1"])
    cm.add_partner(g, "commune", "Commune", signed=["c1"], inferred_signed={"c1"})
    (link,) = partner_network(g).links
    assert (link.contracts, link.inferred_contracts) == (("c1",), ("c1",))
    stated = partner_network(g, certainty=CertaintyFilter.STATED_ONLY)
    assert (stated.links, [p.partner for p in stated.partners]) == ((), ["caf"])


def test_the_projection_reads_certainties_and_date_precisions_with_defaults() -> None:
    from analyses.projection import build
    from domain.scopes import Scope

    rows: dict[str, list[list[object]]] = {
        name: [] for name in ("epcis", "departements", "regions", "partners")
    }
    rows |= {
        "communes": [["71040", "Blanzy", 6000, None, None, None],
                     ["71153", "Le Creusot", 22000, None, None, None]],
        "subTerritories": [["nord", "Bassin nord", None, ["71153"], ["71153"]]],
        # the newer columns: precisions, open end, certainty, inferred fields
        "contracts": [["ctg", "ctg", "CTG", None, date(2017, 1, 1), date(2020, 12, 31), None,
                       "year", "year", False, "stated", ["end"]],
                      # an older row: day precision, not open, stated
                      ["cej", "cej", "CEJ", None, date(2016, 1, 1), date(2019, 12, 31), None]],
        "covers": [["ctg", "sub_territory", "nord", False], ["cej", "commune", "71040", True]],
        "actions": [],
    }  # fmt: skip
    g = build(rows, Scope(None))
    ctg = g.nodes["contract:ctg"]
    assert (ctg["start_precision"], ctg["inferred_fields"]) == ("year", frozenset({"end"}))
    assert g.nodes["contract:cej"]["start_precision"] is None
    assert g.edges["sub_territory:nord", "commune:71153", 0]["certainty"] == "inferred"
    assert g.edges["contract:cej", "commune:71040", 0]["certainty"] == "inferred"
    report = territorial_coverage(g, None, date(2017, 6, 1))
    assert [(c.code, c.status.value, c.rests_on_inferred) for c in report.communes] == [
        ("71040", "covered", True),  # through an inferred covers link
        ("71153", "unknown", True),  # begun some day of 2017; through an inferred basin
    ]
