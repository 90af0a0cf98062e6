"""Read YAML while remembering the line each value came from, for plain-English errors.

Decisions, each from a mistake a partnership officer made following directory/README.md:
- Unquoted times read as text. YAML 1.1 (PyYAML) reads `17:00` as the base-60 number 1020
  but `09:00` as text (a leading 0 is not base 60), so one was accepted and the other
  refused. No directory value is a base-60 number, so anything shaped like one stays text.
- Syntax errors point at the line where the problem starts: PyYAML reports a missing ':'
  at the line after (where it gave up) and an unclosed quote or bracket at the end of the
  file; the "while scanning ..." context mark is where the officer has to look.
- Encoding errors give the line of the first character that is not UTF-8 and say how to
  save as UTF-8 in Notepad and in Word. A UTF-8 byte-order mark (Notepad's "UTF-8 with BOM")
  is accepted.
"""
from __future__ import annotations

import gc
import re
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


_STR = "tag:yaml.org,2002:str"
BASE_60 = re.compile(r"^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$")


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        if kind is yaml.ScalarNode and implicit[0] and BASE_60.match(value):
            return _STR  # 17:00 is a time, like 09:00, never the number 1020
        return super().resolve(kind, value, implicit)


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


SAVE_AS_UTF8 = ("Save it as UTF-8: in Notepad, File > Save As, set Encoding to UTF-8 and "
                "press Save; in Word, File > Save As, choose 'Plain Text (*.txt)', press Save, "
                "then choose 'Other encoding: Unicode (UTF-8)' (keep the name ending .yml)")
# Where PyYAML's "while scanning ..." context is the line to fix, and what to say about it.
_CONTEXTS = {
    "while scanning a simple key": "this line needs a ':' after the field name, like "
                                   "'name: Pathway Project'",
    "while parsing a flow sequence": "a list in [ ] that starts on this line is not closed: "
                                     "check for a missing ']' or a missing comma",
    "while parsing a flow mapping": "a { that starts on this line is not closed with }",
    "while scanning a quoted scalar": "a quote that opens on this line is not closed: add "
                                      "the closing quote",
}


def decode(data: bytes) -> str:
    """The file's text; YamlProblem with the line and how to save as UTF-8 otherwise."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise YamlProblem("the file is saved as 'Unicode' (UTF-16), not UTF-8. " + SAVE_AS_UTF8,
                          1)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise YamlProblem(f"this line has a character that is not UTF-8 (byte "
                          f"0x{data[error.start]:02X}: often a letter with an accent, a curly "
                          f"quote or a pound sign from Word or an older editor). "
                          + SAVE_AS_UTF8, line) from None


def _unclosed_quote(lines: list[str], upto: int) -> int | None:
    """The first line up to ``upto`` with an odd number of double quotes, outside comments:
    a quote left open runs on until the next one, and PyYAML gives up lines later."""
    for number, line in enumerate(lines[:upto], start=1):
        code = line.split(" #", 1)[0] if not line.lstrip().startswith("#") else ""
        if code.replace('\\"', "").count('"') % 2:
            return number
    return None


def _syntax_problem(error: yaml.MarkedYAMLError, text: str) -> YamlProblem:
    lines = text.splitlines()
    context = (error.context or "").strip()
    if context in _CONTEXTS and error.context_mark is not None:
        return YamlProblem(f"cannot read this line: {_CONTEXTS[context]}",
                           error.context_mark.line + 1)
    mark = error.problem_mark or error.context_mark
    line = mark.line + 1 if mark else 1
    quote = _unclosed_quote(lines, line)
    if quote is not None and quote < line:
        return YamlProblem("cannot read this line: " + _CONTEXTS["while scanning a quoted "
                                                                 "scalar"], quote)
    if 0 < line <= len(lines) and lines[line - 1].lstrip(" ").startswith("\t"):
        return YamlProblem("cannot read this line: it is indented with a tab. Use spaces "
                           "(2 for each level), never tabs", line)
    what = (error.problem or "the layout is not valid YAML").strip()
    if what == "mapping values are not allowed in this context":
        return YamlProblem("cannot read this line: its indentation does not match the lines "
                           "above, or a value has ': ' in it (put such a value in double "
                           "quotes)", line)
    hint = " (check indentation, a missing ':' or an unclosed quote or bracket)"
    return YamlProblem(f"cannot read this line: {what}{hint}", line)


def load_yaml(path: Path) -> Any:
    """Parse one file; raise YamlProblem with a plain-English message and line on failure."""
    text = decode(path.read_bytes())
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
        raise _syntax_problem(error, text) from None
    except yaml.YAMLError as error:
        raise YamlProblem(f"cannot read the file: {error}", 1) from None
