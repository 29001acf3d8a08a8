"""The people an article names with their posts, and who signed which contract.

Runs after the territories and contracts extractors. A person is a name written as
people's names are (« Bernadette GINEZ », « M. Frédéric SOULIER », or a person entity of
spaCy's model beside a post) with the post the article gives and the partner of that post:

- « Bernadette GINEZ, Présidente de la Caf du Cantal » (post after the name);
- « représentée par son Président, M. Frédéric SOULIER » (the partner represented);
- « aux côtés de son directeur Pascal PONS » (the speaker's organisation);
- « X et Y, respectivement président et directeur de la Caf » (posts in order);
- « Gérard DELPY, Vice-président en charge de la jeunesse » right after the president of an
  organisation: that organisation, marked inferred.

One person per name (« GINEZ » and « Ginez » are one), the other mentions in ``also``.
Signatories come from « ont signé (conjointement) avec … », « X a signé … avec Y » and
« entre A et B » beside a contract.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from loaders.drafts.contracts import is_contract_mention
from loaders.drafts.facts import ContractFact, PartnerFact, PersonFact, SignatoryFact
from loaders.drafts.reading import Reading
from loaders.drafts.spans import Places, fold

#: Capitals that are organisations or contracts, never a surname.
_ACRONYMS = frozenset(
    {
        "CTG",
        "CEJ",
        "CCS",
        "CAF",
        "CNAF",
        "MSA",
        "CPAM",
        "CCAS",
        "CIAS",
        "EPCI",
        "CRTE",
        "COF",
        "PLUI",
        "SCOT",
        "MSAP",
        "RAM",
        "RPE",
        "LAEP",
        "ALSH",
        "PMI",
        "QPV",
        "ANCT",
        "DDETS",
        "HT",
        "TTC",
    }
)
_UPPER = "A-ZÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸ"
_LOWER = "a-zàâäçéèêëîïôöùûüÿ"
_GIVEN = rf"[{_UPPER}][{_LOWER}]+(?:-[{_UPPER}][{_LOWER}]+)?"
_SURNAME_UPPER = rf"[{_UPPER}]{{2,}}(?:[-' ][{_UPPER}]{{2,}})*"
_SURNAME = rf"(?:(?:de |du |d'|le |la )?[{_UPPER}][{_LOWER}]+(?:-[{_UPPER}][{_LOWER}]+)?)"
#: « Bernadette GINEZ », « Jean-Pierre DE LA TOUR »: given name(s), surname in capitals.
_NAME_UPPER = re.compile(rf"\b{_GIVEN}(?:\s+{_GIVEN})?\s+{_SURNAME_UPPER}\b")
#: « M. Frédéric Soulier », « Mme Ginez »: a civility and a capitalised name.
_NAME_CIVIL = re.compile(
    rf"\b(?:M\.|M(?= )|Mme|Mlle|Monsieur|Madame)\s+"
    rf"((?:{_GIVEN}\s+)?(?:{_SURNAME_UPPER}|{_SURNAME}))"
)

#: « M. », « Mme », and « M » without its full stop (« représentée par son Directeur, M
#: Lebelle »).
_CIVILITY = re.compile(r"(?:M\.|M(?= )|Mme|Mlle|Monsieur|Madame)\s+")
#: The words a post starts with (folded).
_POST = (
    r"(?:(?:1ere?|premiere?|premier)\s+)?(?:vice-?\s*president(?:e)?|president(?:e)?"
    r"|directeur(?:\s+general)?|directrice(?:\s+generale)?|maire(?:-adjointe?)?|adjointe?"
    r"|conseill(?:er|ere)(?:\s+(?:municipale?|communautaire|departementale?|regionale?))?"
    r"|referente?|secretaire(?:\s+generale?)?|tresoriere?|deleguee?|chargee?\s+de\s+mission"
    r"|chef\s+de\s+(?:projet|service)|coordinat(?:eur|rice)|responsable|sous-prefete?|prefete?"
    r"|deputee?|senat(?:eur|rice)|administrat(?:eur|rice))"
)
_POST_START = re.compile(rf"^\s*[,(]?\s*(?:l[ea]\s+)?(?P<post>{_POST})\b")
#: A post phrase ends before these (folded).
_PHRASE_END = re.compile(
    r",|;|\.\s|\.$|\(|\)|\n|«|»| et (?=[A-Z])"
    r"| a (?:signe|precise|explique|souligne|declare|indique)| ont | qui | aux cotes| avec "
)
_CONNECTOR = re.compile(r"\s*(?:de la|de l'|du|des|de|d')\s*$")
#: « son directeur Pascal PONS », « représentée par son Président, M. Frédéric SOULIER ».
_POSSESSIVE_POST = re.compile(rf"\b(?:son|sa|leur|notre)\s+(?P<post>{_POST})\s*,?\s*$")
#: « le président de la Caisse d'Allocations Familiales de Seine-et-Marne, Emmanuel Manguy »
_POST_OF_BEFORE = re.compile(
    rf"\b(?:le|la)\s+(?P<post>{_POST})\s+(?:de la|de l'|du|des|de|d')\s*[^,;()]{{2,90}}?,\s*$"
)
_REPRESENTED = re.compile(r"\brepresentee?s?\s+par\b")
_REPRESENTED_END = re.compile(r"\brepresentee?s?\s+par\s*$")
#: « représentée par le Président de son Conseil d'administration, M. Christophe DELPEYROUX »
#: and its second person: « … et par le directeur par intérim, M Buchon ».
_REPRESENTED_BY_POST = re.compile(
    rf"\b(?:representee?s?|et)\s+par\s+(?:le|la|son|sa|leur)\s+(?P<post>{_POST}[^,;]{{0,60}}?)"
    rf"\s*,?\s*$"
)
_RESPECTIVELY = re.compile(rf"\brespectivement\s+(?P<posts>{_POST}(?:\s*(?:,|et)\s*{_POST})+)")
_SIGNING = re.compile(
    r"\b(?:ont|a|avons|ont ete|a ete)\s+(?:signe|cosigne|paraphe)\b|\bsignent\b|\bsigne\s+avec\b"
    r"|\bsigneront\b|\bsignera\b|\bsignataires?\b|\bsignee?s?\s+par\b"
    r"|\b(?:reunis|reunies|presents?|presentes?)\s[^.;]{0,80}\bpour\s+la\s+signature\b"
)
#: « sont également signataires : la CPAM, la MSA »: the partners listed sign.
_SIGNATORIES_LIST = re.compile(r"signataires\s*:")
_BETWEEN = re.compile(r"\bentre\b\s*:?")
#: Where the parties of « entre A et B » end, in a sentence.
_BETWEEN_END = re.compile(r"[.:;]\s|\n")
#: Where the parties of a convention's own « Entre : A, représentée par … ; B … » end.
#: (« Ci-après dénommée « la Caf » » ends one party, not the list; a blank line ends it
#: unless the next line is the next item, « - La Commune de … », or a page number.)
_PARTIES_END = re.compile(
    r"\n\s*\n(?![ \t]*(?:[-–•]|\d{1,3}[ \t]*\n|et\b))"
    r"|il a ete convenu|il est convenu|preambule|\barticle 1\b|\bvu le\b|\bvu la\b"
)


@dataclass
class _Person:
    id: str
    name: str
    spans: list[tuple[int, int]] = field(default_factory=list)
    post: str | None = None
    organisation: str | None = None
    inferred: str | None = None


@dataclass(frozen=True)
class _NameMention:
    start: int
    end: int
    key: str


def extract(reading: Reading) -> None:
    """Add the people of the article with their posts, then the signatories."""
    places = Places(reading)
    mentions = _names(reading, places)
    people: dict[str, _Person] = {}
    for mention in mentions:
        person = people.get(mention.key)
        if person is None:
            person = people[mention.key] = _Person(
                reading.new_id("person"), _display(reading.text[mention.start : mention.end])
            )
        person.spans.append((mention.start, mention.end))
    _read_posts(places, mentions, people)
    kept = [p for p in people.values() if p.post is not None or not _any_post(people)]
    facts: dict[str, PersonFact] = {}
    for person in kept:
        first, *others = person.spans
        facts[person.id] = reading.add(
            PersonFact(
                id=person.id,
                evidence=reading.evidence(*first),
                also=tuple(reading.evidence(*s) for s in others),
                inferred=person.inferred,
                name=person.name,
                post=person.post,
                organisation=person.organisation,
            )
        )
    _add_signatories(reading, places, [m for m in mentions if people[m.key].id in facts], people)


def _any_post(people: dict[str, _Person]) -> bool:
    return any(p.post is not None for p in people.values())


# --- names --------------------------------------------------------------------------------


def _names(reading: Reading, places: Places) -> list[_NameMention]:
    """Every place a person is named, in order; names inside a partner's name are not."""
    text = reading.text
    spans: list[tuple[int, int]] = []
    stop_words = reading.knowledge.nlp.Defaults.stop_words
    for match in _NAME_UPPER.finditer(text):
        spans.append(match.span())
    for match in _NAME_CIVIL.finditer(text):
        spans.append(match.span(1))
    for entity in reading.doc.ents:
        if entity.label_ != "PER":
            continue
        words = entity.text.split()
        if not 2 <= len(words) <= 4 or not all(w[:1].isupper() for w in words):
            continue
        if re.search(_POST, fold(entity.text)) or "\n" in entity.text:
            continue
        before = places.folded[max(0, entity.start_char - 30) : entity.start_char]
        # A bare entity is a person only beside a post (spaCy also tags places as PER).
        if not (
            _POST_START.match(places.folded[entity.end_char :])
            or re.search(rf"{_POST}\s*,?\s*$", before)
            or _POST_OF_BEFORE.search(
                places.folded[max(0, entity.start_char - 120) : entity.start_char]
            )
        ):
            continue
        start = entity.start_char
        # « Harry Claude Morel »: the model may leave out a first given name.
        first = re.search(
            rf"(?:^|[\s(«\"])({_GIVEN})\s+$", reading.text[max(0, start - 25) : start]
        )
        if first and not re.search(_POST, fold(first[1])) and first[1].lower() not in stop_words:
            start -= len(reading.text[max(0, start - 25) : start]) - first.start(1)
        spans.append((start, entity.end_char))
    partner_spans = [(m.start, m.end) for m in places.partners]
    found: list[_NameMention] = []
    trimmed = set()
    for start, end in spans:
        civility = _CIVILITY.match(text, start, end)
        trimmed.add((civility.end() if civility else start, end))
    for start, end in sorted(trimmed, key=lambda s: (s[0], -s[1])):
        if found and start < found[-1].end:
            continue
        if any(s <= start < e or s < end <= e for s, e in partner_spans):
            continue
        words = text[start:end].split()
        # « La CTG », « Une CAF »: a determiner and an acronym, not a name.
        if words[0].lower() in stop_words or any(w.strip("'") in _ACRONYMS for w in words):
            continue
        found.append(_NameMention(start, end, fold(_display(text[start:end]))))
    # « Ginez » alone, after « Bernadette GINEZ »: the same person when the surname is.
    return _merge_surnames(found)


