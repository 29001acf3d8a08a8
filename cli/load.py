"""``ctg load reference | partnerships`` and ``ctg validate``: getting data into the graph
through :mod:`loaders.pipeline`, with what a user needs to see on the way (a progress
bar, a line per dataset) and when it stops (what is written, what to do)."""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress, TaskID

from cli.db import ensure_room_for, remember_load
from cli.output import console, progress_bar, say_target
from domain.errors import (
    ConfigurationError,
    DatabaseUnavailableError,
    InputError,
    WriteInterruptedError,
)
from graph.dataset_keys import keys_in_graph, partners_governing
from graph.disk_space import dataset_bytes, reference_bytes
from graph.driver import open_driver, resolve_connection
from graph.load_journal import RecordedLoad
from graph.partnership_store import LISTED, CuratedFacts, DatasetGraph, DatasetWriteSummary
from graph.person_reads import people_in_graph
from graph.settings import Neo4jConnection
from loaders.dataset_format import DatasetFile
from loaders.datasets import (
    DEFAULT_DATASETS,
    Dataset,
    Registry,
    TerritoryIndex,
    folder_siblings,
    read_datasets,
)
from loaders.people import check_people_in_graph
from loaders.pipeline import (
    check_files_unchanged,
    load_partnerships,
    load_reference,
    read_partnerships,
)
from loaders.reference import DEFAULT_DATA_DIR, read_reference

load_app = typer.Typer(help="Load data into the graph.")


def parse_departements(value: str | None) -> list[str] | None:
    """The codes of a ``--departements`` value; ``None`` (all France) for none or 'all'."""
    if value is None or value.strip().lower() in ("", "all", "france"):
        return None
    codes = [code.strip() for code in value.split(",") if code.strip()]
    if not codes:
        raise InputError(f"--departements {value!r} names no département; write e.g. 15,71.")
    return codes


@load_app.command("reference")
def reference_command(
    departements: Annotated[
        str | None,
        typer.Option(
            help="Comma-separated département codes to load (e.g. 15,71); default: all France."
        ),
    ] = None,
    data_dir: Annotated[
        Path, typer.Option(help="The decoupage-administratif data/ folder.")
    ] = DEFAULT_DATA_DIR,
    vintage: Annotated[
        int | None, typer.Option(help="Year the data describes (default: from its version).")
    ] = None,
    batch_size: Annotated[int, typer.Option(min=100, max=100_000)] = 10_000,
) -> None:
    """Load régions, départements, EPCI and communes (re-running changes nothing)."""
    say_target()  # first, so a user sees it even when the database cannot be reached
    connection = resolve_connection()
    run_reference_load(connection, parse_departements(departements), data_dir, vintage, batch_size)


class _ReferenceBar:
    """Draws a reference load on a Rich progress display (see ``ReferenceProgress``)."""

    def __init__(self, progress: Progress, description: str) -> None:
        self._progress = progress
        self._description = description
        self._task: TaskID | None = None

    def start(self, total_rows: int) -> None:
        self._task = self._progress.add_task(self._description, total=total_rows)

    def advance(self, rows: int) -> None:
        if self._task is not None:
            self._progress.advance(self._task, rows)


