"""A reload never deletes curated facts silently (docs/reliability.md, "Reloads").

400 curated partners each sign a contract through the curation store (the API's write
path, stamped with the curator and the time); the dataset file then drops the contract.
Before the fix, the reload deleted the 400 signatures and left the 400 partners unlinked,
exit 0. Now the load is refused, names them, and writes nothing; ``--keep-curated`` and
``--drop-curated`` say what was dropped.
"""

from __future__ import annotations

import time
from pathlib import Path

import anyio
from neo4j import Driver

from graph import curation_store as store
from graph.partnership_store import CuratedFacts, DatasetWriteSummary, EdgeRow, NodeRow
from graph.reader import GraphReader
from graph.settings import Neo4jConnection
from loaders.pipeline import load_partnerships, load_reference, read_partnerships
from loaders.reference import read_reference
from tests.conftest import (
    AMENDMENT_DATASET,
    EXAMPLE_DATASET,
    REFERENCE_EXTRACT,
    graph_snapshot,
    run_ctg,
)
from tests.reliability.conftest import record_figures

DB = "neo4j"
SIGNATURES = 400
REFERENCE = read_reference(REFERENCE_EXTRACT, ["15"])


def apply(connection: Neo4jConnection, change: store.Change) -> None:
    """Write ``change`` as the API does, with time for 800 writes on a busy machine."""

    async def go() -> None:
        reader = GraphReader.open(connection, timeout=300)
        try:
            await reader.writer().write(lambda tx: store.apply_change(tx, change))
        finally:
            await reader.close()

    anyio.run(go)


def _counts(driver: Driver) -> dict[str, int]:
    records, _, _ = driver.execute_query(
        "CALL () { MATCH ()-[s:SIGNED {dataset: 'curation'}]->() RETURN count(s) AS signatures }"
        " CALL () { MATCH (p:Partner {dataset: 'curation'}) RETURN count(p) AS partners }"
        " RETURN signatures, partners"
    )
    return {"signatures": records[0]["signatures"], "partners": records[0]["partners"]}


def test_a_reload_dropping_a_contract_with_400_curated_signatures(
    empty_graph: Driver, neo4j_connection: Neo4jConnection, tmp_path: Path
) -> None:
    amendment = tmp_path / "amendment.yaml"
    amendment.write_text(AMENDMENT_DATASET, encoding="utf-8")
    load_reference(empty_graph, DB, REFERENCE)

    def reload(curated: CuratedFacts = CuratedFacts.REFUSE) -> DatasetWriteSummary:
        partnerships = read_partnerships([EXAMPLE_DATASET, amendment], REFERENCE)
        load = load_partnerships(empty_graph, DB, partnerships, curated=curated)
        return next(s for s in load.summaries if s.key == "autre-jeu")

    reload()
    apply(
        neo4j_connection,
        store.Change(
            by="reliability",
            create_nodes=[
                NodeRow("Partner", f"signataire-{i}", {"name": f"Signataire {i}"})
                for i in range(SIGNATURES)
            ],
            create_edges=[
                EdgeRow(
                    "SIGNED",
                    "Partner",
                    f"signataire-{i}",
                    "Contract",
                    "avenant-salers",
                    {"role": "partenaire"},
                )
                for i in range(SIGNATURES)
            ],
        ),
    )
    curated = _counts(empty_graph)
    amendment.write_text(AMENDMENT_DATASET[: AMENDMENT_DATASET.index("contracts:")])
    before = graph_snapshot(empty_graph)

    refused = run_ctg("load", "partnerships", str(EXAMPLE_DATASET), str(amendment),
                      connection=neo4j_connection)  # fmt: skip
    listed = sum(1 for line in refused.stderr.splitlines() if "(curated by reliability" in line)
    unchanged = graph_snapshot(empty_graph) == before
    after_refusal = _counts(empty_graph)

    started = time.perf_counter()
    kept_summary = reload(CuratedFacts.KEEP)
    keep_seconds = time.perf_counter() - started
    after_keep = _counts(empty_graph)

    # the contract again, its signatures again, then the drop
    amendment.write_text(AMENDMENT_DATASET, encoding="utf-8")
    reload()
    apply(
        neo4j_connection,
        store.Change(
            by="reliability",
            create_edges=[
                EdgeRow(
                    "SIGNED",
                    "Partner",
                    f"signataire-{i}",
                    "Contract",
                    "avenant-salers",
                    {"role": "partenaire"},
                )
                for i in range(SIGNATURES)
            ],
        ),
    )
    amendment.write_text(AMENDMENT_DATASET[: AMENDMENT_DATASET.index("contracts:")])
    drop_summary = reload(CuratedFacts.DROP)
    after_drop = _counts(empty_graph)

    record_figures(
        "reload_curated",
        {
            "curated_before": curated,
            "before_fix": "402 signatures deleted and 502 partners orphaned silently, exit 0 "
            "(the probe of issue 17)",
            "refusal_exit_code": refused.returncode,
            "refusal_lines_listing_facts": listed,
            "refusal_says_how_many_more": "… and 790 more" in refused.stderr,
            "graph_unchanged_after_refusal": unchanged,
            "after_refusal": after_refusal,
            "keep_curated": {
                "dropped": len(kept_summary.curated_dropped),
                "kept_with_no_link": len(kept_summary.curated_detached),
                "after": after_keep,
                "seconds": round(keep_seconds, 2),
            },
            "drop_curated": {
                "dropped": len(drop_summary.curated_dropped),
                "after": after_drop,
            },
        },
    )
    assert curated == {"signatures": SIGNATURES, "partners": SIGNATURES}
    assert refused.returncode == 1
    assert "400 curated relationship(s)" in refused.stderr
    assert "400 curated node(s) would be left with no link" in refused.stderr
    assert "… and 790 more" in refused.stderr
    assert unchanged
    assert after_refusal == curated
    assert len(kept_summary.curated_dropped) == SIGNATURES
    assert len(kept_summary.curated_detached) == SIGNATURES
    assert after_keep == {"signatures": 0, "partners": SIGNATURES}
    assert len(drop_summary.curated_dropped) == 2 * SIGNATURES
    assert after_drop == {"signatures": 0, "partners": 0}
