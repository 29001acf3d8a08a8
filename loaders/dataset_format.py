"""The partnership dataset format, version 1 (``format: ctg-graph/dataset@1``).

A dataset is one YAML file (or several merged, see :mod:`loaders.datasets`) describing
partners, people and their posts, sub-territories, contracts with their signatories,
covered territories, relations, axes and fiches actions, governance bodies, funding
facts and the sources they come from; and the facts that are not contracts: who holds a
competence on a territory, the charters and plans that frame contracts, who created a
kind of contract, and free statements about any node. docs/dataset-format.md explains
every field with a worked example; docs/dataset.schema.json is generated from these
models (``ctg validate --print-schema``).

Every *fact* may say where it comes from (``source``, default: the dataset's
``default_source``) and how sure it is (``certainty: stated`` by the source, the
default, or ``inferred`` by the dataset's author, then with a ``reason``).

These models check the shape of one file. Cross-references (ids, territory codes,
vocabulary codes, dates) are checked by :mod:`loaders.datasets`, which reports every
error of every file at once, each with its file, line and field path.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from domain.dates import DurationRange, FuzzyDate, Period
from domain.errors import DateValueError
from domain.vocabulary import (
    Certainty,
    ContractRelation,
    ContractStatus,
    PartnerKind,
    Qualifier,
    TerritoryKind,
)

FORMAT = "ctg-graph/dataset@1"

Slug = Annotated[
    str,
    Field(
        pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$",
        max_length=120,
        description="A readable identifier: lower-case letters, digits and single hyphens.",
    ),
]
Siren = Annotated[str, Field(pattern=r"^\d{9}$", description="A SIREN: 9 digits.")]
InseeCode = Annotated[
    str, Field(pattern=r"^[0-9][0-9AB]\d{3}$", description="An INSEE commune code.")
]
DepartementCode = Annotated[
    str, Field(pattern=r"^(\d{2}|2[AB]|\d{3})$", description="A département code.")
]
RegionCode = Annotated[str, Field(pattern=r"^\d{2,3}$", description="A région code.")]
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _printable(value: str) -> str:
    """Refuse control characters (tabs and line breaks are fine): XML exports cannot hold
    them and they are never what an author meant."""
    found = _CONTROL.search(value)
    if found:
        raise ValueError(
            f"contains the control character U+{ord(found.group()):04X}, which cannot be "
            "stored or exported (GEXF and GraphML reject it); remove it"
        )
    return value


Text = Annotated[str, Field(min_length=1, max_length=2000), AfterValidator(_printable)]

_FUZZY_DATE_FORMS: list[dict[str, Any]] = [
    {"type": "integer", "minimum": 1000, "maximum": 9999, "description": "A year: 2017."},
    {
        "type": "string",
        "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$",
        "description": "A year (2017), a month (2018-01) or a day (2018-01-19).",
    },
]
#: A date known to the day, the month or the year (see :class:`domain.dates.FuzzyDate`):
#: ``2018-01-19``, ``2018-01``, ``2017`` (a YAML integer or string). Written back (in the
#: dataset's checksum, in exported fragments) as its ISO text, so day-precise dates read
#: exactly as they did when they were ``datetime.date``.
Date = Annotated[
    FuzzyDate,
    PlainValidator(FuzzyDate.parse),
    PlainSerializer(lambda d: d.text, return_type=str),
    WithJsonSchema({"anyOf": _FUZZY_DATE_FORMS}),
]
#: The word that says a period has no end yet: ``end: open``.
OPEN: Literal["open"] = "open"


def _end(value: object) -> FuzzyDate | Literal["open"]:
    if value == OPEN:
        return OPEN
    try:
        return FuzzyDate.parse(value)
    except DateValueError as error:
        raise DateValueError(f"{error}, or `open` for a period not ended yet") from None


#: A period's end: a :data:`Date`, or ``open`` when the period has not ended (ongoing).
End = Annotated[
    FuzzyDate | Literal["open"],
    PlainValidator(_end),
    PlainSerializer(lambda d: d if isinstance(d, str) else d.text, return_type=str),
    WithJsonSchema({"anyOf": [*_FUZZY_DATE_FORMS, {"const": OPEN}]}),
]
_END_DESCRIPTION = (
    "Last day (inclusive), known to the day, the month or the year; `open` when the period "
    "has not ended (ongoing); left out when it is not known."
)


def _duration(value: object) -> DurationRange:
    duration = DurationRange.parse(value)
    if not 1 <= duration.min_years <= duration.max_years <= MAX_DURATION_YEARS:
        raise DateValueError(
            f"a duration of {duration.text} years is out of bounds; write whole years "
            f"from 1 to {MAX_DURATION_YEARS}"
        )
    return duration


#: The longest planned duration a contract may state, in years.
MAX_DURATION_YEARS = 20
#: A planned duration in whole years: ``4``, or a range ``{min: 4, max: 5}`` (« 4 ou 5
#: ans »). Written back as it was given: an integer when exact.
DurationYears = Annotated[
    DurationRange,
    PlainValidator(_duration),
    PlainSerializer(
        lambda d: (
            d.min_years if d.min_years == d.max_years else {"min": d.min_years, "max": d.max_years}
        ),
        return_type=int | dict[str, int],
    ),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "integer", "minimum": 1, "maximum": MAX_DURATION_YEARS},
                {
                    "type": "object",
                    "properties": {
                        "min": {"type": "integer", "minimum": 1, "maximum": MAX_DURATION_YEARS},
                        "max": {"type": "integer", "minimum": 1, "maximum": MAX_DURATION_YEARS},
                    },
                    "required": ["min", "max"],
                    "additionalProperties": False,
                    "description": "A range of whole years: {min: 4, max: 5}.",
                },
            ]
        }
    ),
]


def _end_after_start(end: FuzzyDate | Literal["open"] | None, info: ValidationInfo) -> Any:
    """Refuse an end certainly before the start (validated before it), at the end's line."""
    if end is not None:
        period_of(info.data.get("start"), end)
    return end


