"""apic_access/plan.py: the role-assignment count a reviewer sees in every plan format."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from apic_access import plan
from apic_access.config.spec import load_spec
from apic_access.recorder import Recording, record

ROOT = Path(__file__).resolve().parents[2]
SHARDED = """\
specVersion: 1
apiCenter:
  name: apis-${stack}
  resourceGroup: rg-apis
  location: eastus
keyVault:
  name: kv-apis-x
  secrets:
    api-key: {fromConfig: apiKey}
authConfigs:
  key:
    title: Key
    apiKey: {name: x-api-key, secret: api-key}
environments:
  prod: {title: Prod, kind: production}
apis:
"""


def _api(name: str, tag: str, users: int) -> str:
    listed = ", ".join(f"u{i}@contoso.com" for i in range(users))
    return f"""\
  {name}:
    title: {name}
    kind: rest
    tags: [{tag}]
    versions:
      v1-0:
        title: v1
        lifecycleStage: production
        definitions: {{openapi: {{title: OpenAPI}}}}
        access:
          - authConfig: key
            users: [{listed}]
    deployments:
      prod: {{title: Prod, environment: prod, definition: v1-0/openapi, runtimeUris: ["https://{name}.contoso.com"]}}
"""


@pytest.fixture(scope="module")
def sharded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Recording]:
    path = tmp_path_factory.mktemp("plan") / "spec.yaml"
    path.write_text(SHARDED + _api("orders", "team-a", 3) + _api("billing", "team-b", 2), encoding="utf-8")
    return path, record(path, stack="inv-a", config={"apic-access:shard": "tag:team-a"})


def test_a_shard_shows_its_own_assignments_and_the_whole_specs_budget(sharded: tuple[Path, Recording]) -> None:
    path, rec = sharded
    assert load_spec(path, stack="inv-a").spec.apis.keys() == {"orders", "billing"}
    # this shard: orders' 3 readers; the spec: 3 + 2 readers + Secrets User for the service identity
    assert plan.role_assignments(rec) == {"thisStack": 3, "wholeSpec": 6, "budget": 4000, "managedGroups": 0}
    assert json.loads(plan.dumps(rec))["roleAssignments"] == {"thisStack": 3, "wholeSpec": 6, "budget": 4000, "managedGroups": 0}
    line = "Role assignments: 3 in this stack; whole spec (all shards) 6 of a budget of 4,000, 0 managed groups"
    assert line in plan.to_table(rec).splitlines()
    assert f"{line}." in plan.to_markdown(rec).splitlines()


def test_the_dev_plan_counts_what_it_registers() -> None:
    rec = record(ROOT / "config" / "dev.yaml", stack="dev")
    assert rec.budget is not None and rec.role_assignments == rec.budget.total == 11
