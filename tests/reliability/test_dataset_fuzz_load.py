"""Property: a mutated dataset file, loaded into the real Neo4j, is either loaded exactly
or rejected with located problems, and a rejected file writes nothing.

Each example starts from the worked example of docs/dataset-format.md or a seed dataset
of domain/data/partnerships, loaded over the Cantal and Saône-et-Loire reference, and edits it
the way a hurried or hostile author would: YAML syntax breakers, wrong types, unknown and
duplicated keys, impossible dates, dangling references, deleted or repeated entries, huge
numbers and texts, unicode, Cypher-looking strings. The edited file then goes through the
real load path — :func:`loaders.datasets.read_datasets`, :func:`loaders.dataset_graph
.dataset_graph`, :func:`graph.partnership_store.write_dataset`, and for a few examples
the ``ctg load partnerships`` command — into the test Neo4j. Then either

* it was loaded: the nodes and relationships the dataset owns, counted by label and type,
  are what its parsed content declares; their properties are its values; the facts of
  every other dataset and the reference are untouched; loading it again writes nothing;
* or it was refused: every problem names the file and a line in it, and the graph is
  byte for byte what it was (the previous version of the dataset intact).

``CTG_FUZZ_EXAMPLES`` sets the number of edited files (default 150, 50 per original, and
6 through the command line: about a minute and a half in all); raise it for a longer run::

    CTG_FUZZ_EXAMPLES=3000 .venv/bin/python -m pytest \\
        tests/reliability/test_dataset_fuzz_load.py -q -s
"""

from __future__ import annotations

import copy
import datetime
import os
import re
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from neo4j import Driver

from domain.dates import DurationRange, FuzzyDate
from domain.errors import InputError
from domain.resources import PROJECT_ROOT
from graph.maintenance import clear_graph
from graph.partnership_store import OWNED_LABELS, write_dataset
from graph.reference_store import write_reference
from graph.settings import Neo4jConnection
from loaders.dataset_format import DatasetFile
from loaders.dataset_graph import dataset_graph
from loaders.datasets import (
    Dataset,
    DatasetError,
    TerritoryIndex,
    Vocabularies,
    action_key,
    read_datasets,
)
from loaders.reference import read_reference
from loaders.yaml_lines import Path as DataPath
from loaders.yaml_lines import load_with_lines
from tests.conftest import REFERENCE_EXTRACT, graph_snapshot, run_ctg

