"""The curation of partners: add one with the territories it governs and serves, change
its fields, delete it with its links."""

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
    territory_links,
    updated,
    validated,
)


def create_partner(partner: Record, fact: Record) -> Plan:
    """Add ``partner`` with the territories it ``governs`` and ``serves``."""
    record = {
        **partner,
        **fact,
        "governs": territory_links(partner.get("governs"), fact),
        "serves": territory_links(partner.get("serves"), fact),
    }
    return creation(
        "Partner",
        Fragment(
            source=fact["source"],
            parts={"partners": [record]},
            creating={"partner": {partner["key"]}},
        ),
    )


def update_partner(key: str, patch: Record, fact: Record) -> Plan:
    """Change the fields of ``patch`` of the partner ``key``."""

    async def plan(tx: store.Transaction, curator: Curator) -> store.Change:
        props = await existing_props(tx, "Partner", key)
        current = {k: props[k] for k in ("kind", "name", "siren", "aliases") if props.get(k)}
        partner = {**current, **patch, **fact, "key": key}
        fragment = Fragment(
            source=fact["source"], parts={"partners": [partner]}, context={"partner": {key}}
        )
        graph = await validated(tx, curator, fragment)
        return updated(curator, graph, "Partner", key, props)

    return plan


def delete_partner(key: str) -> Plan:
    """Delete the partner ``key`` with its links."""
    return deletion(("Partner", key))
