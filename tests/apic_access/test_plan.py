"""apic_access/plan.py: the role-assignment count a reviewer sees in every plan format."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from apic_access import plan
from apic_access.azure import arm
from apic_access.config.spec import load_spec
from apic_access.recorder import PLACEHOLDER_TENANT, Recording, record

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


ALICE = "<object id of user alice@contoso.com>"
TESTERS = "<object id of group API Testers>"
GIVEN = "0b6f1c52-8d4e-4f7a-9a21-3c5d7e9f1a2b"  # a group object id written in config/dev.yaml
DEPLOYER = "<object id of the deploying identity>"


@pytest.fixture(scope="module")
def dev() -> Recording:
    return record(ROOT / "config" / "dev.yaml", stack="dev")


def test_entra_stand_ins_show_as_what_they_stand_for_never_as_guids(dev: Recording) -> None:
    assert dev.placeholders  # the program itself sees GUIDs
    rendered = plan.dumps(dev) + plan.to_table(dev) + plan.to_markdown(dev)
    assert not [oid for oid in dev.placeholders if oid in rendered]
    table = plan.to_table(dev).splitlines()
    reader = "Azure API Center Credential Access Reader"
    assert (
        "        + authorization:RoleAssignment                 petstore/v1-0/petstore-key/users/alice@contoso.com"
        f"  ({reader} -> User {ALICE} at securityRequirements/petstore-key)"
    ) in table
    assert f"({reader} -> Group {GIVEN} at securityRequirements/petstore-oauth)" in "\n".join(table)  # known: as is
    # HTML-inert, or GitHub would take the label for a tag and show nothing
    assert f"| {reader} -&gt; ServicePrincipal &lt;object id of service principal ci-tester&gt; at securityRequirements/petstore-oauth |" in plan.to_markdown(dev)


def test_json_shows_labels_and_names_derived_from_them_as_derived(dev: Recording) -> None:
    resources = {r["name"]: r["inputs"] for r in json.loads(plan.dumps(dev))["resources"]}
    alice = resources["petstore/v1-0/petstore-key/users/alice@contoso.com"]
    assert (alice["principalId"], alice["roleAssignmentName"]) == (ALICE, "<derived at deploy>")
    assert resources["petstore/v1-0/petstore-oauth/groups/api testers"]["principalId"] == TESTERS
    assert resources["readers/groups/all engineers"]["principalId"] == "<object id of group All Engineers>"
    # a principal the spec gives by object id shows as itself; the names of its assignment and of
    # the vault identity's are derived from scopes in a subscription a plan does not know
    given = resources[f"petstore/v1-0/petstore-oauth/groups/{GIVEN}"]
    assert (given["principalId"], given["roleAssignmentName"]) == (GIVEN, "<derived at deploy>")
    assert given["scope"].startswith("/subscriptions/<subscription id>/resourceGroups/rg-contoso-apis-dev/")
    assert resources["secrets-user/id-apic-dev"]["roleAssignmentName"] == "<derived at deploy>"
    assert resources["petstore-oauth/owner/alice@contoso.com"]["ownerObjectId"] == ALICE
    assert resources["petstore-oauth"]["owners"] == [DEPLOYER]  # the service principal, created with it as owner


def test_with_the_real_subscription_names_from_real_ids_are_real() -> None:
    subscription = "5ab5c21b-0000-4000-8000-000000000042"
    known = record(ROOT / "config" / "dev.yaml", stack="dev", subscription=subscription)
    rendered = plan.dumps(known)
    assert "<subscription id>" not in rendered and f"/subscriptions/{subscription}/resourceGroups/rg-contoso-apis-dev" in rendered
    resources = {r["name"]: r["inputs"] for r in json.loads(rendered)["resources"]}
    given = resources[f"petstore/v1-0/petstore-oauth/groups/{GIVEN}"]
    assert given["roleAssignmentName"] == arm.assignment_name(given["scope"], arm.CREDENTIAL_ACCESS_READER, GIVEN)
    assert re.fullmatch(r"[0-9a-f-]{36}", resources["secrets-user/id-apic-dev"]["roleAssignmentName"])
    # a stand-in principal still makes a stand-in name
    assert resources["petstore/v1-0/petstore-key/users/alice@contoso.com"]["roleAssignmentName"] == "<derived at deploy>"


def test_the_tenant_shows_as_a_label_in_identifier_uris(dev: Recording) -> None:
    rendered = plan.dumps(dev)
    assert PLACEHOLDER_TENANT not in rendered and "api://<tenant id>/" in rendered


def test_an_object_id_answered_for_a_name_shows_as_itself(dev: Recording) -> None:
    real = "a11ce000-0000-4000-8000-000000000001"
    known = record(ROOT / "config" / "dev.yaml", stack="dev", lookups={"alice@contoso.com": real}, subscription="5ab5c21b-0000-4000-8000-000000000042")
    inputs = {r["name"]: r["inputs"] for r in json.loads(plan.dumps(known))["resources"]}["petstore/v1-0/petstore-key/users/alice@contoso.com"]
    assert inputs["principalId"] == real
    assert inputs["roleAssignmentName"] == arm.assignment_name(inputs["scope"], arm.CREDENTIAL_ACCESS_READER, real)
    assert ALICE not in plan.dumps(known) and TESTERS in plan.dumps(known)


def test_a_full_spec_owns_nothing_for_the_deploying_identity_and_keeps_every_secret_on_delete(dev: Recording) -> None:
    """Issue 21's check, on the recorded plan of config/dev.yaml."""
    spec = load_spec(ROOT / "config" / "dev.yaml", stack="dev").spec
    kinds = {(type(c.scheme).__name__, getattr(c.scheme, "entra_app", None) is not None) for c in spec.auth_configs.values()}
    # a full spec: API key, Entra-backed OAuth, external IdP, HTTP basic, portal
    assert kinds == {("ApiKeyScheme", False), ("OAuth2Scheme", True), ("OAuth2Scheme", False), ("HttpScheme", False)}
    assert spec.portal is not None and spec.portal.enabled
    resources = json.loads(plan.dumps(dev))["resources"]
    owners = [r for r in resources if r["type"] == "azuread:index/applicationOwner:ApplicationOwner"]
    assert [r["inputs"]["ownerObjectId"] for r in owners] == [ALICE]  # the spec's owner, never the deploying identity
    officer_grants = {
        r["urn"] for r in resources if r["type"] == "azure-native:authorization:RoleAssignment" and r["inputs"]["roleDefinitionId"].endswith(arm.KEY_VAULT_SECRETS_OFFICER)
    }
    secrets = [r for r in resources if r["type"] == "azure-native:keyvault:Secret"]
    assert len(secrets) == 3  # two from config, the Entra app's client secret
    for r in secrets:
        kept = r.get("options", {}).get("retainOnDelete") is True and r["onDelete"] == "kept in Azure on delete"
        assert kept or officer_grants & set(r["dependencies"]), f"{r['name']} would be deleted on the data plane with no Secrets Officer grant"


