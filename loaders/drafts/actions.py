"""The action plan an article lists: axes, fiches actions, and the themes of both.

Articles set out a plan as headings or bullets, one per line: « Pour l'axe 1 : « Réduire
les précarités et les isolements » », « Axe 2 – … », « Orientation 3 », « • Fiche action 7 :
« … » », numbered lists (« 1. », « I. ») after a line that says what they are. Each axis
and fiche keeps its number and its title verbatim (the words inside « » when quoted, else
the rest of the line); a fiche belongs to the last axis above it. Counts the article
announces (« la CTG englobe dix fiches actions ») are checked against what was found, and a
mismatch is named in the draft's gaps.

Themes come from the vocabulary's keywords (``keywords:`` in themes.yaml), matched case-
and accent-insensitively, the longest phrase first: a fiche's themes from its title; a
contract's (`ThemeFact`) from a sentence that names the contract and lists its domains
(« la CTG porte sur la petite enfance, la jeunesse et la parentalité »).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from loaders.drafts.facts import AxisFact, ContractFact, FactId, FicheFact, ThemeFact
from loaders.drafts.folded import Folded, phrase_words
from loaders.drafts.reading import Reading

_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50}

#: French number words an article uses for counts (« dix fiches actions »).
NUMBER_WORDS = {
    "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7,
    "huit": 8, "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "treize": 13, "quatorze": 14,
    "quinze": 15, "seize": 16, "dix-sept": 17, "dix-huit": 18, "dix-neuf": 19, "vingt": 20,
}  # fmt: skip

_BULLET = r"[ \t\u00a0]*(?:[•●▪◦·*\-–—►>][ \t\u00a0]*)?"
_TITLE = r"(?P<title>«[^»\n]+»|[^\n]*\S)"
_SEP = r"[ \t\u00a0]*(?:[:.–—-][ \t\u00a0]*)?"
_AXIS = re.compile(
    rf"^{_BULLET}(?P<head>(?:(?:pour|dans|sur|concernant)\s+l['’]\s*)?"
    r"(?:axe|orientation|priorité|volet|enjeu)(?:\s+(?:stratégique|prioritaire|thématique))?"
    rf"\s+(?:n°\s*|no\s+)?(?P<num>\d{{1,2}}|[IVXL]{{1,5}})\b{_SEP}{_TITLE})",
    re.IGNORECASE | re.MULTILINE,
)
_FICHE = re.compile(
    rf"^{_BULLET}(?P<head>(?:fiches?[\s-]+actions?|fiche|actions?)"
    rf"\s+(?:n°\s*|no\s+)?(?P<num>\d{{1,3}}(?:\.\d{{1,2}})?)\b{_SEP}{_TITLE})",
    re.IGNORECASE | re.MULTILINE,
)
#: A numbered list item: « 1. Titre », « II – Titre », « 3) Titre »
_ITEM = re.compile(
    rf"^{_BULLET}(?P<head>(?P<num>\d{{1,2}}|[IVX]{{1,4}})[ \t]*[.)–—-][ \t\u00a0]+{_TITLE})",
    re.MULTILINE,
)
_COUNT = re.compile(
    r"\b(?P<n>\d{1,2}|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")\s+"
    r"(?:grands?\s+|principaux\s+|premiers?\s+)?(?:«\s*)?"
    r"(?P<what>fiches?[\s-]+actions?|axes|orientations)\b",
    re.IGNORECASE,
)

#: How an article names each kind of contract, for passages that do not repeat its name.
CONTRACT_WORDS: dict[str, re.Pattern[str]] = {
    "ctg": re.compile(r"\bCTG\b|conventions?\s+territoriales?\s+globales?", re.IGNORECASE),
    "cej": re.compile(r"\bCEJ\b|contrats?\s+enfance[\s–-]+jeunesse", re.IGNORECASE),
    "ccs": re.compile(r"contrats?\s+de\s+cohésion\s+sociale", re.IGNORECASE),
}

#: Words in a sentence that say it lists a contract's domains.
_THEME_CUES = (
    "porte sur", "portent sur", "portera sur", "porteront sur", "axee sur", "axees sur",
    "centree sur", "concerne", "concernent", "couvre", "couvrent", "thematique",
    "thematiques", "champ", "champs", "domaine", "domaines", "en matiere de", "autour de",
    "priorite", "priorites", "enjeu", "enjeux", "en faveur de",
)  # fmt: skip
#: Words just before a theme's keyword that make it something else than a contract's
#: domain: a post (« en charge de la jeunesse ») or a competence.
_NOT_A_DOMAIN = re.compile(
    r"(en charge d[eu]s?|chargee? d[eu]s?|delegue[e]? (?:a|aux?)|adjointe? (?:a|aux?)|"
    r"competences?)(?: la| l| les)? $"
)


def extract(reading: Reading) -> None:
    """Add the axes and fiches actions the article lists, with their themes, and the
    themes it attaches to a contract."""
    themes = ThemeMatcher.of(reading)
    contracts = ContractMentions.of(reading)
    headings = _headings(reading.text)
    axes: list[AxisFact] = []
    fiches: list[FicheFact] = []
    axis: AxisFact | None = None
    for h in headings:
        contract = contracts.plan_contract(h.start)
        evidence = reading.evidence(h.start, h.end)
        if h.kind == "axis":
            axis = reading.add(
                AxisFact(
                    id=reading.new_id("axis"),
                    evidence=evidence,
                    contract=contract,
                    number=h.number,
                    title=h.title,
                )
            )
            axes.append(axis)
        else:
            fiches.append(
                reading.add(
                    FicheFact(
                        id=reading.new_id("fiche"),
                        evidence=evidence,
                        contract=contract,
                        axis=axis.id if axis is not None else None,
                        number=h.number,
                        title=h.title,
                        themes=themes.codes(h.title_start, h.title_end),
                    )
                )
            )
    _check_counts(reading, len(axes), len(fiches))
    _contract_themes(reading, themes, contracts, [(h.start, h.end) for h in headings])


# -- headings -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Heading:
    kind: str  # "axis" or "fiche"
    start: int
    end: int
    number: int | None
    title: str
    title_start: int
    title_end: int


def _number(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    values = [_ROMAN.get(c) for c in text.upper()]
    if not values or None in values:
        return None
    digits = [v for v in values if v is not None]
    return sum(-v if v < after else v for v, after in zip(digits, [*digits[1:], 0], strict=True))


def _heading(kind: str, match: re.Match[str]) -> _Heading | None:
    start, end = match.span("title")
    title = match.group("title")
    if title.startswith("«"):
        inner = title[1:-1]
        start += 1 + len(inner) - len(inner.lstrip())
        end -= 1 + len(inner) - len(inner.rstrip())
    elif not re.search(r"[:.–—)-]", match.string[match.end("num") : start]):
        return None  # « Axe 1 du projet… » is a sentence, not a heading
    else:
        trimmed = title.rstrip(" .;:,")
        end -= len(title) - len(trimmed)
    text = match.string[start:end]
    if len(text) < 3 or not any(c.isalpha() for c in text):
        return None
    number = match.group("num")
    return _Heading(
        kind=kind,
        start=match.start("head"),
        end=match.end("title"),
        number=_number(number) if "." not in number else None,
        title=text,
        title_start=start,
        title_end=end,
    )


def _headings(text: str) -> list[_Heading]:
    """The axis and fiche headings of ``text``, in order."""
    found: dict[int, _Heading] = {}
    for kind, pattern in (("axis", _AXIS), ("fiche", _FICHE)):
        for m in pattern.finditer(text):
            h = _heading(kind, m)
            if h is not None:
                found.setdefault(h.start, h)
    for m in _ITEM.finditer(text):
        if m.start("head") in found:
            continue
        item_kind = _list_kind(text, m, found)
        h = _heading(item_kind, m) if item_kind is not None else None
        if h is not None:
            found[h.start] = h
    for h in [*_announced_lists(text, found), *_titled_bullets(text, found)]:
        found.setdefault(h.start, h)
    return [found[k] for k in sorted(found)]


#: A short line that titles the bullets below it: « Les actions », « Nos axes : »
_LIST_TITLE = re.compile(
    r"^(?:les |nos |ses )?(?:(?P<fiche>fiches? actions?|actions(?: retenues| prevues)?)"
    r"|(?P<axis>axes|orientations)(?: strategiques| prioritaires)?)(?: :)?$"
)


def _titled_bullets(text: str, found: dict[int, _Heading]) -> list[_Heading]:
    """Bullets right under a line that only says what they are (« Les actions »)."""
    items: list[_Heading] = []
    for line in re.finditer(r"^[^\n]{1,40}$", text, re.MULTILINE):
        title = _LIST_TITLE.match(Folded.of(line.group()).text.strip())
        if title is None:
            continue
        kind = "fiche" if title.group("fiche") else "axis"
        for start, end in _bullet_items(text, line.end(), found):
            items.append(_item(kind, text, start, end))
    return items


#: After a count, the words up to the colon that opens its list (« quatre axes
#: prioritaires : », « se décline en 3 orientations : »)
_OPENS_LIST = re.compile(r"[^.:;\n«»]{0,40}?:[ \t\u00a0]*")
_BULLET_LINE = re.compile(r"[ \t\u00a0]*[•●▪◦·*\-–—►][ \t\u00a0]*(?P<item>[^\n]*\S)")


def _announced_lists(text: str, found: dict[int, _Heading]) -> list[_Heading]:
    """Unnumbered items of a list a count announces: « autour de trois axes : la petite
    enfance, la jeunesse et la parentalité », or as many bullets on the next lines. Kept
    only when there are exactly as many items as announced; their numbers are not stated."""
    items: list[_Heading] = []
    for count in _COUNT.finditer(text):
        opens = _OPENS_LIST.match(text, count.end())
        if opens is None:
            continue
        word = count.group("n").lower()
        announced = int(word) if word.isdigit() else NUMBER_WORDS[word]
        kind = "fiche" if count.group("what").lower().startswith("fiche") else "axis"
        line_end = text.find("\n", opens.end())
        line_end = len(text) if line_end < 0 else line_end
        spans = (
            _inline_items(text, opens.end(), line_end, announced)
            if text[opens.end() : line_end].strip()
            else _bullet_items(text, line_end, found)
        )
        if len(spans) != announced:
            continue
        items.extend(_item(kind, text, start, end) for start, end in spans)
    return items


def _item(kind: str, text: str, start: int, end: int) -> _Heading:
    """An unnumbered list item: its title is inside its « » when it is quoted."""
    title_start, title_end = start, end
    if text[start] == "«" and text[end - 1] == "»":
        title_start, title_end = _trimmed(text, start + 1, end - 1)
    return _Heading(kind, start, end, None, text[title_start:title_end], title_start, title_end)


def _inline_items(text: str, start: int, line_end: int, announced: int) -> list[tuple[int, int]]:
    """The items of « a, b, c et d » from ``start`` to the end of its sentence."""
    stop = re.compile(r"\.(?:\s|$)").search(text, start, line_end)
    end = stop.start() if stop is not None else line_end
    spans = [(start + m.start(), start + m.end()) for m in re.finditer(r"[^,;]+", text[start:end])]
    # « coordonner et valoriser les initiatives » is one title: « et » joins the last
    # two items only of a list that has commas
    if len(spans) == announced - 1 and len(spans) >= 2:
        last_start, last_end = spans[-1]
        joint = text.rfind(" et ", last_start, last_end)
        if joint > last_start:
            spans[-1:] = [(last_start, joint), (joint + 4, last_end)]
    return [_trimmed(text, a, b) for a, b in spans if text[a:b].strip()]


def _bullet_items(text: str, line_end: int, found: dict[int, _Heading]) -> list[tuple[int, int]]:
    """The bullet lines right after ``line_end`` (blank lines between them allowed)."""
    spans: list[tuple[int, int]] = []
    at = line_end + 1
    while at < len(text):
        m = _BULLET_LINE.match(text, at)
        if m is None or text[at : m.start("item")].count("\n") or m.start() in found:
            if text[at : text.find("\n", at) if "\n" in text[at:] else len(text)].strip():
                break
        else:
            spans.append(_trimmed(text, *m.span("item")))
        next_line = text.find("\n", at)
        if next_line < 0:
            break
        at = next_line + 1
    return spans


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """``start:end`` without the spaces around it nor a final full stop or semicolon."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ".;:,"):
        end -= 1
    return start, end


