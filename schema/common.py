"""Arguments, enums and helpers shared by every part of the schema."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from enum import Enum
from functools import cache
from typing import Annotated, Any

import strawberry

from domain.errors import UserFacingError
from domain.names import fold

# re-exported, published below as GraphQL enums: import them from here in the schema
from domain.vocabulary import Certainty as Certainty
from domain.vocabulary import ContractStatus as ContractStatus
from domain.vocabulary import PartnerKind as PartnerKind
from domain.vocabulary import Qualifier as Qualifier
from graph.reader import Row
from loaders.datasets import Vocabularies

First = Annotated[
    int | None,
    strawberry.argument(description="Page size, from the start (default 20, at most 100)."),
]
After = Annotated[str | None, strawberry.argument(description="Read the items after this cursor.")]
Last = Annotated[
    int | None,
    strawberry.argument(description="Page size, from the end (at most 100)."),
]
Before = Annotated[
    str | None, strawberry.argument(description="Read the items before this cursor.")
]
Text = Annotated[
    str | None,
    strawberry.argument(
        description="Keep items whose name, title or aliases contain this text "
        "(accents and case ignored)."
    ),
]

# The GraphQL enums of the domain's words (domain.vocabulary), each under its own name.
strawberry.enum(
    PartnerKind, name="PartnerKind", description="What kind of organisation a partner is."
)
strawberry.enum(
    Certainty,
    name="Certainty",
    description="Whether the source states a fact or the dataset author inferred it.",
)
strawberry.enum(ContractStatus, name="ContractStatus", description="Where a contract stands.")
strawberry.enum(
    Qualifier, name="Qualifier", description="Qualifies an amount or share as the source gives it."
)


def enum_values(members: Sequence[Enum] | None) -> tuple[str, ...] | None:
    """The values of enum ``members`` (``None`` stays ``None``: no condition)."""
    return tuple(m.value for m in members) if members is not None else None


def as_date(value: Any) -> datetime.date | None:
    """A Neo4j ``Date`` (or ISO text) as a Python date."""
    if value is None:
        return None
    if isinstance(value, datetime.date):
        return value
    if hasattr(value, "to_native"):
        native: datetime.date = value.to_native()
        return native
    return datetime.date.fromisoformat(str(value))


#: Folding turns apostrophes into spaces, so no folded name contains one.
MATCHES_NOTHING = "'"


def folded_text(text: str | None) -> str | None:
    """The folded form of a "contains" filter: ``None`` (no filter) when blank, and text
    that matches nothing when it has only punctuation (``'--`` must not list everything).

    >>> folded_text("  "), folded_text("Saint-Flour"), folded_text("'--")
    (None, 'saint flour', "'")
    """
    if text is None or not text.strip():
        return None
    return fold(text) or MATCHES_NOTHING


@cache
def vocabularies() -> Vocabularies:
    """The theme and contract-kind vocabularies (data/vocabularies), read once."""
    return Vocabularies.load()


def checked_codes(
    codes: Sequence[str] | None, known: Callable[[], dict[str, Any]], what: str, argument: str
) -> tuple[str, ...] | None:
    """``codes`` if all are known; otherwise a clear error listing the valid ones."""
    if codes is None:
        return None
    valid = known()
    unknown = [code for code in codes if code not in valid]
    if unknown:
        raise UserFacingError(
            f"`{argument}`: unknown {what} {', '.join(map(repr, unknown))}. "
            f"Known {what}s: {', '.join(sorted(valid))}."
        )
    return tuple(codes)


def theme_codes(codes: Sequence[str] | None, argument: str = "themes") -> tuple[str, ...] | None:
    """Checked theme codes (``petite-enfance``, ``jeunesse``…)."""
    return checked_codes(codes, lambda: vocabularies().themes, "theme", argument)


def kind_codes(codes: Sequence[str] | None, argument: str = "kinds") -> tuple[str, ...] | None:
    """Checked contract-kind codes (``ctg``, ``cej``…)."""
    return checked_codes(codes, lambda: vocabularies().contract_kinds, "contract kind", argument)


def provenance_fields(row: Row) -> dict[str, Any]:
    """Constructor arguments of :class:`schema.provenance.Provenance` from a node or
    relationship's properties."""
    certainty = row.get("certainty")
    return {
        "certainty": Certainty(certainty) if certainty else None,
        "reason": row.get("reason"),
        "inferred_fields": list(row.get("inferredFields") or []),
        "source_keys": [k for k in [*(row.get("sources") or []), row.get("source")] if k],
        "dataset": row.get("dataset"),
        "curated_by": row.get("curatedBy"),
    }
