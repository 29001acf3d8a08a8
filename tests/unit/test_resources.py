"""Where ctg-graph finds its files (domain/resources.py): the package data is inside the
packages, and each machine-local folder follows its one setting, in a checkout or not.
The installed case end to end is tests/integration/test_installed_package.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from domain import resources
from loaders.datasets import DEFAULT_DATASETS, Vocabularies
from loaders.reference import DEFAULT_DATA_DIR


def test_the_package_data_lives_inside_the_packages() -> None:
    root = resources.PROJECT_ROOT
    assert resources.VOCABULARIES.relative_to(root) == Path("domain/data/vocabularies")
    assert resources.SEED_DATASETS.relative_to(root) == Path("domain/data/partnerships")
    assert resources.EXPLORER.relative_to(root) == Path("web/explorer")
    assert resources.NEO4J_POM.relative_to(root) == Path("graph/neo4j-server-pom.xml")
    assert (resources.EXPLORER / "index.html").is_file()
    assert sorted(p.name for p in DEFAULT_DATASETS.glob("*.yaml")) == [
        "creusot-montceau-ctg-2021.yaml",
        "saint-flour-ctg-2017.yaml",
    ]
    vocabularies = Vocabularies.load()
    assert {"ctg", "cej"} <= vocabularies.contract_kinds.keys()
    assert "petite-enfance" in vocabularies.themes


def test_the_settings_name_the_machine_local_folders(tmp_path: Path) -> None:
    env = {"CTG_LOCAL_DIR": str(tmp_path / "state"), "CTG_NODE_MODULES": str(tmp_path / "nm")}
    assert resources.local_dir(env) == tmp_path / "state"
    assert resources.node_modules(env) == tmp_path / "nm"


def test_in_a_checkout_the_folders_default_to_the_checkout() -> None:
    assert resources.in_checkout()
    assert resources.local_dir({}) == resources.PROJECT_ROOT / ".local"
    assert resources.node_modules({}) == resources.PROJECT_ROOT / "node_modules"
    assert DEFAULT_DATA_DIR.is_relative_to(resources.PROJECT_ROOT / "node_modules")


def test_installed_the_folders_default_to_the_user_data_and_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(resources, "in_checkout", lambda: False)
    monkeypatch.chdir(tmp_path)
    env = {"XDG_DATA_HOME": str(tmp_path / "xdg")}
    assert resources.local_dir(env) == tmp_path / "xdg" / "ctg-graph"
    assert resources.node_modules(env) == tmp_path / "node_modules"
