"""`pulumi import` ids for adopting what was created by hand before this project.

The offline plan, recorded with the real subscription, knows every Azure resource's id.
The output is Pulumi's bulk import file (`pulumi import --file import.json`), parents
included, so the imported resources land exactly where `pulumi up` would have put them.
Each entry uses the id format its provider documents: ARM ids for azure-native, and for
azuread the `/applications/<object id>/...` forms of the SDK's import docs.

What the plan cannot know offline (the object ids of Entra apps, and of principals named
by UPN or display name, from which role assignment names are derived) is listed apart,
with the command that finds each value and the `--object-id` argument that completes the
entry on the next run. Types the providers cannot import are left out, with what
`pulumi up` does about them.
"""

from __future__ import annotations

import base64
import json
import re
import shlex
from dataclasses import dataclass, field
from typing import Any

from apic_access.azure import arm
from apic_access.config.errors import plural

from .recorder import UNKNOWN, Recording, Registration

_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
OBJECT_ID_KINDS = {"app": "an Entra app registration", "app-sp": "an app's service principal", "user": "a user", "group": "a group", "sp": "a service principal"}
_PRINCIPAL_KINDS = {"users": "user", "groups": "group", "servicePrincipals": "sp"}

NOT_IMPORTABLE = {
    "azuread:index/applicationPassword:ApplicationPassword": (
        "the azuread provider cannot import a client secret: `pulumi up` creates a new one (with the spec's end date) "
        "and stores it in the vault; delete the hand-made secret afterwards (az ad app credential delete)"
    ),
    "pulumi-python:dynamic/apicenter:PreviewResource": (
        "an auth config, binding or portal, written by apic-access's own provider, which `pulumi import` cannot adopt: "
        "with `adopt: true` on its spec entry (what `apic-access export` writes), or `pulumi up --config apic-access:adopt=true` "
        "for one run, `pulumi up` takes over the one made by hand instead of refusing to"
    ),
    "pulumi-python:dynamic/apicenter:DefinitionImport": (
        "an ARM action, not a resource: `pulumi up` imports the definition's file again (the definition itself is imported above)"
    ),
}


@dataclass
class ImportPlan:
    resources: list[dict[str, Any]] = field(default_factory=list)
    pending: list[tuple[str, str]] = field(default_factory=list)  # (logical name, what is missing and how to find it)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (logical name, why, and what pulumi up does)


def arm_id(r: Registration, subscription: str) -> str | None:
    """The ARM id of an azure-native resource (None for other providers)."""
    i = r.inputs
    sub = f"/subscriptions/{subscription}"
    rg = f"{sub}/resourceGroups/{i.get('resourceGroupName')}"
    svc = f"{rg}/providers/{arm.NAMESPACE}/services/{i.get('serviceName')}"
    ws = f"{svc}/workspaces/{i.get('workspaceName', arm.WORKSPACE)}"
    t = r.type
    if t == "azure-native:resources:ResourceGroup":
        return rg
    if t == "azure-native:apicenter:Service":
        return svc
    if t == "azure-native:managedidentity:UserAssignedIdentity":
        return f"{rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{i['resourceName']}"
    if t == "azure-native:keyvault:Vault":
        return f"{rg}/providers/Microsoft.KeyVault/vaults/{i['vaultName']}"
    if t == "azure-native:keyvault:Secret":
        return f"{rg}/providers/Microsoft.KeyVault/vaults/{i['vaultName']}/secrets/{i['secretName']}"
    if t == "azure-native:apicenter:Environment":
        return f"{ws}/environments/{i['environmentName']}"
    if t == "azure-native:apicenter:Api":
        return f"{ws}/apis/{i['apiName']}"
    if t == "azure-native:apicenter:ApiVersion":
        return f"{ws}/apis/{i['apiName']}/versions/{i['versionName']}"
    if t == "azure-native:apicenter:ApiDefinition":
        return f"{ws}/apis/{i['apiName']}/versions/{i['versionName']}/definitions/{i['definitionName']}"
    if t == "azure-native:apicenter:Deployment":
        return f"{ws}/apis/{i['apiName']}/deployments/{i['deploymentName']}"
    if t == "azure-native:resources:Resource":
        return f"{rg}/providers/{i['resourceProviderNamespace']}/{i['parentResourcePath']}/{i['resourceType']}/{i['resourceName']}"
    if t == "azure-native:authorization:RoleAssignment":
        return f"{i['scope']}/providers/Microsoft.Authorization/roleAssignments/{i['roleAssignmentName']}"
    return None


