"""``ctg schema``: the GraphQL schema the API serves, in SDL (committed as schema.graphql)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from cli.output import console


def schema_command(
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write the SDL to this file instead of stdout."),
    ] = None,
) -> None:
    """Print the GraphQL schema (SDL) the API serves, or write it to a file."""
    sdl = schema_sdl()
    if output is None:
        sys.stdout.write(sdl)
        return
    output.write_text(sdl, encoding="utf-8")
    console.print(f"Wrote the GraphQL schema to {output}")


def schema_sdl() -> str:
    """The live schema in SDL, as committed in schema.graphql."""
    # imported here: building the schema is the slowest import of the command line
    from strawberry.printer import print_schema

    from schema import schema

    return print_schema(schema) + "\n"
