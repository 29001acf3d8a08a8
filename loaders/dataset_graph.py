"""Turn a validated :class:`loaders.datasets.Dataset` into graph rows
(:class:`graph.partnership_store.DatasetGraph`): one node per partner, person,
sub-territory, contract, axis, action, body, funding and source, and one edge per
stated (or inferred) relation, each with its provenance (and, for a fact of an extracted
draft, its evidence: ``evidenceQuote``, ``evidenceStart``, ``evidenceEnd``). See
docs/graph-model.md.

A relationship's provenance is that of the fact stating it, with two rules so that
"stated" means the source says it: a link written by one field of a fact (a contract's
``leads``, a fiche's ``themes``, a funding's ``payee``…) is inferred when the author marked
that field inferred, and never carries the notes on the fact's other fields; and a link
is no surer than the facts it is written inside (the ``governs`` of an inferred partner is
inferred). A signatory of a contract still in preparation is a prospective party, not a
signature: its link is inferred and marked ``prospective`` (docs/decisions.md).
"""

from __future__ import annotations

from typing import Any

from domain.names import fold
from domain.vocabulary import (
    RELATIONSHIP_TYPE,
    TERRITORY_LABEL,
    Certainty,
    ContractStatus,
    TerritoryKind,
)
from graph.partnership_store import DatasetGraph, EdgeRow, NodeRow
from loaders.dataset_format import (
    Action,
    Axis,
    Body,
    CompetenceHolding,
    Contract,
    FramingDocument,
    Funding,
    Instrument,
    NodeRef,
    Partner,
    Person,
    SamePerson,
    Signatory,
    Source,
    Statement,
    SubTerritory,
    TerritoryRef,
    _Fact,
)
from loaders.datasets import Dataset, Vocabularies, action_key, axis_key, competence_key
from loaders.date_properties import date_props, duration_props, period_props

_SUB_TERRITORY = TERRITORY_LABEL[TerritoryKind.SUB_TERRITORY]
_COMMUNE = TERRITORY_LABEL[TerritoryKind.COMMUNE]


