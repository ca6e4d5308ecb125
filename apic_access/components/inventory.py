"""The inventory: environments, APIs, versions, definitions and deployments.

Anything marked `existing: true` is referenced by name, never created; its children
are still created when they are not existing themselves.
"""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_azure_native as azure_native

from apic_access.azure import arm
from apic_access.config.model import Api

from .context import Context, child
from .definition_import import DefinitionImport


def _present(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if v not in (None, (), [], {})}


class Inventory(pulumi.ComponentResource):
    """Registers the spec's environments and APIs in the API center.

    `versions[(api, version)]` and `definitions[(api, version, definition)]` hold the
    created resources (None for existing ones), for bindings and imports to depend on;
    `imports[(api, version, definition)]` the import of each created definition's `file`.
    """

    def __init__(self, name: str, ctx: Context, *, service: pulumi.Resource | None, opts: pulumi.ResourceOptions | None = None):
        super().__init__("apic-access:index:Inventory", name, None, opts)
        ac = ctx.spec.api_center
        self._common = {"resource_group_name": ac.resource_group, "service_name": ac.name, "workspace_name": arm.WORKSPACE}
        self._subscription_id = ctx.subscription_id
        self._ctx = ctx
        self.environments: dict[str, pulumi.Resource | None] = {}
        for env in ctx.spec.environments.values():
            if env.existing:
                self.environments[env.name] = None
                continue
            self.environments[env.name] = azure_native.apicenter.Environment(
                env.name,
                environment_name=env.name,
                title=env.title,
                kind=env.kind,
                description=env.description,
                server=azure_native.apicenter.EnvironmentServerArgs(type=env.server_type, management_portal_uri=list(env.management_portal_uris) or None)
                if env.server_type or env.management_portal_uris
                else None,
                onboarding=azure_native.apicenter.OnboardingArgs(instructions=env.instructions, developer_portal_uri=list(env.developer_portal_uris) or None)
                if env.instructions or env.developer_portal_uris
                else None,
                custom_properties=dict(env.custom_properties) if env.custom_properties is not None else None,
                **self._common,
                opts=child(self, depends_on=[service], aliases=ctx.aliases("environments", env.name)),
            )
        self.apis: dict[str, pulumi.Resource | None] = {}
        self.versions: dict[tuple[str, str], pulumi.Resource | None] = {}
        self.definitions: dict[tuple[str, str, str], pulumi.Resource | None] = {}
        self.imports: dict[tuple[str, str, str], DefinitionImport] = {}
        for api in ctx.spec.apis.values():
            self._api(api, service)
        self.register_outputs({})

    def _api(self, api: Api, service: pulumi.Resource | None) -> None:
        api_res = None
        if not api.existing:
            api_res = azure_native.apicenter.Api(
                api.name,
                api_name=api.name,
                title=api.title,
                kind=api.kind,
                summary=api.summary,
                description=api.description,
                contacts=[azure_native.apicenter.ContactArgs(**_present({"name": c.get("name"), "email": c.get("email"), "url": c.get("url")})) for c in api.contacts] or None,
                external_documentation=[
                    azure_native.apicenter.ExternalDocumentationArgs(url=d["url"], title=d.get("title"), description=d.get("description")) for d in api.external_docs
                ]
                or None,
                license=azure_native.apicenter.LicenseArgs(**_present(dict(api.license))) if api.license else None,
                terms_of_service=azure_native.apicenter.TermsOfServiceArgs(url=api.terms_of_service_url) if api.terms_of_service_url else None,
                custom_properties=dict(api.custom_properties) if api.custom_properties is not None else None,
                **self._common,
                opts=self._opts(api.name, depends_on=[service]),
            )
        self.apis[api.name] = api_res
        for ver in api.versions.values():
            ver_res = None
            if not ver.existing:
                ver_res = azure_native.apicenter.ApiVersion(
                    f"{api.name}/{ver.name}",
                    api_name=api.name,
                    version_name=ver.name,
                    title=ver.title,
                    lifecycle_stage=ver.lifecycle_stage,
                    **self._common,
                    opts=self._opts(f"{api.name}/{ver.name}", depends_on=[api_res or service]),
                )
            self.versions[(api.name, ver.name)] = ver_res
            for d in ver.definitions.values():
                def_res = None
                if not d.existing:
                    def_res = azure_native.apicenter.ApiDefinition(
                        f"{api.name}/{ver.name}/{d.name}",
                        api_name=api.name,
                        version_name=ver.name,
                        definition_name=d.name,
                        title=d.title,
                        description=d.description,
                        **self._common,
                        opts=self._opts(f"{api.name}/{ver.name}/{d.name}", depends_on=[ver_res or api_res or service]),
                    )
                    if d.file and d.content_hash and d.specification_name:
                        # the definition's id from the spec's names, not from outputs: a preview shows it
                        self.imports[(api.name, ver.name, d.name)] = DefinitionImport(
                            f"{api.name}/{ver.name}/{d.name}/import",
                            definition_id=arm.definition_id(self._subscription_id, self._common["resource_group_name"], self._common["service_name"], api.name, ver.name, d.name),
                            specification_name=d.specification_name,
                            specification_version=d.specification_version,
                            file=d.file,
                            content_hash=d.content_hash,
                            opts=self._opts(f"{api.name}/{ver.name}/{d.name}/import", depends_on=[def_res]),
                        )
                self.definitions[(api.name, ver.name, d.name)] = def_res
        for dep in api.deployments.values():
            if dep.existing:
                continue
            azure_native.apicenter.Deployment(
                f"{api.name}/{dep.name}",
                api_name=api.name,
                deployment_name=dep.name,
                title=dep.title,
                description=dep.description,
                environment_id=arm.deployment_environment_ref(dep.environment) if dep.environment else None,
                definition_id=arm.deployment_definition_ref(api.name, dep.version, dep.definition) if dep.version and dep.definition else None,
                server=azure_native.apicenter.DeploymentServerArgs(runtime_uri=list(dep.runtime_uris)) if dep.runtime_uris else None,
                state=dep.state,
                custom_properties=dict(dep.custom_properties) if dep.custom_properties is not None else None,
                **self._common,
                opts=self._opts(
                    f"{api.name}/{dep.name}",
                    depends_on=[
                        self.definitions.get((api.name, dep.version or "", dep.definition or "")) or self.versions.get((api.name, dep.version or "")) or api_res or service,
                        self.environments.get(dep.environment or ""),
                    ],
                ),
            )

    def _opts(self, name: str, depends_on: list[pulumi.Resource | None]) -> pulumi.ResourceOptions:
        """A child named `name`, aliased to its names before the spec's `moved` renames: Azure
        names these by their keys, so a renamed one is replaced, and the diff shows it as such."""
        return child(self, depends_on=depends_on, aliases=self._ctx.aliases("apis", name))