def _duration_that_fits(duration: DurationRange | None, info: ValidationInfo) -> Any:
    """Refuse a duration the period (start and end, validated before it) cannot last."""
    start, end = info.data.get("start"), info.data.get("end")
    if duration is None or start is None or end is None:
        return duration
    try:
        period = period_of(start, end)
    except DateValueError:
        return duration  # reported at `end`
    if not period.can_last(duration):
        raise DateValueError(
            f"{duration.text} years does not fit {start} to {end}: correct the dates or the "
            "duration, or give the duration as a range ({min: 4, max: 5})"
        )
    return duration


def period_of(start: FuzzyDate | None, end: FuzzyDate | Literal["open"] | None) -> Period:
    """The :class:`domain.dates.Period` of a ``start`` and an ``end`` (``open`` or a date);
    raises :class:`domain.errors.DateValueError` when the end is before the start."""
    if end == OPEN:
        return Period(start, None, end_open=True)
    return Period(start, end if isinstance(end, FuzzyDate) else None)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Evidence(_Model):
    """Where the source says a fact, as an extracted draft records it (``ctg draft``): the
    source's own words and their character offsets in the text it was drafted from."""

    quote: Text = Field(description="The source's own words, verbatim.")
    start: int = Field(ge=0, description="Offset of the quote's first character in the text.")
    end: int = Field(ge=0, description="Offset just past the quote's last character.")

    @model_validator(mode="after")
    def _ordered(self) -> Evidence:
        if self.end <= self.start:
            raise ValueError(
                f"the quote ends at {self.end}, not after its start {self.start}: give the "
                "offsets of its first character and just past its last one"
            )
        return self


def _absent(value: object) -> bool:
    return value is None


