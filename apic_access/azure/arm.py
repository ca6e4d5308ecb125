"""The ARM contract: every fact about Azure the components rely on, in one module.

Role ids, api-versions, resource id shapes, portal hosts and the write shapes of the
preview types (authConfigs, securityRequirements, portals), whose ARM specs are not
published. A change in a preview API is a change to this file only; a spec can also
override the api-versions (apiCenter.previewApiVersions) and add fields
(authConfigs.*.extraProperties) without waiting for a release.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

# Built-in role definition ids.
KEY_VAULT_SECRETS_USER = "4633458b-17de-408a-b874-0445c86b69e6"
CREDENTIAL_ACCESS_READER = "1df7cd83-1d3f-41df-95b0-53b30d963369"
API_CENTER_DATA_READER = "c7244dfb-f447-457d-b2ba-3999044d1706"

# Never assigned by the program: its secrets are kept in Azure on delete, so no data-plane
# delete (docs/permissions.md). Named here for the checks and docs that mention it.
KEY_VAULT_SECRETS_OFFICER = "b86a8fe4-44ce-4948-aee5-eccb2c155cd7"
# What the deploying identity holds to write the assignments below (constrained by the condition).
RBAC_ADMINISTRATOR = "f58310d9-a9f6-439a-9e8d-f62e7b41a168"

ROLE_NAMES = {
    KEY_VAULT_SECRETS_USER: "Key Vault Secrets User",
    CREDENTIAL_ACCESS_READER: "Azure API Center Credential Access Reader",
    API_CENTER_DATA_READER: "Azure API Center Data Reader",
}

# Every role the program assigns, and nothing else: what the condition below allows.
ASSIGNED_ROLES = (KEY_VAULT_SECRETS_USER, CREDENTIAL_ACCESS_READER, API_CENTER_DATA_READER)


def role_assignment_condition(roles: Iterable[str] = ASSIGNED_ROLES) -> str:
    """The ABAC condition (version 2.0) that keeps Role Based Access Control Administrator to
    writing and deleting assignments of `roles` only (in the order given), in Microsoft's
    delegation form."""
    ids = ", ".join(roles)
    return (
        "((!(ActionMatches{'Microsoft.Authorization/roleAssignments/write'})) OR "
        f"(@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {{{ids}}})) AND "
        "((!(ActionMatches{'Microsoft.Authorization/roleAssignments/delete'})) OR "
        f"(@Resource[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {{{ids}}}))"
    )

# Role assignments per subscription: fixed, cannot be raised (RoleAssignmentLimitExceeded);
# subscription, resource-group and resource scopes all count, so every shard of a spec shares it.
ROLE_ASSIGNMENTS_PER_SUBSCRIPTION = 4000

# Entra security groups: displayName at most 256 characters; mailNickname is required even
# for a group that is not mail-enabled, at most 64 ASCII characters without spaces or any of
# @ ( ) \ [ ] " ; : < > ,
GROUP_DISPLAY_NAME_MAX = 256
GROUP_MAIL_NICKNAME_MAX = 64
GROUP_MAIL_NICKNAME_REFUSED = re.compile(r"[^A-Za-z0-9._-]")  # stricter than Entra, never wrong

PREVIEW_API_VERSIONS: Mapping[str, str] = {
    "authConfigs": "2024-03-15-preview",
    "securityRequirements": "2024-03-15-preview",
    "portals": "2024-06-01-preview",
}

# importSpecification: the action that loads a definition's file (a long-running POST)
IMPORT_SPECIFICATION_API_VERSION = "2024-03-15-preview"
ARM_ENDPOINT = "https://management.azure.com"

WORKSPACE = "default"
NAMESPACE = "Microsoft.ApiCenter"

# The portal sign-in app's delegated access to the API Center data plane.
DATA_PLANE_APP_ID = "c3ca1a77-7a87-4dba-b8f8-eea115ae4573"
DATA_PLANE_SCOPE_ID = "44327351-3395-414e-882e-7aa4a9c3b25d"
PORTAL_PUBLIC_CLIENT_REDIRECTS = ("https://vscode.dev/redirect", "http://localhost")

# Wire values of the oauth2 flows, as the portal's data plane returns them.
OAUTH2_FLOWS = {"authorizationCode": "authorization_code (PKCE)", "clientCredentials": "client_credentials"}

# Namespace for deterministic role assignment names (uuid5).
_ASSIGNMENT_NAMESPACE = uuid.UUID("5f0c3a52-7d4e-4b8f-9a61-2c7e8d9f0a1b")


def role_definition_id(subscription_id: str, role: str) -> str:
    return f"/subscriptions/{subscription_id}/providers/Microsoft.Authorization/roleDefinitions/{role}"


def assignment_name(scope: str, role: str, principal_id: str) -> str:
    """A deterministic GUID: the same scope, role and principal always give the same name,
    so a re-run, a preview or a clone never meets RoleAssignmentExists."""
    return str(uuid.uuid5(_ASSIGNMENT_NAMESPACE, f"{scope.lower()}|{role}|{principal_id.lower()}"))


def resource_group_id(subscription_id: str, resource_group: str) -> str:
    return f"/subscriptions/{subscription_id}/resourceGroups/{resource_group}"


def service_id(subscription_id: str, resource_group: str, service: str) -> str:
    return f"{resource_group_id(subscription_id, resource_group)}/providers/{NAMESPACE}/services/{service}"


def vault_id(subscription_id: str, resource_group: str, vault: str) -> str:
    return f"{resource_group_id(subscription_id, resource_group)}/providers/Microsoft.KeyVault/vaults/{vault}"


def user_assigned_identity_id(subscription_id: str, resource_group: str, name: str) -> str:
    return f"{resource_group_id(subscription_id, resource_group)}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{name}"


def workspace_path(service: str) -> str:
    """parent_resource_path of a workspace-level resource, for the generic Resource."""
    return f"services/{service}/workspaces/{WORKSPACE}"


def version_path(service: str, api: str, version: str) -> str:
    return f"{workspace_path(service)}/apis/{api}/versions/{version}"


def auth_config_id(subscription_id: str, resource_group: str, service: str, name: str) -> str:
    return f"{service_id(subscription_id, resource_group, service)}/workspaces/{WORKSPACE}/authConfigs/{name}"


def api_id(subscription_id: str, resource_group: str, service: str, api: str) -> str:
    return f"{service_id(subscription_id, resource_group, service)}/workspaces/{WORKSPACE}/apis/{api}"


def version_id(subscription_id: str, resource_group: str, service: str, api: str, version: str) -> str:
    return f"{api_id(subscription_id, resource_group, service, api)}/versions/{version}"


def binding_id(subscription_id: str, resource_group: str, service: str, api: str, version: str, binding: str) -> str:
    return f"{version_id(subscription_id, resource_group, service, api, version)}/securityRequirements/{binding}"


def definition_id(subscription_id: str, resource_group: str, service: str, api: str, version: str, definition: str) -> str:
    return f"{service_id(subscription_id, resource_group, service)}/workspaces/{WORKSPACE}/apis/{api}/versions/{version}/definitions/{definition}"


def deployment_definition_ref(api: str, version: str, definition: str) -> str:
    """Deployment.definitionId: relative to the service, as ARM stores it."""
    return f"/workspaces/{WORKSPACE}/apis/{api}/versions/{version}/definitions/{definition}"


def deployment_environment_ref(environment: str) -> str:
    return f"/workspaces/{WORKSPACE}/environments/{environment}"


def portal_hosts(service: str, location: str) -> tuple[str, ...]:
    """Both documented host forms of the API Center portal."""
    return (
        f"https://{service}.portal.{location}.azure-api-center.ms",
        f"https://{service}.portal.{location}.azure-apicenter.ms",
    )


def data_plane_url(service: str, location: str) -> str:
    return f"https://{service}.data.{location}.azure-apicenter.ms"


def entra_urls(tenant_id: str) -> dict[str, str]:
    base = f"https://login.microsoftonline.com/{tenant_id}/oauth2/v2.0"
    return {"authorizationUrl": f"{base}/authorize", "tokenUrl": f"{base}/token", "refreshUrl": f"{base}/token"}


def deep_merge(base: Mapping[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in extra.items():
        out[key] = deep_merge(out[key], value) if isinstance(out.get(key), Mapping) and isinstance(value, Mapping) else value
    return out


def auth_config_properties(
    *,
    title: str,
    description: str | None,
    scheme: str,
    api_key: Mapping[str, str] | None = None,
    oauth2: Mapping[str, Any] | None = None,
    http: Mapping[str, str] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The `properties` of an authConfigs resource.

    api_key: in, name, secret (Key Vault secret URI); oauth2: clientId, clientSecret (URI),
    authorizationUrl, tokenUrl, refreshUrl, flows, scopes; http: scheme, secret (URI).
    """
    props: dict[str, Any] = {"title": title, "securityScheme": scheme}
    if description:
        props["description"] = description
    if api_key is not None:
        props["apiKey"] = {"in": api_key["in"], "name": api_key["name"], "value": api_key["secret"]}
    if oauth2 is not None:
        o: dict[str, Any] = {
            "clientId": oauth2["clientId"],
            "tokenUrl": oauth2["tokenUrl"],
            "refreshUrl": oauth2.get("refreshUrl") or oauth2["tokenUrl"],
            "supportedFlows": [OAUTH2_FLOWS[f] for f in oauth2["flows"]],
            "supportedScopes": list(oauth2["scopes"]) if isinstance(oauth2["scopes"], (list, tuple)) else oauth2["scopes"],
        }
        if oauth2.get("authorizationUrl"):
            o["authorizationUrl"] = oauth2["authorizationUrl"]
        if oauth2.get("clientSecret"):
            o["clientSecret"] = oauth2["clientSecret"]
        props["oauth2"] = o
    if http is not None:
        h = {"scheme": http["scheme"]}
        if http.get("secret"):
            h["value"] = http["secret"]
        props["http"] = h
    return deep_merge(props, extra or {})


