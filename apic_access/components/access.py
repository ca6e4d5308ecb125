"""Version access: each access entry is a binding (securityRequirement) of an auth config
to an API version, and Credential Access Reader for its principals, so only they can "Try
this API" with it in the portal.

Who is granted where comes from config/grants.py (the plan `validate` counts against the
role-assignment budget): by default one assignment per principal at the binding; with
`via: group` one managed Entra security group per grant scope, its principals as members and
one assignment to the group; with `scope: version|api` the assignment is made once at the
version or API for all its bindings.
"""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_azuread as azuread

from apic_access.azure import arm
from apic_access.config.grants import GrantScope, ManagedGroup, api_grants
from apic_access.config.model import Access as AccessSpec
from apic_access.config.model import Api

from .context import Context, child
from .directory import PRINCIPAL_TYPES
from .preview_resource import PreviewResource
from .roles import assign

APIS_PER_LOOKUP = 10  # measured: bounded memory, and 10x fewer invokes than one per name


class Access(pulumi.ComponentResource):
    """All bindings, their Credential Access Reader assignments and the managed groups
    (`groups`, by grant scope) that `via: group` access makes. `apis` and `versions` hold the
    inventory's resources, which assignments at a version or API scope wait for.

    In an inventory shard the auth configs belong to the platform stack: `auth_configs` is
    empty and bindings refer to them by name, as ARM stores the reference."""

    def __init__(
        self,
        name: str,
        ctx: Context,
        *,
        service: pulumi.Resource | None,
        versions: dict[tuple[str, str], pulumi.Resource | None],
        auth_configs: dict[str, pulumi.Resource],
        apis: dict[str, pulumi.Resource | None] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ):
        super().__init__("apic-access:index:Access", name, None, opts)
        self.bindings: dict[tuple[str, str, str], str] = {}
        self.groups: dict[str, azuread.Group] = {}  # managed groups by grant scope label
        api_resources = apis or {}
        specs = list(ctx.spec.apis.values())
        for start in range(0, len(specs), APIS_PER_LOOKUP):
            chunk = specs[start : start + APIS_PER_LOOKUP]
            # one batched Entra lookup per few APIs: fewer invokes, and registrations keep flowing
            ctx.directory.prefetch(
                (kind, ref)
                for api in chunk
                for ver in api.versions.values()
                for entry in ver.access
                for kind, refs in (("users", entry.principals.users), ("groups", entry.principals.groups), ("servicePrincipals", entry.principals.service_principals))
                for ref in refs
            )
            self._bindings_of(ctx, chunk, service, versions, auth_configs, api_resources)
        self.register_outputs({})

    def _bindings_of(
        self,
        ctx: Context,
        apis: list[Any],
        service: pulumi.Resource | None,
        versions: dict[tuple[str, str], pulumi.Resource | None],
        auth_configs: dict[str, pulumi.Resource],
        api_resources: dict[str, pulumi.Resource | None],
    ) -> None:
        for api in apis:
            bindings: dict[tuple[str, str], pulumi.Resource] = {}
            for ver in api.versions.values():
                for entry in ver.access:
                    bindings[(ver.name, entry.binding)] = self._binding(
                        ctx, api.name, ver.name, entry, service, versions.get((api.name, ver.name)), auth_configs.get(entry.auth_config)
                    )
            self._grants(ctx, api, bindings, versions, api_resources.get(api.name) or service)

    def _grants(
        self,
        ctx: Context,
        api: Api,
        bindings: dict[tuple[str, str], pulumi.Resource],
        versions: dict[tuple[str, str], pulumi.Resource | None],
        api_res: pulumi.Resource | None,
    ) -> None:
        """Credential Access Reader as config/grants.py plans it: the count `validate` showed."""
        ac = ctx.spec.api_center
        plan = api_grants(api)
        made: set[tuple[str, str]] = set()  # (scope id, object id): a principal named twice is granted once
        for grant in plan.grants:
            scope = grant.scope
            if scope.kind == "binding":
                assert scope.version and scope.binding
                scope_id = arm.binding_id(ctx.subscription_id, ac.resource_group, ac.name, api.name, scope.version, scope.binding)
                on: pulumi.Resource | None = bindings[(scope.version, scope.binding)]
                prefix = scope.label  # the names assignments had before scopes existed: no churn
            elif scope.kind == "version":
                assert scope.version
                scope_id = arm.version_id(ctx.subscription_id, ac.resource_group, ac.name, api.name, scope.version)
                on = versions.get((api.name, scope.version)) or api_res
                prefix = f"{scope.label}/*"  # `*`: all bindings under it; never an ARM name
            else:
                scope_id = arm.api_id(ctx.subscription_id, ac.resource_group, ac.name, api.name)
                on = api_res
                prefix = f"{scope.label}/*"
            description = arm.assignment_description(arm.CREDENTIAL_ACCESS_READER, scope.kind)
            if grant.group is not None:
                group = self._managed_group(ctx, grant.group, prefix)
                display_name = arm.managed_group_names(ac.name, scope.label)[0]
                assign(
                    f"{prefix}/group",
                    aliases=ctx.aliases("apis", f"{prefix}/group"),
                    subscription_id=ctx.subscription_id,
                    scope=scope_id,
                    role=arm.CREDENTIAL_ACCESS_READER,
                    principal_id=group.object_id,
                    # named from the group's static name, never its object id (an output)
                    principal_key=f"managed-group:{display_name}",
                    principal_type="Group",
                    parent=self,
                    depends_on=[on, group],
                    description=description,
                )
                continue
            assert grant.principal is not None
            kind, ref = grant.principal
            object_id = ctx.directory.object_id(kind, ref)
            if (scope_id, object_id) in made:
                continue
            made.add((scope_id, object_id))
            written = f"{prefix}/{kind}/{ref}"
            assign(
                # named without regard to case, as Entra matches names (an alias keeps older stacks)
                f"{prefix}/{kind}/{ref.lower()}",
                subscription_id=ctx.subscription_id,
                scope=scope_id,
                role=arm.CREDENTIAL_ACCESS_READER,
                principal_id=object_id,
                principal_key=object_id,
                principal_type=PRINCIPAL_TYPES[kind],
                parent=self,
                depends_on=[on],
                description=description,
                aliases=ctx.aliases("apis", f"{prefix}/{kind}/{ref.lower()}", *([written] if ref != ref.lower() else [])),
            )

    def _managed_group(self, ctx: Context, spec: ManagedGroup, prefix: str) -> azuread.Group:
        """The security group of one grant scope, owned by the deploying identity, with one
        GroupMember per principal: a principal added to the spec is one membership more."""
        ac = ctx.spec.api_center
        display_name, nickname = arm.managed_group_names(ac.name, spec.scope.label)
        group = azuread.Group(
            f"{prefix}/group",
            display_name=display_name,
            mail_nickname=nickname,
            security_enabled=True,
            mail_enabled=False,
            description=_group_description(spec.scope),
            # An attribute of the group, not an owner resource: the provider creates the group
            # with the caller among its owners (Group.Create alone could not manage it otherwise)
            # and later compares the list with Entra's, so an owner Entra already added is never
            # an "already exists" (unlike ApplicationOwner, see entra_app.py)
            owners=[ctx.deployer_object_id] if ctx.deployer_object_id else None,
            # a renamed scope (`moved:`) keeps its group: the display name follows in place, while
            # the mail nickname, which Entra cannot change in place, keeps the one it was made with
            opts=child(self, aliases=ctx.aliases("apis", f"{prefix}/group"), ignore_changes=["mailNickname"]),
        )
        self.groups[spec.scope.label] = group
        seen: set[str] = set()
        for kind, ref in spec.members:
            object_id = ctx.directory.object_id(kind, ref)
            if object_id in seen:
                continue
            seen.add(object_id)
            member = f"{prefix}/group/{kind}/{ref.lower()}"
            azuread.GroupMember(member, group_object_id=group.object_id, member_object_id=object_id, opts=child(self, depends_on=[group], aliases=ctx.aliases("apis", member)))
        return group

    def _binding(
        self,
        ctx: Context,
        api: str,
        version: str,
        entry: AccessSpec,
        service: pulumi.Resource | None,
        version_res: pulumi.Resource | None,
        auth_config: pulumi.Resource | None,
    ) -> pulumi.Resource:
        ac = ctx.spec.api_center
        logical = f"{api}/{version}/{entry.binding}"
        scope = arm.binding_id(ctx.subscription_id, ac.resource_group, ac.name, api, version, entry.binding)
        binding = PreviewResource(
            logical,
            resource_id=scope,
            api_version=ac.preview_api_versions.get("securityRequirements", arm.PREVIEW_API_VERSIONS["securityRequirements"]),
            properties=arm.security_requirement_properties(entry.auth_config),
            write_only=list(ac.preview_write_only.get("securityRequirements", ())),
            spec_paths=arm.binding_spec_paths(api, version, entry.binding),
            adopt=entry.adopt or ctx.adopt_all,
            what=f"binding '{entry.binding}' of {api}/{version}",
            opts=child(self, depends_on=[version_res or service, auth_config], aliases=ctx.aliases("apis", logical)),
        )
        self.bindings[(api, version, entry.binding)] = scope
        return binding


def _group_description(scope: GrantScope) -> str:
    where = {"binding": "binding", "version": "every binding of API version", "api": "every binding of API"}[scope.kind]
    return f"Members may use the credentials of {where} {scope.label} in the API Center portal (Credential Access Reader); managed by apic-access"
