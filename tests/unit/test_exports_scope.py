"""Exports that neither leak nor flatten: only the scope (and its context on request),
coverage only on territories, codes that keep their leading zeros, and a GEXF timeline
whose contracts and links carry their periods and properties."""

from __future__ import annotations

import datetime
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from analyses.exports import ExportFormat, export_graph
from analyses.exports.csv_tables import text_cell
from analyses.exports.scoped import scope_subgraph, with_facts
from analyses.model import (
    PartnershipGraph,
    add_action,
    add_commune,
    add_contract,
    add_departement,
    add_epci,
    add_partner,
    add_region,
    new_graph,
    node_id,
)

GEXF = "{http://gexf.net/1.3}"
GRAPHML = "{http://graphml.graphdrawing.org/xmlns}"
AIN, CANTAL = node_id("departement", "01"), node_id("departement", "15")
BOURG = node_id("commune", "01053")
AMBERIEU = node_id("commune", "01004")
AURILLAC = node_id("commune", "15014")
CA_BOURG = node_id("epci", "200071751")
CTG = node_id("contract", "ctg-bourg-2020")
CEJ = node_id("contract", "cej-bourg")
PLAN = node_id("contract", "plan-ain")
CAF = node_id("partner", "caf-01")
D = datetime.date


@pytest.fixture
def france() -> PartnershipGraph:
    """Two régions, two départements (the Ain with its leading zero), an EPCI of two
    communes, a CTG known to the year with an open end, a CEJ with an unknown end, a plan
    covering the whole Ain, and the CAF that signed the CTG in two roles."""
    g = new_graph()
    add_region(g, "84", "Auvergne-Rhône-Alpes")
    add_region(g, "27", "Bourgogne-Franche-Comté")
    add_departement(g, "01", "Ain", region="84")
    add_departement(g, "15", "Cantal", region="84")
    add_departement(g, "71", "Saône-et-Loire", region="27")
    add_epci(g, "200071751", "CA du Bassin de Bourg-en-Bresse", population=130_000)
    add_commune(g, "01053", "Bourg-en-Bresse", 41_000, "01", "84", "200071751")
    add_commune(g, "01004", "Ambérieu-en-Bugey", 14_000, "01", "84", "200071751")
    add_commune(g, "15014", "Aurillac", 25_000, "15", "84")
    add_contract(g, "ctg-bourg-2020", "ctg", D(2020, 1, 1), None, [CA_BOURG], "CTG du Bassin")
    add_contract(g, "cej-bourg", "cej", D(2015, 1, 1), None, [BOURG])
    add_contract(g, "plan-ain", "other", None, None, [AIN], "Schéma départemental")
    add_action(g, "fa-1", "ctg-bourg-2020", ["jeunesse"], "Accueil jeunes", 1)
    add_partner(g, "caf-01", "CAF de l'Ain", "caf", signed=["ctg-bourg-2020"] * 2)
    return g


FACTS: dict[str, list[list[Any]]] = {
    "contracts": [
        # key, start, start latest, precision, end, end earliest, precision, open,
        # signed on, precision, certainty, reason, sources
        ["ctg-bourg-2020", D(2020, 1, 1), D(2020, 12, 31), "year", None, None, None, True,
         D(2020, 3, 1), "month", "stated", None, ["article-2021"]],
        ["cej-bourg", D(2015, 1, 1), D(2015, 1, 1), None, None, None, None, None,
         None, None, "inferred", "only its start is written", ["article-2021"]],
    ],
    "links": [
        ["SIGNED", "partner", "caf-01", "contract", "ctg-bourg-2020", "signataire",
         D(2020, 3, 12), "stated", None, "article-2021", []],
        ["SIGNED", "partner", "caf-01", "contract", "ctg-bourg-2020", "financeur",
         None, "inferred", "a CAF funds the CTG it signs", "article-2021", ["role: usual"]],
        ["COVERS", "contract", "ctg-bourg-2020", "epci", "200071751", None, None,
         "stated", None, "article-2021", []],
    ],
}  # fmt: skip


