"""Reading and validating partnership datasets (``ctg validate``, ``ctg load partnerships``).

:func:`read_datasets` reads every YAML file given (folders are searched for ``*.yaml``),
checks each file's shape against :mod:`loaders.dataset_format`, merges the files of one
dataset, then cross-checks everything: unique keys, references that resolve, territory
codes that exist in the reference (with the closest codes suggested), theme and
contract-kind codes from the vocabularies, coherent dates. It reports **every** problem of
**every** file at once, each with its file, line and field path, and raises before
anything could be written.

Each file is read once, whole, by :func:`loaders.input_files.read_whole` (only regular
files, at most ``CTG_DATASET_MAX_BYTES``, inside the folder they were found in, not
changing while read), then parsed from those bytes only; each :class:`Dataset` keeps the
stamps of its files so that a load can check they did not change before it writes. A
file that is not a dataset is never quoted: one that is not UTF-8 text, not YAML a
dataset may hold (:mod:`loaders.yaml_lines`) or has no ``format:`` gets one problem that
quotes nothing of it, and the problems of the others quote keys and values only as short
excerpts.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any

import yaml
from networkx.utils import UnionFind

from domain import resources
from domain.errors import InputError, InputFileError
from domain.names import fold
from domain.vocabulary import TerritoryKind
from graph.dataset_labels import CURATION
from graph.person_reads import StoredPerson
from graph.reference_store import ReferenceRecords
from loaders.dataset_format import (
    FORMAT,
    CompetenceHolding,
    Contract,
    DatasetFile,
    NodeRef,
    Partner,
    TerritoryRef,
    ThemeLink,
)
from loaders.dataset_shape import ShapeCheck, check_shape
from loaders.input_files import FileStamp, SizeLimit, dataset_size_limit, read_whole
from loaders.shorthands import Expansion, expand
from loaders.suggestions import closest, did_you_mean
from loaders.yaml_lines import Path as DataPath
from loaders.yaml_lines import YamlSyntaxError, line_of, load_with_lines

VOCABULARIES = resources.VOCABULARIES
#: What the commands read when given no dataset path: the seeds shipped in the package.
DEFAULT_DATASETS = resources.SEED_DATASETS
#: Largest axis or fiche action number: real ones are small, and a number must fit the
#: graph's integers and GraphQL's 32-bit Int.
MAX_NUMBER = 9999
#: A dataset file's first line, more or less: a file without it is not quoted.
_FORMAT_LINE = re.compile(r"^format\s*:", re.MULTILINE)
#: Longest key a field path quotes whole.
_SHORT_KEY = 40


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a dataset file."""

    file: Path
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else str(self.file)
        return f"{where}: {self.field or '(file)'}: {self.message}"

    def sort_key(self) -> tuple[str, int, tuple[tuple[int, int | str], ...]]:
        """File, then line (a problem of the whole file first), then field path (its
        indices compared as numbers: ``actions[2]`` before ``actions[10]``)."""
        parts = re.findall(r"\d+|[^\d\[\].]+", self.field)
        path = tuple((0, int(p)) if p.isdigit() else (1, p) for p in parts)
        return str(self.file), self.line or 0, path


def sorted_problems(problems: Iterable[Problem]) -> list[Problem]:
    """``problems`` in the order of :meth:`Problem.sort_key`, each once."""
    return sorted(dict.fromkeys(problems), key=Problem.sort_key)


class DatasetError(InputError):
    """Datasets with problems; nothing was written. ``problems`` are sorted by file, line
    and field, each listed once."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = sorted_problems(problems)
        files = len({p.file for p in self.problems})
        listing = "\n".join(f"  {p}" for p in self.problems)
        super().__init__(
            f"{len(self.problems)} problem(s) in {files} file(s); nothing was written. Fix "
            f"them all and run `ctg validate` again (docs/dataset-format.md describes the "
            f"format):\n{listing}"
        )


@dataclass(frozen=True)
class Vocabularies:
    """Theme, contract-kind and competence codes with their labels."""

    themes: dict[str, dict[str, Any]]
    contract_kinds: dict[str, dict[str, Any]]
    competences: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def load(cls, folder: Path = VOCABULARIES) -> Vocabularies:
        themes = yaml.safe_load((folder / "themes.yaml").read_text(encoding="utf-8"))["themes"]
        kinds = yaml.safe_load((folder / "contract-kinds.yaml").read_text(encoding="utf-8"))
        competences = folder / "competences.yaml"
        held = (
            yaml.safe_load(competences.read_text(encoding="utf-8"))["competences"]
            if competences.is_file()
            else []
        )
        _check_theme_words(themes, folder / "themes.yaml")
        return cls(
            themes={t["code"]: t for t in themes},
            contract_kinds={k["code"]: k for k in kinds["contract_kinds"]},
            competences={c["code"]: c for c in held},
        )

    def theme_keywords(self) -> dict[str, tuple[str, ...]]:
        """Each theme's ``keywords`` (the French words that name it in an article)."""
        return {code: tuple(t.get("keywords") or ()) for code, t in self.themes.items()}

    def theme_implies(self) -> dict[str, tuple[str, ...]]:
        """Each theme's ``implies``: the broader themes it always belongs to."""
        return {code: tuple(t.get("implies") or ()) for code, t in self.themes.items()}


def _check_theme_words(themes: list[dict[str, Any]], path: Path) -> None:
    """A theme's optional ``keywords`` are non-empty strings and its ``implies`` known codes;
    else the vocabulary file is broken, which no dataset can fix."""
    codes = {t["code"] for t in themes}
    for t in themes:
        keywords = t.get("keywords", [])
        if not isinstance(keywords, list) or not all(
            isinstance(k, str) and k.strip() for k in keywords
        ):
            raise InputError(
                f"{path}: theme {t['code']!r}: `keywords` must be a list of words or phrases "
                f"(e.g. [petite enfance, crèche]); fix the vocabulary file"
            )
        unknown = [c for c in t.get("implies", []) if c not in codes]
        if unknown:
            raise InputError(
                f"{path}: theme {t['code']!r}: `implies` names unknown theme(s) "
                f"{', '.join(map(repr, unknown))}; use codes of this file"
            )