def _merge_surnames(found: list[_NameMention]) -> list[_NameMention]:
    full = {m.key.split()[-1]: m.key for m in found if len(m.key.split()) > 1}
    return [
        _NameMention(m.start, m.end, full.get(m.key, m.key)) if len(m.key.split()) == 1 else m
        for m in found
    ]


def _display(name: str) -> str:
    """« Bernadette GINEZ » → 'Bernadette Ginez'; « JEAN-PIERRE » → 'Jean-Pierre'."""

    def word(w: str) -> str:
        if len(w) > 1 and w.isupper():
            return "-".join(part.capitalize() for part in w.split("-"))
        return w

    return " ".join(word(w) for w in name.split())


# --- posts --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Post:
    """A post the article gives a person at one mention."""

    title: str
    organisation: str | None  # a PartnerFact id
    inferred: str | None = None


@dataclass
class _Posts:
    """The posts found for each person, and the last person of each sentence whose post
    named an organisation (for « son directeur … » and « Vice-président … » after it)."""

    places: Places
    found: dict[str, list[_Post]] = field(default_factory=dict)
    last_with_organisation: dict[int, tuple[_NameMention, PartnerFact]] = field(
        default_factory=dict
    )

    def note(
        self,
        mention: _NameMention,
        title: str,
        organisation: PartnerFact | None,
        inferred: str | None = None,
    ) -> None:
        post = _Post(_clean_post(title), organisation.id if organisation else None, inferred)
        self.found.setdefault(mention.key, []).append(post)
        if organisation is not None and inferred is None:
            sentence_start, _ = self.places.sentence(mention.start)
            self.last_with_organisation[sentence_start] = (mention, organisation)


