"""Spec YAML: read within budgets, parsed into plain data, positions looked up afterwards.

Specs come from pull requests, so a file is refused before parsing when it outgrows a
budget (size, nodes with aliases expanded, nesting). It is then parsed into plain dicts and
lists, by one of two parsers that must agree: yaml-rs (native, about ten times faster) when
the text holds nothing that YAML 1.2, which it speaks, and YAML 1.1, which PyYAML speaks,
could read differently; else PyYAML, which also reports syntax errors, duplicate keys and
non-string keys with their positions. Everything after parsing (extends, interpolation,
checks, build) runs on the plain data, whichever parser produced it.

Problems found on plain data carry the spec path of their node (`PathMark`); `Locator`
finds file:line:col for those being reported only, reading just the lines around each
node when it can, so a spec with a few warnings costs little more than a clean one.
"""

from __future__ import annotations

import bisect
import dataclasses
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
import yaml_rs

from .errors import Mark, PathMark, Problem, format_path

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


# --- positions, looked up afterwards ----------------------------------------------------------

_VAR = re.compile(r"\$\{([^}]*)\}")
_FLATTEN = yaml.constructor.SafeConstructor()  # flatten_mapping (merge keys) needs no loader state
# line breaks other than \n and \r\n shift lines where a plain split would not see them
_ODD_BREAKS = re.compile("\r(?!\n)|[\x85\u2028\u2029]")


