"""GraphQL types of competences: the vocabulary (data/vocabularies/competences.yaml) and
who holds a competence on which territory, over which period, with its provenance —
holding a competence is not leading a contract (in Creusot Montceau the communes hold
enfance-jeunesse, the communauté urbaine leads the contracting).
"""

from __future__ import annotations

import strawberry

from graph import fact_reads
from graph.list_reads import NAME
from graph.reader import Row
from schema.common import After, First
from schema.context import Info
from schema.dates import FuzzyDateType, PeriodType, fuzzy_date, stored_period
from schema.partnerships.provenance import Provenance
from schema.registry import register
from schema.relay import Connection, Node, connect, first_linked, global_id, listed, node_edges
from schema.territories.types import Territory, territory_from_row


@listed(edge="A competence in a list.", node="The competence.", page="A page of competences.")
@register("Competence")
@strawberry.type(
    description="A competence a collectivity may hold (enfance-jeunesse, urbanisme…), from "
    "the vocabulary in data/vocabularies/competences.yaml."
)
class Competence(Node):
    code: str = strawberry.field(description="Code of the competence (`enfance-jeunesse`…).")
    name: str = strawberry.field(description="French label.")
    name_en: str | None = strawberry.field(description="English label.")

    @classmethod
    def from_row(cls, row: Row) -> Competence:
        return cls(
            id=global_id("Competence", row["key"]),
            code=row["key"],
            name=row.get("name") or row["key"],
            name_en=row.get("nameEn"),
        )

    @strawberry.field(description="Who holds this competence, on which territory.")
    async def holdings(
        self, info: Info, first: First = None, after: After = None
    ) -> Connection[CompetenceHolding]:
        return await connect(
            info,
            Connection[CompetenceHolding],
            fact_reads.COMPETENCE_HOLDINGS,
            self.code,
            NAME,
            node_edges(CompetenceHolding.from_row),
            first=first,
            after=after,
        )


@listed(
    edge="A competence holding in a list.",
    node="The competence holding.",
    page="A page of competence holdings.",
)
@register("CompetenceHolding")
@strawberry.type(
    description="A partner holding a competence on a territory over a period, as a source "
    "states it (« les communes exercent seules la compétence enfance – jeunesse »)."
)
class CompetenceHolding(Node):
    key: str = strawberry.field(description="Key (`<holder>-<competence>-<territory code>`…).")
    competence_code: str = strawberry.field(description="Code of the competence held.")
    period: PeriodType = strawberry.field(
        description="When it holds it, at the precision known (unknown when not given)."
    )
    as_of: FuzzyDateType | None = strawberry.field(
        description="Date the source shows the competence held, at its precision."
    )
    provenance: Provenance = strawberry.field(description="Where this holding is recorded from.")

    @classmethod
    def from_row(cls, row: Row) -> CompetenceHolding:
        return cls(
            id=global_id("CompetenceHolding", row["key"]),
            key=row["key"],
            competence_code=row.get("competence") or "",
            period=PeriodType.of(stored_period(row)),
            as_of=fuzzy_date(row, "asOf"),
            provenance=Provenance.from_row(row),
        )

    @strawberry.field(description="The competence, with its labels.")
    async def competence(self, info: Info) -> Competence | None:
        row = await info.context.nodes.load("Competence", self.competence_code)
        return Competence.from_row(row) if row else None

    @strawberry.field(description="The partner holding it.")
    async def holder(self, info: Info) -> Partner | None:
        row = await first_linked(info, fact_reads.HOLDING_HOLDER, self.key)
        return Partner.from_row(row) if row else None

    @strawberry.field(description="The territory it is held on.")
    async def territory(self, info: Info) -> Territory | None:
        row = await first_linked(info, fact_reads.HOLDING_TERRITORY, self.key)
        return territory_from_row(row) if row else None


# Imported last: these modules refer to each other (see schema/partnerships/contracts.py).
from schema.partnerships.partners import Partner  # noqa: E402