def _list_kind(text: str, item: re.Match[str], found: dict[int, _Heading]) -> str | None:
    """What a numbered list item is: a roman numeral is an axis; an arabic one is a fiche
    under an axis heading, else what the line that introduces the list calls its items
    (« autour de trois axes : », « les actions retenues : »); None when it does not say."""
    if not item.group("num").isdigit():
        return "axis"
    end = item.start()
    while end > 0:
        start = text.rfind("\n", 0, end - 1) + 1
        line = text[start:end].strip()
        if line and not _ITEM.match(text, start):
            if any(start <= at < end for at in found) or _AXIS.match(text, start):
                return "fiche"
            folded = Folded.of(line).text
            if re.search(r"\b(axes?|orientations?)\b", folded):
                return "axis"
            if re.search(r"\b(fiches?|actions)\b", folded):
                return "fiche"
            return None
        end = start
    return None


# -- counts -------------------------------------------------------------------------------


def _check_counts(reading: Reading, axes: int, fiches: int) -> None:
    """Name in the gaps every count the article announces that the list does not match."""
    for m in _COUNT.finditer(reading.text):
        word = m.group("n").lower()
        announced = int(word) if word.isdigit() else NUMBER_WORDS[word]
        is_fiche = m.group("what").lower().startswith("fiche")
        found = fiches if is_fiche else axes
        if announced == found:
            continue
        what = "fiches actions" if is_fiche else "axes"
        reading.gaps.append(
            f"The article announces {announced} {what} (« {m.group(0)} », at character "
            f"{m.start()}) but its lists give {found}: add the missing ones by hand or "
            "correct the count."
        )