EXAMPLES = int(os.environ.get("CTG_FUZZ_EXAMPLES", "150"))
CLI_EXAMPLES = max(EXAMPLES // 25, 1)
ORIGINALS = [
    PROJECT_ROOT / "docs" / "examples" / "dataset-example.yaml",
    *sorted((PROJECT_ROOT / "domain" / "data" / "partnerships").glob("*.yaml")),
]
REFERENCE = read_reference(REFERENCE_EXTRACT, ["15", "71"])
TERRITORIES = TerritoryIndex.from_reference(REFERENCE)
VOCABULARIES = Vocabularies.load()
DB = "neo4j"

#: Text that breaks YAML or shifts its structure when spliced in anywhere.
YAML_BREAKERS = ["", ":", ": ", "- ", "  ", "\n", "\n  ", "'", '"', "[", "]", "{", "}", "#",
                 "&a ", "*a", "!!binary ", "!!python/object:os.system ", "? ", "|", ">", "%",
                 "@", "`", "\t", "\x00", "\ufeff", "---\n", "...\n", "<<: *a\n"]  # fmt: skip
#: Values an author may put where another was expected.
ODD_VALUES: list[Any] = [
    None, True, 0, -1, 2**31, 2**63, 10**30, 1.5, 1e308, float("inf"), float("nan"),
    "", " ", "x" * 3000, "é" * 2000, "🏳️‍🌈 Caf’ du Cantal — 中文 \u202e\u200b", "[/] [bold]",
    "'}) MATCH (n) DETACH DELETE n //", '"}) RETURN n //', "$key", "\\", "\x07",
    "2022-02-30", "2022-13-01", "0001-01-01", "9999-12-31", "2022-03-03T10:00:00",
    "caf-15", "fuzz-key", "Caf-15", "15187", "99999", "2A004", "200066660",
    "ctg", "jeunesse", "stated", "inferred", "https://example.org/x", "javascript:x",
    [], {}, ["caf-15"], {"key": "x"}, {"commune": "15187"}, {"epci": "200066660"},
]  # fmt: skip
#: Texts a field may well hold, that a loader could mangle on their way to the graph.
ODD_TEXTS = [
    "Caf’ du Cantal — « Saint-Flour » éàüœ ß 中文 العربية 🏳️‍🌈",
    "\u202eRTL\u200b zero\u00a0width", "'}) MATCH (n) DETACH DELETE n //", "a\\b 'c' \"d\"",
    "[/] [bold]not markup[/bold]", "{{x}} ${x} %s %(x)s", "<script>alert(1)</script>",
    "line one\nline two", "x" * 2000, "é" * 2000, "2022-03-03", "null", "~", "yes", "0x1F",
]  # fmt: skip
UNKNOWN_KEYS = ["colour", "Key", "kéy", "key ", "__proto__", "MATCH (n)", "x" * 300, "1", "null"]


# -- edits -----------------------------------------------------------------------------


def _paths(data: Any, path: DataPath = ()) -> Iterator[DataPath]:
    yield path
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _paths(value, (*path, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _paths(value, (*path, i))


def _at(data: Any, path: DataPath) -> Any:
    for part in path:
        data = data[part]
    return data


@st.composite
def structural_edit(draw: st.DrawFn, data: Any) -> None:
    """Change the parsed file in place: a value, a key, an entry."""
    path = draw(st.sampled_from([p for p in _paths(data) if p]))
    parent, last = _at(data, path[:-1]), path[-1]
    value = parent[last]
    kinds = ["replace", "delete"]
    if isinstance(value, str):
        kinds += ["retext", "retext", "rename"]
    if isinstance(value, dict):
        kinds += ["unknown key"]
    if isinstance(value, list) and value:
        kinds += ["repeat", "multiply"]
    if isinstance(parent, dict) and len(parent) > 1:
        kinds += ["swap"]
    kind = draw(st.sampled_from(kinds))
    if kind == "replace":
        parent[last] = draw(st.sampled_from(ODD_VALUES) | st.text(max_size=12))
    elif kind == "delete":
        del parent[last]
    elif kind == "retext":
        parent[last] = draw(st.sampled_from(ODD_TEXTS) | st.text(min_size=1, max_size=40))
    elif kind == "rename":
        # a key or a reference that no longer matches its counterpart
        parent[last] = value + draw(st.sampled_from(["-x", "-2", "x", "-fa-1"]))
    elif kind == "unknown key":
        value[draw(st.sampled_from(UNKNOWN_KEYS))] = draw(st.sampled_from(ODD_VALUES))
    elif kind == "repeat":
        value.append(copy.deepcopy(draw(st.sampled_from(value))))
    elif kind == "multiply":
        scalars = not any(isinstance(item, dict | list) for item in value)
        parent[last] = value * draw(st.integers(2, 300 if scalars else 4))
    else:
        other = draw(st.sampled_from([k for k in parent if k != last]))
        parent[last], parent[other] = parent[other], parent[last]


@st.composite
def text_edit(draw: st.DrawFn, text: str) -> str:
    """Change a line of data (not a comment): splice a YAML breaker in, or repeat, drop or
    re-indent it."""
    lines = text.splitlines(keepends=True)
    data = [i for i, line in enumerate(lines) if line.strip() and line.strip()[0] != "#"]
    if not data:
        return text + draw(st.sampled_from(YAML_BREAKERS))
    i = draw(st.sampled_from(data))
    kind = draw(st.sampled_from(["splice", "splice", "repeat line", "drop line", "indent"]))
    if kind == "splice":
        start = draw(st.integers(0, len(lines[i])))
        length = draw(st.integers(0, 12))
        insert = draw(st.sampled_from(YAML_BREAKERS) | st.text(max_size=6))
        lines[i] = lines[i][:start] + insert + lines[i][start + length :]
    elif kind == "repeat line":
        lines.insert(i, lines[i])
    elif kind == "drop line":
        del lines[i]
    else:
        lines[i] = draw(st.sampled_from([" ", "  ", "\t", ""])) + lines[i].lstrip(" ")
    return "".join(lines)


#: Fields whose value is free text: an author may write anything there.
TEXT_FIELDS = {"title", "name", "description", "note", "reason", "purpose", "mission", "role",
               "publisher", "file", "aliases", "authors"}  # fmt: skip
#: Numbers at and past the limits of the fields, of GraphQL's Int and of Neo4j's integers.
NUMBERS: list[Any] = [0, 1, 7, 2021, 2**31 - 1, 2**31, 2**63 - 1, 2**63, 10**30, 0.5, 1e-9,
                      1e308, float("inf"), -0.0]  # fmt: skip


@st.composite
def faithful_edit(draw: st.DrawFn, data: Any) -> None:
    """Change the parsed file in place the way a careful author could: new text in a free
    text field, a new number, one entry fewer or repeated."""
    paths = [p for p in _paths(data) if p]
    texts = [p for p in paths if isinstance(_at(data, p), str) and TEXT_FIELDS & set(map(str, p))]
    numbers = [p for p in paths if type(_at(data, p)) in (int, float)]
    lists = [p for p in paths if isinstance(_at(data, p), list) and _at(data, p)]
    kind = draw(st.sampled_from(["text"] * 3 * bool(texts) + ["number"] * bool(numbers)
                                + ["entry"] * bool(lists)))  # fmt: skip
    path = draw(st.sampled_from({"text": texts, "number": numbers, "entry": lists}[kind]))
    parent, last = _at(data, path[:-1]), path[-1]
    if kind == "text":
        parent[last] = draw(st.sampled_from(ODD_TEXTS) | st.text(min_size=1, max_size=60))
    elif kind == "number":
        parent[last] = draw(st.sampled_from(NUMBERS))
    elif draw(st.booleans()):
        del parent[last][draw(st.integers(0, len(parent[last]) - 1))]
    else:
        parent[last].append(copy.deepcopy(draw(st.sampled_from(parent[last]))))


@st.composite
def edited_text(draw: st.DrawFn, original: Path) -> str:
    """An edited copy of the text of ``original``: half of them faithful edits (mostly
    loaded), half of them careless or hostile ones (mostly refused)."""
    text = original.read_text(encoding="utf-8")
    data, _ = load_with_lines(text)
    if draw(st.booleans()):
        for _ in range(draw(st.integers(1, 3))):
            draw(faithful_edit(data))
        return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
    structural = draw(st.integers(0, 3))
    if structural:
        for _ in range(structural):
            draw(structural_edit(data))
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
    for _ in range(draw(st.integers(0 if structural else 1, 2))):
        text = draw(text_edit(text))
    return text


# -- what a dataset declares, and what the graph holds ---------------------------------


def declared(content: DatasetFile) -> tuple[Counter[str], Counter[str]]:
    """Nodes per label and relationships per type that ``content`` declares (as
    docs/dataset-format.md describes them, computed here independently of the loader)."""
    nodes: Counter[str] = Counter()
    edges: Counter[str] = Counter()
    nodes["Source"] = len(content.sources)
    for p in content.partners:
        nodes["Partner"] += 1
        edges["GOVERNS"] += len(p.governs)
        edges["SERVES"] += len(p.serves)
    for person in content.people:
        nodes["Person"] += 1
        edges["HOLDS_POST"] += len(person.posts)
    for s in content.sub_territories:
        nodes["SubTerritory"] += 1
        edges["PART_OF"] += 1
        edges["INCLUDES"] += len(s.communes)
    for c in content.contracts:
        nodes["Contract"] += 1
        edges["OF_KIND"] += 1
        edges["SIGNED"] += sum(1 + len(s.people) for s in c.signatories)
        edges["COVERS"] += len(c.covers)
        for relation in c.relations:
            edges[relation.type.value.upper()] += 1
        edges["LEADS"] += len(c.leads)
        edges["FUNDS"] += len(c.funders)
        nodes["Axis"] += len(c.axes)
        edges["HAS_AXIS"] += len(c.axes)
        actions = [*c.actions, *(a for axis in c.axes for a in axis.actions)]
        nodes["Action"] += len(actions)
        edges["HAS_ACTION"] += len(actions) + sum(len(axis.actions) for axis in c.axes)
        for action in actions:
            edges["ADDRESSES"] += len(action.themes)
            edges["LEADS"] += action.lead is not None
            edges["FUNDS"] += len(action.funders)
            edges["HAS_ACTION"] += action.owner is not None  # the owner's own link
        edges["ADDRESSES"] += len(c.themes) + sum(len(axis.themes) for axis in c.axes)
        edges["CONTRIBUTES_TO"] += len(c.contributors)
    for b in content.bodies:
        nodes["Body"] += 1
        edges["BELONGS_TO"] += b.organisation is not None
        edges["MEMBER_OF"] += len(b.members)
        edges["STEERS"] += len(b.steers)
    for g in content.fundings:
        nodes["Funding"] += 1
        edges["PAID_BY"] += g.payer is not None
        edges["PAID_TO"] += g.payee is not None
        edges["SHARE_OF"] += g.share_of is not None
        edges["CONCERNS"] += len(g.contracts)
        edges["ON_TERRITORY"] += g.territory is not None
    for _ in content.competences:
        nodes["CompetenceHolding"] += 1
        edges["HELD_BY"] += 1
        edges["OF_COMPETENCE"] += 1
        edges["ON_TERRITORY"] += 1
    for d in content.framing_documents:
        nodes["FramingDocument"] += 1
        edges["OF_KIND"] += 1
        edges["PARTY_TO"] += sum(1 + len(party.people) for party in d.parties)
        edges["ON_TERRITORY"] += len(d.covers)
        edges["FRAMES"] += len(d.frames)
    edges["CREATED"] += len(content.instruments)
    for statement in content.statements:
        nodes["Statement"] += 1
        edges["ABOUT"] += len(statement.about)
    edges["SOURCED_FROM"] = sum(n for label, n in nodes.items() if label != "Source")
    return +nodes, +edges


def earliest(value: FuzzyDate | None) -> datetime.date | None:
    """A date as stored (graph-model.md, Dates): its earliest day."""
    return None if value is None else value.earliest


def latest(value: FuzzyDate | str | None) -> datetime.date | None:
    """A period's end as stored: its latest day; an open end (``open``) has none."""
    return value.latest if isinstance(value, FuzzyDate) else None


def exact_years(duration: DurationRange | None) -> int | None:
    """``durationYears`` is stored only for an exact duration; a range has min and max."""
    if duration is None or duration.min_years != duration.max_years:
        return None
    return duration.min_years


def declared_properties(content: DatasetFile) -> dict[tuple[str, str], dict[str, Any]]:
    """The properties each node of ``content`` must have in the graph."""

    def fact(f: Any) -> dict[str, Any]:
        return {"certainty": f.certainty.value, "reason": f.reason}

    found: dict[tuple[str, str], dict[str, Any]] = {}
    for s in content.sources:
        found["Source", s.key] = {"title": s.title, "publisher": s.publisher, "date": s.date,
                                  "url": s.url, "file": s.file, "note": s.note}  # fmt: skip
    for p in content.partners:
        found["Partner", p.key] = {"name": p.name, "kind": p.kind.value, "siren": p.siren,
                                   "aliases": list(p.aliases), **fact(p)}  # fmt: skip
    for person in content.people:
        found["Person", person.key] = {"name": person.name, **fact(person)}
    for sub in content.sub_territories:
        found["SubTerritory", sub.key] = {"name": sub.name, "aliases": list(sub.aliases),
                                          **fact(sub)}  # fmt: skip
    for c in content.contracts:
        found["Contract", c.key] = {
            "title": c.title, "kind": c.kind, "aliases": list(c.aliases),
            "status": c.status.value if c.status else None,
            "statusAsOf": earliest(c.status_as_of), "signedOn": earliest(c.signed_on),
            "start": earliest(c.start), "end": latest(c.end),
            "durationYears": exact_years(c.duration_years), **fact(c),
        }  # fmt: skip
        for i, axis in enumerate(c.axes):
            found["Axis", f"{c.key}-axe-{axis.number}"] = {
                "title": axis.title,
                "number": axis.number,
                **fact(axis),
            }
            for j, a in enumerate(axis.actions):
                key = action_key(c.key, a.key, a.number, ("contracts", 0, "axes", i, "actions", j))
                found["Action", key] = {"title": a.title, "number": a.number, **fact(a)}
        for j, a in enumerate(c.actions):
            key = action_key(c.key, a.key, a.number, ("contracts", 0, "actions", j))
            found["Action", key] = {"title": a.title, "number": a.number, **fact(a)}
    for b in content.bodies:
        found["Body", b.key] = {"name": b.name, "kind": b.kind, "mission": b.mission, **fact(b)}
    for g in content.fundings:
        found["Funding", g.key] = {
            "amount": g.amount, "amountQualifier": g.amount_qualifier.value,
            "currency": g.currency, "tax": g.tax, "year": g.year, "start": earliest(g.start),
            "end": latest(g.end), "share": g.share, "shareQualifier": g.share_qualifier.value,
            "purpose": g.purpose, **fact(g),
        }  # fmt: skip
    return found


def held(driver: Driver, key: str) -> tuple[Counter[str], Counter[str], dict[Any, Any]]:
    """Nodes per label, relationships per type and node properties owned by dataset ``key``."""
    nodes: Counter[str] = Counter()
    properties: dict[tuple[str, str], dict[str, Any]] = {}
    for label in OWNED_LABELS:
        records, _, _ = driver.execute_query(
            "MATCH (n:" + label + " {dataset: $key}) RETURN n.key AS key, properties(n) AS p",
            key=key,
        )
        nodes[label] = len(records)
        properties.update({(label, r["key"]): r["p"] for r in records})
    records, _, _ = driver.execute_query(
        "MATCH ()-[r {dataset: $key}]->() RETURN type(r) AS type, count(r) AS n", key=key
    )
    return +nodes, Counter({r["type"]: r["n"] for r in records}), properties


def others(driver: Driver, key: str) -> str:
    """A checksum of everything dataset ``key`` does not own."""
    records, _, _ = driver.execute_query(
        "MATCH (n) WHERE coalesce(n.dataset, '') <> $key AND NOT (n:Dataset AND n.key = $key) "
        "OPTIONAL MATCH (n)-[r]-(m) WHERE coalesce(r.dataset, '') <> $key "
        "WITH n, collect([type(r), properties(r), elementId(m)]) AS links "
        "RETURN elementId(n) AS id, labels(n) AS labels, properties(n) AS p, links ORDER BY id",
        key=key,
    )
    return repr([(r["id"], sorted(r["labels"]), sorted(r["p"].items()),
                  sorted(map(repr, r["links"]))) for r in records])  # fmt: skip


def _plain(value: Any) -> Any:
    """A property read from Neo4j as the parsed dataset holds it."""
    if hasattr(value, "to_native"):
        return value.to_native()
    return value


# -- the graph each example starts from ------------------------------------------------


@dataclass
class Bench:
    """The test Neo4j with the reference loaded and one original dataset over it."""

    driver: Driver
    loaded: Dataset | None = None
    #: the key of the dataset an example may have written since, over the original
    left: str | None = None
    snapshot: str = ""

    def start_from(self, original: Path) -> str:
        """Put the graph back to the reference and ``original``; return its snapshot."""
        (dataset,) = read_datasets([original], TERRITORIES, VOCABULARIES)
        same = self.loaded is not None and self.loaded.checksum == dataset.checksum
        if same and self.left is None:
            return self.snapshot
        if same and self.left == dataset.key:
            # reloading the original replaces exactly what an edited version wrote
            write_dataset(self.driver, DB, dataset_graph(dataset, VOCABULARIES))
        else:
            self.driver.execute_query(
                "MATCH (n) WHERE n.dataset IS NOT NULL OR n:Dataset OR n:Theme OR "
                "n:ContractKind DETACH DELETE n"
            )
            write_dataset(self.driver, DB, dataset_graph(dataset, VOCABULARIES))
        self.loaded, self.left, self.snapshot = dataset, None, graph_snapshot(self.driver)
        return self.snapshot


@pytest.fixture(scope="module")
def bench(driver: Driver, neo4j_connection: Neo4jConnection) -> Iterator[Bench]:
    """The reference over an emptied graph; emptied again afterwards, so that no edited
    dataset is left for the modules that follow."""
    clear_graph(driver, neo4j_connection.database)
    write_reference(driver, DB, REFERENCE)
    yield Bench(driver)
    clear_graph(driver, neo4j_connection.database)


def assert_located(error: DatasetError, path: Path, text: str) -> None:
    """Every problem names ``path`` and a line of it."""
    assert error.problems
    last_line = text.count("\n") + 1
    for problem in error.problems:
        assert problem.file == path, problem
        assert problem.line is not None, problem
        assert 1 <= problem.line <= last_line, problem
        assert problem.message, problem
        assert str(problem).startswith(f"{path}:{problem.line}: "), problem


def assert_loaded_exactly(driver: Driver, dataset: Dataset, others_before: str) -> None:
    """The graph holds ``dataset`` as its file says, and nothing else changed."""
    nodes, edges = declared(dataset.content)
    held_nodes, held_edges, properties = held(driver, dataset.key)
    assert held_nodes == nodes
    assert held_edges == edges
    for node, expected in declared_properties(dataset.content).items():
        actual = {name: _plain(properties[node].get(name)) for name in expected}
        assert actual == expected, node
    assert others(driver, dataset.key) == others_before


def load_in_python(bench: Bench, original: Path, path: Path, text: str) -> str:
    """Load ``text`` the way the CLI does, in-process; check the outcome; name it."""
    before = bench.start_from(original)
    path.write_text(text, encoding="utf-8")
    try:
        (dataset,) = read_datasets([path], TERRITORIES, VOCABULARIES)
    except DatasetError as error:
        assert_located(error, path, text)
        assert graph_snapshot(bench.driver) == before
        return "refused"
    others_before = others(bench.driver, dataset.key)
    graph = dataset_graph(dataset, VOCABULARIES)
    bench.left = dataset.key
    try:
        summary = write_dataset(bench.driver, DB, graph)
    except InputError as error:
        refusal = str(error)
    else:
        refusal = ""
    if refusal:
        assert "nothing was written" in refusal
        assert graph_snapshot(bench.driver) == before
        bench.left = None
        return "refused when written"
    assert_loaded_exactly(bench.driver, dataset, others_before)
    after = graph_snapshot(bench.driver)
    assert not write_dataset(bench.driver, DB, graph).changed
    assert graph_snapshot(bench.driver) == after
    return "loaded" if summary.changed else "unchanged"


FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate, Phase.shrink],
    suppress_health_check=list(HealthCheck),
)


@pytest.mark.parametrize("original", ORIGINALS, ids=lambda path: path.stem)
def test_an_edited_file_is_loaded_exactly_or_refused_with_located_problems(
    bench: Bench,
    original: Path,
    tmp_path_factory: pytest.TempPathFactory,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = tmp_path_factory.mktemp("fuzz") / original.name
    outcomes: Counter[str] = Counter()

    @settings(FUZZ, max_examples=max(EXAMPLES // len(ORIGINALS), 1))
    @given(text=edited_text(original))
    def load(text: str) -> None:
        outcomes[load_in_python(bench, original, path, text)] += 1

    started = time.perf_counter()
    load()
    with capsys.disabled():
        print(f"\ndataset fuzz, Python load path, {original.name}: "
              f"{sum(outcomes.values())} edited files in {time.perf_counter() - started:.1f}s: "
              f"{dict(outcomes)}")  # fmt: skip
    assert outcomes["loaded"] > 0


def test_the_command_line_loads_an_edited_file_exactly_or_refuses_it(
    bench: Bench,
    neo4j_connection: Neo4jConnection,
    tmp_path_factory: pytest.TempPathFactory,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = tmp_path_factory.mktemp("fuzz-cli") / "edited.yaml"
    outcomes: Counter[str] = Counter()

    def ctg_load() -> str:
        result = run_ctg("load", "partnerships", str(path), connection=neo4j_connection)
        output = result.stdout + result.stderr
        assert "Traceback" not in output, output
        assert result.returncode in (0, 1), output
        return output if result.returncode == 0 else f"refused: {output}"

    # each example starts the command (and reads the reference of all France): no shrinking
    @settings(FUZZ, max_examples=CLI_EXAMPLES, phases=[Phase.generate])
    @given(data=st.data())
    def load(data: st.DataObject) -> None:
        original = data.draw(st.sampled_from(ORIGINALS))
        text = data.draw(edited_text(original))
        before = bench.start_from(original)
        path.write_text(text, encoding="utf-8")
        try:
            (dataset,) = read_datasets([path], TERRITORIES, VOCABULARIES)
        except DatasetError:
            dataset = None  # the command must refuse it too (perhaps only when writing)
        others_before = others(bench.driver, dataset.key) if dataset else ""
        bench.left = dataset.key if dataset else None
        output = ctg_load()
        if dataset is None or output.startswith("refused"):
            assert dataset is None, output
            assert "nothing was written" in output
            located = re.search(rf"{re.escape(str(path))}:\d+: ", output)
            refused_when_written = re.search("are not in the graph|already own", output)
            assert located or refused_when_written, output
            assert graph_snapshot(bench.driver) == before
            outcomes["refused"] += 1
            return
        assert_loaded_exactly(bench.driver, dataset, others_before)
        after = graph_snapshot(bench.driver)
        assert "unchanged, nothing written" in ctg_load()
        assert graph_snapshot(bench.driver) == after
        outcomes["loaded"] += 1

    started = time.perf_counter()
    load()
    with capsys.disabled():
        print(f"\ndataset fuzz, `ctg load partnerships`: {sum(outcomes.values())} edited files "
              f"in {time.perf_counter() - started:.1f}s: {dict(outcomes)}")  # fmt: skip


def test_a_dataset_defining_keys_another_dataset_owns_is_refused_and_writes_nothing(
    bench: Bench, tmp_path: Path
) -> None:
    example, seed = (
        ORIGINALS[0],
        PROJECT_ROOT / "domain" / "data" / "partnerships" / "saint-flour-ctg-2017.yaml",
    )
    before = bench.start_from(example)
    # Found by the fuzzer: the worked example under a new `dataset.key` took every node of
    # the example over (their owner and properties rewritten, the example's Dataset node
    # still claiming them).
    renamed = tmp_path / "renamed.yaml"
    renamed.write_text(
        example.read_text(encoding="utf-8").replace(
            "key: exemple-ctg-pays-de-salers\n", "key: exemple-renomme\n", 1
        ),
        encoding="utf-8",
    )
    # The Saint-Flour seed defines caf-15 too: loaded after the example, it took it over.
    for path in (renamed, seed):
        (dataset,) = read_datasets([path], TERRITORIES, VOCABULARIES)
        with pytest.raises(InputError, match=r"Partner caf-15 \(owned by exemple-ctg-pays-de-"
                           r"salers\).*nothing was written"):  # fmt: skip
            write_dataset(bench.driver, DB, dataset_graph(dataset, VOCABULARIES))
        assert graph_snapshot(bench.driver) == before


def test_a_problem_quoting_markup_is_printed_as_it_is(tmp_path: Path) -> None:
    edited = tmp_path / "markup.yaml"
    text = ORIGINALS[0].read_text(encoding="utf-8")
    edited.write_text(text.replace("themes: [parentalite]", 'themes: ["[/]"]'), "utf-8")
    result = run_ctg("validate", str(edited))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "unknown theme '[/]'" in result.stderr
