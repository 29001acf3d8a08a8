"""The curation of funding facts: add one, change its figures, delete it."""

from __future__ import annotations

from graph import curation_store as store
from loaders.curation.plans import (
    Curator,
    Fragment,
    Plan,
    Record,
    creation,
    deletion,
    existing_props,
    updated,
    validated,
)
from loaders.date_properties import stored_value

#: Dataset-format field → Neo4j property of a funding.
FUNDING_FIELDS = {
    "amount": "amount",
    "amount_qualifier": "amountQualifier",
    "currency": "currency",
    "tax": "tax",
    "year": "year",
    "start": "start",
    "end": "end",
    "share": "share",
    "share_qualifier": "shareQualifier",
    "purpose": "purpose",
}


def create_funding(funding: Record, fact: Record) -> Plan:
    """Add the funding fact ``funding``."""
    return creation(
        "Funding",
        Fragment(
            source=fact["source"],
            parts={"fundings": [{**funding, **fact}]},
            creating={"funding": {funding["key"]}},
        ),
    )


def update_funding(key: str, patch: Record, fact: Record) -> Plan:
    """Change the figures of ``patch`` of the funding ``key``."""

    async def plan(tx: store.Transaction, curator: Curator) -> store.Change:
        props = await existing_props(tx, "Funding", key)
        current = {
            name: stored_value(props, prop)
            for name, prop in FUNDING_FIELDS.items()
            if stored_value(props, prop) is not None
        }
        funding = {**current, **patch, **fact, "key": key}
        fragment = Fragment(
            source=fact["source"], parts={"fundings": [funding]}, context={"funding": {key}}
        )
        graph = await validated(tx, curator, fragment)
        return updated(curator, graph, "Funding", key, props)

    return plan


def delete_funding(key: str) -> Plan:
    """Delete the funding ``key``."""
    return deletion(("Funding", key))
