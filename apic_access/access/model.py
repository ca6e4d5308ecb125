"""Who can read a binding's credentials, and by which path: the access model.

A principal can call `:getCredentials` on a binding (securityRequirement) when a role
assignment at the binding or any scope above it (version, API, workspace, service, resource
group, subscription, management group) gives it a role whose `dataActions` match the action
and whose `notDataActions` (in the same permission block) do not take it away, unless a deny
assignment does. Assignments may be active or only eligible through PIM; a group's members
inherit its access.

What it costs, whatever the number of bindings (besides listing the bindings themselves):

- one listing of role assignments at the API center, without a filter: ARM then returns the
  assignments at, above AND below that scope (`atScope()` would drop the ones below: bindings,
  versions, APIs), so every binding's are in one (paged) answer;
- the same one listing for PIM eligibility (`roleEligibilityScheduleInstances`) and for deny
  assignments;
- one read per distinct role definition;
- names: `directoryObjects/getByIds`, 1,000 ids a call; with `expand_groups`, one
  `transitiveMembers` listing per distinct group.

Each binding then takes the assignments of its own ancestors from a table by scope.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from apic_access.azure import arm
from apic_access.azure.client import AzureError
from apic_access.live import Live, assignment_scope

GET_CREDENTIALS = "Microsoft.ApiCenter/services/workspaces/apis/versions/securityRequirements/getCredentials/action"
# What the portal (and the data plane) needs to show the catalog: Data Reader's
# `Microsoft.ApiCenter/services/*/read` covers it, as a custom role's wildcard may.
READ_CATALOG = "Microsoft.ApiCenter/services/workspaces/apis/read"
ROLE_DEFINITION_API_VERSION = "2022-04-01"
DENY_ASSIGNMENT_API_VERSION = "2022-04-01"
ELIGIBILITY_API_VERSION = "2020-10-01"
EVERYONE = "00000000-0000-0000-0000-000000000000"  # a deny assignment's "all principals"

# The levels a scope can be, from the binding up, as the report names them.
LEVELS = ("binding", "version", "api", "workspace", "service", "resource group", "subscription", "management group", "root")
_KIND_OF_ODATA = {"user": "User", "group": "Group", "servicePrincipal": "ServicePrincipal", "device": "Device"}


@lru_cache(maxsize=1024)
def _pattern(action: str) -> re.Pattern[str]:
    """ARM's action wildcards: `*` matches any run of characters (within a segment or across
    them: `Microsoft.ApiCenter/*`, `*/getCredentials/action`, `*`); matching ignores case."""
    return re.compile(".*".join(re.escape(part) for part in action.split("*")), re.IGNORECASE)


def matches(action: str, patterns: Iterable[str]) -> bool:
    return any(_pattern(str(p)).fullmatch(action) for p in patterns)


def permits(permissions: Iterable[Mapping[str, Any]], action: str = GET_CREDENTIALS) -> bool:
    """Whether a role (its `permissions` blocks) allows a data action: a block allows it when one
    of its `dataActions` matches and none of its `notDataActions` does; blocks add up."""
    return any(matches(action, p.get("dataActions") or ()) and not matches(action, p.get("notDataActions") or ()) for p in permissions)


@dataclass(frozen=True)
class Path:
    """One way a principal reaches a binding's credentials."""

    scope: str  # the assignment's scope, as ARM gives it
    level: str  # one of LEVELS
    role: str  # role definition GUID
    role_name: str
    eligible: bool  # only eligible through PIM: the principal must activate it first
    assignment: str  # the assignment's (or eligibility's) ARM id
    via_group: str = ""  # object id of the group this principal is a member of, if through one
    via_group_name: str = ""

    def describe(self) -> str:
        """`Credential Access Reader at the API center (eligible through PIM) via group X`."""
        text = f"{self.role_name} at {scope_words(self.level, self.scope)}"
        if self.eligible:
            text += " (eligible through PIM, not active)"
        if self.via_group:
            text += f" via group {self.via_group_name or self.via_group}"
        return text