class _Fact(_Model):
    """Provenance shared by every fact."""

    source: Slug | None = Field(
        default=None, description="Key of the source stating this fact (default: default_source)."
    )
    certainty: Certainty = Field(
        default=Certainty.STATED,
        description="stated by the source, or inferred by the dataset's author.",
    )
    reason: Text | None = Field(
        default=None, description="Why an inferred fact was inferred (required when inferred)."
    )
    inferred_fields: dict[str, Text] = Field(
        default_factory=dict,
        description="Fields of a stated fact whose value the author inferred, each with the "
        "reason (e.g. {signed_on: 'the article gives the day, not the year'}).",
    )
    # left out of the dump when absent, so that every dataset written before it keeps its
    # checksum (a reload of an unchanged file writes nothing)
    evidence: Evidence | None = Field(
        default=None,
        exclude_if=_absent,
        description="The source's words stating the fact and their character offsets in its "
        "text, as `ctg draft` records them: {quote, start, end}.",
    )

    @model_validator(mode="after")
    def _inferred_needs_reason(self) -> _Fact:
        if self.certainty is Certainty.INFERRED and not self.reason:
            raise ValueError("an inferred fact needs a `reason` saying why it was inferred")
        unknown = sorted(set(self.inferred_fields) - set(type(self).model_fields))
        if unknown:
            raise ValueError(f"inferred_fields names unknown field(s): {', '.join(unknown)}")
        return self


class TerritoryRef(_Model):
    """Exactly one of: a commune, an EPCI, a département, a région, or a sub-territory."""

    commune: InseeCode | None = None
    epci: Siren | None = None
    departement: DepartementCode | None = None
    region: RegionCode | None = None
    sub_territory: Slug | None = Field(
        default=None, description="Key of a sub-territory defined in the dataset."
    )

    @model_validator(mode="after")
    def _exactly_one(self) -> TerritoryRef:
        given = [name for name, value in self.__dict__.items() if value is not None]
        if len(given) != 1:
            raise ValueError(
                "name exactly one territory: commune, epci, departement, region or "
                f"sub_territory (got {', '.join(given) or 'none'})"
            )
        return self

    @property
    def kind(self) -> TerritoryKind:
        # the fields are named after the kinds
        return next(TerritoryKind(n) for n, value in self.__dict__.items() if value is not None)

    @property
    def code(self) -> str:
        return str(getattr(self, self.kind))


class Source(_Model):
    key: Slug
    title: Text
    publisher: Text | None = None
    date: dt.date | None = Field(default=None, description="Publication date.")
    url: Annotated[str, Field(pattern=r"^https?://\S+$"), AfterValidator(_printable)] | None = None
    file: Text | None = Field(default=None, description="Path of a local copy.")
    note: Text | None = None


class TerritoryLink(_Fact):
    territory: TerritoryRef


class Partner(_Fact):
    key: Slug
    kind: PartnerKind
    name: Text
    siren: Siren | None = None
    aliases: list[Text] = Field(default_factory=list, description="Other names, as written.")
    governs: list[TerritoryLink] = Field(
        default_factory=list, description="Territories this organisation governs."
    )
    serves: list[TerritoryLink] = Field(
        default_factory=list, description="Territories this organisation serves."
    )


class Post(_Fact):
    title: Text = Field(
        description="As the source words it, e.g. « Vice-président en charge de la jeunesse »."
    )
    role: Literal[
        "president", "director", "vice-president", "referent", "elected", "staff", "other"
    ] = Field(description="Normalised role.")
    organisation: Slug = Field(description="Key of the partner holding the post.")
    as_of: Date | None = Field(default=None, description="Date the source shows the post held.")


class Person(_Fact):
    key: Slug
    name: Text
    aliases: list[Text] = Field(
        default_factory=list,
        description="Other written forms of the name (« Marie Dupont » for « Marie "
        "Dupont-Martin »); search finds the person by any of them. No other person may have "
        "one as name or alias (accents and case aside), unless declared the same person.",
    )
    posts: list[Post] = Field(default_factory=list)


class SamePerson(_Fact):
    """A declaration that people recorded under different keys are one person (two
    datasets each recorded her, a source names her two ways): each key stays, linked to
    the others. A key may be declared the same as several, through others too (A = B,
    B = C)."""

    people: list[Slug] = Field(
        min_length=2, description="Keys of the people who are one person (at least two)."
    )
    quote: Text | None = Field(
        default=None, description="The source's own words showing it is one person."
    )


