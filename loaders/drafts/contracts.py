"""The contracts an article speaks of, their dates, and which one follows which.

Runs after the territories extractor, so the partners and territories are known. Reads:

- **contracts** (`ContractFact`): every mention of a contract kind of the vocabulary
  (« Convention territoriale globale », « CTG », « contrats d'objectif et de financement
  (CEJ) » — the acronym in brackets says the kind), grouped into distinct contracts: one
  per kind, unless the article counts them (« deux conventions territoriales globales »
  declined « nord et sud », « 13 CEJ formalisés à Blanzy, … » — one per commune listed).
  Each gets a name that tells it apart, a status from the verbs around its mentions,
  its lead partner, the territories it covers, and its duration;
- **dates** (`DateFact`): signing, adoption in council, period start and end, the end of
  the contracts no longer renewed (« Depuis le 31 décembre 2020 … ne sont plus
  renouvelés »), with the year of a weekday-only date inferred (see `french_dates`);
- **lineage** (`LineageFact`): « remplace », « succède », « prend le relais », « ne sont
  plus renouvelés » beside the new frame → succeeds; « déclinaison du … » → declines;
  « avenant au … » → amends.

The charter and planning documents of the vocabulary (« charte d'engagement », PLUi-H)
frame contracts but are not contracts: they are not read here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from domain.vocabulary import ContractRelation, ContractStatus, PartnerKind
from loaders.drafts.facts import (
    ContractFact,
    DateFact,
    DateRole,
    Evidence,
    LineageFact,
    PartnerFact,
    TerritoryFact,
)
from loaders.drafts.french_dates import (
    PERIOD,
    FrenchDate,
    date_ranges,
    find_dates,
    period_years,
)
from loaders.drafts.reading import Reading
from loaders.drafts.spans import Places, fold

#: Kinds of the vocabulary that are documents framing contracts, not contracts.
FRAMING_KINDS = frozenset({"charte-engagement", "plui-h", "other"})

#: How articles write each kind (on folded text), singular or plural.
KIND_PATTERNS: dict[str, str] = {
    "ctg": r"conventions? territoriales? globales?|conventions? globales? de territoires?",
    # « Contrant Enfance Jeunesse » (sic): a misspelt « contrat » before these two words.
    "cej": r"contr\w{1,3}ts? (?:d'|de )?enfance(?:\s+et\s+|\s*-\s*|\s+)jeunesse",
    "ccs": r"contrats? de cohesion sociale",
    "contrat-de-ville": r"contrats? de ville",
    "contrat-de-ruralite": r"contrats? de ruralite",
    "crte": r"contrats? de relance et de transition ecologique",
    "cof": r"(?:conventions?|contrats?) d'objectifs? et de financement",
}
#: The acronyms articles use (case-sensitive on the original text).
ACRONYMS: dict[str, str] = {"CTG": "ctg", "CEJ": "cej", "CCS": "ccs", "CRTE": "crte", "COF": "cof"}
SHORT_NAMES = {kind: acronym for acronym, kind in ACRONYMS.items()}
#: « notre convention d'objectifs » (not « … et de financement »): the Caf's objectives
#: convention, a contract of kind « other ».
_OBJECTIVES = re.compile(r"\bconventions? d'objectifs?\b(?! et de financement)")

_NUMBERS = {
    "deux": 2,
    "trois": 3,
    "quatre": 4,
    "cinq": 5,
    "six": 6,
    "sept": 7,
    "huit": 8,
    "neuf": 9,
    "dix": 10,
    "onze": 11,
    "douze": 12,
    "treize": 13,
    "quatorze": 14,
    "quinze": 15,
    "seize": 16,
    "vingt": 20,
}
_COUNT = re.compile(rf"(?:^|\W)(\d{{1,3}}|{'|'.join(_NUMBERS)})\s+$")
#: What comes between a counted mention and its list of places: « 13 CEJ formalisés à … ».
_LIST_LEAD = re.compile(
    r"^\s*(?:(?:formalise|signe|conclu|passe|existant|actif|en cours)e?s?\s+)?"
    r"(?:a|avec|sur|dans les communes de|pour les communes de|pour)\s+"
)
_LIST_SPLIT = re.compile(r"\s*,\s*(?:et\s+)?|\s+et\s+")
_SIDES = re.compile(r"\b(nord|sud|est|ouest|centre)\b")

_ENDED = re.compile(
    r"\b(?:ne (?:sont|seront|est|sera) plus renouvele|n'(?:est|a) plus (?:ete )?renouvele"
    r"|jusqu'alors|(?:a|ont) pris fin|arrivee?s? a (?:son |leur )?(?:terme|echeance)"
    r"|(?:a|ont) expire|est termine|sont termine)"
)
_FUTURE = re.compile(
    r"\b(?:(?:sera|seront|va etre|vont etre|doit etre|doivent etre|devrait etre|devraient etre)"
    r"\s+(?:signee?s?|conclue?s?|adoptee?s?)|en (?:cours de )?preparation|en cours d'elaboration"
    r"|en projet|a venir)\b"
)
_SIGNED = re.compile(
    r"\b(?:signent|signe|signee?s?|adoptee?s?|conclue?s?|renouvelee?s?|reconduite?s?)\b"
    r"|\bsignature d(?:e|u|e la|e cette)\b"
)
_TO_COME = re.compile(r"\b(?:aura lieu|auront lieu|est prevue|interviendra|se deroulera)\b")
_NOT_SIGNED_BEFORE = re.compile(r"(?:plus|pas|jamais|sera|seront|etre)\s+$")
_PREPARING = re.compile(r"\b(?:demarche|elaboration|elaborer|preparation|construction)\b")

_DURATION = re.compile(
    r"\b(?:de|d'une duree de|pour une duree de|sur|pour)\s+"
    rf"(\d{{1,2}}|{'|'.join(_NUMBERS)})\s+ans\b"
)
_CHEF_DE_FILE = re.compile(r"\bchef de file\b|\bporteuse?\b|\bpilote\b")

_SUCCESSION = re.compile(
    r"\b(?:remplacent|remplace|remplacera|remplacer|succedent|succede|succedera|succedant"
    r"|prend le relais|prennent le relais|prendra le relais|se substitue|se substituent"
    r"|prend la suite|prennent la suite)\b"
)
_REPLACEMENT = re.compile(r"\ben remplacement\b")
#: « Notre CEJ a pris fin … La Caf nous propose de poursuivre notre partenariat dans le
#: cadre d'une CTG »: the contract named after « dans le cadre de » takes over from the one
#: that ended.
_CONTINUES = re.compile(
    r"\b(?:poursuivre|poursuivra|poursuivront|poursuit|poursuivent|prolonger|continuer)\b"
    r"[^.;:]{0,80}?\bdans le cadre d(?:'une?|u|e la|e l'|es)\s*"
)
_NEW_FRAME = re.compile(r"\bnouveau cadre\b|\bdesormais\b|\bprend le relais\b")
_DECLINES = re.compile(
    r"\b(?:declinaison|pierre angulaire|volet|mise en oeuvre)(?: contractuelle)?"
    r"\s+d(?:u|e la|e l'|es|e)\s*"
)
_AMENDS = re.compile(r"\bavenants?\s+(?:n°\s*\d+\s+)?(?:a|au|a la|a l'|aux)\s+")


def is_contract_mention(quote: str) -> bool:
    """Whether ``quote`` names a contract kind (« CTG », « contrats enfance jeunesse »).

    >>> is_contract_mention("13 CEJ"), is_contract_mention("Blanzy")
    (False, False)
    >>> is_contract_mention("CEJ"), is_contract_mention("Convention territoriale globale (CTG)")
    (True, True)
    """
    folded = fold(quote)
    if any(
        re.fullmatch(f"(?:{pattern})" + r"(?:\s*\(\s*[a-z]{2,5}s?\s*\))?", folded)
        for pattern in KIND_PATTERNS.values()
    ):
        return True
    return bool(_OBJECTIVES.fullmatch(folded)) or bool(
        re.fullmatch(rf"(?:{'|'.join(ACRONYMS)})s?", quote)
    )


@dataclass
class _Mention:
    start: int
    end: int
    kind: str
    count: int | None = None
    #: « Contrat de cohésion sociale de Saint-Flour Communauté »: what the mention says
    #: it belongs to.
    named_after: tuple[int, int] | None = None
    #: « cette convention », « celle-ci »: it speaks of a contract named before.
    anaphor: bool = False


@dataclass
class _Contract:
    id: str
    kind: str
    name: str
    mentions: list[_Mention]
    place: str | None = None  # the list item or side that sets it apart
    place_span: tuple[int, int] | None = None
    #: The mention its evidence quotes (a counted one: « 13 CEJ … »), else its first.
    evidence_mention: _Mention | None = None
    status: ContractStatus | None = None
    status_cues: list[tuple[int, int]] = field(default_factory=list)
    territories: list[str] = field(default_factory=list)
    lead: str | None = None
    duration: int | None = None
    inferred: list[str] = field(default_factory=list)
    also: list[tuple[int, int]] = field(default_factory=list)
    #: « une première convention … La seconde convention »: the earlier of a renewed
    #: contract, split from the later one (which it is succeeded by, at that place).
    renews: tuple[_Contract, tuple[int, int]] | None = None


def extract(reading: Reading) -> None:
    """Add the contracts of the article, then their dates and their lineage."""
    places = Places(reading)
    mentions = _mentions(reading, places)
    if not mentions:
        return
    contracts = _group(reading, places, mentions)
    _add_anaphors(reading, places, contracts)
    contracts += _split_renewals(reading, places, contracts)
    _read_status(places, contracts)
    _read_leads_and_territories(reading, places, contracts)
    for contract in contracts:
        if contract.renews is not None:
            contract.renews[0].name = f"Première {contract.renews[0].name}"
    _read_durations(places, contracts)
    facts = {c.id: _contract_fact(reading, c) for c in contracts}
    for fact in facts.values():
        reading.add(fact)
    _add_dates(reading, places, contracts)
    _add_lineage(reading, places, contracts)
    for contract in contracts:
        if not contract.territories:
            reading.gaps.append(
                f"{contract.name}: the article does not say which territories it covers "
                "(or they were not recognised)."
            )


# --- mentions -------------------------------------------------------------------------


def _mentions(reading: Reading, places: Places) -> list[_Mention]:
    """Every mention of a contract kind, in order, one per place."""
    found = _kind_mentions(reading, places.folded)
    found.sort(key=lambda m: (m.start, -m.end))
    kept: list[_Mention] = []
    for mention in found:
        if kept and mention.start < kept[-1].end:
            continue
        kept.append(mention)
    for mention in kept:
        _read_count_and_owner(places, mention)
    return kept


def _kind_patterns(reading: Reading) -> dict[str, str]:
    """The pattern of each contract kind of the vocabulary (framing documents aside)."""
    known = reading.knowledge.vocabularies.contract_kinds
    patterns = {code: p for code, p in KIND_PATTERNS.items() if code in known}
    for code, entry in known.items():
        words = fold(str(entry.get("fr", ""))).split()
        if code not in patterns and code not in FRAMING_KINDS and words:
            patterns[code] = r"\s+".join(re.escape(w) + ("s?" if len(w) > 3 else "") for w in words)
    return patterns


def _kind_mentions(reading: Reading, folded: str) -> list[_Mention]:
    """The mentions of each kind's words and acronyms, overlapping ones included."""
    text = reading.text
    known = reading.knowledge.vocabularies.contract_kinds
    found: list[_Mention] = []
    for code, pattern in _kind_patterns(reading).items():
        for match in re.finditer(rf"(?<!\w)(?:{pattern})(?!\w)", folded):
            kind, end = code, match.end()
            # « contrats d'objectif et de financement (CEJ) »: the acronym says the kind.
            bracket = re.match(r"\s*\(\s*([A-Z]{2,5})s?\s*\)", text[end:])
            if bracket and ACRONYMS.get(bracket[1]) in known:
                kind, end = ACRONYMS[bracket[1]], end + bracket.end()
            found.append(_Mention(match.start(), end, kind))
    if "other" in known:
        found += [_Mention(m.start(), m.end(), "other") for m in _OBJECTIVES.finditer(folded)]
    for acronym, code in ACRONYMS.items():
        if code in known:
            found += [
                _Mention(m.start(), m.end(), code)
                for m in re.finditer(rf"(?<![\w(]){acronym}s?(?!\w)", text)
            ]
    return found


