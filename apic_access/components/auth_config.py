"""An authorization configuration (apiKey, oauth2 or http) of the API center."""

from __future__ import annotations

from typing import Any

import pulumi

from apic_access.azure import arm
from apic_access.config.model import ApiKeyScheme, HttpScheme, OAuth2Scheme
from apic_access.config.model import AuthConfig as AuthConfigSpec

from .context import Context, child
from .entra_app import EntraApp
from .preview_resource import PreviewResource


class AuthConfig(pulumi.ComponentResource):
    """The authConfigs resource, written through our own preview-type provider with the wire
    shape of the ARM-contract module. It depends on the secrets it references and on the
    Secrets User assignments, so API Center can read them the moment it exists."""

    def __init__(
        self,
        name: str,
        cfg: AuthConfigSpec,
        ctx: Context,
        *,
        service: pulumi.Resource,
        apps: dict[str, EntraApp],
        depends_on: list[pulumi.Resource],
        opts: pulumi.ResourceOptions | None = None,
    ):
        super().__init__("apic-access:index:AuthConfig", name, None, opts)
        spec = ctx.spec
        kv = spec.key_vault
        ac = spec.api_center
        uri = kv.secret_uri if kv else (lambda s: s)
        s = cfg.scheme
        kwargs: dict[str, Any] = {}
        if isinstance(s, ApiKeyScheme):
            kwargs["scheme"] = "apiKey"
            kwargs["api_key"] = {"in": s.in_, "name": s.name, "secret": uri(s.secret)}
        elif isinstance(s, HttpScheme):
            kwargs["scheme"] = "http"
            kwargs["http"] = {"scheme": s.scheme, "secret": uri(s.secret) if s.secret else None}
        else:
            kwargs["scheme"] = "oauth2"
            kwargs["oauth2"] = self._oauth2(s, ctx, apps, uri)
        props = arm.auth_config_properties(title=cfg.title, description=cfg.description, extra=cfg.extra_properties, **kwargs)
        self.id = arm.auth_config_id(ctx.subscription_id, ac.resource_group, ac.name, cfg.name)
        self.resource = PreviewResource(
            cfg.name,
            resource_id=self.id,
            api_version=ac.preview_api_versions.get("authConfigs", arm.PREVIEW_API_VERSIONS["authConfigs"]),
            properties=props,
            write_only=[*arm.AUTH_CONFIG_WRITE_ONLY, *ac.preview_write_only.get("authConfigs", ())],
            spec_paths=arm.auth_config_spec_paths(cfg.name, entra_app=isinstance(s, OAuth2Scheme) and bool(s.entra_app), extra=cfg.extra_properties),
            adopt=cfg.adopt or ctx.adopt_all,
            what=f"auth config '{cfg.name}'",
            opts=child(self, depends_on=[service, *depends_on], aliases=ctx.aliases("authConfigs", cfg.name)),
        )
        self.register_outputs({"id": self.id})

    @staticmethod
    def _oauth2(s: OAuth2Scheme, ctx: Context, apps: dict[str, EntraApp], uri: Any) -> dict[str, Any]:
        if s.entra_app:
            app = apps[s.entra_app]
            app_spec = ctx.spec.entra_apps[s.entra_app]
            wanted = list(s.scopes) or [sc.value for sc in app_spec.scopes] or [".default"]
            if "clientCredentials" in s.flows and ".default" not in wanted:
                wanted.append(".default")  # the client credentials flow only takes <app>/.default
            # a full-URI scope (api://{tenantId}/orders/Orders.Read) gets its placeholders filled like the identifier URI;
            # the client id only when a scope names {appId}, so that a plan shows the others
            app_id = app.client_id if any("{appId}" in w for w in wanted) else ""
            scopes = pulumi.Output.all(app.identifier_uri, app_id).apply(
                lambda args: [arm.fill_identifier_uri(w, tenant_id=ctx.tenant_id, app_id=args[1]) if "://" in w else f"{args[0]}/{w}" for w in wanted]
            )
            return {
                "clientId": app.client_id,
                "clientSecret": uri(s.client_secret) if s.client_secret else None,
                **arm.entra_urls(ctx.tenant_id),
                "flows": s.flows,
                "scopes": scopes,
            }
        return {
            "clientId": s.client_id,
            "clientSecret": uri(s.client_secret) if s.client_secret else None,
            "authorizationUrl": s.authorization_url,
            "tokenUrl": s.token_url,
            "refreshUrl": s.refresh_url,
            "flows": s.flows,
            "scopes": [arm.fill_identifier_uri(w, tenant_id=ctx.tenant_id, app_id=s.client_id or "") for w in s.scopes],
        }
