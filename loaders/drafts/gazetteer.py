"""Territory names → codes, from the territorial reference.

An article writes « Saint-Flour Communauté » for the EPCI the reference calls « CC de
Saint-Flour », « la ville du Creusot » for « Le Creusot », « Montceau » for
« Montceau-les-Mines », « Ecuisses » for « Écuisses ». The gazetteer holds every official
name of every commune, EPCI, département and région of France, folded
(`domain.names.fold`), and the usual forms derived from it:

- a commune without its leading article (« du Creusot » → « Creusot » → Le Creusot), and
  without the tail of a hyphenated name (« Montceau » → Montceau-les-Mines), both scored
  lower than the full name so that a full name always wins over a short form;
- an EPCI by its *core* (the official name without « CC de », « CU »…), written with its
  type in full or abridged before it (« communauté de communes du … », « CC … »), or a
  type word after it (« Saint-Flour Communauté »), the core's own short forms included
  (« CU Creusot Montceau »);
- départements and régions by their names, départements also by their codes (« CAF 71 »).

Every lookup is a dictionary access; the fuzzy lookup (`rapidfuzz`) only compares a name
with the names that begin with the same two letters, for variants the folding does not
absorb (a typo, a missing letter), above :data:`FUZZY_THRESHOLD`.

A name may fit several territories (four communes are called Saint-Vallier): `resolve`
picks the one the article's context points to (the EPCI the commune belongs to, the
départements of the Caf and of the other territories) and otherwise none, so that the
draft keeps every candidate for the researcher to choose.

>>> from graph.reference_store import CommuneRecord, DepartementRecord, EpciRecord
>>> from graph.reference_store import ReferenceRecords, RegionRecord
>>> def commune(code, name, dep, epci=None):
...     return CommuneRecord(code, name, None, None, (), dep, "84", epci)
>>> records = ReferenceRecords(
...     package="test", version="0", vintage=2026, departements_loaded=("15", "26"),
...     regions=(RegionRecord("84", "Auvergne-Rhône-Alpes", 0),),
...     departements=(DepartementRecord("15", "Cantal", "84", 0),
...                   DepartementRecord("26", "Drôme", "84", 0)),
...     epcis=(EpciRecord("200066660", "CC de Saint-Flour", "CC", "FPU", 0, 0, 1),),
...     communes=(commune("15187", "Saint-Flour", "15", "200066660"),
...               commune("26333", "Saint-Vallier", "26"),
...               commune("15999", "Saint-Vallier", "15")),
...     epci_departements=(("200066660", "15", 1),))
>>> gazetteer = Gazetteer.from_reference(records)
>>> [(c.kind, c.code) for c in gazetteer.find("Saint-Flour Communauté")]
[('epci', '200066660')]
>>> [c.code for c in gazetteer.find("du Cantal", kinds=("departement",))]
['15']
>>> candidates = gazetteer.find("Saint-Vallier")
>>> gazetteer.resolve(candidates, Context()) is None
True
>>> gazetteer.resolve(candidates, Context(departements=frozenset({"15"}))).code
'15999'
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from rapidfuzz import fuzz, process

from domain.names import fold
from loaders.drafts.facts import Candidate

if TYPE_CHECKING:
    from graph.reference_store import ReferenceRecords

Kind = Literal["commune", "epci", "departement", "region"]
ALL_KINDS: tuple[Kind, ...] = ("commune", "epci", "departement", "region")

#: The score of each form of a name: the official name, a commune without its leading
#: article, a name without the tail of a hyphenated word (« Montceau »), an EPCI's core
#: alone (« territoire Creusot Montceau »). A full name (≥ :data:`FULL_NAME`) always wins
#: over a short form, whatever the context.
OFFICIAL, WITHOUT_ARTICLE, SHORT_FORM, BARE_CORE = 100.0, 95.0, 90.0, 88.0
FULL_NAME = WITHOUT_ARTICLE

#: The lowest `rapidfuzz.fuzz.ratio` (0-100, on folded names) a fuzzy match may have.
#: Measured by ``bench/bench_gazetteer.py`` on one-letter typos of one commune name in ten
#: (9 436 typos), each resolved in its own département, and on the capitalised words of
#: the seed articles that name no place: at 86, 91 % of the typos come back right, 0.1 %
#: wrong, and no seed word is taken for a place (80: 98 % right, 0.1 % wrong; 94: 56 %
#: right). A fuzzy match is only ever chosen inside the article's context
#: (`Gazetteer.resolve` with ``in_context``), which is what keeps the wrong answers rare.
FUZZY_THRESHOLD = 86.0
#: How many candidates an ambiguous name keeps, best first.
MAX_CANDIDATES = 10

#: Words after a core that name an EPCI (« Saint-Flour Communauté », « Colmar Agglo »).
_EPCI_SUFFIXES: Mapping[str, str | None] = {
    "communaute": None,
    "communaute de communes": "CC",
    "agglomeration": "CA",
    "agglo": "CA",
    "metropole": None,
}
_TYPE_PREFIX = re.compile(
    r"^(communaute de communes?|communaute d agglomeration|communaute urbaine|metropole"
    r"|cc|ca|cu)\b ?(?:(?:de la|de l|du|des|de|d) )?"
)
_CONNECTOR = re.compile(r"^(?:de la|de l|du|des|de|d) ")
_ARTICLE = re.compile(r"^(?:le|la|les|l) ")
_LITTLE_WORDS = frozenset({"de", "du", "des", "d", "la", "le", "les", "l", "et"})
_ARTICLE_OF_CONNECTOR = {"du ": "le ", "des ": "les ", "de la ": "la ", "de l ": "l "}
#: What `fold` turns into a space or spells out, as one translation table.
_FAST_FOLD = str.maketrans(
    {"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"}
    | dict.fromkeys("-'’‐–—_.,/()\t\n\r\u00a0", " ")
)
#: A character that is neither ASCII nor a combining accent: `fold` decides what it becomes.
_OTHER_THAN_ACCENTS = re.compile(r"[^\x00-\x7f\u0300-\u036f]")
_SAINT = (re.compile(r"\bst\b"), re.compile(r"\bste\b"))
#: Particles that open the tail of a hyphenated name: « Montceau-les-Mines ».
_TAIL = re.compile(
    r"-(?:les|lès|lez|le|la|sur|sous|en|de|du|des|d['’]|aux|au|et|l['’])[\w'’-]*", re.IGNORECASE
)
_TYPE_OF_WORD = {"cc": "CC", "ca": "CA", "cu": "CU", "metropole": "METRO"}


def key(name: str) -> str:
    """A name as the gazetteer compares it: folded as `domain.names.fold` does, « St » and
    « Ste » written out.

    The folding is `fold`'s, done the fast way (the ASCII codec drops the combining accents
    in one C call) when the name is plain Latin text, as nearly every French name is:
    building the gazetteer folds some hundred thousand names.

    >>> key("St-Flour"), key("Écuisses"), key("Saint-Laurent-d’Andenay")
    ('saint flour', 'ecuisses', 'saint laurent d andenay')
    """
    decomposed = unicodedata.normalize("NFKD", name.translate(_FAST_FOLD))
    if _OTHER_THAN_ACCENTS.search(decomposed):
        folded = fold(name)
    else:
        folded = " ".join(decomposed.encode("ascii", "ignore").decode("ascii").lower().split())
    if " st" in f" {folded}":
        folded = _SAINT[0].sub("saint", folded)
        folded = _SAINT[1].sub("sainte", folded)
    return folded


@dataclass(frozen=True, eq=False, slots=True)
class Place:
    """One territory of the reference, with what disambiguation needs; one object per
    territory, so identity is equality (and hashing it is cheap)."""

    kind: Kind
    code: str
    name: str
    #: Its département (a commune), départements (an EPCI), itself (a département).
    departements: tuple[str, ...]
    #: The EPCI a commune is a member of.
    epci: str | None = None
    #: An EPCI's type as the reference writes it: CC, CA, CU, METRO, MET69.
    epci_type: str | None = None


@dataclass(frozen=True)
class Context:
    """What the article already says about where it is."""

    departements: frozenset[str] = frozenset()
    epcis: frozenset[str] = frozenset()


_Entry = tuple[Place, float]


@dataclass(frozen=True)
class Gazetteer:
    """Every name of every territory of the reference."""

    vintage: int
    #: (kind, code) → the place.
    places: Mapping[tuple[str, str], Place] = field(default_factory=dict, repr=False)
    #: folded name → the communes, départements and régions of that name, with the score
    #: of the form.
    names: Mapping[str, tuple[_Entry, ...]] = field(default_factory=dict, repr=False)
    #: folded EPCI core → the EPCI of that core, with the score of the form.
    epci_cores: Mapping[str, tuple[_Entry, ...]] = field(default_factory=dict, repr=False)
    #: (kind, first two letters) → the folded names to compare in a fuzzy lookup.
    blocks: Mapping[tuple[str, str], tuple[str, ...]] = field(default_factory=dict, repr=False)

    @classmethod
    def from_reference(cls, records: ReferenceRecords) -> Gazetteer:
        """The gazetteer of ``records``."""
        places: dict[tuple[str, str], Place] = {}
        names: defaultdict[str, dict[Place, float]] = defaultdict(dict)
        cores: defaultdict[str, dict[Place, float]] = defaultdict(dict)
        for region in records.regions:
            place = Place("region", region.code, region.name, ())
            _index(names, place, [(key(region.name), OFFICIAL)])
            places["region", region.code] = place
        for departement in records.departements:
            place = Place("departement", departement.code, departement.name, (departement.code,))
            _index(names, place, [(key(departement.name), OFFICIAL)])
            places["departement", departement.code] = place
        for commune in records.communes:
            place = Place(
                "commune", commune.code, commune.name, (commune.departement,), commune.epci
            )
            _index(names, place, commune_forms(commune.name))
            places["commune", commune.code] = place
        departements_of: defaultdict[str, list[str]] = defaultdict(list)
        for epci_code, departement_code, _count in records.epci_departements:
            departements_of[epci_code].append(departement_code)
        for epci in records.epcis:
            place = Place(
                "epci",
                epci.code,
                epci.name,
                tuple(departements_of[epci.code]),
                epci_type=epci.epci_type,
            )
            _index(cores, place, epci_core_forms(epci.name))
            places["epci", epci.code] = place
        blocks: defaultdict[tuple[str, str], list[str]] = defaultdict(list)
        for table, kinds in ((names, None), (cores, "epci")):
            for name, entries in table.items():
                for kind in {place.kind for place in entries} if kinds is None else {kinds}:
                    blocks[kind, name[:2]].append(name)
        return cls(
            vintage=records.vintage,
            places=places,
            names={name: _ranked(entries) for name, entries in names.items()},
            epci_cores={core: _ranked(entries) for core, entries in cores.items()},
            blocks={block: tuple(keys) for block, keys in blocks.items()},
        )

    def find(self, mention: str, kinds: Collection[str] = ALL_KINDS) -> list[Candidate]:
        """Every territory of ``kinds`` that ``mention`` names exactly, in one of the forms
        the gazetteer knows, best first. « la communauté urbaine Creusot Montceau » and
        « Saint-Flour Communauté » are EPCI; « du Cantal » is the Cantal."""
        folded = key(mention)
        folded = _ARTICLE.sub("", _CONNECTOR.sub("", folded)) if folded else folded
        found: dict[tuple[str, str], Candidate] = {}
        if "epci" in kinds:
            for candidate in self._find_epci(folded):
                found.setdefault((candidate.kind, candidate.code), candidate)
        for name, ceiling in _name_variants(key(mention)):
            for place, form_score in self.names.get(name, ()):
                if place.kind in kinds:
                    score = min(form_score, ceiling)
                    candidate = _candidate(place, score)
                    kept = found.get((place.kind, place.code))
                    if kept is None or kept.score < score:
                        found[place.kind, place.code] = candidate
        return sorted(found.values(), key=_rank)

    def fuzzy(
        self, mention: str, kinds: Collection[str] = ALL_KINDS, *, threshold: float | None = None
    ) -> list[Candidate]:
        """The territories whose names are close to ``mention`` (a typo, a missing letter),
        for a mention :meth:`find` does not know; each score is the form's score scaled by
        the similarity."""
        folded = _ARTICLE.sub("", _CONNECTOR.sub("", key(mention)))
        cutoff = FUZZY_THRESHOLD if threshold is None else threshold
        found: dict[tuple[str, str], Candidate] = {}
        for kind in kinds:
            table = self.epci_cores if kind == "epci" else self.names
            query = split_epci_name(folded)[1] if kind == "epci" else folded
            choices = self.blocks.get((kind, query[:2]), ())
            for name, similarity, _ in process.extract(
                query, choices, scorer=fuzz.ratio, score_cutoff=cutoff, limit=MAX_CANDIDATES
            ):
                for place, score in table[name]:
                    if place.kind == kind:
                        candidate = _candidate(place, round(score * similarity / 100, 1))
                        kept = found.get((kind, place.code))
                        if kept is None or kept.score < candidate.score:
                            found[kind, place.code] = candidate
        return sorted(found.values(), key=_rank)[:MAX_CANDIDATES]

    def departement(self, code: str) -> Candidate | None:
        """The département of ``code`` (« 71 », « 2A », « 974 »), if the reference has it."""
        code = code.upper()
        place = self.places.get(("departement", "0" + code if len(code) == 1 else code))
        return None if place is None else _candidate(place, OFFICIAL)

    def place(self, candidate: Candidate) -> Place:
        """The reference's territory behind ``candidate``."""
        return self.places[candidate.kind, candidate.code]

    def resolve(
        self, candidates: Iterable[Candidate], context: Context, *, in_context: bool = False
    ) -> Candidate | None:
        """The candidate the article means, or None while it stays ambiguous.

        Full names beat short forms; among the best forms, the candidates in the context
        (a member of an EPCI the article names, then one in a département it names) are
        preferred; one candidate left, or one with the best score, is the answer. With
        ``in_context`` (for fuzzy matches: a near name elsewhere in France is more often
        another place than a typo), only a candidate in the context may be the answer.
        """
        ranked = sorted(candidates, key=_rank)
        if not ranked:
            return None
        full = [c for c in ranked if c.score >= FULL_NAME]
        tier = full or ranked
        in_epci = [c for c in tier if self.place(c).epci in context.epcis]
        in_departement = [c for c in tier if set(self.place(c).departements) & context.departements]
        kept = in_epci or in_departement or ([] if in_context else tier)
        if not kept:
            return None
        if len(kept) == 1 or kept[0].score > kept[1].score:
            return kept[0]
        return None

    def _find_epci(self, folded: str) -> list[Candidate]:
        epci_type, core = split_epci_name(folded)
        scored: list[Candidate] = []
        entries = self.epci_cores.get(core) or tuple(
            (place, min(score, SHORT_FORM))
            for place, score in self.epci_cores.get(_skeleton(core), ())
        )
        for place, score in entries:
            if epci_type is None and core == folded:
                # the core alone, no word of an EPCI around it
                score = min(score, BARE_CORE)
            elif epci_type is not None and not _same_type(epci_type, place):
                continue
            scored.append(_candidate(place, score))
        return scored


