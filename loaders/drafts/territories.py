"""Extraction of the territories and partners of an article (see loaders/drafts/facts.py).

Territories are found where the article's wording says a place is named, never in any
capitalised word: after the words of an EPCI (« communauté urbaine Creusot Montceau »,
« Saint-Flour Communauté »), of a commune (« la ville du Creusot », « la commune de
Dampniat »), of a Caf (« Caf du Cantal », « CAF 71 »), in a list after « à »
(« 13 CEJ formalisés à Blanzy, Ciry-le-Noble, Ecuisses… »), after a preposition for a
département or a région (« dans le Cantal »), after « territoire ». Each name is looked up
in the gazetteer (exactly, then fuzzily for the commune and EPCI wordings), then
resolved by the article's context: the départements of its Caf and of the territories
it names without doubt, the EPCI it names (a listed commune is looked for among its
members first). A name still ambiguous keeps its candidates and no code.

Partners are the organisations that act: the Caf of a département (« la Caf » alone is
the Caf already named), the Cnaf, every EPCI named, a commune named as a body (« la ville
de … »), the MSA, the CPAM, the Carsat, the Conseil départemental (« le Département »),
the State (« l'État », « la préfecture »), France Travail, a consultancy, associations.
A commune merely listed is a territory, not a partner.

One fact per territory and per partner: the first naming mention is its evidence, the
others (and the back-references such as « la communauté urbaine ») are in ``also``.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field

from domain.vocabulary import PartnerKind
from loaders.drafts.facts import Candidate, Evidence, PartnerFact, TerritoryFact
from loaders.drafts.gazetteer import Context, Gazetteer, Kind, key
from loaders.drafts.reading import Reading

_UP = "A-ZÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸŒÆ"
_SP = r"[ \u00a0]+"
#: One capitalised word of a name, its hyphenated parts included (« Ciry-le-Noble »,
#: « Saint-Laurent-d'Andenay »).
_CHUNK = rf"[{_UP}][^\W\d_]*(?:['’][{_UP}][^\W\d_]*)?(?:-[^\W\d_]+(?:['’][^\W\d_]+)?)*"
#: What joins two words of one name: « Pays de Saint-Flour », « Le Creusot Montceau ».
_JOIN = rf"(?:{_SP}(?:(?:de{_SP}la|de|du|des|sur|sous|en|lès){_SP}|(?:de{_SP})?[dl]['’])?)"
_NAME = rf"{_CHUNK}(?:{_JOIN}{_CHUNK})*"
_CONNECTOR = rf"(?:de{_SP}la{_SP}|de{_SP}l['’]|du{_SP}|des{_SP}|de{_SP}|d['’])"

#: The kinds of communauté, written out.
_COMMUNAUTE = rf"[Cc]ommunauté{_SP}(?i:de{_SP}communes|d['’]agglomération|urbaine)"
_EPCI_WORDS = rf"(?:{_COMMUNAUTE}|CC|CA|CU|[Mm]étropole)"
#: An EPCI's name may join two names: « de la Houve et du Pays Boulageois ».
_EPCI_NAME = re.compile(rf"{_NAME}(?:{_SP}et{_SP}(?:{_CONNECTOR})?{_NAME})?")
_EPCI_NAMED = re.compile(rf"\b{_EPCI_WORDS}(?:{_SP}{_CONNECTOR}?|{_SP}?{_CONNECTOR})(?=[{_UP}])")
_EPCI_SUFFIX = re.compile(rf"(?:{_SP})(?:Communauté|Agglomération|Agglo|Métropole)\b")
_EPCI_BACK = re.compile(rf"\b(?:{_COMMUNAUTE}|[Ii]ntercommunalité)\b")
#: « Caf », « Caisse d'allocations familiales », « Caisse des Allocations Familiales »,
#: « caisse d'allocation familiale »: the wordings articles use.
_CAF = re.compile(r"\b(?:Caf|CAF|[Cc]aisse (?:d['’]|des )[Aa]llocations? [Ff]amiliales?)\b")
_CAF_DEPARTEMENT = re.compile(
    rf"(?:{_SP}(?P<code>\d{{2,3}}|2[AB])\b|{_SP}(?P<connector>{_CONNECTOR}))"
)
_COMMUNE_BODY = re.compile(rf"\b(?P<word>[Vv]illes?|[Cc]ommune|[Mm]airie){_SP}(?={_CONNECTOR})")
_LIST_START = re.compile(rf"(?:\bà{_SP}|\b[Cc]ommunes{_SP}{_CONNECTOR})(?=[{_UP}])")
_LIST_NEXT = re.compile(rf"(?:,{_SP}|{_SP}et{_SP})(?:{_CONNECTOR})?(?=[{_UP}])")
_AREA = re.compile(
    rf"(?:\bdans{_SP}(?:le|la|les){_SP}|\bdans{_SP}l['’]|\ben{_SP}"
    rf"|\b[Dd]épartement{_SP}{_CONNECTOR}|\b[Rr]égion{_SP}|(?<![Cc]af){_SP}{_CONNECTOR})(?=[{_UP}])"
)
_TERRITORY_WORD = re.compile(rf"\bterritoire{_SP}(?:{_CONNECTOR})?(?=[{_UP}])")

#: Organisations named by fixed words: (pattern, kind, usual name).
_FIXED_PARTNERS: tuple[tuple[re.Pattern[str], PartnerKind, str], ...] = (
    (
        re.compile(r"\b(?:Cnaf|CNAF|[Cc]aisse nationale des allocations familiales)\b"),
        PartnerKind.CNAF,
        "Cnaf",
    ),
    (re.compile(r"\bMSA\b|\b[Mm]utualité [Ss]ociale [Aa]gricole\b"), PartnerKind.MSA, "MSA"),
    (
        re.compile(r"\bCPAM\b|\b[Cc]aisse primaire d['’]assurance maladie\b"),
        PartnerKind.CPAM,
        "CPAM",
    ),
    (
        re.compile(
            r"\b(?:CARSAT|Carsat)\b"
            r"|\b[Cc]aisse d['’][Aa]ssurance [Rr]etraite et de la [Ss]anté au [Tt]ravail\b"
        ),
        PartnerKind.OTHER,
        "Carsat",
    ),
    (
        re.compile(
            r"\b[Cc]onseil [Dd]épartemental\b|\b[Cc]onseil [Gg]énéral\b"
            r"|\b(?:[Ll]e|du|au) Département\b"
        ),
        PartnerKind.CONSEIL_DEPARTEMENTAL,
        "Conseil départemental",
    ),
    (
        re.compile(r"\b[Cc]onseil régional\b|\b(?:la|de la) Région\b"),
        PartnerKind.CONSEIL_REGIONAL,
        "Conseil régional",
    ),
    (re.compile(r"(?<=[Ll]['’])(?:État|Etat)\b|\b[Pp]réfecture\b"), PartnerKind.ETAT, "État"),
    (
        re.compile(r"\bFrance Travail\b|\bPôle [Ee]mploi\b"),
        PartnerKind.FRANCE_TRAVAIL,
        "France Travail",
    ),
    (
        # « le cabinet du maire » is no consultancy: only the words of one
        re.compile(
            r"\b(?:[Cc]abinet(?: de)? conseil|[Cc]abinet d['’]études|[Bb]ureau d['’]études)\b"
        ),
        PartnerKind.CONSULTANCY,
        "Cabinet conseil",
    ),
)
_DEPARTEMENT_COUNCIL = re.compile(r"\b[Cc]onseil [Dd]épartemental\b|\b[Cc]onseil [Gg]énéral\b")
#: Intercommunal syndicates: « le SIVOM d'Ayen », « le syndicat intercommunal du Val ».
_SYNDICATE = re.compile(
    rf"\b(?:SIVOM|SIVU|SIVOS|SIRP|[Ss]yndicat intercommunal)\b(?:{_SP}{_CONNECTOR}{_NAME})?"
)
_ASSOCIATION = re.compile(
    rf"\b(?:[Ll]['’]association|[Ll]e centre social|[Ll]['’]espace de vie sociale)"
    rf"{_SP}(?:«{_SP}?(?P<quoted>[^»]{{2,80}}?){_SP}?»|(?P<name>{_NAME}))"
)
_ASSOCIATION_WORDS = ("association", "centre social", "espace de vie sociale")
_CONNECTOR_RE = re.compile(_CONNECTOR)
_DEPARTEMENT: tuple[Kind, ...] = ("departement",)
_EPCI: tuple[Kind, ...] = ("epci",)
_COMMUNE: tuple[Kind, ...] = ("commune",)
_AND = re.compile(rf",{_SP}|{_SP}et{_SP}")


@dataclass
class _Territory:
    """A territory as the article names it, its mentions gathered."""

    name: str
    kind: Kind | None
    code: str | None
    candidates: tuple[Candidate, ...]
    spans: list[tuple[int, int]] = field(default_factory=list)
    fact_id: str = ""


@dataclass
class _Partner:
    name: str
    kind: PartnerKind
    territory: tuple[str, str] | None = None
    spans: list[tuple[int, int]] = field(default_factory=list)
    #: Mentions that only refer back to it (« la Caf », « la communauté urbaine »).
    back: list[tuple[int, int]] = field(default_factory=list)
    #: Why the partner (or its territory) is inferred, when the article does not say it.
    inferred: str | None = None


@dataclass
class _Mention:
    """A name at ``start:end`` that the wording says is a territory of ``kinds``."""

    start: int
    end: int
    kinds: tuple[Kind, ...]
    candidates: list[Candidate]
    #: The partner this name is the territory of, if the wording makes it one.
    partner: tuple[PartnerKind, int, int] | None = None
    #: Found by the fuzzy lookup: only a candidate in the article's context may be chosen.
    fuzzy: bool = False


@dataclass
class _Finder:
    reading: Reading
    claimed: list[tuple[int, int]] = field(default_factory=list)
    mentions: list[_Mention] = field(default_factory=list)
    partners: dict[tuple[str, str], _Partner] = field(default_factory=dict)
    people: list[tuple[int, int]] = field(default_factory=list)

    @property
    def text(self) -> str:
        return self.reading.text

    @property
    def gazetteer(self) -> Gazetteer:
        return self.reading.knowledge.gazetteer

    def free(self, start: int, end: int, *, people: bool = True) -> bool:
        """Whether no other mention (nor, unless told, a person's name) overlaps."""
        taken = self.claimed + self.people if people else self.claimed
        return not any(s < end and start < e for s, e in taken)

    def claim(self, start: int, end: int) -> None:
        self.claimed.append((start, end))

    def name_at(self, start: int) -> re.Match[str] | None:
        return _NAME_RE.match(self.text, start)

    def partner(self, ident: tuple[str, str], name: str, kind: PartnerKind) -> _Partner:
        return self.partners.setdefault(ident, _Partner(name=name, kind=kind))


_NAME_RE = re.compile(_NAME)


def extract(reading: Reading) -> None:
    """Add the territories and partners of reading's article."""
    finder = _Finder(reading)
    finder.people = [(e.start_char, e.end_char) for e in reading.doc.ents if e.label_ == "PER"]
    _find_cafs(finder)
    _find_epcis(finder)
    _find_commune_bodies(finder)
    _find_departement_councils(finder)
    _find_syndicates(finder)
    _find_fixed_partners(finder)
    _find_associations(finder)
    _find_lists(finder)
    _find_areas(finder)
    territories = _resolve(finder)
    _infer_caf(finder, territories)
    _find_back_references(finder)
    _add_facts(reading, finder, territories)


# --- finding mentions -------------------------------------------------------------------


def _find_cafs(finder: _Finder) -> None:
    text = finder.text
    for match in _CAF.finditer(text):
        tail = _CAF_DEPARTEMENT.match(text, match.end())
        mention = _caf_departement(finder, match, tail)
        if mention is None:
            continue
        finder.mentions.append(mention)
        finder.claim(match.start(), mention.end)


def _find_departement_councils(finder: _Finder) -> None:
    """« Le Conseil Départemental de la Nièvre »: the council of that département."""
    text = finder.text
    for match in _DEPARTEMENT_COUNCIL.finditer(text):
        tail = _CAF_DEPARTEMENT.match(text, match.end())
        mention = _caf_departement(finder, match, tail, PartnerKind.CONSEIL_DEPARTEMENTAL)
        if mention is None or not finder.free(match.start(), mention.end):
            continue
        finder.mentions.append(mention)
        finder.claim(match.start(), mention.end)


def _find_syndicates(finder: _Finder) -> None:
    """« Le SIVOM d'Ayen », « le syndicat intercommunal de … »: a partner of its own."""
    named: _Partner | None = None
    for match in _SYNDICATE.finditer(finder.text):
        if finder.free(match.start(), match.end()):
            name = match.group()
            kind = PartnerKind.OTHER
            if named is not None and " " not in name:
                # « le SIVOM » alone: the syndicate just named
                named.back.append(match.span())
            else:
                named = finder.partner((kind.value, key(name)), name, kind)
                named.spans.append(match.span())
            finder.claim(*match.span())


def _infer_caf(finder: _Finder, territories: dict[tuple[str, str], _Territory]) -> None:
    """« la CAF » alone, in an article whose territories all lie in one département that
    it names: the Caf of that département, marked inferred (a Caf serves one
    département, so there is no other it can be)."""
    if any(p.kind is PartnerKind.CAF for p in finder.partners.values()):
        return
    departements = _context(finder).departements
    if len(departements) != 1:
        return
    (code,) = departements
    ident = ("departement", code)
    if ident not in territories:
        return
    for match in _CAF.finditer(finder.text):
        if finder.free(match.start(), match.end()):
            kind = PartnerKind.CAF
            caf = finder.partner((kind.value, f"departement:{code}"), f"Caf {code}", kind)
            caf.name = f"Caf {territories[ident].name}"
            caf.territory = ident
            caf.inferred = (
                f"territory: the article names the Caf without its département; every "
                f"territory it names lies in {territories[ident].name}"
            )
            caf.spans.append(match.span())
            finder.claim(*match.span())
            return


def _caf_departement(
    finder: _Finder,
    caf: re.Match[str],
    tail: re.Match[str] | None,
    kind: PartnerKind = PartnerKind.CAF,
) -> _Mention | None:
    if tail is None:
        return None
    if tail.group("code"):
        departement = finder.gazetteer.departement(tail.group("code"))
        if departement is None:
            return None
        start, end = tail.start("code"), tail.end("code")
        return _Mention(start, end, ("departement",), [departement], (kind, caf.start(), end))
    name = finder.name_at(tail.end())
    if name is None:
        return None
    connector = tail.group("connector") or ""
    for start, end in _prefixes(finder.text, name.start(), name.end()):
        # with its connector: « de la Réunion » is La Réunion
        found = finder.gazetteer.find(connector + finder.text[start:end], kinds=_DEPARTEMENT)
        if found:
            return _Mention(start, end, ("departement",), found, (kind, caf.start(), end))
    return None


def _find_epcis(finder: _Finder) -> None:
    text = finder.text
    for match in _EPCI_NAMED.finditer(text):
        name = _EPCI_NAME.match(text, match.end())
        if name is None or not finder.free(match.start(), name.end()):
            continue
        for _, end in _prefixes(text, name.start(), name.end()):
            found, fuzzy = _look_up(finder, text[match.start() : end], _EPCI)
            if found:
                _add_epci(finder, match.start(), end, found, fuzzy=fuzzy)
                break
        else:
            # « la Communauté de Communes du Bazois », merged since: the reference has no
            # such EPCI, yet it is a partner that signs, by its name and without a code
            if re.match(r"[Cc]ommunauté", match.group()) and len(name.group().split()) <= 4:
                written = text[match.start() : name.end()]
                kind = PartnerKind.EPCI
                epci = finder.partner((kind.value, key(written)), _capitalised(written), kind)
                epci.spans.append((match.start(), name.end()))
                finder.claim(match.start(), name.end())
    for name in _NAME_RE.finditer(text):
        suffix = _EPCI_SUFFIX.search(text, name.start(), name.end())
        if suffix is None or not finder.free(name.start(), suffix.end()):
            continue
        start = _skip_article(text, name.start(), suffix.start())
        found = finder.gazetteer.find(text[start : suffix.end()], kinds=_EPCI)
        if found:
            _add_epci(finder, start, suffix.end(), found)
    for match in _TERRITORY_WORD.finditer(text):
        name = finder.name_at(match.end())
        if name is not None and finder.free(name.start(), name.end()):
            found = finder.gazetteer.find(name.group(), kinds=("epci", "commune"))
            if found:
                finder.mentions.append(_Mention(name.start(), name.end(), ("epci",), found))
                finder.claim(name.start(), name.end())


def _add_epci(
    finder: _Finder, start: int, end: int, found: list[Candidate], *, fuzzy: bool = False
) -> None:
    partner = (PartnerKind.EPCI, start, end)
    finder.mentions.append(_Mention(start, end, _EPCI, found, partner, fuzzy=fuzzy))
    finder.claim(start, end)


def _find_commune_bodies(finder: _Finder) -> None:
    """« la ville du Creusot », « la commune de Dampniat », « des villes du Creusot et de
    Montceau »: each a commune that acts."""
    text = finder.text
    for match in _COMMUNE_BODY.finditer(text):
        plural = match.group("word").lower().endswith("s")
        position, partner_start = match.end(), match.start()
        while True:
            connector = _CONNECTOR_RE.match(text, position)
            name = finder.name_at(connector.end()) if connector else None
            if name is None or not finder.free(name.start(), name.end()):
                break
            _add_commune(finder, name, partner_start=partner_start)
            following = _AND.match(text, name.end()) if plural else None
            if following is None:
                break
            # the next town of « des villes du Creusot et de Montceau »: its name is its quote
            position = following.end()
            following_connector = _CONNECTOR_RE.match(text, position)
            partner_start = following_connector.end() if following_connector else position


def _add_commune(finder: _Finder, name: re.Match[str], *, partner_start: int | None) -> bool:
    for start, end in _prefixes(finder.text, name.start(), name.end()):
        found, fuzzy = _look_up(finder, finder.text[start:end], _COMMUNE)
        if found:
            partner = None if partner_start is None else (PartnerKind.COMMUNE, partner_start, end)
            finder.mentions.append(_Mention(start, end, _COMMUNE, found, partner, fuzzy=fuzzy))
            finder.claim(partner_start if partner_start is not None else start, end)
            return True
    return False


def _find_lists(finder: _Finder) -> None:
    """Communes listed after « à » or « communes de »: every item a commune, the list
    stopping at the first item that is none."""
    text = finder.text
    for match in _LIST_START.finditer(text):
        name = finder.name_at(match.end())
        # spaCy takes some listed communes for people (« Le Breuil »): the list says otherwise
        while name is not None and finder.free(name.start(), name.end(), people=False):
            if not _add_commune(finder, name, partner_start=None):
                break
            following = _LIST_NEXT.match(text, name.end())
            name = None if following is None else finder.name_at(following.end())


def _find_areas(finder: _Finder) -> None:
    """A département or a région after a preposition: « du Cantal », « dans le Cantal »."""
    text = finder.text
    for match in _AREA.finditer(text):
        name = finder.name_at(match.end())
        if name is None or not finder.free(name.start(), name.end()):
            continue
        for start, end in _prefixes(text, name.start(), name.end()):
            found = finder.gazetteer.find(text[start:end], kinds=("departement", "region"))
            if found and found[0].score >= 100:
                finder.mentions.append(_Mention(start, end, ("departement", "region"), found))
                finder.claim(start, end)
                break


def _find_fixed_partners(finder: _Finder) -> None:
    councils = any(
        m.partner is not None and m.partner[0] is PartnerKind.CONSEIL_DEPARTEMENTAL
        for m in finder.mentions
    )
    for pattern, kind, name in _FIXED_PARTNERS:
        # « le Conseil Départemental » after « le Conseil Départemental de la Nièvre » is
        # that council (a back reference), not another one
        if councils and kind is PartnerKind.CONSEIL_DEPARTEMENTAL:
            continue
        for match in pattern.finditer(finder.text):
            if finder.free(match.start(), match.end()):
                finder.partner((kind.value, name), name, kind).spans.append(match.span())
                finder.claim(*match.span())


def _find_associations(finder: _Finder) -> None:
    for match in _ASSOCIATION.finditer(finder.text):
        group = "quoted" if match.group("quoted") else "name"
        start, end = match.span(group)
        name = finder.text[start:end]
        if finder.free(start, end):
            kind = PartnerKind.ASSOCIATION
            finder.partner((kind.value, key(name)), name, kind).spans.append(match.span())
            finder.claim(*match.span())
    for entity in finder.reading.doc.ents:
        lowered = entity.text.lower()
        if entity.label_ == "ORG" and any(word in lowered for word in _ASSOCIATION_WORDS):
            start, end = entity.start_char, entity.end_char
            if finder.free(start, end):
                kind = PartnerKind.ASSOCIATION
                name = entity.text.strip()
                finder.partner((kind.value, key(name)), name, kind).spans.append((start, end))
                finder.claim(start, end)


def _find_back_references(finder: _Finder) -> None:
    """« la Caf », « la communauté urbaine », « l'intercommunalité »: the one Caf, the one
    EPCI the article names, when it names exactly one."""
    by_kind: dict[PartnerKind, list[_Partner]] = {}
    for partner in finder.partners.values():
        by_kind.setdefault(partner.kind, []).append(partner)
    council = next(p for p, k, _ in _FIXED_PARTNERS if k is PartnerKind.CONSEIL_DEPARTEMENTAL)
    for pattern, kind in (
        (_CAF, PartnerKind.CAF),
        (_EPCI_BACK, PartnerKind.EPCI),
        (council, PartnerKind.CONSEIL_DEPARTEMENTAL),
    ):
        named = by_kind.get(kind, [])
        if len(named) != 1:
            continue
        for match in pattern.finditer(finder.text):
            if finder.free(match.start(), match.end()):
                named[0].back.append(match.span())
                finder.claim(*match.span())


# --- resolving and adding facts ---------------------------------------------------------


def _look_up(
    finder: _Finder, mention: str, kinds: tuple[Kind, ...]
) -> tuple[list[Candidate], bool]:
    """Exact forms first; a fuzzy match only for a wording that says a territory is named.
    The flag says the candidates are fuzzy."""
    found = finder.gazetteer.find(mention, kinds=kinds)
    if found:
        return found, False
    return finder.gazetteer.fuzzy(mention, kinds), True


def _context(finder: _Finder) -> Context:
    """The départements and EPCI the article names without doubt."""
    departements: set[str] = set()
    epcis: set[str] = set()
    for mention in finder.mentions:
        if mention.fuzzy:
            continue
        certain = [c for c in mention.candidates if c.score >= 100]
        if len(mention.candidates) == 1 or (len(certain) == 1 and mention.kinds != ("commune",)):
            chosen = mention.candidates[0]
            departements.update(finder.gazetteer.place(chosen).departements)
            if chosen.kind == "epci":
                epcis.add(chosen.code)
    return Context(departements=frozenset(departements), epcis=frozenset(epcis))


def _resolve(finder: _Finder) -> dict[tuple[str, str], _Territory]:
    context = _context(finder)
    territories: dict[tuple[str, str], _Territory] = {}
    for mention in sorted(finder.mentions, key=lambda m: m.start):
        chosen = finder.gazetteer.resolve(mention.candidates, context, in_context=mention.fuzzy)
        name = finder.reading.text[mention.start : mention.end]
        ident: tuple[str, str]
        if chosen is not None:
            ident = (chosen.kind, chosen.code)
            territory = territories.setdefault(
                ident, _Territory(name, chosen.kind, chosen.code, (chosen,))
            )
        else:
            kinds = {c.kind for c in mention.candidates}
            ident = ("?", key(name))
            territory = territories.setdefault(
                ident,
                _Territory(
                    name,
                    next(iter(kinds)) if len(kinds) == 1 else None,
                    None,
                    tuple(mention.candidates[:10]),
                ),
            )
        territory.spans.append((mention.start, mention.end))
        if mention.partner is not None:
            _add_partner_of(finder, mention, ident, chosen)
    return territories


def _add_partner_of(
    finder: _Finder, mention: _Mention, territory: tuple[str, str], chosen: Candidate | None
) -> None:
    assert mention.partner is not None
    kind, start, end = mention.partner
    written = finder.text[start:end]
    if kind is PartnerKind.CAF:
        name = "Caf " + written.split(maxsplit=1)[1] if " " in written else written
        name = re.sub(r"^Caf (?:d['’]|des )allocations? familiales? ", "Caf ", name, flags=re.I)
    elif kind is PartnerKind.COMMUNE and chosen is not None:
        name = chosen.name
    else:
        name = _capitalised(written)
    partner = finder.partner((kind.value, f"{territory[0]}:{territory[1]}"), name, kind)
    partner.territory = territory
    partner.spans.append((start, end))


def _add_facts(
    reading: Reading, finder: _Finder, territories: dict[tuple[str, str], _Territory]
) -> None:
    for territory in sorted(territories.values(), key=lambda t: min(t.spans)):
        spans = sorted(territory.spans)
        territory.fact_id = reading.new_id("territory")
        reading.add(
            TerritoryFact(
                id=territory.fact_id,
                evidence=reading.evidence(*spans[0]),
                also=_evidences(reading, spans[1:]),
                name=reading.text[spans[0][0] : spans[0][1]],
                kind=territory.kind,
                code=territory.code,
                candidates=territory.candidates,
            )
        )
    for partner in sorted(finder.partners.values(), key=lambda p: min(p.spans)):
        spans = sorted(set(partner.spans))
        served = territories.get(partner.territory) if partner.territory else None
        reading.add(
            PartnerFact(
                id=reading.new_id("partner"),
                evidence=reading.evidence(*spans[0]),
                also=_evidences(reading, sorted(set(spans[1:] + partner.back))),
                name=partner.name,
                kind=partner.kind,
                territory=served.fact_id if served else None,
                inferred=partner.inferred,
            )
        )


def _evidences(reading: Reading, spans: Collection[tuple[int, int]]) -> tuple[Evidence, ...]:
    return tuple(reading.evidence(start, end) for start, end in spans)


# --- small text helpers -----------------------------------------------------------------


def _prefixes(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """The name at ``start:end``, then shorter and shorter, word by word: a name runs on
    into the next capitalised words (« Saint-Flour Communauté Pierre »)."""
    ends = [m.end() for m in re.finditer(_CHUNK, text[start:end])]
    for chunk_end in reversed(ends):
        yield start, start + chunk_end


def _skip_article(text: str, start: int, end: int) -> int:
    """Past a leading « La », « Le », « Notre » that begins a sentence before a name."""
    first = re.match(r"(?:La|Le|Les|L['’]|Notre|Cette)(?:[ \u00a0]+|(?<=['’]))", text[start:end])
    return start + first.end() if first else start


def _capitalised(written: str) -> str:
    words = written.split(maxsplit=1)
    if words and words[0].lower() in {"la", "le", "les"}:
        written = words[1] if len(words) > 1 else written
    return written[:1].upper() + written[1:]
