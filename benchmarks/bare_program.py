"""The bare-SDK baseline: the same custom resources as a plan of a generated spec, registered
directly with pulumi_azure_native / pulumi_azuread calls.

No components, no spec loader, no validation, no model: the generated YAML is read with a
plain YAML load only to know the names. Same resource types, same count, same logical
names, same explicit dependencies and the same Entra lookups (each distinct name once) as
our program, so the difference with a plan of our program is the cost of the spec
language and the components, not of the resources.

Run it under the recording engine (benchmarks/run.py does), or as a Pulumi program with
`apic-access:spec` set to a generated spec.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pulumi
import pulumi_azure_native as azure_native
import pulumi_azuread as azuread
import yaml

KEY_VAULT_SECRETS_USER = "4633458b-17de-408a-b874-0445c86b69e6"
CREDENTIAL_ACCESS_READER = "1df7cd83-1d3f-41df-95b0-53b30d963369"
API_CENTER_DATA_READER = "c7244dfb-f447-457d-b2ba-3999044d1706"
NAMESPACE = "Microsoft.ApiCenter"
PREVIEW = "2024-03-15-preview"
_NAMES = uuid.UUID("5f0c3a52-7d4e-4b8f-9a61-2c7e8d9f0a1b")


def load(path: str, stack: str, project: str) -> dict[str, Any]:
    text = Path(path).read_text(encoding="utf-8").replace("${stack}", stack).replace("${project}", project).replace("${location}", "eastus")
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # type: ignore[no-any-return]


def main() -> None:
    config = pulumi.Config("apic-access")
    stack = pulumi.get_stack()
    spec = load(config.get("spec") or f"config/{stack}.yaml", stack, pulumi.get_project())

    client = azure_native.authorization.get_client_config()
    sub, tenant = client.subscription_id, client.tenant_id
    deployer = azuread.get_client_config().object_id
    ac, kv = spec["apiCenter"], spec["keyVault"]
    rg_name, svc_name, loc, tags = ac["resourceGroup"], ac["name"], ac["location"], ac.get("tags", {})
    rg_id = f"/subscriptions/{sub}/resourceGroups/{rg_name}"
    svc_id = f"{rg_id}/providers/{NAMESPACE}/services/{svc_name}"
    vault_id = f"{rg_id}/providers/Microsoft.KeyVault/vaults/{kv['name']}"
    ws = f"services/{svc_name}/workspaces/default"
    common = {"resource_group_name": rg_name, "service_name": svc_name, "workspace_name": "default"}

    ids: dict[tuple[str, str], str] = {}

    def object_id(kind: str, ref: str) -> str:
        if (kind, ref) not in ids:
            ids[(kind, ref)] = azuread.get_user(user_principal_name=ref).object_id if kind == "users" else azuread.get_group(display_name=ref).object_id
        return ids[(kind, ref)]

    def grant(name: str, scope: str, role: str, principal: Any, key: str, ptype: str, deps: list[pulumi.Resource]) -> azure_native.authorization.RoleAssignment:
        return azure_native.authorization.RoleAssignment(
            name,
            role_assignment_name=str(uuid.uuid5(_NAMES, f"{scope.lower()}|{role}|{key.lower()}")),
            scope=scope,
            role_definition_id=f"/subscriptions/{sub}/providers/Microsoft.Authorization/roleDefinitions/{role}",
            principal_id=principal,
            principal_type=ptype,
            description="managed by apic-access (bare baseline)",
            opts=pulumi.ResourceOptions(depends_on=deps, delete_before_replace=True),
        )

    rg = azure_native.resources.ResourceGroup(rg_name, resource_group_name=rg_name, location=loc, tags=tags)
    service = azure_native.apicenter.Service(
        svc_name,
        service_name=svc_name,
        resource_group_name=rg_name,
        location=loc,
        identity=azure_native.apicenter.ManagedServiceIdentityArgs(type="SystemAssigned"),
        tags=tags,
        opts=pulumi.ResourceOptions(depends_on=[rg]),
    )
    vault = azure_native.keyvault.Vault(
        kv["name"],
        vault_name=kv["name"],
        resource_group_name=rg_name,
        location=loc,
        properties=azure_native.keyvault.VaultPropertiesArgs(
            tenant_id=tenant,
            sku=azure_native.keyvault.SkuArgs(family="A", name="standard"),
            enable_rbac_authorization=True,
            enable_soft_delete=True,
            soft_delete_retention_in_days=90,
            enable_purge_protection=True,
            public_network_access="Enabled",
        ),
        tags=tags,
        opts=pulumi.ResourceOptions(depends_on=[rg]),
    )
    secrets_user = grant(
        "secrets-user/system",
        vault_id,
        KEY_VAULT_SECRETS_USER,
        service.identity.apply(lambda i: i.principal_id if i else None),
        f"{svc_id.lower()}/identity/system",
        "ServicePrincipal",
        [vault, service],
    )

    def store(name: str, value: Any, content_type: str | None = None) -> azure_native.keyvault.Secret:
        return azure_native.keyvault.Secret(
            f"{kv['name']}/{name}",
            secret_name=name,
            vault_name=kv["name"],
            resource_group_name=rg_name,
            properties=azure_native.keyvault.SecretPropertiesArgs(value=pulumi.Output.secret(value), content_type=content_type),
            tags=tags,
            opts=pulumi.ResourceOptions(depends_on=[vault], additional_secret_outputs=["properties"], retain_on_delete=True),
        )

    secrets = {name: store(name, config.require_secret(s["fromConfig"])) for name, s in kv["secrets"].items() if "fromConfig" in s}

    apps: dict[str, azuread.ApplicationRegistration] = {}
    for key, a in spec.get("entraApps", {}).items():
        app = azuread.ApplicationRegistration(key, display_name=a["displayName"], sign_in_audience="AzureADMyOrg", requested_access_token_version=2)
        after = pulumi.ResourceOptions(depends_on=[app])
        azuread.ApplicationRedirectUris(
            f"{key}/spa",
            application_id=app.id,
            type="SPA",
            redirect_uris=[f"https://{svc_name}.portal.{loc}.azure-api-center.ms", f"https://{svc_name}.portal.{loc}.azure-apicenter.ms"],
            opts=after,
        )
        azuread.ApplicationIdentifierUri(key, application_id=app.id, identifier_uri=a["identifierUri"].replace("{tenantId}", tenant), opts=after)
        for s in a.get("scopes", []):
            azuread.ApplicationPermissionScope(
                f"{key}/{s['value']}",
                application_id=app.id,
                scope_id=str(uuid.uuid5(_NAMES, f"{key}/{s['value']}")),
                value=s["value"],
                type="User",
                admin_consent_display_name=s["value"],
                admin_consent_description=s.get("description", s["value"]),
                user_consent_display_name=s["value"],
                user_consent_description=s.get("description", s["value"]),
                opts=after,
            )
        for o in a.get("owners", []):
            azuread.ApplicationOwner(f"{key}/owner/{o}", application_id=app.id, owner_object_id=object_id("users", o), opts=after)
        azuread.ServicePrincipal(key, client_id=app.client_id, owners=[deployer], opts=pulumi.ResourceOptions(ignore_changes=["owners"]))
        password = azuread.ApplicationPassword(
            key, application_id=app.id, display_name="apic-access", end_date="2027-06-01T00:00:00Z", opts=pulumi.ResourceOptions(additional_secret_outputs=["value"])
        )
        secrets[f"{key}-client-secret"] = store(f"{key}-client-secret", password.value, "client-secret")
        apps[key] = app

    def secret_uri(name: str) -> str:
        return f"https://{kv['name']}.vault.azure.net/secrets/{name}"

    auth: dict[str, pulumi.Resource] = {}
    for name, c in spec["authConfigs"].items():
        props: dict[str, Any] = {"title": c["title"]}
        deps: list[pulumi.Resource] = [service, secrets_user]
        if "apiKey" in c:
            k = c["apiKey"]
            props.update(securityScheme="apiKey", apiKey={"in": k["in"], "name": k["name"], "value": secret_uri(k["secret"])})
            deps.append(secrets[k["secret"]])
        elif "http" in c:
            props.update(securityScheme="http", http={"scheme": c["http"]["scheme"], "value": secret_uri(c["http"]["secret"])})
            deps.append(secrets[c["http"]["secret"]])
        else:
            app_key = c["oauth2"]["entraApp"]
            base = f"https://login.microsoftonline.com/{tenant}/oauth2/v2.0"
            props.update(
                securityScheme="oauth2",
                oauth2={
                    "clientId": apps[app_key].client_id,
                    "clientSecret": secret_uri(f"{app_key}-client-secret"),
                    "authorizationUrl": f"{base}/authorize",
                    "tokenUrl": f"{base}/token",
                    "refreshUrl": f"{base}/token",
                    "supportedFlows": ["authorization_code (PKCE)", "client_credentials"],
                    "supportedScopes": [f"{spec['entraApps'][app_key]['identifierUri'].replace('{tenantId}', tenant)}/.default"],
                },
            )
            deps.append(secrets[f"{app_key}-client-secret"])
        auth[name] = azure_native.resources.Resource(
            name,
            resource_group_name=rg_name,
            resource_provider_namespace=NAMESPACE,
            parent_resource_path=ws,
            resource_type="authConfigs",
            resource_name_=name,
            api_version=PREVIEW,
            properties=props,
            opts=pulumi.ResourceOptions(depends_on=deps),
        )

    envs = {
        name: azure_native.apicenter.Environment(
            name,
            environment_name=name,
            title=e["title"],
            kind=e["kind"],
            server=azure_native.apicenter.EnvironmentServerArgs(type=e["server"]["type"]) if "server" in e else None,
            **common,
            opts=pulumi.ResourceOptions(depends_on=[service]),
        )
        for name, e in spec["environments"].items()
    }

    def prefetch(apis: list[dict[str, Any]]) -> None:
        """The same batched lookups as the components make: one plural invoke per kind per 10 APIs."""
        for kind in ("users", "groups"):
            names = sorted({r for a in apis for v in a["versions"].values() for e in v["access"] for r in e.get(kind, []) if (kind, r) not in ids})
            if not names:
                continue
            if kind == "users":
                found = azuread.get_users(user_principal_names=names, ignore_missing=True)
                pairs = zip(found.user_principal_names, found.object_ids, strict=False)
            else:
                found = azuread.get_groups(display_names=names, ignore_missing=True)
                pairs = zip(found.display_names, found.object_ids, strict=False)
            ids.update(((kind, n), o) for n, o in pairs)

    api_items = list(spec["apis"].items())
    for index, (api, a) in enumerate(api_items):
        if index % 10 == 0:
            prefetch([x for _, x in api_items[index : index + 10]])
        api_res = azure_native.apicenter.Api(
            api,
            api_name=api,
            title=a["title"],
            kind=a["kind"],
            summary=a.get("summary"),
            contacts=[azure_native.apicenter.ContactArgs(**c) for c in a.get("contacts", [])],
            **common,
            opts=pulumi.ResourceOptions(depends_on=[service]),
        )
        defs: dict[tuple[str, str], pulumi.Resource] = {}
        for ver, v in a["versions"].items():
            ver_res = azure_native.apicenter.ApiVersion(
                f"{api}/{ver}",
                api_name=api,
                version_name=ver,
                title=v["title"],
                lifecycle_stage=v["lifecycleStage"],
                **common,
                opts=pulumi.ResourceOptions(depends_on=[api_res]),
            )
            for dname, d in v["definitions"].items():
                defs[(ver, dname)] = azure_native.apicenter.ApiDefinition(
                    f"{api}/{ver}/{dname}",
                    api_name=api,
                    version_name=ver,
                    definition_name=dname,
                    title=d["title"],
                    description=d.get("description"),
                    **common,
                    opts=pulumi.ResourceOptions(depends_on=[ver_res]),
                )
            for entry in v["access"]:
                binding_name = entry.get("name", entry["authConfig"])
                binding = azure_native.resources.Resource(
                    f"{api}/{ver}/{binding_name}",
                    resource_group_name=rg_name,
                    resource_provider_namespace=NAMESPACE,
                    parent_resource_path=f"{ws}/apis/{api}/versions/{ver}",
                    resource_type="securityRequirements",
                    resource_name_=binding_name,
                    api_version=PREVIEW,
                    properties={"authConfigResourceId": f"/authConfigs/{entry['authConfig']}"},
                    opts=pulumi.ResourceOptions(depends_on=[ver_res, auth[entry["authConfig"]]]),
                )
                scope = f"{svc_id}/workspaces/default/apis/{api}/versions/{ver}/securityRequirements/{binding_name}"
                for kind, ptype in (("users", "User"), ("groups", "Group")):
                    for ref in entry.get(kind, []):
                        oid = object_id(kind, ref)
                        grant(f"{api}/{ver}/{binding_name}/{kind}/{ref}", scope, CREDENTIAL_ACCESS_READER, oid, oid, ptype, [binding])
        for dep, d in a["deployments"].items():
            ver, dname = d["definition"].split("/")
            azure_native.apicenter.Deployment(
                f"{api}/{dep}",
                api_name=api,
                deployment_name=dep,
                title=d["title"],
                environment_id=f"/workspaces/default/environments/{d['environment']}",
                definition_id=f"/workspaces/default/apis/{api}/versions/{ver}/definitions/{dname}",
                server=azure_native.apicenter.DeploymentServerArgs(runtime_uri=d["runtimeUris"]),
                state="active",
                **common,
                opts=pulumi.ResourceOptions(depends_on=[defs[(ver, dname)], envs[d["environment"]]]),
            )

    portal = spec["portal"]
    azure_native.resources.Resource(
        "default",
        resource_group_name=rg_name,
        resource_provider_namespace=NAMESPACE,
        parent_resource_path=f"services/{svc_name}",
        resource_type="portals",
        resource_name_="default",
        api_version="2024-06-01-preview",
        properties={
            "title": portal["title"],
            "enabled": True,
            "allowAnonymousAccess": False,
            "authentication": {"clientId": portal["signIn"]["clientId"], "tenantId": tenant, "authMode": "azureRbac"},
        },
        opts=pulumi.ResourceOptions(depends_on=[service]),
    )
    for group in portal["readers"]["groups"]:
        oid = object_id("groups", group)
        grant(f"readers/groups/{group}", svc_id, API_CENTER_DATA_READER, oid, oid, "Group", [service])

    pulumi.export("apiCenterId", svc_id)


main()
