"""Reloads never lose curated facts silently, and a dataset key has one folder.

Curators add facts through the API's own code path (:mod:`loaders.curation`); then a
dataset file drops the contract they signed. ``ctg load partnerships`` refuses and lists
them, writing nothing; ``--keep-curated`` and ``--drop-curated`` do what
docs/decisions.md says. A dataset already loaded from another folder is refused unless
``--replace``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import anyio
import pytest
import yaml
from neo4j import Driver

from domain.errors import InputError
from graph import curation_store as store
from graph.curated_reads import curated_rows
from graph.partnership_store import CuratedFacts, CuratedFactsAtRisk, DatasetFolderConflict
from graph.reader import GraphReader
from graph.settings import Neo4jConnection
from loaders import curation
from loaders.curated_fragment import curated_fragment
from loaders.datasets import TerritoryIndex, Vocabularies, read_datasets
from loaders.pipeline import (
    PartnershipLoad,
    load_partnerships,
    load_reference,
    read_partnerships,
)
from loaders.reference import read_reference
from schema import schema
from schema.context import Context
from tests.conftest import (
    AMENDMENT_DATASET,
    EXAMPLE_DATASET,
    REFERENCE_EXTRACT,
    graph_snapshot,
    run_ctg,
)

DB = "neo4j"
REFERENCE = read_reference(REFERENCE_EXTRACT, ["15"])
#: The amendment dataset once its file no longer has its contract.
WITHOUT_CONTRACT = AMENDMENT_DATASET[: AMENDMENT_DATASET.index("contracts:")]


def curate(connection: Neo4jConnection, *plans: curation.Plan, by: str = "camille") -> None:
    """Apply ``plans`` as the API's mutations do: each planned and written in one
    transaction."""

    async def go() -> None:
        reader = GraphReader.open(connection)
        try:
            curator = curation.Curator(
                by, await curation.territory_index(reader), Vocabularies.load()
            )

            for plan in plans:

                async def work(tx: store.Transaction, plan: curation.Plan = plan) -> Any:
                    return await store.apply_change(tx, await plan(tx, curator))

                await reader.writer().write(work)
        finally:
            await reader.close()

    anyio.run(go)


FACT = {"source": "exemple-article", "certainty": "stated"}


@pytest.fixture
def curated_graph(empty_graph: Driver, neo4j_connection: Neo4jConnection, tmp_path: Path) -> Path:
    """The worked example and the amendment dataset (in ``tmp_path/datasets``), with a
    curated partner whose only link is its signature on the amendment's contract, and a
    curated signature of the example's Caf on it; the amendment's file path."""
    folder = tmp_path / "datasets"
    folder.mkdir()
    amendment = folder / "amendment.yaml"
    amendment.write_text(AMENDMENT_DATASET, encoding="utf-8")
    load_reference(empty_graph, DB, REFERENCE)
    load_partnerships(empty_graph, DB, read_partnerships([EXAMPLE_DATASET, amendment], REFERENCE))
    curate(
        neo4j_connection,
        curation.create_partner(
            {"key": "mutuelle-cantal", "kind": "other", "name": "Mutuelle"}, FACT
        ),
        curation.add_signatory(
            "avenant-salers", {"partner": "mutuelle-cantal", "role": "co-signataire"}, FACT
        ),
        curation.add_signatory("avenant-salers", {"partner": "caf-15"}, FACT),
    )
    amendment.write_text(WITHOUT_CONTRACT, encoding="utf-8")
    return amendment


def curated_signatures(driver: Driver) -> list[str]:
    records, _, _ = driver.execute_query(
        "MATCH (p:Partner)-[s:SIGNED {dataset: 'curation'}]->(c:Contract) "
        "RETURN p.key + ' ' + c.key AS s ORDER BY s"
    )
    return [r["s"] for r in records]


def partner_exists(driver: Driver, key: str) -> bool:
    records, _, _ = driver.execute_query(
        "RETURN EXISTS { (:Partner {key: $key}) } AS found", key=key
    )
    return bool(records[0]["found"])


def test_a_reload_that_would_delete_curated_facts_is_refused_and_lists_them(
    curated_graph: Path, empty_graph: Driver, neo4j_connection: Neo4jConnection
) -> None:
    before = graph_snapshot(empty_graph)
    result = run_ctg("load", "partnerships", str(curated_graph), connection=neo4j_connection)
    assert result.returncode == 1
    output = " ".join(result.stderr.split())
    assert "nothing was written" in output
    assert "Dataset 'autre-jeu': 2 curated relationship(s)" in output
    assert "1 curated node(s) would be left with no link" in output
    assert (
        "SIGNED Partner mutuelle-cantal → Contract avenant-salers (curated by camille at" in output
    )
    assert "SIGNED Partner caf-15 → Contract avenant-salers" in output
    assert "Partner mutuelle-cantal (curated by camille" in output
    assert "ctg export curated" in output
    assert "--keep-curated" in output
    assert "--drop-curated" in output
    assert "Traceback" not in result.stderr
    assert graph_snapshot(empty_graph) == before


def reload(driver: Driver, path: Path, **options: Any) -> PartnershipLoad:
    """Load ``path`` (with the worked example it links to) as ``ctg load`` does."""
    return load_partnerships(
        driver, DB, read_partnerships([EXAMPLE_DATASET, path], REFERENCE), **options
    )


def test_keep_curated_keeps_the_curated_partner_and_lists_the_dropped_signatures(
    curated_graph: Path, empty_graph: Driver, neo4j_connection: Neo4jConnection
) -> None:
    result = run_ctg(
        "load", "partnerships", "--keep-curated", str(EXAMPLE_DATASET), str(curated_graph),
        connection=neo4j_connection,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    output = " ".join(result.stderr.split())
    assert "2 curated fact(s) dropped" in output
    assert "SIGNED Partner mutuelle-cantal → Contract avenant-salers" in output
    assert "1 curated fact(s) kept with no link: Partner mutuelle-cantal" in output
    assert curated_signatures(empty_graph) == []
    assert partner_exists(empty_graph, "mutuelle-cantal")
    # the next reload has nothing to say: nothing of it is at risk any more
    assert reload(empty_graph, curated_graph).changed == ()


def test_drop_curated_drops_the_signatures_and_the_partner_they_leave_unlinked(
    curated_graph: Path, empty_graph: Driver
) -> None:
    summary = {s.key: s for s in reload(empty_graph, curated_graph, curated=CuratedFacts.DROP)
               .summaries}["autre-jeu"]  # fmt: skip
    assert sorted(map(str, summary.curated_dropped))[0].startswith(
        "Partner mutuelle-cantal (curated by camille at 20"
    )
    assert [f.kind for f in summary.curated_dropped] == ["relationship"] * 2 + ["node"]
    assert summary.curated_detached == ()
    assert curated_signatures(empty_graph) == []
    assert not partner_exists(empty_graph, "mutuelle-cantal")
    assert partner_exists(empty_graph, "caf-15")


def test_curated_nodes_still_linked_to_each_other_are_not_orphans(
    curated_graph: Path, empty_graph: Driver, neo4j_connection: Neo4jConnection
) -> None:
    # a curated funding paid by the curated partner: the partner loses its signature but
    # keeps that link, so only the signatures are at risk, and even --drop-curated keeps it
    curate(
        neo4j_connection,
        curation.create_funding({"key": "don-mutuelle", "payer": "mutuelle-cantal"}, FACT),
    )
    with pytest.raises(CuratedFactsAtRisk) as refused:
        reload(empty_graph, curated_graph)
    assert "2 curated relationship(s)" in str(refused.value)
    assert "0 curated node(s) would be left with no link" in str(refused.value)
    dropped = {s.key: s for s in reload(empty_graph, curated_graph, curated=CuratedFacts.DROP)
               .summaries}["autre-jeu"]  # fmt: skip
    assert [f.kind for f in dropped.curated_dropped] == ["relationship"] * 2
    records, _, _ = empty_graph.execute_query(
        "MATCH (:Funding {key: 'don-mutuelle'})-[:PAID_BY]->(p) RETURN p.key AS p"
    )
    assert [r["p"] for r in records] == ["mutuelle-cantal"]


def test_curated_facts_on_kept_facts_are_not_at_risk(
    curated_graph: Path, empty_graph: Driver
) -> None:
    # the file changes but keeps its contract: the curated signatures stay, no refusal
    curated_graph.write_text(AMENDMENT_DATASET.replace("title: Avenant", "title: Avenant 1"))
    assert reload(empty_graph, curated_graph).changed == ("autre-jeu",)
    assert curated_signatures(empty_graph) == [
        "caf-15 avenant-salers",
        "mutuelle-cantal avenant-salers",
    ]


def test_both_options_at_once_are_refused(neo4j_connection: Neo4jConnection) -> None:
    result = run_ctg(
        "load", "partnerships", "--keep-curated", "--drop-curated", connection=neo4j_connection
    )
    assert result.returncode == 1
    assert "pick one" in result.stderr


def test_a_dataset_key_from_another_folder_is_refused_unless_replace(
    empty_graph: Driver, neo4j_connection: Neo4jConnection, tmp_path: Path
) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    for folder in (first, second):
        folder.mkdir()
        (folder / "example.yaml").write_text(EXAMPLE_DATASET.read_text(encoding="utf-8"))
    (second / "example.yaml").write_text(
        EXAMPLE_DATASET.read_text(encoding="utf-8").replace("Bassin est", "Bassin de l'est")
    )
    (tmp_path / "copy").mkdir()
    (tmp_path / "copy" / "example.yaml").write_bytes((first / "example.yaml").read_bytes())
    load_reference(empty_graph, DB, REFERENCE)
    load_partnerships(empty_graph, DB, read_partnerships([first], REFERENCE))
    before = graph_snapshot(empty_graph)
    # the same facts from another folder replace nothing: unchanged, and it keeps its folder
    same = run_ctg("load", "partnerships", str(tmp_path / "copy"), connection=neo4j_connection)
    assert same.returncode == 0, same.stderr
    assert "unchanged, nothing written" in " ".join(same.stderr.split())
    assert graph_snapshot(empty_graph) == before
    refused = run_ctg("load", "partnerships", str(second), connection=neo4j_connection)
    assert refused.returncode == 1
    output = " ".join(refused.stderr.split())
    assert f"exemple-ctg-pays-de-salers: in the graph from {first.resolve()}, now from " in output
    assert str(second.resolve()) in output
    assert "--replace" in output
    assert "nothing was written" in output
    assert graph_snapshot(empty_graph) == before
    with pytest.raises(DatasetFolderConflict):
        load_partnerships(empty_graph, DB, read_partnerships([second], REFERENCE))
    load_partnerships(empty_graph, DB, read_partnerships([second], REFERENCE), replace=True)
    records, _, _ = empty_graph.execute_query(
        "MATCH (d:Dataset {key: 'exemple-ctg-pays-de-salers'}) "
        "MATCH (s:SubTerritory {key: 'salers-bassin-est'}) RETURN d.folder AS folder, "
        "d.paths AS paths, s.name AS name"
    )
    assert records[0]["folder"] == str(second.resolve())
    assert records[0]["paths"] == [str((second / "example.yaml").resolve())]
    assert records[0]["name"] == "Bassin de l'est"
    # from its own folder again: no --replace needed
    again = load_partnerships(empty_graph, DB, read_partnerships([second], REFERENCE))
    assert again.unchanged == ("exemple-ctg-pays-de-salers",)


def test_one_dataset_key_in_two_folders_of_one_load_is_refused(
    empty_graph: Driver, neo4j_connection: Neo4jConnection, tmp_path: Path
) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    text = EXAMPLE_DATASET.read_text(encoding="utf-8")
    head = text[: text.index("\nsources:")]
    for folder in (first, second):
        folder.mkdir()
    # two halves of one dataset, each valid and mergeable, but in two folders
    (first / "a.yaml").write_text(text)
    (second / "b.yaml").write_text(head + "\n")
    load_reference(empty_graph, DB, REFERENCE)
    before = graph_snapshot(empty_graph)
    with pytest.raises(InputError) as refused:
        load_partnerships(empty_graph, DB, read_partnerships([first, second], REFERENCE))
    output = " ".join(str(refused.value).split())
    assert "'exemple-ctg-pays-de-salers' has files in 2 folders" in output
    assert str((first / "a.yaml").resolve()) in output
    assert str((second / "b.yaml").resolve()) in output
    assert graph_snapshot(empty_graph) == before


def run_graphql(connection: Neo4jConnection, query: str) -> dict[str, Any]:
    async def go() -> dict[str, Any]:
        reader = GraphReader.open(connection)
        try:
            result = await schema.execute(query, context_value=Context.create(reader))
        finally:
            await reader.close()
        assert result.errors is None, result.errors
        assert result.data is not None
        return result.data

    return anyio.run(go)


def pasted_into_amendment(text: str) -> dict[str, Any]:
    """The amendment dataset with the exported partners and the signatures commented
    under its contract pasted in, as a curator would."""
    fragment = yaml.safe_load(text)
    dataset: dict[str, Any] = yaml.safe_load(AMENDMENT_DATASET)
    dataset["partners"].extend(fragment["partners"])
    block = text.split("# dataset autre-jeu, contracts: entry avenant-salers\n")[1]
    lines = block.split("\n# dataset")[0].splitlines()
    additions = yaml.safe_load("\n".join(line.removeprefix("#   ") for line in lines))
    dataset["contracts"][0]["signatories"].extend(additions["signatories"])
    return dataset


def test_curated_facts_export_as_a_fragment_that_validates_with_the_datasets(
    curated_graph: Path, empty_graph: Driver, neo4j_connection: Neo4jConnection, tmp_path: Path
) -> None:
    curate(
        neo4j_connection,
        curation.create_funding(
            {"key": "don-mutuelle", "payer": "mutuelle-cantal", "amount": 1500, "year": 2023},
            {**FACT, "certainty": "inferred", "reason": "Le montant est arrondi."},
        ),
        curation.tag_action("ctg-pays-de-salers-2022-fa-1", "inclusion-numerique", FACT),
    )
    exported = tmp_path / "curated.yaml"
    result = run_ctg("export", "curated", "--output", str(exported), connection=neo4j_connection)
    assert result.returncode == 0, result.stderr
    # the partner, its funding and its payer link; the two signatures and the theme
    assert "Exported 6 curated fact(s)" in result.stderr
    assert "3 of them links on entries of dataset files" in result.stderr
    text = exported.read_text(encoding="utf-8")
    assert "reason: Le montant est arrondi." in text
    assert "# dataset autre-jeu, contracts: entry avenant-salers" in text
    assert "#   - partner: mutuelle-cantal" in text
    # the API answers the same fragment
    data = run_graphql(neo4j_connection, "{ curatedFacts { yaml count additions } }")
    assert data["curatedFacts"]["count"] == 6
    assert data["curatedFacts"]["additions"] == 3
    assert data["curatedFacts"]["yaml"] == text
    # valid with the files it refers to, as a dataset of its own…
    curated_graph.write_text(AMENDMENT_DATASET, encoding="utf-8")
    index = TerritoryIndex.from_reference(REFERENCE)
    keys = [d.key for d in read_datasets([EXAMPLE_DATASET, curated_graph, exported], index)]
    assert keys == ["autre-jeu", "curated-facts", "exemple-ctg-pays-de-salers"]
    # …and pasted into a dataset file: its entries and its commented links uncommented
    dataset = pasted_into_amendment(text)
    dataset["fundings"] = yaml.safe_load(text)["fundings"]
    pasted = tmp_path / "pasted.yaml"
    pasted.write_text(yaml.safe_dump(dataset, allow_unicode=True), encoding="utf-8")
    (merged,) = [d for d in read_datasets([EXAMPLE_DATASET, pasted], index) if d.key == "autre-jeu"]
    signed = {s.partner for s in merged.content.contracts[0].signatories}
    assert signed == {"msa-auvergne", "mutuelle-cantal", "caf-15"}
    assert merged.content.fundings[0].certainty.value == "inferred"


def test_facts_moved_into_the_file_are_taken_over_with_adopt_curated(
    curated_graph: Path, empty_graph: Driver
) -> None:
    text = curated_fragment(curated_rows(empty_graph, DB)).text
    curated_graph.write_text(
        yaml.safe_dump(pasted_into_amendment(text), allow_unicode=True), encoding="utf-8"
    )
    before = graph_snapshot(empty_graph)
    with pytest.raises(InputError, match="load it with --adopt-curated; nothing was written"):
        reload(empty_graph, curated_graph)
    assert graph_snapshot(empty_graph) == before
    # the partner, its two signatures and its source link: the file states them all now
    (summary,) = [s for s in reload(empty_graph, curated_graph, adopt=True).summaries
                  if s.key == "autre-jeu"]  # fmt: skip
    assert sorted(f.kind for f in summary.curated_adopted) == ["node"] + ["relationship"] * 3
    assert curated_signatures(empty_graph) == []
    records, _, _ = empty_graph.execute_query(
        "MATCH (p:Partner)-[s:SIGNED]->(:Contract {key: 'avenant-salers'}) "
        "RETURN p.key AS partner, p.dataset AS owner, s.dataset AS signature, s.role AS role "
        "ORDER BY partner"
    )
    assert [(r["partner"], r["signature"]) for r in records] == [
        ("caf-15", "autre-jeu"),
        ("msa-auvergne", "autre-jeu"),
        ("mutuelle-cantal", "autre-jeu"),
    ]
    assert records[2]["owner"] == "autre-jeu"
    assert records[2]["role"] == "co-signataire"
    # the file is the source of truth now: reloading it changes nothing
    assert reload(empty_graph, curated_graph).changed == ()
