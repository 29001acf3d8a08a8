"""The certainty of each link the loader writes from the seed datasets, and funding totals
that never count a share twice (pure: no Neo4j)."""

from __future__ import annotations

from typing import Any

import pytest

from domain.fundings import FundingAmount, funding_total
from domain.vocabulary import Qualifier
from graph.partnership_store import EdgeRow
from loaders.dataset_graph import dataset_graph
from loaders.datasets import DEFAULT_DATASETS, TerritoryIndex, Vocabularies, read_datasets
from loaders.reference import read_reference
from tests.conftest import REFERENCE_EXTRACT


@pytest.fixture(scope="module")
def seed_edges() -> list[EdgeRow]:
    territories = TerritoryIndex.from_reference(read_reference(REFERENCE_EXTRACT, ["15", "71"]))
    vocabularies = Vocabularies.load()
    datasets = read_datasets([DEFAULT_DATASETS], territories, vocabularies)
    return [edge for d in datasets for edge in dataset_graph(d, vocabularies).edges]


def links(edges: list[EdgeRow], rel: str, start: str, end: str | None = None) -> list[Any]:
    return [
        e.props
        for e in edges
        if e.type == rel and e.start_key == start and (end is None or e.end_key == end)
    ]


def test_a_lead_link_takes_the_leads_field_not_the_contracts_other_notes(
    seed_edges: list[EdgeRow],
) -> None:
    (lead,) = links(seed_edges, "LEADS", "ville-saint-flour", "ccs-saint-flour-2017")
    assert lead["certainty"] == "inferred"
    assert lead["reason"].startswith("the article names it the Contrat de cohésion sociale")
    # the contract's notes on its other fields (its status) stay on the contract
    assert lead["inferredFields"] == []


def test_fiche_themes_classified_by_the_author_are_inferred_links(
    seed_edges: list[EdgeRow],
) -> None:
    themes = links(seed_edges, "ADDRESSES", "ctg-saint-flour-2017-fa-22")
    assert [t["certainty"] for t in themes] == ["inferred"]
    assert "parenting support" in themes[0]["reason"]
    # the fiche's place in its contract is stated and carries no note on its themes
    (placed,) = links(
        seed_edges, "HAS_ACTION", "ctg-saint-flour-2017", "ctg-saint-flour-2017-fa-22"
    )
    assert (placed["certainty"], placed["inferredFields"]) == ("stated", [])
    assert placed["englobed"] is True
    (owned,) = links(seed_edges, "HAS_ACTION", "ccs-saint-flour-2017", "ctg-saint-flour-2017-fa-22")
    assert owned["certainty"] == "stated"
    assert "englobed" not in owned


def test_a_link_inside_an_inferred_fact_is_inferred(seed_edges: list[EdgeRow]) -> None:
    (governs,) = links(seed_edges, "GOVERNS", "commune-saint-micaud")
    assert governs["certainty"] == "inferred"
    assert "territorial reference" in governs["reason"]
    (named,) = links(seed_edges, "GOVERNS", "commune-blanzy")
    assert named["certainty"] == "stated"


def test_signatories_of_a_contract_in_preparation_are_prospective(
    seed_edges: list[EdgeRow],
) -> None:
    (caf,) = links(seed_edges, "SIGNED", "caf-71", "ctg-creusot-montceau-sud")
    assert (caf["certainty"], caf["prospective"]) == ("inferred", True)
    assert caf["reason"] == (
        "the contract was in preparation on 2021-10-02: a party expected to sign, not a signature"
    )
    (signed,) = links(seed_edges, "SIGNED", "caf-71", "cej-71-blanzy")
    assert signed["certainty"] == "stated"
    assert "prospective" not in signed


def test_every_seed_link_has_a_certainty_and_an_inferred_one_a_reason(
    seed_edges: list[EdgeRow],
) -> None:
    written = [e for e in seed_edges if e.type != "SOURCED_FROM"]
    assert all(e.props["certainty"] in ("stated", "inferred") for e in written)
    assert all(e.props["reason"] for e in written if e.props["certainty"] == "inferred")


def f(key: str, amount: float | None, qualifier: str = "exactly", *whole: str) -> FundingAmount:
    return FundingAmount(key, amount, Qualifier(qualifier), share_of=whole)


def test_a_share_is_left_out_when_its_whole_is_counted_even_through_a_chain() -> None:
    total = funding_total(
        [f("all", 100), f("half", 50, "exactly", "all"), f("quarter", 25, "exactly", "half", "all")]
    )
    assert total.amount == 100
    assert total.counted == ("all",)
    assert total.shares_left_out == ("half", "quarter")


def test_a_share_without_its_whole_is_counted_and_the_same_funding_once() -> None:
    total = funding_total([f("half", 50, "exactly", "all"), f("half", 50, "exactly", "all")])
    assert (total.amount, total.counted, total.shares_left_out) == (50, ("half",), ())


@pytest.mark.parametrize(
    ("qualifiers", "expected"),
    [
        (["exactly", "exactly"], "exactly"),
        (["exactly", "at-most"], "at-most"),
        (["more-than", "more-than"], "more-than"),
        (["at-most", "more-than"], "about"),
        (["exactly", "about"], "about"),
    ],
)
def test_the_total_keeps_how_exact_its_amounts_are(qualifiers: list[str], expected: str) -> None:
    fundings = [f(f"g{i}", 10, q) for i, q in enumerate(qualifiers)]
    assert funding_total(fundings).qualifier == Qualifier(expected)


def test_fundings_without_amount_are_listed_not_added() -> None:
    total = funding_total([f("known", 10), f("unknown", None)])
    assert (total.amount, total.without_amount) == (10, ("unknown",))
    assert funding_total([]).amount == 0
