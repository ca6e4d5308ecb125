"""Role assignments with deterministic names, principalType always set, replaced safely."""

from __future__ import annotations

from collections.abc import Sequence

import pulumi
import pulumi_azure_native as azure_native

from apic_access.azure import arm
from apic_access.config.model import Principals

from .context import Context
from .directory import PRINCIPAL_TYPES


def assign(
    logical_name: str,
    *,
    subscription_id: str,
    scope: str,
    role: str,
    principal_id: pulumi.Input[str],
    principal_key: str,
    principal_type: str,
    parent: pulumi.Resource,
    depends_on: Sequence[pulumi.Resource | None] | None = None,
    aliases: Sequence[pulumi.Alias] | None = None,
    description: str | None = None,
) -> azure_native.authorization.RoleAssignment:
    """Grant `role` at `scope`.

    `principal_key` is a static string that identifies the principal (an object id from a
    lookup, or the resource id of a managed identity): the assignment's name is derived from
    it, never from a resource output, so previews and re-runs show no change.
    Scope and principal cannot change in place: such a change deletes the old assignment
    first, since the new one may reuse its name.
    """
    return azure_native.authorization.RoleAssignment(
        logical_name,
        role_assignment_name=arm.assignment_name(scope, role, principal_key),
        scope=scope,
        role_definition_id=arm.role_definition_id(subscription_id, role),
        principal_id=principal_id,
        principal_type=principal_type,
        description=description or arm.assignment_description(role),
        opts=pulumi.ResourceOptions(
            parent=parent,
            depends_on=[d for d in depends_on or [] if d is not None],
            delete_before_replace=True,
            aliases=list(aliases) if aliases else None,
        ),
    )


def grant_all(
    logical_prefix: str,
    *,
    ctx: Context,
    principals: Principals,
    scope: str,
    role: str,
    parent: pulumi.Resource,
    depends_on: Sequence[pulumi.Resource | None],
    description: str | None = None,
) -> None:
    """`role` at `scope` for every user, group and service principal listed, named by the
    spec's names (`<prefix>/<kind>/<name>`) and keyed by their object ids."""
    for kind, refs in (("users", principals.users), ("groups", principals.groups), ("servicePrincipals", principals.service_principals)):
        for ref, object_id in ctx.directory.resolve(kind, refs):
            # Entra ignores case: so does the logical name, or a case-only edit would delete
            # the one assignment both names point to. The alias keeps stacks named before.
            written = f"{logical_prefix}/{kind}/{ref}"
            assign(
                f"{logical_prefix}/{kind}/{ref.lower()}",
                aliases=[pulumi.Alias(name=written)] if ref != ref.lower() else None,
                subscription_id=ctx.subscription_id,
                scope=scope,
                role=role,
                principal_id=object_id,
                principal_key=object_id,
                principal_type=PRINCIPAL_TYPES[kind],
                parent=parent,
                depends_on=[d for d in depends_on if d is not None],
                description=description,
            )
