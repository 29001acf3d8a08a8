"""Closest-value suggestions for the codes of a vocabulary (themes, contract kinds,
partner kinds, statuses, roles…): what an author who wrote ``CTG`` or ``petite enfance``
most likely meant.

A value that differs from a code only by case, accents or separators (``CTG``,
``Parentalité``, ``petite enfance``) is suggested alone: it is certainly the one meant.
Otherwise the closest spellings are suggested, compared in that folded form too.

>>> closest("CTG", ["ctg", "cej", "ccs"])
['ctg']
>>> closest("petite enfence", ["petite-enfance", "enfance", "jeunesse"])
['petite-enfance']
>>> closest("zzz", ["ctg", "cej"])
[]
>>> did_you_mean(["a", "b", "c"])
"; did you mean 'a', 'b' or 'c'?"
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable

_SEPARATORS = re.compile(r"[\s_]+")


def fold(value: str) -> str:
    """``value`` without case, accents or the difference between spaces, ``_`` and ``-``."""
    decomposed = unicodedata.normalize("NFKD", value.strip())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SEPARATORS.sub("-", bare.casefold())


def closest(value: str, known: Iterable[str], n: int = 3) -> list[str]:
    """The codes of ``known`` that ``value`` most likely meant, best first (at most ``n``):
    the one equal to it ignoring case, accents and separators, else the closest spellings."""
    folded: dict[str, list[str]] = {}
    for code in known:
        folded.setdefault(fold(code), []).append(code)
    same = folded.get(fold(value))
    if same:
        return same[:n]
    near = difflib.get_close_matches(fold(value), list(folded), n=n)
    return [code for f in near for code in folded[f]][:n]


def did_you_mean(close: list[str]) -> str:
    """The end of a message suggesting ``close`` (empty when there is nothing to suggest)."""
    if not close:
        return ""
    quoted = [repr(c) for c in close]
    listed = quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} or {quoted[-1]}"
    return f"; did you mean {listed}?"
