"""config/grants.py: who is granted where, and the role-assignment budget `validate` enforces.

Generated inventories (benchmarks/generate.py) have 2 principals per binding, 4 bindings
per API, as in the benchmark.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from apic_access.cli import main
from apic_access.config.errors import SpecError
from apic_access.config.grants import api_grants, budget
from apic_access.config.spec import load_spec

GENERATE = Path(__file__).resolve().parents[2] / "benchmarks" / "generate.py"


def _generate() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_generate_grants", GENERATE)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


gen = _generate()


def _errors(path: Path) -> list[str]:
    with pytest.raises(SpecError) as info:
        load_spec(path, stack="bench")
    return [str(p) for p in info.value.problems if p.severity == "error"]


# The budget on the reference inventory: per-principal grants


def test_100_apis_with_per_principal_grants_validate_with_their_count(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = gen.write(100, tmp_path / "s.yaml")
    b = budget(load_spec(path, stack="bench").spec)
    # 8 Credential Access Reader per API, Secrets User for the one identity, Data Reader for the one portal reader group
    assert (b.credential_access_reader, b.secrets_user, b.data_reader, b.total, b.limit) == (800, 1, 1, 802, 4000)
    assert main(["validate", "--stack", "bench", str(path)]) == 0
    assert "802 role assignments of a budget of 4,000 (0 managed groups)" in capsys.readouterr().err


@pytest.mark.parametrize(("apis", "count"), [(500, "4,002"), (2000, "16,002")])
def test_500_and_2000_apis_with_per_principal_grants_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str], apis: int, count: str) -> None:
    path = gen.write(apis, tmp_path / "s.yaml")
    assert main(["validate", "--stack", "bench", str(path)]) == 1
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1
    line = out[0]
    # file:line:col of `apis:`, then the count, the limit, the largest contributors and the fixes
    assert line.startswith(f"{path}:57:1: apis: the spec makes {count} role assignments (")
    assert "above the budget of 4,000 (Azure's fixed limit per subscription, shared by all shards of the spec)" in line
    assert "largest contributors: api-0001 (8), api-0002 (8), api-0003 (8)" in line
    assert "accessDefaults: {via: group}" in line and "scope: version" in line and "scope: api" in line


def test_the_budget_error_points_at_the_apis_key(tmp_path: Path) -> None:
    path = gen.write(500, tmp_path / "s.yaml")
    (error,) = _errors(path)
    line = next(i for i, text in enumerate(path.read_text().splitlines(), 1) if text == "apis:")
    assert error.startswith(f"{path}:{line}:1: apis: ")


# Group access and coarser scopes on the reference inventory


@pytest.mark.parametrize(
    ("apis", "layout", "assignments", "groups"),
    [
        (500, {"via": "group"}, 2000, 2000),  # exactly one per binding
        (500, {"scope": "version"}, 2000, 0),  # each version's 2 bindings share their user and group
        (500, {"via": "group", "scope": "version"}, 1000, 1000),
        (2000, {"via": "group", "scope": "api"}, 2000, 2000),
        (2000, {"scope": "api", "team_groups": 20}, 2000, 0),  # one team group per API, assigned directly
    ],
)
def test_layouts_that_fit_validate(tmp_path: Path, apis: int, layout: dict[str, object], assignments: int, groups: int) -> None:
    path = gen.write(apis, tmp_path / "s.yaml", **layout)
    loaded = load_spec(path, stack="bench")
    b = budget(loaded.spec)
    assert (b.credential_access_reader, b.managed_groups) == (assignments, groups)
    assert b.total <= 4000


def test_group_access_at_binding_scope_is_one_assignment_per_binding_to_its_group(tmp_path: Path) -> None:
    spec = load_spec(gen.write(500, tmp_path / "s.yaml", via="group"), stack="bench").spec
    bindings = [(a.name, v.name, e.binding, e.principals) for a in spec.apis.values() for v in a.versions.values() for e in v.access]
    grants = [g for a in spec.apis.values() for g in api_grants(a).grants]
    assert len(grants) == len(bindings) == 2000
    assert all(g.group is not None and g.principal is None and g.scope.kind == "binding" for g in grants)
    by_binding = {(g.scope.api, g.scope.version, g.scope.binding): g.group for g in grants}
    for api, ver, name, p in bindings:
        group = by_binding[(api, ver, name)]
        assert group is not None
        assert group.members == tuple(sorted([("users", u) for u in p.users] + [("groups", g) for g in p.groups]))


def test_2000_apis_granted_to_20_team_groups_at_api_scope_validate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = gen.write(2000, tmp_path / "s.yaml", scope="api", team_groups=20)
    assert main(["validate", "--stack", "bench", str(path)]) == 0
    assert "2,002 role assignments of a budget of 4,000 (0 managed groups)" in capsys.readouterr().err
    spec = load_spec(path, stack="bench").spec
    principals = {g.principal for a in spec.apis.values() for g in api_grants(a).grants}
    assert principals == {("groups", f"Team {t:02d}") for t in range(20)}


# The budget's own rules


SPEC = """\
specVersion: 1
apiCenter:
  name: apis-${{stack}}
  resourceGroup: rg-apis
  location: eastus
{budget}
keyVault:
  name: kv-apis-x
  secrets:
    api-key: {{fromConfig: apiKey}}
