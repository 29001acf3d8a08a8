"""The GEXF 1.3 file of an export (Gephi 0.9.3 or later): attributes declared with their
type, the edge ``rel`` as the edge label and kind."""

from __future__ import annotations

import datetime
import xml.etree.ElementTree as ET

from analyses.exports.table import Scalar, Table, text
from analyses.exports.xml_tree import XSI_NAMESPACE, xml_bytes, xml_safe

GEXF_NAMESPACE = "http://gexf.net/1.3"
GEXF_VERSION = "1.3"


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
    graph = ET.SubElement(root, "graph", defaultedgetype="directed", mode="static")
    for element_class, columns in (("node", table.node_columns), ("edge", table.edge_columns)):
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
        _values(element, node.values)
    edges = ET.SubElement(graph, "edges")
    for edge in table.edges:
        element = ET.SubElement(
            edges, "edge", id=edge.id, source=xml_safe(edge.source), target=xml_safe(edge.target)
        )
        if edge.rel:
            element.set("label", xml_safe(edge.rel))
            element.set("kind", xml_safe(edge.rel))
        _values(element, edge.values)
    return xml_bytes(root)


def _values(element: ET.Element, values: dict[str, Scalar]) -> None:
    if values:
        attvalues = ET.SubElement(element, "attvalues")
        for name, value in values.items():
            ET.SubElement(
                attvalues, "attvalue", {"for": xml_safe(name), "value": xml_safe(text(value))}
            )