def commune_forms(name: str) -> list[tuple[str, float]]:
    """The folded forms of a commune's name and their scores.

    >>> commune_forms("Montceau-les-Mines")
    [('montceau les mines', 100.0), ('montceau', 90.0)]
    >>> commune_forms("Le Creusot")
    [('le creusot', 100.0), ('creusot', 95.0)]
    >>> commune_forms("Saint-Berain-sous-Sanvignes")
    [('saint berain sous sanvignes', 100.0), ('saint berain', 90.0)]
    """
    official = key(name)
    forms = [(official, OFFICIAL)]
    bare = _ARTICLE.sub("", official)
    if bare != official:
        forms.append((bare, WITHOUT_ARTICLE))
    tail = _TAIL.search(name)
    if tail is None:
        return forms
    short = key(name[: tail.start()])
    # A short form is one word (« Montceau ») or a saint's name (« Saint-Berain »): two
    # common words (« Le Bois ») would name too many places.
    if short and (" " not in _ARTICLE.sub("", short) or short.startswith("saint")):
        forms.append((short, SHORT_FORM))
        short_bare = _ARTICLE.sub("", short)
        if short_bare != short:
            forms.append((short_bare, SHORT_FORM))
    return forms


def epci_core_forms(name: str) -> list[tuple[str, float]]:
    """The folded cores of an EPCI's official name: without its type and connector, without
    a leading article, with the tails of its hyphenated names dropped, without its little
    words (« de », « et »…).

    >>> epci_core_forms("CU Le Creusot Montceau-les-Mines")  # doctest: +NORMALIZE_WHITESPACE
    [('le creusot montceau les mines', 100.0), ('creusot montceau les mines', 95.0),
     ('le creusot montceau', 90.0), ('creusot montceau', 90.0),
     ('creusot montceau mines', 90.0)]
    >>> epci_core_forms("CC de Saint-Flour")
    [('saint flour', 100.0)]
    """
    _, core = split_epci_name(key(name))
    forms = [(core, OFFICIAL)]
    bare = _ARTICLE.sub("", core)
    if bare != core:
        forms.append((bare, WITHOUT_ARTICLE))
    _, short = split_epci_name(key(_TAIL.sub("", name)))
    for variant in (short, _ARTICLE.sub("", short)):
        if variant and variant not in {form for form, _ in forms}:
            forms.append((variant, SHORT_FORM))
    skeleton = _skeleton(core)
    if skeleton and skeleton not in {form for form, _ in forms}:
        forms.append((skeleton, SHORT_FORM))
    for suffix in ("communaute", "agglomeration", "agglo", "metropole"):
        if core.endswith(" " + suffix):
            # « CC Saint-Flour Communauté » is also « Saint-Flour »
            forms.append((core.removesuffix(" " + suffix), SHORT_FORM))
    return forms


