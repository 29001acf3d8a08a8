"""Checking a dataset file's shape without hiding the rest of the file.

pydantic stops at the shape: one contract missing its ``title`` makes the whole file
invalid, and the cross-checks of :mod:`loaders.datasets` (keys, codes, vocabularies)
had nothing to run on, so a file needed one ``ctg validate`` run per wave of errors.
:func:`check_shape` reports the shape problems, then repairs a copy of the data just
enough for the model to validate, so that everything else of the file is cross-checked
in the same run:

* a value YAML read as a number where text is expected (``commune: 15014``, ``01001``
  read as the octal 513) is replaced by the text as written, and said to be quoted; one
  value where a list is expected (``themes: parentalite``) by a list of it;
* a wrong optional field, or an unknown one, is left out;
* a wrong required field gets a placeholder that no cross-check reports
  (``unreadable-3``, the first value of a list of choices…);
* an entry that cannot be repaired so (a list item whose own validator refuses it) is
  left out of its list, and the indices of the repaired data are mapped back to the
  file's (:meth:`ShapeCheck.original`).

The cross-checks then report nothing at or under a repaired place (it would only repeat
the shape problem, or be about a placeholder).

>>> data = {"format": "ctg-graph/dataset@1", "dataset": {"key": "d", "title": "D"},
...         "partners": [{"key": "caf-15", "kind": "CAF", "name": "Caf"},
...                      {"key": "cc", "kind": "epci", "name": "CC"}]}
>>> check = check_shape(data, {})
>>> [(p.path, p.message.split(";")[1]) for p in check.problems]
[(('partners', 0, 'kind'), " did you mean 'caf'?")]
>>> [p.key for p in check.model.partners]
['caf-15', 'cc']
"""

from __future__ import annotations

import copy
import enum
import functools
import itertools
import re
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal, get_args, get_origin

from annotated_types import MinLen
from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic.fields import FieldInfo
from pydantic_core import ErrorDetails

from loaders.dataset_format import DatasetFile
from loaders.suggestions import closest, did_you_mean
from loaders.yaml_lines import Path as DataPath

#: Repair rounds at most: each round repairs every problem pydantic reported; a second
#: one is needed only when a model's own validator runs once its fields are repaired.
MAX_ROUNDS = 12
_QUOTED = re.compile(r"'([^']*)'")


@dataclass(frozen=True)
class ShapeProblem:
    """A shape problem at ``path`` (the file's own indices)."""

    path: DataPath
    message: str


@dataclass
class ShapeCheck:
    """A file's shape problems and the model of its repaired data (``None`` when it could
    not be repaired); paths are the file's own (see :meth:`original`)."""

    model: DatasetFile | None
    problems: list[ShapeProblem] = field(default_factory=list)
    #: places whose value was left out or replaced by a placeholder
    repaired: frozenset[DataPath] = frozenset()
    #: list path -> the indices (in the file) of the items kept in the repaired data
    kept: dict[DataPath, list[int]] = field(default_factory=dict)
    #: entries left out of their list: their path in the file and what the file holds
    dropped: list[tuple[DataPath, Any]] = field(default_factory=list)
    #: the placeholder texts put in the repaired data (keys derived from them included)
    placeholders: frozenset[str] = frozenset()

    def original(self, path: DataPath) -> DataPath:
        """The file's path of ``path``, a path of the repaired data (items left out of a
        list shift the indices after them)."""
        return original_path(self.kept, path)

    def hides(self, path: DataPath, message: str = "") -> bool:
        """Whether a cross-check problem at ``path`` (the file's) is about a repaired place,
        or its ``message`` names a placeholder (a key derived from a placeholder key)."""
        if any(path[:end] in self.repaired for end in range(len(path) + 1)):
            return True
        return any(placeholder in message for placeholder in self.placeholders)


