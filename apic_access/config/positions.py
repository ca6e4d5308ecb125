"""Small YAML files that are not specs, loaded with the position of every node.

Stack files (`Pulumi.<stack>.yaml`) are checked key by key and their problems reported at
their own line and column; they are a few lines long, so keeping every position as they load
costs nothing. Specs go through the one pipeline (config/spec.py), which looks positions up
only for what it reports.
"""

from __future__ import annotations

from typing import Any

import yaml

from .errors import Mark, Problem

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
