"""The GraphML file of an export: every key declared (``for``, ``attr.name``,
``attr.type``), with ids taken from the attribute names rather than numbered, since
Gephi reads the keys ``d3`` and ``d7`` as the node and edge labels (yEd's ids)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from analyses.exports.table import Column, Scalar, Table, text
from analyses.exports.xml_tree import XSI_NAMESPACE, xml_bytes, xml_safe

GRAPHML_NAMESPACE = "http://graphml.graphdrawing.org/xmlns"


def document(table: Table) -> bytes:
    """The GraphML document of ``table``."""
    root = ET.Element(
        "graphml",
        {
            "xmlns": GRAPHML_NAMESPACE,
            "xmlns:xsi": XSI_NAMESPACE,
            "xsi:schemaLocation": (f"{GRAPHML_NAMESPACE} {GRAPHML_NAMESPACE}/1.0/graphml.xsd"),
        },
    )
    taken: set[str] = set()
    key_ids: dict[str, dict[str, str]] = {"node": {}, "edge": {}}
    label = Column("label", "string", None)
    for element_class, columns in (
        ("node", [label, *table.node_columns]),
        ("edge", [label, *table.edge_columns]),
    ):
        for column in columns:
            key_id = re.sub(r"[^\w.-]", "_", xml_safe(column.name))
            while key_id in taken:
                key_id = f"{element_class}_{key_id}"
            taken.add(key_id)
            key_ids[element_class][column.name] = key_id
            key = ET.SubElement(
                root,
                "key",
                {
                    "id": key_id,
                    "for": element_class,
                    "attr.name": xml_safe(column.name),
                    "attr.type": column.type,
                },
            )
            if column.default is not None:
                ET.SubElement(key, "default").text = text(column.default)
    graph = ET.SubElement(root, "graph", id="G", edgedefault="directed")
    for node in table.nodes:
        element = ET.SubElement(graph, "node", id=xml_safe(node.id))
        _values(element, key_ids["node"], {"label": node.label, **node.values})
    for edge in table.edges:
        element = ET.SubElement(
            graph, "edge", id=edge.id, source=xml_safe(edge.source), target=xml_safe(edge.target)
        )
        labelled = {"label": edge.rel} if edge.rel else {}
        _values(element, key_ids["edge"], {**labelled, **edge.values})
    return xml_bytes(root)


def _values(element: ET.Element, key_ids: dict[str, str], values: dict[str, Scalar]) -> None:
    for name, value in values.items():
        ET.SubElement(element, "data", key=key_ids[name]).text = xml_safe(text(value))
