"""One article being read: its text, its parse, and the facts found so far.

Extractors run in order (`loaders.drafts.draft.EXTRACTORS`); each one reads the
article and the facts the earlier ones found (a person's organisation is a partner the
territories extractor found) and adds its own through `Reading.add`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

from loaders.drafts.facts import ArticleInfo, Evidence, Fact

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from loaders.drafts.knowledge import Knowledge

FactT = TypeVar("FactT", bound=Fact)


@dataclass
class Reading:
    """An article under extraction."""

    text: str
    article: ArticleInfo
    doc: Doc
    knowledge: Knowledge
    facts: list[Fact] = field(default_factory=list)
    gaps: list[str] = field(default_factory=list)
    _counts: dict[str, int] = field(default_factory=dict)

    def new_id(self, fact_type: str) -> str:
        """A fresh id for a fact of ``fact_type``: 'partner-1', 'partner-2'…"""
        self._counts[fact_type] = self._counts.get(fact_type, 0) + 1
        return f"{fact_type}-{self._counts[fact_type]}"

    def add(self, fact: FactT) -> FactT:
        """Keep ``fact``; its evidence must quote the article exactly."""
        if self.text[fact.evidence.start : fact.evidence.end] != fact.evidence.quote:
            raise ValueError(f"{fact.id}: its evidence does not quote the article at its offsets")
        self.facts.append(fact)
        return fact

    def evidence(self, start: int, end: int) -> Evidence:
        """The evidence for the characters ``start:end`` of the article."""
        return Evidence.of(self.text, start, end)

    def of_type(self, fact_type: type[FactT]) -> list[FactT]:
        """The facts found so far of one class, in the order found."""
        return [fact for fact in self.facts if isinstance(fact, fact_type)]
