"""The ``neo4j.conf`` of the project-local server: the settings ctg needs, and the user's own.

ctg rewrites ``conf/neo4j.conf`` at every start (so that a changed port, heap or folder
always takes effect). A user who needs another Neo4j setting — or a different value for
one of ctg's — writes it in an *extra* file that survives the rewrite:

* the file named by ``CTG_NEO4J_CONF_EXTRA``, else
* ``<instance>/conf/neo4j.extra.conf`` if it exists.

Its lines are ``name=value`` (Neo4j's own syntax), ``#`` comments and blank lines; a
setting it names replaces ctg's line, others are appended. A line that is not a setting
is refused with the file and line number, before Neo4j starts.

The recovery settings (why each value: ``docs/decisions.md``, "A full disk must not
destroy the database"):

* ``db.checkpoint.interval.time=30s`` — committed data reaches the store files within
  half a minute, so recovery never depends on a long tail of transaction log (Neo4j's
  default, 15 minutes, left a whole load only in the log when the disk filled);
* ``db.tx_log.rotation.size=32M`` with ``db.tx_log.preallocate=true`` — each log file is
  reserved in advance (a commit does not run out of room half-written), but 32 MiB per
  database rather than 256 MiB (Neo4j's default reserved 512 MiB on an empty instance);
* ``db.tx_log.rotation.retention_policy=2 files`` — old logs are pruned once checkpointed;
* ``db.recovery.fail_on_missing_files=true`` — a database whose logs are gone refuses to
  start rather than start without the transactions they held (Neo4j's default, written
  down so that nobody flips it by accident: flipping it gave 0 nodes).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from domain.errors import ConfigurationError

#: ``name=value``: Neo4j setting names are dotted lower-case words (``db.tx_log.preallocate``).
_SETTING = re.compile(r"^(?P<name>[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+)\s*=\s*(?P<value>.*)$")

#: Settings ctg cannot honour from a file, with why.
_NOT_READ = {
    "server.jvm.additional": (
        "ctg starts the JVM itself and does not read JVM options from neo4j.conf; "
        "use CTG_NEO4J_HEAP for the heap"
    ),
}

#: The settings that keep a crash or a full disk recoverable (see the module docstring).
RECOVERY_SETTINGS: tuple[tuple[str, str], ...] = (
    ("db.checkpoint.interval.time", "30s"),
    ("db.tx_log.preallocate", "true"),
    ("db.tx_log.rotation.size", "32M"),
    ("db.tx_log.rotation.retention_policy", "2 files"),
    ("db.recovery.fail_on_missing_files", "true"),
)


@dataclass(frozen=True)
class ExtraSetting:
    """One setting of the extra file, and where it was written."""

    name: str
    value: str
    line: int


def extra_conf_path(instance_dir: Path, configured: Path | None) -> Path | None:
    """The extra settings file in force: ``CTG_NEO4J_CONF_EXTRA``, else the instance's own
    ``conf/neo4j.extra.conf`` when it exists, else None.

    Raises:
        ConfigurationError: ``CTG_NEO4J_CONF_EXTRA`` names a file that does not exist.
    """
    if configured is not None:
        if not configured.is_file():
            raise ConfigurationError(
                f"CTG_NEO4J_CONF_EXTRA={configured} is not a file. Point it at a file of "
                "Neo4j settings (name=value lines), or unset it."
            )
        return configured
    default = instance_dir / "conf" / "neo4j.extra.conf"
    return default if default.is_file() else None


def read_extra_settings(path: Path) -> list[ExtraSetting]:
    """The settings of an extra file, checked line by line.

    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "extra.conf"
    >>> _ = f.write_text("# mine\\ndb.checkpoint.interval.time=5m\\n")
    >>> [(s.name, s.value, s.line) for s in read_extra_settings(f)]
    [('db.checkpoint.interval.time', '5m', 2)]

    Raises:
        ConfigurationError: a line is neither a setting, a comment nor blank, or names a
            setting ctg cannot honour; the message gives the file and line.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigurationError(f"Cannot read the Neo4j settings file {path}: {error}") from error
    settings: list[ExtraSetting] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = _SETTING.match(line)
        if match is None:
            raise ConfigurationError(
                f"{path}, line {number}: {line[:80]!r} is not a Neo4j setting. Write one "
                "setting per line as name=value (e.g. db.checkpoint.interval.time=5m); "
                "lines starting with # are comments."
            )
        name = match["name"]
        if name in _NOT_READ:
            raise ConfigurationError(f"{path}, line {number}: {name}: {_NOT_READ[name]}.")
        settings.append(ExtraSetting(name, match["value"].strip(), number))
    return settings


def conf_text(
    base: Sequence[tuple[str, str]], extra: Sequence[ExtraSetting], extra_path: Path | None
) -> str:
    """The text of ``neo4j.conf``: ``base`` settings in order, each replaced by the extra
    file's value when it names it, then the extra file's other settings.

    >>> print(conf_text([("a.b", "1"), ("c.d", "2")], [ExtraSetting("c.d", "3", 1)], None))
    # Written by ctg-graph (graph/local_server.py) at every start: put your own settings
    # in <instance>/conf/neo4j.extra.conf or the file CTG_NEO4J_CONF_EXTRA names.
    a.b=1
    c.d=3
    <BLANKLINE>
    """
    overrides = {setting.name: setting.value for setting in extra}
    lines = [
        "# Written by ctg-graph (graph/local_server.py) at every start: put your own settings",
        "# in <instance>/conf/neo4j.extra.conf or the file CTG_NEO4J_CONF_EXTRA names.",
    ]
    names = {name for name, _ in base}
    lines += [f"{name}={overrides.get(name, value)}" for name, value in base]
    # a name written twice in the extra file: its last value, once
    added = [s for s in extra if s.name not in names and overrides[s.name] == s.value]
    added = list({s.name: s for s in added}.values())
    if added:
        lines.append(f"# from {extra_path}")
        lines += [f"{s.name}={s.value}" for s in added]
    return "\n".join(lines) + "\n"