def _arg(kind: str, name: str) -> str:
    return shlex.quote(f"--object-id={kind}:{name}=<object id>")


def _find_command(kind: str, name: str) -> str:
    q = shlex.quote(name)
    return {
        "app": f"az ad app list --display-name {q} --query '[].id' -o tsv",
        "app-sp": f"az ad sp list --display-name {q} --query '[].id' -o tsv",
        "user": f"az ad user show --id {q} --query id -o tsv",
        "group": f"az ad group show --group {q} --query id -o tsv",
        "sp": f"az ad sp list --display-name {q} --query '[].id' -o tsv",
    }[kind]


def _missing(kind: str, name: str) -> str:
    return f"the object id of {OBJECT_ID_KINDS[kind]} '{name}': {_find_command(kind, name)}; then add {_arg(kind, name)}"


def _is_known(value: Any) -> bool:
    return isinstance(value, str) and value != UNKNOWN and bool(value)


class _Ids:
    """Answers for what only Entra knows: object ids given as KIND:NAME=GUID."""

    def __init__(self, rec: Recording, object_ids: dict[str, str]):
        self.given = {k.lower(): v for k, v in object_ids.items()}
        self.apps = {r.urn: str(r.inputs.get("displayName", r.name)) for r in rec.resources if r.type == "azuread:index/applicationRegistration:ApplicationRegistration"}

    def get(self, kind: str, name: str) -> str | None:
        if kind in ("user", "group", "sp") and arm_guid(name):
            return name.lower()
        return self.given.get(f"{kind}:{name}".lower())

    def app_of(self, r: Registration) -> tuple[str | None, str]:
        """(object id, display name) of the app registration a part resource belongs to."""
        for dep in r.dependencies:
            if dep in self.apps:
                return self.get("app", self.apps[dep]), self.apps[dep]
        return None, r.name.split("/", 1)[0]


def arm_guid(text: str) -> bool:
    """An object id or subscription id: a GUID."""
    return bool(_GUID.match(text))


def _azuread_id(r: Registration, ids: _Ids, plan: ImportPlan) -> str | None:
    """The `/applications/<object id>/...` id its provider documents, or None (then pending)."""
    t, i = r.type, r.inputs
    if t == "azuread:index/applicationRegistration:ApplicationRegistration":
        name = str(i.get("displayName", r.name))
        oid = ids.get("app", name)
        if oid is None:
            plan.pending.append((r.name, _missing("app", name)))
            return None
        return f"/applications/{oid}"
    if t == "azuread:index/servicePrincipal:ServicePrincipal":
        _, app = ids.app_of(r)
        oid = ids.get("app-sp", app)
        if oid is None:
            plan.pending.append((r.name, _missing("app-sp", app)))
            return None
        return oid  # service principals import by their bare object id
    app_oid, app = ids.app_of(r)
    if app_oid is None:
        plan.pending.append((r.name, _missing("app", app)))
        return None
    base = f"/applications/{app_oid}"
    if t == "azuread:index/applicationRedirectUris:ApplicationRedirectUris":
        return f"{base}/redirectUris/{i['type']}"
    if t == "azuread:index/applicationPermissionScope:ApplicationPermissionScope":
        return f"{base}/permissionScopes/{i['scopeId']}"
    if t == "azuread:index/applicationApiAccess:ApplicationApiAccess":
        return f"{base}/apiAccess/{i['apiClientId']}"
    if t == "azuread:index/applicationIdentifierUri:ApplicationIdentifierUri":
        uri = i.get("identifierUri")
        if not _is_known(uri):
            plan.pending.append((r.name, f"the app's identifier URI (api://<client id> by default): az ad app show --id {app_oid} --query identifierUris -o tsv"))
            return None
        return f"{base}/identifierUris/{base64.b64encode(str(uri).encode()).decode()}"
    if t == "azuread:index/applicationOwner:ApplicationOwner":
        owner = r.name.rsplit("/owner/", 1)[-1]
        oid = ids.get("user", owner)
        if oid is None:
            plan.pending.append((r.name, _missing("user", owner)))
            return None
        return f"{base}/owners/{oid}"
    return None