def _read_posts(places: Places, mentions: list[_NameMention], people: dict[str, _Person]) -> None:
    """Each person's post and organisation, from the patterns of the module docstring."""
    posts = _Posts(places)
    for mention in mentions:
        if not _post_after(places, mention, posts):
            _post_before(places, mention, posts)
    _respectively(places, mentions, posts)
    for key, noted in posts.found.items():
        with_org = [n for n in noted if n.organisation is not None]
        stated = [n for n in with_org if n.inferred is None] or with_org or noted
        # The fullest wording of the post (« Présidente du Conseil d'administration »).
        best = max(stated, key=lambda n: len(n.title))
        person = people[key]
        person.post, person.organisation, person.inferred = (
            best.title,
            best.organisation,
            best.inferred,
        )


def _post_after(places: Places, mention: _NameMention, posts: _Posts) -> bool:
    """« NAME, Post de ORG »; « NAME, Vice-président … » right after « X, Président de ORG,
    et » takes ORG, inferred."""
    folded, text = places.folded, places.reading.text
    after = _POST_START.match(folded[mention.end :])
    if not after:
        return False
    begin = mention.end + after.start("post")
    organisation, title = _organisation_in(places, begin, _phrase_end(places, begin))
    if organisation is None:
        sentence_start, _ = places.sentence(mention.start)
        earlier = posts.last_with_organisation.get(sentence_start)
        if earlier is not None:
            between = folded[_phrase_end(places, earlier[0].end) : mention.start]
            if re.fullmatch(r"\s*,?\s*et\s*", between):
                who = _display(text[earlier[0].start : earlier[0].end])
                reason = (
                    "organisation: the article names none for this post; it is that of "
                    f"{who}, named just before"
                )
                posts.note(mention, title, earlier[1], reason)
                return True
    posts.note(mention, title, organisation)
    return True


