"""Every error the API answers carries its ``extensions.code`` from one documented list,
and what the client got wrong is shown as it is, never masked: the schema executed
directly (nothing running), tiny schemas for the failures a graph would cause."""

from __future__ import annotations

import asyncio
import re
from typing import Any, NewType

import pytest
import strawberry
from cross_web import HTTPException
from strawberry.schema.config import StrawberryConfig
from strawberry.schema.exceptions import CannotGetOperationTypeError

from domain.errors import (
    DatabaseUnavailableError,
    DatasetOwnedError,
    InvalidChangeError,
    KeyTakenError,
    MissingError,
    TerritoryCodeError,
    TimedOutError,
    TooComplexError,
    UnauthenticatedError,
    UserFacingError,
)
from domain.resources import PROJECT_ROOT
from schema import MAX_ALIASES, MAX_DEPTH, MAX_TOKENS, schema
from schema.context import ObjectBudget
from schema.error_codes import ErrorCode, exception_code
from schema.errors import UNEXPECTED, mask_errors
from web.http import Refusal, refusal_code


def errors_of(
    query: str, variables: dict[str, Any] | None = None, operation: str | None = None
) -> list[dict[str, Any]]:
    result = asyncio.run(schema.execute(query, variable_values=variables, operation_name=operation))
    return [dict(error.formatted) for error in result.errors or ()]


# (query, variables) -> (code, words the message must hold)
CLIENT_ERRORS: dict[str, tuple[str, dict[str, Any] | None, str, list[str]]] = {
    "a required variable not given": (
        "query ($code: String!) { territory(code: $code) { name } }",
        {},
        "BAD_USER_INPUT",
        ["$code", "String!", "to be provided"],
    ),
    "an Int sent as text": (
        'query ($n: Int!) { search(text: "flour", first: $n) { score } }',
        {"n": "abc"},
        "BAD_USER_INPUT",
        ["$n", "Int cannot represent", "'abc'"],
    ),
    "a date that cannot be": (
        "query ($on: Date!) { coverage(on: $on) { communesCovered } }",
        {"on": "2018-13-45"},
        "BAD_USER_INPUT",
        ["$on", "Date", "2018-13-45", "month must be in 1..12"],
    ),
    "an unknown enum value": (
        'query ($k: [SearchKind!]) { search(text: "flour", kinds: $k) { score } }',
        {"k": ["COMMUNES"]},
        "BAD_USER_INPUT",
        ["$k", "'COMMUNES'", "SearchKind"],
    ),
    "a variable of an input type missing a field": (
        "query ($f: ContractFilter) { contracts(filter: $f) { totalCount } }",
        {"f": {"nope": 1}},
        "BAD_USER_INPUT",
        ["$f", "nope"],
    ),
    "an argument out of range": (
        '{ search(text: "flour", first: 1000) { score } }',
        None,
        "BAD_USER_INPUT",
        ["`first` must be between 1 and 100"],
    ),
    "a syntax error": (
        '{ territory(code: "15" { name } }',
        None,
        "GRAPHQL_PARSE_FAILED",
        ["Syntax Error"],
    ),
    "an unknown field": (
        "{ territorry { name } }",
        None,
        "GRAPHQL_VALIDATION_FAILED",
        ["Cannot query field 'territorry'"],
    ),
    "a literal of the wrong type": (
        "{ territory(code: 15) { name } }",
        None,
        "GRAPHQL_VALIDATION_FAILED",
        ["String cannot represent"],
    ),
    "a query too deep": (
        "{ " + "a { " * (MAX_DEPTH + 1) + "b" + " }" * (MAX_DEPTH + 1) + " }",
        None,
        "QUERY_TOO_COMPLEX",
        ["exceeds maximum operation depth"],
    ),
    "too many aliases": (
        "{ " + " ".join(f"a{i}: __typename" for i in range(MAX_ALIASES + 1)) + " }",
        None,
        "QUERY_TOO_COMPLEX",
        [f"{MAX_ALIASES + 1} aliases found"],
    ),
    "too many tokens": (
        "{ " + "__typename " * (MAX_TOKENS + 1) + "}",
        None,
        "QUERY_TOO_COMPLEX",
        [f"more than {MAX_TOKENS} tokens"],
    ),
}


@pytest.mark.parametrize("case", list(CLIENT_ERRORS))
def test_a_clients_mistake_is_shown_with_its_code_and_real_message(case: str) -> None:
    query, variables, code, words = CLIENT_ERRORS[case]
    [error] = errors_of(query, variables)
    assert error["extensions"] == {"code": code}
    assert error["message"] != UNEXPECTED
    for word in words:
        assert word in error["message"], error["message"]


def test_an_unknown_operation_name_is_an_operation_resolution_failure() -> None:
    # strawberry raises it before running anything; the HTTP view answers it (400)
    with pytest.raises(CannotGetOperationTypeError) as raised:
        asyncio.run(schema.execute("query A { __typename }", operation_name="B"))
    refusal = HTTPException(400, raised.value.as_http_error_reason())
    refusal.__cause__ = raised.value
    assert refusal_code(refusal) == "OPERATION_RESOLUTION_FAILURE"


# a tiny schema whose fields fail as a graph, a bug or a buggy scalar would
Broken = NewType("Broken", str)
BROKEN = strawberry.scalar(
    name="Broken",
    serialize=str,
    parse_value=lambda value: value.no_such_attribute,  # a bug in a scalar's parser
)


