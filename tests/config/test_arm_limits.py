"""The spec schema enforces at least what ARM enforces on the typed API Center resources.

config/arm_limits.json is an extract of ARM's definition (2024-03-15-preview) of every
property the program writes through azure_native.apicenter. These tests walk it and check
that config/schema.json carries each limit at the spec path the value comes from, so a
schema edit that loosens a limit (or re-admits a value the api-version lacks) fails here
rather than at a user's first `pulumi preview`.
"""

from __future__ import annotations

import copy
import inspect
import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pulumi_azure_native.apicenter as apicenter
import pytest

from apic_access.config.errors import format_path
from apic_access.config.schema import check, schema

ROOT = Path(__file__).resolve().parents[2]
EXTRACT: dict[str, Any] = json.loads((ROOT / "apic_access" / "config" / "arm_limits.json").read_text(encoding="utf-8"))

# Where each ARM property's value comes from in the spec. Spec paths: `.key` a property,
# `.*` any entry of a map, `.<name>` the map's keys themselves, `[]` any item of a list.
SPEC_PATHS: dict[str, str] = {
    "parameters.serviceName": "apiCenter.name",
    "parameters.apiName": "apis.<name>",
    "parameters.versionName": "apis.*.versions.<name>",
    "parameters.definitionName": "apis.*.versions.*.definitions.<name>",
    "parameters.environmentName": "environments.<name>",
    "parameters.deploymentName": "apis.*.deployments.<name>",
    "ManagedServiceIdentityType": "apiCenter.identity.type",
    "ApiProperties.title": "apis.*.title",
    "ApiProperties.kind": "apis.*.kind",
    "ApiProperties.description": "apis.*.description",
    "ApiProperties.summary": "apis.*.summary",
    "ApiProperties.termsOfService": "apis.*.termsOfService",
    "ApiProperties.externalDocumentation": "apis.*.externalDocs",
    "ApiProperties.contacts": "apis.*.contacts",
    "ApiProperties.license": "apis.*.license",
    "ApiProperties.customProperties": "apis.*.customProperties",
    "TermsOfService.url": "apis.*.termsOfService.url",
    "ExternalDocumentation.title": "apis.*.externalDocs[].title",
    "ExternalDocumentation.description": "apis.*.externalDocs[].description",
    "ExternalDocumentation.url": "apis.*.externalDocs[].url",
    "Contact.name": "apis.*.contacts[].name",
    "Contact.url": "apis.*.contacts[].url",
    "Contact.email": "apis.*.contacts[].email",
    "License.name": "apis.*.license.name",
    "License.url": "apis.*.license.url",
    "License.identifier": "apis.*.license.identifier",
    "ApiVersionProperties.title": "apis.*.versions.*.title",
    "ApiVersionProperties.lifecycleStage": "apis.*.versions.*.lifecycleStage",
    "ApiDefinitionProperties.title": "apis.*.versions.*.definitions.*.title",
    "ApiDefinitionProperties.description": "apis.*.versions.*.definitions.*.description",
    "EnvironmentProperties.title": "environments.*.title",
    "EnvironmentProperties.description": "environments.*.description",
    "EnvironmentProperties.kind": "environments.*.kind",
    "EnvironmentProperties.server": "environments.*.server",
    "EnvironmentProperties.onboarding": "environments.*.onboarding",
    "EnvironmentProperties.customProperties": "environments.*.customProperties",
    "EnvironmentServer.type": "environments.*.server.type",
    "EnvironmentServer.managementPortalUri": "environments.*.server.managementPortalUris",
    "Onboarding.instructions": "environments.*.onboarding.instructions",
    "Onboarding.developerPortalUri": "environments.*.onboarding.developerPortalUris",
    "DeploymentProperties.title": "apis.*.deployments.*.title",
    "DeploymentProperties.description": "apis.*.deployments.*.description",
    "DeploymentProperties.state": "apis.*.deployments.*.state",
    "DeploymentProperties.customProperties": "apis.*.deployments.*.customProperties",
    "DeploymentServer.runtimeUri": "apis.*.deployments.*.runtimeUris",
}
# ARM properties the spec does not spell out, and why.
NOT_IN_SPEC = {
    "DeploymentProperties.environmentId": "built by the program from `environment` (components/arm.py)",
    "DeploymentProperties.definitionId": "built by the program from `definition` (components/arm.py)",
    "DeploymentProperties.server": "a wrapper: its only field, runtimeUri, is the deployment's `runtimeUris`",
}
# ARM says format: uri, but an SPDX identifier (`MIT`, `Apache-2.0`) is no URI: a TypeSpec
# quirk (`identifier?: url`) the spec does not copy.
FORMAT_EXCEPTIONS = {"License.identifier"}