@dataclass
class Reader:
    """A principal that can read one binding's credentials."""

    principal: str  # object id, lower case
    kind: str  # User | Group | ServicePrincipal | Device | the assignment's principalType
    name: str  # UPN (users) or display name; "unknown principal <id> (deleted?)" when Graph has none
    paths: list[Path] = field(default_factory=list)
    denied_by: str = ""  # a deny assignment that takes the access away, by name

    @property
    def eligible_only(self) -> bool:
        return all(p.eligible for p in self.paths)

    @property
    def label(self) -> str:
        """`user alice@contoso.com`, for messages."""
        words = {"User": "user", "Group": "group", "ServicePrincipal": "service principal", "Device": "device"}
        return self.name if self.name.startswith("unknown principal") else f"{words.get(self.kind, self.kind.lower() or 'principal')} {self.name}"


@dataclass
class Binding:
    api: str
    version: str
    name: str
    id: str
    auth_config: str = ""
    readers: dict[str, Reader] = field(default_factory=dict)  # object id -> reader

    @property
    def label(self) -> str:
        return f"{self.api}/{self.version}/{self.name}"


@dataclass
class Grant:
    """A role assignment (or PIM eligibility) that reaches getCredentials, as Azure has it."""

    id: str
    scope: str
    role: str
    principal: str
    principal_type: str
    eligible: bool


@dataclass
class Model:
    service_id: str
    bindings: list[Binding] = field(default_factory=list)
    grants: list[Grant] = field(default_factory=list)  # every assignment that reaches getCredentials somewhere
    notes: list[str] = field(default_factory=list)  # what could not be read or named, in full sentences
    unverifiable: list[str] = field(default_factory=list)  # the notes that leave the answer incomplete (verify: problems)
    role_names: dict[str, str] = field(default_factory=dict)  # role GUID -> name
    names: dict[str, tuple[str, str]] = field(default_factory=dict)  # object id -> (kind, name)
    groups_expanded: bool = False


def scope_words(level: str, scope: str) -> str:
    """The scope in a reader's words: `the API center`, `API orders`, `resource group rg-shop`."""
    parts = scope.rstrip("/").split("/")
    last = parts[-1] if parts else scope
    return {
        "binding": f"binding {'/'.join(parts[-5::2][:3])}" if len(parts) >= 6 else f"binding {last}",
        "version": f"version {parts[-3]}/{last}" if len(parts) >= 3 else f"version {last}",
        "api": f"API {last}",
        "workspace": f"workspace {last}",
        "service": "the API center",
        "resource group": f"resource group {last}",
        "subscription": f"subscription {last}",
        "management group": f"management group {last}",
        "root": "the tenant root (/)",
    }.get(level, scope)


def level_of(scope: str, service_id: str) -> str | None:
    """Where a scope sits relative to the API center, or None when it covers no binding of it."""
    s, service = scope.lower().rstrip("/"), service_id.lower()
    if s in ("", "/"):
        return "root"
    if s.startswith("/providers/microsoft.management/managementgroups/"):
        return "management group" if "/providers/" not in s.split("/managementgroups/", 1)[1] else None
    if s == service:
        return "service"
    if service.startswith(s + "/"):
        return {2: "subscription", 4: "resource group"}.get(len(s.split("/")) - 1)
    if not s.startswith(service + "/workspaces/"):
        return None
    depth = len(s[len(service) :].split("/")) - 1  # /workspaces/w=2, /apis/a=4, /versions/v=6, /securityRequirements/b=8
    return {2: "workspace", 4: "api", 6: "version", 8: "binding"}.get(depth) if _is_access_path(s[len(service) :]) else None


def _is_access_path(rest: str) -> bool:
    kinds = rest.strip("/").split("/")[0::2]
    return kinds == ["workspaces", "apis", "versions", "securityrequirements"][: len(kinds)]


def ancestors(binding_id: str) -> list[str]:
    """The binding, its version, API, workspace and service ids (lower case)."""
    parts = binding_id.lower().rstrip("/").split("/")
    return ["/".join(parts[:n]) for n in (len(parts), len(parts) - 2, len(parts) - 4, len(parts) - 6, len(parts) - 8)]


