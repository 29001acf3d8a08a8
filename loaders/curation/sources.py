"""The curation of source documents: add one, change its fields, delete one no fact cites."""

from __future__ import annotations

from domain.errors import InvalidChangeError
from graph import curation_store as store
from loaders.curation.plans import (
    Curator,
    Fragment,
    Plan,
    Record,
    creation,
    existing_props,
    native,
    nodes_of,
    validated,
)


def create_source(source: Record) -> Plan:
    """Add the source document ``source``."""
    return creation("Source", Fragment({"sources": [source]}, creating={"source": {source["key"]}}))


def update_source(key: str, patch: Record) -> Plan:
    """Change the fields of ``patch`` of the source ``key``."""

    async def plan(tx: store.Transaction, curator: Curator) -> store.Change:
        props = await existing_props(tx, "Source", key)
        fields = ("title", "publisher", "date", "url", "file", "note")
        current = {f: native(props[f]) for f in fields if props.get(f) is not None}
        source = {**current, **patch, "key": key}
        fragment = Fragment({"sources": [source]}, context={"source": {key}})
        graph = await validated(tx, curator, fragment)
        return store.Change(curator.name, update_nodes=nodes_of(graph, "Source"))

    return plan


def delete_source(key: str) -> Plan:
    """Delete the source ``key``, which no fact may cite."""

    async def plan(tx: store.Transaction, curator: Curator) -> store.Change:
        citing = await store.facts_citing(tx, key)
        if citing:
            raise InvalidChangeError(
                f"Source {key!r} is cited by {citing} fact(s); delete or re-source them first.",
                [],
            )
        return store.Change(curator.name, delete_nodes=[("Source", key)])

    return plan
