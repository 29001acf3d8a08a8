"""The GEXF 1.3 file of an export (Gephi 0.9.3 or later): attributes declared with their
type, the edge ``rel`` as the edge label and kind, and a dynamic graph (``mode="dynamic"``,
``timeformat="date"``) in which each contract and its edges carry a spell, the contract's
period, so that Gephi's timeline shows who was under contract when.

A contract's ``start`` and ``end`` are written as that spell's bounds, typed as dates
(GEXF 1.3 has no date *attribute* type, so they are not repeated as text attributes); an
open or unknown end is left out of the spell (GEXF then reads the period as running on),
and the attributes ``end_open`` / ``end_known`` say which. A contract with no date at all
has no spell: Gephi shows it at every time, and ``end_known`` is ``false``. The other
dates (narrow bounds, ``signed_on``) are ISO text attributes beside their ``*_precision``.
"""

from __future__ import annotations

import datetime
import xml.etree.ElementTree as ET

from analyses.exports.table import Scalar, Spell, Table, text
from analyses.exports.xml_tree import XSI_NAMESPACE, xml_bytes, xml_safe

GEXF_NAMESPACE = "http://gexf.net/1.3"
GEXF_VERSION = "1.3"
#: Node columns written as the spell's bounds rather than as attributes.
SPELL_COLUMNS = frozenset({"start", "end"})


def document(table: Table) -> bytes:
    """The GEXF document of ``table``."""
    root = ET.Element(
        "gexf",
        {
            "xmlns": GEXF_NAMESPACE,
            "xmlns:xsi": XSI_NAMESPACE,
            "xsi:schemaLocation": f"{GEXF_NAMESPACE} {GEXF_NAMESPACE}/gexf.xsd",
            "version": GEXF_VERSION,
        },
    )
    meta = ET.SubElement(root, "meta", lastmodifieddate=datetime.date.today().isoformat())
    ET.SubElement(meta, "creator").text = "ctg-graph"
    graph = ET.SubElement(
        root, "graph", defaultedgetype="directed", mode="dynamic", timeformat="date"
    )
    node_columns = [c for c in table.node_columns if c.name not in SPELL_COLUMNS]
    for element_class, columns in (("node", node_columns), ("edge", table.edge_columns)):
        declarations = ET.SubElement(
            graph, "attributes", {"class": element_class, "mode": "static"}
        )
        for column in columns:
            name = xml_safe(column.name)
            attribute = ET.SubElement(
                declarations, "attribute", id=name, title=name, type=column.type
            )
            if column.default is not None:
                ET.SubElement(attribute, "default").text = text(column.default)
    nodes = ET.SubElement(graph, "nodes")
    for node in table.nodes:
        element = ET.SubElement(nodes, "node", id=xml_safe(node.id), label=xml_safe(node.label))
        _spells(element, node.spell)
        values = {k: v for k, v in node.values.items() if k not in SPELL_COLUMNS}
        _values(element, values)
    edges = ET.SubElement(graph, "edges")
    for edge in table.edges:
        element = ET.SubElement(
            edges, "edge", id=edge.id, source=xml_safe(edge.source), target=xml_safe(edge.target)
        )
        if edge.rel:
            element.set("label", xml_safe(edge.rel))
            element.set("kind", xml_safe(edge.rel))
        _spells(element, edge.spell)
        _values(element, edge.values)
    return xml_bytes(root)


def _values(element: ET.Element, values: dict[str, Scalar]) -> None:
    if values:
        attvalues = ET.SubElement(element, "attvalues")
        for name, value in values.items():
            ET.SubElement(
                attvalues, "attvalue", {"for": xml_safe(name), "value": xml_safe(text(value))}
            )


def _spells(element: ET.Element, spell: Spell | None) -> None:
    if spell is None:
        return
    start, end = spell
    bounds = {name: day for name, day in (("start", start), ("end", end)) if day is not None}
    ET.SubElement(ET.SubElement(element, "spells"), "spell", bounds)
