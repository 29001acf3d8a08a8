"""The controlled vocabularies of the partnership graph as GraphQL types: themes of
public action and contract kinds (data/vocabularies/).
"""

from __future__ import annotations

import strawberry

from graph import partnership_reads as reads
from graph.list_reads import NAME, ListFilter
from graph.reader import Row
from schema.common import After, Before, First, Last, Text, folded_text
from schema.context import Info
from schema.contract_filter import CONTRACT_SORTS, ContractFilter, ContractSort, contract_conditions
from schema.partnerships import fact_fields
from schema.registry import register
from schema.relay import Connection, Node, connect, global_id, listed, node_edges, page_args


@listed(edge="A theme in a list.", node="The theme.", page="A page of themes.")
@register("Theme")
@strawberry.type(
    description="A theme of public action (the Cnaf's domains and more), from the "
    "controlled vocabulary in data/vocabularies/themes.yaml."
)
class Theme(Node):
    code: str = strawberry.field(description="Code of the theme (`petite-enfance`…).")
    name: str = strawberry.field(description="French label.")
    name_en: str | None = strawberry.field(description="English label.")
    cnaf_domain: bool = strawberry.field(description="Whether it is one of the Cnaf's domains.")
    cnaf_minimum: bool = strawberry.field(
        description="Whether every CTG must address it (petite enfance, jeunesse, parentalité)."
    )

    @classmethod
    def from_row(cls, row: Row) -> Theme:
        return cls(
            id=global_id("Theme", row["key"]),
            code=row["key"],
            name=row.get("name") or row["key"],
            name_en=row.get("nameEn"),
            cnaf_domain=bool(row.get("cnafDomain")),
            cnaf_minimum=bool(row.get("cnafMinimum")),
        )

    @strawberry.field(description="Fiches actions addressing this theme.")
    async def actions(
        self,
        info: Info,
        text: Text = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Action]:
        return await connect(
            info,
            Connection[Action],
            reads.THEME_ACTIONS,
            self.code,
            NAME,
            node_edges(Action.from_row),
            where=ListFilter(text=folded_text(text)),
            **page_args(first, after, last, before),
        )

    @strawberry.field(description="Contracts with at least one fiche action on this theme.")
    async def contracts(
        self,
        info: Info,
        filter: ContractFilter | None = None,
        sort: ContractSort = ContractSort.NAME,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> ContractConnection:
        return await connect(
            info,
            ContractConnection,
            reads.THEME_CONTRACTS,
            self.code,
            CONTRACT_SORTS[sort],
            contract_edge,
            where=contract_conditions(filter),
            **page_args(first, after, last, before),
        )


@listed(
    edge="A contract kind in a list.", node="The contract kind.", page="A page of contract kinds."
)
@register("ContractKind")
@strawberry.type(
    description="A kind of contract (CTG, CEJ, contrat de ville…), from the vocabulary in "
    "data/vocabularies/contract-kinds.yaml."
)
class ContractKind(Node):
    code: str = strawberry.field(description="Code of the kind (`ctg`, `cej`…).")
    name: str = strawberry.field(description="French name.")
    name_en: str | None = strawberry.field(description="English name.")
    created_by = fact_fields.created_by()

    @classmethod
    def from_row(cls, row: Row) -> ContractKind:
        return cls(
            id=global_id("ContractKind", row["key"]),
            code=row["key"],
            name=row.get("name") or row["key"],
            name_en=row.get("nameEn"),
        )


# Imported last: these modules refer to each other (a contract lists its partners, a
# partner its contracts) and strawberry resolves the annotations only when the schema
# is built, once every module is complete.
from schema.partnerships.actions import Action  # noqa: E402
from schema.partnerships.contracts import ContractConnection, contract_edge  # noqa: E402
