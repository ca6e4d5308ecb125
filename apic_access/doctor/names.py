"""Check 1: the names the stack creates are free.

An API center or vault name held by a soft-deleted one, a vault name taken anywhere in Azure
(vault names are global), and a live resource of a name the stack would create all make
`pulumi up` fail halfway; each is named with the way out: recover and adopt, or another name.
"""

from __future__ import annotations

import json
from functools import partial
from typing import Any

from apic_access.azure import arm, tenant

from .context import Context
from .report import ERROR, OK, WARNING

ADOPT = (
    "adopt what is there into the stack: `apic-access import-ids --stack {stack} --subscription {sub} -o import.json`, then `pulumi import --file import.json`"
)
# azure-native checks that a resource it is about to create does not exist yet
EXISTS = 'if this stack did not create it, `pulumi up` stops with "already exists"'


def check(ctx: Context) -> None:
    ac = ctx.spec.api_center
    ctx.attempt("names", f"resource group {ac.resource_group}", lambda: _resource_group(ctx))
    ctx.attempt("names", f"the name of API center {ac.name}", lambda: _api_center(ctx))
    if ctx.spec.key_vault:
        ctx.attempt("names", f"the name of vault {ctx.spec.key_vault.name}", lambda: _vault(ctx))
    for ua in ac.user_assigned:
        if ua.name:
            ctx.attempt("names", f"managed identity {ua.name}", partial(_identity, ctx, ua.name))


def _name(item: dict[str, Any]) -> str:
    """A listed resource's name (lower case), else the last segment of its id."""
    return str(item.get("name") or str(item.get("id") or "").rsplit("/", 1)[-1]).lower()


def _date(value: Any) -> str:
    return str(value or "an unknown date")[:10]


def _logical(ctx: Context, type_: str, default: str) -> str:
    found = ctx.rec.by_type(type_)
    return found[0].name if found else default


def _resource_group(ctx: Context) -> None:
    ac = ctx.spec.api_center
    rg = arm.resource_group_id(ctx.subscription, ac.resource_group)
    found = ctx.resource(rg, tenant.RESOURCES_API_VERSION, f"resource group {ac.resource_group}")
    if ac.create_resource_group and found is not None:
        ctx.report.add(
            "names",
            WARNING,
            f"resource group {ac.resource_group} already exists: {EXISTS}",
            f"set `apiCenter.createResourceGroup: false` to deploy into it, or adopt it: "
            f"`pulumi import azure-native:resources:ResourceGroup {_logical(ctx, 'azure-native:resources:ResourceGroup', ac.resource_group)} {rg}`",
        )
    elif not ac.create_resource_group and found is None:
        ctx.report.add(
            "names",
            ERROR,
            f"resource group {ac.resource_group} does not exist, and `apiCenter.createResourceGroup` is false",
            f"create it (`az group create --name {ac.resource_group} --location {ac.location} --subscription {ctx.subscription}`) "
            "or set `apiCenter.createResourceGroup: true`",
        )
    else:
        state = "exists" if found is not None else "is free: the stack creates it"
        ctx.report.add("names", OK, f"resource group {ac.resource_group} {state}")
    kv = ctx.spec.key_vault
    if kv and kv.resource_group.lower() != ac.resource_group.lower():
        other = arm.resource_group_id(ctx.subscription, kv.resource_group)
        if ctx.resource(other, tenant.RESOURCES_API_VERSION, f"resource group {kv.resource_group}") is None:
            ctx.report.add(
                "names",
                ERROR,
                f"resource group {kv.resource_group} of the vault (keyVault.resourceGroup) does not exist; the stack creates only apiCenter.resourceGroup",
                f"create it: `az group create --name {kv.resource_group} --location {ac.location} --subscription {ctx.subscription}`",
            )


def _api_center(ctx: Context) -> None:
    ac = ctx.spec.api_center
    sid = arm.service_id(ctx.subscription, ac.resource_group, ac.name)
    live = ctx.resource(sid, arm.API_CENTER_API_VERSION, f"API center {ac.name}")
    what = f"soft-deleted API centers of subscription {ctx.subscription}"
    deleted = [
        d
        for d in ctx.live.arm.items(tenant.deleted_services_path(ctx.subscription), tenant.API_CENTER_DELETED_API_VERSION, what=f"listing the {what}")
        if _name(d) == ac.name.lower()
    ]
    adopt = ADOPT.format(stack=ctx.stack, sub=ctx.subscription)
    if deleted and live is None:
        props = deleted[0].get("properties") or {}
        held_id = str(deleted[0].get("id") or sid)
        held_rg = held_id.split("/")[4] if held_id.lower().startswith("/subscriptions/") and len(held_id.split("/")) > 4 else ac.resource_group
        body = json.dumps({"location": ac.location, "properties": {"restore": True}})
        ctx.report.add(
            "names",
            ERROR,
            f"API center name {ac.name} is held by a soft-deleted API center (resource group {held_rg}, deleted {_date(props.get('softDeletionDate'))}, "
            f"purged on {_date(props.get('scheduledPurgeDate'))}): creating it fails until then",
            f"restore it: `az rest --method put --url 'https://management.azure.com{held_id}?api-version={tenant.API_CENTER_DELETED_API_VERSION}' "
            f"--body '{body}'`, then {adopt}; or pick another apiCenter.name",
        )
    elif live is not None:
        ctx.report.add("names", WARNING, f"API center {ac.name} already exists in resource group {ac.resource_group}: {EXISTS}", adopt)
    else:
        ctx.report.add("names", OK, f"API center name {ac.name} is free (no live or soft-deleted API center holds it)")