# authConfig fields ARM takes but never returns (Key Vault secret references): a read-back
# cannot check them, and `verify` proves them end to end through the data plane's :getCredentials.
AUTH_CONFIG_WRITE_ONLY = ("apiKey.value", "oauth2.clientSecret", "http.value")


def auth_config_spec_paths(name: str, *, entra_app: bool, extra: Mapping[str, Any] | None = None) -> dict[str, str]:
    """Wire property path -> spec path of an auth config, for messages about what Azure did not keep."""
    base = f"authConfigs.{name}"
    paths = {
        "": base,
        "title": f"{base}.title",
        "description": f"{base}.description",
        "securityScheme": base,
        "apiKey": f"{base}.apiKey",
        "apiKey.value": f"{base}.apiKey.secret",
        "http": f"{base}.http",
        "http.value": f"{base}.http.secret",
        "oauth2": f"{base}.oauth2.entraApp" if entra_app else f"{base}.oauth2",
        "oauth2.supportedFlows": f"{base}.oauth2.flows",
        "oauth2.supportedScopes": f"{base}.oauth2.scopes",
    }
    for path in _leaf_paths(extra or {}):
        paths[path] = f"{base}.extraProperties.{path}"
    return paths


def _leaf_paths(value: Mapping[str, Any], prefix: str = "") -> list[str]:
    out: list[str] = []
    for key, item in value.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        out.extend(_leaf_paths(item, path) if isinstance(item, Mapping) and item else [path])
    return out


