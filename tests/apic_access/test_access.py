"""Who can read credentials: the access model, `apic-access access`, and what `verify` and
`export` make of it, against a hand-made API center held by the loopback fake.

The hand-made center (tests/apic_access/conftest.py) gets a second API, `inventory`, granted
wholesale to a group at the API's scope (with a member and a nested group), and then the
paths the spec language does not make:
- Sam: Credential Access Reader on the whole API center;
- reporting-bot: a custom role whose dataActions wildcard covers getCredentials, at the
  resource group;
- Pat: eligible for Credential Access Reader through PIM;
- Nora: a custom role over `Microsoft.ApiCenter/*` whose notDataActions take getCredentials
  away (she cannot read credentials, and must not be named).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from apic_access.access.model import GET_CREDENTIALS, Reading, level_of, matches, permits
from apic_access.cli import main
from apic_access.live import Live
from apic_access.recorder import PLACEHOLDER_SUBSCRIPTION, record
from tests.apic_access.conftest import KEY_BINDING, OAUTH_BINDING, RG, SERVICE, SERVICE_ID, SUB, VAULT_ID, WS, HandMade
from tests.conftest import CREDENTIAL_ACCESS_READER

RG_ID = f"/subscriptions/{SUB}/resourceGroups/{RG}"
INVENTORY = f"{WS}/apis/inventory"
INVENTORY_BINDING = f"{INVENTORY}/versions/v1-0/securityRequirements/inventory-key"
TEAM, CONTRACTORS = "17ea0000-0000-4000-8000-000000000021", "c0c0c0c0-0000-4000-8000-000000000022"
OLGA, CARL = "01a00000-0000-4000-8000-000000000023", "ca410000-0000-4000-8000-000000000024"
SAM, BOT, PAT, NORA = (
    "5a000000-0000-4000-8000-000000000011",
    "b07b07b0-0000-4000-8000-000000000012",
    "9a700000-0000-4000-8000-000000000014",
    "40a00000-0000-4000-8000-000000000015",
)
PEEKER, OPERATOR = "cafe0000-0000-4000-8000-000000000013", "0be40000-0000-4000-8000-000000000016"


def add_inventory_api(fake: Any) -> str:
    """An API whose one binding is granted at the API's scope, to a group with a nested group."""
    fake.put(INVENTORY, {"title": "Inventory", "kind": "rest"})
    fake.put(f"{INVENTORY}/versions/v1-0", {"title": "v1.0", "lifecycleStage": "production"})
    fake.put(f"{INVENTORY}/versions/v1-0/definitions/openapi", {"title": "OpenAPI"})
    fake.put(f"{INVENTORY}/deployments/prod", {
        "title": "Production", "environmentId": "/workspaces/default/environments/prod-env",
        "definitionId": "/workspaces/default/apis/inventory/versions/v1-0/definitions/openapi",
        "server": {"runtimeUri": ["https://inventory.contoso.com"]}, "state": "active",
    })
    fake.put(INVENTORY_BINDING, {"authConfigResourceId": "/authConfigs/shop-key"})
    fake.entra("groups", TEAM, "Inventory Team")
    fake.entra("groups", CONTRACTORS, "Inventory Contractors")
    fake.entra("users", OLGA, "Olga", userPrincipalName="olga@contoso.com")
    fake.entra("users", CARL, "Carl", userPrincipalName="carl@contoso.com")
    fake.member(TEAM, OLGA)
    fake.member(TEAM, CONTRACTORS)
    fake.member(CONTRACTORS, CARL)
    return str(fake.assign(INVENTORY, CREDENTIAL_ACCESS_READER, TEAM, "Group"))


