"""The schema's description of itself (introspection): its size counted before it runs,
and its answers computed once and served from a cache.

Introspection is the one part of a query that no page size or object budget bounds:
``__schema { types { fields { type { fields … } } } }`` is answered from the schema in
memory, synchronously, and 30 aliases of it built 18.9 MB in 6 s while every other
client of the event loop waited. Its answer depends on the schema only, so it can be
both *measured* before it runs and *kept*:

* :func:`introspection_values` counts the fields a document's ``__schema`` and
  ``__type`` selections would answer, by walking them over the schema's own
  introspection (:func:`schema_introspection`, computed once per schema), each
  (selection, type) pair once: a few milliseconds for what would take seconds to build.
* :func:`introspection_cache` is a strawberry extension serving an operation that asks
  only for the schema (the standard introspection query of GraphiQL or a code
  generator) from a small cache; aliases and size are checked before, like any query's.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from functools import lru_cache, partial
from typing import Any, Generic, TypeVar

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    StringValueNode,
)
from graphql.utilities import introspection_from_schema
from strawberry.extensions import SchemaExtension

#: Fields of the introspection types whose value is a type reference (``{kind, name,
#: ofType}``), to be followed to the full type when named.
_TYPE_REFERENCES = frozenset(
    {"type", "ofType", "queryType", "mutationType", "subscriptionType", "interfaces",
     "possibleTypes", "types"}
)  # fmt: skip
_SCHEMA_FIELDS = frozenset({"__schema", "__type"})
T = TypeVar("T")


@lru_cache(maxsize=4)
def schema_introspection(schema: GraphQLSchema) -> Mapping[str, Any]:
    """The whole introspection of ``schema`` (``__schema`` with every type, field,
    argument and directive), computed once per schema."""
    # plain dicts and lists all the way down, which the walk below relies on
    plain: dict[str, Any] = json.loads(json.dumps(introspection_from_schema(schema)))
    return plain


class _Walk:
    """Counts the fields a selection would answer over the introspection data."""

    def __init__(self, schema: GraphQLSchema, document: DocumentNode) -> None:
        data = schema_introspection(schema)["__schema"]
        self.root: Mapping[str, Any] = data
        self.types: dict[str, Mapping[str, Any]] = {t["name"]: t for t in data["types"]}
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self._memo: dict[tuple[int, int], int] = {}
        self._compiled: dict[int, tuple[int, list[tuple[str, bool, SelectionSetNode]]]] = {}
        self._open: set[int] = set()

    def resolve(self, value: Any) -> Any:
        """A named type reference as its full type; anything else as it is."""
        if type(value) is dict and "kind" in value and value.get("name") in self.types:
            return self.types[value["name"]]
        return value

    def largest_type(self) -> Mapping[str, Any]:
        """The type ``__type(name: $variable)`` may be, at worst."""

        def size(t: Mapping[str, Any]) -> int:
            return sum(len(t.get(k) or ()) for k in ("fields", "inputFields", "enumValues"))

        return max(self.types.values(), key=size)

    def root_fields(self, selection_set: SelectionSetNode) -> Iterator[int]:
        """The count of each ``__schema``/``__type`` field of an operation's root (data
        fields are the object budget's business)."""
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode) and selection.name.value in _SCHEMA_FIELDS:
                if selection.name.value == "__schema":
                    target: Any = self.root
                else:
                    arguments = selection.arguments or ()
                    name = next((a.value for a in arguments if a.name.value == "name"), None)
                    if isinstance(name, StringValueNode):
                        target = self.types.get(name.value)
                    else:
                        target = self.largest_type()
                yield 1 + self.value(selection.selection_set, target)
            elif isinstance(selection, InlineFragmentNode):
                yield from self.root_fields(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                fragment = self.fragments.get(selection.name.value)
                if fragment is not None and id(fragment) not in self._open:
                    self._open.add(id(fragment))  # a cycle is the specified rules' to report
                    yield from self.root_fields(fragment.selection_set)
                    self._open.discard(id(fragment))

    def value(self, selection_set: SelectionSetNode | None, value: Any) -> int:
        if selection_set is None or value is None:
            return 0
        if type(value) is list:
            return sum(self.fields(selection_set, self.resolve(item)) for item in value)
        return self.fields(selection_set, self.resolve(value))

    def fields(self, selection_set: SelectionSetNode, obj: Any) -> int:
        key = (id(selection_set), id(obj))
        memo = self._memo
        if key in memo:
            return memo[key]
        memo[key] = 0  # a fragment cycle counts nothing (and is refused anyway)
        leaves, nested = self._compile(selection_set)
        total = leaves
        for name, is_reference, inner_selection in nested:
            inner = obj.get(name) if type(obj) is dict else None
            if is_reference and type(inner) is not list:
                inner = self.resolve(inner)
            total += 1 + self.value(inner_selection, inner)
        memo[key] = total
        return total

    def _compile(
        self, selection_set: SelectionSetNode
    ) -> tuple[int, list[tuple[str, bool, SelectionSetNode]]]:
        """A selection set as (its leaf fields, its fields with a selection), fragments
        flattened; each set compiled once."""
        found = self._compiled.get(id(selection_set))
        if found is not None:
            return found
        self._compiled[id(selection_set)] = (0, [])  # a cycle: refused by the specified rules
        leaves, nested = 0, []
        for selection in selection_set.selections:
            inner: SelectionSetNode | None
            if isinstance(selection, FieldNode):
                if selection.selection_set is None:
                    leaves += 1
                else:
                    name = selection.name.value
                    nested.append((name, name in _TYPE_REFERENCES, selection.selection_set))
                continue
            if isinstance(selection, InlineFragmentNode):
                inner = selection.selection_set
            else:
                assert isinstance(selection, FragmentSpreadNode)
                fragment = self.fragments.get(selection.name.value)
                inner = None if fragment is None else fragment.selection_set
            if inner is not None:
                inner_leaves, inner_nested = self._compile(inner)
                leaves, nested = leaves + inner_leaves, nested + inner_nested
        self._compiled[id(selection_set)] = compiled = (leaves, nested)
        return compiled


def introspection_values(
    schema: GraphQLSchema, document: DocumentNode, stop_after: int | None = None
) -> int:
    """How many fields the ``__schema`` and ``__type`` selections of ``document`` would
    answer (at most: every variant of a field is counted), over all its operations.

    Counting stops once past ``stop_after``. ``__typename`` and data fields are not
    counted.

    Examples
    --------
    >>> from graphql import build_schema, parse
    >>> tiny = build_schema("type Query { a: Int, b: Int }")
    >>> introspection_values(tiny, parse('{ __type(name: "Query") { fields { name } } }'))
    4
    >>> introspection_values(tiny, parse('{ x: __type(name: "Query") { name } y: __typename }'))
    2
    """
    walk = _Walk(schema, document)
    total = 0
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            for count in walk.root_fields(definition.selection_set):
                total += count
                if stop_after is not None and total > stop_after:
                    return total
    return total


def asks_only_for_the_schema(operation: OperationDefinitionNode) -> bool:
    """Whether an operation's root holds nothing but ``__schema``, ``__type`` and
    ``__typename`` fields: its answer then depends on the schema alone."""
    return all(
        isinstance(s, FieldNode) and s.name.value in (*_SCHEMA_FIELDS, "__typename")
        for s in operation.selection_set.selections
    )


class Recent(Generic[T]):
    """The ``size`` most recently used values by key, the least recently used dropped
    first."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._kept: OrderedDict[str, T] = OrderedDict()

    def get(self, key: str) -> T | None:
        """The value kept for ``key``, or None."""
        found = self._kept.get(key)
        if found is not None:
            self._kept.move_to_end(key)
        return found

    def put(self, key: str, value: T) -> None:
        """Keep ``value`` for ``key``, dropping the oldest past ``size``."""
        self._kept[key] = value
        self._kept.move_to_end(key)
        while len(self._kept) > self.size:
            self._kept.popitem(last=False)


class IntrospectionCache(SchemaExtension):
    """Serves an operation that asks only for the schema from :attr:`results`, computing
    each distinct one (query text, operation, variables) once."""

    results: Recent[Any] = Recent(16)

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        key = None
        document = context.graphql_document
        if document is not None:
            operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
            named = [o for o in operations if o.name and o.name.value == context.operation_name]
            chosen = named or operations[:1]
            if chosen and asks_only_for_the_schema(chosen[0]):
                key = json.dumps(
                    [context.query, context.operation_name, context.variables],
                    sort_keys=True,
                    default=str,
                )
                cached = self.results.get(key)
                if cached is not None:
                    context.result = cached  # strawberry then skips execution
        yield
        result = context.result
        if key is not None and result is not None and not getattr(result, "errors", None):
            self.results.put(key, result)


def introspection_cache(size: int = 16) -> Callable[[], SchemaExtension]:
    """The extension that serves schema-only operations from a cache of ``size`` answers."""
    cache = type("IntrospectionCache", (IntrospectionCache,), {"results": Recent[Any](size)})
    return partial(cache)