class Reading:
    """Reads the API center's access once and answers it per binding."""

    def __init__(self, live: Live, resource_group: str, service: str, *, assignments: list[dict[str, Any]] | None = None):
        """`assignments`: the service's unfiltered role assignment listing, when the caller
        (verify) has it already."""
        self.live = live
        self.service_id = arm.service_id(live.subscription, resource_group, service)
        self.ws = f"{self.service_id}/workspaces/{arm.WORKSPACE}"
        self.model = Model(self.service_id)
        self._roles: dict[str, list[dict[str, Any]] | None] = {}  # role GUID -> permissions; None: unknown
        self.denies: list[dict[str, Any]] = []
        self._raw: list[tuple[dict[str, Any], bool]] | None = None  # (assignment or eligibility, eligible), listed once
        self._all_denies: list[dict[str, Any]] | None = None
        self._groups: dict[str, list[str]] = {}  # group id -> transitive member ids, listed once
        self._assignments = assignments
        self._graph_refused: AzureError | None = None  # getByIds refused: asked once

    # --- reading ---------------------------------------------------------------------------------

    def _list(self, path: str, api_version: str, what: str, *, needed: bool = True, **query: str) -> list[dict[str, Any]]:
        """A listing; refused (403, or 400 from a tenant without PIM), a note. `needed`: without
        it the answer is incomplete (role assignments, the bindings), so verify counts it."""
        try:
            return list(self.live.arm.items(path, api_version, what=what, **query))
        except AzureError as exc:
            if exc.status is None:
                raise
            if exc.status in (403, 404, 400):
                note = f"{exc}: that part of the access is not shown"
                self.model.notes.append(note)
                if needed:
                    self.model.unverifiable.append(note)
                return []
            raise

    def bindings(self) -> list[Binding]:
        """Every binding of the API center, as Azure has them (one listing per API and version)."""
        version = arm.PREVIEW_API_VERSIONS["securityRequirements"]
        out: list[Binding] = []
        for api in self._list(f"{self.ws}/apis", arm.API_CENTER_API_VERSION, "listing APIs"):
            a = str(api.get("name"))
            for ver in self._list(f"{self.ws}/apis/{a}/versions", arm.API_CENTER_API_VERSION, f"listing the versions of API {a}"):
                v = str(ver.get("name"))
                for b in self._list(f"{self.ws}/apis/{a}/versions/{v}/securityRequirements", version, f"listing the bindings of {a}/{v}"):
                    props = b.get("properties") if isinstance(b.get("properties"), Mapping) else {}
                    ref = str((props or {}).get("authConfigResourceId") or "").rstrip("/").rsplit("/", 1)[-1]
                    out.append(Binding(a, v, str(b.get("name")), f"{self.ws}/apis/{a}/versions/{v}/securityRequirements/{b.get('name')}", ref))
        return out

    def _listed(self) -> list[tuple[dict[str, Any], bool]]:
        if self._raw is None:
            raw: list[tuple[dict[str, Any], bool]] = []
            listed = self._assignments
            if listed is None:
                listed = self._list(arm.role_assignments_path(self.service_id), arm.ROLE_ASSIGNMENT_API_VERSION, "listing role assignments at, above and below the API center")
            for a in listed:
                raw.append((a, False))
            path = f"{self.service_id}/providers/Microsoft.Authorization/roleEligibilityScheduleInstances"
            for e in self._list(path, ELIGIBILITY_API_VERSION, "listing PIM eligibilities at, above and below the API center", needed=False):
                raw.append((e, True))
            self._raw = raw
            deny_path = f"{self.service_id}/providers/Microsoft.Authorization/denyAssignments"
            self._all_denies = self._list(deny_path, DENY_ASSIGNMENT_API_VERSION, "listing deny assignments at, above and below the API center", needed=False)
        return self._raw

    def grants(self, action: str = GET_CREDENTIALS) -> list[Grant]:
        """Active assignments and PIM eligibilities at, above and below the API center that reach
        `action`: one listing each (shared by every action), then one read per distinct role."""
        raw = self._listed()
        seen: set[tuple[str, str, str, bool]] = set()
        out: list[Grant] = []
        for item, eligible in raw:
            p = item.get("properties") if isinstance(item.get("properties"), Mapping) else {}
            scope = assignment_scope(item) if not eligible else str((p or {}).get("scope") or "")
            if level_of(scope, self.service_id) is None:
                continue
            definition = str((p or {}).get("roleDefinitionId") or "")
            principal = str((p or {}).get("principalId") or "").lower()
            key = (scope.lower(), arm.role_of(definition), principal, eligible)
            if key in seen or not principal:
                continue
            seen.add(key)
            if not self._reaches(definition, action):
                continue
            out.append(Grant(str(item.get("id") or ""), scope, arm.role_of(definition), principal, str((p or {}).get("principalType") or ""), eligible))
        self.denies = [
            d
            for d in self._all_denies or []
            if level_of(str(((d.get("properties") or {}).get("scope")) or ""), self.service_id) is not None
            and permits((d.get("properties") or {}).get("permissions") or [], action)
        ]
        return out

    def _reaches(self, definition_id: str, action: str) -> bool:
        """Whether the role allows `action`; an unknown role is a note, never a guess. Read once
        per role id, however many forms its definition id takes (subscription or tenant)."""
        role = arm.role_of(definition_id)
        key = role
        if key not in self._roles:
            try:
                found = self.live.arm.get(definition_id, ROLE_DEFINITION_API_VERSION, what=f"reading role definition {role}")
            except AzureError as exc:
                if exc.status is None:
                    raise
                found = None
            if found is None:
                self._roles[key] = None
                note = (
                    f"role definition {role} ({definition_id}) cannot be read (deleted, or not visible to this identity): "
                    f"its assignments are not shown; check them with `az role assignment list --role {role} --all`"
                )
                self.model.notes.append(note)
                self.model.unverifiable.append(note)
            else:
                props = found.get("properties") or {}
                self._roles[key] = list(props.get("permissions") or [])
                self.model.role_names[role] = str(props.get("roleName") or arm.ROLE_NAMES.get(role, role))
        permissions = self._roles[key]
        return permissions is not None and permits(permissions, action)

    # --- answering -------------------------------------------------------------------------------

    def build(self, *, expand_groups: bool = False) -> Model:
        """Every binding and who can read its credentials."""
        self.model.grants = self.grants()
        self.model.bindings = self._answer(self.bindings(), self.model.grants, expand_groups, lambda b: ancestors(b.id)[:4])
        return self.model

    def catalog(self, *, expand_groups: bool = False) -> Model:
        """Who can see the whole catalog (the portal's readers): one target, the workspace,
        reached from it or above. Read after build(), from the same listings."""
        model = Model(self.service_id, names=self.model.names, role_names=self.model.role_names)
        model.grants = [g for g in self.grants(READ_CATALOG) if level_of(g.scope, self.service_id) not in ("binding", "version", "api")]
        model.bindings = self._answer([Binding("", "", "catalog", self.ws)], model.grants, expand_groups, lambda b: [self.ws.lower()])
        model.groups_expanded = expand_groups
        return model

    def _answer(self, bindings: list[Binding], grants: list[Grant], expand_groups: bool, scopes: Callable[[Binding], list[str]]) -> list[Binding]:
        by_scope: dict[str, list[Grant]] = {}
        above: list[Grant] = []  # at the service or above: every binding
        for g in grants:
            level = level_of(g.scope, self.service_id)
            (above if level in ("service", "resource group", "subscription", "management group", "root") else by_scope.setdefault(g.scope.lower().rstrip("/"), [])).append(g)
        self._name([g.principal for g in grants] + [str(p.get("id", "")) for d in self.denies for p in _deny_principals(d)], grants)
        members = self._members({g.principal for g in grants if self._kind(g.principal, g.principal_type) == "Group"}) if expand_groups else {}
        self.model.groups_expanded = expand_groups
        for b in bindings:
            for g in above + [g for s in scopes(b) for g in by_scope.get(s, [])]:
                path = Path(g.scope, level_of(g.scope, self.service_id) or "", g.role, self.model.role_names.get(g.role, g.role), g.eligible, g.id)
                self._add(b, g.principal, g.principal_type, path)
                for member in members.get(g.principal, []):
                    via = Path(path.scope, path.level, path.role, path.role_name, path.eligible, path.assignment, g.principal, self.model.names[g.principal][1])
                    self._add(b, member, "", via)
            self._deny(b, members)
        return bindings

    def _add(self, b: Binding, principal: str, principal_type: str, path: Path) -> None:
        reader = b.readers.get(principal)
        if reader is None:
            kind, name = self.model.names.get(principal) or (principal_type or "principal", f"unknown principal {principal} (deleted?)")
            reader = b.readers[principal] = Reader(principal, kind, name)
        if path not in reader.paths:
            reader.paths.append(path)

    def _deny(self, b: Binding, members: Mapping[str, list[str]]) -> None:
        """Deny assignments covering the binding take the access of the principals they name."""
        chain = set(ancestors(b.id))
        for d in self.denies:
            p = d.get("properties") or {}
            scope = str(p.get("scope") or "").lower().rstrip("/")
            if p.get("doNotApplyToChildScopes") and scope != b.id.lower():
                continue
            if level_of(scope, self.service_id) not in ("service", "resource group", "subscription", "management group", "root") and scope not in chain:
                continue
            named = {str(x.get("id", "")).lower() for x in _deny_principals(d)}
            for g in list(named):
                named.update(members.get(g, []))
            excluded = {str(x.get("id", "")).lower() for x in p.get("excludePrincipals") or []}
            for reader in b.readers.values():
                if (EVERYONE in named or reader.principal in named) and reader.principal not in excluded and not reader.denied_by:
                    reader.denied_by = str(p.get("denyAssignmentName") or d.get("name") or d.get("id"))

    def _kind(self, principal: str, principal_type: str) -> str:
        return (self.model.names.get(principal) or (principal_type, ""))[0]

    def _name(self, ids: Iterable[str], grants: list[Grant]) -> None:
        """Names and kinds through getByIds (1,000 ids a call); a principal Graph does not know is
        named as such, and noted once. Graph refusing to name anyone is one note, not one a principal."""
        todo = sorted({i.lower() for i in ids if i and i.lower() not in self.model.names and i != EVERYONE})
        if not todo:
            return
        types = {g.principal: g.principal_type for g in grants}
        try:
            if self._graph_refused:
                raise self._graph_refused
            found = self.live.graph.objects_by_ids(todo, what="naming the principals that can read credentials")
        except AzureError as exc:
            if exc.status is None:
                raise
            if not self._graph_refused:
                self._graph_refused = exc
                self.model.notes.append(
                    f"principals are shown by object id: Microsoft Graph refused to name them ({exc}); the identity running this needs "
                    "Directory.Read.All (or User.Read.All, GroupMember.Read.All and Application.Read.All)"
                )
            for oid in todo:
                self.model.names[oid] = (types.get(oid) or "principal", oid)
            return
        for obj in found:
            odata = str(obj.get("@odata.type", "")).rsplit(".", 1)[-1]
            kind = _KIND_OF_ODATA.get(odata, odata or "principal")
            name = obj.get("userPrincipalName") if kind == "User" else obj.get("displayName")
            self.model.names[str(obj.get("id", "")).lower()] = (kind, str(name or obj.get("id")))
        for missing in todo:
            if missing not in self.model.names:
                kind = types.get(missing) or "principal"
                self.model.names[missing] = (kind, f"unknown principal {missing} (deleted?)")
                self.model.notes.append(
                    f"{kind} {missing} holds a role that reaches getCredentials, but Entra does not know it (deleted, or this identity "
                    "cannot read the directory): remove its assignments if it is gone"
                )

    def _members(self, groups: Iterable[str]) -> dict[str, list[str]]:
        """Each group's transitive members (nested groups and their members), one listing a group."""
        out: dict[str, list[str]] = {}
        for group in sorted(groups):
            if group in self._groups:
                out[group] = self._groups[group]
                continue
            what = f"listing the members of group {self.model.names.get(group, ('', group))[1]}"
            try:
                found = list(self.live.graph.items(f"/groups/{group}/transitiveMembers", what=what))
            except AzureError as exc:
                if exc.status is None:
                    raise
                out[group] = self._groups[group] = []  # named once, never tried again
                self.model.notes.append(
                    f"group {self.model.names.get(group, ('', group))[1]} ({group}) cannot be expanded ({exc}): its members are not listed; "
                    "the identity running this needs GroupMember.Read.All (or Directory.Read.All) in Microsoft Graph"
                )
                continue
            ids = []
            for obj in found:
                oid = str(obj.get("id", "")).lower()
                odata = str(obj.get("@odata.type", "")).rsplit(".", 1)[-1]
                kind = _KIND_OF_ODATA.get(odata, odata or "principal")
                self.model.names.setdefault(oid, (kind, str((obj.get("userPrincipalName") if kind == "User" else obj.get("displayName")) or oid)))
                ids.append(oid)
            out[group] = self._groups[group] = ids
        return out


def _deny_principals(deny: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [p for p in (deny.get("properties") or {}).get("principals") or [] if isinstance(p, Mapping)]
