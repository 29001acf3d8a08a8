"""A change that fails on a late write — here because another writer took its key at the
same moment, so Neo4j's uniqueness constraint refuses the write — leaves nothing behind,
and the API answers with a typed ``AlreadyExists``, not an internal error.

The race is made deterministic: a second transaction creates the key and holds it
uncommitted; the change runs until Neo4j blocks its write on that key (seen in
``SHOW TRANSACTIONS``); then the holder commits, and the blocked write fails.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from neo4j import Driver

from graph import curation_store as store
from graph.partnership_store import NodeRow
from graph.settings import Neo4jConnection
from tests.conftest import graph_snapshot, load_seed_graph
from tests.integration.test_curation_store import apply
from tests.reliability.conftest import CURATOR


@contextmanager
def key_held(driver: Driver, label: str, key: str) -> Iterator[Callable[[], None]]:
    """A transaction that has created ``label {key}`` and not committed yet; call the
    yielded function to commit it."""
    with driver.session() as session:
        tx = session.begin_transaction()
        tx.run(
            f"CREATE (n:{label} {{key: $key, dataset: 'curation', title: 'the other writer'}})",
            key=key,
        ).consume()
        committed = False

        def commit() -> None:
            nonlocal committed
            tx.commit()
            committed = True

        try:
            yield commit
        finally:
            if not committed:
                tx.rollback()


def wait_until_blocked(driver: Driver, marker: str, timeout: float = 30) -> None:
    """Wait until a running query containing ``marker`` is blocked by a lock."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        records, _, _ = driver.execute_query(
            "SHOW TRANSACTIONS YIELD currentQuery, status RETURN currentQuery, status"
        )
        if any(marker in (r["currentQuery"] or "") and r["status"].startswith("Blocked")
               for r in records):  # fmt: skip
            return
        time.sleep(0.05)
    raise AssertionError(f"no query with {marker!r} got blocked within {timeout}s")


def in_thread(work: Callable[[], Any]) -> Callable[[], Any]:
    """Start ``work`` in a thread; the returned function waits and gives its outcome."""
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["value"] = work()
        except BaseException as error:  # handed back to the test by result()
            outcome["error"] = error

    thread = threading.Thread(target=run, daemon=True)
    thread.start()

    def result() -> Any:
        thread.join(60)
        assert not thread.is_alive(), "the racing change never finished"
        if "error" in outcome:
            raise outcome["error"]
        return outcome["value"]

    return result


def test_a_change_losing_a_race_on_its_last_node_leaves_nothing(
    driver: Driver, neo4j_connection: Neo4jConnection
) -> None:
    load_seed_graph(driver, neo4j_connection.database)
    change = store.Change(
        by="test",
        create_nodes=[
            NodeRow("Source", "race-source", {"title": "Note"}),
            NodeRow("Partner", "race-partner-a", {"name": "A"}),
            NodeRow("Partner", "race-partner", {"name": "Racing"}),  # the key taken meanwhile
        ],
    )

    with key_held(driver, "Partner", "race-partner") as commit:
        result = in_thread(lambda: apply(neo4j_connection, change))
        wait_until_blocked(driver, "CREATE (n:Partner)")
        commit()
        with pytest.raises(store.AlreadyExists, match="race-partner"):
            result()
    records, _, _ = driver.execute_query(
        "MATCH (n) WHERE n.key STARTS WITH 'race-' RETURN n.key AS key, n.title AS title"
    )
    assert [(r["key"], r["title"]) for r in records] == [("race-partner", "the other writer")]


def test_the_api_answers_a_lost_race_with_already_exists_and_writes_nothing(
    seeded_api: httpx.Client, driver: Driver
) -> None:
    mutation = """mutation { m: createContract(
        input: {key: "ctg-race", kind: "ctg", title: "CTG", start: "2024-01-01",
                signatories: [{partner: "caf-15"}], covers: [{commune: "15187"}]},
        provenance: {source: "article-caf15-ctg-saint-flour"}) {
          __typename ... on MutationError { message } } }"""
    with key_held(driver, "Contract", "ctg-race") as commit:
        before = graph_snapshot(driver)  # the holder's node is not visible yet
        result = in_thread(
            lambda: seeded_api.post("/graphql", json={"query": mutation}, headers=CURATOR)
        )
        wait_until_blocked(driver, "CREATE (n:Contract)")
        commit()
        response = result()
    assert response.status_code == 200, response.text
    answer = response.json()
    assert "errors" not in answer, answer
    assert answer["data"]["m"]["__typename"] == "AlreadyExists"
    assert "ctg-race" in answer["data"]["m"]["message"]
    # only the other writer's node was added: no signature, no coverage from the loser
    records, _, _ = driver.execute_query(
        "MATCH (c:Contract {key: 'ctg-race'}) RETURN count { (c)--() } AS links, c.title AS t"
    )
    assert [(r["links"], r["t"]) for r in records] == [(0, "the other writer")]
    driver.execute_query("MATCH (c:Contract {key: 'ctg-race'}) DELETE c")
    assert graph_snapshot(driver) == before
