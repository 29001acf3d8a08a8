"""Scoring drafts against hand-written gold files: the fact keys the benchmark and the tests share.

A draft (`loaders.drafts.facts.Draft`) and a gold file say the same things in different
shapes: the draft links facts by id, with the article's own wording; the gold file names
each fact by what a reader can check. Both are turned into **keys** here, one kind of key
per fact type, and a type's score is the number of gold keys matched one-to-one by found
keys (a maximum matching: each found key counts for at most one gold key).

The gold file, ``tests/data/drafts/<article>/gold.yaml``, written by hand after reading the
article (every section may be empty or left out)::

    territories:   # territories by code: kind commune (INSEE), epci (SIREN), departement, region
      - {kind: epci, code: "200066660", name: Saint-Flour Communauté}   # name: a reader's note
    contracts:     # kind (a contract-kind code) + the code of the territory it covers,
      - {id: ctg, kind: ctg, territory: "200066660"}    # or, when it has none, a name key
      - {id: old, kind: ctg, name: Bazois}              # (its words must be in the draft's name)
    signatories:   # contract id + the partner's kind + the code of its territory (if it has one)
      - {contract: ctg, partner: caf, territory: "15"}
    people:        # name + post + the organisation's kind and territory code
      - {name: Bernadette Ginez, post: Présidente, partner: caf, territory: "15"}
    dates:         # contract id + role (signed, start, end, adopted, deliberation) + ISO value
      - {contract: ctg, role: signed, value: "2018-01-19"}    # its length is its precision
    axes:          # number (when the article gives one) + verbatim title
      - {number: 1, title: Réduire les précarités et les isolements}
    fiches:        # the same, for fiches actions
      - {number: 2, title: Aider à la mobilité}
    amounts:       # euros + qualifier (exactly, at-most, more-than, about)
      - {value: 626000, qualifier: more-than}
    lineage:       # contract id + relation (succeeds, declines, amends) + the other's id
      - {contract: ctg, relation: declines, other: ccs}

How each type is keyed, and so what counts as the same fact:

* a **territory** by its kind and code; a draft's territory without a code (ambiguous, its
  candidates kept) claims no code, so it is not counted as found;
* a **partner** by its kind and the code of the territory it governs or serves (``caf:15``,
  ``epci:200066660``), or its kind alone (``cnaf``, ``msa``);
* a **contract** by its kind and the code of the territory it covers — the EPCI first,
  then a commune, a département, a région; with none, its lead partner's territory; with
  none either, its folded name. Two contracts of one kind on one territory (a renewed CTG,
  the two basins of one EPCI) share a key: they count once;
* a **person** by folded name (accents, case and « M. »/« Mme » dropped) and the role word of
  the post (``Présidente du Conseil d'administration`` → ``president``; ``Première Adjointe
  au Maire`` → ``adjoint``) and the partner of the post; a gold person without a partner
  matches any; a draft's person without a post is not counted (the type is people *with
  posts*);
* a **date** by its contract's key, role and ISO value (``2017`` ≠ ``2017-01-01``);
* an **axis** or **fiche** by its number and folded title (case, accents, punctuation and
  apostrophes ignored); a gold title without a number matches whatever number was found;
* an **amount** by its value within ± 0.5 % and its qualifier;
* a **lineage** link by the relation and both contracts' keys.

Keys are deduplicated before matching: an article that names Saint-Flour Communauté five
times has one territory to find.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal, Protocol, Self

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from domain.vocabulary import ContractRelation, PartnerKind, Qualifier
from loaders.drafts.facts import (
    AmountFact,
    AxisFact,
    ContractFact,
    DateFact,
    DateRole,
    Draft,
    Fact,
    FicheFact,
    LineageFact,
    PartnerFact,
    PersonFact,
    SignatoryFact,
    TerritoryFact,
)

#: The fact types scored, in the order the benchmark prints them.
FACT_TYPES = (
    "contracts",
    "territories",
    "signatories",
    "people",
    "dates",
    "axes",
    "fiches",
    "amounts",
    "lineage",
)
FactType = Literal[
    "contracts",
    "territories",
    "signatories",
    "people",
    "dates",
    "axes",
    "fiches",
    "amounts",
    "lineage",
]
TerritoryKind = Literal["commune", "epci", "departement", "region"]

#: The issue's aims: precision on territories and people, recall on every type.
PRECISION_GOAL: Mapping[str, float] = {"territories": 0.9, "people": 0.9}
RECALL_GOAL = 0.8
#: How far a found amount may be from the gold one, as a share of the gold value.
AMOUNT_TOLERANCE = 0.005


class GoldError(Exception):
    """A gold file cannot be read: what, where, what to do."""


# -- folding ---------------------------------------------------------------------------------
def fold(text: str) -> str:
    """Lower case, no accents, punctuation and apostrophes as spaces, single spaces.

    >>> fold("Créer un accompagnement unique pour l’aide alimentaire »")
    'creer un accompagnement unique pour l aide alimentaire'
    >>> fold("Développer l'offre enfance-jeunesse") == fold("developper l offre Enfance Jeunesse")
    True
    """
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join(re.sub(r"[^0-9a-z]+", " ", bare.replace("œ", "oe").replace("æ", "ae")).split())


_CIVILITIES = frozenset({"m", "mme", "mlle", "monsieur", "madame", "mr", "dr"})


def person_name(name: str) -> str:
    """A person's name folded, without civility.

    >>> person_name("Mme Anne-Hélène RUFF")
    'anne helene ruff'
    """
    words = fold(name).split()
    while words and words[0] in _CIVILITIES:
        words = words[1:]
    return " ".join(words)


#: Feminine (and plural-free) forms of post words, mapped to one form.
_POST_WORDS = {
    "presidente": "president",
    "directrice": "directeur",
    "adjointe": "adjoint",
    "conseillere": "conseiller",
    "deleguee": "delegue",
    "referente": "referent",
    "elue": "elu",
}
#: The role words, in the order they are looked for (« vice-président » before « président »,
#: « adjointe au maire » is an adjoint).
_ROLES = (
    ("vice president", "vice-president"),
    ("president", "president"),
    ("directeur", "directeur"),
    ("adjoint", "adjoint"),
    ("maire", "maire"),
    ("conseiller", "conseiller"),
    ("referent", "referent"),
    ("delegue", "delegue"),
    ("secretaire", "secretaire"),
)


def post_role(post: str) -> str:
    """The role word of a post: what tells two posts apart, whatever their wording.

    >>> post_role("Présidente du Conseil d'administration de la Caf du Cantal")
    'president'
    >>> post_role("Vice-présidente déléguée à la politique de la Ville")
    'vice-president'
    >>> post_role("Première Adjointe au Maire")
    'adjoint'
    """
    words = [_POST_WORDS.get(word, word) for word in fold(post).split()]
    folded = " ".join(words)
    for needle, role in _ROLES:
        if re.search(rf"\b{needle}\b", folded):
            return role
    return words[0] if words else ""


# -- keys ------------------------------------------------------------------------------------
class Key(Protocol):
    """A fact's key: its label and whether a found key is the same fact as this gold one."""

    def label(self) -> str: ...

    def matches(self, found: Self) -> bool: ...


