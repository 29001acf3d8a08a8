"""The registry of shared facts, without a database: a dataset refers to keys another
dataset of its folder defines, or that the graph holds; a key defined twice or by
nobody is refused with every place named; datasets that refer to each other are written
together, in one group."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cli.load import resolved_line
from loaders.dataset_graph import dataset_graph
from loaders.datasets import (
    DatasetError,
    Registry,
    TerritoryIndex,
    Vocabularies,
    folder_siblings,
    read_datasets,
)
from loaders.pipeline import write_groups
from loaders.reference import read_reference
from tests.conftest import REFERENCE_EXTRACT, run_ctg

REGISTRY = Path(__file__).parents[1] / "fixtures" / "registry"
TERRITORIES = TerritoryIndex.from_reference(read_reference(REFERENCE_EXTRACT, ["15", "71"]))
VOCABULARIES = Vocabularies.load()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A copy of the registry fixtures: the Caf's registry and a CTG referring to it."""
    for name in ("registre-cantal.yaml", "ctg-saint-flour.yaml"):
        shutil.copy(REGISTRY / name, tmp_path / name)
    return tmp_path


def validate_one(path: Path, graph: dict[str, dict[str, str]] | None = None) -> list[str]:
    """The problems of validating ``path`` alone, as ``ctg validate FILE`` does."""
    registry = Registry(folder_siblings([path]), graph, graph_name="the graph at bolt://x")
    with pytest.raises(DatasetError) as caught:
        read_datasets([path], TERRITORIES, VOCABULARIES, registry)
    return [str(p) for p in caught.value.problems]


def line_of(path: Path, needle: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if needle in line)


def test_a_file_refers_to_the_caf_its_folder_s_registry_defines(folder: Path) -> None:
    ctg = folder / "ctg-saint-flour.yaml"
    with pytest.raises(DatasetError, match=r"no partner has key 'caf-15'"):
        read_datasets([ctg], TERRITORIES, VOCABULARIES)  # alone, without its folder
    (dataset,) = read_datasets([ctg], TERRITORIES, VOCABULARIES, Registry(folder_siblings([ctg])))
    assert dataset.resolved == (("registre-cantal.yaml", 3),)
    assert resolved_line(dataset) == "3 keys resolved from registre-cantal.yaml"


def test_the_siblings_problems_are_theirs_not_the_file_s(folder: Path) -> None:
    (folder / "broken.yaml").write_text(
        "format: ctg-graph/dataset@1\ndataset: {key: broken, title: B}\npartners: [{key: x}]\n",
        encoding="utf-8",
    )
    (folder / "notes.yaml").write_text("just: some notes\n", encoding="utf-8")
    ctg = folder / "ctg-saint-flour.yaml"
    (dataset,) = read_datasets([ctg], TERRITORIES, VOCABULARIES, Registry(folder_siblings([ctg])))
    assert dataset.key == "ctg-saint-flour-registre"


def test_a_key_nobody_defines_names_the_key_the_place_the_closest_and_where_it_looked(
    folder: Path,
) -> None:
    ctg = folder / "ctg-saint-flour.yaml"
    ctg.write_text(
        ctg.read_text(encoding="utf-8").replace("partner: caf-15", "partner: caf-51"),
        encoding="utf-8",
    )
    (problem,) = validate_one(ctg, graph={"Partner": {"caf-71": "ctg-creusot"}})
    line = line_of(ctg, "partner: caf-51")
    assert problem == (
        f"{ctg}:{line}: contracts[0].signatories[0].partner: no partner has key 'caf-51'; "
        "did you mean caf-71 (the graph, dataset ctg-creusot), caf-15 (registre-cantal.yaml)? "
        "(looked in the files given, the other datasets of their folder "
        "(registre-cantal.yaml) and the graph at bolt://x)"
    )


def test_where_a_key_nobody_defines_was_looked_for_says_the_graph_was_not_read(
    folder: Path,
) -> None:
    (folder / "registre-cantal.yaml").unlink()
    ctg = folder / "ctg-saint-flour.yaml"
    registry = Registry(folder_siblings([ctg]), graph_unread="Neo4j at bolt://x does not answer")
    with pytest.raises(DatasetError) as caught:
        read_datasets([ctg], TERRITORIES, VOCABULARIES, registry)
    assert str(caught.value.problems[0]).endswith(
        "no partner has key 'caf-15' (looked in the files given; not in the graph "
        "(Neo4j at bolt://x does not answer))"
    )


def test_a_key_the_folder_defines_twice_is_refused_with_both_places(folder: Path) -> None:
    ctg = folder / "ctg-saint-flour.yaml"
    ctg.write_text(
        ctg.read_text(encoding="utf-8").replace(
            "partners:\n", "partners:\n  - {key: caf-15, kind: caf, name: Caf du Cantal}\n"
        ),
        encoding="utf-8",
    )
    (problem,) = validate_one(ctg)
    registry_line = line_of(folder / "registre-cantal.yaml", "key: caf-15")
    assert problem == (
        f"{ctg}:{line_of(ctg, 'key: caf-15')}: partners[0].key: partner key 'caf-15' is "
        f"already defined at {folder / 'registre-cantal.yaml'}:{registry_line}"
    )


