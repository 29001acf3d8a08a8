"""Where an export is written and how: the destination checked before anything is
built, then every file written to a temporary sibling and renamed into place, so a
failed export leaves any previous file as it was and no partial file behind."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from domain.errors import InputError


def output_paths(destination: Path, fmt: str) -> list[Path]:
    """The files an export to ``destination`` writes: itself, or for ``csv`` the two
    tables named from its stem (``<stem>-nodes.csv``, ``<stem>-edges.csv``)."""
    if fmt != "csv":
        return [destination]
    stem = destination.stem if destination.suffix else destination.name
    return [destination.with_name(f"{stem}-{table}.csv") for table in ("nodes", "edges")]


def check_destination(paths: list[Path], fmt: str) -> None:
    """Refuse, with what to do instead, ``paths`` that cannot be written."""
    for path in paths:
        folder = path.parent
        if path.is_dir():
            raise InputError(
                f"Cannot write the {fmt} export to {path}: it is a folder. Give a file name "
                f"inside it (e.g. {path / ('graph.' + fmt)})."
            )
        if not folder.is_dir():
            what = "is not a folder" if folder.exists() else "does not exist"
            raise InputError(
                f"Cannot write the {fmt} export to {path}: the folder {folder} {what}. "
                "Create it or choose another destination; nothing was written."
            )
        if not os.access(folder, os.W_OK | os.X_OK):
            raise InputError(
                f"Cannot write the {fmt} export to {path}: the folder {folder} is not "
                "writable. Choose a folder you can write to; nothing was written."
            )


def write_atomically(files: list[tuple[Path, bytes]], fmt: str) -> None:
    """Write every file to a temporary sibling, then rename them all into place."""
    temporaries: list[Path] = []
    replaced: list[Path] = []
    try:
        for path, content in files:
            temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
            # os.open with 0o666 lets the umask decide the mode, as for any new file
            descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            temporaries.append(temporary)
            with os.fdopen(descriptor, "wb") as out:
                out.write(content)
                out.flush()
                os.fsync(out.fileno())
        for (path, _), temporary in zip(files, temporaries, strict=True):
            os.replace(temporary, path)
            replaced.append(path)
    except BaseException as error:
        for temporary in temporaries:
            temporary.unlink(missing_ok=True)
        if not isinstance(error, OSError):
            raise
        changed = (
            f"only {', '.join(map(str, replaced))} was replaced"
            if replaced
            else "no file was changed"
        )
        raise InputError(
            f"Could not write the {fmt} export to {files[0][0].parent}: "
            f"{error.strerror or error}. Free some space or choose a folder you can write "
            f"to; {changed}."
        ) from error