@dataclass(frozen=True)
class TerritoryIndex:
    """The territory codes a dataset may name, from the territorial reference."""

    communes: dict[str, str]  # INSEE code -> name
    epcis: dict[str, str]  # SIREN -> name
    departements: dict[str, str]
    regions: dict[str, str]
    epci_members: dict[str, frozenset[str]]
    #: what the shorthands (loaders.shorthands) generate partners from: each EPCI's
    #: number of member communes in the whole reference (a scoped load may hold fewer),
    #: the communes' SIREN, and the reference's vintage (year)
    epci_member_counts: dict[str, int] = field(default_factory=dict)
    commune_sirens: dict[str, str] = field(default_factory=dict)
    vintage: int | None = None
    #: partners of the graph (datasets not in the run) governing a commune or an EPCI,
    #: ``(kind, code) -> key``: a shorthand names them rather than generate one; filled by
    #: a caller that reads the graph, empty otherwise
    governed_by: dict[tuple[str, str], str] = field(default_factory=dict)

    @classmethod
    def from_reference(cls, records: ReferenceRecords) -> TerritoryIndex:
        members: defaultdict[str, set[str]] = defaultdict(set)
        for commune in records.communes:
            if commune.epci:
                members[commune.epci].add(commune.code)
        return cls(
            communes={c.code: c.name for c in records.communes},
            epcis={e.code: e.name for e in records.epcis},
            departements={d.code: d.name for d in records.departements},
            regions={r.code: r.name for r in records.regions},
            epci_members={k: frozenset(v) for k, v in members.items()},
            epci_member_counts={e.code: e.member_count for e in records.epcis},
            commune_sirens={c.code: c.siren for c in records.communes if c.siren},
            vintage=records.vintage,
        )

    def codes(self, kind: TerritoryKind) -> dict[str, str]:
        """The codes (→ names) of the official territories of ``kind``."""
        return {
            TerritoryKind.COMMUNE: self.communes,
            TerritoryKind.EPCI: self.epcis,
            TerritoryKind.DEPARTEMENT: self.departements,
            TerritoryKind.REGION: self.regions,
        }[kind]


@dataclass(frozen=True)
class Dataset:
    """A validated dataset: its merged content, the files it came from, a checksum, and
    what each file was when it was read (to check before writing that none changed)."""

    key: str
    files: tuple[Path, ...]
    content: DatasetFile
    checksum: str
    stamps: tuple[FileStamp, ...] = ()
    #: partners generated from the reference by its shorthands (loaders.shorthands):
    #: shared with every dataset that names them, owned by none
    generated: tuple[Partner, ...] = ()
    #: where the keys it refers to but does not define were found, with how many keys
    #: each: another dataset file, or ``the graph (dataset X)`` (see :class:`Registry`)
    resolved: tuple[tuple[str, int], ...] = ()


#: The label of the graph's nodes of each kind of key a dataset defines.
KIND_LABELS: dict[str, str] = {
    "source": "Source",
    "partner": "Partner",
    "person": "Person",
    "sub_territory": "SubTerritory",
    "contract": "Contract",
    "axis": "Axis",
    "action": "Action",
    "body": "Body",
    "funding": "Funding",
    "competence_holding": "CompetenceHolding",
    "framing_document": "FramingDocument",
    "statement": "Statement",
}


@dataclass(frozen=True)
class Registry:
    """Where a run's references may resolve besides its own files: the keys defined
    once, in one dataset, and referred to from others (docs/dataset-format.md, "Shared
    partners and people").

    ``context`` files (``ctg validate``: the other datasets of the files' folders) are
    read only for the keys they define: their own problems are not reported, but a key
    the run defines again is. ``graph`` holds the keys already in the graph (label → key
    → owning dataset, from :func:`graph.dataset_keys.keys_in_graph`); the keys owned by
    the datasets of the run are left out, since the run replaces them. ``graph_name``
    says which graph; ``graph_unread`` why it was not read (then ``graph`` is None).
    """

    context: Sequence[Path] = ()
    graph: Mapping[str, Mapping[str, str]] | None = None
    graph_name: str = "the graph"
    graph_unread: str = ""
    #: partners of the graph governing a commune or an EPCI, ``(kind, code) → (key,
    #: owning dataset)`` (:func:`graph.dataset_keys.partners_governing`): a shorthand
    #: names them rather than generate a second partner for one territory
    governing: Mapping[tuple[str, str], tuple[str, str]] = field(default_factory=dict)
    #: the people of the graph, for ``ctg validate`` to refuse an alias that is another
    #: person's there (:func:`loaders.people.check_people_in_graph`)
    people: Sequence[StoredPerson] = ()


@dataclass
class _Where:
    path: Path
    lines: dict[DataPath, int]
    #: what repairing the file's shape left out or replaced (see loaders.dataset_shape)
    shape: ShapeCheck | None = None

    def original(self, path: DataPath) -> DataPath:
        """The file's own path of ``path``, a path of its (repaired) model."""
        return self.shape.original(path) if self.shape is not None else path

    def line(self, path: DataPath) -> int | None:
        """The line of ``path``, a path of the file's model."""
        return line_of(self.lines, self.original(path))


#: Where the partners generated by shorthands (loaders.shorthands) are defined.
_GENERATED_PLACE = _Where(Path("the reference (a partner generated by a shorthand)"), {})


@dataclass
class _File(_Where):
    model: DatasetFile = field(kw_only=True)
    stamp: FileStamp | None = None


@dataclass
class _Checker:
    territories: TerritoryIndex
    vocabularies: Vocabularies
    problems: list[Problem] = field(default_factory=list)
    #: where the run looked for keys, said when one is found nowhere ("" : its files only)
    looked: str = ""
    #: dataset → where a key it refers to is defined outside it → those (kind, key)
    resolved: defaultdict[str, defaultdict[str, set[tuple[str, str]]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(set))
    )

    def add(self, file: _Where, path: DataPath, message: str) -> None:
        path = file.original(path)
        if file.shape is not None and _hidden(file.shape, path, message):
            return
        self.problems.append(Problem(file.path, line_of(file.lines, path), _dotted(path), message))


def _hidden(shape: ShapeCheck, path: DataPath, message: str) -> bool:
    """A cross-check problem about a place the shape check repaired (reported already),
    or the missing source of a fact whose `source` (or the file's default) was wrong."""
    if shape.hides(path, message):
        return True
    return message.startswith("no source:") and (
        (*path, "source") in shape.repaired or ("default_source",) in shape.repaired
    )


def dataset_files(paths: Iterable[Path]) -> list[Path]:
    """The YAML files named by ``paths`` (folders searched recursively), sorted."""
    return [path for path, _ in _found_files(paths)]


