from __future__ import annotations

import doctest

import pytest

import domain.names
from domain.names import fold


def test_doctests_hold() -> None:
    assert doctest.testmod(domain.names).failed == 0


@pytest.mark.parametrize(
    ("display", "official"),
    [
        ("Ecuisses", "Écuisses"),
        ("Saint Flour", "Saint-Flour"),
        ("SAINT-FLOUR COMMUNAUTE", "Saint-Flour Communauté"),
        ("Montceau les Mines", "Montceau-les-Mines"),
    ],
)
def test_display_names_fold_to_the_official_ones(display: str, official: str) -> None:
    assert fold(display) == fold(official)


def test_different_names_stay_different() -> None:
    assert fold("Saint-Flour") != fold("Saint-Flour-de-Mercoire")
