"""A loopback fake of Azure that keeps state, shared by every test that calls Azure directly.

It answers as ARM does (PUT stores, GET reads, collections list with `nextLink` paging,
DELETE, 201/202 with Azure-AsyncOperation to poll, 429 with Retry-After, ARM's error body),
hands out managed-identity tokens the way App Service's endpoint does (IDENTITY_ENDPOINT and
IDENTITY_HEADER, which azure-identity's ManagedIdentityCredential reads), and requires a bearer
token on every ARM call. Knobs for tests: `drop` (property paths a type silently ignores),
`write_only` (paths a type keeps but never returns), `lro` (answer PUT and DELETE with 202 +
polling), `throttle` (answer the next N calls with 429), `busy` (id -> answer its next N PUTs
and DELETEs with 409 AnotherOperationInProgress, as ARM does while another operation runs),
`reads_fail_after_put` (id -> after its next PUT, answer its next N GETs with 500),
`retired` (api-versions ARM no longer serves: 400 NoRegisteredProviderFound, as ARM answers),
`locked` (ids under a delete lock: DELETE answers 409 ScopeLocked).
A definition's `importSpecification` keeps the file's text (`specifications`) and sets the
definition's `specification`; `exportSpecification` returns it inline.

For `verify` and `export` it also answers, behind the same server:
- role assignments at any scope (`.../providers/Microsoft.Authorization/roleAssignments`),
  listed with `$filter=atScope()` (at or above the scope) or `principalId eq '...'`;
- role definitions by id (`.../roleDefinitions/<id>`: the built-in roles the tests use, and
  custom ones added with `role(...)`; 404 for any other), PIM eligibility
  (`roleEligibilityScheduleInstances`, added with `eligible(...)`) and deny assignments
  (`denyAssignments`, added with `deny(...)`), listed with the same filters as assignments;
- a subscription's tenant (`GET /subscriptions/<id>`);
- an API definition's `exportSpecification` action (POST, 202 + Location polling with `lro`):
  `{format: inline, value}` from `specifications` (lower-case definition id -> content), or with
  `link_specifications` `{format: link, value: URL}` to a blob this server hands out without a
  token, as Azure's storage SAS links are; 400 for a definition with no specification;
- Microsoft Graph v1.0 (`/v1.0/...`): users by id or UPN, `$filter=... eq '...'` on users,
  groups, service principals and applications, `directoryObjects/getByIds`, `@odata.nextLink`
  paging; objects are added with `entra(kind, ...)`; group members with `member(group, id)`,
  listed by `/groups/<id>/transitiveMembers` (nested groups and their members; 403 for the
  groups in `unreadable_groups`);
- the API Center data plane's `:getCredentials` (`/workspaces/default/apis/...`): 403 unless the
  caller (the `oid` in the data-plane token, `caller`), or a group it is in, holds an active
  role on the binding or above whose dataActions cover getCredentials (ARM's wildcards, less
  notDataActions), and no deny assignment takes it; `forbid` answers the next N calls with 403 whatever the grants (RBAC still
  propagating). A Key Vault reference must name a secret that exists, readable by one of the
  service's identities (Secrets User at the vault). Secret values come from `secret_values`.

For `doctor` (all read-only, as Azure answers them):
- soft-deleted API centers (`.../providers/Microsoft.ApiCenter/deletedServices`) and vaults
  (`.../providers/Microsoft.KeyVault/deletedVaults`, one by location and name), from
  `deleted_services` and `deleted_vaults`; `POST .../Microsoft.KeyVault/checkNameAvailability`
  (taken: a vault in the fake, a soft-deleted one, or a name in `taken_vault_names`);
- resource providers (`GET /subscriptions/<id>/providers/<namespace>`) from `providers`
  (default: every namespace registered, API Center offered in East US and West Europe);
- the caller's effective rights at a scope (`.../providers/Microsoft.Authorization/permissions`):
  the `permissions` entries of the scope and its parents (default: Owner's `*`);
- a Graph token with claims (`graph_claims`, e.g. `roles`), issued by the managed-identity
  endpoint when the Graph endpoint is `<base>/graph` (`use_graph_token`);
- `refuse`: ARM paths answered 403 AuthorizationFailed (a reader without the right).
"""

from __future__ import annotations

import base64
import fnmatch
import json
import re
import threading
import time
import urllib.parse
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

