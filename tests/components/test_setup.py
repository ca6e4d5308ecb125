"""The whole setup under Pulumi mocks: what a user would check in the Azure portal."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pulumi
import pytest

from apic_access.azure import arm
from apic_access.components.entra_app import secret_schedule
from apic_access.recorder import PLACEHOLDER_SUBSCRIPTION, PLACEHOLDER_TENANT, Recording, fake_object_id, record

from .conftest import write_spec

SUB = PLACEHOLDER_SUBSCRIPTION
RG = f"/subscriptions/{SUB}/resourceGroups/rg-contoso-apis-dev"
SERVICE = f"{RG}/providers/Microsoft.ApiCenter/services/contoso-apis-dev"
GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def roles(rec: Recording, role: str) -> list[dict]:
    return [r.inputs for r in rec.by_type("azure-native:authorization:RoleAssignment") if r.inputs["roleDefinitionId"].endswith(role)]


PREVIEW = "pulumi-python:dynamic/apicenter:PreviewResource"


def generic(rec: Recording, arm_type: str) -> dict[str, dict]:
    """The preview-type resources (our own provider) of one ARM type, by logical name."""
    return {r.name: r for r in rec.by_type(PREVIEW) if r.inputs["resourceId"].split("/")[-2] == arm_type}


def test_dev_spec_resource_counts(dev_plan: Recording) -> None:
    counts = Counter(r.type for r in dev_plan.resources if r.custom)
    assert counts == {
        "azure-native:resources:ResourceGroup": 1,
        "azure-native:managedidentity:UserAssignedIdentity": 1,
        "azure-native:apicenter:Service": 1,
        "azure-native:keyvault:Vault": 1,
        "azure-native:keyvault:Secret": 3,  # two fromConfig secrets + the Entra app's client secret
        "azuread:index/applicationRegistration:ApplicationRegistration": 2,
        "azuread:index/applicationRedirectUris:ApplicationRedirectUris": 3,  # SPA for both apps, public client for the portal's
        "azuread:index/applicationIdentifierUri:ApplicationIdentifierUri": 1,
        "azuread:index/applicationPermissionScope:ApplicationPermissionScope": 2,
        "azuread:index/applicationOwner:ApplicationOwner": 1,  # alice; never the deploying identity (Entra makes it an owner)
        "azuread:index/applicationApiAccess:ApplicationApiAccess": 1,
        "azuread:index/servicePrincipal:ServicePrincipal": 2,
        "azuread:index/applicationPassword:ApplicationPassword": 1,
        PREVIEW: 4 + 5 + 1,  # auth configs, bindings, portal: our own provider, never the generic resources:Resource
        "azure-native:apicenter:Environment": 2,
        "azure-native:apicenter:Api": 2,
        "azure-native:apicenter:ApiVersion": 3,
        "azure-native:apicenter:ApiDefinition": 3,
        "azure-native:apicenter:Deployment": 3,
        "pulumi-python:dynamic/apicenter:DefinitionImport": 3,  # one import per definition with a file
        "azure-native:authorization:RoleAssignment": 2 + 8 + 1,  # secrets users, credential readers, data reader
    }
    components = Counter(r.type for r in dev_plan.resources if not r.custom)
    assert components == {
        "apic-access:index:ApiCenterAccess": 1,
        "apic-access:index:ApiCenter": 1,
        "apic-access:index:KeyVault": 1,
        "apic-access:index:EntraApp": 2,
        "apic-access:index:AuthConfig": 4,
        "apic-access:index:Inventory": 1,
        "apic-access:index:Access": 1,
        "apic-access:index:Portal": 1,
    }


def test_api_center_identity(dev_plan: Recording) -> None:
    (service,) = dev_plan.by_type("azure-native:apicenter:Service")
    assert service.inputs["identity"] == {
        "type": "SystemAssigned,UserAssigned",
        "userAssignedIdentities": [f"{RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-apic-dev"],
    }
    assert service.inputs["tags"] == {"team": "platform", "env": "dev"}


def test_key_vault_is_rbac_with_purge_protection(dev_plan: Recording) -> None:
    (vault,) = dev_plan.by_type("azure-native:keyvault:Vault")
    props = vault.inputs["properties"]
    assert props["enableRbacAuthorization"] is True
    assert props["enablePurgeProtection"] is True
    assert props["softDeleteRetentionInDays"] == 7
    assert props["sku"] == {"family": "A", "name": "standard"}


def test_secrets_user_for_every_identity(dev_plan: Recording) -> None:
    grants = roles(dev_plan, arm.KEY_VAULT_SECRETS_USER)
    assert len(grants) == 2
    for g in grants:
        assert g["scope"] == f"{RG}/providers/Microsoft.KeyVault/vaults/kv-contoso-dev"
        assert g["principalType"] == "ServicePrincipal"
        assert g["roleDefinitionId"] == f"/subscriptions/{SUB}/providers/Microsoft.Authorization/roleDefinitions/{arm.KEY_VAULT_SECRETS_USER}"


def test_secret_values_come_from_config_and_are_secret(dev_plan: Recording) -> None:
    secrets = {r.inputs["secretName"]: r for r in dev_plan.by_type("azure-native:keyvault:Secret")}
    assert set(secrets) == {"petstore-api-key", "partner-client-secret", "petstore-oauth-client-secret"}
    for s in secrets.values():
        assert s.inputs["properties"]["value"] == "[secret]"


def test_credential_access_reader_per_principal_at_binding_scope(dev_plan: Recording) -> None:
    readers = roles(dev_plan, arm.CREDENTIAL_ACCESS_READER)
    got = sorted((g["scope"].removeprefix(SERVICE), g["principalType"], g["principalId"]) for g in readers)
    b = "/workspaces/default/apis/{}/versions/{}/securityRequirements/{}"
    assert got == sorted(
        [
            (b.format("petstore", "v1-0", "petstore-key"), "User", fake_object_id("user", "alice@contoso.com")),
            (b.format("petstore", "v1-0", "petstore-key"), "Group", fake_object_id("group", "API Testers")),
            (b.format("petstore", "v1-0", "petstore-oauth"), "Group", fake_object_id("group", "API Testers")),
            (b.format("petstore", "v1-0", "petstore-oauth"), "Group", "0b6f1c52-8d4e-4f7a-9a21-3c5d7e9f1a2b"),
            (b.format("petstore", "v1-0", "petstore-oauth"), "ServicePrincipal", fake_object_id("servicePrincipal", "ci-tester")),
            (b.format("petstore", "v2-0", "petstore-oauth-preview"), "User", fake_object_id("user", "bob@contoso.com")),
            (b.format("partner-orders", "v1-0", "partner-oauth"), "Group", fake_object_id("group", "Partner Integrators")),
            (b.format("partner-orders", "v1-0", "legacy-basic"), "User", fake_object_id("user", "carol@contoso.com")),
        ]
    )


def test_entra_lookups_once_per_distinct_name(dev_plan: Recording) -> None:
    looked_up: Counter[tuple[str, str]] = Counter()
    calls = 0
    for token, args in dev_plan.invokes:
        if not token.startswith("azuread:"):
            continue
        calls += 1
        kind = token.rsplit(":", 1)[-1].removesuffix("s")  # getUsers (batched) and getUser look up the same kind
        for key in ("userPrincipalName", "displayName"):
            if key in args:
                looked_up[(kind, args[key])] += 1
        for key in ("userPrincipalNames", "displayNames"):
            for name in args.get(key, []):
                looked_up[(kind, name)] += 1
    assert looked_up[("getGroup", "API Testers")] == 1
    assert looked_up[("getUser", "alice@contoso.com")] == 1  # an access entry and an app owner: one lookup
    assert all(n == 1 for n in looked_up.values()), looked_up
    assert calls <= 6  # batched: users, groups and service principals of the access entries, portal readers


def test_data_reader_for_portal_readers(dev_plan: Recording) -> None:
    (reader,) = roles(dev_plan, arm.API_CENTER_DATA_READER)
    assert reader["scope"] == SERVICE
    assert reader["principalType"] == "Group"
    assert reader["principalId"] == fake_object_id("group", "All Engineers")


def test_role_assignment_names_are_stable_guids(dev_plan: Recording, tmp_path: Path) -> None:
    again = record(Path("config/dev.yaml").resolve(), stack="dev")
    names = sorted(r.inputs["roleAssignmentName"] for r in dev_plan.by_type("azure-native:authorization:RoleAssignment"))
    assert all(GUID.match(n) for n in names)
    assert len(set(names)) == len(names)
    assert names == sorted(r.inputs["roleAssignmentName"] for r in again.by_type("azure-native:authorization:RoleAssignment"))
    for r in dev_plan.by_type("azure-native:authorization:RoleAssignment"):
        assert r.options.get("deleteBeforeReplace") is True


def test_entra_app_redirects_scopes_and_secret(dev_plan: Recording) -> None:
    apps = {r.name: r for r in dev_plan.by_type("azuread:index/applicationRegistration:ApplicationRegistration")}
    assert apps["petstore-oauth"].inputs["displayName"] == "Petstore API (dev)"
    assert apps["petstore-oauth"].inputs["requestedAccessTokenVersion"] == 2

    def parts(type_: str) -> dict[str, dict]:
        found = {r.name: r for r in dev_plan.by_type(type_)}
        for r in found.values():  # each part waits for its app registration
            assert any(a.urn in r.dependencies for a in apps.values()), r.name
        return {n: r.inputs for n, r in found.items()}

    redirects = parts("azuread:index/applicationRedirectUris:ApplicationRedirectUris")
    assert redirects["petstore-oauth/spa"]["type"] == "SPA"
    assert redirects["petstore-oauth/spa"]["redirectUris"] == [
        "https://contoso-apis-dev.portal.eastus.azure-api-center.ms",
        "https://contoso-apis-dev.portal.eastus.azure-apicenter.ms",
    ]
    assert redirects["portal-signin/public-client"]["type"] == "PublicClient"
    assert redirects["portal-signin/public-client"]["redirectUris"] == "[unknown until apply]"  # the broker URI holds the client id
    # api://{tenantId}/petstore-${stack}: the tenant filled in from the client configuration
    assert parts("azuread:index/applicationIdentifierUri:ApplicationIdentifierUri")["petstore-oauth"]["identifierUri"] == f"api://{PLACEHOLDER_TENANT}/petstore-dev"
    scopes = {i["value"]: i for i in parts("azuread:index/applicationPermissionScope:ApplicationPermissionScope").values()}
    assert scopes["Pets.Read"]["type"] == "User" and scopes["Pets.Write"]["type"] == "Admin"
    assert all(GUID.match(s["scopeId"]) for s in scopes.values())
    owners = parts("azuread:index/applicationOwner:ApplicationOwner")
    assert owners["petstore-oauth/owner/alice@contoso.com"]["ownerObjectId"] == fake_object_id("user", "alice@contoso.com")
    assert list(owners) == ["petstore-oauth/owner/alice@contoso.com"]
    # Entra makes an OwnedBy creator an owner of each app itself; each service principal is
    # created with it as owner, which the provider would otherwise remove right after
    deployer = fake_object_id("client", "pipeline")
    principals = {r.name: r for r in dev_plan.by_type("azuread:index/servicePrincipal:ServicePrincipal")}
    assert {n: (r.inputs["owners"], r.options["ignoreChanges"]) for n, r in principals.items()} == {app: ([deployer], ["owners"]) for app in apps}
    (access,) = parts("azuread:index/applicationApiAccess:ApplicationApiAccess").values()
    assert access["apiClientId"] == arm.DATA_PLANE_APP_ID and access["scopeIds"] == [arm.DATA_PLANE_SCOPE_ID]
    (password,) = dev_plan.by_type("azuread:index/applicationPassword:ApplicationPassword")
    end, window = secret_schedule(180, 90)
    assert password.inputs["endDate"] == end
    assert password.inputs["rotateWhenChanged"] == {"window": window}
    assert set(password.inputs["rotateWhenChanged"]) == {"window"}
    assert "value" in password.options["additionalSecretOutputs"]
    (stored,) = [r for r in dev_plan.by_type("azure-native:keyvault:Secret") if r.inputs["secretName"] == "petstore-oauth-client-secret"]
    assert stored.inputs["properties"]["value"] == "[secret]"
    assert password.urn in stored.dependencies


def test_auth_config_wire_shapes(dev_plan: Recording) -> None:
    configs = generic(dev_plan, "authConfigs")
    assert set(configs) == {"petstore-key", "petstore-oauth", "partner-oauth", "legacy-basic"}
    key = configs["petstore-key"].inputs
    assert key["resourceId"] == f"{SERVICE}/workspaces/default/authConfigs/petstore-key"
    assert key["apiVersion"] == "2024-03-15-preview"
    assert key["writeOnly"] == ["apiKey.value", "http.value", "oauth2.clientSecret"]
    assert key["specPaths"]["apiKey.value"] == "authConfigs.petstore-key.apiKey.secret"
    assert key["adopt"] is False
    assert key["properties"] == {
        "title": "Petstore API key",
        "description": "Key for the public tier",
        "securityScheme": "apiKey",
        "apiKey": {"in": "header", "name": "x-api-key", "value": "https://kv-contoso-dev.vault.azure.net/secrets/petstore-api-key"},
    }
    tenant = "00000000-0000-0000-0000-00000000aaaa"
    oauth = configs["petstore-oauth"].inputs["properties"]["oauth2"]
    assert oauth == {
        "clientId": "[unknown until apply]",
        "clientSecret": "https://kv-contoso-dev.vault.azure.net/secrets/petstore-oauth-client-secret",
        "authorizationUrl": f"https://login.microsoftonline.com/{tenant}/oauth2/v2.0/authorize",
        "tokenUrl": f"https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token",
        "refreshUrl": f"https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token",
        "supportedFlows": ["authorization_code (PKCE)", "client_credentials"],
        "supportedScopes": [f"api://{tenant}/petstore-dev/Pets.Read", f"api://{tenant}/petstore-dev/.default"],
    }
    partner = configs["partner-oauth"].inputs["properties"]["oauth2"]
    assert partner["clientId"] == "6f1e2d3c-4b5a-4968-8776-655443322110"
    assert partner["refreshUrl"] == partner["tokenUrl"] == "https://idp.example.com/oauth2/token"
    assert configs["legacy-basic"].inputs["properties"]["http"] == {
        "scheme": "basic",
        "value": "https://kv-contoso-dev.vault.azure.net/secrets/legacy-credentials",
    }


def test_dependencies_that_matter(dev_plan: Recording) -> None:
    by_name = {(r.type, r.name): r for r in dev_plan.resources}
    grants = {r.urn for r in dev_plan.by_type("azure-native:authorization:RoleAssignment") if r.name.startswith("secrets-user/")}
    configs = generic(dev_plan, "authConfigs")
    for name in ("petstore-key", "petstore-oauth", "partner-oauth", "legacy-basic"):
        assert grants <= set(configs[name].dependencies), name  # Key Vault-backed: waits for Secrets User
    bindings = generic(dev_plan, "securityRequirements")
    b = bindings["petstore/v1-0/petstore-key"]
    assert b.inputs["properties"] == {"authConfigResourceId": "/authConfigs/petstore-key"}
    assert b.inputs["resourceId"] == f"{SERVICE}/workspaces/default/apis/petstore/versions/v1-0/securityRequirements/petstore-key"
    assert by_name[("azure-native:apicenter:ApiVersion", "petstore/v1-0")].urn in b.dependencies
    assert configs["petstore-key"].urn in b.dependencies
    for r in dev_plan.by_type("azure-native:authorization:RoleAssignment"):
        if r.name.startswith("petstore/v1-0/petstore-key/"):
            assert r.dependencies == [b.urn]


def test_portal(dev_plan: Recording) -> None:
    portal = generic(dev_plan, "portals")["default"].inputs
    assert portal["resourceId"] == f"{SERVICE}/portals/default"
    assert portal["apiVersion"] == "2024-06-01-preview"
    assert portal["properties"] == {
        "title": "Contoso APIs (dev)",
        "enabled": True,
        "allowAnonymousAccess": False,
        "authentication": {"clientId": "[unknown until apply]", "tenantId": "00000000-0000-0000-0000-00000000aaaa", "authMode": "azureRbac"},
    }
    assert dev_plan.outputs["portalUrl"] == "https://contoso-apis-dev.portal.eastus.azure-api-center.ms"


def test_stack_outputs(dev_plan: Recording) -> None:
    out = dev_plan.outputs
    assert out["apiCenterId"] == SERVICE
    assert out["vaultUri"] == "https://kv-contoso-dev.vault.azure.net/"
    assert out["authConfigIds"]["petstore-key"] == f"{SERVICE}/workspaces/default/authConfigs/petstore-key"
    assert set(out["entraAppClientIds"]) == {"petstore-oauth", "portal-signin"}


EXISTING = """\
specVersion: 1
apiCenter:
  name: apis-${stack}
  resourceGroup: rg-shared
  createResourceGroup: false
  location: eastus
  identity:
    type: UserAssigned
    userAssigned:
      - id: /subscriptions/s1/resourceGroups/rg-id/providers/Microsoft.ManagedIdentity/userAssignedIdentities/shared-id
