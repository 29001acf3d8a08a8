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
