"""Reading the French territorial reference from ``@etalab/decoupage-administratif``.

The npm package (pinned in ``package.json``, installed by ``scripts/setup.sh`` into the
git-ignored ``node_modules/``, or wherever ``CTG_NODE_MODULES`` says) ships
``data/regions.json``, ``departements.json``, ``epci.json`` and ``communes.json``.
:func:`read_reference` reads and validates all four files *before* anything is written,
checks that they agree with each other, and returns
:class:`graph.reference_store.ReferenceRecords` for the whole of France or for listed
départements.

Only current communes (``type == "commune-actuelle"``) are kept; communes déléguées,
associées and arrondissements municipaux are not territories a contract covers.

Each file is read once, whole, through :func:`loaders.input_files.read_whole`: only a
regular file (a named pipe or a device there is refused, never opened), of at most
:data:`REFERENCE_MAX_BYTES`, that does not change while it is read.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from domain import resources
from domain.errors import InputError, InputFileError, ReferenceDataError
from graph.reference_store import (
    CommuneRecord,
    DepartementRecord,
    EpciRecord,
    ReferenceRecords,
    RegionRecord,
)
from loaders.input_files import SizeLimit, read_whole

PACKAGE = "@etalab/decoupage-administratif"
#: In the npm packages folder named by ``CTG_NODE_MODULES`` (:mod:`domain.resources`).
DEFAULT_DATA_DIR = resources.node_modules() / "@etalab" / "decoupage-administratif" / "data"
#: The year of the territories each package version describes (the package itself does
#: not say); a version missing here needs ``--vintage``.
VINTAGE_BY_VERSION = {"6.0.0": 2026}
FILES = ("regions.json", "departements.json", "epci.json", "communes.json")
#: Largest reference file read: ``communes.json`` of 2026 is 8.3 MB, so this leaves room
#: for decades of growth, and no more (a larger file is not the package's).
REFERENCE_MAX_BYTES = 256_000_000
_REFERENCE_LIMIT = SizeLimit(
    REFERENCE_MAX_BYTES, f"this is not a file of {PACKAGE}; reinstall the package"
)
_MANIFEST_LIMIT = SizeLimit(1_000_000, "this is not the package's package.json")

_SETUP_HINT = (
    f"{resources.NODE_MODULES_HINT} Or pass --data-dir to a folder holding regions.json, "
    "departements.json, epci.json and communes.json."
)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, str_strip_whitespace=True)


class _RegionIn(_Strict):
    code: str = Field(pattern=r"^\d{2,3}$")
    nom: str = Field(min_length=1)


class _DepartementIn(_Strict):
    code: str = Field(pattern=r"^(\d{2}|2A|2B|\d{3})$")
    nom: str = Field(min_length=1)
    region: str = Field(pattern=r"^\d{2,3}$")


class _MemberIn(_Strict):
    code: str = Field(pattern=r"^[0-9][0-9AB][0-9]{3}$")


class _EpciIn(_Strict):
    code: str = Field(pattern=r"^\d{9}$")
    nom: str = Field(min_length=1)
    type: str = Field(min_length=2)
    modeFinancement: str = ""
    populationTotale: int = Field(ge=0)
    populationMunicipale: int = Field(ge=0)
    membres: list[_MemberIn] = Field(min_length=1)


class _CommuneIn(_Strict):
    code: str = Field(pattern=r"^[0-9][0-9AB][0-9]{3}$")
    nom: str = Field(min_length=1)
    type: str
    departement: str | None = None
    region: str | None = None
    siren: str | None = Field(default=None, pattern=r"^\d{9}$")
    population: int | None = Field(default=None, ge=0)
    codesPostaux: list[str] = Field(default_factory=list)


_Model = TypeVar("_Model", bound=BaseModel)


def package_version(data_dir: Path) -> str | None:
    """The version in the ``package.json`` next to ``data_dir``, if there is one."""
    manifest = data_dir.parent / "package.json"
    try:
        version = json.loads(read_whole(manifest, _MANIFEST_LIMIT).data).get("version")
    except (InputFileError, ValueError, AttributeError):
        return None
    return str(version) if version else None


def read_reference(
    data_dir: Path = DEFAULT_DATA_DIR,
    departements: Sequence[str] | None = None,
    vintage: int | None = None,
) -> ReferenceRecords:
    """Read, validate and cross-check the reference; keep only ``departements`` if given.

    Args:
        data_dir: the package's ``data/`` folder.
        departements: département codes to keep (``["15", "71"]``); None for all of France.
        vintage: the year the data describes; defaults from the package version.

    Raises:
        ReferenceDataError: a file is missing, truncated, not JSON, has an invalid entry
            (named by file, position and field), or the files disagree.
        InputError: an unknown département code was asked for, or the vintage is unknown.
    """
    if not data_dir.is_dir():
        raise ReferenceDataError(f"{data_dir} does not exist or is not a folder. {_SETUP_HINT}")
    version = package_version(data_dir) or "unknown"
    if vintage is None:
        vintage = VINTAGE_BY_VERSION.get(version)
        if vintage is None:
            raise InputError(
                f"The vintage (year) of {PACKAGE} version {version} in {data_dir} is not known. "
                f"Pass it explicitly, e.g. --vintage 2025 (known: {VINTAGE_BY_VERSION})."
            )
    regions_in = _read_list(data_dir / "regions.json", _RegionIn)
    departements_in = _read_list(data_dir / "departements.json", _DepartementIn)
    epcis_in = _read_list(data_dir / "epci.json", _EpciIn)
    communes_in = [
        c
        for c in _read_list(data_dir / "communes.json", _CommuneIn)
        if c.type == "commune-actuelle"
    ]

    _unique(data_dir / "regions.json", [r.code for r in regions_in])
    _unique(data_dir / "departements.json", [d.code for d in departements_in])
    _unique(data_dir / "epci.json", [e.code for e in epcis_in])
    _unique(data_dir / "communes.json", [c.code for c in communes_in])
    region_codes = {r.code for r in regions_in}
    departement_by_code = {d.code: d for d in departements_in}
    for d in departements_in:
        if d.region not in region_codes:
            raise ReferenceDataError(
                f"{data_dir / 'departements.json'}: département {d.code} names région "
                f"{d.region!r}, which regions.json does not have. {_SETUP_HINT}"
            )
    for c in communes_in:
        if c.departement not in departement_by_code:
            raise ReferenceDataError(
                f"{data_dir / 'communes.json'}: commune {c.code} ({c.nom}) names département "
                f"{c.departement!r}, which departements.json does not have. {_SETUP_HINT}"
            )

    epci_of = _epci_of_commune(data_dir, epcis_in, {c.code for c in communes_in})
    selected = _selected_departements(departements, departement_by_code)
    population_by_departement: Counter[str] = Counter()
    for c in communes_in:
        population_by_departement[str(c.departement)] += c.population or 0
    population_by_region: Counter[str] = Counter()
    for d in departements_in:
        population_by_region[d.region] += population_by_departement[d.code]

    kept_communes = [c for c in communes_in if c.departement in selected]
    departement_of_commune = {c.code: str(c.departement) for c in communes_in}
    kept_epci_codes = {epci_of[c.code] for c in kept_communes if c.code in epci_of}
    epci_departements: list[tuple[str, str, int]] = []
    for e in epcis_in:
        if e.code in kept_epci_codes:
            per_departement = Counter(departement_of_commune[m.code] for m in e.membres)
            epci_departements.extend(
                (e.code, d, n) for d, n in sorted(per_departement.items()) if d in selected
            )

    return ReferenceRecords(
        package=PACKAGE,
        version=version,
        vintage=vintage,
        departements_loaded=tuple(sorted(selected)),
        regions=tuple(
            RegionRecord(r.code, r.nom, population_by_region[r.code]) for r in regions_in
        ),
        departements=tuple(
            DepartementRecord(d.code, d.nom, d.region, population_by_departement[d.code])
            for d in departements_in
        ),
        epcis=tuple(
            EpciRecord(
                code=e.code,
                name=e.nom,
                epci_type=e.type,
                financing=e.modeFinancement,
                population=e.populationTotale,
                population_municipale=e.populationMunicipale,
                member_count=len(e.membres),
            )
            for e in epcis_in
            if e.code in kept_epci_codes
        ),
        communes=tuple(
            CommuneRecord(
                code=c.code,
                name=c.nom,
                siren=c.siren,
                population=c.population,
                postal_codes=tuple(c.codesPostaux),
                departement=str(c.departement),
                region=departement_by_code[str(c.departement)].region,
                epci=epci_of.get(c.code),
            )
            for c in kept_communes
        ),
        epci_departements=tuple(epci_departements),
    )


def _epci_of_commune(
    data_dir: Path, epcis_in: Sequence[_EpciIn], commune_codes: set[str]
) -> dict[str, str]:
    """commune code → the SIREN of its EPCI; every member a current commune, and in one EPCI."""
    epci_of: dict[str, str] = {}
    for e in epcis_in:
        for m in e.membres:
            if m.code not in commune_codes:
                raise ReferenceDataError(
                    f"{data_dir / 'epci.json'}: EPCI {e.code} ({e.nom}) lists member {m.code}, "
                    f"which is not a current commune in communes.json. {_SETUP_HINT}"
                )
            if m.code in epci_of and epci_of[m.code] != e.code:
                raise ReferenceDataError(
                    f"{data_dir / 'epci.json'}: commune {m.code} is a member of both "
                    f"{epci_of[m.code]} and {e.code}; a commune belongs to one EPCI."
                )
            epci_of[m.code] = e.code
    return epci_of


def _selected_departements(
    wanted: Sequence[str] | None, known: dict[str, _DepartementIn]
) -> set[str]:
    if wanted is None:
        return set(known)
    selected: set[str] = set()
    for raw in wanted:
        code = raw.strip().upper()
        if code.isdigit() and len(code) == 1:
            code = "0" + code  # "1" means Ain, "01"
        if code not in known:
            raise InputError(
                f"Unknown département code {raw!r}. Use official codes such as 15, 71, 2A or "
                f"974; the reference knows {len(known)}: {', '.join(sorted(known))}."
            )
        selected.add(code)
    if not selected:
        raise InputError("No département code given; pass e.g. --departements 15,71.")
    return selected


def _read_list(path: Path, model: type[_Model]) -> list[_Model]:
    try:
        text = read_whole(path, _REFERENCE_LIMIT).data.decode("utf-8")
    except InputFileError as error:
        raise ReferenceDataError(f"{error}. {_SETUP_HINT}") from None
    except UnicodeDecodeError as error:
        raise ReferenceDataError(
            f"{path} is not UTF-8 text (byte {error.start}). {_SETUP_HINT}"
        ) from None
    try:
        raw: Any = json.loads(text)
    except json.JSONDecodeError as error:
        what = "is truncated" if error.pos >= len(text.rstrip()) else "is not valid JSON"
        raise ReferenceDataError(
            f"{path} {what}: {error.msg} at line {error.lineno}, column {error.colno}. "
            f"{_SETUP_HINT}"
        ) from None
    if not isinstance(raw, list) or not raw:
        raise ReferenceDataError(
            f"{path} should hold a non-empty JSON array, not {type(raw).__name__}. {_SETUP_HINT}"
        )
    try:
        return TypeAdapter(list[model]).validate_python(raw)  # type: ignore[valid-type]
    except ValidationError as error:
        first = error.errors()[0]
        location = list(first["loc"])
        index = location[0] if location and isinstance(location[0], int) else None
        entry = raw[index] if isinstance(index, int) else None
        label = ""
        if isinstance(entry, dict):
            label = f" (code {entry.get('code')!r}, {entry.get('nom')!r})"
        field_path = ".".join(str(p) for p in location[1:]) or "(the entry)"
        more = error.error_count() - 1
        raise ReferenceDataError(
            f"{path}: entry {index}{label}, field {field_path}: {first['msg']} "
            f"(got {_short(first.get('input'))})"
            + (f"; and {more} more problem(s)" if more else "")
            + f". {_SETUP_HINT}"
        ) from None


def _unique(path: Path, codes: list[str]) -> None:
    seen: defaultdict[str, int] = defaultdict(int)
    for code in codes:
        seen[code] += 1
    duplicates = sorted(code for code, n in seen.items() if n > 1)
    if duplicates:
        raise ReferenceDataError(
            f"{path}: code(s) {', '.join(duplicates[:5])} appear more than once. {_SETUP_HINT}"
        )


def _short(value: object, limit: int = 120) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