class SubTerritory(_Fact):
    key: Slug
    name: Text
    aliases: list[Text] = Field(default_factory=list)
    part_of: TerritoryRef = Field(description="The EPCI (or other territory) it is part of.")
    communes: list[InseeCode] = Field(min_length=1, description="INSEE codes of its communes.")


class Signatory(_Fact):
    partner: Slug
    role: Text | None = Field(default=None, description="E.g. « chef de file », « signataire ».")
    signed_on: Date | None = Field(default=None, description="When it signed.")
    people: list[Slug] = Field(default_factory=list, description="People who signed for it.")


class TerritoryShorthand(_Fact):
    """A shorthand naming partners by their territory, expanded from the territorial
    reference by :mod:`loaders.shorthands` (docs/dataset-format.md, « Shorthands: an EPCI
    and its communes »): exactly one of ``epci`` (that EPCI, and with ``members`` its
    member communes) or ``communes_of`` (the communes of an EPCI or a sub-territory,
    without the EPCI)."""

    epci: Siren | None = Field(
        default=None,
        description="SIREN of an EPCI: its partner (defined in the datasets, else "
        "generated as epci-<siren>) is meant; with `members`, its member communes too.",
    )
    members: bool = Field(
        default=False,
        description="With `epci`: the EPCI's member communes in the reference are meant too.",
    )
    communes_of: TerritoryRef | None = Field(
        default=None,
        description="The communes of this EPCI (from the reference) or sub-territory (from "
        "the datasets) are meant, not the EPCI itself.",
    )
    excluding: list[InseeCode] = Field(
        default_factory=list,
        description="INSEE codes of member communes left out (« toutes sauf … »).",
    )
    quote: Text | None = Field(
        default=None,
        description="The source's own words (« signée par la communauté de communes et ses "
        "25 communes »), quoted in the reason of every fact expanded.",
    )
    count: int | None = Field(
        default=None,
        ge=1,
        description="How many communes the source counts (« ses 25 communes »): refused when "
        "the reference (its vintage) lists another number, so that a changed EPCI is noticed.",
    )

    @model_validator(mode="after")
    def _one_territory(self) -> TerritoryShorthand:
        if (self.epci is None) == (self.communes_of is None):
            raise ValueError(
                "name exactly one of `epci` (the EPCI, with `members: true` its communes too) "
                "or `communes_of` (the communes only)"
            )
        if self.members and self.epci is None:
            raise ValueError("`members` goes with `epci`; `communes_of` already means the communes")
        if self.communes_of is not None and self.communes_of.kind not in ("epci", "sub_territory"):
            raise ValueError("`communes_of` names an epci or a sub_territory")
        if (self.excluding or self.count) and self.epci is not None and not self.members:
            raise ValueError(
                "`excluding` and `count` are about the member communes: give `members: true`"
            )
        return self


class SignatoriesFrom(TerritoryShorthand):
    """« La CTG a été signée par la communauté de communes et ses 25 communes »: the
    signatories a territory stands for, each expanded into a ``signatories`` entry."""

    role: Text | None = Field(default=None, description="The role of every signatory meant.")
    signed_on: Date | None = Field(default=None, description="When they signed.")


class PartnersFrom(TerritoryShorthand):
    """« Les communes de la communauté urbaine sont partenaires »: partners a territory
    stands for, each defined (generated from the reference) unless a partner governing
    that territory is already defined."""


class Relation(_Fact):
    type: ContractRelation = Field(
        description="succeeds (replaces), declines (implements) or amends the target."
    )
    target: Slug = Field(description="Key of the other contract (in any loaded dataset).")


class ThemeLink(_Fact):
    """A theme the source states for a contract or an axis as a whole, with no fiche
    action to carry it (a fiche's themes stay on the fiche)."""

    theme: Annotated[str, Field(min_length=1, max_length=60)] = Field(
        description="A theme code (data/vocabularies/themes.yaml)."
    )


