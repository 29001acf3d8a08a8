"""The names people go by in the graph, read before a load to refuse an alias that is
already another person's name (:func:`loaders.people.check_people_in_graph`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import LiteralString

from neo4j import Driver, RoutingControl

_PEOPLE: LiteralString = """
MATCH (p:Person) WHERE NOT coalesce(p.dataset, '') IN $excluding
RETURN p.key AS key, p.name AS name, coalesce(p.aliases, []) AS aliases,
       p.dataset AS dataset, COLLECT { MATCH (p)-[:SAME_AS]-(q:Person) RETURN q.key } AS same
ORDER BY key
"""


@dataclass(frozen=True)
class StoredPerson:
    """A person in the graph: its names, its dataset, the people declared the same."""

    key: str
    name: str
    aliases: tuple[str, ...]
    dataset: str | None
    same_as: tuple[str, ...]


def people_in_graph(
    driver: Driver, database: str, excluding: Sequence[str] = ()
) -> list[StoredPerson]:
    """Every person in the graph but those of the datasets ``excluding`` (the datasets a
    load is about to replace), by key."""
    records, _, _ = driver.execute_query(
        _PEOPLE, {"excluding": list(excluding)}, database_=database, routing_=RoutingControl.READ
    )
    return [
        StoredPerson(
            r["key"], r["name"] or r["key"], tuple(r["aliases"]), r["dataset"], tuple(r["same"])
        )
        for r in records
    ]
