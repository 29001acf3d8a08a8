"""``ctg``: the command line of ctg-graph.

    ctg db install | start | stop | status | migrate   the project-local Neo4j
    ctg db backup | restore | check | rebuild          its backups and repairs
    ctg load reference [--departements 15,71]         the French territorial reference
    ctg serve                                          the GraphQL API and explorer
    ctg schema [--output schema.graphql]               the API's GraphQL schema (SDL)
    ctg coverage | themes | continuity | network       coverage analyses (table, csv, json)
    ctg export --format gexf|graphml|csv --output F    the graph of a scope, for Gephi
    ctg export curated [--output F]                    facts added through the API, as YAML
    ctg draft ARTICLE… [--output DIR]                  articles into draft datasets to review
    ctg run                                            all of the above, then serve

Without ``NEO4J_URI``, commands use the project-local Neo4j (``ctg db start``): the
instance ``ctg --instance NAME`` (or ``CTG_INSTANCE``) names, else ``CTG_NEO4J_DIR``, else
``default``; with it, they use that server and never provision one. Every command that
writes says first which database it writes to.

This module is the root of the command line; each group of commands lives in its own
module (:mod:`cli.db`, :mod:`cli.load`, :mod:`cli.serve`, :mod:`cli.analyses`,
:mod:`cli.export`, :mod:`cli.schema`, :mod:`cli.draft`), and what they print in :mod:`cli.output`.
"""

from __future__ import annotations

import logging
import os
from importlib.metadata import version
from typing import Annotated

import typer

from cli import analyses, draft, export, load, schema, serve
from cli.db import db_app
from cli.output import DRIVER_LOGS_OFF, fail
from domain.errors import ConfigurationError, CtgError
from graph.driver import connection_lost
from graph.settings import INSTANCE_VARIABLE, local_instance_dir

DISTRIBUTION = "ctg-graph"

app = typer.Typer(
    help="ctg-graph: a GraphQL knowledge graph of French territorial partnerships.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    # "--help" first: usage errors end "Try 'ctg --help' for help." as they always have.
    context_settings={"help_option_names": ["--help", "-h"]},
)

# The order of registration is the order of `ctg --help`.
app.command("coverage")(analyses.coverage)
app.command("themes")(analyses.themes)
app.command("continuity")(analyses.continuity)
app.command("network")(analyses.network)
app.add_typer(export.export_app, name="export")
app.command("validate")(load.validate)
app.command("draft")(draft.draft)
app.command("schema")(schema.schema_command)
app.command("serve")(serve.serve)
app.command("run")(serve.run)
app.add_typer(db_app, name="db")
app.add_typer(load.load_app, name="load")


def _print_version(wanted: bool) -> None:
    if wanted:
        print(f"{DISTRIBUTION} {version(DISTRIBUTION)}")
        raise typer.Exit


def _name_instance(name: str | None) -> str | None:
    """``--instance NAME`` is ``CTG_INSTANCE=NAME`` for the whole command (every module
    reads its settings from the environment); naming two different ones is refused."""
    if name is None:
        return None
    already = os.environ.get(INSTANCE_VARIABLE, "").strip()
    if already and already != name:
        raise ConfigurationError(
            f"--instance {name!r} and {INSTANCE_VARIABLE}={already!r} name different local "
            f"instances. Keep one of them (unset {INSTANCE_VARIABLE}, or drop --instance)."
        )
    os.environ[INSTANCE_VARIABLE] = name
    local_instance_dir()  # a bad name or a conflicting NEO4J_URI / CTG_NEO4J_DIR: said now
    return name


@app.callback()
def root(
    _instance: Annotated[
        str | None,
        typer.Option(
            "--instance",
            metavar="NAME",
            callback=_name_instance,
            help="The local Neo4j instance to use, in .local/neo4j/instances/NAME (its "
            "port and password are recorded there when it starts); same as "
            "CTG_INSTANCE=NAME. Default: 'default', or CTG_NEO4J_DIR. Refused with NEO4J_URI.",
        ),
    ] = None,
    _version: Annotated[
        bool,
        typer.Option(
            "--version",
            "-V",
            callback=_print_version,
            is_eager=True,
            help="Print the installed version and exit.",
        ),
    ] = False,
) -> None:
    """The options of `ctg` itself (before any command)."""


def main() -> None:
    """Entry point: run the CLI and turn expected errors into a message and exit code 1."""
    logging.getLogger("neo4j").addHandler(DRIVER_LOGS_OFF)
    try:
        app()
    except CtgError as error:
        fail(error)
    except Exception as error:
        # Neo4j going away in a command that has no message of its own for it
        lost = connection_lost(error)
        if lost is None:
            raise
        fail(lost)


if __name__ == "__main__":
    main()
