"""Drafting one article: read it, run every extractor in order, name the gaps."""

from __future__ import annotations

from collections.abc import Callable

from loaders.drafts import actions, amounts, contracts, people, territories
from loaders.drafts.facts import ArticleInfo, Draft
from loaders.drafts.knowledge import Knowledge
from loaders.drafts.reading import Reading

#: Each extractor adds the facts of its kind to the reading; later ones use the earlier
#: ones' facts (people need partners, signatories need people and contracts).
EXTRACTORS: tuple[Callable[[Reading], None], ...] = (
    territories.extract,
    contracts.extract,
    people.extract,
    actions.extract,
    amounts.extract,
)


def draft_text(text: str, article: ArticleInfo, knowledge: Knowledge) -> Draft:
    """The draft of one article's main text."""
    reading = Reading(text=text, article=article, doc=knowledge.nlp(text), knowledge=knowledge)
    for extract in EXTRACTORS:
        extract(reading)
    return Draft(article=article, text=text, facts=reading.facts, gaps=reading.gaps)
