"""Read YAML while remembering the line of every value, so that an error about
``contracts[2].axes[0].actions[1].themes`` can say ``file.yaml:57``.

>>> data, lines = load_with_lines("a:\\n  - x: 1\\n  - x: two\\n")
>>> data
{'a': [{'x': 1}, {'x': 'two'}]}
>>> lines[("a", 1, "x")]
3
>>> load_with_lines("d: 2022-02-30")[0]
{'d': '2022-02-30'}
>>> load_with_lines("2022-13-45: x")[0]
{'2022-13-45': 'x'}
>>> try:
...     load_with_lines("a: 1\\nb: bell\\x07\\n")
... except YamlSyntaxError as error:
...     print(error.line, str(error).split(" (")[0])
2 character U+0007 is not allowed in YAML
"""

from __future__ import annotations

from typing import Any

import yaml

Path = tuple[str | int, ...]
#: libyaml's loader when PyYAML was built with it (10x faster on France-scale files).
_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class YamlSyntaxError(ValueError):
    """The text is not valid YAML; ``line`` is 1-based."""

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.line = line


def load_with_lines(text: str) -> tuple[Any, dict[Path, int]]:
    """Parse ``text`` (safe YAML: no tags, no objects); return the data and a map from
    each value's path to its 1-based line."""
    try:
        node = yaml.compose(text, Loader=_Loader)
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
    lines: dict[Path, int] = {}
    if node is None:
        return None, lines
    constructor = _Loader(text)
    try:
        return _build(node, (), lines, constructor), lines
    except yaml.constructor.ConstructorError as error:
        mark = error.problem_mark
        line = mark.line + 1 if mark else None
        raise YamlSyntaxError(error.problem or "invalid value", line) from None
    finally:
        constructor.dispose()


def _build(node: yaml.Node, path: Path, lines: dict[Path, int], loader: yaml.SafeLoader) -> Any:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _scalar(key_node, loader)
            if not isinstance(key, str | int):
                raise YamlSyntaxError(
                    f"a key must be text, not {key!r}", key_node.start_mark.line + 1
                )
            if key in result:
                raise YamlSyntaxError(f"key {key!r} appears twice", key_node.start_mark.line + 1)
            result[key] = _build(value_node, (*path, key), lines, loader)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, (*path, i), lines, loader) for i, item in enumerate(node.value)]
    return _scalar(node, loader)


def _scalar(node: yaml.Node, loader: yaml.SafeLoader) -> Any:
    if node.tag == "tag:yaml.org,2002:timestamp":
        # Dates stay text, as values and as keys: the format's models parse them, and
        # report an impossible date (2022-02-30) by its field path instead of crashing the
        # YAML reader.
        return node.value
    return loader.construct_object(node, deep=True)


def line_of(lines: dict[Path, int], path: Path) -> int | None:
    """The line of ``path``, or of its nearest ancestor that has one."""
    for end in range(len(path), -1, -1):
        found = lines.get(path[:end])
        if found is not None:
            return found
    return None
