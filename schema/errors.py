"""Which errors a client sees: our own user-facing messages and GraphQL validation errors
pass through; anything unexpected is masked so no internals (Cypher, hosts, stack traces)
leak. The full error is still logged by the server."""

from __future__ import annotations

from graphql import GraphQLError
from strawberry.extensions import MaskErrors

from domain.errors import DatabaseUnavailableError, UserFacingError

UNEXPECTED = "Unexpected server error; it has been logged."


def should_mask(error: GraphQLError) -> bool:
    """Mask every error but validation errors and the ones we raise on purpose."""
    original = error.original_error
    if original is None:  # syntax and validation errors describe the client's query
        return False
    return not isinstance(original, UserFacingError | DatabaseUnavailableError)


class ErrorPolicy(MaskErrors):
    """Mask unexpected errors, and report each distinct message once: a request stopped
    by its object budget fails in many sibling fields, and one message says it all."""

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        seen: set[str] = set()
        kept: list[GraphQLError] = []
        for error in super()._process_errors(errors):
            if error.message not in seen:
                seen.add(error.message)
                kept.append(error)
        return kept


def mask_errors() -> MaskErrors:
    """The schema extension that applies :func:`should_mask` and de-duplicates errors."""
    return ErrorPolicy(should_mask_error=should_mask, error_message=UNEXPECTED)
