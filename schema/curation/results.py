"""What curation mutations answer: the saved object, or a typed reason it was refused.
Expected failures are results, not GraphQL errors, so clients can branch on them."""

from __future__ import annotations

from typing import Annotated

import strawberry

from schema.error_codes import ErrorCode
from schema.partnerships.actions import Action, Axis
from schema.partnerships.contracts import Contract
from schema.partnerships.fundings import Funding
from schema.partnerships.partners import Partner
from schema.partnerships.provenance import Source


@strawberry.interface(description="Why a change was refused; nothing was written.")
class MutationError:
    message: str = strawberry.field(description="What is wrong and what to do.")
    code: ErrorCode = strawberry.field(
        description="The refusal's code, as in a GraphQL error's `extensions.code`: "
        "BAD_USER_INPUT, NOT_FOUND, ALREADY_EXISTS or OWNED_BY_DATASET."
    )


@strawberry.type(description="One problem in the input, located by its dataset-format path.")
class InputProblem:
    field: str = strawberry.field(description="Path of the field (e.g. `partners[0].siren`).")
    message: str = strawberry.field(description="What is wrong with it.")
    code: ErrorCode = strawberry.field(
        description="The problem's code: BAD_USER_INPUT (the value breaks the dataset "
        "format's rules)."
    )


@strawberry.type(description="The input breaks the dataset format's rules.")
class InvalidInput(MutationError):
    problems: list[InputProblem] = strawberry.field(description="Every problem found.")


@strawberry.type(description="Something the change names is not in the graph.")
class NotFound(MutationError):
    key: str = strawberry.field(description="What was looked for.")


@strawberry.type(description="The key is taken.")
class AlreadyExists(MutationError):
    key: str = strawberry.field(description="The key asked for.")


@strawberry.type(
    description="The fact comes from a dataset file: change the file and reload it instead."
)
class OwnedByDataset(MutationError):
    key: str = strawberry.field(description="What was to be changed.")
    dataset: str = strawberry.field(description="The dataset that owns it.")


@strawberry.type(description="A source was saved.")
class SourceSaved:
    source: Source


@strawberry.type(description="A partner was saved.")
class PartnerSaved:
    partner: Partner


@strawberry.type(description="A contract was saved (or one of its links changed).")
class ContractSaved:
    contract: Contract


@strawberry.type(description="An axis was saved.")
class AxisSaved:
    axis: Axis


@strawberry.type(description="A fiche action was saved (or its themes changed).")
class ActionSaved:
    action: Action


@strawberry.type(description="A funding was saved.")
class FundingSaved:
    funding: Funding


@strawberry.type(description="Something was deleted.")
class Deleted:
    key: str = strawberry.field(description="Key of what was deleted.")
    nodes_deleted: int = strawberry.field(description="Nodes deleted (with dependents).")
    relationships_deleted: int = strawberry.field(description="Relationships deleted.")


_Errors = InvalidInput | NotFound | AlreadyExists | OwnedByDataset
SourceResult = Annotated[SourceSaved | _Errors, strawberry.union("SourceResult")]
PartnerResult = Annotated[PartnerSaved | _Errors, strawberry.union("PartnerResult")]
ContractResult = Annotated[ContractSaved | _Errors, strawberry.union("ContractResult")]
AxisResult = Annotated[AxisSaved | _Errors, strawberry.union("AxisResult")]
ActionResult = Annotated[ActionSaved | _Errors, strawberry.union("ActionResult")]
FundingResult = Annotated[FundingSaved | _Errors, strawberry.union("FundingResult")]
DeleteResult = Annotated[Deleted | _Errors, strawberry.union("DeleteResult")]


@strawberry.type(description="One problem of a dataset text, located by its line.")
class DatasetProblem:
    line: int | None = strawberry.field(
        description="Line of the YAML text (1 is the first); null for the whole text."
    )
    field: str = strawberry.field(
        description="Path of the field in the dataset format (e.g. `contracts[0].kind`); "
        "empty for the whole text."
    )
    message: str = strawberry.field(description="What is wrong and what to do.")


@strawberry.type(description="A dataset was loaded into the graph, in one transaction.")
class DatasetImported:
    key: str = strawberry.field(description="The dataset's key (`dataset.key` of its text).")
    changed: bool = strawberry.field(
        description="False when the graph held this very dataset already: nothing was written."
    )
    nodes: int = strawberry.field(description="Nodes the dataset defines.")
    relationships: int = strawberry.field(description="Relationships the dataset defines.")
    nodes_created: int = strawberry.field(description="Nodes this load created.")
    nodes_deleted: int = strawberry.field(description="Nodes this load deleted (a reload).")
    relationships_created: int = strawberry.field(description="Relationships created.")
    relationships_deleted: int = strawberry.field(description="Relationships deleted.")


@strawberry.type(
    description="The dataset was refused as `ctg load partnerships` refuses a file; nothing "
    "was written."
)
class DatasetRefused(MutationError):
    problems: list[DatasetProblem] = strawberry.field(
        description="Every problem of the text, each at its line; empty when the refusal is "
        "about the graph (the dataset is there already, a reload would delete curated facts)."
    )


ImportDatasetResult = Annotated[
    DatasetImported | DatasetRefused, strawberry.union("ImportDatasetResult")
]
