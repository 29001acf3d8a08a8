"""Amounts of money an article states, with what a reader notes about each.

An amount is a number with a currency (« 626 000 € », « 1,35 million d'euros », « 150 k€ »,
« 2 M€ »), in French formats: spaces, no-break and narrow no-break spaces or dots between
thousands, a decimal comma. Around it the sentence says its qualifier (« plus de »,
« près de », « au maximum »), its tax (« HT »), its year (« En 2016, »), what it pays for
(« … € de prestations … », « la mission d'ingénierie, évaluée à … »), who pays
(« la Caf a versé », « versés par la CAF ») and the contract when one is named.

A share of a stated amount (« dont plus de 14 % à Saint-Flour Communauté », « financée à
50 % par la CAF ») is an amount of its own, computed from the whole and marked inferred,
pointing at it through ``share_of``. Dates, counts (« 34 communes », « 13 CEJ ») and
percentages that are no share of a stated amount are not amounts: a number is an amount
only with a currency.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from domain.vocabulary import PartnerKind, Qualifier
from loaders.drafts.actions import ContractMentions
from loaders.drafts.facts import AmountFact, FactId, PartnerFact
from loaders.drafts.folded import Folded
from loaders.drafts.reading import Reading

_SPACE = r"[ \u00a0\u202f]"
_WORDS = {
    "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7,
    "huit": 8, "neuf": 9, "dix": 10,
}  # fmt: skip
_AMOUNT = re.compile(
    r"(?<![\w,.])(?:(?P<num>\d{1,3}(?:[ \u00a0\u202f.]\d{3})+(?:,\d+)?|\d+(?:[,.]\d+)?)"
    rf"|(?i:(?P<word>{'|'.join(_WORDS)}))(?={_SPACE}+(?:millions?|milliards?)\b))"
    rf"{_SPACE}*(?:(?P<scale>milliards?|millions?|Mds?|M|k|K)\b{_SPACE}*"
    rf"(?:d['’]{_SPACE}*|de{_SPACE}+)?)?(?P<unit>€|euros?\b|EUR\b)"
    rf"(?:{_SPACE}*(?P<tax>HT|TTC|hors{_SPACE}+taxes?|toutes{_SPACE}+taxes{_SPACE}+comprises)\b)?"
    rf"(?:{_SPACE}*(?P<after>au{_SPACE}+maximum|maximum|au{_SPACE}+plus|max\b|environ|minimum))?",
)
_SCALES = {
    "k": 1e3, "m": 1e6, "million": 1e6, "millions": 1e6,
    "md": 1e9, "mds": 1e9, "milliard": 1e9, "milliards": 1e9,
}  # fmt: skip

#: The words just before an amount that qualify it (folded), the longest first.
_BEFORE: tuple[tuple[str, Qualifier], ...] = (
    ("ne depassant pas", Qualifier.AT_MOST),
    ("n excedant pas", Qualifier.AT_MOST),
    ("dans la limite de", Qualifier.AT_MOST),
    ("pas moins de", Qualifier.MORE_THAN),
    ("un peu plus de", Qualifier.MORE_THAN),
    ("de l ordre de", Qualifier.ABOUT),
    ("approximativement", Qualifier.ABOUT),
    ("au maximum", Qualifier.AT_MOST),
    ("maximum de", Qualifier.AT_MOST),
    ("plafonnee a", Qualifier.AT_MOST),
    ("plafonne a", Qualifier.AT_MOST),
    ("inferieur a", Qualifier.AT_MOST),
    ("superieur a", Qualifier.MORE_THAN),
    ("au dela de", Qualifier.MORE_THAN),
    ("pratiquement", Qualifier.ABOUT),
    ("avoisinant", Qualifier.ABOUT),
    ("autour de", Qualifier.ABOUT),
    ("au moins", Qualifier.MORE_THAN),
    ("moins de", Qualifier.AT_MOST),
    ("jusqu a", Qualifier.AT_MOST),
    ("plus de", Qualifier.MORE_THAN),
    ("plus d", Qualifier.MORE_THAN),
    ("au plus", Qualifier.AT_MOST),
    ("environ", Qualifier.ABOUT),
    ("quelque", Qualifier.ABOUT),
    ("presque", Qualifier.ABOUT),
    ("pres de", Qualifier.ABOUT),
    ("pres d", Qualifier.ABOUT),
)
_AFTER = {
    "maximum": Qualifier.AT_MOST, "au maximum": Qualifier.AT_MOST, "max": Qualifier.AT_MOST,
    "au plus": Qualifier.AT_MOST, "environ": Qualifier.ABOUT, "minimum": Qualifier.MORE_THAN,
}  # fmt: skip

_YEAR = re.compile(
    r"\b(?:en|pour|au titre de|durant|pendant|sur)\s+(?:l['’]année\s+)?"
    r"(?P<year>(?:19|20)\d{2})\b(?!\s*[-–/]\s*\d)",
    re.IGNORECASE,
)
_PAY = (
    r"(?:versée?s?|financée?s?|apportée?s?|attribuée?s?|allouée?s?|accordée?s?|octroyée?s?|"
    r"payée?s?|prise?s?\s+en\s+charge|subventionnée?s?|injectée?s?)"
)
_PAID_BY = re.compile(rf"[^.;]{{0,60}}?\b{_PAY}\s+par\s+(?P<who>[^,.;:()]+)", re.IGNORECASE)
_PAYS = re.compile(
    r"(?P<who>[^,.;:]+?)\s+(?:a|ont|va|vont|avait|avaient|aura|auront)?\s*"
    r"(?:versé|verse|versera|financé|finance|financera|apporté|apporte|attribué|attribue|"
    r"alloué|alloue|accordé|accorde|consacré|consacre|investi|investit|octroyé|octroie|"
    r"mobilisé|mobilise)\b[^.;]*$",
    re.IGNORECASE,
)
_PURPOSE_AFTER = re.compile(
    r"^\s*(?:de\s+|d['’]\s*|pour\s+|au\s+titre\s+de\s+|destinée?s?\s+à\s+|consacrée?s?\s+à\s+)"
    r"(?P<what>[^,.;:()«»]+)",
    re.IGNORECASE,
)
_PURPOSE_BEFORE = re.compile(
    r"(?P<what>\b(?:la|le|les|l['’]|un|une|des|ce|cet|cette|ces|son|sa|ses|leur|leurs)"
    r"\s*[^,.;:()«»]*?)\s*,?\s*(?:(?:est|sont|a\s+été|ont\s+été)\s+)?"
    r"(?:évaluée?s?|estimée?s?|chiffrée?s?|budgétée?s?|d['’]un\s+montant\s+de|"
    r"s['’]élève(?:nt)?|coûte(?:nt)?|représente(?:nt)?|atteigne(?:nt)?|atteint|totalise(?:nt)?)"
    r"(?:\s+(?:à|de|au\s+total))?\s*[^,.;:]{0,30}$",
    re.IGNORECASE,
)
_PERCENT = r"(?P<pct>\d{1,3}(?:,\d+)?)\s*%"
#: « dont plus de 14 % à Saint-Flour Communauté », « soit 30 % pour la commune »
_SHARE_OF_IT = re.compile(
    r"[^.;]*?\b(?:dont|soit)\s+(?P<q>plus\s+de|près\s+de|environ|moins\s+de|au\s+moins)?\s*"
    rf"{_PERCENT}(?:\s+(?P<to>(?:à|au|aux|pour)\s+[^,.;:()]+))?",
    re.IGNORECASE,
)
#: « financée à 50 % par la CAF », « prise en charge à hauteur de 80 % par l'État »
_SHARE_PAID = re.compile(
    rf"[^.;]*?\b{_PAY}\s+(?:à\s+)?(?:hauteur\s+de\s+)?{_PERCENT}\s+par\s+(?P<who>[^,.;:()]+)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class _Mention:
    start: int
    end: int
    partner: FactId


def extract(reading: Reading) -> None:
    """Add every amount of money the article states, and the shares of each."""
    partners = _partner_mentions(reading)
    contracts = ContractMentions.of(reading)
    for sent in reading.doc.sents:
        start, end = sent.start_char, sent.end_char
        for m in _AMOUNT.finditer(reading.text, start, end):
            whole = _amount(reading, m, (start, end), partners, contracts)
            _shares(reading, whole, m.end(), end, partners)


def _value(m: re.Match[str]) -> float:
    if m.group("word"):
        number = float(_WORDS[m.group("word").lower()])
    else:
        digits = re.sub(r"[ \u00a0\u202f]", "", m.group("num"))
        if re.fullmatch(r"\d{1,3}(\.\d{3})+", digits):
            digits = digits.replace(".", "")
        number = float(digits.replace(",", "."))
    scale = (m.group("scale") or "").lower()
    return round(number * _SCALES.get(scale, 1.0), 2)


def _qualifier_before(text: str, at: int) -> tuple[Qualifier, int]:
    """The qualifier written just before offset ``at`` and where it starts."""
    before = text[max(0, at - 30) : at]
    folded = Folded.of(before)
    tail = folded.text.rstrip()
    for words, qualifier in _BEFORE:
        if tail.endswith(words) and (len(tail) == len(words) or tail[-len(words) - 1] == " "):
            begin, _ = folded.span(len(tail) - len(words), len(tail))
            return qualifier, max(0, at - 30) + begin
    return Qualifier.EXACTLY, at


def _amount(
    reading: Reading,
    m: re.Match[str],
    sentence: tuple[int, int],
    partners: list[_Mention],
    contracts: ContractMentions,
) -> AmountFact:
    text = reading.text
    start, end = sentence
    qualifier, begin = _qualifier_before(text, m.start())
    after = m.group("after")
    if after and qualifier is Qualifier.EXACTLY:
        qualifier = _AFTER[Folded.of(after).text.strip()]
    tax = m.group("tax")
    return reading.add(
        AmountFact(
            id=reading.new_id("amount"),
            evidence=reading.evidence(begin, m.end()),
            value=_value(m),
            qualifier=qualifier,
            tax=None if tax is None else "HT" if tax.upper().startswith(("HT", "HORS")) else "TTC",
            year=_year(text[start:end]),
            purpose=_purpose(text, m, start, end),
            payer=_payer(text, begin, m.end(), start, end, partners),
            contract=contracts.named_in(start, end),
        )
    )


def _year(sentence: str) -> int | None:
    """The one year the sentence dates its facts to (« En 2016, »); None for none or several."""
    years = {int(y.group("year")) for y in _YEAR.finditer(sentence)}
    return years.pop() if len(years) == 1 else None


def _purpose(text: str, m: re.Match[str], start: int, end: int) -> str | None:
    after = _PURPOSE_AFTER.match(text[m.end() : end])
    if after is not None and not after.group("what").strip()[:1].isdigit():
        return _clean(after.group("what"))
    before = _PURPOSE_BEFORE.search(text[start : m.start()])
    if before is not None:
        return _clean(before.group("what"))
    return None


def _clean(words: str) -> str | None:
    words = " ".join(words.split()).strip(" -–—")
    return words[:1].upper() + words[1:] if len(words) > 2 else None


def _payer(
    text: str, begin: int, stop: int, start: int, end: int, partners: list[_Mention]
) -> FactId | None:
    """The partner the sentence says pays: « versés par la CAF » after the amount, or the
    subject of « a versé » before it."""
    by = _PAID_BY.match(text, stop, end)
    if by is not None:
        return _partner_in(partners, *by.span("who"))
    pays = _PAYS.search(text[start:begin])
    if pays is not None:
        return _partner_in(partners, start + pays.start("who"), start + pays.end("who"))
    return None


def _shares(
    reading: Reading, whole: AmountFact, stop: int, end: int, partners: list[_Mention]
) -> None:
    """The shares of ``whole`` the rest of its sentence states."""
    text = reading.text
    for pattern in (_SHARE_OF_IT, _SHARE_PAID):
        m = pattern.match(text, stop, end)
        if m is None or _AMOUNT.search(text, stop, m.start("pct")):
            continue  # a share after another amount is that amount's
        percent = float(m.group("pct").replace(",", "."))
        if percent > 100:
            continue
        share = m.groupdict().get("q")
        qualifier = whole.qualifier
        if share:
            qualifier, _ = _qualifier_before(share + " ", len(share) + 1)
        payee: FactId | None = None
        payer = whole.payer
        if m.groupdict().get("to"):
            payee = _partner_in(partners, *m.span("to"))
        if m.groupdict().get("who"):
            payer = _partner_in(partners, *m.span("who"))
        evidence_start = m.start("q") if share else m.start("pct")
        if pattern is _SHARE_PAID:
            evidence_start = _pay_start(text, m)
        evidence_end = max(m.end(), m.end("pct") + 1)
        reading.add(
            AmountFact(
                id=reading.new_id("amount"),
                evidence=reading.evidence(evidence_start, evidence_end),
                inferred=(f"computed, not stated: {m.group('pct')} % of {whole.evidence.quote}"),
                value=round(whole.value * percent / 100, 2),
                qualifier=qualifier,
                tax=whole.tax,
                share_percent=percent,
                share_of=whole.id,
                year=whole.year,
                purpose=whole.purpose,
                payer=payer,
                payee=payee,
                contract=whole.contract,
            )
        )


def _pay_start(text: str, m: re.Match[str]) -> int:
    verb = re.search(_PAY, text[m.start() : m.start("pct")], re.IGNORECASE)
    return m.start() + verb.start() if verb is not None else m.start("pct")


# -- partners -----------------------------------------------------------------------------


def _partner_mentions(reading: Reading) -> list[_Mention]:
    """Where the article names each partner found: its evidence and other quotes, its
    name, and « la Caf » / « CAF » when the article has one Caf only."""
    partners = reading.of_type(PartnerFact)
    mentions = [_Mention(e.start, e.end, p.id) for p in partners for e in (p.evidence, *p.also)]
    folded = Folded.of(reading.text)
    for p in partners:
        mentions.extend(
            _Mention(*folded.span(*m.span()), p.id) for m in folded.find(p.name) if p.name.strip()
        )
    cafs = [p for p in partners if p.kind is PartnerKind.CAF]
    if len(cafs) == 1:
        mentions.extend(
            _Mention(*folded.span(*m.span()), cafs[0].id)
            for words in ("caf", "caisse d allocations familiales")
            for m in folded.find(words)
        )
    return mentions


def _partner_in(partners: list[_Mention], start: int, end: int) -> FactId | None:
    """The partner named first between ``start`` and ``end``."""
    inside = sorted((m.start, m.partner) for m in partners if start <= m.start < end)
    return inside[0][1] if inside else None