def _raise(error: Exception) -> str:
    raise error


@strawberry.type
class Failing:
    @strawberry.field
    def bug(self) -> str:
        return _raise(KeyError("Cypher: MATCH (n) secret internals"))

    @strawberry.field
    def outage(self) -> str:
        return _raise(DatabaseUnavailableError("The graph database does not answer."))

    @strawberry.field
    def slow(self) -> str:
        return _raise(TimedOutError("The query took longer than 10 s and was stopped."))

    @strawberry.field
    def greedy(self) -> str:
        return _raise(TooComplexError("This request asks for more than 10,000 objects."))

    @strawberry.field
    def anonymous(self) -> str:
        return _raise(UnauthenticatedError("Curation needs an API token."))

    @strawberry.field
    def parsed(self, value: Broken) -> str:
        return str(value)


FAILING = strawberry.Schema(
    query=Failing, extensions=[mask_errors], config=StrawberryConfig(scalar_map={Broken: BROKEN})
)


@pytest.mark.parametrize(
    ("query", "code", "message"),
    [
        ("{ bug }", "INTERNAL_SERVER_ERROR", UNEXPECTED),
        ("{ outage }", "DATABASE_UNAVAILABLE", "The graph database does not answer."),
        ("{ slow }", "TIMEOUT", "The query took longer than 10 s and was stopped."),
        ("{ greedy }", "QUERY_TOO_COMPLEX", "This request asks for more than 10,000 objects."),
        ("{ anonymous }", "UNAUTHENTICATED", "Curation needs an API token."),
    ],
)
def test_each_failure_of_a_field_has_its_code_and_a_bug_stays_masked(
    query: str, code: str, message: str
) -> None:
    result = asyncio.run(FAILING.execute(query))
    [error] = [e.formatted for e in result.errors or ()]
    assert error["extensions"] == {"code": code}
    assert error["message"] == message


def test_a_scalar_whose_parser_has_a_bug_stays_masked() -> None:
    result = asyncio.run(
        FAILING.execute("query ($v: Broken!) { parsed(value: $v) }", variable_values={"v": "x"})
    )
    [error] = [e.formatted for e in result.errors or ()]
    assert error["message"] == UNEXPECTED
    assert "no_such_attribute" not in str(error)
    assert error["extensions"] == {"code": "INTERNAL_SERVER_ERROR"}


def test_the_object_budget_is_a_query_too_complex() -> None:
    with pytest.raises(TooComplexError) as stopped:
        ObjectBudget(limit=1).spend(2)
    assert exception_code(stopped.value) is ErrorCode.QUERY_TOO_COMPLEX


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (MissingError("Contract 'x' is not in the graph.", key="x"), "NOT_FOUND"),
        (KeyTakenError("Partner 'caf-15' already exists.", key="caf-15"), "ALREADY_EXISTS"),
        (DatasetOwnedError("From a dataset.", key="caf-15", dataset="seed"), "OWNED_BY_DATASET"),
        (InvalidChangeError("Invalid.", [("key", "should match pattern")]), "BAD_USER_INPUT"),
        (TerritoryCodeError("'1518' is no territory code."), "BAD_USER_INPUT"),
        (UserFacingError("Search text is limited to 200 characters."), "BAD_USER_INPUT"),
        (DatabaseUnavailableError("down"), "DATABASE_UNAVAILABLE"),
        (ValueError("a bug"), "INTERNAL_SERVER_ERROR"),
    ],
)
def test_each_exception_the_project_raises_has_its_code(error: Exception, code: str) -> None:
    assert exception_code(error).name == code


@pytest.mark.parametrize(
    ("refusal", "code"),
    [
        (Refusal(400, "The JSON is malformed: … at line 1, column 2."), "BAD_REQUEST"),
        (Refusal(405, "Mutations cannot be sent with GET"), "BAD_REQUEST"),
        (Refusal(406, "Accept 'text/plain' allows no media type"), "BAD_REQUEST"),
        (Refusal(408, "The request body did not arrive within 10 s"), "BAD_REQUEST"),
        (Refusal(415, "No Content-Type: send the GraphQL request as JSON"), "BAD_REQUEST"),
        (Refusal(401, "This server needs an API token"), "UNAUTHENTICATED"),
        (Refusal(403, "This server does not describe its schema"), "FORBIDDEN"),
        (Refusal(413, "The request body is larger than 65,536 bytes"), "REQUEST_TOO_LARGE"),
        (Refusal(503, "The API is busy"), "SERVER_BUSY"),
        (Refusal(400, "lone surrogate", code="BAD_USER_INPUT"), "BAD_USER_INPUT"),
        (HTTPException(400, "No GraphQL query found in the request"), "BAD_REQUEST"),
    ],
)
def test_each_http_refusal_has_its_code(refusal: HTTPException, code: str) -> None:
    assert refusal_code(refusal) == code


def test_docs_api_md_lists_every_code_once() -> None:
    text = (PROJECT_ROOT / "docs" / "api.md").read_text("utf-8")
    section = text[text.index("## Error codes") :].split("\n## ")[0]
    listed = re.findall(r"^\| `([A-Z_]+)` \|", section, flags=re.MULTILINE)
    assert sorted(listed) == sorted(code.name for code in ErrorCode)
