"""Read YAML while remembering the line of every value, so that an error about
``contracts[2].axes[0].actions[1].themes`` can say ``file.yaml:57``.

The text is read as a stream of parser events (libyaml's, which keeps its own stack on
the heap) and the data built from them with an explicit stack, never by recursion, so
that a hostile file gets a one-line :class:`YamlSyntaxError` instead of exhausting the
process:

* nesting (lists and mappings inside each other) deeper than :data:`MAX_DEPTH` is
  refused at the first level too deep — a dataset needs about eight, and a file nested
  20 000 deep used to end in a ``RecursionError``, 50 000 deep in a segfault;
* the aliases of a file (``*name``, repeating what ``&name`` anchors) may together repeat
  at most as many characters as the file holds (or 1 MB): the "billion laughs" and its
  smaller cousins, which build gigabytes out of a few hundred bytes, stop at the alias
  that overflows, and an alias may not repeat the list it is in;
* a file holds one YAML document; merge keys (``<<``) and unknown tags are refused.

>>> data, lines = load_with_lines("a:\\n  - x: 1\\n  - x: two\\n")
>>> data
{'a': [{'x': 1}, {'x': 'two'}]}
>>> lines[("a", 1, "x")]
3
>>> written = {}
>>> load_with_lines("code: 01001\\nname: '2A004'\\n", raw=written)[0]
{'code': 513, 'name': '2A004'}
>>> written
{('code',): '01001'}
>>> load_with_lines("d: 2022-02-30")[0]
{'d': '2022-02-30'}
>>> load_with_lines("2022-13-45: x")[0]
{'2022-13-45': 'x'}
>>> load_with_lines("why: &why because\\nagain: *why\\n")[0]
{'why': 'because', 'again': 'because'}
>>> try:
...     load_with_lines("a: 1\\nb: bell\\x07\\n")
... except YamlSyntaxError as error:
...     print(error.line, str(error).split(" (")[0])
2 character U+0007 is not allowed in YAML
>>> bomb = "a: &a [xxxxxxxxxx, xxxxxxxxxx]\\nb: &b [*a, *a, *a, *a]\\nc: [*b, *b, *b, *b]\\n"
>>> try:
...     load_with_lines(bomb, alias_budget=300)
... except YamlSyntaxError as error:
...     print(error.line, str(error).split(";")[0])
3 the aliases of this file repeat more than 300 characters
>>> try:
...     load_with_lines("[" * 100 + "]" * 100, max_depth=64)
... except YamlSyntaxError as error:
...     print(error.line, str(error).split(";")[0])
1 lists and mappings nested more than 64 levels deep
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

Path = tuple[str | int, ...]
#: libyaml's loader when PyYAML was built with it (10x faster on France-scale files).
_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
#: Deepest nesting of lists and mappings a file may have; a dataset needs about eight.
MAX_DEPTH = 64
#: Characters the aliases of a file may repeat, at least (see :func:`load_with_lines`).
MIN_ALIAS_BUDGET = 1_000_000
_STR = "tag:yaml.org,2002:str"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_MERGE = "tag:yaml.org,2002:merge"
_SHORT = 40


class YamlSyntaxError(ValueError):
    """The text is not valid YAML, or not YAML a dataset may hold; ``line`` is 1-based;
    ``quotes`` tells that the message quotes the text (a key, an alias)."""

    def __init__(self, message: str, line: int | None, quotes: bool = False) -> None:
        super().__init__(message)
        self.line, self.quotes = line, quotes


def load_with_lines(
    text: str,
    *,
    max_depth: int = MAX_DEPTH,
    alias_budget: int | None = None,
    raw: dict[Path, str] | None = None,
) -> tuple[Any, dict[Path, int]]:
    """Parse ``text`` (safe YAML: no tags, no objects); return the data and a map from
    each value's path to its 1-based line.

    ``alias_budget`` bounds the characters all aliases together may repeat (default: the
    length of ``text``, at least :data:`MIN_ALIAS_BUDGET`). ``raw``, when given, receives
    the text as written of every value YAML read as something else than text (``01001``,
    read as the octal number 513; ``15014``; ``true``): a message about a code that YAML
    read as a number can then quote what the author wrote.

    Raises:
        YamlSyntaxError: invalid YAML, nesting deeper than ``max_depth``, an alias of a list
            or a mapping, aliases over their budget, a duplicated or non-text key, two
            documents, a merge key or an unknown tag; with the line where it is.
    """
    budget = max(len(text), MIN_ALIAS_BUDGET) if alias_budget is None else alias_budget
    loader = _Loader(text)
    try:
        return _Builder(loader, max_depth, budget, {} if raw is None else raw).run()
    except yaml.reader.ReaderError as error:
        # No mark, and a position counted in characters or in UTF-8 bytes depending on the
        # loader: the first occurrence of the character is the one the reader stopped at.
        code = error.character if isinstance(error.character, int) else ord("?")
        where = text.find(chr(code))
        raise YamlSyntaxError(
            f"character U+{code:04X} is not allowed in YAML ({error.reason}); remove it, or "
            "write it as an escape (\\x07, \\u200b) inside double quotes",
            text.count("\n", 0, where) + 1 if where >= 0 else None,
        ) from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        problem = error.problem or error.context or "invalid YAML"
        # at the end of a file without a final newline, libyaml's mark is one line past it
        last = text.count("\n") + 1
        raise YamlSyntaxError(problem, min(mark.line + 1, last) if mark else None) from None
    except yaml.YAMLError as error:
        raise YamlSyntaxError(str(error), None) from None
    finally:
        loader.dispose()


_NO_KEY: Any = object()


@dataclass
class _Level:
    """A list or mapping being filled, and (for a mapping) the key awaiting its value."""

    value: dict[Any, Any] | list[Any]
    path: Path
    anchor: str | None
    key: Any = _NO_KEY
    #: characters of its content (aliases expanded) and levels of nesting below it
    weight: int = 2
    height: int = 1


@dataclass
class _Anchor:
    """What ``&name`` names: a value, its weight in characters and its nesting height;
    ``complete`` is False while the list or mapping it anchors is still being read."""

    line: int
    value: Any
    weight: int
    height: int
    complete: bool = True


@dataclass
class _Builder:
    #: a loader, used as a parser (events), resolver and constructor; typed loosely since
    #: PyYAML's stubs do not describe its event API
    loader: Any
    max_depth: int
    alias_budget: int
    #: the text as written of the values read as something else than text, by path
    raw: dict[Path, str]
    lines: dict[Path, int] = field(default_factory=dict)
    stack: list[_Level] = field(default_factory=list)
    anchors: dict[str, _Anchor] = field(default_factory=dict)
    alias_spent: int = 0
    root: Any = None
    documents: int = 0

    def run(self) -> tuple[Any, dict[Path, int]]:
        loader = self.loader
        while loader.check_event():
            event = loader.get_event()
            kind = type(event)
            if kind is yaml.ScalarEvent:
                self._scalar(event)
            elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                self._open(event, {} if kind is yaml.MappingStartEvent else [])
            elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                self._close()
            elif kind is yaml.AliasEvent:
                self._alias(event)
            elif kind is yaml.DocumentStartEvent:
                self.documents += 1
                if self.documents > 1:
                    raise YamlSyntaxError(
                        "a second YAML document (after `---`); a dataset file holds one: "
                        "split it into two files",
                        event.start_mark.line + 1,
                    )
        return self.root, self.lines

    def _scalar(self, event: Any) -> None:
        tag = event.tag
        line = event.start_mark.line + 1
        if tag is None or tag == "!":
            tag = self.loader.resolve(yaml.ScalarNode, event.value, event.implicit)
        if tag in (_STR, _TIMESTAMP):
            # Dates stay text, as values and as keys: the format's models parse them, and
            # report an impossible date (2022-02-30) by its field path instead of crashing
            # the YAML reader.
            value: Any = event.value
        elif tag == _MERGE:
            raise YamlSyntaxError(
                "merge keys (<<) are not supported in a dataset; write the entries out", line
            )
        else:
            constructors = self.loader.yaml_constructors
            node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark)
            try:
                value = constructors.get(tag, constructors[None])(self.loader, node)
            except yaml.constructor.ConstructorError as error:
                raise YamlSyntaxError(error.problem or "invalid value", line) from None
        weight = len(event.value) + 1
        if event.anchor is not None:
            self.anchors[event.anchor] = _Anchor(line, value, weight, 0)
        is_key = bool(self.stack) and isinstance(self.stack[-1].value, dict)
        is_key = is_key and self.stack[-1].key is _NO_KEY
        path = self._add(value, line, weight, 0)
        if not isinstance(value, str) and not is_key:
            self.raw[path] = event.value

    def _open(self, event: Any, value: dict[Any, Any] | list[Any]) -> None:
        line = event.start_mark.line + 1
        if len(self.stack) >= self.max_depth:
            raise YamlSyntaxError(_too_deep(self.max_depth), line)
        if event.anchor is not None:
            self.anchors[event.anchor] = _Anchor(line, value, 0, 0, complete=False)
        path = self._add(value, line, 0, 0, "mapping" if isinstance(value, dict) else "list")
        self.stack.append(_Level(value, path, event.anchor))

    def _close(self) -> None:
        level = self.stack.pop()
        if level.anchor is not None:
            anchor = self.anchors.get(level.anchor)
            if anchor is not None and anchor.value is level.value:
                anchor.weight, anchor.height, anchor.complete = level.weight, level.height, True
        if self.stack:
            parent = self.stack[-1]
            parent.weight += level.weight
            parent.height = max(parent.height, level.height + 1)

    def _alias(self, event: Any) -> None:
        line = event.start_mark.line + 1
        anchor = self.anchors.get(event.anchor) if event.anchor is not None else None
        name = _short(event.anchor or "")
        if anchor is None:
            raise YamlSyntaxError(
                f"the alias *{name} names no anchor (&{name}) above it; define it first, or "
                "write the value out",
                line,
                quotes=True,
            )
        if not anchor.complete:
            raise YamlSyntaxError(
                f"the alias *{name} is inside what it repeats (anchored at line "
                f"{anchor.line}); a dataset cannot hold itself",
                line,
                quotes=True,
            )
        if len(self.stack) + anchor.height > self.max_depth:
            raise YamlSyntaxError(_too_deep(self.max_depth), line)
        self.alias_spent += anchor.weight
        if self.alias_spent > self.alias_budget:
            raise YamlSyntaxError(
                f"the aliases of this file repeat more than {self.alias_budget:,} characters; "
                "write the values out instead of repeating them with aliases",
                line,
            )
        self._add(anchor.value, line, anchor.weight, anchor.height)

    def _add(
        self, value: Any, line: int, weight: int, height: int, collection: str | None = None
    ) -> Path:
        """Put ``value`` where the parser is (a list item, a key, a key's value, the root);
        return its path."""
        if not self.stack:
            self.root = value
            self.lines[()] = line
            return ()
        level = self.stack[-1]
        level.weight += weight
        level.height = max(level.height, height + 1)
        if isinstance(level.value, list):
            path = (*level.path, len(level.value))
            level.value.append(value)
        elif level.key is _NO_KEY:
            if collection is not None or not isinstance(value, str | int):
                shown = f"a {collection}" if collection else _short(repr(value))
                raise YamlSyntaxError(f"a key must be text, not {shown}", line, quotes=True)
            if value in level.value:
                raise YamlSyntaxError(f"key {_short(repr(value))} appears twice", line, quotes=True)
            level.key = value
            return level.path
        else:
            path = (*level.path, level.key)
            level.value[level.key] = value
            level.key = _NO_KEY
        self.lines[path] = line
        return path


def _too_deep(max_depth: int) -> str:
    return (
        f"lists and mappings nested more than {max_depth} levels deep; a dataset needs far "
        "fewer: this is not a dataset file, or a broken one"
    )


def _short(text: str) -> str:
    """``text``, cut to a short excerpt: messages quote a file, never copy it."""
    return text if len(text) <= _SHORT else text[: _SHORT - 1] + "…"


def line_of(lines: dict[Path, int], path: Path) -> int | None:
    """The line of ``path``, or of its nearest ancestor that has one."""
    for end in range(len(path), -1, -1):
        found = lines.get(path[:end])
        if found is not None:
            return found
    return None