def _read_count_and_owner(places: Places, mention: _Mention) -> None:
    """« deux conventions … » counts; « Contrat de cohésion sociale de X » names its owner."""
    folded = places.folded
    count = _COUNT.search(folded[max(0, mention.start - 20) : mention.start])
    if count:
        word = count[1]
        number = int(word) if word.isdigit() else _NUMBERS[word]
        mention.count = number if number >= 2 else None
    after = re.match(r"\s+(?:de la |de l'|du |de |d')", folded[mention.end :])
    if after:
        begin = mention.end + after.end()
        partner = next((p for p in places.partners if p.start == begin), None)
        if partner is not None:
            mention.named_after = (partner.start, partner.end)


def _group(reading: Reading, places: Places, mentions: list[_Mention]) -> list[_Contract]:
    """Distinct contracts: one per kind, or as many as the article counts."""
    contracts: list[_Contract] = []
    kinds = list(dict.fromkeys(m.kind for m in mentions))
    for kind in kinds:
        of_kind = [m for m in mentions if m.kind == kind]
        counted = next((m for m in of_kind if m.count), None)
        short = _short_name(reading, kind)
        if counted is None or counted.count is None:
            contracts.append(_Contract(reading.new_id("contract"), kind, short, of_kind))
            continue
        group = [
            _Contract(reading.new_id("contract"), kind, f"{short} {label}", [counted], label, span)
            for label, span in _parts(reading, places, counted)
        ]
        for contract in group:
            # The other mentions speak of them all (« les CEJ ne sont plus renouvelés »).
            contract.mentions = sorted(
                [counted, *(m for m in of_kind if m is not counted)], key=lambda m: m.start
            )
            contract.evidence_mention = counted
        contracts.extend(group)
    return contracts