def _found_files(paths: Iterable[Path]) -> list[tuple[Path, Path]]:
    """Each file named by ``paths`` with the folder it must stay in (symbolic links
    resolved): the folder given, or a file's own folder. Links to folders are not
    followed (a folder linking to ``/`` would be searched whole)."""
    found: list[tuple[Path, Path]] = []
    for path in paths:
        if path.is_dir():
            names: list[Path] = []
            for folder, subfolders, files in os.walk(path, onerror=_unreadable_folder):
                subfolders.sort()
                names.extend(Path(folder) / n for n in files if n.endswith((".yaml", ".yml")))
            found.extend((name, path) for name in sorted(names))
        else:
            found.append((path, path.parent))
    return found


def _unreadable_folder(error: OSError) -> None:
    raise InputError(
        f"The folder {error.filename} cannot be searched for datasets ({error.strerror}); "
        "give the user running ctg read access to it, or leave it out."
    )


def read_datasets(
    paths: Sequence[Path],
    territories: TerritoryIndex,
    vocabularies: Vocabularies | None = None,
    registry: Registry | None = None,
) -> list[Dataset]:
    """Read, validate and cross-check the dataset files; return one :class:`Dataset` each.

    References resolve against the files read and, with a ``registry``, against its
    context files and the keys already in the graph; each :class:`Dataset` says where
    the keys it refers to without defining them were found (``Dataset.resolved``).

    Raises:
        DatasetError: listing every problem found, each with file, line and field (a
            file refused before it was parsed, by :func:`loaders.input_files.read_whole`,
            is one problem with no line).
        InputError: no file was found, or a folder cannot be searched.
        ConfigurationError: ``CTG_DATASET_MAX_BYTES`` is not a size.
    """
    vocabularies = vocabularies or Vocabularies.load()
    files = _found_files(paths)
    if not files:
        raise InputError(
            f"No dataset file (*.yaml) in {', '.join(map(str, paths))}; pass files or folders "
            "holding partnership datasets (see docs/dataset-format.md)."
        )
    checker = _Checker(territories, vocabularies)
    limit = dataset_size_limit()
    parsed = [f for f in (_parse(p, root, limit, checker) for p, root in files) if f is not None]
    by_dataset: defaultdict[str, list[_File]] = defaultdict(list)
    for parsed_file in parsed:
        by_dataset[parsed_file.model.dataset.key].append(parsed_file)
    for group in by_dataset.values():
        first = group[0].model.dataset
        for other in group[1:]:
            if other.model.dataset != first and not _repaired_dataset(group[0], other):
                checker.add(
                    other, ("dataset",), f"differs from the `dataset` block of {group[0].path}"
                )
    registry = registry or Registry()
    context = _context_files(registry, files, territories, vocabularies, limit)
    checker.looked = _looked(registry, context)
    graph_keys = _graph_keys(registry, set(by_dataset) | {f.model.dataset.key for f in context})
    if registry.governing:
        # the graph's partners of datasets the run does not replace
        territories = replace(
            territories,
            governed_by={
                **{
                    t: key
                    for t, (key, owner) in registry.governing.items()
                    if owner not in by_dataset
                },
                **territories.governed_by,
            },
        )
        checker.territories = territories
    expansion = _expand_shorthands(parsed, checker)
    # the partners a shorthand may name beside those of the files: generated ones, and
    # those of the graph governing a territory (when the caller read them)
    _check_all(
        parsed,
        checker,
        {"partner": set(territories.governed_by.values())},
        graph_keys=graph_keys,
        context=context,
        generated=expansion.generated_keys,
    )
    if checker.problems:
        raise DatasetError(checker.problems)
    generated = {id(f): expansion.generated[i] for i, f in enumerate(parsed)}
    return [
        _with_generated(
            _merge(key, group, checker.resolved.get(key)), [generated[id(f)] for f in group]
        )
        for key, group in sorted(by_dataset.items())
    ]


def folder_siblings(paths: Iterable[Path]) -> list[Path]:
    """The other dataset files (``*.yaml``, ``*.yml``) of the folders of the files named
    by ``paths`` (a folder given is read whole already): what ``ctg validate FILE``
    resolves FILE's references against besides FILE."""
    given = {path.resolve() for path, _ in _found_files(paths)}
    siblings: set[Path] = set()
    for path in paths:
        if path.is_dir() or not path.parent.is_dir():
            continue
        for sibling in path.parent.iterdir():
            if sibling.suffix in (".yaml", ".yml") and sibling.resolve() not in given:
                siblings.add(sibling)
    return sorted(siblings)


def _context_files(
    registry: Registry,
    run: list[tuple[Path, Path]],
    territories: TerritoryIndex,
    vocabularies: Vocabularies,
    limit: SizeLimit,
) -> list[_File]:
    """The registry's context files that parse as datasets (their problems are theirs:
    a throwaway checker hears them), leaving out the files of the run."""
    given = {path.resolve() for path, _ in run}
    quiet = _Checker(territories, vocabularies)
    found = [
        _parse(path, path.parent, limit, quiet)
        for path in registry.context
        if path.resolve() not in given
    ]
    return [f for f in found if f is not None]


def _looked(registry: Registry, context: list[_File]) -> str:
    """Where the run looks for a key, as a key found nowhere says it ("": files only)."""
    if not registry.context and registry.graph is None and not registry.graph_unread:
        return ""
    places = ["the files given"]
    if context:
        names = ", ".join(f.path.name for f in context[:5])
        more = f" and {len(context) - 5} more" if len(context) > 5 else ""
        places.append(f"the other datasets of their folder ({names}{more})")
    if registry.graph is not None:
        places.append(registry.graph_name)
    where = ", ".join(places[:-1]) + " and " + places[-1] if len(places) > 1 else places[0]
    if registry.graph is None and registry.graph_unread:
        where += f"; not in the graph ({registry.graph_unread})"
    return where


def _graph_keys(registry: Registry, run: set[str]) -> dict[str, dict[str, str]]:
    """kind → key → owning dataset, of the registry's graph keys the run does not own."""
    if registry.graph is None:
        return {}
    return {
        kind: {
            key: owner for key, owner in registry.graph.get(label, {}).items() if owner not in run
        }
        for kind, label in KIND_LABELS.items()
    }


