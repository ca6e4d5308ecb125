"""Checks 4 and 5: what the stack asks of Microsoft Graph, and who the spec names.

4. The Graph permissions the spec needs (creating apps and managed groups, adding owners,
   looking principals up by name) against the `roles` (application) or `scp` (delegated)
   claim of the Graph token the deploying identity gets: the token is our own, read without
   checking its signature.
5. Every user, group and service principal the spec names exists in Entra, once: looked up
   in batches (Graph's `$filter` with `or`, `directoryObjects/getByIds` for object ids), so a
   spec with hundreds of principals costs a few calls.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from apic_access.azure import tenant
from apic_access.azure.client import AzureError
from apic_access.config.errors import plural
from apic_access.config.grants import api_grants
from apic_access.config.model import Principals, Spec
from apic_access.live import KINDS, _is_guid, quoted

from .context import Context
from .report import ERROR, OK, WARNING

_ODATA_KIND = {"user": "users", "group": "groups", "servicePrincipal": "servicePrincipals"}


@dataclass
class Named:
    """One principal as the spec writes it, and every place that writes it."""

    kind: str  # users | groups | servicePrincipals
    ref: str
    where: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{KINDS[self.kind]} '{self.ref}' ({', '.join(self.where)})"


def _listed(p: Principals) -> Iterator[tuple[str, str]]:
    for kind, refs in (("users", p.users), ("groups", p.groups), ("servicePrincipals", p.service_principals)):
        for ref in refs:
            yield kind, ref


def named(spec: Spec) -> list[Named]:
    """Every principal the spec names, once per (kind, name), with the spec paths naming it."""
    out: dict[tuple[str, str], Named] = {}

    def add(kind: str, ref: str, where: str) -> None:
        n = out.setdefault((kind, ref.lower()), Named(kind, ref))
        if where not in n.where:
            n.where.append(where)

    for app in spec.entra_apps.values():
        for owner in app.owners:
            add("users", owner, f"entraApps.{app.key}.owners")
    for api in spec.apis.values():
        for ver in api.versions.values():
            for entry in ver.access:
                for kind, ref in _listed(entry.principals):
                    add(kind, ref, f"apis.{api.name}.versions.{ver.name}.access[{entry.binding}].{kind}")
    for kind, ref in _listed(spec.api_center.credential_readers):
        add(kind, ref, f"apiCenter.credentialReaders.{kind}")
    if spec.portal:
        for kind, ref in _listed(spec.portal.readers):
            add(kind, ref, f"portal.readers.{kind}")
    return list(out.values())


# --- 4. Graph permissions ------------------------------------------------------------------------


def needs(spec: Spec, caller: str) -> list[tuple[str, str]]:
    """(what the stack asks of Graph, the spec paths that ask it), in GRAPH_NEEDS' order."""
    out: list[tuple[str, str]] = []
    if spec.entra_apps:
        out.append(("create app registrations and their service principals", ", ".join(f"entraApps.{k}" for k in spec.entra_apps)))
    others = [f"entraApps.{a.key}.owners: {o}" for a in spec.entra_apps.values() for o in a.owners if o.lower() != caller]
    if others:
        out.append(("add other owners to the apps it creates", "; ".join(others)))
    groups = [g.scope.label for api in spec.apis.values() for g in api_grants(api).groups]
    if groups:
        out.append(("create managed security groups and set their members", f"`via: group` at {', '.join(groups)}"))
    principals = named(spec)
    for kind, need in (
        ("users", "look up users by user principal name"),
        ("groups", "look up groups by display name"),
        ("servicePrincipals", "look up service principals by name or client id"),
    ):
        # object ids are used as they are, except a service principal's, which may be a client id
        refs = [n.ref for n in principals if n.kind == kind and (kind == "servicePrincipals" or not _is_guid(n.ref))]
        if refs:
            out.append((need, f"{kind}: {', '.join(refs)}"))
    return out