def _parts(
    reading: Reading, places: Places, counted: _Mention
) -> list[tuple[str, tuple[int, int] | None]]:
    """What sets apart each of the ``counted.count`` contracts of a counted mention: the
    places listed after it, the sides (« nord et sud ») of its sentence, else a number."""
    assert counted.count is not None
    folded, text = places.folded, reading.text
    lead = _LIST_LEAD.match(folded[counted.end :])
    if lead:
        begin = counted.end + lead.end()
        stop = re.search(r"[.;:\n]|\s\(", folded[begin:])
        finish = begin + (stop.start() if stop else len(folded) - begin)
        items: list[tuple[str, tuple[int, int] | None]] = []
        position = begin
        for piece in _LIST_SPLIT.split(text[begin:finish]):
            at = text.index(piece, position)
            position = at + len(piece)
            if piece.strip():
                items.append((piece.strip(), (at, at + len(piece.strip()))))
        if len(items) == counted.count:
            return items
    start, end = places.sentence(counted.start)
    sides = list(dict.fromkeys(m[1] for m in _SIDES.finditer(folded[start:end])))
    if len(sides) == counted.count:
        prefix = "bassin " if "bassin" in folded[start:end] else ""
        return [(prefix + side, None) for side in sides]
    return [(str(i), None) for i in range(1, counted.count + 1)]


def _short_name(reading: Reading, kind: str) -> str:
    if kind in SHORT_NAMES:
        return SHORT_NAMES[kind]
    if kind == "other":
        return "Convention d'objectifs"
    return str(reading.knowledge.vocabularies.contract_kinds[kind].get("fr", kind))


def _evidence_mention(contract: _Contract) -> _Mention:
    named = [m for m in contract.mentions if not m.anaphor]
    return contract.evidence_mention or (named or contract.mentions)[0]


#: « cette convention », « la nouvelle convention »; « ce contrat »; « celle-ci », « cet
#: accord »: words that speak again of a contract named before (of the family they say).
_ANAPHORS: tuple[tuple[re.Pattern[str], str | None], ...] = (
    (
        re.compile(
            r"\b(?:la|cette|notre|sa|une|leur)\s+(?:nouvelle\s+|premiere\s+|presente\s+)?"
            r"convention\b(?!s| territoriale| globale| d'objectif| de partenariat| de )"
        ),
        "convention",
    ),
    (
        re.compile(
            r"\b(?:le|ce|notre|son|leur)\s+(?:nouveau\s+|present\s+)?contrat\b(?!s| enfance| de )"
        ),
        "contrat",
    ),
    (re.compile(r"\b(?:celle-ci|celui-ci|cet accord(?:-cadre)?|ce partenariat)\b"), None),
)


