"""What every ``ctg`` command prints, and where: messages and progress on standard
error (so that standard output carries only data: SDL, CSV, JSON), the analyses' tables
on standard output, and errors as one line and exit code 1."""

from __future__ import annotations

import contextlib
import logging
import sys
from collections.abc import Iterator
from typing import NoReturn

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.text import Text

from domain.errors import CtgError
from graph.settings import describe_target

#: Messages quote user data (paths, dataset values) verbatim: never read them as markup.
console = Console(stderr=True, markup=False)
#: Names and titles come from the graph, where anyone with a token may write them.
out = Console(markup=False)

#: The driver logs every retry and dropped connection; with logging not configured,
#: Python would print them on stderr among the command's own lines. ``ctg serve`` removes
#: it, so the API logs them like ``uvicorn server:app`` does.
DRIVER_LOGS_OFF = logging.NullHandler()


def fail(error: CtgError) -> NoReturn:
    """Print ``error`` as the command's last line and exit with code 1."""
    console.print(Text.assemble(("Error:", "bold red"), f" {error}"), highlight=False)
    sys.exit(1)


@contextlib.contextmanager
def progress_bar() -> Iterator[Progress]:
    """A Rich progress display on standard error, drawn only on a terminal."""
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
        disable=not console.is_terminal,
    ) as progress:
        yield progress


def say_target(uri: str | None = None) -> None:
    """Print the first line of every command that writes: which database it writes to
    (``uri``: the local server's actual address, when known)."""
    console.print(f"Writing to {describe_target(uri=uri)}", highlight=False)
