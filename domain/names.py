"""Name folding: how names are compared and sorted regardless of accents and case.

Display names differ from official ones ("Ecuisses" vs "Écuisses", "Saint Flour" vs
"Saint-Flour"); :func:`fold` maps both to the same key.

>>> fold("Écuisses")
'ecuisses'
>>> fold("  Saint-Flour   Communauté ")
'saint flour communaute'
>>> fold("L'Œuvre") == fold("l oeuvre")
True
"""

from __future__ import annotations

import re
import unicodedata

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"})
_SEPARATORS = re.compile(r"[\s\-'’‐–—_.,/()]+")


def fold(name: str) -> str:
    """Lower-case, accent-free, with hyphens, apostrophes and runs of spaces as one space."""
    decomposed = unicodedata.normalize("NFKD", name.translate(_LIGATURES))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SEPARATORS.sub(" ", bare.casefold()).strip()


#: French articles elided before a vowel and joined by an apostrophe (« l'Abergement »,
#: « d'Auxy », « qu'il »). Full-text indexes keep such a word whole (``d'auxy``), so a
#: search must try the word with each of them, whether or not the user typed one.
ELIDED_ARTICLES: tuple[str, ...] = (
    "l", "d", "qu", "s", "n", "j", "c", "m", "t", "jusqu", "lorsqu", "puisqu", "quoiqu",
)  # fmt: skip

#: The ways one part of a name is written, as folded words: a search for any of them
#: finds the others ("st flour" finds Saint-Flour, "cc" finds « Communauté de communes »
#: and back). An elided article is its own word here, as :func:`search_words` gives it.
NAME_VARIANTS: tuple[tuple[tuple[str, ...], ...], ...] = (
    (("saint",), ("st",)),
    (("sainte",), ("ste",)),
    (("communaute", "de", "communes"), ("cc",)),
    (("communaute", "d", "agglomeration"), ("ca",)),
    (("communaute", "urbaine"), ("cu",)),
    (("caisse", "d", "allocations", "familiales"), ("caf",)),
)

#: Letters an article is elided before (a vowel or a mute h).
_ELIDING = frozenset("aeiouyh")


def may_follow_elision(word: str) -> bool:
    """Whether ``word`` (folded) can carry an elided article: it starts with a vowel or h.

    >>> may_follow_elision("auxy"), may_follow_elision("martin")
    (True, False)
    """
    return word[:1] in _ELIDING


_WORD = re.compile(r"[0-9a-z]+")


def search_words(text: str) -> list[str]:
    """The words of what a person typed, folded, letters and digits only: apostrophes,
    hyphens and every other sign separate words, so « Saint-Martin-d'Auxy », « saint
    martin d’auxy » and « SAINT MARTIN D AUXY » give the same words.

    >>> search_words("Saint-Martin-d’Auxy")
    ['saint', 'martin', 'd', 'auxy']
    >>> search_words("L'Abergement") == search_words("l abergement")
    True
    """
    return _WORD.findall(fold(text))
