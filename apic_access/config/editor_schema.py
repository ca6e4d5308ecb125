"""The schema editors read (config/schema.json, `apic-access schema`): one file for complete
specs and for overlays (specs with `extends`).

An editor checks the file as written, before any merge, so an overlay that leaves the API
center's name to its base would be "missing a required property". The validator checks the
merged spec against the packaged schema (config/schema.py); this is that schema with, for a
file with `extends`, what the merge can fill in no longer required. Maps merge key by key,
lists replace (config/resolve.py `merge`), so:

- objects reached from the top through maps only (apiCenter, apis.NAME, versions.NAME, ...)
  lose `required` (and the like): the base may give the rest;
- list entries stay whole (an access entry still needs its authConfig): a list in an overlay
  replaces the base's, entries and all;
- everything else (types, enums, patterns, unknown keys) is checked as for a complete spec.

yaml-language-server reads Draft-07 only, so both variants are written in what Draft-07 and
2020-12 read alike (`portable`), and the file says draft-07.

The validator checks strings after `${stack}` and the like are expanded, keys included
(config/resolve.py `interpolate`); an editor sees them unexpanded, so a string with a variable
is held to no length, nor to a pattern written for expanded text only (`as_written`).
"""

from __future__ import annotations

import copy
import json
from functools import cache
from typing import Any

from .resolve import VARIABLES
from .schema import schema

# keywords whose subschemas describe the same object (or a value in one of its maps)
_MAPS = ("properties", "patternProperties", "dependentSchemas")
_ONE = ("additionalProperties", "then", "else")
_LISTS = ("allOf", "anyOf", "oneOf")
# what a base can satisfy: gone from the overlay variant
_DROPPED = ("required", "dependentRequired", "minProperties")
_DEFS = "#/$defs/"
FULL, OVERLAY = "spec", "overlay"
DRAFT_07 = "http://json-schema.org/draft-07/schema#"
# keywords whose values are subschemas: a map of them, one, or a list
_SUB_MAPS = ("$defs", "properties", "patternProperties", "dependentSchemas")
_SUB_ONE = ("additionalProperties", "propertyNames", "items", "contains", "not", "if", "then", "else")


# a variable the validator expands; a value with one is at least as long as the shortest
_VARIABLE = r"\$\{(?:" + "|".join(VARIABLES) + r")\}"
_SHORTEST = min(len("${" + name + "}") for name in VARIABLES)


def _with_subschemas(node: dict[str, Any], f: Any, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    """A copy of `node` with `f` applied to each of its subschemas (not under `skip`)."""
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in skip:
            out[key] = copy.deepcopy(value)
        elif key in _SUB_MAPS and isinstance(value, dict):
            out[key] = {name: f(sub) for name, sub in value.items()}
        elif key in _SUB_ONE and isinstance(value, dict):
            out[key] = f(value)
        elif key in _LISTS and isinstance(value, list):
            out[key] = [f(sub) for sub in value]
        else:
            out[key] = copy.deepcopy(value)
    return out


def portable(node: Any) -> Any:
    """`node` as Draft-07 and Draft 2020-12 both read it (the 2020-12 meaning kept)."""
    if not isinstance(node, dict):
        return node
    out = _with_subschemas(node, portable)
    extra: list[Any] = []
    if "dependentSchemas" in out:  # not in Draft-07: "if K is there, S applies" says the same
        extra += [{"if": {"required": [k]}, "then": sub} for k, sub in out.pop("dependentSchemas").items()]
    if "$ref" in out and len(out) > 1:  # Draft-07 ignores what stands beside a $ref
        extra.insert(0, {"$ref": out.pop("$ref")})
    if extra:
        out["allOf"] = [*out.get("allOf", []), *extra]
    return out


def as_written(node: Any) -> Any:
    """`node` for text before `${...}` is expanded: a string with a variable passes what its
    expansion might (length, a pattern blind to variables, a format); without one, nothing changes."""
    if not isinstance(node, dict):
        return node
    out = _with_subschemas(node, as_written, skip=("not", "if", "oneOf"))  # where passing more could refuse more
    expanded: dict[str, Any] = {k: out.pop(k) for k in ("minLength", "maxLength") if k in out and (k == "maxLength" or out[k] > _SHORTEST)}
    if isinstance(out.get("pattern"), str) and "\\$\\{" not in out["pattern"]:  # a pattern that allows `${stack}` stays
        expanded["pattern"] = out.pop("pattern")
    if "format" in out:  # `https://${stack}.contoso.com` is a URI only once expanded
        expanded["format"] = out.pop("format")
    if "x-message" in out and ("pattern" in expanded or "format" in expanded):
        expanded["x-message"] = out.pop("x-message")
    if not expanded:
        return out
    rule = {"if": {"pattern": _VARIABLE}, "else": expanded}  # if/else: an editor shows the plain length message
    if "if" in out:
        out["allOf"] = [*out.get("allOf", []), rule]
    else:
        out.update(rule)
    return out


@cache
def editor_schema() -> dict[str, Any]:
    full = as_written(portable(schema()))
    defs: dict[str, Any] = dict(full["$defs"])
    root = {k: v for k, v in full.items() if k not in ("$schema", "$id", "$defs")}
    variants: dict[str, str] = {}  # def name -> the def its overlay variant is
    added: dict[str, Any] = {}

    def variant(name: str) -> str:
        if name not in variants:
            variants[name] = f"{OVERLAY}.{name}"  # a def that refers to itself gets the variant
            loose = lenient(defs[name])
            if loose == defs[name]:
                variants[name] = name
            else:
                added[variants[name]] = loose
        return variants[name]

    def lenient(node: Any) -> Any:
        if not isinstance(node, dict):
            return node
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key in _DROPPED:
                continue
            if key == "$ref" and isinstance(value, str) and value.startswith(_DEFS) and value[len(_DEFS) :] in defs:
                out[key] = _DEFS + variant(value[len(_DEFS) :])
            elif key in _MAPS and isinstance(value, dict):
                out[key] = {name: lenient(sub) for name, sub in value.items()}
            elif key in _ONE:
                out[key] = lenient(value)
            elif key in _LISTS and isinstance(value, list):
                # without `required`, several oneOf branches may match a partial object
                out["anyOf" if key == "oneOf" and "anyOf" not in node else key] = [lenient(sub) for sub in value]
            else:
                out[key] = copy.deepcopy(value)  # items (a list replaces), not, if, enum, ...: as written
        return out

    overlay = lenient(root)
    clash = {FULL, OVERLAY, *added} & set(full["$defs"])
    if clash:
        raise RuntimeError(f"schema.json defines {sorted(clash)}, names the editor schema needs: rename them")
    return {
        "$schema": DRAFT_07,
        "$id": full["$id"],
        "title": full["title"],
        "description": full["description"],
        # a spec with `extends` is an overlay: its base fills in what it leaves out
        "if": {"required": ["extends"]},
        "then": {"$ref": _DEFS + OVERLAY},
        "else": {"$ref": _DEFS + FULL},
        "$defs": {FULL: root, OVERLAY: overlay, **defs, **dict(sorted(added.items()))},
    }


def published_text() -> str:
    """config/schema.json as published: `apic-access schema` prints exactly this."""
    return json.dumps(editor_schema(), indent=2, ensure_ascii=False) + "\n"