def _post_before(places: Places, mention: _NameMention, posts: _Posts) -> None:
    """« représentée par son Président, M. Frédéric SOULIER » (the partner represented);
    « aux côtés de son directeur Pascal PONS » (the speaker's organisation)."""
    folded, text = places.folded, places.reading.text
    sentence_start = _clause_start(places, mention.start)
    before = re.sub(
        r"(?:\bm\.?|mme|mlle|monsieur|madame)\s*$", "", folded[sentence_start : mention.start]
    )
    possessive = _POSSESSIVE_POST.search(before)
    post_of = _POST_OF_BEFORE.search(before)
    if not possessive and post_of:
        begin = sentence_start + post_of.start("post")
        named, title = _organisation_in(places, begin, sentence_start + post_of.end())
        # only a post whose partner is named (« le président de son Conseil
        # d'administration, M. X » is read below, with the partner it represents)
        if named is not None:
            posts.note(mention, title, named)
            return
    if not possessive:
        represented_by = _REPRESENTED_BY_POST.search(before)
        if represented_by and _REPRESENTED.search(before[: represented_by.start("post")]):
            title = text[
                sentence_start + represented_by.start("post") : sentence_start
                + represented_by.end("post")
            ]
            lead_in = _REPRESENTED.search(before[: represented_by.start("post")])
            assert lead_in is not None
            parties = places.partners_in(sentence_start, sentence_start + lead_in.start())
            posts.note(mention, title, parties[-1].partner if parties else None)
        return
    title = text[
        sentence_start + possessive.start("post") : sentence_start + possessive.end("post")
    ]
    lead_in_end = sentence_start + possessive.start()
    organisation: PartnerFact | None = None
    if _REPRESENTED_END.search(folded[sentence_start:lead_in_end]):
        represented = places.partners_in(sentence_start, lead_in_end)
        organisation = represented[-1].partner if represented else None
    elif sentence_start in posts.last_with_organisation:
        organisation = posts.last_with_organisation[sentence_start][1]
    else:
        earlier = places.partners_in(sentence_start, lead_in_end)
        organisation = earlier[-1].partner if earlier else None
    posts.note(mention, title, organisation)


def _clause_start(places: Places, offset: int) -> int:
    """Where the sentence around ``offset`` starts, across the cuts that end no sentence:
    a wrapped line (« représentée par son Président, M.\nFrédéric SOULIER ») or a cut of
    the model inside a name (« la Caisse d'Assurance | Retraite … »). Only a full stop, a
    semicolon, a colon or a blank line before a cut ends the sentence there."""
    text = places.reading.text
    start, _ = places.sentence(offset)
    for _ in range(4):
        before = text[max(0, start - 80) : start]
        if start == 0 or re.search(r"\n[ \t]*\n\s*$", before):
            break
        ends = re.search(r"[.;:!?»]\s*$", before)
        if ends and not re.search(r"\b(?:M|Mme|Mlle)\.\s*$", before):
            break
        start, _ = places.sentence(start - 1)
    return start


