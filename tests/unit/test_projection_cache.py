"""Coverage projections are reused for a while, per scope, and forgotten on change."""

from __future__ import annotations

import anyio
import pytest

from analyses.projection import ProjectionCache, Rows
from domain.scopes import Scope

#: One commune of the Cantal, enough for any scope the tests ask for.
SAINT_FLOUR: Rows = {
    "regions": [["84", "Auvergne-Rhône-Alpes"]],
    "departements": [["15", "Cantal", "84"]],
    "communes": [["15187", "Saint-Flour", 6600, "15", "84", None]],
    **{name: [] for name in ("epcis", "subTerritories", "contracts", "covers")},
    **{name: [] for name in ("actions", "partners")},
}


class Reads:
    """A stand-in for the Neo4j read: which scopes were read, in order."""

    def __init__(self) -> None:
        self.scopes: list[Scope] = []

    async def __call__(self, scope: Scope) -> Rows:
        self.scopes.append(scope)
        await anyio.sleep(0.01)
        return SAINT_FLOUR


@pytest.fixture
def reads() -> Reads:
    return Reads()


def test_a_scope_is_projected_once_while_fresh_and_again_after_a_change(reads: Reads) -> None:
    cache = ProjectionCache(ttl=60)
    cantal, france = Scope("departement:15"), Scope(None)

    async def go() -> None:
        first = await cache.get(cantal, reads)
        assert await cache.get(cantal, reads) is first
        await cache.get(france, reads)
        assert reads.scopes == [cantal, france]
        cache.clear()
        assert await cache.get(cantal, reads) is not first
        assert reads.scopes == [cantal, france, cantal]
        # concurrent requests for one scope share a single projection
        cache.clear()
        async with anyio.create_task_group() as group:
            for _ in range(5):
                group.start_soon(cache.get, france, reads)
        assert reads.scopes.count(france) == 2

    anyio.run(go)


def test_no_cache_and_least_recently_used_out(reads: Reads) -> None:
    async def go() -> None:
        off = ProjectionCache(ttl=0)
        await off.get(Scope(None), reads)
        await off.get(Scope(None), reads)
        assert len(reads.scopes) == 2
        small = ProjectionCache(ttl=60, size=2)
        for uid in ("departement:15", "departement:71", "departement:15", "region:84"):
            await small.get(Scope(uid), reads)
        await small.get(Scope("departement:71"), reads)
        # 71 was the least recently used when 84 came in, so it was projected again
        assert [s.uid for s in reads.scopes[2:]] == [
            "departement:15", "departement:71", "region:84", "departement:71",
        ]  # fmt: skip

    anyio.run(go)