def _parse(path: Path, root: Path, limit: SizeLimit, checker: _Checker) -> _File | None:
    empty = _Where(path, {})
    try:
        read = read_whole(path, limit, within=root)
    except InputFileError as error:
        checker.add(empty, (), error.reason)
        return None
    try:
        text = read.data.decode("utf-8")
    except UnicodeDecodeError as error:
        checker.add(
            empty,
            (),
            f"not UTF-8 text (byte {error.start}), so not a dataset: a dataset file is YAML "
            "text saved as UTF-8; is this the right file?",
        )
        return None
    raw: dict[DataPath, str] = {}
    try:
        data, lines = load_with_lines(text, raw=raw)
    except YamlSyntaxError as error:
        message = f"not valid YAML: {error}"
        if error.quotes and not _FORMAT_LINE.search(text):
            # a key or an alias is quoted only from a file that looks like a dataset
            message = f"not a dataset file: not valid YAML, and no `format: {FORMAT}` line"
        checker.problems.append(Problem(path, error.line, "", message))
        return None
    shell = _Where(path, lines)
    if not isinstance(data, dict):
        checker.add(shell, (), "a dataset file is a YAML mapping starting with `format:`")
        return None
    if "format" not in data:
        # whatever else it holds is not quoted: this may be any file (/etc/shadow, a key)
        checker.add(
            shell,
            (),
            f"not a dataset file: it has no `format: {FORMAT}` line (docs/dataset-format.md); "
            "nothing else of it is checked",
        )
        return None
    parsed = _validate(data, shell, checker, only_format=data["format"] != FORMAT, raw=raw)
    if parsed is not None:
        parsed.stamp = read.stamp
    return parsed


def _validate(
    data: dict[str, Any],
    shell: _Where,
    checker: _Checker,
    only_format: bool = False,
    raw: dict[DataPath, str] | None = None,
) -> _File | None:
    """Check ``data`` against the format; ``only_format`` reports nothing but a wrong
    ``format:`` (the rest of a file in another format is not quoted). A file with shape
    problems is repaired (:mod:`loaders.dataset_shape`) so that the cross-checks still run
    on all the rest of it; ``raw`` holds the text as written of its non-text values."""
    shape = check_shape(data, raw or {}, only_format=only_format)
    for problem in shape.problems:
        checker.add(shell, problem.path, problem.message)
    if shape.model is None:
        return None
    return _File(shell.path, shell.lines, shape if shape.problems else None, model=shape.model)


def _repaired_dataset(first: _File, other: _File) -> bool:
    """Whether the `dataset` block of either file was repaired (so it cannot be compared)."""
    return any(
        f.shape is not None and any(p[:1] == ("dataset",) for p in f.shape.repaired)
        for f in (first, other)
    )


def _define_dropped(f: _File, define: Callable[[str, str, _File, DataPath], None]) -> None:
    """Define the keys of the entries the shape check left out, when they are readable, so
    that what refers to them is not also reported (their own problem is reported)."""
    if f.shape is None:
        return
    as_written = _File(f.path, f.lines, model=f.model)  # paths below are the file's own
    contracts = {f.original(("contracts", i)): c.key for i, c in enumerate(f.model.contracts)}
    for path, entry in f.shape.dropped:
        if isinstance(entry, str) and len(path) == 2 and path[0] in _SECTION_KINDS:
            # `- caf-15` where a mapping was meant: the key, most likely
            define(_SECTION_KINDS[str(path[0])], entry, as_written, path)
        if not isinstance(entry, dict):
            continue
        key = entry.get("key")
        kind = _SECTION_KINDS.get(str(path[0])) if len(path) == 2 else None
        if kind is not None and isinstance(key, str):
            define(kind, key, as_written, path)
        if path[0] != "contracts":
            continue
        actions: list[tuple[DataPath, Any]]
        if len(path) == 2 and isinstance(key, str):
            actions = [((*path, "actions", j), a) for j, a in enumerate(_listed(entry, "actions"))]
            for j, axis in enumerate(_listed(entry, "axes")):
                listed = _listed(axis, "actions")
                actions += [((*path, "axes", j, "actions", k), a) for k, a in enumerate(listed)]
            contract: str | None = key
        else:
            actions = [(path, entry)] if path[-2] == "actions" else []
            contract = contracts.get(path[:2])
        for action_path, action in actions:
            if contract is not None and isinstance(action, dict):
                own, number = action.get("key"), action.get("number")
                if isinstance(own, str) or isinstance(number, int):
                    own = own if isinstance(own, str) else None
                    number = number if isinstance(number, int) else None
                    name = action_key(contract, own, number, action_path)
                    define("action", name, as_written, action_path)


def _listed(entry: Any, name: str) -> list[Any]:
    """``entry[name]`` when ``entry`` is a mapping and that a list, else nothing."""
    value = entry.get(name) if isinstance(entry, dict) else None
    return value if isinstance(value, list) else []


#: The kind of key each section's entries define.
_SECTION_KINDS = {
    "sources": "source",
    "partners": "partner",
    "people": "person",
    "sub_territories": "sub_territory",
    "contracts": "contract",
    "bodies": "body",
    "fundings": "funding",
    "framing_documents": "framing_document",
    "statements": "statement",
}


def check_fragment(
    data: dict[str, Any],
    territories: TerritoryIndex,
    vocabularies: Vocabularies,
    existing: dict[str, set[str]],
    where: str = "<request>",
) -> tuple[DatasetFile | None, list[Problem]]:
    """Check a dataset fragment (the shape of one dataset file) exactly as a file is
    checked, except that its references may also name the keys in ``existing`` (kind →
    keys, e.g. ``{"partner": {"caf-15"}}``: facts already in the graph). Keys the
    fragment defines must not be in ``existing``. Used by the API's curation mutations.

    Returns the validated model (``None`` when invalid) and every problem found.
    """
    checker = _Checker(territories, vocabularies)
    parsed = _validate(data, _Where(Path(where), {}), checker)
    if parsed is not None:
        _refuse_shorthands(parsed, checker)
        _check_all([parsed], checker, existing)
    return (parsed.model if parsed is not None and not checker.problems else None), (
        sorted_problems(checker.problems)
    )