MSI_HEADER = "fake-identity-header"
TOKEN = "fake-arm-token"
CALLER = "0c0c0c0c-1111-4222-8333-444455556666"  # the object id of the identity the tokens belong to
DATA_PLANE_AUDIENCE = "https://azure-apicenter.net"
CREDENTIAL_ACCESS_READER = "1df7cd83-1d3f-41df-95b0-53b30d963369"
SECRETS_USER = "4633458b-17de-408a-b874-0445c86b69e6"
DATA_READER = "c7244dfb-f447-457d-b2ba-3999044d1706"
OWNER = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"
GET_CREDENTIALS = "Microsoft.ApiCenter/services/workspaces/apis/versions/securityRequirements/getCredentials/action"
# Built-in roles as `az role definition list --name ...` shows their permissions.
BUILT_IN_ROLES: dict[str, dict[str, Any]] = {
    CREDENTIAL_ACCESS_READER: {"roleName": "Azure API Center Credential Access Reader", "permissions": [{"actions": [], "dataActions": [GET_CREDENTIALS]}]},
    DATA_READER: {"roleName": "Azure API Center Data Reader", "permissions": [{"actions": [], "dataActions": ["Microsoft.ApiCenter/services/*/read"]}]},
    SECRETS_USER: {"roleName": "Key Vault Secrets User", "permissions": [{"actions": [], "dataActions": ["Microsoft.KeyVault/vaults/secrets/getSecret/action", "Microsoft.KeyVault/vaults/secrets/readMetadata/action"]}]},
    OWNER: {"roleName": "Owner", "permissions": [{"actions": ["*"], "dataActions": []}]},
}
_COLLECTIONS = frozenset(
    {"authconfigs", "securityrequirements", "portals", "apis", "versions", "roleassignments", "definitions", "deployments", "environments", "secrets", "workspaces"}
)
_ODATA = {"users": "#microsoft.graph.user", "groups": "#microsoft.graph.group", "servicePrincipals": "#microsoft.graph.servicePrincipal", "applications": "#microsoft.graph.application"}


def jwt(claims: dict[str, Any]) -> str:
    """A JWT-shaped token (unsigned) with these claims, as Entra's access tokens carry them."""

    def part(value: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")

    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(claims)}.fake"


def data_plane_token(oid: str) -> str:
    """A data-plane token naming its principal, as Entra's tokens carry `oid`."""
    return jwt({"aud": DATA_PLANE_AUDIENCE, "oid": oid})


# What `GET /subscriptions/<id>/providers/Microsoft.ApiCenter` lists as the locations of `services`.
API_CENTER_LOCATIONS = ["East US", "West Europe", "Australia East"]
OWNER_RIGHTS = [{"actions": ["*"], "notActions": [], "dataActions": [], "notDataActions": []}]


@dataclass
class Call:
    method: str
    path: str  # without the query
    query: dict[str, str]
    body: Any
    authorization: str | None


def _type_of(resource_id: str) -> str:
    """The child type of an ARM id: .../authConfigs/x -> authConfigs."""
    parts = resource_id.strip("/").split("/")
    return parts[-2] if len(parts) >= 2 else ""


def _drop(value: dict[str, Any], path: str) -> None:
    *head, last = path.split(".")
    for part in head:
        value = value.get(part) if isinstance(value.get(part), dict) else {}
    value.pop(last, None)


