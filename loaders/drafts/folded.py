"""Finding words in an article regardless of case and accents, at their true offsets.

`domain.names.fold` compares names; drafting needs more: the *place* in the article of
each folded match, so that a fact's evidence quotes the article exactly. `Folded` keeps,
for every character of the folded text, the offset of the character it came from.

>>> article = Folded.of("La Crèche  « Petite-Enfance »")
>>> article.text
'la creche petite enfance '
>>> [article.span(m.start(), m.end()) for m in article.find("petite enfance")]
[(13, 27)]
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from domain.names import fold

_LIGATURES = {"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"}
#: Signs that separate words but say nothing: one space in the folded text.
_WORD = re.compile(r"[0-9a-z]+")
_SEPARATORS = frozenset(" \t\n\r\u00a0\u202f\u2009-'’‐‑–—_/()«»\"“”")


@dataclass(frozen=True)
class Folded:
    """A text folded (lower case, no accents, separators as one space) with its offsets."""

    text: str
    #: ``origin[i]`` is the offset in the source of the folded character ``i``
    origin: tuple[int, ...]
    length: int

    @classmethod
    def of(cls, source: str) -> Folded:
        """The folded form of ``source``."""
        out: list[str] = []
        origin: list[int] = []
        for i, ch in enumerate(source):
            folded = _fold_char(ch)
            if folded == " ":
                if out and out[-1] != " ":
                    out.append(" ")
                    origin.append(i)
                continue
            out.append(folded)
            origin.extend([i] * len(folded))
        return cls(text="".join(out), origin=tuple(origin), length=len(source))

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The source offsets of the folded characters ``start:end`` (``end`` exclusive)."""
        if start >= end:
            at = self.origin[start] if start < len(self.origin) else self.length
            return at, at
        return self.origin[start], self.origin[end - 1] + 1

    def find(self, phrase: str) -> Iterator[re.Match[str]]:
        """Every match of ``phrase`` (folded the same way) as whole words."""
        return _pattern(phrase).finditer(self.text)

    def words(self) -> frozenset[str]:
        """The folded words of the text, to skip at once the phrases it cannot hold."""
        return frozenset(_WORD.findall(self.text))


def phrase_words(phrase: str) -> frozenset[str]:
    """The folded words of ``phrase``."""
    return frozenset(_WORD.findall(fold(phrase)))


@cache
def _fold_char(ch: str) -> str:
    """One character folded: one space for a separator, else its letters without accents."""
    if ch in _SEPARATORS:
        return " "
    bare = "".join(
        c
        for c in unicodedata.normalize("NFKD", _LIGATURES.get(ch, ch))
        if not unicodedata.combining(c)
    )
    return bare.casefold()


@cache
def _pattern(phrase: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![0-9a-z]){re.escape(fold(phrase))}(?![0-9a-z])")
