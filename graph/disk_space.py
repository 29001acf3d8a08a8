"""Free disk space for the project-local Neo4j: refuse a load or a start that would fill it.

A Neo4j whose disk fills up mid-transaction panics and may not come back (issue 17), so
``ctg load``, ``ctg run`` and ``ctg db start`` check the filesystem of the instance folder
first, and refuse with how much they need, where, and how much is free. Only the
project-local instance is checked: the folder of a server ``NEO4J_URI`` names is not
ours to see.

The estimate is ``floor + input × factor``, from figures measured on a real load (see
``docs/reliability.md``, "Disk full"):

* a whole-France reference (107 661 rows) wrote 20 MiB of transaction log and grew the
  store by 19 MiB: about 370 bytes a row; :data:`BYTES_PER_REFERENCE_ROW` doubles it,
  because the log is kept until its file is pruned;
* 524 KiB of (synthetic) dataset files grew the store and its log by 12.8 MiB, about
  25 times their size; :data:`DATASET_BYTES_FACTOR` is 30;
* the floor is the room Neo4j takes even for a tiny write: the next preallocated
  transaction log file of each database (2 × 32 MiB) and the checkpoint's headroom.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from domain.errors import LocalServerError

MIB = 1024 * 1024
#: What a start, or any write, needs at the least (see the module docstring).
FLOOR_BYTES = 128 * MIB
BYTES_PER_REFERENCE_ROW = 800
DATASET_BYTES_FACTOR = 30


@dataclass(frozen=True)
class FreeSpace:
    """The filesystem a folder is on, and its free room for an unprivileged writer."""

    folder: Path
    mount_point: Path
    free_bytes: int
    total_bytes: int


def free_space(folder: Path) -> FreeSpace:
    """The free space of the filesystem that holds ``folder`` (or would, once created)."""
    existing = folder
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    usage = shutil.disk_usage(existing)
    mount = existing.resolve()
    while not os.path.ismount(mount) and mount != mount.parent:
        mount = mount.parent
    return FreeSpace(folder, mount, usage.free, usage.total)


def reference_bytes(rows: int) -> int:
    """The disk a reference load of ``rows`` rows needs, floor included."""
    return FLOOR_BYTES + rows * BYTES_PER_REFERENCE_ROW


def dataset_bytes(file_bytes: int) -> int:
    """The disk a load of dataset files of ``file_bytes`` bytes in all needs, floor included."""
    return FLOOR_BYTES + file_bytes * DATASET_BYTES_FACTOR


def ensure_free_space(folder: Path, needed: int, action: str) -> FreeSpace:
    """Refuse ``action`` when the filesystem of ``folder`` has less than ``needed`` bytes.

    >>> ensure_free_space(Path("/"), 0, "nothing").free_bytes >= 0
    True

    Raises:
        LocalServerError: what is needed, where, how much is free, and what to do.
    """
    space = free_space(folder)
    if space.free_bytes < needed:
        raise LocalServerError(
            f"Not enough disk space to {action}: it needs about {size(needed)} on the "
            f"filesystem of {folder} (mounted at {space.mount_point}), which has "
            f"{size(space.free_bytes)} free of {size(space.total_bytes)}. Free some space "
            "there, or move the instance to a larger disk (CTG_NEO4J_DIR, after "
            "`ctg db backup` and `ctg db restore`). A full disk can leave Neo4j unable "
            "to recover, so ctg does not start the write."
        )
    return space


def size(count: int) -> str:
    """Bytes for people: ``'1.5 GiB'``, ``'300 MiB'``.

    >>> size(300 * MIB), size(3 * 1024 * MIB // 2), size(12)
    ('300 MiB', '1.5 GiB', '12 bytes')
    """
    if count >= 1024 * MIB:
        return f"{count / (1024 * MIB):.1f} GiB"
    if count >= MIB:
        return f"{count / MIB:.0f} MiB"
    return f"{count} bytes"