def check_permissions(ctx: Context) -> None:
    claims = ctx.graph_claims
    listed = claims.get("roles") or ()
    roles = {str(r) for r in (listed.split() if isinstance(listed, str) else listed)}
    scopes = set(str(claims.get("scp") or "").split())
    caller = str(claims.get("oid") or "").lower()
    wanted = needs(ctx.spec, caller)
    if not wanted:
        ctx.report.add("graph", OK, "the spec asks nothing of Microsoft Graph")
        return
    if not roles and not scopes:
        ctx.report.add(
            "graph",
            WARNING,
            "the Graph token of the deploying identity names no permission (no `roles` or `scp` claim): its Graph rights cannot be checked",
            "run doctor with the credentials `pulumi up` uses (ARM_CLIENT_ID/ARM_TENANT_ID with OIDC or a secret, or ARM_USE_MSI)",
        )
        return
    if tenant.GRAPH_AS_USER in scopes:
        ctx.report.add("graph", OK, f"the Graph token is delegated ({tenant.GRAPH_AS_USER}): the signed-in user's own directory roles decide what it may do")
        return
    held = roles | scopes
    for need, why in wanted:
        accepted = tenant.GRAPH_NEEDS[need]
        have = [p for p in accepted if p in held]
        if have:
            ctx.report.add("graph", OK, f"Graph lets the deploying identity {need} ({have[0]})")
            continue
        holds = ", ".join(sorted(held)) or "no Graph permission"
        ctx.report.add(
            "graph",
            ERROR,
            f"the deploying identity may not {need} ({why}): its Graph token holds {holds}; {' or '.join(accepted)} is needed",
            _consent(claims, accepted[0], delegated=bool(scopes) and not roles),
        )
    if "Application.ReadWrite.OwnedBy" in held and caller:
        for app in ctx.spec.entra_apps.values():
            if caller in {o.lower() for o in app.owners}:
                ctx.report.add(
                    "graph",
                    ERROR,
                    f"entraApps.{app.key}.owners lists the deploying identity ({caller}): Entra makes it an owner of the apps it creates already, "
                    'and adding it again fails with "already exists"',
                    f"remove {caller} from entraApps.{app.key}.owners",
                )


def _consent(claims: dict[str, Any], permission: str, *, delegated: bool) -> str:
    role_id = tenant.GRAPH_APP_ROLES[permission]
    if delegated:
        return (
            f"an administrator consents {permission} (delegated) for the client you sign in with, or `pulumi up` runs as a service principal "
            f"that holds the application permission {permission}"
        )
    app = str(claims.get("appid") or claims.get("azp") or "<client id of the deploying identity>")
    return (
        f"add the application permission {permission} and grant admin consent: `az ad app permission add --id {app} --api {tenant.GRAPH_APP_ID} "
        f"--api-permissions {role_id}=Role` then `az ad app permission admin-consent --id {app}` (Entra admin center: App registrations > "
        f"the app > API permissions > Add a permission > Microsoft Graph > Application permissions > {permission} > Grant admin consent; "
        "a managed identity gets the app role through Graph's servicePrincipals/<id>/appRoleAssignments)"
    )


# --- 5. principals -------------------------------------------------------------------------------


def check_principals(ctx: Context) -> None:
    principals = named(ctx.spec)
    if not principals:
        return
    by_name: dict[str, list[Named]] = {}
    by_id: list[Named] = []
    for n in principals:
        if _is_guid(n.ref):
            by_id.append(n)
        else:
            by_name.setdefault(n.kind, []).append(n)
    problems = 0
    for kind, field_ in (("users", "userPrincipalName"), ("groups", "displayName"), ("servicePrincipals", "displayName")):
        if by_name.get(kind):
            problems += _named_lookups(ctx, kind, field_, by_name[kind])
    if by_id:
        problems += _id_lookups(ctx, by_id)
    if not problems:
        ctx.report.add("principals", OK, f"all {plural(len(principals), 'principal')} the spec names exist in Entra, each exactly once")


def _batches(items: list[Named]) -> Iterator[list[Named]]:
    for start in range(0, len(items), tenant.GRAPH_FILTER_BATCH):
        yield items[start : start + tenant.GRAPH_FILTER_BATCH]


