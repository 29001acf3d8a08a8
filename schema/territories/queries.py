"""Root query fields over the territorial reference."""

from __future__ import annotations

import strawberry

from graph import territory_reads
from schema.context import Info
from schema.territories.types import Territory, TerritoryKind, normalise_code, pick_territory


@strawberry.type(description="A territorial reference data set loaded into the graph.")
class ReferenceData:
    name: str = strawberry.field(description="Human name of the data set.")
    package: str = strawberry.field(description="npm package it was read from.")
    version: str = strawberry.field(description="Version of that package.")
    vintage: int = strawberry.field(description="Year the territories describe.")
    departements: list[str] = strawberry.field(
        description="Codes of the départements whose communes and EPCI are loaded."
    )


@strawberry.type
class TerritoryQueries:
    @strawberry.field(
        description=(
            "The territory with this official code: INSEE code of a commune (15187), SIREN of "
            "an EPCI (200066660), code of a département (15, 2A) or région (84). A code that "
            "names both a région and a département needs `kind`. Null when nothing has it."
        )
    )
    async def territory(
        self,
        info: Info,
        code: str,
        kind: TerritoryKind | None = strawberry.UNSET,
    ) -> Territory | None:
        cleaned = normalise_code(code)
        rows = await info.context.territories.by_code.load(cleaned)
        return pick_territory(cleaned, rows, kind or None)

    @strawberry.field(description="The territorial reference data sets in the graph.")
    async def reference_data(self, info: Info) -> list[ReferenceData]:
        rows = await territory_reads.reference_info(info.context.reader)
        return [
            ReferenceData(
                name=str(row.get("name") or row["key"]),
                package=row["package"],
                version=row["version"],
                vintage=row["vintage"],
                departements=list(row.get("departements") or []),
            )
            for row in rows
        ]
