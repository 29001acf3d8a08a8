"""Exports of a coverage graph (:mod:`analyses.model`) that open in Gephi: GEXF 1.3,
GraphML, or a pair of CSV tables for Gephi's spreadsheet import.

The caller passes the graph to export (the whole graph or a scope's subgraph) and,
optionally, extra attributes per node id (e.g. the coverage of each commune on a date:
``covered``, ``contracts``, ``themes``, ``share_population``).

What every format carries
-------------------------
* Nodes: their id (``"<kind>:<key>"``), their ``label`` as the node label Gephi shows,
  ``kind`` as an attribute on every node (to colour by partition), then their other
  attributes and the extra ones. A node that only exists as an edge end (no attributes)
  gets the kind of its id prefix and its id as label.
* Edges: an id (``e0``, ``e1``… in the order of the export, so parallel edges of the
  ``MultiDiGraph`` stay distinct), ``rel`` as an attribute, and ``rel`` again as the
  edge label and as the edge *kind*, which Gephi uses to keep parallel edges apart
  (GEXF ``kind``, CSV ``Kind``). Gephi holds parallel edges only when their kinds
  differ and merges the others on import (its "edges merge strategy"): parallel edges of
  the same ``rel`` are merged whatever the format, and all parallel edges read from
  GraphML, which has no edge kind. The files themselves keep every edge.

Attribute values and types
--------------------------
GEXF and GraphML declare one type per attribute, so values are normalised first:

* ``None`` and non-finite floats are left out (the attribute is missing on that node);
  dates become ISO strings (``2017-01-01``); lists and tuples become their items joined
  with ``;`` (sets sorted first); anything else that is not bool, int, float or str
  becomes its ``str()``.
* An attribute's type is that of its values across all nodes (or all edges) that have
  it: all bool → ``boolean``; all int → ``long``; ints and floats → ``double`` (ints
  written as floats); all str → ``string``; any other mix (say int and str, or bool and
  int) → ``string``, every value written as text (booleans as ``true``/``false``).
* Extra attributes (``node_attributes``) are declared for every node with a default
  where a node lacks one: ``false``, ``0`` or ``0.0`` by type. A string extra has no
  declared default: an empty GEXF/GraphML default reads back as the text ``None`` in
  networkx and is ignored by Gephi, so a node without it simply has no value (an empty
  cell in CSV). Graph attributes get no default: a contract has no population.
* Names that Gephi or a format reads as something else, or that repeat another name
  but for case, get the suffix ``_value`` (``size`` → ``size_value``), the same in every
  format. On nodes: ``id``, ``label``, ``kind``, ``pid``, ``x``, ``y``, ``z``, ``xpos``,
  ``ypos``, ``size``, ``r``, ``g``, ``b``, ``d3``, ``timeset``, ``interval``,
  ``timestamp``; on edges: ``id``, ``label``, ``kind``, ``type``, ``source``, ``target``,
  ``weight``, ``edge weight``, ``edgelabel``, ``edgeid``, ``r``, ``g``, ``b``, ``d7``,
  ``timeset``, ``interval``, ``timestamp`` (any case). ``kind`` and ``label`` cannot be
  set through ``node_attributes``: they define the node.

Why not ``networkx.write_gexf`` / ``write_graphml``
-------------------------------------------------
Both writers are fine for networkx, but Gephi reads their output differently than
intended: ``write_gexf`` turns node attributes named ``start``/``end`` (a contract's
dates) into a dynamic time interval, writes GEXF 1.3 with a wrong XML Schema namespace,
has no way to set the edge ``kind`` and declares each attribute with the type of the
first value it meets; ``write_graphml`` numbers its keys ``d0``, ``d1``… and Gephi's
GraphML importer reads a node key with id ``d3`` as the node label and an edge key
``d7`` as the edge label (yEd's ids). The files written here follow the GEXF 1.3 and
GraphML specifications and read back with ``networkx.read_gexf`` / ``read_graphml``.

Files are written atomically: into a temporary file of the destination folder, renamed
over the destination once complete, so a failed export leaves any previous file as it
was and no partial file behind.
"""

from __future__ import annotations

import csv
import datetime
import io
import math
import os
import re
import secrets
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, get_args

from analyses.model import PartnershipGraph
from domain.errors import InputError
from domain.vocabulary import split_node_id