@dataclass(frozen=True)
class TerritoryKey:
    kind: str
    code: str

    def label(self) -> str:
        return f"{self.kind}:{self.code}"

    def matches(self, found: TerritoryKey) -> bool:
        return self == found


@dataclass(frozen=True)
class PartnerKey:
    kind: str
    territory: str | None = None

    def label(self) -> str:
        return f"{self.kind}:{self.territory}" if self.territory else self.kind

    def matches(self, found: PartnerKey) -> bool:
        return self == found


@dataclass(frozen=True)
class ContractKey:
    kind: str
    territory: str | None
    #: The folded name: the key itself when there is no territory, a note otherwise
    #: (so two mentions of one contract with different wordings are one key).
    name: str = ""

    def label(self) -> str:
        return f"{self.kind}@{self.territory or '~' + self.name}"

    def matches(self, found: ContractKey) -> bool:
        if self.kind != found.kind:
            return False
        if self.territory is not None:
            return self.territory == found.territory
        return set(self.name.split()) <= set(found.name.split())

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ContractKey):
            return NotImplemented
        mine = self.name if self.territory is None else ""
        theirs = other.name if other.territory is None else ""
        return (self.kind, self.territory, mine) == (other.kind, other.territory, theirs)

    def __hash__(self) -> int:
        return hash((self.kind, self.territory, self.name if self.territory is None else ""))


