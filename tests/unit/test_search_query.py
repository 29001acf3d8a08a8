"""The Lucene query built for a search: the same however a name is typed, variants and
elided articles tried, one typo allowed in long words, and nothing typed reaching the
parser as syntax."""

from __future__ import annotations

import re

import pytest

from graph.node_reads import MAX_SEARCH_WORDS, lucene_query, typo_lucene_query


@pytest.mark.parametrize(
    "typed",
    ["saint martin d auxy", "Saint-Martin-d’Auxy", "SAINT MARTIN D'AUXY", "Saint Martin d' Auxy"],
)
def test_a_name_gives_one_query_however_it_is_typed(typed: str) -> None:
    assert lucene_query(typed) == lucene_query("Saint-Martin-d'Auxy")
    assert typo_lucene_query(typed) == typo_lucene_query("Saint-Martin-d'Auxy")


def test_a_word_after_a_vowel_is_tried_with_every_elided_article() -> None:
    query = lucene_query("l'abergement") or ""
    assert "l'abergement" in query
    assert "d'abergement" in query
    assert "qu'abergement" in query
    # the article typed is not a word that must match on its own
    assert "(l)" not in query
    assert " l " not in query
    # before a consonant, no article can be elided
    assert "d'martin" not in (lucene_query("saint martin") or "")


@pytest.mark.parametrize(
    ("typed", "variant"),
    [
        ("st flour", "saint"),
        ("saint flour", "st"),
        ("ste colombe", "sainte"),
        ("cc du clunisois", '"communaute de communes"'),
        ("communauté de communes du clunisois", "cc"),
        ("communauté d'agglomération du grand chalon", "ca"),
        ("ca du grand chalon", '"communaute d\'agglomeration"'),
        ("cu le creusot", '"communaute urbaine"'),
        ("CAF du Cantal", '"caisse d\'allocations familiales"'),
        ("caisse d’allocations familiales du cantal", "caf"),
    ],
)
def test_abbreviations_are_searched_both_ways(typed: str, variant: str) -> None:
    assert re.search(r"[( ]" + re.escape(variant) + r"[ )]", lucene_query(typed) or ""), variant


def test_one_typo_only_in_words_of_five_letters_or_more() -> None:
    query = typo_lucene_query("le creuzot") or ""
    assert "creuzot~1" in query
    assert "le~1" not in query
    assert typo_lucene_query("st aux") is None
    assert "~" not in (lucene_query("le creuzot") or "")


@pytest.mark.parametrize(
    "payload",
    ['" OR true RETURN n //', "name:* OR *:*", "a\\\\ b) OR (c", "x~10^99", "[a TO z]", "a && !b"],
)
def test_no_lucene_syntax_typed_by_a_client_reaches_the_query(payload: str) -> None:
    for query in (lucene_query(payload), typo_lucene_query(payload)):
        # only the syntax the builder writes: groups, OR/AND, prefixes, one typo, its boosts
        leftover = re.sub(r"\(|\)|\bOR\b|\bAND\b|\*|~1|\^2|\^0\.5|[0-9a-z' ]", "", query or "")
        assert leftover == "", (payload, query)


def test_a_long_text_stays_far_below_the_clause_limit() -> None:
    text = " ".join(["abergement", "eglise", "saint", "ouest"] * 20)
    for query in (lucene_query(text), typo_lucene_query(text)):
        assert query is not None
        assert query.count(" OR ") < 600
    assert (lucene_query(text) or "").count(" AND ") < 2 * MAX_SEARCH_WORDS


def test_no_word_no_query() -> None:
    assert lucene_query(" '-’ ") is None