class Contributor(_Fact):
    """A partner with a role on a contract that it does not sign: a consultancy hired to
    draw it up, a bureau d'études, an associated partner."""

    partner: Slug = Field(description="Key of the partner (e.g. a `consultancy`).")
    role: Text = Field(
        description="Its role as the source words it, e.g. « cabinet conseil retenu pour "
        "l'élaboration des CTG »."
    )


class Action(_Fact):
    key: Slug | None = Field(default=None, description="Default: <contract>-fa-<number>.")
    number: int | None = Field(default=None, ge=0, description="Fiche action number.")
    title: Text
    themes: list[Annotated[str, Field(min_length=1, max_length=60)]] = Field(
        default_factory=list, description="Theme codes (data/vocabularies/themes.yaml)."
    )
    lead: Slug | None = Field(default=None, description="Key of the lead partner.")
    funders: list[Slug] = Field(default_factory=list)
    owner: Slug | None = Field(
        default=None,
        description="Key of the contract this fiche belongs to, when the contract it is "
        "listed under only englobes it (« la CTG englobe dix fiches actions » of a contrat de "
        "cohésion sociale): both contracts list it, and it says which one owns it.",
    )


class Axis(_Fact):
    number: int = Field(ge=0)
    title: Text
    actions: list[Action] = Field(default_factory=list)
    themes: list[ThemeLink] = Field(
        default_factory=list,
        description="Themes stated for the axis as a whole (not through its fiches actions).",
    )


class Contract(_Fact):
    key: Slug
    kind: Annotated[str, Field(min_length=1, max_length=60)] = Field(
        description="A contract-kind code (data/vocabularies/contract-kinds.yaml)."
    )
    title: Text
    aliases: list[Text] = Field(default_factory=list)
    status: ContractStatus | None = None
    status_as_of: Date | None = Field(
        default=None, description="Date the source shows that status."
    )
    signed_on: Date | None = Field(default=None, description="When it was signed.")
    start: Date | None = Field(
        default=None, description="First day, known to the day, the month or the year."
    )
    end: End | None = Field(default=None, description=_END_DESCRIPTION)
    duration_years: DurationYears | None = Field(
        default=None,
        description="Planned duration in whole years: 4, or a range {min: 4, max: 5}.",
    )
    signatories: list[Signatory] = Field(default_factory=list)
    signatories_from: list[SignatoriesFrom] = Field(
        default_factory=list,
        description="Shorthand: an EPCI and/or the communes of a territory sign, expanded "
        "from the territorial reference into signatories marked inferred.",
    )
    covers: list[TerritoryLink] = Field(default_factory=list)
    relations: list[Relation] = Field(default_factory=list)
    axes: list[Axis] = Field(default_factory=list)
    actions: list[Action] = Field(
        default_factory=list, description="Fiches actions not attached to an axis."
    )
    leads: list[Slug] = Field(default_factory=list, description="Partners leading it.")
    funders: list[Slug] = Field(default_factory=list, description="Partners funding it.")
    number: Text | None = Field(
        default=None,
        description="Its number as the source writes it, e.g. « CEJ n° 2015-071 ».",
    )
    notes: Text | None = Field(
        default=None,
        description="The dataset author's notes on the contract (what the format cannot say "
        "otherwise); not a fact of the source: use `statements` for those.",
    )
    themes: list[ThemeLink] = Field(
        default_factory=list,
        description="Themes stated for the contract as a whole, when no fiche action carries them.",
    )
    contributors: list[Contributor] = Field(
        default_factory=list,
        description="Partners with a role on the contract that do not sign it (a consultancy…).",
    )

    # checked field by field, so that each problem is reported at its own line along with
    # every other problem of the file: fields are validated in the order declared
    _end = field_validator("end")(_end_after_start)
    _duration = field_validator("duration_years")(_duration_that_fits)

    @property
    def period(self) -> Period:
        """Its period; raises :class:`domain.errors.DateValueError` when incoherent."""
        return period_of(self.start, self.end)

    @property
    def duration(self) -> DurationRange | None:
        """Its planned duration, exact or a range."""
        return self.duration_years


