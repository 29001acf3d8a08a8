"""The decisions /graphql makes before strawberry runs anything: which media type to
answer in, whether a request could change data, and which token it carries."""

from __future__ import annotations

import pytest
from graphql import GraphQLError
from strawberry.types import ExecutionResult

from web.http import (
    GRAPHQL_RESPONSE_JSON,
    JSON,
    bearer_token,
    is_request_error,
    requests_mutation,
    response_media_type,
)


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        # what clients send
        ("*/*", JSON),  # curl, httpx
        ("application/json", JSON),
        ("application/graphql-response+json", GRAPHQL_RESPONSE_JSON),
        ("application/graphql-response+json, application/json;q=0.9", GRAPHQL_RESPONSE_JSON),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", JSON),  # browser
        # the spec's default since 2025-01-01 when no Accept is sent
        (None, GRAPHQL_RESPONSE_JSON),
        ("", GRAPHQL_RESPONSE_JSON),
        # quality first, then the most specific range, then the order listed
        ("application/json;q=0.5, application/graphql-response+json", GRAPHQL_RESPONSE_JSON),
        ("application/json, application/graphql-response+json", JSON),
        ("application/graphql-response+json, application/json", GRAPHQL_RESPONSE_JSON),
        ("application/json, */*", JSON),
        ("application/graphql-response+json, */*", GRAPHQL_RESPONSE_JSON),
        ("application/*", JSON),
        ("Application/JSON", JSON),
        # q=0 excludes a type even when a wildcard would allow it
        ("application/json;q=0, */*", GRAPHQL_RESPONSE_JSON),
        # nothing acceptable: 406
        ("text/html", None),
        ("application/xml, text/plain", None),
        ("application/json;q=0", None),
        ("application/json;q=zero", None),
    ],
)
def test_the_response_media_type_follows_accept(accept: str | None, expected: str | None) -> None:
    assert response_media_type(accept) == expected


@pytest.mark.parametrize(
    ("query", "operation_name", "expected"),
    [
        ('{ territory(code: "15") { name } }', None, False),
        ("query Q { a }", None, False),
        ("mutation { a }", None, True),
        ("mutation M { a }", "M", True),
        # the named operation decides
        ("query Q { a } mutation M { b }", "Q", False),
        ("query Q { a } mutation M { b }", "M", True),
        # strawberry runs the first operation when no name is given: any mutation counts
        ("query Q { a } mutation M { b }", None, True),
        ("mutation M { b } query Q { a }", None, True),
        ("query Q { a } mutation M { b }", "Nope", True),
        ("query Q { a } query R { b }", None, False),
        # fragments and subscriptions are not mutations
        ("fragment F on Query { a } query { ...F }", None, False),
        ("subscription { a }", None, False),
        # nothing to run: strawberry reports it (400), no token is asked for
        (None, None, False),
        ("", None, False),
        ("mutation {", None, False),
    ],
)
def test_a_request_counts_as_a_mutation_when_it_could_run_one(
    query: str | None, operation_name: str | None, expected: bool
) -> None:
    assert requests_mutation(query, operation_name) is expected


@pytest.mark.parametrize(
    ("authorization", "token"),
    [
        ("Bearer abc", "abc"),
        ("bearer abc", "abc"),
        ("BEARER   abc  ", "abc"),
        ("Basic YWxpY2U6cHc=", ""),
        ("abc", ""),
        ("Bearer", ""),
    ],
)
def test_the_bearer_token_is_read_from_authorization(authorization: str, token: str) -> None:
    assert bearer_token(authorization) == token


def test_request_errors_have_no_data_and_no_field_path() -> None:
    validation = GraphQLError("Cannot query field 'nope' on type 'Query'.")
    field = GraphQLError("not a territory code", path=["territory"])
    assert is_request_error(ExecutionResult(data=None, errors=[validation]))
    assert not is_request_error(ExecutionResult(data=None, errors=[field]))
    assert not is_request_error(ExecutionResult(data={"territory": None}, errors=[field]))
