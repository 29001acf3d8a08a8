"""The load pipeline: the one way the territorial reference and the partnership datasets
get into the graph, used by ``ctg load``, ``ctg run``, the tests and the benchmarks.

Each load reads and validates its whole input first, with no database
(:func:`loaders.reference.read_reference`, :func:`read_partnerships`), then writes it
(:func:`load_reference`, :func:`load_partnerships`): the graph's schema is migrated, then
the reference goes in one transaction, and the datasets one transaction each, **each
after the datasets whose facts it links to** (:func:`write_groups`); datasets that link
to each other's facts (directly or through others) go in one transaction together, so
any subset of datasets loads in any order. Re-running a load changes nothing.

The two stages are separate so that the command line can report an invalid input before
it opens a connection. Between them, :func:`check_files_unchanged` makes sure that every
dataset file still holds what was validated (a file rewritten meanwhile refuses the whole
load, nothing written). Progress is reported through :class:`ReferenceProgress` and a
callback per dataset, so a caller can draw it (the CLI's Rich bar) without this package
knowing how.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import networkx as nx

from domain.errors import InputError
from graph.driver import Driver
from graph.maintenance import checkpoint
from graph.migrations import migrate
from graph.partnership_store import (
    CuratedFacts,
    DatasetGraph,
    DatasetOrigin,
    DatasetWriteSummary,
    check_reloads,
    write_datasets,
)
from graph.person_reads import people_in_graph
from graph.reference_store import ReferenceRecords, WriteSummary, write_reference
from loaders.dataset_graph import dataset_graph
from loaders.datasets import Dataset, Registry, TerritoryIndex, Vocabularies, read_datasets
from loaders.input_files import check_unchanged, dataset_size_limit
from loaders.people import check_people_in_graph


class ReferenceProgress(Protocol):
    """Told how a reference load advances (rows are the unit of :meth:`ReferenceRecords
    .row_count`)."""

    def start(self, total_rows: int) -> None:
        """The schema is migrated; ``total_rows`` rows are about to be written."""

    def advance(self, rows: int) -> None:
        """``rows`` more rows are written (not yet committed)."""


#: Called once a dataset is written (or found unchanged), in write order.
DatasetWritten = Callable[[DatasetWriteSummary], None]


@dataclass(frozen=True)
class Partnerships:
    """Partnership datasets validated against the reference, ready to write."""

    #: the datasets, in key order
    datasets: tuple[Dataset, ...]
    #: their rows, in the order they are written (see :func:`write_groups`)
    graphs: tuple[DatasetGraph, ...]
    vocabularies: Vocabularies
    #: ``graphs`` cut into the groups written one transaction each (datasets linking to
    #: each other's facts share one); empty: one transaction per dataset
    groups: tuple[tuple[DatasetGraph, ...], ...] = ()


@dataclass(frozen=True)
class PartnershipLoad:
    """What :func:`load_partnerships` did: one summary per dataset, in write order."""

    summaries: tuple[DatasetWriteSummary, ...]

    @property
    def changed(self) -> tuple[str, ...]:
        """Keys of the datasets written (new or changed)."""
        return tuple(s.key for s in self.summaries if s.changed)

    @property
    def unchanged(self) -> tuple[str, ...]:
        """Keys of the datasets found unchanged, so not written."""
        return tuple(s.key for s in self.summaries if not s.changed)


def load_reference(
    driver: Driver,
    database: str,
    records: ReferenceRecords,
    *,
    batch_size: int = 10_000,
    progress: ReferenceProgress | None = None,
) -> WriteSummary:
    """Migrate the graph's schema, then write ``records`` (as
    :func:`loaders.reference.read_reference` read and validated them) in one transaction,
    ``batch_size`` rows per statement; return Neo4j's counters of what changed.

    ``progress`` is told the number of rows before the first write, then each batch.
    """
    migrate(driver, database)
    advance = None
    if progress is not None:
        progress.start(records.row_count())
        advance = progress.advance
    summary = write_reference(driver, database, records, batch_size=batch_size, progress=advance)
    checkpoint(driver, database)  # the load in the store files, not only in the log
    return summary


def read_partnerships(
    paths: Sequence[Path],
    reference: ReferenceRecords,
    vocabularies: Vocabularies | None = None,
    registry: Registry | None = None,
) -> Partnerships:
    """Read and validate the dataset files of ``paths`` (folders searched recursively)
    against ``reference`` (and the keys of ``registry``: those already in the graph), and
    order them for writing; nothing is written.

    Raises:
        DatasetError: listing every problem found, each with file, line and field.
        InputError: no file was found.
    """
    vocabularies = vocabularies or Vocabularies.load()
    territories = TerritoryIndex.from_reference(reference)
    datasets = read_datasets(paths, territories, vocabularies, registry)
    groups = write_groups([dataset_graph(dataset, vocabularies) for dataset in datasets])
    graphs = tuple(graph for group in groups for graph in group)
    return Partnerships(tuple(datasets), graphs, vocabularies, tuple(groups))


def write_groups(graphs: Sequence[DatasetGraph]) -> list[tuple[DatasetGraph, ...]]:
    """Cut ``graphs`` into groups written one transaction each, in an order where each
    group comes after the datasets whose nodes it links to. Datasets that link to each
    other's nodes, directly or through others (a cycle), form one group: written
    together, they need no order (:func:`graph.partnership_store.write_datasets`).

    Groups come in key order where the links leave a choice, so a load is repeatable.
    """
    owner = {(node.label, node.key): graph.key for graph in graphs for node in graph.nodes}
    links: nx.DiGraph[str] = nx.DiGraph()
    links.add_nodes_from(graph.key for graph in graphs)
    for graph in graphs:
        for edge in graph.edges:
            for endpoint in ((edge.start_label, edge.start_key), (edge.end_label, edge.end_key)):
                other = owner.get(endpoint)
                if other is not None and other != graph.key:
                    links.add_edge(other, graph.key)  # the owner goes first
    condensed = nx.condensation(links)
    members: dict[int, list[str]] = {
        n: sorted(condensed.nodes[n]["members"]) for n in condensed.nodes
    }
    by_key = {graph.key: graph for graph in graphs}
    order = nx.lexicographical_topological_sort(condensed, key=lambda n: members[n][0])
    return [tuple(by_key[key] for key in members[n]) for n in order]


def check_files_unchanged(partnerships: Partnerships) -> None:
    """Check, just before writing, that every file of ``partnerships`` still holds what
    :func:`read_partnerships` read and validated (same SHA-256).

    Raises:
        InputError: naming every file that changed, was removed or became unreadable
            since; nothing must be written.
    """
    check_unchanged(
        (stamp for dataset in partnerships.datasets for stamp in dataset.stamps),
        dataset_size_limit(),
    )


def load_partnerships(
    driver: Driver,
    database: str,
    partnerships: Partnerships,
    *,
    on_written: DatasetWritten | None = None,
    curated: CuratedFacts = CuratedFacts.REFUSE,
    replace: bool = False,
    adopt: bool = False,
) -> PartnershipLoad:
    """Migrate the graph's schema, then write each dataset in its own transaction, in
    write order (datasets that link to each other's facts: one transaction together); a
    dataset found unchanged (same checksum) is not touched.

    Before any dataset is written, the load is refused as a whole when a dataset's files
    lie in two folders, when a dataset is in the graph from another folder (unless
    ``replace``), when a reload would delete a fact another dataset of the graph links to
    (``SharedKeysStillReferred``), or when a reload would delete or orphan facts curated
    through the API (unless ``curated`` says to keep or drop them; see
    :class:`graph.partnership_store.CuratedFacts`). With ``adopt``, the files take over
    the curated facts they now state (moved into them from ``ctg export curated``).

    ``on_written`` is told of each dataset once it is written or found unchanged.

    Raises:
        WriteInterruptedError: Neo4j stopped answering while it wrote ``error.dataset``;
            the datasets before it in ``partnerships.graphs`` (those ``on_written`` was
            told of) are in the graph.
        DatasetError: an alias of a person is another person's name or alias in the
            graph (:func:`loaders.people.check_people_in_graph`); nothing was written.
        InputError: a dataset links to a territory or fact the graph does not hold, its
            files are in two folders, or it is refused as said above
            (``DatasetFolderConflict``, ``CuratedFactsAtRisk``); nothing was written.
    """
    migrate(driver, database)
    origins = {dataset.key: dataset_origin(dataset) for dataset in partnerships.datasets}
    check_reloads(driver, database, partnerships.graphs, origins, curated, replace)
    loading = [dataset.key for dataset in partnerships.datasets]
    check_people_in_graph(partnerships.datasets, people_in_graph(driver, database, loading))
    summaries: list[DatasetWriteSummary] = []
    run = frozenset(origins)
    for group in partnerships.groups or tuple((graph,) for graph in partnerships.graphs):
        written = write_datasets(
            driver,
            database,
            group,
            origins=origins,
            curated=curated,
            replace=replace,
            adopt=adopt,
            run=run,
        )
        for summary in written:
            summaries.append(summary)
            if on_written is not None:
                on_written(summary)
    checkpoint(driver, database)  # the load in the store files, not only in the log
    return PartnershipLoad(tuple(summaries))


def dataset_origin(dataset: Dataset) -> DatasetOrigin:
    """The folder and files of ``dataset``, resolved.

    Raises:
        InputError: its files are in more than one folder (two copies of a dataset, or
            two datasets that share a key).
    """
    files = tuple(str(path.resolve()) for path in dataset.files)
    folders = sorted({str(Path(file).parent) for file in files})
    if len(folders) > 1:
        raise InputError(
            f"Dataset {dataset.key!r} has files in {len(folders)} folders: "
            f"{', '.join(files)}. The files of one dataset are kept side by side in one "
            "folder; if these are two datasets, give one of them another `dataset.key`, and "
            "if one is an old copy, leave it out of the load. Nothing was written."
        )
    return DatasetOrigin(folders[0] if folders else "", files)