class BodyMember(_Fact):
    partner: Slug | None = None
    person: Slug | None = None
    body: Slug | None = None
    role: Text | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> BodyMember:
        given = [n for n in ("partner", "person", "body") if getattr(self, n) is not None]
        if len(given) != 1:
            raise ValueError("a member is exactly one of: partner, person, body")
        return self


class Body(_Fact):
    key: Slug
    kind: Literal["comite-de-pilotage", "groupe-technique", "commission", "conseil", "other"]
    name: Text
    organisation: Slug | None = Field(default=None, description="Partner the body belongs to.")
    members: list[BodyMember] = Field(default_factory=list)
    steers: list[Slug] = Field(default_factory=list, description="Keys of contracts it steers.")
    mission: Text | None = None


class Funding(_Fact):
    key: Slug
    payer: Slug | None = Field(default=None, description="Key of the paying partner.")
    payee: Slug | None = Field(default=None, description="Key of the receiving partner.")
    # a finite number: Infinity would be stored, then fail every reader (JSON, GraphQL)
    amount: float | None = Field(default=None, ge=0, allow_inf_nan=False)
    amount_qualifier: Qualifier = Qualifier.EXACTLY
    currency: Literal["EUR"] = "EUR"
    tax: Literal["HT", "TTC"] | None = None
    year: int | None = Field(default=None, ge=1945, le=2100)
    start: Date | None = Field(default=None, description="First day, at any precision.")
    end: End | None = Field(default=None, description=_END_DESCRIPTION)
    share: float | None = Field(
        default=None, ge=0, le=1, allow_inf_nan=False, description="Share as a fraction."
    )
    share_qualifier: Qualifier = Qualifier.EXACTLY
    share_of: Slug | None = Field(default=None, description="Key of the funding it is a share of.")
    purpose: Text | None = None
    territory: TerritoryRef | None = None
    contracts: list[Slug] = Field(default_factory=list, description="Contracts it relates to.")

    _end = field_validator("end")(_end_after_start)

    @property
    def period(self) -> Period:
        """Its period; raises :class:`domain.errors.DateValueError` when incoherent."""
        return period_of(self.start, self.end)


# -- facts that are not contracts --------------------------------------------------------
# Period and date fields below use the same types as Contract.start/end/signed_on, so that
# they change with them (fuzzy dates).


class CompetenceHolding(_Fact):
    """Who holds a competence on a territory, over a period: « les communes exercent seules
    la compétence enfance – jeunesse » (holding is not contracting: the EPCI may lead the
    contract all the same)."""

    key: Slug | None = Field(
        default=None, description="Default: <holder>-<competence>-<territory code>."
    )
    holder: Slug = Field(description="Key of the partner holding the competence.")
    competence: Annotated[str, Field(min_length=1, max_length=60)] = Field(
        description="A competence code (data/vocabularies/competences.yaml)."
    )
    territory: TerritoryRef = Field(description="The territory it holds the competence on.")
    start: Date | None = Field(
        default=None, description="First day it holds it, if known (day, month or year)."
    )
    end: End | None = Field(default=None, description=_END_DESCRIPTION)
    as_of: Date | None = Field(
        default=None, description="Date the source shows the competence held."
    )

    _end = field_validator("end")(_end_after_start)


class Framing(_Fact):
    """A contract a framing document frames."""

    contract: Slug = Field(description="Key of the contract (in any loaded dataset).")


class FramingDocument(_Fact):
    """A charter, plan or framework document that frames contracts without being one: a
    partners' commitment charter, a PLUi-H valant SCoT, a projet de territoire."""

    key: Slug
    kind: Annotated[str, Field(min_length=1, max_length=60)] = Field(
        description="A code of data/vocabularies/contract-kinds.yaml (`charte-engagement`, "
        "`plui-h`…), the vocabulary of contractual instruments."
    )
    title: Text
    aliases: list[Text] = Field(default_factory=list)
    adopted_on: Date | None = Field(
        default=None, description="When it was adopted (day, month or year)."
    )
    parties: list[Signatory] = Field(
        default_factory=list,
        description="Partners that adopted or committed to it, with their role.",
    )
    parties_from: list[SignatoriesFrom] = Field(
        default_factory=list,
        description="Shorthand: an EPCI and/or the communes of a territory are parties, "
        "expanded from the territorial reference into parties marked inferred.",
    )
    covers: list[TerritoryLink] = Field(
        default_factory=list, description="Territories it applies to."
    )
    frames: list[Framing] = Field(
        default_factory=list, description="Contracts it frames (« conformément au PLUi-H »)."
    )