def _check_all(
    files: list[_File],
    checker: _Checker,
    existing: dict[str, set[str]] | None = None,
    *,
    graph_keys: Mapping[str, Mapping[str, str]] | None = None,
    context: Sequence[_File] = (),
    generated: Iterable[str] = (),
) -> None:
    """Cross-file checks: unique keys, resolvable references, codes, dates.

    Keys resolve against ``files``, then the keys ``existing`` (kind → keys, in the
    graph), ``graph_keys`` (kind → key → owning dataset) and those the ``context`` files
    define (see :class:`Registry`); a key ``files`` define again is reported with the
    other place that defines it.
    """
    defined = _in_graph(existing or {}, graph_keys or {})
    # partners the shorthands generated from the reference: named, never "resolved" elsewhere
    defined["partner"].update((key, (_GENERATED_PLACE, ())) for key in generated)
    quiet = {id(f) for f in context}

    def define(kind: str, key: str, file: _File, path: DataPath) -> None:
        if id(file) in quiet:
            # a context file's definitions: a clash among them is not this run's problem
            defined[kind].setdefault(key, (file, path))
        elif key in defined[kind] and not _curated(defined[kind][key][0]):
            other_file, other_path = defined[kind][key]
            line = other_file.line(other_path)
            at = f"{other_file.path}:{line}" if line else str(other_file.path)
            checker.add(file, path, f"{kind} key {key!r} is already defined at {at}")
        else:
            defined[kind][key] = (file, path)

    for f in [*context, *files]:  # context first: a key the run defines again is the run's
        m = f.model
        for i, source in enumerate(m.sources):
            define("source", source.key, f, ("sources", i, "key"))
        for i, partner in enumerate(m.partners):
            define("partner", partner.key, f, ("partners", i, "key"))
        for i, person in enumerate(m.people):
            define("person", person.key, f, ("people", i, "key"))
        for i, sub in enumerate(m.sub_territories):
            define("sub_territory", sub.key, f, ("sub_territories", i, "key"))
        for i, c in enumerate(m.contracts):
            define("contract", c.key, f, ("contracts", i, "key"))
            for path, action in _actions_of(c, ("contracts", i)):
                define("action", action_key(c.key, action.key, action.number, path), f, path)
        for i, b in enumerate(m.bodies):
            define("body", b.key, f, ("bodies", i, "key"))
        for i, g in enumerate(m.fundings):
            define("funding", g.key, f, ("fundings", i, "key"))
        _define_facts(f, define)
        _define_dropped(f, define)

    for f in files:
        _check_references(f, checker, defined)
    _check_person_names(files, checker)


def _in_graph(
    existing: Mapping[str, set[str]], graph_keys: Mapping[str, Mapping[str, str]]
) -> dict[str, dict[str, tuple[_Where, DataPath]]]:
    """The keys already in the graph, kind → key → where (the graph, with its owner)."""
    defined: dict[str, dict[str, tuple[_Where, DataPath]]] = defaultdict(dict)
    graph = _Where(Path("the graph"), {})
    for kind, owners in graph_keys.items():  # first: they say which dataset owns them
        for key, owner in owners.items():
            place = _Where(Path(f"the graph (dataset {owner or 'none'})"), {})
            defined[kind][key] = (place, ())
    for kind, keys in existing.items():
        for key in keys:
            defined[kind].setdefault(key, (graph, ()))
    return defined


def _curated(where: _Where) -> bool:
    """Whether ``where`` is the graph's facts added through the API: a file may define
    their keys again, and the load decides (refused unless ``--adopt-curated``)."""
    return str(where.path) == f"the graph (dataset {CURATION})"


def _check_references(
    f: _File, checker: _Checker, defined: dict[str, dict[str, tuple[_Where, DataPath]]]
) -> None:
    """Check what the file ``f`` refers to, one checker per section in the file's order
    (so the problems come in the order of the file)."""
    refs = _References(f, checker, defined)
    refs.key("source", f.model.default_source, ("default_source",))
    _check_partners(refs)
    _check_people(refs)
    _check_sub_territories(refs)
    _check_contracts(refs)
    _check_bodies(refs)
    _check_fundings(refs)
    _check_competences(refs)
    _check_framing_documents(refs)
    _check_instruments(refs)
    _check_statements(refs)


@dataclass(frozen=True)
class _References:
    """One file's references, checked against the keys ``defined`` by every file."""

    file: _File
    checker: _Checker
    defined: dict[str, dict[str, tuple[_Where, DataPath]]]

    @property
    def model(self) -> DatasetFile:
        return self.file.model

    def add(self, path: DataPath, message: str) -> None:
        self.checker.add(self.file, path, message)

    def key(self, kind: str, key: str | None, path: DataPath) -> None:
        """``key`` (when given) must be the key of some ``kind``; one defined outside
        the file's dataset is counted where it was found (``Dataset.resolved``)."""
        if key is None:
            return
        found = self.defined[kind].get(key)
        if found is not None:
            origin = _origin(found[0], self.model.dataset.key)
            if origin:
                self.checker.resolved[self.model.dataset.key][origin].add((kind, key))
            return
        close = difflib.get_close_matches(key, list(self.defined[kind]), n=3)
        hint = f"; did you mean {', '.join(map(partial(self._named, kind), close))}?"
        looked = f" (looked in {self.checker.looked})" if self.checker.looked else ""
        self.add(path, f"no {kind} has key {key!r}{hint if close else ''}{looked}")

    def _named(self, kind: str, key: str) -> str:
        """``key``, with where it is defined when that is outside the file's dataset."""
        origin = _origin(self.defined[kind][key][0], self.model.dataset.key)
        # "the graph (dataset x)" → "the graph, dataset x": no parentheses in parentheses
        if origin.startswith("the graph (dataset "):
            origin = origin.replace(" (dataset ", ", dataset ").removesuffix(")")
        return f"{key} ({origin})" if origin else key

    def territory(self, t: TerritoryRef, path: DataPath) -> None:
        """``t`` must be a sub-territory of the datasets or a code of the reference."""
        kind = t.kind
        if kind == "sub_territory":
            self.key("sub_territory", t.sub_territory, (*path, kind))
            return
        codes = self.checker.territories.codes(kind)
        if t.code not in codes:
            close = difflib.get_close_matches(t.code, list(codes), n=3, cutoff=0.6)
            hint = "; closest: " + ", ".join(f"{c} ({codes[c]})" for c in close) if close else ""
            self.add(
                (*path, kind), f"{kind} code {t.code!r} is not in the territorial reference{hint}"
            )

    def facts(self, path: DataPath, fact: Any) -> None:
        """A fact must cite a source, its own or the file's default one."""
        self.key("source", fact.source, (*path, "source"))
        if fact.source is None and self.model.default_source is None:
            self.add(path, "no source: give this fact a `source`, or the file a `default_source`")