def binding_spec_paths(api: str, version: str, binding: str) -> dict[str, str]:
    entry = f"apis.{api}.versions.{version}.access[{binding}]"
    return {"": entry, "authConfigResourceId": f"{entry}.authConfig"}


PORTAL_SPEC_PATHS = {
    "": "portal",
    "title": "portal.title",
    "enabled": "portal.enabled",
    "allowAnonymousAccess": "portal.anonymousAccess",
    "authentication": "portal.signIn",
}


def portal_id(subscription_id: str, resource_group: str, service: str) -> str:
    return f"{service_id(subscription_id, resource_group, service)}/portals/default"


def security_requirement_properties(auth_config: str) -> dict[str, str]:
    """A binding's properties: the auth config, relative to the workspace as ARM stores it."""
    return {"authConfigResourceId": f"/authConfigs/{auth_config}"}


def portal_properties(*, title: str, enabled: bool, anonymous: bool, client_id: Any, tenant_id: str) -> dict[str, Any]:
    return {
        "title": title,
        "enabled": enabled,
        "allowAnonymousAccess": anonymous,
        "authentication": {"clientId": client_id, "tenantId": tenant_id, "authMode": "azureRbac"},
    }


# --- What a change does: the properties whose change is a replacement --------------------
#
# Pulumi replaces a resource (a delete and a create) when a property changes that the
# provider cannot update in place. Paths are input paths as the provider receives them
# (camelCase); a path covers everything below it. Each fact names its source.
_ARM_PATH = "azure-native: every property of the resource's ARM URL path forces a replacement (pulumi/pulumi-azure-native#77)"
_LOCATION = (
    "azure-native: `location` is create-only in the ARM spec (x-ms-mutability [read, create] on TrackedResource.location), "
    "which the provider turns into a replacement (pulumi/pulumi-azure-native#137)"
)
_RG_LOCATION = "azure-native provider/pkg/gen/replacement.go, forceNewMap Resources.ResourceGroup: location"
_ROLE = "azure-native provider/pkg/gen/replacement.go, forceNewMap Authorization.RoleAssignment: principalId, scope (ARM: RoleAssignmentUpdateNotPermitted; pulumi/pulumi-azure-native#771, #1010)"
_AZUREAD = "pulumi_azuread SDK docstring: \"Changing this forces a new resource to be created\""