def _add_anaphors(reading: Reading, places: Places, contracts: list[_Contract]) -> None:
    """Give each contract the places that speak of it again without naming it, so that the
    status, dates and duration said there are its own."""
    labels = reading.knowledge.vocabularies.contract_kinds
    named = sorted(
        {(m.start, m.end, m.kind) for c in contracts for m in c.mentions if not m.anaphor}
    )
    for pattern, family in _ANAPHORS:
        for match in pattern.finditer(places.folded):
            if any(s <= match.start() < e for s, e, _ in named):
                continue
            before = [
                (s, e, kind)
                for s, e, kind in named
                if e <= match.start() and (family is None or _family(labels, kind) == family)
            ]
            if not before:
                continue
            start, end, kind = before[-1]
            anaphor = _Mention(match.start(), match.end(), kind, anaphor=True)
            for contract in contracts:
                if any(m.start == start and m.end == end for m in contract.mentions):
                    contract.mentions.append(anaphor)
    for contract in contracts:
        contract.mentions.sort(key=lambda m: m.start)


_FIRST = re.compile(r"\b(?:une|la|sa|leur|notre) premiere (?=(convention|contrat|ctg|cej)\b)")
_SECOND = re.compile(
    r"\b(?:une|la|sa|leur|notre) (?:seconde|deuxieme) (convention|contrat|ctg|cej)\b"
)


def _split_renewals(
    reading: Reading, places: Places, contracts: list[_Contract]
) -> list[_Contract]:
    """« Le 1er mars 2021 avait été signée une première convention … La seconde convention
    … »: when the article counts a second contract of a kind, the mention of « une
    première » is an earlier contract, renewed by the one of the other mentions. (« sa
    première CTG » alone is the first ever: nothing is split.)"""
    labels = reading.knowledge.vocabularies.contract_kinds
    seconds = list(_SECOND.finditer(places.folded))
    earlier: list[_Contract] = []
    for first in _FIRST.finditer(places.folded):
        for contract in contracts:
            # « la seconde convention » renews a convention, « la seconde CTG » a CTG.
            words = {_family(labels, contract.kind), SHORT_NAMES.get(contract.kind, "").lower()}
            second = next((m for m in seconds if m[1] in words), None)
            if first[1] not in words or second is None:
                continue
            # « une première convention » (an anaphor) or « une première CTG » (named).
            at = {first.start(), first.end()}
            mention = next((m for m in contract.mentions if m.start in at), None)
            if mention is None or contract.place is not None or contract.renews is not None:
                continue
            if len(contract.mentions) < 2:
                continue
            contract.mentions.remove(mention)
            old = _Contract(reading.new_id("contract"), contract.kind, contract.name, [mention])
            contract.renews = (old, _clause(places, second.start()))
            earlier.append(old)
    return earlier


def _family(labels: dict[str, dict[str, object]], kind: str) -> str:
    label = "convention" if kind == "other" else fold(str(labels.get(kind, {}).get("fr", "")))
    return "convention" if label.startswith("convention") else "contrat"


# --- status, lead, territories, duration -----------------------------------------------


def _nearest(
    contracts: list[_Contract], start: int, end: int, window: tuple[int, int]
) -> list[_Contract]:
    """The contracts whose mention inside ``window`` is nearest the span ``start:end``."""
    best: tuple[int, int] | None = None
    chosen: list[_Contract] = []
    for contract in contracts:
        for mention in contract.mentions:
            if not (window[0] <= mention.start and mention.end <= window[1]):
                continue
            distance = mention.start - end if mention.start >= end else max(0, start - mention.end)
            key = (distance, mention.start)
            if best is None or key < best:
                best, chosen = key, [contract]
            elif key == best and contract not in chosen:
                chosen.append(contract)
    return chosen


def _read_status(places: Places, contracts: list[_Contract]) -> None:
    """Status from the cues nearest each contract's mentions: ended before signed before
    to-be-signed before the weak « démarche »/« élaboration »."""
    folded = places.folded
    rank = {"ended": 4, "signed": 3, "future": 2, "preparing": 1}
    status = {
        "ended": ContractStatus.ENDED,
        "signed": ContractStatus.SIGNED,
        "future": ContractStatus.IN_PREPARATION,
        "preparing": ContractStatus.IN_PREPARATION,
    }
    best: dict[str, tuple[int, tuple[int, int]]] = {}
    cues: list[tuple[str, int, int]] = []
    for name, pattern in (
        ("ended", _ENDED),
        ("future", _FUTURE),
        ("signed", _SIGNED),
        ("preparing", _PREPARING),
    ):
        for match in pattern.finditer(folded):
            if (
                name == "signed"
                and (
                    _NOT_SIGNED_BEFORE.search(folded[max(0, match.start() - 12) : match.start()])
                    or any(s <= match.start() < e for _, s, e in cues)
                    # « la signature de la CTG aura lieu le 12 juin »: a signing to come.
                    or (
                        match[0].startswith("signature")
                        and _TO_COME.search(folded[match.end() : match.end() + 60])
                    )
                )
            ):
                continue
            cues.append((name, match.start(), match.end()))
    for name, start, end in cues:
        window = places.sentence(start)
        for contract in _nearest(contracts, start, end, window):
            held = best.get(contract.id)
            if held is None or rank[name] > held[0]:
                best[contract.id] = (rank[name], (start, end))
    names = {v: k for k, v in rank.items()}
    for contract in contracts:
        if contract.id in best:
            level, span = best[contract.id]
            contract.status = status[names[level]]
            contract.status_cues.append(span)


