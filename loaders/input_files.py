"""Reading an input file once, whole, and only if it is one: the dataset files and the
territorial reference go through :func:`read_whole` before anything parses them.

A file that is not what it claims to be is refused from its metadata, before a byte of
it is read, with a one-line :class:`domain.errors.InputFileError`:

* anything but a regular file — a named pipe (which would block the read forever), a
  device (``/dev/zero`` never ends), a socket, a folder — is never opened; the open
  itself is non-blocking and re-checked on the open descriptor, so a file swapped for a
  pipe between the check and the open is refused too;
* a file larger than its limit (``CTG_DATASET_MAX_BYTES`` for datasets, default 20 MB);
* a file whose real path (symbolic links resolved) leaves the folder it was found in —
  a dataset folder linking to ``/etc/shadow``.

The file is then read into memory in one go, its size, modification and change times
and inode compared before and after: a file written meanwhile is refused ("changed while
it was read") instead of parsed half-written. The :class:`FileStamp` kept with what was
read (those figures and a SHA-256 of the bytes) lets a load check, just before it
writes, that every file still holds what was validated (:func:`check_unchanged`).
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from domain.errors import ConfigurationError, InputError, InputFileError

#: The setting that bounds the size of a dataset file, and its default (20 MB: the
#: largest real dataset is under 40 kB; France-wide ones stay far below).
DATASET_MAX_BYTES_SETTING = "CTG_DATASET_MAX_BYTES"
DEFAULT_DATASET_MAX_BYTES = 20_000_000
_CHUNK = 1 << 20


@dataclass(frozen=True)
class SizeLimit:
    """The largest size a file may have, and what to tell a user whose file is larger."""

    max_bytes: int
    #: the end of the refusal, e.g. "split it, or raise CTG_DATASET_MAX_BYTES"
    advice: str


@dataclass(frozen=True)
class FileStamp:
    """What a file was when it was read: enough to tell later whether it changed."""

    path: Path
    size: int
    mtime_ns: int
    sha256: str


@dataclass(frozen=True)
class FileBytes:
    """A file's whole content, read once, and its stamp."""

    stamp: FileStamp
    data: bytes


def dataset_size_limit(env: Mapping[str, str] | None = None) -> SizeLimit:
    """The size limit of a dataset file: ``CTG_DATASET_MAX_BYTES`` (bytes), else 20 MB.

    Raises:
        ConfigurationError: the setting is not a positive whole number of bytes.
    """
    env = os.environ if env is None else env
    raw = env.get(DATASET_MAX_BYTES_SETTING, "").strip().replace("_", "")
    max_bytes = DEFAULT_DATASET_MAX_BYTES
    if raw:
        if not raw.isdigit() or int(raw) < 1:
            raise ConfigurationError(
                f"{DATASET_MAX_BYTES_SETTING}={env[DATASET_MAX_BYTES_SETTING]!r} is not a "
                f"size in bytes; set it to a whole number such as 50000000 (50 MB), or unset "
                f"it for the default ({DEFAULT_DATASET_MAX_BYTES:,} bytes)."
            )
        max_bytes = int(raw)
    return SizeLimit(
        max_bytes,
        f"split the dataset into several files (they merge by their `dataset.key`), or, "
        f"if one file really must be this large, raise {DATASET_MAX_BYTES_SETTING} "
        f"(now {max_bytes:,} bytes)",
    )