def _facts(source: str, *paths: str) -> tuple[tuple[str, str], ...]:
    return tuple((p, source) for p in paths)


_WS = ("resourceGroupName", "serviceName", "workspaceName")
FORCE_NEW: Mapping[str, tuple[tuple[str, str], ...]] = {
    "azure-native:resources:ResourceGroup": _facts(_ARM_PATH, "resourceGroupName") + _facts(_RG_LOCATION, "location"),
    "azure-native:apicenter:Service": _facts(_ARM_PATH, "resourceGroupName", "serviceName") + _facts(_LOCATION, "location"),
    "azure-native:managedidentity:UserAssignedIdentity": _facts(_ARM_PATH, "resourceGroupName", "resourceName") + _facts(_LOCATION, "location"),
    "azure-native:keyvault:Vault": _facts(_ARM_PATH, "resourceGroupName", "vaultName") + _facts(_LOCATION, "location"),
    "azure-native:keyvault:Secret": _facts(_ARM_PATH, "resourceGroupName", "vaultName", "secretName"),
    "azure-native:apicenter:Environment": _facts(_ARM_PATH, *_WS, "environmentName"),
    "azure-native:apicenter:Api": _facts(_ARM_PATH, *_WS, "apiName"),
    "azure-native:apicenter:ApiVersion": _facts(_ARM_PATH, *_WS, "apiName", "versionName"),
    "azure-native:apicenter:ApiDefinition": _facts(_ARM_PATH, *_WS, "apiName", "versionName", "definitionName"),
    "azure-native:apicenter:Deployment": _facts(_ARM_PATH, *_WS, "apiName", "deploymentName"),
    # the generic resource behind the preview types: its id is built from these
    "azure-native:resources:Resource": _facts(_ARM_PATH, "resourceGroupName", "resourceProviderNamespace", "parentResourcePath", "resourceType", "resourceName"),
    "azure-native:authorization:RoleAssignment": _facts(_ARM_PATH, "scope", "roleAssignmentName") + _facts(_ROLE, "principalId"),
    "azuread:index/applicationRedirectUris:ApplicationRedirectUris": _facts(_AZUREAD, "applicationId", "type"),
    "azuread:index/applicationIdentifierUri:ApplicationIdentifierUri": _facts(_AZUREAD, "applicationId", "identifierUri"),
    "azuread:index/applicationPermissionScope:ApplicationPermissionScope": _facts(_AZUREAD, "applicationId", "scopeId"),
    "azuread:index/applicationOwner:ApplicationOwner": _facts(_AZUREAD, "applicationId", "ownerObjectId"),
    "azuread:index/applicationApiAccess:ApplicationApiAccess": _facts(_AZUREAD, "applicationId", "apiClientId"),
    "azuread:index/applicationPassword:ApplicationPassword": _facts(
        _AZUREAD, "applicationId", "displayName", "endDate", "endDateRelative", "rotateWhenChanged", "startDate"
    ),
    "azuread:index/servicePrincipal:ServicePrincipal": _facts(
        "terraform-provider-azuread service_principal_resource.go: the client (application) id is ForceNew", "clientId"
    ),
    "azuread:index/group:Group": _facts(_AZUREAD, "assignableToRole", "behaviors", "mailNickname", "provisioningOptions", "types"),
    "azuread:index/groupMember:GroupMember": _facts(_AZUREAD, "groupObjectId", "memberObjectId"),
    # our dynamic providers: PreviewResource.diff replaces on a new ARM id (deleting first, see DELETE_FIRST_TYPES)
    "pulumi-python:dynamic/apicenter:PreviewResource": _facts("components/preview_resource.py: diff() replaces on resourceId", "resourceId"),
    # DefinitionImport.diff: a new definition id
    "pulumi-python:dynamic/apicenter:DefinitionImport": _facts("components/definition_import.py: diff() replaces on definitionId", "definitionId"),
}

