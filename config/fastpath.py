"""The common case, quickly: a valid spec with nothing to report.

Positions are only needed when there is a problem to report. So a spec is first read with
native parsers (yaml-rs for YAML, jsonschema-rs for the schema, together ~30x faster than
PyYAML plus jsonschema on a 1,000-API spec) into plain dicts; if that run finds nothing at
all, the model is built from it. Anything else (any problem or warning, or any construct
that YAML 1.1, which PyYAML speaks, and YAML 1.2, which yaml-rs speaks, could read
differently) returns None, and the caller takes the position-keeping path, which decides
every case and reports every problem with file:line:col. Both paths build the same model
(tests compare them).
"""

from __future__ import annotations

import json
import os
import re
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema_rs
import yaml_rs

from .build import build
from .checks import cross_check
from .loader import MAX_DEPTH, budget_problem, has_anchors, read_spec_text
from .model import Spec
from .project import is_absolute, outside, project_root
from .resolve import variables_for
from .schema import SCHEMA_FILE

# Plain scalars YAML 1.1 reads as booleans (or merge/value keys) while YAML 1.2 reads strings.
_YAML11_WORDS = frozenset("y Y yes Yes YES n N no No NO on On ON off Off OFF = <<".split())
# Source text a 1.2 parser may read differently from PyYAML: tags, merge keys, directives,
# and number forms 1.1 has and 1.2 lacks (octal 010, 0b/0x/0o, sexagesimal 1:20, 1_000).
_AMBIGUOUS_TEXT = re.compile(
    r"(?m)(?:^|[\s\[{,])!\S"
    r"|<<"
    r"|\t"  # PyYAML refuses tabs in places YAML 1.2 parsers allow them
    r"|^%"
    r"|(?:^|[:\[{,-])[ \t]*[-+]?(?:0[0-9_]+|0[boxBOX][0-9a-fA-F_]+|[0-9][0-9_]*(?::[0-5]?[0-9])+|[0-9]+_[0-9_]*)[ \t]*(?:$|[,\]}#])"
)
# Characters PyYAML refuses (its reader's printable set), and the line breaks only YAML 1.1
# has (NEL, LS, PS): with either, the two parsers disagree.
_NON_PRINTABLE = re.compile("[^\x09\x0A\x0D\x20-\x7E\xA0-\u2027\u202A-\uD7FF\uE000-\uFFFD\U00010000-\U0010ffff]")
_VAR = re.compile(r"\$\{([^}]*)\}")


@cache
def _validator() -> Any:
    return jsonschema_rs.validator_for(json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))


class _Unsure(Exception):
    """Leave this spec to the position-keeping path."""


def fast_load(path: Path, *, stack: str, project: str) -> Spec | None:
    """The model of a spec with no problem and no warning, or None."""
    try:
        raw = _load_chain(path.resolve(), [], project_root(path).resolve())
        raw = _interpolate(raw, variables_for(raw, stack, project))
        if not _validator().is_valid(raw) or cross_check(raw, str(path)):
            return None
        return build(raw, file=str(path), stack=stack, project=project)
    except (_Unsure, OSError, UnicodeDecodeError, ValueError, RecursionError, yaml_rs.YAMLDecodeError):
        return None


def _load_chain(path: Path, chain: list[Path], root: Path) -> dict[str, Any]:
    # anything outside the project or over a budget is reported by the located path
    if outside(path.name, path.parent, root):
        raise _Unsure
    text, problems = read_spec_text(path, sum(p.stat().st_size for p in chain))
    if text is None or _AMBIGUOUS_TEXT.search(text) or _NON_PRINTABLE.search(text):
        raise _Unsure
    if has_anchors(text) and budget_problem(text, str(path)):
        raise _Unsure
    data = yaml_rs.loads(text, parse_datetime=False)
    if not isinstance(data, dict):
        raise _Unsure
    _check_scalars(data)
    ref = data.pop("extends", None)
    if ref is None:
        return data
    if not isinstance(ref, str) or not ref or outside(ref, path.parent, root):
        raise _Unsure
    base_path = (path.parent / ref).resolve()
    if base_path == path or base_path in chain or not base_path.is_file():
        raise _Unsure
    base = _load_chain(base_path, [*chain, path], root)
    _anchor_definition_files(base, base_path.parent, path.parent)
    return _merge(base, data)


def _check_scalars(node: Any) -> None:
    """Raise _Unsure where the two YAML versions could disagree about a parsed value."""
    stack = [(node, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            if depth >= MAX_DEPTH:
                raise _Unsure
            for key, value in item.items():
                if not isinstance(key, str) or key in _YAML11_WORDS:
                    raise _Unsure
                stack.append((value, depth + 1))
        elif isinstance(item, list):
            if depth >= MAX_DEPTH:
                raise _Unsure
            stack.extend((value, depth + 1) for value in item)
        elif isinstance(item, str):
            if item in _YAML11_WORDS:
                raise _Unsure
        elif isinstance(item, float) or not isinstance(item, (bool, int, type(None))):
            raise _Unsure


def _anchor_definition_files(base: dict[str, Any], folder: Path, extending: Path) -> None:
    """A base's `file:` paths are relative to the base: make them relative to the extending
    file's folder before merging (an absolute path stays as written, to be refused)."""
    for api in (base.get("apis") or {}).values():
        for version in ((api or {}).get("versions") or {}).values() if isinstance(api, dict) else ():
            for definition in ((version or {}).get("definitions") or {}).values() if isinstance(version, dict) else ():
                if isinstance(definition, dict) and isinstance(definition.get("file"), str) and not is_absolute(definition["file"]):
                    definition["file"] = os.path.relpath(folder / definition["file"], extending)


def _merge(base: Any, over: Any) -> Any:
    if isinstance(base, dict) and isinstance(over, dict):
        out = dict(base)
        for key, value in over.items():
            out[key] = _merge(base[key], value) if key in base else value
        return out
    return over


def _interpolate(node: Any, variables: dict[str, str]) -> Any:
    def sub(text: str) -> str:
        def one(m: re.Match[str]) -> str:
            if m.group(1) not in variables:
                raise _Unsure
            return variables[m.group(1)]

        return _VAR.sub(one, text) if "${" in text else text

    if isinstance(node, dict):
        out = {sub(k): _interpolate(v, variables) for k, v in node.items()}
        if len(out) != len(node):
            raise _Unsure  # two keys became one
        return out
    if isinstance(node, list):
        return [_interpolate(v, variables) for v in node]
    return sub(node) if isinstance(node, str) else node
