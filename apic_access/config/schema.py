"""The JSON Schema of the spec (config/schema.json) and its errors in the user's words.

A spec is checked by jsonschema-rs (native: milliseconds for a 1,000-API spec). Only when it
finds errors does the Python jsonschema, whose errors carry what the messages need (the
keyword, its subschema, the alternatives of a oneOf), run again, on the spec with its APIs
cut down to those with errors, so an invalid large spec costs little more than a valid one.

The schema's one format, `uri` (ARM's `format: uri`), is checked by both engines with the same
function, `is_uri`, so they cannot disagree on what an absolute URI is: jsonschema-rs would
otherwise use its own parser, and the Python jsonschema checks formats only when asked.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jsonschema_rs
from rfc3986_validator import validate_rfc3986

from .errors import LINE_OF, Expansions, Mark, PathMark, Problem, did_you_mean, format_path, plural

if TYPE_CHECKING:
    import jsonschema
    from jsonschema.exceptions import ValidationError

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


def is_uri(value: object) -> bool:
    """An absolute URI by RFC 3986's grammar (a scheme, then what may follow it), which is what
    ARM's `format: uri` asks: `wss://`, `mailto:` and `urn:` pass; `https://[bad`, a space, a
    relative path or a non-ASCII character not percent-encoded do not."""
    return not isinstance(value, str) or validate_rfc3986(value, rule="URI") is not None


@cache
def _native() -> Any:
    return jsonschema_rs.validator_for(schema(), validate_formats=True, formats={"uri": is_uri})


@cache
def _validator() -> jsonschema.protocols.Validator:
    import jsonschema  # only for specs with errors: its import alone costs a tenth of a second

    cls = jsonschema.validators.validator_for(schema())
    cls.check_schema(schema())
    formats = jsonschema.FormatChecker(formats=())
    formats.checks("uri")(is_uri)
    return cls(schema(), format_checker=formats)


def mark_at(root: Any, path: list[Any], *, key: bool = False) -> Mark:
    """The position of the node at `path` (of its key, with key=True), looked up when the
    problem is reported (config/loader.py, `Locator`)."""
    return PathMark("", 0, 0, tuple(path), key)


def check(root: Any, expansions: Expansions | None = None) -> list[Problem]:
    """Every schema problem of `root`, each with its position and fix. `expansions`: the
    strings `${...}` changed, as written (config/resolve.py), shown beside their values."""
    found = [(tuple(e.instance_path), e.instance) for e in _native().iter_errors(root)]
    if not found:
        return []
    explained = (p for error in _validator().iter_errors(_with_apis_of(root, found)) for p in _explain(root, error, expansions or {}))
    problems = _one_per_typo(list(dict.fromkeys(explained)))  # a name both too short and malformed: one message for both
    if not problems:  # the two engines disagree: still report what the native one found
        problems = [Problem(mark_at(root, list(path)), format_path(list(path)), "does not match the spec's schema") for path, _ in found]
    return problems


def structural(problems: list[Problem]) -> bool:
    """Whether the schema found the spec's shape broken (an unknown or misplaced key, a missing
    one, a mapping where a list belongs): then the cross-checks' warnings (an auth config bound
    to nothing, a version without a deployment) follow from that mistake, not from the spec."""
    return any(_STRUCTURAL.search(p.message) for p in problems if p.severity == "error")


_STRUCTURAL = re.compile(r"^(unknown property |'[^']*' is required: |expected .* got |is empty \(|`[^`]*` is a property of each )")


def _one_per_typo(problems: list[Problem]) -> list[Problem]:
    """A misspelt key is one mistake: `lifecycleStag` is told as an unknown property with its
    did-you-mean, not also as `lifecycleStage` missing."""
    meant = {(p.path.rsplit(".", 1)[0], m.group(1)) for p in problems if (m := _MEANT.search(p.message))}
    return [p for p in problems if not ((m := _REQUIRED.match(p.message)) and (p.path, m.group(1)) in meant)]


_MEANT = re.compile(r"^unknown property '[^']*' \(did you mean '([^']*)'\?\)$")
_REQUIRED = re.compile(r"^'([^']*)' is required: ")


def _schema_at(path: list[Any]) -> dict[str, Any] | None:
    """The subschema that describes the node at `path` (following `$ref`s, properties,
    additionalProperties and items), or None where the schema branches (oneOf) or ends."""
    node: Any = schema()
    for part in [None, *path]:
        if part is not None:
            if isinstance(part, int):
                node = node.get("items")
            elif part in node.get("properties", {}):
                node = node["properties"][part]
            else:
                node = node.get("additionalProperties")
        while isinstance(node, dict) and "$ref" in node:
            node = schema()["$defs"][node["$ref"].rsplit("/", 1)[1]]
        if not isinstance(node, dict):
            return None
    return node


# What one entry of each map of named entries is called, for messages.
_ENTRY = {
    "apis": "API",
    "versions": "version",
    "definitions": "definition",
    "deployments": "deployment",
    "environments": "environment",
    "authConfigs": "auth config",
    "entraApps": "Entra app",
    "secrets": "secret",
}


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


def _node_at(root: Any, path: list[Any]) -> Any:
    node = root
    for part in path:
        node = node[part] if isinstance(node, (dict, list)) else None
    return node if isinstance(node, dict) else {}


def _belongs_above(path: list[Any], extra: str) -> str | None:
    """The spec path of the nearest mapping above `path` that has a property `extra`: a key
    indented one level too deep (`readers:` under `portal.signIn` belongs under `portal`)."""
    for depth in range(len(path) - 1, -1, -1):
        above = _schema_at(path[:depth])
        if above is not None and extra in above.get("properties", {}):
            return format_path(path[:depth]) or "the top level"
    return None


_VARIABLE_MISWRITTEN = re.compile(r"(?<!\$)\{(stack|project|location)\}|\$(stack|project|location)\b|\$\((stack|project|location)\)")


def variable_hint(value: str) -> str:
    """`$stack`, `{stack}` or `$(stack)` in a value: the spec writes variables as `${stack}`."""
    m = _VARIABLE_MISWRITTEN.search(value)
    if m is None:
        return ""
    name = next(g for g in m.groups() if g)
    return f"; a variable is written `${{{name}}}`, not `{m.group(0)}`"


def _with_apis_of(root: Any, found: list[tuple[tuple[Any, ...], Any]]) -> Any:
    """`root` with only the APIs that some error is in (APIs are alike and independent: an
    error in one never depends on another)."""
    apis = root.get("apis") if isinstance(root, dict) else None
    if not isinstance(apis, dict):
        return root
    keep: set[Any] = set()
    for path, instance in found:
        if path[:1] != ("apis",):
            continue
        if len(path) >= 2:
            keep.add(path[1])
        elif isinstance(instance, str) and instance in apis:
            keep.add(instance)  # a name the `apis` mapping refuses (its propertyNames)
        else:
            return root
    return {**root, "apis": {k: v for k, v in apis.items() if k in keep}}


def _describe(value: Any) -> str:
    for py, name in ((bool, "boolean"), (str, "string"), (int, "integer"), (float, "number"), (dict, "object"), (list, "array")):
        if isinstance(value, py):
            return _TYPE_NAMES[name]
    return "null" if value is None else type(value).__name__


def _short(value: Any) -> str:
    text = repr(value)
    if len(text) <= 60:
        return text
    if isinstance(value, str):  # cut in the middle, quotes kept: both ends of a name tell most
        return repr(value[:30] + "…" + value[-26:])
    return text[:57] + "..."


def _explain(root: Any, error: ValidationError, expansions: Expansions) -> Iterator[Problem]:
    from jsonschema.exceptions import best_match

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
            message = _unknown_key(path, extra, allowed)
            if "did you mean" not in message and isinstance(extra, str) and (above := _belongs_above(path, extra)) is not None:
                message = f"unknown property '{extra}' here: `{extra}` belongs under `{above}`, not `{format_path(path)}`; indent it one level less"
            yield Problem(mark_at(root, [*path, extra], key=True), format_path([*path, extra]), message)
        return
    if kind == "required":
        missing = error.message.split("'")[1] if "'" in error.message else "?"
        yield Problem(mark_at(root, path), where, f"'{missing}' is required: add `{missing}: ...`")
        return
    if "propertyNames" in error.absolute_schema_path:
        # the offending name is a map key: point at the key itself
        name = str(value)
        reason = (_text_rule(name, sch, expansions.get(((*path, name), True))) or f"'{name}' {sch.get('x-message') or error.message}") + variable_hint(name)
        yield Problem(mark_at(root, [*path, name], key=True), format_path([*path, name]), reason)
        return
    if kind in ("pattern", "minLength", "maxLength") and isinstance(value, str):
        rule = _text_rule(value, sch, expansions.get((tuple(path), False)))
        if rule:
            yield Problem(mark_at(root, path), where, rule + variable_hint(value))
            return
    if kind == "type":
        expected = sch.get("type")
        names = " or ".join(_TYPE_NAMES.get(str(t), str(t)) for t in (expected if isinstance(expected, list) else [expected]))
        if value is None:
            # `deployments:` with nothing under it: YAML reads it as null
            fill = "write `{}` for an empty mapping, " if expected == "object" else ""
            yield Problem(mark_at(root, path), where, f"is empty (nothing after the colon is null in YAML): expected {names}; give it a value, {fill}or remove the key")
            return
        if expected == "object" and path and isinstance(path[-1], str) and path[-1] in sch.get("properties", {}) and len(path) >= 2:
            # `access:` written at the level of the version names: the entry's property, one level too shallow
            entry = _ENTRY.get(str(path[-2]), "entry")
            siblings = [k for k in _node_at(root, path[:-1]) if k != path[-1]]
            example = f" such as `{siblings[0]}:`" if siblings else ""
            yield Problem(
                mark_at(root, path, key=True),
                where,
                f"`{path[-1]}` is a property of each {entry}, not {_article(entry)} {entry}'s name: indent it one level deeper, under {_article(entry)} {entry}{example}",
            )
            return
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
    if kind == "const" and isinstance(value, str) and value == str(sch.get("const")):
        # `specVersion: "1"`: the right value, written as text
        yield Problem(mark_at(root, path), where, f"{_short(value)} is text, not the number {sch['const']}: write it without quotes")
        return
    if kind in ("pattern", "format", "const", "not") and "x-message" in sch:
        yield Problem(mark_at(root, path), where, f"{_short(value)} {sch['x-message']}{variable_hint(value) if isinstance(value, str) else ''}")
        return
    if kind == "minLength":
        yield Problem(mark_at(root, path), where, f"{_short(value)} is too short: at least {plural(sch['minLength'], 'character')}")
        return
    if kind == "maxLength":
        yield Problem(mark_at(root, path), where, f"is {len(str(value))} characters long: at most {sch['maxLength']} allowed; shorten it")
        return
    if kind in ("minimum", "maximum"):
        lo, hi = sch.get("minimum"), sch.get("maximum")
        rng = f"{lo} to {hi}" if lo is not None and hi is not None else (f"at least {lo}" if lo is not None else f"at most {hi}")
        yield Problem(mark_at(root, path), where, f"{value} is out of range: use {rng}")
        return
    if kind == "uniqueItems" and isinstance(value, list):
        yield from _duplicates(root, path, value, expansions)
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


def _text_rule(value: str, sch: dict[str, Any], written: Any) -> str | None:
    """The length and pattern rules `value` breaks, length first, with the value as written
    when `${...}` was expanded in it; None when the schema says nothing of its own."""
    lo, hi, n = sch.get("minLength"), sch.get("maxLength"), len(value)
    too_short, too_long = lo is not None and n < lo, hi is not None and n > hi
    malformed = "pattern" in sch and re.search(sch["pattern"], value) is None
    rule = sch.get("x-message")
    if written is not None:
        subject = f"{_short(written.text)} is {_short(value)} ({plural(n, 'character')}) {written.given}"
    else:
        subject = f"{_short(value)} is {plural(n, 'character')}"
    named = re.match(r"is not a valid (.+?) name\b", rule or "")
    if too_short or too_long:
        fix = "shorten it" if too_long else "make it longer"
        if named and lo is not None and hi is not None:
            length = f"{subject}; {named.group(1)} names are {lo} to {hi} characters: {fix}"
        elif written is None:
            return None  # the plain minLength and maxLength messages say it
        else:
            length = f"{subject}: at most {hi} allowed; {fix}" if too_long else f"{subject}: at least {lo} needed; {fix}"
        if malformed and rule:
            return f"{length}; it {rule.replace('is not', 'is also not', 1)}"
        return length
    if malformed and rule:
        if written is not None:
            return f"{_short(written.text)} is {_short(value)} {written.given}, which {rule}"
        return f"{_short(value)} {rule}"
    return None


def _duplicates(root: Any, path: list[Any], items: list[Any], expansions: Expansions) -> Iterator[Problem]:
    """Each entry listed again, naming the first: `uniqueItems` only says the list has one."""
    first: dict[str, int] = {}
    for j, item in enumerate(items):
        seen = first.setdefault(json.dumps(item, sort_keys=True), j)
        if seen == j:
            continue
        written = expansions.get(((*path, j), False))
        shown = f"{_short(written.text)} ({_short(item)} {written.given})" if written else _short(item)
        where = format_path([path[-1], seen]) if path and isinstance(path[-1], str) else f"[{seen}]"
        yield Problem(
            mark_at(root, [*path, j]),
            format_path([*path, j]),
            f"{shown} is already listed as {where} ({LINE_OF.format(0)}): list each entry once",
            refs=(mark_at(root, [*path, seen]),),
        )
