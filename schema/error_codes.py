"""The machine-readable codes of every error the API answers, in one list.

Each GraphQL error carries one in ``extensions.code``; each curation refusal (a typed
result of a mutation, and each of its input problems) in its ``code`` field. Clients
branch on the code, never on the English message. The codes are the ones Apollo-style
clients already know (``BAD_USER_INPUT``, ``GRAPHQL_PARSE_FAILED``,
``GRAPHQL_VALIDATION_FAILED``, ``UNAUTHENTICATED``, ``FORBIDDEN``,
``INTERNAL_SERVER_ERROR``…) plus the ones this API's own refusals need; docs/api.md has
the table of when each is answered and what a client should do.

:func:`exception_code` names the code of an exception the project raises on purpose,
:func:`error_code` the code of a GraphQL error, whichever step produced it. A code's
``name`` is the text clients see (its ``value`` is the same text, typed for strawberry).
"""

from __future__ import annotations

from enum import Enum

import strawberry
from graphql import GraphQLError

from domain.errors import (
    DatabaseUnavailableError,
    DatasetOwnedError,
    KeyTakenError,
    MissingError,
    NotFoundError,
    TimedOutError,
    TooComplexError,
    UnauthenticatedError,
    UserFacingError,
)


@strawberry.enum(
    description="Why a request or a change was refused; the `extensions.code` of every "
    "GraphQL error and the `code` of every curation refusal (docs/api.md, « Error codes »)."
)
class ErrorCode(Enum):
    BAD_REQUEST = strawberry.enum_value(
        "BAD_REQUEST",
        description="The HTTP request is not a GraphQL request: not JSON, malformed JSON, "
        "a mutation sent by GET, an Accept header this API cannot answer, a body too slow.",
    )
    REQUEST_TOO_LARGE = strawberry.enum_value(
        "REQUEST_TOO_LARGE", description="The request body is over the API's size limit."
    )
    GRAPHQL_PARSE_FAILED = strawberry.enum_value(
        "GRAPHQL_PARSE_FAILED", description="The query is not GraphQL (a syntax error)."
    )
    GRAPHQL_VALIDATION_FAILED = strawberry.enum_value(
        "GRAPHQL_VALIDATION_FAILED",
        description="The query does not fit the schema (an unknown field, a literal "
        "argument of the wrong type, a variable used where its type does not fit).",
    )
    OPERATION_RESOLUTION_FAILURE = strawberry.enum_value(
        "OPERATION_RESOLUTION_FAILURE",
        description="The operation to run cannot be told: an unknown `operationName`, "
        "or none given for a document of several operations.",
    )
    BAD_USER_INPUT = strawberry.enum_value(
        "BAD_USER_INPUT",
        description="A value the client sent is refused: a variable missing or of the "
        "wrong type, a date, enum value, code or argument out of range, a change that "
        "breaks the dataset format's rules.",
    )
    QUERY_TOO_COMPLEX = strawberry.enum_value(
        "QUERY_TOO_COMPLEX",
        description="The request asks for too much at once: too deep, too many aliases "
        "or tokens, too large a schema description, too many objects.",
    )
    UNAUTHENTICATED = strawberry.enum_value(
        "UNAUTHENTICATED",
        description="An API token is needed and none (or an unknown or expired one) was sent.",
    )
    FORBIDDEN = strawberry.enum_value(
        "FORBIDDEN", description="This server does not answer this request to anyone."
    )
    NOT_FOUND = strawberry.enum_value(
        "NOT_FOUND", description="Something the change names is not in the graph."
    )
    ALREADY_EXISTS = strawberry.enum_value(
        "ALREADY_EXISTS", description="A key the change creates is in the graph already."
    )
    OWNED_BY_DATASET = strawberry.enum_value(
        "OWNED_BY_DATASET",
        description="The fact comes from a dataset file: change the file and reload it.",
    )
    TIMEOUT = strawberry.enum_value(
        "TIMEOUT",
        description="The query or change took longer than the API's time limit and was "
        "stopped; nothing was written.",
    )
    DATABASE_UNAVAILABLE = strawberry.enum_value(
        "DATABASE_UNAVAILABLE",
        description="The graph database does not answer (or refuses the API's "
        "credentials); try again shortly.",
    )
    SERVER_BUSY = strawberry.enum_value(
        "SERVER_BUSY",
        description="The API has no free place for the request; try again after "
        "`Retry-After` seconds.",
    )
    INTERNAL_SERVER_ERROR = strawberry.enum_value(
        "INTERNAL_SERVER_ERROR",
        description="An unexpected error (a bug); it has been logged with its details.",
    )