def original_path(kept: dict[DataPath, list[int]], path: DataPath) -> DataPath:
    """``path`` with each list index mapped back through ``kept``."""
    if not kept:
        return path
    out: list[str | int] = []
    for part in path:
        indices = kept.get(tuple(out)) if isinstance(part, int) else None
        if isinstance(part, int) and indices is not None and part < len(indices):
            part = indices[part]
        out.append(part)
    return tuple(out)


def check_shape(
    data: dict[str, Any], raw: dict[DataPath, str], only_format: bool = False
) -> ShapeCheck:
    """Validate ``data`` against :class:`DatasetFile`, reporting every shape problem and
    repairing a copy until it validates (see the module's docstring). ``raw`` holds the
    text as written of the values YAML read as something else than text. ``only_format``
    reports nothing but a wrong ``format:`` and repairs nothing."""
    try:
        return ShapeCheck(DatasetFile.model_validate(data))
    except ValidationError as error:
        errors = error.errors()
    if only_format:
        return ShapeCheck(
            None,
            [
                ShapeProblem(_location(e), _message(e, _location(e), raw))
                for e in errors
                if _location(e)[:1] == ("format",)
            ],
        )
    repair = _Repair(copy.deepcopy(data), raw)
    for round_ in range(MAX_ROUNDS):
        if round_:
            view, repair.kept = repair.view()
            try:
                return repair.result(DatasetFile.model_validate(view))
            except ValidationError as error:
                errors = error.errors()
        progress = False
        for item in errors:
            path = original_path(repair.kept, _location(item))
            if not round_ or not repair.caused(path):
                repair.problems.append(ShapeProblem(path, _message(item, path, raw)))
            progress = repair.fix(path, item) or progress
        if not progress:
            break
    return repair.result(None)


def _location(item: ErrorDetails) -> DataPath:
    return tuple(p for p in item["loc"] if isinstance(p, str | int))


