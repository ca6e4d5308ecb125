"""Positions, looked up afterwards: file:line:col for the problems being reported.

Problems found on plain data carry the spec path of their node (`PathMark`); `Locator`
finds where it stands in the files of an `extends` chain, reading just the lines around each
node when it can, so a spec with a few warnings costs little more than a clean one.
"""

from __future__ import annotations

import bisect
import dataclasses
import functools
import re
from typing import Any

import yaml

from .errors import Mark, PathMark, Problem
from .loader import Source, _BaseLoader, _mark, has_anchors

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


