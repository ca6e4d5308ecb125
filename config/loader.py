"""YAML loading that keeps where every node came from.

Mappings load as `PosMap` and sequences as `PosList`: plain dicts and lists that also
carry the position of each value and key, so a problem found later (by the schema or
a cross-check, possibly after `extends` merged several files) points at file:line:col.
Duplicate keys are problems, not silent overwrites.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

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


class PosMap(dict):
    """A mapping that knows its file and the position of each key and value."""

    __slots__ = ("file", "start", "value_marks", "key_marks", "key_files")
    file: str
    start: Any  # yaml.Mark of the mapping
    value_marks: dict[Any, Any]
    key_marks: dict[Any, Any]
    key_files: dict[Any, str] | None

    def mark(self) -> Mark:
        return _mark(self.file, self.start)

    def _file_of(self, key: Any) -> str:
        # after `extends`, one mapping holds keys from several files
        return self.key_files.get(key, self.file) if self.key_files else self.file

    def value_mark(self, key: Any) -> Mark:
        m = self.value_marks.get(key)
        return _mark(self._file_of(key), m) if m is not None else self.mark()

    def key_mark(self, key: Any) -> Mark:
        m = self.key_marks.get(key)
        return _mark(self._file_of(key), m) if m is not None else self.mark()


class PosList(list):
    """A sequence that knows its file and the position of each item."""

    __slots__ = ("file", "start", "item_marks")
    file: str
    start: Any
    item_marks: list[Any]

    def mark(self) -> Mark:
        return _mark(self.file, self.start)

    def value_mark(self, index: int) -> Mark:
        if 0 <= index < len(self.item_marks):
            return _mark(self.file, self.item_marks[index])
        return self.mark()


def _mark(file: str, m: Any) -> Mark:
    return Mark(file, m.line + 1, m.column + 1)


class _Loader(_BaseLoader):
    file = "<spec>"
    problems: list[Problem]
    # (mapping, key, problem) for key problems: the spec path is filled in once the tree is whole
    key_problems: list[tuple[PosMap, str, Problem]]


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> PosMap:
    loader.flatten_mapping(node)
    out = PosMap()
    out.file, out.start = loader.file, node.start_mark
    out.value_marks, out.key_marks, out.key_files = {}, {}, None
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str):
            key = str(key_node.value)
            problem = Problem(_mark(loader.file, key_node.start_mark), "", f"key {key} is not a string: quote it ('{key}':)")
            loader.key_problems.append((out, key, problem))
        if key in out:
            first = out.key_marks[key]
            message = f"duplicate key '{key}' (first defined at line {first.line + 1}): remove or rename one of them"
            loader.key_problems.append((out, key, Problem(_mark(loader.file, key_node.start_mark), "", message)))
            continue
        out[key] = loader.construct_object(value_node, deep=True)
        out.key_marks[key] = key_node.start_mark
        out.value_marks[key] = value_node.start_mark
    return out


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> PosList:
    out = PosList(loader.construct_object(child, deep=True) for child in node.value)
    out.file, out.start = loader.file, node.start_mark
    out.item_marks = [child.start_mark for child in node.value]
    return out


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
_Loader.add_constructor("tag:yaml.org,2002:seq", _construct_sequence)
# Dates stay strings: `2024-03-15` is an api-version to us, not a datetime.
_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()  # the C loader shares these
}


def load_yaml(text: str, file: str) -> tuple[Any, list[Problem]]:
    """Parse one YAML document; returns (data, problems). Syntax errors are problems too."""
    loader = _Loader(text)
    loader.file = file
    loader.problems = []
    loader.key_problems = []
    try:
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        m = exc.problem_mark or exc.context_mark
        mark = Mark(file, m.line + 1, m.column + 1) if m else Mark(file, 1, 1)
        what = exc.problem or exc.context or "invalid YAML"
        return None, [Problem(mark, "", f"YAML syntax error: {what}; check indentation and quoting")]
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


def _paths_of(root: Any) -> dict[int, str]:
    """id(container) -> its spec path, for naming where a key problem is."""
    out: dict[int, str] = {}
    stack: list[tuple[Any, str]] = [(root, "")]
    while stack:
        node, path = stack.pop()
        if isinstance(node, dict):
            out[id(node)] = path
            stack.extend((v, f"{path}.{k}" if path else str(k)) for k, v in node.items())
        elif isinstance(node, list):
            out[id(node)] = path
            stack.extend((v, f"{path}[{i}]") for i, v in enumerate(node))
    return out


def has_anchors(text: str) -> bool:
    """Whether the text may define an anchor (and so hold aliases)."""
    return _ANCHOR.search(text) is not None


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


def read_yaml_file(path: Path, chain_bytes: int = 0) -> tuple[Any, list[Problem]]:
    """Read and parse a spec file; a file that cannot be read, or outgrows its budget, is a
    problem, not a crash or a hang."""
    text, problems = read_spec_text(path, chain_bytes)
    if text is None:
        return None, problems
    over = budget_problem(text, str(path))
    if over is not None:
        return None, [over]
    return load_yaml(text, str(path))