def _assignment_pending(r: Registration, ids: _Ids) -> str | None:
    """What a role assignment's name still needs: its name is derived from the principal's object id."""
    parts = r.name.split("/")
    if len(parts) >= 2 and parts[-2] in _PRINCIPAL_KINDS:
        kind, ref = _PRINCIPAL_KINDS[parts[-2]], parts[-1]
        if ids.get(kind, ref) is None:
            return _missing(kind, ref)
    return None


def import_plan(rec: Recording, subscription: str, object_ids: dict[str, str] | None = None) -> ImportPlan:
    """Pulumi's bulk import format: components are created empty (`component: true`) as
    parents; `name` keys an entry in this file, `logicalName` is the Pulumi name.

    `rec` must be recorded with `subscription` and with the given object ids as lookups, so
    scopes and role assignment names are the ones Azure has."""
    ids = _Ids(rec, object_ids or {})
    plan = ImportPlan()
    keys = {r.urn: f"r{i}" for i, r in enumerate(rec.resources)}
    for r in rec.resources:
        entry: dict[str, Any] = {"type": r.type, "name": keys[r.urn], "logicalName": r.name}
        if r.options.get("read"):
            continue  # a read (a StackReference): nothing to import
        if r.custom:
            if r.type in NOT_IMPORTABLE:
                plan.skipped.append((r.name, NOT_IMPORTABLE[r.type]))
                continue
            rid = arm_id(r, subscription) if r.type.startswith("azure-native:") else _azuread_id(r, ids, plan)
            if rid is None:
                continue
            if r.type == "azure-native:authorization:RoleAssignment":
                missing = _assignment_pending(r, ids)
                if missing:
                    plan.pending.append((r.name, missing))
                    continue
            entry["id"] = rid
        else:
            entry["component"] = True
        if r.parent in keys:
            entry["parent"] = keys[r.parent]
        plan.resources.append(entry)
    return plan


def dumps(plan: ImportPlan) -> str:
    return json.dumps({"resources": plan.resources}, indent=2) + "\n"


def report(plan: ImportPlan) -> str:
    """What the file leaves out, for the person running the import."""
    lines: list[str] = []
    if plan.pending:
        needs: dict[str, list[str]] = {}
        for name, what in plan.pending:
            needs.setdefault(what, []).append(name)
        lines.append(f"{plural(len(plan.pending), 'entry')} left out until you give a value only Entra knows (run the command, then import-ids again with the argument):")
        for what, names in needs.items():
            lines.append(f"  {what}")
            lines.append(f"      for: {', '.join(names)}")
    if plan.skipped:
        lines.append(f"{plural(len(plan.skipped), 'entry')} cannot be imported, left out:")
        lines += [f"  {name}: {why}" for name, why in plan.skipped]
    lines.append(
        "Role assignments made by hand have random names: `pulumi up` cannot adopt them under the deterministic names it uses. "
        "Find them with `az role assignment list --scope SCOPE --query \"[].id\" -o tsv` and delete them (`az role assignment delete --ids ID`) "
        "so that `pulumi up` creates their replacements."
    )
    return "\n".join(lines) + "\n"