def _skeleton(core: str) -> str:
    """An EPCI core without its little words: « Houve - Pays Boulageois » and « de la
    Houve et du Pays Boulageois » are both « houve pays boulageois »."""
    return " ".join(word for word in core.split() if word not in _LITTLE_WORDS)


def split_epci_name(folded: str) -> tuple[str | None, str]:
    """An EPCI's folded name as (its type, if the name says, its core).

    >>> split_epci_name("communaute de communes du pays de saint flour")
    ('CC', 'pays de saint flour')
    >>> split_epci_name("saint flour communaute")
    (None, 'saint flour')
    >>> split_epci_name("creusot montceau")
    (None, 'creusot montceau')
    """
    folded = _ARTICLE.sub("", folded)
    prefix = _TYPE_PREFIX.match(folded)
    if prefix:
        word = prefix.group(1).replace("communaute de commune", "cc")
        word = word.replace("communaute d agglomeration", "ca").replace("communaute urbaine", "cu")
        return _TYPE_OF_WORD.get(word.rstrip("s"), "CC"), folded[prefix.end() :].strip()
    for suffix, epci_type in _EPCI_SUFFIXES.items():
        if folded.endswith(" " + suffix):
            return epci_type, folded.removesuffix(" " + suffix)
    return None, folded


def _same_type(epci_type: str, place: Place) -> bool:
    official = place.epci_type
    return official is None or epci_type == official or {epci_type, official} <= {"METRO", "MET69"}


