"""The API Center portal (portals/default), its sign-in app and who may read it."""

from __future__ import annotations

import pulumi

from apic_access.azure import arm

from .context import Context, child
from .preview_resource import PreviewResource
from .roles import grant_all


class Portal(pulumi.ComponentResource):
    """portals/default with Entra sign-in (azureRbac), and Azure API Center Data Reader on
    the service for each reader."""

    def __init__(
        self,
        name: str,
        ctx: Context,
        *,
        service: pulumi.Resource,
        service_id: str,
        client_id: pulumi.Input[str],
        sign_in_app: pulumi.Resource | None,
        opts: pulumi.ResourceOptions | None = None,
    ):
        super().__init__("apic-access:index:Portal", name, None, opts)
        portal = ctx.spec.portal
        assert portal is not None
        ac = ctx.spec.api_center
        self.url = arm.portal_hosts(ac.name, ac.location)[0]
        self.resource = PreviewResource(
            "default",
            resource_id=arm.portal_id(ctx.subscription_id, ac.resource_group, ac.name),
            api_version=ac.preview_api_versions.get("portals", arm.PREVIEW_API_VERSIONS["portals"]),
            properties=arm.portal_properties(
                title=portal.title or ac.name, enabled=portal.enabled, anonymous=portal.anonymous_access, client_id=client_id, tenant_id=ctx.tenant_id
            ),
            write_only=list(ac.preview_write_only.get("portals", ())),
            spec_paths=arm.PORTAL_SPEC_PATHS,
            adopt=portal.adopt or ctx.adopt_all,
            what="the API Center portal",
            opts=child(self, depends_on=[service, sign_in_app]),
        )
        r = portal.readers
        ctx.directory.prefetch((kind, ref) for kind, refs in (("users", r.users), ("groups", r.groups), ("servicePrincipals", r.service_principals)) for ref in refs)
        grant_all("readers", ctx=ctx, principals=r, scope=service_id, role=arm.API_CENTER_DATA_READER, parent=self, depends_on=[service])
        self.register_outputs({"url": self.url})
