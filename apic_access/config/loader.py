"""Spec YAML: read within budgets, parsed into plain data, positions looked up afterwards.

Specs come from pull requests, so a file is refused before parsing when it outgrows a
budget (size, nodes with aliases expanded, nesting). It is then parsed into plain dicts and
lists, by one of two parsers that must agree: yaml-rs (native, about ten times faster) when
the text holds nothing that YAML 1.2, which it speaks, and YAML 1.1, which PyYAML speaks,
could read differently; else PyYAML, which also reports syntax errors, duplicate keys and
non-string keys with their positions. Everything after parsing (extends, interpolation,
checks, build) runs on the plain data, whichever parser produced it.

Problems found on plain data carry the spec path of their node (`PathMark`); `Locator`
(config/positions.py) finds file:line:col for those being reported only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
import yaml_rs

from .errors import Mark, Problem, format_path

# Budgets for untrusted specs (they come from pull requests), each far above what a real spec
# needs: the generated 10,000-API reference inventory (benchmarks/generate.py) is 14.6 MB and
# 1.09 million YAML nodes, 11 levels deep.
MAX_SPEC_BYTES = 32 * 2**20  # one spec file
MAX_CHAIN_BYTES = 64 * 2**20  # a spec and every base it extends, together
MAX_NODES = 4_000_000  # nodes of the document with every alias expanded
MAX_DEPTH = 64  # nesting of mappings and lists
# An anchor (`&name` where a node starts): only a document with one can have aliases.
_ANCHOR = re.compile(r"(?:^|[\s\[{,])&[^\s\[\]{},]", re.MULTILINE)

try:  # libyaml parses about five times faster; the pure-Python loader is the fallback
    _BaseLoader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _BaseLoader = yaml.SafeLoader

# Where the two YAML versions part. Plain scalars YAML 1.1 reads as booleans (or merge or
# value keys) while YAML 1.2 reads strings:
_YAML11_WORDS = frozenset("y Y yes Yes YES n N no No NO on On ON off Off OFF = <<".split())
# Sexagesimal numbers (1:20 is 80 to YAML 1.1, a string to 1.2).
_SEXAGESIMAL = re.compile(r"[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?")
# Integers written with a leading zero (octal 010 to YAML 1.1, decimal to 1.2) or as 0o17
# (a string to 1.1), as a whole plain scalar. The scan starts at a literal `0`, which keeps it
# fast; `_starts_scalar` then checks what precedes it. A zero inside a word (the last group of
# a GUID, a date's day, a `v1-0` key) never counts.
_LEADING_ZERO = re.compile(r"(?m)0(?<![\w.:/]0)(?<![\w.:/][-+]0)(?:[0-9_]|[oO])[0-9a-fA-F_]*[ \t]*(?:$|[,\]}#])")
_TAG = re.compile(r"(?:^|[\s\[{,])!\S", re.MULTILINE)
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Characters PyYAML refuses (its reader's printable set), and the line breaks only YAML 1.1
# has (NEL, LS, PS): with either, the two parsers disagree.
_NON_PRINTABLE = re.compile("[^\x09\x0A\x0D\x20-\x7E\xA0-\u2027\u202A-\uD7FF\uE000-\uFFFD\U00010000-\U0010ffff]")


def _mark(file: str, m: Any) -> Mark:
    return Mark(file, m.line + 1, m.column + 1)


# --- parsing -------------------------------------------------------------------------------


def parse(text: str, file: str, *, native: bool = True) -> tuple[Any, list[Problem]]:
    """One YAML document as plain data, and its problems (syntax, duplicate or non-string
    keys, budgets). `native=False` always takes PyYAML (tests compare the two)."""
    if has_anchors(text):
        over = budget_problem(text, file)
        if over is not None:
            return None, [over]
    if native and native_agrees(text):
        try:
            data = yaml_rs.loads(text, parse_datetime=False)
        except (yaml_rs.YAMLDecodeError, ValueError, RecursionError):
            pass  # PyYAML reports what is wrong, with its position
        else:
            if _scalars_agree(data):
                return data, []
    over = budget_problem(text, file)  # nesting: PyYAML constructs recursively
    if over is not None:
        return None, [over]
    return _parse_pyyaml(text, file)


def native_agrees(text: str) -> bool:
    """Whether yaml-rs reads `text` as PyYAML does, as far as the text shows (the parsed
    scalars are checked too): no merge keys, tags, directives or tabs (PyYAML refuses tabs
    where YAML 1.2 parsers allow them), no characters only one of them accepts, and no
    integer that YAML 1.1 reads as octal."""
    if "<<" in text or "\t" in text or text.startswith("%") or "\n%" in text:
        return False
    if "!" in text and _TAG.search(text):
        return False
    if (_CONTROL if text.isascii() else _NON_PRINTABLE).search(text):
        return False
    return not any(_starts_scalar(text, m.start()) for m in _LEADING_ZERO.finditer(text))


def _starts_scalar(text: str, i: int) -> bool:
    """Whether a plain scalar starts at `i` (or at a sign just before it): after a line's
    indentation, `key: `, `- `, `[`, `{` or `,`."""
    if i > 0 and text[i - 1] in "+-" and (i < 2 or text[i - 2] in " \t\n:[{,"):
        i -= 1
    j = i - 1
    while j >= 0 and text[j] in " \t":
        j -= 1
    if j < 0 or text[j] in "\n:[{,":
        return True
    return text[j] == "-" and j < i - 1 and (j == 0 or text[j - 1] in " \t\n")


def _scalars_agree(node: Any) -> bool:
    """False where the two YAML versions could disagree about a parsed value (a YAML 1.1
    word, a sexagesimal number, a float, a key that is not a string), or the data nests
    deeper than the budget (PyYAML then reports where). The values are gathered first and
    checked in bulk: this walk visits every node of the spec."""
    stack: list[tuple[Any, int]] = [(node, 0)]
    keys: list[Any] = []
    strings: list[str] = []
    while stack:
        item, depth = stack.pop()
        if depth >= MAX_DEPTH and isinstance(item, (dict, list)):  # the budget's levels count from 1
            return False
        values = item.values() if isinstance(item, dict) else item if isinstance(item, list) else (item,)
        if isinstance(item, dict):
            keys.extend(item)
        for value in values:
            kind = type(value)
            if kind is str:
                strings.append(value)
            elif kind is dict or kind is list:
                stack.append((value, depth + 1))
            elif kind is float or not (kind is bool or kind is int or value is None):
                return False
    if not {type(k) for k in keys} <= {str}:
        return False
    words = _YAML11_WORDS
    if not (words.isdisjoint(keys) and words.isdisjoint(strings)):
        return False
    return not any(_sexagesimal(v) for v in [*keys, *strings] if ":" in v)


def _sexagesimal(value: str) -> bool:
    return ":" in value and value[:1] in _NUMBER_START and _SEXAGESIMAL.fullmatch(value) is not None


_NUMBER_START = frozenset("0123456789+-")


class _PlainLoader(_BaseLoader):
    """PyYAML into plain dicts and lists; duplicate and non-string keys become problems."""

    file = "<spec>"
    problems: list[Problem]
    # (mapping, key, problem) for key problems: the spec path is filled in once the tree is whole
    key_problems: list[tuple[dict[str, Any], str, Problem]]


def _construct_mapping(loader: _PlainLoader, node: yaml.MappingNode) -> dict[str, Any]:
    loader.flatten_mapping(node)
    out: dict[str, Any] = {}
    first_marks: dict[str, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str):
            key = str(key_node.value)
            problem = Problem(_mark(loader.file, key_node.start_mark), "", f"key {key} is not a string: quote it ('{key}':)")
            loader.key_problems.append((out, key, problem))
        if key in out:
            first = first_marks[key]
            message = f"duplicate key '{key}' (first defined at line {first.line + 1}): remove or rename one of them"
            loader.key_problems.append((out, key, Problem(_mark(loader.file, key_node.start_mark), "", message)))
            continue
        out[key] = loader.construct_object(value_node, deep=True)
        first_marks[key] = key_node.start_mark
    return out


def _construct_sequence(loader: _PlainLoader, node: yaml.SequenceNode) -> list[Any]:
    return [loader.construct_object(child, deep=True) for child in node.value]


_PlainLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
_PlainLoader.add_constructor("tag:yaml.org,2002:seq", _construct_sequence)
# Dates stay strings: `2024-03-15` is an api-version to us, not a datetime (yaml-rs agrees).
_PlainLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()  # the C loader shares these
}


def _parse_pyyaml(text: str, file: str) -> tuple[Any, list[Problem]]:
    loader = _PlainLoader(text)
    loader.file = file
    loader.problems = []
    loader.key_problems = []
    try:
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        m = exc.problem_mark or exc.context_mark
        mark = Mark(file, m.line + 1, m.column + 1) if m else Mark(file, 1, 1)
        what = exc.problem or exc.context or "invalid YAML"
        hint = _flow_variable_hint(text, exc)
        return None, [Problem(mark, "", f"YAML syntax error: {what}; {hint or 'check indentation and quoting'}")]
    except yaml.YAMLError as exc:
        return None, [Problem(Mark(file, 1, 1), "", f"YAML error: {exc}")]
    except RecursionError:
        return None, [Problem(Mark(file, 1, 1), "", "YAML nesting is too deep")]
    finally:
        loader.dispose()
    if loader.key_problems:
        paths = _paths_of(data)
        for owner, key, problem in loader.key_problems:
            path = f"{paths[id(owner)]}.{key}" if paths.get(id(owner)) else key
            loader.problems.append(Problem(problem.mark, path, problem.message))
    return data, loader.problems


# A plain value holding `${...}` in a flow collection: its `}` ends a mapping there
_FLOW_VARIABLE = re.compile(r"(?P<pre>^[ \t]*|[\[{,][ \t]*|:[ \t]+)(?P<value>(?:[^\s\[\]{},\"'#$:](?:[^\[\]{},#$:]|:(?!\s)|\$(?!\{))*?)?\$\{[^}\n]*\}(?:[^\[\]{},#$:]|:(?!\s)|\$\{[^}\n]*\}|\$(?!\{))*)")


def _flow_variable_hint(text: str, exc: yaml.MarkedYAMLError) -> str | None:
    """How to quote a `${...}` in a flow collection (`{name: id-${stack}}`), when the error
    is inside one and a line of it holds such a value."""
    if "flow" not in str(exc.context) or exc.problem_mark is None:
        return None
    lines = text.splitlines()
    start = exc.context_mark.line if exc.context_mark is not None else exc.problem_mark.line
    for line in lines[start : exc.problem_mark.line + 1]:
        fixed = _FLOW_VARIABLE.sub(lambda m: f'{m["pre"]}"{m["value"].rstrip()}"{m["value"][len(m["value"].rstrip()):]}', line)
        if fixed != line:
            return f"inside `{{...}}` or `[...]`, the `}}` of `${{...}}` ends the value: quote it, as in `{fixed.strip()}`"
    return None


def _paths_of(root: Any) -> dict[int, str]:
    """id(container) -> its spec path, for naming where a key problem is."""
    out: dict[int, str] = {}
    stack: list[tuple[Any, str]] = [(root, "")]
    while stack:
        node, path = stack.pop()
        if isinstance(node, dict):
            if id(node) in out:
                continue  # an alias: its node was walked already
            out[id(node)] = path
            stack.extend((v, f"{path}.{k}" if path else str(k)) for k, v in node.items())
        elif isinstance(node, list):
            if id(node) in out:
                continue
            out[id(node)] = path
            stack.extend((v, f"{path}[{i}]") for i, v in enumerate(node))
    return out


# --- budgets -------------------------------------------------------------------------------


def has_anchors(text: str) -> bool:
    """Whether the text may define an anchor (and so hold aliases)."""
    return "&" in text and _ANCHOR.search(text) is not None


def budget_problem(text: str, file: str) -> Problem | None:
    """The first place where the document outgrows its budget (nodes with aliases expanded,
    or nesting), or None. Anchors and aliases stay allowed, but a few lines of nested aliases
    ("billion laughs") expand to billions of nodes, and every later walk over the data would
    take exponential time. Counting on libyaml's event stream takes time linear in the text
    and stops at the first alias that crosses the budget. A syntax error ends the count
    quietly: the parser reports it."""
    sizes: dict[str, int] = {}  # anchor -> its node's size, aliases inside expanded
    open_: list[_Open] = []
    total = 0
    try:
        for event in yaml.parse(text, Loader=_BaseLoader):
            if isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                done = open_.pop()
                if done.anchor:
                    sizes[done.anchor] = total - done.before
                if open_:
                    open_[-1].node_done()
                continue
            if not isinstance(event, yaml.NodeEvent):
                continue
            parent = open_[-1] if open_ else None
            if parent is not None:
                parent.node_starts(event.value if isinstance(event, yaml.ScalarEvent) else None)
            if isinstance(event, yaml.AliasEvent):
                total += sizes.get(event.anchor or "", 1)
                if total > MAX_NODES:
                    message = (
                        f"alias *{event.anchor} expands the document past {MAX_NODES:,} values: anchors and aliases are "
                        "allowed, but not nested so that a few lines stand for millions of values; write the values out"
                    )
                    return Problem(_mark(file, event.start_mark), format_path([o.part for o in open_]), message)
                if parent is not None:
                    parent.node_done()
                continue
            total += 1
            if isinstance(event, yaml.ScalarEvent):
                if event.anchor:
                    sizes[event.anchor] = 1
                if parent is not None:
                    parent.node_done()
                continue
            if len(open_) >= MAX_DEPTH:
                return _too_deep(_mark(file, event.start_mark), [o.part for o in open_])
            open_.append(_Open(event.anchor, total - 1, isinstance(event, yaml.MappingStartEvent)))
    except yaml.MarkedYAMLError as exc:
        # libyaml scans a flow collection ahead of its events: its own limit may come first
        if "nesting depth" in str(exc.problem) and exc.problem_mark is not None:
            return _too_deep(_mark(file, exc.problem_mark), [o.part for o in open_])
        return None
    except yaml.YAMLError:
        return None
    return None


def _too_deep(mark: Mark, parts: list[Any]) -> Problem:
    shown = format_path(parts[:8]) + ("..." if len(parts) > 8 else "")
    return Problem(mark, shown, f"mappings and lists nest deeper than {MAX_DEPTH} levels: no spec needs this; flatten the data")


class _Open:
    """A mapping or list being read from the event stream, and which of its nodes is being read."""

    __slots__ = ("anchor", "before", "is_map", "part", "in_key", "expects_key")

    def __init__(self, anchor: str | None, before: int, is_map: bool):
        self.anchor, self.before, self.is_map = anchor, before, is_map
        self.part: Any = "" if is_map else -1  # the key (or index) of the node being read
        self.in_key = False
        self.expects_key = True

    def node_starts(self, scalar: str | None) -> None:
        if not self.is_map:
            self.part += 1
        elif self.expects_key and not self.in_key:
            self.in_key = True
            self.part = scalar if scalar is not None else "?"

    def node_done(self) -> None:
        if not self.is_map:
            return
        if self.in_key:
            self.in_key, self.expects_key = False, False
        else:
            self.expects_key = True


def read_spec_text(path: Path, chain_bytes: int = 0) -> tuple[str | None, list[Problem]]:
    """The text of a spec file, or the problem that keeps it from being read. `chain_bytes`:
    the size of the specs that extend this one. Sizes are checked before anything is read."""
    file = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_SPEC_BYTES:
            return None, [Problem(Mark(file, 1, 1), "", f"the file is {size:,} bytes, more than the {_size(MAX_SPEC_BYTES)} a spec file may have: split the inventory across stacks")]
        if chain_bytes + size > MAX_CHAIN_BYTES:
            message = f"with the specs that extend it, this is {chain_bytes + size:,} bytes, more than the {_size(MAX_CHAIN_BYTES)} an `extends` chain may have: split the inventory across stacks"
            return None, [Problem(Mark(file, 1, 1), "", message)]
        return path.read_text(encoding="utf-8"), []
    except FileNotFoundError:
        return None, [Problem(Mark(file, 1, 1), "", "file not found: check the path (relative paths are relative to the working directory, or to the extending spec)")]
    except IsADirectoryError:
        return None, [Problem(Mark(file, 1, 1), "", "is a directory, not a spec file")]
    except UnicodeDecodeError as exc:
        return None, [Problem(Mark(file, 1, 1), "", f"not UTF-8 text ({exc.reason}): save the spec as UTF-8")]
    except (OSError, ValueError) as exc:
        return None, [Problem(Mark(file, 1, 1), "", f"cannot read file: {getattr(exc, 'strerror', None) or exc}")]


def _size(n: int) -> str:
    return f"{n // 2**20} MiB" if n % 2**20 == 0 else f"{n:,} bytes"


@dataclass
class Source:
    """One spec file of an `extends` chain: its text, and its data as parsed (for finding
    which file a node of the merged spec came from)."""

    file: str
    text: str
    data: Any
    _nl_text: str | None = field(default=None, repr=False)
    _narrowable: bool | None = field(default=None, repr=False)
    _index: dict[tuple[int, int, int], tuple[dict[str, list[tuple[int, int]]], list[int]]] = field(default_factory=dict, repr=False)

    def nl_text(self) -> str:
        """The text after a line break: every line, the first included, follows one."""
        if self._nl_text is None:
            self._nl_text = "\n" + self.text
        return self._nl_text
