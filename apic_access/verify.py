"""`apic-access verify`: does the live service hold what the spec asks for, and does it work?

Read-only. The real program runs under the recording engine with Entra lookups answered
through Graph, so it names every resource, property and grant `pulumi up` writes, with real
object ids. Each is then compared with Azure:

- resources: the service and its identities, auth configs, bindings, the portal;
- fields Azure did not keep (every non-secret property we write);
- grants, by object id: Credential Access Reader per binding (and `apiCenter.credentialReaders`),
  Secrets User for every identity of the API center at the vault, Data Reader for portal
  readers (other Data Reader holders shown, not counted);
- who can read credentials (apic_access/access): every path to a binding's `:getCredentials`
  (any role whose dataActions reach it, at any scope, active or PIM-eligible) that the spec
  does not grant is a problem, with the fix;
- portal readiness: each referenced vault secret exists (ARM metadata only), each version with
  access has a deployment with a runtime URI;
- credentials end to end: `:getCredentials` for every binding that lists the identity running
  verify; its answer holds a secret, so only the scheme is kept, never a value.

Exit codes: 0 all good, 1 problems found, 2 usage, 3 Azure unreachable or no credentials.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from apic_access.azure import arm
from apic_access.components.preview_resource import leaves, lookup, not_kept, spec_path_of
from apic_access.config.errors import display_path, plural
from apic_access.config.model import Spec
from apic_access.config.spec import load_spec

from .azure.client import AzureError
from .live import KINDS, Live, assignment_scope
from .recorder import UNKNOWN, Recording, Registration, record
from .stacks import config_value

OK, PROBLEM, EXTRA, INFO = "ok", "problem", "extra", "info"
# Waits between :getCredentials attempts answered 403 (RBAC takes minutes to propagate): about 5 minutes in all.
RBAC_WAITS = (10.0, 20.0, 30.0, 60.0, 60.0, 60.0, 60.0)


@dataclass
class Finding:
    group: str  # "service", "auth config x", "binding api/version/name", "vault", "portal", "version api/version"
    status: str  # ok | problem | extra | info
    check: str  # resource | field | grant | secret | deployment | credentials | identity
    message: str


@dataclass
class Report:
    stack: str
    spec: str
    subscription: str
    findings: list[Finding] = field(default_factory=list)

    def add(self, group: str, status: str, check: str, message: str) -> None:
        self.findings.append(Finding(group, status, check, message))

    @property
    def problems(self) -> int:
        return sum(f.status == PROBLEM for f in self.findings)

    def groups(self) -> dict[str, list[Finding]]:
        out: dict[str, list[Finding]] = {}
        for f in self.findings:
            out.setdefault(f.group, []).append(f)
        return out


# --- the checks -----------------------------------------------------------------------------------


def _known(value: Any) -> Any:
    """The part of what we write that is known before apply: values only Azure knows are dropped."""
    if isinstance(value, Mapping):
        return {k: v for k, v in ((k, _known(v)) for k, v in value.items()) if v is not _UNSET}
    if value == UNKNOWN or (isinstance(value, list) and UNKNOWN in value):
        return _UNSET
    return value


_UNSET = object()


def _preview(rec: Recording) -> list[Registration]:
    return [r for r in rec.resources if r.type.endswith(":PreviewResource")]


def _group_of(r: Registration) -> str:
    rid = str(r.inputs.get("resourceId", ""))
    kind = rid.rsplit("/", 2)[-2] if "/" in rid else ""
    if kind == "authConfigs":
        return f"auth config {rid.rsplit('/', 1)[-1]}"
    if kind == "securityRequirements":
        return f"binding {r.name}"
    return "portal"


def _principal_names(spec: Spec) -> dict[str, str]:
    """Every principal name the spec writes, by its lower-case form."""
    lists = [spec.portal.readers] if spec.portal else []
    lists += [e.principals for a in spec.apis.values() for v in a.versions.values() for e in v.access]
    names = {n.lower(): n for p in lists for n in (*p.users, *p.groups, *p.service_principals)}
    return names


class Verifier:
    def __init__(self, spec: Spec, rec: Recording, live: Live, report: Report, *, sleep: Callable[[float], None], waits: Iterable[float]):
        self.spec = spec
        self.rec = rec
        self._written = _principal_names(spec)
        self.live = live
        self.report = report
        self.sleep = sleep
        self.waits = tuple(waits)
        ac = spec.api_center
        self.service_id = arm.service_id(live.subscription, ac.resource_group, ac.name)
        self.service: dict[str, Any] | None = None
        self.held: set[tuple[str, str, str]] = set()  # (scope, role, principal) of the grants found
        self._service_assignments: list[dict[str, Any]] | None = None
        self.groups: dict[str, str] = {}  # lower-case scope -> group
        for r in _preview(rec):
            self.groups[str(r.inputs.get("resourceId", "")).lower()] = _group_of(r)
        if spec.key_vault:
            self.vault_id = arm.vault_id(live.subscription, spec.key_vault.resource_group, spec.key_vault.name)
            self.groups[self.vault_id.lower()] = "vault"
        self.groups[self.service_id.lower()] = "portal"

    def run(self) -> None:
        self.check_service()
        present = self.check_preview_resources()
        self.check_grants(missing={rid for rid in self.groups if rid not in present and rid != self.service_id.lower() and rid != getattr(self, "vault_id", "").lower()})
        if self.service is not None:
            self.check_access()
        self.check_secrets()
        self.check_deployments()
        self.check_credentials(present)

    # resources and fields

    def check_service(self) -> None:
        ac = self.spec.api_center
        self.service = self.live.arm.get(self.service_id, arm.API_CENTER_API_VERSION, what=f"reading API center {ac.name}")
        if self.service is None:
            self.report.add("service", PROBLEM, "resource", f"API center {ac.name} does not exist in resource group {ac.resource_group}: run `pulumi up`")
            return
        identity = self.service.get("identity") or {}
        have = {t.strip().lower() for t in str(identity.get("type") or "None").split(",")}
        want = {t.strip().lower() for t in ac.identity_type.split(",")}
        if not want <= have:
            self.report.add("service", PROBLEM, "identity", f"API center {ac.name} has identity type {identity.get('type') or 'None'}, the spec wants {ac.identity_type}: run `pulumi up`")
        attached = {k.lower() for k in (identity.get("userAssignedIdentities") or {})}
        for ua in ac.user_assigned:
            rid = ua.id or arm.user_assigned_identity_id(self.live.subscription, ac.resource_group, ua.name or "")
            if rid.lower() not in attached:
                self.report.add("service", PROBLEM, "identity", f"user-assigned identity {rid.rsplit('/', 1)[-1]} is not attached to API center {ac.name}: run `pulumi up`")
        self.report.add("service", OK, "resource", f"API center {ac.name} exists (identity {identity.get('type') or 'None'})")

    def check_preview_resources(self) -> set[str]:
        present: set[str] = set()
        for r in _preview(self.rec):
            i = r.inputs
            rid, version, what = str(i["resourceId"]), str(i["apiVersion"]), str(i.get("what") or r.name)
            group = _group_of(r)
            found = self.live.arm.get(rid, version, what=f"reading {what}")
            if found is None:
                where = (i.get("specPaths") or {}).get("", "")
                self.report.add(group, PROBLEM, "resource", f"{what} does not exist in Azure ({where}): run `pulumi up`")
                continue
            present.add(rid.lower())
            returned: Mapping[str, Any] = found["properties"] if isinstance(found.get("properties"), Mapping) else {}
            sent = _known(i.get("properties") or {})
            problems = not_kept(sent, returned, i.get("writeOnly") or [])
            # a write-only field (a Key Vault reference) is compared too where Azure does return it
            shown = [w for w in i.get("writeOnly") or [] if lookup(returned, w)[0]]
            problems += [p for p in not_kept(sent, returned, []) if any(p[0] == w or p[0].startswith(w + ".") for w in shown)]
            kind = rid.rsplit("/", 2)[-2]
            for path, value, was_returned, kept in problems:
                spec_path = spec_path_of(path, i.get("specPaths") or {}) or path
                got = f"Azure has {kept!r}" if was_returned else "Azure did not keep it"
                self.report.add(
                    group,
                    PROBLEM,
                    "field",
                    f"{spec_path}: wrote `{path}` = {value!r}, {got} (api-version {version}). If Azure changed it, run `pulumi up`; "
                    f"if the service names this field differently, set the right name with `extraProperties` "
                    f"or target another api-version with `apiCenter.previewApiVersions.{kind}`",
                )
            if not problems:
                checked = sum(1 for _ in leaves(sent)) - sum(1 for p, _ in leaves(sent) if any(p == w or p.startswith(w + ".") for w in i.get("writeOnly") or []))
                self.report.add(group, OK, "resource", f"{what} exists; {'the field' if checked == 1 else f'the {checked} fields'} written {'is' if checked == 1 else 'are'} as sent")
        return present

    # grants

    def _identities(self) -> dict[str, str]:
        """label ("system" or a user-assigned identity's name) -> principal id, as Azure has them."""
        identity = (self.service or {}).get("identity") or {}
        out = {}
        if identity.get("principalId"):
            out["system"] = str(identity["principalId"]).lower()
        for rid, details in (identity.get("userAssignedIdentities") or {}).items():
            if isinstance(details, Mapping) and details.get("principalId"):
                out[rid.rsplit("/", 1)[-1].lower()] = str(details["principalId"]).lower()
        return out

    def expected_grants(self) -> list[tuple[str, str, str, str, str]]:
        """(scope, role, principal id, group, who) for every role assignment the program makes."""
        identities = self._identities()
        out = []
        for r in self.rec.by_type("azure-native:authorization:RoleAssignment"):
            i = r.inputs
            scope, role = str(i["scope"]), arm.role_of(str(i["roleDefinitionId"]))
            principal = str(i.get("principalId") or "")
            parts = r.name.split("/")
            if principal == UNKNOWN or not principal:
                label = r.name.split("/", 1)[-1].lower()  # secrets-user/<label>
                principal = identities.get(label, "")
                who = "the API center's system identity" if label == "system" else f"identity {label}"
                if not principal:
                    self.report.add("vault", PROBLEM, "grant", f"{arm.ROLE_NAMES.get(role, role)} for {who}: the identity does not exist on the API center: run `pulumi up`")
                    continue
            else:
                kind, ref = (parts[-2], parts[-1]) if len(parts) >= 2 and parts[-2] in KINDS else ("", principal)
                ref = self._written.get(ref.lower(), ref)  # logical names are lower case; say it as the spec does
                who = f"{KINDS.get(kind, 'principal')} {ref}"
                if principal in self.live.missing:
                    k, name = self.live.missing[principal]
                    self.report.add(self.groups.get(scope.lower(), scope), PROBLEM, "grant", f"Entra has no {KINDS[k]} '{name}' (or more than one): fix the name in the spec, or use its object id")
                    continue
                if principal != ref.lower():
                    who += f" ({principal})"
            on_service = role == arm.CREDENTIAL_ACCESS_READER and scope.lower() == self.service_id.lower()
            group = "credential readers" if on_service else self.groups.get(scope.lower(), _scope_group(scope))  # apiCenter.credentialReaders
            out.append((scope, role, principal, group, who))
        return out

    def _assignments_at(self, scope: str) -> list[dict[str, Any]]:
        """The assignments at `scope` and above. Under the API center, from ONE listing of the
        service without a filter (ARM returns at, above and below), not one per binding."""
        key, service = scope.lower().rstrip("/"), self.service_id.lower()
        if key != service and not key.startswith(service + "/"):
            return self._listing(scope, **{"$filter": arm.AT_SCOPE})
        if self._service_assignments is None:
            self._service_assignments = self._listing(self.service_id)

        def covers(a: Mapping[str, Any]) -> bool:
            s = assignment_scope(a).lower().rstrip("/")
            return key == s or key.startswith(s + "/") or s.startswith("/providers/microsoft.management/") or s == ""

        return [a for a in self._service_assignments if covers(a)]

    def _listing(self, scope: str, **query: str) -> list[dict[str, Any]]:
        try:
            return list(self.live.arm.items(arm.role_assignments_path(scope), arm.ROLE_ASSIGNMENT_API_VERSION, what=f"listing role assignments at {scope}", **query))
        except AzureError as exc:
            if exc.status != 404:
                raise
            return []  # the scope itself is missing: reported with the resource

    def check_grants(self, missing: set[str]) -> None:
        """`missing`: scopes (bindings, the portal) that do not exist, so neither do their grants."""
        wanted = self.expected_grants()
        by_scope: dict[str, list[tuple[str, str, str, str, str]]] = {}
        for w in wanted:
            by_scope.setdefault(w[0].lower(), []).append(w)
        extras: list[tuple[str, str, str, str]] = []
        for scope_key, grants in sorted(by_scope.items()):
            scope = grants[0][0]
            if scope_key in missing:
                for _, role, _, group, who in grants:
                    self.report.add(group, PROBLEM, "grant", f"{arm.ROLE_NAMES.get(role, role)} for {who} is missing: its scope {_short(scope)} does not exist; run `pulumi up`")
                continue
            live = self._assignments_at(scope)
            held = {(arm.role_of(str(a.get("properties", {}).get("roleDefinitionId", ""))), str(a.get("properties", {}).get("principalId", "")).lower()) for a in live}
            for _, role, principal, group, who in grants:
                name = arm.ROLE_NAMES.get(role, role)
                if (role, principal) in held:
                    self.report.add(group, OK, "grant", f"{name}: {who}")
                    self.held.add((scope_key, role, principal))
                else:
                    self.report.add(group, PROBLEM, "grant", f"{name} for {who} at {_short(scope)} is missing: run `pulumi up`")
            expected = {(role, principal) for _, role, principal, _, _ in grants}
            roles = {role for role, _ in expected}
            for a in live:
                p = a.get("properties") or {}
                role, principal = arm.role_of(str(p.get("roleDefinitionId", ""))), str(p.get("principalId", "")).lower()
                # Credential Access Reader beyond the spec is a problem of check_access, at any scope
                if role in roles and role != arm.CREDENTIAL_ACCESS_READER and (role, principal) not in expected and assignment_scope(a).lower() == scope_key:
                    extras.append((grants[0][3], role, principal, scope))
        if extras:
            names = self.live.describe([e[2] for e in extras])
            for group, role, principal, _scope in extras:
                self.report.add(group, EXTRA, "grant", f"{arm.ROLE_NAMES.get(role, role)} also held by {names.get(principal, principal)} ({principal}), not in the spec")

    def check_access(self) -> None:
        """Everyone who can read a binding's credentials, by any path (another scope, a custom
        role, PIM eligibility), against what the spec grants (access entries, credentialReaders)."""
        from .access.compare import beyond, expected
        from .access.model import Reading

        ac = self.spec.api_center
        model = Reading(self.live, ac.resource_group, ac.name, assignments=self._service_assignments).build()  # check_grants' listing, if it made one
        want = expected(self.spec, self.live)
        for x in beyond(model, want):
            group = f"binding {x.bindings[0].label}" if len(x.bindings) == 1 else "access"
            self.report.add(group, PROBLEM, "access", x.message())
        for note in model.notes:  # a deleted principal beyond the spec is a problem above already
            self.report.add("access", PROBLEM if note in model.unverifiable else INFO, "access", note)
        readers = {r.principal for b in model.bindings for r in b.readers.values() if not r.denied_by}
        self.report.add("access", OK, "access", f"{plural(len(readers), 'principal')} can read the credentials of {plural(len(model.bindings), 'binding')}; every path checked against the spec")

    # portal readiness

    def check_secrets(self) -> None:
        kv = self.spec.key_vault
        if not kv:
            return
        for cfg in self.spec.auth_configs.values():
            for secret in cfg.secret_names:
                sid = arm.key_vault_secret_id(self.vault_id, secret)
                found = self.live.arm.get(sid, arm.KEY_VAULT_API_VERSION, what=f"reading the metadata of secret {secret}")
                if found is None:
                    declared = kv.secrets.get(secret)
                    if declared is not None and declared.existing:
                        fix = f"create it in vault {kv.name} (the spec marks it existing)"
                    elif declared is not None and declared.from_config:
                        fix = f"set `apic-access:{declared.from_config}` with `pulumi config set --secret` and run `pulumi up`"
                    else:
                        fix = "run `pulumi up` (it stores the Entra app's client secret there)"
                    self.report.add(f"auth config {cfg.name}", PROBLEM, "secret", f"Key Vault secret {secret} does not exist in vault {kv.name}: {fix}")
                else:
                    self.report.add(f"auth config {cfg.name}", OK, "secret", f"Key Vault secret {secret} exists in vault {kv.name}")

    def check_deployments(self) -> None:
        ac = self.spec.api_center
        for api in self.spec.apis.values():
            versions = [v for v in api.versions.values() if v.access]
            if not versions:
                continue
            path = f"{self.service_id}/workspaces/{arm.WORKSPACE}/apis/{api.name}/deployments"
            try:
                deployments = list(self.live.arm.items(path, arm.API_CENTER_API_VERSION, what=f"listing the deployments of API {api.name}"))
            except AzureError as exc:
                if exc.status != 404:
                    raise
                deployments = []
            for ver in versions:
                marker = f"/apis/{api.name}/versions/{ver.name}/".lower()
                ready = [
                    d
                    for d in deployments
                    if marker in str((d.get("properties") or {}).get("definitionId", "")).lower() + "/"
                    and ((d.get("properties") or {}).get("server") or {}).get("runtimeUri")
                ]
                group = f"version {api.name}/{ver.name}"
                if ready:
                    self.report.add(group, OK, "deployment", f"deployment {ready[0].get('name')} has a runtime URI: the portal can try this API")
                else:
                    self.report.add(
                        group,
                        PROBLEM,
                        "deployment",
                        f"no deployment of {api.name}/{ver.name} with a runtime URI in API center {ac.name}: the portal cannot try it "
                        f"(add one under apis.{api.name}.deployments with `runtimeUris`)",
                    )

    # credentials, end to end

    def check_credentials(self, present: set[str]) -> None:
        caller = self.live.caller()
        bindings = [r for r in _preview(self.rec) if "/securityrequirements/" in str(r.inputs.get("resourceId", "")).lower()]
        if not bindings:
            return
        if not caller:
            self.report.add("credentials", INFO, "credentials", "the identity running verify cannot be told from its token: no end-to-end check of credentials")
            return
        grants = self.rec.by_type("azure-native:authorization:RoleAssignment")
        tried = 0
        ac = self.spec.api_center
        # the host the service names (what the portal calls), else the documented form
        host = str(((self.service or {}).get("properties") or {}).get(arm.SERVICE_DATA_HOST) or "")
        host = host.split("://", 1)[-1].split("/workspaces/", 1)[0].rstrip("/")  # our paths start at /workspaces/
        client = self.live.data_plane(f"https://{host}" if host else arm.data_plane_url(ac.name, ac.location))
        for b in bindings:
            rid = str(b.inputs["resourceId"])
            mine = any(
                arm.role_of(str(g.inputs.get("roleDefinitionId", ""))) == arm.CREDENTIAL_ACCESS_READER
                and str(g.inputs.get("principalId", "")).lower() == caller
                and (rid.lower() + "/").startswith(str(g.inputs.get("scope", "")).lower().rstrip("/") + "/")
                for g in grants
            )
            if not mine:
                continue
            tried += 1
            group = _group_of(b)
            if rid.lower() not in present:
                self.report.add(group, PROBLEM, "credentials", "not tried: the binding does not exist")
                continue
            granted = any(
                role == arm.CREDENTIAL_ACCESS_READER and principal == caller and (rid.lower() + "/").startswith(scope.rstrip("/") + "/")
                for scope, role, principal in self.held
            )
            # a 403 is worth waiting for only while a grant Azure already holds propagates
            self._get_credentials(client, rid, group, waits=self.waits if granted else ())
        if not tried:
            self.report.add(
                "credentials",
                INFO,
                "credentials",
                f"no binding lists the identity running verify ({caller}): list it under a binding's servicePrincipals to check credentials end to end",
            )

    def _get_credentials(self, client: Any, rid: str, group: str, *, waits: tuple[float, ...]) -> None:
        path = arm.credentials_path(rid)
        waited = 0.0
        for attempt, wait in enumerate((*waits, None), start=1):
            try:
                status, answer = client.get_credentials(path, what=f":getCredentials of {group}")
            except AzureError as exc:
                if exc.status is None:  # unreachable or no credentials: not a finding about this binding
                    raise
                self.report.add(group, PROBLEM, "credentials", f"{exc}: the portal's \"Try this API\" fails the same way for this binding")
                return
            if status != 403:
                scheme = answer.get("securityScheme") if isinstance(answer, Mapping) else None
                # the answer holds the secret value: only its scheme, and whether a value came back, are kept
                has_value = isinstance(answer, Mapping) and any(lookup(answer, path)[1] for path in arm.AUTH_CONFIG_WRITE_ONLY)
                del answer
                if scheme:
                    detail = "credential returned" if has_value else "no secret in the answer (a flow without a client secret)"
                    self.report.add(group, OK, "credentials", f":getCredentials works for the identity running verify: {scheme}, {detail}")
                else:
                    self.report.add(group, PROBLEM, "credentials", ":getCredentials returned no credential for the identity running verify: check the auth config's Key Vault reference and the API center's Secrets User role")
                return
            if wait is None and not waits:
                self.report.add(group, PROBLEM, "credentials", f":getCredentials was refused (403): {answer}; the identity running verify has no Credential Access Reader grant on it (see the grants)")
                return
            if wait is None:
                self.report.add(
                    group,
                    PROBLEM,
                    "credentials",
                    f":getCredentials was refused (403) {attempt} times over {waited:.0f} s: {answer}. A new role assignment can take minutes to reach the data plane: "
                    "run verify again in a few minutes; if it persists, check that the identity running verify holds Credential Access Reader on this binding",
                )
                return
            self.sleep(wait)
            waited += wait


def _scope_group(scope: str) -> str:
    return f"scope {_short(scope)}"


def _short(scope: str) -> str:
    """A scope without its subscription and resource group: readable in a table."""
    marker = "/providers/"
    return scope[scope.index(marker) + len(marker) :] if marker in scope else scope


# --- running it ------------------------------------------------------------------------------------


def verify(
    spec_path: Path,
    *,
    stack: str,
    subscription: str,
    sleep: Callable[[float], None] = time.sleep,
    waits: Iterable[float] = RBAC_WAITS,
    live: Live | None = None,
) -> Report:
    """Check the live service against the spec. Raises SpecError (spec problems) and AzureError
    (Azure unreachable, no credentials, or a read refused)."""
    loaded = load_spec(spec_path, stack=stack)
    live = live or Live.connect(subscription, stack=stack, sleep=sleep)
    config = {f"apic-access:{k}": str(v) for k in ("shard", "platformStack") if (v := config_value(stack, k)) is not None}
    ac = loaded.spec.api_center
    if not live.tenant:
        live.tenant_from(live.arm.get(arm.service_id(subscription, ac.resource_group, ac.name), arm.API_CENTER_API_VERSION, what=f"reading API center {ac.name}"))
    if not live.tenant and loaded.spec.portal:
        portal = arm.portal_id(subscription, ac.resource_group, ac.name)
        live.tenant_from(live.arm.get(portal, ac.preview_api_versions.get("portals", arm.PREVIEW_API_VERSIONS["portals"]), what="reading the API Center portal"))
    rec = record(spec_path, stack=stack, config=config, invoke=live.invoke)
    if live.error:
        raise live.error
    report = Report(stack=stack, spec=display_path(str(spec_path)), subscription=subscription)
    Verifier(loaded.spec, rec, live, report, sleep=sleep, waits=waits).run()
    return report


# --- output ----------------------------------------------------------------------------------------

_MARK = {OK: "ok", PROBLEM: "PROBLEM", EXTRA: "extra", INFO: "info"}


def _summary(report: Report) -> str:
    extras = sum(f.status == EXTRA for f in report.findings)
    verdict = "all good" if not report.problems else plural(report.problems, "problem")
    return f"{verdict}, {plural(sum(f.status == OK for f in report.findings), 'check')} passed, {plural(extras, 'extra grant')}"


def to_table(report: Report) -> str:
    lines = [f"verify {report.spec} (stack {report.stack}, subscription {report.subscription})", ""]
    for group, findings in report.groups().items():
        lines.append(group)
        for f in findings:
            lines.append(f"  {_MARK[f.status]:<8} {f.check:<12} {f.message}")
        lines.append("")
    lines.append(_summary(report))
    return "\n".join(lines) + "\n"


def to_json(report: Report) -> str:
    data = {
        "stack": report.stack,
        "spec": report.spec,
        "subscription": report.subscription,
        "ok": not report.problems,
        "problems": report.problems,
        "groups": [{"name": g, "findings": [{k: v for k, v in asdict(f).items() if k != "group"} for f in fs]} for g, fs in report.groups().items()],
    }
    return json.dumps(data, indent=2) + "\n"


def to_markdown(report: Report) -> str:
    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    icon = {OK: "✅", PROBLEM: "❌", EXTRA: "➕", INFO: "ℹ️"}
    head = "✅ all good" if not report.problems else f"❌ {plural(report.problems, 'problem')}"
    lines = [f"### apic-access verify: {head}", "", f"Stack `{report.stack}`, spec `{report.spec}`, subscription `{report.subscription}`.", ""]
    lines += ["| | what | check | result |", "|---|---|---|---|"]
    for group, findings in report.groups().items():
        for f in findings:
            lines.append(f"| {icon[f.status]} | {cell(group)} | {f.check} | {cell(f.message)} |")
    lines += ["", _summary(report)]
    return "\n".join(lines) + "\n"


FORMATS: dict[str, Callable[[Report], str]] = {"table": to_table, "json": to_json, "markdown": to_markdown}


def exit_code(report: Report) -> int:
    return 1 if report.problems else 0