def add_extra_paths(fake: Any) -> dict[str, str]:
    """The paths the issue found unreported; returns the assignment ids by person."""
    fake.entra("users", SAM, "Sam", userPrincipalName="sam@contoso.com")
    fake.entra("users", PAT, "Pat", userPrincipalName="pat@contoso.com")
    fake.entra("users", NORA, "Nora", userPrincipalName="nora@contoso.com")
    fake.entra("servicePrincipals", BOT, "reporting-bot", appId="4e4e4e4e-0000-4000-8000-000000000017")
    fake.role(PEEKER, "API Secrets Peeker", [{"actions": [], "dataActions": ["Microsoft.ApiCenter/services/workspaces/apis/versions/securityRequirements/*"]}])
    fake.role(OPERATOR, "API Center Operator", [{"actions": [], "dataActions": ["Microsoft.ApiCenter/*"], "notDataActions": ["*/getCredentials/action"]}])
    return {
        "sam": str(fake.assign(SERVICE_ID, CREDENTIAL_ACCESS_READER, SAM, "User")),
        "bot": str(fake.assign(RG_ID, PEEKER, BOT, "ServicePrincipal")),
        "pat": str(fake.eligible(SERVICE_ID, CREDENTIAL_ACCESS_READER, PAT, "User")),
        "nora": str(fake.assign(SERVICE_ID, OPERATOR, NORA, "User")),
    }


@pytest.fixture
def center(handmade: HandMade) -> HandMade:
    add_inventory_api(handmade.fake)
    return handmade


def export(handmade: HandMade, capsys: pytest.CaptureFixture[str]) -> tuple[Path, str]:
    spec, imports = handmade.spec.parent / "exported.yaml", handmade.spec.parent / "import.json"
    code = main(["export", "--subscription", SUB, "--resource-group", RG, "--service", SERVICE, "-o", str(spec), "--import-file", str(imports)])
    _, err = capsys.readouterr()
    assert code == 0, err
    return spec, err


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main([*argv, "--subscription", SUB])
    out, err = capsys.readouterr()
    return code, out, err


# --- ARM's wildcard rules ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "covers"),
    [
        (GET_CREDENTIALS, True),
        (GET_CREDENTIALS.upper(), True),  # actions ignore case
        ("Microsoft.ApiCenter/*", True),
        ("microsoft.apicenter/services/*/getCredentials/action", True),
        ("*/getCredentials/action", True),
        ("*", True),
        ("Microsoft.ApiCenter/services/*/read", False),
        ("Microsoft.ApiCenter/services/workspaces/apis/versions/securityRequirements/getCred*", True),  # inside a segment
        ("Microsoft.ApiCenter/services/workspaces/apis/versions/securityRequirements/getCredentials", False),
        ("Microsoft.KeyVault/*", False),
    ],
)
def test_data_action_wildcards(pattern: str, covers: bool) -> None:
    assert matches(GET_CREDENTIALS, [pattern]) is covers


def test_not_data_actions_subtract_within_their_block_and_blocks_add_up() -> None:
    takes_away = {"dataActions": ["Microsoft.ApiCenter/*"], "notDataActions": ["*/getCredentials/action"]}
    gives = {"dataActions": ["*/securityRequirements/getCredentials/action"], "notDataActions": []}
    assert permits([takes_away]) is False
    assert permits([takes_away, gives]) is True  # another block of the same role grants it
    assert permits([{"actions": ["*"], "dataActions": []}]) is False  # Owner: control plane only


def test_scope_levels_relative_to_the_service() -> None:
    assert [level_of(s, SERVICE_ID) for s in (KEY_BINDING, f"{WS}/apis/orders/versions/v1-0", f"{WS}/apis/orders", WS, SERVICE_ID, RG_ID, f"/subscriptions/{SUB}", "/providers/Microsoft.Management/managementGroups/corp", "/")] == [
        "binding", "version", "api", "workspace", "service", "resource group", "subscription", "management group", "root"
    ]
    # a definition of a version, another service, another resource group: no binding under them
    assert level_of(f"{WS}/apis/orders/versions/v1-0/definitions/openapi", SERVICE_ID) is None
    assert level_of(f"{RG_ID}/providers/Microsoft.ApiCenter/services/other", SERVICE_ID) is None
    assert level_of(f"/subscriptions/{SUB}/resourceGroups/rg-other", SERVICE_ID) is None


# --- the acceptance check of issue 22 ------------------------------------------------------------


