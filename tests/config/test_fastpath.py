"""The fast path (yaml-rs + jsonschema-rs) builds exactly what the position-keeping path
builds, and leaves every doubtful spec to it."""

from __future__ import annotations

from pathlib import Path

import pytest

from config.errors import SpecError
from config.fastpath import fast_load
from config.spec import load_spec, load_spec_located

ROOT = Path(__file__).resolve().parents[2]
MIN = "specVersion: 1\napiCenter:\n  name: apis-${stack}\n  resourceGroup: rg-apis\n  location: eastus\n"


@pytest.mark.parametrize(("spec", "stack"), [("dev.yaml", "dev"), ("prod.yaml", "prod"), ("base.yaml", "test")])
def test_examples_take_the_fast_path_and_agree(spec: str, stack: str) -> None:
    path = ROOT / "config" / spec
    fast = fast_load(path, stack=stack, project="apic-access")
    assert fast is not None
    assert fast == load_spec_located(path, stack=stack).spec


@pytest.mark.parametrize(
    "fragment",
    [
        "portal:\n  anonymousAccess: yes\n  signIn: {clientId: 2c1d0e4f-1111-2222-3333-444455556666}\n",  # a YAML 1.1 boolean
        "keyVault:\n  name: kv-apis\n  softDeleteRetentionDays: 010\n",  # octal in YAML 1.1
        "apiCenter:\n  tags: {a: !!str 1}\n",  # a tag
        "environments:\n  prod: {title: Prod, kind: production, description: ${stak}}\n",  # an unknown variable
    ],
)
def test_doubtful_specs_take_the_located_path(tmp_path: Path, fragment: str) -> None:
    path = tmp_path / "spec.yaml"
    path.write_text(MIN + fragment, encoding="utf-8")
    assert fast_load(path, stack="dev", project="apic-access") is None
    try:
        located = load_spec_located(path)
    except SpecError as exc:
        with pytest.raises(SpecError) as again:
            load_spec(path)
        assert [str(p) for p in again.value.problems] == [str(p) for p in exc.problems]
    else:
        assert load_spec(path) == located


def test_warnings_need_positions(tmp_path: Path) -> None:
    path = tmp_path / "spec.yaml"
    path.write_text(MIN + "authConfigs:\n  unused:\n    title: Unused\n    http: {scheme: bearer}\n", encoding="utf-8")
    assert fast_load(path, stack="dev", project="apic-access") is None
    assert [str(w).replace(str(path), "SPEC") for w in load_spec(path).warnings] == [
        "SPEC:8:5: authConfigs.unused: warning: auth config 'unused' is bound to no API version: add it to a version's `access` or remove it"
    ]