ExportFormat = Literal["gexf", "graphml", "csv"]
EXPORT_FORMATS: tuple[str, ...] = get_args(ExportFormat)

GEXF_NAMESPACE = "http://gexf.net/1.3"
GEXF_VERSION = "1.3"
GRAPHML_NAMESPACE = "http://graphml.graphdrawing.org/xmlns"
_XSI_NAMESPACE = "http://www.w3.org/2001/XMLSchema-instance"

Scalar = bool | int | float | str
AttributeType = Literal["boolean", "long", "double", "string"]

#: Node attribute names read specially by Gephi (GEXF, GraphML or spreadsheet import).
_RESERVED_NODE_NAMES = frozenset(
    {"id", "label", "kind", "pid", "x", "y", "z", "xpos", "ypos", "size", "r", "g", "b"}
    | {"d3", "timeset", "interval", "timestamp"}
)
#: Edge attribute names read specially by Gephi (``rel`` itself is exported as is).
_RESERVED_EDGE_NAMES = frozenset(
    {"id", "label", "kind", "type", "source", "target", "weight", "edge weight"}
    | {"edgelabel", "edgeid", "r", "g", "b", "d7", "timeset", "interval", "timestamp"}
)
_DEFAULT_BY_TYPE: dict[AttributeType, Scalar | None] = {
    "boolean": False,
    "long": 0,
    "double": 0.0,
    "string": None,
}
_INT64 = 2**63
#: Characters XML 1.0 does not allow (Gephi's parser stops on them).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True)
class _Column:
    name: str
    type: AttributeType
    default: Scalar | None


@dataclass(frozen=True)
class _Node:
    id: str
    label: str
    values: dict[str, Scalar]


@dataclass(frozen=True)
class _Edge:
    id: str
    source: str
    target: str
    rel: str
    values: dict[str, Scalar]


@dataclass(frozen=True)
class _Table:
    node_columns: list[_Column]
    nodes: list[_Node]
    edge_columns: list[_Column]
    edges: list[_Edge]


def export_graph(
    g: PartnershipGraph,
    destination: Path,
    fmt: ExportFormat,
    node_attributes: Mapping[str, Mapping[str, Any]] | None = None,
) -> list[Path]:
    """Write ``g`` to ``destination`` in ``fmt`` for Gephi and return the paths written.

    Parameters
    ----------
    g : networkx.MultiDiGraph
        A coverage graph (:mod:`analyses.model`), whole or a scope's subgraph.
    destination : Path
        The file to write (``.../scope.gexf``). For ``csv``, two files are written next
        to it, named from its stem: ``<stem>-nodes.csv`` and ``<stem>-edges.csv``.
    fmt : {"gexf", "graphml", "csv"}
        ``gexf``: GEXF 1.3 (Gephi 0.9.3 or later), attributes declared with their type.
        ``graphml``: GraphML with every key declared (``for``, ``attr.name``,
        ``attr.type``). ``csv``: UTF-8 tables with the headers Gephi's spreadsheet
        import recognises: nodes ``Id``, ``Label``, ``kind`` then the other attributes
        sorted; edges ``Source``, ``Target``, ``Label`` (the ``rel``), ``Kind`` (the
        ``rel`` again, so parallel edges stay apart), ``Type`` (``Directed``; Gephi reads
        this column as the direction, not as a relationship type), ``Id``, then ``rel``
        and the other edge attributes sorted. Gephi's import wizard guesses column types:
        keep ``code`` as a string there, or codes lose their leading zero.
    node_attributes : mapping of node id to mapping of name to value, optional
        Extra attributes per node; nodes not in ``g`` are ignored, so the coverage of a
        whole département can be passed with a scope's subgraph. A name also used by the
        graph replaces the graph's value. See the module docstring for types and
        defaults.

    Returns
    -------
    list of Path
        The files written (one, or two for ``csv``).

    Raises
    ------
    InputError
        ``fmt`` is not a known format, ``node_attributes`` tries to set ``kind`` or
        ``label``, or the destination cannot be written (missing or read-only folder, a
        folder in place of the file, disk full); no file is left half-written.

    Examples
    --------
    >>> import tempfile
    >>> from analyses.model import add_commune, add_epci, new_graph
    >>> g = new_graph()
    >>> epci = add_epci(g, "200066660", "Saint-Flour Communauté")
    >>> commune = add_commune(g, "15187", "Saint-Flour", population=6500, epci="200066660")
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     paths = export_graph(
    ...         g, Path(folder) / "saint-flour.csv", "csv", {commune: {"covered": True}}
    ...     )
    ...     print([path.name for path in paths])
    ...     print(paths[0].read_text(encoding="utf-8"))
    ['saint-flour-nodes.csv', 'saint-flour-edges.csv']
    Id,Label,kind,code,covered,epci,epci_type,population
    commune:15187,Saint-Flour,commune,15187,true,200066660,,6500
    epci:200066660,Saint-Flour Communauté,epci,200066660,false,,,0
    <BLANKLINE>
    """
    if fmt not in EXPORT_FORMATS:
        raise InputError(
            f"Unknown export format {fmt!r}. Choose one of: {', '.join(EXPORT_FORMATS)}."
        )
    extras = _checked_node_attributes(node_attributes or {})
    paths = _output_paths(Path(destination), fmt)
    _check_destination(paths, fmt)
    table = _flatten(g, extras)
    if fmt == "gexf":
        files = [(paths[0], _gexf(table))]
    elif fmt == "graphml":
        files = [(paths[0], _graphml(table))]
    else:
        files = [(paths[0], _csv_nodes(table)), (paths[1], _csv_edges(table))]
    _write_atomically(files, fmt)
    return paths