def export(g: PartnershipGraph, folder: Path, fmt: ExportFormat) -> list[Path]:
    return export_graph(g, folder / f"ain.{fmt}", fmt)


def kinds_of(g: PartnershipGraph, kind: str) -> set[str]:
    return {n for n, data in g.nodes(data=True) if data.get("kind") == kind}


# --- what an export holds --------------------------------------------------------------


def test_a_departement_export_holds_no_other_departement_or_region(
    france: PartnershipGraph,
) -> None:
    kept = scope_subgraph(france, AIN)

    assert kinds_of(kept, "departement") == {AIN}
    assert kinds_of(kept, "region") == set()
    assert kinds_of(kept, "commune") == {BOURG, AMBERIEU}
    assert {CTG, CEJ, PLAN, CAF, CA_BOURG, node_id("action", "fa-1")} <= set(kept)
    assert AURILLAC not in kept
    # nothing left floating: every node is linked to the rest
    assert nx.number_weakly_connected_components(kept) == 1


def test_context_adds_the_territories_containing_the_scope(france: PartnershipGraph) -> None:
    kept = scope_subgraph(france, AIN, context=True)

    assert kinds_of(kept, "region") == {node_id("region", "84")}
    assert kinds_of(kept, "departement") == {AIN}  # the Cantal is a sibling, not context
    assert kept.nodes[node_id("region", "84")]["in_scope"] is False
    assert kept.nodes[AIN]["in_scope"] is True


def test_a_contract_covering_a_wider_territory_keeps_its_link(france: PartnershipGraph) -> None:
    kept = scope_subgraph(france, CA_BOURG)

    # the plan covers the whole Ain: the Ain stays, marked as outside the EPCI
    assert AIN in kept
    assert kept.nodes[AIN]["in_scope"] is False
    assert kept.has_edge(PLAN, AIN)
    assert kinds_of(kept, "region") == set()


def test_a_communes_epci_is_its_context(france: PartnershipGraph) -> None:
    alone = scope_subgraph(france, AMBERIEU)
    # nothing covers Ambérieu itself; the CTG covers its EPCI, so the EPCI stays linked
    assert set(alone) >= {AMBERIEU, CTG, CA_BOURG}
    assert alone.nodes[CA_BOURG]["in_scope"] is False
    assert kinds_of(alone, "departement") == {AIN}  # the plan covers the Ain
    # (this graph is not projected for Ambérieu: its CEJ covering Bourg is kept, and so is
    # the commune it covers, outside the scope)
    assert alone.nodes[BOURG]["in_scope"] is False

    with_context = scope_subgraph(france, BOURG, context=True)
    assert with_context.nodes[CA_BOURG]["in_scope"] is False
    assert with_context.nodes[node_id("region", "84")]["in_scope"] is False
    assert AMBERIEU not in with_context


def test_in_scope_is_only_on_territories(france: PartnershipGraph) -> None:
    kept = scope_subgraph(france, AIN)

    for n, data in kept.nodes(data=True):
        is_territory = data["kind"] not in ("contract", "action", "theme", "partner")
        assert ("in_scope" in data) is is_territory, n


def test_france_keeps_everything(france: PartnershipGraph) -> None:
    kept = scope_subgraph(france, None)

    assert set(kept) == set(france)
    assert kept.number_of_edges() == france.number_of_edges()


# --- dates and link properties ---------------------------------------------------------


