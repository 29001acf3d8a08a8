"""Which errors a client sees, and the code each carries.

What the client got wrong — syntax, validation, limits, a variable missing or of the
wrong type, our own user-facing refusals — passes through with its message; so does a
Neo4j outage. Anything unexpected (a bug) is masked so no internals (Cypher, hosts,
stack traces) leak; the server still logs it in full. Every error, masked or not, gets
its ``extensions.code`` (:mod:`schema.error_codes`).
"""

from __future__ import annotations

from graphql import GraphQLError
from strawberry.extensions import MaskErrors

from schema.error_codes import ErrorCode, error_code, is_client_error, tagged

UNEXPECTED = "Unexpected server error; it has been logged."


def should_mask(error: GraphQLError) -> bool:
    """Mask every error but the client's own and the ones we raise on purpose
    (:func:`schema.error_codes.is_client_error`)."""
    return not is_client_error(error)


class ErrorPolicy(MaskErrors):
    """Mask unexpected errors, give each error its code, and report each distinct
    message once: a request stopped by its object budget fails in many sibling fields,
    and one message says it all."""

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        seen: set[str] = set()
        kept: list[GraphQLError] = []
        for error in errors:
            if self.should_mask_error(error):
                shown = tagged(self.anonymise_error(error), ErrorCode.INTERNAL_SERVER_ERROR)
            else:
                shown = tagged(error, error_code(error))
            if shown.message not in seen:
                seen.add(shown.message)
                kept.append(shown)
        return kept


def mask_errors() -> MaskErrors:
    """The schema extension that applies :func:`should_mask`, gives each error its code
    and de-duplicates errors."""
    return ErrorPolicy(should_mask_error=should_mask, error_message=UNEXPECTED)
