"""Check 3: the deploying identity's ARM rights at every scope the stack writes.

What the stack writes comes from the recorded program (every resource type, every role
assignment scope), so this list never drifts from `pulumi up`. Each write is checked at the
nearest scope that exists already (the resource, else its resource group, else the
subscription: rights are inherited downwards) against the caller's effective
`Microsoft.Authorization/permissions` there. A missing right is named with the smallest
built-in role that grants it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import lru_cache, partial
from typing import Any

from apic_access.azure import arm, tenant
from apic_access.recorder import Registration

from .context import Context
from .report import ERROR, OK, WARNING


def writes(ctx: Context) -> list[tuple[str, str]]:
    """(resource id or scope the write is at, ARM action) for everything the program writes."""
    sub = ctx.subscription
    out: list[tuple[str, str]] = []
    for r in ctx.rec.resources:
        found = _write(sub, r)
        if found:
            out.append(found)
    return out


def _write(sub: str, r: Registration) -> tuple[str, str] | None:
    i = r.inputs
    if r.type == "azure-native:resources:ResourceGroup":
        return f"/subscriptions/{sub}", tenant.RESOURCE_GROUP_WRITE
    if r.type == "azure-native:authorization:RoleAssignment":
        return str(i["scope"]), tenant.ROLE_ASSIGNMENT_WRITE
    if r.type.endswith(":PreviewResource"):
        rid = str(i["resourceId"])
        return rid, f"{tenant.resource_type_of(rid)}/write"
    if r.type.endswith(":DefinitionImport"):
        rid = str(i["definitionId"])
        return rid, f"{tenant.resource_type_of(rid)}/{tenant.IMPORT_SPECIFICATION_ACTION}"
    arm_type = tenant.ARM_TYPES.get(r.type)
    if arm_type is None:
        return None  # not an ARM resource (Entra, components)
    rg = str(i.get("resourceGroupName", ""))
    if "serviceName" in i:
        where = arm.service_id(sub, rg, str(i["serviceName"]))
    elif "vaultName" in i:
        where = arm.vault_id(sub, rg, str(i["vaultName"]))
    else:
        where = arm.resource_group_id(sub, rg)
    return where, f"{arm_type}/write"


def _nearest(ctx: Context, resource_id: str) -> str:
    """The deepest scope holding `resource_id` that exists now: rights there are the ones that apply."""
    top = tenant.top_resource(resource_id)
    if "/providers/" in top.lower() and ctx.exists(top):
        return top
    parts = resource_id.split("/")
    if len(parts) >= 5 and parts[3].lower() == "resourcegroups" and ctx.exists("/".join(parts[:5])):
        return "/".join(parts[:5])
    return ctx.subscription_scope


@lru_cache(maxsize=256)
def _pattern(action: str) -> re.Pattern[str]:
    return re.compile("^" + re.escape(action).replace(r"\*", ".*") + "$", re.IGNORECASE)


def allowed(permissions: Iterable[Mapping[str, Any]], action: str, *, data: bool = False) -> bool:
    """Whether one of the permission entries grants `action` (actions minus its own notActions;
    with `data`, dataActions minus notDataActions)."""
    granted, denied = ("dataActions", "notDataActions") if data else ("actions", "notActions")
    for p in permissions:
        if any(_pattern(str(a)).match(action) for a in p.get(granted) or ()) and not any(_pattern(str(n)).match(action) for n in p.get(denied) or ()):
            return True
    return False


def smallest_role(action: str) -> str:
    lower = action.lower()
    return next((role for prefix, role in tenant.SMALLEST_ROLE if lower.startswith(prefix)), arm.CONTRIBUTOR)


def _short(scope: str, sub: str) -> str:
    if scope.lower() == f"/subscriptions/{sub}".lower():
        return f"subscription {sub}"
    parts = scope.split("/")
    if len(parts) == 5:
        return f"resource group {parts[4]}"
    return f"{parts[-2]}/{parts[-1]}" if len(parts) >= 2 else scope


def check(ctx: Context) -> None:
    by_scope: dict[str, dict[str, None]] = {}
    for where, action in writes(ctx):
        by_scope.setdefault(_nearest(ctx, where), {})[action] = None
    granted_roles = sorted({arm.role_of(str(r.inputs.get("roleDefinitionId", ""))) for r in ctx.rec.by_type("azure-native:authorization:RoleAssignment")})
    for scope, actions in by_scope.items():
        ctx.attempt("rights", f"the rights at {_short(scope, ctx.subscription)}", partial(_scope, ctx, scope, list(actions), granted_roles))
    secrets = ctx.rec.by_type("azure-native:keyvault:Secret")
    if secrets:
        i = secrets[0].inputs
        vault = arm.vault_id(ctx.subscription, str(i.get("resourceGroupName", "")), str(i.get("vaultName", "")))
        ctx.attempt("rights", "the rights on the vault's secrets", partial(_secret_delete, ctx, _nearest(ctx, vault), str(i.get("vaultName", ""))))


def _rights(ctx: Context, scope: str) -> list[dict[str, Any]]:
    """The caller's permission entries at `scope`, read once per run."""
    key = scope.lower()
    if key not in ctx.rights:
        what = f"reading what the deploying identity may do at {scope}"
        ctx.rights[key] = list(ctx.live.arm.items(tenant.permissions_path(scope), tenant.PERMISSIONS_API_VERSION, what=what))
    return ctx.rights[key]