_LOCAL_KINDS = frozenset({PartnerKind.EPCI, PartnerKind.COMMUNE})


def _read_leads_and_territories(
    reading: Reading, places: Places, contracts: list[_Contract]
) -> None:
    """The lead partner and covered territories of each contract."""
    territories = reading.of_type(TerritoryFact)
    partners = reading.of_type(PartnerFact)
    main_local = next((p for p in partners if p.kind == PartnerKind.EPCI), None) or next(
        (p for p in partners if p.kind == PartnerKind.COMMUNE), None
    )
    chef = _chef_de_file(places)
    main_territory = next(
        (t for t in territories if t.kind == "epci" and t.code is not None), None
    ) or next((t for t in territories if t.kind == "commune" and t.code is not None), None)
    for contract in contracts:
        if contract.kind == "ctg" and chef is not None:
            contract.lead = chef.id
        if contract.place is not None:
            # One of a counted group: the commune listed, or a side whose communes are not.
            if contract.place_span is not None:
                territory = _territory_named(territories, contract.place, contract.place_span)
                if territory is not None:
                    contract.territories.append(territory.id)
            continue
        local = _owner(places, contract) or _partner_with(places, contract)
        if local is None and main_local is not None and contract.kind != "other":
            local = main_local
            contract.inferred.append(
                f"territory: {local.name}, the local authority of the article, is not named "
                "with this contract"
            )
        if local is not None:
            contract.name = f"{contract.name} {local.name}"
            if local.territory is not None:
                contract.territories.append(local.territory)
        elif main_territory is not None and contract.kind != "other":
            # No local partner was recognised, but the article names its territory.
            contract.name = f"{contract.name} {main_territory.name}"
            contract.territories.append(main_territory.id)
            contract.inferred.append(
                f"territory: {main_territory.name}, the local territory of the article, is "
                "not named with this contract"
            )


def _chef_de_file(places: Places) -> PartnerFact | None:
    """« La communauté urbaine, en tant que chef de file de la contractualisation »: the
    local authority that carries the CTGs."""
    for match in _CHEF_DE_FILE.finditer(places.folded):
        start, _ = places.sentence(match.start())
        before = [
            m for m in places.partners_in(start, match.start()) if m.partner.kind in _LOCAL_KINDS
        ]
        if before:
            return before[-1].partner
    return None


def _owner(places: Places, contract: _Contract) -> PartnerFact | None:
    """« Contrat de cohésion sociale de Saint-Flour Communauté »: the partner it is named
    after, which carries it (its lead)."""
    for mention in contract.mentions:
        if mention.named_after is None:
            continue
        found = places.partners_in(*mention.named_after)
        if found:
            owner = found[0].partner
            contract.lead = owner.id
            contract.inferred.append(
                f"lead: the contract is named after it (« … de {owner.name} »)"
            )
            return owner
    return None


def _partner_with(places: Places, contract: _Contract) -> PartnerFact | None:
    """« La Caf signe avec Saint-Flour Communauté sa première CTG »: the local authority
    the contract is made with."""
    for mention in contract.mentions:
        start, end = places.sentence(mention.start)
        avec = re.search(r"\bavec\b", places.folded[start:end])
        if avec is None:
            continue
        after = places.partners_in(start + avec.end(), end)
        local = [m.partner for m in after if m.partner.kind in _LOCAL_KINDS]
        if local:
            return local[0]
    return None


def _territory_named(
    territories: list[TerritoryFact], name: str, span: tuple[int, int]
) -> TerritoryFact | None:
    """The territory the article names at ``span`` (a list item), else by its name."""
    for territory in territories:
        for evidence in (territory.evidence, *territory.also):
            if evidence.start < span[1] and span[0] < evidence.end:
                return territory
    wanted = fold(name)
    return next((t for t in territories if fold(t.name) == wanted), None)


def _read_durations(places: Places, contracts: list[_Contract]) -> None:
    """« un accord-cadre pluriannuel de 4 ans »: the duration of the contract spoken of."""
    for match in _DURATION.finditer(places.folded):
        word = match[1]
        years = int(word) if word.isdigit() else _NUMBERS[word]
        for contract in _spoken_of(places, contracts, match.start()):
            if contract.duration is None and 1 <= years <= 20:
                contract.duration = years
                contract.also.append(match.span())


def _spoken_of(places: Places, contracts: list[_Contract], offset: int) -> list[_Contract]:
    """The contract a phrase at ``offset`` speaks of: the last one mentioned before it in
    its sentence, else the last one mentioned before its sentence (a sentence that
    starts « Un accord-cadre … » speaks of the contract named just before)."""
    start, _ = places.sentence(offset)
    for window_start in (start, max(0, start - 600)):
        window_end = offset if window_start == start else start
        chosen = _nearest(contracts, offset, offset, (window_start, window_end))
        if chosen:
            return chosen
    return []


def _contract_fact(reading: Reading, contract: _Contract) -> ContractFact:
    first = _evidence_mention(contract)
    spans = [(m.start, m.end) for m in contract.mentions if m is not first]
    spans += contract.status_cues + contract.also
    if contract.place_span is not None:
        spans.append(contract.place_span)
    return ContractFact(
        id=contract.id,
        evidence=reading.evidence(first.start, first.end),
        also=_evidences(reading, spans, (first.start, first.end)),
        inferred="; ".join(contract.inferred) or None,
        kind=contract.kind,
        name=contract.name,
        status=contract.status,
        territories=tuple(dict.fromkeys(contract.territories)),
        lead=contract.lead,
        duration_years=contract.duration,
    )


