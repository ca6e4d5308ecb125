"""An Entra app registration for OAuth 2.0, its service principal and client secret."""

from __future__ import annotations

import datetime as dt
import uuid

import pulumi
import pulumi_azuread as azuread

from apic_access.azure import arm
from apic_access.config.model import EntraApp as EntraAppSpec

from .context import Context, child
from .key_vault import KeyVault

_SCOPE_NAMESPACE = uuid.UUID("0f5b9a36-3c1e-4e0a-8f57-6d2b4c8e1a90")


_EPOCH = dt.date(2020, 1, 1)


def secret_schedule(expires_in_days: int, rotate_after_days: int | None, today: dt.date | None = None) -> tuple[str, str | None]:
    """(end date, rotation window) of a client secret, both stable from run to run.

    With rotation, windows of `rotate_after_days` start at a fixed epoch; the window number
    changes when one ends (a new secret replaces the old: no overlap), and the secret ends
    `expires_in_days` after its window started, so it outlives the window. Without rotation,
    the end date is today + `expires_in_days` at creation (later runs ignore the drift).
    """
    today = today or dt.date.today()
    if rotate_after_days:
        window = (today - _EPOCH).days // rotate_after_days
        start = _EPOCH + dt.timedelta(days=window * rotate_after_days)
        return f"{start + dt.timedelta(days=expires_in_days)}T00:00:00Z", str(window)
    return f"{today + dt.timedelta(days=expires_in_days)}T00:00:00Z", None


