"""ctg-graph installed with a plain ``pip install .`` into a fresh virtualenv, used from a
folder outside the checkout, as someone who never cloned it would.

The venv lives in a temp folder; the package is built from a copy of the sources (so the
build leaves nothing in the checkout) and installed without its dependencies, which a
``.pth`` file then borrows from the checkout's venv: the wheel is built with the
checkout's pinned setuptools, so the test is offline, and quick. The checkout's own
packages are never on that venv's path (the editable install's hook is a ``.pth`` in the
borrowed folder, which Python does not run).
Machine-local folders come from their settings (domain/resources.py): the npm packages
from ``CTG_NODE_MODULES``, the graph from the session's Neo4j through ``NEO4J_URI``.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import time
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import httpx
import pytest
from neo4j import Driver

from domain.resources import PROJECT_ROOT
from graph.local_server import free_port
from graph.settings import Neo4jConnection
from tests.conftest import load_seed_graph

pytestmark = pytest.mark.integration

#: What the wheel is built from: the sources, without the checkout's local state.
_NOT_SOURCES = shutil.ignore_patterns(
    ".git", ".venv", "node_modules", ".local", ".setup-stamps", "test-output", "tests",
    "bench", "build", "*.egg-info", "__pycache__", ".*_cache", ".hypothesis",
)  # fmt: skip


@dataclass(frozen=True)
class Installed:
    """A fresh venv holding the installed package, and a folder outside the checkout."""

    venv: Path
    cwd: Path

    @property
    def bin(self) -> Path:
        return self.venv / "bin"

    def env(self, connection: Neo4jConnection | None = None, **extra: str) -> dict[str, str]:
        """A user's shell with the venv activated; nothing of the checkout leaks in."""
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("NEO4J_", "CTG_NODE_MODULES", "CTG_API_", "PYTHON"))
            and k != "VIRTUAL_ENV"
        }
        env |= {"PATH": f"{self.bin}{os.pathsep}{env.get('PATH', '')}", "COLUMNS": "200"}
        env["VIRTUAL_ENV"] = str(self.venv)
        if connection is not None:
            env |= {
                "NEO4J_URI": connection.uri,
                "NEO4J_USER": connection.user,
                "NEO4J_PASSWORD": connection.password,
                "NEO4J_DATABASE": connection.database,
            }
        return env | extra

    def ctg(
        self, *args: str, connection: Neo4jConnection | None = None, **extra: str
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(self.bin / "ctg"), *args],
            capture_output=True, text=True, env=self.env(connection, **extra), cwd=self.cwd,
            timeout=300, check=False,
        )  # fmt: skip


def _run(*command: str | Path, cwd: Path) -> None:
    result = subprocess.run(
        [str(c) for c in command], capture_output=True, text=True, cwd=cwd, timeout=600,
        check=False,
    )  # fmt: skip
    assert result.returncode == 0, f"{command} failed:\n{result.stdout}\n{result.stderr}"


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    root = tmp_path_factory.mktemp("installed")
    assert not root.is_relative_to(PROJECT_ROOT), "the temp folder must be outside the checkout"
    sources = root / "sources"
    shutil.copytree(PROJECT_ROOT, sources, ignore=_NOT_SOURCES, symlinks=True)
    venv = root / "venv"
    _run(sys.executable, "-m", "venv", venv, cwd=root)
    # The wheel is built by the checkout's venv (its pinned setuptools, no build isolation)
    # and installed from the file alone, so the test needs no package index.
    wheels = root / "wheels"
    _run(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
         "--disable-pip-version-check", "--wheel-dir", wheels, sources, cwd=root)  # fmt: skip
    (wheel,) = wheels.glob("ctg_graph-*.whl")
    _run(venv / "bin" / "python", "-m", "pip", "install", "--quiet", "--no-deps", "--no-index",
         "--disable-pip-version-check", wheel, cwd=root)  # fmt: skip
    shutil.rmtree(sources)  # nothing but the installed files may serve from now on
    # The dependencies, borrowed after the install so pip never sees the editable one.
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    borrowed = sysconfig.get_path("purelib")
    (venv / "lib" / version / "site-packages" / "checkout-deps.pth").write_text(borrowed + "\n")
    cwd = root / "elsewhere"
    cwd.mkdir()
    where = Installed(venv, cwd)
    probe = subprocess.run(
        [str(where.bin / "python"), "-c", "import cli, graph, server; print(server.__file__)"],
        capture_output=True, text=True, env=where.env(), cwd=cwd, timeout=120, check=False,
    )  # fmt: skip
    assert probe.returncode == 0, probe.stderr
    assert Path(probe.stdout.strip()).is_relative_to(venv), probe.stdout
    return where


@pytest.fixture(scope="module")
def seeded(driver: Driver, neo4j_connection: Neo4jConnection) -> Neo4jConnection:
    load_seed_graph(driver, neo4j_connection.database)
    return neo4j_connection