def test_facts_give_contracts_their_known_dates_and_links_their_properties(
    france: PartnershipGraph,
) -> None:
    g = with_facts(scope_subgraph(france, AIN), FACTS)

    ctg = g.nodes[CTG]
    assert (ctg["start"], ctg["start_latest"], ctg["start_precision"]) == (
        D(2020, 1, 1), D(2020, 12, 31), "year",
    )  # fmt: skip
    assert (ctg["end"], ctg["end_open"], ctg["end_known"]) == (None, True, True)
    assert (ctg["signed_on"], ctg["signed_on_precision"]) == (D(2020, 3, 1), "month")
    cej = g.nodes[CEJ]
    assert (cej["end"], cej["end_open"], cej["end_known"]) == (None, False, False)
    assert cej["start_precision"] == "day"
    signed = sorted(
        (data["role"], data["signed_on"], data["certainty"], data["reason"])
        for _, _, data in g.edges(CAF, data=True)
    )
    assert signed == [
        ("financeur", None, "inferred", "a CAF funds the CTG it signs"),
        ("signataire", D(2020, 3, 12), "stated", None),
    ]
    assert g.edges[CTG, CA_BOURG, 0]["sources"] == ["article-2021"]


# --- GEXF: a timeline ------------------------------------------------------------------


def gexf_graph(path: Path) -> ET.Element:
    graph = ET.parse(path).getroot().find(f"{GEXF}graph")  # noqa: S314 - just written
    assert graph is not None
    return graph


def test_gexf_is_dynamic_with_spells_for_contracts_and_their_links(
    france: PartnershipGraph, tmp_path: Path
) -> None:
    [path] = export(with_facts(scope_subgraph(france, AIN), FACTS), tmp_path, "gexf")
    graph = gexf_graph(path)

    assert (graph.get("mode"), graph.get("timeformat")) == ("dynamic", "date")
    spells = {
        element.get("id"): [dict(s.attrib) for s in element.iterfind(f"{GEXF}spells/{GEXF}spell")]
        for element in graph.iterfind(f"{GEXF}nodes/{GEXF}node")
    }
    # an open end is no invented day: the spell runs on from its start
    assert spells[CTG] == [{"start": "2020-01-01"}]
    assert spells[CEJ] == [{"start": "2015-01-01"}]
    assert spells[PLAN] == []  # no date at all: no spell
    assert spells[BOURG] == []
    edges = graph.findall(f"{GEXF}edges/{GEXF}edge")
    linked = [e for e in edges if CTG in (e.get("source"), e.get("target"))]
    assert linked
    assert all(
        [dict(s.attrib) for s in e.iterfind(f"{GEXF}spells/{GEXF}spell")]
        == [{"start": "2020-01-01"}]
        for e in linked
    )

    back = nx.read_gexf(path)
    assert back.nodes[CTG]["end_open"] is True
    assert back.nodes[CEJ]["end_known"] is False
    assert back.nodes[CTG]["start_precision"] == "year"
    assert back.nodes[CTG]["start_latest"] == "2020-12-31"
    assert "start" not in back.nodes[CTG]  # the dates are the spell's, typed as dates
    assert back.nodes[CTG]["spells"][0][0] == "2020-01-01"