authConfigs:
  key:
    title: Key
    apiKey: {{name: x-api-key, secret: api-key}}
environments:
  prod: {{title: Prod, kind: production}}
{defaults}
apis:
  petstore:
    title: Petstore
    kind: rest
    versions:
      v1-0:
        title: v1
        lifecycleStage: production
        definitions: {{openapi: {{title: OpenAPI, file: petstore.yaml}}}}
        access:
{access}
    deployments:
      prod: {{title: Prod, environment: prod, definition: v1-0/openapi, runtimeUris: ["https://petstore.contoso.com"]}}
"""


def _spec(tmp_path: Path, access: str, *, budget_line: str = "", defaults: str = "") -> Path:
    path = tmp_path / "spec.yaml"
    (tmp_path / "petstore.yaml").write_text(gen.reference_openapi("1.0"), encoding="utf-8")
    path.write_text(SPEC.format(budget=budget_line, defaults=defaults, access=access), encoding="utf-8")
    return path


def _entry(name: str, users: int, **extra: str) -> str:
    lines = [f"          - authConfig: key\n            name: {name}\n            users: [{', '.join(f'u{i}@contoso.com' for i in range(users))}]"]
    lines += [f"            {k}: {v}" for k, v in extra.items()]
    return "\n".join(lines)


def test_warns_from_80_percent_of_a_lowered_budget(tmp_path: Path) -> None:
    # 8 users + the system identity's Secrets User = 9 of 10: a warning, still valid
    path = _spec(tmp_path, _entry("key", 8), budget_line="  roleAssignmentBudget: 10")
    loaded = load_spec(path, stack="dev")
    (warning,) = [str(w) for w in loaded.warnings]
    assert ": apiCenter.roleAssignmentBudget: warning: the spec makes 9 role assignments (8 Credential Access Reader, 1 Key Vault Secrets User, 0 Data Reader): 90% of the budget of 10" in warning
    assert "apiCenter.roleAssignmentBudget; Azure's fixed limit is 4,000 per subscription" in warning
    assert "largest contributors: petstore (8)" in warning


def test_refuses_above_a_lowered_budget_at_its_position(tmp_path: Path) -> None:
    path = _spec(tmp_path, _entry("key", 10), budget_line="  roleAssignmentBudget: 10")
    (error,) = _errors(path)
    assert error.startswith(f"{path}:6:3: apiCenter.roleAssignmentBudget: the spec makes 11 role assignments")
    assert "above the budget of 10" in error


def test_budget_above_azures_limit_is_a_schema_error(tmp_path: Path) -> None:
    path = _spec(tmp_path, _entry("key", 1), budget_line="  roleAssignmentBudget: 5000")
    (error,) = _errors(path)
    assert error == f"{path}:6:25: apiCenter.roleAssignmentBudget: 5000 is out of range: use 1 to 4000"


def test_identical_grants_at_a_coarser_scope_are_made_once(tmp_path: Path) -> None:
    access = "\n".join([_entry("one", 3, scope="version"), _entry("two", 2, scope="version")])
    spec = load_spec(_spec(tmp_path, access), stack="dev").spec
    grants = api_grants(spec.apis["petstore"]).grants
    # u0, u1, u2 at the version: u0 and u1 are in both entries but granted once
    assert [(g.scope.kind, g.scope.label, g.principal) for g in grants] == [("version", "petstore/v1-0", ("users", f"u{i}@contoso.com")) for i in range(3)]


def test_group_entries_at_one_scope_share_one_managed_group(tmp_path: Path) -> None:
    access = "\n".join([_entry("one", 2, via="group", scope="api"), _entry("two", 3, via="group", scope="api")])
    spec = load_spec(_spec(tmp_path, access), stack="dev").spec
    g = api_grants(spec.apis["petstore"])
    (group,) = g.groups
    assert group.scope.label == "petstore" and group.members == tuple(("users", f"u{i}@contoso.com") for i in range(3))
    assert [(x.scope.kind, x.group) for x in g.grants] == [("api", group)]


def test_a_single_group_is_assigned_directly(tmp_path: Path) -> None:
    access = "          - authConfig: key\n            groups: [API Testers]\n            via: group"
    spec = load_spec(_spec(tmp_path, access), stack="dev").spec
    g = api_grants(spec.apis["petstore"])
    assert g.groups == ()
    assert [(x.scope.label, x.principal) for x in g.grants] == [("petstore/v1-0/key", ("groups", "API Testers"))]


def test_access_defaults_apply_unless_an_entry_says_otherwise(tmp_path: Path) -> None:
    access = "\n".join([_entry("one", 2), _entry("two", 2, via="direct", scope="binding")])
    spec = load_spec(_spec(tmp_path, access, defaults="accessDefaults: {via: group, scope: version}"), stack="dev").spec
    entries = {e.binding: (e.via, e.scope) for e in spec.apis["petstore"].versions["v1-0"].access}
    assert entries == {"one": ("group", "version"), "two": ("direct", "binding")}
    g = api_grants(spec.apis["petstore"])
    assert [(x.scope.kind, x.group is not None, x.principal) for x in g.grants] == [
        ("binding", False, ("users", "u0@contoso.com")),
        ("binding", False, ("users", "u1@contoso.com")),
        ("version", True, None),
    ]


def test_adding_a_principal_to_a_group_entry_changes_only_its_members(tmp_path: Path) -> None:
    before = load_spec(_spec(tmp_path, _entry("key", 2, via="group")), stack="dev").spec
    after = load_spec(_spec(tmp_path, _entry("key", 3, via="group")), stack="dev").spec
    b, a = api_grants(before.apis["petstore"]), api_grants(after.apis["petstore"])
    assert [x.scope for x in b.grants] == [x.scope for x in a.grants] and budget(before).total == budget(after).total
    assert len(a.groups[0].members) == len(b.groups[0].members) + 1


@pytest.mark.parametrize(("field", "value"), [("via", "groups"), ("scope", "service")])
def test_unknown_via_or_scope_is_refused(tmp_path: Path, field: str, value: str) -> None:
    (error,) = _errors(_spec(tmp_path, _entry("key", 1, **{field: value})))
    assert f"apis.petstore.versions.v1-0.access[0].{field}: '{value}' is not one of:" in error


def test_the_limits_docs_scale_table_is_what_validate_counts(tmp_path: Path) -> None:
    from apic_access.config.build import build

    gen.write_definition_files(tmp_path)  # the model records each definition file's hash

    limits = (Path(__file__).resolve().parents[2] / "docs" / "limits.md").read_text(encoding="utf-8")
    section = limits.split("# Within Azure's limits", 1)[1].split("##", 1)[0]
    layouts = {
        "per principal, at the binding (the default)": {},
        "`via: group`, at the binding": {"via": "group"},
        "per principal, `scope: version`": {"scope": "version"},
        "`via: group`, `scope: version`": {"via": "group", "scope": "version"},
        "`via: group`, `scope: api`": {"via": "group", "scope": "api"},
        "each binding to one of 20 team groups, `scope: api`": {"scope": "api", "team_groups": 20},
    }
    rows = {cells[0]: cells[1:] for line in section.splitlines() if line.startswith("| ") and (cells := [c.strip() for c in line.strip("|").split("|")])[0] in layouts}
    assert rows.keys() == layouts.keys()
    for label, layout in layouts.items():
        for n, cell in zip((100, 500, 2000), rows[label], strict=True):
            # the generated spec is valid by construction (other tests validate it): the model is enough here
            b = budget(build(gen.generate(n, **layout), file=str(tmp_path / "bench.yaml"), stack="bench", project="apic-access"))
            expected = f"{b.total:,}" + (": refused" if b.over else "")
            expected = f"**{expected}**" if b.over else expected
            if b.managed_groups and not b.over:
                expected += f" ({b.managed_groups:,} groups)"
            assert cell == expected, (label, n)
