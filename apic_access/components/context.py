"""What every component needs besides its own slice of the spec."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_azure_native as azure_native
import pulumi_azuread as azuread

from apic_access.config.locate import principal_problems
from apic_access.config.model import Spec

from .directory import Directory


@dataclass(frozen=True)
class Context:
    """The spec, the caller's tenant and subscription, the deploying identity's object id in
    Entra (it stays an owner of the apps and groups it creates), and the directory cache."""

    spec: Spec
    tenant_id: str
    subscription_id: str
    directory: Directory = field(default_factory=Directory)
    adopt_all: bool = False  # stack config apic-access:adopt: take over every preview resource that exists (migration)
    deployer_object_id: str = ""

    @classmethod
    def from_spec(cls, spec: Spec, *, adopt_all: bool = False) -> Context:
        client = azure_native.authorization.get_client_config()

        def locate(kind: str, name: str, message: str) -> list[str]:
            return [str(p) for p in principal_problems(spec.file, stack=spec.stack, project=spec.project, kind=kind, name=name, message=message)]

        deployer = azuread.get_client_config().object_id if (spec.entra_apps or _has_group_access(spec)) else ""
        return cls(
            spec=spec,
            tenant_id=client.tenant_id,
            subscription_id=client.subscription_id,
            directory=Directory(locate=locate),
            adopt_all=adopt_all,
            deployer_object_id=str(deployer or ""),
        )

    @property
    def tags(self) -> dict[str, str]:
        return dict(self.spec.api_center.tags)

    def protect(self) -> bool:
        return self.spec.api_center.protect

    def aliases(self, section: str, name: str, *also: str) -> list[pulumi.Alias] | None:
        """Pulumi aliases of the resource of `section` named `name`: the names it had before the
        spec's `moved` renames (and `also`, names it had for another reason), so Pulumi keeps it."""
        names = [*also, *self.spec.previous_names(section, name), *(n for a in also for n in self.spec.previous_names(section, a))]
        unique = [n for i, n in enumerate(names) if n != name and n not in names[:i]]
        return [pulumi.Alias(name=n) for n in unique] or None


def child(parent: pulumi.Resource, *, depends_on: Sequence[pulumi.Resource | None] | None = None, **kwargs: Any) -> pulumi.ResourceOptions:
    """Options for a resource owned by `parent`; depends_on lists only real prerequisites."""
    return pulumi.ResourceOptions(parent=parent, depends_on=[d for d in depends_on or [] if d is not None], **kwargs)


def _has_group_access(spec: Spec) -> bool:
    return any(e.via == "group" for api in spec.apis.values() for v in api.versions.values() for e in v.access)
