"""Read YAML while remembering the line each value came from, for plain-English errors."""
from __future__ import annotations

import gc
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import yaml


class LineDict(dict):
    """A dict that knows its own line and the line of each key (1-based)."""

    line: int = 0

    def __init__(self) -> None:
        super().__init__()
        self.lines: dict[Any, int] = {}

    def line_of(self, key: Any) -> int:
        return self.lines.get(key, self.line)


class LineList(list):
    """A list that knows its own line and the line of each item."""

    line: int = 0

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[int] = []


class DuplicateKey(Exception):
    def __init__(self, key: Any, line: int) -> None:
        super().__init__(f"'{key}' appears twice in the same entry")
        self.key = key
        self.line = line


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    pass


_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"


class _Builder:
    """Turns a composed node tree into LineDict/LineList values in one pass.

    Cheaper than registering constructors and calling construct_object(deep=True) for every
    node; scalars other than plain text still go through PyYAML's safe constructors.
    """

    def __init__(self, loader: _Loader) -> None:
        self.loader = loader
        self.scalars = loader.yaml_constructors
        self.done: dict[yaml.Node, Any] = {}  # anchored nodes reached again through an alias

    def build(self, node: yaml.Node) -> Any:
        if isinstance(node, yaml.ScalarNode):
            if node.tag == _STR:
                return node.value
            return self.scalars.get(node.tag, self.scalars[None])(self.loader, node)
        if node.tag not in (_MAP, _SEQ):  # !!set, !!omap or an unknown tag: PyYAML decides
            return self.loader.construct_object(node, deep=True)
        if node in self.done:
            if self.done[node] is None:
                raise YamlProblem("an alias (*name) refers to the entry it is inside",
                                  node.start_mark.line + 1)
            return self.done[node]
        self.done[node] = None
        result = self._mapping(node) if isinstance(node, yaml.MappingNode) else self._sequence(node)
        self.done[node] = result
        return result

    def _mapping(self, node: yaml.MappingNode) -> LineDict:
        result = LineDict()
        result.line = node.start_mark.line + 1
        self.loader.flatten_mapping(node)
        for key_node, value_node in node.value:
            key = self.build(key_node)
            line = key_node.start_mark.line + 1
            try:
                seen = key in result
            except TypeError:
                raise YamlProblem("a field name must be plain text", line) from None
            if seen:
                raise DuplicateKey(key, line)
            result[key] = self.build(value_node)
            result.lines[key] = line
        return result

    def _sequence(self, node: yaml.SequenceNode) -> LineList:
        result = LineList()
        result.line = node.start_mark.line + 1
        for item in node.value:
            result.append(self.build(item))
            result.lines.append(item.start_mark.line + 1)
        return result


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many short-lived objects.

    Parsing a national-scale directory allocates millions of objects; with the collector on,
    repeated full collections walk the whole heap (spaCy and TensorFlow included) and took
    more than half of validation. Nothing built here forms reference cycles worth collecting.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class YamlProblem(Exception):
    """The file cannot be read as YAML; `line` is where the reader gave up."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


def load_yaml(path: Path) -> Any:
    """Parse one file; raise YamlProblem with a plain-English message and line on failure."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise YamlProblem("the file is not plain text (UTF-8); save it as plain text", 1) from None
    try:
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            return None if node is None else _Builder(loader).build(node)
        finally:
            loader.dispose()
    except DuplicateKey as error:
        raise YamlProblem(str(error), error.line) from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        what = (error.problem or "the layout is not valid YAML").strip()
        hint = " (check indentation, a missing ':' or an unclosed quote or bracket)"
        raise YamlProblem(f"cannot read this line: {what}{hint}", line) from None
    except yaml.YAMLError as error:
        raise YamlProblem(f"cannot read the file: {error}", 1) from None
