"""Where ctg-graph finds its Neo4j, read from the environment.

Two cases, and only two:

* ``NEO4J_URI`` is set: ctg-graph talks to that server (a server, a cluster, Aura) with
  ``NEO4J_USER`` / ``NEO4J_PASSWORD`` / ``NEO4J_DATABASE`` and provisions nothing.
* ``NEO4J_URI`` is not set: ctg-graph uses its project-local server (see
  :mod:`graph.local_server`), whose folder, port and memory come from ``CTG_NEO4J_*``.

A local instance can be named: ``CTG_INSTANCE=NAME`` (or ``ctg --instance NAME``) is the
folder ``<CTG_LOCAL_DIR>/neo4j/instances/NAME``, whose port is recorded in it when it is
started (its password always is), so later commands find both from the name alone.
Naming an instance and setting ``NEO4J_URI``, or another ``CTG_NEO4J_DIR``, is refused.
"""

from __future__ import annotations

import os
import re
import socket
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

#: The variable (and ``ctg --instance``) that names a local instance.
INSTANCE_VARIABLE = "CTG_INSTANCE"
#: The instance used when none is named.
DEFAULT_INSTANCE = "default"
#: The file of an instance folder that records the Bolt port it was last started on.
PORT_FILE = "port"
_INSTANCE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


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
    instance = local_instance_dir(env)
    heap = _memory(env.get("CTG_NEO4J_HEAP", DEFAULT_HEAP), "CTG_NEO4J_HEAP")
    pagecache = _memory(env.get("CTG_NEO4J_PAGECACHE", DEFAULT_PAGECACHE), "CTG_NEO4J_PAGECACHE")
    port = _instance_port(env, instance)
    extra = env.get("CTG_NEO4J_CONF_EXTRA", "").strip()
    return LocalServerSettings(
        dist_root=state / "neo4j" / "dist",
        instance_dir=instance,
        port=port,
        heap=heap,
        pagecache=pagecache,
        conf_extra=Path(extra).expanduser().resolve() if extra else None,
    )


def instances_dir(env: Mapping[str, str] | None = None) -> Path:
    """The folder of the named local instances (``<CTG_LOCAL_DIR>/neo4j/instances``)."""
    return local_state_dir(env) / "neo4j" / "instances"


def instance_name(env: Mapping[str, str] | None = None) -> str | None:
    """The instance ``CTG_INSTANCE`` names, or None when it is unset.

    Raises:
        ConfigurationError: the name is not a folder name, or ``NEO4J_URI`` is set too.
    """
    env = os.environ if env is None else env
    name = env.get(INSTANCE_VARIABLE, "").strip()
    if not name:
        return None
    if not _INSTANCE_NAME.match(name):
        raise ConfigurationError(
            f"{INSTANCE_VARIABLE}={name!r} (or --instance) is not an instance name; use "
            "letters, digits, '-', '_' or '.', like 'default' or 'essai-71'."
        )
    uri = env.get("NEO4J_URI", "").strip()
    if uri:
        raise ConfigurationError(
            f"Both a local instance ({INSTANCE_VARIABLE}={name!r} or --instance) and "
            f"NEO4J_URI={uri!r} are set, so it is unclear which database to use. Unset "
            f"NEO4J_URI to use the local instance, or drop --instance / {INSTANCE_VARIABLE} "
            "to use that server."
        )
    return name


def local_instance_dir(env: Mapping[str, str] | None = None) -> Path:
    """The folder of the local instance to use: the one ``CTG_INSTANCE`` names, else
    ``CTG_NEO4J_DIR``, else the ``default`` instance.

    Raises:
        ConfigurationError: ``CTG_INSTANCE`` and ``CTG_NEO4J_DIR`` name different folders.
    """
    env = os.environ if env is None else env
    name = instance_name(env)
    given = env.get("CTG_NEO4J_DIR", "").strip()
    if name is None:
        return (
            Path(given).expanduser() if given else instances_dir(env) / DEFAULT_INSTANCE
        ).resolve()
    named = (instances_dir(env) / name).resolve()
    if given and Path(given).expanduser().resolve() != named:
        raise ConfigurationError(
            f"{INSTANCE_VARIABLE}={name!r} (or --instance) names the instance in {named}, "
            f"but CTG_NEO4J_DIR={given!r} names another folder. Keep one of them: unset "
            f"CTG_NEO4J_DIR, or drop --instance / {INSTANCE_VARIABLE}."
        )
    return named


def _instance_port(env: Mapping[str, str], instance: Path) -> int:
    """``CTG_NEO4J_PORT``, else the port recorded in the instance folder, else 7687 for
    the default instance and the first free port from 7688 for a new named one."""
    if "CTG_NEO4J_PORT" in env:
        return _port(env["CTG_NEO4J_PORT"], "CTG_NEO4J_PORT")
    recorded = instance / PORT_FILE
    if recorded.is_file():
        return _port(recorded.read_text().strip(), str(recorded))
    if instance_name(env) in (None, DEFAULT_INSTANCE):
        return DEFAULT_BOLT_PORT
    return _free_port(DEFAULT_BOLT_PORT + 1)


def _free_port(first: int) -> int:
    for port in range(first, first + 100):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    return first  # all taken: starting will say so, naming CTG_NEO4J_PORT


def describe_target(env: Mapping[str, str] | None = None, uri: str | None = None) -> str:
    """The database commands use, in words, for the line a writing command starts with:
    "the local instance 'default' (bolt://127.0.0.1:7687, database neo4j, folder …)" or
    "neo4j://host:7687 (database x, user y) from NEO4J_URI". ``uri`` is the local
    server's actual address when known (a running server keeps the port it started on).
    """
    env = os.environ if env is None else env
    external = external_connection(env)
    if external is not None:
        return f"{external.uri} (database {external.database}, user {external.user}) from NEO4J_URI"
    settings = local_server_settings(env)
    address = uri or f"bolt://127.0.0.1:{settings.port}"
    folder = settings.instance_dir
    details = f"{address}, database neo4j, folder {folder}"
    if folder.parent == instances_dir(env).resolve():
        return f"the local instance {folder.name!r} ({details})"
    return f"the local instance in {folder} ({address}, database neo4j) from CTG_NEO4J_DIR"


def external_connection(env: Mapping[str, str] | None = None) -> Neo4jConnection | None:
    """The connection named by ``NEO4J_URI`` and friends, or None when it is not set.

    Raises:
        ConfigurationError: a value cannot work, or a local instance is named as well.
    """
    env = os.environ if env is None else env
    instance_name(env)  # refuses NEO4J_URI beside a named instance
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
