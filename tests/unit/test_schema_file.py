"""schema.graphql, the SDL committed for clients and reviewers, is the live schema."""

from __future__ import annotations

import difflib

import pytest

from cli.schema import schema_sdl
from graph.settings import PROJECT_ROOT

SCHEMA_FILE = PROJECT_ROOT / "schema.graphql"
REGENERATE = "ctg schema --output schema.graphql"


def test_schema_graphql_is_the_live_schema() -> None:
    live = schema_sdl()
    committed = SCHEMA_FILE.read_text(encoding="utf-8") if SCHEMA_FILE.exists() else ""
    if committed != live:
        diff = difflib.unified_diff(
            committed.splitlines(), live.splitlines(), "schema.graphql", "live schema", lineterm=""
        )
        pytest.fail(
            "schema.graphql differs from the schema the API serves. Regenerate it with\n\n"
            f"    {REGENERATE}\n\n(or .venv/bin/python -m cli schema --output schema.graphql) "
            "and commit it with your change.\n\n" + "\n".join(list(diff)[:60]),
            pytrace=False,
        )
