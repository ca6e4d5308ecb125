"""benchmarks/generate.py: the reference inventory is a valid spec with the documented counts."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import yaml

from apic_access.config.spec import load_spec

GENERATE = Path(__file__).resolve().parents[2] / "benchmarks" / "generate.py"


def _generate_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_generate", GENERATE)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_three_apis_validate_with_the_documented_counts(tmp_path: Path) -> None:
    gen = _generate_module()
    path = gen.write(3, tmp_path / "bench.yaml")

    loaded = load_spec(path, stack="bench")
    s = loaded.spec
    assert loaded.warnings == ()
    versions = [v for a in s.apis.values() for v in a.versions.values()]
    bindings = [e for v in versions for e in v.access]
    users = [u for e in bindings for u in e.principals.users]
    groups = [g for e in bindings for g in e.principals.groups]

    assert (len(s.apis), len(versions), len(bindings), len(users) + len(groups)) == (3, 6, 12, 24)
    assert all(len(a.versions) == 2 and len(a.deployments) == 2 for a in s.apis.values())
    assert all(len(v.definitions) == 1 and len(v.access) == 2 for v in versions)
    assert all(len(e.principals.users) == 1 and len(e.principals.groups) == 1 for e in bindings)
    assert all(d.runtime_uris for a in s.apis.values() for d in a.deployments.values())
    # principals repeat across bindings, so lookups dedupe: 6 distinct users, 2 distinct groups
    assert (len(set(users)), len(set(groups))) == (6, 2)
    assert {type(c.scheme).__name__ for c in s.auth_configs.values()} == {"ApiKeyScheme", "OAuth2Scheme", "HttpScheme"}
    assert {b.auth_config for b in bindings} == set(s.auth_configs)
    assert len(s.environments) == 2 and len(s.entra_apps) == 1
    assert s.entra_apps["bench-oauth"].client_secret is not None
    assert s.key_vault is not None and s.config_secrets
    assert s.portal is not None and s.portal.enabled

    expected = gen.counts(3)
    assert expected["apis"] == len(s.apis)
    assert expected["versions"] == len(versions)
    assert expected["bindings"] == len(bindings)
    assert expected["principals"] == len(users) + len(groups)
    assert (expected["distinct_users"], expected["distinct_groups"]) == (len(set(users)), len(set(groups)))


def test_command_line_writes_the_spec(tmp_path: Path) -> None:
    gen = _generate_module()
    out = tmp_path / "out.yaml"
    assert gen.main(["3", str(out)]) == 0
    assert len(yaml.safe_load(out.read_text(encoding="utf-8"))["apis"]) == 3


def test_a_thousand_api_spec_validates_with_both_parsers(tmp_path: Path) -> None:
    """Scale works (its time is printed by benchmarks/run.py, never asserted here)."""
    gen = _generate_module()
    # per principal, 1,000 APIs make 8,002 role assignments, above Azure's 4,000: group access
    # at version scope (2,002) is a layout that fits
    path = gen.write(1000, tmp_path / "big.yaml", via="group", scope="version")
    native = load_spec(path, stack="bench")
    assert len(native.spec.apis) == 1000 and native.warnings == ()
    assert load_spec(path, stack="bench", native_yaml=False).spec == native.spec