NODE_MODULES = str(PROJECT_ROOT / "node_modules")


def test_ctg_help_lists_every_command(installed: Installed) -> None:
    result = installed.ctg("--help")
    assert result.returncode == 0, result.stderr
    for command in ("db", "load", "validate", "serve", "schema", "coverage", "export", "run"):
        assert f" {command} " in result.stdout, command
    version = installed.ctg("--version")
    assert version.returncode == 0, version.stderr
    assert version.stdout.split() == ["ctg-graph", metadata.version("ctg-graph")]


def test_ctg_schema_prints_the_committed_schema(installed: Installed) -> None:
    result = installed.ctg("schema")
    assert result.returncode == 0, result.stderr
    assert result.stdout == (PROJECT_ROOT / "schema.graphql").read_text(encoding="utf-8")


def test_ctg_validate_checks_the_seed_datasets_shipped_in_the_package(
    installed: Installed,
) -> None:
    result = installed.ctg("validate", CTG_NODE_MODULES=NODE_MODULES)
    assert result.returncode == 0, result.stderr
    output = " ".join(result.stderr.split())
    assert "saint-flour-ctg-2017: valid" in output
    assert "creusot-montceau-ctg-2021: valid" in output
    assert str(installed.venv) in output  # read from the installed package


def test_without_the_npm_packages_ctg_validate_says_which_setting_to_give(
    installed: Installed,
) -> None:
    result = installed.ctg("validate")
    assert result.returncode == 1
    output = " ".join(result.stderr.split())
    assert f"{installed.cwd / 'node_modules'}" in output
    assert "CTG_NODE_MODULES" in output
    assert "Traceback" not in output


def test_ctg_coverage_reads_the_graph(installed: Installed, seeded: Neo4jConnection) -> None:
    table = installed.ctg("coverage", "--on", "2019-06-01", "--scope", "15", connection=seeded)
    assert table.returncode == 0, table.stderr
    assert "53/250 communes (21.2%)" in table.stdout
    themes = installed.ctg("themes", "--on", "2019-06-01", "--scope", "200066660",
                           "--format", "json", connection=seeded)  # fmt: skip
    assert themes.returncode == 0, themes.stderr
    assert json.loads(themes.stdout)["gaps"] == 0


def test_ctg_loads_the_shipped_seeds_and_exports_the_graph(
    installed: Installed, seeded: Neo4jConnection
) -> None:
    # the graph already holds the seeds of the checkout: the package's are the same files
    load = installed.ctg("load", "partnerships", connection=seeded, CTG_NODE_MODULES=NODE_MODULES)
    assert load.returncode == 0, load.stderr
    output = " ".join(load.stderr.split())
    assert output.count("unchanged, nothing written") == 2, output
    gexf = installed.cwd / "cantal.gexf"
    export = installed.ctg("export", "--scope", "15", "--format", "gexf", "--output", str(gexf),
                           connection=seeded)  # fmt: skip
    assert export.returncode == 0, export.stderr
    assert "Saint-Flour" in gexf.read_text(encoding="utf-8")


@contextlib.contextmanager
def _uvicorn(installed: Installed, connection: Neo4jConnection, log: Path) -> Iterator[str]:
    port = free_port()
    env = installed.env(connection, CTG_NODE_MODULES=NODE_MODULES)
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(installed.bin / "python"), "-m", "uvicorn", "server:app", "--host", "127.0.0.1",
             "--port", str(port), "--log-level", "warning"],
            cwd=installed.cwd, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, f"uvicorn exited: {log.read_text()}"
            try:
                httpx.get(base + "/healthz", timeout=5)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, f"uvicorn is silent: {log.read_text()}"
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_the_installed_app_serves_the_explorer_and_graphql(
    installed: Installed, seeded: Neo4jConnection, tmp_path: Path
) -> None:
    with (
        _uvicorn(installed, seeded, tmp_path / "uvicorn.log") as base,
        httpx.Client(base_url=base, timeout=30) as client,
    ):
        page = client.get("/")
        assert page.status_code == 200
        assert '<script type="module" src="/explorer/js/main.js">' in page.text
        assert client.get("/explorer/js/main.js").status_code == 200
        assert client.get("/explorer/explorer.css").status_code == 200
        assert client.get("/vendor/cytoscape/cytoscape.esm.min.mjs").status_code == 200
        answer = client.post("/graphql", json={"query": '{ territory(code: "15187") { name } }'})
        assert answer.status_code == 200
        assert answer.json() == {"data": {"territory": {"name": "Saint-Flour"}}}
        # every theme of the vocabulary, labelled from the package's themes.yaml
        counts = client.post("/graphql", json={"query": "{ statistics { byTheme { key label } } }"})
        assert counts.status_code == 200, counts.text
        themes = {b["key"]: b["label"] for b in counts.json()["data"]["statistics"]["byTheme"]}
        assert themes["petite-enfance"] == "Petite enfance"
