"""The root of ``ctg``: its version, and help on ``-h`` as on ``--help``, at every level."""

from __future__ import annotations

from importlib.metadata import version

import pytest
from typer.testing import CliRunner, Result

from cli.app import app

#: Wide enough that Rich does not wrap help lines in the middle of what is asserted.
runner = CliRunner(env={"COLUMNS": "200", "TERM": "dumb", "NO_COLOR": "1"})


def ctg(*args: str) -> Result:
    """Run ``ctg *args`` in this process, named as the installed command is."""
    return runner.invoke(app, list(args), prog_name="ctg")


@pytest.mark.parametrize("flag", ["--version", "-V"])
def test_version_prints_the_installed_distribution(flag: str) -> None:
    result = ctg(flag)
    assert result.exit_code == 0, result.output
    assert result.stdout == f"ctg-graph {version('ctg-graph')}\n"


def test_h_is_the_root_help() -> None:
    short, long = ctg("-h"), ctg("--help")
    assert short.exit_code == 0, short.output
    assert short.stdout == long.stdout
    assert "Usage: ctg [OPTIONS] COMMAND [ARGS]..." in short.stdout
    assert "ctg-graph: a GraphQL knowledge graph of French territorial partnerships." in (
        short.stdout
    )
    for command in (
        "coverage",
        "export",
        "validate",
        "draft",
        "schema",
        "serve",
        "run",
        "db",
        "load",
    ):
        assert f"│ {command} " in short.stdout
    assert "--version" in short.stdout


def test_h_is_the_help_of_a_group() -> None:
    result = ctg("db", "-h")
    assert result.exit_code == 0, result.output
    assert result.stdout == ctg("db", "--help").stdout
    assert "Usage: ctg db [OPTIONS] COMMAND [ARGS]..." in result.stdout
    assert "The project-local Neo4j server (ignored when NEO4J_URI is set)." in result.stdout
    for command in ("install", "start", "stop", "status", "migrate"):
        assert f"│ {command} " in result.stdout


def test_h_is_the_help_of_a_command() -> None:
    result = ctg("load", "reference", "-h")
    assert result.exit_code == 0, result.output
    assert "Usage: ctg load reference [OPTIONS]" in result.stdout
    assert "--departements" in result.stdout


def test_a_usage_error_still_points_to_help() -> None:
    result = ctg("coverage")
    assert result.exit_code == 2
    assert "Try 'ctg coverage --help' for help." in result.output
    assert "Missing option '--on'." in result.output
