"""The filter and sort every contract list accepts, turned into list conditions."""

from __future__ import annotations

import datetime
from enum import Enum

import strawberry

from graph import partnership_reads as reads
from graph.list_reads import EVERY, NAME, ListFilter, Sort
from schema.common import ContractStatus, enum_values, folded_text, kind_codes, theme_codes
from schema.dates import Activity


@strawberry.enum(description="Orders of contract lists.")
class ContractSort(Enum):
    NAME = "NAME"
    START = "START"
    START_DESC = "START_DESC"
    SIGNED = "SIGNED"


CONTRACT_SORTS: dict[ContractSort, Sort] = {
    ContractSort.NAME: NAME,
    ContractSort.START: reads.BY_START,
    ContractSort.START_DESC: reads.BY_START_DESC,
    ContractSort.SIGNED: reads.BY_SIGNED,
}


@strawberry.input(description="Conditions on contracts; all given conditions must hold.")
class ContractFilter:
    kinds: list[str] | None = strawberry.field(
        default=None, description="Contract kind codes (`ctg`, `cej`…): any of them."
    )
    statuses: list[ContractStatus] | None = strawberry.field(
        default=None, description="Any of these statuses."
    )
    active_on: datetime.date | None = strawberry.field(
        default=None,
        description="Applies on this date: by default certainly (its activity on that day "
        "is ACTIVE); see `activity` for the possibly active (ACTIVE or UNKNOWN: a missing "
        "date, or a day inside the year or month a bound is known to).",
    )
    activity: list[Activity] | None = strawberry.field(
        default=None,
        description="With `activeOn`: keep contracts whose activity on that day is one of "
        "these (default [ACTIVE]). [ACTIVE, UNKNOWN] asks for the possibly active, "
        "[UNKNOWN] for those their dates cannot decide, [INACTIVE] for the certainly "
        "inactive.",
    )
    themes: list[str] | None = strawberry.field(
        default=None,
        description="Has a fiche action on any of these theme codes (`jeunesse`…).",
    )
    signed_by: list[str] | None = strawberry.field(
        default=None, description="Signed by any of these partners (keys, e.g. `caf-15`)."
    )
    text: str | None = strawberry.field(
        default=None, description="Title or aliases contain this text (accents ignored)."
    )


def contract_conditions(f: ContractFilter | None) -> ListFilter:
    """The conditions of ``f`` on a contract list (none when ``f`` is ``None``)."""
    if f is None:
        return EVERY
    return ListFilter(
        kinds=kind_codes(f.kinds, "filter.kinds"),
        statuses=tuple(s.value for s in f.statuses) if f.statuses is not None else None,
        active_on=f.active_on,
        activity=enum_values(f.activity),
        themes=theme_codes(f.themes, "filter.themes"),
        signed_by=tuple(f.signed_by) if f.signed_by is not None else None,
        text=folded_text(f.text),
    )