def _evidences(
    reading: Reading, spans: list[tuple[int, int]], first: tuple[int, int]
) -> tuple[Evidence, ...]:
    unique = sorted({s for s in spans if s != first})
    return tuple(reading.evidence(s, e) for s, e in unique)


# --- dates --------------------------------------------------------------------------------


#: The words before a date that say what it dates, tried in order (on folded text).
_DATE_ROLES: tuple[tuple[DateRole, re.Pattern[str]], ...] = (
    ("adopted", re.compile(r"\badopte")),
    ("deliberation", re.compile(r"\bdeliber")),
    # « le conseil municipal du 3 mars 2022 a autorisé le maire à signer »: the council's
    # decision, not the signing.
    (
        "deliberation",
        re.compile(
            r"\b(?:conseil (?:municipal|communautaire|metropolitain|departemental"
            r"|d'administration)|seance|commission permanente|bureau communautaire)"
            r"\s+(?:du|en date du)\s*$"
        ),
    ),
    ("signed", re.compile(r"\bsign")),
    (
        "start",
        re.compile(
            r"\b(?:a compter du|a partir du|debut|entree? en vigueur|prend effet)|^\s*au\s*$"
        ),
    ),
    ("end", re.compile(r"\b(?:jusqu'au|prend fin|prendra fin|pris fin|s'acheve|echeance|terme)")),
)
_END_YEAR = re.compile(
    r"\b(?:jusqu'(?:en|a fin|a la fin)|se termine (?:fin|en)|prend fin (?:fin |en )?"
    r"|prendra fin (?:fin |en )?|s'achevera (?:fin |en )?|s'acheve (?:fin |en )?)"
    r"\s*(?P<year>(?:19|20)\d\d)\b"
)
#: « La CTG, signée en 2022 »: a signing or an adoption to the year, said of the contract
#: named just before.
_YEAR_DONE = re.compile(
    r"\b(?:(?P<signed>signee?s?|conclue?s?)|(?P<adopted>adoptee?s?))\s+en\s+"
    r"(?P<year>(?:19|20)\d\d)\b"
)
#: « sera signée le », « la signature aura lieu le », « prévue le »: the date of an event to
#: come, not one that happened (the words just before the date).
_PLANNED = re.compile(
    r"\b(?:(?:sera|seront|doit etre|doivent etre|devrait etre|devraient etre|va etre|vont etre)"
    r"\s+(?:signee?s?|adoptee?s?|conclue?s?|approuvee?s?)|aura lieu|auront lieu|interviendra"
    r"|prevue?s?|programmee?s?)\s+(?:le |l'|en |au |d'ici |courant |fin |debut |pour le )?$"
)
_NO_LONGER_RENEWED = (
    "the article says these contracts are no longer renewed since this date; that this one "
    "ended on it is inferred"
)


@dataclass
class _Dates:
    """The dates found so far, one per contract, role and value."""

    reading: Reading
    added: set[tuple[str, DateRole, str]] = field(default_factory=set)

    pending: list[tuple[str, DateRole, str, tuple[int, int], str | None]] = field(
        default_factory=list
    )

    def add(
        self,
        contract: _Contract,
        role: DateRole,
        value: str,
        span: tuple[int, int],
        inferred: str | None,
    ) -> None:
        if (contract.id, role, value) in self.added:
            return
        self.added.add((contract.id, role, value))
        self.pending.append((contract.id, role, value, span, inferred))

    def add_facts(self) -> None:
        """One fact per date; « 2023 » is left out beside « 2023-01-01 » of the same role."""
        for contract, role, value, span, inferred in self.pending:
            finer = any(
                c == contract and r == role and v != value and v.startswith(value)
                for c, r, v, _, _ in self.pending
            )
            if finer:
                continue
            self.reading.add(
                DateFact(
                    id=self.reading.new_id("date"),
                    evidence=self.reading.evidence(*span),
                    inferred=inferred,
                    contract=contract,
                    role=role,
                    value=value,
                )
            )


def _date_role(places: Places, start: int, end: int) -> DateRole | None:
    """What the date at ``start:end`` dates, from the words before it in its sentence
    (« adopté le », « signée le », « à compter du »), or those just after it (« … en
    Conseil communautaire, adopté »); None when they say nothing of a contract."""
    folded = places.folded
    sentence_start, sentence_end = places.sentence(start)
    before = folded[max(sentence_start, start - 60) : start]
    if re.search(r"\bavant (?:le |la |l'|fin |debut )?$", before):
        return None  # « sera signée avant fin janvier 2023 »: a deadline, not its date
    if _PLANNED.search(before):
        return None  # « la signature aura lieu le 12 juin »: not signed yet
    # The cue nearest the date says what it dates: « La CTG signée en 2019 prend fin le 31
    # décembre 2022 » is an end.
    cues = [
        (match.end(), -rank, role)
        for rank, (role, pattern) in enumerate(_DATE_ROLES)
        for match in pattern.finditer(before)
    ]
    if cues:
        return max(cues)[2]
    after = folded[end:sentence_end]
    if re.search(r"\badopt", after[:40]):
        return "adopted"
    # « Juin 2024 : Le Conseil délibère et autorise le Maire à signer la CTG »
    if re.search(r"\bdeliber", after):
        return "deliberation"
    sentence = folded[sentence_start:sentence_end]
    if re.search(r"\bsign", sentence) and not _FUTURE.search(sentence):
        return "signed"
    return None