def test_the_documented_role_assignment_condition_allows_exactly_what_a_full_plan_assigns(dev: Recording) -> None:
    assigned = {str(r.inputs["roleDefinitionId"]).rsplit("/", 1)[-1] for r in dev.by_type("azure-native:authorization:RoleAssignment")}
    assert assigned == set(arm.ASSIGNED_ROLES)
    condition = arm.role_assignment_condition()
    assert condition == (
        "((!(ActionMatches{'Microsoft.Authorization/roleAssignments/write'})) OR "
        "(@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals "
        "{4633458b-17de-408a-b874-0445c86b69e6, 1df7cd83-1d3f-41df-95b0-53b30d963369, c7244dfb-f447-457d-b2ba-3999044d1706})) AND "
        "((!(ActionMatches{'Microsoft.Authorization/roleAssignments/delete'})) OR "
        "(@Resource[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals "
        "{4633458b-17de-408a-b874-0445c86b69e6, 1df7cd83-1d3f-41df-95b0-53b30d963369, c7244dfb-f447-457d-b2ba-3999044d1706}))"
    )
    docs = (ROOT / "docs" / "permissions.md").read_text(encoding="utf-8")
    assert condition in docs  # what an admin pastes is what the program needs
    assert f"--role {arm.RBAC_ADMINISTRATOR}" in docs


def test_moved_renames_are_listed_with_what_they_do() -> None:
    plan_mod = plan
    rec = Recording("apic-access", "dev", moved=["apis.order → apis.orders: Azure has no rename: `pulumi up` replaces API 'order' by 'orders'"])
    assert plan_mod.to_table(rec).splitlines()[-2:] == [
        "Renamed keys (moved):",
        "    apis.order → apis.orders: Azure has no rename: `pulumi up` replaces API 'order' by 'orders'",
    ]
    assert plan_mod.to_markdown(rec).splitlines()[-3:] == [
        "**Renamed keys (`moved`):**",
        "",
        "- apis.order → apis.orders: Azure has no rename: `pulumi up` replaces API 'order' by 'orders'",
    ]
    assert plan_mod.to_json(rec)["moved"] == rec.moved
    assert "moved" not in plan_mod.to_json(Recording("apic-access", "dev"))