def _check_partners(refs: _References) -> None:
    for i, shorthand in enumerate(refs.model.partners_from):
        refs.facts(("partners_from", i), shorthand)
    for i, p in enumerate(refs.model.partners):
        refs.facts(("partners", i), p)
        for group in ("governs", "serves"):
            for j, link in enumerate(getattr(p, group)):
                refs.territory(link.territory, ("partners", i, group, j, "territory"))


def _check_people(refs: _References) -> None:
    for i, person in enumerate(refs.model.people):
        refs.facts(("people", i), person)
        for j, post in enumerate(person.posts):
            refs.key("partner", post.organisation, ("people", i, "posts", j, "organisation"))
    for i, same in enumerate(refs.model.same_people):
        base = ("same_people", i)
        refs.facts(base, same)
        seen: dict[str, int] = {}
        for j, key in enumerate(same.people):
            refs.key("person", key, (*base, "people", j))
            if key in seen:
                refs.add(
                    (*base, "people", j),
                    f"names person {key!r} twice (also at people[{seen[key]}]): a person is "
                    "the same as herself; name two different people",
                )
            seen.setdefault(key, j)


def _check_person_names(files: list[_File], checker: _Checker) -> None:
    """Across every file of the run: no pair of people is declared the same person twice,
    and no person's alias is another person's name or alias (folded by
    :func:`domain.names.fold`) unless both are declared the same person."""
    same: UnionFind[str] = UnionFind()
    declared: dict[frozenset[str], tuple[_Where, DataPath]] = {}
    for f in files:
        for i, declaration in enumerate(f.model.same_people):
            keys = list(dict.fromkeys(declaration.people))
            path: DataPath = ("same_people", i)
            for other in keys[1:]:
                pair = frozenset((keys[0], other))
                if pair in declared:
                    first, at = declared[pair]
                    checker.add(
                        f,
                        (*path, "people"),
                        f"{keys[0]!r} and {other!r} are already declared the same person at "
                        f"{_place(first, at)}; declare each pair once (give one declaration "
                        "the source that states it)",
                    )
                declared.setdefault(pair, (f, path))
            same.union(*keys)
    # folded form -> the first person written so: key, form, whether an alias, where
    written: dict[str, tuple[str, str, bool, _Where, DataPath]] = {}
    for f in files:
        for i, person in enumerate(f.model.people):
            forms: list[tuple[str, DataPath, bool]] = [(person.name, ("people", i, "name"), False)]
            forms += [(a, ("people", i, "aliases", j), True) for j, a in enumerate(person.aliases)]
            for form, path, alias in forms:
                folded = fold(form)
                if folded not in written:
                    written[folded] = (person.key, form, alias, f, path)
                    continue
                key, other_form, other_alias, where, other_path = written[folded]
                # two people named alike may be two people; an alias says they are one
                if key == person.key or same[key] == same[person.key]:
                    continue
                if alias or other_alias:
                    mine = "alias" if alias else "name"
                    theirs = "an alias" if other_alias else "the name"
                    checker.add(
                        f,
                        path,
                        f"{mine} {form!r} is {theirs} of person {key!r} ({other_form!r}) at "
                        f"{_place(where, other_path)}, accents and case aside: if they are one "
                        "person, declare it in `same_people`; if not, drop the alias",
                    )


def _place(where: _Where, path: DataPath) -> str:
    """``file:line`` of ``path`` in ``where`` (the file alone when the line is unknown)."""
    line = line_of(where.lines, path)
    return f"{where.path}:{line}" if line else str(where.path)


def _check_sub_territories(refs: _References) -> None:
    territories = refs.checker.territories
    for i, s in enumerate(refs.model.sub_territories):
        refs.facts(("sub_territories", i), s)
        refs.territory(s.part_of, ("sub_territories", i, "part_of"))
        members = territories.epci_members.get(s.part_of.code) if s.part_of.epci else None
        for j, code in enumerate(s.communes):
            if code not in territories.communes:
                close = difflib.get_close_matches(code, list(territories.communes), n=3)
                refs.add(
                    ("sub_territories", i, "communes", j),
                    f"commune code {code!r} is not in the territorial reference"
                    + (f"; closest: {', '.join(close)}" if close else ""),
                )
            elif members is not None and code not in members:
                refs.add(
                    ("sub_territories", i, "communes", j),
                    f"commune {code} ({territories.communes[code]}) is not a member of "
                    f"EPCI {s.part_of.code}, which the sub-territory is part of",
                )


def _check_contracts(refs: _References) -> None:
    for i, c in enumerate(refs.model.contracts):
        base = ("contracts", i)
        refs.facts(base, c)
        _check_contract_terms(refs, c, base)
        for j, shorthand in enumerate(c.signatories_from):
            refs.facts((*base, "signatories_from", j), shorthand)
        for j, signatory in enumerate(c.signatories):
            refs.key("partner", signatory.partner, (*base, "signatories", j, "partner"))
            for k, person_key in enumerate(signatory.people):
                refs.key("person", person_key, (*base, "signatories", j, "people", k))
        for j, link in enumerate(c.covers):
            refs.territory(link.territory, (*base, "covers", j, "territory"))
        for j, relation in enumerate(c.relations):
            refs.key("contract", relation.target, (*base, "relations", j, "target"))
            if relation.target == c.key:
                refs.add((*base, "relations", j, "target"), "a contract cannot relate to itself")
        _check_numbering(refs, c, base)
        for j, key in enumerate(c.leads):
            refs.key("partner", key, (*base, "leads", j))
        for j, key in enumerate(c.funders):
            refs.key("partner", key, (*base, "funders", j))
        _check_actions(refs, c, base)
        _check_contract_facts(refs, c, base)


def _check_contract_terms(refs: _References, c: Contract, base: DataPath) -> None:
    """A contract's kind comes from the vocabulary (its dates are checked by its model)."""
    kinds = refs.checker.vocabularies.contract_kinds
    _code(refs, c.kind, kinds, "contract-kinds", (*base, "kind"))


