"""Sharding: one inventory split across stacks.

A platform stack (`apic-access:shard: platform`) owns the API center, vault, Entra apps, auth
configs, environments and portal. Inventory stacks (`tag:NAME` or `prefix:NAME`) own a slice
of `apis`: their versions, definitions, deployments, bindings and Credential Access Reader
assignments. Every stack reads the same spec, so each validates the whole of it, and the
slices are disjoint by construction. A stack without `shard` owns everything.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from apic_access.config.model import Api, Spec, frozen


class ShardError(ValueError):
    pass


@dataclass(frozen=True)
class Shard:
    kind: str  # "all" | "platform" | "tag" | "prefix"
    value: str = ""

    @classmethod
    def parse(cls, text: str | None) -> Shard:
        if not text:
            return cls("all")
        if text == "platform":
            return cls("platform")
        kind, _, value = text.partition(":")
        if kind in ("tag", "prefix") and value:
            return cls(kind, value)
        raise ShardError(f"apic-access:shard is '{text}': use `platform`, `tag:NAME` (APIs whose `tags` include NAME) or `prefix:NAME` (APIs whose key starts with NAME)")

    @property
    def owns_platform(self) -> bool:
        return self.kind in ("all", "platform")

    def owns(self, api: Api) -> bool:
        if self.kind == "all":
            return True
        if self.kind == "tag":
            return self.value in api.tags
        if self.kind == "prefix":
            return api.name.startswith(self.value)
        return False

    def select(self, spec: Spec) -> Spec:
        """The slice of the spec this stack owns."""
        if self.kind == "all":
            return spec
        apis = {k: a for k, a in spec.apis.items() if self.owns(a)}
        environments = spec.environments if self.owns_platform else {}
        return dataclasses.replace(spec, apis=frozen(apis), environments=frozen(environments))