keyVault:
  name: kv-shared
  resourceGroup: rg-kv
  existing: true
  secrets:
    old-key: {existing: true}
authConfigs:
  old-key:
    title: Old key
    apiKey: {in: query, name: code, secret: old-key}
environments:
  prod: {title: Prod, kind: production, existing: true}
apis:
  legacy:
    title: Legacy
    kind: soap
    existing: true
    versions:
      v1-0:
        title: v1
        lifecycleStage: production
        existing: true
        definitions: {wsdl: {title: WSDL, existing: true}}
        access:
          - authConfig: old-key
            users: [dana@contoso.com]
      v2-0:
        title: v2
        lifecycleStage: preview
    deployments:
      prod: {title: Prod, environment: prod, definition: v1-0/wsdl, runtimeUris: ["https://legacy.contoso.com"], existing: true}
"""


def test_existing_items_are_referenced_not_created(tmp_path: Path) -> None:
    rec = record(write_spec(tmp_path, EXISTING), stack="dev")
    types = Counter(r.type for r in rec.resources if r.custom)
    assert "azure-native:resources:ResourceGroup" not in types
    assert "azure-native:keyvault:Vault" not in types
    assert "azure-native:keyvault:Secret" not in types
    assert "azure-native:apicenter:Api" not in types
    assert "azure-native:apicenter:Environment" not in types
    assert "azure-native:apicenter:Deployment" not in types
    assert "azure-native:apicenter:ApiDefinition" not in types
    assert [r.name for r in rec.by_type("azure-native:apicenter:ApiVersion")] == ["legacy/v2-0"]  # the new version only
    (grant,) = roles(rec, arm.KEY_VAULT_SECRETS_USER)
    assert grant["scope"] == f"/subscriptions/{SUB}/resourceGroups/rg-kv/providers/Microsoft.KeyVault/vaults/kv-shared"
    assert grant["principalId"] == fake_object_id("identity", "shared-id")
    (binding,) = generic(rec, "securityRequirements").values()
    assert binding.inputs["resourceId"].endswith("/services/apis-dev/workspaces/default/apis/legacy/versions/v1-0/securityRequirements/old-key")
    (reader,) = roles(rec, arm.CREDENTIAL_ACCESS_READER)
    assert reader["principalType"] == "User"


def test_runs_as_pulumi_up_with_real_secret_values(tmp_path: Path) -> None:
    """Not a preview: secret config set, outputs known; the values never appear in the record."""
    rec = record(
        Path("config/dev.yaml").resolve(),
        stack="dev",
        config={"apic-access:petstoreApiKey": "s3cr3t-api-key-value", "apic-access:partnerClientSecret": "partner-s3cr3t-value"},
        preview=False,
    )
    text = repr(rec.resources) + repr(rec.outputs)
    assert "s3cr3t-api-key-value" not in text and "partner-s3cr3t-value" not in text
    assert rec.outputs["entraAppClientIds"]["petstore-oauth"] != "[unknown until apply]"


def test_missing_secret_config_is_a_clear_error(tmp_path: Path) -> None:
    from apic_access import recorder

    with pytest.raises(pulumi.RunError) as err:
        recorder.record(Path("config/dev.yaml").resolve(), stack="dev", config={"apic-access:petstoreApiKey": "x"}, preview=False, secret_placeholders=False)
    assert str(err.value) == (
        "secret config missing for stack 'dev'; set it with:\n  pulumi config set --secret apic-access:partnerClientSecret <value>"
    )


def test_spec_problems_stop_the_program(tmp_path: Path) -> None:
    bad = write_spec(tmp_path, "specVersion: 1\napiCenter: {name: x, resourceGroup: rg, location: eastus}\n")
    with pytest.raises(pulumi.RunError) as err:
        record(bad, stack="dev")
    assert str(err.value) == (
        f"the spec has problems; nothing was changed:\n{bad}:2:19: apiCenter.name: 'x' is 1 character; API Center names are 3 to 90 characters: make it longer"
    )


def test_client_secret_schedule_is_stable_and_outlives_its_window() -> None:
    import datetime as dt

    first = secret_schedule(180, 90, dt.date(2026, 11, 27))
    assert first == secret_schedule(180, 90, dt.date(2026, 12, 1))  # same window, same inputs: no change
    later = secret_schedule(180, 90, dt.date(2027, 3, 1))
    assert later[1] != first[1]  # a new window: the secret is replaced
    start_of_window = dt.date(2020, 1, 1) + dt.timedelta(days=int(first[1]) * 90)
    assert first[0] == f"{start_of_window + dt.timedelta(days=180)}T00:00:00Z"
    assert secret_schedule(30, None, dt.date(2026, 11, 27)) == ("2026-12-27T00:00:00Z", None)


def test_existing_identity_is_read_in_its_own_subscription(tmp_path: Path) -> None:
    rec = record(write_spec(tmp_path, EXISTING), stack="dev", config={"azure-native:clientId": "11111111-2222-3333-4444-555555555555", "azure-native:useOidc": "true"})
    (provider,) = rec.by_type("pulumi:providers:azure-native")
    assert provider.inputs["subscriptionId"] == "s1"  # the identity's subscription, from its resource id
    assert provider.inputs["useOidc"] == "true"  # signs in as the default provider would
    assert provider.inputs["clientId"] == "[secret]"
    ((lookup, via),) = [(a, p) for (token, a), p in zip(rec.invokes, rec.invoke_providers, strict=True) if token == "azure-native:managedidentity:getUserAssignedIdentity"]
    assert (lookup["resourceGroupName"], lookup["resourceName"]) == ("rg-id", "shared-id")
    assert via.startswith(provider.urn + "::")  # through that provider, not the default one


def test_preview_write_only_fields_are_not_read_back(tmp_path: Path) -> None:
    text = (ROOT_DEV.read_text(encoding="utf-8")).replace(
        "  location: eastus\n", "  location: eastus\n  previewWriteOnly:\n    authConfigs: [oauth2.refreshUrl]\n    portals: [authentication.authMode]\n", 1
    )
    spec = ROOT_DEV.parent / "dev-write-only.yaml"
    spec.write_text(text, encoding="utf-8")
    try:
        rec = record(spec, stack="dev")
    finally:
        spec.unlink()
    oauth = generic(rec, "authConfigs")["petstore-oauth"].inputs
    assert oauth["writeOnly"] == ["apiKey.value", "http.value", "oauth2.clientSecret", "oauth2.refreshUrl"]
    assert generic(rec, "portals")["default"].inputs["writeOnly"] == ["authentication.authMode"]
    assert all(b.inputs["writeOnly"] == [] for b in generic(rec, "securityRequirements").values())


ROOT_DEV = Path(__file__).resolve().parents[2] / "config" / "dev.yaml"


def test_deployment_without_title_environment_or_definition(tmp_path: Path) -> None:
    """ARM takes a deployment that names no environment or definition and has no title: the
    program writes it so, with neither id nor title (a made-up one would differ from Azure's)."""
    spec = write_spec(
        tmp_path,
        """specVersion: 1
apiCenter: {name: "apis-${stack}", resourceGroup: rg-apis, location: eastus}
apis:
  events:
    title: Events
    kind: websocket
    deployments:
      live: {runtimeUris: ["wss://events.contoso.com/stream"]}
""",
    )
    rec = record(spec, stack="dev")
    (deployment,) = rec.by_type("azure-native:apicenter:Deployment")
    assert deployment.name == "events/live"
    assert {k: v for k, v in deployment.inputs.items() if k not in ("resourceGroupName", "serviceName", "workspaceName")} == {
        "apiName": "events",
        "deploymentName": "live",
        "server": {"runtimeUri": ["wss://events.contoso.com/stream"]},
        "state": "active",
    }