@dataclass
class FakeAzure:
    base: str = ""
    resources: dict[str, dict[str, Any]] = field(default_factory=dict)  # lower-case id -> resource
    calls: list[Call] = field(default_factory=list)
    drop: dict[str, list[str]] = field(default_factory=dict)  # ARM type -> property paths ignored on PUT
    write_only: dict[str, list[str]] = field(
        default_factory=lambda: {"authConfigs": ["apiKey.value", "oauth2.clientSecret", "http.value"], "secrets": ["value"]}
    )
    lro: bool = False
    throttle: int = 0
    page_size: int = 2
    operations: dict[str, int] = field(default_factory=dict)  # operation id -> polls left
    tenant: str = "72f988bf-0000-4000-8000-000000000001"
    caller: str = CALLER
    directory: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: {k: [] for k in _ODATA})
    forbid: int = 0  # answer the next N :getCredentials calls with 403 (RBAC propagating)
    secret_values: dict[str, str] = field(default_factory=dict)  # vault secret name -> value
    busy: dict[str, int] = field(default_factory=dict)  # lower-case id -> 409 for its next N PUTs/DELETEs
    reads_fail_after_put: dict[str, int] = field(default_factory=dict)  # lower-case id -> N GETs answered 500 after its next PUT
    retired: set[str] = field(default_factory=set)  # api-versions answered with 400 NoRegisteredProviderFound
    locked: set[str] = field(default_factory=set)  # lower-case ids under a delete lock: DELETE answers 409 ScopeLocked
    specifications: dict[str, str] = field(default_factory=dict)  # lower-case definition id -> its imported specification
    link_specifications: bool = False  # exportSpecification answers {format: link} (a blob URL) rather than inline
    operation_results: dict[str, Any] = field(default_factory=dict)  # operation id -> the final answer of its Location
    _failing_reads: dict[str, int] = field(default_factory=dict)

    def token_requests(self) -> int:
        return sum(1 for c in self.calls if c.path.startswith("/msi/token"))

    roles: dict[str, dict[str, Any]] = field(default_factory=lambda: json.loads(json.dumps(BUILT_IN_ROLES)))  # role id -> roleName, permissions
    eligibilities: list[dict[str, Any]] = field(default_factory=list)  # PIM roleEligibilityScheduleInstances
    denies: list[dict[str, Any]] = field(default_factory=list)  # deny assignments
    members: dict[str, list[str]] = field(default_factory=dict)  # group id -> direct member ids
    unreadable_groups: set[str] = field(default_factory=set)  # transitiveMembers answers 403

    def role(self, role_id: str, name: str, permissions: list[dict[str, Any]]) -> None:
        """A custom role definition."""
        self.roles[role_id] = {"roleName": name, "type": "CustomRole", "permissions": permissions}

    def eligible(self, scope: str, role: str, principal_id: str, principal_type: str = "User") -> str:
        """A PIM eligibility (what `roleEligibilityScheduleInstances` lists)."""
        rid = f"{scope}/providers/Microsoft.Authorization/roleEligibilityScheduleInstances/{uuid.uuid4()}"
        self.eligibilities.append({"id": rid, "name": rid.rsplit("/", 1)[-1], "type": "Microsoft.Authorization/roleEligibilityScheduleInstances", "properties": {
            "scope": scope, "principalId": principal_id, "principalType": principal_type, "memberType": "Direct", "status": "Provisioned",
            "roleDefinitionId": f"/subscriptions/{scope.split('/')[2]}/providers/Microsoft.Authorization/roleDefinitions/{role}",
        }})
        return rid

    def deny(self, scope: str, name: str, principal_ids: list[str], data_actions: list[str], exclude: list[str] | None = None) -> None:
        rid = f"{scope}/providers/Microsoft.Authorization/denyAssignments/{uuid.uuid4()}"
        self.denies.append({"id": rid, "name": rid.rsplit("/", 1)[-1], "properties": {
            "denyAssignmentName": name, "scope": scope, "permissions": [{"actions": [], "notActions": [], "dataActions": data_actions, "notDataActions": []}],
            "principals": [{"id": p, "type": "User"} for p in principal_ids], "excludePrincipals": [{"id": p, "type": "User"} for p in exclude or []],
            "doNotApplyToChildScopes": False,
        }})

    def member(self, group_id: str, member_id: str) -> None:
        self.members.setdefault(group_id, []).append(member_id)

    def transitive_members(self, group_id: str) -> list[str]:
        out: list[str] = []
        todo = list(self.members.get(group_id, []))
        while todo:
            m = todo.pop(0)
            if m not in out:
                out.append(m)
                todo.extend(self.members.get(m, []))
        return out

    deleted_services: list[dict[str, Any]] = field(default_factory=list)  # soft-deleted API centers, as ARM lists them
    deleted_vaults: list[dict[str, Any]] = field(default_factory=list)  # soft-deleted vaults, as ARM lists them
    taken_vault_names: set[str] = field(default_factory=set)  # vault names held elsewhere in Azure
    providers: dict[str, dict[str, Any]] = field(default_factory=dict)  # lower-case namespace -> provider (default: registered)
    permissions: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # lower-case scope -> rights granted there
    graph_claims: dict[str, Any] = field(default_factory=dict)  # claims of the Graph token (roles, scp)
    graph_resource: str = ""  # the token audience that gets the Graph token: set by use_graph_token
    refuse: set[str] = field(default_factory=set)  # lower-case ARM path endings answered 403 AuthorizationFailed

    def use_graph_token(self, monkeypatch: pytest.MonkeyPatch, **claims: Any) -> None:
        """Graph at `<base>/graph`, with its own token carrying `claims` (e.g. roles=[...])."""
        self.graph_resource = f"{self.base}/graph"
        self.graph_claims = {"aud": "https://graph.microsoft.com", "oid": self.caller, "idtyp": "app", **claims}
        monkeypatch.setenv("APIC_ACCESS_GRAPH_ENDPOINT", self.graph_resource)
        # a token with other claims is another sign-in: what the process cached no longer holds
        from apic_access.azure import client

        client._shared.clear()

    def graph_token(self) -> str:
        return jwt(self.graph_claims)

    def soft_delete_vault(self, subscription: str, name: str, location: str, *, purge_protection: bool, purge_date: str, deleted: str) -> None:
        self.deleted_vaults.append({
            "id": f"/subscriptions/{subscription}/providers/Microsoft.KeyVault/locations/{location}/deletedVaults/{name}",
            "name": name, "type": "Microsoft.KeyVault/deletedVaults",
            "properties": {"vaultId": f"/subscriptions/{subscription}/resourceGroups/rg-old/providers/Microsoft.KeyVault/vaults/{name}", "location": location,
                           "deletionDate": deleted, "scheduledPurgeDate": purge_date, "purgeProtectionEnabled": purge_protection, "tags": {}},
        })

    def soft_delete_service(self, service_id: str, *, deleted: str, purge_date: str) -> None:
        self.deleted_services.append({"id": service_id, "name": service_id.rsplit("/", 1)[-1], "type": "Microsoft.ApiCenter/deletedServices",
                                      "properties": {"softDeletionDate": deleted, "scheduledPurgeDate": purge_date}})

    def writes(self) -> list[Call]:
        """Every call that could change Azure: PUT, PATCH, DELETE, and POSTs other than lookups."""
        lookups = ("/v1.0/directoryobjects/getbyids", "/providers/microsoft.keyvault/checknameavailability")
        return [c for c in self.arm_calls() if c.method in ("PUT", "PATCH", "DELETE") or (c.method == "POST" and not c.path.lower().endswith(lookups))]

    def arm_calls(self, method: str | None = None) -> list[Call]:
        return [c for c in self.calls if not c.path.startswith(("/msi", "/operations")) and (method is None or c.method == method)]

    def put(self, resource_id: str, properties: dict[str, Any], **top: Any) -> None:
        """State made by hand (in the portal), before any test call; `top` adds top-level
        fields such as `identity` or `location`."""
        self.resources[resource_id.lower()] = {"id": resource_id, "name": resource_id.rsplit("/", 1)[-1], "type": _type_of(resource_id), "properties": properties, **top}

    def assign(self, scope: str, role: str, principal_id: str, principal_type: str = "User", name: str | None = None) -> str:
        """A role assignment made by hand (a random name, as the portal gives it)."""
        rid = f"{scope}/providers/Microsoft.Authorization/roleAssignments/{name or uuid.uuid4()}"
        where = f"/subscriptions/{scope.split('/')[2]}" if scope.startswith("/subscriptions/") else ""  # a management group's: tenant-wide
        self.put(rid, {"scope": scope, "principalId": principal_id, "principalType": principal_type, "roleDefinitionId": f"{where}/providers/Microsoft.Authorization/roleDefinitions/{role}"})
        return rid

    def assignments(self, role: str | None = None) -> list[dict[str, Any]]:
        return [r for r in self.resources.values() if r["type"] == "roleAssignments" and (role is None or r["properties"]["roleDefinitionId"].lower().endswith(role))]

    def entra(self, kind: str, id_: str, display_name: str, **more: Any) -> None:
        """An Entra object: kind users, groups, servicePrincipals or applications."""
        self.directory[kind].append({"id": id_, "displayName": display_name, **more})

    def stored(self, resource_id: str) -> dict[str, Any] | None:
        return self.resources.get(resource_id.lower())

    # --- what the server answers -------------------------------------------------------------

    def answer(self, method: str, raw_path: str, body: Any, headers: dict[str, str]) -> tuple[int, dict[str, str], Any]:
        split = urllib.parse.urlsplit(raw_path)
        path, query = split.path, dict(urllib.parse.parse_qsl(split.query))
        auth = next((v for k, v in headers.items() if k.lower() == "authorization"), None)
        self.calls.append(Call(method, path, query, body, auth))
        if path.startswith("/msi/token"):
            if headers.get("X-IDENTITY-HEADER") != MSI_HEADER:
                return 400, {}, {"error": "bad identity header"}
            resource = query.get("resource", "")
            token = data_plane_token(self.caller) if DATA_PLANE_AUDIENCE in resource else self.graph_token() if self.graph_resource and resource == self.graph_resource else TOKEN
            return 200, {}, {"access_token": token, "expires_on": str(int(time.time()) + 3600), "resource": query.get("resource", ""), "token_type": "Bearer"}
        if path.startswith("/workspaces/") and method == "POST":
            return self._get_credentials(path, auth)
        if path.startswith("/blobs/") and method == "GET":  # a storage SAS link: no bearer token
            name = urllib.parse.unquote(path.removeprefix("/blobs/"))
            return (200, {"Content-Type": "application/octet-stream"}, self.specifications[name].encode()) if name in self.specifications else (404, {}, None)
        prefix = "/graph" if path.startswith("/graph/") else ""  # Graph at <base>/graph (use_graph_token)
        path = path[len(prefix) :]
        if auth not in (f"Bearer {TOKEN}", f"Bearer {data_plane_token(self.caller)}") and not (self.graph_resource and auth == f"Bearer {self.graph_token()}"):
            return 401, {}, {"error": {"code": "AuthenticationFailed", "message": "The access token is missing or invalid."}}
        if self.throttle:
            self.throttle -= 1
            return 429, {"Retry-After": "0"}, {"error": {"code": "TooManyRequests", "message": "Rate limit exceeded."}}
        if path.startswith("/operations/"):
            op = path.rsplit("/", 1)[-1]
            left = self.operations.get(op, 0)
            location = op.endswith("-location")  # Location: 202 while running; Azure-AsyncOperation: a status body
            if left > 0:
                self.operations[op] = left - 1
                return (202, {"Location": f"{self.base}{path}", "Retry-After": "0"}, None) if location else (200, {"Retry-After": "0"}, {"status": "InProgress"})
            if location and op in self.operation_results:
                return 200, {}, self.operation_results[op]
            return (204, {}, None) if location else (200, {}, {"status": "Succeeded"})
        if path.startswith("/v1.0/"):
            return self._graph(method, path, query, body, prefix)
        if "api-version" not in query:
            return 400, {}, {"error": {"code": "MissingApiVersionParameter", "message": "The api-version query parameter (?api-version=) is required for all requests."}}
        key = path.lower()
        if query["api-version"] in self.retired and "/providers/microsoft.apicenter/" in key:
            return 400, {}, {"error": {"code": "NoRegisteredProviderFound", "message": (
                f"No registered resource provider found for location 'eastus' and API version '{query['api-version']}' for type "
                f"'services/{_type_of(path)}'. The supported api-versions are '2024-03-01, 2024-03-15-preview, 2024-06-01-preview'.")}}
        if method in ("PUT", "DELETE") and self.busy.get(key):
            self.busy[key] -= 1
            return 409, {}, {"error": {"code": "AnotherOperationInProgress", "message": "Another operation on this or a dependent resource is in progress."}}
        if method == "DELETE" and key in self.locked:
            return 409, {}, {"error": {"code": "ScopeLocked", "message": f"The scope '{path}' cannot perform delete operation because following scope(s) are locked: '{path}'."}}
        if method == "GET" and self._failing_reads.get(key):
            self._failing_reads[key] -= 1
            return 500, {}, {"error": {"code": "InternalServerError", "message": "Encountered internal server error."}}
        if method == "POST" and key.rsplit("/", 1)[-1] in ("importspecification", "exportspecification"):
            return self._specification(path, body)
        if any(key.endswith(r) for r in self.refuse):
            message = f"The client '{self.caller}' does not have authorization to perform action over scope '{path}'."
            return 403, {}, {"error": {"code": "AuthorizationFailed", "message": message}}
        if method == "GET" and re.fullmatch(r"/subscriptions/[^/]+", key):
            return 200, {}, {"id": path, "subscriptionId": path.rsplit("/", 1)[-1], "tenantId": self.tenant, "state": "Enabled"}
        doctor = self._doctor(method, path, key, query, body)
        if doctor is not None:
            return doctor
        if method == "GET" and key.endswith("/providers/microsoft.authorization/roleassignments"):
            return self._page(path, query, self._role_assignments(key.rsplit("/providers/", 1)[0], query.get("$filter", "")))
        if method == "GET" and key.endswith(("/providers/microsoft.authorization/roleeligibilityscheduleinstances", "/providers/microsoft.authorization/denyassignments")):
            items = self.eligibilities if key.endswith("instances") else self.denies
            return self._page(path, query, self._role_assignments(key.rsplit("/providers/", 1)[0], query.get("$filter", ""), items))
        if method == "GET" and "/providers/microsoft.authorization/roledefinitions/" in key:
            role = key.rsplit("/", 1)[-1]
            if role not in self.roles:
                return 404, {}, {"error": {"code": "RoleDefinitionDoesNotExist", "message": f"The specified role definition with ID '{role}' does not exist."}}
            return 200, {}, {"id": path, "name": role, "type": "Microsoft.Authorization/roleDefinitions", "properties": {"type": "BuiltInRole", **self.roles[role]}}
        if method == "GET":
            if key in self.resources:
                return 200, {}, self._visible(self.resources[key])
            children = sorted((r for k, r in self.resources.items() if k.rsplit("/", 1)[0] == key), key=lambda r: str(r["id"]))
            if children or key.rsplit("/", 1)[-1] in _COLLECTIONS:
                start = int(query.get("$skiptoken", "0"))
                page = children[start : start + self.page_size]
                out: dict[str, Any] = {"value": [self._visible(r) for r in page]}
                if start + self.page_size < len(children):
                    out["nextLink"] = f"{self.base}{path}?api-version={query['api-version']}&$skiptoken={start + self.page_size}"
                return 200, {}, out
            return 404, {}, _not_found(path)
        if method == "PUT":
            properties = json.loads(json.dumps((body or {}).get("properties") or {}))
            for dropped in self.drop.get(_type_of(path), ()):
                _drop(properties, dropped)
            created = key not in self.resources
            if _type_of(path) == "roleAssignments":
                properties["scope"] = path.split("/providers/Microsoft.Authorization/", 1)[0]
                if any(r["properties"]["scope"].lower() == properties["scope"].lower() and r["properties"]["principalId"] == properties.get("principalId")
                       and r["properties"]["roleDefinitionId"].lower() == str(properties.get("roleDefinitionId")).lower() and r["id"].lower() != key for r in self.assignments()):
                    return 409, {}, {"error": {"code": "RoleAssignmentExists", "message": "The role assignment already exists."}}
            top = {k: v for k, v in (body or {}).items() if k in ("identity", "location", "tags")}
            if _type_of(path) == "definitions" and key in self.resources and "specification" in self.resources[key]["properties"]:
                properties.setdefault("specification", self.resources[key]["properties"]["specification"])  # a PUT keeps the imported file
            self.put(path, properties, **top)
            if self.reads_fail_after_put.get(key):
                self._failing_reads[key] = self.reads_fail_after_put.pop(key)
            if self.lro:
                return 201, {"Azure-AsyncOperation": self._operation("async"), "Retry-After": "0"}, self._visible(self.resources[key])
            return (201 if created else 200), {}, self._visible(self.resources[key])
        if method == "DELETE":
            if key not in self.resources:
                return 404, {}, _not_found(path)
            del self.resources[key]
            self.specifications.pop(key, None)
            if self.lro:
                return 202, {"Location": self._operation("location"), "Retry-After": "0"}, None
            return 200, {}, None
        return 405, {}, {"error": {"code": "MethodNotAllowed", "message": method}}

    # --- what doctor reads: soft-deleted names, providers, the caller's rights ------------------

    def _doctor(self, method: str, path: str, key: str, query: dict[str, str], body: Any) -> tuple[int, dict[str, str], Any] | None:
        if method == "GET" and key.endswith("/providers/microsoft.apicenter/deletedservices"):
            return self._page(path, query, self.deleted_services)
        if method == "GET" and key.endswith("/providers/microsoft.keyvault/deletedvaults"):
            return self._page(path, query, self.deleted_vaults)
        one = re.fullmatch(r"/subscriptions/[^/]+/providers/microsoft\.keyvault/locations/([^/]+)/deletedvaults/([^/]+)", key)
        if method == "GET" and one:
            found = [v for v in self.deleted_vaults if v["name"].lower() == one.group(2) and v["properties"]["location"].lower() == one.group(1)]
            return (200, {}, found[0]) if found else (404, {}, _not_found(path))
        if method == "POST" and key.endswith("/providers/microsoft.keyvault/checknameavailability"):
            name = str((body or {}).get("name", "")).lower()
            live = any(r["type"] == "vaults" and r["name"].lower() == name for r in self.resources.values())
            if live or name in self.taken_vault_names or any(v["name"].lower() == name for v in self.deleted_vaults):
                return 200, {}, {"nameAvailable": False, "reason": "AlreadyExists", "message": f"The vault name '{name}' is already in use."}
            return 200, {}, {"nameAvailable": True}
        provider = re.fullmatch(r"/subscriptions/[^/]+/providers/([^/]+)", key)
        if method == "GET" and provider:
            default = {"namespace": provider.group(1), "registrationState": "Registered", "resourceTypes": []}
            if provider.group(1) == "microsoft.apicenter":
                default = {"namespace": "Microsoft.ApiCenter", "registrationState": "Registered",
                           "resourceTypes": [{"resourceType": "services", "locations": API_CENTER_LOCATIONS}, {"resourceType": "deletedServices", "locations": API_CENTER_LOCATIONS}]}
            return 200, {}, self.providers.get(provider.group(1), default)
        if method == "GET" and key.endswith("/providers/microsoft.authorization/permissions"):
            scope = key.rsplit("/providers/microsoft.authorization/permissions", 1)[0]
            if not self.permissions:
                return 200, {}, {"value": OWNER_RIGHTS}
            granted = [p for s, ps in self.permissions.items() if scope == s or scope.startswith(s.rstrip("/") + "/") for p in ps]
            return 200, {}, {"value": granted}
        return None

    # --- role assignments, Graph and the data plane ---------------------------------------------

    def _role_assignments(self, scope: str, filter_: str, items: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
        def above(s: str) -> bool:  # the assignment's scope is the scope or one of its parents (a management group holds every subscription here)
            return scope == s or scope.startswith(s.rstrip("/") + "/") or (s.startswith("/providers/microsoft.management/") and scope.startswith("/subscriptions/"))

        out = []
        for r in self.assignments() if items is None else items:
            s = r["properties"]["scope"].lower()
            principal = re.search(r"principalId eq '([^']+)'", filter_)
            if principal:
                ok = r["properties"]["principalId"] == principal.group(1) and (above(s) or s.startswith(scope + "/"))
            elif "atScope()" in filter_:
                ok = above(s)
            else:
                ok = above(s) or s.startswith(scope + "/")
            if ok:
                out.append(r)
        return sorted(out, key=lambda r: str(r["id"]))

    def _page(self, path: str, query: dict[str, str], items: list[dict[str, Any]]) -> tuple[int, dict[str, str], Any]:
        start = int(query.get("$skiptoken", "0"))
        out: dict[str, Any] = {"value": [self._visible(r) if r.get("type") == "roleAssignments" else r for r in items[start : start + self.page_size]]}
        if start + self.page_size < len(items):
            out["nextLink"] = f"{self.base}{path}?" + urllib.parse.urlencode({**query, "$skiptoken": str(start + self.page_size)})
        return 200, {}, out

    def _graph(self, method: str, path: str, query: dict[str, str], body: Any, prefix: str = "") -> tuple[int, dict[str, str], Any]:
        parts = path.strip("/").split("/")[1:]  # after v1.0
        everything = [dict(o, **{"@odata.type": _ODATA[k]}) for k in _ODATA for o in self.directory[k]]
        if method == "POST" and parts == ["directoryObjects", "getByIds"]:
            wanted = {i.lower() for i in (body or {}).get("ids", [])}
            return 200, {}, {"value": [o for o in everything if o["id"].lower() in wanted]}
        if method == "GET" and len(parts) == 3 and parts[0] == "groups" and parts[2] == "transitiveMembers":
            if parts[1].lower() in self.unreadable_groups:
                return 403, {}, {"error": {"code": "Authorization_RequestDenied", "message": "Insufficient privileges to complete the operation."}}
            ids = self.transitive_members(parts[1])
            return 200, {}, {"value": [o for i in ids for o in everything if o["id"].lower() == i.lower()]}
        if method != "GET" or not parts or parts[0] not in _ODATA:
            return 400, {}, {"error": {"code": "Request_BadRequest", "message": f"unsupported: {method} {path}"}}
        objects = [dict(o, **{"@odata.type": _ODATA[parts[0]]}) for o in self.directory[parts[0]]]
        if len(parts) == 2:
            key = urllib.parse.unquote(parts[1]).lower()
            found = [o for o in objects if o["id"].lower() == key or str(o.get("userPrincipalName", "")).lower() == key]
            if not found:
                return 404, {}, {"error": {"code": "Request_ResourceNotFound", "message": f"Resource '{parts[1]}' does not exist."}}
            return 200, {}, found[0]
        for clause in filter(None, query.get("$filter", "").split(" or ")):
            match = re.fullmatch(r"\s*(\w+) eq '((?:[^']|'')*)'\s*", clause)
            if not match:
                return 400, {}, {"error": {"code": "Request_UnsupportedQuery", "message": f"Unsupported query: {clause}"}}
        clauses = [re.fullmatch(r"\s*(\w+) eq '((?:[^']|'')*)'\s*", c) for c in filter(None, query.get("$filter", "").split(" or "))]
        if clauses:
            objects = [o for o in objects if any(str(o.get(m.group(1), "")).lower() == m.group(2).replace("''", "'").lower() for m in clauses if m)]
        start = int(query.get("$skiptoken", "0"))
        out: dict[str, Any] = {"value": objects[start : start + self.page_size]}
        if start + self.page_size < len(objects):
            out["@odata.nextLink"] = f"{self.base}{prefix}{path}?" + urllib.parse.urlencode({**query, "$skiptoken": str(start + self.page_size)})
        return 200, {}, out

    def _get_credentials(self, path: str, auth: str | None) -> tuple[int, dict[str, str], Any]:
        def error(status: int, code: str, message: str) -> tuple[int, dict[str, str], Any]:
            return status, {}, {"error": {"code": code, "message": message}}

        if auth != f"Bearer {data_plane_token(self.caller)}":
            return error(401, "Unauthorized", "The token is missing, or not for the API Center data plane.")
        if not path.endswith(":getCredentials"):
            return error(404, "NotFound", path)
        suffix = path[: -len(":getCredentials")].lower()
        binding = next((r for k, r in self.resources.items() if r["type"] == "securityRequirements" and k.endswith(suffix)), None)
        if binding is None:
            return error(404, "NotFound", f"The security requirement '{suffix.rsplit('/', 1)[-1]}' was not found.")
        if self.forbid:
            self.forbid -= 1
            return error(403, "Forbidden", "The principal does not have permission to perform getCredentials.")
        bid = binding["id"].lower()
        if not self.can_read_credentials(self.caller, bid):
            return error(403, "Forbidden", "The principal does not have permission to perform getCredentials.")
        service = bid.split("/workspaces/", 1)[0]
        ref = str(binding["properties"].get("authConfigResourceId", "")).lower()
        config = self.resources.get(f"{service}/workspaces/default{ref}")
        if config is None:
            return error(400, "AuthConfigNotFound", f"The auth config '{ref}' does not exist.")
        p = json.loads(json.dumps(config["properties"]))
        scheme = p.get("securityScheme")
        section = {"apiKey": "apiKey", "oauth2": "oauth2", "http": "http"}.get(str(scheme), "")
        field_ = {"apiKey": "value", "oauth2": "clientSecret", "http": "value"}.get(section, "")
        uri = (p.get(section) or {}).get(field_)
        if uri:
            match = re.fullmatch(r"https://([^.]+)\.vault\.azure\.net/secrets/([^/]+)/?", str(uri))
            if not match:
                return error(400, "InvalidKeyVaultReference", f"'{uri}' is not a Key Vault secret URI.")
            vault, name = match.groups()
            secret = next((r for r in self.resources.values() if r["type"] == "secrets" and r["id"].lower().endswith(f"/vaults/{vault}/secrets/{name}".lower())), None)
            if secret is None:
                return error(400, "KeyVaultSecretNotFound", f"Secret '{name}' was not found in vault '{vault}'.")
            vault_id = secret["id"].rsplit("/secrets/", 1)[0].lower()
            identity = (self.resources.get(service) or {}).get("identity") or {}
            principals = {identity.get("principalId")} | {v.get("principalId") for v in (identity.get("userAssignedIdentities") or {}).values()}
            if not any(a["properties"]["principalId"] in principals and a["properties"]["scope"].lower() == vault_id for a in self.assignments(SECRETS_USER)):
                return error(400, "KeyVaultAccessDenied", f"The API center's identity cannot read secrets in vault '{vault}'.")
            p[section][field_] = self.secret_values.get(name, f"fake-secret-value-of-{name}")
        return 200, {}, {"securityScheme": scheme, section: p.get(section) or {}} if section else {"securityScheme": scheme}

    def _specification(self, path: str, body: Any) -> tuple[int, dict[str, str], Any]:
        definition, action = path.rsplit("/", 1)
        found = self.resources.get(definition.lower())
        if found is None or found["type"] != "definitions":
            return 404, {}, _not_found(definition)
        if action.lower() == "importspecification":
            self.specifications[definition.lower()] = str((body or {}).get("value", ""))
            found["properties"]["specification"] = dict((body or {}).get("specification") or {})
            if self.lro:
                return 202, {"Location": self._operation("location"), "Retry-After": "0"}, None
            return 200, {}, None
        return self._export_specification(definition.lower())

    def _export_specification(self, definition: str) -> tuple[int, dict[str, str], Any]:
        if definition not in self.resources:
            return 404, {}, _not_found(definition)
        if definition not in self.specifications:
            return 400, {}, {"error": {"code": "SpecificationNotFound", "message": "The API definition has no specification to export."}}
        result = {"format": "link", "value": f"{self.base}/blobs/{urllib.parse.quote(definition, safe='')}?sv=2022-11-02&sig=fake"} if self.link_specifications else {"format": "inline", "value": self.specifications[definition]}
        if self.lro:
            location = self._operation("location")
            self.operation_results[location.rsplit("/", 1)[-1]] = result
            return 202, {"Location": location, "Retry-After": "0"}, None
        return 200, {}, result

    def can_read_credentials(self, principal: str, binding_id: str) -> bool:
        """As ARM decides it: an active role covering getCredentials at the binding or above, held
        by the principal or a group it is in, and no deny assignment on it."""
        groups = {g for g in self.members if principal in self.transitive_members(g)}
        who = {principal} | groups

        def covers(scope: str) -> bool:
            s = scope.lower()
            return binding_id.lower() == s or binding_id.lower().startswith(s.rstrip("/") + "/") or s.startswith("/providers/microsoft.management/")

        def allowed(permissions: list[dict[str, Any]]) -> bool:
            def match(patterns: list[str]) -> bool:
                return any(fnmatch.fnmatchcase(GET_CREDENTIALS.lower(), p.lower()) for p in patterns)

            return any(match(p.get("dataActions") or []) and not match(p.get("notDataActions") or []) for p in permissions)

        for d in self.denies:
            p = d["properties"]
            if covers(p["scope"]) and allowed(p["permissions"]) and who & {x["id"] for x in p["principals"]} and principal not in {x["id"] for x in p["excludePrincipals"]}:
                return False
        return any(
            a["properties"]["principalId"] in who
            and covers(a["properties"]["scope"])
            and allowed(self.roles.get(a["properties"]["roleDefinitionId"].rsplit("/", 1)[-1].lower(), {}).get("permissions", []))
            for a in self.assignments()
        )

    def _operation(self, kind: str) -> str:
        op = f"op-{len(self.operations) + 1}-{kind}"
        self.operations[op] = 1
        return f"{self.base}/operations/{op}"

    def _visible(self, resource: dict[str, Any]) -> dict[str, Any]:
        out = json.loads(json.dumps(resource))
        for hidden in self.write_only.get(resource["type"], ()):
            _drop(out["properties"], hidden)
        out["properties"]["provisioningState"] = "Succeeded"  # a field Azure adds
        return out


def _not_found(path: str) -> dict[str, Any]:
    return {"error": {"code": "ResourceNotFound", "message": f"The Resource '{path}' was not found."}}


@pytest.fixture
def fake_azure(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeAzure]:
    """A running fake, with the ARM endpoint and a managed identity pointed at it."""
    fake = FakeAzure()

    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            status, headers, body = fake.answer(self.command, self.path, json.loads(raw) if raw else None, dict(self.headers.items()))
            data = body if isinstance(body, bytes) else json.dumps(body).encode() if body is not None else b""
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            if "Content-Type" not in headers:
                self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_PUT = do_POST = do_DELETE = do_PATCH = _serve  # noqa: N815 - http.server's method names

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    fake.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    for env, value in {
        "APIC_ACCESS_ARM_ENDPOINT": fake.base,
        "APIC_ACCESS_GRAPH_ENDPOINT": fake.base,
        "APIC_ACCESS_DATA_PLANE_ENDPOINT": fake.base,
        "ARM_USE_MSI": "true",
        "IDENTITY_ENDPOINT": f"{fake.base}/msi/token",
        "IDENTITY_HEADER": MSI_HEADER,
    }.items():
        monkeypatch.setenv(env, value)
    for env in ("ARM_CLIENT_ID", "ARM_CLIENT_SECRET", "ARM_TENANT_ID", "MSI_ENDPOINT", "MSI_SECRET", "AZURE_CLIENT_ID"):
        monkeypatch.delenv(env, raising=False)
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
