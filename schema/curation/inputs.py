"""Input types of the curation mutations. Their fields follow the dataset format
(docs/dataset-format.md) so that :func:`as_data` turns any of them into the dict a
dataset file would hold, validated by the loader's own code."""

from __future__ import annotations

import dataclasses
import datetime
from enum import Enum
from typing import Any

import strawberry

from domain.vocabulary import ContractRelation, PartnerKind
from schema.common import Certainty, ContractStatus, Qualifier


@strawberry.input(description="One field of a stated fact whose value was inferred.")
class InferredFieldInput:
    field: str = strawberry.field(
        description="Name of the field (dataset format, e.g. `signed_on`)."
    )
    reason: str = strawberry.field(description="Why its value was inferred.")


@strawberry.input(description="Where a change comes from: required on every change.")
class ProvenanceInput:
    source: str = strawberry.field(
        description="Key of the source (document) stating the fact; create it with "
        "`createSource` first if it is new."
    )
    certainty: Certainty = strawberry.field(
        default=Certainty.STATED, description="Stated by the source or inferred by you."
    )
    reason: str | None = strawberry.field(
        default=None, description="Why it was inferred (required when INFERRED)."
    )
    inferred_fields: list[InferredFieldInput] | None = strawberry.field(
        default=None, description="Parts of a stated fact that were inferred."
    )


@strawberry.input(
    description="Exactly one territory: a commune (INSEE code), an EPCI (SIREN), a "
    "département, a région or a sub-territory (key)."
)
class TerritoryInput:
    commune: str | None = None
    epci: str | None = None
    departement: str | None = None
    region: str | None = None
    sub_territory: str | None = None


@strawberry.input(description="A new source document.")
class SourceInput:
    key: str = strawberry.field(description="Key (lower-case letters, digits and dashes).")
    title: str = strawberry.field(description="Title of the document.")
    publisher: str | None = None
    date: datetime.date | None = None
    url: str | None = None
    file: str | None = None
    note: str | None = None


@strawberry.input(description="A new partner (organisation).")
class PartnerInput:
    key: str = strawberry.field(description="Key (lower-case letters, digits and dashes).")
    kind: PartnerKind
    name: str
    siren: str | None = None
    aliases: list[str] | None = None
    governs: list[TerritoryInput] | None = strawberry.field(
        default=None, description="Territories it governs."
    )
    serves: list[TerritoryInput] | None = strawberry.field(
        default=None, description="Territories it serves."
    )


@strawberry.input(description="Changes to a partner; fields left out keep their value.")
class PartnerPatch:
    kind: PartnerKind | None = None
    name: str | None = None
    siren: str | None = None
    aliases: list[str] | None = None


@strawberry.input(description="A partner signing a contract.")
class SignatoryInput:
    partner: str = strawberry.field(description="Key of the partner.")
    role: str | None = None
    signed_on: datetime.date | None = None


strawberry.enum(
    ContractRelation,
    name="RelationKind",
    description="How a contract relates to another (dataset-format names).",
)


@strawberry.input(description="A relation from a contract to another.")
class RelationInput:
    type: ContractRelation
    target: str = strawberry.field(description="Key of the other contract.")


@strawberry.input(description="A new contract, optionally with its signatories and territories.")
class ContractInput:
    key: str = strawberry.field(description="Key (lower-case letters, digits and dashes).")
    kind: str = strawberry.field(description="Contract kind code (`ctg`, `cej`…).")
    title: str
    aliases: list[str] | None = None
    status: ContractStatus | None = None
    status_as_of: datetime.date | None = None
    signed_on: datetime.date | None = None
    start: datetime.date | None = None
    end: datetime.date | None = None
    duration_years: int | None = None
    signatories: list[SignatoryInput] | None = None
    covers: list[TerritoryInput] | None = None
    relations: list[RelationInput] | None = None


@strawberry.input(description="Changes to a contract; fields left out keep their value.")
class ContractPatch:
    kind: str | None = None
    title: str | None = None
    aliases: list[str] | None = None
    status: ContractStatus | None = None
    status_as_of: datetime.date | None = None
    signed_on: datetime.date | None = None
    start: datetime.date | None = None
    end: datetime.date | None = None
    duration_years: int | None = None


@strawberry.input(description="A new fiche action of a contract.")
class ActionInput:
    contract: str = strawberry.field(description="Key of the contract.")
    axis: int | None = strawberry.field(
        default=None, description="Number of the contract's axis it belongs to, if any."
    )
    number: int | None = strawberry.field(default=None, description="Fiche number.")
    key: str | None = strawberry.field(
        default=None, description="Own key (default `<contract>-fa-<number>`)."
    )
    title: str
    themes: list[str] | None = strawberry.field(default=None, description="Theme codes.")
    lead: str | None = strawberry.field(default=None, description="Key of the lead partner.")


@strawberry.input(description="Changes to a fiche action; fields left out keep their value.")
class ActionPatch:
    title: str | None = None
    number: int | None = None


@strawberry.input(description="Changes to a source; fields left out keep their value.")
class SourcePatch:
    title: str | None = None
    publisher: str | None = None
    date: datetime.date | None = None
    url: str | None = None
    file: str | None = None
    note: str | None = None


@strawberry.input(description="Changes to a funding's figures; fields left out keep their value.")
class FundingPatch:
    amount: float | None = None
    amount_qualifier: Qualifier | None = None
    currency: str | None = None
    tax: str | None = None
    year: int | None = None
    start: datetime.date | None = None
    end: datetime.date | None = None
    share: float | None = None
    share_qualifier: Qualifier | None = None
    purpose: str | None = None


@strawberry.input(description="A new funding fact.")
class FundingInput:
    key: str
    payer: str | None = None
    payee: str | None = None
    amount: float | None = None
    amount_qualifier: Qualifier | None = None
    currency: str | None = None
    tax: str | None = None
    year: int | None = None
    start: datetime.date | None = None
    end: datetime.date | None = None
    share: float | None = None
    share_qualifier: Qualifier | None = None
    share_of: str | None = None
    purpose: str | None = None
    territory: TerritoryInput | None = None
    contracts: list[str] | None = None


def as_data(value: Any) -> Any:
    """An input object (and what it holds) as dataset-format data: fields left out are
    dropped, enums become their dataset-format values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        data = {}
        for f in dataclasses.fields(value):
            item = getattr(value, f.name)
            if item is None or item is strawberry.UNSET:
                continue
            data[f.name] = as_data(item)
        return data
    if isinstance(value, list):
        return [as_data(item) for item in value]
    if isinstance(value, Enum):
        return value.value
    return value


def provenance_data(provenance: ProvenanceInput) -> dict[str, Any]:
    """The provenance fields of a dataset-format fact."""
    data: dict[str, Any] = {"source": provenance.source, "certainty": provenance.certainty.value}
    if provenance.reason:
        data["reason"] = provenance.reason
    if provenance.inferred_fields:
        data["inferred_fields"] = {f.field: f.reason for f in provenance.inferred_fields}
    return data
