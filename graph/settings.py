"""Where ctg-graph finds its Neo4j, read from the environment.

Two cases, and only two:

* ``NEO4J_URI`` is set: ctg-graph talks to that server (a server, a cluster, Aura) with
  ``NEO4J_USER`` / ``NEO4J_PASSWORD`` / ``NEO4J_DATABASE`` and provisions nothing.
* ``NEO4J_URI`` is not set: ctg-graph uses its project-local server (see
  :mod:`graph.local_server`), whose folder, port and memory come from ``CTG_NEO4J_*``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from domain import resources
from domain.errors import ConfigurationError

#: The Neo4j release the local server runs: the newest 5.26 LTS patch on Maven Central
#: that runs on Java 17 (2025.x releases need Java 21).
NEO4J_VERSION = "5.26.30"

DEFAULT_BOLT_PORT = 7687
#: Sized for a 2-core / 24 GiB machine that also runs the API and the analytics:
#: a 2 GiB heap holds a whole-France load in one transaction, 1 GiB of page cache
#: holds the whole store (about 200 MiB for France) several times over.
DEFAULT_HEAP = "2g"
DEFAULT_PAGECACHE = "1g"

_MEMORY_SIZE = re.compile(r"^[1-9][0-9]*[kKmMgG]$")


@dataclass(frozen=True)
class Neo4jConnection:
    """How to reach a Neo4j database."""

    uri: str
    user: str
    password: str
    database: str
    #: True when this is the project-local server that ctg-graph provisions itself.
    local: bool


@dataclass(frozen=True)
class LocalServerSettings:
    """Where and how the project-local Neo4j runs."""

    dist_root: Path
    instance_dir: Path
    port: int
    heap: str
    pagecache: str
    version: str = NEO4J_VERSION
    #: ``CTG_NEO4J_CONF_EXTRA``: a file of Neo4j settings added to (or overriding) the
    #: ones ctg writes; None when unset (``<instance>/conf/neo4j.extra.conf`` still counts).
    conf_extra: Path | None = None


def local_state_dir(env: Mapping[str, str] | None = None) -> Path:
    """The folder that holds the jars and the local server's data (``CTG_LOCAL_DIR``).

    See :func:`domain.resources.local_dir` for its defaults in a checkout and elsewhere.
    """
    return resources.local_dir(env)


def local_server_settings(env: Mapping[str, str] | None = None) -> LocalServerSettings:
    """Read the local server's settings from ``CTG_NEO4J_*`` variables.

    Raises:
        ConfigurationError: a variable has a value that cannot work, named with the fix.
    """
    env = os.environ if env is None else env
    state = local_state_dir(env)
    port = _port(env.get("CTG_NEO4J_PORT", str(DEFAULT_BOLT_PORT)), "CTG_NEO4J_PORT")
    heap = _memory(env.get("CTG_NEO4J_HEAP", DEFAULT_HEAP), "CTG_NEO4J_HEAP")
    pagecache = _memory(env.get("CTG_NEO4J_PAGECACHE", DEFAULT_PAGECACHE), "CTG_NEO4J_PAGECACHE")
    instance = Path(env.get("CTG_NEO4J_DIR", str(state / "neo4j" / "instances" / "default")))
    extra = env.get("CTG_NEO4J_CONF_EXTRA", "").strip()
    return LocalServerSettings(
        dist_root=state / "neo4j" / "dist",
        instance_dir=instance.resolve(),
        port=port,
        heap=heap,
        pagecache=pagecache,
        conf_extra=Path(extra).expanduser().resolve() if extra else None,
    )


def external_connection(env: Mapping[str, str] | None = None) -> Neo4jConnection | None:
    """The connection named by ``NEO4J_URI`` and friends, or None when it is not set."""
    env = os.environ if env is None else env
    uri = env.get("NEO4J_URI", "").strip()
    if not uri:
        return None
    if not re.match(r"^(bolt|neo4j)(\+s|\+ssc)?://", uri):
        raise ConfigurationError(
            f"NEO4J_URI={uri!r} is not a Neo4j URI. Use bolt://host:7687 for one server or "
            "neo4j://host:7687 (neo4j+s:// for Aura) for a cluster, or unset NEO4J_URI to "
            "use the project-local server."
        )
    password = env.get("NEO4J_PASSWORD")
    if not password:
        raise ConfigurationError(
            "NEO4J_URI is set but NEO4J_PASSWORD is not. Export the password of "
            f"{env.get('NEO4J_USER', 'neo4j')!r} on {uri}, or unset NEO4J_URI to use the "
            "project-local server."
        )
    return Neo4jConnection(
        uri=uri,
        user=env.get("NEO4J_USER", "neo4j"),
        password=password,
        database=env.get("NEO4J_DATABASE", "neo4j"),
        local=False,
    )


def _port(value: str, name: str) -> int:
    if not value.isdigit() or not 1024 <= int(value) <= 65535:
        raise ConfigurationError(f"{name}={value!r} is not a TCP port; use 1024 to 65535.")
    return int(value)


def _memory(value: str, name: str) -> str:
    if not _MEMORY_SIZE.match(value):
        raise ConfigurationError(
            f"{name}={value!r} is not a memory size; write it like 512m or 2g."
        )
    return value.lower()
