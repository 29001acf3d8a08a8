"""The inputs loaded into the project-local Neo4j, kept beside its data for ``ctg db rebuild``.

The reference and the datasets are files, so a database that cannot recover can be
rebuilt by loading them again — if ctg knows which were loaded. Each successful
``ctg load`` appends what it read to ``<instance>/loads.json``; :func:`loads_to_replay`
gives them back in the order to load them again (the reference loads, then every
dataset path once). Facts added through the API (dataset ``curation``) are in no file:
only a backup holds them.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

JOURNAL = "loads.json"


@dataclass(frozen=True)
class RecordedLoad:
    """One load as recorded: ``kind`` is ``reference`` or ``partnerships``."""

    kind: str
    #: the reference's data folder, or the dataset files and folders
    paths: tuple[str, ...]
    #: the départements of a reference load (None: all France)
    departements: tuple[str, ...] | None = None
    vintage: int | None = None


def record_load(instance_dir: Path, load: RecordedLoad) -> None:
    """Append ``load`` to the instance's journal (created 0600)."""
    path = instance_dir / JOURNAL
    entries = _read(path)
    entries.append(
        {
            "kind": load.kind,
            "paths": list(load.paths),
            "departements": None if load.departements is None else list(load.departements),
            "vintage": load.vintage,
            "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
    )
    path.touch(mode=0o600, exist_ok=True)
    path.write_text(json.dumps(entries, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def loads_to_replay(instance_dir: Path) -> list[RecordedLoad]:
    """The loads to run again, in order: each distinct reference load (the last time it was
    run), then one partnership load of every dataset path ever loaded."""
    references: dict[tuple[object, ...], RecordedLoad] = {}
    datasets: dict[str, None] = {}
    for entry in _read(instance_dir / JOURNAL):
        paths = tuple(str(p) for p in entry.get("paths", []))
        if entry.get("kind") == "reference":
            codes = entry.get("departements")
            load = RecordedLoad(
                "reference",
                paths,
                None if codes is None else tuple(str(c) for c in codes),
                int(entry["vintage"]) if entry.get("vintage") else None,
            )
            references.pop((paths, load.departements), None)
            references[(paths, load.departements)] = load
        elif entry.get("kind") == "partnerships":
            datasets.update(dict.fromkeys(paths))
    replay = list(references.values())
    if datasets:
        replay.append(RecordedLoad("partnerships", tuple(datasets)))
    return replay


def _read(path: Path) -> list[dict[str, Any]]:
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return []
    if not isinstance(entries, list):
        return []
    return [cast("dict[str, Any]", e) for e in cast("list[object]", entries) if isinstance(e, dict)]