def test_export_validate_plan_keeps_the_group_granted_at_the_apis_scope(center: HandMade, capsys: pytest.CaptureFixture[str]) -> None:
    (team_grant,) = [a["id"] for a in center.fake.assignments(CREDENTIAL_ACCESS_READER) if a["properties"]["principalId"] == TEAM]
    spec, err = export(center, capsys)

    entry = yaml.safe_load(spec.read_text())["apis"]["inventory"]["versions"]["v1-0"]["access"]
    assert entry == [{"authConfig": "shop-key", "name": "inventory-key", "groups": ["Inventory Team"], "scope": "api", "adopt": True}]
    assert "Credential Access Reader" not in err and "can read credentials" not in err  # nothing left out
    assert main(["validate", str(spec)]) == 0, capsys.readouterr().out

    plan = record(spec, stack="dev")
    at_api = [r for r in plan.by_type("azure-native:authorization:RoleAssignment") if r.inputs["scope"].endswith("/apis/inventory")]
    assert [(r.name, r.inputs["principalType"], r.inputs["roleDefinitionId"].rsplit("/", 1)[-1]) for r in at_api] == [
        ("inventory/*/groups/inventory team", "Group", CREDENTIAL_ACCESS_READER)
    ]
    assert at_api[0].inputs["scope"] == INVENTORY.replace(SUB, PLACEHOLDER_SUBSCRIPTION)
    # the import file adopts the hand-made assignment under that name
    imports = json.loads((spec.parent / "import.json").read_text())["resources"]
    assert {"id": team_grant, "logicalName": "inventory/*/groups/inventory team"}.items() <= next(e for e in imports if e.get("id") == team_grant).items()


def test_verify_names_every_path_beyond_the_spec_and_not_the_one_excluded_by_not_data_actions(center: HandMade, capsys: pytest.CaptureFixture[str]) -> None:
    base, _ = export(center, capsys)  # the spec of the center without the extra paths
    ids = add_extra_paths(center.fake)

    code, out, err = run(capsys, "verify", str(base), "--format", "json")

    assert code == 1, out + err
    found = [f["message"] for g in json.loads(out)["groups"] for f in g["findings"] if f["status"] == "problem"]
    every = "3 bindings (inventory/v1-0/inventory-key, orders/v1-0/partner-oauth, orders/v1-0/shop-key)"
    assert found == [
        f"user pat@contoso.com ({PAT}) can read the credentials of {every} through Azure API Center Credential Access Reader at the API center "
        "(eligible through PIM, not active), which the spec does not grant: remove the eligibility in Privileged Identity Management "
        "(Azure resources > Assignments > Eligible assignments > Remove), or name the principal in the spec and make the assignment active",
        f"user sam@contoso.com ({SAM}) can read the credentials of {every} through Azure API Center Credential Access Reader at the API center, "
        f"which the spec does not grant: add user sam@contoso.com to apiCenter.credentialReaders, or remove the assignment: az role assignment delete --ids {ids['sam']}",
        f"service principal reporting-bot ({BOT}) can read the credentials of {every} through API Secrets Peeker at resource group {RG}, "
        f"which the spec does not grant: the spec cannot grant a custom role (API Secrets Peeker); remove the assignment (az role assignment delete --ids {ids['bot']}), "
        f"or give the role notDataActions [{GET_CREDENTIALS}] if it must not read credentials",
    ]
    assert "nora" not in out
    # the fake's data plane agrees: Nora is refused, the others are let in
    assert not center.fake.can_read_credentials(NORA, KEY_BINDING)
    assert center.fake.can_read_credentials(SAM, KEY_BINDING) and center.fake.can_read_credentials(BOT, KEY_BINDING)
    assert center.fake.can_read_credentials(CARL, INVENTORY_BINDING) and not center.fake.can_read_credentials(CARL, KEY_BINDING)


