"""Who gets Credential Access Reader where, and how many role assignments a spec makes.

Both the components (which create the assignments and managed groups) and `validate` (which
counts them against the subscription's budget) read this one plan, computed from the frozen
model alone: no Pulumi, no Entra, so `validate` stays fast and offline, and its count is the
count `pulumi up` creates.

Principals are counted by the names the spec writes: one principal listed by name in one
entry and by object id in another counts twice, so the count is an upper bound (the
components also make each resolved object id's grant once).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from apic_access.azure.arm import ROLE_ASSIGNMENTS_PER_SUBSCRIPTION

from .errors import Problem, format_path
from .model import Api, Principals, Spec
from .schema import mark_at

KINDS = ("users", "groups", "servicePrincipals")
WARN_AT = 0.8  # of the budget


@dataclass(frozen=True)
class GrantScope:
    """Where an assignment is made: one binding, one version (all its bindings) or one API."""

    kind: str  # binding | version | api
    api: str
    version: str | None = None
    binding: str | None = None

    @property
    def label(self) -> str:
        """api, api/version or api/version/binding: also the logical names' prefix."""
        return "/".join(p for p in (self.api, self.version, self.binding) if p)


@dataclass(frozen=True)
class ManagedGroup:
    """An Entra security group the program creates for one grant scope, and its members."""

    scope: GrantScope
    members: tuple[tuple[str, str], ...]  # (kind, spec name), sorted


@dataclass(frozen=True)
class Grant:
    """One Credential Access Reader assignment: to a listed principal, or to a managed group."""

    scope: GrantScope
    principal: tuple[str, str] | None = None  # (kind, spec name)
    group: ManagedGroup | None = None


@dataclass(frozen=True)
class ApiGrants:
    grants: tuple[Grant, ...] = ()
    groups: tuple[ManagedGroup, ...] = ()


def _listed(p: Principals) -> Iterator[tuple[str, str]]:
    for kind, refs in zip(KINDS, (p.users, p.groups, p.service_principals), strict=True):
        for ref in refs:
            yield kind, ref


def api_grants(api: Api) -> ApiGrants:
    """The assignments and managed groups of one API's access entries.

    Per grant scope: each `via: direct` principal once (identical grants at one scope are
    made once); the `via: group` principals together form one managed group, assigned once,
    unless they are exactly one group, which is then assigned directly.
    """
    direct: dict[GrantScope, dict[tuple[str, str], None]] = {}
    pooled: dict[GrantScope, dict[tuple[str, str], None]] = {}
    for ver in api.versions.values():
        for entry in ver.access:
            if entry.scope == "api":
                scope = GrantScope("api", api.name)
            elif entry.scope == "version":
                scope = GrantScope("version", api.name, ver.name)
            else:
                scope = GrantScope("binding", api.name, ver.name, entry.binding)
            target = pooled if entry.via == "group" else direct
            bucket = target.setdefault(scope, {})
            bucket.update(dict.fromkeys(_listed(entry.principals)))
    grants: list[Grant] = []
    groups: list[ManagedGroup] = []
    for scope in sorted(direct.keys() | pooled.keys(), key=lambda s: (s.kind, s.label)):
        listed = dict(direct.get(scope, {}))
        members = sorted(pooled.get(scope, {}))
        if len(members) == 1 and members[0][0] == "groups":
            listed.setdefault(members[0], None)  # one group: assigned directly, no managed group
        elif members:
            group = ManagedGroup(scope, tuple(members))
            groups.append(group)
            grants.append(Grant(scope, group=group))
        grants.extend(Grant(scope, principal=p) for p in sorted(listed))
    return ApiGrants(tuple(grants), tuple(groups))


@dataclass(frozen=True)
class Budget:
    """The role assignments a whole spec makes (all shards: they share the subscription)."""

    limit: int
    credential_access_reader: int
    secrets_user: int
    data_reader: int
    managed_groups: int
    by_api: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return self.credential_access_reader + self.secrets_user + self.data_reader

    @property
    def over(self) -> bool:
        return self.total > self.limit

    @property
    def near(self) -> bool:
        return not self.over and self.total >= WARN_AT * self.limit

    def largest(self, n: int = 3) -> list[tuple[str, int]]:
        return sorted(self.by_api.items(), key=lambda kv: (-kv[1], kv[0]))[:n]

    def summary(self) -> str:
        """`4,002 role assignments (4,000 Credential Access Reader, ...)`."""
        parts = [f"{self.credential_access_reader:,} Credential Access Reader", f"{self.secrets_user:,} Key Vault Secrets User", f"{self.data_reader:,} Data Reader"]
        return f"{self.total:,} role assignments ({', '.join(parts)})"


def budget(spec: Spec) -> Budget:
    """The spec's role assignments: counted once per spec (validate, plan and the budget check
    all ask; a 1,000-API spec takes 0.1 s to count)."""
    counted = spec.__dict__.get("_budget")
    if counted is None:
        counted = _count(spec)
        object.__setattr__(spec, "_budget", counted)  # Spec is frozen; the count derives from it
    return counted


def _count(spec: Spec) -> Budget:
    by_api: dict[str, int] = {}  # apiCenter.credentialReaders count in the total, not under an API
    groups = 0
    for name, api in spec.apis.items():
        g = api_grants(api)
        by_api[name] = len(g.grants)
        groups += len(g.groups)
    ac = spec.api_center
    identities = (1 if ac.system_assigned else 0) + len(ac.user_assigned)
    readers = spec.portal.readers if spec.portal else Principals()
    return Budget(
        limit=ac.role_assignment_budget,
        credential_access_reader=sum(by_api.values()) + sum(1 for _ in _listed(ac.credential_readers)),
        secrets_user=identities if spec.key_vault else 0,
        data_reader=sum(1 for _ in _listed(readers)),
        managed_groups=groups,
        by_api=by_api,
    )


def budget_message(b: Budget) -> str:
    """What is wrong (or close to it) and the ways around it, as Microsoft recommends them."""
    largest = ", ".join(f"{name} ({n:,})" for name, n in b.largest())
    limit_note = (
        "Azure's fixed limit per subscription, shared by all shards of the spec"
        if b.limit == ROLE_ASSIGNMENTS_PER_SUBSCRIPTION
        else f"apiCenter.roleAssignmentBudget; Azure's fixed limit is {ROLE_ASSIGNMENTS_PER_SUBSCRIPTION:,} per subscription, shared by all shards"
    )
    state = "above" if b.over else f"{b.total / b.limit:.0%} of"
    fixes = (
        "grant to groups (`accessDefaults: {via: group}` or `via: group` on the largest entries: one assignment per binding, "
        "members change without role assignments), grant at a coarser scope where a team accepts it "
        "(`scope: version` or `scope: api`: identical grants there are made once), or list existing Entra groups instead of users"
    )
    return f"the spec makes {b.summary()}: {state} the budget of {b.limit:,} ({limit_note}); largest contributors: {largest or 'none'}. To fit: {fixes}"


def check_budget(spec: Spec, root: Any) -> list[Problem]:
    """An error above the budget, a warning from 80% of it; positioned at the budget when the
    spec sets one, else at `apis`, where the grants are written."""
    b = budget(spec)
    if not (b.over or b.near):
        return []
    path: list[Any] = ["apiCenter", "roleAssignmentBudget"] if "roleAssignmentBudget" in _map(_map(root).get("apiCenter")) else ["apis"]
    return [Problem(mark_at(root, path, key=True), format_path(path), budget_message(b), "error" if b.over else "warning")]


def _map(node: Any) -> Mapping[str, Any]:
    return node if isinstance(node, Mapping) else {}