@dataclass(frozen=True)
class SignatoryKey:
    contract: ContractKey
    partner: PartnerKey

    def label(self) -> str:
        return f"{self.contract.label()} ← {self.partner.label()}"

    def matches(self, found: SignatoryKey) -> bool:
        return self.contract.matches(found.contract) and self.partner.matches(found.partner)


@dataclass(frozen=True)
class PersonKey:
    name: str
    role: str
    partner: PartnerKey | None

    def label(self) -> str:
        where = f" ({self.partner.label()})" if self.partner else ""
        return f"{self.name}, {self.role}{where}"

    def matches(self, found: PersonKey) -> bool:
        if (self.name, self.role) != (found.name, found.role):
            return False
        return self.partner is None or (
            found.partner is not None and self.partner.matches(found.partner)
        )


@dataclass(frozen=True)
class DateKey:
    contract: ContractKey
    role: str
    value: str

    def label(self) -> str:
        return f"{self.contract.label()} {self.role} {self.value}"

    def matches(self, found: DateKey) -> bool:
        return (self.role, self.value) == (found.role, found.value) and self.contract.matches(
            found.contract
        )


@dataclass(frozen=True)
class TitleKey:
    number: int | None
    title: str

    def label(self) -> str:
        return f"{self.number if self.number is not None else '–'}. {self.title}"

    def matches(self, found: TitleKey) -> bool:
        return self.title == found.title and self.number in (None, found.number)


@dataclass(frozen=True)
class AmountKey:
    value: float
    qualifier: str

    def label(self) -> str:
        return f"{self.value:,.0f} € ({self.qualifier})"

    def matches(self, found: AmountKey) -> bool:
        near = abs(found.value - self.value) <= AMOUNT_TOLERANCE * abs(self.value)
        return near and self.qualifier == found.qualifier


@dataclass(frozen=True)
class LineageKey:
    relation: str
    contract: ContractKey
    other: ContractKey

    def label(self) -> str:
        return f"{self.contract.label()} {self.relation} {self.other.label()}"

    def matches(self, found: LineageKey) -> bool:
        return (
            self.relation == found.relation
            and self.contract.matches(found.contract)
            and self.other.matches(found.other)
        )


#: The keys of one article, per fact type, deduplicated, in the order met.
Keys = dict[str, list[Any]]


def _keys(per_type: Mapping[str, Iterable[Any]]) -> Keys:
    return {kind: list(dict.fromkeys(per_type.get(kind, ()))) for kind in FACT_TYPES}


# -- scoring ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Score:
    """How many gold keys there are, how many were found, how many found ones are right."""

    gold: int
    found: int
    correct: int

    @property
    def precision(self) -> float | None:
        """Correct / found; None when nothing was found."""
        return self.correct / self.found if self.found else None

    @property
    def recall(self) -> float | None:
        """Correct / gold; None when the gold has none."""
        return self.correct / self.gold if self.gold else None

    def __add__(self, other: Score) -> Score:
        return Score(self.gold + other.gold, self.found + other.found, self.correct + other.correct)

    def as_json(self) -> dict[str, Any]:
        """Counts, precision and recall (rounded) as a JSON object."""
        p, r = self.precision, self.recall
        return {
            "gold": self.gold,
            "found": self.found,
            "correct": self.correct,
            "precision": None if p is None else round(p, 3),
            "recall": None if r is None else round(r, 3),
        }