# -- contracts ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ContractMentions:
    """Where the article names each contract found: its evidence, its other quotes, and
    the words for its kind (« la CTG ») when it is the only contract of that kind."""

    spans: tuple[tuple[int, int, FactId], ...]
    ctgs: frozenset[FactId]

    @classmethod
    def of(cls, reading: Reading) -> ContractMentions:
        """The mentions of the contracts found so far in the reading."""
        contracts = reading.of_type(ContractFact)
        spans = {(e.start, e.end, c.id) for c in contracts for e in (c.evidence, *c.also)}
        for kind, words in CONTRACT_WORDS.items():
            of_kind = [c for c in contracts if c.kind == kind]
            if len(of_kind) == 1:
                spans |= {(m.start(), m.end(), of_kind[0].id) for m in words.finditer(reading.text)}
        ctgs = frozenset(c.id for c in contracts if c.kind == "ctg")
        return cls(spans=tuple(sorted(spans)), ctgs=ctgs)

    def plan_contract(self, at: int) -> FactId | None:
        """The CTG a passage at offset ``at`` speaks of: the one named last before it, else
        the article's only CTG; None when there is none or the article leaves it open."""
        before = [c for start, _, c in self.spans if start < at and c in self.ctgs]
        if before:
            return before[-1]
        return next(iter(self.ctgs)) if len(self.ctgs) == 1 else None

    def named_in(self, start: int, end: int) -> FactId | None:
        """The one contract named between ``start`` and ``end``; None for none or several."""
        named = {c for s, e, c in self.spans if start <= s and e <= end}
        return next(iter(named)) if len(named) == 1 else None


