"""Per-request DataLoaders: each batches every key asked for at one resolver level into
one Cypher query (``UNWIND $codes``), so nested fields never cost one query per object."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from functools import partial

from strawberry.dataloader import DataLoader

from graph import territory_reads
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
    members_of_epci: RowsLoader
    departements_of_epci: RowsLoader
    departements_of_region: RowsLoader

    @classmethod
    def create(cls, reader: GraphReader) -> TerritoryLoaders:
        """Fresh loaders (and caches) for one request."""
        return cls(
            by_code=_loader(territory_reads.territories_by_code, reader),
            departement=_loader(territory_reads.departements_by_code, reader),
            region=_loader(territory_reads.regions_by_code, reader),
            epci_of_commune=_loader(territory_reads.epci_of_communes, reader),
            members_of_epci=_loader(territory_reads.members_of_epcis, reader),
            departements_of_epci=_loader(territory_reads.departements_of_epcis, reader),
            departements_of_region=_loader(territory_reads.departements_of_regions, reader),
        )
