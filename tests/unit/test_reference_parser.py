"""The reference parser on the committed Cantal + Saône-et-Loire extract."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from domain.errors import InputError, ReferenceDataError
from loaders.reference import read_reference
from tests.conftest import REFERENCE_EXTRACT


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of the extract (with its package.json) to corrupt."""
    shutil.copytree(REFERENCE_EXTRACT.parent, tmp_path / "pkg")
    return tmp_path / "pkg" / "data"


def test_cantal_and_saone_et_loire_are_read_with_their_official_figures() -> None:
    records = read_reference(REFERENCE_EXTRACT, ["15", "71"])
    communes = {c.code: c for c in records.communes}
    epcis = {e.code: e for e in records.epcis}
    assert len(communes) == 250 + 563
    assert communes["15187"].name == "Saint-Flour"
    assert communes["15187"].epci == "200066660"
    assert communes["15187"].region == "84"
    assert communes["15187"].postal_codes == ("15100",)
    assert epcis["200066660"].member_count == 53
    assert epcis["247100290"].member_count == 34
    assert epcis["247100290"].epci_type == "CU"
    assert sum(1 for c in communes.values() if c.epci == "200066660") == 53
    assert sum(1 for c in communes.values() if c.epci == "247100290") == 34
    assert (records.package, records.version, records.vintage) == (
        "@etalab/decoupage-administratif",
        "6.0.0",
        2026,
    )


def test_only_current_communes_are_kept() -> None:
    raw = json.loads((REFERENCE_EXTRACT / "communes.json").read_text(encoding="utf-8"))
    delegated = [c["code"] for c in raw if c["type"] != "commune-actuelle"]
    assert delegated, "the extract should hold communes déléguées to skip"
    kept = {c.code for c in read_reference(REFERENCE_EXTRACT).communes}
    assert kept.isdisjoint(
        c["code"] for c in raw if c["type"] != "commune-actuelle" and c["code"] not in kept
    )
    assert len(kept) == sum(1 for c in raw if c["type"] == "commune-actuelle")


def test_a_departement_filter_keeps_its_communes_and_their_epci_only() -> None:
    records = read_reference(REFERENCE_EXTRACT, ["15"])
    assert {c.departement for c in records.communes} == {"15"}
    assert len(records.communes) == 250
    assert "247100290" not in {e.code for e in records.epcis}
    assert records.departements_loaded == ("15",)
    # départements and régions are always complete: they frame the map
    assert len(records.departements) == 109
    assert len(records.regions) == 26


def test_a_one_digit_departement_code_means_the_two_digit_one() -> None:
    assert read_reference(REFERENCE_EXTRACT, ["3"]).departements_loaded == ("03",)


def test_populations_of_departements_add_up_their_communes() -> None:
    records = read_reference(REFERENCE_EXTRACT, ["15"])
    cantal = next(d for d in records.departements if d.code == "15")
    assert cantal.population == sum(c.population or 0 for c in records.communes)
    assert cantal.population > 140_000


def test_an_unknown_departement_code_is_named_in_the_error() -> None:
    with pytest.raises(InputError, match=r"Unknown département code '99'.*2A"):
        read_reference(REFERENCE_EXTRACT, ["15", "99"])


def test_a_missing_file_is_named_with_what_to_do(data_copy: Path) -> None:
    (data_copy / "epci.json").unlink()
    with pytest.raises(ReferenceDataError, match=r"epci\.json: the file does not exist.*setup\.sh"):
        read_reference(data_copy)


def test_a_truncated_file_is_reported_as_truncated(data_copy: Path) -> None:
    path = data_copy / "communes.json"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: len(text) // 2], encoding="utf-8")
    with pytest.raises(ReferenceDataError, match=r"communes\.json is truncated.*line \d+"):
        read_reference(data_copy)


def test_a_malformed_entry_is_located_by_position_code_and_field(data_copy: Path) -> None:
    path = data_copy / "epci.json"
    rows = json.loads(path.read_text(encoding="utf-8"))
    index = next(i for i, e in enumerate(rows) if e["code"] == "200066660")
    rows[index]["populationTotale"] = "beaucoup"
    path.write_text(json.dumps(rows), encoding="utf-8")
    with pytest.raises(ReferenceDataError) as caught:
        read_reference(data_copy)
    message = str(caught.value)
    assert f"entry {index}" in message
    assert "200066660" in message
    assert "populationTotale" in message


def test_an_epci_member_that_is_no_commune_is_refused(data_copy: Path) -> None:
    path = data_copy / "epci.json"
    rows = json.loads(path.read_text(encoding="utf-8"))
    rows[0]["membres"].append({"code": "15999"})
    path.write_text(json.dumps(rows), encoding="utf-8")
    with pytest.raises(ReferenceDataError, match=r"member 15999.*not a current commune"):
        read_reference(data_copy)


def test_a_duplicated_code_is_refused(data_copy: Path) -> None:
    path = data_copy / "regions.json"
    rows = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps([*rows, rows[0]]), encoding="utf-8")
    with pytest.raises(ReferenceDataError, match="more than once"):
        read_reference(data_copy)


def test_a_file_that_is_not_a_list_is_refused(data_copy: Path) -> None:
    (data_copy / "departements.json").write_text('{"code": "15"}', encoding="utf-8")
    with pytest.raises(ReferenceDataError, match="non-empty JSON array"):
        read_reference(data_copy)


def test_an_unknown_package_version_needs_an_explicit_vintage(data_copy: Path) -> None:
    (data_copy.parent / "package.json").write_text('{"version": "9.9.9"}', encoding="utf-8")
    with pytest.raises(InputError, match="--vintage"):
        read_reference(data_copy)
    assert read_reference(data_copy, ["15"], vintage=2030).vintage == 2030


def test_row_count_counts_every_node_and_relationship_written() -> None:
    records = read_reference(REFERENCE_EXTRACT, ["15", "71"])
    expected = (
        26
        + 2 * 109
        + len(records.epcis)
        + 2 * 813
        + sum(1 for c in records.communes if c.epci)
        + len(records.epci_departements)
    )
    assert records.row_count() == expected