# How Pulumi replaces, when the program sets no `deleteBeforeReplace`: azure-native and dynamic
# providers create the new resource first, then delete the old; the Terraform bridge (azuread)
# deletes first for resources without an auto-named property, which is all of azuread's we use
# (pulumi/pulumi-terraform#465).
DELETE_FIRST_PROVIDERS = ("azuread",)
# resource types whose provider asks for delete-before-replace itself (DiffResult.delete_before_replace)
DELETE_FIRST_TYPES = ("pulumi-python:dynamic/apicenter:PreviewResource",)

# Deleting a resource in ARM deletes the resources under its id (an API takes its versions,
# definitions and deployments with it). Role assignments are separate objects and stay.
CASCADE_EXCLUDES = ("/providers/Microsoft.Authorization/roleAssignments/",)


def forces_replacement(type_: str, path: str) -> str | None:
    """The source of the fact when a change at `path` replaces a resource of `type_`, else None."""
    for fact, source in FORCE_NEW.get(type_, ()):
        if path == fact or path.startswith((fact + ".", fact + "[")) or fact.startswith((path + ".", path + "[")):
            return source
    return None


def deletes_first(type_: str, delete_before_replace: bool) -> bool:
    """Whether a replacement of `type_` deletes the old resource before creating the new one."""
    return delete_before_replace or type_ in DELETE_FIRST_TYPES or type_.split(":", 1)[0] in DELETE_FIRST_PROVIDERS
# Credential Access Reader above a binding is only ever the spec's explicit choice (an access
# entry's or accessDefaults' `scope`). The assignment's description says so: ARM keeps it with
# the assignment, a person reading it in the portal learns why, and the policy pack (which
# cannot read the spec) accepts a version or API scope only when the description names that
# very scope kind, so a hand-made assignment at the service or above is still refused.
COARSE_SCOPE_MARKER = "scope chosen in the spec: {kind}"


def assignment_description(role: str, scope_kind: str = "binding") -> str:
    text = f"{ROLE_NAMES[role]}, managed by apic-access"
    if role == CREDENTIAL_ACCESS_READER and scope_kind in ("version", "api", "service"):
        text += f" ({COARSE_SCOPE_MARKER.format(kind=scope_kind)})"
    return text