def dataset_graph(dataset: Dataset, vocabularies: Vocabularies) -> DatasetGraph:
    """The node and edge rows of ``dataset``."""
    builder = _Builder(dataset, vocabularies)
    builder.build()
    generated_nodes, generated_edges = _generated(dataset, vocabularies)
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
        generated=tuple(generated_nodes),
        generated_edges=tuple(generated_edges),
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
        provenance: dict[str, Any] = {
            "source": fact.source or self.default_source,
            "certainty": fact.certainty.value,
            "reason": fact.reason,
            "inferredFields": [f"{k}: {v}" for k, v in sorted(fact.inferred_fields.items())],
        }
        if fact.evidence is not None:
            # a fact of an extracted draft: the words of the source and where they are
            provenance["evidenceQuote"] = fact.evidence.quote
            provenance["evidenceStart"] = fact.evidence.start
            provenance["evidenceEnd"] = fact.evidence.end
        return provenance

    def _link(
        self, fact: _Fact, *within: _Fact, field: str | None = None, notes: bool = True
    ) -> dict[str, Any]:
        """The provenance of a link: that of ``fact`` (with ``field``, of the link that
        field of ``fact`` writes), made no surer than the facts it is nested ``within``.
        ``notes=False``: the link only places ``fact`` (an axis in its contract), so the
        notes on the fact's own fields stay on the fact."""
        provenance = self._provenance(fact)
        if not notes:
            provenance["inferredFields"] = []
        if field is not None:
            # the fact's notes on its other fields say nothing of this link
            provenance["inferredFields"] = []
            if fact.certainty is Certainty.STATED and field in fact.inferred_fields:
                provenance["certainty"] = Certainty.INFERRED.value
                provenance["reason"] = fact.inferred_fields[field]
        return weakest(provenance, *(self._provenance(outer) for outer in within))

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
        fact: _Fact | dict[str, Any] | None,
        **props: Any,
    ) -> None:
        """One relationship; ``fact`` is the fact stating it, or its provenance already
        worked out by :meth:`_link`."""
        provenance = (
            fact if isinstance(fact, dict) else self._provenance(fact) if fact is not None else {}
        )
        self.edges.append(EdgeRow(rel, start_label, start, end_label, end, {**props, **provenance}))

    def territory_edge(
        self,
        rel: str,
        start_label: str,
        start: str,
        ref: TerritoryRef,
        fact: _Fact | dict[str, Any],
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
        for same in c.same_people:
            self._same_person(same)
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
            self.territory_edge("GOVERNS", "Partner", p.key, link.territory, self._link(link, p))
        for link in p.serves:
            self.territory_edge("SERVES", "Partner", p.key, link.territory, self._link(link, p))

    def _person(self, person: Person) -> None:
        self.node("Person", person.key, person, name=person.name, aliases=list(person.aliases))
        for post in person.posts:
            self.edge(
                "HOLDS_POST",
                "Person",
                person.key,
                "Partner",
                post.organisation,
                self._link(post, person),
                title=post.title,
                role=post.role,
                **date_props("asOf", post.as_of),
            )

    def _same_person(self, same: SamePerson) -> None:
        """One ``SAME_AS`` link from the first person named to each other one: the records
        stay apart, each owned by its dataset, and the link carries the declaration's
        provenance (and quote)."""
        first, *others = list(dict.fromkeys(same.people))
        for other in others:
            self.edge("SAME_AS", "Person", first, "Person", other, same, quote=same.quote)

    def _sub_territory(self, sub: SubTerritory) -> None:
        self.node(
            _SUB_TERRITORY,
            sub.key,
            sub,
            name=sub.name,
            aliases=list(sub.aliases),
            kind=TerritoryKind.SUB_TERRITORY.value,
        )
        part_of = self._link(sub, field="part_of")
        self.territory_edge("PART_OF", _SUB_TERRITORY, sub.key, sub.part_of, part_of)
        includes = self._link(sub, field="communes")
        for code in sub.communes:
            self.edge("INCLUDES", _SUB_TERRITORY, sub.key, _COMMUNE, code, includes)

    def _body(self, body: Body) -> None:
        self.node("Body", body.key, body, name=body.name, kind=body.kind, mission=body.mission)
        if body.organisation:
            belongs = self._link(body, field="organisation")
            self.edge("BELONGS_TO", "Body", body.key, "Partner", body.organisation, belongs)
        for m in body.members:
            label, key = (
                ("Partner", m.partner)
                if m.partner
                else ("Person", m.person)
                if m.person
                else ("Body", m.body)
            )
            member = self._link(m, body)
            self.edge("MEMBER_OF", label, str(key), "Body", body.key, member, role=m.role)
        for key in body.steers:
            self.edge("STEERS", "Body", body.key, "Contract", key, self._link(body, field="steers"))

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
            self.edge("PAID_BY", "Funding", g.key, "Partner", g.payer, self._link(g, field="payer"))
        if g.payee:
            self.edge("PAID_TO", "Funding", g.key, "Partner", g.payee, self._link(g, field="payee"))
        if g.share_of:
            share_of = self._link(g, field="share_of")
            self.edge("SHARE_OF", "Funding", g.key, "Funding", g.share_of, share_of)
        for key in g.contracts:
            self.edge(
                "CONCERNS", "Funding", g.key, "Contract", key, self._link(g, field="contracts")
            )
        if g.territory is not None:
            on = self._link(g, field="territory")
            self.territory_edge("ON_TERRITORY", "Funding", g.key, g.territory, on)

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
            **date_props("statusAsOf", k.status_as_of),
            **date_props("signedOn", k.signed_on),
            **period_props(k.start, k.end),
            **duration_props(k.duration),
        )
        self.edge("OF_KIND", "Contract", k.key, "ContractKind", k.kind, self._link(k, field="kind"))
        for s in k.signatories:
            signed = self._signatory(k, s)
            self.edge(
                "SIGNED",
                "Partner",
                s.partner,
                "Contract",
                k.key,
                signed,
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
                    signed,
                    role=s.role,
                    **date_props("signedOn", s.signed_on),
                    onBehalfOf=s.partner,
                )
        for link in k.covers:
            self.territory_edge("COVERS", "Contract", k.key, link.territory, self._link(link, k))
        for relation in k.relations:
            self.edge(
                RELATIONSHIP_TYPE[relation.type],
                "Contract",
                k.key,
                "Contract",
                relation.target,
                self._link(relation, k),
            )
        for key in k.leads:
            self.edge("LEADS", "Partner", key, "Contract", k.key, self._link(k, field="leads"))
        for key in k.funders:
            self.edge("FUNDS", "Partner", key, "Contract", k.key, self._link(k, field="funders"))
        for i, axis in enumerate(k.axes):
            axis_key = f"{k.key}-axe-{axis.number}"
            self.node("Axis", axis_key, axis, title=axis.title, name=axis.title, number=axis.number)
            self.edge(
                "HAS_AXIS", "Contract", k.key, "Axis", axis_key, self._link(axis, k, notes=False)
            )
            for j, action in enumerate(axis.actions):
                key = action_key(
                    k.key, action.key, action.number, ("contracts", 0, "axes", i, "actions", j)
                )
                self._action(k, key, action, axis)
                self.edge(
                    "HAS_ACTION",
                    "Axis",
                    axis_key,
                    "Action",
                    key,
                    self._link(action, axis, k, notes=False),
                )
        for j, action in enumerate(k.actions):
            key = action_key(k.key, action.key, action.number, ("contracts", 0, "actions", j))
            self._action(k, key, action)

    def _signatory(self, k: Contract, s: Signatory) -> dict[str, Any]:
        """The provenance of a signature; for a contract still in preparation, of a
        prospective party (inferred: the source names who is to sign, nobody signed yet)."""
        provenance = self._link(s, k)
        if k.status is not ContractStatus.IN_PREPARATION:
            return provenance
        as_of = f" on {k.status_as_of}" if k.status_as_of else ""
        prospective = (
            f"the contract was in preparation{as_of}: a party expected to sign, not a signature"
        )
        reason = provenance["reason"]
        if provenance["certainty"] == Certainty.STATED.value or not reason:
            reason = prospective
        elif not reason.startswith(prospective):  # written back by a curated fragment
            reason = f"{prospective}; {reason}"
        return {
            **provenance,
            "certainty": Certainty.INFERRED.value,
            "reason": reason,
            "prospective": True,
        }

    def _action(
        self, contract: Contract, key: str, action: Action, axis: Axis | None = None
    ) -> None:
        self.node(
            "Action", key, action, title=action.title, name=action.title, number=action.number
        )
        within = (axis, contract) if axis is not None else (contract,)
        # a fiche of another contract that this one englobes: both list it, the owner's
        # link is the plain one and the englobing contract's is marked
        englobed = {"englobed": True} if action.owner else {}
        self.edge(
            "HAS_ACTION",
            "Contract",
            contract.key,
            "Action",
            key,
            self._link(action, *within, notes=False),
            **englobed,
        )
        if action.owner:
            owned = self._link(action, *within, field="owner")
            self.edge("HAS_ACTION", "Contract", action.owner, "Action", key, owned)
        themes = self._link(action, *within, field="themes")
        for theme in action.themes:
            self.edge("ADDRESSES", "Action", key, "Theme", theme, themes)
        if action.lead:
            lead = self._link(action, *within, field="lead")
            self.edge("LEADS", "Partner", action.lead, "Action", key, lead)
        funds = self._link(action, *within, field="funders")
        for funder in action.funders:
            self.edge("FUNDS", "Partner", funder, "Action", key, funds)

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
            **period_props(h.start, h.end),
            **date_props("asOf", h.as_of),
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
            **date_props("adoptedOn", d.adopted_on),
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
                **date_props("signedOn", party.signed_on),
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
                    **date_props("signedOn", party.signed_on),
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


def weakest(provenance: dict[str, Any], *outer: dict[str, Any]) -> dict[str, Any]:
    """``provenance`` made no surer than any of the ``outer`` provenances: a stated link
    inside an inferred fact is inferred, for the outer fact's reason.

    >>> weakest({"certainty": "stated", "reason": None}, {"certainty": "inferred", "reason": "r"})
    {'certainty': 'inferred', 'reason': 'r'}
    """
    if provenance["certainty"] != Certainty.STATED.value:
        return provenance
    for fact in outer:
        if fact["certainty"] != Certainty.STATED.value:
            return {**provenance, "certainty": fact["certainty"], "reason": fact["reason"]}
    return provenance


def _generated(dataset: Dataset, vocabularies: Vocabularies) -> tuple[list[NodeRow], list[EdgeRow]]:
    """The rows of the partners ``dataset``'s shorthands generated (loaders.shorthands):
    built like a defined partner's, but with no source (the reference, not a document,
    says they exist), so that every dataset naming one writes the same node."""
    builder = _Builder(dataset, vocabularies)
    builder.default_source = None
    for partner in dataset.generated:
        builder._partner(partner)
    return builder.nodes, [edge for edge in builder.edges if edge.type != "SOURCED_FROM"]
