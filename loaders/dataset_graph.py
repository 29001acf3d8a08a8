"""Turn a validated :class:`loaders.datasets.Dataset` into graph rows
(:class:`graph.partnership_store.DatasetGraph`): one node per partner, person,
sub-territory, contract, axis, action, body, funding and source, and one edge per
stated (or inferred) relation, each with its provenance. See docs/graph-model.md.
"""

from __future__ import annotations

from typing import Any

from domain.names import fold
from domain.vocabulary import RELATIONSHIP_TYPE, TERRITORY_LABEL, TerritoryKind
from graph.partnership_store import DatasetGraph, EdgeRow, NodeRow
from loaders.dataset_format import (
    Action,
    Body,
    Contract,
    Funding,
    Partner,
    Person,
    Source,
    SubTerritory,
    TerritoryRef,
    _Fact,
)
from loaders.datasets import Dataset, Vocabularies, action_key
from loaders.date_properties import date_props, duration_props, period_props

_SUB_TERRITORY = TERRITORY_LABEL[TerritoryKind.SUB_TERRITORY]
_COMMUNE = TERRITORY_LABEL[TerritoryKind.COMMUNE]


def dataset_graph(dataset: Dataset, vocabularies: Vocabularies) -> DatasetGraph:
    """The node and edge rows of ``dataset``."""
    builder = _Builder(dataset, vocabularies)
    builder.build()
    info = dataset.content.dataset
    return DatasetGraph(
        key=dataset.key,
        checksum=dataset.checksum,
        props={
            "title": info.title,
            "description": info.description,
            "authors": list(info.authors),
            "updated": info.updated,
            "files": [str(path) for path in dataset.files],
        },
        nodes=tuple(builder.nodes),
        edges=tuple(builder.edges),
        shared=tuple(builder.shared),
    )