def exception_code(error: BaseException) -> ErrorCode:
    """The code of an exception the project raises on purpose (and of any other: a bug).

    Examples
    --------
    >>> from domain.errors import KeyTakenError
    >>> exception_code(KeyTakenError("taken", key="caf-15")).name
    'ALREADY_EXISTS'
    >>> exception_code(KeyError("x")).name
    'INTERNAL_SERVER_ERROR'
    """
    match error:
        case DatabaseUnavailableError():
            return ErrorCode.DATABASE_UNAVAILABLE
        case TimedOutError():
            return ErrorCode.TIMEOUT
        case TooComplexError():
            return ErrorCode.QUERY_TOO_COMPLEX
        case UnauthenticatedError():
            return ErrorCode.UNAUTHENTICATED
        case NotFoundError() | MissingError():
            return ErrorCode.NOT_FOUND
        case KeyTakenError():
            return ErrorCode.ALREADY_EXISTS
        case DatasetOwnedError():
            return ErrorCode.OWNED_BY_DATASET
        case UserFacingError():
            return ErrorCode.BAD_USER_INPUT
    return ErrorCode.INTERNAL_SERVER_ERROR


def tagged(error: GraphQLError, code: ErrorCode) -> GraphQLError:
    """``error`` with ``extensions.code`` set to ``code`` (kept if it has one already)."""
    error.extensions = {**(error.extensions or {})}
    error.extensions.setdefault("code", code.name)
    return error


def coerced_input_cause(error: GraphQLError) -> BaseException | bool | None:
    """What a GraphQL error wraps at the bottom of its chain of GraphQL errors: None
    when it wraps nothing (graphql-core's own coercion messages), an exception when a
    scalar's parser raised one; False when ``error`` wraps no GraphQL error at all.

    graphql-core 3.3 reports a variable it cannot coerce as a GraphQL error wrapping the
    GraphQL error that says why (``Variable '$code' has invalid value: Expected a value
    of non-null type 'String!' to be provided.``), which is not a bug of the server.
    """
    original = error.original_error
    if not isinstance(original, GraphQLError):
        return False
    while isinstance(original, GraphQLError):
        original = original.original_error
    return original


def is_client_error(error: GraphQLError) -> bool:
    """Whether ``error`` is the client's to fix (shown as it is) rather than a bug
    (masked): syntax, validation, limits and variable coercion errors, the refusals the
    project raises on purpose and Neo4j outages. A scalar whose parser fails with
    anything but a ``ValueError`` (say an ``AttributeError``) is a bug.
    """
    original = error.original_error
    if original is None:
        return True
    if isinstance(original, UserFacingError | DatabaseUnavailableError):
        return True
    cause = coerced_input_cause(error)
    if cause is False:
        return False
    return cause is None or isinstance(cause, ValueError | UserFacingError)


def error_code(error: GraphQLError) -> ErrorCode:
    """The code of a GraphQL error that has none yet, from what it wraps.

    Parse, validation and limit errors are tagged where they are raised
    (:mod:`schema.limits`); an error wrapping nothing that reaches here untagged is a
    validation error.
    """
    original = error.original_error
    if original is None:
        return ErrorCode.GRAPHQL_VALIDATION_FAILED
    if isinstance(original, GraphQLError):
        return ErrorCode.BAD_USER_INPUT if is_client_error(error) else exception_code(original)
    return exception_code(original)