@dataclass
class _Repair:
    """The repaired copy of a file's data, in the file's indices; ``dropped`` items are
    left out only when the data is viewed (so that indices never shift in ``work``)."""

    work: dict[str, Any]
    raw: dict[DataPath, str]
    problems: list[ShapeProblem] = field(default_factory=list)
    repaired: set[DataPath] = field(default_factory=set)
    #: optional fields left out: a model's validator may then complain of their absence
    removed: set[DataPath] = field(default_factory=set)
    dropped: dict[DataPath, Any] = field(default_factory=dict)
    kept: dict[DataPath, list[int]] = field(default_factory=dict)
    serial: Iterator[int] = field(default_factory=itertools.count)
    placeholders: set[str] = field(default_factory=set)

    def result(self, model: DatasetFile | None) -> ShapeCheck:
        return ShapeCheck(
            model,
            self.problems,
            frozenset(self.repaired),
            self.kept,
            sorted(self.dropped.items(), key=lambda item: _sortable(item[0])),
            frozenset(self.placeholders),
        )

    def caused(self, path: DataPath) -> bool:
        """Whether a problem found after a repair is the repair's doing: at or under a
        repaired place, or a model's validator missing a field that was left out."""
        if any(path[:end] in self.repaired for end in range(len(path) + 1)):
            return True
        return any(r[:-1] == path for r in self.removed)

    def view(self) -> tuple[Any, dict[DataPath, list[int]]]:
        """The repaired data without the dropped items, and the indices kept per list."""
        prefixes = {d[:end] for d in self.dropped for end in range(len(d))}
        kept: dict[DataPath, list[int]] = {}

        def build(value: Any, path: DataPath) -> Any:
            if path not in prefixes:
                return value
            if isinstance(value, dict):
                return {k: build(v, (*path, k)) for k, v in value.items()}
            if isinstance(value, list):
                indices = [i for i in range(len(value)) if (*path, i) not in self.dropped]
                if len(indices) < len(value):
                    kept[path] = indices
                return [build(value[i], (*path, i)) for i in indices]
            return value

        return build(self.work, ()), kept

    def fix(self, path: DataPath, item: ErrorDetails) -> bool:
        """Repair the place of one problem, the deepest one that can be; False when none."""
        points = list(_points(path))
        if not points:
            return False
        if item["type"] == "string_type" and path in self.raw:
            written = self.raw[path]
            if _accepts(points[-1].annotation, written) and self._set(path, written):
                return True  # not `repaired`: the text as written is cross-checked
        value = item.get("input")
        if item["type"] == "list_type" and isinstance(value, str | int | float):
            listed = [self.raw.get(path, value)]  # `themes: parentalite`: a list of one
            if _accepts(points[-1].annotation, listed) and self._set(path, listed):
                return True  # checked as the list it was meant to be
        for point in reversed(points):
            if point.kind == "extra" or (point.kind == "field" and not point.required):
                if self._remove(point.path):
                    return True
            elif point.kind == "field":
                placeholder = self._placeholder(point.annotation)
                if placeholder is not None and self._set(point.path, placeholder):
                    self.repaired.add(point.path)
                    return True
            elif point.kind == "item" and self._drop(point.path, point.min_length):
                return True
        return False

    def _container(self, path: DataPath) -> Any:
        node: Any = self.work
        for part in path:
            found = isinstance(node, dict) and part in node
            if found or (
                isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
            ):
                node = node[part]
            else:
                return None
        return node

    def _set(self, path: DataPath, value: Any) -> bool:
        parent = self._container(path[:-1])
        if isinstance(parent, dict):
            parent[path[-1]] = value
            return True
        if isinstance(parent, list) and isinstance(path[-1], int) and path[-1] < len(parent):
            parent[path[-1]] = value
            return True
        return False

    def _remove(self, path: DataPath) -> bool:
        parent = self._container(path[:-1])
        if isinstance(parent, dict) and path[-1] in parent:
            del parent[path[-1]]
            self.repaired.add(path)
            self.removed.add(path)
            return True
        return False

    def _drop(self, path: DataPath, min_length: int) -> bool:
        parent = self._container(path[:-1])
        if not isinstance(parent, list) or path in self.dropped:
            return False
        left = sum(1 for i in range(len(parent)) if (*path[:-1], i) not in self.dropped)
        if left - 1 < min_length:
            return False
        self.dropped[path] = self._container(path)
        self.repaired.add(path)
        return True

    def _placeholder(self, annotation: Any) -> Any:
        """A value of ``annotation`` that stands for a wrong one, or None."""
        n = next(self.serial)
        self.placeholders.add(f"unreadable-{n}")
        candidates: list[Any] = [
            f"unreadable-{n}",
            10_000_000 + n,  # beyond any number a check accepts, so reported nowhere
            {"sub_territory": f"unreadable-{n}"},
            {"key": f"unreadable-{n}", "title": "unreadable"},
            *_choices(annotation),
        ]
        return next((c for c in candidates if _accepts(annotation, c)), None)


@dataclass(frozen=True)
class _Point:
    """A place on a problem's path that a repair may act on."""

    kind: Literal["field", "extra", "item"]
    path: DataPath
    annotation: Any = None
    required: bool = False
    min_length: int = 0


def _points(path: DataPath) -> Iterator[_Point]:
    """The places of ``path`` from the root down, with the type expected at each."""
    annotation: Any = DatasetFile
    min_length = 0
    for end, part in enumerate(path, 1):
        core = _core(annotation)
        if isinstance(core, type) and issubclass(core, BaseModel) and isinstance(part, str):
            info = core.model_fields.get(part)
            if info is None:
                yield _Point("extra", path[:end])
                return
            annotation = _annotation_of(core, part)
            min_length = _min_length(info)
            yield _Point("field", path[:end], annotation, info.is_required())
        elif get_origin(core) is list and isinstance(part, int):
            annotation = get_args(core)[0]
            yield _Point("item", path[:end], annotation, min_length=min_length)
            min_length = 0
        elif get_origin(core) is dict and isinstance(part, str):
            annotation = get_args(core)[1]
            yield _Point("extra", path[:end])
        else:
            return