# --- checks ----------------------------------------------------------------------------


def _checked_node_attributes(
    node_attributes: Mapping[str, Mapping[str, Any]],
) -> Mapping[str, Mapping[str, Any]]:
    for node, attributes in node_attributes.items():
        for name in attributes:
            if not isinstance(name, str) or not name:
                raise InputError(
                    f"node_attributes[{node!r}] has the attribute name {name!r}: "
                    "names must be non-empty strings."
                )
            if name in ("kind", "label"):
                raise InputError(
                    f"node_attributes[{node!r}] sets {name!r}, which defines the node in every "
                    "export. Give the extra attribute another name."
                )
    return node_attributes


def _output_paths(destination: Path, fmt: str) -> list[Path]:
    if fmt != "csv":
        return [destination]
    stem = destination.stem if destination.suffix else destination.name
    return [destination.with_name(f"{stem}-{table}.csv") for table in ("nodes", "edges")]


def _check_destination(paths: list[Path], fmt: str) -> None:
    for path in paths:
        folder = path.parent
        if path.is_dir():
            raise InputError(
                f"Cannot write the {fmt} export to {path}: it is a folder. Give a file name "
                f"inside it (e.g. {path / ('graph.' + fmt)})."
            )
        if not folder.is_dir():
            what = "is not a folder" if folder.exists() else "does not exist"
            raise InputError(
                f"Cannot write the {fmt} export to {path}: the folder {folder} {what}. "
                "Create it or choose another destination; nothing was written."
            )
        if not os.access(folder, os.W_OK | os.X_OK):
            raise InputError(
                f"Cannot write the {fmt} export to {path}: the folder {folder} is not "
                "writable. Choose a folder you can write to; nothing was written."
            )


# --- one flat table of typed values --------------------------------------------------


def _flatten(g: PartnershipGraph, extras: Mapping[str, Mapping[str, Any]]) -> _Table:
    node_rows: list[dict[str, Scalar]] = []
    labels: list[str] = []
    for node in sorted(g.nodes, key=str):
        data = {**g.nodes[node], **extras.get(node, {})}
        label = data.pop("label", None)
        kind = data.pop("kind", None) or split_node_id(str(node))[0]
        labels.append(str(node) if label is None else str(label))
        node_rows.append({"kind": str(kind), **_scalars(data)})
    extra_types: dict[str, set[AttributeType]] = {}
    for attributes in extras.values():
        for name in attributes:
            extra_types.setdefault(name, set())
        for name, value in _scalars(attributes).items():
            extra_types[name].add(_type_of(value))
    node_columns, node_values = _typed_columns(node_rows, "kind", _RESERVED_NODE_NAMES, extra_types)
    nodes = [
        _Node(str(node), label, values)
        for node, label, values in zip(sorted(g.nodes, key=str), labels, node_values, strict=True)
    ]

    ends: list[tuple[str, str]] = []
    edge_rows: list[dict[str, Scalar]] = []
    # a stable sort keeps parallel edges in the graph's order
    for source, target, data in sorted(g.edges(data=True), key=lambda e: (str(e[0]), str(e[1]))):
        ends.append((str(source), str(target)))
        edge_rows.append({**_scalars(data), "rel": str(data.get("rel") or "")})
    edge_columns, edge_values = _typed_columns(edge_rows, "rel", _RESERVED_EDGE_NAMES, {})
    edges = [
        _Edge(f"e{index}", source, target, str(values["rel"]), values)
        for index, ((source, target), values) in enumerate(zip(ends, edge_values, strict=True))
    ]
    return _Table(node_columns, nodes, edge_columns, edges)


