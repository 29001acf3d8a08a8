"""Extraction of the amounts facts of an article (see loaders/drafts/facts.py)."""

from __future__ import annotations

from loaders.drafts.reading import Reading


def extract(reading: Reading) -> None:
    """Add the amounts facts of reading's article."""
    del reading  # filled by the amounts extractor
