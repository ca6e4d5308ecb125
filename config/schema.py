"""The JSON Schema of the spec (config/schema.json) and its errors in the user's words."""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
from jsonschema.exceptions import ValidationError, best_match

from .errors import Mark, Problem, did_you_mean, format_path, plural
from .loader import PosList, PosMap

SCHEMA_FILE = Path(__file__).with_name("schema.json")

_TYPE_NAMES = {
    "object": "a mapping",
    "array": "a list",
    "string": "a string",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "null": "null",
}


@cache
def schema() -> dict[str, Any]:
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


@cache
def _validator() -> jsonschema.protocols.Validator:
    cls = jsonschema.validators.validator_for(schema())
    cls.check_schema(schema())
    return cls(schema())


def mark_at(root: Any, path: list[Any], *, key: bool = False) -> Mark:
    """The position of the node at `path` (of its key, with key=True)."""
    node = root
    mark = root.mark() if isinstance(root, (PosMap, PosList)) else Mark("<spec>", 1, 1)
    for i, part in enumerate(path):
        if isinstance(node, PosMap) and part in node:
            last = i == len(path) - 1
            mark = node.key_mark(part) if (key and last) else node.value_mark(part)
            node = node[part]
        elif isinstance(node, PosList) and isinstance(part, int) and 0 <= part < len(node):
            mark = node.value_mark(part)
            node = node[part]
        else:
            break
    return mark


def check(root: Any) -> list[Problem]:
    """Every schema problem of `root`, each with its position and fix."""
    return [p for error in _validator().iter_errors(root) for p in _explain(root, error)]


def _describe(value: Any) -> str:
    for py, name in ((bool, "boolean"), (str, "string"), (int, "integer"), (float, "number"), (dict, "object"), (list, "array")):
        if isinstance(value, py):
            return _TYPE_NAMES[name]
    return "null" if value is None else type(value).__name__


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _explain(root: Any, error: ValidationError) -> Iterator[Problem]:
    if error.validator in ("oneOf", "anyOf") and error.context:
        error = best_match(error.context)
    path = list(error.absolute_path)
    where = format_path(path)
    kind = error.validator
    sch = error.schema if isinstance(error.schema, dict) else {}
    value = error.instance

    if kind == "additionalProperties" and isinstance(value, dict):
        allowed = sorted(sch.get("properties", {}))
        for extra in sorted(k for k in value if k not in sch.get("properties", {})):
            yield Problem(mark_at(root, [*path, extra], key=True), format_path([*path, extra]), _unknown_key(path, extra, allowed))
        return
    if kind == "required":
        missing = error.message.split("'")[1] if "'" in error.message else "?"
        yield Problem(mark_at(root, path), where, f"'{missing}' is required: add `{missing}: ...`")
        return
    if "propertyNames" in error.absolute_schema_path:
        # the offending name is a map key: point at the key itself
        name = str(value)
        reason = sch.get("x-message") or error.message
        yield Problem(mark_at(root, [*path, name], key=True), format_path([*path, name]), f"'{name}' {reason}")
        return
    if kind == "type":
        expected = sch.get("type")
        names = " or ".join(_TYPE_NAMES.get(str(t), str(t)) for t in (expected if isinstance(expected, list) else [expected]))
        hint = " (quote it if it is text)" if expected == "string" and not isinstance(value, (dict, list)) else ""
        yield Problem(mark_at(root, path), where, f"expected {names}, got {_describe(value)} {_short(value)}{hint}")
        return
    if kind == "enum":
        refused = sch.get("x-refused", {})
        if isinstance(value, str) and value in refused:
            # a value users expect (the portal or the docs name it) that the api-version lacks
            yield Problem(mark_at(root, path), where, f"{_short(value)} {refused[value]}")
            return
        options = [str(o) for o in sch.get("enum", [])]
        yield Problem(mark_at(root, path), where, f"{_short(value)} is not one of: {', '.join(options)}{did_you_mean(value, options)}")
        return
    if kind in ("pattern", "const", "not") and "x-message" in sch:
        yield Problem(mark_at(root, path), where, f"{_short(value)} {sch['x-message']}")
        return
    if kind == "minLength":
        yield Problem(mark_at(root, path), where, f"{_short(value)} is too short: at least {sch['minLength']} characters")
        return
    if kind == "maxLength":
        yield Problem(mark_at(root, path), where, f"is {len(str(value))} characters long: at most {sch['maxLength']} allowed; shorten it")
        return
    if kind in ("minimum", "maximum"):
        lo, hi = sch.get("minimum"), sch.get("maximum")
        rng = f"{lo} to {hi}" if lo is not None and hi is not None else (f"at least {lo}" if lo is not None else f"at most {hi}")
        yield Problem(mark_at(root, path), where, f"{value} is out of range: use {rng}")
        return
    if kind == "uniqueItems":
        yield Problem(mark_at(root, path), where, "has duplicate entries: list each item once")
        return
    if kind == "minItems":
        yield Problem(mark_at(root, path), where, f"needs at least {plural(sch['minItems'], 'item')}")
        return
    if kind == "maxItems" and isinstance(value, list):
        limit = sch["maxItems"]
        yield Problem(mark_at(root, path), where, f"has {len(value)} items: at most {limit} allowed; remove {len(value) - limit}")
        return
    yield Problem(mark_at(root, path), where, error.message)


def _unknown_key(path: list[Any], extra: str, allowed: list[str]) -> str:
    if extra == "value" and len(path) >= 3 and path[0] == "keyVault" and path[1] == "secrets":
        return (
            "a secret's value never goes in a spec: write `fromConfig: KEY` and set it with "
            "`pulumi config set --secret apic-access:KEY`"
        )
    hint = did_you_mean(extra, allowed)
    return f"unknown property '{extra}'{hint or '; expected one of: ' + ', '.join(allowed)}"
