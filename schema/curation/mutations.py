"""Curation mutations: create, change and delete partnership facts through the API.

Every mutation needs a valid API token (checked over HTTP before anything runs; checked
again here). Its resolver turns the inputs into dataset-format records, asks
:mod:`loaders.curation` for the plan of the change (which checks it with the dataset
loader's own code) and has it written in one transaction
(:func:`graph.curation_store.apply_change`), recording its source and who made it. A
refusal is a typed result and writes nothing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any, TypeVar

import anyio.to_thread
import strawberry

from analyses.projection import PROJECTIONS
from domain.errors import (
    ChangeRefusedError,
    DatasetOwnedError,
    InputError,
    InvalidChangeError,
    KeyTakenError,
    MissingError,
    UnauthenticatedError,
)
from graph import curation_store as store
from graph.driver import open_driver, resolve_connection
from graph.partnership_store import DatasetFolderConflict, DatasetWriteSummary
from loaders import curation
from loaders.dataset_import import import_dataset_text, problems_of
from loaders.datasets import DatasetError
from schema.common import vocabularies
from schema.context import Info
from schema.curation import results as r
from schema.curation.inputs import (
    ActionInput,
    ActionPatch,
    ContractInput,
    ContractPatch,
    FundingInput,
    FundingPatch,
    PartnerInput,
    PartnerPatch,
    ProvenanceInput,
    SignatoryInput,
    SourceInput,
    SourcePatch,
    TerritoryInput,
    as_data,
    provenance_data,
)
from schema.error_codes import ErrorCode, exception_code
from schema.partnerships.actions import Action, Axis
from schema.partnerships.contracts import Contract
from schema.partnerships.fundings import Funding
from schema.partnerships.partners import Partner
from schema.partnerships.provenance import Source

ResultT = TypeVar("ResultT")
Done = Callable[[store.ChangeSummary], Awaitable[ResultT]]


async def _run(info: Info, plan: curation.Plan, done: Done[ResultT]) -> ResultT | Any:
    """Plan and write one change in one transaction; the result, or a typed refusal."""
    if info.context.caller is None:
        raise UnauthenticatedError("Curation needs an API token (Authorization: Bearer <token>).")
    reader = info.context.reader
    curator = curation.Curator(
        info.context.caller, await curation.territory_index(reader), vocabularies()
    )

    async def work(tx: store.Transaction) -> store.ChangeSummary:
        return await store.apply_change(tx, await plan(tx, curator))

    try:
        summary = await reader.writer().write(work)
    except ChangeRefusedError as refused:
        return _refusal(refused)
    _clear_caches(info)
    return await done(summary)


def _clear_caches(info: Info) -> None:
    # what this request (and the coverage analyses) read before the write is stale now
    info.context.nodes.clear()
    info.context.lists.clear()
    PROJECTIONS.clear()


def _import(text: str, replace: bool) -> DatasetWriteSummary:
    """Load one dataset text through the load pipeline (blocking: run in a thread)."""
    connection = resolve_connection()
    with open_driver(connection) as driver:
        return import_dataset_text(text, driver, connection.database, replace=replace)


async def _import_dataset(info: Info, text: str, replace: bool) -> r.ImportDatasetResult:
    """The result of loading ``text``: what was written, or why nothing was."""
    if info.context.caller is None:
        raise UnauthenticatedError("Curation needs an API token (Authorization: Bearer <token>).")
    code = ErrorCode.BAD_USER_INPUT
    try:
        summary = await anyio.to_thread.run_sync(_import, text, replace)
    except DatasetError as error:
        problems = [r.DatasetProblem(line=p.line, field=p.field, message=p.message)
                    for p in problems_of(error)]  # fmt: skip
        message = (
            f"The dataset has {len(problems)} problem(s); nothing was written. Fix each at "
            "its line (docs/dataset-format.md describes the format) and send it again."
        )
        return r.DatasetRefused(message=message, code=code, problems=problems)
    except DatasetFolderConflict as error:
        keys = ", ".join(key for key, _stored, _new in error.conflicts)
        message = (
            f"The graph holds dataset {keys} already (loaded from a file or an earlier "
            "import); nothing was written. To replace it with this text, send it again with "
            "`replace: true`; to keep both, give this one another `dataset.key`."
        )
        return r.DatasetRefused(message=message, code=code, problems=[])
    except InputError as error:
        return r.DatasetRefused(message=str(error), code=code, problems=[])
    _clear_caches(info)
    return r.DatasetImported(
        key=summary.key,
        changed=summary.changed,
        nodes=summary.nodes,
        relationships=summary.edges,
        nodes_created=summary.nodes_created,
        nodes_deleted=summary.nodes_deleted,
        relationships_created=summary.relationships_created,
        relationships_deleted=summary.relationships_deleted,
    )


def _refusal(error: ChangeRefusedError) -> Any:
    """The result type of a refused change."""
    message, code = str(error), exception_code(error)
    match error:
        case DatasetOwnedError():
            return r.OwnedByDataset(
                message=message, code=code, key=error.key, dataset=error.dataset
            )
        case KeyTakenError():
            return r.AlreadyExists(message=message, code=code, key=error.key)
        case MissingError():
            return r.NotFound(message=message, code=code, key=error.key)
        case InvalidChangeError():
            problems = [r.InputProblem(field=f, message=m, code=code) for f, m in error.problems]
            return r.InvalidInput(message=message, code=code, problems=problems)
    raise error


def _saved(info: Info, label: str, key: str, build: Callable[[dict[str, Any]], Any]) -> Done[Any]:
    async def done(_summary: store.ChangeSummary) -> Any:
        row = await info.context.nodes.load(label, key)
        if row is None:
            return r.NotFound(
                message=f"{label} {key!r} is not in the graph.", code=ErrorCode.NOT_FOUND, key=key
            )
        return build(row)

    return done


def _deleted(key: str) -> Done[r.Deleted]:
    async def done(summary: store.ChangeSummary) -> r.Deleted:
        return r.Deleted(
            key=key,
            nodes_deleted=summary.nodes_deleted,
            relationships_deleted=summary.relationships_deleted,
        )

    return done


def _source_saved(row: dict[str, Any]) -> r.SourceSaved:
    return r.SourceSaved(source=Source.from_row(row))


def _partner_saved(row: dict[str, Any]) -> r.PartnerSaved:
    return r.PartnerSaved(partner=Partner.from_row(row))


def _contract_saved(row: dict[str, Any]) -> r.ContractSaved:
    return r.ContractSaved(contract=Contract.from_row(row))


def _axis_saved(row: dict[str, Any]) -> r.AxisSaved:
    return r.AxisSaved(axis=Axis.from_row(row))


def _action_saved(row: dict[str, Any]) -> r.ActionSaved:
    return r.ActionSaved(action=Action.from_row(row))


def _funding_saved(row: dict[str, Any]) -> r.FundingSaved:
    return r.FundingSaved(funding=Funding.from_row(row))


@strawberry.type(description="Curate the graph (needs `Authorization: Bearer <token>`).")
class Mutation:
    # -- whole datasets ------------------------------------------------------------------
    @strawberry.mutation(
        description="Load one dataset, sent as the YAML text of a dataset file, into the "
        "graph in one transaction, with the checks of `ctg load partnerships`: validated "
        "against the territorial reference and the keys already in the graph, refused when "
        "the dataset is in the graph already (unless `replace`) or when replacing it would "
        "delete facts curated through the API. A refusal lists every problem at its line "
        "and writes nothing."
    )
    async def import_dataset(
        self,
        info: Info,
        yaml: Annotated[
            str,
            strawberry.argument(
                description="The dataset, as the whole text of a dataset file "
                "(`format: ctg-graph/dataset@1`, docs/dataset-format.md)."
            ),
        ],
        replace: Annotated[
            bool,
            strawberry.argument(
                description="Replace the dataset of this key if the graph holds it already."
            ),
        ] = False,
    ) -> r.ImportDatasetResult:
        return await _import_dataset(info, yaml, replace)

    # -- sources ----------------------------------------------------------------------
    @strawberry.mutation(description="Add a source document.")
    async def create_source(self, info: Info, input: SourceInput) -> r.SourceResult:
        plan = curation.create_source(as_data(input))
        return await _run(info, plan, _saved(info, "Source", input.key, _source_saved))

    @strawberry.mutation(description="Change a source added through the API.")
    async def update_source(self, info: Info, key: str, patch: SourcePatch) -> r.SourceResult:
        plan = curation.update_source(key, as_data(patch))
        return await _run(info, plan, _saved(info, "Source", key, _source_saved))

    @strawberry.mutation(description="Delete a source added through the API that no fact cites.")
    async def delete_source(self, info: Info, key: str) -> r.DeleteResult:
        return await _run(info, curation.delete_source(key), _deleted(key))

    # -- partners ----------------------------------------------------------------------
    @strawberry.mutation(description="Add a partner, with the territories it governs or serves.")
    async def create_partner(
        self, info: Info, input: PartnerInput, provenance: ProvenanceInput
    ) -> r.PartnerResult:
        plan = curation.create_partner(as_data(input), provenance_data(provenance))
        return await _run(info, plan, _saved(info, "Partner", input.key, _partner_saved))

    @strawberry.mutation(description="Change a partner added through the API.")
    async def update_partner(
        self, info: Info, key: str, patch: PartnerPatch, provenance: ProvenanceInput
    ) -> r.PartnerResult:
        plan = curation.update_partner(key, as_data(patch), provenance_data(provenance))
        return await _run(info, plan, _saved(info, "Partner", key, _partner_saved))

    @strawberry.mutation(description="Delete a partner added through the API, with its links.")
    async def delete_partner(self, info: Info, key: str) -> r.DeleteResult:
        return await _run(info, curation.delete_partner(key), _deleted(key))

    # -- contracts ---------------------------------------------------------------------
    @strawberry.mutation(
        description="Add a contract, with its signatories, territories and relations."
    )
    async def create_contract(
        self, info: Info, input: ContractInput, provenance: ProvenanceInput
    ) -> r.ContractResult:
        plan = curation.create_contract(as_data(input), provenance_data(provenance))
        return await _run(info, plan, _saved(info, "Contract", input.key, _contract_saved))

    @strawberry.mutation(description="Change a contract added through the API.")
    async def update_contract(
        self, info: Info, key: str, patch: ContractPatch, provenance: ProvenanceInput
    ) -> r.ContractResult:
        plan = curation.update_contract(key, as_data(patch), provenance_data(provenance))
        return await _run(info, plan, _saved(info, "Contract", key, _contract_saved))

    @strawberry.mutation(
        description="Delete a contract added through the API, with its axes and fiches."
    )
    async def delete_contract(self, info: Info, key: str) -> r.DeleteResult:
        return await _run(info, curation.delete_contract(key), _deleted(key))

    @strawberry.mutation(description="Record that a partner signed a contract.")
    async def add_signatory(
        self, info: Info, contract: str, signatory: SignatoryInput, provenance: ProvenanceInput
    ) -> r.ContractResult:
        plan = curation.add_signatory(contract, as_data(signatory), provenance_data(provenance))
        return await _run(info, plan, _saved(info, "Contract", contract, _contract_saved))

    @strawberry.mutation(description="Remove a signature added through the API.")
    async def remove_signatory(self, info: Info, contract: str, partner: str) -> r.ContractResult:
        plan = curation.remove_signatory(contract, partner)
        return await _run(info, plan, _saved(info, "Contract", contract, _contract_saved))

    @strawberry.mutation(description="Record that a contract covers a territory.")
    async def add_coverage(
        self,
        info: Info,
        contract: str,
        territory: TerritoryInput,
        provenance: ProvenanceInput,
    ) -> r.ContractResult:
        plan = curation.add_coverage(contract, as_data(territory), provenance_data(provenance))
        return await _run(info, plan, _saved(info, "Contract", contract, _contract_saved))

    @strawberry.mutation(description="Remove a coverage link added through the API.")
    async def remove_coverage(
        self, info: Info, contract: str, territory: TerritoryInput
    ) -> r.ContractResult:
        plan = curation.remove_coverage(contract, as_data(territory))
        return await _run(info, plan, _saved(info, "Contract", contract, _contract_saved))

    # -- axes and actions ----------------------------------------------------------------
    @strawberry.mutation(description="Add an axis to a contract.")
    async def create_axis(
        self, info: Info, contract: str, number: int, title: str, provenance: ProvenanceInput
    ) -> r.AxisResult:
        plan = curation.create_axis(contract, number, title, provenance_data(provenance))
        key = curation.axis_key(contract, number)
        return await _run(info, plan, _saved(info, "Axis", key, _axis_saved))

    @strawberry.mutation(description="Change the title of an axis added through the API.")
    async def update_axis(
        self, info: Info, key: str, title: str, provenance: ProvenanceInput
    ) -> r.AxisResult:
        plan = curation.update_axis(key, title, provenance_data(provenance))
        return await _run(info, plan, _saved(info, "Axis", key, _axis_saved))

    @strawberry.mutation(description="Delete an axis added through the API, with its fiches.")
    async def delete_axis(self, info: Info, key: str) -> r.DeleteResult:
        return await _run(info, curation.delete_axis(key), _deleted(key))

    @strawberry.mutation(description="Add a fiche action to a contract (and one of its axes).")
    async def create_action(
        self, info: Info, input: ActionInput, provenance: ProvenanceInput
    ) -> r.ActionResult:
        action = as_data(input)
        plan = curation.create_action(action, provenance_data(provenance))
        key = curation.new_action_key(action)
        return await _run(info, plan, _saved(info, "Action", key, _action_saved))

    @strawberry.mutation(description="Change a fiche action added through the API.")
    async def update_action(
        self, info: Info, key: str, patch: ActionPatch, provenance: ProvenanceInput
    ) -> r.ActionResult:
        plan = curation.update_action(key, as_data(patch), provenance_data(provenance))
        return await _run(info, plan, _saved(info, "Action", key, _action_saved))

    @strawberry.mutation(description="Delete a fiche action added through the API.")
    async def delete_action(self, info: Info, key: str) -> r.DeleteResult:
        return await _run(info, curation.delete_action(key), _deleted(key))

    @strawberry.mutation(description="Tag a fiche action with a theme (of any dataset).")
    async def tag_action(
        self, info: Info, action: str, theme: str, provenance: ProvenanceInput
    ) -> r.ActionResult:
        plan = curation.tag_action(action, theme, provenance_data(provenance))
        return await _run(info, plan, _saved(info, "Action", action, _action_saved))

    @strawberry.mutation(description="Remove a theme tag added through the API.")
    async def untag_action(self, info: Info, action: str, theme: str) -> r.ActionResult:
        plan = curation.untag_action(action, theme)
        return await _run(info, plan, _saved(info, "Action", action, _action_saved))

    # -- fundings --------------------------------------------------------------------------
    @strawberry.mutation(description="Add a funding fact.")
    async def create_funding(
        self, info: Info, input: FundingInput, provenance: ProvenanceInput
    ) -> r.FundingResult:
        plan = curation.create_funding(as_data(input), provenance_data(provenance))
        return await _run(info, plan, _saved(info, "Funding", input.key, _funding_saved))

    @strawberry.mutation(description="Change the figures of a funding added through the API.")
    async def update_funding(
        self, info: Info, key: str, patch: FundingPatch, provenance: ProvenanceInput
    ) -> r.FundingResult:
        plan = curation.update_funding(key, as_data(patch), provenance_data(provenance))
        return await _run(info, plan, _saved(info, "Funding", key, _funding_saved))

    @strawberry.mutation(description="Delete a funding added through the API.")
    async def delete_funding(self, info: Info, key: str) -> r.DeleteResult:
        return await _run(info, curation.delete_funding(key), _deleted(key))
