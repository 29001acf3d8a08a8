"""Where ctg-graph finds its files, in a checkout and after a plain ``pip install``.

Two kinds of files, one rule each (docs/decisions.md, "Package data and machine-local
folders"):

* **Package data** ships inside the packages and is found with :mod:`importlib.resources`,
  so it is there wherever the packages are: the theme and contract-kind vocabularies and
  the seed partnership datasets (``domain/data/``), the graph explorer
  (``web/explorer/``), the Maven pom that fetches the Neo4j jars (``graph/``).
* **Machine-local** folders are not shipped; each is named by one setting, with a
  default in a checkout and another one elsewhere:

  - ``CTG_LOCAL_DIR``: the Neo4j jars and the local server's instances (``ctg db install``
    fills it). Default ``<checkout>/.local``; installed, ``$XDG_DATA_HOME/ctg-graph``
    (``~/.local/share/ctg-graph``).
  - ``CTG_NODE_MODULES``: the npm packages of ``package.json`` — the territorial
    reference and the explorer's graph library and map. Default
    ``<checkout>/node_modules``; installed, ``./node_modules`` (where ``npm ci`` puts
    them). The code that finds one missing says what it looked for and where, and
    :data:`NODE_MODULES_HINT` what to do.

A *checkout* is the folder holding ``pyproject.toml`` beside these packages: an editable
install or ``scripts/*.sh``. The settings are read when called (``env`` defaults to
``os.environ``), like :mod:`graph.settings`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from importlib.resources import files
from pathlib import Path

from domain.errors import ConfigurationError

#: The folder holding the packages: the checkout when ctg-graph runs from one,
#: ``site-packages`` once installed. Only tests and benchmarks, which run from the
#: checkout, may read files through it; shipped code uses the names below.
PROJECT_ROOT = Path(__file__).resolve().parent.parent

#: What to do when an npm package is missing, for the messages that find it missing.
NODE_MODULES_HINT = (
    "In a checkout, scripts/setup.sh installs the npm packages (npm ci). Elsewhere, run "
    "`npm ci` in a folder holding ctg-graph's package.json and package-lock.json and set "
    "CTG_NODE_MODULES to the node_modules folder it creates."
)


def in_checkout() -> bool:
    """True when the packages are imported from a source checkout (not from site-packages)."""
    return (PROJECT_ROOT / "pyproject.toml").is_file()


def _package_path(package: str, *parts: str) -> Path:
    root = files(package)
    # A zip import would hand out Traversables that Starlette and Maven cannot open;
    # pip always installs wheels as files.
    if not isinstance(root, Path):
        raise ConfigurationError(
            f"The package {package!r} is not installed as files ({root!r}); install "
            "ctg-graph with pip (a wheel or a checkout), not from a zip."
        )
    return root.joinpath(*parts)


#: The theme and contract-kind vocabularies (``themes.yaml``, ``contract-kinds.yaml``).
VOCABULARIES = _package_path("domain", "data", "vocabularies")
#: The seed partnership datasets: what ``ctg validate``, ``ctg load partnerships`` and
#: ``ctg run`` read when given no path.
SEED_DATASETS = _package_path("domain", "data", "partnerships")
#: The graph explorer's page, scripts and stylesheet, served at ``/`` and ``/explorer/``.
EXPLORER = _package_path("web", "explorer")
#: The Maven project that fetches the Neo4j jars (``ctg db install``).
NEO4J_POM = _package_path("graph", "neo4j-server-pom.xml")


def local_dir(env: Mapping[str, str] | None = None) -> Path:
    """The folder of the Neo4j jars and instances: ``CTG_LOCAL_DIR``, else its default."""
    env = os.environ if env is None else env
    if env.get("CTG_LOCAL_DIR"):
        return Path(env["CTG_LOCAL_DIR"]).expanduser().resolve()
    if in_checkout():
        return PROJECT_ROOT / ".local"
    data_home = env.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return (Path(data_home).expanduser() / "ctg-graph").resolve()


def node_modules(env: Mapping[str, str] | None = None) -> Path:
    """The folder of the npm packages: ``CTG_NODE_MODULES``, else its default."""
    env = os.environ if env is None else env
    if env.get("CTG_NODE_MODULES"):
        return Path(env["CTG_NODE_MODULES"]).expanduser().resolve()
    if in_checkout():
        return PROJECT_ROOT / "node_modules"
    return Path.cwd() / "node_modules"
