"""The API center, its resource group and its managed identities."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_azure_native as azure_native

from apic_access.azure import arm

from .context import Context, child
from .providers import in_subscription
from .roles import grant_all


@dataclass(frozen=True)
class Identity:
    """One identity of the API center: `key` is static (it names role assignments)."""

    key: str
    label: str
    principal_id: Any  # a str, or an Output known after apply
    resource: pulumi.Resource | None


class ApiCenter(pulumi.ComponentResource):
    """Resource group (unless createResourceGroup: false), user-assigned identities it
    creates, and the Microsoft.ApiCenter service with its system and/or user identities."""

    def __init__(self, name: str, ctx: Context, opts: pulumi.ResourceOptions | None = None):
        super().__init__("apic-access:index:ApiCenter", name, None, opts)
        ac = ctx.spec.api_center
        sub = ctx.subscription_id
        self.service_id = arm.service_id(sub, ac.resource_group, ac.name)
        self.resource_group: azure_native.resources.ResourceGroup | None = None
        if ac.create_resource_group:
            self.resource_group = azure_native.resources.ResourceGroup(
                ac.resource_group,
                resource_group_name=ac.resource_group,
                location=ac.location,
                tags=ctx.tags,
                opts=child(self, protect=ctx.protect()),
            )

        identities: list[Identity] = []
        ua_ids: list[str] = []
        providers: dict[str, azure_native.Provider] = {}
        for ua in ac.user_assigned:
            if ua.name:
                ident = azure_native.managedidentity.UserAssignedIdentity(
                    ua.name,
                    resource_name_=ua.name,
                    resource_group_name=ac.resource_group,
                    location=ac.location,
                    tags=ctx.tags,
                    opts=child(self, depends_on=[self.resource_group]),
                )
                rid = arm.user_assigned_identity_id(sub, ac.resource_group, ua.name)
                identities.append(Identity(rid.lower(), ua.name, ident.principal_id, ident))
            else:
                rid = ua.id or ""
                parts = rid.split("/")
                # read where it lives: an explicit provider for its subscription, never a lookup by
                # name in the default provider's subscription (which may hold another of that name)
                sub_of_identity = parts[2].lower()
                if sub_of_identity not in providers:
                    providers[sub_of_identity] = in_subscription(sub_of_identity, self)
                found = azure_native.managedidentity.get_user_assigned_identity(
                    resource_group_name=parts[4], resource_name=parts[8], opts=pulumi.InvokeOptions(provider=providers[sub_of_identity], parent=self)
                )
                identities.append(Identity(rid.lower(), parts[8], found.principal_id, None))
            ua_ids.append(rid)

        self.service = azure_native.apicenter.Service(
            ac.name,
            service_name=ac.name,
            resource_group_name=ac.resource_group,
            location=ac.location,
            identity=azure_native.apicenter.ManagedServiceIdentityArgs(
                type=ac.identity_type,
                user_assigned_identities=ua_ids or None,
            ),
            tags=ctx.tags,
            opts=child(self, depends_on=[self.resource_group, *(i.resource for i in identities)], protect=ctx.protect()),
        )
        if ac.system_assigned:
            principal = self.service.identity.apply(lambda i: i.principal_id if i else None)
            identities.insert(0, Identity(f"{self.service_id.lower()}/identity/system", "system", principal, self.service))
        self.identities = tuple(identities)
        r = ac.credential_readers
        if not r.is_empty():
            # Credential Access Reader on the whole service: every binding's credentials, on purpose
            ctx.directory.prefetch((kind, ref) for kind, refs in (("users", r.users), ("groups", r.groups), ("servicePrincipals", r.service_principals)) for ref in refs)
            grant_all(
                "credential-readers",
                ctx=ctx,
                principals=r,
                scope=self.service_id,
                role=arm.CREDENTIAL_ACCESS_READER,
                parent=self,
                depends_on=[self.service],
                description=arm.assignment_description(arm.CREDENTIAL_ACCESS_READER, "service"),
            )
        self.register_outputs({"serviceId": self.service_id})