class Instrument(_Fact):
    """Who created a kind of contract: « un outil mis en place par la Cnaf » (the CTG)."""

    kind: Annotated[str, Field(min_length=1, max_length=60)] = Field(
        description="A contract-kind code (data/vocabularies/contract-kinds.yaml)."
    )
    created_by: Slug = Field(description="Key of the partner that created the instrument.")


class NodeRef(_Model):
    """Exactly one node of the graph: a fact of a dataset by its key, or a territory by
    its code."""

    partner: Slug | None = None
    person: Slug | None = None
    contract: Slug | None = None
    axis: Slug | None = Field(default=None, description="An axis key, <contract>-axe-<number>.")
    action: Slug | None = None
    body: Slug | None = None
    funding: Slug | None = None
    framing_document: Slug | None = None
    competence_holding: Slug | None = None
    sub_territory: Slug | None = None
    source: Slug | None = None
    commune: InseeCode | None = None
    epci: Siren | None = None
    departement: DepartementCode | None = None
    region: RegionCode | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> NodeRef:
        given = [name for name, value in self.__dict__.items() if value is not None]
        if len(given) != 1:
            raise ValueError(
                "name exactly one node: partner, person, contract, axis, action, body, "
                "funding, framing_document, competence_holding, sub_territory, source, "
                f"commune, epci, departement or region (got {', '.join(given) or 'none'})"
            )
        return self

    @property
    def kind(self) -> str:
        return next(n for n, value in self.__dict__.items() if value is not None)

    @property
    def key(self) -> str:
        return str(getattr(self, self.kind))


class Statement(_Fact):
    """A fact of the source that fits no field, attached to the nodes it is about: « the
    shared diagnostic drew on the cohesion contract's process »."""

    key: Slug
    about: list[NodeRef] = Field(min_length=1, description="The nodes it is about.")
    text: Text = Field(description="What the source states, in the dataset author's words.")
    quote: Text | None = Field(default=None, description="The source's own words.")


class DatasetInfo(_Model):
    key: Slug
    title: Text
    description: Text | None = None
    authors: list[Text] = Field(default_factory=list)
    updated: dt.date | None = None


class DatasetFile(_Model):
    """One YAML file of a dataset."""

    format: Literal["ctg-graph/dataset@1"] = Field(description="Format and version.")
    dataset: DatasetInfo
    default_source: Slug | None = Field(
        default=None, description="Source of every fact that names none."
    )
    sources: list[Source] = Field(default_factory=list)
    partners: list[Partner] = Field(default_factory=list)
    partners_from: list[PartnersFrom] = Field(
        default_factory=list,
        description="Shorthand: the partners an EPCI and/or the communes of a territory are, "
        "generated from the territorial reference unless already defined.",
    )
    people: list[Person] = Field(default_factory=list)
    same_people: list[SamePerson] = Field(
        default_factory=list,
        description="People recorded under different keys who are one person, with the "
        "source that shows it.",
    )
    sub_territories: list[SubTerritory] = Field(default_factory=list)
    contracts: list[Contract] = Field(default_factory=list)
    bodies: list[Body] = Field(default_factory=list)
    fundings: list[Funding] = Field(default_factory=list)
    competences: list[CompetenceHolding] = Field(
        default_factory=list, description="Who holds which competence on which territory."
    )
    framing_documents: list[FramingDocument] = Field(
        default_factory=list, description="Charters and plans that frame contracts."
    )
    instruments: list[Instrument] = Field(
        default_factory=list, description="Who created which kind of contract."
    )
    statements: list[Statement] = Field(
        default_factory=list, description="Facts of the sources that fit no field."
    )
