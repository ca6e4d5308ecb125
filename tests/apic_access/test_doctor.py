"""`apic-access doctor` against the loopback fake: a subscription and tenant that would stop
`pulumi up` in every way the command knows, the same one in order, the output formats and the
exit codes. The spec is the repository's full example, config/dev.yaml."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from apic_access.azure import arm
from apic_access.cli import main
from tests.conftest import API_CENTER_LOCATIONS, FakeAzure

ROOT = Path(__file__).resolve().parents[2]
SUB = "11111111-2222-4333-8444-555555555555"
RG = "rg-contoso-apis-dev"
SERVICE_ID = f"/subscriptions/{SUB}/resourceGroups/{RG}/providers/Microsoft.ApiCenter/services/contoso-apis-dev"
VAULT_ID = f"/subscriptions/{SUB}/resourceGroups/{RG}/providers/Microsoft.KeyVault/vaults/kv-contoso-dev"
EVERY_LOOKUP = ["Application.ReadWrite.All", "User.ReadBasic.All", "GroupMember.Read.All", "Application.Read.All"]
# Contributor's effective rights: everything but writing and deleting role assignments
CONTRIBUTOR = [
    {"actions": ["*"], "notActions": ["Microsoft.Authorization/*/Delete", "Microsoft.Authorization/*/Write", "Microsoft.Authorization/elevateAccess/Action"]}
]
SECRETS = (
    "config:\n  apic-access:spec: config/dev.yaml\n  apic-access:petstoreApiKey: {secure: v1:AAAA}\n  apic-access:partnerClientSecret: {secure: v1:BBBB}\n"
)


@pytest.fixture
def project(fake_azure: FakeAzure, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> FakeAzure:
    """config/ of the repository in a project folder, its secrets set, and a tenant holding
    every principal config/dev.yaml names; the deploying identity may read all of them."""
    shutil.copytree(ROOT / "config", tmp_path / "config")
    (tmp_path / "Pulumi.yaml").write_text("name: apic-access\nruntime: python\n", encoding="utf-8")
    (tmp_path / "Pulumi.dev.yaml").write_text(SECRETS, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ARM_SUBSCRIPTION_ID", raising=False)
    fake = fake_azure
    fake.entra("users", "a11ce000-0000-4000-8000-000000000001", "Alice", userPrincipalName="alice@contoso.com")
    fake.entra("users", "b0b00000-0000-4000-8000-000000000002", "Bob", userPrincipalName="bob@contoso.com")
    fake.entra("users", "ca201000-0000-4000-8000-000000000003", "Carol", userPrincipalName="carol@contoso.com")
    fake.entra("groups", "7e57e500-0000-4000-8000-000000000004", "API Testers")
    fake.entra("groups", "0b6f1c52-8d4e-4f7a-9a21-3c5d7e9f1a2b", "QA")
    fake.entra("groups", "9a27e500-0000-4000-8000-000000000005", "Partner Integrators")
    fake.entra("groups", "e0e0e0e0-0000-4000-8000-000000000006", "All Engineers")
    fake.entra("servicePrincipals", "c1c1c1c1-0000-4000-8000-000000000007", "ci-tester", appId="c1c1c1c1-0000-4000-8000-0000000000a7")
    fake.use_graph_token(monkeypatch, roles=EVERY_LOOKUP, appid="d3d3d3d3-0000-4000-8000-000000000008")
    return fake


def broken(fake: FakeAzure, monkeypatch: pytest.MonkeyPatch) -> None:
    """Everything the issue lists as stopping a first `pulumi up`."""
    fake.soft_delete_service(SERVICE_ID, deleted="2026-11-20T10:00:00Z", purge_date="2027-01-19T10:00:00Z")
    fake.soft_delete_vault(SUB, "kv-contoso-dev", "eastus", purge_protection=True, purge_date="2027-02-18T09:30:00Z", deleted="2026-11-20T09:30:00Z")
    fake.providers["microsoft.apicenter"] = {
        "namespace": "Microsoft.ApiCenter",
        "registrationState": "NotRegistered",
        "resourceTypes": [{"resourceType": "services", "locations": API_CENTER_LOCATIONS}],
    }
    fake.permissions[f"/subscriptions/{SUB}"] = CONTRIBUTOR
    fake.use_graph_token(monkeypatch, roles=["Application.ReadWrite.OwnedBy"], appid="d3d3d3d3-0000-4000-8000-000000000008")
    fake.directory["servicePrincipals"].clear()  # ci-tester does not exist


def run(capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str, str]:
    code = main(["doctor", "--stack", "dev", "--subscription", SUB, *extra])
    out, err = capsys.readouterr()
    return code, out, err


def findings(capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, list[dict[str, Any]], str]:
    code, out, err = run(capsys, "--format", "json", *extra)
    return code, json.loads(out)["findings"], err


def errors(found: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    return [(f["check"], f["message"], f["fix"]) for f in found if f["severity"] == "error"]


def test_a_subscription_that_would_stop_pulumi_up_names_every_cause_and_writes_nothing(
    project: FakeAzure, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    broken(project, monkeypatch)

    code, found, err = findings(capsys)

    assert code == 1, err
    assert "Traceback" not in err
    by_check: dict[str, list[tuple[str, str]]] = {}
    for check, message, fix in errors(found):
        by_check.setdefault(check, []).append((message, fix))
    assert sorted(by_check) == ["graph", "names", "principals", "providers", "rights"]

    (service, vault) = by_check["names"]
    assert service[0] == (
        "API center name contoso-apis-dev is held by a soft-deleted API center (resource group rg-contoso-apis-dev, deleted 2026-11-20, "
        "purged on 2027-01-19): creating it fails until then"
    )
    assert service[1].startswith(f"restore it: `az rest --method put --url 'https://management.azure.com{SERVICE_ID}?api-version=2024-06-01-preview' ")
    assert '"properties": {"restore": true}' in service[1]
    assert f"`apic-access import-ids --stack dev --subscription {SUB} -o import.json`" in service[1]
    assert service[1].endswith("or pick another apiCenter.name")
    assert vault[0] == (
        "vault name kv-contoso-dev is held by a soft-deleted vault (deleted 2026-11-20 in eastus, "
        "purge protection on: it cannot be purged, the name is free again on 2027-02-18)"
    )
    assert vault[1].startswith(f"recover it: `az keyvault recover --name kv-contoso-dev --subscription {SUB}`, then set `keyVault.existing: true`")
    assert f"`pulumi import azure-native:keyvault:Vault kv-contoso-dev {VAULT_ID}`" in vault[1]
    assert "az keyvault purge" not in vault[1]  # purge protection: no purge to offer
    assert vault[1].endswith("or pick another keyVault.name (free again on 2027-02-18)")

    assert by_check["providers"] == [
        (
            f"resource provider Microsoft.ApiCenter is not registered in subscription {SUB} (NotRegistered)",
            f"register it: `az provider register --namespace Microsoft.ApiCenter --subscription {SUB}` (needs Contributor or Owner on the subscription)",
        )
    ]

    ((rights, grant),) = by_check["rights"]
    # the resource group does not exist yet: every write is checked at the subscription
    assert rights == f"the deploying identity may not Microsoft.Authorization/roleAssignments/write at subscription {SUB}"
    assert grant.startswith(
        "grant it Role Based Access Control Administrator, limited by a condition to the roles the spec grants: `az role assignment create --assignee "
    )
    assert f"--scope /subscriptions/{SUB} --condition " in grant
    for role in (arm.CREDENTIAL_ACCESS_READER, arm.KEY_VAULT_SECRETS_USER, arm.API_CENTER_DATA_READER):
        assert role in grant  # the condition allows exactly the roles the spec grants
    assert "--condition-version 2.0" in grant

    graph = [m for m, _ in by_check["graph"]]
    holds = "its Graph token holds Application.ReadWrite.OwnedBy"
    assert graph == [
        f"the deploying identity may not add other owners to the apps it creates (entraApps.petstore-oauth.owners: alice@contoso.com): {holds}; Application.ReadWrite.All is needed",
        f"the deploying identity may not look up users by user principal name (users: alice@contoso.com, carol@contoso.com, bob@contoso.com): {holds}; "
        "User.ReadBasic.All or User.Read.All or Directory.Read.All or Directory.ReadWrite.All is needed",
        f"the deploying identity may not look up groups by display name (groups: Partner Integrators, API Testers, All Engineers): {holds}; "
        "GroupMember.Read.All or Group.Read.All or Group.ReadWrite.All or Directory.Read.All or Directory.ReadWrite.All is needed",
        f"the deploying identity may not look up service principals by name or client id (servicePrincipals: ci-tester): {holds}; "
        "Application.Read.All or Application.ReadWrite.All or Directory.Read.All or Directory.ReadWrite.All is needed",
    ]
    consent = by_check["graph"][1][1]
    assert consent.startswith(
        "add the application permission User.ReadBasic.All and grant admin consent: `az ad app permission add --id d3d3d3d3-0000-4000-8000-000000000008 "
        "--api 00000003-0000-0000-c000-000000000000 --api-permissions 97235f07-e226-4f63-ace3-39588e11d3a1=Role` "
        "then `az ad app permission admin-consent --id d3d3d3d3-0000-4000-8000-000000000008`"
    )
    # creating the apps themselves is what OwnedBy allows
    assert {
        "check": "graph",
        "severity": "ok",
        "message": "Graph lets the deploying identity create app registrations and their service principals (Application.ReadWrite.OwnedBy)",
        "fix": "",
    } in found

    assert by_check["principals"] == [
        (
            "Entra has no service principal 'ci-tester' (apis.petstore.versions.v1-0.access[petstore-oauth].servicePrincipals)",
            "fix the name in the spec (its exact display name), create it in Entra, or use its object id",
        )
    ]
    # read-only: no PUT, PATCH or DELETE, and no POST but lookups
    assert project.writes() == []
    posts = sorted({c.path.rsplit("/", 1)[-1] for c in project.arm_calls("POST")})
    assert posts == ["getByIds"]  # the object id the spec names; the vault name needs no availability check: it is held here


def test_the_same_subscription_in_order_can_go_ahead(project: FakeAzure, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys)

    assert code == 0, out + err
    assert "ERROR" not in out
    assert "  ok       API center name contoso-apis-dev is free (no live or soft-deleted API center holds it)\n" in out
    assert "  ok       vault name kv-contoso-dev is free (no live or soft-deleted vault holds it)\n" in out
    assert "  ok       Microsoft.ApiCenter is registered\n" in out
    assert "  ok       API Center is offered in eastus\n" in out
    assert f"  ok       the deploying identity holds all 15 ARM actions the stack needs at subscription {SUB}\n" in out
    assert "  ok       all 8 principals the spec names exist in Entra, each exactly once\n" in out
    assert "  ok       all 2 secret config values the spec reads are set, encrypted\n" in out
    assert f"  ok       subscription {SUB} holds 0 role assignments, 0 of them this spec's; with the spec's 11 it would hold 11 of Azure's 4,000\n" in out
    # a warning does not stop `pulumi up`: the vault is new, so the secret marked existing cannot be there yet
    assert (
        "  warning  vault secret legacy-credentials is marked existing (keyVault.secrets.legacy-credentials), but vault kv-contoso-dev does not exist yet\n"
        in out
    )
    # Owner holds no data actions: a later secret replacement would fail on the vault's data plane
    assert (
        f"  warning  the deploying identity may not Microsoft.KeyVault/vaults/secrets/delete (a data action) at subscription {SUB}: the first `pulumi up` works, "
        "but replacing or deleting a vault secret later fails (azure-native deletes secrets on the Key Vault data plane)\n"
        f'           fix: grant it Key Vault Secrets Officer once the vault exists: `az role assignment create --assignee 0c0c0c0c-1111-4222-8333-444455556666 --role "Key Vault Secrets Officer" --scope {VAULT_ID}`\n'
    ) in out
    assert out.endswith(": `pulumi up` can go ahead\n")
    assert project.writes() == []
    assert [c.path.rsplit("/", 1)[-1] for c in project.arm_calls("POST")] == ["checkNameAvailability", "getByIds"]
    # principals are looked up in batches: one call per kind, one getByIds for the object ids
    queries = [c for c in project.calls if c.path.startswith("/graph/v1.0/") and c.method == "GET" and "$skiptoken" not in c.query]  # first pages
    assert sorted((c.path, c.query["$filter"]) for c in queries) == [
        ("/graph/v1.0/groups", "displayName eq 'Partner Integrators' or displayName eq 'API Testers' or displayName eq 'All Engineers'"),
        ("/graph/v1.0/servicePrincipals", "displayName eq 'ci-tester'"),
        ("/graph/v1.0/users", "userPrincipalName eq 'alice@contoso.com' or userPrincipalName eq 'carol@contoso.com' or userPrincipalName eq 'bob@contoso.com'"),
    ]


def test_missing_secret_config_is_named_with_the_command(project: FakeAzure, capsys: pytest.CaptureFixture[str]) -> None:
    Path("Pulumi.dev.yaml").write_text("config:\n  apic-access:spec: config/dev.yaml\n  apic-access:petstoreApiKey: {secure: v1:AAAA}\n", encoding="utf-8")

    code, found, _ = findings(capsys)

    assert code == 1
    assert errors(found) == [
        (
            "secrets",
            "secret config apic-access:partnerClientSecret is not set (keyVault.secrets names it in fromConfig)",
            "set it: `pulumi config set --secret --stack dev apic-access:partnerClientSecret <value>`",
        )
    ]


def test_two_groups_of_one_name_and_an_object_of_the_wrong_kind(project: FakeAzure, capsys: pytest.CaptureFixture[str]) -> None:
    project.entra("groups", "7e57e500-0000-4000-8000-0000000000ff", "API Testers")
    project.directory["groups"] = [g for g in project.directory["groups"] if g["displayName"] != "QA"]
    project.entra("users", "0b6f1c52-8d4e-4f7a-9a21-3c5d7e9f1a2b", "Quentin", userPrincipalName="quentin@contoso.com")

    code, found, _ = findings(capsys)

    assert code == 1
    assert errors(found) == [
        (
            "principals",
            "2 groups in Entra match group 'API Testers' (apis.petstore.versions.v1-0.access[petstore-key].groups, "
            "apis.petstore.versions.v1-0.access[petstore-oauth].groups): 7e57e500-0000-4000-8000-000000000004, 7e57e500-0000-4000-8000-0000000000ff; "
            "the stack cannot tell which one is meant",
            "name it by object id in the spec, or rename the others in Entra",
        ),
        (
            "principals",
            "object 0b6f1c52-8d4e-4f7a-9a21-3c5d7e9f1a2b is a user, not a group (apis.petstore.versions.v1-0.access[petstore-oauth].groups)",
            "list it under `users` instead",
        ),
    ]


def test_a_live_vault_of_the_name_and_a_name_taken_elsewhere(project: FakeAzure, capsys: pytest.CaptureFixture[str]) -> None:
    project.put(f"/subscriptions/{SUB}/resourceGroups/{RG}", {}, location="eastus")
    project.put(VAULT_ID, {"enableRbacAuthorization": True}, location="eastus")

    code, found, _ = findings(capsys)

    assert code == 0  # it may be this stack's own vault: a warning
    (warning,) = [f for f in found if f["severity"] == "warning" and f["check"] == "names" and "vault" in f["message"]]
    assert (
        warning["message"]
        == 'vault kv-contoso-dev already exists in resource group rg-contoso-apis-dev: if this stack did not create it, `pulumi up` stops with "already exists"'
    )
    assert warning["fix"] == f"set `keyVault.existing: true` to use it, or adopt it: `pulumi import azure-native:keyvault:Vault kv-contoso-dev {VAULT_ID}`"

    del project.resources[VAULT_ID.lower()]
    project.taken_vault_names.add("kv-contoso-dev")
    code, found, _ = findings(capsys)

    assert code == 1
    assert errors(found) == [
        (
            "names",
            "vault name kv-contoso-dev is taken elsewhere in Azure (another subscription or tenant, maybe soft-deleted there): The vault name 'kv-contoso-dev' is already in use.",
            "vault names are global: pick another keyVault.name (keep `${stack}` in it so clones differ)",
        )
    ]


def test_rights_are_read_at_the_resource_group_once_it_exists(project: FakeAzure, capsys: pytest.CaptureFixture[str]) -> None:
    rg = f"/subscriptions/{SUB}/resourceGroups/{RG}"
    project.put(rg, {}, location="eastus")
    project.permissions[rg.lower()] = [
        {"actions": ["Microsoft.ApiCenter/*", "Microsoft.Resources/subscriptions/resourceGroups/read"], "notActions": []},
        {"actions": [], "notActions": [], "dataActions": ["Microsoft.KeyVault/vaults/secrets/*"], "notDataActions": []},
    ]

    code, found, _ = findings(capsys)

    assert code == 1
    rights = sorted((m, f.split(": `", 1)[0]) for c, m, f in errors(found) if c == "rights")
    assert rights == [
        (
            "the deploying identity may not Microsoft.Authorization/roleAssignments/write at resource group rg-contoso-apis-dev",
            "grant it Role Based Access Control Administrator, limited by a condition to the roles the spec grants",
        ),
        (
            "the deploying identity may not Microsoft.KeyVault/vaults/secrets/write, Microsoft.KeyVault/vaults/write at resource group rg-contoso-apis-dev",
            "grant it Key Vault Contributor",
        ),
        (
            "the deploying identity may not Microsoft.ManagedIdentity/userAssignedIdentities/write at resource group rg-contoso-apis-dev",
            "grant it Managed Identity Contributor",
        ),
        # creating the resource group is a write at the subscription, where this identity holds nothing
        (f"the deploying identity may not Microsoft.Resources/subscriptions/resourceGroups/write at subscription {SUB}", "grant it Contributor"),
    ]
    assert "the deploying identity may delete vault secrets on the data plane of vault kv-contoso-dev (a secret's replacement)" in [
        f["message"] for f in found if f["severity"] == "ok"
    ]
    # the resource group exists and the spec creates it: azure-native would refuse to create it again
    assert any(f["severity"] == "warning" and f["message"].startswith("resource group rg-contoso-apis-dev already exists") for f in found)


def test_the_budget_counts_what_the_subscription_holds_less_what_this_spec_made(project: FakeAzure, capsys: pytest.CaptureFixture[str]) -> None:
    project.page_size = 1000
    elsewhere = f"/subscriptions/{SUB}/resourceGroups/rg-other"
    for i in range(3985):
        project.assign(elsewhere, arm.KEY_VAULT_SECRETS_USER, f"00000000-0000-4000-8000-{i:012d}", "ServicePrincipal")
    # made by an earlier run of this spec: counted once, not twice
    project.put(
        f"{VAULT_ID}/providers/Microsoft.Authorization/roleAssignments/36a92165-0420-5520-aa5a-701a9a93502e",
        {"scope": VAULT_ID, "principalId": "5e5e5e5e-0000-4000-8000-00000000a001", "roleDefinitionId": arm.role_definition_id(SUB, arm.KEY_VAULT_SECRETS_USER)},
    )
    project.assign(f"{SERVICE_ID}/workspaces/default/apis/petstore", arm.CREDENTIAL_ACCESS_READER, "b0b00000-0000-4000-8000-000000000002")
    project.stored(project.assignments(arm.CREDENTIAL_ACCESS_READER)[0]["id"])["properties"]["description"] = (
        "Azure API Center Credential Access Reader, managed by apic-access"
    )

    code, found, _ = findings(capsys)

    (budget,) = [f for f in found if f["check"] == "budget"]
    assert budget["severity"] == "warning" and code == 0
    assert (
        budget["message"]
        == f"subscription {SUB} holds 3,987 role assignments, 2 of them this spec's; with the spec's 11 it would hold 3,996 of Azure's 4,000: 100% of the limit"
    )

    for i in range(5):
        project.assign(elsewhere, arm.KEY_VAULT_SECRETS_USER, f"11111111-0000-4000-8000-{i:012d}", "ServicePrincipal")
    code, found, _ = findings(capsys)

    (budget,) = [f for f in found if f["check"] == "budget"]
    assert code == 1 and budget["severity"] == "error"
    assert budget["message"].endswith("it would hold 4,001 of Azure's 4,000: `pulumi up` would stop with RoleAssignmentLimitExceeded")
    assert budget["fix"].startswith("grant to groups (`accessDefaults: {via: group}`)")


def test_formats(project: FakeAzure, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    project.directory["servicePrincipals"].clear()

    code, out, _ = run(capsys, "--format", "json")
    data = json.loads(out)
    assert code == 1
    assert sorted(data) == ["errors", "findings", "ok", "spec", "stack", "subscription", "warnings"]
    assert (data["ok"], data["errors"], data["stack"], data["spec"], data["subscription"]) == (False, 1, "dev", "config/dev.yaml", SUB)
    assert all(sorted(f) == ["check", "fix", "message", "severity"] for f in data["findings"])
    assert {f["check"] for f in data["findings"]} == {"secrets", "names", "providers", "rights", "graph", "principals", "budget"}

    code, out, _ = run(capsys, "--format", "github")
    assert code == 1
    assert (
        "::error file=config/dev.yaml,title=apic-access doctor%3A principals the spec names::Entra has no service principal 'ci-tester' "
        "(apis.petstore.versions.v1-0.access[petstore-oauth].servicePrincipals). Fix: fix the name in the spec (its exact display name), "
        "create it in Entra, or use its object id\n"
    ) in out
    assert "::warning file=config/dev.yaml,title=apic-access doctor%3A secret config::vault secret legacy-credentials is marked existing" in out
    assert "::notice" not in out and "  ok  " not in out  # only what to act on is annotated

    code, out, _ = run(capsys, "--format", "markdown", "-o", "doctor.md")
    text = Path("doctor.md").read_text(encoding="utf-8")
    assert code == 1 and out == ""
    assert text.startswith("### apic-access doctor: ❌ 1 error would stop `pulumi up`\n")
    assert (
        "| ❌ | principals the spec names | Entra has no service principal 'ci-tester' (apis.petstore.versions.v1-0.access[petstore-oauth].servicePrincipals) |"
        in text
    )

    code, out, _ = run(capsys)
    assert "principals the spec names\n  ERROR    Entra has no service principal 'ci-tester'" in out
    assert "           fix: fix the name in the spec (its exact display name), create it in Entra, or use its object id\n" in out
    assert out.endswith(": `pulumi up` would stop; fix the errors first\n")


def test_exit_codes_for_usage_spec_errors_and_no_sign_in(project: FakeAzure, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["doctor", "--stack", "dev"]) == 2
    assert "apic-access doctor: no subscription: pass --subscription ID" in capsys.readouterr().err

    spec = Path("config/dev.yaml")
    spec.write_text(spec.read_text(encoding="utf-8").replace("authConfig: petstore-key", "authConfig: petstore-keys", 1), encoding="utf-8")
    code, out, err = run(capsys)
    assert code == 1
    assert "config/dev.yaml:" in out and "unknown auth config 'petstore-keys' (did you mean 'petstore-key'?)" in out
    assert project.calls == []  # nothing is sent to Azure before the spec is valid
    spec.write_text(spec.read_text(encoding="utf-8").replace("petstore-keys", "petstore-key"), encoding="utf-8")

    monkeypatch.setenv("IDENTITY_HEADER", "not-the-fake-identity-header")  # the managed identity refuses to sign in
    code, out, err = run(capsys)
    assert code == 3
    assert err.startswith("apic-access doctor: cannot sign in to Azure: ")  # then azure-identity's reason, in one sentence
    assert err.endswith(
        "; sign in with `az login`, or set ARM_CLIENT_ID, ARM_TENANT_ID and ARM_CLIENT_SECRET (or ARM_USE_OIDC / ARM_USE_MSI) as for Pulumi's azure-native provider\n"
    )
    assert err.count("\n") == 1
    assert out == "" and "Traceback" not in err


def test_a_delegated_token_is_judged_by_its_scopes(project: FakeAzure, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    project.use_graph_token(monkeypatch, scp="User.Read Application.ReadWrite.All Group.Read.All", idtyp="user")

    code, found, _ = findings(capsys)

    assert code == 1
    assert errors(found) == [
        (
            "graph",
            "the deploying identity may not look up users by user principal name (users: alice@contoso.com, carol@contoso.com, bob@contoso.com): "
            "its Graph token holds Application.ReadWrite.All, Group.Read.All, User.Read; "
            "User.ReadBasic.All or User.Read.All or Directory.Read.All or Directory.ReadWrite.All is needed",
            "an administrator consents User.ReadBasic.All (delegated) for the client you sign in with, or `pulumi up` runs as a service principal "
            "that holds the application permission User.ReadBasic.All",
        )
    ]

    # the Azure CLI's token acts with the user's own directory roles
    project.use_graph_token(monkeypatch, scp="Application.ReadWrite.All Directory.AccessAsUser.All", idtyp="user")
    code, found, _ = findings(capsys)

    assert code == 0
    assert [f["message"] for f in found if f["check"] == "graph"] == [
        "the Graph token is delegated (Directory.AccessAsUser.All): the signed-in user's own directory roles decide what it may do"
    ]


def test_a_read_azure_refuses_is_a_warning_and_the_other_checks_still_run(project: FakeAzure, capsys: pytest.CaptureFixture[str]) -> None:
    project.refuse = {"/providers/microsoft.keyvault/deletedvaults", "/providers/microsoft.authorization/roleassignments"}

    code, found, err = findings(capsys)

    assert code == 0 and "Traceback" not in err
    refused = [f for f in found if f["message"].startswith("could not check")]
    assert [(f["check"], f["severity"], f["message"].split(": ", 1)[0]) for f in refused] == [
        ("names", "warning", "could not check the name of vault kv-contoso-dev"),
        ("budget", "warning", "could not check the role assignments of the subscription"),
    ]
    assert "AuthorizationFailed" in refused[0]["message"] and "(HTTP 403)" in refused[0]["message"]
    assert refused[0]["fix"].startswith("give the identity running doctor Reader on the subscription")
    # the API center's name, the providers, the rights and the principals were still checked
    assert {f["check"] for f in found if f["severity"] == "ok"} >= {"names", "providers", "rights", "graph", "principals"}


def test_principals_are_looked_up_fifteen_names_a_call(project: FakeAzure, capsys: pytest.CaptureFixture[str]) -> None:
    many = [f"user{i:02d}@contoso.com" for i in range(17)]
    spec = Path("config/dev.yaml")
    spec.write_text(spec.read_text(encoding="utf-8").replace("users: [bob@contoso.com]", f"users: [{', '.join(many)}]"), encoding="utf-8")
    for i, upn in enumerate(many[:-1]):  # the last one does not exist
        project.entra("users", f"00000000-0000-4000-8000-{i:012d}", upn, userPrincipalName=upn)

    code, found, _ = findings(capsys)

    assert code == 1
    assert errors(found) == [
        (
            "principals",
            "Entra has no user 'user16@contoso.com' (apis.petstore.versions.v2-0.access[petstore-oauth-preview].users)",
            "fix the name in the spec (its user principal name), create it in Entra, or use its object id",
        )
    ]
    first_pages = [c.query["$filter"] for c in project.calls if c.path == "/graph/v1.0/users" and "$skiptoken" not in c.query]
    assert [f.count(" eq ") for f in first_pages] == [15, 4]  # alice, carol and the 17: two calls


def test_a_subscription_the_identity_cannot_read_is_named_first(project: FakeAzure, capsys: pytest.CaptureFixture[str]) -> None:
    project.refuse = {f"/subscriptions/{SUB}"}

    code, found, _ = findings(capsys)

    assert code == 1
    ((check, message, fix),) = errors(found)
    assert check == "names"
    assert message.startswith(f"subscription {SUB} cannot be read (reading subscription {SUB}: AuthorizationFailed: ")
    assert message.endswith("(HTTP 403)) for the identity running doctor")
    assert fix == "check --subscription / ARM_SUBSCRIPTION_ID / azure-native:subscriptionId, and give the identity at least Reader on the subscription"
    assert [f["message"] for f in found if f["check"] == "names"][0] == message  # before the names it holds


def test_a_directory_that_refuses_batches_is_asked_one_name_at_a_time(
    project: FakeAzure, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    answer = project._graph

    def without_batches(method: str, path: str, query: dict[str, str], body: Any, prefix: str = "") -> tuple[int, dict[str, str], Any]:
        if " or " in query.get("$filter", "") or path.endswith("/getByIds"):
            return 400, {}, {"error": {"code": "Request_UnsupportedQuery", "message": "Unsupported query."}}
        return answer(method, path, query, body, prefix)

    monkeypatch.setattr(project, "_graph", without_batches)
    project.directory["servicePrincipals"].clear()

    code, found, err = findings(capsys)

    assert code == 1, err
    assert errors(found) == [
        (
            "principals",
            "Entra has no service principal 'ci-tester' (apis.petstore.versions.v1-0.access[petstore-oauth].servicePrincipals)",
            "fix the name in the spec (its exact display name), create it in Entra, or use its object id",
        )
    ]
    # the group named by object id was read on its own
    assert any(c.path == "/graph/v1.0/groups/0b6f1c52-8d4e-4f7a-9a21-3c5d7e9f1a2b" for c in project.calls)


def test_an_answer_of_an_unknown_shape_is_an_error_not_a_traceback(project: FakeAzure, capsys: pytest.CaptureFixture[str]) -> None:
    project.providers["microsoft.apicenter"] = {"namespace": "Microsoft.ApiCenter", "registrationState": "Registered", "resourceTypes": ["services"]}

    code, found, err = findings(capsys)

    assert code == 1 and "Traceback" not in err
    ((check, message, fix),) = errors(found)
    assert (check, message.split(" (", 1)[0]) == ("providers", "could not check resource provider Microsoft.ApiCenter: Azure's answer was not understood")
    assert "AttributeError" in message
    assert fix == "run doctor again; if it persists, report it to apic-access with this message"
    assert {f["check"] for f in found if f["severity"] == "ok"} >= {"names", "rights", "graph", "principals", "budget"}  # the rest still ran


def test_credential_readers_are_looked_up_like_every_other_principal(project: FakeAzure, capsys: pytest.CaptureFixture[str]) -> None:
    spec = Path("config/dev.yaml")
    spec.write_text(
        spec.read_text(encoding="utf-8").replace("  location: eastus\n", "  location: eastus\n  credentialReaders:\n    groups: [API Platform Admins]\n", 1),
        encoding="utf-8",
    )

    code, found, _ = findings(capsys)

    assert code == 1
    assert errors(found) == [
        ("principals", "Entra has no group 'API Platform Admins' (apiCenter.credentialReaders.groups)", "fix the name in the spec (its exact display name), create it in Entra, or use its object id")
    ]