# -- themes -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ThemeMatch:
    """A theme keyword found in the article, at its offsets."""

    theme: str
    start: int
    end: int


@dataclass(frozen=True)
class ThemeMatcher:
    """Every theme keyword of the vocabulary found in one article."""

    matches: tuple[ThemeMatch, ...]
    order: dict[str, int]
    implies: dict[str, tuple[str, ...]]

    @classmethod
    def of(cls, reading: Reading) -> ThemeMatcher:
        """Match the vocabulary's keywords in the reading's article, the longest first:
        a phrase inside a longer one (« enfance » in « petite enfance ») is not a match."""
        vocabularies = reading.knowledge.vocabularies
        folded = Folded.of(reading.text)
        candidates: list[tuple[int, int, str]] = []
        words = folded.words()
        for theme, keywords in vocabularies.theme_keywords().items():
            for keyword in keywords:
                if phrase_words(keyword) <= words:  # else it cannot match: skip its search
                    candidates.extend((m.start(), m.end(), theme) for m in folded.find(keyword))
        taken: list[tuple[int, int, str]] = []
        for start, end, theme in sorted(candidates, key=lambda c: (c[0] - c[1], c[0])):
            if all(end <= s or e <= start for s, e, _ in taken):
                taken.append((start, end, theme))
        matches = tuple(
            ThemeMatch(theme, *folded.span(start, end)) for start, end, theme in sorted(taken)
        )
        order = {code: k for k, code in enumerate(vocabularies.themes)}
        return cls(matches=matches, order=order, implies=vocabularies.theme_implies())

    def within(self, start: int, end: int) -> list[ThemeMatch]:
        """The matches between the offsets ``start`` and ``end``."""
        return [m for m in self.matches if start <= m.start and m.end <= end]

    def codes(self, start: int, end: int) -> tuple[str, ...]:
        """The themes named between ``start`` and ``end`` and those they imply, in the
        vocabulary's order."""
        codes = {m.theme for m in self.within(start, end)}
        codes |= {broader for code in codes for broader in self.implies.get(code, ())}
        return tuple(sorted(codes, key=lambda c: self.order.get(c, len(self.order))))


