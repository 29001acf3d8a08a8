"""The facts a draft holds: what an article says, each with the words that say it.

A draft is never a dataset yet: it is the list of facts a careful reader would note in
the margin of an article, each fact carrying its *evidence* (the quoted words and their
character offsets in the article's text), so that the researcher can check every one
against the source before anything is kept. `loaders/drafts/dataset.py` turns the facts
that were kept into a dataset of the project's format, every fact ``inferred`` with
reason ``extracted`` and its quote.

The facts are pydantic models so that a draft goes to the explorer's review page as JSON
and comes back, edited, in the same shape (``Draft.model_validate``). Facts refer to each
other by ``id`` (``"partner-1"``, ``"contract-1"``), allocated by `Found.new_id`.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from domain.vocabulary import ContractRelation, ContractStatus, PartnerKind, Qualifier

FactId = str


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Evidence(_Frozen):
    """Where the article says it: ``text[start:end] == quote``."""

    start: int = Field(ge=0, description="Offset of the first character, in the article text.")
    end: int = Field(ge=0, description="Offset just past the last character.")
    quote: str = Field(description="The article's own words, verbatim.")

    @classmethod
    def of(cls, text: str, start: int, end: int) -> Evidence:
        """The evidence for ``text[start:end]``.

        >>> Evidence.of("la Caf du Cantal signe", 3, 16).quote
        'Caf du Cantal'
        """
        if not 0 <= start <= end <= len(text):
            raise ValueError(f"evidence {start}:{end} is outside a text of {len(text)} characters")
        return cls(start=start, end=end, quote=text[start:end])


class _Fact(_Frozen):
    id: FactId = Field(description="This fact's id in the draft, e.g. 'partner-1'.")
    evidence: Evidence
    #: Why a value is more than what the quote says, e.g. "year inferred from the
    #: publication date and the weekday". Extraction itself is always the base reason.
    inferred: str | None = None
    #: Other places in the article that say the same (the first one is ``evidence``).
    also: tuple[Evidence, ...] = ()


class Candidate(_Frozen):
    """A territory of the reference that a mention may name."""

    kind: Literal["commune", "epci", "departement", "region"]
    code: str = Field(description="INSEE code (commune, département, région) or SIREN (EPCI).")
    name: str = Field(description="Its official name in the reference.")
    score: float = Field(ge=0, le=100, description="How well the mention matches, 0-100.")


class TerritoryFact(_Fact):
    """A territory the article names (« Saint-Flour Communauté », « Ecuisses », « du Cantal »)."""

    type: Literal["territory"] = "territory"
    name: str = Field(description="The name as the article writes it.")
    kind: Literal["commune", "epci", "departement", "region"] | None = None
    code: str | None = Field(
        default=None, description="The chosen candidate's code; None while ambiguous."
    )
    candidates: tuple[Candidate, ...] = Field(
        default=(), description="Every plausible reading, best first; kept when ambiguous."
    )


class PartnerFact(_Fact):
    """An organisation that acts in the article: a Caf, an EPCI, a commune, an association."""

    type: Literal["partner"] = "partner"
    name: str = Field(description="Its usual name, e.g. 'Caf du Cantal'.")
    kind: PartnerKind
    territory: FactId | None = Field(
        default=None, description="The TerritoryFact it governs or serves, when it has one."
    )


class PersonFact(_Fact):
    """A person named with a post: « Bernadette GINEZ, Présidente de la Caf du Cantal »."""

    type: Literal["person"] = "person"
    name: str = Field(description="As written, capitalised normally: 'Bernadette Ginez'.")
    post: str | None = Field(default=None, description="Her post, e.g. 'Présidente'.")
    organisation: FactId | None = Field(default=None, description="The PartnerFact of the post.")


class ContractFact(_Fact):
    """A contract the article speaks of: its kind, its name, its status."""

    type: Literal["contract"] = "contract"
    kind: str = Field(description="A contract-kind code of the vocabulary: 'ctg', 'cej', 'ccs'…")
    name: str = Field(description="A name that tells it apart, e.g. 'CTG Saint-Flour Communauté'.")
    status: ContractStatus | None = None
    territories: tuple[FactId, ...] = Field(default=(), description="TerritoryFacts it covers.")
    lead: FactId | None = Field(default=None, description="The PartnerFact that carries it.")
    duration_years: int | None = Field(default=None, ge=1, le=20)


DateRole = Literal["signed", "start", "end", "adopted", "deliberation"]


class DateFact(_Fact):
    """A date of a contract: signed, started, ended, adopted in council."""

    type: Literal["date"] = "date"
    contract: FactId
    role: DateRole
    value: str = Field(
        description="ISO with the source's precision: '2018-01-19', '2017-12', '2017'.",
        pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$",
    )


class SignatoryFact(_Fact):
    """A partner signed (or will sign) a contract, through a person when the article says."""

    type: Literal["signatory"] = "signatory"
    contract: FactId
    partner: FactId
    person: FactId | None = None


class AxisFact(_Fact):
    """An axis of a contract, with its number and verbatim title."""

    type: Literal["axis"] = "axis"
    contract: FactId | None = None
    number: int | None = None
    title: str


class FicheFact(_Fact):
    """A fiche action, with its number, verbatim title and themes."""

    type: Literal["fiche"] = "fiche"
    contract: FactId | None = None
    axis: FactId | None = None
    number: int | None = None
    title: str
    themes: tuple[str, ...] = Field(default=(), description="Theme codes of the vocabulary.")


class ThemeFact(_Fact):
    """A theme of the vocabulary the article attaches to a contract."""

    type: Literal["theme"] = "theme"
    contract: FactId | None = None
    theme: str = Field(description="A theme code of the vocabulary, e.g. 'petite-enfance'.")


class AmountFact(_Fact):
    """An amount of money: « plus de 626 000 € », « 40 000 € HT maximum, financée à 50 % »."""

    type: Literal["amount"] = "amount"
    value: float = Field(ge=0, description="In euros.")
    qualifier: Qualifier = Qualifier.EXACTLY
    tax: Literal["HT", "TTC"] | None = None
    share_percent: float | None = Field(default=None, ge=0, le=100)
    year: int | None = None
    purpose: str | None = Field(
        default=None, description="What it pays for, in the article's words."
    )
    payer: FactId | None = None
    contract: FactId | None = None
    payee: FactId | None = Field(
        default=None, description="The PartnerFact it goes to, when the article says."
    )
    share_of: FactId | None = Field(
        default=None,
        description="The AmountFact this is a share of (« dont 14 % à … »); then ``value`` "
        "is computed from it and the fact says so in ``inferred``.",
    )


class LineageFact(_Fact):
    """One contract follows another: « remplace les CEJ », « succède », « avenant »."""

    type: Literal["lineage"] = "lineage"
    relation: ContractRelation
    contract: FactId = Field(description="The later contract (the successor, the amendment).")
    other: FactId = Field(description="The earlier one (the predecessor, the amended).")


Fact = Annotated[
    TerritoryFact
    | PartnerFact
    | PersonFact
    | ContractFact
    | DateFact
    | SignatoryFact
    | AxisFact
    | FicheFact
    | ThemeFact
    | AmountFact
    | LineageFact,
    Field(discriminator="type"),
]


class ArticleInfo(_Frozen):
    """What is known of the source itself."""

    file: str | None = Field(default=None, description="The file's name as given.")
    title: str | None = None
    published: date | None = None
    publisher: str | None = None
    url: str | None = None
    format: Literal["txt", "html", "pdf"] = "txt"


class Draft(BaseModel):
    """An article's text, what is known of it, the facts found in it and what is missing."""

    model_config = ConfigDict(extra="forbid")

    article: ArticleInfo
    text: str = Field(description="The article's main text; every evidence offset is in it.")
    facts: list[Fact] = Field(default_factory=list)
    gaps: list[str] = Field(
        default_factory=list,
        description="What a dataset needs and the article does not say, in words.",
    )

    def of_type(self, fact_type: str) -> list[Fact]:
        """The facts of one type, in the order found."""
        return [fact for fact in self.facts if fact.type == fact_type]

    def by_id(self) -> dict[FactId, Fact]:
        """Every fact by its id."""
        return {fact.id: fact for fact in self.facts}