def matched(gold: Sequence[Any], found: Sequence[Any]) -> list[tuple[Any, Any]]:
    """The largest one-to-one pairing of gold and found keys that match (augmenting paths:
    a found key that could serve two gold keys goes where it leaves most matched)."""
    owner: dict[int, int] = {}  # found index -> gold index

    def place(g: int, seen: set[int]) -> bool:
        for f, candidate in enumerate(found):
            if f in seen or not gold[g].matches(candidate):
                continue
            seen.add(f)
            if f not in owner or place(owner[f], seen):
                owner[f] = g
                return True
        return False

    for g in range(len(gold)):
        place(g, set())
    return sorted(((gold[g], found[f]) for f, g in owner.items()), key=lambda p: gold.index(p[0]))


def score(gold: Keys, found: Keys) -> dict[str, Score]:
    """Per fact type: gold count, found count, and how many found keys match gold ones."""
    return {
        kind: Score(
            len(gold.get(kind, [])),
            len(found.get(kind, [])),
            len(matched(gold.get(kind, []), found.get(kind, []))),
        )
        for kind in FACT_TYPES
    }


def micro(scores: Iterable[Mapping[str, Score]]) -> dict[str, Score]:
    """The scores of a set: counts summed over its articles, per fact type."""
    total = {kind: Score(0, 0, 0) for kind in FACT_TYPES}
    for one in scores:
        for kind in FACT_TYPES:
            total[kind] = total[kind] + one[kind]
    return total


def goal_met(kind: str, result: Score) -> bool:
    """Whether a type meets the issue's aims: recall ≥ 0.8, and precision ≥ 0.9 for
    territories and people (a type with nothing to find and nothing found meets them)."""
    recall = result.recall
    if recall is not None and recall < RECALL_GOAL:
        return False
    if kind in PRECISION_GOAL:
        precision = result.precision
        if precision is None:
            return result.gold == 0
        return precision >= PRECISION_GOAL[kind]
    return True


def misses(gold: Keys, found: Keys) -> dict[str, dict[str, list[str]]]:
    """Per fact type, the labels of the gold keys not found and the found keys not in the
    gold: where a draft fails, to read beside its score."""
    out: dict[str, dict[str, list[str]]] = {}
    for kind in FACT_TYPES:
        pairs = matched(gold.get(kind, []), found.get(kind, []))
        hit_gold = {id(g) for g, _ in pairs}
        hit_found = {id(f) for _, f in pairs}
        missed = [k.label() for k in gold.get(kind, []) if id(k) not in hit_gold]
        extra = [k.label() for k in found.get(kind, []) if id(k) not in hit_found]
        if missed or extra:
            out[kind] = {"missed": missed, "wrong": extra}
    return out


# -- a draft's keys --------------------------------------------------------------------------
_TERRITORY_RANK = {"epci": 0, "commune": 1, "departement": 2, "region": 3}


def draft_keys(draft: Draft) -> Keys:
    """The keys of what ``draft`` found."""
    facts = draft.by_id()

    def territory(fact_id: str | None) -> TerritoryFact | None:
        fact = facts.get(fact_id) if fact_id else None
        return fact if isinstance(fact, TerritoryFact) else None

    def partner(fact_id: str | None) -> PartnerKey | None:
        fact = facts.get(fact_id) if fact_id else None
        if not isinstance(fact, PartnerFact):
            return None
        place = territory(fact.territory)
        return PartnerKey(fact.kind.value, place.code if place else None)

    def contract(fact_id: str) -> ContractKey:
        fact = facts.get(fact_id)
        if not isinstance(fact, ContractFact):
            return ContractKey("?", None, fact_id)
        coded = [t for t in map(territory, fact.territories) if t is not None and t.code]
        coded.sort(key=lambda t: _TERRITORY_RANK.get(_territory_kind(t) or "", 9))
        code = coded[0].code if coded else None
        if code is None:
            lead = partner(fact.lead)
            code = lead.territory if lead else None
        return ContractKey(fact.kind, code, fold(fact.name))

    per_type: dict[str, list[Any]] = {kind: [] for kind in FACT_TYPES}
    for fact in draft.facts:
        key = _fact_key(fact, contract, partner)
        if key is not None:
            per_type[key[0]].append(key[1])
    return _keys(per_type)