def _find(ctx: Context, kind: str, field_: str, refs: list[str]) -> dict[str, list[dict[str, Any]]]:
    """Objects of `kind` whose `field_` is one of `refs` (lower case -> matches), one call per batch.
    A directory that refuses the `or` filter (400) is asked one name at a time."""
    found: dict[str, list[dict[str, Any]]] = {r.lower(): [] for r in refs}
    query = {"$filter": " or ".join(f"{field_} eq {quoted(r)}" for r in refs), "$select": "id,displayName,userPrincipalName,appId"}
    try:
        objects = list(ctx.live.graph.items(f"/{kind}", what=f"looking up {plural(len(refs), KINDS[kind])} in Entra", **query))
    except AzureError as exc:
        if exc.status != 400 or len(refs) == 1:
            raise
        for ref in refs:
            found.update(_find(ctx, kind, field_, [ref]))
        return found
    for obj in objects:
        key = str(obj.get(field_) or "").lower()
        if key in found:
            found[key].append(obj)
    return found


def _objects(ctx: Context, items: list[Named]) -> dict[str, dict[str, Any]]:
    """Object id -> object, through getByIds; where Graph refuses that, one GET per id of the kind the spec says."""
    try:
        found = ctx.live.graph.objects_by_ids([n.ref.lower() for n in items], what="looking up object ids in Entra")
    except AzureError as exc:
        if exc.status not in (400, 404, 405):
            raise
        found = []
        for n in items:
            obj = ctx.live.graph.get(f"/{n.kind}/{n.ref}", what=f"looking up {KINDS[n.kind]} {n.ref} in Entra")
            if obj is not None:
                found.append({"@odata.type": f"#microsoft.graph.{n.kind.rstrip('s')}", **obj})
    return {str(o.get("id", "")).lower(): o for o in found}


def _named_lookups(ctx: Context, kind: str, field_: str, items: list[Named]) -> int:
    problems = 0
    for batch in _batches(items):
        found = _find(ctx, kind, field_, [n.ref for n in batch])
        for n in batch:
            matches = found[n.ref.lower()]
            if not matches:
                problems += 1
                how = "its user principal name" if kind == "users" else "its exact display name"
                ctx.report.add("principals", ERROR, f"Entra has no {n.label}", f"fix the name in the spec ({how}), create it in Entra, or use its object id")
            elif len(matches) > 1:
                problems += 1
                ids = ", ".join(sorted(str(m.get("id")) for m in matches))
                ctx.report.add(
                    "principals",
                    ERROR,
                    f"{len(matches)} {KINDS[kind]}s in Entra match {n.label}: {ids}; the stack cannot tell which one is meant",
                    "name it by object id in the spec, or rename the others in Entra",
                )
    return problems


def _id_lookups(ctx: Context, items: list[Named]) -> int:
    """Object ids: getByIds; a service principal's id may also be its client id (appId)."""
    objects = _objects(ctx, items)
    clients: dict[str, list[dict[str, Any]]] = {}
    sps = [n for n in items if n.kind == "servicePrincipals" and n.ref.lower() not in objects]
    for batch in _batches(sps):
        clients.update(_find(ctx, "servicePrincipals", "appId", [n.ref for n in batch]))
    problems = 0
    for n in items:
        obj = objects.get(n.ref.lower())
        if obj is None and clients.get(n.ref.lower()):
            continue  # a service principal's client id
        if obj is None:
            problems += 1
            ctx.report.add(
                "principals",
                ERROR,
                f"Entra has no object with id {n.label}",
                "fix the id in the spec (an object id; for a service principal also its client id)",
            )
            continue
        kind = _ODATA_KIND.get(str(obj.get("@odata.type", "")).rsplit(".", 1)[-1], "")
        if kind and kind != n.kind:
            problems += 1
            ctx.report.add(
                "principals",
                ERROR,
                f"object {n.ref} is a {KINDS[kind]}, not a {KINDS[n.kind]} ({', '.join(n.where)})",
                f"list it under `{kind}` instead",
            )
    return problems