def _name_variants(folded: str) -> list[tuple[str, float]]:
    """The mention, then without its connector (« du Cantal »: the connector is not part
    of the name), then without its article, which ranks below a name written with it
    (« Le Breuil » is Le Breuil before Breuil)."""
    variants = [(folded, OFFICIAL)]
    without_connector = _CONNECTOR.sub("", folded)
    if without_connector != folded:
        variants.append((without_connector, OFFICIAL))
        # « de la Réunion » is « La Réunion », « du Creusot » « Le Creusot »
        article = _ARTICLE_OF_CONNECTOR.get(folded[: len(folded) - len(without_connector)])
        if article and not _ARTICLE.match(without_connector):
            variants.append((article + without_connector, OFFICIAL))
    without_article = _ARTICLE.sub("", without_connector)
    if without_article != without_connector:
        variants.append((without_article, WITHOUT_ARTICLE))
    return variants


def _index(
    table: defaultdict[str, dict[Place, float]], place: Place, forms: list[tuple[str, float]]
) -> None:
    for form, score in forms:
        if form:
            entries = table[form]
            entries[place] = max(score, entries.get(place, 0.0))


def _ranked(entries: dict[Place, float]) -> tuple[_Entry, ...]:
    if len(entries) == 1:
        return tuple(entries.items())
    return tuple(sorted(entries.items(), key=lambda entry: (-entry[1], entry[0].code)))


def _candidate(place: Place, score: float) -> Candidate:
    return Candidate(kind=place.kind, code=place.code, name=place.name, score=score)


def _rank(candidate: Candidate) -> tuple[float, str, str]:
    return (-candidate.score, candidate.kind, candidate.code)
