"""Reading an article file: its main text and what is known of it (title, date, publisher)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from loaders.drafts.facts import ArticleInfo


@dataclass(frozen=True)
class Article:
    """An article's main text, every evidence offset counted in it, and its metadata."""

    text: str
    info: ArticleInfo


def read_article(path: Path) -> Article:
    """The article in ``path`` (.txt, .html, .pdf); `domain.errors.InputError` when it
    cannot be read, saying what, where and what to do."""
    raise NotImplementedError(str(path))  # written by the articles part