def _respectively(places: Places, mentions: list[_NameMention], posts: _Posts) -> None:
    """« X et Y, respectivement président et directeur de la Caf »: posts in order."""
    text = places.reading.text
    for match in _RESPECTIVELY.finditer(places.folded):
        sentence_start, _ = places.sentence(match.start())
        named = [m for m in mentions if sentence_start <= m.start < match.start()]
        titles = re.split(r"\s*(?:,|\bet\b)\s*", text[match.start("posts") : match.end("posts")])
        titles = [t for t in titles if t.strip()]
        organisation, _ = _organisation_in(places, match.end(), _phrase_end(places, match.end()))
        for mention, title in zip(named[-len(titles) :], titles, strict=False):
            posts.note(mention, title, organisation)


def _phrase_end(places: Places, begin: int) -> int:
    """Where the post phrase that starts at (or just after) ``begin`` ends."""
    text = places.reading.text
    stop = _PHRASE_END.search(text[begin:].translate({0x2019: 0x27}), 1)
    return begin + (stop.start() if stop else len(text) - begin)


def _organisation_in(places: Places, begin: int, finish: int) -> tuple[PartnerFact | None, str]:
    """The partner a post phrase ``begin:finish`` names, and the post without it."""
    text = places.reading.text
    inside = places.partners_in(begin, finish)
    if inside:
        return inside[0].partner, text[begin : inside[0].start]
    return None, text[begin:finish]


def _clean_post(post: str) -> str:
    post = _CONNECTOR.sub("", re.sub(r"\s+", " ", post.translate({0x2019: 0x27}))).strip(" ,")
    return post[:1].upper() + post[1:]


# --- signatories ---------------------------------------------------------------------------


@dataclass
class _Signatories:
    """The signatories found so far: (contract, partner, person) → the words that say it."""

    found: dict[tuple[str, str, str | None], tuple[int, int]] = field(default_factory=dict)

    def note(self, contract: str, partner: str, person: str | None, span: tuple[int, int]) -> None:
        self.found.setdefault((contract, partner, person), span)

    def add_facts(self, reading: Reading) -> None:
        """One fact each; a partner that signed through a person needs no entry of its own."""
        through_people = {(c, p) for c, p, person in self.found if person is not None}
        for (contract, partner, person), span in self.found.items():
            if person is None and (contract, partner) in through_people:
                continue
            reading.add(
                SignatoryFact(
                    id=reading.new_id("signatory"),
                    evidence=reading.evidence(*span),
                    contract=contract,
                    partner=partner,
                    person=person,
                )
            )


def _add_signatories(
    reading: Reading, places: Places, mentions: list[_NameMention], people: dict[str, _Person]
) -> None:
    """Who signed which contract, through which person."""
    contracts = reading.of_type(ContractFact)
    if not contracts:
        return
    signatories = _Signatories()
    _read_signing(places, contracts, mentions, people, signatories)
    _read_between(places, contracts, mentions, people, signatories)
    signatories.add_facts(reading)


def _read_signing(
    places: Places,
    contracts: list[ContractFact],
    mentions: list[_NameMention],
    people: dict[str, _Person],
    signatories: _Signatories,
) -> None:
    """« X, Présidente de A, … ont signé conjointement avec Y … la CTG » (people and their
    organisations); « La Caf du Cantal signe avec Saint-Flour Communauté sa CTG » (partners)."""
    partners = {p.id for p in places.reading.of_type(PartnerFact)}
    text = places.reading.text
    for match in _SIGNING.finditer(places.folded):
        start, end = places.sentence(match.start())
        targets = _contracts_near(contracts, match.end(), (start, end))
        listed = _SIGNATORIES_LIST.match(places.folded, match.start())
        if listed and not targets:
            # « D'autres acteurs sont également signataires : la CPAM, la MSA »: of the
            # contract of the sentence before
            before = places.sentence(start - 1) if start > 0 else (start, end)
            targets = _contracts_near(contracts, before[1], before)
        quote = _trimmed(text, start, end)
        if listed:
            for partner in places.partners_in(listed.end(), end):
                for contract in targets:
                    signatories.note(contract.id, partner.partner.id, None, quote)
        in_sentence = [m for m in mentions if start <= m.start < end]
        for mention in in_sentence:
            organisation = people[mention.key].organisation
            if organisation in partners:
                for contract in targets:
                    signatories.note(contract.id, organisation, people[mention.key].id, quote)
        phrases = _post_phrases(places, [(m.start, m.end) for m in in_sentence])
        for partner in places.partners_in(start, end):
            in_post = any(s <= partner.start < e for s, e in phrases)
            if not in_post and _is_contract_subject(places, partner.start, match.start(), start):
                for contract in targets:
                    signatories.note(contract.id, partner.partner.id, None, quote)


