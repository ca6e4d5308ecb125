"""JSON and YAML definition files: parsed as ARM's import reads them, duplicate keys refused
with both positions, and a node of the parsed document found again at its line and column.

A key written twice in one mapping parses without complaint in most readers: one of the two
values is kept, the other silently dropped, so what the portal shows is not what the file
says. Finding them must not slow the common case (a valid file near ARM's 3 MiB limit):

- YAML: the loader builds each mapping from its key nodes, which carry their positions; a
  repeated key is noted as it is met, at no extra pass.
- JSON: the standard library's C parser, with an `object_pairs_hook` that only compares
  lengths (a dict built from the pairs is shorter when a key repeats). Only a file that has a
  duplicate is read again, composed by libyaml (JSON is YAML) for the positions.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Hashable
from dataclasses import dataclass
from json.decoder import scanstring  # type: ignore[attr-defined]  # (C-accelerated; typeshed omits it)
from typing import Any

import yaml

from ..errors import PathMark, format_path
from ..loader import Source, budget_problem, has_anchors
from ..positions import Locator
from .common import Finding

_SafeLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# Duplicate keys reported one by one, up to this many: past it, the last one says how many more.
MAX_DUPLICATES = 10


@dataclass(frozen=True)
class Duplicate:
    """A key written twice in one mapping: its mapping's path, and both (line, column)s."""

    parts: tuple[Any, ...]
    key: str
    first: tuple[int, int]
    second: tuple[int, int]


class _YamlLoader(_SafeLoader):
    """Safe YAML as OpenAPI tools read it: dates stay strings, and keys are the text written
    (`200:` is the response code "200", as in the JSON that ARM and the validators read).
    A key written twice in one mapping is noted with both positions."""

    # [the mapping's node, the key, first mark, second mark, the mapping as built]: PyYAML
    # builds a mapping into a dict it made beforehand (for aliases), so the dict is known
    # only once construct_mapping returns
    duplicates: list[list[Any]]

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.duplicates = []

    def construct_mapping(self, node: Any, deep: bool = False) -> dict[Any, Any]:
        written = node.value
        if isinstance(node, yaml.MappingNode):
            self.flatten_mapping(node)  # with a merge key (`<<: *base`), a new list: merged pairs first
        mapping: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else self.construct_object(key_node, deep=deep)
            if not isinstance(key, Hashable):
                raise yaml.constructor.ConstructorError("while constructing a mapping", node.start_mark, "found a key that is a mapping or list", key_node.start_mark)
            mapping[key] = self.construct_object(value_node, deep=deep)
        if len(mapping) != len(node.value):  # the common case pays this comparison alone
            self._note_duplicates(node, node.value, written)
        return mapping

    def construct_yaml_map(self, node: Any) -> Any:
        data: dict[Any, Any] = {}
        yield data
        data.update(self.construct_mapping(node))
        for entry in self.duplicates:
            if entry[0] is node:
                entry[4] = data

    def _note_duplicates(self, node: Any, pairs: list[Any], written: list[Any]) -> None:
        """Keys written twice in this mapping. A key merged in (`<<: *base`) and written here
        too is YAML's override, not a duplicate."""
        mine = {id(k) for k, _ in written}
        first: dict[Any, Any] = {}
        for key_node, _ in pairs:
            if id(key_node) not in mine:
                continue
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else self.construct_object(key_node)
            if key in first:
                self.duplicates.append([node, str(key), first[key].start_mark, key_node.start_mark, None])
            else:
                first[key] = key_node


_YamlLoader.add_constructor("tag:yaml.org,2002:map", _YamlLoader.construct_yaml_map)
_YamlLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"] for first, resolvers in _SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass
class Parsed:
    document: Any = None
    error: str | None = None
    at: tuple[int, int] | None = None
    duplicates: list[Duplicate] = dataclasses.field(default_factory=list)


def parse(text: str, syntax: str) -> Parsed:
    """The document, or what keeps it from parsing and where; and its duplicate keys."""
    if syntax == "json":
        return _parse_json(text)
    # the spec's own alias budget: a few lines of nested aliases ("billion laughs") would make
    # every later walk (validation, positions) take exponential time
    over = budget_problem(text, "definition") if has_anchors(text) else None
    if over is not None:
        return Parsed(error=f"is refused: {over.message}", at=(over.mark.line, over.mark.col))
    loader = _YamlLoader(text)
    try:
        document = loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        return Parsed(error=f"is not valid YAML: {exc.problem or exc.context or 'syntax error'}", at=(mark.line + 1, mark.column + 1) if mark else None)
    except yaml.YAMLError as exc:
        return Parsed(error=f"is not valid YAML: {exc}")
    except RecursionError:
        return Parsed(error="is not valid YAML: nesting is too deep")
    finally:
        loader.dispose()
    duplicates = []
    if loader.duplicates:
        paths = _paths_of(document)
        duplicates = [Duplicate(paths.get(id(owner), ()), key, (a.line + 1, a.column + 1), (b.line + 1, b.column + 1)) for _, key, a, b, owner in loader.duplicates]
    return Parsed(document, duplicates=duplicates)


