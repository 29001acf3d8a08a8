"""Root query fields over the partnership graph: look-ups by id or key, filtered lists,
full-text search and the counts researchers ask for."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import replace
from enum import Enum
from typing import Annotated, Any

import strawberry

from domain.errors import UserFacingError
from domain.vocabulary import TERRITORY_LABEL, PartnerKind
from graph import node_reads, territory_reads
from graph import partnership_reads as reads
from graph.list_reads import NAME, ListFilter, ListQuery, Sort
from graph.paging import MAX_PAGE_SIZE
from graph.reader import Row
from schema.common import (
    After,
    Before,
    First,
    Last,
    Text,
    enum_values,
    folded_text,
    theme_codes,
    vocabularies,
)
from schema.context import Info
from schema.contract_filter import CONTRACT_SORTS, ContractFilter, ContractSort, contract_conditions
from schema.partnerships.actions import Action
from schema.partnerships.bodies import Body
from schema.partnerships.contracts import Contract, ContractConnection, contract_edge
from schema.partnerships.funding_filter import FundingFilterArg
from schema.partnerships.fundings import (
    FundingConnection,
    all_fundings,
)
from schema.partnerships.partners import (
    Partner,
    PartnerConnection,
    PeopleConnection,
    Person,
    partner_edge,
)
from schema.partnerships.provenance import Source
from schema.partnerships.vocabularies import ContractKind, Theme
from schema.registry import LABEL_OF_TYPE, node_from_row
from schema.relay import (
    Connection,
    Node,
    connect,
    node_edges,
    page_args,
    parse_global_id,
)
from schema.territories.types import (
    TERRITORY_SORTS,
    Territory,
    TerritoryKind,
    TerritorySort,
    scope_uid,
    territory_from_row,
)


@strawberry.enum(description="Kinds of node `search` can be limited to.")
class SearchKind(Enum):
    # each value is the label of the nodes searched
    COMMUNE = TERRITORY_LABEL[TerritoryKind.COMMUNE]
    EPCI = TERRITORY_LABEL[TerritoryKind.EPCI]
    DEPARTEMENT = TERRITORY_LABEL[TerritoryKind.DEPARTEMENT]
    REGION = TERRITORY_LABEL[TerritoryKind.REGION]
    SUB_TERRITORY = TERRITORY_LABEL[TerritoryKind.SUB_TERRITORY]
    PARTNER = "Partner"
    PERSON = "Person"
    CONTRACT = "Contract"
    AXIS = "Axis"
    ACTION = "Action"
    THEME = "Theme"
    BODY = "Body"
    FRAMING_DOCUMENT = "FramingDocument"
    STATEMENT = "Statement"


@strawberry.type(description="A search result.")
class SearchHit:
    node: Node = strawberry.field(description="The matching node.")
    score: float = strawberry.field(description="Relevance (higher is better).")


@strawberry.type(description="How many contracts (and fiches actions) fall in one group.")
class CountBucket:
    key: str = strawberry.field(
        description="The group: a contract kind code, a theme code or a département code."
    )
    label: str | None = strawberry.field(description="Its name.")
    contracts: int = strawberry.field(description="Number of contracts in the group.")
    actions: int = strawberry.field(
        description="Per theme: fiches actions addressing it (0 for other groupings)."
    )


@strawberry.type(description="Counts of the contracts matching a filter.")
class ContractStatistics:
    where: strawberry.Private[ListFilter]
    covering: strawberry.Private[str | None] = None
    #: The contracts covering ``covering``, read once for all the counts of the request.
    covering_keys: strawberry.Private[asyncio.Task[list[str]] | None] = None

    async def _contract_keys(self, info: Info) -> list[str] | None:
        if self.covering is None:
            return None
        if self.covering_keys is None:
            self.covering_keys = asyncio.ensure_future(
                node_reads.contracts_covering(info.context.reader, self.covering)
            )
        return await self.covering_keys

    async def _counts(self, info: Info, by: str) -> list[CountBucket]:
        rows = await node_reads.contract_counts(
            info.context.reader, by, self.where, await self._contract_keys(info)
        )
        labels = _labels(by)
        return [
            CountBucket(
                key=row["key"],
                label=labels.get(row["key"]),
                contracts=row["contracts"],
                actions=row["actions"],
            )
            for row in rows
        ]

    @strawberry.field(description="Contracts per kind, most first.")
    async def by_kind(self, info: Info) -> list[CountBucket]:
        return await self._counts(info, "kind")

    @strawberry.field(
        description="Contracts with a fiche action on each theme, and those fiches; every "
        "theme of the vocabulary is listed, with 0 when none."
    )
    async def by_theme(self, info: Info) -> list[CountBucket]:
        return await self._counts(info, "theme")

    @strawberry.field(
        description="Contracts per département: a contract counts in every département where "
        "it covers a commune (directly, through an EPCI or a sub-territory)."
    )
    async def by_departement(self, info: Info) -> list[CountBucket]:
        buckets = await self._counts(info, "departement")
        found = await territory_reads.departements_by_code(
            info.context.reader, [b.key for b in buckets]
        )
        by_code = {code: rows[0]["name"] for code, rows in found.items() if rows}
        for bucket in buckets:
            bucket.label = by_code.get(bucket.key)
        return buckets


def _labels(by: str) -> dict[str, str]:
    if by == "theme":
        return {code: t["fr"] for code, t in vocabularies().themes.items()}
    if by == "kind":
        return {code: k["fr"] for code, k in vocabularies().contract_kinds.items()}
    return {}


async def _node(info: Info, global_id: str) -> Node | None:
    type_name, key = parse_global_id(global_id)
    label = LABEL_OF_TYPE.get(type_name)
    if label is None:
        return None
    row = await info.context.nodes.load(label, key)
    return node_from_row(row) if row else None


def _text_list(
    connection: Any,
    list_query: ListQuery,
    sort: Sort,
    build: Callable[[Row], Any],
    description: str,
    *,
    backward: bool = False,
) -> Any:
    """A root field listing every node of ``list_query`` (sorted by ``sort``, built by
    ``build``, filtered by ``text``) as the ``connection`` type: forward pages only, or
    also ``last``/``before`` pages when ``backward``."""

    async def both_ways(
        info: Info,
        text: Text = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Any:
        return await connect(
            info,
            connection,
            list_query,
            "*",
            sort,
            node_edges(build),
            where=ListFilter(text=folded_text(text)),
            **page_args(first, after, last, before),
        )

    async def forward(
        info: Info, text: Text = None, first: First = None, after: After = None
    ) -> Any:
        return await both_ways(info, text, first, after)

    return strawberry.field(
        resolver=both_ways if backward else forward,
        graphql_type=connection,
        description=description,
    )


@strawberry.type
class PartnershipQueries:
    @strawberry.field(description="The object with this global id, or null.")
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        return await _node(info, id)

    @strawberry.field(
        description=f"The objects with these global ids, in order (null where none); at "
        f"most {MAX_PAGE_SIZE}."
    )
    async def nodes(self, info: Info, ids: list[strawberry.ID]) -> list[Node | None]:
        if len(ids) > MAX_PAGE_SIZE:
            raise UserFacingError(f"Ask for at most {MAX_PAGE_SIZE} ids at once.")
        info.context.budget.spend(len(ids))
        # gathered, so the loaders read each label's ids in one query, not one per id
        return list(await asyncio.gather(*(_node(info, value) for value in ids)))

    @strawberry.field(description="The contract with this key (`ctg-saint-flour-2017`), or null.")
    async def contract(self, info: Info, key: str) -> Contract | None:
        row = await info.context.nodes.load("Contract", key)
        return Contract.from_row(row) if row else None

    @strawberry.field(description="The partner with this key (`caf-15`), or null.")
    async def partner(self, info: Info, key: str) -> Partner | None:
        row = await info.context.nodes.load("Partner", key)
        return Partner.from_row(row) if row else None

    @strawberry.field(
        description="The person with this key (`bernadette-ginez`), or null; a person "
        "recorded under several keys is found by each, and lists the others in `identities`."
    )
    async def person(self, info: Info, key: str) -> Person | None:
        row = await info.context.nodes.load("Person", key)
        return Person.from_row(row) if row else None

    @strawberry.field(description="The theme with this code (`jeunesse`), or null.")
    async def theme(self, info: Info, code: str) -> Theme | None:
        row = await info.context.nodes.load("Theme", code)
        return Theme.from_row(row) if row else None

    @strawberry.field(
        description="Contracts, filtered and sorted. `covering` is hierarchy-aware: a "
        "département, région or EPCI code finds the contracts covering any of its "
        "communes (directly, through their EPCI or a sub-territory), a commune code those "
        "reaching that commune."
    )
    async def contracts(
        self,
        info: Info,
        filter: ContractFilter | None = None,
        covering: Annotated[
            str | None,
            strawberry.argument(
                description="A territory code (INSEE, SIREN, département), or a "
                "sub-territory key with `coveringKind: SUB_TERRITORY`."
            ),
        ] = None,
        covering_kind: Annotated[
            TerritoryKind | None,
            strawberry.argument(
                description="Kind of the `covering` territory when its code is ambiguous "
                "(REGION for a région code; a 2–3 character code is a département otherwise)."
            ),
        ] = None,
        sort: ContractSort = ContractSort.NAME,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> ContractConnection:
        where = replace(contract_conditions(filter), covering=scope_uid(covering, covering_kind))
        return await connect(
            info,
            ContractConnection,
            reads.CONTRACTS,
            "*",
            CONTRACT_SORTS[sort],
            contract_edge,
            where=where,
            **page_args(first, after, last, before),
        )

    @strawberry.field(description="Partners (organisations), by name.")
    async def partners(
        self,
        info: Info,
        kinds: list[PartnerKind] | None = None,
        text: Text = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> PartnerConnection:
        return await connect(
            info,
            PartnerConnection,
            reads.PARTNERS,
            "*",
            NAME,
            partner_edge,
            where=ListFilter(
                partner_kinds=enum_values(kinds),
                text=folded_text(text),
            ),
            **page_args(first, after, last, before),
        )

    @strawberry.field(
        description="Territories, by name (or code, or population): all of them, or those "
        'within a territory (`within: "15"` lists the Cantal\'s communes and EPCI).'
    )
    async def territories(
        self,
        info: Info,
        kinds: list[TerritoryKind] | None = None,
        within: Annotated[
            str | None,
            strawberry.argument(description="Code of the containing territory."),
        ] = None,
        within_kind: Annotated[
            TerritoryKind | None,
            strawberry.argument(description="Kind of `within` when its code is ambiguous."),
        ] = None,
        text: Text = None,
        sort: TerritorySort = TerritorySort.NAME,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Territory]:
        return await connect(
            info,
            Connection[Territory],
            reads.TERRITORIES,
            "*",
            TERRITORY_SORTS[sort],
            node_edges(territory_from_row),
            where=ListFilter(
                territory_kinds=enum_values(kinds),
                within=scope_uid(within, within_kind),
                text=folded_text(text),
            ),
            **page_args(first, after, last, before),
        )

    @strawberry.field(description="Fiches actions, by title.")
    async def actions(
        self,
        info: Info,
        themes: list[str] | None = None,
        text: Text = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Action]:
        return await connect(
            info,
            Connection[Action],
            reads.ACTIONS,
            "*",
            NAME,
            node_edges(Action.from_row),
            where=ListFilter(themes=theme_codes(themes), text=folded_text(text)),
            **page_args(first, after, last, before),
        )

    themes = _text_list(
        Connection[Theme],
        reads.THEMES,
        NAME,
        Theme.from_row,
        "The themes of the vocabulary, by name.",
        backward=True,
    )

    @strawberry.field(description="The contract kinds of the vocabulary.")
    async def contract_kinds(
        self, info: Info, first: First = None, after: After = None
    ) -> Connection[ContractKind]:
        return await connect(
            info,
            Connection[ContractKind],
            reads.CONTRACT_KINDS,
            "*",
            NAME,
            node_edges(ContractKind.from_row),
            **page_args(first, after, None, None),
        )

    people = _text_list(
        PeopleConnection,
        reads.PEOPLE,
        NAME,
        Person.from_row,
        "People, by name, with their posts.",
        backward=True,
    )
    bodies = _text_list(
        Connection[Body], reads.BODIES, NAME, Body.from_row, "Governance bodies, by name."
    )

    @strawberry.field(
        description="Funding facts, largest amount first, optionally filtered by payer, "
        "payee, territory and year; `total` sums the whole list, each share counted once."
    )
    async def fundings(
        self,
        info: Info,
        filter: FundingFilterArg = None,
        text: Text = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> FundingConnection:
        return await all_fundings(info, filter, folded_text(text), first, after, last, before)

    sources = _text_list(
        Connection[Source],
        reads.SOURCES,
        NAME,
        Source.from_row,
        "The sources facts come from, by title.",
    )

    @strawberry.field(
        description="Full-text search over the names, titles and aliases of territories, "
        "partners, people, contracts, axes, actions, themes, bodies and framing documents, "
        "and over the text and quote of free statements; accents, case, hyphens and elided "
        "articles are ignored (`saint martin d auxy` finds Saint-Martin-d'Auxy), St/Saint, "
        "Ste/Sainte, CC, CA, CU and Caf match their long forms, the last word may be "
        "incomplete (`ecuis` finds Écuisses), and a word of five letters or more may have "
        "one typo (`creuzot` finds Le Creusot; ranked after exact matches). Best first."
    )
    async def search(
        self,
        info: Info,
        text: str,
        kinds: list[SearchKind] | None = None,
        first: Annotated[
            int, strawberry.argument(description=f"How many results (at most {MAX_PAGE_SIZE}).")
        ] = 10,
    ) -> list[SearchHit]:
        if not 1 <= first <= MAX_PAGE_SIZE:
            raise UserFacingError(f"`first` must be between 1 and {MAX_PAGE_SIZE}.")
        if len(text) > 200:
            raise UserFacingError("Search text is limited to 200 characters.")
        hits = await node_reads.search(
            info.context.reader, text, [k.value for k in kinds] if kinds else None, first
        )
        info.context.budget.spend(len(hits))
        return [SearchHit(node=node_from_row(row), score=score) for row, score in hits]

    @strawberry.field(
        description="Counts of the contracts matching `filter` and `covering` (all "
        "contracts by default) per kind, per theme and per département."
    )
    def statistics(
        self,
        filter: ContractFilter | None = None,
        covering: Annotated[
            str | None,
            strawberry.argument(
                description="Only contracts covering (part of) this territory, as in "
                "`contracts(covering:)`."
            ),
        ] = None,
        covering_kind: TerritoryKind | None = None,
    ) -> ContractStatistics:
        return ContractStatistics(
            where=contract_conditions(filter),
            covering=scope_uid(covering, covering_kind),
        )
