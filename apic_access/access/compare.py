"""The access model against the spec: which paths the spec makes, which it does not, and the fix.

The spec grants Credential Access Reader at a scope to a principal (an access entry's
principals at its binding, version or API; a managed group of `via: group` entries;
`apiCenter.credentialReaders` on the whole API center). A path to a binding's credentials is
in the spec when it is one of those grants, active; a member of a group the spec grants
reaches it through that grant. Anything else (another scope, another role, PIM eligibility, a
principal the spec does not name) is access beyond the spec.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from apic_access.azure import arm
from apic_access.config.grants import KINDS, api_grants
from apic_access.config.model import Principals, Spec
from apic_access.live import Live

from .model import GET_CREDENTIALS, Binding, Grant, Model, Path, Reader, ancestors, scope_words

_KIND_WORDS = {"users": "user", "groups": "group", "servicePrincipals": "service principal"}


@dataclass(frozen=True)
class SpecGrant:
    scope: str  # ARM id
    principal: str  # object id, lower case
    who: str  # `user alice@contoso.com`, as the spec writes it
    where: str  # the spec path that asks for it


@dataclass
class Expected:
    grants: dict[tuple[str, str], SpecGrant] = field(default_factory=dict)  # (lower scope, object id) -> grant
    notes: list[str] = field(default_factory=list)
    role: str = arm.CREDENTIAL_ACCESS_READER  # the role the spec grants for this kind of access

    def has(self, scope: str, principal: str) -> bool:
        return (scope.lower().rstrip("/"), principal.lower()) in self.grants


def _listed(p: Principals) -> Iterable[tuple[str, str]]:
    for kind, refs in zip(KINDS, (p.users, p.groups, p.service_principals), strict=True):
        for ref in refs:
            yield kind, ref


def expected(spec: Spec, live: Live) -> Expected:
    """Every Credential Access Reader assignment the spec makes, by object id (Entra lookups are
    cached in `live`, so verify's recording already paid for them)."""
    ac = spec.api_center
    sub = live.subscription
    out = Expected()

    def add(scope: str, kind: str, ref: str, where: str) -> None:
        oid = live.lookup(kind, ref)
        if not oid:
            out.notes.append(f"{where}: Entra has no {_KIND_WORDS[kind]} '{ref}' (or more than one): fix the name in the spec, or use its object id")
            return
        out.grants.setdefault((scope.lower(), oid), SpecGrant(scope, oid, f"{_KIND_WORDS[kind]} {ref}", where))

    for kind, ref in _listed(ac.credential_readers):
        add(arm.service_id(sub, ac.resource_group, ac.name), kind, ref, "apiCenter.credentialReaders")
    for api in spec.apis.values():
        for g in api_grants(api).grants:
            s = g.scope
            if s.kind == "binding":
                scope = arm.binding_id(sub, ac.resource_group, ac.name, api.name, s.version or "", s.binding or "")
            elif s.kind == "version":
                scope = arm.version_id(sub, ac.resource_group, ac.name, api.name, s.version or "")
            else:
                scope = arm.api_id(sub, ac.resource_group, ac.name, api.name)
            where = f"apis.{api.name}" + (f".versions.{s.version}" if s.version else "") + ".access"
            if g.principal is not None:
                add(scope, g.principal[0], g.principal[1], where)
            elif g.group is not None:
                name = arm.managed_group_names(ac.name, s.label)[0]
                add(scope, "groups", name, f"{where} (via: group)")
    return out


def expected_catalog(spec: Spec, live: Live) -> Expected:
    """The portal's readers: Data Reader on the API center, as the spec grants it."""
    ac = spec.api_center
    out = Expected(role=arm.API_CENTER_DATA_READER)
    scope = arm.service_id(live.subscription, ac.resource_group, ac.name)
    for kind, ref in _listed(spec.portal.readers if spec.portal else Principals()):
        oid = live.lookup(kind, ref)
        if not oid:
            out.notes.append(f"portal.readers: Entra has no {_KIND_WORDS[kind]} '{ref}' (or more than one): fix the name in the spec, or use its object id")
            continue
        out.grants.setdefault((scope.lower(), oid), SpecGrant(scope, oid, f"{_KIND_WORDS[kind]} {ref}", "portal.readers"))
    return out


def in_spec(path: Path, reader: Reader, want: Expected) -> bool:
    """A path the spec makes: the spec's role (Credential Access Reader; Data Reader for the
    catalog), active, at a scope the spec grants to this principal (or to the group it reaches
    the binding through)."""
    if path.eligible or path.role != want.role:
        return False
    return want.has(path.scope, path.via_group or reader.principal)


def named(reader: Reader, want: Expected) -> bool:
    """Whether the spec names this reader for the binding: one of its paths is a spec grant."""
    return any(in_spec(p, reader, want) for p in reader.paths)


@dataclass
class Beyond:
    """One assignment (or eligibility) the spec does not make, and the bindings it opens."""

    grant: Grant
    reader: Reader
    path: Path
    bindings: list[Binding] = field(default_factory=list)

    @property
    def catalog(self) -> bool:
        return self.bindings[0].name == "catalog" and not self.bindings[0].api

    def message(self) -> str:
        what = "see the whole API catalog (portal and data plane)" if self.catalog else f"read the credentials of {_bindings(self.bindings)}"
        who = self.reader.label if self.reader.principal in self.reader.label else f"{self.reader.label} ({self.reader.principal})"
        return f"{who} can {what} through {self.path.describe()}, which the spec does not grant: {self.fix()}"

    def fix(self) -> str:
        p, who = self.path, self.reader.label
        remove = f"az role assignment delete --ids {p.assignment}"
        if self.catalog and not p.eligible and p.role == arm.API_CENTER_DATA_READER and p.level == "service":
            return f"add {who} to portal.readers, or remove the assignment: {remove}"
        if self.catalog and not p.eligible:
            return f"the spec grants the catalog only as Data Reader on the API center (portal.readers); remove the assignment ({remove})"
        if p.eligible:
            return (
                "remove the eligibility in Privileged Identity Management (Azure resources > Assignments > Eligible assignments > Remove), "
                "or name the principal in the spec and make the assignment active"
            )
        if p.role != arm.CREDENTIAL_ACCESS_READER:
            return (
                f"the spec cannot grant a custom role ({p.role_name}); remove the assignment ({remove}), or give the role "
                f"notDataActions [{GET_CREDENTIALS}] if it must not read credentials"
            )
        if p.level in ("binding", "version", "api"):
            scope = {"binding": "", "version": " with `scope: version`", "api": " with `scope: api`"}[p.level]
            return f"add {who} to an access entry{scope}, or remove the assignment: {remove}"
        if p.level == "service":
            return f"add {who} to apiCenter.credentialReaders, or remove the assignment: {remove}"
        return f"the spec cannot grant at {scope_words(p.level, p.scope)}; remove the assignment ({remove}), or grant it in the spec at the API center or below"


def _bindings(bindings: list[Binding]) -> str:
    if len(bindings) == 1:
        return f"binding {bindings[0].label}"
    shown = ", ".join(b.label for b in bindings[:3])
    more = f" and {len(bindings) - 3} more" if len(bindings) > 3 else ""
    return f"{len(bindings)} bindings ({shown}{more})"


def beyond(model: Model, want: Expected) -> list[Beyond]:
    """Each path the spec does not make, once per assignment and principal, with the bindings
    it opens; a group member's own entry is left out (its group's assignment is the one to fix),
    as is access a deny assignment takes away."""
    found: dict[tuple[str, str], Beyond] = {}
    grants = {(g.id, g.principal): g for g in model.grants}
    for b in model.bindings:
        for reader in b.readers.values():
            if reader.denied_by:
                continue
            for path in reader.paths:
                if path.via_group or in_spec(path, reader, want):
                    continue
                key = (path.assignment, reader.principal)
                item = found.get(key)
                if item is None:
                    grant = grants.get(key) or Grant(path.assignment, path.scope, path.role, reader.principal, reader.kind, path.eligible)
                    item = found[key] = Beyond(grant, reader, path)
                item.bindings.append(b)
    return sorted(found.values(), key=lambda x: (LEVEL_ORDER.get(x.path.level, 99), x.reader.label, x.path.assignment))


def missing(model: Model, want: Expected) -> list[SpecGrant]:
    """Spec grants Azure does not hold (active); only where the scope exists in Azure."""
    held = {(g.scope.lower().rstrip("/"), g.principal) for g in model.grants if not g.eligible and g.role == want.role}
    scopes = {model.service_id.lower()}
    for b in model.bindings:
        scopes.update(ancestors(b.id)[:3])  # binding, version, API
    return [g for key, g in sorted(want.grants.items()) if key not in held and key[0] in scopes]


LEVEL_ORDER = {level: i for i, level in enumerate(("binding", "version", "api", "workspace", "service", "resource group", "subscription", "management group", "root"))}
