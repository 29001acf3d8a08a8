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
    CompetenceHolding,
    Contract,
    FramingDocument,
    Funding,
    Instrument,
    NodeRef,
    Partner,
    Person,
    Source,
    Statement,
    SubTerritory,
    TerritoryRef,
    _Fact,
)
from loaders.datasets import Dataset, Vocabularies, action_key, axis_key, competence_key

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
        self._facts()

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
        for competence in self.vocabularies.competences.values():
            self.shared.append(
                NodeRow(
                    "Competence",
                    competence["code"],
                    {"name": competence["fr"], "nameEn": competence["en"]},
                )
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
                asOf=post.as_of,
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
            start=g.start,
            end=g.end,
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
            number=k.number,
            notes=k.notes,
            aliases=list(k.aliases),
            status=k.status.value if k.status else None,
            statusAsOf=k.status_as_of,
            signedOn=k.signed_on,
            start=k.start,
            end=k.end,
            durationYears=k.duration_years,
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
                signedOn=s.signed_on,
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
                    signedOn=s.signed_on,
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

    # -- facts that are not contracts ------------------------------------------------
    def _facts(self) -> None:
        c = self.content
        for contract in c.contracts:
            self._contract_facts(contract)
        for holding in c.competences:
            self._competence(holding)
        for document in c.framing_documents:
            self._framing_document(document)
        for instrument in c.instruments:
            self._instrument(instrument)
        for statement in c.statements:
            self._statement(statement)

    def _contract_facts(self, k: Contract) -> None:
        """A contract's stated themes (its own and its axes') and its contributors."""
        for link in k.themes:
            self.edge("ADDRESSES", "Contract", k.key, "Theme", link.theme, link)
        for axis in k.axes:
            for link in axis.themes:
                key = axis_key(k.key, axis.number)
                self.edge("ADDRESSES", "Axis", key, "Theme", link.theme, link)
        for contributor in k.contributors:
            self.edge(
                "CONTRIBUTES_TO",
                "Partner",
                contributor.partner,
                "Contract",
                k.key,
                contributor,
                role=contributor.role,
            )

    def _competence(self, h: CompetenceHolding) -> None:
        key = competence_key(h)
        label = self.vocabularies.competences.get(h.competence, {}).get("fr", h.competence)
        self.node(
            "CompetenceHolding",
            key,
            h,
            name=f"{label} ({h.holder})",
            competence=h.competence,
            start=h.start,
            end=h.end,
            asOf=h.as_of,
        )
        self.edge("HELD_BY", "CompetenceHolding", key, "Partner", h.holder, h)
        self.edge("OF_COMPETENCE", "CompetenceHolding", key, "Competence", h.competence, h)
        self.territory_edge("ON_TERRITORY", "CompetenceHolding", key, h.territory, h)

    def _framing_document(self, d: FramingDocument) -> None:
        self.node(
            "FramingDocument",
            d.key,
            d,
            title=d.title,
            name=d.title,
            kind=d.kind,
            aliases=list(d.aliases),
            adoptedOn=d.adopted_on,
        )
        self.edge("OF_KIND", "FramingDocument", d.key, "ContractKind", d.kind, d)
        for party in d.parties:
            self.edge(
                "PARTY_TO",
                "Partner",
                party.partner,
                "FramingDocument",
                d.key,
                party,
                role=party.role,
                signedOn=party.signed_on,
            )
            for person in party.people:
                self.edge(
                    "PARTY_TO",
                    "Person",
                    person,
                    "FramingDocument",
                    d.key,
                    party,
                    role=party.role,
                    signedOn=party.signed_on,
                    onBehalfOf=party.partner,
                )
        for link in d.covers:
            self.territory_edge("ON_TERRITORY", "FramingDocument", d.key, link.territory, link)
        for framing in d.frames:
            self.edge("FRAMES", "FramingDocument", d.key, "Contract", framing.contract, framing)

    def _instrument(self, i: Instrument) -> None:
        self.edge("CREATED", "Partner", i.created_by, "ContractKind", i.kind, i)

    def _statement(self, st: Statement) -> None:
        self.node("Statement", st.key, st, text=st.text, quote=st.quote)
        # a statement has no name: its words sort and filter it (`text:` arguments)
        self.nodes[-1].props["nameKey"] = fold(" ".join(t for t in (st.text, st.quote) if t))
        for about in st.about:
            label, key = _node_of(about)
            self.edge("ABOUT", "Statement", st.key, label, key, st)


#: The label of each kind of node a statement may be about (territories by their code).
_LABEL_OF_REF = {
    "partner": "Partner",
    "person": "Person",
    "contract": "Contract",
    "axis": "Axis",
    "action": "Action",
    "body": "Body",
    "funding": "Funding",
    "framing_document": "FramingDocument",
    "competence_holding": "CompetenceHolding",
    "sub_territory": _SUB_TERRITORY,
    "source": "Source",
}


def _node_of(ref: NodeRef) -> tuple[str, str]:
    """The label and key (or code) of the node ``ref`` names."""
    if ref.kind in _LABEL_OF_REF:
        return _LABEL_OF_REF[ref.kind], ref.key
    return TERRITORY_LABEL[TerritoryKind(ref.kind)], ref.key
