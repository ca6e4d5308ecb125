"""`extends` deep-merge, cycles, and ${...} interpolation (keys included)."""

from __future__ import annotations

from pathlib import Path

import pytest

from apic_access.config.errors import SpecError
from apic_access.config.spec import load_spec

BASE = """\
specVersion: 1
apiCenter:
  name: apis-${stack}
  resourceGroup: rg-apis-${stack}
  location: eastus
  tags: {team: platform, env: base}
keyVault:
  name: kv-${stack}
  secrets:
    key-${stack}: {fromConfig: apiKey}
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_extends_merges_maps_and_replaces_scalars(tmp_path: Path) -> None:
    write(tmp_path, "Pulumi.yaml", "name: test\n")  # the project: envs/ may read its parent
    write(tmp_path, "base.yaml", BASE)
    prod = write(tmp_path, "envs/prod.yaml", "specVersion: 1\nextends: ../base.yaml\napiCenter:\n  location: westeurope\n  tags: {env: prod}\n")
    spec = load_spec(prod, stack="prod").spec
    assert spec.api_center.location == "westeurope"
    assert spec.api_center.name == "apis-prod"
    assert dict(spec.api_center.tags) == {"team": "platform", "env": "prod"}
    assert list(spec.key_vault.secrets) == ["key-prod"]  # keys interpolate too


def test_problem_in_base_points_at_base_file(tmp_path: Path) -> None:
    base = write(tmp_path, "base.yaml", BASE.replace("location: eastus", "location: East US"))
    prod = write(tmp_path, "prod.yaml", "specVersion: 1\nextends: base.yaml\n")
    with pytest.raises(SpecError) as err:
        load_spec(prod)
    assert [str(p) for p in err.value.problems] == [
        f"{base}:5:13: apiCenter.location: 'East US' is not an Azure region name: use ARM's spelling, lower case without spaces (for example `eastus`, `westeurope`)"
    ]


def test_extends_cycle(tmp_path: Path) -> None:
    a = write(tmp_path, "a.yaml", "extends: b.yaml\n")
    write(tmp_path, "b.yaml", "extends: a.yaml\n")
    with pytest.raises(SpecError) as err:
        load_spec(a)
    assert [str(p).replace(str(tmp_path) + "/", "") for p in err.value.problems] == [
        "b.yaml:1:10: extends: extends cycle (a.yaml -> b.yaml -> a.yaml): remove one of the `extends`"
    ]


def test_extends_missing_base(tmp_path: Path) -> None:
    a = write(tmp_path, "a.yaml", "specVersion: 1\nextends: nothere.yaml\n")
    with pytest.raises(SpecError) as err:
        load_spec(a)
    assert str(err.value.problems[0]) == (
        f"{a}:2:10: extends: base spec 'nothere.yaml' not found (looked for {tmp_path}/nothere.yaml): the path is relative to this file"
    )


def test_location_and_project_interpolate(tmp_path: Path) -> None:
    spec = write(tmp_path, "s.yaml", BASE.replace("rg-apis-${stack}", "rg-${project}-${location}"))
    assert load_spec(spec, stack="dev", project="demo").spec.api_center.resource_group == "rg-demo-eastus"


def test_example_specs_are_valid() -> None:
    dev = load_spec("config/dev.yaml", stack="dev")
    prod = load_spec("config/prod.yaml", stack="prod")
    assert dev.warnings == () and prod.warnings == ()
    assert prod.spec.api_center.protect is True and dev.spec.api_center.protect is False
    assert prod.spec.api_center.location == "westeurope"
    # prod's access list replaces the base's
    access = prod.spec.apis["petstore"].versions["v1-0"].access
    assert {a.principals.groups for a in access} == {("Petstore Production Testers",)}


def test_variables_are_found_wherever_they_are_written(tmp_path: Path) -> None:
    """Interpolation walks only the sections whose text holds `${`: an alias or an escape
    that carries one elsewhere is still interpolated."""
    spec = write(
        tmp_path,
        "s.yaml",
        BASE
        + "environments:\n  prod:\n    title: &t Prod ${stack}\n    kind: production\n"
        + "apis:\n  petstore:\n    title: *t\n    kind: rest\n    summary: \"\\x24{stack} API\"\n",
    )
    loaded = load_spec(spec, stack="qa").spec
    assert (loaded.environments["prod"].title, loaded.apis["petstore"].title, loaded.apis["petstore"].summary) == ("Prod qa", "Prod qa", "qa API")
