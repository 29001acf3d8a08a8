"""Generate a synthetic, France-scale set of partnership datasets (seeded, reproducible).

    .venv/bin/python bench/synthetic_partnerships.py OUT_DIR [--seed 2026] [--departements 15,71]

One dataset per département: its Caf, one EPCI partner and one CTG per EPCI (10 to 30
fiches actions over 3 to 5 axes, 2 to 4 themes each, signatories, a comité de pilotage,
an engineering funding), and one CEJ per commune of a third of the EPCI, succeeded by
the CTG. Every territory code is real (from the installed reference), so the files pass
`ctg validate` and load into a graph holding the reference.
"""

from __future__ import annotations

import random
from collections import defaultdict
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml

from graph.reference_store import ReferenceRecords
from loaders.datasets import Vocabularies
from loaders.reference import read_reference


def generate(records: ReferenceRecords, seed: int) -> dict[str, dict[str, Any]]:
    """Dataset documents keyed by file name, deterministic for a given seed."""
    rng = random.Random(seed)
    themes = sorted(Vocabularies.load().themes)
    communes_of: defaultdict[str, list[str]] = defaultdict(list)
    for commune in records.communes:
        if commune.epci:
            communes_of[commune.epci].append(commune.code)
    main_departement: dict[str, str] = {}
    for epci, departement, _count in sorted(records.epci_departements, key=lambda r: -r[2]):
        main_departement.setdefault(epci, departement)
    epcis_of: defaultdict[str, list[str]] = defaultdict(list)
    for epci in sorted(communes_of):
        if epci in main_departement:
            epcis_of[main_departement[epci]].append(epci)

    documents: dict[str, dict[str, Any]] = {}
    for departement, epcis in sorted(epcis_of.items()):
        dept = departement.lower()
        caf = f"synth-caf-{dept}"
        source = f"synth-source-{dept}"
        partners: list[dict[str, Any]] = [
            {"key": caf, "kind": "caf", "name": f"Caf synthétique {departement}",
             "serves": [{"territory": {"departement": departement}}]},
        ]  # fmt: skip
        contracts: list[dict[str, Any]] = []
        bodies: list[dict[str, Any]] = []
        fundings: list[dict[str, Any]] = []
        for epci in epcis:
            partner = f"synth-epci-{epci}"
            partners.append({
                "key": partner, "kind": "epci", "name": f"EPCI {epci}", "siren": epci,
                "governs": [{"territory": {"epci": epci}}],
            })  # fmt: skip
            start_year = rng.randint(2017, 2023)
            years = rng.choice([4, 5])
            ctg = f"synth-ctg-{epci}"
            total, axis_count = rng.randint(10, 30), rng.randint(3, 5)
            axes = []
            for axis_number in range(1, axis_count + 1):
                share = range(axis_number - 1, total, axis_count)  # fiche numbers of this axis
                actions = [
                    {"number": number + 1, "title": f"Fiche action synthétique {number + 1}",
                     "themes": rng.sample(themes, rng.randint(2, 4))}
                    for number in share
                ]  # fmt: skip
                axes.append(
                    {"number": axis_number, "title": f"Axe {axis_number}", "actions": actions}
                )
            relations = []
            if rng.random() < 1 / 3:
                for code in communes_of[epci]:
                    cej = f"synth-cej-{code.lower()}"
                    contracts.append({
                        "key": cej, "kind": "cej", "title": f"CEJ {code}", "status": "ended",
                        "start": f"{start_year - 4}-01-01", "end": f"{start_year - 1}-12-31",
                        "duration_years": 4,
                        "signatories": [{"partner": caf}],
                        "covers": [{"territory": {"commune": code}}],
                    })  # fmt: skip
                    relations.append({"type": "succeeds", "target": cej})
            contracts.append({
                "key": ctg, "kind": "ctg", "title": f"CTG {epci}", "status": "signed",
                "signed_on": f"{start_year}-03-15", "start": f"{start_year}-01-01",
                "end": f"{start_year + years - 1}-12-31", "duration_years": years,
                "signatories": [{"partner": caf, "role": "signataire"},
                                {"partner": partner, "role": "chef de file"}],
                "covers": [{"territory": {"epci": epci}}],
                "relations": relations,
                "axes": axes,
            })  # fmt: skip
            bodies.append({
                "key": f"synth-copil-{epci}", "kind": "comite-de-pilotage",
                "name": f"Comité de pilotage {epci}", "organisation": partner,
                "members": [{"partner": caf}, {"partner": partner}], "steers": [ctg],
            })  # fmt: skip
            fundings.append({
                "key": f"synth-ingenierie-{epci}", "payer": caf, "payee": partner,
                "amount": rng.randrange(10_000, 60_000, 500), "amount_qualifier": "at-most",
                "share": 0.5, "year": start_year - 1, "contracts": [ctg],
            })  # fmt: skip
        documents[f"synthetic-{dept}.yaml"] = {
            "format": "ctg-graph/dataset@1",
            "dataset": {"key": f"synthetic-{dept}", "title": f"Synthetic {departement}"},
            "default_source": source,
            "sources": [{"key": source, "title": f"Synthetic source {departement}"}],
            "partners": partners,
            "contracts": contracts,
            "bodies": bodies,
            "fundings": fundings,
        }
    return documents


def write(documents: dict[str, dict[str, Any]], out: Path) -> list[Path]:
    """Write the documents as YAML files in ``out``; return their paths."""
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, document in documents.items():
        path = out / name
        path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False))
        paths.append(path)
    return paths


def main(
    out: Path,
    seed: Annotated[int, typer.Option()] = 2026,
    departements: Annotated[str | None, typer.Option()] = None,
) -> None:
    codes = departements.split(",") if departements else None
    paths = write(generate(read_reference(departements=codes), seed), out)
    print(f"{len(paths)} dataset files written to {out}")


if __name__ == "__main__":
    typer.run(main)
