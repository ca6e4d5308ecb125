"""Raw (validated) tree -> frozen model, with every default of the spec language applied."""

from __future__ import annotations

from typing import Any

from apic_access.azure.arm import ROLE_ASSIGNMENTS_PER_SUBSCRIPTION

from . import model as m
from .checks import app_secret_names
from .definition_files import describe_file
from .moved import entries as moved_entries


def _t(values: Any) -> tuple[str, ...]:
    return tuple(values or ())


def _set(values: Any) -> tuple[str, ...]:
    """Lists whose order means nothing to Azure: sorted, so reordering them plans nothing."""
    return tuple(sorted(set(values or ())))


def _principals(d: dict[str, Any]) -> m.Principals:
    # order carries no meaning: sorted, so reordering a list changes nothing downstream
    return m.Principals(*(tuple(sorted(set(d.get(k) or ()))) for k in ("users", "groups", "servicePrincipals")))


def _plain(value: Any) -> Any:
    """Position-carrying containers -> plain, read-only data."""
    if isinstance(value, dict):
        return m.frozen({k: _plain(v) for k, v in value.items()})
    if isinstance(value, list):
        return tuple(_plain(v) for v in value)
    return value


def build(raw: dict[str, Any], *, file: str, stack: str, project: str) -> m.Spec:
    ac = raw["apiCenter"]
    identity = ac.get("identity", {})
    id_type = identity.get("type", "SystemAssigned")
    protect = ac.get("protect", stack.startswith("prod"))
    api_center = m.ApiCenter(
        name=ac["name"],
        resource_group=ac["resourceGroup"],
        location=ac["location"],
        create_resource_group=ac.get("createResourceGroup", True),
        system_assigned="SystemAssigned" in id_type,
        user_assigned=tuple(
            sorted(
                (m.UserAssignedIdentity(name=u.get("name"), id=u.get("id")) for u in identity.get("userAssigned", ()) if "UserAssigned" in id_type),
                key=lambda u: (u.name or "", u.id or ""),
            )
        ),
        tags=m.frozen(ac.get("tags")),
        protect=protect,
        preview_api_versions=m.frozen(ac.get("previewApiVersions")),
        preview_write_only=m.frozen({k: tuple(sorted(v)) for k, v in (ac.get("previewWriteOnly") or {}).items()}),
        role_assignment_budget=ac.get("roleAssignmentBudget", ROLE_ASSIGNMENTS_PER_SUBSCRIPTION),
        credential_readers=_principals(ac.get("credentialReaders", {})),
    )
    defaults = raw.get("accessDefaults", {})

    key_vault = None
    if "keyVault" in raw:
        kv = raw["keyVault"]
        key_vault = m.KeyVault(
            name=kv["name"],
            resource_group=kv.get("resourceGroup", ac["resourceGroup"]),
            existing=kv.get("existing", False),
            sku=kv.get("sku", "standard"),
            purge_protection=kv.get("purgeProtection", True),
            soft_delete_retention_days=kv.get("softDeleteRetentionDays", 90),
            public_network_access=kv.get("publicNetworkAccess", "Enabled"),
            secrets=m.frozen(
                {
                    name: m.Secret(name, s.get("fromConfig"), s.get("existing", False), s.get("contentType"))
                    for name, s in sorted(kv.get("secrets", {}).items())
                }
            ),
        )

    portal_raw = raw.get("portal")
    portal_app = (portal_raw or {}).get("signIn", {}).get("entraApp") if portal_raw else None
    secret_of = {app: secret for secret, app in app_secret_names(raw).items()}
    apps = {}
    for key, a in sorted(raw.get("entraApps", {}).items()):
        cs = a.get("clientSecret")
        apps[key] = m.EntraApp(
            key=key,
            display_name=a["displayName"],
            sign_in_audience=a.get("signInAudience", "AzureADMyOrg"),
            portal_redirect=a.get("portalRedirect", True),
            spa_redirect_uris=_set(a.get("spaRedirectUris")),
            identifier_uri=a.get("identifierUri"),
            scopes=tuple(sorted((m.Scope(s["value"], s.get("description"), s.get("adminOnly", False)) for s in a.get("scopes", ())), key=lambda s: s.value)),
            client_secret=(
                m.ClientSecret(secret_of[key], cs.get("expiresInDays", 180), cs.get("rotateAfterDays")) if cs is not None else None
            ),
            owners=_set(a.get("owners")),
            portal_sign_in=key == portal_app,
        )

    auth_configs = {}
    for name, c in sorted(raw.get("authConfigs", {}).items()):
        scheme: m.ApiKeyScheme | m.OAuth2Scheme | m.HttpScheme
        if "apiKey" in c:
            k = c["apiKey"]
            scheme = m.ApiKeyScheme(k.get("in", "header"), k["name"], k["secret"])
        elif "oauth2" in c:
            o = c["oauth2"]
            app_key = o.get("entraApp")
            client_secret = o.get("clientSecret")
            if app_key and apps[app_key].client_secret:
                client_secret = apps[app_key].client_secret.key_vault_secret  # type: ignore[union-attr]
            scheme = m.OAuth2Scheme(
                flows=_set(o.get("flows", ["authorizationCode"])),
                scopes=_set(o.get("scopes")),
                entra_app=app_key,
                client_id=o.get("clientId"),
                client_secret=client_secret,
                authorization_url=o.get("authorizationUrl"),
                token_url=o.get("tokenUrl"),
                refresh_url=o.get("refreshUrl", o.get("tokenUrl")),
            )
        else:
            h = c["http"]
            scheme = m.HttpScheme(h["scheme"], h.get("secret"))
        auth_configs[name] = m.AuthConfig(name, c["title"], scheme, c.get("description"), _plain(c.get("extraProperties", {})), adopt=c.get("adopt", False))

    environments = {
        name: m.Environment(
            name=name,
            title=e["title"],
            kind=e["kind"],
            description=e.get("description"),
            existing=e.get("existing", False),
            server_type=e.get("server", {}).get("type"),
            management_portal_uris=_set(e.get("server", {}).get("managementPortalUris")),
            instructions=e.get("onboarding", {}).get("instructions"),
            developer_portal_uris=_set(e.get("onboarding", {}).get("developerPortalUris")),
            custom_properties=_plain(e["customProperties"]) if "customProperties" in e else None,
        )
        for name, e in sorted(raw.get("environments", {}).items())
    }

    apis = {}
    for name, a in sorted(raw.get("apis", {}).items()):
        versions = {}
        for vname, v in sorted(a.get("versions", {}).items()):
            defs = {}
            for dname, d in sorted(v.get("definitions", {}).items()):
                spec_given = d.get("specification", {})
                # an existing definition is not changed, so its file is not read
                described = describe_file(d, d["file"], file) if "file" in d and not d.get("existing", False) else None
                defs[dname] = m.Definition(
                    name=dname,
                    title=d["title"],
                    description=d.get("description"),
                    existing=d.get("existing", False),
                    file=described.path if described else None,
                    specification_name=described.specification_name if described else spec_given.get("name"),
                    specification_version=described.specification_version if described else spec_given.get("version"),
                    content_hash=described.content_hash if described else None,
                )
            access = tuple(
                sorted(
                    (
                        m.Access(
                            e.get("name", e["authConfig"]),
                            e["authConfig"],
                            _principals(e),
                            e.get("via", defaults.get("via", "direct")),
                            e.get("scope", defaults.get("scope", "binding")),
                            adopt=e.get("adopt", False),
                        )
                        for e in v.get("access", ())
                    ),
                    key=lambda x: x.binding,
                )
            )
            versions[vname] = m.Version(vname, v["title"], v["lifecycleStage"], v.get("existing", False), m.frozen(defs), access)
        deployments = {}
        for dname, d in sorted(a.get("deployments", {}).items()):
            ver, definition = d["definition"].split("/") if "definition" in d else (None, None)
            deployments[dname] = m.Deployment(
                name=dname,
                title=d.get("title"),
                environment=d.get("environment"),
                version=ver,
                definition=definition,
                description=d.get("description"),
                existing=d.get("existing", False),
                runtime_uris=_set(d.get("runtimeUris")),
                state=d.get("state", "active"),
                custom_properties=_plain(d["customProperties"]) if "customProperties" in d else None,
            )
        apis[name] = m.Api(
            name=name,
            title=a["title"],
            kind=a["kind"],
            existing=a.get("existing", False),
            summary=a.get("summary"),
            description=a.get("description"),
            tags=_set(a.get("tags")),
            contacts=tuple(_plain(x) for x in a.get("contacts", ())),
            external_docs=tuple(_plain(x) for x in a.get("externalDocs", ())),
            license=_plain(a["license"]) if "license" in a else None,
            terms_of_service_url=a.get("termsOfService", {}).get("url"),
            custom_properties=_plain(a["customProperties"]) if "customProperties" in a else None,
            versions=m.frozen(versions),
            deployments=m.frozen(deployments),
        )

    portal = None
    if portal_raw is not None:
        si = portal_raw.get("signIn", {})
        portal = m.Portal(
            enabled=portal_raw.get("enabled", True),
            title=portal_raw.get("title"),
            sign_in_app=si.get("entraApp"),
            sign_in_client_id=si.get("clientId"),
            anonymous_access=portal_raw.get("anonymousAccess", False),
            readers=_principals(portal_raw.get("readers", {})),
            adopt=portal_raw.get("adopt", False),
        )

    return m.Spec(
        file=file,
        stack=stack,
        project=project,
        api_center=api_center,
        key_vault=key_vault,
        entra_apps=m.frozen(apps),
        auth_configs=m.frozen(auth_configs),
        environments=m.frozen(environments),
        apis=m.frozen(apis),
        portal=portal,
        moved=tuple(moved_entries(raw)),
    )
