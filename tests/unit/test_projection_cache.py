"""Coverage projections are reused for a while, per scope, and forgotten on change."""

from __future__ import annotations

import anyio
import networkx as nx
import pytest

from graph import coverage_reads
from graph.coverage_reads import ProjectionCache, Scope


@pytest.fixture
def projections(monkeypatch: pytest.MonkeyPatch) -> list[Scope]:
    calls: list[Scope] = []

    async def fake(_reader: object, scope: Scope) -> nx.MultiDiGraph:
        calls.append(scope)
        await anyio.sleep(0.01)
        return nx.MultiDiGraph(name=str(scope.uid))

    monkeypatch.setattr(coverage_reads, "project_async", fake)
    return calls


def test_a_scope_is_projected_once_while_fresh_and_again_after_a_change(
    projections: list[Scope],
) -> None:
    cache = ProjectionCache(ttl=60)
    cantal, france = Scope("departement:15"), Scope(None)

    async def go() -> None:
        first = await cache.get(None, cantal)  # type: ignore[arg-type]
        assert await cache.get(None, cantal) is first  # type: ignore[arg-type]
        await cache.get(None, france)  # type: ignore[arg-type]
        assert projections == [cantal, france]
        cache.clear()
        assert await cache.get(None, cantal) is not first  # type: ignore[arg-type]
        assert projections == [cantal, france, cantal]
        # concurrent requests for one scope share a single projection
        cache.clear()
        async with anyio.create_task_group() as group:
            for _ in range(5):
                group.start_soon(cache.get, None, france)  # type: ignore[arg-type]
        assert projections.count(france) == 2

    anyio.run(go)


def test_no_cache_and_least_recently_used_out(projections: list[Scope]) -> None:
    async def go() -> None:
        off = ProjectionCache(ttl=0)
        await off.get(None, Scope(None))  # type: ignore[arg-type]
        await off.get(None, Scope(None))  # type: ignore[arg-type]
        assert len(projections) == 2
        small = ProjectionCache(ttl=60, size=2)
        for uid in ("departement:15", "departement:71", "departement:15", "region:84"):
            await small.get(None, Scope(uid))  # type: ignore[arg-type]
        await small.get(None, Scope("departement:71"))  # type: ignore[arg-type]
        # 71 was the least recently used when 84 came in, so it was projected again
        assert [s.uid for s in projections[2:]] == [
            "departement:15", "departement:71", "region:84", "departement:71",
        ]  # fmt: skip

    anyio.run(go)
