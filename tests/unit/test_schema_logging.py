"""What the API logs: a traceback only for the unexpected; an outage is one warning per
request, a client's mistake one info line."""

from __future__ import annotations

import logging

import pytest
from graphql import GraphQLError

from domain.errors import DatabaseUnavailableError, UserFacingError
from schema import schema


def error_from(original: Exception) -> GraphQLError:
    return GraphQLError(str(original), original_error=original)


def test_an_outage_is_one_warning_line(caplog: pytest.LogCaptureFixture) -> None:
    down = DatabaseUnavailableError("The graph database does not answer right now.")
    with caplog.at_level(logging.WARNING):
        schema.process_errors([error_from(down) for _ in range(5)])
    assert [(r.levelname, r.getMessage()) for r in caplog.records] == [
        ("WARNING", "Neo4j unavailable: The graph database does not answer right now.")
    ]
    assert caplog.records[0].exc_info is None


def test_other_errors_are_still_logged_in_full(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        schema.process_errors([error_from(KeyError("bug"))])
    assert [r.levelname for r in caplog.records] == ["ERROR"]


def test_a_clients_mistake_is_an_info_line(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO):
        schema.process_errors(
            [GraphQLError("Cannot query field 'x' on type 'Query'."),
             error_from(UserFacingError("`first` must be between 0 and 100 (got 1000)"))]
        )  # fmt: skip
    assert [(r.levelname, r.exc_info) for r in caplog.records] == [("INFO", None)] * 2