# Names to try against ARM's name pattern: the spec must refuse every one ARM refuses.
NAME_PROBES = ["v1-0", "abc", "ab", "a", "", "a" * 90, "a" * 91, "v1.0", "a_b", "a b", "ä-bc", "api/x", "x" * 3 + "\n"]
NOT_URLS = ["not a url", "/relative/path", "ftp://example.com/x", "https://exa mple.com"]


# -- the extract ---------------------------------------------------------------------------


def _arm(node: dict[str, Any]) -> dict[str, Any]:
    """An extract property with its $ref (to a definition of the extract) resolved."""
    while "$ref" in node:
        ref = node["$ref"]
        assert ref.startswith("#/definitions/"), ref
        node = {**EXTRACT["definitions"][ref.removeprefix("#/definitions/")], **{k: v for k, v in node.items() if k != "$ref"}}
    return node


def _referenced() -> set[str]:
    text = json.dumps(EXTRACT["definitions"])
    return set(re.findall(r'"#/definitions/([A-Za-z]+)"', text))


def arm_entries() -> dict[str, dict[str, Any]]:
    """Every constrained thing of the extract: path parameters, model properties, and
    definitions no property refers to (used directly by the program)."""
    out = {f"parameters.{name}": p for name, p in EXTRACT["parameters"].items()}
    referenced = _referenced()
    for name, d in EXTRACT["definitions"].items():
        if d.get("type") == "object" and "properties" in d:
            out.update({f"{name}.{prop}": _arm(p) for prop, p in d["properties"].items()})
        elif name not in referenced:
            out[name] = d
    return out


ENTRIES = arm_entries()
CHECKED = sorted(k for k in ENTRIES if k not in NOT_IN_SPEC)


# -- the spec schema -----------------------------------------------------------------------


def _applied(node: Any) -> list[dict[str, Any]]:
    """The node and every subschema that applies at the same place ($ref, allOf)."""
    if not isinstance(node, dict):
        return []
    out = [node]
    if "$ref" in node:
        ref = node["$ref"]
        assert ref.startswith("#/$defs/"), ref
        out += _applied(schema()["$defs"][ref.removeprefix("#/$defs/")])
    for sub in node.get("allOf", ()):
        out += _applied(sub)
    return out


def _tokens(spec_path: str) -> list[str]:
    out: list[str] = []
    for part in spec_path.split("."):
        if part.endswith("[]"):
            out += [part[:-2], "[]"]
        else:
            out.append(part)
    return out


def spec_nodes(spec_path: str) -> list[dict[str, Any]]:
    """The schema nodes that validate the value at `spec_path`."""
    nodes = _applied(schema())
    for tok in _tokens(spec_path):
        key = {"*": "additionalProperties", "<name>": "propertyNames", "[]": "items"}.get(tok)
        nxt: list[dict[str, Any]] = []
        for n in nodes:
            nxt += _applied(n.get(key) if key else n.get("properties", {}).get(tok))
        assert nxt, f"the spec schema has nothing at {spec_path!r} (stopped at {tok!r})"
        nodes = nxt
    return nodes


def validator(nodes: list[dict[str, Any]]) -> jsonschema.protocols.Validator:
    """A validator for a value at that place alone (the root's $defs resolve as in the schema)."""
    return jsonschema.Draft202012Validator({"$defs": schema()["$defs"], "allOf": nodes})


def _strictest(nodes: list[dict[str, Any]], key: str, pick: Any) -> Any:
    values = [n[key] for n in nodes if key in n]
    return pick(values) if values else None


# -- the tests -----------------------------------------------------------------------------


def test_the_extract_is_of_the_api_version_the_sdk_writes() -> None:
    """If pulumi-azure-native moves the typed resources to another api-version, re-extract."""
    version = EXTRACT["source"]["apiVersion"]
    assert f"/{version}/" in EXTRACT["source"]["path"]
    for cls in (apicenter.Service, apicenter.Api, apicenter.ApiVersion, apicenter.ApiDefinition, apicenter.Environment, apicenter.Deployment):
        used = set(re.findall(r"Uses Azure REST API version (\S+?)\.", inspect.getsource(cls)))
        assert used == {version}, f"{cls.__name__} writes with {used}, the extract is of {version}"


def test_every_arm_property_has_a_place_in_the_spec() -> None:
    assert set(ENTRIES) == set(SPEC_PATHS) | set(NOT_IN_SPEC)


