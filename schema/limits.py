"""Depth, alias and introspection-size limits checked in time linear in the document's
size, before anything runs.

strawberry's ``QueryDepthLimiter`` and ``MaxAliasesLimiter`` walk into a fragment again at
every spread, so a few hundred bytes of fragments spreading each other twice take
exponential time to check (40 levels: 2**40 walks) and hold the event loop — every other
client waits. :class:`DocumentLimits` measures each fragment once and reuses the figure
at every spread. Its counting and its messages are those of the strawberry rules it
replaces: a field with a selection adds one level of depth, introspection fields
(``__schema``…) are not counted, every alias in the operations counts, fragments
included each time they are spread.

Depth skips introspection, and introspection resolves no list through the object budget
(:class:`schema.context.ObjectBudget`): 30 aliases of a two-level ``__schema`` passed
every limit and built 18.9 MB. So the fields that the ``__schema``/``__type`` selections
would answer are counted first (:func:`schema.introspection.introspection_values`, over
the schema's own introspection) and a document asking for more than
``max_introspection_values`` is refused.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
)
from strawberry.extensions import AddValidationRules, SchemaExtension

from schema.introspection import introspection_values


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


def document_limits(
    max_depth: int, max_aliases: int, max_introspection_values: int
) -> Callable[[], SchemaExtension]:
    """A strawberry extension refusing documents deeper than ``max_depth``, with more
    than ``max_aliases`` aliases, or whose introspection would answer more than
    ``max_introspection_values`` fields."""

    class DocumentLimits(ValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            measure = _Measure(context.document)
            total_aliases = 0
            for definition in context.document.definitions:
                if isinstance(definition, OperationDefinitionNode):
                    depth, aliases = measure.selections(definition.selection_set)
                    total_aliases += aliases
                    if depth > max_depth:
                        name = definition.name.value if definition.name else "anonymous"
                        context.report_error(
                            GraphQLError(
                                f"'{name}' exceeds maximum operation depth of {max_depth}",
                                definition,
                            )
                        )
            if total_aliases > max_aliases:
                context.report_error(
                    GraphQLError(f"{total_aliases} aliases found. Allowed: {max_aliases}")
                )
                return  # and the introspection is not even measured
            asked = introspection_values(
                context.schema, context.document, stop_after=max_introspection_values
            )
            if asked > max_introspection_values:
                context.report_error(
                    GraphQLError(
                        f"This request asks for more than {max_introspection_values:,} "
                        "fields of the schema's description (__schema, __type); it was "
                        "refused before it ran. Ask for the schema once, without aliases "
                        "(the standard introspection query is served from a cache), or read "
                        "schema.graphql."
                    )
                )

    return partial(AddValidationRules, [DocumentLimits])