def _typed_columns(
    rows: list[dict[str, Scalar]],
    first: str,
    reserved: frozenset[str],
    extra_types: Mapping[str, set[AttributeType]],
) -> tuple[list[_Column], list[dict[str, Scalar]]]:
    """The columns of ``rows`` (``first``, then sorted) and each row's values under its
    column's exported name and type; ``extra_types`` name the columns with a default."""
    types: dict[str, set[AttributeType]] = {name: set(t) for name, t in extra_types.items()}
    types.setdefault(first, set())
    for values in rows:
        for name, value in values.items():
            types.setdefault(name, set()).add(_type_of(value))
    exported = _export_names(types, reserved, first)
    order = sorted(types, key=lambda name: (name != first, exported[name]))
    kinds = {name: _common_type(types[name] or {"string"}) for name in order}
    columns = [
        _Column(exported[name], kinds[name], _DEFAULT_BY_TYPE[kinds[name]])
        if name in extra_types
        else _Column(exported[name], kinds[name], None)
        for name in order
    ]
    typed = [
        {exported[name]: _as(values[name], kinds[name]) for name in order if name in values}
        for values in rows
    ]
    return columns, typed


def _scalars(data: Mapping[str, Any]) -> dict[str, Scalar]:
    values: dict[str, Scalar] = {}
    for name, value in data.items():
        scalar = _scalar(value)
        if scalar is not None:
            values[str(name)] = scalar
    return values


def _scalar(value: object) -> Scalar | None:
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int):
        return value if -_INT64 <= value < _INT64 else str(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, set | frozenset):
        return ";".join(sorted(str(item) for item in value if item is not None))
    if isinstance(value, list | tuple):
        return ";".join(str(item) for item in value if item is not None)
    return str(value)


def _type_of(value: Scalar) -> AttributeType:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "long"
    if isinstance(value, float):
        return "double"
    return "string"


def _common_type(types: set[AttributeType]) -> AttributeType:
    if len(types) == 1:
        return next(iter(types))
    if types == {"long", "double"}:
        return "double"
    return "string"


def _export_names(names: Iterable[str], reserved: frozenset[str], keep: str) -> dict[str, str]:
    """Map each attribute name to the name it is exported under (see the module doc)."""
    renamed = {keep: keep}
    taken = {keep.lower()}
    for name in sorted(set(names) - {keep}):
        exported = name
        while exported.lower() in reserved or exported.lower() in taken:
            exported += "_value"
        renamed[name] = exported
        taken.add(exported.lower())
    return renamed


def _as(value: Scalar, kind: AttributeType) -> Scalar:
    if kind == "string":
        return _text(value)
    if kind == "double":
        return float(value)
    return value


def _text(value: Scalar) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


# --- writers -------------------------------------------------------------------------


def _xml(text: str) -> str:
    return _NOT_XML.sub("", text)


def _xml_bytes(root: ET.Element) -> bytes:
    ET.indent(root)
    out = io.BytesIO()
    ET.ElementTree(root).write(out, encoding="UTF-8", xml_declaration=True)
    return out.getvalue() + b"\n"


