"""Checks 6 and 7: the secret config `apic-access secrets` asks for, and the role-assignment
budget against what the subscription already holds (Azure counts every assignment in it,
whoever made it, toward a fixed 4,000)."""

from __future__ import annotations

from functools import partial
from typing import Any

from apic_access import secrets
from apic_access.azure import arm
from apic_access.config.errors import plural
from apic_access.config.grants import WARN_AT, budget
from apic_access.config.model import Spec
from apic_access.live import assignment_scope
from apic_access.stacks import NAMESPACE

from .context import Context
from .report import ERROR, OK, WARNING, Report

MARKER = "managed by apic-access"  # every assignment the program makes says so in its description


def check_secrets(report: Report, spec: Spec, stack: str, config: dict[str, Any]) -> None:
    found = secrets.statuses(spec, config)
    for s in found:
        command = f"`pulumi config set --secret --stack {stack} {NAMESPACE}:{s.key} <value>`"
        if s.state == "missing":
            report.add("secrets", ERROR, f"secret config {NAMESPACE}:{s.key} is not set (keyVault.secrets names it in fromConfig)", f"set it: {command}")
        elif s.state == "plain":
            report.add(
                "secrets", ERROR, f"secret config {NAMESPACE}:{s.key} is set in plain text in Pulumi.{stack}.yaml", f"set it again as a secret: {command}"
            )
    if found and all(s.state == "set" for s in found):
        report.add("secrets", OK, f"all {plural(len(found), 'secret config value')} the spec reads are set, encrypted")


def check_existing_secrets(ctx: Context) -> None:
    """Secrets the spec marks `existing: true` must be in the vault before an auth config points at them."""
    kv = ctx.spec.key_vault
    if not kv:
        return
    vid = arm.vault_id(ctx.subscription, kv.resource_group, kv.name)
    for secret in kv.secrets.values():
        if not secret.existing:
            continue
        if not ctx.exists(vid):
            ctx.report.add(
                "secrets",
                WARNING,
                f"vault secret {secret.name} is marked existing (keyVault.secrets.{secret.name}), but vault {kv.name} does not exist yet",
                f"after `pulumi up` creates the vault, add it: `az keyvault secret set --vault-name {kv.name} --name {secret.name} --file <file>`",
            )
            continue
        name = secret.name
        ctx.attempt("secrets", f"vault secret {name}", partial(_secret, ctx, vid, name))


def _secret(ctx: Context, vault_id: str, name: str) -> None:
    kv = ctx.spec.key_vault
    assert kv is not None
    found = ctx.live.arm.get(arm.key_vault_secret_id(vault_id, name), arm.KEY_VAULT_API_VERSION, what=f"reading the metadata of vault secret {name}")
    if found is None:
        ctx.report.add(
            "secrets",
            WARNING,
            f"vault secret {name} is marked existing (keyVault.secrets.{name}) but vault {kv.name} has no such secret: the auth configs using it get no credential",
            f"add it: `az keyvault secret set --vault-name {kv.name} --name {name} --file <file>`",
        )
    else:
        ctx.report.add("secrets", OK, f"vault secret {name} exists in vault {kv.name}")


def check_budget(ctx: Context) -> None:
    ctx.attempt("budget", "the role assignments of the subscription", lambda: _budget(ctx))


def _budget(ctx: Context) -> None:
    spec = ctx.spec
    ac = spec.api_center
    sub_prefix = ctx.subscription_scope.lower()
    held = [
        a
        for a in ctx.live.arm.items(
            arm.role_assignments_path(ctx.subscription_scope),
            arm.ROLE_ASSIGNMENT_API_VERSION,
            what=f"counting the role assignments of subscription {ctx.subscription}",
        )
        if (assignment_scope(a).lower() + "/").startswith(sub_prefix + "/")  # management-group assignments count elsewhere
    ]
    ours_names = {str(r.inputs.get("roleAssignmentName", "")).lower() for r in ctx.rec.by_type("azure-native:authorization:RoleAssignment")}
    homes = [arm.service_id(ctx.subscription, ac.resource_group, ac.name).lower()]
    if spec.key_vault:
        homes.append(arm.vault_id(ctx.subscription, spec.key_vault.resource_group, spec.key_vault.name).lower())

    def ours(a: dict[str, Any]) -> bool:
        """Made by this spec already (any shard): a name the program gives, or our marker at our scopes."""
        if str(a.get("name", "")).lower() in ours_names:
            return True
        scope = assignment_scope(a).lower()
        described = MARKER in str((a.get("properties") or {}).get("description") or "")
        return described and any(scope == h or scope.startswith(h + "/") for h in homes)

    mine = sum(1 for a in held if ours(a))
    others = len(held) - mine
    wanted = budget(spec).total
    after = others + wanted
    limit = arm.ROLE_ASSIGNMENTS_PER_SUBSCRIPTION
    text = (
        f"subscription {ctx.subscription} holds {plural(len(held), 'role assignment')}, {mine:,} of them this spec's; with the spec's {wanted:,} "
        f"it would hold {after:,} of Azure's {limit:,}"
    )
    fix = (
        "grant to groups (`accessDefaults: {via: group}`), at a coarser `scope` where a team accepts it, or remove role assignments "
        f"the subscription no longer needs (`az role assignment list --all --subscription {ctx.subscription}`)"
    )
    if after > limit:
        ctx.report.add("budget", ERROR, f"{text}: `pulumi up` would stop with RoleAssignmentLimitExceeded", fix)
    elif after >= WARN_AT * limit:
        ctx.report.add("budget", WARNING, f"{text}: {after / limit:.0%} of the limit", fix)
    else:
        ctx.report.add("budget", OK, text)
