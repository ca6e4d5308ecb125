"""What a diff's entries mean in Azure beyond their property changes: resources that go with
their owner, a new resource in the place of a deleted one (a renamed key without `moved`), an
identifier URI claimed twice, a move to another region, a stack file deleted.

Each function reads or annotates the entries `diff.diff` made; none changes an action except
`left_behind`, for a stack no pipeline deploys any more.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from apic_access.azure import arm

from .import_ids import arm_id
from .plan import PREVIEW_RESOURCE_TYPE, short_type
from .recorder import COMPUTED, PLACEHOLDER_SUBSCRIPTION, UNKNOWN, Registration, shown

if TYPE_CHECKING:
    from .diff import Diff


def left_behind(d: Diff) -> None:
    """The stack file is deleted: nothing runs `pulumi up` or `pulumi destroy` for the stack any
    more (the deploy workflow deploys the stacks whose files exist), so everything it manages
    stays in Azure and in its state. What `pulumi destroy` would do is said per resource."""
    said = {
        "retain": "`pulumi destroy` would leave it in Azure (retainOnDelete)",
        "forget": "`pulumi destroy` would delete nothing in Azure for it (an import)",
        "delete": f"`pulumi destroy --stack {d.stack}` would delete it in Azure",
    }
    for e in d.entries:
        e.destroy_deletes = e.action == "delete"
        e.action, e.notes = "leave", [said[e.action], *(n for n in e.notes if n.startswith("protected"))]


def arm_id_of(r: Registration) -> str | None:
    try:
        rid = arm_id(r, PLACEHOLDER_SUBSCRIPTION)
    except KeyError:
        return None
    return rid.lower() if rid else None


@dataclass(frozen=True)
class Renewed:
    """Resources created in the place of deleted ones of their type (a renamed key without
    `moved`). Values only Azure knows (a client id) read `[unknown until apply]` on both
    sides, yet a new resource's are new ones."""

    created: dict[str, Registration]  # by HEAD URN
    deleted: dict[str, Registration]  # by BASE URN

    def new_source(self, a: Registration, b: Registration) -> tuple[Registration, Registration] | None:
        """(deleted, new) when `b` takes values from a new resource where `a` took them from a
        deleted one of its type."""
        before = {self.deleted[d].type: self.deleted[d] for d in a.dependencies if d in self.deleted}
        found = [(before[self.created[d].type], self.created[d]) for d in b.dependencies if d in self.created and self.created[d].type in before]
        # the value only Azure knows comes from a type that has such values (an app's client id)
        found.sort(key=lambda pair: pair[1].type not in COMPUTED)
        return found[0] if found else None


def renewed(old: dict[str, Registration], new: dict[str, Registration], created: list[str], deleted: list[str]) -> Renewed:
    types = {old[u].type for u in deleted} & {new[u].type for u in created}
    return Renewed({u: new[u] for u in created if new[u].type in types}, {u: old[u] for u in deleted if old[u].type in types})


_IDENTIFIER_URI = "azuread:index/applicationIdentifierUri:ApplicationIdentifierUri"
_APP = "azuread:index/applicationRegistration:ApplicationRegistration"
# deleting these changes nothing in Azure: an import is undone only by deleting its definition
NOTHING_TO_DELETE = ("pulumi-python:dynamic/apicenter:DefinitionImport",)


def with_their_owner(out: Diff) -> None:
    """Deletes that go with their owner, deleted in the same run: an app's parts and service
    principal with the app, an ARM resource with the one its id is under. Keeping such a
    resource out of the state keeps nothing, so no `pulumi state delete` is offered."""
    deletes = out.of("delete")
    apps = {e.resource.parent: e.resource.name for e in deletes if e.resource.type == _APP}
    ids = {rid: e.resource for e in deletes if (rid := any_id(e.resource))}
    for e in deletes:
        r = e.resource
        if r.type.startswith("azuread:index/application") or r.type == "azuread:index/servicePrincipal:ServicePrincipal":
            if r.type != _APP and r.parent in apps:
                e.keepable = False
                e.notes.append(f"Entra deletes it with app {apps[r.parent]}")
        elif (rid := any_id(r)) and (owner := next((o for i, o in ids.items() if rid.startswith(i + "/") and not any(x.lower() in rid for x in arm.CASCADE_EXCLUDES)), None)):
            e.keepable = False
            e.notes.append(f"Azure deletes it with {short_type(owner.type)} {owner.name}")


def any_id(r: Registration) -> str | None:
    """An ARM id, also of the preview types our own provider writes (bindings, auth configs)."""
    rid = r.inputs.get("resourceId") if r.type == PREVIEW_RESOURCE_TYPE else None
    return rid.lower() if isinstance(rid, str) else arm_id_of(r)