def _add_dates(reading: Reading, places: Places, contracts: list[_Contract]) -> None:
    """Signing, adoption, start and end dates, and the period « (2017-2020) »."""
    dates = _Dates(reading)
    every = find_dates(reading.text, reading.article.published)
    in_range = _add_ranges(places, contracts, dates, every)
    for found in every:
        if found.start in in_range:
            continue
        start, end = places.sentence(found.start)
        span = (found.start, found.end)
        if re.search(r"\bdepuis (?:le |l')?$", places.folded[start : found.start]):
            # « Depuis le 31 décembre 2020 … les CEJ ne sont plus renouvelés »: their end.
            near = (start, places.next_sentence(found.start)[1])
            ended = [
                c
                for c in contracts
                if c.status == ContractStatus.ENDED
                and any(near[0] <= m.start < near[1] for m in c.mentions)
            ]
            for contract in ended:
                reason = _join(found.inferred, _NO_LONGER_RENEWED)
                dates.add(contract, "end", found.value, span, reason)
            role: DateRole | None = None if ended else "start"
        else:
            role = _date_role(places, found.start, found.end)
        if role is None:
            continue
        # « Contrat … adopté le 18 décembre 2017 »: the contract named before the adoption.
        before = (start, found.start) if role == "adopted" else (start, end)
        targets = (
            _nearest(contracts, found.start, found.end, before)
            or _nearest(contracts, found.start, found.end, (start, end))
            # « Délibération N°16 du lundi 14 décembre 2020 » above « Convention Territoriale
            # Globale avec la CAF »: the contract of the next line.
            or (
                _nearest(contracts, found.start, found.end, places.next_sentence(found.start))
                if role in {"deliberation", "adopted", "signed"}
                else []
            )
        )
        for contract in targets:
            dates.add(contract, role, found.value, span, found.inferred)
    for match in PERIOD.finditer(reading.text):
        first, last = period_years(match)
        if not 0 <= int(last) - int(first) <= 20:
            continue
        for contract in _spoken_of(places, contracts, match.start()):
            dates.add(contract, "start", first, match.span(), None)
            dates.add(contract, "end", last, match.span(), None)
    _add_years_done(places, contracts, dates)
    # « sera valide … jusqu'en 2029 », « qui se termine fin 2021 »: an end to the year.
    for match in _END_YEAR.finditer(places.folded):
        for contract in _spoken_of(places, contracts, match.start()):
            dates.add(contract, "end", match["year"], match.span(), None)
    dates.add_facts()


def _add_ranges(
    places: Places, contracts: list[_Contract], dates: _Dates, every: list[FrenchDate]
) -> set[int]:
    """« pour la période du 1er janvier 2023 au 31 décembre 2026 »: a start and an end of
    the contract of the sentence (else the one spoken of); the offsets of the dates used."""
    in_range: set[int] = set()
    for first, last in date_ranges(places.reading.text, every):
        in_range |= {first.start, last.start}
        start, end = places.sentence(first.start)
        targets = _nearest(contracts, first.start, last.end, (start, end)) or _spoken_of(
            places, contracts, first.start
        )
        for contract in targets:
            dates.add(contract, "start", first.value, (first.start, first.end), first.inferred)
            dates.add(contract, "end", last.value, (last.start, last.end), last.inferred)
    return in_range


def _add_years_done(places: Places, contracts: list[_Contract], dates: _Dates) -> None:
    """« La CTG, signée en 2022 »: a signing (or adoption) to the year, of the contract
    named just before the participle."""
    for match in _YEAR_DONE.finditer(places.folded):
        if _NOT_SIGNED_BEFORE.search(places.folded[max(0, match.start() - 12) : match.start()]):
            continue  # « sera signée en 2024 »
        start, _ = places.sentence(match.start())
        named = _nearest(contracts, match.start(), match.start(), (start, match.start()))
        near = [
            c
            for c in named
            if any(0 <= match.start() - m.end <= 40 for m in c.mentions if m.start >= start)
        ]
        role: DateRole = "adopted" if match["adopted"] else "signed"
        for contract in near:
            dates.add(contract, role, match["year"], match.span(), None)


def _join(*reasons: str | None) -> str | None:
    return "; ".join(r for r in reasons if r) or None


# --- lineage -----------------------------------------------------------------------------


@dataclass
class _Lineage:
    """The links found so far: the places that state each, and why each place is inferred."""

    reading: Reading
    found: dict[
        tuple[str, str, ContractRelation], tuple[list[tuple[int, int]], list[str | None]]
    ] = field(default_factory=dict)

    def note(
        self,
        later: _Contract,
        earlier: _Contract,
        relation: ContractRelation,
        span: tuple[int, int],
        inferred: str | None = None,
    ) -> None:
        if later.id == earlier.id:
            return
        spans, reasons = self.found.setdefault((later.id, earlier.id, relation), ([], []))
        if span not in spans:
            spans.append(span)
        reasons.append(inferred)

    def add_facts(self) -> None:
        """One fact per link; stated when one of its places names both contracts."""
        for (later_id, earlier_id, relation), (spans, reasons) in self.found.items():
            first, *others = spans
            self.reading.add(
                LineageFact(
                    id=self.reading.new_id("lineage"),
                    evidence=self.reading.evidence(*first),
                    also=tuple(self.reading.evidence(*s) for s in others),
                    inferred=None if None in reasons else reasons[0],
                    relation=relation,
                    contract=later_id,
                    other=earlier_id,
                )
            )