def _gexf(table: _Table) -> bytes:
    root = ET.Element(
        "gexf",
        {
            "xmlns": GEXF_NAMESPACE,
            "xmlns:xsi": _XSI_NAMESPACE,
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
            name = _xml(column.name)
            attribute = ET.SubElement(
                declarations, "attribute", id=name, title=name, type=column.type
            )
            if column.default is not None:
                ET.SubElement(attribute, "default").text = _text(column.default)
    nodes = ET.SubElement(graph, "nodes")
    for node in table.nodes:
        element = ET.SubElement(nodes, "node", id=_xml(node.id), label=_xml(node.label))
        _gexf_values(element, node.values)
    edges = ET.SubElement(graph, "edges")
    for edge in table.edges:
        element = ET.SubElement(
            edges, "edge", id=edge.id, source=_xml(edge.source), target=_xml(edge.target)
        )
        if edge.rel:
            element.set("label", _xml(edge.rel))
            element.set("kind", _xml(edge.rel))
        _gexf_values(element, edge.values)
    return _xml_bytes(root)


def _gexf_values(element: ET.Element, values: dict[str, Scalar]) -> None:
    if values:
        attvalues = ET.SubElement(element, "attvalues")
        for name, value in values.items():
            ET.SubElement(attvalues, "attvalue", {"for": _xml(name), "value": _xml(_text(value))})


def _graphml(table: _Table) -> bytes:
    root = ET.Element(
        "graphml",
        {
            "xmlns": GRAPHML_NAMESPACE,
            "xmlns:xsi": _XSI_NAMESPACE,
            "xsi:schemaLocation": (f"{GRAPHML_NAMESPACE} {GRAPHML_NAMESPACE}/1.0/graphml.xsd"),
        },
    )
    taken: set[str] = set()
    key_ids: dict[str, dict[str, str]] = {"node": {}, "edge": {}}
    label = _Column("label", "string", None)
    for element_class, columns in (
        ("node", [label, *table.node_columns]),
        ("edge", [label, *table.edge_columns]),
    ):
        for column in columns:
            key_id = re.sub(r"[^\w.-]", "_", _xml(column.name))
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
                    "attr.name": _xml(column.name),
                    "attr.type": column.type,
                },
            )
            if column.default is not None:
                ET.SubElement(key, "default").text = _text(column.default)
    graph = ET.SubElement(root, "graph", id="G", edgedefault="directed")
    for node in table.nodes:
        element = ET.SubElement(graph, "node", id=_xml(node.id))
        _graphml_values(element, key_ids["node"], {"label": node.label, **node.values})
    for edge in table.edges:
        element = ET.SubElement(
            graph, "edge", id=edge.id, source=_xml(edge.source), target=_xml(edge.target)
        )
        labelled = {"label": edge.rel} if edge.rel else {}
        _graphml_values(element, key_ids["edge"], {**labelled, **edge.values})
    return _xml_bytes(root)


def _graphml_values(
    element: ET.Element, key_ids: dict[str, str], values: dict[str, Scalar]
) -> None:
    for name, value in values.items():
        ET.SubElement(element, "data", key=key_ids[name]).text = _xml(_text(value))


def _csv_bytes(header: list[str], rows: Iterable[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def _cell(value: Scalar | None) -> str:
    return "" if value is None else _text(value)


def _csv_nodes(table: _Table) -> bytes:
    columns = table.node_columns
    return _csv_bytes(
        ["Id", "Label", *(column.name for column in columns)],
        (
            [node.id, node.label, *(_cell(node.values.get(c.name, c.default)) for c in columns)]
            for node in table.nodes
        ),
    )


def _csv_edges(table: _Table) -> bytes:
    columns = table.edge_columns
    return _csv_bytes(
        ["Source", "Target", "Label", "Kind", "Type", "Id", *(c.name for c in columns)],
        (
            [edge.source, edge.target, edge.rel, edge.rel, "Directed", edge.id]
            + [_cell(edge.values.get(c.name)) for c in columns]
            for edge in table.edges
        ),
    )


def _write_atomically(files: list[tuple[Path, bytes]], fmt: str) -> None:
    """Write every file to a temporary sibling, then rename them all into place."""
    temporaries: list[Path] = []
    replaced: list[Path] = []
    try:
        for path, content in files:
            temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
            # os.open with 0o666 lets the umask decide the mode, as for any new file
            descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            temporaries.append(temporary)
            with os.fdopen(descriptor, "wb") as out:
                out.write(content)
                out.flush()
                os.fsync(out.fileno())
        for (path, _), temporary in zip(files, temporaries, strict=True):
            os.replace(temporary, path)
            replaced.append(path)
    except BaseException as error:
        for temporary in temporaries:
            temporary.unlink(missing_ok=True)
        if not isinstance(error, OSError):
            raise
        changed = (
            f"only {', '.join(map(str, replaced))} was replaced"
            if replaced
            else "no file was changed"
        )
        raise InputError(
            f"Could not write the {fmt} export to {files[0][0].parent}: "
            f"{error.strerror or error}. Free some space or choose a folder you can write "
            f"to; {changed}."
        ) from error