# Identifier URIs (application ID URIs) as Entra's identifier-URI restrictions accept them.
# A spec writes `{tenantId}` and `{appId}`, which are filled in at deploy time.
IDENTIFIER_URI_FORMS = (
    "api://{appId}",
    "api://{tenantId}/<string>",
    "api://{tenantId}/{appId}",
    "api://<string>/{appId}",
    "api://<string>.<verified or initial domain>/<string>",
    "https://<initial>.onmicrosoft.com/<string>",
    "https://<verified domain>[/<string>]",
)
_GUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
_TENANT = rf"(?:\{{tenantId\}}|{_GUID})"  # a literal tenant id is accepted as well
_APP = r"\{appId\}"
_SEGMENT = r"[^/\s{}]+"
_ACCEPTED_IDENTIFIER_URI = re.compile(
    "^(?:"
    rf"api://{_APP}"
    rf"|api://{_TENANT}/(?:{_APP}|{_SEGMENT}(?:/{_SEGMENT})*)"
    rf"|api://{_SEGMENT}/{_APP}"
    rf"|api://{_SEGMENT}\.[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*/{_SEGMENT}(?:/{_SEGMENT})*"
    rf"|https://[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+(?:/{_SEGMENT})*/?"
    ")$"
)


def identifier_uri_accepted(uri: str) -> bool:
    """Whether Entra's identifier-URI restrictions accept `uri` (placeholders unfilled).

    Domains cannot be checked offline: an https or dotted api URI is accepted as long as its
    shape is; Entra refuses a domain that is not verified in the tenant."""
    return bool(_ACCEPTED_IDENTIFIER_URI.match(uri))


def fill_identifier_uri(template: str, *, tenant_id: str, app_id: str) -> str:
    return template.replace("{tenantId}", tenant_id).replace("{appId}", app_id)


def managed_group_names(service: str, scope_label: str) -> tuple[str, str]:
    """(displayName, mailNickname) of the security group made for one grant scope.

    Readable (the API center, then api/version/binding) and deterministic; a name over Entra's
    limit keeps its readable start and ends in a hash of the whole name, so it stays unique."""
    full = f"{service} API access: {scope_label}"
    digest = hashlib.sha256(full.encode("utf-8")).hexdigest()[:10]
    display = full if len(full) <= GROUP_DISPLAY_NAME_MAX else f"{full[: GROUP_DISPLAY_NAME_MAX - 11]}~{digest}"
    nickname = GROUP_MAIL_NICKNAME_REFUSED.sub("-", f"apic-{service}-{scope_label}")
    if len(nickname) > GROUP_MAIL_NICKNAME_MAX:
        nickname = f"{nickname[: GROUP_MAIL_NICKNAME_MAX - 11]}-{digest}"
    return display, nickname
# --- reading the live service (verify, export) -------------------------------------------------

API_CENTER_API_VERSION = "2024-03-15-preview"  # the typed API Center resources
KEY_VAULT_API_VERSION = "2024-11-01"  # vaults and secret metadata (ARM never returns a value)
ROLE_ASSIGNMENT_API_VERSION = "2022-04-01"
SUBSCRIPTION_API_VERSION = "2022-12-01"  # GET /subscriptions/<id>: its tenantId
MANAGED_IDENTITY_API_VERSION = "2023-01-31"

# A role assignment listing with this filter returns the assignments at the scope and above it.
AT_SCOPE = "atScope()"


def role_assignments_path(scope: str) -> str:
    return f"{scope}/providers/Microsoft.Authorization/roleAssignments"


def role_of(role_definition_id: str) -> str:
    """The role's GUID from a roleDefinitionId (subscription-qualified or not)."""
    return role_definition_id.rstrip("/").rsplit("/", 1)[-1].lower()


def key_vault_secret_id(vault_resource_id: str, secret: str) -> str:
    return f"{vault_resource_id}/secrets/{secret}"


