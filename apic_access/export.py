"""`apic-access export`: the spec of an API center made by hand, and the `pulumi import` file.

Reads the live service (ARM and Graph, read-only; secret values are never read) and writes:

- a spec that `validate` accepts: the service's identity, environments, APIs, versions,
  definitions (metadata), deployments, auth configs, bindings with their Credential Access
  Reader principals (UPNs and display names where Graph resolves them uniquely, else object ids
  with a comment), the vault and the secrets the auth configs reference (`existing: true`), the
  portal and its Data Reader readers. Auth configs, bindings and the portal carry `adopt: true`;
- a `pulumi import --file` document for the typed resources and the role assignments that exist,
  under the logical names and parents the program gives them, so the first `pulumi up` creates
  only what the hand-made setup lacks (the preview types are adopted through `adopt: true`).

Where Azure does not say what the spec needs (a Key Vault reference the service does not return),
the spec says so in a comment next to the value, and the command lists it on stderr.

This module reads Azure into an `Export`; apic_access/export_writing.py writes it (the YAML, the
import document, the fields that keep adopted resources as they are).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from apic_access.azure import arm

from .access.exported import export_wider_grants
from .azure.client import AzureError
from .export_definitions import UNDETECTABLE, Specification, read_specification
from .live import Live, UsageError, assignment_scope

_WIRE_SECRET = {k: tuple(v.split(".", 1)) for k, v in arm.AUTH_CONFIG_SECRET_FIELD.items()}
_SPEC_SECRET = {"apiKey": "secret", "oauth2": "clientSecret", "http": "secret"}


@dataclass
class Export:
    spec: dict[str, Any]
    notes: dict[str, str] = field(default_factory=dict)  # a line of the spec ("secret: x", "- <guid>") -> its comment
    warnings: list[str] = field(default_factory=list)
    existing_ids: set[str] = field(default_factory=set)  # lower-case ARM ids of everything read
    assignments: dict[tuple[str, str, str], str] = field(default_factory=dict)  # (scope, role, principal) -> assignment id
    identities: dict[str, str] = field(default_factory=dict)  # "system" or identity name -> principal id
    live: dict[str, dict[str, Any]] = field(default_factory=dict)  # lower-case id -> `properties` of each preview resource read
    specifications: dict[tuple[str, str, str], Specification] = field(default_factory=dict)  # (api, version, definition) -> its content


def _items(live: Live, path: str, api_version: str, what: str, **query: str) -> list[dict[str, Any]]:
    try:
        return list(live.arm.items(path, api_version, what=what, **query))
    except AzureError as exc:
        if exc.status == 404:
            return []
        raise


def _props(resource: Mapping[str, Any]) -> dict[str, Any]:
    p = resource.get("properties")
    return dict(p) if isinstance(p, Mapping) else {}


def _present(d: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if v not in (None, "", [], {})}


def _last(ref: Any) -> str:
    return str(ref or "").rstrip("/").rsplit("/", 1)[-1]


class Exporter:
    def __init__(self, live: Live, resource_group: str, service: str, *, specifications: bool = True):
        self.live = live
        self.rg = resource_group
        self.name = service
        self.service_id = arm.service_id(live.subscription, resource_group, service)
        self.ws = f"{self.service_id}/workspaces/{arm.WORKSPACE}"
        self.out = Export(spec={})
        self.auth_config_names: set[str] = set()
        self.environment_names: set[str] = set()
        self.read_specifications = specifications  # each definition's content (exportSpecification), for files beside the spec

    def run(self) -> Export:
        found = self.live.arm.get(self.service_id, arm.API_CENTER_API_VERSION, what=f"reading API center {self.name}")
        if found is None:
            raise UsageError(f"there is no API center {self.name} in resource group {self.rg} of subscription {self.live.subscription}: check --resource-group and --service")
        self.out.existing_ids.add(self.service_id.lower())
        self.live.tenant_from(found)
        spec: dict[str, Any] = {"specVersion": 1, "apiCenter": self._api_center(found)}
        auth_configs, secrets = self._auth_configs()
        self.auth_config_names = set(auth_configs)
        vault = self._key_vault(secrets, auth_configs)
        if vault:
            spec["keyVault"] = vault
        if auth_configs:
            spec["authConfigs"] = auth_configs
        environments = self._environments()
        self.environment_names = set(environments)
        if environments:
            spec["environments"] = environments
        apis = self._apis()
        if apis:
            spec["apis"] = apis
        # who else can read credentials: `scope:` entries, credentialReaders, warnings (access/exported.py)
        export_wider_grants(spec, self.live, self.rg, self.name, principals=self._principals, warnings=self.out.warnings, assignments=self.out.assignments)
        portal = self._portal()
        if portal:
            spec["portal"] = portal
        self.out.spec = spec
        return self.out

    # --- the service ---------------------------------------------------------------------------

    def _api_center(self, found: Mapping[str, Any]) -> dict[str, Any]:
        ac: dict[str, Any] = {"name": self.name, "resourceGroup": self.rg, "createResourceGroup": False, "location": found.get("location") or ""}
        identity = found.get("identity") or {}
        kind = str(identity.get("type") or "None").replace(" ", "")
        if identity.get("principalId"):
            self.out.identities["system"] = str(identity["principalId"]).lower()
        uas = identity.get("userAssignedIdentities") or {}
        for rid, details in uas.items():
            if isinstance(details, Mapping) and details.get("principalId"):
                self.out.identities[_last(rid).lower()] = str(details["principalId"]).lower()
        if kind.lower() == "none":
            self.out.warnings.append(f"API center {self.name} has no managed identity: the spec gives it a system-assigned one, which `pulumi up` adds")
        elif kind != "SystemAssigned" or uas:
            ac["identity"] = {"type": {"systemassigned": "SystemAssigned", "userassigned": "UserAssigned"}.get(kind.lower(), "SystemAssigned,UserAssigned")}
            if uas:
                ac["identity"]["userAssigned"] = [{"id": rid} for rid in sorted(uas)]
        if found.get("tags"):
            ac["tags"] = dict(found["tags"])
        return ac

    # --- auth configs and the vault ---------------------------------------------------------------

    def _auth_configs(self) -> tuple[dict[str, Any], dict[str, tuple[str, str] | None]]:
        """The authConfigs section, and auth config -> (vault, secret) of its Key Vault reference
        (None: the service does not return it)."""
        out: dict[str, Any] = {}
        refs: dict[str, tuple[str, str] | None] = {}
        version = arm.PREVIEW_API_VERSIONS["authConfigs"]
        for r in _items(self.live, f"{self.ws}/authConfigs", version, "listing auth configs"):
            name, p = str(r.get("name") or _last(r.get("id"))), _props(r)
            self.out.existing_ids.add(str(r.get("id", "")).lower())
            self.out.live[f"{self.ws}/authConfigs/{name}".lower()] = p
            scheme = str(p.get("securityScheme") or "")
            entry: dict[str, Any] = {"title": p.get("title") or name}
            if p.get("description"):
                entry["description"] = p["description"]
            section: Mapping[str, Any] = p[scheme] if isinstance(p.get(scheme), Mapping) else {}
            if scheme == "apiKey":
                entry["apiKey"] = {"in": section.get("in") or "header", "name": section.get("name") or ""}
            elif scheme == "oauth2":
                o = section
                flows = [arm.OAUTH2_FLOWS_FROM_WIRE.get(str(f).lower()) for f in o.get("supportedFlows") or []]
                entry["oauth2"] = _present(
                    {
                        "clientId": o.get("clientId"),
                        "authorizationUrl": o.get("authorizationUrl"),
                        "tokenUrl": o.get("tokenUrl"),
                        "refreshUrl": o.get("refreshUrl") if o.get("refreshUrl") != o.get("tokenUrl") else None,
                        "flows": [f for f in flows if f] or None,
                        "scopes": list(o.get("supportedScopes") or []) or None,
                    }
                )
            elif scheme == "http":
                entry["http"] = {"scheme": str(section.get("scheme") or "basic").lower()}
            else:
                self.out.warnings.append(f"auth config {name}: unknown securityScheme {scheme!r}; not exported")
                continue
            wire_section, wire_field = _WIRE_SECRET[scheme]
            reference = (p.get(wire_section) or {}).get(wire_field) if isinstance(p.get(wire_section), Mapping) else None
            if reference:
                refs[name] = arm.vault_of_secret_uri(str(reference)) or ("", str(reference))
            elif scheme == "apiKey" or (scheme == "oauth2" and "clientCredentials" in (entry["oauth2"].get("flows") or [])):
                refs[name] = None  # it must have one, but the service keeps it to itself
            entry["adopt"] = True
            out[name] = entry
        return out, refs

    def _vault_of_identities(self) -> list[str]:
        """Vault ids where an identity of the API center holds Secrets User."""
        vaults: list[str] = []
        for principal in self.out.identities.values():
            try:
                found = _items(
                    self.live,
                    arm.role_assignments_path(f"/subscriptions/{self.live.subscription}"),
                    arm.ROLE_ASSIGNMENT_API_VERSION,
                    "listing the API center identity's role assignments",
                    **{"$filter": f"principalId eq '{principal}'"},
                )
            except AzureError as exc:
                if exc.status is None:
                    raise
                found = []  # not allowed to list the subscription's assignments: the vaults of the group below
            for a in found:
                p, scope = _props(a), assignment_scope(a)
                if str(p.get("principalId", "")).lower() != principal:
                    continue
                if arm.role_of(str(p.get("roleDefinitionId", ""))) == arm.KEY_VAULT_SECRETS_USER and "/microsoft.keyvault/vaults/" in scope.lower():
                    if scope.lower() not in {v.lower() for v in vaults}:
                        vaults.append(scope)
        if not vaults:
            group_vaults = _items(
                self.live, f"{arm.resource_group_id(self.live.subscription, self.rg)}/providers/Microsoft.KeyVault/vaults", arm.KEY_VAULT_API_VERSION, "listing the vaults of the resource group"
            )
            if len(group_vaults) == 1:
                vaults.append(str(group_vaults[0].get("id")))
        return vaults

    def _key_vault(self, refs: dict[str, tuple[str, str] | None], auth_configs: dict[str, Any]) -> dict[str, Any] | None:
        if not refs:
            return None
        granted = self._vault_of_identities()
        named = [v.lower() for v, _ in (r for r in refs.values() if r) if v]
        # the vault the API center can read (Secrets User), and among those the one most referenced
        candidates = [_last(v) for v in granted] or sorted(set(named))
        vault_name = max(candidates, key=lambda v: (named.count(v.lower()), -candidates.index(v))) if candidates else ""
        if not vault_name:
            vault_name = "TODO-vault-name"
            self.out.notes[f"name: {vault_name}"] = "TODO: the vault that holds this API center's secrets; no vault grants its identity Key Vault Secrets User"
            self.out.warnings.append("no Key Vault reference is returned and no vault grants the API center's identity Secrets User: name the vault in keyVault.name")
        vault_id = next((v for v in granted if _last(v).lower() == vault_name.lower()), None)
        vault_rg = vault_id.split("/")[4] if vault_id else self.rg
        vault_id = vault_id or arm.vault_id(self.live.subscription, vault_rg, vault_name)
        listed = [_last(s.get("id")) for s in _items(self.live, f"{vault_id}/secrets", arm.KEY_VAULT_API_VERSION, f"listing the secrets of vault {vault_name}")]
        claimed = {s for v, s in (r for r in refs.values() if r)}
        secrets: dict[str, Any] = {}
        for config, ref in sorted(refs.items()):
            scheme = next(k for k in ("apiKey", "oauth2", "http") if k in auth_configs[config])
            if ref and ref[0].lower() != vault_name.lower():
                secret = ref[1]
                why = (
                    f"TODO: Azure references secret {secret} in vault {ref[0] or '?'}, but a spec has one vault ({vault_name}): "
                    f"copy the secret into {vault_name} (az keyvault secret set --vault-name {vault_name} --name {secret} ...) or move this auth config to a spec of its own"
                )
            elif ref:
                secret, why = ref[1], ""
            else:
                candidates = _likely_secrets(config, [s for s in listed if s not in claimed], sum(r is None for r in refs.values()))
                if len(candidates) == 1:
                    secret = candidates[0]
                    why = f"inferred from the secret's name: Azure does not return the Key Vault reference of auth config {config}; check it is the right one"
                else:
                    secret = f"{config}-TODO-secret"
                    why = f"TODO: Azure does not return the Key Vault reference of auth config {config}: name the secret in vault {vault_name} that holds it"
                claimed.add(secret)
            auth_configs[config][scheme][_SPEC_SECRET[scheme]] = secret
            secrets[secret] = {"existing": True}
            if why:
                self.out.notes[f"{_SPEC_SECRET[scheme]}: {secret}"] = why
                self.out.warnings.append(f"authConfigs.{config}.{scheme}.{_SPEC_SECRET[scheme]} = {secret}: {why}")
        vault: dict[str, Any] = {"name": vault_name}
        if vault_rg.lower() != self.rg.lower():
            vault["resourceGroup"] = vault_rg
        vault["existing"] = True
        vault["secrets"] = secrets
        # Secrets User for each identity at the vault: adopted if made by hand
        for a in _items(self.live, arm.role_assignments_path(vault_id), arm.ROLE_ASSIGNMENT_API_VERSION, "listing role assignments at the vault", **{"$filter": arm.AT_SCOPE}):
            self._remember(a)
        return vault

    # --- inventory -------------------------------------------------------------------------------

    def _environments(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for r in _items(self.live, f"{self.ws}/environments", arm.API_CENTER_API_VERSION, "listing environments"):
            self.out.existing_ids.add(str(r.get("id", "")).lower())
            p = _props(r)
            server, onboarding = p.get("server") or {}, p.get("onboarding") or {}
            out[str(r.get("name"))] = _present(
                {
                    "title": p.get("title") or r.get("name"),
                    "kind": str(p.get("kind") or "development").lower(),
                    "description": p.get("description"),
                    "server": _present({"type": server.get("type"), "managementPortalUris": server.get("managementPortalUri")}),
                    "onboarding": _present({"instructions": onboarding.get("instructions"), "developerPortalUris": onboarding.get("developerPortalUri")}),
                    "customProperties": p.get("customProperties"),
                }
            )
        return out

    def _apis(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for r in _items(self.live, f"{self.ws}/apis", arm.API_CENTER_API_VERSION, "listing APIs"):
            name, p = str(r.get("name")), _props(r)
            api_id = f"{self.ws}/apis/{name}"
            self.out.existing_ids.add(api_id.lower())
            api = _present(
                {
                    "title": p.get("title") or name,
                    "kind": str(p.get("kind") or "rest").lower(),
                    "summary": p.get("summary"),
                    "description": p.get("description"),
                    "contacts": [_present(dict(c)) for c in p.get("contacts") or []],
                    "externalDocs": [_present(dict(d)) for d in p.get("externalDocumentation") or []],
                    "license": _present(dict(p.get("license") or {})),
                    "termsOfService": _present(dict(p.get("termsOfService") or {})),
                    "customProperties": p.get("customProperties"),
                }
            )
            versions = self._versions(name, api_id)
            if versions:
                api["versions"] = versions
            deployments = self._deployments(name, api_id, versions)
            if deployments:
                api["deployments"] = deployments
            out[name] = api
        return out

    def _versions(self, api: str, api_id: str) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for r in _items(self.live, f"{api_id}/versions", arm.API_CENTER_API_VERSION, f"listing the versions of API {api}"):
            name, p = str(r.get("name")), _props(r)
            vid = f"{api_id}/versions/{name}"
            self.out.existing_ids.add(vid.lower())
            version: dict[str, Any] = {"title": p.get("title") or name, "lifecycleStage": str(p.get("lifecycleStage") or "design").lower()}
            definitions = {}
            for d in _items(self.live, f"{vid}/definitions", arm.API_CENTER_API_VERSION, f"listing the definitions of {api}/{name}"):
                definitions[str(d.get("name"))] = self._definition(api, name, vid, d)
            if definitions:
                version["definitions"] = definitions
            access = self._access(api, name, vid)
            if access:
                version["access"] = access
            out[name] = version
        return out

    def _definition(self, api: str, version: str, vid: str, d: Mapping[str, Any]) -> dict[str, Any]:
        name, dp = str(d.get("name")), _props(d)
        did = f"{vid}/definitions/{name}"
        self.out.existing_ids.add(did.lower())
        definition = _present({"title": dp.get("title") or name, "description": dp.get("description")})
        spec = dp.get("specification")
        described: Mapping[str, Any] = spec if isinstance(spec, Mapping) else {}
        if not self.read_specifications or not described.get("name"):
            return definition  # no specification imported into it: nothing to export
        found, why = read_specification(self.live.arm, did, described, what=f"exporting the specification of {api}/{version}/{name}")
        if found is None:
            self.out.warnings.append(f"definition {api}/{version}/{name}: {why}")
            return definition
        self.out.specifications[(api, version, name)] = found
        if found.name and found.name.lower() in UNDETECTABLE:  # `validate` cannot tell these from the file
            definition["specification"] = _present({"name": found.name.lower(), "version": found.version})
        return definition

    def _deployments(self, api: str, api_id: str, versions: Mapping[str, Any]) -> dict[str, Any]:
        """ARM takes a deployment without a title, environment or definition: the spec too. One
        that names an environment or definition that does not exist is left out (the spec's
        references must resolve)."""
        out: dict[str, Any] = {}
        for r in _items(self.live, f"{api_id}/deployments", arm.API_CENTER_API_VERSION, f"listing the deployments of API {api}"):
            name, p = str(r.get("name")), _props(r)
            definition_id, environment_id = str(p.get("definitionId") or ""), str(p.get("environmentId") or "")
            definition = re.search(rf"/apis/{re.escape(api)}/versions/([^/]+)/definitions/([^/]+)/?$", definition_id, re.IGNORECASE)
            if definition_id and not definition:
                self.out.warnings.append(f"deployment {api}/{name} refers to definition {definition_id!r}, which is not one of API {api}: not exported")
                continue
            if definition and definition.group(2) not in (versions.get(definition.group(1)) or {}).get("definitions", {}):
                self.out.warnings.append(f"deployment {api}/{name} refers to definition {definition.group(1)}/{definition.group(2)}, which does not exist: not exported")
                continue
            if environment_id and _last(environment_id) not in self.environment_names:
                self.out.warnings.append(f"deployment {api}/{name} refers to environment {_last(environment_id)!r}, which does not exist: not exported")
                continue
            uris = list((p.get("server") or {}).get("runtimeUri") or [])
            if len(set(uris)) < len(uris):
                self.out.warnings.append(f"deployment {api}/{name} lists a runtime URI twice: the spec lists each once, and `pulumi up` stores them so")
                uris = list(dict.fromkeys(uris))
            self.out.existing_ids.add(f"{api_id}/deployments/{name}".lower())
            out[name] = _present(
                {
                    "title": p.get("title"),
                    "description": p.get("description"),
                    "environment": _last(environment_id) if environment_id else None,
                    "definition": f"{definition.group(1)}/{definition.group(2)}" if definition else None,
                    "runtimeUris": uris,
                    "state": str(p.get("state")).lower() if p.get("state") else None,
                    "customProperties": p.get("customProperties"),
                }
            )
        return out

    # --- access ----------------------------------------------------------------------------------

    def _remember(self, assignment: Mapping[str, Any]) -> tuple[str, str, str]:
        p = _props(assignment)
        key = (assignment_scope(assignment).lower(), arm.role_of(str(p.get("roleDefinitionId", ""))), str(p.get("principalId", "")).lower())
        self.out.assignments[key] = str(assignment.get("id"))
        return key

    def _granted(self, scope: str, role: str) -> dict[str, str]:
        """principal id -> principalType of the assignments of `role` at exactly `scope`."""
        out: dict[str, str] = {}
        for a in _items(self.live, arm.role_assignments_path(scope), arm.ROLE_ASSIGNMENT_API_VERSION, f"listing role assignments at {scope}", **{"$filter": arm.AT_SCOPE}):
            p = _props(a)
            if assignment_scope(a).lower() == scope.lower() and arm.role_of(str(p.get("roleDefinitionId", ""))) == role:
                self._remember(a)
                out[str(p.get("principalId", "")).lower()] = str(p.get("principalType") or "")
        return out

    def _principals(self, granted: Mapping[str, str], where: str) -> dict[str, list[str]]:
        """users / groups / servicePrincipals, by UPN or display name where Entra resolves them back
        to the same object, else by object id (with a note)."""
        out: dict[str, list[str]] = {}
        objects = {str(o.get("id", "")).lower(): o for o in self.live.objects(sorted(granted), what=f"naming the principals of {where}")}
        for principal, principal_type in sorted(granted.items()):
            obj = objects.get(principal)
            odata = str((obj or {}).get("@odata.type", "")).rsplit(".", 1)[-1]
            kind = {"user": "users", "group": "groups", "servicePrincipal": "servicePrincipals"}.get(odata) or {
                "User": "users",
                "Group": "groups",
                "ServicePrincipal": "servicePrincipals",
            }.get(principal_type, "servicePrincipals")
            name = (obj or {}).get("userPrincipalName" if kind == "users" else "displayName")
            if name and not _is_guid(str(name)) and self.live.lookup(kind, str(name)) == principal:
                out.setdefault(kind, []).append(str(name))
                continue
            out.setdefault(kind, []).append(principal)
            if obj is None:
                self.out.notes[f"- {principal}"] = "object id: Entra has no such object (deleted?); remove it, or keep it to keep the grant"
            elif name:
                self.out.notes[f"- {principal}"] = f"object id of {name}: the name is not unique in Entra"
            else:
                self.out.notes[f"- {principal}"] = "object id: Entra gives it no name"
        return {k: sorted(v) for k, v in out.items()}

    def _access(self, api: str, version: str, vid: str) -> list[dict[str, Any]]:
        entries = []
        version_api = arm.PREVIEW_API_VERSIONS["securityRequirements"]
        for r in _items(self.live, f"{vid}/securityRequirements", version_api, f"listing the bindings of {api}/{version}"):
            name, p = str(r.get("name")), _props(r)
            bid = f"{vid}/securityRequirements/{name}"
            self.out.existing_ids.add(bid.lower())
            config = _last(p.get("authConfigResourceId"))
            if config not in self.auth_config_names:
                self.out.warnings.append(f"binding {api}/{version}/{name} refers to auth config {config!r}, which does not exist: not exported (delete it, or create the auth config and export again)")
                continue
            entry: dict[str, Any] = {"authConfig": config}
            if name != config:
                entry["name"] = name
            entry.update(self._principals(self._granted(bid, arm.CREDENTIAL_ACCESS_READER), f"binding {api}/{version}/{name}"))
            entry["adopt"] = True
            entries.append(entry)
        return entries

    def _portal(self) -> dict[str, Any] | None:
        pid = arm.portal_id(self.live.subscription, self.rg, self.name)
        found = self.live.arm.get(pid, arm.PREVIEW_API_VERSIONS["portals"], what="reading the API Center portal")
        readers = self._principals(self._granted(self.service_id, arm.API_CENTER_DATA_READER), "the portal's readers")
        if found is None:
            if readers:
                self.out.warnings.append("Data Reader assignments exist but no portal: the readers are not exported (a spec grants them with the portal)")
            return None
        self.out.existing_ids.add(pid.lower())
        p = _props(found)
        self.out.live[pid.lower()] = p
        self.live.tenant_from(found)
        portal: dict[str, Any] = {"enabled": bool(p.get("enabled", True))}
        if p.get("title"):
            portal["title"] = p["title"]
        client_id = (p.get("authentication") or {}).get("clientId")
        if client_id:
            portal["signIn"] = {"clientId": client_id}
        portal["anonymousAccess"] = bool(p.get("allowAnonymousAccess", False))
        portal["adopt"] = True
        if readers:
            portal["readers"] = readers
        return portal


# words that say nothing about which auth config a secret belongs to
_GENERIC = frozenset({"api", "key", "keys", "secret", "secrets", "client", "oauth", "oauth2", "auth", "token", "http", "basic", "credentials", "value"})


def _likely_secrets(config: str, unclaimed: list[str], unresolved: int) -> list[str]:
    """The vault secrets that may hold an auth config's secret when Azure does not return the
    reference: one whose name contains the config's (or the reverse), else one sharing a word
    of its name that is not generic, else the only one left for the only config left."""
    c = config.lower()
    contained = [s for s in unclaimed if c in s.lower() or s.lower() in c]
    if contained:
        return contained
    words = set(c.split("-")) - _GENERIC
    sharing = [s for s in unclaimed if words & (set(s.lower().split("-")) - _GENERIC)]
    if sharing:
        return sharing
    return unclaimed if len(unclaimed) == 1 and unresolved == 1 else []


def _is_guid(value: str) -> bool:
    return bool(re.fullmatch(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}", value))