def run_reference_load(
    connection: Neo4jConnection,
    departements: list[str] | None,
    data_dir: Path = DEFAULT_DATA_DIR,
    vintage: int | None = None,
    batch_size: int = 10_000,
) -> None:
    """Read and validate the reference, then write it in one transaction with a progress bar."""
    started = time.perf_counter()
    records = read_reference(data_dir, departements, vintage)
    scope = (
        "all France"
        if departements is None
        else "départements " + ", ".join(records.departements_loaded)
    )
    ensure_room_for(
        connection, reference_bytes(records.row_count()), f"load the reference ({scope})"
    )
    driver = open_driver(connection)
    with driver, progress_bar() as progress:
        summary = load_reference(
            driver,
            connection.database,
            records,
            batch_size=batch_size,
            progress=_ReferenceBar(progress, f"Reference {records.vintage} ({scope})"),
        )
    elapsed = time.perf_counter() - started
    codes = None if departements is None else tuple(records.departements_loaded)
    remember_load(connection, RecordedLoad("reference", (str(data_dir.resolve()),), codes, vintage))
    console.print(
        f"Loaded {len(records.communes):,} communes, {len(records.epcis):,} EPCI, "
        f"{len(records.departements)} départements, {len(records.regions)} régions "
        f"({summary.rows:,} rows in {elapsed:.1f}s, {summary.rows / elapsed:,.0f} rows/s); "
        f"created {summary.nodes_created:,} nodes and {summary.relationships_created:,} "
        f"relationships, removed {summary.relationships_deleted:,} stale ones."
    )


DatasetPaths = Annotated[
    list[Path] | None,
    typer.Argument(help="Dataset files or folders (default: domain/data/partnerships)."),
]


KeepCurated = Annotated[
    bool,
    typer.Option(
        "--keep-curated",
        help="When a reload would delete or unlink facts added through the API: keep the "
        "curated nodes (even unlinked), drop their links to the facts the file no longer "
        "has, and list them.",
    ),
]
DropCurated = Annotated[
    bool,
    typer.Option(
        "--drop-curated",
        help="When a reload would delete or unlink facts added through the API: drop those "
        "links and the curated nodes they leave unlinked, and list them.",
    ),
]
AdoptCurated = Annotated[
    bool,
    typer.Option(
        "--adopt-curated",
        help="The files now hold facts moved from the API (ctg export curated): take over "
        "the curated nodes whose keys they define, and replace the curated links they repeat.",
    ),
]
Replace = Annotated[
    bool,
    typer.Option(
        "--replace",
        help="Load a dataset already in the graph from another folder, replacing it.",
    ),
]


def curated_policy(keep: bool, drop: bool) -> CuratedFacts:
    """What ``--keep-curated`` / ``--drop-curated`` ask for (the default: refuse)."""
    if keep and drop:
        raise InputError("--keep-curated and --drop-curated contradict each other; pick one.")
    return CuratedFacts.KEEP if keep else CuratedFacts.DROP if drop else CuratedFacts.REFUSE


@load_app.command("partnerships")
def partnerships_command(
    paths: DatasetPaths = None,
    keep_curated: KeepCurated = False,
    drop_curated: DropCurated = False,
    adopt_curated: AdoptCurated = False,
    replace: Replace = False,
) -> None:
    """Validate every dataset, then write each in its own transaction (all or nothing).

    A key a dataset refers to may be defined by another dataset of the run or already in
    the graph; datasets that refer to each other are written together, in one transaction.

    A reload that would delete facts added through the API, or leave curated nodes with
    no link, is refused and lists them, unless --keep-curated or --drop-curated says what
    to do with them (--adopt-curated once they are moved into the files); a dataset in
    the graph from another folder is refused unless --replace.
    """
    say_target()  # first, so a user sees it even when the database cannot be reached
    connection = resolve_connection()
    run_partnership_load(
        connection,
        paths or [DEFAULT_DATASETS],
        curated=curated_policy(keep_curated, drop_curated),
        replace=replace,
        adopt=adopt_curated,
    )