def test_exported_with_the_extra_paths_sam_becomes_a_credential_reader_and_the_rest_are_warnings(center: HandMade, capsys: pytest.CaptureFixture[str]) -> None:
    ids = add_extra_paths(center.fake)
    spec, err = export(center, capsys)

    s = yaml.safe_load(spec.read_text())
    assert s["apiCenter"]["credentialReaders"] == {"users": ["sam@contoso.com"]}
    warnings = [line for line in err.splitlines() if "can read credentials" in line]
    assert warnings == [
        "warning: service principal reporting-bot can read credentials through API Secrets Peeker at resource group rg-shop: the spec cannot say a custom role "
        "(API Secrets Peeker); left as it is in Azure, and `verify` reports it as a problem until it is removed or granted the way the spec says",
        "warning: user pat@contoso.com can read credentials through Azure API Center Credential Access Reader at the API center (eligible through PIM): "
        "the spec cannot say PIM eligibility; left as it is in Azure, and `verify` reports it as a problem until it is removed or granted the way the spec says",
    ]
    assert main(["validate", str(spec)]) == 0, capsys.readouterr().out
    imports = {e.get("id") for e in json.loads((spec.parent / "import.json").read_text())["resources"]}
    assert ids["sam"] in imports and ids["bot"] not in imports

    report = spec.parent / "verify.json"
    code, _, _ = run(capsys, "verify", str(spec), "--format", "json", "-o", str(report))
    assert code == 1
    out = report.read_text()
    findings = [(f["status"], f["message"]) for g in json.loads(out)["groups"] for f in g["findings"]]
    assert ("ok", f"Azure API Center Credential Access Reader: user sam@contoso.com ({SAM})") in findings  # the spec names her now
    problems = [m for status, m in findings if status == "problem"]
    assert [m.split(" can read ")[0] for m in problems] == [f"user pat@contoso.com ({PAT})", f"service principal reporting-bot ({BOT})"]
    assert "nora" not in out


def test_access_json_lists_everyone_the_nested_groups_members_and_eligible_only_access(center: HandMade, capsys: pytest.CaptureFixture[str]) -> None:
    base, _ = export(center, capsys)
    ids = add_extra_paths(center.fake)

    code, out, err = run(capsys, "access", str(base), "--format", "json", "--expand-groups")

    assert code == 1, err
    data = json.loads(out)
    assert data["ok"] is False and data["groupsExpanded"] is True
    bindings = {f"{b['api']}/{b['version']}/{b['binding']}": b for b in data["bindings"]}
    assert sorted(bindings) == ["inventory/v1-0/inventory-key", "orders/v1-0/partner-oauth", "orders/v1-0/shop-key"]

    def readers(binding: str) -> dict[str, dict[str, Any]]:
        return {r["name"]: r for r in bindings[binding]["readers"]}

    inventory = readers("inventory/v1-0/inventory-key")
    assert sorted(inventory) == ["Inventory Contractors", "Inventory Team", "carl@contoso.com", "olga@contoso.com", "pat@contoso.com", "reporting-bot", "sam@contoso.com"]
    team = inventory["Inventory Team"]
    assert (team["kind"], team["inSpec"], team["eligibleOnly"]) == ("Group", True, False)
    assert [(p["role"], p["level"], p["access"], p["viaGroup"]) for p in team["paths"]] == [("Azure API Center Credential Access Reader", "api", "active", None)]
    for member, kind in (("olga@contoso.com", "User"), ("Inventory Contractors", "Group"), ("carl@contoso.com", "User")):
        (path,) = inventory[member]["paths"]
        assert inventory[member]["kind"] == kind and inventory[member]["inSpec"] is True
        assert path["viaGroup"] == {"id": TEAM, "name": "Inventory Team"} and path["level"] == "api"
    pat = inventory["pat@contoso.com"]
    assert (pat["eligibleOnly"], pat["inSpec"], [p["access"] for p in pat["paths"]]) == (True, False, ["eligible"])
    bot = inventory["reporting-bot"]
    assert (bot["kind"], bot["inSpec"], [(p["role"], p["level"], p["scope"]) for p in bot["paths"]]) == ("ServicePrincipal", False, [("API Secrets Peeker", "resource group", RG_ID)])
    assert inventory["sam@contoso.com"]["paths"][0]["level"] == "service"
    # the nested group's members reach only the API it is granted at; Nora reaches nothing
    shop = readers("orders/v1-0/shop-key")
    assert sorted(shop) == ["alice@contoso.com", "deploy-pipeline", "pat@contoso.com", "reporting-bot", "sam@contoso.com"]
    assert shop["alice@contoso.com"]["inSpec"] is True and shop["sam@contoso.com"]["inSpec"] is False
    assert all(r["name"] != "nora@contoso.com" for b in data["bindings"] for r in b["readers"])
    # the catalog: the portal's readers as the spec grants them, and Nora, whose role reads everything but credentials
    catalog = {r["name"]: r for r in data["catalog"]["readers"]}
    assert sorted(catalog) == ["All Engineers", "nora@contoso.com"]
    assert catalog["All Engineers"]["inSpec"] is True
    assert [(p["role"], p["level"], p["inSpec"]) for p in catalog["nora@contoso.com"]["paths"]] == [("API Center Operator", "service", False)]
    assert [(x["name"], x["catalog"]) for x in data["beyondSpec"]] == [
        ("user pat@contoso.com", False), ("user sam@contoso.com", False), ("service principal reporting-bot", False), ("user nora@contoso.com", True)
    ]
    assert data["beyondSpec"][-1]["message"] == (
        f"user nora@contoso.com ({NORA}) can see the whole API catalog (portal and data plane) through API Center Operator at the API center, which the spec "
        f"does not grant: the spec grants the catalog only as Data Reader on the API center (portal.readers); remove the assignment (az role assignment delete --ids {ids['nora']})"
    )
    assert data["missing"] == [] and data["notes"] == []