@pytest.mark.parametrize("entry", CHECKED)
def test_spec_carries_arm_limits(entry: str) -> None:
    arm, path = ENTRIES[entry], SPEC_PATHS[entry]
    nodes = spec_nodes(path)
    where = f"{path} (ARM {entry})"

    types = {t for n in nodes for t in ([n["type"]] if isinstance(n.get("type"), str) else n.get("type", []))}
    enum = _strictest(nodes, "enum", lambda vs: [v for v in vs[0] if all(v in o for o in vs)])
    if not types and enum:
        types = {"string"} if all(isinstance(v, str) for v in enum) else types
    if path.endswith("<name>"):
        types = {"string"}  # map keys are strings
    assert types == {arm["type"]}, f"{where}: type {types}, ARM {arm['type']}"

    if "maxLength" in arm:
        got = _strictest(nodes, "maxLength", min)
        assert got is not None and got <= arm["maxLength"], f"{where}: maxLength {got}, ARM allows at most {arm['maxLength']}"
    if "minLength" in arm:
        got = _strictest(nodes, "minLength", max)
        assert got is not None and got >= arm["minLength"], f"{where}: minLength {got}, ARM wants at least {arm['minLength']}"
    if "maxItems" in arm:
        got = _strictest(nodes, "maxItems", min)
        assert got is not None and got <= arm["maxItems"], f"{where}: maxItems {got}, ARM allows at most {arm['maxItems']}"
    if "enum" in arm:
        assert enum is not None, f"{where}: no enum, ARM allows only {arm['enum']}"
        extra = [v for v in enum if v not in arm["enum"]]
        assert not extra, f"{where}: {extra} not defined by ARM {EXTRACT['source']['apiVersion']}"
    if arm.get("type") == "array" and "items" in arm:
        item = _arm(arm["items"])
        item_nodes = spec_nodes(path + "[]")
        if "maxLength" in item:
            got = _strictest(item_nodes, "maxLength", min)
            assert got is not None and got <= item["maxLength"], f"{where}: items' maxLength {got}, ARM allows {item['maxLength']}"
        if item.get("format") == "uri":
            refused = [u for u in NOT_URLS if validator(item_nodes).is_valid(u)]
            assert not refused, f"{where}: items accept non-URLs {refused}"

    v = validator(nodes)
    if "pattern" in arm:
        arm_refuses = [p for p in NAME_PROBES if not re.search(arm["pattern"], p) or not arm["minLength"] <= len(p) <= arm["maxLength"]]
        arm_takes = [p for p in NAME_PROBES if p not in arm_refuses]
        assert [p for p in arm_refuses if v.is_valid(p)] == [], f"{where}: accepts names ARM refuses"
        assert arm_takes and all(v.is_valid(p) for p in arm_takes), f"{where}: refuses names ARM takes"
    if arm.get("format") == "uri" and entry not in FORMAT_EXCEPTIONS:
        assert [u for u in NOT_URLS if v.is_valid(u)] == [], f"{where}: accepts non-URLs"


def _model_paths() -> list[tuple[str, str]]:
    """(model, required property) for every property ARM requires."""
    return [(m, r) for m, d in EXTRACT["definitions"].items() for r in d.get("required", ())]


@pytest.mark.parametrize(("model", "prop"), _model_paths(), ids=[f"{m}.{p}" for m, p in _model_paths()])
def test_spec_requires_what_arm_requires(model: str, prop: str) -> None:
    path = SPEC_PATHS[f"{model}.{prop}"]
    parent, key = path.rsplit(".", 1)
    required = {r for n in spec_nodes(parent) for r in n.get("required", ())}
    assert key in required, f"{parent}: ARM's {model} requires {prop}, the spec does not require `{key}`"


@pytest.mark.parametrize("model", [m for m, d in EXTRACT["definitions"].items() if "x-mutuallyExclusive" in d])
def test_mutually_exclusive_fields(model: str) -> None:
    defs = EXTRACT["definitions"]
    holders = [f"{m}.{p}" for m, d in defs.items() for p, prop in d.get("properties", {}).items() if prop.get("$ref") == f"#/definitions/{model}"]
    samples = {"url": "https://spdx.org/licenses/MIT.html", "identifier": "MIT"}
    assert holders
    for holder in holders:
        v = validator(spec_nodes(SPEC_PATHS[holder]))
        for group in defs[model]["x-mutuallyExclusive"]:
            assert not v.is_valid({f: samples[f] for f in group}), f"{SPEC_PATHS[holder]}: {group} together are accepted"
            for f in group:
                assert v.is_valid({f: samples[f]}), f"{SPEC_PATHS[holder]}: `{f}` alone is refused"


# -- the same limits, through the validator a user runs ------------------------------------

