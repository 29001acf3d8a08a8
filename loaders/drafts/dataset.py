"""A draft's kept facts as a dataset of the project's format (docs/dataset-format.md).

Every fact of the draft becomes the entry (or the field) of the format that says it, and
each entry is marked ``certainty: inferred`` with a reason starting with ``extracted``
and its ``evidence``: the article's words and their character offsets in its text. A
fact's own inference (a year taken from the weekday) is added to its reason. Dates come
from their own facts, so a contract's dates carry their quote in ``inferred_fields``.

Nothing is guessed to fill the format: an optional field the article does not give is
left out. Where the format needs a value the draft lacks (the code of an ambiguous
territory, the organisation of a post), a placeholder that ``ctg validate`` refuses
stands in, the candidates sit in a comment beside it, and the gap is listed both by
:func:`dataset_gaps` and in the file's header (« # À compléter: … »), so that the file
validates or fails only on the gaps it lists.

What the territorial reference knows is left to it: « la communauté de communes et ses
communes » signing becomes a ``signatories_from`` shorthand, and a partner standing for
the communes of an EPCI a ``partners_from`` one, expanded by :mod:`loaders.shorthands`.

>>> from loaders.drafts.facts import ArticleInfo, Draft, Evidence, PartnerFact
>>> text = "La Caf du Cantal signe."
>>> caf = PartnerFact(id="partner-1", evidence=Evidence.of(text, 3, 16), name="Caf du Cantal",
...                   kind="caf")
>>> data = to_dataset(Draft(article=ArticleInfo(title="Une CTG"), text=text, facts=[caf]),
...                   name="exemple")
>>> data["partners"][0]["key"], data["partners"][0]["evidence"]["quote"]
('caf-du-cantal', 'Caf du Cantal')
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

import yaml
from pydantic import ValidationError

from domain.names import fold
from domain.vocabulary import Certainty, PartnerKind, Qualifier
from loaders.dataset_format import FORMAT, DatasetFile
from loaders.datasets import Vocabularies
from loaders.drafts.facts import (
    AmountFact,
    AxisFact,
    Candidate,
    ContractFact,
    DateFact,
    Draft,
    Evidence,
    Fact,
    FactId,
    FicheFact,
    LineageFact,
    PartnerFact,
    PersonFact,
    SignatoryFact,
    TerritoryFact,
    ThemeFact,
)

FactT = TypeVar("FactT", bound=Fact)
#: An entry of the dataset being written, in the order it is written.
Entry = dict[str, Any]

#: The reason every drafted fact starts with.
EXTRACTED = "extracted from the article by ctg draft"
#: A key that no dataset defines, standing for a partner the draft does not name: the
#: validator refuses it (« no partner has key 'a-completer' »), at its line.
MISSING_KEY = "a-completer"
#: A territory code that no reference holds, standing for an ambiguous territory: the
#: validator refuses it at its line, the candidates are in the comment beside it.
UNCHOSEN_CODE = "à choisir"
_PLACEHOLDERS = frozenset({MISSING_KEY, UNCHOSEN_CODE})
#: The longest text the format takes (loaders.dataset_format.Text).
_MAX_TEXT = 2000

#: Kinds of partner there is one of per territory: their key is made from its code.
_KEY_PREFIX = {
    PartnerKind.CAF: "caf",
    PartnerKind.CPAM: "cpam",
    PartnerKind.EPCI: "epci",
    PartnerKind.COMMUNE: "commune",
    PartnerKind.CONSEIL_DEPARTEMENTAL: "departement",
    PartnerKind.CONSEIL_REGIONAL: "region",
}
#: Partners that govern their territory (the others serve it: a Caf its département).
_GOVERNING = frozenset(
    {
        PartnerKind.EPCI,
        PartnerKind.COMMUNE,
        PartnerKind.CONSEIL_DEPARTEMENTAL,
        PartnerKind.CONSEIL_REGIONAL,
    }
)
#: The order of a contract's fields: what it is, its dates, how sure, then its links.
_CONTRACT_ORDER = (
    "key", "kind", "title", "status", "status_as_of", "signed_on", "start", "end",
    "duration_years", "inferred_fields", "certainty", "reason", "evidence", "leads",
    "signatories", "signatories_from", "covers", "relations", "themes", "axes", "actions",
)  # fmt: skip
_DATE_FIELDS = {"signed": "signed_on", "start": "start", "end": "end"}
#: « et ses 25 communes », « l'intercommunalité et les communes »: the EPCI's member
#: communes sign with it.
_MEMBERS_SIGN = re.compile(
    r"\b(?:ses|les|leurs|des)\s+(?:(?P<count>\d+)\s+)?communes(?:\s+membres)?\b", re.IGNORECASE
)
_COUNTED = re.compile(r"\b(?P<count>\d+)\s+communes\b", re.IGNORECASE)
#: A post's title → the format's role, first match wins (vice-président before président).
_ROLES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), role)
    for pattern, role in (
        (r"\bvice\s?presid", "vice-president"),
        (r"\bpresid", "president"),
        (r"\bdirect", "director"),
        (r"\breferent", "referent"),
        (r"\b(maire|adjoint|conseill|elu|deleg)", "elected"),
        (r"\b(charge|responsable|coordinat|animat|agent|chef)", "staff"),
    )
)


def to_dataset(draft: Draft, *, name: str) -> dict[str, Any]:
    """The dataset ``name`` holding ``draft``'s facts, as the mapping :func:`to_yaml`
    writes (its comments ride along, invisible to a reader of the mapping). The gaps
    found while writing it are added to ``draft.gaps``, each once."""
    writer = _Writer(draft, name)
    data = writer.write()
    draft.gaps = writer.all_gaps()
    return data


def dataset_gaps(draft: Draft, *, name: str = "brouillon") -> list[str]:
    """What the dataset of ``draft`` needs and the draft does not say: the draft's own
    gaps, then those found while writing it, each once (``draft`` is left as it is)."""
    writer = _Writer(draft, name)
    writer.write()
    return writer.all_gaps()


def with_gaps(draft: Draft, *, name: str = "brouillon") -> Draft:
    """``draft`` with :func:`dataset_gaps` as its gaps, for a caller that shows them."""
    return draft.model_copy(update={"gaps": dataset_gaps(draft, name=name)})


def to_yaml(draft: Draft, *, name: str) -> str:
    """The dataset ``name`` holding ``draft``'s facts, as YAML text that `ctg validate`
    accepts or refuses only for the gaps its header lists (``draft.gaps``, to which the
    gaps found while writing it are added, each once: the draft's JSON then lists them)."""
    writer = _Writer(draft, name)
    data = writer.write()
    draft.gaps = writer.all_gaps()
    header = "".join(f"# {line}\n" for line in writer.header())
    return header + writer.dump(data)


def slug(text: str, *, fallback: str = "sans-nom", limit: int = 80) -> str:
    """A key of the format made from ``text``: folded, lower-case words joined by hyphens.

    >>> slug("CTG Saint-Flour Communauté"), slug("« ? »")
    ('ctg-saint-flour-communaute', 'sans-nom')
    """
    words = re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")
    return words[:limit].rstrip("-") or fallback


def post_role(title: str) -> str:
    """The format's role for a post's title as the article words it.

    >>> post_role("Vice-président en charge de la jeunesse"), post_role("Directrice")
    ('vice-president', 'director')
    """
    folded = fold(title)
    return next((role for pattern, role in _ROLES if pattern.search(folded)), "other")


class _Writer:
    """One draft being written as a dataset; keeps the keys given and the gaps found."""

    def __init__(self, draft: Draft, name: str) -> None:
        self.draft = draft
        self.key = slug(name, fallback="brouillon")
        self.source_key = slug(f"article-{self.key}", limit=120)
        self.facts = draft.by_id()
        self.gaps: list[str] = []
        self.keys: set[str] = {self.source_key}
        self.partners: dict[FactId, str] = {}
        self.partner_entries: dict[str, Entry] = {}
        #: partners standing for the communes of an EPCI: fact id → the EPCI's SIREN
        self.communes_of: dict[FactId, str] = {}
        self.people: dict[FactId, str] = {}
        self.contracts: dict[FactId, Entry] = {}
        self.axes: dict[FactId, tuple[Entry, Entry]] = {}
        self.statements: list[Any] = []
        self.unplaced: list[str] = []
        self.fiche_numbers: dict[str, set[int]] = {}
        self.vocabularies = _vocabularies()
        #: comments of the YAML text: id of the mapping → (the field it follows, text)
        self.comments: dict[int, list[tuple[str, str]]] = {}

    # -- the whole dataset -------------------------------------------------------------
    def write(self) -> Entry:
        data: Entry = {}
        data["format"] = FORMAT
        info: Entry = {}
        info["key"] = self.key
        article = self.draft.article
        info["title"] = _text(f"Brouillon : {article.title or article.file or self.key}")
        info["description"] = _text(
            "Drafted by ctg draft from the article: every fact is inferred, with the words "
            "of the article that state it; check each one before loading."
        )
        data["dataset"] = info
        data["default_source"] = self.source_key
        data["sources"] = _seq([self._source()])
        partners, partners_from = self._partners()
        people = self._people()
        contracts = self._contracts()
        fundings = self._fundings()
        for name, entries in (
            ("partners", partners),
            ("partners_from", partners_from),
            ("people", people),
            ("contracts", contracts),
            ("fundings", fundings),
            ("statements", self.statements),
        ):
            if entries:
                data[name] = entries
        self._shape_gaps(data)
        self._unplaced_territories()
        return data

    def _unplaced_territories(self) -> None:
        """The territories the article names that no fact of the dataset links to: told
        in the header, so a reader may add the one a contract covers."""
        linked = {p.territory for p in self.of(PartnerFact)}
        linked.update(t for c in self.of(ContractFact) for t in c.territories)
        for fact in self.of(TerritoryFact):
            if fact.id in linked:
                continue
            what = (
                f"{fact.kind} {fact.code}"
                if fact.code and fact.kind
                else f"ambiguous: {_candidates(fact.candidates) or 'no candidate'}"
            )
            at = fact.evidence
            self.unplaced.append(f"« {fact.name} » ({what}), characters {at.start}-{at.end}")

    def all_gaps(self) -> list[str]:
        return list(dict.fromkeys([*self.draft.gaps, *self.gaps]))

    def header(self) -> list[str]:
        article = self.draft.article
        named = f"« {article.title} »" if article.title else "an untitled article"
        lines = [
            f"Draft dataset written by `ctg draft` from {named}"
            + (f" ({article.file})" if article.file else "")
            + ".",
            "Every fact is `certainty: inferred`, its reason starts with « extracted », and its",
            "`evidence` quotes the article (start and end: character offsets in its text).",
            "Check each fact against the article, complete what is listed below, then run",
            "`ctg validate` on this file.",
        ]
        gaps = self.all_gaps()
        if gaps:
            lines.append("À compléter:")
            lines.extend(f"  - {gap}" for gap in gaps)
        else:
            lines.append("À compléter: nothing the format requires is missing.")
        if self.unplaced:
            lines.append("Named in the article, with no role in this dataset:")
            lines.extend(f"  - {line}" for line in self.unplaced)
        return lines

    def comment(self, entry: Entry, field: str, text: str) -> None:
        """A comment on the line after ``entry[field]`` (the mapping stays as it is)."""
        self.comments.setdefault(id(entry), []).append((field, " ".join(text.split())))

    def dump(self, data: Entry) -> str:
        """``data`` as block-style YAML, with the comments in their places.

        libyaml's emitter writes it (a draft of 60 facts in 20 ms, where a comment-keeping
        pure-Python one took 0.3 s to 0.9 s); it cannot write comments, so each one is a
        marker key that the text then turns into a comment line."""
        texts: list[str] = []

        def marked(value: Any) -> Any:
            if isinstance(value, list):
                return [marked(v) for v in value]
            if not isinstance(value, dict):
                return value
            out: dict[str, Any] = {}
            notes = self.comments.get(id(value), [])
            for field, item in value.items():
                out[field] = marked(item)
                for noted, text in notes:
                    if noted == field:
                        out[f"{_MARKER}{len(texts)}"] = None
                        texts.append(text)
            return out

        written = yaml.dump(
            marked(data),
            Dumper=_Dumper,
            allow_unicode=True,
            sort_keys=False,
            default_flow_style=False,
            width=100,
        )
        return _MARKED.sub(lambda m: f"{m['indent']}# {texts[int(m['n'])]}", written)

    def of(self, kind: type[FactT]) -> list[FactT]:
        """The draft's facts of one class, in the article's order."""
        return [fact for fact in self.draft.facts if isinstance(fact, kind)]

    def known_themes(self, themes: Iterable[str], fact: Fact) -> None:
        for theme in themes:
            if theme not in self.vocabularies.themes:
                self.gap(f"{fact.id}: {theme!r} is no theme code of the vocabulary; correct it")

    def gap(self, text: str) -> str:
        if text not in self.gaps:
            self.gaps.append(text)
        return text

    def unique(self, key: str) -> str:
        found, n = key, 1
        while found in self.keys:
            n += 1
            found = f"{key}-{n}"
        self.keys.add(found)
        return found

    def _shape_gaps(self, data: Entry) -> None:
        """List whatever the format's models refuse besides the placeholders (an end
        before the start, a year out of bounds…), so that nothing fails unannounced."""
        try:
            DatasetFile.model_validate(_plain(data))
        except ValidationError as error:
            for problem in error.errors():
                if isinstance(problem.get("input"), str) and problem["input"] in _PLACEHOLDERS:
                    continue
                where = ".".join(str(part) for part in problem["loc"])
                self.gap(f"{where}: {problem['msg']}")

    # -- provenance --------------------------------------------------------------------
    def provenance(self, entry: Entry, fact: Fact, *why: str | None) -> Entry:
        """Mark ``entry`` as extracted from ``fact``: inferred, with its reason and evidence."""
        entry["certainty"] = Certainty.INFERRED.value
        entry["reason"] = _text("; ".join([EXTRACTED, *(w for w in (*why, fact.inferred) if w)]))
        evidence = _evidence(fact.evidence)
        if evidence is not None:
            entry["evidence"] = evidence
        return entry

    # -- the source --------------------------------------------------------------------
    def _source(self) -> Entry:
        article = self.draft.article
        source: Entry = {}
        source["key"] = self.source_key
        if article.title:
            source["title"] = _text(article.title)
        else:
            source["title"] = _text(article.file or "Article sans titre")
            self.gap(
                "sources[0].title: the article's title was not found"
                + (" (its file name stands in)" if article.file else "")
                + "; write it"
            )
        if article.publisher:
            source["publisher"] = _text(article.publisher)
        if article.published:
            source["date"] = article.published
        if article.url:
            if re.fullmatch(r"https?://\S+", article.url):
                source["url"] = article.url
            else:
                self.gap(f"sources[0].url: {article.url!r} is not a web address; correct it")
        if article.file:
            source["file"] = _text(article.file)
        return source

    # -- territories -------------------------------------------------------------------
    def territory_ref(self, entry: Entry, fact_id: FactId | None, field: str) -> bool:
        """Put the reference of territory ``fact_id`` in ``entry[field]``; a placeholder
        (refused by the validator) with the candidates beside it when it is ambiguous.
        False when there is no such territory fact."""
        fact = self.facts.get(fact_id) if fact_id else None
        if not isinstance(fact, TerritoryFact):
            return False
        ref: Entry = {}
        if fact.code is not None and fact.kind is not None:
            ref[fact.kind] = Code(fact.code)
            entry[field] = ref
            return True
        kind = fact.kind or (fact.candidates[0].kind if fact.candidates else "commune")
        ref[kind] = Code(UNCHOSEN_CODE)
        entry[field] = ref
        candidates = _candidates(fact.candidates)
        self.comment(
            ref,
            kind,
            f"« {fact.name} »: "
            + (f"choose one of {candidates}" if candidates else "no territory of the reference")
            + " (see the header)",
        )
        self.gap(
            f"« {fact.name} » ({fact.id}) names no single territory: write the code of "
            + (f"one of {candidates}" if candidates else "the territory meant")
            + f" in place of « {UNCHOSEN_CODE} »"
        )
        return True

    def territory_link(self, fact_id: FactId, within: Fact) -> Entry | None:
        """A ``{territory: …}`` fact for territory ``fact_id``, with its own evidence."""
        link: Entry = {}
        if not self.territory_ref(link, fact_id, "territory"):
            return None
        fact = self.facts[fact_id]
        return self.provenance(link, fact, f"the territory of « {within.evidence.quote} »")

    # -- partners ----------------------------------------------------------------------
    def _partners(self) -> tuple[list[Any], list[Any]]:
        partners: list[Any] = []
        partners_from: list[Any] = []
        for fact in self.draft.facts:
            if not isinstance(fact, PartnerFact):
                continue
            territory = self.facts.get(fact.territory) if fact.territory else None
            if (
                fact.kind is PartnerKind.COMMUNE
                and isinstance(territory, TerritoryFact)
                and territory.kind == "epci"
                and territory.code
            ):
                # « les communes de la communauté urbaine »: the reference knows them
                self.communes_of[fact.id] = territory.code
                partners_from.append(self._partners_from(fact, territory.code))
                continue
            key = self._partner_key(fact, territory)
            if key in self.partner_entries:
                # the same organisation named twice: one partner, the other name an alias
                self.partners[fact.id] = key
                named = self.partner_entries[key]
                if fold(fact.name) != fold(str(named["name"])):
                    aliases = named.setdefault("aliases", [])
                    if fact.name not in aliases:
                        aliases.append(_text(fact.name))
                    _move_before(named, "aliases", "certainty")
                continue
            self.keys.add(key)
            self.partners[fact.id] = key
            entry: Entry = {}
            entry["key"] = key
            entry["kind"] = fact.kind.value
            entry["name"] = _text(fact.name)
            if (
                fact.kind is PartnerKind.EPCI
                and isinstance(territory, TerritoryFact)
                and territory.kind == "epci"
                and territory.code
            ):
                entry["siren"] = Code(territory.code)
            self.provenance(entry, fact)
            if fact.territory:
                link = self.territory_link(fact.territory, fact)
                if link is not None:
                    field = "governs" if fact.kind in _GOVERNING else "serves"
                    entry[field] = _seq([link])
                else:
                    self.gap(f"{fact.id} ({fact.name}) names territory {fact.territory}, not found")
            self.partner_entries[key] = entry
            partners.append(entry)
        return partners, partners_from

    def _partner_key(self, fact: PartnerFact, territory: Fact | None) -> str:
        """Its key: from its territory's code when there is one such partner per
        territory (``caf-15``, ``epci-200066660``), else from its name; the same key twice
        is the same organisation named twice."""
        prefix = _KEY_PREFIX.get(fact.kind)
        if prefix and isinstance(territory, TerritoryFact) and territory.code:
            return f"{prefix}-{territory.code.lower()}"
        if fact.kind is PartnerKind.CNAF:
            return "cnaf"
        key = slug(fact.name)
        taken = self.partner_entries.get(key)
        if taken is not None and taken["kind"] == fact.kind.value:
            return key
        return self.unique(key)

    def _partners_from(self, fact: PartnerFact, epci: str) -> Entry:
        entry: Entry = {}
        entry["communes_of"] = {"epci": Code(epci)}
        entry["quote"] = _text(fact.evidence.quote)
        self.provenance(entry, fact, "the member communes of the EPCI come from the reference")
        self._counted(entry, fact.evidence.quote)
        return entry

    def _counted(self, entry: Entry, quote: str) -> None:
        found = _COUNTED.search(quote)
        if found:
            self.comment(
                entry,
                "quote",
                f"the article counts {found['count']} communes: add `count: "
                f"{found['count']}` to check the reference agrees",
            )

    def partner(self, fact_id: FactId | None, what: str) -> str:
        """The key of partner ``fact_id``, or the placeholder (listed as a gap)."""
        key = self.partners.get(fact_id) if fact_id else None
        if key is not None:
            return key
        self.gap(f"{what}: no partner is known; write its key in place of « {MISSING_KEY} »")
        return MISSING_KEY

    # -- people ------------------------------------------------------------------------
    def _people(self) -> list[Any]:
        people: list[Any] = []
        entries: dict[str, Entry] = {}
        for fact in self.draft.facts:
            if not isinstance(fact, PersonFact):
                continue
            key = slug(fact.name)
            found = entries.get(key)
            entry: Entry = {} if found is None else found
            if found is None:
                key = self.unique(key)
                entry["key"] = key
                entry["name"] = _text(fact.name)
                self.provenance(entry, fact)
                entries[key] = entry
                people.append(entry)
            self.people[fact.id] = str(entry["key"])
            if fact.post:
                posts = entry.setdefault("posts", [])
                posts.append(self._post(fact, fact.post))
        return people

    def _post(self, fact: PersonFact, title: str) -> Entry:
        post: Entry = {}
        post["title"] = _text(title)
        post["role"] = post_role(title)
        why = [f"role {post['role']} read from the title"]
        organisation = fact.organisation
        if organisation is None:
            # « Gérard DELPY, Vice-président en charge de la jeunesse » signing for
            # Saint-Flour Communauté: the post is most likely in the partner they sign for
            signs_for = {s.partner for s in self.of(SignatoryFact) if s.person == fact.id}
            if len(signs_for) == 1 and next(iter(signs_for)) in self.partners:
                organisation = next(iter(signs_for))
                why.append("the organisation is the partner the person signs for")
        post["organisation"] = self.partner(
            organisation, f"the organisation of {fact.name}'s post « {title} »"
        )
        published = self.draft.article.published
        if published:
            post["as_of"] = published
            why.append("as_of is the article's publication date")
        return self.provenance(post, fact, *why)

    # -- contracts ---------------------------------------------------------------------
    def _contracts(self) -> list[Any]:
        contracts = _seq(self._contract(f) for f in self.draft.facts if isinstance(f, ContractFact))
        if not contracts and any(
            isinstance(f, (DateFact, SignatoryFact, AxisFact, FicheFact)) for f in self.draft.facts
        ):
            self.gap("no contract was found: the dates, signatories, axes and fiches need one")
        # in this order: a fiche finds its axis, a contract's dates are all in when its
        # lack of any is told
        for date in self.of(DateFact):
            self._date(date)
        for signatory in self.of(SignatoryFact):
            self._signatory(signatory)
        for lineage in self.of(LineageFact):
            self._lineage(lineage)
        for theme in self.of(ThemeFact):
            self._theme(theme)
        for axis in self.of(AxisFact):
            self._axis(axis)
        for fiche in self.of(FicheFact):
            self._fiche(fiche)
        for contract in self.of(ContractFact):
            self._undated(contract)
        for entry in contracts:
            _reorder(entry, _CONTRACT_ORDER)
        return contracts

    def _contract(self, fact: ContractFact) -> Entry:
        name = slug(fact.name)
        key = self.unique(name if name.startswith(f"{fact.kind}-") else f"{fact.kind}-{name}")
        entry: Entry = {}
        entry["key"] = key
        entry["kind"] = fact.kind
        if fact.kind not in self.vocabularies.contract_kinds:
            self.gap(f"{key}: {fact.kind!r} is no contract-kind code of the vocabulary")
        entry["title"] = _text(fact.name)
        why: list[str] = []
        if fact.status is not None:
            entry["status"] = fact.status.value
            if self.draft.article.published:
                entry["status_as_of"] = self.draft.article.published
                why.append("status_as_of is the article's publication date")
        if fact.duration_years is not None:
            entry["duration_years"] = fact.duration_years
        self.provenance(entry, fact, *why)
        if fact.lead:
            entry["leads"] = _seq([self.partner(fact.lead, f"the lead of {key}")])
        covers = [link for link in (self.territory_link(t, fact) for t in fact.territories) if link]
        if covers:
            entry["covers"] = _seq(covers)
        self.contracts[fact.id] = entry
        return entry

    def contract(self, fact_id: FactId | None, fact: Fact) -> Entry | None:
        """The contract entry ``fact`` belongs to: the one it names, else the only one."""
        if fact_id is not None and fact_id in self.contracts:
            return self.contracts[fact_id]
        if fact_id is None and len(self.contracts) == 1:
            return next(iter(self.contracts.values()))
        self.gap(
            f"« {_short(fact.evidence.quote)} » ({fact.id}) belongs to no known contract; "
            "add it to the right one by hand"
        )
        return None

    def _date(self, fact: DateFact) -> None:
        contract = self.contract(fact.contract, fact)
        if contract is None:
            return
        field = _DATE_FIELDS.get(fact.role)
        if field is None:
            # an adoption or a deliberation: the format has no field for it
            self._statement(fact, contract, f"{fact.role} on {fact.value}")
            return
        if field in contract:
            self.gap(
                f"{contract['key']}: the article gives two {field} dates, {contract[field]} "
                f"and {fact.value} (« {_short(fact.evidence.quote)} »); keep the right one"
            )
            return
        contract[field] = _date(fact.value)
        notes = contract.setdefault("inferred_fields", {})
        evidence = fact.evidence
        notes[field] = _text(
            "; ".join(
                part
                for part in (
                    f"{EXTRACTED}: « {evidence.quote} » "
                    f"(characters {evidence.start}-{evidence.end})",
                    fact.inferred,
                )
                if part
            )
        )

    def _statement(self, fact: Fact, contract: Entry, text: str) -> None:
        entry: Entry = {}
        entry["key"] = self.unique(f"{contract['key']}-{slug(text)}")
        entry["about"] = _seq([Entry([("contract", contract["key"])])])
        entry["text"] = _text(text)
        entry["quote"] = _text(fact.evidence.quote)
        self.statements.append(self.provenance(entry, fact))

    def _undated(self, fact: ContractFact) -> None:
        contract = self.contracts[fact.id]
        if not any(field in contract for field in ("signed_on", "start", "end")):
            self.gap(
                f"{contract['key']}: the article gives no date (signed, start or end); its "
                "activity stays unknown until one is written"
            )

    def _signatory(self, fact: SignatoryFact) -> None:
        contract = self.contract(fact.contract, fact)
        if contract is None:
            return
        if fact.partner in self.communes_of:
            self._signatories_from(contract, fact, self.communes_of[fact.partner])
            return
        key = self.partner(fact.partner, f"a signatory of {contract['key']}")
        signatories = contract.setdefault("signatories", [])
        found = next((s for s in signatories if s["partner"] == key != MISSING_KEY), None)
        entry: Entry = {"partner": key} if found is None else found
        if found is None:
            signatories.append(self.provenance(entry, fact))
        if fact.person:
            person = self.people.get(fact.person)
            if person is None:
                self.gap(f"{fact.id}: the person {fact.person} who signs is not in the draft")
            else:
                people = entry.setdefault("people", [])
                if person not in people:
                    people.append(person)
                _move_before(entry, "people", "certainty")
        partner = self.facts.get(fact.partner)
        if isinstance(partner, PartnerFact) and partner.kind is PartnerKind.EPCI:
            territory = self.facts.get(partner.territory) if partner.territory else None
            if (
                isinstance(territory, TerritoryFact)
                and territory.code
                and _MEMBERS_SIGN.search(fact.evidence.quote)
            ):
                self._signatories_from(contract, fact, territory.code)

    def _signatories_from(self, contract: Entry, fact: SignatoryFact, epci: str) -> None:
        shorthands = contract.setdefault("signatories_from", [])
        if any(s["communes_of"]["epci"] == epci for s in shorthands):
            return
        entry: Entry = {}
        entry["communes_of"] = {"epci": Code(epci)}
        entry["quote"] = _text(fact.evidence.quote)
        shorthands.append(
            self.provenance(entry, fact, "the member communes of the EPCI come from the reference")
        )
        self._counted(entry, fact.evidence.quote)

    def _lineage(self, fact: LineageFact) -> None:
        contract = self.contract(fact.contract, fact)
        other = self.contracts.get(fact.other)
        if contract is None:
            return
        relation: Entry = {}
        relation["type"] = fact.relation.value
        if other is None:
            relation["target"] = MISSING_KEY
            self.gap(
                f"{contract['key']} {fact.relation.value} a contract not in the draft; write "
                f"its key in place of « {MISSING_KEY} »"
            )
        else:
            relation["target"] = other["key"]
        contract.setdefault("relations", []).append(self.provenance(relation, fact))

    def _theme(self, fact: ThemeFact) -> None:
        contract = self.contract(fact.contract, fact)
        if contract is None:
            return
        themes = contract.setdefault("themes", [])
        if any(t["theme"] == fact.theme for t in themes):
            return
        self.known_themes((fact.theme,), fact)
        link = {"theme": fact.theme}
        themes.append(self.provenance(link, fact, "the theme's keywords in the vocabulary"))

    def _axis(self, fact: AxisFact) -> None:
        contract = self.contract(fact.contract, fact)
        if contract is None:
            return
        axes = contract.setdefault("axes", [])
        axis: Entry = {}
        why = None
        if fact.number is not None:
            axis["number"] = fact.number
            if any(a["number"] == fact.number for a in axes):
                self.gap(
                    f"{contract['key']}: two axes are numbered {fact.number} (« "
                    f"{_short(fact.title)} »); number each axis once"
                )
        else:
            used = {a["number"] for a in axes}
            axis["number"] = next(n for n in range(1, len(axes) + 2) if n not in used)
            why = "the article gives the axis no number: it is numbered in the article's order"
            self.gap(
                f"{contract['key']}: the axis « {_short(fact.title)} » has no number in the "
                f"article; {axis['number']} (its order) stands in"
            )
        axis["title"] = _text(fact.title)
        axes.append(self.provenance(axis, fact, why))
        self.axes[fact.id] = (contract, axis)

    def _fiche(self, fact: FicheFact) -> None:
        if fact.axis in self.axes:
            contract, holder = self.axes[fact.axis]
        else:
            found = self.contract(fact.contract, fact)
            if found is None:
                return
            contract = holder = found
        action: Entry = {}
        if fact.number is not None:
            action["number"] = fact.number
            numbers = self.fiche_numbers.setdefault(str(contract["key"]), set())
            if fact.number in numbers:
                self.gap(
                    f"{contract['key']}: two fiches actions are numbered {fact.number} (« "
                    f"{_short(fact.title)} »); number each once"
                )
            numbers.add(fact.number)
        action["title"] = _text(fact.title)
        if fact.themes:
            action["themes"] = _seq(list(fact.themes))
            self.known_themes(fact.themes, fact)
        why = "themes from the vocabulary's keywords in its title" if fact.themes else None
        holder.setdefault("actions", []).append(self.provenance(action, fact, why))

    # -- fundings ----------------------------------------------------------------------
    def _fundings(self) -> list[Any]:
        amounts = self.of(AmountFact)
        keys: dict[FactId, str] = {}
        for n, fact in enumerate(amounts, 1):
            contract = self.contracts.get(fact.contract) if fact.contract else None
            base = str(contract["key"]) if contract is not None else self.key
            keys[fact.id] = self.unique(f"{base}-financement-{n}")
        return [self._funding(fact, keys) for fact in amounts]

    def _funding(self, fact: AmountFact, keys: dict[FactId, str]) -> Entry:
        contract = self.contracts.get(fact.contract) if fact.contract else None
        entry: Entry = {"key": keys[fact.id]}
        if fact.payer:
            entry["payer"] = self.partner(fact.payer, f"the payer of {entry['key']}")
        # the amounts part may say who receives it and what it is a share of
        payee: FactId | None = getattr(fact, "payee", None)
        if payee:
            entry["payee"] = self.partner(payee, f"the payee of {entry['key']}")
        entry["amount"] = int(fact.value) if fact.value.is_integer() else fact.value
        if fact.qualifier is not Qualifier.EXACTLY:
            entry["amount_qualifier"] = fact.qualifier.value
        if fact.tax:
            entry["tax"] = fact.tax
        if fact.year is not None:
            entry["year"] = fact.year
        if fact.share_percent is not None:
            entry["share"] = round(fact.share_percent / 100, 6)
            if fact.qualifier is not Qualifier.EXACTLY:
                entry["share_qualifier"] = fact.qualifier.value
        share_of: FactId | None = getattr(fact, "share_of", None)
        if share_of:
            if share_of in keys:
                entry["share_of"] = keys[share_of]
            else:
                self.gap(f"{entry['key']} is a share of {share_of}, which is not in the draft")
        if fact.purpose:
            entry["purpose"] = _text(fact.purpose)
        if contract is not None:
            entry["contracts"] = [contract["key"]]
        return self.provenance(entry, fact)


# -- helpers ---------------------------------------------------------------------------
class Code(str):
    """A territory code or a SIREN: written in double quotes (``"01001"``, ``"15"``), as
    the format asks, so that YAML keeps it text."""

    __slots__ = ()


class _Dumper(yaml.CSafeDumper):
    """libyaml's emitter, with codes in double quotes and every value written where it
    is (an anchor and its alias, ``&id001``/``*id001``, are no reading for a person)."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


_Dumper.add_representer(
    Code,
    lambda dumper, code: dumper.represent_scalar("tag:yaml.org,2002:str", str(code), style='"'),
)
#: The key standing for a comment while the YAML is written, and its line once written.
_MARKER = "zz-comment-"
_MARKED = re.compile(rf"^(?P<indent> *)(?:- )?{_MARKER}(?P<n>\d+): null$", re.MULTILINE)


@functools.cache
def _vocabularies() -> Vocabularies:
    """The theme and contract-kind codes the validator knows (read once per process)."""
    return Vocabularies.load()


def _evidence(evidence: Evidence) -> Entry | None:
    """The format's evidence of a draft's: the quote without surrounding blanks (the
    format strips them), its offsets moved to match, cut to the format's longest text."""
    quote = evidence.quote
    lead = len(quote) - len(quote.lstrip())
    quote = quote.strip()[:_MAX_TEXT]
    if not quote:
        return None
    start = evidence.start + lead
    found: Entry = {}
    found["quote"] = quote
    found["start"] = start
    found["end"] = start + len(quote)
    return found


def _candidates(candidates: Sequence[Candidate]) -> str:
    return ", ".join(f"{c.kind} {c.code} ({c.name})" for c in candidates[:5])


def _date(value: str) -> int | dt.date | str:
    """A date at its precision as YAML writes it plainly: a year, a day, or ``2018-01``."""
    if len(value) == 4:
        return int(value)
    if len(value) == 10:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value  # not a day: the validator says so at its line, and it is listed
    return value


def _text(value: str) -> str:
    """A text value the format takes: stripped, at most its longest length."""
    return value.strip()[:_MAX_TEXT] or "?"


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _seq(items: Iterable[Any]) -> list[Any]:
    return list(items)


def _reorder(entry: Entry, order: Sequence[str]) -> None:
    """Put the fields of ``entry`` in the ``order`` a reader expects (the others after)."""
    rank = {field: i for i, field in enumerate(order)}
    fields = sorted(entry.items(), key=lambda item: rank.get(item[0], len(order)))
    entry.clear()
    entry.update(fields)


def _move_before(entry: Entry, field: str, anchor: str) -> None:
    """Keep ``field`` above ``anchor`` (the provenance comes after a fact's own fields)."""
    keys = list(entry)
    if anchor in entry and field in entry and keys.index(field) > keys.index(anchor):
        keys.remove(field)
        keys.insert(keys.index(anchor), field)
        _reorder(entry, keys)


def _plain(value: Any) -> Any:
    """``value`` as plain dicts, lists and scalars, for the format's models."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, str):
        return str(value)
    return value
