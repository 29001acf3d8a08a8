"""`ctg export` on the seeds, as a researcher opening the files in Gephi finds them: the
scope and what links to it (its context only on request), codes that keep their zeros, a
GEXF timeline with the contracts' periods, and the links' role, day and certainty."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from neo4j import Driver

from domain.resources import PROJECT_ROOT
from graph.settings import Neo4jConnection
from tests.conftest import load_seed_graph, run_ctg

GEXF = "{http://gexf.net/1.3}"
CTG = "contract:ctg-saint-flour-2017"
RESULTS = PROJECT_ROOT / "test-output" / "reliability"


@pytest.fixture(scope="module")
def seeded(driver: Driver, neo4j_connection: Neo4jConnection) -> Neo4jConnection:
    load_seed_graph(driver, neo4j_connection.database)
    return neo4j_connection


def exported(
    connection: Neo4jConnection, folder: Path, scope: str, fmt: str, *options: str
) -> tuple[list[Path], str]:
    target = folder / f"scope-{scope}{'-context' if '--context' in options else ''}.{fmt}"
    result = run_ctg("export", "--scope", scope, "--format", fmt, "--output", str(target),
                     *options, connection=connection)  # fmt: skip
    assert result.returncode == 0, result.stderr
    if fmt == "csv":
        return [folder / f"{target.stem}-nodes.csv", folder / f"{target.stem}-edges.csv"], (
            result.stderr
        )
    return [target], result.stderr


def kinds(g: Any) -> Counter[str]:
    return Counter(str(data["kind"]) for _, data in g.nodes(data=True))


def test_a_departement_export_holds_only_the_scope_unless_context_is_asked(
    seeded: Neo4jConnection, tmp_path: Path
) -> None:
    figures: dict[str, Any] = {}
    for scope, departement in (("15", "departement:15"), ("71", "departement:71")):
        for options in ((), ("--context",)):
            [path], message = exported(seeded, tmp_path, scope, "gexf", *options)
            g: nx.DiGraph[str] = nx.read_gexf(path)  # type: ignore[assignment]
            territories = {
                n for n, d in g.nodes(data=True) if d["kind"] in ("departement", "region")
            }
            if options:
                assert departement in territories
                assert {n for n in territories if n.startswith("region:")} == {
                    "region:84" if scope == "15" else "region:27"
                }
                assert "--context adds" not in message
            else:
                assert territories == {departement}, territories
                assert "--context adds" in message
            figures[f"--scope {scope} {' '.join(options)}".strip()] = {
                "nodes": g.number_of_nodes(),
                "edges": g.number_of_edges(),
                "weakly_connected_components": nx.number_weakly_connected_components(g),
                "by_kind": dict(sorted(kinds(g).items())),
            }
            assert nx.number_weakly_connected_components(g) == 1
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "exports.json").write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    print(f"\nexports: {json.dumps(figures)}")


def test_the_gexf_is_a_timeline_with_the_links_properties(
    seeded: Neo4jConnection, tmp_path: Path
) -> None:
    [path], _ = exported(seeded, tmp_path, "15", "gexf")
    graph = ET.parse(path).getroot().find(f"{GEXF}graph")  # noqa: S314 - just written
    assert graph is not None
    assert (graph.get("mode"), graph.get("timeformat")) == ("dynamic", "date")

    g = nx.read_gexf(path)
    assert g.nodes[CTG]["spells"] == [("2017-01-01", "2020-12-31")]
    assert g.nodes[CTG]["signed_on"] == "2018-01-19"
    signatures = [d for u, v, d in g.edges(data=True) if v == CTG and d["rel"] == "SIGNED"]
    assert signatures
    assert all(d["role"] == "signataire" and d["signed_on"] == "2018-01-19" for d in signatures)
    assert all(d["certainty"] and d["spells"] == [("2017-01-01", "2020-12-31")] for d in signatures)
    covers = [d for u, _, d in g.edges(data=True) if u == CTG and d["rel"] == "COVERS"]
    assert covers
    assert all("certainty" in d for d in covers)
    cej = [d for u, _, d in g.edges(data=True) if u == "contract:cej-saint-flour"
           and d["rel"] == "COVERS"]  # fmt: skip
    assert [d["certainty"] for d in cej] == ["inferred"]
    assert "inferred" in cej[0]["reason"]
    # coverage means something for communes only; the code is text
    assert all("covered" not in d for _, d in g.nodes(data=True))
    assert g.nodes["commune:15187"]["code"] == "15187"


def test_the_csv_keeps_codes_as_text_and_coverage_on_communes_only(
    seeded: Neo4jConnection, tmp_path: Path
) -> None:
    [nodes, _], _ = exported(seeded, tmp_path, "15", "csv", "--on", "2019-06-01")
    rows = nodes.read_text(encoding="utf-8").splitlines()
    header = rows[0].split(",")
    by_id = {row.split(",", 1)[0]: row.split(",") for row in rows[1:]}
    column = {name: header.index(name) for name in ("code", "covered", "departement")}

    saint_flour = by_id["commune:15187"]
    assert saint_flour[column["code"]] == "'15187"
    assert saint_flour[column["departement"]] == "'15"
    assert saint_flour[column["covered"]] == "true"
    assert by_id["partner:caf-15"][column["covered"]] == ""
    assert by_id["departement:15"][column["code"]] == "'15"


def test_an_epcis_departement_and_region_come_with_context_only(
    seeded: Neo4jConnection, tmp_path: Path
) -> None:
    [alone], _ = exported(seeded, tmp_path, "200066660", "graphml")
    [wider], _ = exported(seeded, tmp_path, "200066660", "graphml", "--context")
    g, h = nx.read_graphml(alone), nx.read_graphml(wider)

    assert kinds(g)["commune"] == 53
    assert not kinds(g)["departement"]
    assert not kinds(g)["region"]
    assert (kinds(h)["departement"], kinds(h)["region"]) == (1, 1)
    assert h.nodes["departement:15"]["in_scope"] is False
    assert h.nodes["epci:200066660"]["in_scope"] is True
