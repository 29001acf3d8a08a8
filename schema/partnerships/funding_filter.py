"""The filter every funding list accepts (payer, payee, territory, year), turned into
list conditions. Its own module, like schema/contract_filter.py, so that the contract and
partner types can take it without an import cycle."""

from __future__ import annotations

from typing import Annotated

import strawberry

from domain.vocabulary import TerritoryKind, scope_uid
from graph.list_reads import EVERY, ListFilter


@strawberry.input(description="Conditions on fundings; all given conditions must hold.")
class FundingFilter:
    payers: list[str] | None = strawberry.field(
        default=None, description="Paid by any of these partners (keys, e.g. `caf-15`)."
    )
    payees: list[str] | None = strawberry.field(
        default=None, description="Paid to (received by) any of these partners (keys)."
    )
    territory: str | None = strawberry.field(
        default=None,
        description="On this territory or on a territory inside it (a code as in "
        "`contracts(covering:)`: INSEE, SIREN, département; a sub-territory key with "
        "`territoryKind: SUB_TERRITORY`). A funding on an EPCI is inside each département "
        "its communes lie in.",
    )
    territory_kind: TerritoryKind | None = strawberry.field(
        default=None, description="Kind of the `territory` when its code is ambiguous."
    )
    year: int | None = strawberry.field(
        default=None,
        description="Concerning this year: its `year`, or else a year its period overlaps "
        "(a period with no end runs on). Fundings with neither are left out.",
    )


#: The ``filter`` argument of every funding list.
FundingFilterArg = Annotated[
    FundingFilter | None,
    strawberry.argument(description="Conditions on the fundings (all must hold)."),
]


def funding_conditions(f: FundingFilter | None) -> ListFilter:
    """The conditions of ``f`` on a funding list (none when ``f`` is ``None``)."""
    if f is None:
        return EVERY
    return ListFilter(
        payers=tuple(f.payers) if f.payers is not None else None,
        payees=tuple(f.payees) if f.payees is not None else None,
        on_territory=scope_uid(f.territory, f.territory_kind),
        year=f.year,
    )