def test_the_same_center_without_the_extra_paths_verifies_and_access_exits_0(center: HandMade, capsys: pytest.CaptureFixture[str]) -> None:
    spec, _ = export(center, capsys)

    center.fake.calls.clear()
    code, out, err = run(capsys, "verify", str(spec))
    assert code == 0, out + err
    assert "4 principals can read the credentials of 3 bindings; every path checked against the spec" in out
    # assignments listed at the service (for every binding, version and API under it) and the vault, not per binding
    listed = [c.path for c in center.fake.calls if c.path.endswith("/roleAssignments") and "$skiptoken" not in c.query]
    assert sorted(listed) == [f"{SERVICE_ID}/providers/Microsoft.Authorization/roleAssignments", f"{VAULT_ID}/providers/Microsoft.Authorization/roleAssignments"]  # once each

    code, out, err = run(capsys, "access", str(spec))
    assert code == 0, out + err
    assert "binding inventory/v1-0/inventory-key (auth config shop-key)\n  group Inventory Team  Group             in spec  Azure API Center Credential Access Reader at API inventory\n" in out
    assert "the catalog (every API, in the portal and the data plane)\n  group All Engineers  Group             in spec  Azure API Center Data Reader at the API center\n" in out
    assert out.endswith("3 bindings, 4 principals can read credentials, 1 can see the catalog; 0 paths beyond the spec, 0 spec grants missing, 0 notes\n")


# --- the other formats, and bad input ------------------------------------------------------------


def test_csv_and_markdown(center: HandMade, capsys: pytest.CaptureFixture[str]) -> None:
    spec, _ = export(center, capsys)
    add_extra_paths(center.fake)

    code, out, _ = run(capsys, "access", str(spec), "--format", "csv", "--expand-groups")
    assert code == 1
    rows = list(csv.DictReader(io.StringIO(out)))
    carl = next(r for r in rows if r["name"] == "carl@contoso.com")
    assert carl == {
        "api": "inventory", "version": "v1-0", "binding": "inventory-key", "principal": CARL, "name": "carl@contoso.com", "kind": "User",
        "role": "Azure API Center Credential Access Reader", "roleId": CREDENTIAL_ACCESS_READER, "scope": INVENTORY, "level": "api",
        "access": "active", "viaGroup": "Inventory Team", "inSpec": "True", "deniedBy": "",
    }
    assert {r["access"] for r in rows if r["name"] == "pat@contoso.com"} == {"eligible"}

    code, out, _ = run(capsys, "access", str(spec), "--format", "markdown")
    assert out.startswith("### apic-access access: ❌ access differs from the spec\n")
    assert "| orders/v1-0/shop-key | user sam@contoso.com | User | ❌ beyond the spec | Azure API Center Credential Access Reader at the API center |" in out