def _vault(ctx: Context) -> None:
    kv = ctx.spec.key_vault
    assert kv is not None
    vid = arm.vault_id(ctx.subscription, kv.resource_group, kv.name)
    live = ctx.resource(vid, arm.KEY_VAULT_API_VERSION, f"vault {kv.name}")
    deleted = [
        v
        for v in ctx.live.arm.items(
            tenant.deleted_vaults_path(ctx.subscription), arm.KEY_VAULT_API_VERSION, what=f"listing the soft-deleted vaults of subscription {ctx.subscription}"
        )
        if _name(v) == kv.name.lower()
    ]
    logical = _logical(ctx, "azure-native:keyvault:Vault", kv.name)
    if deleted and live is None:
        props = deleted[0].get("properties") or {}
        location = str(props.get("location") or "")
        protected = bool(props.get("purgeProtectionEnabled"))
        purge = _date(props.get("scheduledPurgeDate"))
        held = f"purge protection on: it cannot be purged, the name is free again on {purge}" if protected else f"purged on {purge}"
        recover = f"recover it: `az keyvault recover --name {kv.name} --subscription {ctx.subscription}`"
        adopt = (
            "then keep it with `keyVault.existing: true` (the stack adds only secrets and roles)"
            if kv.existing
            else f"then set `keyVault.existing: true` (the stack adds only secrets and roles) or adopt it: `pulumi import azure-native:keyvault:Vault {logical} {vid}`"
        )
        fix = f"{recover}, {adopt}"
        if not protected:
            fix += f"; or purge it (its secrets are lost): `az keyvault purge --name {kv.name} --location {location}`"
        if not kv.existing:
            fix += f"; or pick another keyVault.name (free again on {purge})" if protected else "; or pick another keyVault.name"
        ctx.report.add(
            "names", ERROR, f"vault name {kv.name} is held by a soft-deleted vault (deleted {_date(props.get('deletionDate'))} in {location}, {held})", fix
        )
        return
    if kv.existing:
        if live is None:
            ctx.report.add(
                "names",
                ERROR,
                f"vault {kv.name} does not exist in resource group {kv.resource_group}, and the spec marks it existing (keyVault.existing: true)",
                "fix keyVault.name / keyVault.resourceGroup, or set `keyVault.existing: false` so the stack creates it",
            )
        else:
            ctx.report.add("names", OK, f"vault {kv.name} exists (keyVault.existing: true)")
        return
    if live is not None:
        ctx.report.add(
            "names",
            WARNING,
            f"vault {kv.name} already exists in resource group {kv.resource_group}: {EXISTS}",
            f"set `keyVault.existing: true` to use it, or adopt it: `pulumi import azure-native:keyvault:Vault {logical} {vid}`",
        )
        return
    answer = ctx.live.arm.post(
        tenant.vault_name_check_path(ctx.subscription),
        "checkNameAvailability",
        arm.KEY_VAULT_API_VERSION,
        {"name": kv.name, "type": tenant.VAULT_TYPE},
        what=f"checking that vault name {kv.name} is free",
    )
    if isinstance(answer, dict) and answer.get("nameAvailable") is False:
        why = str(answer.get("message") or answer.get("reason") or "taken")
        ctx.report.add(
            "names",
            ERROR,
            f"vault name {kv.name} is taken elsewhere in Azure (another subscription or tenant, maybe soft-deleted there): {why}",
            "vault names are global: pick another keyVault.name (keep `${stack}` in it so clones differ)",
        )
    else:
        ctx.report.add("names", OK, f"vault name {kv.name} is free (no live or soft-deleted vault holds it)")


def _identity(ctx: Context, name: str) -> None:
    ac = ctx.spec.api_center
    rid = arm.user_assigned_identity_id(ctx.subscription, ac.resource_group, name)
    if ctx.resource(rid, arm.MANAGED_IDENTITY_API_VERSION, f"managed identity {name}") is not None:
        logical = next((r.name for r in ctx.rec.by_type("azure-native:managedidentity:UserAssignedIdentity") if r.inputs.get("resourceName") == name), name)
        ctx.report.add(
            "names",
            WARNING,
            f"managed identity {name} already exists in resource group {ac.resource_group}: {EXISTS}",
            f"list it by `id:` under apiCenter.identity.userAssigned to use it, or adopt it: `pulumi import azure-native:managedidentity:UserAssignedIdentity {logical} {rid}`",
        )
    else:
        ctx.report.add("names", OK, f"managed identity name {name} is free")