def _add_lineage(reading: Reading, places: Places, contracts: list[_Contract]) -> None:
    """Which contract succeeds, declines or amends which; a link the article states again
    keeps the other places in ``also``."""
    lineage = _Lineage(reading)
    _read_successions(places, contracts, lineage)
    _read_not_renewed(places, contracts, lineage)
    _read_continuations(places, contracts, lineage)
    _read_declinations(places, contracts, lineage)
    _read_amendments(places, contracts, lineage)
    for contract in contracts:
        if contract.renews is not None:
            earlier, span = contract.renews
            lineage.note(contract, earlier, ContractRelation.SUCCEEDS, span)
    lineage.add_facts()


def _read_successions(places: Places, contracts: list[_Contract], lineage: _Lineage) -> None:
    """« La CTG remplace les CEJ », « succède au », « prend le relais du »."""
    for pattern in (_SUCCESSION, _REPLACEMENT):
        for match in pattern.finditer(places.folded):
            start, end = places.sentence(match.start())
            before = _nearest(contracts, match.start(), match.start(), (start, match.start()))
            after = _nearest(contracts, match.end(), match.end(), (match.end(), end))
            if not before:
                # « Ce partenariat, qui remplace l'ancien CEJ »: the contract spoken of.
                before = [c for c in _spoken_of(places, contracts, match.start()) if c not in after]
            for later in before:
                for earlier in after:
                    span = _clause(places, match.start())
                    lineage.note(later, earlier, ContractRelation.SUCCEEDS, span)


def _read_not_renewed(places: Places, contracts: list[_Contract], lineage: _Lineage) -> None:
    """« La CTG devient le nouveau cadre contractuel et les CEJ ne sont plus renouvelés »."""
    folded = places.folded
    for match in re.finditer(r"\bne (?:sont|seront|est|sera) plus renouvele", folded):
        start, end = places.sentence(match.start())
        if not _NEW_FRAME.search(folded[start:end]):
            continue
        old = _nearest(contracts, match.start(), match.start(), (start, match.start()))
        old_kinds = {o.kind for o in old}
        new = [
            c
            for c in contracts
            if c.kind not in old_kinds and any(start <= m.start < end for m in c.mentions)
        ]
        reason = (
            None
            if len(new) == 1
            else "the article says the new contracts take over from the old ones, not which "
            "one takes over which"
        )
        for later in new:
            for earlier in old:
                span = _clause(places, match.start())
                lineage.note(later, earlier, ContractRelation.SUCCEEDS, span, reason)


def _read_continuations(places: Places, contracts: list[_Contract], lineage: _Lineage) -> None:
    """« Le CEJ a pris fin … poursuivre notre partenariat dans le cadre d'une CTG »: the new
    contract succeeds the one of another kind that ended, named in its sentence or the one
    before."""
    for match in _CONTINUES.finditer(places.folded):
        later = _mentioned_at(contracts, match.end())
        if later is None:
            continue
        start, end = places.sentence(match.start())
        before_start = places.sentence(max(0, start - 1))[0] if start else start
        for earlier in contracts:
            if (
                earlier.kind != later.kind
                and earlier.status == ContractStatus.ENDED
                and any(before_start <= m.start < end for m in earlier.mentions)
            ):
                lineage.note(later, earlier, ContractRelation.SUCCEEDS, _clause(places, start))


def _mentioned_at(contracts: list[_Contract], offset: int) -> _Contract | None:
    return next((c for c in contracts if any(m.start == offset for m in c.mentions)), None)


def _read_declinations(places: Places, contracts: list[_Contract], lineage: _Lineage) -> None:
    """« la première déclinaison du Contrat de cohésion sociale »: the contract of the
    sentence (else the one the article is about) declines it."""
    main = max(contracts, key=lambda c: len(c.mentions))
    for match in _DECLINES.finditer(places.folded):
        declined = _mentioned_at(contracts, match.end())
        if declined is None:
            continue
        start, _ = places.sentence(match.start())
        before = _nearest(contracts, match.start(), match.start(), (start, match.start()))
        span = _clause(places, match.start())
        named = [c for c in before if c is not declined]
        for later in named:
            lineage.note(later, declined, ContractRelation.DECLINES, span)
        if not named and main is not declined:
            reason = (
                f"the sentence does not name the declining contract; it is {main.name}, the "
                "one the article is about"
            )
            lineage.note(main, declined, ContractRelation.DECLINES, span, reason)


def _read_amendments(places: Places, contracts: list[_Contract], lineage: _Lineage) -> None:
    """« un avenant au CEJ »: a contract of its own that amends the other."""
    reading = places.reading
    for match in _AMENDS.finditer(places.folded):
        amended = _mentioned_at(contracts, match.end())
        if amended is None:
            continue
        mention_end = next(m.end for m in amended.mentions if m.start == match.end())
        amendment = _Contract(
            reading.new_id("contract"),
            amended.kind,
            f"Avenant au {amended.name}",
            [_Mention(match.start(), mention_end, amended.kind)],
            lead=amended.lead,
            territories=list(amended.territories),
        )
        _read_status(places, [amendment])
        reading.add(_contract_fact(reading, amendment))
        lineage.note(amendment, amended, ContractRelation.AMENDS, (match.start(), mention_end))


def _clause(places: Places, offset: int) -> tuple[int, int]:
    """The sentence around ``offset``, without its trailing blank."""
    start, end = places.sentence(offset)
    quote = places.reading.text[start:end]
    return start, start + len(quote.rstrip())
