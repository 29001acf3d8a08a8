from __future__ import annotations

import pytest

from domain.errors import UserFacingError
from schema.territories.types import (
    Departement,
    Region,
    TerritoryKind,
    normalise_code,
    pick_territory,
)

VAUCLUSE = {"code": "84", "name": "Vaucluse", "kind": "departement", "region": "93"}
ARA = {"code": "84", "name": "Auvergne-Rhône-Alpes", "kind": "region"}


@pytest.mark.parametrize("code", ["15187", "2a004", " 200066660 ", "15", "2B", "974", "84"])
def test_official_codes_are_accepted(code: str) -> None:
    assert normalise_code(code) == code.strip().upper()


@pytest.mark.parametrize("code", ["", "x", "1518", "2C001", "15187; MATCH (n) DETACH DELETE n"])
def test_anything_else_is_refused_with_examples(code: str) -> None:
    with pytest.raises(UserFacingError, match="15187"):
        normalise_code(code)


def test_a_shared_code_needs_a_kind() -> None:
    with pytest.raises(UserFacingError, match="kind: DEPARTEMENT or REGION"):
        pick_territory("84", [VAUCLUSE, ARA], None)
    assert isinstance(pick_territory("84", [VAUCLUSE, ARA], TerritoryKind.REGION), Region)
    assert isinstance(pick_territory("84", [VAUCLUSE, ARA], TerritoryKind.DEPARTEMENT), Departement)


def test_no_match_is_null() -> None:
    assert pick_territory("99999", [], None) is None
    assert pick_territory("84", [VAUCLUSE], TerritoryKind.REGION) is None