class EntraApp(pulumi.ComponentResource):
    """An app registration with each part managed as its own resource: SPA redirects to the
    API Center portal, exposed scopes, identifier URI, owners, and for the portal sign-in app
    its public-client redirects and data-plane access. Then its service principal, and a
    client secret with an end date stored in the Key Vault.

    `ApplicationRegistration` plus part resources (not `Application`), because the parts that
    need the client id (the default `api://<clientId>`, the broker redirect) can only be
    separate resources, and the provider's `Application` would clear them on any update.
    """

    def __init__(self, name: str, app: EntraAppSpec, ctx: Context, vault: KeyVault | None, opts: pulumi.ResourceOptions | None = None):
        super().__init__("apic-access:index:EntraApp", name, None, opts)
        ac = ctx.spec.api_center
        self.application = azuread.ApplicationRegistration(
            app.key,
            display_name=app.display_name,
            sign_in_audience=app.sign_in_audience,
            requested_access_token_version=2,
            opts=child(self, protect=ctx.protect(), aliases=ctx.aliases("entraApps", app.key)),
        )
        reg = self.application.id
        self.client_id = self.application.client_id

        def part(name: str, *also: str) -> pulumi.ResourceOptions:
            # a renamed key (`moved:`) keeps every part: the app's Azure identity does not depend on it
            return child(self, depends_on=[self.application], aliases=ctx.aliases("entraApps", name, *also))

        spa = list(app.spa_redirect_uris)
        if app.portal_redirect:
            spa = [*arm.portal_hosts(ac.name, ac.location), *spa]
        if spa:
            azuread.ApplicationRedirectUris(f"{app.key}/spa", application_id=reg, type="SPA", redirect_uris=spa, opts=part(f"{app.key}/spa"))
        if app.portal_sign_in:
            azuread.ApplicationRedirectUris(
                f"{app.key}/public-client",
                application_id=reg,
                type="PublicClient",
                redirect_uris=self.client_id.apply(lambda c: [*arm.PORTAL_PUBLIC_CLIENT_REDIRECTS, f"ms-appx-web://Microsoft.AAD.BrokerPlugin/{c}"]),
                opts=part(f"{app.key}/public-client"),
            )
            azuread.ApplicationApiAccess(
                f"{app.key}/data-plane",
                application_id=reg,
                api_client_id=arm.DATA_PLANE_APP_ID,
                scope_ids=[arm.DATA_PLANE_SCOPE_ID],
                opts=part(f"{app.key}/data-plane"),
            )

        # the URI actually set, placeholders filled: auth configs prefix their scopes with it
        self.identifier_uri: pulumi.Output[str]
        template = app.identifier_uri or "api://{appId}"
        if "{appId}" in template:
            self.identifier_uri = self.client_id.apply(lambda c: arm.fill_identifier_uri(template, tenant_id=ctx.tenant_id, app_id=c))
        else:  # known at preview time: a plan shows it
            self.identifier_uri = pulumi.Output.from_input(arm.fill_identifier_uri(template, tenant_id=ctx.tenant_id, app_id=""))
        if app.scopes or app.identifier_uri:  # exposed scopes need an identifier URI: default api://<clientId>
            azuread.ApplicationIdentifierUri(app.key, application_id=reg, identifier_uri=self.identifier_uri, opts=part(app.key))
        for s in app.scopes:
            azuread.ApplicationPermissionScope(
                f"{app.key}/{s.value}",
                application_id=reg,
                scope_id=str(uuid.uuid5(_SCOPE_NAMESPACE, f"{app.key}/{s.value}")),
                value=s.value,
                type="Admin" if s.admin_only else "User",
                admin_consent_display_name=s.value,
                admin_consent_description=s.description or s.value,
                user_consent_display_name=None if s.admin_only else s.value,
                user_consent_description=None if s.admin_only else (s.description or s.value),
                # the id is derived from the key when the scope is made; a renamed key keeps it
                opts=pulumi.ResourceOptions.merge(part(f"{app.key}/{s.value}"), pulumi.ResourceOptions(ignore_changes=["scopeId"])),
            )
        # Owners the spec names, each an ApplicationOwner, except the deploying identity itself:
        # Entra makes the creator an owner on its own when it is a service principal with
        # Application.ReadWrite.OwnedBy or a user without an admin role, and an ApplicationOwner
        # for that same principal then fails on every run ("already exists ... needs to be
        # imported", terraform-provider-azuread #1367, #1718). Admin creators are not made owners
        # and need no ownership to manage the app (docs/permissions.md).
        deployer = ctx.deployer_object_id.lower()
        for owner in app.owners:
            object_id = ctx.directory.object_id("users", owner)
            if deployer and object_id.lower() == deployer:
                pulumi.log.warn(deploying_identity_owner_note(app.key, owner), resource=self)
                continue
            # named without regard to case, as Entra matches UPNs (an alias keeps older stacks)
            written, named = f"{app.key}/owner/{owner}", f"{app.key}/owner/{owner.lower()}"
            azuread.ApplicationOwner(
                named,
                application_id=reg,
                owner_object_id=object_id,
                opts=part(named, written),
            )
        # The service principal's owners are an attribute the provider reconciles (never an
        # "already exists"): it creates the principal with the caller among its owners and,
        # with no `owners`, removes the caller right after, which leaves an OwnedBy identity
        # unable to change or delete it. Set at creation only (ignore_changes): a principal
        # made by an earlier release is left as it is rather than updated under a 403.
        self.service_principal = azuread.ServicePrincipal(
            app.key,
            client_id=self.client_id,
            owners=[ctx.deployer_object_id] if ctx.deployer_object_id else None,
            opts=child(self, ignore_changes=["owners"], aliases=ctx.aliases("entraApps", app.key)),
        )

        self.secret = None
        if app.client_secret is not None:
            cs = app.client_secret
            end_date, window = secret_schedule(cs.expires_in_days, cs.rotate_after_days)
            password = azuread.ApplicationPassword(
                app.key,
                application_id=reg,
                display_name="apic-access",
                end_date=end_date,
                rotate_when_changed={"window": window} if window else None,
                opts=child(self, additional_secret_outputs=["value"], ignore_changes=None if window else ["endDate"], aliases=ctx.aliases("entraApps", app.key)),
            )
            assert vault is not None  # validation guarantees a vault for client secrets
            # the default secret name follows the key: renamed, it is a new secret in Azure, which
            # the alias shows as a replacement of the old one
            default = f"{app.key}-client-secret"
            before = [f"{old}-client-secret" for old in ctx.spec.previous_names("entraApps", app.key)] if cs.key_vault_secret == default else []
            self.secret = vault.store(cs.key_vault_secret, password.value, ctx, "client-secret", parent=self, previous=before)
        self.register_outputs({"clientId": self.client_id})


def deploying_identity_owner_note(app_key: str, owner: str) -> str:
    """Why an `owners` entry that names the deploying identity registers nothing."""
    return (
        f"entraApps.{app_key}.owners: '{owner}' is the identity running `pulumi up`; it is not added as an owner by the program: "
        "Entra makes a creator with Application.ReadWrite.OwnedBy (or a user without an admin role) an owner by itself, "
        "and an admin creator needs no ownership (docs/permissions.md). Remove it from `owners` to silence this note"
    )
