"""64 clients for 60 seconds, mixing reads and curation writes: no request fails, and
afterwards the graph holds exactly the writes that were acknowledged — none lost, none
doubled.

Each client loops over a fixed mix (reads of a commune, a contract, a search, the
Cantal's coverage; writes creating a partner, signing it to a shared contract, creating a
source, deleting one of its earlier partners). Writes contend on purpose: every signature
links to the same contract. Every acknowledged write is remembered and compared with a
count in Neo4j at the end. ``CTG_LOAD_CLIENTS`` and ``CTG_LOAD_SECONDS`` change the size
(defaults 64 and 60); the figures go to test-output/reliability/concurrency.json.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import time
from dataclasses import dataclass, field
from typing import Any

import httpx
from neo4j import Driver

from tests.reliability.conftest import CURATOR, record_figures

CLIENTS = int(os.environ.get("CTG_LOAD_CLIENTS", "64"))
SECONDS = float(os.environ.get("CTG_LOAD_SECONDS", "60"))
SOURCE = '{source: "load-source"}'
READS = [
    '{ territory(code: "15187") { name ... on Commune { contracts(activeOn: "2019-06-01") '
    "{ totalCount edges { reach node { key } } } } } }",
    '{ contract(key: "ctg-saint-flour-2017") { title signatories { edges { partner { key } } } '
    "axes { edges { node { actions { totalCount } } } } } }",
    '{ search(text: "saint flour") { score node { __typename } } }',
    '{ coverage(scope: "15", on: "2019-06-01") { communesCovered communesTotal } }',
    '{ partners(text: "load", first: 5) { totalCount edges { node { key } } } }',
]


@dataclass
class Tally:
    """What the clients were told: acknowledged writes, and every failure."""

    partners: set[str] = field(default_factory=set)
    deleted: set[str] = field(default_factory=set)
    signed: set[str] = field(default_factory=set)
    sources: set[str] = field(default_factory=set)
    failures: list[str] = field(default_factory=list)
    read_ms: list[float] = field(default_factory=list)
    write_ms: list[float] = field(default_factory=list)
    #: milliseconds by operation (the query's first field)
    by_operation: dict[str, list[float]] = field(default_factory=dict)


async def send(
    client: httpx.AsyncClient, tally: Tally, query: str, write: bool
) -> dict[str, Any] | None:
    start = time.perf_counter()
    try:
        response = await client.post(
            "/graphql", json={"query": query}, headers=CURATOR if write else {}
        )
    except httpx.HTTPError as error:
        tally.failures.append(f"{type(error).__name__}: {error} for {query[:80]}")
        return None
    elapsed = (time.perf_counter() - start) * 1000
    (tally.write_ms if write else tally.read_ms).append(elapsed)
    operation = query.split("(")[0].replace("mutation { m:", "").strip(" {")
    tally.by_operation.setdefault(operation, []).append(elapsed)
    body: dict[str, Any] = response.json() if response.status_code == 200 else {}
    if response.status_code != 200 or "errors" in body:
        tally.failures.append(f"{response.status_code} {response.text[:200]} for {query[:80]}")
        return None
    data: dict[str, Any] = body["data"]
    return data


async def mutate(client: httpx.AsyncClient, tally: Tally, mutation: str, expect: str) -> bool:
    data = await send(client, tally, f"mutation {{ m: {mutation} {{ __typename "
                      "... on MutationError { message } } }", write=True)  # fmt: skip
    if data is None:
        return False
    if data["m"]["__typename"] != expect:
        tally.failures.append(f"{data['m']} for {mutation[:80]}")
        return False
    return True


async def one_client(client: httpx.AsyncClient, tally: Tally, number: int, until: float) -> None:
    step = 0
    while time.monotonic() < until:
        step += 1
        await send(client, tally, READS[(number + step) % len(READS)], write=False)
        if step % 2:
            continue
        key = f"load-p-{number}-{step}"
        made = await mutate(
            client, tally,
            f'createPartner(input: {{key: "{key}", kind: OTHER, name: "Load {number} {step}"}}, '
            f"provenance: {SOURCE})",
            "PartnerSaved",
        )  # fmt: skip
        if not made:
            continue
        tally.partners.add(key)
        signed = await mutate(
            client, tally,
            f'addSignatory(contract: "load-contract", signatory: {{partner: "{key}"}}, '
            f"provenance: {SOURCE})",
            "ContractSaved",
        )  # fmt: skip
        if signed:
            tally.signed.add(key)
        if step % 6 == 0:
            source = f"load-s-{number}-{step}"
            if await mutate(
                client, tally, f'createSource(input: {{key: "{source}", title: "S"}})',
                "SourceSaved",
            ):  # fmt: skip
                tally.sources.add(source)
        if step % 8 == 0:
            earlier = f"load-p-{number}-{step - 4}"
            if earlier in tally.partners and await mutate(
                client, tally, f'deletePartner(key: "{earlier}")', "Deleted"
            ):
                tally.deleted.add(earlier)


async def run_load(base_url: str, tally: Tally) -> float:
    limits = httpx.Limits(max_connections=CLIENTS, max_keepalive_connections=CLIENTS)
    async with httpx.AsyncClient(base_url=base_url, timeout=120, limits=limits) as client:
        for setup in (
            'createSource(input: {key: "load-source", title: "Load test"})',
            'createContract(input: {key: "load-contract", kind: "ctg", title: "Load"}, '
            f"provenance: {SOURCE})",
        ):
            assert await mutate(client, tally, setup, setup.split("(")[0].replace(
                "create", "") + "Saved"), tally.failures  # fmt: skip
        start = time.monotonic()
        until = start + SECONDS
        await asyncio.gather(*(one_client(client, tally, n, until) for n in range(CLIENTS)))
        return time.monotonic() - start


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def test_64_clients_reading_and_writing_for_60_s_lose_and_double_nothing(
    seeded_api: httpx.Client, driver: Driver
) -> None:
    tally = Tally()
    elapsed = asyncio.run(run_load(str(seeded_api.base_url), tally))
    requests = len(tally.read_ms) + len(tally.write_ms)
    figures = {
        "clients": CLIENTS,
        "seconds": round(elapsed, 1),
        "requests": requests,
        "requests_per_s": round(requests / elapsed, 1),
        "reads": len(tally.read_ms),
        "writes": len(tally.write_ms),
        "read_ms_p50": round(statistics.median(tally.read_ms), 1),
        "read_ms_p99": round(percentile(tally.read_ms, 0.99), 1),
        "write_ms_p50": round(statistics.median(tally.write_ms), 1),
        "write_ms_p99": round(percentile(tally.write_ms, 0.99), 1),
        "failures": len(tally.failures),
        "partners_created": len(tally.partners),
        "partners_deleted": len(tally.deleted),
        "signatures": len(tally.signed),
        "sources_created": len(tally.sources),
        "p50_ms_by_operation": {
            name: round(statistics.median(times), 1) for name, times in tally.by_operation.items()
        },
    }
    record_figures("concurrency", figures)
    assert tally.failures == [], tally.failures[:5]
    assert len(tally.write_ms) >= CLIENTS, "the load must write, not only read"

    def keys(query: str) -> list[str]:
        records, _, _ = driver.execute_query(query)
        return [r["key"] for r in records]

    partners = keys("MATCH (p:Partner) WHERE p.key STARTS WITH 'load-p-' RETURN p.key AS key")
    assert len(partners) == len(set(partners))
    assert set(partners) == tally.partners - tally.deleted
    signatures = keys(
        "MATCH (p:Partner)-[:SIGNED]->(:Contract {key: 'load-contract'}) RETURN p.key AS key"
    )
    assert sorted(signatures) == sorted(tally.signed - tally.deleted), "lost or doubled"
    sources = keys("MATCH (s:Source) WHERE s.key STARTS WITH 'load-s-' RETURN s.key AS key")
    assert sorted(sources) == sorted(tally.sources)
    # and the API agrees with the database
    total = seeded_api.post(
        "/graphql",
        json={"query": '{ contract(key: "load-contract") { signatories { totalCount } } }'},
    ).json()["data"]["contract"]["signatories"]["totalCount"]
    assert total == len(signatures)