def _parse_json(text: str) -> Parsed:
    repeated = False

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        nonlocal repeated
        mapping = dict(items)
        if len(mapping) != len(items):
            repeated = True
        return mapping

    try:
        document = json.loads(text, object_pairs_hook=pairs)
    except json.JSONDecodeError as exc:
        return Parsed(error=f"is not valid JSON: {exc.msg}", at=(exc.lineno, exc.colno))
    except RecursionError:
        return Parsed(error="is not valid JSON: nesting is too deep")
    return Parsed(document, duplicates=_json_duplicates(text) if repeated else [])


def _json_duplicates(text: str) -> list[Duplicate]:
    """Every key written twice in one object of JSON text known to have one, with positions:
    libyaml composes JSON into nodes that keep them (JSON is YAML)."""
    try:
        root = yaml.compose(_SURROGATE_PAIR.sub(_private_use(), text), Loader=_SafeLoader)
    except (yaml.YAMLError, RecursionError):
        # JSON that libyaml does not read (rare escapes): the keys, without their places
        return [Duplicate((), key, (0, 0), (0, 0)) for key in _repeated_keys(text)]
    found: list[Duplicate] = []
    stack: list[tuple[Any, tuple[Any, ...]]] = [(root, ())]
    while stack:
        node, parts = stack.pop()
        if isinstance(node, yaml.MappingNode):
            seen: dict[str, Any] = {}
            children = []
            for key_node, value_node in node.value:
                key = str(key_node.value)
                if key in seen:
                    found.append(Duplicate(parts, _written(text, key_node), _position(seen[key]), _position(key_node)))
                else:
                    seen[key] = key_node
                children.append((value_node, (*parts, _written(text, key_node))))
            stack.extend(reversed(children))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(reversed([(child, (*parts, i)) for i, child in enumerate(node.value)]))
    return sorted(found, key=lambda d: d.second)


# An escaped character outside the BMP (`"\\ud83d\\ude00"`, as json.dumps writes an emoji):
# JSON allows it, libyaml does not.
_SURROGATE_PAIR = re.compile(r"\\u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}")


def _private_use() -> Any:
    """A replacement for each escaped pair, of the same length, one distinct character from
    Unicode's private use area per distinct pair: positions stay, and keys stay distinct."""
    seen: dict[str, str] = {}

    def replace(match: re.Match[str]) -> str:
        pair = match.group(0).lower()
        if pair not in seen:
            seen[pair] = f"\\u{0xE000 + len(seen) % 0x1900:04x}\\u0020"
        return seen[pair]

    return replace


def _repeated_keys(text: str) -> list[str]:
    keys: list[str] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        names = [k for k, _ in items]
        keys.extend(k for i, k in enumerate(names) if k in names[:i])
        return dict(items)

    json.loads(text, object_pairs_hook=pairs)
    return keys


def _written(text: str, key_node: Any) -> str:
    """A key as the original text has it (the composed text may differ in escapes, at the same offsets)."""
    at = key_node.start_mark.index
    return str(scanstring(text, at + 1)[0]) if text.startswith('"', at) else str(key_node.value)


def _position(node: Any) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _paths_of(root: Any) -> dict[int, tuple[Any, ...]]:
    """id(mapping or list) -> its path in the document, for naming where a duplicate is."""
    out: dict[int, tuple[Any, ...]] = {}
    stack: list[tuple[Any, tuple[Any, ...]]] = [(root, ())]
    while stack:
        node, parts = stack.pop()
        if not isinstance(node, (dict, list)) or id(node) in out:
            continue  # a scalar, or an alias whose node was walked already
        out[id(node)] = parts
        items = node.items() if isinstance(node, dict) else enumerate(node)
        stack.extend((child, (*parts, key)) for key, child in items)
    return out