def test_unknown_role_deleted_principal_and_unreadable_group_are_named(center: HandMade, capsys: pytest.CaptureFixture[str]) -> None:
    spec, _ = export(center, capsys)
    gone_role = "dead0000-0000-4000-8000-0000000000aa"
    gone_user = "de1e7ed0-0000-4000-8000-00000000dead"
    center.fake.assign(KEY_BINDING, gone_role, ALICE_LIKE, "User")
    ghost = center.fake.assign(OAUTH_BINDING, CREDENTIAL_ACCESS_READER, gone_user, "User")
    center.fake.unreadable_groups.add(TEAM)

    code, out, err = run(capsys, "access", str(spec), "--format", "json", "--expand-groups")

    assert code == 1, err
    data = json.loads(out)
    role_path = f"/subscriptions/{SUB}/providers/Microsoft.Authorization/roleDefinitions/{gone_role}"
    assert data["notes"] == [
        f"role definition {gone_role} ({role_path}) cannot be read (deleted, or not visible to this identity): its assignments are not shown; "
        f"check them with `az role assignment list --role {gone_role} --all`",
        f"User {gone_user} holds a role that reaches getCredentials, but Entra does not know it (deleted, or this identity cannot read the directory): "
        "remove its assignments if it is gone",
        f"group Inventory Team ({TEAM}) cannot be expanded (listing the members of group Inventory Team: Authorization_RequestDenied: Insufficient privileges to complete the operation. "
        "(HTTP 403)): its members are not listed; the identity running this needs GroupMember.Read.All (or Directory.Read.All) in Microsoft Graph",
    ]
    (ghost_reader,) = [r for b in data["bindings"] if b["binding"] == "partner-oauth" for r in b["readers"] if r["principal"] == gone_user]
    assert (ghost_reader["name"], ghost_reader["kind"], ghost_reader["inSpec"]) == (f"unknown principal {gone_user} (deleted?)", "User", False)
    assert [x["message"] for x in data["beyondSpec"]] == [
        f"unknown principal {gone_user} (deleted?) can read the credentials of binding orders/v1-0/partner-oauth through Azure API Center "
        "Credential Access Reader at binding orders/v1-0/partner-oauth, which the spec does not grant: add unknown principal "
        f"{gone_user} (deleted?) to an access entry, or remove the assignment: az role assignment delete --ids {ghost}"
    ]


ALICE_LIKE = "a11ce000-0000-4000-8000-000000000001"


def test_a_deny_assignment_takes_access_away(center: HandMade, capsys: pytest.CaptureFixture[str]) -> None:
    spec, _ = export(center, capsys)
    add_extra_paths(center.fake)
    center.fake.deny(SERVICE_ID, "no-credentials-for-sam", [SAM], ["*/getCredentials/action"])

    code, out, _ = run(capsys, "access", str(spec), "--format", "json")

    data = json.loads(out)
    (sam,) = [r for b in data["bindings"] if b["binding"] == "shop-key" for r in b["readers"] if r["name"] == "sam@contoso.com"]
    assert sam["deniedBy"] == "no-credentials-for-sam"
    assert "sam@contoso.com" not in json.dumps(data["beyondSpec"])
    assert not center.fake.can_read_credentials(SAM, KEY_BINDING)