def _secret_delete(ctx: Context, scope: str, vault: str) -> None:
    if allowed(_rights(ctx, scope), arm.SECRET_DELETE_DATA_ACTION, data=True):
        ctx.report.add("rights", OK, f"the deploying identity may delete vault secrets on the data plane of vault {vault} (a secret's replacement)")
        return
    caller = str(ctx.graph_claims.get("oid") or ctx.live.caller() or "<object id of the deploying identity>")
    name = arm.ROLE_NAMES[arm.KEY_VAULT_SECRETS_OFFICER]
    ctx.report.add(
        "rights",
        WARNING,
        f"the deploying identity may not {arm.SECRET_DELETE_DATA_ACTION} (a data action) at {_short(scope, ctx.subscription)}: the first `pulumi up` "
        "works, but replacing or deleting a vault secret later fails (azure-native deletes secrets on the Key Vault data plane)",
        f'grant it {name} once the vault exists: `az role assignment create --assignee {caller} --role "{name}" --scope '
        f"{arm.vault_id(ctx.subscription, ctx.spec.key_vault.resource_group if ctx.spec.key_vault else '', vault)}`",
    )


def _scope(ctx: Context, scope: str, actions: list[str], granted_roles: list[str]) -> None:
    rights = _rights(ctx, scope)
    where = _short(scope, ctx.subscription)
    missing: dict[str, list[str]] = {}
    for action in actions:
        if not allowed(rights, action):
            missing.setdefault(smallest_role(action), []).append(action)
    if not missing:
        ctx.report.add("rights", OK, f"the deploying identity holds all {len(actions)} ARM actions the stack needs at {where}")
        return
    caller = str(ctx.graph_claims.get("oid") or ctx.live.caller() or "<object id of the deploying identity>")
    for role, acts in missing.items():
        name = arm.ROLE_NAMES[role]
        grant = f'`az role assignment create --assignee {caller} --role "{name}" --scope {scope}'
        if role == arm.RBAC_ADMINISTRATOR:
            grant += f' --condition "{arm.role_assignment_condition(granted_roles)}" --condition-version 2.0'
            why = ", limited by a condition to the roles the spec grants"
        else:
            why = ""
        ctx.report.add(
            "rights",
            ERROR,
            f"the deploying identity may not {', '.join(sorted(acts))} at {where}",
            f"grant it {name}{why}: {grant}` (or a role with these actions)",
        )