def duplicate_findings(duplicates: list[Duplicate]) -> list[Finding]:
    """One finding per repeated key (the first MAX_DUPLICATES), at its second place."""
    findings = []
    shown = sorted(duplicates, key=lambda d: d.second)[:MAX_DUPLICATES]
    for n, d in enumerate(shown):
        where = f" in {format_path(list(d.parts))}" if d.parts else (" at the top level" if d.first != (0, 0) else "")
        if d.first == (0, 0):
            places = ""
        else:
            places = f", at line {d.first[0]}, column {d.first[1]} and at line {d.second[0]}, column {d.second[1]}"
        more = len(duplicates) - len(shown)
        tail = f" ({more} more duplicate key{'s' if more > 1 else ''} after this one)" if more and n == len(shown) - 1 else ""
        findings.append(
            Finding(
                "",
                f" has the key '{d.key}' twice{where}{places}: readers keep one of the two values and silently drop the other, "
                f"so what ARM imports is not what the file says: remove one, or merge the two{tail}",
                at=d.second if d.first != (0, 0) else None,
            )
        )
    return findings


# --- positions in the file ------------------------------------------------------------


def placed(findings: list[Finding], text: str, json_syntax: bool, document: Any) -> tuple[Finding, ...]:
    """The findings, each at the line and column of its node in the file (looked up only for
    findings: a valid file costs nothing more)."""
    if not any(f.node for f in findings):
        return tuple(findings)
    locator = None if json_syntax else Locator([Source("definition", text, document)])
    out = []
    for f in findings:
        if f.node and f.at is None:
            parts, key = _as_written(document, f.node)
            at = _json_position(text, parts, key) if json_syntax else _yaml_position(locator, parts, key)
            f = dataclasses.replace(f, at=at)
        out.append(f)
    return tuple(out)


def _as_written(document: Any, node: tuple[Any, ...]) -> tuple[list[Any], bool]:
    """The path with every mapping key as text, as the file writes it (YAML reads `200:` as a
    number); and whether to point at the node's key: a mapping or list is found by its key
    (`info:` rather than the first line inside it), a value where it is written."""
    parts: list[Any] = []
    parent = None
    for part in node:
        parent = document
        if isinstance(document, dict):
            parts.append(str(part))
            document = document.get(part)
        else:
            parts.append(part)
            document = document[part] if isinstance(document, list) and type(part) is int and 0 <= part < len(document) else None
    return parts, isinstance(parent, dict) and isinstance(document, (dict, list))


def _yaml_position(locator: Locator | None, parts: list[Any], key: bool) -> tuple[int, int] | None:
    """Where the node at `parts` starts, by the spec's own Locator (block YAML narrows to the
    lines on the path; anything else composes the file once)."""
    if locator is None:
        return None
    try:
        mark = locator.mark(PathMark("definition", 0, 0, tuple(parts), key))
    except (yaml.YAMLError, RecursionError):
        return None
    return mark.line, mark.col


_JSON = json.JSONDecoder()
_JSON_SPACE = re.compile(r"[ \t\n\r]*")


def _json_position(text: str, parts: list[Any], key: bool) -> tuple[int, int] | None:
    """Where the node at `parts` starts in JSON text, or its key (or the deepest node of the
    path that the text has). Siblings before it are skipped with the standard library's C
    scanner, so the cost is at most one parse of the file."""

    def space(i: int) -> int:
        match = _JSON_SPACE.match(text, i)
        return match.end() if match else i

    def child(i: int, part: Any) -> tuple[int, int] | None:
        """(where the value starts, where its key starts) of `part` in the node at `i`."""
        if text.startswith("{", i):
            i = space(i + 1)
            while text.startswith('"', i):
                name, begin = scanstring(text, i + 1)
                name_at, i = i, space(begin)
                if not text.startswith(":", i):
                    return None
                i = space(i + 1)
                if name == part:
                    return i, name_at
                i = space(_JSON.raw_decode(text, i)[1])
                if not text.startswith(",", i):
                    return None
                i = space(i + 1)
        elif text.startswith("[", i) and type(part) is int:
            i = space(i + 1)
            for _ in range(part):
                i = space(_JSON.raw_decode(text, i)[1])
                if not text.startswith(",", i):
                    return None
                i = space(i + 1)
            return None if text.startswith("]", i) else (i, i)
        return None

    at = space(0)
    try:
        for n, part in enumerate(parts):
            found = child(at, part)
            if found is None:
                break
            at = found[1] if key and n == len(parts) - 1 else found[0]
    except (ValueError, RecursionError):
        pass  # the deepest node found stands
    line_start = text.rfind("\n", 0, at) + 1
    return text.count("\n", 0, at) + 1, at - line_start + 1