def read_whole(path: Path, limit: SizeLimit, within: Path | None = None) -> FileBytes:
    """Read the regular file ``path`` whole, once; refuse it unless it is a regular file
    of at most ``limit`` bytes (whose real path is inside the folder ``within``, when
    given) that did not change while it was read.

    Raises:
        InputFileError: the file is missing, unreadable, not a regular file, too large,
            outside ``within``, or changed while it was read; nothing of it is returned.
    """
    if within is not None:
        _check_inside(path, within)
    before = _stat(path)
    _check_kind(path, before, limit)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    except OSError as error:
        raise InputFileError(path, _os_reason(error)) from None
    try:
        opened = os.fstat(fd)
        _check_kind(path, opened, limit)
        if (opened.st_dev, opened.st_ino) != (before.st_dev, before.st_ino):
            raise InputFileError(path, _changed("was replaced while it was being opened"))
        data = _read_all(fd, limit.max_bytes)
        after = os.fstat(fd)
    except OSError as error:
        raise InputFileError(path, _os_reason(error)) from None
    finally:
        os.close(fd)
    if len(data) > limit.max_bytes:
        raise InputFileError(
            path, _changed(f"grew past {limit.max_bytes:,} bytes while it was read")
        )
    now = _stat(path)
    if (
        _figures(opened) != _figures(after)
        or _figures(after) != _figures(now)
        or len(data) != after.st_size
    ):
        raise InputFileError(
            path,
            _changed(
                f"changed while it was read ({opened.st_size:,} bytes when opened, "
                f"{len(data):,} read, {now.st_size:,} now)"
            ),
        )
    digest = hashlib.sha256(data).hexdigest()
    return FileBytes(FileStamp(path, len(data), after.st_mtime_ns, digest), data)


def _read_all(fd: int, max_bytes: int) -> bytes:
    """Up to ``max_bytes + 1`` bytes of ``fd`` (one more than allowed tells it is too big)."""
    chunks: list[bytes] = []
    left = max_bytes + 1
    while left > 0:
        chunk = os.read(fd, min(_CHUNK, left))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def check_unchanged(stamps: Iterable[FileStamp], limit: SizeLimit) -> None:
    """Check that each file still holds what was read when it was stamped (its SHA-256),
    just before what was validated from them is written.

    Raises:
        InputError: naming every file that changed, was removed or became unreadable since;
            nothing should be written.
    """
    changed: list[str] = []
    for stamp in stamps:
        try:
            again = read_whole(stamp.path, limit)
        except InputFileError as error:
            changed.append(f"{stamp.path} ({error.reason})")
            continue
        if again.stamp.sha256 != stamp.sha256:
            changed.append(
                f"{stamp.path} ({stamp.size:,} bytes when validated, {again.stamp.size:,} now)"
            )
    if changed:
        raise InputError(
            f"{len(changed)} file(s) changed after they were validated, so what was "
            f"validated is not what they hold; nothing was written: {'; '.join(changed)}. "
            "Wait until whatever writes them has finished, then run the command again."
        )


def _changed(what: str) -> str:
    return (
        f"{what}; nothing of it was used. Wait until whatever writes it has finished (or "
        "write it elsewhere and move it into place), then run the command again."
    )


def _figures(info: os.stat_result) -> tuple[int, int, int, int, int]:
    return (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)


def _stat(path: Path) -> os.stat_result:
    try:
        return os.stat(path)
    except FileNotFoundError:
        if os.path.islink(path):
            raise InputFileError(path, "a symbolic link to a file that does not exist") from None
        raise InputFileError(path, "the file does not exist") from None
    except OSError as error:
        raise InputFileError(path, _os_reason(error)) from None


_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISSOCK, "a socket"),
)


def _check_kind(path: Path, info: os.stat_result, limit: SizeLimit) -> None:
    if not stat.S_ISREG(info.st_mode):
        kind = next((name for test, name in _KINDS if test(info.st_mode)), "something else")
        raise InputFileError(
            path,
            f"{kind}, not a regular file, so it is not read; pass plain files (or folders "
            "holding them)",
        )
    if info.st_size > limit.max_bytes:
        raise InputFileError(
            path,
            f"{info.st_size:,} bytes, over the limit of {limit.max_bytes:,} bytes, so it is "
            f"not read; {limit.advice}",
        )


def _check_inside(path: Path, folder: Path) -> None:
    """``path``, its symbolic links resolved, must stay inside ``folder``."""
    real, root = Path(os.path.realpath(path)), Path(os.path.realpath(folder))
    if not real.is_relative_to(root):
        raise InputFileError(
            path,
            f"a symbolic link to {real}, outside the folder {folder}, so it is not read; "
            "copy the file into the folder instead of linking to it",
        )


def _os_reason(error: OSError) -> str:
    return f"cannot be read ({error.strerror or error})"
