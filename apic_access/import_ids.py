"""`pulumi import` ids for adopting what was created by hand before this project.

The offline plan knows every resource's Azure name, so it can say which ARM id each
logical resource must be imported from. The output is Pulumi's bulk import file
(`pulumi import --file import.json`), parents included, so the imported resources land
exactly where `pulumi up` would have put them.
"""

from __future__ import annotations

import json
from typing import Any

from .recorder import PLACEHOLDER_SUBSCRIPTION, Recording, Registration


def arm_id(r: Registration, subscription: str) -> str | None:
    """The id `pulumi import` takes for this resource, or None when only Entra knows it."""
    i = r.inputs
    sub = f"/subscriptions/{subscription}"
    rg = f"{sub}/resourceGroups/{i.get('resourceGroupName')}"
    svc = f"{rg}/providers/Microsoft.ApiCenter/services/{i.get('serviceName')}"
    ws = f"{svc}/workspaces/{i.get('workspaceName', 'default')}"
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


PREVIEW_RESOURCE = "pulumi-python:dynamic/apicenter:PreviewResource"
ADOPTION_NOTE = (
    "auth configs, bindings and the portal are not imported with `pulumi import`: they are written by apic-access's own "
    "provider, which adopts one made by hand when its spec entry says `adopt: true` (or for one run, "
    "`pulumi up --config apic-access:adopt=true`); `apic-access export` writes those entries for you"
)


def not_imported(rec: Recording) -> list[str]:
    """What `pulumi import` cannot adopt, and how it is adopted instead."""
    names = sorted(r.name for r in rec.resources if r.type == PREVIEW_RESOURCE)
    return [f"{ADOPTION_NOTE} ({len(names)} here: {', '.join(names)})"] if names else []


def import_file(rec: Recording, subscription: str | None) -> dict[str, Any]:
    """Pulumi's bulk import format: components are created empty (`component: true`) as
    parents; `name` keys an entry in this file, `logicalName` is the Pulumi name."""
    sub = subscription or PLACEHOLDER_SUBSCRIPTION
    keys = {r.urn: f"r{i}" for i, r in enumerate(rec.resources)}
    resources = []
    for r in rec.resources:
        if r.type == PREVIEW_RESOURCE:
            continue  # adopted by the provider itself (see not_imported)
        entry: dict[str, Any] = {"type": r.type, "name": keys[r.urn], "logicalName": r.name}
        if r.custom:
            rid = arm_id(r, sub)
            entry["id"] = rid.replace(PLACEHOLDER_SUBSCRIPTION, sub) if rid else f"<object id of {r.name} in Entra>"
        else:
            entry["component"] = True
        if r.parent in keys:
            entry["parent"] = keys[r.parent]
        resources.append(entry)
    return {"resources": resources}


def dumps(rec: Recording, subscription: str | None) -> str:
    return json.dumps(import_file(rec, subscription), indent=2) + "\n"
