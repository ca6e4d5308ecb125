"""The ARM contract: every fact about Azure the components rely on, in one module.

Role ids, api-versions, resource id shapes, portal hosts and the write shapes of the
preview types (authConfigs, securityRequirements, portals), whose ARM specs are not
published. A change in a preview API is a change to this file only; a spec can also
override the api-versions (apiCenter.previewApiVersions) and add fields
(authConfigs.*.extraProperties) without waiting for a release.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from typing import Any

# Built-in role definition ids.
KEY_VAULT_SECRETS_USER = "4633458b-17de-408a-b874-0445c86b69e6"
CREDENTIAL_ACCESS_READER = "1df7cd83-1d3f-41df-95b0-53b30d963369"
API_CENTER_DATA_READER = "c7244dfb-f447-457d-b2ba-3999044d1706"

ROLE_NAMES = {
    KEY_VAULT_SECRETS_USER: "Key Vault Secrets User",
    CREDENTIAL_ACCESS_READER: "Azure API Center Credential Access Reader",
    API_CENTER_DATA_READER: "Azure API Center Data Reader",
}

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


def binding_id(subscription_id: str, resource_group: str, service: str, api: str, version: str, binding: str) -> str:
    return f"{service_id(subscription_id, resource_group, service)}/workspaces/{WORKSPACE}/apis/{api}/versions/{version}/securityRequirements/{binding}"


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
