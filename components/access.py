"""Version access: each access entry is a binding (securityRequirement) of an auth config
to an API version, plus one Credential Access Reader assignment per principal, scoped to
that binding, so only those principals can "Try this API" with it in the portal."""

from __future__ import annotations

from typing import Any

import pulumi

from config.model import Access as AccessSpec

from . import arm
from .context import Context, child
from .preview_resource import PreviewResource
from .roles import grant_all

APIS_PER_LOOKUP = 10  # measured: bounded memory, and 10x fewer invokes than one per name


class Access(pulumi.ComponentResource):
    """All bindings and their Credential Access Reader assignments.

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
        opts: pulumi.ResourceOptions | None = None,
    ):
        super().__init__("apic-access:index:Access", name, None, opts)
        self.bindings: dict[tuple[str, str, str], str] = {}
        apis = list(ctx.spec.apis.values())
        for start in range(0, len(apis), APIS_PER_LOOKUP):
            chunk = apis[start : start + APIS_PER_LOOKUP]
            # one batched Entra lookup per few APIs: fewer invokes, and registrations keep flowing
            ctx.directory.prefetch(
                (kind, ref)
                for api in chunk
                for ver in api.versions.values()
                for entry in ver.access
                for kind, refs in (("users", entry.principals.users), ("groups", entry.principals.groups), ("servicePrincipals", entry.principals.service_principals))
                for ref in refs
            )
            self._bindings_of(ctx, chunk, service, versions, auth_configs)
        self.register_outputs({})

    def _bindings_of(
        self,
        ctx: Context,
        apis: list[Any],
        service: pulumi.Resource | None,
        versions: dict[tuple[str, str], pulumi.Resource | None],
        auth_configs: dict[str, pulumi.Resource],
    ) -> None:
        for api in apis:
            for ver in api.versions.values():
                for entry in ver.access:
                    self._binding(ctx, api.name, ver.name, entry, service, versions.get((api.name, ver.name)), auth_configs.get(entry.auth_config))

    def _binding(
        self,
        ctx: Context,
        api: str,
        version: str,
        entry: AccessSpec,
        service: pulumi.Resource | None,
        version_res: pulumi.Resource | None,
        auth_config: pulumi.Resource | None,
    ) -> None:
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
            opts=child(self, depends_on=[version_res or service, auth_config]),
        )
        self.bindings[(api, version, entry.binding)] = scope
        grant_all(logical, ctx=ctx, principals=entry.principals, scope=scope, role=arm.CREDENTIAL_ACCESS_READER, parent=self, depends_on=[binding])