def _check_numbering(refs: _References, c: Contract, base: DataPath) -> None:
    """Each axis number is used once; no axis or action number exceeds MAX_NUMBER."""
    axes: dict[int, int] = {}
    for j, axis in enumerate(c.axes):
        if axis.number in axes:
            first = (*base, "axes", axes[axis.number])
            line = refs.file.line(first)
            refs.add(
                (*base, "axes", j, "number"),
                f"axis number {axis.number} is already used by the axis at "
                f"{f'line {line}' if line else _dotted(refs.file.original(first))}; number "
                "each axis once",
            )
        axes.setdefault(axis.number, j)
    numbered: list[tuple[DataPath, int]] = [
        ((*base, "axes", j), axis.number) for j, axis in enumerate(c.axes)
    ]
    numbered += [(path, a.number) for path, a in _actions_of(c, base) if a.number is not None]
    for path, number in numbered:
        if number > MAX_NUMBER:
            refs.add(
                (*path, "number"), f"{number} is too large for a number (at most {MAX_NUMBER})"
            )


def _check_actions(refs: _References, c: Contract, base: DataPath) -> None:
    themes = refs.checker.vocabularies.themes
    for path, action in _actions_of(c, base):
        refs.key("partner", action.lead, (*path, "lead"))
        refs.key("contract", action.owner, (*path, "owner"))
        if action.owner == c.key:
            refs.add(
                (*path, "owner"),
                "the owner is the contract the fiche is listed under; leave `owner` out",
            )
        for k, key in enumerate(action.funders):
            refs.key("partner", key, (*path, "funders", k))
        for k, theme in enumerate(action.themes):
            _code(refs, theme, themes, "themes", (*path, "themes", k))


def _check_bodies(refs: _References) -> None:
    for i, b in enumerate(refs.model.bodies):
        refs.facts(("bodies", i), b)
        refs.key("partner", b.organisation, ("bodies", i, "organisation"))
        for j, member in enumerate(b.members):
            refs.key("partner", member.partner, ("bodies", i, "members", j, "partner"))
            refs.key("person", member.person, ("bodies", i, "members", j, "person"))
            refs.key("body", member.body, ("bodies", i, "members", j, "body"))
        for j, key in enumerate(b.steers):
            refs.key("contract", key, ("bodies", i, "steers", j))


def _check_fundings(refs: _References) -> None:
    for i, g in enumerate(refs.model.fundings):
        refs.facts(("fundings", i), g)
        refs.key("partner", g.payer, ("fundings", i, "payer"))
        refs.key("partner", g.payee, ("fundings", i, "payee"))
        refs.key("funding", g.share_of, ("fundings", i, "share_of"))
        for j, key in enumerate(g.contracts):
            refs.key("contract", key, ("fundings", i, "contracts", j))
        if g.territory is not None:
            refs.territory(g.territory, ("fundings", i, "territory"))


def _actions_of(contract: Any, base: DataPath) -> list[tuple[DataPath, Any]]:
    found: list[tuple[DataPath, Any]] = [
        ((*base, "actions", j), a) for j, a in enumerate(contract.actions)
    ]
    for i, axis in enumerate(contract.axes):
        found.extend(((*base, "axes", i, "actions", j), a) for j, a in enumerate(axis.actions))
    return found


def action_key(contract: str, key: str | None, number: int | None, path: DataPath) -> str:
    """The key of a fiche action: its own, else ``<contract>-fa-<number>``, else by position."""
    if key:
        return key
    if number is not None:
        return f"{contract}-fa-{number}"
    return f"{contract}-action-{'-'.join(str(p) for p in path[2:])}"


def _origin(where: _Where, dataset: str) -> str:
    """Where a key ``dataset`` refers to is defined, when not in ``dataset`` itself: a
    file's name, or ``the graph, dataset X``; "" for ``dataset``'s own files and for the
    partners its shorthands generated."""
    if isinstance(where, _File):
        return "" if where.model.dataset.key == dataset else where.path.name
    if where is _GENERATED_PLACE:
        return ""
    return str(where.path)


def _merge(
    key: str, group: list[_File], resolved: Mapping[str, set[tuple[str, str]]] | None = None
) -> Dataset:
    merged: dict[str, Any] = {"format": group[0].model.format, "dataset": group[0].model.dataset}
    for name in (
        "sources",
        "partners",
        "partners_from",
        "people",
        "same_people",
        "sub_territories",
        "contracts",
        "bodies",
        "fundings",
        "competences",
        "framing_documents",
        "instruments",
        "statements",
    ):
        merged[name] = [item for f in group for item in getattr(f.model, name)]
    merged["default_source"] = next(
        (f.model.default_source for f in group if f.model.default_source), None
    )
    content = DatasetFile.model_validate(merged)
    digest = hashlib.sha256(
        json.dumps(content.model_dump(mode="json"), sort_keys=True).encode()
    ).hexdigest()
    stamps = tuple(f.stamp for f in group if f.stamp is not None)
    found = tuple(sorted(((origin, len(keys)) for origin, keys in (resolved or {}).items())))
    return Dataset(key, tuple(f.path for f in group), content, digest, stamps, resolved=found)


def _dotted(path: DataPath) -> str:
    text = ""
    for part in path:
        if isinstance(part, str) and len(part) > _SHORT_KEY:
            part = part[: _SHORT_KEY - 1] + "…"  # a field path quotes a key, never copies it
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


# -- facts that are not contracts: competences, framing documents, instruments, statements,
# and the themes and contributors of a contract -------------------------------------------


def competence_key(holding: CompetenceHolding) -> str:
    """The key of a competence holding: its own, else ``<holder>-<competence>-<code>``.

    >>> from loaders.dataset_format import CompetenceHolding
    >>> competence_key(CompetenceHolding.model_validate(
    ...     {"holder": "commune-blanzy", "competence": "enfance-jeunesse",
    ...      "territory": {"commune": "71040"}}))
    'commune-blanzy-enfance-jeunesse-71040'
    """
    return holding.key or f"{holding.holder}-{holding.competence}-{holding.territory.code.lower()}"


def axis_key(contract: str, number: int) -> str:
    """The key of a contract's axis, ``<contract>-axe-<number>``."""
    return f"{contract}-axe-{number}"


