"""The whole setup from one spec: the top-level component that wires the others."""

from __future__ import annotations

import pulumi

from apic_access.azure import arm
from apic_access.config.model import Spec

from .access import Access
from .api_center import ApiCenter
from .auth_config import AuthConfig
from .context import Context
from .entra_app import EntraApp
from .inventory import Inventory
from .key_vault import KeyVault
from .portal import Portal
from .roles import assign
from .shard import Shard


class ApiCenterAccess(pulumi.ComponentResource):
    """Everything the API Center "Try this API" walkthrough does by hand.

    Leaf components never grant access to each other: the role assignments between them
    (Key Vault Secrets User for the API center's identities) are made here.
    `outputs` holds what a pipeline or a person needs: portal URL, ids, client ids.
    """

    def __init__(
        self,
        name: str,
        spec: Spec,
        opts: pulumi.ResourceOptions | None = None,
        *,
        shard: Shard | None = None,
        platform_stack: str | None = None,
        adopt: bool = False,
    ):
        super().__init__("apic-access:index:ApiCenterAccess", name, None, opts)
        shard = shard or Shard("all")
        spec = shard.select(spec)
        ctx = Context.from_spec(spec, adopt_all=adopt)
        if not shard.owns_platform:
            self._inventory_shard(ctx, platform_stack)
            return
        self.api_center = ApiCenter("api-center", ctx, pulumi.ResourceOptions(parent=self))
        service = self.api_center.service

        self.key_vault = None
        grants: list[pulumi.Resource] = []
        if spec.key_vault:
            self.key_vault = KeyVault("key-vault", ctx, [self.api_center.resource_group] if self.api_center.resource_group else [], pulumi.ResourceOptions(parent=self))
            for ident in self.api_center.identities:
                grants.append(
                    assign(
                        f"secrets-user/{ident.label}",
                        subscription_id=ctx.subscription_id,
                        scope=self.key_vault.vault_id,
                        role=arm.KEY_VAULT_SECRETS_USER,
                        principal_id=ident.principal_id,
                        principal_key=ident.key,
                        principal_type="ServicePrincipal",
                        parent=self,
                        depends_on=[self.key_vault.vault, ident.resource],
                    )
                )

        self.apps = {
            key: EntraApp(key, app, ctx, self.key_vault, pulumi.ResourceOptions(parent=self, aliases=ctx.aliases("entraApps", key))) for key, app in spec.entra_apps.items()
        }

        self.auth_configs: dict[str, AuthConfig] = {}
        for name_, cfg in spec.auth_configs.items():
            secrets = [self.key_vault.secrets.get(s) if self.key_vault else None for s in cfg.secret_names]
            self.auth_configs[name_] = AuthConfig(
                name_,
                cfg,
                ctx,
                service=service,
                apps=self.apps,
                depends_on=[s for s in secrets if s is not None] + (grants if cfg.secret_names else []),
                opts=pulumi.ResourceOptions(parent=self, aliases=ctx.aliases("authConfigs", name_)),
            )

        self.inventory = Inventory("inventory", ctx, service=service, opts=pulumi.ResourceOptions(parent=self))
        self.access = Access(
            "access",
            ctx,
            service=service,
            versions=self.inventory.versions,
            auth_configs={k: v.resource for k, v in self.auth_configs.items()},
            apis=self.inventory.apis,
            opts=pulumi.ResourceOptions(parent=self),
        )

        self.portal = None
        if spec.portal:
            app = self.apps.get(spec.portal.sign_in_app or "")
            self.portal = Portal(
                "portal",
                ctx,
                service=service,
                service_id=self.api_center.service_id,
                client_id=app.client_id if app else (spec.portal.sign_in_client_id or ""),
                sign_in_app=app.application if app else None,
                opts=pulumi.ResourceOptions(parent=self),
            )

        self.outputs: dict[str, object] = {
            "apiCenterId": self.api_center.service_id,
            "apiCenterName": spec.api_center.name,
            "dataPlaneUrl": arm.data_plane_url(spec.api_center.name, spec.api_center.location),
            "authConfigIds": {k: v.id for k, v in self.auth_configs.items()},
            "entraAppClientIds": {k: v.client_id for k, v in self.apps.items()},
            "bindingIds": {"/".join(k): v for k, v in self.access.bindings.items()},
        }
        if self.key_vault:
            self.outputs["vaultUri"] = self.key_vault.uri
            self.outputs["vaultId"] = self.key_vault.vault_id
        if self.portal:
            self.outputs["portalUrl"] = self.portal.url
        self.register_outputs(self.outputs)

    def _inventory_shard(self, ctx: Context, platform_stack: str | None) -> None:
        """An inventory stack: its APIs and their access; the rest belongs to the platform stack."""
        ac = ctx.spec.api_center
        service_id = arm.service_id(ctx.subscription_id, ac.resource_group, ac.name)
        self.outputs = {}
        if platform_stack:
            platform = pulumi.StackReference(platform_stack, opts=pulumi.ResourceOptions(parent=self))

            def same_service(platform_id: object) -> object:
                # a shard bound to the wrong platform stack would register APIs in a service nobody manages
                if isinstance(platform_id, str) and platform_id.lower() != service_id.lower():
                    raise pulumi.RunError(f"platform stack '{platform_stack}' manages {platform_id}, but this spec names {service_id}: fix apic-access:platformStack or the spec")
                return platform_id

            self.outputs["platformApiCenterId"] = platform.require_output("apiCenterId").apply(same_service)
        self.inventory = Inventory("inventory", ctx, service=None, opts=pulumi.ResourceOptions(parent=self))
        self.access = Access("access", ctx, service=None, versions=self.inventory.versions, auth_configs={}, apis=self.inventory.apis, opts=pulumi.ResourceOptions(parent=self))
        self.outputs["apiCenterId"] = service_id
        self.outputs["bindingIds"] = {"/".join(k): v for k, v in self.access.bindings.items()}
        self.register_outputs(self.outputs)