def run_partnership_load(
    connection: Neo4jConnection,
    paths: list[Path],
    *,
    curated: CuratedFacts = CuratedFacts.REFUSE,
    replace: bool = False,
    adopt: bool = False,
) -> None:
    """Validate the datasets against the reference, then write them one by one.

    Raises:
        DatabaseUnavailableError: Neo4j stopped answering; the message lists the datasets
            written before it did and says how to finish the load.
        InputError: a dataset is refused (curated facts at risk, another folder); nothing
            was written.
    """
    started = time.perf_counter()
    reference = read_reference(DEFAULT_DATA_DIR)
    # what the datasets refer to may be in the graph already (a Caf another dataset defines)
    registry = graph_registry(connection)
    partnerships = read_partnerships(paths, reference, registry=registry)
    written: list[str] = []  # now or by an earlier load

    def report(summary: DatasetWriteSummary) -> None:
        written.append(summary.key)
        verb = "loaded" if summary.changed else "unchanged, nothing written"
        console.print(
            f"Dataset {summary.key}: {summary.nodes} nodes, {summary.edges} relationships "
            f"({verb}; +{summary.nodes_created}/-{summary.nodes_deleted} nodes, "
            f"+{summary.relationships_created}/-{summary.relationships_deleted} relationships)"
        )
        _report_curated(summary)

    files = {file for dataset in partnerships.datasets for file in dataset.files}
    needed = dataset_bytes(sum(file.stat().st_size for file in files if file.is_file()))
    ensure_room_for(connection, needed, f"load {len(partnerships.datasets)} dataset(s)")
    driver = open_driver(connection)
    with driver:
        check_files_unchanged(partnerships)  # a file rewritten since it was validated
        try:
            load_partnerships(
                driver,
                connection.database,
                partnerships,
                on_written=report,
                curated=curated,
                replace=replace,
                adopt=adopt,
            )
        except WriteInterruptedError as error:
            rest = partnerships.graphs[len(written) :]
            raise _load_interrupted(error, connection, written, rest) from error
    remember_load(connection, RecordedLoad("partnerships", tuple(str(p.resolve()) for p in paths)))
    console.print(
        f"{len(partnerships.datasets)} dataset(s) in {time.perf_counter() - started:.1f}s"
    )


def _report_curated(summary: DatasetWriteSummary, listed: int = LISTED) -> None:
    """Say which curated facts a reload dropped or left unlinked (never silently)."""
    for facts, what in (
        (summary.curated_dropped, "dropped"),
        (summary.curated_detached, "kept with no link"),
        (summary.curated_adopted, "now stated by the file (taken over or replaced by it)"),
    ):
        if not facts:
            continue
        console.print(f"  {len(facts)} curated fact(s) {what}:")
        for fact in facts[:listed]:
            console.print(f"    {fact}")
        if len(facts) > listed:
            console.print(f"    … and {len(facts) - listed} more")


def _load_interrupted(
    error: WriteInterruptedError,
    connection: Neo4jConnection,
    loaded: list[str],
    rest: Sequence[DatasetGraph],
) -> DatabaseUnavailableError:
    """What a user needs when Neo4j went away mid-load: what is in the graph, what to do."""
    done = f"Already loaded: {', '.join(loaded)}." if loaded else "No dataset was loaded."
    left = [g.key for g in rest if not (error.maybe_written and g.key == error.dataset)]
    todo = f" Not loaded yet: {', '.join(left)}." if left else ""
    restart = (
        "Start Neo4j again (`ctg db start`) and run"
        if connection.local
        else f"When the Neo4j at {connection.uri} answers again, run"
    )
    return DatabaseUnavailableError(
        f"The load stopped: {error} {done}{todo} {restart} the same command: the datasets "
        "already written are found unchanged and skipped, the others are written."
    )


def graph_registry(
    connection: Neo4jConnection | None, context: Sequence[Path] = (), unread: str = ""
) -> Registry:
    """The keys already in the graph ``connection`` names (read-only), with the
    ``context`` files, for the datasets' references to resolve against. When that Neo4j
    does not answer, or there is no ``connection`` (``unread`` says why), the registry
    holds the context files only and says the graph was not read."""
    if connection is None:
        return Registry(context, graph_unread=unread)
    try:
        driver = open_driver(connection)
    except DatabaseUnavailableError:
        return Registry(context, graph_unread=f"Neo4j at {connection.uri} does not answer")
    with driver:
        keys = keys_in_graph(driver, connection.database)
        governing = partners_governing(driver, connection.database)
        people = people_in_graph(driver, connection.database)
    return Registry(
        context,
        keys,
        graph_name=f"the graph at {connection.uri}",
        governing=governing,
        people=tuple(people),
    )


