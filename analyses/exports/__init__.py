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
* No attribute has a declared default: a node without a value has none (an empty cell
  in CSV), so the coverage of the communes (``covered``…) is not written as a made-up
  ``false`` or ``0`` on partners, themes or contracts. Gephi shows such a value as empty.
* Codes are text in every format: ``code``, ``departement``, ``region``, ``epci`` are
  ``string`` attributes in GEXF and GraphML, and in CSV a text cell that Gephi's
  spreadsheet import would guess to be a number gets a leading ``'`` (``'01001``) so that
  the column stays text and keeps its leading zeros (:mod:`~analyses.exports.csv_tables`).
* Names that Gephi or a format reads as something else, or that repeat another name
  but for case, get the suffix ``_value`` (``size`` → ``size_value``), the same in every
  format. On nodes: ``id``, ``label``, ``kind``, ``pid``, ``x``, ``y``, ``z``, ``xpos``,
  ``ypos``, ``size``, ``r``, ``g``, ``b``, ``d3``, ``timeset``, ``interval``,
  ``timestamp``; on edges: ``id``, ``label``, ``kind``, ``type``, ``source``, ``target``,
  ``weight``, ``edge weight``, ``edgelabel``, ``edgeid``, ``r``, ``g``, ``b``, ``d7``,
  ``timeset``, ``interval``, ``timestamp`` (any case). ``kind`` and ``label`` cannot be
  set through ``node_attributes``: they define the node.

Time: contract periods
----------------------
GEXF is written in dynamic mode (``mode="dynamic"``, ``timeformat="date"``): a contract
with dates, and each edge linking it (``COVERS``, ``SIGNED``, ``HAS_ACTION``), carries a
spell from its ``start`` (the earliest day it can have started) to its ``end`` (the latest
day it can have ended). An end that is open (``end_open``) or unknown (``end_known`` is
``false``) is left out of the spell, never replaced by an invented day; a contract with no
date has no spell. GraphML and CSV have no spells: there ``start`` and ``end`` are ISO
date attributes (text, as neither format has a date type) beside ``start_latest``,
``end_earliest``, ``*_precision``, ``end_open`` and ``end_known``; CSV adds a last
``timeset`` column (``<[2017-01-01, Infinity]>``), the time interval of Gephi's
spreadsheet import. Edges carry ``role``,
``signed_on``, ``certainty``, ``reason``, ``sources`` and ``inferred_fields`` where the
graph holds them (:func:`analyses.exports.scoped.with_facts`).

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

The package
-----------
:mod:`~analyses.exports.scoped` picks what an export of a scope holds and adds the
contracts' dates and the links' properties; :mod:`~analyses.exports.table` turns the
graph into what every format writes (the columns and rows above);
:mod:`~analyses.exports.gexf`,
:mod:`~analyses.exports.graphml` and :mod:`~analyses.exports.csv_tables` lay that table
out; :mod:`~analyses.exports.files` checks the destination and writes atomically.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal, get_args

from analyses.exports import csv_tables, files, gexf, graphml
from analyses.exports.table import flatten
from analyses.model import PartnershipGraph
from domain.errors import InputError

ExportFormat = Literal["gexf", "graphml", "csv"]
EXPORT_FORMATS: tuple[str, ...] = get_args(ExportFormat)


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
        and the other edge attributes sorted. Text cells that Gephi's import would read
        as numbers start with ``'`` so that codes keep their leading zeros.
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
    commune:15187,Saint-Flour,commune,'15187,true,'200066660,,6500
    epci:200066660,Saint-Flour Communauté,epci,'200066660,,,,0
    <BLANKLINE>
    """
    if fmt not in EXPORT_FORMATS:
        raise InputError(
            f"Unknown export format {fmt!r}. Choose one of: {', '.join(EXPORT_FORMATS)}."
        )
    extras = _checked_node_attributes(node_attributes or {})
    paths = files.output_paths(Path(destination), fmt)
    files.check_destination(paths, fmt)
    table = flatten(g, extras)
    if fmt == "gexf":
        contents = [(paths[0], gexf.document(table))]
    elif fmt == "graphml":
        contents = [(paths[0], graphml.document(table))]
    else:
        contents = [(paths[0], csv_tables.nodes(table)), (paths[1], csv_tables.edges(table))]
    files.write_atomically(contents, fmt)
    return paths


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
