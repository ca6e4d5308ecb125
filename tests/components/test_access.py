"""components/access.py under the recording engine: bindings, group access, coarser scopes.

Generated reference inventories (benchmarks/generate.py): each binding names one user and
one group; API i's bindings share principals as the generator documents.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

from apic_access.azure import arm
from apic_access.config.grants import budget
from apic_access.config.spec import load_spec
from apic_access.recorder import PLACEHOLDER_SUBSCRIPTION, Recording, fake_object_id, record

ROOT = Path(__file__).resolve().parents[2]
ASSIGNMENT = "azure-native:authorization:RoleAssignment"
GROUP = "azuread:index/group:Group"
MEMBER = "azuread:index/groupMember:GroupMember"
SERVICE = f"/subscriptions/{PLACEHOLDER_SUBSCRIPTION}/resourceGroups/rg-bench-apis-bench/providers/Microsoft.ApiCenter/services/bench-apis-bench"
DEPLOYER = fake_object_id("client", "pipeline")


def _generate() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_generate_access", ROOT / "benchmarks" / "generate.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


gen = _generate()


def _write(path: Path, data: dict[str, Any]) -> Path:
    gen.write_definition_files(path.parent)
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def _readers(rec: Recording) -> list[Any]:
    return [r for r in rec.by_type(ASSIGNMENT) if r.inputs["roleDefinitionId"].endswith(arm.CREDENTIAL_ACCESS_READER)]


@pytest.fixture(scope="module")
def grouped(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], Recording]:
    data = gen.generate(2, via="group")
    path = _write(tmp_path_factory.mktemp("grouped") / "spec.yaml", data)
    return data, record(path, stack="bench")


def test_group_access_one_group_per_principal_set_with_memberships(grouped: tuple[dict[str, Any], Recording]) -> None:
    data, rec = grouped
    entries = [(api, ver, e) for api, a in data["apis"].items() for ver, v in a["versions"].items() for e in v["access"]]
    groups = {r.name: r for r in rec.by_type(GROUP)}
    # every binding of the reference inventory has its own principal set: one group each
    assert len(groups) == len(entries) == 8
    for api, ver, e in entries:
        group = groups[f"{api}/{ver}/{e['authConfig']}/group"]
        i = group.inputs
        assert (i["securityEnabled"], i["mailEnabled"], i["owners"]) == (True, False, [DEPLOYER])
        assert i["displayName"] == f"bench-apis-bench API access: {api}/{ver}/{e['authConfig']}"
        assert i["mailNickname"] == f"apic-bench-apis-bench-{api}-{ver}-{e['authConfig']}"
        members = {r.name: r for r in rec.by_type(MEMBER) if r.name.startswith(f"{group.name}/")}
        expected = {f"{group.name}/users/{u.lower()}": fake_object_id("user", u) for u in e["users"]}  # named without regard to case
        expected |= {f"{group.name}/groups/{g.lower()}": fake_object_id("group", g) for g in e["groups"]}  # groups nest
        assert {n: m.inputs["memberObjectId"] for n, m in members.items()} == expected
        assert all(group.urn in m.dependencies for m in members.values())
    assert len(rec.by_type(MEMBER)) == 16


def test_group_access_one_credential_reader_assignment_per_binding_to_its_group(grouped: tuple[dict[str, Any], Recording]) -> None:
    data, rec = grouped
    readers = _readers(rec)
    groups = {r.name: r for r in rec.by_type(GROUP)}
    bindings = [(api, ver, e["authConfig"]) for api, a in data["apis"].items() for ver, v in a["versions"].items() for e in v["access"]]
    assert len(readers) == len(bindings) == 8
    by_scope = {r.inputs["scope"]: r for r in readers}
    for api, ver, name in bindings:
        r = by_scope[f"{SERVICE}/workspaces/default/apis/{api}/versions/{ver}/securityRequirements/{name}"]
        assert r.inputs["principalType"] == "Group"
        assert groups[f"{api}/{ver}/{name}/group"].urn in r.dependencies
        assert r.inputs["principalId"] == "[unknown until apply]"  # the managed group's object id
        # the name comes from static keys, so it is known in a preview and stable across runs
        assert r.inputs["roleAssignmentName"] == arm.assignment_name(r.inputs["scope"], arm.CREDENTIAL_ACCESS_READER, f"managed-group:bench-apis-bench API access: {api}/{ver}/{name}")


def test_adding_a_principal_adds_one_membership_and_changes_no_role_assignment(grouped: tuple[dict[str, Any], Recording], tmp_path: Path) -> None:
    data, before = grouped
    changed = yaml.safe_load(yaml.safe_dump(data))
    changed["apis"]["api-0001"]["versions"]["v1-0"]["access"][0]["users"].append("newcomer@contoso.com")
    after = record(_write(tmp_path / "spec.yaml", changed), stack="bench")

    def resources(rec: Recording) -> dict[tuple[str, str], dict[str, Any]]:
        return {(r.type, r.name): r.inputs for r in rec.resources if r.custom}

    old, new = resources(before), resources(after)
    added = set(new) - set(old)
    binding = changed["apis"]["api-0001"]["versions"]["v1-0"]["access"][0]["authConfig"]
    assert added == {(MEMBER, f"api-0001/v1-0/{binding}/group/users/newcomer@contoso.com")}
    assert set(old) - set(new) == set()
    assert [k for k in old if old[k] != new[k]] == []
    assert {k: v for k, v in new.items() if k[0] == ASSIGNMENT} == {k: v for k, v in old.items() if k[0] == ASSIGNMENT}


def test_api_scope_with_team_groups_assigns_each_team_once_per_api(tmp_path: Path) -> None:
    rec = record(gen.write(3, tmp_path / "spec.yaml", scope="api", team_groups=2), stack="bench")
    readers = _readers(rec)
    assert sorted((r.inputs["scope"], r.inputs["principalId"]) for r in readers) == sorted(
        [(f"{SERVICE}/workspaces/default/apis/{gen.api_name(i)}", fake_object_id("group", f"Team {i % 2:02d}")) for i in range(3)]
    )
    assert all(r.inputs["principalType"] == "Group" for r in readers)
    assert all("(scope chosen in the spec: api)" in r.inputs["description"] for r in readers)
    assert rec.by_type(GROUP) == []  # each binding's only principal is one group: assigned directly


def test_version_scope_grants_each_principal_once_per_version(tmp_path: Path) -> None:
    rec = record(gen.write(1, tmp_path / "spec.yaml", scope="version"), stack="bench")
    readers = _readers(rec)
    # the reference inventory's two bindings of a version share one user and one group
    for ver in ("v1-0", "v2-0"):
        at = [r for r in readers if r.inputs["scope"] == f"{SERVICE}/workspaces/default/apis/api-0001/versions/{ver}"]
        assert sorted(r.inputs["principalType"] for r in at) == ["Group", "User"]
        assert all(r.inputs["description"].endswith("(scope chosen in the spec: version)") for r in at)
        version = next(v for v in rec.by_type("azure-native:apicenter:ApiVersion") if v.name == f"api-0001/{ver}")
        assert all(version.urn in r.dependencies for r in at)
    assert len(readers) == 4


@pytest.mark.parametrize(
    "layout",
    [{}, {"via": "group"}, {"scope": "version"}, {"via": "group", "scope": "version"}, {"via": "group", "scope": "api"}, {"scope": "api", "team_groups": 2}],
    ids=["direct", "group", "version", "group-version", "group-api", "team-groups-api"],
)
def test_the_program_makes_the_assignments_validate_counts(tmp_path: Path, layout: dict[str, Any]) -> None:
    path = gen.write(2, tmp_path / "spec.yaml", **layout)
    b = budget(load_spec(path, stack="bench").spec)
    rec = record(path, stack="bench")
    assert rec.role_assignments == b.total
    assert len(rec.by_type(GROUP)) == b.managed_groups
    assert rec.budget == b


def test_every_plan_passes_the_policy_pack(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT / "apic_access" / "policy"))
    try:
        import validators  # the pack's module, imported as Pulumi imports it
    finally:
        sys.path.remove(str(ROOT / "apic_access" / "policy"))
    for layout in ({"via": "group", "scope": "version"}, {"scope": "api", "team_groups": 2}):
        rec = record(gen.write(1, tmp_path / "spec.yaml", **layout), stack="bench")
        violations = [(r.name, m) for r in rec.resources for m in validators.credential_access_reader(r.type, r.inputs) + validators.role_assignment(r.type, r.inputs)]
        assert violations == []
