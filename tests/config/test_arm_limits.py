"""The spec schema enforces exactly what ARM enforces on the typed API Center resources.

config/arm_limits.json is an extract of ARM's definition (2024-03-15-preview) of every
property the program writes through azure_native.apicenter. These tests walk it and check
that config/schema.json carries each limit, format, enum and required property at the spec
path the value comes from, in both directions: a schema stricter than ARM refuses a setup
Azure holds (and `export` writes), a looser one lets a value through to the user's first
`pulumi preview`. Each deliberate difference is in EXCEPTIONS, with its reason.
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
from apic_access.config.schema import check, is_uri, schema

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
# ARM properties the spec names differently: the program builds the id from the name
# (azure/arm.py deployment_environment_ref, deployment_definition_ref); optional as in ARM.
SPEC_PATHS |= {
    "DeploymentProperties.environmentId": "apis.*.deployments.*.environment",
    "DeploymentProperties.definitionId": "apis.*.deployments.*.definition",
}
# ARM properties the spec does not spell out, and why.
NOT_IN_SPEC = {
    "DeploymentProperties.server": "a wrapper: its only field, runtimeUri, is the deployment's `runtimeUris`",
}
# Where the spec differs from ARM on purpose: "ENTRY:ASPECT" -> why. Every other aspect of
# every entry must match ARM exactly, and every exception here must still be one (a stale
# exception fails too).
EXCEPTIONS: dict[str, str] = {
    "License.identifier:format": (
        "looser: ARM says format: uri, but an SPDX identifier (`MIT`, `Apache-2.0`) is no URI; a TypeSpec quirk "
        "(`identifier?: url`) the spec does not copy, since the portal shows the identifier as the license's name"
    ),
    "ManagedServiceIdentityType:enum": (
        "stricter: no `None`; the API center's identity reads the vault's secrets for its auth configs (Key Vault "
        "Secrets User), so the program always gives it one, and export warns when Azure has none"
    ),
    "ApiProperties.kind:enum": (
        "stricter: ARM's ApiKind is open (modelAsString), but the portal, the VS Code extension and the service's own "
        "API analysis know only these six kinds: another string registers an API they show as no kind at all; a closed "
        "list also catches typos (`graphQL`), and `mcp` gets its own message. export warns and leaves out an API of another kind"
    ),
    "ApiVersionProperties.lifecycleStage:enum": (
        "stricter: ARM's LifecycleStage is open, but the portal's lifecycle filter and badges know only these seven; "
        "a typo (`producton`) would be stored silently. export warns and leaves out a version of another stage"
    ),
    "EnvironmentProperties.kind:enum": (
        "stricter: ARM's EnvironmentKind is open, but the portal groups environments by these four kinds only; a typo "
        "would be stored silently. export warns and leaves out an environment of another kind"
    ),
    "DeploymentProperties.definitionId:format": (
        "stricter: the spec names the definition as VERSION/DEFINITION of the same API, and the program builds ARM's id "
        "from that; ARM takes any string, but one naming no definition of the API leaves the deployment pointing nowhere"
    ),
    "DeploymentServer.runtimeUri:uniqueItems": (
        "stricter: the same runtime URI twice is a copy-paste slip the portal lists twice; export writes each once, with a warning"
    ),
}

# Names to try against ARM's name pattern: the spec must refuse every one ARM refuses.
NAME_PROBES = ["v1-0", "abc", "ab", "a", "", "v1", "a" * 90, "a" * 91, "v1.0", "a_b", "a b", "ä-bc", "api/x", "x" * 3 + "\n"]
# Not absolute URIs (RFC 3986), which ARM's format: uri refuses.
NOT_URLS = ["not a url", "/relative/path", "https://exa mple.com", "https://[bad", "https://example.com/a%zz", "//example.com/x"]
# Absolute URIs of other schemes than http(s), which ARM's format: uri takes.
OTHER_URIS = ["wss://example.com/ws", "mailto:api@example.com", "ftp://example.com/x", "urn:isbn:0451450523"]
# Text that is no URI, for a place where ARM takes any string.
ANY_TEXT = "see the wiki, page 3"


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
    formats = jsonschema.FormatChecker(formats=())
    formats.checks("uri")(is_uri)  # as config/schema.py checks it
    return jsonschema.Draft202012Validator({"$defs": schema()["$defs"], "allOf": nodes}, format_checker=formats)


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


def _differences(entry: str) -> dict[str, str]:
    """ASPECT -> how the spec differs from ARM there, for one ARM entry (empty: exactly alike)."""
    arm, path = ENTRIES[entry], SPEC_PATHS[entry]
    nodes = spec_nodes(path)
    out: dict[str, str] = {}

    types = {t for n in nodes for t in ([n["type"]] if isinstance(n.get("type"), str) else n.get("type", []))}
    enum = _strictest(nodes, "enum", lambda vs: [v for v in vs[0] if all(v in o for o in vs)])
    if not types and enum:
        types = {"string"} if all(isinstance(v, str) for v in enum) else types
    if path.endswith("<name>"):
        types = {"string"}  # map keys are strings
    if types != {arm["type"]}:
        out["type"] = f"type {types}, ARM {arm['type']}"

    v = validator(nodes)
    if "pattern" in arm:  # a name: its pattern and lengths, by what each side takes
        arm_refuses = [p for p in NAME_PROBES if not re.search(arm["pattern"], p) or not arm["minLength"] <= len(p) <= arm["maxLength"]]
        arm_takes = [p for p in NAME_PROBES if p not in arm_refuses]
        looser, stricter = [p for p in arm_refuses if v.is_valid(p)], [p for p in arm_takes if not v.is_valid(p)]
        if looser or stricter or not arm_takes:
            out["pattern"] = f"accepts {looser} that ARM refuses, refuses {stricter} that ARM takes"
    else:
        for key, pick in (("maxLength", min), ("minLength", max), ("maxItems", min), ("minItems", max)):
            got = _strictest(nodes, key, pick)
            if got != arm.get(key):
                out[key] = f"{key} {got}, ARM {arm.get(key)}"
    if any(n.get("uniqueItems") for n in nodes) != bool(arm.get("uniqueItems")):
        out["uniqueItems"] = f"uniqueItems {any(n.get('uniqueItems') for n in nodes)}, ARM {bool(arm.get('uniqueItems'))}"

    open_enum = "enum" in arm and arm.get("x-ms-enum", {}).get("modelAsString") is True
    if "enum" in arm and not open_enum and sorted(enum or []) != sorted(arm["enum"]):
        out["enum"] = f"enum {enum}, ARM {arm['enum']}"
    elif open_enum and enum is not None:
        out["enum"] = f"closed enum {enum}; ARM's is open (modelAsString): {arm['enum']} and any other string"
    elif open_enum and not all(v.is_valid(x) for x in [*arm["enum"], "Another Value"]):
        out["enum"] = "refuses a value of ARM's open enum"

    def uri_difference(arm_node: dict[str, Any], val: jsonschema.protocols.Validator) -> str | None:
        if arm_node.get("format") == "uri":
            takes_non_uris = [u for u in NOT_URLS if val.is_valid(u)]
            refuses_uris = [u for u in OTHER_URIS if not val.is_valid(u)]
            if takes_non_uris or refuses_uris:
                return f"accepts non-URIs {takes_non_uris}, refuses URIs {refuses_uris}"
        elif arm_node.get("type") == "string" and "enum" not in arm_node and "pattern" not in arm_node and not val.is_valid(ANY_TEXT):
            return f"refuses {ANY_TEXT!r}; ARM takes any string here"
        return None

    if not path.endswith("<name>"):
        found = uri_difference(arm, v)
        if found:
            out["format"] = found
    if arm.get("type") == "array" and "items" in arm:
        item, item_nodes = _arm(arm["items"]), spec_nodes(path + "[]")
        for key, pick in (("maxLength", min), ("minLength", max)):
            got = _strictest(item_nodes, key, pick)
            if got != item.get(key):
                out[f"items.{key}"] = f"items' {key} {got}, ARM {item.get(key)}"
        found = uri_difference(item, validator(item_nodes))
        if found:
            out["format"] = f"items: {found}"
    return out


@pytest.mark.parametrize("entry", CHECKED)
def test_spec_matches_arm(entry: str) -> None:
    """Type, lengths, items, enum and format as ARM says, both ways, but for EXCEPTIONS."""
    found = _differences(entry)
    unexplained = {aspect: why for aspect, why in found.items() if f"{entry}:{aspect}" not in EXCEPTIONS}
    assert unexplained == {}, f"{SPEC_PATHS[entry]} (ARM {entry}) differs from ARM without a reason in EXCEPTIONS"
    stale = [key for key in EXCEPTIONS if key.split(":")[0] == entry and key.split(":")[1] not in found]
    assert stale == [], f"{SPEC_PATHS[entry]} (ARM {entry}) now matches ARM: remove the exception"


def test_every_exception_is_of_an_arm_entry_and_says_why() -> None:
    assert {key.split(":")[0] for key in EXCEPTIONS} <= set(CHECKED)
    assert all(why.startswith(("stricter: ", "looser: ")) and len(why) > 60 for why in EXCEPTIONS.values())


def _models() -> list[str]:
    """Models of the extract whose properties the spec holds in one object."""
    return [m for m, d in EXTRACT["definitions"].items() if d.get("type") == "object" and any(f"{m}.{p}" in SPEC_PATHS for p in d.get("properties", {}))]


@pytest.mark.parametrize("model", _models())
def test_spec_requires_exactly_what_arm_requires(model: str) -> None:
    props = EXTRACT["definitions"][model]["properties"]
    paths = {p: SPEC_PATHS[f"{model}.{p}"] for p in props if f"{model}.{p}" in SPEC_PATHS}
    parents = {path.rsplit(".", 1)[0] for path in paths.values()}
    assert len(parents) == 1, f"{model}: its properties are in several places of the spec: {parents}"
    parent = parents.pop()
    required = {r for n in spec_nodes(parent) for r in n.get("required", ())}
    keys = {p: path.rsplit(".", 1)[1] for p, path in paths.items()}
    arm_required = set(EXTRACT["definitions"][model].get("required", ()))
    assert {keys[p] for p in arm_required} == required & set(keys.values()), f"{parent}: the spec requires {sorted(required)}, ARM's {model} {sorted(arm_required)}"


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


@pytest.mark.parametrize("uri", NOT_URLS + OTHER_URIS)
def test_both_engines_read_uris_alike(uri: str) -> None:
    """`check` runs the native engine first and the Python one only on what it finds: a URI
    either refuses alone would pass unseen or be reported without its message."""
    tree = _with(FULL, _instance_path(FULL, "apis.*.deployments.*.runtimeUris[]"), uri)
    problems = [(p.path, p.message) for p in check(tree)]
    if is_uri(uri):
        assert problems == []
    else:
        assert problems == [("apis.pet.deployments.main.runtimeUris[0]", f"{uri!r} {schema()['$defs']['url']['x-message']}")]