class _Builder:
    def __init__(self, dataset: Dataset, vocabularies: Vocabularies) -> None:
        self.content = dataset.content
        self.vocabularies = vocabularies
        self.default_source = dataset.content.default_source
        self.nodes: list[NodeRow] = []
        self.edges: list[EdgeRow] = []
        self.shared: list[NodeRow] = []

    # -- provenance -----------------------------------------------------------------
    def _provenance(self, fact: _Fact) -> dict[str, Any]:
        return {
            "source": fact.source or self.default_source,
            "certainty": fact.certainty.value,
            "reason": fact.reason,
            "inferredFields": [f"{k}: {v}" for k, v in sorted(fact.inferred_fields.items())],
        }

    def node(self, label: str, key: str, fact: _Fact | None, **props: Any) -> None:
        provenance = self._provenance(fact) if fact is not None else {}
        source = provenance.pop("source", None)
        names = [props.get("name"), props.get("title"), *props.get("aliases", [])]
        props["nameKey"] = fold(" ".join(n for n in names if n))
        if source is not None:
            props["sources"] = [source]
            self.edge("SOURCED_FROM", label, key, "Source", source, None, source=source)
        self.nodes.append(NodeRow(label, key, {**props, **provenance}))

    def edge(
        self,
        rel: str,
        start_label: str,
        start: str,
        end_label: str,
        end: str,
        fact: _Fact | None,
        **props: Any,
    ) -> None:
        provenance = self._provenance(fact) if fact is not None else {}
        self.edges.append(EdgeRow(rel, start_label, start, end_label, end, {**props, **provenance}))

    def territory_edge(
        self, rel: str, start_label: str, start: str, ref: TerritoryRef, fact: _Fact
    ) -> None:
        self.edge(rel, start_label, start, TERRITORY_LABEL[ref.kind], ref.code, fact)

    # -- the dataset ---------------------------------------------------------------
    def build(self) -> None:
        c = self.content
        self._vocabularies()
        for s in c.sources:
            self._source(s)
        for p in c.partners:
            self._partner(p)
        for person in c.people:
            self._person(person)
        for sub in c.sub_territories:
            self._sub_territory(sub)
        for contract in c.contracts:
            self._contract(contract)
        for body in c.bodies:
            self._body(body)
        for g in c.fundings:
            self._funding(g)

    def _vocabularies(self) -> None:
        for theme in self.vocabularies.themes.values():
            self.shared.append(
                NodeRow(
                    "Theme",
                    theme["code"],
                    {
                        "name": theme["fr"],
                        "nameEn": theme["en"],
                        "cnafDomain": bool(theme.get("cnaf_domain")),
                        "cnafMinimum": bool(theme.get("cnaf_minimum")),
                    },
                )
            )
        for kind in self.vocabularies.contract_kinds.values():
            self.shared.append(
                NodeRow("ContractKind", kind["code"], {"name": kind["fr"], "nameEn": kind["en"]})
            )

    def _source(self, s: Source) -> None:
        self.nodes.append(
            NodeRow(
                "Source",
                s.key,
                {
                    "title": s.title,
                    "publisher": s.publisher,
                    "date": s.date,
                    "url": s.url,
                    "file": s.file,
                    "note": s.note,
                    "nameKey": fold(s.title),
                },
            )
        )

    def _partner(self, p: Partner) -> None:
        self.node(
            "Partner",
            p.key,
            p,
            name=p.name,
            kind=p.kind.value,
            siren=p.siren,
            aliases=list(p.aliases),
        )
        for link in p.governs:
            self.territory_edge("GOVERNS", "Partner", p.key, link.territory, link)
        for link in p.serves:
            self.territory_edge("SERVES", "Partner", p.key, link.territory, link)

    def _person(self, person: Person) -> None:
        self.node("Person", person.key, person, name=person.name)
        for post in person.posts:
            self.edge(
                "HOLDS_POST",
                "Person",
                person.key,
                "Partner",
                post.organisation,
                post,
                title=post.title,
                role=post.role,
                **date_props("asOf", post.as_of),
            )

    def _sub_territory(self, sub: SubTerritory) -> None:
        self.node(
            _SUB_TERRITORY,
            sub.key,
            sub,
            name=sub.name,
            aliases=list(sub.aliases),
            kind=TerritoryKind.SUB_TERRITORY.value,
        )
        self.territory_edge("PART_OF", _SUB_TERRITORY, sub.key, sub.part_of, sub)
        for code in sub.communes:
            self.edge("INCLUDES", _SUB_TERRITORY, sub.key, _COMMUNE, code, sub)

    def _body(self, body: Body) -> None:
        self.node("Body", body.key, body, name=body.name, kind=body.kind, mission=body.mission)
        if body.organisation:
            self.edge("BELONGS_TO", "Body", body.key, "Partner", body.organisation, body)
        for m in body.members:
            label, key = (
                ("Partner", m.partner)
                if m.partner
                else ("Person", m.person)
                if m.person
                else ("Body", m.body)
            )
            self.edge("MEMBER_OF", label, str(key), "Body", body.key, m, role=m.role)
        for key in body.steers:
            self.edge("STEERS", "Body", body.key, "Contract", key, body)

    def _funding(self, g: Funding) -> None:
        self.node(
            "Funding",
            g.key,
            g,
            name=g.purpose or g.key,
            amount=g.amount,
            amountQualifier=g.amount_qualifier.value,
            currency=g.currency,
            tax=g.tax,
            year=g.year,
            **period_props(g.start, g.end),
            share=g.share,
            shareQualifier=g.share_qualifier.value,
            purpose=g.purpose,
        )
        if g.payer:
            self.edge("PAID_BY", "Funding", g.key, "Partner", g.payer, g)
        if g.payee:
            self.edge("PAID_TO", "Funding", g.key, "Partner", g.payee, g)
        if g.share_of:
            self.edge("SHARE_OF", "Funding", g.key, "Funding", g.share_of, g)
        for key in g.contracts:
            self.edge("CONCERNS", "Funding", g.key, "Contract", key, g)
        if g.territory is not None:
            self.territory_edge("ON_TERRITORY", "Funding", g.key, g.territory, g)

    def _contract(self, k: Contract) -> None:
        self.node(
            "Contract",
            k.key,
            k,
            title=k.title,
            name=k.title,
            kind=k.kind,
            aliases=list(k.aliases),
            status=k.status.value if k.status else None,
            **date_props("statusAsOf", k.status_as_of),
            **date_props("signedOn", k.signed_on),
            **period_props(k.start, k.end),
            **duration_props(k.duration),
        )
        self.edge("OF_KIND", "Contract", k.key, "ContractKind", k.kind, k)
        for s in k.signatories:
            self.edge(
                "SIGNED",
                "Partner",
                s.partner,
                "Contract",
                k.key,
                s,
                role=s.role,
                **date_props("signedOn", s.signed_on),
            )
            for person in s.people:
                self.edge(
                    "SIGNED",
                    "Person",
                    person,
                    "Contract",
                    k.key,
                    s,
                    role=s.role,
                    **date_props("signedOn", s.signed_on),
                    onBehalfOf=s.partner,
                )
        for link in k.covers:
            self.territory_edge("COVERS", "Contract", k.key, link.territory, link)
        for relation in k.relations:
            self.edge(
                RELATIONSHIP_TYPE[relation.type],
                "Contract",
                k.key,
                "Contract",
                relation.target,
                relation,
            )
        for key in k.leads:
            self.edge("LEADS", "Partner", key, "Contract", k.key, k)
        for key in k.funders:
            self.edge("FUNDS", "Partner", key, "Contract", k.key, k)
        for i, axis in enumerate(k.axes):
            axis_key = f"{k.key}-axe-{axis.number}"
            self.node("Axis", axis_key, axis, title=axis.title, name=axis.title, number=axis.number)
            self.edge("HAS_AXIS", "Contract", k.key, "Axis", axis_key, axis)
            for j, action in enumerate(axis.actions):
                key = action_key(
                    k.key, action.key, action.number, ("contracts", 0, "axes", i, "actions", j)
                )
                self._action(k, key, action)
                self.edge("HAS_ACTION", "Axis", axis_key, "Action", key, action)
        for j, action in enumerate(k.actions):
            key = action_key(k.key, action.key, action.number, ("contracts", 0, "actions", j))
            self._action(k, key, action)

    def _action(self, contract: Contract, key: str, action: Action) -> None:
        self.node(
            "Action", key, action, title=action.title, name=action.title, number=action.number
        )
        self.edge("HAS_ACTION", "Contract", contract.key, "Action", key, action)
        for theme in action.themes:
            self.edge("ADDRESSES", "Action", key, "Theme", theme, action)
        if action.lead:
            self.edge("LEADS", "Partner", action.lead, "Action", key, action)
        for funder in action.funders:
            self.edge("FUNDS", "Partner", funder, "Action", key, action)