def _territory_kind(fact: TerritoryFact) -> str | None:
    if fact.kind is not None:
        return fact.kind
    return next((c.kind for c in fact.candidates if c.code == fact.code), None)


def _fact_key(
    fact: Fact,
    contract: Callable[[str], ContractKey],
    partner: Callable[[str | None], PartnerKey | None],
) -> tuple[str, Any] | None:
    """The type and key of one fact, or None when it claims nothing scored."""
    match fact:
        case TerritoryFact(code=str(code)):
            kind = _territory_kind(fact)
            return ("territories", TerritoryKey(kind, code)) if kind else None
        case ContractFact():
            return "contracts", contract(fact.id)
        case SignatoryFact():
            signer = partner(fact.partner)
            return (
                ("signatories", SignatoryKey(contract(fact.contract), signer)) if signer else None
            )
        case PersonFact(post=str(post)):
            key = PersonKey(person_name(fact.name), post_role(post), partner(fact.organisation))
            return "people", key
        case DateFact():
            return "dates", DateKey(contract(fact.contract), fact.role, fact.value)
        case AxisFact():
            return "axes", TitleKey(fact.number, fold(fact.title))
        case FicheFact():
            return "fiches", TitleKey(fact.number, fold(fact.title))
        case AmountFact():
            return "amounts", AmountKey(fact.value, fact.qualifier.value)
        case LineageFact():
            return "lineage", LineageKey(
                fact.relation.value, contract(fact.contract), contract(fact.other)
            )
        case _:
            return None