FULL: dict[str, Any] = {
    "specVersion": 1,
    "apiCenter": {"name": "apis-x", "resourceGroup": "rg-apis", "location": "eastus", "identity": {"type": "SystemAssigned"}},
    "environments": {
        "prod": {
            "title": "Prod",
            "kind": "production",
            "description": "d",
            "server": {"type": "Kubernetes", "managementPortalUris": ["https://m.example.com"]},
            "onboarding": {"instructions": "i", "developerPortalUris": ["https://d.example.com"]},
            "customProperties": {},
        }
    },
    "apis": {
        "pet": {
            "title": "Pet",
            "kind": "rest",
            "description": "d",
            "summary": "s",
            "termsOfService": {"url": "https://t.example.com"},
            "externalDocs": [{"title": "t", "description": "d", "url": "https://e.example.com"}],
            "contacts": [{"name": "n", "email": "a@b.example.com", "url": "https://c.example.com"}],
            "license": {"name": "MIT", "url": "https://l.example.com"},
            "customProperties": {},
            "versions": {"v1-0": {"title": "v1", "lifecycleStage": "production", "definitions": {"openapi": {"title": "OpenAPI", "description": "d"}}}},
            "deployments": {
                "main": {
                    "title": "Main",
                    "description": "d",
                    "environment": "prod",
                    "definition": "v1-0/openapi",
                    "state": "active",
                    "runtimeUris": ["https://r.example.com"],
                    "customProperties": {},
                }
            },
        }
    },
}


def _instance_path(tree: Any, spec_path: str) -> list[Any]:
    """The concrete path of `spec_path` in `tree` (its first entry for `*`, item 0 for `[]`)."""
    out: list[Any] = []
    node = tree
    for tok in _tokens(spec_path):
        part: Any = next(iter(node)) if tok == "*" else (0 if tok == "[]" else tok)
        out.append(part)
        node = node.get(part) if isinstance(node, dict) else node[part]
    return out


def _text(length: int, like: str) -> str:
    """A value of `length` characters shaped like `like` (a URL, an email or plain text)."""
    if like.startswith("https://"):
        return "https://" + "a" * (length - 8)
    if "@" in like:
        return "a@" + "b" * (length - 2)
    return "x" * length


def _with(tree: dict[str, Any], path: list[Any], value: Any) -> dict[str, Any]:
    tree = copy.deepcopy(tree)
    node: Any = tree
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    if path[-2:] == ["license", "identifier"]:
        del node["url"]  # the two are exclusive
    return tree


def _value_at(tree: Any, path: list[Any]) -> Any:
    for part in path:
        tree = tree.get(part) if isinstance(tree, dict) else tree[part]
    return tree


def _length_cases() -> list[tuple[str, str, int]]:
    """(entry, concrete spec path, ARM maxLength) for every string limit, lists' items included."""
    out = []
    for entry in CHECKED:
        arm, path = ENTRIES[entry], SPEC_PATHS[entry]
        if "<name>" in path:
            continue  # names: covered by the pattern probes above
        if "maxLength" in arm:
            out.append((entry, path, arm["maxLength"]))
        if arm.get("type") == "array" and "maxLength" in _arm(arm.get("items", {})):
            out.append((entry, path + "[]", _arm(arm["items"])["maxLength"]))
    return out


def test_full_fixture_is_valid_and_has_every_property() -> None:
    assert check(FULL) == []
    exclusive = {"apis.*.license.identifier"}  # FULL's license has the `url` instead
    missing = [p for p in SPEC_PATHS.values() if "<name>" not in p and p not in exclusive and _value_at(FULL, _instance_path(FULL, p)) is None]
    assert missing == []


@pytest.mark.parametrize(("entry", "path", "limit"), _length_cases(), ids=[c[0] + ("[]" if c[1].endswith("[]") else "") for c in _length_cases()])
def test_too_long_fails_validate_at_its_path(entry: str, path: str, limit: int) -> None:
    where = _instance_path(FULL, path)
    like = str(_value_at(FULL, where) or "")
    assert check(_with(FULL, where, _text(limit, like))) == [], f"{path}: {limit} characters must be accepted"
    problems = check(_with(FULL, where, _text(limit + 1, like)))
    long = _text(limit + 1, like)
    if path == "apiCenter.name":  # a name says its kind's whole rule
        message = f"'{long[:30]}…{long[-26:]}' is {limit + 1} characters; API Center names are 3 to {limit} characters: shorten it"
    else:
        message = f"is {limit + 1} characters long: at most {limit} allowed; shorten it"
    assert [(p.path, p.message) for p in problems] == [(format_path(where), message)]


@pytest.mark.parametrize("entry", [e for e in CHECKED if "maxItems" in ENTRIES[e]])
def test_too_many_items_fails_validate_at_its_path(entry: str) -> None:
    limit = ENTRIES[entry]["maxItems"]
    where = _instance_path(FULL, SPEC_PATHS[entry])
    item = _value_at(FULL, where)[0]
    items = [copy.deepcopy(item) | {"url": f"https://e{i}.example.com"} if isinstance(item, dict) else f"https://u{i}.example.com" for i in range(limit + 1)]
    assert check(_with(FULL, where, items[:limit])) == []
    problems = check(_with(FULL, where, items))
    assert [(p.path, p.message) for p in problems] == [(format_path(where), f"has {limit + 1} items: at most {limit} allowed; remove 1")]