def test_a_key_resolves_against_the_graph_and_says_which_dataset_defines_it(
    folder: Path,
) -> None:
    (folder / "registre-cantal.yaml").unlink()
    ctg = folder / "ctg-saint-flour.yaml"
    graph = {
        "Partner": {"caf-15": "registre-cantal"},
        "Person": {"presidente-caf-15": "registre-cantal", "directeur-caf-15": "registre-cantal"},
        "Contract": {"ctg-saint-flour-registre-2023": "ctg-saint-flour-registre"},
    }
    registry = Registry(folder_siblings([ctg]), graph)
    (dataset,) = read_datasets([ctg], TERRITORIES, VOCABULARIES, registry)
    # its own contract, already loaded, is not "defined twice": the file replaces it
    assert dataset.resolved == (("the graph (dataset registre-cantal)", 3),)
    assert resolved_line(dataset) == "3 keys resolved from the graph (dataset registre-cantal)"


def test_a_key_another_dataset_of_the_graph_owns_is_refused_naming_it(folder: Path) -> None:
    (folder / "registre-cantal.yaml").unlink()
    ctg = folder / "ctg-saint-flour.yaml"
    (problem,) = validate_one(ctg, graph={"Partner": {"cc-saint-flour": "autre-ctg"}})[:1]
    assert problem.endswith(
        "partners[0].key: partner key 'cc-saint-flour' is already defined at the graph "
        "(dataset autre-ctg)"
    )


def mutual_pair(folder: Path) -> tuple[Path, Path]:
    """Two datasets, each signing the other's contract: a cycle of references."""
    a, b = folder / "a.yaml", folder / "b.yaml"
    for path, mine, theirs in ((a, "a", "b"), (b, "b", "a")):
        path.write_text(
            "format: ctg-graph/dataset@1\n"
            f"dataset: {{key: jeu-{mine}, title: Jeu {mine}}}\n"
            f"default_source: source-{mine}\n"
            f"sources: [{{key: source-{mine}, title: Source {mine}}}]\n"
            f"partners: [{{key: partenaire-{mine}, kind: other, name: Partenaire {mine}}}]\n"
            "contracts:\n"
            f"  - key: contrat-{mine}\n"
            "    kind: ctg\n"
            f"    title: Contrat {mine}\n"
            "    signatories:\n"
            f"      - partner: partenaire-{mine}\n"
            f"      - partner: partenaire-{theirs}\n",
            encoding="utf-8",
        )
    return a, b


def test_datasets_that_refer_to_each_other_are_written_together(folder: Path) -> None:
    a, b = mutual_pair(folder)
    datasets = read_datasets([a, b, *REGISTRY.glob("*.yaml")], TERRITORIES, VOCABULARIES)
    groups = write_groups([dataset_graph(d, VOCABULARIES) for d in datasets])
    assert [[g.key for g in group] for group in groups] == [
        ["jeu-a", "jeu-b"],
        ["registre-cantal"],
        ["ctg-saint-flour-registre"],
    ]


def test_ctg_validate_file_reads_its_folder_and_says_the_graph_was_not_read(
    folder: Path,
) -> None:
    run = run_ctg(
        "validate",
        str(folder / "ctg-saint-flour.yaml"),
        local={"CTG_NEO4J_DIR": str(folder / "no-instance")},
    )
    assert run.returncode == 0, run.stderr
    lines = (run.stdout + run.stderr).splitlines()
    assert lines[0].startswith("The graph is not read (no Neo4j to talk to")
    assert "  3 keys resolved from registre-cantal.yaml" in lines


def test_ctg_validate_with_a_misconfigured_graph_says_why_and_still_validates(
    folder: Path,
) -> None:
    # NEO4J_URI without its password: validating needs no graph, so this is said, not fatal
    run = run_ctg(
        "validate",
        str(folder / "ctg-saint-flour.yaml"),
        local={"NEO4J_URI": "bolt://127.0.0.1:1"},
    )
    assert run.returncode == 0, run.stderr
    lines = " ".join((run.stdout + run.stderr).split())
    assert lines.startswith("The graph is not read (NEO4J_URI is set but NEO4J_PASSWORD is not")
    assert "3 keys resolved from registre-cantal.yaml" in lines


def test_a_curated_key_may_be_defined_again_the_load_decides(folder: Path) -> None:
    """Facts added through the API may move into a file (``--adopt-curated``)."""
    (folder / "registre-cantal.yaml").unlink()
    ctg = folder / "ctg-saint-flour.yaml"
    graph = {
        "Partner": {"caf-15": "registre-cantal", "cc-saint-flour": "curation"},
        "Person": {"presidente-caf-15": "registre-cantal", "directeur-caf-15": "registre-cantal"},
    }
    (dataset,) = read_datasets([ctg], TERRITORIES, VOCABULARIES, Registry(graph=graph))
    assert dataset.key == "ctg-saint-flour-registre"