@pytest.mark.skipif(
    not (os.environ.get("CTG_GEXF_XSD") and shutil.which("xmllint")),
    reason="set CTG_GEXF_XSD to the official GEXF 1.3 gexf.xsd (specs/1.3 of gephi/gexf, with "
    "its viz.xsd and dynamics.xsd beside it) and install xmllint",
)
def test_gexf_validates_against_the_official_13_schema(
    france: PartnershipGraph, tmp_path: Path
) -> None:
    [path] = export(with_facts(scope_subgraph(france, AIN, context=True), FACTS), tmp_path, "gexf")
    result = subprocess.run(
        ["xmllint", "--noout", "--schema", os.environ["CTG_GEXF_XSD"], str(path)],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "validates" in result.stderr


def test_gexf_edges_carry_role_signing_day_certainty_and_source(
    france: PartnershipGraph, tmp_path: Path
) -> None:
    [path] = export(with_facts(scope_subgraph(france, AIN), FACTS), tmp_path, "gexf")
    graph = gexf_graph(path)
    declared = {
        a.get("title"): a.get("type")
        for a in graph.iterfind(f"{GEXF}attributes[@class='edge']/{GEXF}attribute")
    }
    assert {name: declared.get(name) for name in ("role", "signed_on", "certainty")} == {
        "role": "string", "signed_on": "string", "certainty": "string",
    }  # fmt: skip
    assert declared["reason"] == declared["sources"] == "string"

    back = nx.read_gexf(path)
    signatures = sorted(
        (d["role"], d.get("signed_on"), d["certainty"]) for _, _, d in back.edges(CAF, data=True)
    )
    assert signatures == [("financeur", None, "inferred"), ("signataire", "2020-03-12", "stated")]


def test_gexf_declares_codes_as_strings_that_keep_their_zeros(
    france: PartnershipGraph, tmp_path: Path
) -> None:
    [path] = export(scope_subgraph(france, AIN), tmp_path, "gexf")
    graph = gexf_graph(path)
    declared = {
        a.get("title"): a.get("type")
        for a in graph.iterfind(f"{GEXF}attributes[@class='node']/{GEXF}attribute")
    }
    assert declared["code"] == declared["departement"] == declared["region"] == "string"

    back = nx.read_gexf(path)
    assert back.nodes[BOURG]["code"] == "01053"
    assert back.nodes[BOURG]["departement"] == "01"
    assert back.nodes[AIN]["code"] == "01"


# --- GraphML and CSV: the same where the format allows ---------------------------------


def test_graphml_has_typed_dates_codes_and_edge_properties(
    france: PartnershipGraph, tmp_path: Path
) -> None:
    [path] = export(with_facts(scope_subgraph(france, AIN), FACTS), tmp_path, "graphml")
    back = nx.read_graphml(path)

    assert back.nodes[BOURG]["code"] == "01053"
    assert back.nodes[CTG]["start"] == "2020-01-01"
    assert "end" not in back.nodes[CTG]
    assert (back.nodes[CTG]["end_open"], back.nodes[CEJ]["end_known"]) == (True, False)
    assert sorted(d["role"] for _, _, d in back.edges(CAF, data=True)) == [
        "financeur", "signataire",
    ]  # fmt: skip
    assert "covered" not in back.nodes[CAF]


def test_csv_codes_stay_text_in_gephis_spreadsheet_import(
    france: PartnershipGraph, tmp_path: Path
) -> None:
    nodes_path, edges_path = export(with_facts(scope_subgraph(france, AIN), FACTS), tmp_path, "csv")
    text = nodes_path.read_text(encoding="utf-8")

    assert "'01053" in text
    assert "'01004" in text
    row = next(line for line in text.splitlines() if line.startswith(f"{BOURG},"))
    assert ",'01," in row  # the département code too
    assert ",41000," in row  # a number stays a number
    assert "2020-01-01" in text  # dates are not numbers: left as they are
    # the period as Gephi's spreadsheet import reads a time interval; an open end infinite
    header, *rows = text.splitlines()
    assert header.endswith(",timeset")
    ctg = next(line for line in rows if line.startswith(f"{CTG},"))
    assert ctg.endswith(',"<[2020-01-01, Infinity]>"')
    assert next(line for line in rows if line.startswith(f"{PLAN},")).endswith(",")
    edges = edges_path.read_text(encoding="utf-8")
    assert edges.splitlines()[0].endswith(",timeset")
    assert "signataire" in edges
    assert "2020-03-12" in edges


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ("01001", "'01001"),
        ("2A", "2A"),
        ("1e3", "'1e3"),
        ("3.5", "'3.5"),
        ("-7", "'-7"),
        ("12d", "'12d"),
        ("Infinity", "'Infinity"),
        ("ctg-2017", "ctg-2017"),
        ("2017-01-01", "2017-01-01"),
        ("", ""),
    ],
)
def test_a_text_cell_gephi_would_read_as_a_number_gets_the_text_mark(
    cell: str, written: str
) -> None:
    assert text_cell(cell) == written
