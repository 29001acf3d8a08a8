"""Facts curated through the API, written back as a dataset fragment (``ctg export
curated``, the ``curatedFacts`` query), so that curators can move them into files.

:func:`curated_fragment` turns the rows of :func:`graph.curated_reads.curated_rows` into
YAML text in the dataset format (docs/dataset-format.md), the inverse of
:mod:`loaders.dataset_graph`:

* each curated node that is an entry of its own (a source, partner, person,
  sub-territory, contract, body, funding) is an entry of its section, with the curated
  links the format writes in it (a partner's ``serves``, a contract's ``signatories``, a
  curated contract's axes and fiches actions…) and its provenance (``source``,
  ``certainty``, ``reason``, ``inferred_fields``). This part is a valid dataset of its
  own (key ``curated-facts``), to check with the files it refers to (``ctg validate
  <datasets> curated.yaml``), and its entries can be pasted into a dataset file;
* a curated link written in an entry of a **dataset file** (a signature on a file's
  contract, a theme on its fiche action, an axis added to it) cannot be an entry here:
  it follows, commented out, under the dataset and entry it belongs to, ready to be
  uncommented into that entry of that file.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import yaml

from domain.vocabulary import KIND_OF_LABEL, RELATIONSHIP_TYPE
from graph.curated_reads import CuratedRows
from loaders.curation.fundings import FUNDING_FIELDS
from loaders.dataset_format import FORMAT
from loaders.date_properties import stored_value

#: The dataset key of the exported fragment.
FRAGMENT_KEY = "curated-facts"

#: Section of the dataset format holding each label's entries.
_SECTION = {
    "Source": "sources",
    "Partner": "partners",
    "Person": "people",
    "SubTerritory": "sub_territories",
    "Contract": "contracts",
    "Body": "bodies",
    "Funding": "fundings",
}
_RELATION = {rel_type: relation.value for relation, rel_type in RELATIONSHIP_TYPE.items()}
#: Relationships the format does not write (they follow from an entry's fields).
_IMPLIED = {"SOURCED_FROM", "OF_KIND"}


@dataclass(frozen=True)
class CuratedFragment:
    """The export: YAML text, and how many curated facts it holds."""

    text: str
    #: curated nodes and relationships written (implied ones, such as a node's source
    #: link, not counted)
    count: int
    #: of which: links to add to entries of dataset files (commented out in ``text``)
    additions: int


def curated_fragment(rows: CuratedRows, exported_on: dt.date | None = None) -> CuratedFragment:
    """The dataset fragment of every curated fact in ``rows``.

    >>> rows = CuratedRows(
    ...     [{"label": "Partner", "key": "msa", "props": {"name": "MSA", "kind": "msa",
    ...       "sources": ["article"], "certainty": "stated", "dataset": "curation"}}],
    ...     [{"type": "SIGNED", "startLabel": "Partner", "startKey": "msa",
    ...       "startDataset": "curation", "endLabel": "Contract", "endKey": "ctg-1",
    ...       "endDataset": "ctg-set", "props": {"role": "partenaire", "source": "article",
    ...       "certainty": "stated"}}])
    >>> fragment = curated_fragment(rows, dt.date(2026, 12, 1))
    >>> (fragment.count, fragment.additions)
    (2, 1)
    >>> print(fragment.text.split("partners:")[1])  # doctest: +NORMALIZE_WHITESPACE
    - key: msa
      kind: msa
      name: MSA
      source: article
    # Curated links on entries of dataset files: uncomment each under its entry there.
    # dataset ctg-set, contracts: entry ctg-1
    #   signatories:
    #   - partner: msa
    #     role: partenaire
    #     source: article
    """
    builder = _Builder(rows)
    document: dict[str, Any] = {
        "format": FORMAT,
        "dataset": {
            "key": FRAGMENT_KEY,
            "title": "Faits ajoutés par l'API (curation)",
            **({"updated": exported_on} if exported_on else {}),
        },
    }
    document.update(builder.sections())
    head = (
        f"# {builder.count} fact(s) added through the API (dataset 'curation'), exported by "
        "ctg-graph.\n# Paste the entries of each section into a dataset file (or keep this "
        "file as a dataset); see docs/dataset-format.md.\n"
    )
    text = head + yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=100)
    if builder.additions:
        text += builder.additions_text()
    return CuratedFragment(text, builder.count, builder.addition_count)


def _native(value: Any) -> Any:
    return value.to_native() if hasattr(value, "to_native") else value


def _fact(props: dict[str, Any], source: Any = None) -> dict[str, Any]:
    """The provenance fields of a fact from its graph properties."""
    out: dict[str, Any] = {}
    sources = props.get("sources")
    source = source or props.get("source") or (sources[0] if sources else None)
    if source:
        out["source"] = source
    if props.get("certainty") and props["certainty"] != "stated":
        out["certainty"] = props["certainty"]
    if props.get("reason"):
        out["reason"] = props["reason"]
    inferred = props.get("inferredFields") or []
    if inferred:
        out["inferred_fields"] = dict(item.split(": ", 1) for item in inferred if ": " in item)
    return out


def _fields(props: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    """``names`` (format field → graph property) of ``props`` that have a value."""
    out: dict[str, Any] = {}
    for field, prop in names.items():
        value = stored_value(props, prop)
        if value not in (None, [], ""):
            out[field] = list(value) if isinstance(value, tuple) else value
    return out


def _territory(label: str, code: str) -> dict[str, str]:
    return {KIND_OF_LABEL[label].value: code}


class _Builder:
    def __init__(self, rows: CuratedRows) -> None:
        self.nodes = {(n["label"], n["key"]): n for n in rows.nodes}
        self.count = len(rows.nodes)
        #: curated links by the entry the format writes them in: (label, key) → rows
        self.links: defaultdict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
        #: dataset of each entry of a dataset file that curated links are added to
        self.owner: dict[tuple[str, str], str] = {}
        for rel in rows.relationships:
            if rel["type"] in _IMPLIED:
                continue
            self.count += 1
            at_end = rel["type"] in {"SIGNED", "LEADS", "FUNDS", "MEMBER_OF"}
            side = "end" if at_end else "start"
            entry = (rel[side + "Label"], rel[side + "Key"])
            self.links[entry].append(rel)
            self.owner[entry] = str(rel[side + "Dataset"])
        self.additions: dict[tuple[str, str], dict[str, Any]] = {}
        self.addition_count = 0

    def sections(self) -> dict[str, list[dict[str, Any]]]:
        out: dict[str, list[dict[str, Any]]] = {}
        for (label, key), node in sorted(self.nodes.items()):
            section = _SECTION.get(label)
            if section is not None:
                out.setdefault(section, []).append(self._entry(label, key, node["props"]))
        # curated links (and curated axes, actions) on entries of dataset files
        for (label, key), links in sorted(self.links.items()):
            if (label, key) in self.nodes or label not in {*_SECTION, "Axis", "Action"}:
                continue
            extra = self._links(label, key, links)
            if extra:
                self.additions[(label, key)] = extra
        return out

    def _entry(self, label: str, key: str, props: dict[str, Any]) -> dict[str, Any]:
        fields = _ENTRY_FIELDS.get(label, {})
        # an axis is named by its number in its contract
        entry = ({} if label == "Axis" else {"key": key}) | _fields(props, fields)
        entry.update(self._links(label, key, self.links.get((label, key), [])))
        entry.update(_fact(props) if label != "Source" else {})
        return entry

    def _links(self, label: str, key: str, links: list[dict[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for rel in links:
            props, rtype = rel["props"], rel["type"]
            fact = _fact(props)
            end = (rel["endLabel"], rel["endKey"])
            if rtype in {"GOVERNS", "SERVES", "COVERS"}:
                name = {"GOVERNS": "governs", "SERVES": "serves", "COVERS": "covers"}[rtype]
                out.setdefault(name, []).append({"territory": _territory(*end), **fact})
            elif rtype == "HOLDS_POST":
                post = _fields(props, {"title": "title", "role": "role", "as_of": "asOf"})
                out.setdefault("posts", []).append({**post, "organisation": end[1], **fact})
            elif rtype == "PART_OF":
                out["part_of"] = _territory(*end)
            elif rtype == "INCLUDES":
                out.setdefault("communes", []).append(end[1])
            elif rtype == "SIGNED" and rel["startLabel"] == "Partner":
                signed = _fields(props, {"role": "role", "signed_on": "signedOn"})
                people = [
                    r["startKey"]
                    for r in links
                    if r["type"] == "SIGNED"
                    and r["startLabel"] == "Person"
                    and r["props"].get("onBehalfOf") == rel["startKey"]
                ]
                signatory = {"partner": rel["startKey"], **signed}
                if people:
                    signatory["people"] = people
                out.setdefault("signatories", []).append({**signatory, **fact})
            elif rtype in _RELATION:
                out.setdefault("relations", []).append(
                    {"type": _RELATION[rtype], "target": end[1], **fact}
                )
            elif rtype in {"LEADS", "FUNDS"}:
                if label == "Action" and rtype == "LEADS":
                    out["lead"] = rel["startKey"]
                else:
                    name = "leads" if rtype == "LEADS" else "funders"
                    out.setdefault(name, []).append(rel["startKey"])
            elif rtype == "ADDRESSES":
                out.setdefault("themes", []).append(end[1])
            elif rtype in {"HAS_AXIS", "HAS_ACTION"}:
                self._child(out, label, rtype, end)
            else:
                self._funding_or_body_link(out, rel, end)
        return out

    def _child(self, out: dict[str, Any], label: str, rtype: str, end: tuple[str, str]) -> None:
        node = self.nodes.get(end)
        if node is None:
            return  # a link between two facts of a file: the file states it already
        if rtype == "HAS_AXIS":
            out.setdefault("axes", []).append(self._entry("Axis", end[1], node["props"]))
            return
        under_axis = any(
            r["type"] == "HAS_ACTION" and r["startLabel"] == "Axis"
            for links in self.links.values()
            for r in links
            if r["endKey"] == end[1]
        )
        if label == "Contract" and under_axis:
            return  # written under its axis
        out.setdefault("actions", []).append(self._entry("Action", end[1], node["props"]))

    @staticmethod
    def _funding_or_body_link(out: dict[str, Any], rel: dict[str, Any], end: Any) -> None:
        rtype = rel["type"]
        single = {"PAID_BY": "payer", "PAID_TO": "payee", "SHARE_OF": "share_of"}
        if rtype in single:
            out[single[rtype]] = end[1]
        elif rtype == "ON_TERRITORY":
            out["territory"] = _territory(*end)
        elif rtype in {"CONCERNS", "STEERS"}:
            out.setdefault("contracts" if rtype == "CONCERNS" else "steers", []).append(end[1])
        elif rtype == "BELONGS_TO":
            out["organisation"] = end[1]
        elif rtype == "MEMBER_OF":
            member = {rel["startLabel"].lower(): rel["startKey"]}
            member.update(_fields(rel["props"], {"role": "role"}))
            out.setdefault("members", []).append({**member, **_fact(rel["props"])})

    def additions_text(self) -> str:
        lines = [
            "# Curated links on entries of dataset files: uncomment each under its entry there."
        ]
        for (label, key), extra in sorted(self.additions.items()):
            section = _SECTION.get(label) or ("contracts (axes)" if label == "Axis" else "actions")
            dataset = self.owner.get((label, key), "?")
            lines.append(f"# dataset {dataset}, {section}: entry {key}")
            self.addition_count += sum(len(v) if isinstance(v, list) else 1 for v in extra.values())
            body = yaml.safe_dump(extra, allow_unicode=True, sort_keys=False, width=100)
            lines.extend(f"#   {line}" for line in body.splitlines())
        return "\n".join(lines) + "\n"


_ENTRY_FIELDS: dict[str, dict[str, str]] = {
    "Source": {
        "title": "title",
        "publisher": "publisher",
        "date": "date",
        "url": "url",
        "file": "file",
        "note": "note",
    },
    "Partner": {"kind": "kind", "name": "name", "siren": "siren", "aliases": "aliases"},
    "Person": {"name": "name"},
    "SubTerritory": {"name": "name", "aliases": "aliases"},
    "Contract": {
        "kind": "kind",
        "title": "title",
        "aliases": "aliases",
        "status": "status",
        "status_as_of": "statusAsOf",
        "signed_on": "signedOn",
        "start": "start",
        "end": "end",
        "duration_years": "durationYears",
    },
    "Axis": {"number": "number", "title": "title"},
    "Action": {"number": "number", "title": "title"},
    "Body": {"kind": "kind", "name": "name", "mission": "mission"},
    "Funding": FUNDING_FIELDS,
}