def _define_facts(f: _File, define: Callable[[str, str, _File, DataPath], None]) -> None:
    """Define the keys of the sections a statement may name besides the older ones."""
    m = f.model
    for i, c in enumerate(m.contracts):
        numbers = {axis.number: j for j, axis in reversed(list(enumerate(c.axes)))}
        # an axis number used twice is reported once, by _check_numbering
        for number, j in sorted(numbers.items(), key=lambda item: item[1]):
            define("axis", axis_key(c.key, number), f, ("contracts", i, "axes", j, "number"))
    for i, holding in enumerate(m.competences):
        define("competence_holding", competence_key(holding), f, ("competences", i))
    for i, document in enumerate(m.framing_documents):
        define("framing_document", document.key, f, ("framing_documents", i, "key"))
    for i, statement in enumerate(m.statements):
        define("statement", statement.key, f, ("statements", i, "key"))


def _code(refs: _References, code: str, known: dict[str, Any], what: str, path: DataPath) -> None:
    """``code`` must be one of the vocabulary ``known`` (file ``what``: themes, …); else
    the closest codes are suggested, a code differing only by case, accents or separators
    alone (``CTG`` for ``ctg``: suggested, not accepted, see docs/decisions.md)."""
    if code not in known:
        label = what.removesuffix("s").replace("contract-kind", "contract kind")
        refs.add(
            path,
            f"unknown {label} {code!r}{did_you_mean(closest(code, known))} "
            f"(data/vocabularies/{what}.yaml)",
        )


def _check_themes(refs: _References, themes: list[ThemeLink], base: DataPath) -> None:
    known = refs.checker.vocabularies.themes
    for k, link in enumerate(themes):
        refs.facts((*base, "themes", k), link)
        _code(refs, link.theme, known, "themes", (*base, "themes", k, "theme"))


def _check_contract_facts(refs: _References, c: Contract, base: DataPath) -> None:
    """A contract's stated themes (its own and its axes') and its contributors."""
    _check_themes(refs, c.themes, base)
    for j, axis in enumerate(c.axes):
        _check_themes(refs, axis.themes, (*base, "axes", j))
    signing = {s.partner for s in c.signatories}
    for j, contributor in enumerate(c.contributors):
        path = (*base, "contributors", j)
        refs.facts(path, contributor)
        refs.key("partner", contributor.partner, (*path, "partner"))
        if contributor.partner in signing:
            refs.add(
                (*path, "partner"),
                f"{contributor.partner!r} signs this contract: give its role in its "
                "`signatories` entry; `contributors` are the partners that do not sign",
            )


def _check_competences(refs: _References) -> None:
    known = refs.checker.vocabularies.competences
    for i, holding in enumerate(refs.model.competences):
        base = ("competences", i)
        refs.facts(base, holding)
        refs.key("partner", holding.holder, (*base, "holder"))
        _code(refs, holding.competence, known, "competences", (*base, "competence"))
        refs.territory(holding.territory, (*base, "territory"))


def _check_framing_documents(refs: _References) -> None:
    kinds = refs.checker.vocabularies.contract_kinds
    for i, document in enumerate(refs.model.framing_documents):
        base = ("framing_documents", i)
        refs.facts(base, document)
        _code(refs, document.kind, kinds, "contract-kinds", (*base, "kind"))
        for j, shorthand in enumerate(document.parties_from):
            refs.facts((*base, "parties_from", j), shorthand)
        for j, party in enumerate(document.parties):
            refs.facts((*base, "parties", j), party)
            refs.key("partner", party.partner, (*base, "parties", j, "partner"))
            for k, person in enumerate(party.people):
                refs.key("person", person, (*base, "parties", j, "people", k))
        for j, link in enumerate(document.covers):
            refs.territory(link.territory, (*base, "covers", j, "territory"))
        for j, framing in enumerate(document.frames):
            refs.facts((*base, "frames", j), framing)
            refs.key("contract", framing.contract, (*base, "frames", j, "contract"))


def _check_instruments(refs: _References) -> None:
    kinds = refs.checker.vocabularies.contract_kinds
    for i, instrument in enumerate(refs.model.instruments):
        base = ("instruments", i)
        refs.facts(base, instrument)
        _code(refs, instrument.kind, kinds, "contract-kinds", (*base, "kind"))
        refs.key("partner", instrument.created_by, (*base, "created_by"))


def _check_statements(refs: _References) -> None:
    for i, statement in enumerate(refs.model.statements):
        base = ("statements", i)
        refs.facts(base, statement)
        for j, about in enumerate(statement.about):
            _check_node(refs, about, (*base, "about", j))


def _check_node(refs: _References, ref: NodeRef, path: DataPath) -> None:
    """A statement's node: a key some dataset defines, or a code of the reference."""
    kind = ref.kind
    if kind in ("commune", "epci", "departement", "region"):
        refs.territory(TerritoryRef.model_validate({kind: ref.key}), path)
    else:
        refs.key(kind, ref.key, (*path, kind))


# -- shorthands: an EPCI and its communes (loaders.shorthands) -----------------------------


def _expand_shorthands(files: list[_File], checker: _Checker) -> Expansion:
    """Replace each file's model by its shorthands expanded; report what cannot be."""
    expansion = expand([f.model for f in files], checker.territories)
    for f, model in zip(files, expansion.models, strict=True):
        f.model = model
    for problem in expansion.problems:
        checker.add(files[problem.model], problem.path, problem.message)
    return expansion


def _refuse_shorthands(f: _File, checker: _Checker) -> None:
    """A fact sent through the API names its partners one by one: a shorthand would
    generate partners the curation does not write."""
    message = (
        "shorthands are for dataset files; through the API, name each partner or "
        "signatory explicitly"
    )
    if f.model.partners_from:
        checker.add(f, ("partners_from",), message)
    for i, contract in enumerate(f.model.contracts):
        if contract.signatories_from:
            checker.add(f, ("contracts", i, "signatories_from"), message)
    for i, document in enumerate(f.model.framing_documents):
        if document.parties_from:
            checker.add(f, ("framing_documents", i, "parties_from"), message)


def _with_generated(dataset: Dataset, generated: Iterable[dict[str, Partner]]) -> Dataset:
    """``dataset`` with the partners its shorthands generated; they are in its checksum,
    so that a new vintage of the reference reloads it."""
    partners = {key: p for found in generated for key, p in found.items()}
    if not partners:
        return dataset
    ordered = tuple(partners[key] for key in sorted(partners))
    digest = hashlib.sha256(
        json.dumps(
            [dataset.checksum, [p.model_dump(mode="json") for p in ordered]], sort_keys=True
        ).encode()
    ).hexdigest()
    return replace(dataset, checksum=digest, generated=ordered)
