"""GraphQL types of the French administrative map: communes, EPCI, départements, régions."""

from __future__ import annotations

import re
from enum import Enum
from typing import Any

import strawberry

from graph.errors import UserFacingError
from graph.reader import Row
from schema.context import Info


@strawberry.enum(description="The kinds of territory in the graph.")
class TerritoryKind(Enum):
    COMMUNE = "commune"
    EPCI = "epci"
    DEPARTEMENT = "departement"
    REGION = "region"


@strawberry.interface(
    description=(
        "A territory of the official French map, keyed by its official code: INSEE code for "
        "a commune, SIREN for an EPCI, code for a département or région."
    )
)
class Territory:
    code: str = strawberry.field(description="Official code (INSEE, SIREN, département or région).")
    name: str = strawberry.field(description="Official name in the reference.")
    kind: TerritoryKind = strawberry.field(description="Which kind of territory this is.")
    population: int | None = strawberry.field(
        description="Population (total population for an EPCI; sum of its communes for a "
        "département or région); null when the reference has none."
    )
    vintage: int | None = strawberry.field(
        description="Year of the territorial reference this territory comes from."
    )


@strawberry.type(description="A current commune (commune actuelle).")
class Commune(Territory):
    siren: str | None = strawberry.field(description="SIREN of the commune as an organisation.")
    postal_codes: list[str] = strawberry.field(description="Postal codes serving the commune.")
    departement_code: strawberry.Private[str]
    region_code: strawberry.Private[str]

    @strawberry.field(description="The département the commune lies in.")
    async def departement(self, info: Info) -> Departement | None:
        rows = await info.context.territories.departement.load(self.departement_code)
        return Departement.from_row(rows[0]) if rows else None

    @strawberry.field(description="The région the commune lies in.")
    async def region(self, info: Info) -> Region | None:
        rows = await info.context.territories.region.load(self.region_code)
        return Region.from_row(rows[0]) if rows else None

    @strawberry.field(
        description="The EPCI (intercommunality) the commune is a member of; null for the "
        "few communes in none (some islands)."
    )
    async def epci(self, info: Info) -> Epci | None:
        rows = await info.context.territories.epci_of_commune.load(self.code)
        return Epci.from_row(rows[0]) if rows else None

    @classmethod
    def from_row(cls, row: Row) -> Commune:
        return cls(
            **_common(row),
            siren=row.get("siren"),
            postal_codes=list(row.get("postalCodes") or []),
            departement_code=row["departement"],
            region_code=row["region"],
        )


@strawberry.type(
    name="EPCI",
    description=(
        "An établissement public de coopération intercommunale à fiscalité propre: CC, CA, "
        "CU or métropole, keyed by SIREN."
    ),
)
class Epci(Territory):
    epci_type: str = strawberry.field(
        description="CC, CA, CU, METRO (métropole) or MET69 (Métropole de Lyon)."
    )
    financing: str | None = strawberry.field(description="Fiscal regime (FPU, FA…).")
    member_count: int = strawberry.field(
        description="Number of member communes in the reference (all of them, even when only "
        "some départements are loaded)."
    )

    @strawberry.field(description="Member communes loaded in the graph, by name.")
    async def members(self, info: Info) -> list[Commune]:
        rows = await info.context.territories.members_of_epci.load(self.code)
        info.context.budget.spend(len(rows))
        return [Commune.from_row(row) for row in rows]

    @strawberry.field(description="Départements its member communes lie in, most members first.")
    async def departements(self, info: Info) -> list[Departement]:
        rows = await info.context.territories.departements_of_epci.load(self.code)
        info.context.budget.spend(len(rows))
        return [Departement.from_row(row) for row in rows]

    @classmethod
    def from_row(cls, row: Row) -> Epci:
        return cls(
            **_common(row),
            epci_type=row["epciType"],
            financing=row.get("financing") or None,
            member_count=int(row.get("memberCount") or 0),
        )


@strawberry.type(description="A département.")
class Departement(Territory):
    region_code: strawberry.Private[str]

    @strawberry.field(description="The région of the département.")
    async def region(self, info: Info) -> Region | None:
        rows = await info.context.territories.region.load(self.region_code)
        return Region.from_row(rows[0]) if rows else None

    @classmethod
    def from_row(cls, row: Row) -> Departement:
        return cls(**_common(row), region_code=row["region"])


@strawberry.type(description="A région.")
class Region(Territory):
    @strawberry.field(description="Départements of the région, by code.")
    async def departements(self, info: Info) -> list[Departement]:
        rows = await info.context.territories.departements_of_region.load(self.code)
        info.context.budget.spend(len(rows))
        return [Departement.from_row(row) for row in rows]

    @classmethod
    def from_row(cls, row: Row) -> Region:
        return cls(**_common(row))


_BUILDERS = {
    "commune": Commune.from_row,
    "epci": Epci.from_row,
    "departement": Departement.from_row,
    "region": Region.from_row,
}
_CODE = re.compile(r"^(\d{2,3}|2[AB]|[0-9][0-9AB]\d{3}|\d{9})$")


def territory_from_row(row: Row) -> Territory:
    """The GraphQL object for a territory node's properties."""
    return _BUILDERS[row["kind"]](row)


def normalise_code(code: str) -> str:
    """Trim and upper-case a code (``2a001`` → ``2A001``); reject what cannot be a code."""
    cleaned = code.strip().upper()
    if not _CODE.match(cleaned):
        raise UserFacingError(
            f"{code!r} is not a territory code. Use an INSEE commune code (5 characters, e.g. "
            "15187), an EPCI SIREN (9 digits, e.g. 200066660), a département code (15, 2A, "
            "974) or a région code (84)."
        )
    return cleaned


def pick_territory(code: str, rows: list[Row], kind: TerritoryKind | None) -> Territory | None:
    """The one territory among ``rows`` of ``kind``; refuse an ambiguous code."""
    if kind is not None:
        rows = [row for row in rows if row["kind"] == kind.value]
    if not rows:
        return None
    if len(rows) > 1:
        names = " and ".join(f"{row['kind']} {row['name']}" for row in rows)
        kinds = " or ".join(row["kind"].upper() for row in rows)
        raise UserFacingError(
            f"Code {code!r} names several territories ({names}); pass kind: {kinds}."
        )
    return territory_from_row(rows[0])


def _common(row: Row) -> dict[str, Any]:
    return {
        "code": row["code"],
        "name": row["name"],
        "kind": TerritoryKind(row["kind"]),
        "population": row.get("population"),
        "vintage": row.get("vintage"),
    }
