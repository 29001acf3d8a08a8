"""Where things are in an article: folded text, sentences, and the partners named at a place.

The contracts and people extractors match French words whatever their accents and case
(« Ecuisses » / « Écuisses », « GINEZ » / « Ginez »), so they search a *folded* copy of
the text that keeps every character at its offset: evidence taken from the folded text
quotes the original at the same place. They also need to know which partner a span of
words names, whether the territories extractor kept that very mention, or the article
names the partner again (« la Caf », « l'intercommunalité »).
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from functools import cached_property

from domain.vocabulary import PartnerKind
from loaders.drafts.facts import PartnerFact
from loaders.drafts.reading import Reading

_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "`": "'", "\u00a0": " ", "\u202f": " "})

#: Short names an article gives a partner it has named in full, by the kind they stand for.
_GENERIC: tuple[tuple[re.Pattern[str], PartnerKind], ...] = (
    (
        re.compile(r"\b(?:la |sa |notre )?(?:caf|caisses? d'allocations? familiales?)\b"),
        PartnerKind.CAF,
    ),
    (
        re.compile(
            r"\b(?:l'intercommunalite|la communaute urbaine|la communaute de communes"
            r"|la communaute d'agglomeration|la metropole|notre communaute)\b"
        ),
        PartnerKind.EPCI,
    ),
)


#: What a sentence ends with before the next one starts (closing quotes and brackets too).
_SENTENCE_ENDS = frozenset('.!?…;»"”)]')


def fold(text: str) -> str:
    """``text`` lower-cased, without accents, with plain apostrophes, same length.

    >>> fold("Écuisses’ GINEZ")
    "ecuisses' ginez"
    """
    out: list[str] = []
    for char in text.translate(_APOSTROPHES):
        base = unicodedata.normalize("NFD", char)[0].lower()
        out.append(base[0] if base else char)
    return "".join(out)


@dataclass(frozen=True)
class PartnerMention:
    """A place where the article names a partner."""

    start: int
    end: int
    partner: PartnerFact


@dataclass
class Places:
    """The folded text, the sentences and the partner mentions of one reading."""

    reading: Reading

    @cached_property
    def folded(self) -> str:
        """The article's text, folded (see `fold`)."""
        return fold(self.reading.text)

    @cached_property
    def sentence_starts(self) -> list[int]:
        """The offset of each sentence's first character (spaCy's sentences, not cut after a
        colon, and cut again at line breaks: titles and list items are sentences of their
        own)."""
        text = self.reading.text
        starts = {0}
        for sent in self.reading.doc.sents:
            before = text[: sent.start_char].rstrip(" \t")
            # « Juin 2024 : Le Conseil délibère … » is one sentence, whatever the model says;
            # so is « … dans le cadre du Contrat Enfance Jeunesse a pris fin … », which the
            # model may cut before a capital: a sentence starts after a full stop (or a
            # line break, below), not after a word.
            if before and before[-1] not in _SENTENCE_ENDS:
                continue
            if not text[sent.start_char :].startswith(":"):
                starts.add(sent.start_char)
        for match in re.finditer(r"\n+", text):
            starts.add(match.end())
        return sorted(s for s in starts if s < len(text))

    def sentence(self, offset: int) -> tuple[int, int]:
        """The sentence around ``offset``, as ``(start, end)``."""
        starts = self.sentence_starts
        i = bisect_right(starts, offset) - 1
        start = starts[max(i, 0)]
        end = starts[i + 1] if i + 1 < len(starts) else len(self.reading.text)
        return start, end

    def next_sentence(self, offset: int) -> tuple[int, int]:
        """The sentence after the one around ``offset`` (itself at the text's end)."""
        _, end = self.sentence(offset)
        return self.sentence(end) if end < len(self.reading.text) else self.sentence(offset)

    @cached_property
    def partners(self) -> list[PartnerMention]:
        """Every place a partner is named: where the territories extractor found it, every
        other occurrence of its name, and the short names (« la Caf ») of the one partner of
        that kind."""
        facts = self.reading.of_type(PartnerFact)
        found: dict[tuple[int, int], PartnerMention] = {}
        for fact in facts:
            for evidence in (fact.evidence, *fact.also):
                found.setdefault(
                    (evidence.start, evidence.end),
                    PartnerMention(evidence.start, evidence.end, fact),
                )
            for name in {fold(fact.name), fold(fact.evidence.quote)}:
                if len(name) < 3:
                    continue
                for match in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", self.folded):
                    found.setdefault(match.span(), PartnerMention(match.start(), match.end(), fact))
        for pattern, kind in _GENERIC:
            of_kind = [fact for fact in facts if fact.kind == kind]
            if len(of_kind) != 1:
                continue
            for match in pattern.finditer(self.folded):
                if not any(m.start <= match.start() < m.end for m in found.values()):
                    found[match.span()] = PartnerMention(match.start(), match.end(), of_kind[0])
        # A mention inside a longer one (« Saint-Flour » in « Saint-Flour Communauté ») is the
        # longer one's.
        mentions = sorted(found.values(), key=lambda m: (m.start, -m.end))
        kept: list[PartnerMention] = []
        for mention in mentions:
            if kept and mention.start < kept[-1].end:
                continue
            kept.append(mention)
        return kept

    def partners_in(self, start: int, end: int) -> list[PartnerMention]:
        """The partner mentions that lie within ``start:end``, in order."""
        return [m for m in self.partners if start <= m.start and m.end <= end]
