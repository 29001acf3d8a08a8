"""Per-request DataLoaders: each batches every key asked for at one resolver level into
one Cypher query (``UNWIND $codes``), so nested fields never cost one query per object."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from strawberry.dataloader import DataLoader

from graph import node_reads, territory_reads
from graph.list_reads import ListFilter, ListQuery, Sort, fetch_pages
from graph.paging import Page, Window, page_of
from graph.reader import GraphReader, Row

_Fetch = Callable[[GraphReader, Sequence[str]], Awaitable[dict[str, list[Row]]]]
RowsLoader = DataLoader[str, list[Row]]


async def _load_many(fetch: _Fetch, reader: GraphReader, keys: list[str]) -> list[list[Row]]:
    grouped = await fetch(reader, keys)
    return [grouped.get(key, []) for key in keys]


def _loader(fetch: _Fetch, reader: GraphReader) -> RowsLoader:
    return DataLoader(load_fn=partial(_load_many, fetch, reader))


@dataclass(frozen=True)
class TerritoryLoaders:
    """Loaders keyed by territory code; each value is a list of property dicts."""

    by_code: RowsLoader
    departement: RowsLoader
    region: RowsLoader
    epci_of_commune: RowsLoader

    @classmethod
    def create(cls, reader: GraphReader) -> TerritoryLoaders:
        """Fresh loaders (and caches) for one request."""
        return cls(
            by_code=_loader(territory_reads.territories_by_code, reader),
            departement=_loader(territory_reads.departements_by_code, reader),
            region=_loader(territory_reads.regions_by_code, reader),
            epci_of_commune=_loader(territory_reads.epci_of_communes, reader),
        )


_PageKey = tuple[str, tuple[Any, ...]]


class ListLoaders:
    """Pages of lists, batched: every page asked for at one level with the same list,
    sort, window and filters (one per parent) is read by one Cypher query."""

    def __init__(self, reader: GraphReader) -> None:
        self._reader = reader
        self._requests: dict[tuple[Any, ...], tuple[ListQuery, Sort, Window, ListFilter, bool]]
        self._requests = {}
        self._loader: DataLoader[_PageKey, Page] = DataLoader(load_fn=self._load)

    def clear(self) -> None:
        """Forget every page read so far (after a write in the same request)."""
        self._loader.clear_all()

    async def page(
        self,
        list_query: ListQuery,
        parent: str,
        sort: Sort,
        win: Window,
        where: ListFilter,
        with_total: bool,
    ) -> Page:
        """The page of ``list_query`` under ``parent``, its items meeting ``where``."""
        group = (list_query.name, sort.name, win.key(), where, with_total)
        self._requests[group] = (list_query, sort, win, where, with_total)
        return await self._loader.load((parent, group))

    async def _load(self, keys: list[_PageKey]) -> list[Page]:
        parents: dict[tuple[Any, ...], list[str]] = {}
        for parent, group in keys:
            parents.setdefault(group, []).append(parent)
        results: dict[_PageKey, Page] = {}
        for group, group_parents in parents.items():
            list_query, sort, win, where, with_total = self._requests[group]
            pages = await fetch_pages(
                self._reader, list_query, group_parents, sort, win, where, with_total
            )
            for parent in group_parents:
                results[(parent, group)] = pages.get(parent) or page_of([], win, 0)
        return [results[key] for key in keys]


class NodeLoaders:
    """Nodes by label and key (territories by code), batched per label."""

    def __init__(self, reader: GraphReader) -> None:
        self._reader = reader
        self._loaders: dict[str, DataLoader[str, Row | None]] = {}

    def clear(self) -> None:
        """Forget every node read so far (after a write in the same request)."""
        self._loaders.clear()

    async def load(self, label: str, key: str) -> Row | None:
        """The node of ``label`` with ``key``, or ``None``."""
        if label not in node_reads.NODE_LABELS:
            return None
        loader = self._loaders.get(label)
        if loader is None:
            loader = DataLoader(load_fn=partial(self._load, label))
            self._loaders[label] = loader
        return await loader.load(key)

    async def _load(self, label: str, keys: list[str]) -> list[Row | None]:
        found = await node_reads.nodes_by_key(self._reader, label, keys)
        return [found.get(key) for key in keys]