# -- gold files ------------------------------------------------------------------------------
class _Gold(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class GoldTerritory(_Gold):
    kind: TerritoryKind
    code: str
    name: str | None = None


class GoldContract(_Gold):
    id: str
    kind: str
    territory: str | None = None
    name: str | None = None

    @model_validator(mode="after")
    def _keyed(self) -> GoldContract:
        if self.territory is None and not self.name:
            raise ValueError(f"contract {self.id!r} needs a territory code or a name key")
        return self


class GoldSignatory(_Gold):
    contract: str
    partner: PartnerKind
    territory: str | None = None


class GoldPerson(_Gold):
    name: str
    post: str
    partner: PartnerKind | None = None
    territory: str | None = None


class GoldDate(_Gold):
    contract: str
    role: DateRole
    value: str = Field(pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$")


class GoldTitle(_Gold):
    number: int | None = None
    title: str


class GoldAmount(_Gold):
    value: float = Field(ge=0)
    qualifier: Qualifier = Qualifier.EXACTLY


class GoldLineage(_Gold):
    contract: str
    relation: ContractRelation
    other: str


class GoldFile(_Gold):
    """One article's gold facts (the format of this module's docstring)."""

    territories: list[GoldTerritory] = []
    contracts: list[GoldContract] = []
    signatories: list[GoldSignatory] = []
    people: list[GoldPerson] = []
    dates: list[GoldDate] = []
    axes: list[GoldTitle] = []
    fiches: list[GoldTitle] = []
    amounts: list[GoldAmount] = []
    lineage: list[GoldLineage] = []

    @model_validator(mode="after")
    def _contracts_named(self) -> GoldFile:
        ids = [c.id for c in self.contracts]
        if len(ids) != len(set(ids)):
            raise ValueError(f"contract ids must be unique; they are {ids}")
        refs = [
            *(("signatories", s.contract) for s in self.signatories),
            *(("dates", d.contract) for d in self.dates),
            *(("lineage", x) for link in self.lineage for x in (link.contract, link.other)),
        ]
        for section, ref in refs:
            if ref not in ids:
                raise ValueError(f"{section} names contract {ref!r}, which is not in contracts")
        return self


def read_gold(path: Path) -> GoldFile:
    """The gold file at ``path``; `GoldError` saying what is wrong, where, and what to do."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise GoldError(f"{path}: cannot be read as YAML ({error}); fix the file") from None
    try:
        return GoldFile.model_validate(data)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or '(top)'}: {e['msg']}" for e in error.errors()
        )
        raise GoldError(
            f"{path}: {problems}. The format is described in bench/draft_scoring.py"
        ) from None


def gold_keys(gold: GoldFile) -> Keys:
    """The keys of a gold file."""
    contracts = {c.id: ContractKey(c.kind, c.territory, fold(c.name or "")) for c in gold.contracts}
    return _keys(
        {
            "territories": (TerritoryKey(t.kind, t.code) for t in gold.territories),
            "contracts": contracts.values(),
            "signatories": (
                SignatoryKey(contracts[s.contract], PartnerKey(s.partner.value, s.territory))
                for s in gold.signatories
            ),
            "people": (
                PersonKey(
                    person_name(p.name),
                    post_role(p.post),
                    PartnerKey(p.partner.value, p.territory) if p.partner else None,
                )
                for p in gold.people
            ),
            "dates": (DateKey(contracts[d.contract], d.role, d.value) for d in gold.dates),
            "axes": (TitleKey(a.number, fold(a.title)) for a in gold.axes),
            "fiches": (TitleKey(f.number, fold(f.title)) for f in gold.fiches),
            "amounts": (AmountKey(a.value, a.qualifier.value) for a in gold.amounts),
            "lineage": (
                LineageKey(link.relation.value, contracts[link.contract], contracts[link.other])
                for link in gold.lineage
            ),
        }
    )


# -- a seed dataset's keys -------------------------------------------------------------------
_REF_KINDS: tuple[TerritoryKind, ...] = ("commune", "epci", "departement", "region")


def dataset_keys(path: Path, *, stated_only: bool = False) -> Keys:
    """The keys of what a hand-written dataset (``domain/data/partnerships/*.yaml``) holds,
    so that a seed article's draft can be scored against its seed dataset.

    Read as a dataset says it: territories are those its partners govern or serve, its
    contracts cover and its fundings name (a sub-territory stands for the EPCI it is part
    of; its member communes are the author's geography, not the article's, and are left
    out); a partner's territory is the first it governs or serves; dates are the contracts'
    ``signed_on``, ``start`` and ``end``; amounts are the fundings' stated amounts (one
    marked computed in ``inferred_fields`` is left out); links are the contracts'
    ``relations``. With ``stated_only``, every entry the dataset marks ``certainty:
    inferred`` (a commune known from the reference, an inferred coverage, succession or
    signatory) is left out: what the article itself says (a contract is still keyed on the
    territory it is inferred to cover).
    """
    document: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    reader = _DatasetReader(document, stated_only)
    per_type: dict[str, list[Any]] = {kind: [] for kind in FACT_TYPES}
    for contract in document.get("contracts") or []:
        for kind, key in reader.contract_facts(contract):
            per_type[kind].append(key)
    for person in document.get("people") or []:
        for post in person.get("posts") or []:
            org = reader.partners.get(post.get("organisation", ""))
            per_type["people"].append(
                PersonKey(person_name(person["name"]), post_role(post["title"]), org)
            )
    for funding in document.get("fundings") or []:
        found = reader.ref(funding["territory"]) if funding.get("territory") else None
        reader.territories += [found] if found else []
        computed = "amount" in (funding.get("inferred_fields") or {})
        if funding.get("amount") is not None and not computed:
            qualifier = funding.get("amount_qualifier", Qualifier.EXACTLY.value)
            per_type["amounts"].append(AmountKey(float(funding["amount"]), qualifier))
    per_type["territories"] = list(reader.territories)
    return _keys(per_type)


class _DatasetReader:
    """A dataset document's partners and contracts as keys, and the territories met."""

    def __init__(self, document: Mapping[str, Any], stated_only: bool) -> None:
        self.stated_only = stated_only
        self.sub_territories: dict[str, Mapping[str, Any]] = {
            s["key"]: s.get("part_of", {}) for s in document.get("sub_territories") or []
        }
        self.territories: list[TerritoryKey] = []
        self.partners: dict[str, PartnerKey] = {}
        for p in document.get("partners") or []:
            links = [*p.get("governs", []), *p.get("serves", [])]
            coded = [t for t in (self.ref(link["territory"]) for link in links) if t]
            self.territories += coded if self.kept(p) else []
            self.partners[p["key"]] = PartnerKey(p["kind"], coded[0].code if coded else None)
        self.contracts = {c["key"]: self.contract_key(c) for c in document.get("contracts") or []}

    def kept(self, entry: Mapping[str, Any]) -> bool:
        """Whether an entry counts: all do, but inferred ones when only stated ones count."""
        return not (self.stated_only and entry.get("certainty") == "inferred")

    def ref(self, territory: Mapping[str, Any]) -> TerritoryKey | None:
        """The key of a territory reference; a sub-territory stands for its EPCI."""
        if "sub_territory" in territory:
            territory = self.sub_territories.get(territory["sub_territory"], {})
        for kind in _REF_KINDS:
            if kind in territory:
                return TerritoryKey(kind, str(territory[kind]))
        return None

    def contract_key(self, contract: Mapping[str, Any]) -> ContractKey:
        """A contract's key; the territories it covers (when kept) are noted."""
        covers = contract.get("covers") or []
        self.territories += [
            t for t in (self.ref(x["territory"]) for x in filter(self.kept, covers)) if t
        ]
        # A contract is keyed on what it covers even when that is inferred: the key names
        # the contract, it claims nothing.
        covered = sorted(
            (t for t in (self.ref(x["territory"]) for x in covers) if t),
            key=lambda t: _TERRITORY_RANK[t.kind],
        )
        code = covered[0].code if covered else None
        if code is None and contract.get("leads"):
            code = self.partners[contract["leads"][0]].territory
        return ContractKey(contract["kind"], code, fold(contract.get("title", contract["key"])))

    def contract_facts(self, contract: Mapping[str, Any]) -> Iterator[tuple[str, Any]]:
        """The keys a contract entry holds: itself, its signatories, dates, axes, fiches,
        relations."""
        key = self.contracts[contract["key"]]
        yield "contracts", key
        for signatory in filter(self.kept, contract.get("signatories") or []):
            yield "signatories", SignatoryKey(key, self.partners[signatory["partner"]])
        for field_name, role in (("signed_on", "signed"), ("start", "start"), ("end", "end")):
            if contract.get(field_name) is not None:
                yield "dates", DateKey(key, role, _iso(contract[field_name]))
        actions = list(contract.get("actions") or [])
        for axis in contract.get("axes") or []:
            yield "axes", TitleKey(axis.get("number"), fold(axis["title"]))
            actions += axis.get("actions") or []
        for action in actions:
            yield "fiches", TitleKey(action.get("number"), fold(action["title"]))
        for relation in filter(self.kept, contract.get("relations") or []):
            other = self.contracts.get(relation["target"])
            if other is not None:
                yield "lineage", LineageKey(relation["type"], key, other)


def _iso(value: object) -> str:
    """A dataset date (a YAML date, a year as an int, or a string) as ISO text."""
    return value.isoformat() if isinstance(value, date) else str(value)