def _read_between(
    places: Places,
    contracts: list[ContractFact],
    mentions: list[_NameMention],
    people: dict[str, _Person],
    signatories: _Signatories,
) -> None:
    """« conventions … entre la Caf et la communauté urbaine »; a convention's own « Entre :
    la Caisse …, représentée par … ; la Communauté … »."""
    folded, text = places.folded, places.reading.text
    for match in _BETWEEN.finditer(folded):
        start, end = places.sentence(match.start())
        if match.group().rstrip().endswith(":"):
            stop = _PARTIES_END.search(folded, match.end())
            finish = min(stop.start() if stop else len(folded), match.end() + 3000)
            targets = _contracts_near(contracts, match.start(), (start, end)) or [
                max(contracts, key=lambda c: len(c.also))
            ]
        else:
            stop = _BETWEEN_END.search(folded, match.end())
            finish = _last_party_end(folded, match.end(), min(stop.start() if stop else end, end))
            targets = _contracts_near(contracts, match.start(), (start, end))
        parties = places.partners_in(match.end(), finish)
        for k, party in enumerate(parties):
            next_start = parties[k + 1].start if k + 1 < len(parties) else finish
            person = next(
                (
                    people[m.key].id
                    for m in mentions
                    if party.end <= m.start < next_start
                    and people[m.key].organisation == party.partner.id
                ),
                None,
            )
            for contract in targets:
                span = _trimmed(text, match.start(), finish)
                signatories.note(contract.id, party.partner.id, person, span)


def _last_party_end(folded: str, start: int, finish: int) -> int:
    """Where « entre A et B » ends: at the first comma after its « et » outside brackets
    (« entre la CAPM (…) et la CAF (…), s'est déroulée à l'hôtel de ville de Meaux »)."""
    joined = re.search(r"\set\s", folded[start:finish])
    if joined is None:
        return finish
    depth = 0
    for offset in range(start + joined.end(), finish):
        char = folded[offset]
        depth += (char == "(") - (char == ")")
        if char == "," and depth <= 0:
            return offset
    return finish


def _contracts_near(
    contracts: list[ContractFact], offset: int, window: tuple[int, int]
) -> list[ContractFact]:
    """The contracts whose mention in ``window`` is nearest ``offset`` (all those of a
    counted mention: « 13 CEJ »)."""
    best: int | None = None
    chosen: list[ContractFact] = []
    for contract in contracts:
        for evidence in (contract.evidence, *contract.also):
            inside = window[0] <= evidence.start and evidence.end <= window[1]
            if not inside or not is_contract_mention(evidence.quote):
                continue
            distance = abs(evidence.start - offset)
            if best is None or distance < best:
                best, chosen = distance, [contract]
            elif distance == best and contract not in chosen:
                chosen.append(contract)
    return chosen


def _post_phrases(places: Places, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Each name with the post phrase after it: its partner is the person's organisation."""
    return [(start, _phrase_end(places, end)) for start, end in spans]


def _is_contract_subject(
    places: Places, partner_start: int, verb_start: int, sentence_start: int
) -> bool:
    """« La Caf du Cantal a signé » (the subject), « … signe avec Saint-Flour Communauté »,
    « la CTG signée par la communauté de communes … avec la Caisse … » (the agents)."""
    folded = places.folded
    if partner_start < verb_start:
        between = folded[partner_start:verb_start]
        return "," not in between and len(between) < 60 and sentence_start <= partner_start
    lead_in = folded[max(0, partner_start - 12) : partner_start]
    if re.search(r"\bavec\s+(?:la |le |l'|les )?$", lead_in):
        return True
    return bool(
        re.search(r"\bsignee?s?\s+par\s+(?:la |le |l'|les )?$", folded[verb_start:partner_start])
    )


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    quote = text[start:end]
    stripped = quote.rstrip()
    lead = len(quote) - len(quote.lstrip())
    return start + lead, start + len(stripped)