class Locator:
    """file:line:col for the problems being reported, from the files of an `extends` chain
    (`sources`, the spec first). Which file a node of the merged spec comes from follows
    the merge: a mapping merges key by key, anything else replaces what the base had.

    In a file, a node is found by narrowing to the lines of the mapping entries on its path
    (block mappings, keys as written) and composing only those with libyaml; anything
    unusual (flow style, quoted keys, odd line breaks, anchors) composes the whole file."""

    def __init__(self, sources: list[Source], variables: dict[str, str] | None = None):
        self.sources = sources
        self.by_file = {s.file: s for s in sources}
        self.variables = variables or {}
        self._composed: dict[tuple[str, int, int], Any] = {}

    def locate(self, problems: list[Problem]) -> list[Problem]:
        return [self._located(p) if isinstance(p.mark, PathMark) or p.refs or isinstance(p.referenced, PathMark) else p for p in problems]

    def _located(self, p: Problem) -> Problem:
        # one replace, so the message names the other lines (refs) from the located mark
        changes: dict[str, Any] = {}
        if isinstance(p.mark, PathMark):
            changes["mark"] = self.mark(p.mark)
        if p.refs:
            changes["refs"] = tuple(self.mark(r) if isinstance(r, PathMark) else r for r in p.refs)
        if isinstance(p.referenced, PathMark):  # a problem in a definition file: where the spec names it
            changes["referenced"] = self.mark(p.referenced)
        return dataclasses.replace(p, **changes)

    def mark(self, at: PathMark) -> Mark:
        parts = list(at.parts)
        if at.file and at.file in self.by_file:
            source, depth = self.by_file[at.file], len(parts)
        elif self.sources:
            source, depth = self._origin(parts, at.as_written)
        else:
            return Mark(at.file or "<spec>", 1, 1)
        try:
            return self._position(source, parts[:depth], at.key and depth == len(parts), at.as_written)
        except yaml.YAMLError:  # the file does not parse: its problem is reported already
            return Mark(source.file, 1, 1)

    def _sub(self, text: str) -> str:
        return _VAR.sub(lambda m: self.variables.get(m.group(1), m.group(0)), text) if "${" in text else text

    def _child(self, node: Any, part: Any, as_written: bool = False) -> tuple[bool, Any]:
        if isinstance(node, dict):
            if as_written:
                if part in node:
                    return True, node[part]
            else:  # the first key that is `part` or expands to it: the one the merged spec keeps
                for k, v in node.items():
                    if k == part or (isinstance(k, str) and "${" in k and self._sub(k) == part):
                        return True, v
            if isinstance(part, str) and "${" in part and self._sub(part) in node:  # a key as written, the data interpolated
                return True, node[self._sub(part)]
        elif isinstance(node, list) and type(part) is int and 0 <= part < len(node):
            return True, node[part]
        return False, None

    def _origin(self, parts: list[Any], as_written: bool = False) -> tuple[Source, int]:
        """The file holding the deepest node on `parts` that the merged spec has, and its depth."""
        nodes = [(s, s.data) for s in self.sources]
        depth = 0
        for part in parts:
            found = [(s, child) for s, node in nodes for ok, child in [self._child(node, part, as_written)] if ok]
            if not found:
                break
            # the topmost file decides; lower files add to it only while both sides are mappings
            kept = found[:1]
            if isinstance(found[0][1], dict):
                for item in found[1:]:
                    if not isinstance(item[1], dict):
                        break
                    kept.append(item)
            nodes, depth = kept, depth + 1
        return nodes[0][0], depth

    def _position(self, source: Source, parts: list[Any], key: bool, as_written: bool = False) -> Mark:
        if not parts:
            return self._root_mark(source)
        entry, consumed = self._narrow(source, parts) if self._narrowable(source) else (None, 0)
        if entry is not None:
            row, begin, end = entry
            try:
                node = self._compose(source, begin + 1, end)
            except yaml.YAMLError:
                node = None
            if isinstance(node, yaml.MappingNode) and node.value and self._is(node.value[0][0], parts[consumed - 1]):
                return self._walk(node, parts[consumed - 1 :], key, source.file, row, as_written)
        return self._walk(self._compose(source, 1, len(source.nl_text())), parts, key, source.file, 0, as_written)

    def _narrowable(self, source: Source) -> bool:
        if source._narrowable is None:
            text = source.text
            odd = "\r" in text or (not text.isascii() and _ODD_BREAKS.search(text) is not None)
            source._narrowable = not (odd or has_anchors(text) or "<<" in text)
        return source._narrowable

    def _root_mark(self, source: Source) -> Mark:
        for event in yaml.parse(source.text, Loader=_BaseLoader):
            if isinstance(event, yaml.NodeEvent):
                return _mark(source.file, event.start_mark)
        return Mark(source.file, 1, 1)

    def _compose(self, source: Source, begin: int, end: int) -> Any:
        """The node tree of `source.nl_text()[begin:end]` (whole lines)."""
        cache_key = (source.file, begin, end)
        if cache_key not in self._composed:
            self._composed[cache_key] = yaml.compose(source.nl_text()[begin:end], Loader=_BaseLoader)
        return self._composed[cache_key]

    def _is(self, key_node: Any, part: Any) -> bool:
        return isinstance(key_node, yaml.ScalarNode) and (key_node.value == part or self._sub(key_node.value) == part)

    def _walk(self, node: Any, parts: list[Any], key: bool, file: str, offset: int, as_written: bool = False) -> Mark:
        if node is None:
            return Mark(file, 1, 1)
        mark = node.start_mark
        for i, part in enumerate(parts):
            if isinstance(node, yaml.MappingNode):
                _FLATTEN.flatten_mapping(node)
                # a duplicate key: the first counts, as it does for names that became one
                if as_written:
                    pair = next(((k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == part), None)
                else:
                    pair = next(((k, v) for k, v in node.value if self._is(k, part)), None)
                if pair is None:
                    break
                mark = pair[0].start_mark if key and i == len(parts) - 1 else pair[1].start_mark
                node = pair[1]
            elif isinstance(node, yaml.SequenceNode) and type(part) is int and 0 <= part < len(node.value):
                node = node.value[part]
                mark = node.start_mark
            else:
                break
        return Mark(file, mark.line + 1 + offset, mark.column + 1)

    def _narrow(self, source: Source, parts: list[Any]) -> tuple[tuple[int, int, int] | None, int]:
        """The innermost block-mapping entry on `parts` that its key and indentation alone find,
        as (its first row, the offset of the line break before it, the offset where it ends),
        and how many parts that took. Offsets are in `source.nl_text()`. An entry ends where
        the next key of its mapping starts."""
        text = source.nl_text()
        entry: tuple[int, int, int] | None = None
        row, begin, end, indent, consumed = 0, 0, len(text), 0, 0
        scan = (0, 0)  # (row, offset of the line break before it) where the key scan starts
        for part in parts:
            if not isinstance(part, str):
                break
            keys, offsets = self._keys(source, scan, end, indent)
            found = keys.get(part)
            if found is None or len(found) != 1:
                break
            row, begin = found[0]
            after = bisect.bisect_right(offsets, begin)
            end = offsets[after] if after < len(offsets) else end
            entry, consumed = (row, begin, end), consumed + 1
            scan = (row, begin + 1)
            child = _first_content_line(text, begin, end)
            if child is None:
                break  # the value is on the key's line
            child_indent = len(child) - len(child.lstrip(" "))
            rest = child[child_indent:]
            if child_indent <= indent or rest.startswith(("- ", "{", "[")) or rest == "-":
                break  # a list, or flow style: compose from here
            indent = child_indent
        return entry, consumed

    def _keys(self, source: Source, scan: tuple[int, int], end: int, indent: int) -> tuple[dict[str, list[tuple[int, int]]], list[int]]:
        """Keys written at exactly `indent` from `scan` to offset `end`, as written and
        interpolated, with (row, offset of the line break before it); and all their offsets."""
        cache_key = (scan[1], end, indent)
        if cache_key not in source._index:
            text = source.nl_text()
            index: dict[str, list[tuple[int, int]]] = {}
            offsets: list[int] = []
            row, at = scan[0], scan[1] - 1 if scan[1] else 0  # `at`: the line break before `row`
            for m in key_pattern(indent).finditer(text, scan[1], end):
                row += text.count("\n", at + 1, m.start() + 1)
                at = m.start()
                offsets.append(at)
                written = next(g for g in m.groups() if g is not None)
                index.setdefault(written, []).append((row, at))
                if "${" in written and self._sub(written) != written:
                    index.setdefault(self._sub(written), []).append((row, at))
            source._index[cache_key] = (index, offsets)
        return source._index[cache_key]


def _first_content_line(text: str, begin: int, end: int) -> str | None:
    """The first line after the one at `begin` and before `end` that is not blank or a comment."""
    at = text.find("\n", begin + 1)
    while 0 <= at < end:
        nxt = text.find("\n", at + 1)
        line = text[at + 1 : nxt if nxt >= 0 else len(text)]
        if not _blank(line):
            return line
        at = nxt
    return None


@functools.cache
def key_pattern(indent: int) -> re.Pattern[str]:
    """A plain mapping key written at exactly `indent`: `  name:` or `  name: value`."""
    plain = r"([^\s#'\"{\[\]}\-?&*!|>%@`,][^#\n]*?)"
    quoted = r"\"([^\"\\\n]*)\"|'([^'\n]*)'"  # without escapes: their text is the key
    return re.compile("\n" + " " * indent + f"(?:{plain}|{quoted})" + r"[ \t]*:(?=[ \t\n]|$)")


def _blank(line: str) -> bool:
    stripped = line.strip()
    return not stripped or stripped.startswith("#")


