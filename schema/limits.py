"""Depth, alias and introspection-size limits checked in time linear in the document's
size, before anything runs.

strawberry's ``QueryDepthLimiter`` and ``MaxAliasesLimiter`` walk into a fragment again at
every spread, so a few hundred bytes of fragments spreading each other twice take
exponential time to check (40 levels: 2**40 walks) and hold the event loop — every other
client waits. :class:`DocumentLimits` measures each fragment once and reuses the figure
at every spread. Its counting and its messages are those of the strawberry rules it
replaces: a field with a selection adds one level of depth, introspection fields
(``__schema``…) are not counted, every alias in the operations counts, fragments
included each time they are spread. They are checked before the specified rules, which
cost far more.

Depth skips introspection, and introspection resolves no list through the object budget
(:class:`schema.context.ObjectBudget`): 30 aliases of a two-level ``__schema`` passed
every limit and built 18.9 MB. So the fields that the ``__schema``/``__type`` selections
would answer are counted first (:func:`schema.introspection.introspection_values`, over
the schema's own introspection) and a document asking for more than
``max_introspection_values`` is refused.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import lru_cache, partial
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    parse,
)
from strawberry.extensions import SchemaExtension, ValidationCache

from schema.error_codes import ErrorCode, tagged
from schema.introspection import Recent, introspection_values

#: graphql-core's message when a document has more tokens than ``max_tokens`` allows.
_TOO_MANY_TOKENS = "Document contains more than"


@lru_cache(maxsize=256)
def parse_query(query: str, **options: Any) -> DocumentNode:
    """``query`` parsed (graphql-core's ``parse`` with ``options``), kept for the 256
    most recent queries and shared by whoever asks: the HTTP view, which must know
    whether a request changes data before it runs, and the schema's execution
    (:class:`SharedParserCache`). 5 000 tokens take some 60 ms to parse; twice per
    request, for a client repeating or varying a large query, is time the event loop
    owes everyone else.

    Raises:
        GraphQLError: the query does not parse (not kept).
    """
    return parse(query, **options)


class SharedParserCache(SchemaExtension):
    """strawberry's ``ParserCache``, through :func:`parse_query`."""

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        assert context.query is not None
        try:
            context.graphql_document = parse_query(context.query, **context.parse_options)
        except GraphQLError as error:
            too_long = _TOO_MANY_TOKENS in error.message
            raise tagged(
                error,
                ErrorCode.QUERY_TOO_COMPLEX if too_long else ErrorCode.GRAPHQL_PARSE_FAILED,
            ) from None
        yield


class _Measure:
    """Depth and alias count of selection sets, each fragment measured once."""

    def __init__(self, document: DocumentNode) -> None:
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self._memo: dict[str, tuple[int, int]] = {}
        self._open: set[str] = set()

    def selections(self, selection_set: SelectionSetNode | None) -> tuple[int, int]:
        """(depth, aliases) of a selection set."""
        depth = aliases = 0
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                aliases += selection.alias is not None
                if selection.selection_set and not selection.name.value.startswith("__"):
                    inner_depth, inner_aliases = self.selections(selection.selection_set)
                    depth, aliases = max(depth, 1 + inner_depth), aliases + inner_aliases
                elif selection.selection_set:  # introspection: aliases count, depth not
                    aliases += self.selections(selection.selection_set)[1]
            elif isinstance(selection, InlineFragmentNode):
                inner_depth, inner_aliases = self.selections(selection.selection_set)
                depth, aliases = max(depth, inner_depth), aliases + inner_aliases
            elif isinstance(selection, FragmentSpreadNode):
                inner_depth, inner_aliases = self.fragment(selection.name.value)
                depth, aliases = max(depth, inner_depth), aliases + inner_aliases
        return depth, aliases

    def fragment(self, name: str) -> tuple[int, int]:
        if name in self._memo:
            return self._memo[name]
        definition = self.fragments.get(name)
        if definition is None or name in self._open:
            return 0, 0  # unknown or cyclic: the specified rules report it
        self._open.add(name)
        self._memo[name] = measured = self.selections(definition.selection_set)
        self._open.discard(name)
        return measured


#: The extensions of an error that refuses a document for its size.
TOO_COMPLEX = {"code": ErrorCode.QUERY_TOO_COMPLEX.name}


def document_limits(
    max_depth: int,
    max_aliases: int,
    max_introspection_values: int,
    cache_size: int = 256,
) -> Callable[[], SchemaExtension]:
    """A strawberry extension refusing documents deeper than ``max_depth``, with more
    than ``max_aliases`` aliases, or whose introspection would answer more than
    ``max_introspection_values`` fields — and only then validating them.

    It takes the place of strawberry's ``ValidationCache`` (``cache_size`` documents):
    the specified rules visit the document with its types, a few hundred milliseconds
    for 5 000 tokens, which a client varying its alias bomb at every request would
    otherwise cost the event loop each time before being told no. The limits, linear
    and kept by query text as well, answer first.
    """
    refusals: Recent[list[GraphQLError]] = Recent(cache_size)

    def measure(schema: GraphQLSchema, document: DocumentNode) -> list[GraphQLError]:
        errors = []
        walk = _Measure(document)
        total_aliases = 0
        for definition in document.definitions:
            if isinstance(definition, OperationDefinitionNode):
                depth, aliases = walk.selections(definition.selection_set)
                total_aliases += aliases
                if depth > max_depth:
                    name = definition.name.value if definition.name else "anonymous"
                    errors.append(
                        GraphQLError(
                            f"'{name}' exceeds maximum operation depth of {max_depth}",
                            definition,
                            extensions=TOO_COMPLEX,
                        )
                    )
        if total_aliases > max_aliases:
            errors.append(
                GraphQLError(
                    f"{total_aliases} aliases found. Allowed: {max_aliases}",
                    extensions=TOO_COMPLEX,
                )
            )
            return errors  # and the introspection is not even measured
        asked = introspection_values(schema, document, stop_after=max_introspection_values)
        if asked > max_introspection_values:
            errors.append(
                GraphQLError(
                    f"This request asks for more than {max_introspection_values:,} fields "
                    "of the schema's description (__schema, __type); it was refused before "
                    "it ran. Ask for the schema once, without aliases (the standard "
                    "introspection query is served from a cache), or read schema.graphql.",
                    extensions=TOO_COMPLEX,
                )
            )
        return errors

    class LimitedValidation(ValidationCache):
        def on_validate(self) -> Iterator[None]:
            context = self.execution_context
            document = context.graphql_document
            assert document is not None
            key = context.query or ""
            errors = refusals.get(key)
            if errors is None:
                errors = measure(context.schema._schema, document)
                refusals.put(key, errors)
            if errors:
                context.pre_execution_errors = errors
                yield
                return
            yield from super().on_validate()
            for error in context.pre_execution_errors or ():
                tagged(error, ErrorCode.GRAPHQL_VALIDATION_FAILED)

    return partial(LimitedValidation, maxsize=cache_size)