def _validated_datasets(paths: list[Path], use_graph: bool = True) -> list[Dataset]:
    """Validate ``paths`` against the French reference files, resolving their keys
    against the other datasets of their folders and, when it answers, the graph."""
    territories = TerritoryIndex.from_reference(read_reference(DEFAULT_DATA_DIR))
    connection: Neo4jConnection | None = None
    unread = "--no-graph"
    if use_graph:
        try:
            connection = resolve_connection()
        except DatabaseUnavailableError:
            unread = "no Neo4j to talk to: NEO4J_URI is unset and `ctg db start` was not run"
        except ConfigurationError as error:
            # validating needs no graph: a misconfigured one is said, not fatal
            unread = str(error).rstrip(".")
    registry = graph_registry(connection, folder_siblings(paths), unread)
    if use_graph and registry.graph is None:
        console.print(f"The graph is not read ({registry.graph_unread}); keys resolve "
                      "against the files and their folders only.")  # fmt: skip
    datasets = read_datasets(paths, territories, registry=registry)
    # an alias that is another person's, in the graph: said now, not only by the load
    run = {dataset.key for dataset in datasets}
    check_people_in_graph(datasets, [p for p in registry.people if p.dataset not in run])
    return datasets


def validate(
    paths: DatasetPaths = None,
    print_schema: Annotated[
        bool, typer.Option("--print-schema", help="Print the format's JSON Schema and exit.")
    ] = False,
    no_graph: Annotated[
        bool,
        typer.Option(
            "--no-graph",
            help="Do not read the graph: resolve keys against the files and their folders only.",
        ),
    ] = False,
) -> None:
    """Check datasets without writing anything: every problem, with file, line and field.

    A key a file refers to may be defined by another dataset of its folder or already be
    in the graph (read-only, when Neo4j answers); each dataset says where those were found.
    """
    if print_schema:
        from loaders.dataset_format import DatasetFile

        print(json.dumps(DatasetFile.model_json_schema(), ensure_ascii=False, indent=2))
        return
    datasets = _validated_datasets(paths or [DEFAULT_DATASETS], use_graph=not no_graph)
    for dataset in datasets:
        c = dataset.content
        console.print(
            f"{dataset.key}: valid ({len(c.contracts)} contracts, {len(c.partners)} partners"
            + (f" (+{len(dataset.generated)} generated by shorthands)" if dataset.generated else "")
            + f", "
            f"{len(c.people)} people, {len(c.bodies)} bodies, {len(c.fundings)} fundings"
            + _fact_counts(c)
            + f") from {', '.join(map(str, dataset.files))}"
        )
        if dataset.resolved:
            console.print(f"  {resolved_line(dataset)}")


def resolved_line(dataset: Dataset) -> str:
    """Where the keys ``dataset`` refers to without defining them were found, e.g.
    ``3 keys resolved from registre-cantal.yaml, 1 from the graph (dataset x)``."""
    parts = [f"{n} from {origin}" for origin, n in dataset.resolved]
    first_n = dataset.resolved[0][1]
    parts[0] = f"{first_n} key{'s' if first_n != 1 else ''} resolved " + parts[0].split(" ", 1)[1]
    return ", ".join(parts)


def _fact_counts(content: DatasetFile) -> str:
    """The counts of the sections that are not contracts, those the dataset has."""
    counts = {
        "competences": len(content.competences),
        "framing documents": len(content.framing_documents),
        "instruments": len(content.instruments),
        "statements": len(content.statements),
    }
    return "".join(f", {n} {name}" for name, n in counts.items() if n)
