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

from apic_access.config.editor_schema import editor_schema, published_text
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
    jsonschema.Draft202012Validator.check_schema(json.loads(published))
    # the complete spec's schema is the packaged one, as the validator reads it
    assert editor_schema()["$defs"]["spec"] == {k: v for k, v in schema().items() if k not in ("$schema", "$id", "$defs")}


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


@pytest.mark.parametrize(
    "doc",
    [
        {"specVersion": 1, "apiCenter": {"location": "westeurope"}},
        {"specVersion": 1, "apiCenter": {"name": "x", "resourceGroup": "rg", "location": "eastus"}, "apis": {"petstore": {"title": "Petstore"}}},
        {"apiCenter": {"name": "x", "resourceGroup": "rg", "location": "eastus", "locaton": "y"}},
    ],
    ids=["missing-names", "missing-kind", "unknown-key-and-version"],
)
def test_a_complete_spec_gets_every_error_of_the_complete_schema(doc: dict[str, Any]) -> None:
    found = errors(doc)
    assert found and found == errors(doc, sch=schema())
