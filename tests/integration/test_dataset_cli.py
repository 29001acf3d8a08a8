"""`ctg validate` and `ctg load partnerships` as a researcher runs them."""

from __future__ import annotations

from pathlib import Path

from neo4j import Driver

from graph.reference_store import graph_counts
from graph.settings import Neo4jConnection
from tests.conftest import AMENDMENT_DATASET, EXAMPLE_DATASET, REFERENCE_EXTRACT, run_ctg

EXAMPLE = EXAMPLE_DATASET


def test_validate_lists_every_problem_with_its_line_and_fails(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        EXAMPLE.read_text(encoding="utf-8")
        .replace("themes: [parentalite]", "themes: [parentalité]")
        .replace("lead: cc-pays-de-salers", "lead: cc-salers"),
        encoding="utf-8",
    )
    result = run_ctg("validate", str(broken))
    assert result.returncode == 1
    output = " ".join(result.stderr.split())
    assert "2 problem(s)" in output
    assert f"{broken}:" in output
    assert "did you mean 'parentalite'?" in output
    assert "did you mean cc-pays-de-salers?" in output


def test_validate_accepts_the_seeds() -> None:
    result = run_ctg("validate")
    assert result.returncode == 0, result.stderr
    assert "saint-flour-ctg-2017: valid" in " ".join(result.stderr.split())


def test_load_partnerships_writes_then_recognises_an_unchanged_dataset(
    empty_graph: Driver, neo4j_connection: Neo4jConnection
) -> None:
    reference = run_ctg("load", "reference", "--departements", "15", "--data-dir",
                    str(REFERENCE_EXTRACT), connection=neo4j_connection)  # fmt: skip
    assert reference.returncode == 0, reference.stderr
    first = run_ctg("load", "partnerships", str(EXAMPLE), connection=neo4j_connection)
    assert first.returncode == 0, first.stderr
    assert "(loaded;" in " ".join(first.stderr.split())
    counts = graph_counts(empty_graph, "neo4j")
    assert counts["Contract"] == 2
    second = run_ctg("load", "partnerships", str(EXAMPLE), connection=neo4j_connection)
    assert "unchanged, nothing written" in " ".join(second.stderr.split())
    assert graph_counts(empty_graph, "neo4j") == counts


def test_load_partnerships_writes_a_dataset_after_the_one_it_links_to(
    empty_graph: Driver, neo4j_connection: Neo4jConnection, tmp_path: Path
) -> None:
    # "autre-jeu" sorts before "exemple-…" but amends one of its contracts
    amendment = tmp_path / "amendment.yaml"
    amendment.write_text(AMENDMENT_DATASET, encoding="utf-8")
    reference = run_ctg("load", "reference", "--departements", "15", "--data-dir",
                    str(REFERENCE_EXTRACT), connection=neo4j_connection)  # fmt: skip
    assert reference.returncode == 0, reference.stderr
    result = run_ctg(
        "load", "partnerships", str(amendment), str(EXAMPLE), connection=neo4j_connection
    )
    assert result.returncode == 0, result.stderr
    records, _, _ = empty_graph.execute_query(
        "MATCH (:Contract {key: 'avenant-salers'})-[:AMENDS]->(c:Contract) RETURN c.key AS key"
    )
    assert [r["key"] for r in records] == ["ctg-pays-de-salers-2022"]


def test_load_refuses_an_end_before_its_start_at_year_precision_and_writes_nothing(
    empty_graph: Driver, neo4j_connection: Neo4jConnection, tmp_path: Path
) -> None:
    reference = run_ctg("load", "reference", "--departements", "15", "--data-dir",
                        str(REFERENCE_EXTRACT), connection=neo4j_connection)  # fmt: skip
    assert reference.returncode == 0, reference.stderr
    counts = graph_counts(empty_graph, "neo4j")
    broken = tmp_path / "broken.yaml"
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        "    start: 2016-01-01\n    end: 2019-12-31\n", "    start: 2016\n    end: 2015\n"
    )
    broken.write_text(text, encoding="utf-8")
    result = run_ctg("load", "partnerships", str(broken), connection=neo4j_connection)
    assert result.returncode == 1
    output = " ".join(result.stderr.split())
    line = next(i for i, t in enumerate(text.splitlines(), 1) if t == "    end: 2015")
    assert (
        f"{broken}:{line}: contracts[0].end: the end 2015 is before the start 2016; write an "
        "end on or after the start, or swap them" in output
    ), output
    assert "nothing was written" in output
    assert "Traceback" not in result.stderr
    assert graph_counts(empty_graph, "neo4j") == counts
