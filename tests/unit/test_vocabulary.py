from __future__ import annotations

import re

import pytest

from domain.errors import TerritoryCodeError, UserFacingError
from domain.vocabulary import (
    KIND_OF_LABEL,
    OFFICIAL_KINDS,
    RELATIONSHIP_TYPE,
    TERRITORY_LABEL,
    ContractRelation,
    TerritoryKind,
    node_id,
    normalise_code,
    scope_uid,
    split_territory_uid,
    territory_uid,
)

TERRITORIES = [
    (TerritoryKind.COMMUNE, "15187"),
    (TerritoryKind.COMMUNE, "2A004"),
    (TerritoryKind.EPCI, "200066660"),
    (TerritoryKind.DEPARTEMENT, "15"),
    (TerritoryKind.DEPARTEMENT, "974"),
    (TerritoryKind.REGION, "84"),
    (TerritoryKind.SUB_TERRITORY, "cucm-bassin-nord"),
]


@pytest.mark.parametrize(("kind", "code"), TERRITORIES)
def test_a_territory_uid_splits_back_into_its_kind_and_code(kind: TerritoryKind, code: str) -> None:
    assert split_territory_uid(territory_uid(kind, code)) == (kind, code)


def test_uids_read_as_the_api_writes_them() -> None:
    assert territory_uid(TerritoryKind.EPCI, "200066660") == "epci:200066660"
    assert territory_uid(TerritoryKind.REGION, "84") == "region:84"
    # a sub-territory is named by its key alone
    assert territory_uid(TerritoryKind.SUB_TERRITORY, "cucm-bassin-nord") == "cucm-bassin-nord"


@pytest.mark.parametrize(
    ("uid", "message"),
    [
        ("", "empty text"),
        ("canton:1512", "'canton' is not a kind of the official map"),
        ("EPCI:200066660", "'EPCI' is not a kind"),
        ("sub_territory:cucm", "is not a kind of the official map"),
        ("epci:", "no code after the colon (e.g. epci:200066660)"),
        (":15", "'' is not a kind"),
    ],
)
def test_a_malformed_uid_is_refused_with_what_to_write(uid: str, message: str) -> None:
    with pytest.raises(TerritoryCodeError, match=re.escape(message)) as refused:
        split_territory_uid(uid)
    assert "epci:200066660" in str(refused.value)
    # the API shows the message as it is
    assert isinstance(refused.value, UserFacingError)


@pytest.mark.parametrize(
    ("code", "kind", "uid"),
    [
        ("15", None, "departement:15"),
        (" 2b033 ", None, "commune:2B033"),
        ("200066660", None, "epci:200066660"),
        ("84", TerritoryKind.REGION, "region:84"),
        ("84", TerritoryKind.DEPARTEMENT, "departement:84"),
        (" cucm-bassin-nord ", TerritoryKind.SUB_TERRITORY, "cucm-bassin-nord"),
        (None, None, None),
    ],
)
def test_scope_uid_guesses_the_kind_from_the_code(
    code: str | None, kind: TerritoryKind | None, uid: str | None
) -> None:
    assert scope_uid(code, kind) == uid


@pytest.mark.parametrize("code", ["", "1518", "2C001", "15187; MATCH (n) DETACH DELETE n"])
def test_a_code_that_names_no_territory_is_refused_with_examples(code: str) -> None:
    with pytest.raises(TerritoryCodeError, match="15187"):
        normalise_code(code)
    with pytest.raises(TerritoryCodeError, match="is not a territory code"):
        scope_uid(code)


def test_every_kind_has_one_label_and_back() -> None:
    assert set(TERRITORY_LABEL) == set(TerritoryKind)
    assert {KIND_OF_LABEL[label] for label in TERRITORY_LABEL.values()} == set(TerritoryKind)
    assert TERRITORY_LABEL[TerritoryKind.EPCI] == "EPCI"
    assert TerritoryKind.SUB_TERRITORY not in OFFICIAL_KINDS
    with pytest.raises(TypeError):
        TERRITORY_LABEL[TerritoryKind.EPCI] = "Epci"  # type: ignore[index]


def test_node_ids_prefix_every_kind_even_sub_territories() -> None:
    assert node_id(TerritoryKind.SUB_TERRITORY, "cucm") == "sub_territory:cucm"
    assert node_id(TerritoryKind.COMMUNE, "15187") == territory_uid(TerritoryKind.COMMUNE, "15187")


def test_each_contract_relation_has_its_relationship_type() -> None:
    assert {RELATIONSHIP_TYPE[r] for r in ContractRelation} == {"SUCCEEDS", "DECLINES", "AMENDS"}
    assert ContractRelation("succeeds") is ContractRelation.SUCCEEDS