_RESOURCE_GROUP = "azure-native:resources:ResourceGroup"


def region_moves(out: Diff) -> None:
    """A new `location` replaces the resource group, the API center and the vault. Azure moves
    none of them between regions, and names outlive a delete: say what a move really takes."""
    for e in out.of("replace"):
        moved = next((c for c in e.changes if c.path == "location"), None)
        if moved is None:
            continue
        e.notes = [n for n in e.notes if not n.startswith("its Azure id stays the same")]
        e.notes.append(
            f"Azure does not move it from {moved.old} to {moved.new}: the replacement has the same name, and Azure refuses to create it "
            f"while the old one exists, so `pulumi up` fails here unless the old one is deleted first"
        )
        if e.resource.type != _RESOURCE_GROUP:
            continue
        group = str(e.resource.inputs.get("resourceGroupName") or e.resource.name)
        inside = sorted(f"{short_type(x.resource.type)} {x.resource.name}" for x in out.entries if x is not e and x.resource.inputs.get("resourceGroupName") == group)
        listed = ", ".join(inside[:5]) + (f" and {len(inside) - 5} more" if len(inside) > 5 else "")
        e.notes.append(f"deleting resource group {group} deletes everything in it" + (f" ({listed}, and anything else in it)" if inside else "") + ", then it is created empty")
        taken = []
        for x in out.entries:
            i = x.resource.inputs
            if x.resource.inputs.get("resourceGroupName") != group:
                continue
            if x.resource.type == "azure-native:keyvault:Vault":
                props: dict[str, Any] = i["properties"] if isinstance(i.get("properties"), dict) else {}
                days = props.get("softDeleteRetentionInDays", 90)
                purge = "purge protection: it cannot be purged, " if props.get("enablePurgeProtection") else ""
                taken.append(f"Key Vault {x.resource.name} ({purge}its name stays taken in every region for {days} days)")
            elif x.resource.type == "azure-native:apicenter:Service":
                taken.append(f"API center {x.resource.name} (soft-deleted: its name stays taken until it is purged or restored)")
        if taken:
            e.notes.append("names that stay taken after the delete: " + "; ".join(taken))


def new_apps(out: Diff) -> None:
    """An Entra app deleted while another is created: most likely a renamed key, which without
    `moved` makes a new app (a new client id for every auth config that uses it)."""
    gone = [e for e in out.of("delete") if e.resource.type == _APP]
    made = [e for e in out.of("create") if e.resource.type == _APP]
    if len(gone) == 1 and len(made) == 1:
        old, new = gone[0].resource.name, made[0].resource.name
        gone[0].notes.append(
            f"a new app {new} is created in this run: if entraApps.{old} was renamed to entraApps.{new}, add "
            f"`moved: [{{from: entraApps.{old}, to: entraApps.{new}}}]` to the spec, and the app is kept with its client id"
        )


def duplicate_identifier_uris(out: Diff, old: dict[str, Registration], deleted: list[str]) -> None:
    """Pulumi creates before it deletes: a new app that claims the identifier URI of an app
    deleted in the same run is refused by Entra (identifier URIs are unique in a tenant)."""
    held = {str(old[u].inputs.get("identifierUri")).lower(): old[u] for u in deleted if old[u].type == _IDENTIFIER_URI}
    for e in out.of("create"):
        uri = e.resource.inputs.get("identifierUri")
        if e.resource.type != _IDENTIFIER_URI or not isinstance(uri, str) or uri == UNKNOWN or uri.lower() not in held:
            continue
        gone = held[uri.lower()]
        e.notes.append(
            f"Entra refuses a duplicate identifier URI, and `pulumi up` creates this before it deletes {gone.name}, which holds {shown(uri, out.placeholders)}: "
            "this create fails. If the app's key was renamed, add a `moved` entry (the app is kept, with its client id); "
            "otherwise give the new app another identifierUri"
        )


def unknown_paths(value: Any, prefix: str = "") -> list[str]:
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in unknown_paths(v, f"{prefix}.{k}" if prefix else k)]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in unknown_paths(v, f"{prefix}[{i}]")]
    return [prefix] if value == UNKNOWN else []


def kept_secret_note(vault: str, secret: str) -> str:
    """What to do with a secret the stack no longer writes: it stays in the vault, value and all."""
    return (
        f"the secret stays in vault {vault} with its value: to use it again, list it in the spec with `existing: true` "
        f"(a `fromConfig` entry of the same name would meet it as already existing); to remove it for good: "
        f"az keyvault secret delete --vault-name {vault} --name {secret}, then "
        f"az keyvault secret purge --vault-name {vault} --name {secret} (refused under purge protection: the name is then free at the end of the retention)"
    )