def credentials_path(binding_resource_id: str) -> str:
    """The data plane's `:getCredentials` (POST, no body) for a binding's ARM id: the path from
    `/workspaces/` on, as the data plane names it."""
    i = binding_resource_id.lower().index("/workspaces/")
    return f"{binding_resource_id[i:]}:getCredentials"


def vault_of_secret_uri(uri: str) -> tuple[str, str] | None:
    """(vault name, secret name) of a Key Vault secret URI (versioned or not), or None."""
    match = re.fullmatch(r"https://([A-Za-z0-9-]+)\.vault\.azure\.net/secrets/([0-9A-Za-z-]+)(?:/[0-9a-fA-F]*)?/?", uri.strip())
    return (match.group(1), match.group(2)) if match else None


# The read-side names of the oauth2 flows, back to the spec's names.
OAUTH2_FLOWS_FROM_WIRE = {v.lower(): k for k, v in OAUTH2_FLOWS.items()}

# Where each scheme's Key Vault reference sits in an auth config's `properties` (write-only).
AUTH_CONFIG_SECRET_FIELD = {"apiKey": "apiKey.value", "oauth2": "oauth2.clientSecret", "http": "http.value"}
# The service property naming its data plane host (what the portal calls), sometimes with /workspaces/default.
SERVICE_DATA_HOST = "dataApiHostname"


# Azure's public and sovereign region names, as `az account list-locations --query [].name`
# gives them (late 2026). Azure adds regions now and then, so a name missing here is a warning,
# never an error: the list may be behind Azure.
LOCATIONS = frozenset(
    """
    australiacentral australiacentral2 australiaeast australiasoutheast austriaeast belgiumcentral brazilsouth
    brazilsoutheast brazilus canadacentral canadaeast centralindia centralus centraluseuap chilecentral eastasia
    eastus eastus2 eastus2euap francecentral francesouth germanynorth germanywestcentral indonesiacentral israelcentral
    italynorth japaneast japanwest jioindiacentral jioindiawest koreacentral koreasouth malaysiawest mexicocentral
    newzealandnorth northcentralus northeurope norwayeast norwaywest polandcentral qatarcentral southafricanorth
    southafricawest southcentralus southeastasia southindia spaincentral swedencentral swedensouth switzerlandnorth
    switzerlandwest uaecentral uaenorth uksouth ukwest westcentralus westeurope westindia westus westus2 westus3
    usgovarizona usgovtexas usgovvirginia usdodcentral usdodeast chinaeast chinaeast2 chinaeast3 chinanorth
    chinanorth2 chinanorth3
    """.split()
)


# Built-in roles doctor names as the smallest fix for a missing ARM right.
CONTRIBUTOR = "b24988ac-6180-42a0-ab88-20f7382dd24c"
API_CENTER_SERVICE_CONTRIBUTOR = "dd24193f-ef65-44e5-8a7e-6fa6e03f7713"  # Microsoft.ApiCenter/services/*
KEY_VAULT_CONTRIBUTOR = "f25e0fa2-a7c8-4377-a976-54943a77a395"  # Microsoft.KeyVault/* (control plane)
MANAGED_IDENTITY_CONTRIBUTOR = "e40ec5ca-96e0-45a2-b4ff-59039f2c2b59"
# azure-native deletes a keyvault:Secret on the data plane (a rotation replaces it): on an RBAC vault
# that is this data action (Key Vault Secrets Officer), which Owner and Contributor do not hold.
SECRET_DELETE_DATA_ACTION = "Microsoft.KeyVault/vaults/secrets/delete"
ROLE_NAMES = {
    **ROLE_NAMES,
    CONTRIBUTOR: "Contributor",
    API_CENTER_SERVICE_CONTRIBUTOR: "Azure API Center Service Contributor",
    KEY_VAULT_CONTRIBUTOR: "Key Vault Contributor",
    MANAGED_IDENTITY_CONTRIBUTOR: "Managed Identity Contributor",
    RBAC_ADMINISTRATOR: "Role Based Access Control Administrator",
    KEY_VAULT_SECRETS_OFFICER: "Key Vault Secrets Officer",
}