def _core(annotation: Any) -> Any:
    """``annotation`` without ``Annotated`` and ``| None``."""
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin is types.UnionType or origin is typing.Union:
            members = [a for a in get_args(annotation) if a is not type(None)]
            if len(members) != 1:
                return annotation
            annotation = members[0]
        else:
            return annotation


def _annotation_of(model: type[BaseModel], name: str) -> Any:
    info = model.model_fields[name]
    return Annotated[info.annotation, *info.metadata] if info.metadata else info.annotation


def _min_length(info: FieldInfo) -> int:
    return next((m.min_length for m in info.metadata if isinstance(m, MinLen)), 0)


def _choices(annotation: Any) -> list[str]:
    """The values a Literal or an Enum (under Annotated / ``| None``) allows."""
    core = _core(annotation)
    if get_origin(core) is Literal:
        return [str(a) for a in get_args(core)]
    if isinstance(core, type) and issubclass(core, enum.Enum):
        return [str(member.value) for member in core]
    return []


def _accepts(annotation: Any, value: Any) -> bool:
    try:
        _adapter(annotation).validate_python(value)
    except (ValidationError, ValueError, TypeError):
        return False
    return True


@functools.cache
def _adapter(annotation: Any) -> TypeAdapter[Any]:
    return TypeAdapter(annotation)


def _message(item: ErrorDetails, path: DataPath, raw: dict[DataPath, str]) -> str:
    """pydantic's message, said for a dataset author: what to write instead."""
    kind, value = item["type"], item.get("input")
    if kind == "extra_forbidden":
        fields = _fields_around(path)
        hint = did_you_mean(closest(str(path[-1]), fields)) if fields else ""
        return f"unknown field{hint} (check its spelling in docs/dataset-format.md)"
    if kind == "string_type" and path in raw and not isinstance(value, dict | list):
        return _quote_hint(path, raw[path], value)
    message = item["msg"].removeprefix("Value error, ")
    if kind == "list_type" and isinstance(value, str | int | float) and path:
        written = raw.get(path)
        shown = f'"{written}"' if written is not None else str(value)
        return f"{message}; write a list, even of one: {path[-1]}: [{shown}]"
    if kind in ("enum", "literal_error") and isinstance(value, str | int | float | bool):
        expected = _QUOTED.findall(str((item.get("ctx") or {}).get("expected", "")))
        return message + did_you_mean(closest(str(value), expected))
    return message


def _quote_hint(path: DataPath, written: str, value: Any) -> str:
    """``commune: 15014`` or ``01001``: YAML read a number where text was meant."""
    name = next((p for p in reversed(path) if isinstance(p, str)), "")
    shown = f'{name}: "{written}"' if isinstance(path[-1], str) else f'"{written}"'
    if isinstance(value, bool):
        read = f"the boolean {str(value).lower()}"
    elif _octal(written) and isinstance(value, int):
        read = f"the octal number {value}, losing the leading 0"
    elif isinstance(value, int | float) and str(value) != written:
        read = f"the number {value}"
    else:
        read = "a number, not text"
    return f"write it in quotes: {shown}; unquoted, YAML reads {written} as {read}"


def _octal(written: str) -> bool:
    digits = written.lstrip("+-")
    return len(digits) > 1 and digits.startswith("0") and digits.isdigit()


def _fields_around(path: DataPath) -> list[str]:
    """The field names allowed where the unknown field ``path[-1]`` was written."""
    points = list(_points(path[:-1])) if len(path) > 1 else []
    annotation = points[-1].annotation if points else DatasetFile
    core = _core(annotation)
    if isinstance(core, type) and issubclass(core, BaseModel):
        return list(core.model_fields)
    return []


def _sortable(path: DataPath) -> tuple[tuple[int, int | str], ...]:
    return tuple((0, p) if isinstance(p, int) else (1, p) for p in path)