def _sentences(reading: Reading) -> Iterator[tuple[int, int]]:
    for sent in reading.doc.sents:
        yield sent.start_char, sent.end_char


def _contract_themes(
    reading: Reading,
    themes: ThemeMatcher,
    contracts: ContractMentions,
    headings: Sequence[tuple[int, int]],
) -> None:
    """A ThemeFact per contract and theme for the sentences that name one contract and
    its domains: after a cue (« porte sur », « dans les domaines »), or as a list of two
    themes or more (« petite enfance, jeunesse et parentalité »)."""
    text = reading.text
    names = [(s, e) for s, e, _ in contracts.spans] + [
        (m.start(), m.end()) for words in CONTRACT_WORDS.values() for m in words.finditer(text)
    ]
    kept: dict[tuple[FactId, str], ThemeFact] = {}
    for start, end in _sentences(reading):
        contract = contracts.named_in(start, end)
        if contract is None:
            continue
        found = [
            m
            for m in themes.within(start, end)
            if not any(s <= m.start < e for s, e in (*names, *headings))
            and not _NOT_A_DOMAIN.search(_folded_before(text, m.start))
            and not _in_quoted_name(text, m.start)
        ]
        sentence = Folded.of(text[start:end]).text
        cued = any(re.search(rf"\b{cue}\b", sentence) for cue in _THEME_CUES)
        if not found or not (cued or _is_list(text, found)):
            continue
        for m in found:
            key = (contract, m.theme)
            evidence = reading.evidence(m.start, m.end)
            if key in kept:
                fact = kept[key]
                kept[key] = fact.model_copy(update={"also": (*fact.also, evidence)})
            else:
                kept[key] = ThemeFact(
                    id=reading.new_id("theme"), evidence=evidence, contract=contract, theme=m.theme
                )
    for fact in kept.values():
        reading.add(fact)
    _themes_of_the_name(reading)


#: The themes a kind of contract is on by its very name, whatever the article says.
THEMES_BY_NAME: dict[str, tuple[str, ...]] = {"cej": ("enfance", "jeunesse")}


def _themes_of_the_name(reading: Reading) -> None:
    """A Contrat enfance jeunesse is on childhood and youth: its themes, marked inferred,
    quoting the words that name the contract, unless the article states them itself."""
    for contract in reading.of_type(ContractFact):
        for theme in THEMES_BY_NAME.get(contract.kind, ()):
            if any(
                t.contract == contract.id and t.theme == theme for t in reading.of_type(ThemeFact)
            ):
                continue
            reading.add(
                ThemeFact(
                    id=reading.new_id("theme"),
                    evidence=contract.evidence,
                    inferred=(
                        f"a {contract.kind.upper()} is, by its very name, a contract on "
                        f"{' and '.join(THEMES_BY_NAME[contract.kind])}; the article does not "
                        "list its themes"
                    ),
                    contract=contract.id,
                    theme=theme,
                )
            )


#: Words that may join the themes of a list: « la petite enfance, la jeunesse et l'… »
_LIST_GLUE = frozenset(
    (
        "et",
        "ou",
        "la",
        "le",
        "les",
        "l",
        "de",
        "des",
        "du",
        "d",
        "a",
        "au",
        "aux",
        "en",
        ",",
        ";",
        ":",
    )
)


def _is_list(text: str, found: Sequence[ThemeMatch]) -> bool:
    """Whether two different themes or more follow each other with only list words between."""
    if len({m.theme for m in found}) < 2:
        return False
    for left, right in itertools.pairwise(found):
        gap = Folded.of(text[left.end : right.start]).text.replace(",", " , ")
        if not all(word in _LIST_GLUE for word in gap.split()):
            return False
    return True


#: A name in « » (« commission « Action sociale-santé » », « compétence « enfance –
#: jeunesse » ») says what a body or a competence is called, not what a contract covers.
_NAMING = re.compile(
    r"(commissions?|competences?|poles?|services?|directions?|comites?|groupes?)"
    r"(?: \w+){0,3} $"
)


def _in_quoted_name(text: str, at: int) -> bool:
    opening = text.rfind("«", 0, at)
    if opening < 0 or text.rfind("»", 0, at) > opening:
        return False
    return bool(_NAMING.search(_folded_before(text, opening, 60)))


def _folded_before(text: str, at: int, width: int = 40) -> str:
    """The folded words just before offset ``at``, ending with one space."""
    return Folded.of(text[max(0, at - width) : at]).text.rstrip() + " "
