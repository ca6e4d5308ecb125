"""Editors read config/schema.json beside the example specs (`# yaml-language-server: $schema=schema.json`)
and check each file as written, before `extends` merges it: complete specs and overlays alike
must pass, and real mistakes in either must still show. The validator reads the packaged schema
(the complete spec's), unchanged."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from apic_access.config.editor_schema import as_written, editor_schema, portable, published_text
from apic_access.config.schema import schema

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "config").glob("*.yaml"))
# yaml-language-server's engine is draft-07; the schema says 2020-12: an editor may use either
ENGINES = [jsonschema.Draft202012Validator, jsonschema.Draft7Validator]


def errors(doc: Any, engine: type[Any] = jsonschema.Draft202012Validator, sch: dict[str, Any] | None = None) -> list[tuple[str, str]]:
    validator = engine(sch or json.loads((ROOT / "config" / "schema.json").read_text(encoding="utf-8")))
    return sorted((".".join(map(str, e.absolute_path)), e.message) for e in validator.iter_errors(doc))


def test_the_published_schema_is_generated_from_the_packaged_one() -> None:
    published = (ROOT / "config" / "schema.json").read_text(encoding="utf-8")
    assert published == published_text(), "regenerate it: apic-access schema > config/schema.json"
    # the complete spec's schema is the packaged one, in words Draft-07 reads too, for text before `${...}` expands
    packaged = as_written(portable(schema()))
    assert editor_schema()["$defs"]["spec"] == {k: v for k, v in packaged.items() if k not in ("$schema", "$id", "$defs")}
    assert {k: editor_schema()["$defs"][k] for k in packaged["$defs"]} == packaged["$defs"]


def test_the_schema_command_prints_the_published_schema() -> None:
    result = subprocess.run([sys.executable, "-m", "apic_access.cli", "schema"], capture_output=True, text=True, cwd=ROOT, check=False, timeout=60)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == (ROOT / "config" / "schema.json").read_text(encoding="utf-8")


@pytest.mark.parametrize("engine", ENGINES, ids=lambda e: e.__name__)
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_every_example_spec_passes_as_an_editor_reads_it(example: Path, engine: type[Any]) -> None:
    text = example.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=schema.json\n")
    assert errors(yaml.safe_load(text), engine) == []


def test_the_examples_include_overlays() -> None:
    overlays = [p.name for p in EXAMPLES if "extends" in yaml.safe_load(p.read_text(encoding="utf-8"))]
    assert overlays == ["prod.yaml", "sharded.yaml"]
    # which the complete spec's schema refuses: what editors flagged before
    prod = yaml.safe_load((ROOT / "config" / "prod.yaml").read_text(encoding="utf-8"))
    assert ("apiCenter", "'name' is a required property") in errors(prod, sch=schema())


OVERLAY = {"specVersion": 1, "extends": "base.yaml"}


@pytest.mark.parametrize("engine", ENGINES, ids=lambda e: e.__name__)
@pytest.mark.parametrize(
    ("overlay", "expected"),
    [
        # the base gives the rest of a map entry it has: nothing to report
        ({"apis": {"petstore": {"versions": {"v1-0": {"lifecycleStage": "production"}}}}}, []),
        ({"environments": {"main": {"kind": "staging"}}}, []),
        ({"extends": "base.yaml"}, []),
        # wrong values are wrong in an overlay too
        ({"environments": {"main": {"kind": "productoin"}}}, [("environments.main.kind", "'productoin' is not one of ['development', 'testing', 'staging', 'production']")]),
        ({"apiCenter": {"locaton": "westeurope"}}, [("apiCenter", "Additional properties are not allowed ('locaton' was unexpected)")]),
        ({"keyVault": {"softDeleteRetentionDays": "ninety"}}, [("keyVault.softDeleteRetentionDays", "'ninety' is not of type 'integer'")]),
        # a list replaces the base's: each entry is whole, as in a complete spec
        (
            {"apis": {"petstore": {"versions": {"v1-0": {"access": [{"groups": ["Testers"]}]}}}}},
            [("apis.petstore.versions.v1-0.access.0", "'authConfig' is a required property")],
        ),
        ({"entraApps": {"petstore-oauth": {"scopes": [{"description": "Read pets"}]}}}, [("entraApps.petstore-oauth.scopes.0", "'value' is a required property")]),
    ],
    ids=["version", "environment", "nothing", "enum", "unknown-key", "type", "access-entry", "scope-entry"],
)
def test_an_overlay_is_checked_for_what_it_says(overlay: dict[str, Any], expected: list[tuple[str, str]], engine: type[Any]) -> None:
    assert errors({**OVERLAY, **overlay}, engine) == expected


def spec(**changes: Any) -> dict[str, Any]:
    """config/dev.yaml, a complete spec, with `changes` (dotted path: value) made."""
    doc = yaml.safe_load((ROOT / "config" / "dev.yaml").read_text(encoding="utf-8"))
    for path, value in changes.items():
        *parents, last = path.split(".")
        node = doc
        for part in parents:
            node = node[int(part) if isinstance(node, list) else part]
        node[last] = value
    return doc


LICENSE = "apis.petstore.license"


@pytest.mark.parametrize("engine", ENGINES, ids=lambda e: e.__name__)
@pytest.mark.parametrize(
    ("doc", "where"),
    [
        ({"specVersion": 1, "apiCenter": {"location": "westeurope"}}, "apiCenter"),
        ({"specVersion": 1, "apiCenter": {"name": "x", "resourceGroup": "rg", "location": "eastus"}, "apis": {"petstore": {"title": "Petstore"}}}, "apis.petstore"),
        ({"apiCenter": {"name": "x", "resourceGroup": "rg", "location": "eastus", "locaton": "y"}}, ""),
        # what Draft-07 ignores beside a $ref: maxLength, maxItems
        (spec(**{f"{LICENSE}.url": "https://opensource.org/" + "x" * 200}), f"{LICENSE}.url"),
        (spec(**{"environments.dev-env.server.managementPortalUris": [f"https://portal{i}.contoso.com" for i in range(30)]}), "environments.dev-env.server.managementPortalUris"),
        (spec(**{"environments.dev-env.onboarding.developerPortalUris": ["https://a.contoso.com", "https://b.contoso.com"]}), "environments.dev-env.onboarding.developerPortalUris"),
        # dependentSchemas, which Draft-07 does not have
        (spec(**{f"{LICENSE}.identifier": "MIT"}), f"{LICENSE}.identifier"),
    ],
    ids=["missing-names", "missing-kind", "unknown-key-and-version", "long-url", "portal-uris", "developer-portal-uris", "url-and-identifier"],
)
def test_a_complete_spec_gets_every_error_of_the_complete_schema(doc: dict[str, Any], where: str, engine: type[Any]) -> None:
    found = errors(doc, engine)
    assert where in [path for path, _ in found]
    assert found == errors(doc, sch=schema())


def test_the_published_schema_reads_alike_in_both_drafts() -> None:
    published = json.loads((ROOT / "config" / "schema.json").read_text(encoding="utf-8"))
    assert published["$schema"] == "http://json-schema.org/draft-07/schema#"  # yaml-language-server reads Draft-07 only
    for engine in ENGINES:
        engine.check_schema(published)
    draft_2020_only = {"dependentSchemas", "dependentRequired", "prefixItems", "unevaluatedProperties", "unevaluatedItems", "$dynamicRef", "$anchor", "minContains", "maxContains"}

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            assert not draft_2020_only & node.keys()
            assert "$ref" not in node or len(node) == 1, f"Draft-07 ignores {sorted(node)} beside $ref"
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(published)


# the validator checks strings with `${...}` expanded: kv-cto-${stack}-${location} is kv-cto-dev-eastus
WITH_VARIABLES = {
    "keyVault.name": "kv-cto-${stack}-${location}",  # 27 characters as written: a vault name has at most 24
    "apiCenter.location": "${location}",  # not a region name as written
    "apis.petstore.title": "Petstore for the ${project} project in the ${stack} stack",  # 57 characters as written: at most 50
    "apis.petstore.license.url": "https://contoso.com/${project}/" + "l" * 175,  # 206 characters as written: at most 200
    "keyVault.secrets.petstore-api-key.fromConfig": "${stack}-petstore-key",
}


@pytest.mark.parametrize("engine", ENGINES, ids=lambda e: e.__name__)
def test_a_value_with_variables_is_checked_as_the_validator_would_after_expanding_them(engine: type[Any]) -> None:
    assert errors(spec(**WITH_VARIABLES), engine) == []
    # which the packaged schema, reading them unexpanded, would refuse
    assert {path for path, _ in errors(spec(**WITH_VARIABLES), sch=schema())} == set(WITH_VARIABLES)


@pytest.mark.parametrize("engine", ENGINES, ids=lambda e: e.__name__)
def test_a_key_with_variables_is_checked_as_the_validator_would_after_expanding_them(engine: type[Any]) -> None:
    doc = spec()
    doc["apis"]["orders-${stack}"] = doc["apis"].pop("petstore")
    doc["keyVault"]["secrets"]["${project}-${stack}-" + "k" * 110] = {"existing": True}  # 130 characters as written: at most 127
    doc["entraApps"]["${project}-app"] = doc["entraApps"].pop("petstore-oauth")
    assert errors(doc, engine) == []


@pytest.mark.parametrize("engine", ENGINES, ids=lambda e: e.__name__)
@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        # without a variable, the rules are the packaged schema's
        ({"keyVault.name": "kv-cto-development-eastus2"}, ("keyVault.name", "'kv-cto-development-eastus2' is too long")),
        ({"apis.petstore.title": "P" * 51}, ("apis.petstore.title", f"'{'P' * 51}' is too long")),
        ({"apiCenter.location": "East US"}, ("apiCenter.location", "'East US' does not match '^[a-z][a-z0-9]+$'")),
        # a variable does not excuse what no expansion could mend
        ({"keyVault.name": "kv_cto_${stack}"}, ("keyVault.name", "'kv_cto_${stack}' does not match " + repr(schema()["$defs"]["keyVault"]["properties"]["name"]["pattern"]))),
        ({"apis.petstore.title": ""}, ("apis.petstore.title", "'' should be non-empty")),
        # an unknown variable is no variable: validate refuses it, its length counts
        ({"keyVault.name": "kv-cto-${stak}-westeurope"}, ("keyVault.name", "'kv-cto-${stak}-westeurope' is too long")),
    ],
    ids=["long", "long-title", "not-a-region", "underscores", "empty-title", "unknown-variable"],
)
def test_a_value_is_held_to_what_no_expansion_could_mend(changes: dict[str, str], expected: tuple[str, str], engine: type[Any]) -> None:
    assert expected in errors(spec(**changes), engine)


@pytest.mark.parametrize("engine", ENGINES, ids=lambda e: e.__name__)
def test_a_long_key_without_variables_is_still_flagged(engine: type[Any]) -> None:
    doc = spec()
    doc["apis"]["o" * 91] = doc["apis"].pop("petstore")
    assert ("apis", f"'{'o' * 91}' is too long") in errors(doc, engine)


@pytest.mark.parametrize("engine", ENGINES, ids=lambda e: e.__name__)
def test_an_overlay_may_use_variables_too(engine: type[Any]) -> None:
    overlay = {**OVERLAY, "keyVault": {"name": "kv-cto-${stack}-${location}"}, "apis": {"orders-${stack}": {"title": "Orders (${stack})"}}}
    assert errors(overlay, engine) == []
    assert errors({**overlay, "keyVault": {"name": "kv-cto-development-eastus2"}}, engine) == [("keyVault.name", "'kv-cto-development-eastus2' is too long")]


@pytest.mark.parametrize("engine", ENGINES, ids=lambda e: e.__name__)
def test_an_editor_checking_formats_reads_uris_as_the_validator_does(engine: type[Any]) -> None:
    """An editor that checks `format: uri` refuses what validate refuses, takes any scheme, and
    leaves a value with a variable to validate (a URI only once expanded)."""
    published = json.loads((ROOT / "config" / "schema.json").read_text(encoding="utf-8"))

    def uri_errors(url: str) -> list[tuple[str, str]]:
        validator = engine(published, format_checker=engine.FORMAT_CHECKER)
        doc = spec(**{f"{LICENSE}.url": url})
        return [(".".join(map(str, e.absolute_path)), e.message) for e in validator.iter_errors(doc)]

    assert uri_errors("https://[bad") == [(f"{LICENSE}.url", "'https://[bad' is not a 'uri'")]
    assert uri_errors("ftp://files.contoso.com/LICENSE") == []
    assert uri_errors("https://${stack}.contoso.com/LICENSE") == []