def test_usage_and_no_credentials_exit_codes(center: HandMade, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    assert main(["access", str(center.spec)]) == 2
    assert "--subscription" in capsys.readouterr().err
    monkeypatch.setenv("IDENTITY_HEADER", "wrong")
    code, _, err = run(capsys, "access", str(center.spec))
    assert code == 3 and "cannot sign in to Azure: " in err


# --- what it costs --------------------------------------------------------------------------------


def _center_with(fake: Any, apis: int, bindings_per_version: int) -> None:
    for a in range(apis):
        api = f"{WS}/apis/bulk-{a:03}"
        fake.put(api, {"title": f"Bulk {a}", "kind": "rest"})
        fake.put(f"{api}/versions/v1", {"title": "v1", "lifecycleStage": "production"})
        for b in range(bindings_per_version):
            binding = f"{api}/versions/v1/securityRequirements/key-{b:02}"
            fake.put(binding, {"authConfigResourceId": "/authConfigs/shop-key"})
            fake.assign(binding, CREDENTIAL_ACCESS_READER, f"00000000-0000-4000-8000-{a:06}{b:06}", "User")


def _access_calls(fake: Any) -> list[str]:
    """Requests beyond listing the APIs, versions and bindings."""
    listing = ("/apis", "/versions", "/securityrequirements")
    return [f"{c.method} {c.path}" for c in fake.calls if not c.path.lower().endswith(listing) and not c.path.startswith("/msi")]


@pytest.mark.parametrize("page_size", [1000])
def test_the_call_count_does_not_grow_with_the_bindings(handmade: HandMade, page_size: int) -> None:
    counts = []
    for apis in (5, 50):  # 50 and 500 bindings
        fake = handmade.fake
        fake.page_size = page_size
        for key in [k for k, r in fake.resources.items() if "/apis/bulk-" in k]:
            del fake.resources[key]
        _center_with(fake, apis, 10)
        fake.calls.clear()
        model = Reading(Live.connect(SUB), RG, SERVICE).build(expand_groups=True)
        assert len(model.bindings) == apis * 10 + 2
        counts.append(_access_calls(fake))
    assert len(counts[0]) == len(counts[1]), counts
    # one listing each of assignments, eligibilities and deny assignments, one read per role, names in one call
    assert sorted(set(counts[1])) == sorted(
        {
            f"GET /subscriptions/{SUB}",
            f"GET {SERVICE_ID}/providers/Microsoft.Authorization/roleAssignments",
            f"GET {SERVICE_ID}/providers/Microsoft.Authorization/roleEligibilityScheduleInstances",
            f"GET {SERVICE_ID}/providers/Microsoft.Authorization/denyAssignments",
            f"GET /subscriptions/{SUB}/providers/Microsoft.Authorization/roleDefinitions/{CREDENTIAL_ACCESS_READER}",
            f"GET /subscriptions/{SUB}/providers/Microsoft.Authorization/roleDefinitions/c7244dfb-f447-457d-b2ba-3999044d1706",
            "POST /v1.0/directoryObjects/getByIds",
            "GET /v1.0/groups/7e57e500-0000-4000-8000-000000000002/transitiveMembers",
        }
    )


def test_a_tenant_without_pim_is_a_note_not_a_failure(center: HandMade, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    spec, _ = export(center, capsys)
    answer = center.fake.answer

    def no_pim(method: str, raw_path: str, body: Any, headers: dict[str, str]) -> Any:
        if "roleEligibilityScheduleInstances" in raw_path:
            return 400, {}, {"error": {"code": "AadPremiumLicenseRequired", "message": "The tenant needs an Entra ID P2 license for PIM."}}
        return answer(method, raw_path, body, headers)

    monkeypatch.setattr(center.fake, "answer", no_pim)

    code, out, err = run(capsys, "verify", str(spec))

    assert code == 0, out + err
    note = (
        "listing PIM eligibilities at, above and below the API center: AadPremiumLicenseRequired: The tenant needs an Entra ID P2 license for PIM. "
        "(HTTP 400): that part of the access is not shown"
    )
    assert f"  info     access       {note}\n" in out


def test_a_refused_assignment_listing_is_a_problem_in_verify(center: HandMade, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    spec, _ = export(center, capsys)
    answer = center.fake.answer

    def refused(method: str, raw_path: str, body: Any, headers: dict[str, str]) -> Any:
        if raw_path.split("?")[0] == f"{SERVICE_ID}/providers/Microsoft.Authorization/roleAssignments" and "atScope" not in raw_path and "principalId" not in raw_path:
            return 403, {}, {"error": {"code": "AuthorizationFailed", "message": "no Microsoft.Authorization/roleAssignments/read"}}
        return answer(method, raw_path, body, headers)

    monkeypatch.setattr(center.fake, "answer", refused)

    code, out, err = run(capsys, "access", str(spec))

    assert code == 1, err
    assert (
        "  listing role assignments at, above and below the API center: AuthorizationFailed: no Microsoft.Authorization/roleAssignments/read (HTTP 403): "
        "that part of the access is not shown\n"
    ) in out


def test_an_api_center_that_does_not_exist(center: HandMade, capsys: pytest.CaptureFixture[str]) -> None:
    center.spec.write_text(center.spec.read_text().replace("name: shop-apis", "name: shop-apis-2"))

    code, out, err = run(capsys, "access", str(center.spec))

    assert (code, err) == (1, "")
    assert out == f"there is no API center shop-apis-2 in resource group {RG} of subscription {SUB}: run `pulumi up`, or fix apiCenter in the spec\n"


def test_a_version_wide_grant_becomes_an_entry_with_scope_version(handmade: HandMade, capsys: pytest.CaptureFixture[str]) -> None:
    grant = add_inventory_api(handmade.fake)
    handmade.remove(grant)
    handmade.fake.assign(f"{INVENTORY}/versions/v1-0", CREDENTIAL_ACCESS_READER, TEAM, "Group")

    spec, _ = export(handmade, capsys)

    entry = yaml.safe_load(spec.read_text())["apis"]["inventory"]["versions"]["v1-0"]["access"]
    assert entry == [{"authConfig": "shop-key", "name": "inventory-key", "groups": ["Inventory Team"], "scope": "version", "adopt": True}]
    code, out, err = run(capsys, "verify", str(spec))
    assert code == 0, out + err


def test_an_api_wide_grant_no_entry_can_carry_is_a_warning_and_a_problem_in_verify(center: HandMade, capsys: pytest.CaptureFixture[str]) -> None:
    wide = center.fake.assign(f"{WS}/apis/orders", CREDENTIAL_ACCESS_READER, TEAM, "Group")  # both orders bindings name principals of their own

    spec, err = export(center, capsys)

    assert (
        "warning: Inventory Team hold(s) Credential Access Reader at API orders, but every binding there names principals at its own scope and an access entry "
        "has one `scope`: not exported, left as it is in Azure (verify reports it). To keep it in the spec, move one binding's principals to `scope: api` as well, "
        "or grant them at the binding\n"
    ) in err
    assert all("scope" not in e for e in yaml.safe_load(spec.read_text())["apis"]["orders"]["versions"]["v1-0"]["access"])
    report = spec.parent / "verify.json"
    code, _, _ = run(capsys, "verify", str(spec), "--format", "json", "-o", str(report))
    assert code == 1
    found = [f["message"] for g in json.loads(report.read_text())["groups"] for f in g["findings"] if f["status"] == "problem"]
    assert found == [
        f"group Inventory Team ({TEAM}) can read the credentials of 2 bindings (orders/v1-0/partner-oauth, orders/v1-0/shop-key) through Azure API Center "
        "Credential Access Reader at API orders, which the spec does not grant: add group Inventory Team to an access entry with `scope: api`"
        f", or remove the assignment: az role assignment delete --ids {wide}"
    ]


def test_graph_refusing_names_is_one_note_and_ids_are_shown(center: HandMade, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    spec, _ = export(center, capsys)
    answer = center.fake.answer

    def no_directory(method: str, raw_path: str, body: Any, headers: dict[str, str]) -> Any:
        if raw_path.startswith("/v1.0/directoryObjects/getByIds"):
            return 403, {}, {"error": {"code": "Authorization_RequestDenied", "message": "Insufficient privileges to complete the operation."}}
        return answer(method, raw_path, body, headers)

    monkeypatch.setattr(center.fake, "answer", no_directory)

    code, out, _ = run(capsys, "access", str(spec), "--format", "json")

    data = json.loads(out)
    assert data["notes"] == [
        "principals are shown by object id: Microsoft Graph refused to name them (naming the principals that can read credentials: Authorization_RequestDenied: "
        "Insufficient privileges to complete the operation. (HTTP 403)); the identity running this needs Directory.Read.All (or User.Read.All, "
        "GroupMember.Read.All and Application.Read.All)"
    ]
    (team,) = [r for b in data["bindings"] if b["api"] == "inventory" for r in b["readers"]]
    assert (team["name"], team["kind"], team["inSpec"]) == (TEAM, "Group", True)
    assert code == 0  # the names are a courtesy: who can read what is still known, and as the spec says


def test_a_grant_at_a_management_group_is_named_with_its_fix(center: HandMade, capsys: pytest.CaptureFixture[str]) -> None:
    spec, _ = export(center, capsys)
    center.fake.entra("users", SAM, "Sam", userPrincipalName="sam@contoso.com")
    mg = "/providers/Microsoft.Management/managementGroups/corp"
    grant = center.fake.assign(mg, CREDENTIAL_ACCESS_READER, SAM, "User")

    code, out, _ = run(capsys, "access", str(spec), "--format", "json")

    assert code == 1
    (x,) = json.loads(out)["beyondSpec"]
    assert x["message"] == (
        f"user sam@contoso.com ({SAM}) can read the credentials of 3 bindings (inventory/v1-0/inventory-key, orders/v1-0/partner-oauth, orders/v1-0/shop-key) "
        "through Azure API Center Credential Access Reader at management group corp, which the spec does not grant: the spec cannot grant at management group corp; "
        f"remove the assignment (az role assignment delete --ids {grant}), or grant it in the spec at the API center or below"
    )
    assert center.fake.can_read_credentials(SAM, KEY_BINDING)
