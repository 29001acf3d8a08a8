"""One dataset sent as YAML text (the explorer's review page, the ``importDataset``
mutation) checked and loaded exactly as ``ctg load partnerships`` loads a file.

The text is written to a file of its own in a fresh temporary folder, then goes through
:mod:`loaders.pipeline` like any dataset file: validated against the territorial
reference and the keys already in the graph (:func:`graph_registry`), then written in one
transaction with every refusal of a reload (curated facts at risk, a dataset in the graph
from another folder unless ``replace``, a key another dataset still links to). Since each
import has its own folder, importing a dataset that is already in the graph is refused
unless ``replace`` says to replace it, as ``ctg load --replace`` does for a file moved.
"""

from __future__ import annotations

import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from domain.errors import DatabaseUnavailableError
from graph.dataset_keys import keys_in_graph, partners_governing
from graph.driver import Driver
from graph.partnership_store import DatasetWriteSummary
from graph.person_reads import people_in_graph
from graph.reference_store import ReferenceRecords
from loaders.datasets import DatasetError, Registry
from loaders.pipeline import check_files_unchanged, load_partnerships, read_partnerships
from loaders.reference import DEFAULT_DATA_DIR, read_reference

#: The name the text gets in its temporary folder (problems are located by line only).
FILE_NAME = "dataset.yaml"

_reference_lock = threading.Lock()
_reference: list[ReferenceRecords] = []


@dataclass(frozen=True)
class TextProblem:
    """One problem of a dataset text: its line (None for the whole text), the field's
    dataset-format path and what is wrong."""

    line: int | None
    field: str
    message: str


def reference() -> ReferenceRecords:
    """The whole French reference, read once per process (a few seconds) and shared."""
    with _reference_lock:
        if not _reference:
            _reference.append(read_reference(DEFAULT_DATA_DIR))
        return _reference[0]


def graph_registry(driver: Driver | None, database: str, unread: str = "") -> Registry:
    """The keys, governing partners and people of the graph, read-only, for a dataset's
    references to resolve against; without a ``driver`` (or when Neo4j does not answer)
    a registry that says the graph was not read (``unread``)."""
    if driver is None:
        return Registry(graph_unread=unread or "no graph to read")
    try:
        keys = keys_in_graph(driver, database)
        governing = partners_governing(driver, database)
        people = people_in_graph(driver, database)
    except DatabaseUnavailableError as error:
        return Registry(graph_unread=str(error))
    return Registry(graph=keys, governing=governing, people=tuple(people))


def problems_of(error: DatasetError) -> list[TextProblem]:
    """The problems of ``error`` located in the text by line and field."""
    return [TextProblem(p.line, p.field, p.message) for p in error.problems]


def check_dataset_text(text: str, registry: Registry) -> list[TextProblem]:
    """Every problem ``ctg validate`` finds in the dataset ``text``; none when it is
    valid. Nothing is written."""
    with tempfile.TemporaryDirectory(prefix="ctg-check-") as folder:
        path = Path(folder) / FILE_NAME
        path.write_text(text, encoding="utf-8")
        try:
            read_partnerships([path], reference(), registry=registry)
        except DatasetError as error:
            return problems_of(error)
    return []


def import_dataset_text(
    text: str, driver: Driver, database: str, *, replace: bool = False
) -> DatasetWriteSummary:
    """Validate the dataset ``text`` against the reference and the graph, then write it
    in one transaction (all or nothing), as ``ctg load partnerships`` writes a file.

    Raises:
        DatasetError: the text has problems, each with its line; nothing was written.
        InputError: the load is refused as ``ctg load`` refuses it (a dataset already in
            the graph without ``replace``, curated facts a reload would delete, a fact
            another dataset links to); nothing was written.
        DatabaseUnavailableError: Neo4j does not answer.
    """
    with tempfile.TemporaryDirectory(prefix="ctg-import-") as folder:
        path = Path(folder) / FILE_NAME
        path.write_text(text, encoding="utf-8")
        registry = graph_registry(driver, database)
        partnerships = read_partnerships([path], reference(), registry=registry)
        check_files_unchanged(partnerships)
        load = load_partnerships(driver, database, partnerships, replace=replace)
    return load.summaries[0]
