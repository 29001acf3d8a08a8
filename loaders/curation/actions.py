"""The curation of a contract's axes and fiches actions: add, retitle or delete an axis;
add, change or delete a fiche action; tag it with a theme or remove one. Each is written
as an addition to its contract (:func:`loaders.curation.contracts.in_contract`).
"""

from __future__ import annotations

from domain.errors import KeyTakenError, MissingError
from graph import curation_store as store
from loaders.curation.contracts import contract_shell, in_contract
from loaders.curation.plans import (
    Curator,
    Plan,
    Record,
    deletion,
    edges_of,
    existing_props,
    nodes_of,
    unlinking,
    updated,
    validated,
)
from loaders.datasets import action_key


def axis_key(contract: str, number: int) -> str:
    """The key of the axis ``number`` of ``contract``."""
    return f"{contract}-axe-{number}"


def new_action_key(action: Record) -> str:
    """The key the fiche action ``action`` (with its ``contract``) will have."""
    path = ("contracts", 0, "actions", 0)
    return action_key(action["contract"], action.get("key"), action.get("number"), path)


def create_axis(contract: str, number: int, title: str, fact: Record) -> Plan:
    """Add the axis ``number`` titled ``title`` to ``contract``."""
    key = axis_key(contract, number)

    async def plan(tx: store.Transaction, curator: Curator) -> store.Change:
        if await store.node_props(tx, "Axis", key) is not None:
            raise KeyTakenError(f"Axis {key!r} already exists.", key)
        shell = await contract_shell(tx, contract)
        shell["axes"] = [{"number": number, "title": title, **fact}]
        graph = await validated(tx, curator, in_contract(shell, fact, contract={contract}))
        return store.Change(
            curator.name,
            create_nodes=nodes_of(graph, "Axis"),
            create_edges=edges_of(graph, touching=key),
        )

    return plan


def update_axis(key: str, title: str, fact: Record) -> Plan:
    """Change the title of the axis ``key``."""

    async def plan(tx: store.Transaction, curator: Curator) -> store.Change:
        props = await existing_props(tx, "Axis", key)
        contract = await store.contract_of_axis(tx, key)
        if contract is None:
            raise MissingError(f"Axis {key!r} has no contract.", key)
        shell = await contract_shell(tx, contract)
        shell["axes"] = [{"number": props.get("number") or 0, "title": title, **fact}]
        graph = await validated(tx, curator, in_contract(shell, fact, contract={contract}))
        return updated(curator, graph, "Axis", key, props)

    return plan


def delete_axis(key: str) -> Plan:
    """Delete the axis ``key`` with its fiches actions."""

    async def plan(tx: store.Transaction, curator: Curator) -> store.Change:
        actions = await store.axis_actions(tx, key)
        return store.Change(
            curator.name, delete_nodes=[*(("Action", a) for a in actions), ("Axis", key)]
        )

    return plan


def create_action(action: Record, fact: Record) -> Plan:
    """Add the fiche action ``action`` to its ``contract`` (and to its ``axis`` number)."""
    contract, number = action["contract"], action.get("axis")
    key = new_action_key(action)
    record = {k: v for k, v in action.items() if k not in ("contract", "axis")}
    record.update(fact)

    async def plan(tx: store.Transaction, curator: Curator) -> store.Change:
        shell = await contract_shell(tx, contract)
        if number is None:
            shell["actions"] = [record]
        else:
            axis = await existing_props(tx, "Axis", axis_key(contract, number))
            shell["axes"] = [{"number": number, "title": axis["title"], "actions": [record]}]
        fragment = in_contract(shell, fact, contract={contract})
        fragment.creating = {"action": {key}}
        graph = await validated(tx, curator, fragment)
        return store.Change(
            curator.name,
            create_nodes=nodes_of(graph, "Action"),
            create_edges=edges_of(graph, touching=key),
        )

    return plan


def update_action(key: str, patch: Record, fact: Record) -> Plan:
    """Change the fields of ``patch`` of the fiche action ``key``."""

    async def plan(tx: store.Transaction, curator: Curator) -> store.Change:
        props = await existing_props(tx, "Action", key)
        contract = await _contract_of(tx, key)
        current = {k: props[k] for k in ("title", "number") if props.get(k) is not None}
        shell = await contract_shell(tx, contract)
        shell["actions"] = [{**current, **patch, **fact, "key": key}]
        fragment = in_contract(shell, fact, contract={contract}, action={key})
        graph = await validated(tx, curator, fragment)
        return updated(curator, graph, "Action", key, props)

    return plan


def delete_action(key: str) -> Plan:
    """Delete the fiche action ``key``."""
    return deletion(("Action", key))


def tag_action(action: str, theme: str, fact: Record) -> Plan:
    """Tag the fiche action ``action`` with the theme code ``theme``."""

    async def plan(tx: store.Transaction, curator: Curator) -> store.Change:
        props = await existing_props(tx, "Action", action)
        contract = await _contract_of(tx, action)
        shell = await contract_shell(tx, contract)
        title = props.get("title") or action
        shell["actions"] = [{"key": action, "title": title, "themes": [theme], **fact}]
        fragment = in_contract(shell, fact, contract={contract}, action={action})
        graph = await validated(tx, curator, fragment)
        if await store.is_tagged(tx, action, theme):
            raise KeyTakenError(f"{action!r} is already tagged {theme!r}.", f"{action}/{theme}")
        return store.Change(curator.name, create_edges=edges_of(graph, "ADDRESSES"))

    return plan


def untag_action(action: str, theme: str) -> Plan:
    """Remove the theme ``theme`` from the fiche action ``action``."""
    return unlinking(store.EdgeRef("ADDRESSES", "Action", action, "Theme", theme))


async def _contract_of(tx: store.Transaction, action: str) -> str:
    contract = await store.contract_of_action(tx, action)
    if contract is None:
        raise MissingError(f"No fiche action {action!r} in the graph.", action)
    return contract
